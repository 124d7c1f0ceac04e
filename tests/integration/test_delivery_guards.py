"""Deliver again completes an order whose result was made but not completed, says the result
was made earlier, and attaches only the report that result names (each rule here once had a
mutant or a bug no test saw)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.clients.errors import ApiError
from app.domain.attachments import DEFAULT_MAX_BYTES, UploadState
from app.domain.berke_results import CompletedAssessment, JobFit
from app.domain.journal import CreateResultStep
from app.domain.journal_terms import ResultFlow
from app.domain.smartrecruiters import AssessmentResult, OrderStatus, ResultType
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import BoardOptions, OrderBoard
from app.workflows.delivery import deliver, plan_delivery
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.steps import run_step
from tests.integration.helpers import FailsOnce
from tests.integration.test_close_the_loop import (
    _answers_changed,
    finished,
    finished_order,
    nurse_order,
    results_of,
    two_orders_on_one_assessment,
    with_board,
)


def test_deliver_again_completes_an_order_whose_result_was_made_but_not_completed(
    tmp_path: Path,
) -> None:
    """D03 (delivery.py `deliver`, ``existing ... and a done complete step``): documented
    flow, the Deliver made the order's result and its completion was refused (a 403, mended
    since). Deliver again completes the order with that result, and makes no second one:
    taken for "completed by an earlier delivery", the order stayed in progress for good (the
    resumer leaves it: a completion was begun after the result)."""
    denied = FailsOnce("/complete", 403, {"message": "Access denied"})
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: Any, desk: Desk) -> None:
            order = await finished_order(board, desk, server, "Dora", "dora.d03@example.com")
            plan = await plan_delivery(desk, order)
            with pytest.raises(ApiError):
                await deliver(
                    desk, order, plan, flow=ResultFlow.DOCUMENTED, max_bytes=DEFAULT_MAX_BYTES
                )
            made = desk.results.result_id_for(order.id)
            assert made is not None
            again = await plan_delivery(desk, order)
            # D08 (plan_delivery, ``if made is not None``): the preview is the result made.
            assert again.made_earlier
            assert (
                await deliver(
                    desk, order, again, flow=ResultFlow.DOCUMENTED, max_bytes=DEFAULT_MAX_BYTES
                )
                == made
            )
            assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
            assert len(await desk.session.sr.list_results(order.id)) == 1

        with_board(server, tmp_path / "desk.sqlite3", body, denied)


def _refused_once() -> FailsOnce:
    """SmartRecruiters refuses the first completion (a 400: the result made stays)."""
    return FailsOnce("/complete", 400, {"code": "REFUSED", "message": "Not now."})


def _with_own_job(done: CompletedAssessment) -> CompletedAssessment:
    """Berke's answer once it scores the second order's job too (a job added since)."""
    own = JobFit.model_validate(
        {"job": "Data Analyst", "sourceJobId": "NURSE-RN", "fitPct": 0.9, "fitId": 3}
    )
    return done.model_copy(update={"job_fits": (*done.job_fits, own)})


async def _result_made_then_berke_scores_the_own_job(
    board: OrderBoard, desk: Desk, server: SandboxServer, first_name: str
) -> str:
    """A reused assessment's order, delivered in the documented flow: the result is made
    (for the other order's job, the only fit Berke gives), the completion refused; then
    Berke scores the order's own job. The order's id."""
    board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
    first, second = await two_orders_on_one_assessment(board, desk, first_name)
    await finished(board, server, first)
    plan = await board.preview_delivery(second)
    assert plan.result.passed is None  # another job's fit
    with pytest.raises(ApiError):
        await board.deliver(second, plan)
    await board.wait_uploads()
    _answers_changed(desk, _with_own_job)
    return second


def test_a_result_made_earlier_is_sent_with_its_own_report_only(tmp_path: Path) -> None:
    """Deliver again after Berke scored the order's job since: the preview showed the
    result made earlier ("Berke job fit — Software Engineer") with the report for the fit
    chosen now ("... Data Analyst.pdf"), and Send completed the order with that result and
    attached the Data Analyst report beside the Software Engineer one already sent."""
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        shown: list[tuple[str, str]] = []

        async def body(board: OrderBoard, desk: Desk) -> str:
            order_id = await _result_made_then_berke_scores_the_own_job(board, desk, server, "Vera")
            again = await board.preview_delivery(order_id)
            assert again.made_earlier
            shown.append((again.result.result, again.report_name))
            await board.deliver(order_id, again)
            await board.wait_uploads()
            done = board.order(order_id)
            assert done is not None
            assert done.status is OrderStatus.COMPLETED
            return order_id

        order_id = with_board(server, tmp_path / "d.sqlite3", body, _refused_once())
        (result,) = results_of(server, order_id)
    ((named, attached),) = shown
    assert named == attached == "Berke report - Vera Sandoval - Software Engineer.pdf"
    assert result["files"] == [result["result"]], (result["title"], result["files"])


def test_a_result_made_earlier_fetches_the_report_for_its_own_fit(tmp_path: Path) -> None:
    """Its report neither kept nor on its way (the upload cancelled, the file gone): the
    report fetched is the one for the fit the result was made for, not the fit chosen now."""
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        asked: list[str | None] = []

        async def body(board: OrderBoard, desk: Desk) -> str:
            order_id = await _result_made_then_berke_scores_the_own_job(board, desk, server, "Wren")
            (queued,) = desk.results.for_order(order_id)
            await board.cancel_upload(order_id, queued.id)
            (cancelled,) = desk.results.for_order(order_id)
            assert cancelled.state is UploadState.CANCELLED
            await asyncio.to_thread(Path(cancelled.path).unlink)
            client = desk.session.berke
            fetch = type(client).get_report_for_job.__get__(client)

            async def recorded(
                source_candidate_id: str,
                source_job_id: str | None = None,
                *,
                report_type_id: int | None = None,
            ) -> bytes:
                asked.append(source_job_id)
                return await fetch(
                    source_candidate_id, source_job_id, report_type_id=report_type_id
                )

            client.get_report_for_job = recorded  # type: ignore[method-assign]
            again = await board.preview_delivery(order_id)
            assert again.made_earlier
            assert again.report_name == again.result.result
            assert again.fit is not None
            assert again.fit.source_job_id != "NURSE-RN"
            assert await asyncio.to_thread(again.report.is_file)
            await board.deliver(order_id, again)
            await board.wait_uploads()
            return order_id

        order_id = with_board(server, tmp_path / "d.sqlite3", body, _refused_once())
        (result,) = results_of(server, order_id)
    assert asked, "the report was not fetched"
    assert "NURSE-RN" not in asked, asked
    assert result["files"] == [result["result"]], (result["title"], result["files"])


def _fits(
    done: CompletedAssessment, change: Callable[[JobFit], dict[str, Any]]
) -> CompletedAssessment:
    fits = tuple(fit.model_copy(update=change(fit)) for fit in done.job_fits)
    return done.model_copy(update={"job_fits": fits})


def _nurse_unreadable(done: CompletedAssessment) -> CompletedAssessment:
    kept = tuple(fit for fit in done.job_fits if fit.source_job_id != "NURSE-RN")
    return done.model_copy(update={"job_fits": kept, "unreadable_fits": ("Registered Nurse",)})


def _nurse_without_job_id(done: CompletedAssessment) -> CompletedAssessment:
    return _fits(
        done,
        lambda fit: (
            {"is_primary_job": False, "source_job_id": ""}
            if fit.source_job_id == "NURSE-RN"
            else {}
        ),
    )


#: Berke's answer changed since the result was made, each as a current-fit check refuses it.
BERKE_SINCE: dict[str, Callable[[CompletedAssessment], CompletedAssessment]] = {
    "no score": lambda done: _fits(done, lambda _f: {"fit_pct": None, "fit_id": None, "fit": None}),
    "own fit unreadable": _nurse_unreadable,
    "no job id": _nurse_without_job_id,
    "no fits at all": lambda done: done.model_copy(update={"job_fits": ()}),
}


async def _nurse_result_made_not_completed(
    board: OrderBoard, desk: Desk, server: SandboxServer, first_name: str
) -> str:
    """A Registered Nurse order delivered in the documented flow: its result made, its
    completion refused. The order's id."""
    board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
    order_id = await nurse_order(board, desk, first_name, f"{first_name.lower()}@example.com")
    await finished(board, server, order_id)
    plan = await board.preview_delivery(order_id)
    assert not plan.made_earlier
    with pytest.raises(ApiError):
        await board.deliver(order_id, plan)
    await board.wait_uploads()
    assert desk.results.result_id_for(order_id) is not None
    return order_id


@pytest.mark.parametrize("since", list(BERKE_SINCE))
def test_a_result_made_earlier_is_delivered_whatever_berke_says_of_the_fits_now(
    tmp_path: Path, since: str
) -> None:
    """The fit chosen now is not sent with a result made earlier: a fit Berke left without
    a score, unreadable, without a job id, or no fit at all since, refused Deliver again
    ("Berke gave no score ..."), and the order stayed in progress beside its result."""
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        made: list[dict[str, Any]] = []

        async def body(board: OrderBoard, desk: Desk) -> str:
            order_id = await _nurse_result_made_not_completed(board, desk, server, "Nell")
            made.extend(results_of(server, order_id))
            _answers_changed(desk, BERKE_SINCE[since])
            again = await board.preview_delivery(order_id)
            assert again.made_earlier
            assert again.report_name == again.result.result
            await board.deliver(order_id, again)
            await board.wait_uploads()
            done = board.order(order_id)
            assert done is not None
            assert done.status is OrderStatus.COMPLETED
            return order_id

        order_id = with_board(server, tmp_path / "d.sqlite3", body, _refused_once())
        (result,) = results_of(server, order_id)
    assert [r["id"] for r in made] == [result["id"]]  # no second result
    assert result["files"] == [result["result"]], (result["title"], result["files"])


def test_a_result_made_earlier_is_not_sent_with_a_report_berke_cannot_give_for_its_job(
    tmp_path: Path,
) -> None:
    """Its report neither kept nor on its way, and its fit without a job id now: Berke,
    asked without a job, would send the primary job's report, attached under the nurse
    job's name. Refused in words, Berke not asked."""
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: OrderBoard, desk: Desk) -> None:
            order_id = await _nurse_result_made_not_completed(board, desk, server, "Odile")
            (queued,) = desk.results.for_order(order_id)
            await board.cancel_upload(order_id, queued.id)
            (cancelled,) = desk.results.for_order(order_id)
            await asyncio.to_thread(Path(cancelled.path).unlink)
            _answers_changed(desk, _nurse_without_job_id)
            client = desk.session.berke

            async def never(*_args: Any, **_kwargs: Any) -> bytes:
                raise AssertionError("Berke was asked for a report")

            client.get_report_for_job = never  # type: ignore[method-assign]
            with pytest.raises(ActionNotAllowedError, match="Berke names no job id for Regist"):
                await board.preview_delivery(order_id)

        with_board(server, tmp_path / "d.sqlite3", body, _refused_once())


def test_a_link_made_earlier_still_needs_a_fit_it_can_send_the_report_of(tmp_path: Path) -> None:
    """A link names no report: the one for the fit chosen now goes with it, so that fit is
    judged as for a result built now (a fit without a score is refused in words)."""
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: OrderBoard, desk: Desk) -> None:
            board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
            order_id = await nurse_order(board, desk, "Pax", "pax@example.com")
            await finished(board, server, order_id)
            link = AssessmentResult(
                result_type=ResultType.URL, result="https://berke.example/r/1", title="Berke"
            )
            await run_step(desk, order_id, CreateResultStep(result=link))
            _answers_changed(desk, BERKE_SINCE["no score"])
            with pytest.raises(ActionNotAllowedError, match="Berke gave no score for Regist"):
                await board.preview_delivery(order_id)

        with_board(server, tmp_path / "d.sqlite3", body)
