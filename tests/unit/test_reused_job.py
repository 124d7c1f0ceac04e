"""Which Berke job a reuse keeps: the other order's chosen job for a re-order of the same
SmartRecruiters job, none for another job (the order's own fit is then found by name)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.domain.journal_terms import LinkedAssessment
from app.domain.reused_job import reused_job_id, reused_on_default_job, same_order_job
from app.domain.smartrecruiters import AssessmentOrder, Job

SOURCE = LinkedAssessment(
    order_id="o-1",
    source_candidate_id="cand-1",
    invitation_code="INV-1",
    assessment_url="https://berke.example/a/INV-1",
    created_at=datetime(2026, 11, 30, tzinfo=UTC),
    source_job_id="SW-ENG",
)


def order(order_id: str, job: dict[str, Any] | None) -> AssessmentOrder:
    data: dict[str, Any] = {
        "id": order_id,
        "status": "NEW",
        "candidate": {"id": "c-1", "firstName": "Deniz", "lastName": "Sandoval"},
    }
    if job is not None:
        data["job"] = job
    return AssessmentOrder.model_validate(data)


@pytest.mark.parametrize(
    ("job", "other", "same"),
    [
        (Job(id="j-1", name="Data Analyst"), Job(id="j-1", name="Data Analyst"), True),
        # The id decides when both give one: renamed since, still the job.
        (Job(id="j-1", name="Data Analyst"), Job(id="j-1", name="Senior Data Analyst"), True),
        # Two jobs of one name (one per city): not the same job.
        (Job(id="j-1", name="Data Analyst"), Job(id="j-2", name="Data Analyst"), False),
        # Without an id on one side, the name as the job names are compared.
        (Job(name="Data  analyst"), Job(id="j-1", name="DATA ANALYST"), True),
        (Job(name="Muhasebe Uzmanı"), Job(name="MUHASEBE UZMANI"), True),
        (Job(name="Data Analyst"), Job(name="Data Analyst II"), False),
        # Nothing to go by: never the same.
        (Job(name=""), Job(name=" "), False),
        (None, Job(name="Data Analyst"), False),
        (Job(name="Data Analyst"), None, False),
    ],
)
def test_two_orders_are_for_the_same_job_by_id_else_by_name(
    job: Job | None, other: Job | None, same: bool
) -> None:
    assert same_order_job(job, other) is same
    assert same_order_job(other, job) is same


def test_a_reorder_of_the_same_job_keeps_the_job_chosen_for_the_first_order() -> None:
    first = order("o-1", {"id": "j-1", "name": "Data Analyst"})
    again = order("o-2", {"id": "j-1", "name": "Data Analyst"})
    assert reused_job_id(again, first, SOURCE) == "SW-ENG"
    # The first order's assessment made with Berke's default job: still none.
    default = SOURCE.model_copy(update={"source_job_id": None})
    assert reused_job_id(again, first, default) is None


def test_a_reuse_for_another_job_or_an_order_no_longer_known_keeps_no_job() -> None:
    first = order("o-1", {"id": "j-1", "name": "Data Analyst"})
    other = order("o-2", {"id": "j-2", "name": "Registered Nurse"})
    assert reused_job_id(other, first, SOURCE) is None
    assert reused_job_id(order("o-3", {"id": "j-1", "name": "Data Analyst"}), None, SOURCE) is None
    assert reused_job_id(order("o-4", None), order("o-5", None), SOURCE) is None


def test_a_reorder_of_the_same_job_of_a_default_job_assessment_is_judged_on_that_job() -> None:
    first = order("o-1", {"id": "j-1", "name": "Data Analyst"})
    again = order("o-2", {"id": "j-1", "name": "Data Analyst"})
    default = SOURCE.model_copy(update={"source_job_id": None})
    assert reused_on_default_job(again, first, default, source_reused=False)
    # A reuse of such a reuse, for the same job: judged so too.
    kept = default.model_copy(update={"on_default_job": True})
    assert reused_on_default_job(again, first, kept, source_reused=True)


def test_no_default_job_for_another_job_a_chosen_job_or_a_reuse_judged_on_its_own_job() -> None:
    first = order("o-1", {"id": "j-1", "name": "Data Analyst"})
    default = SOURCE.model_copy(update={"source_job_id": None})
    other = order("o-2", {"id": "j-2", "name": "Registered Nurse"})
    assert not reused_on_default_job(other, first, default, source_reused=False)
    again = order("o-3", {"id": "j-1", "name": "Data Analyst"})
    # A job chosen for the first order: that job (``reused_job_id``), not the default one.
    assert not reused_on_default_job(again, first, SOURCE, source_reused=False)
    # The first order itself reused an assessment for another job: judged on its own
    # job's fit by name, never on the default job.
    assert not reused_on_default_job(again, first, default, source_reused=True)
    # The first order no longer known: cannot be shown to be for the same job.
    assert not reused_on_default_job(again, None, default, source_reused=False)
