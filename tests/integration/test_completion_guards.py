"""Completing an order never sends a second result: one under way, one made already (FAQ
flow), another tool's result not adopted while this desk's completion waits, Deliver's report
never pointed at it, a cancelled file given no step (each once had a mutant no test saw)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.clients.errors import ApiError
from app.domain.journal_terms import ResultFlow
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.results import complete_order
from tests.integration.helpers import FailsOnce
from tests.integration.test_results_and_resume import RESULT, in_progress
from tests.integration.test_workflows import run_with_desk


@pytest.fixture(scope="module")
def sr_sandbox() -> Any:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


@pytest.mark.parametrize("flow", [ResultFlow.FAQ, ResultFlow.DOCUMENTED])
def test_complete_is_refused_while_a_completion_is_under_way(
    sr_sandbox: SandboxServer, tmp_path: Path, flow: ResultFlow
) -> None:
    """R01 (results.py `check_can_complete`, pending complete/create-result steps): the
    first completion went, its answer lost (a 502), its step waiting. Complete again is
    refused in words, "already under way", and no second result is sent."""
    suffix = "/complete" if flow is ResultFlow.FAQ else "/results"

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        with pytest.raises(ApiError):
            await complete_order(desk, order, RESULT, flow=flow)
        with pytest.raises(
            ActionNotAllowedError, match="Completing this order is already under way"
        ):
            await complete_order(desk, order, RESULT, flow=flow)
        assert len(await desk.session.sr.list_results(order.id)) == 1

    lost = FailsOnce(suffix, 502, {"message": "gateway"}, carried_out=True)
    run_with_desk(sr_sandbox, tmp_path / "desk.sqlite3", body, transport=lost)


def test_a_faq_completion_with_the_result_made_sends_no_second_result(
    sr_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """R03 (results.py `complete_order`, ``flow is FAQ and result_id is None``): the
    documented flow made the order's result and its completion was refused (mended since).
    Completed again with that result (a delivery, ``with_result_made``) while the desk is set
    to the FAQ flow, the order is completed with the one it has: no second verdict."""
    from app.domain.smartrecruiters import OrderStatus

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        with pytest.raises(ApiError):
            await complete_order(desk, order, RESULT, flow=ResultFlow.DOCUMENTED)
        made = desk.results.result_id_for(order.id)
        assert made is not None
        again = await complete_order(
            desk, order, RESULT, flow=ResultFlow.FAQ, with_result_made=True
        )
        assert again == made
        (listed,) = await desk.session.sr.list_results(order.id)
        assert listed.id == made
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED

    denied = FailsOnce("/complete", 403, {"message": "Access denied"})
    run_with_desk(sr_sandbox, tmp_path / "desk.sqlite3", body, transport=denied)


def test_a_result_made_elsewhere_is_not_adopted_while_this_desks_completion_waits(
    sr_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """R07 (results.py `existing_result_id`, ``own_completion_waits``): this desk's FAQ
    completion never reached SmartRecruiters (no route to host) and waits; another tool then
    completed the order with its own verdict. Asked for the order's result meanwhile (a file
    dropped), the desk does not adopt the other tool's as its own: its waiting step decides,
    and a Deliver's report does not go out beside another tool's verdict."""
    from app.clients.errors import NetworkError
    from app.workflows.results import existing_result_id
    from tests.integration.test_delivery_races import CompleteNeverSentOnce

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        with pytest.raises(NetworkError):
            await complete_order(desk, order, RESULT)
        theirs = RESULT.model_copy(update={"score": "12%", "passed": False})
        await desk.session.sr.complete_with_result(order.id, theirs)
        now = await desk.session.sr.get_order(order.id)
        desk.orders.put(now)
        assert await existing_result_id(desk, now) is None
        assert desk.results.result_id_for(order.id) is None

    run_with_desk(sr_sandbox, tmp_path / "desk.sqlite3", body, transport=CompleteNeverSentOnce())


def test_a_deliver_report_never_goes_to_a_result_another_tool_made(
    tmp_path: Path,
) -> None:
    """R08 (results.py `existing_result_id`, ``fail_delivery_reports`` before adopting): a
    Deliver queued its Berke report and the desk stopped before its completion was
    journaled; another tool then completed the order. Adopting that tool's result for the
    order's files, the report (for this desk's result, never made) fails in words instead of
    being handed the other tool's result."""
    from app.domain.attachments import UploadState
    from app.workflows.delivery import plan_delivery
    from app.workflows.results import existing_result_id, queue_files
    from tests.integration.test_close_the_loop import finished_order, with_board

    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: Any, desk: Desk) -> None:
            order = await finished_order(board, desk, server, "Ines", "ines.r08@example.com")
            plan = await plan_delivery(desk, order)
            (queued,), _ = await queue_files(desk, order, [plan.report])  # ... and the stop
            theirs = RESULT.model_copy(update={"score": "12%", "passed": False})
            await desk.session.sr.complete_with_result(order.id, theirs)
            now = await desk.session.sr.get_order(order.id)
            desk.orders.put(now)
            adopted = await existing_result_id(desk, now)
            assert adopted is not None
            report = desk.results.get(queued.id)
            assert report is not None
            assert report.state is UploadState.FAILED
            assert "Not sent" in (report.message or "")

        with_board(server, tmp_path / "desk.sqlite3", body)


def test_a_file_cancelled_while_it_waited_its_turn_gets_no_step(
    sr_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """R10 (results.py `run_upload`, ``now.state is not UploadState.QUEUED``): a file
    cancelled while it waited its turn is not sent and gets no step (before, one that
    failed "Cancelled by the coordinator", for a Cancel already said)."""
    from app.domain.attachments import UploadState
    from app.domain.journal_terms import StepKind
    from app.workflows.results import cancel_upload, queue_files, run_upload
    from tests.integration.test_results_and_resume import report

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (queued,), _ = await queue_files(desk, order, [report(tmp_path)])
        await cancel_upload(desk, order.id, queued.id)
        now = await run_upload(desk, queued)
        assert now.state is UploadState.CANCELLED
        assert [e for e in desk.journal.entries(order.id) if e.action is StepKind.UPLOAD] == []
        assert await desk.session.sr.list_attachments(order.id, result_id) == []

    run_with_desk(sr_sandbox, tmp_path / "desk.sqlite3", body)
