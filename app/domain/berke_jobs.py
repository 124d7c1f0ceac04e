"""What a coordinator needs to know about a Berke job when choosing one: how long the
assessment takes, and whether the job gives a match score.

The seed: "The most important outcome of this value is the data captured by the assessment. For
example, a job that only captures personality data cannot be used to generate match scores for
jobs that require talent measures." ``GetJobs`` says which jobs can (``matchEnabled``) and how
long each takes (``length``, ``lengthSeconds``).
"""

from __future__ import annotations

import re

from app.domain.berke import BerkeJob
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus

_CLOCK = re.compile(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d))?", re.ASCII)

MATCH = "match score"
NO_MATCH = "no match score"


def length_minutes(job: BerkeJob) -> int | None:
    """The assessment's length in whole minutes (at least 1), from ``lengthSeconds`` or else
    ``length`` ("00:45:00"); None when Berke gives neither in a readable form."""
    seconds = job.length_seconds
    if seconds is None and job.length:
        found = _CLOCK.fullmatch(job.length.strip())
        if found is not None:
            hours, minutes, secs = found.groups()
            seconds = int(hours) * 3600 + int(minutes) * 60 + int(secs or 0)
    if seconds is None or seconds <= 0:
        return None
    return max(1, round(seconds / 60))


def job_facts(job: BerkeJob) -> str:
    """What Berke says of the job ("45 min · match score"); "" when it says nothing."""
    facts: list[str] = []
    minutes = length_minutes(job)
    if minutes is not None:
        facts.append(f"{minutes} min")
    if job.match_enabled is not None:
        facts.append(MATCH if job.match_enabled else NO_MATCH)
    return " · ".join(facts)


def job_label(job: BerkeJob) -> str:
    """The job as the picker shows it: its name and its facts."""
    name = job.name or job.source_job_id
    facts = job_facts(job)
    return f"{name} — {facts}" if facts else name


def result_needs_fit(order: AssessmentOrder) -> bool:
    """Whether the result this desk will deliver for ``order`` is scored by a job fit.

    Every result the console delivers is (``berke_results.result_for``: the score, "passed" and
    the description come from the fit for the order's job), so every order still open for a
    result needs one; a completed or rejected order needs nothing more.
    """
    return order.status in (OrderStatus.NEW, OrderStatus.IN_PROGRESS)


def no_match_warning(job: BerkeJob | None, order: AssessmentOrder) -> str | None:
    """A warning when ``job`` cannot give the match score ``order``'s result needs."""
    if job is None or job.match_enabled is not False or not result_needs_fit(order):
        return None
    return (
        f"“{job.name or job.source_job_id}” gives no match score (Berke: a job that only "
        "captures personality data cannot generate match scores), but this order's result is "
        "the candidate's job fit. Choose a job with a match score unless you mean it."
    )
