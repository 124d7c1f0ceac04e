"""Which of Berke's jobs an order's job is, by name: the one rule the assessment form, the
batch plan and the delivered result's fit all use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def job_key(name: str | None) -> str:
    """A job name as compared: spaces collapsed, any case."""
    return " ".join((name or "").split()).casefold()


def closest_job(wanted: str | None, jobs: Iterable[T], name_of: Callable[[T], str]) -> T | None:
    """The job named ``wanted`` (any case), else one whose name is inside it or holds it.

    Among several partial matches the name closest in length wins, being the nearest in
    meaning ("Sales Manager" over "Sales" for "Senior Sales Manager"); ties keep the order
    given (Berke's)."""
    key = job_key(wanted)
    if not key:
        return None
    named = [(job, job_key(name_of(job))) for job in jobs]
    named = [(job, name) for job, name in named if name]
    for job, name in named:
        if name == key:
            return job
    partial = [(job, name) for job, name in named if name in key or key in name]
    if not partial:
        return None
    return min(partial, key=lambda pair: abs(len(pair[1]) - len(key)))[0]
