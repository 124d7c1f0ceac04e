"""What the CreateAssessment form starts from, taken from a SmartRecruiters order.

Plain functions so the form stays thin and the choices (which id, which job) are tested
without Qt.
"""

from __future__ import annotations

from app.domain.berke import BerkeJob, P
from app.domain.smartrecruiters import AssessmentOrder

SOURCE_CANDIDATE_ID_MAX = 50


def prefill_from_order(order: AssessmentOrder) -> dict[str, str]:
    """Initial form text under Berke's spellings; a missing value is ``""``."""
    candidate = order.candidate
    candidate_id = candidate.id.strip()
    if len(candidate_id) > SOURCE_CANDIDATE_ID_MAX:
        # Berke refuses an id over 50 characters, and a cut id could collide with another
        # candidate's: leave it empty so Berke generates one (the response returns it).
        candidate_id = ""
    return {
        P.FIRST_NAME: candidate.first_name or "",
        P.LAST_NAME: candidate.last_name or "",
        P.EMAIL_ADDRESS: candidate.email or "",
        P.PHONE_NUMBER: candidate.phone or "",
        P.SOURCE_CANDIDATE_ID: candidate_id,
    }


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def match_job(order: AssessmentOrder, jobs: list[BerkeJob]) -> BerkeJob | None:
    """The Berke job for the order's job: same name (any case), else one name inside the other.

    Among several partial matches the name closest in length wins, being the nearest in
    meaning ("Sales Manager" over "Sales" for "Senior Sales Manager"); ties keep Berke's order.
    """
    wanted = _key(order.job.name) if order.job else ""
    if not wanted:
        return None
    named = [(job, _key(job.name)) for job in jobs if _key(job.name)]
    for job, key in named:
        if key == wanted:
            return job
    partial = [(job, key) for job, key in named if key in wanted or wanted in key]
    if not partial:
        return None
    return min(partial, key=lambda pair: abs(len(pair[1]) - len(wanted)))[0]
