"""What the CreateAssessment form starts from, taken from a SmartRecruiters order.

Plain functions so the form stays thin and the choices (which id, which job) are tested
without Qt.
"""

from __future__ import annotations

import hashlib

from app.domain.berke import BerkeJob
from app.domain.berke_text import BerkeParam
from app.domain.job_names import closest_job
from app.domain.smartrecruiters import AssessmentOrder


def stable_candidate_id(order_id: str) -> str:
    """The sourceCandidateId an order's assessment gets unless the coordinator types one.

    Per order, never the SmartRecruiters candidate id: a candidate often has several orders,
    and Berke ids must be unique. Always sent (rather than letting Berke generate one) because
    a generated id is lost with a crash before the answer is recorded; this one can be looked up.
    """
    return "AD-" + hashlib.sha256(order_id.encode()).hexdigest()[:20].upper()


def is_stable_candidate_id(order_id: str, candidate_id: str | None) -> bool:
    """Whether ``candidate_id`` is the order's own (Berke compares ids without case)."""
    return candidate_id is not None and (
        candidate_id.strip().casefold() == stable_candidate_id(order_id).casefold()
    )


def prefill_from_order(order: AssessmentOrder) -> dict[str, str]:
    """Initial form text under Berke's spellings; a missing value is ``""``.

    The candidate id starts empty: empty means the order's own id (``stable_candidate_id``).
    """
    candidate = order.candidate
    return {
        BerkeParam.FIRST_NAME: candidate.first_name or "",
        BerkeParam.LAST_NAME: candidate.last_name or "",
        BerkeParam.EMAIL_ADDRESS: candidate.email or "",
        BerkeParam.PHONE_NUMBER: candidate.phone or "",
        BerkeParam.SOURCE_CANDIDATE_ID: "",
    }


def match_job(order: AssessmentOrder, jobs: list[BerkeJob]) -> BerkeJob | None:
    """The Berke job for the order's job (``closest_job``: same name, else the nearest)."""
    return closest_job(order.job.name if order.job else None, jobs, lambda job: job.name)
