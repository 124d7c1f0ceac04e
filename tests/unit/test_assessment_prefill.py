"""The form's starting values and job preselection, taken from a SmartRecruiters order."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.assessment_prefill import (
    is_stable_candidate_id,
    match_job,
    prefill_from_order,
    stable_candidate_id,
)
from app.domain.berke import BerkeJob, CreateAssessmentRequest
from app.domain.berke_text import BerkeParam
from app.domain.smartrecruiters import AssessmentOrder


def order(
    job_name: str | None = "Sales Manager", order_id: str = "order-1", **candidate: Any
) -> AssessmentOrder:
    data: dict[str, Any] = {
        "id": order_id,
        "status": "NEW",
        "candidate": {
            "id": "cand-42",
            "firstName": "Zoë",
            "lastName": "Müller",
            "email": "zoe@example.com",
            "phone": "+49 30 1234",
            **candidate,
        },
    }
    if job_name is not None:
        data["job"] = {"name": job_name}
    return AssessmentOrder.model_validate(data)


def jobs(*names: str) -> list[BerkeJob]:
    return [
        BerkeJob.model_validate({BerkeParam.SOURCE_JOB_ID: f"J{i}", "name": name})
        for i, name in enumerate(names, start=1)
    ]


def test_prefill_takes_the_candidate_under_berke_spellings() -> None:
    assert prefill_from_order(order()) == {
        BerkeParam.FIRST_NAME: "Zoë",
        BerkeParam.LAST_NAME: "Müller",
        BerkeParam.EMAIL_ADDRESS: "zoe@example.com",
        BerkeParam.PHONE_NUMBER: "+49 30 1234",
        BerkeParam.SOURCE_CANDIDATE_ID: "",
    }


def test_prefill_gives_empty_text_for_what_the_candidate_lacks() -> None:
    values = prefill_from_order(order(email=None, phone=None))
    assert values[BerkeParam.EMAIL_ADDRESS] == ""
    assert values[BerkeParam.PHONE_NUMBER] == ""
    # Empty means absent for Berke, so the prefill validates as is.
    params = CreateAssessmentRequest.model_validate(values).to_params()
    assert BerkeParam.EMAIL_ADDRESS not in params
    assert BerkeParam.PHONE_NUMBER not in params


def test_the_smartrecruiters_candidate_id_is_never_the_berke_id() -> None:
    """A candidate has several orders; Berke ids are unique: the id is per order."""
    first, second = order(), order(order_id="order-2")
    assert first.candidate.id == second.candidate.id
    assert prefill_from_order(first)[BerkeParam.SOURCE_CANDIDATE_ID] == ""
    assert stable_candidate_id(first.id) != stable_candidate_id(second.id)
    assert first.candidate.id not in stable_candidate_id(first.id)
    assert len(stable_candidate_id(first.id)) <= 50
    assert is_stable_candidate_id(first.id, stable_candidate_id(first.id).lower())
    assert not is_stable_candidate_id(first.id, stable_candidate_id(second.id))
    assert not is_stable_candidate_id(first.id, None)


@pytest.mark.parametrize(
    ("order_job", "berke_jobs", "expected"),
    [
        ("Sales Manager", ("Engineer", "sales manager", "Sales"), "J2"),  # exact, any case
        ("  sales   MANAGER ", ("Sales Manager",), "J1"),  # spacing does not matter
        ("Senior Sales Manager", ("Engineer", "Sales Manager"), "J2"),  # Berke name inside
        ("Sales", ("Engineer", "Regional Sales Lead"), "J2"),  # order name inside
        ("Senior Sales Manager", ("Sales", "Sales Manager"), "J2"),  # the closest partial
        ("Sales Manager", ("Sales", "Sales Manager (EMEA)", "Sales Manager"), "J3"),  # exact wins
        ("Nurse", ("Engineer", "Sales Manager"), None),
        ("Salesforce Developer", ("Sales", "Developer Relations"), None),  # whole words only
    ],
)
def test_match_job(order_job: str, berke_jobs: tuple[str, ...], expected: str | None) -> None:
    found = match_job(order(order_job), jobs(*berke_jobs))
    assert (found.source_job_id if found else None) == expected


@pytest.mark.parametrize(
    ("typed", "berke"),
    [
        ("MUHASEBE UZMANI", "Muhasebe Uzmanı"),
        ("SATIŞ MÜDÜRÜ", "Satış Müdürü"),
        ("İNSAN KAYNAKLARI UZMANI", "İnsan Kaynakları Uzmanı"),
        ("YAZILIM GELİŞTİRİCİ", "Yazılım Geliştirici"),
        ("yazılım geliştirici", "Yazılım Geliştirici"),
    ],
)
def test_a_job_in_turkish_capitals_is_its_berke_job(typed: str, berke: str) -> None:
    """The order's "UZMANI" is "Uzmanı" in capitals, but ``str.casefold`` made it "uzmani"
    and "Uzmanı" "uzmanı" (and "İ" an "i" with a dot above): no job matched, and every such
    order was preselected the company's default job, or another whose name shares a word."""
    names = ("Satış Müdürü", "Muhasebe Uzmanı", "İnsan Kaynakları Uzmanı", "Yazılım Geliştirici")
    found = match_job(order(typed), jobs(*names))
    assert found is not None, f"{typed!r} matched no job"
    assert found.name == berke, f"{typed!r} matched {found.name!r}"


def test_no_match_without_a_job_name_or_for_unnamed_jobs() -> None:
    assert match_job(order(None), jobs("Sales")) is None
    assert match_job(order(""), jobs("Sales")) is None
    # An empty Berke name is "contained" in every name; it must not match everything.
    assert match_job(order("Sales"), jobs("")) is None
    assert match_job(order("Sales"), []) is None
