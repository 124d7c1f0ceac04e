"""Which of Berke's jobs an order's job is, by name: the one rule the assessment form, the
batch plan and the delivered result's fit all use."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from app.domain.text_fold import fold_case

T = TypeVar("T")


def job_key(name: str | None) -> str:
    """A job name as compared: spaces collapsed, any case (``fold_case``: "MUHASEBE UZMANI" is
    "Muhasebe Uzmanı")."""
    return fold_case(" ".join((name or "").split()))


def same_job(wanted: str | None, jobs: Iterable[T], name_of: Callable[[T], str]) -> T | None:
    """The job named ``wanted`` (any case, any spacing), if one is."""
    key = job_key(wanted)
    if not key:
        return None
    return next((job for job in jobs if job_key(name_of(job)) == key), None)


def closest_job(wanted: str | None, jobs: Iterable[T], name_of: Callable[[T], str]) -> T | None:
    """The job named ``wanted`` (``same_job``), else one whose name's words are among its
    words, or hold them ("Sales Manager" for "Senior Sales Manager"; never "Sales" for
    "Salesforce Developer").

    Among several partial matches the name closest in length wins, being the nearest in
    meaning ("Sales Manager" over "Sales" for "Senior Sales Manager"); ties keep the order
    given (Berke's)."""
    jobs = list(jobs)
    exact = same_job(wanted, jobs, name_of)
    if exact is not None:
        return exact
    key = job_key(wanted)
    if not key:
        return None
    words = key.split(" ")
    named = [(job, job_key(name_of(job))) for job in jobs]
    partial = [
        (job, name)
        for job, name in named
        if name and (_runs_in(name.split(" "), words) or _runs_in(words, name.split(" ")))
    ]
    if not partial:
        return None
    return min(partial, key=lambda pair: abs(len(pair[1]) - len(key)))[0]


def _runs_in(part: list[str], whole: list[str]) -> bool:
    """Whether the words ``part`` come one after another in ``whole``."""
    size = len(part)
    return any(whole[start : start + size] == part for start in range(len(whole) - size + 1))
