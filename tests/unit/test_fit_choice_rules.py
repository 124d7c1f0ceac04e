"""Mutation-audit pins for the fit rules: where Berke stands (``progress_of``), which fits are
exactly the order's job's (``exact_fits``), when they disagree (``disagreeing_fits``), which
are copies (``_copy_of``), and delivery's refusal and report-name matching (``_same_name``)."""

from __future__ import annotations

import asyncio
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.domain.attachments import UploadState
from app.domain.berke_progress import BerkeProgress, progress_of
from app.domain.berke_results import CompletedAssessment, report_file_name, result_description
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, ResultType
from app.domain.uploads import Upload
from app.workflows import delivery
from app.workflows.refusals import NothingToDeliverError

ORDER = AssessmentOrder.model_validate(
    {
        "id": "o1", "status": "IN_PROGRESS",
        "candidate": {"id": "c1", "firstName": "Zoë", "lastName": "Müller"},
        "job": {"name": "Registered Nurse – ICU"},
    }
)  # fmt: skip
NURSE = {"job": "Registered Nurse – ICU", "sourceJobId": "J-NURSE", "fitPct": 0.92, "fitId": 3,
         "fit": "High", "isPrimaryJob": True}  # fmt: skip
SALES = {"job": "Sales", "sourceJobId": "J-SALES", "fitPct": 0.41, "fitId": 1, "fit": "Low"}
AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def completed(*fits: dict[str, Any]) -> CompletedAssessment:
    return CompletedAssessment.model_validate({"sourceCandidateId": "AD-1", "jobFit": list(fits)})


@pytest.mark.parametrize(
    ("status_id", "name", "progress"),
    [(1, "Not started", BerkeProgress.STARTED), (2, "Not started", BerkeProgress.COMPLETE),
     (2, "Started", BerkeProgress.COMPLETE),
     # A name saying complete beside 0 or 1: neither is believed. Read as complete, the desk
     # would look for a result Berke may not have; read by the id, an assessment called
     # complete could be deleted as one not finished. Unknown: no reminder, no delete.
     (1, "Complete", BerkeProgress.UNKNOWN), (0, "Completed", BerkeProgress.UNKNOWN)],
)  # fmt: skip
def test_a_status_id_the_reference_defines_is_not_overruled_by_a_name_saying_otherwise(
    status_id: int, name: str, progress: BerkeProgress
) -> None:
    """StatusId 2 decides whatever the name says, and 1 whatever it says short of complete;
    a 0 or a 1 whose name says complete is Unknown."""
    assert progress_of(status_id, name) is progress


def test_a_job_id_berke_does_not_list_falls_back_to_the_same_job_name() -> None:
    """The order's job id is not among Berke's fits (its id changed, a fit listed without
    it): the fit of exactly the same name is still the order's own, not "none"."""
    done = completed(NURSE, SALES)
    assert done.exact_fits("J-RENAMED", "Registered Nurse – ICU") == (done.job_fits[0],)
    assert done.exact_fit("J-RENAMED", "registered  nurse – icu") is done.job_fits[0]


def test_an_order_without_a_job_name_or_id_has_no_exact_fit_among_unnamed_ones() -> None:
    """Fits Berke gives without a job name are no order's "same name": an order with no job
    would take whichever unnamed fit came first as its own (or refuse them as disagreeing)."""
    done = completed({"sourceJobId": "J-1", "fitPct": 0.2}, {"sourceJobId": "J-2", "fitPct": 0.9})
    assert done.exact_fits(None, None) == ()
    assert done.exact_fits(None, "  ") == ()
    assert done.disagreeing_fits(None, None) == ()


@pytest.mark.parametrize(
    ("first", "second"),
    [({"fitPct": 0.91, "fitId": 3}, {"fitPct": 0.97, "fitId": 3}),  # one level, two percentages
     ({"fitPct": 0.6, "fitId": 2}, {"fitPct": 0.6, "fitId": 3})],  # one percentage, two levels
    ids=["percent-differs", "level-differs"],
)  # fmt: skip
def test_fits_for_the_orders_job_differing_in_level_or_percentage_alone_disagree(
    first: dict[str, Any], second: dict[str, Any]
) -> None:
    """The result says both ("High fit (91 %)"): either differing is two verdicts."""
    done = completed({**NURSE, **first}, SALES, {**NURSE, "sourceJobId": "j-nurse", **second})
    assert done.disagreeing_fits("J-NURSE", None) == (done.job_fits[0], done.job_fits[2])


def test_fits_that_round_to_the_same_percentage_agree() -> None:
    """0.912 and 0.914 are both "High fit (91 %)": the same result, not a refusal."""
    done = completed({**NURSE, "fitPct": 0.912}, {**NURSE, "fitPct": 0.914})
    assert done.disagreeing_fits("J-NURSE", None) == ()


def test_another_job_of_the_same_name_and_score_is_still_listed_among_the_others() -> None:
    """Two jobs may share a name (one per city): the other one, with its own id, is another
    job, not a copy of the order's fit, and the recruiter sees it."""
    done = completed(NURSE, {**NURSE, "sourceJobId": "J-NURSE-OSLO", "isPrimaryJob": False})
    described = result_description(done, done.job_fits[0])
    assert described.count("<li>") == 2


def test_disagreeing_fits_are_refused_naming_berkes_job_and_each_thing_it_said() -> None:
    """The coordinator is told what Berke said of the job, both fits, to ask Berke which."""
    done = completed({**NURSE, "fitPct": 0.12, "fitId": 1, "fit": "Low"}, SALES,
                     {**NURSE, "sourceJobId": "j-nurse"})  # fmt: skip
    with pytest.raises(NothingToDeliverError) as refused:
        delivery._fit_to_deliver(done, "J-NURSE", "Nurse (ICU) – Oslo")
    assert str(refused.value).startswith(
        "Berke gave different fits for Registered Nurse – ICU (Low fit (12 %) and High fit (92 %))"
    )


def upload(name: str, state: UploadState, path: str = "/tmp/sent.pdf") -> Upload:
    return Upload(
        id=1, order_id=ORDER.id, result_id="r-1", path=path, file_name=name, size=123,
        state=state, created_at=AT, updated_at=AT,
    )  # fmt: skip


COMPOSED = "Berke report - Zoë Müller.pdf"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)


@pytest.mark.parametrize(("queued", "named"), [(DECOMPOSED, COMPOSED), (COMPOSED, DECOMPOSED)])
def test_a_report_is_the_same_whichever_unicode_form_either_side_names_it(
    queued: str, named: str
) -> None:
    """An older version queued or named the report decomposed ("Zoe\u0308"): the same
    report, never queued a second time or refused as another one."""
    assert queued != named
    assert delivery._same_name(upload(queued, UploadState.DONE), named)
    assert not delivery._same_name(upload(queued, UploadState.DONE), "Berke report - Zoe.pdf")


def test_a_report_an_older_version_queued_decomposed_is_not_queued_again() -> None:
    """The report on its way under its decomposed name is the one this delivery would queue:
    nothing more is queued (nor asked of the disk or the service)."""
    on_its_way = upload(DECOMPOSED, UploadState.UPLOADING)
    desk: Any = SimpleNamespace(results=SimpleNamespace(for_order=lambda _order_id: [on_its_way]))
    plan: Any = SimpleNamespace(report_name=COMPOSED, report=Path("/nowhere/report.pdf"))
    assert asyncio.run(delivery._queue_report(desk, ORDER, plan, 10_000_000)) == []


def test_a_result_made_earlier_naming_its_report_decomposed_goes_with_the_copy_already_sent(
    tmp_path: Path,
) -> None:
    """The result names the report decomposed, the upload holds it composed: it is the copy
    sent, and nothing is fetched from Berke or attached beside it."""
    done = completed(NURSE, SALES)
    name = unicodedata.normalize("NFD", report_file_name(ORDER, done.job_fits[0]))
    made = AssessmentResult(result_type=ResultType.DOCUMENT, result=name, title="Berke job fit")
    sent = upload(unicodedata.normalize("NFC", name), UploadState.DONE, str(tmp_path / "s.pdf"))
    desk: Any = SimpleNamespace(
        reports=SimpleNamespace(path_for=lambda _order_id, _name: tmp_path / "not-kept.pdf"),
        results=SimpleNamespace(for_order=lambda _order_id: [sent]),
    )
    plan = asyncio.run(
        delivery._plan_for_result_made_earlier(
            desk, ORDER, made, source_candidate_id="AD-1", completed=done, chosen_now=None
        )
    )
    assert (plan.report, plan.report_size, plan.made_earlier) == (tmp_path / "s.pdf", 123, True)
