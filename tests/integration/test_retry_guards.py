"""Retry of a failed step: an upload whose file went sends nothing, and a create-result retried
completes the order with it (each rule here once had a mutant no test saw)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from app.domain.attachments import UploadState
from app.domain.journal_terms import StepKind
from app.domain.smartrecruiters import AssessmentResult, OrderStatus, ResultType
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.desk import Desk
from app.workflows.outbox import retry_step
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.results import complete_order, queue_files, run_upload
from tests.integration.test_results_and_resume import RESULT, in_progress, report
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.workflows.board import OrderBoard


@pytest.fixture(scope="module")
def sr_sandbox() -> Any:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


def test_retry_of_a_failed_upload_step_whose_file_went_sends_nothing(
    sr_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """O13 (outbox.py `retry_step`, ``upload.state is UploadState.DONE``): the file was sent
    (its upload done) and its step shows failed. Retry refuses in words, "already sent", and
    no second copy goes."""

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (queued,), refused = await queue_files(desk, order, [report(tmp_path)])
        assert refused == []
        done = await run_upload(desk, queued)
        assert done.state is UploadState.DONE
        (step,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.UPLOAD]
        desk.journal.fail(step.id, "The answer was lost.")
        with pytest.raises(ActionNotAllowedError, match="already sent"):
            await retry_step(desk, step.id)
        listed = await desk.session.sr.list_attachments(order.id, result_id)
        assert [a.file_name for a in listed] == ["report.pdf"]

    run_with_desk(sr_sandbox, tmp_path / "desk.sqlite3", body)


def test_retry_of_a_failed_create_result_completes_the_order_with_it(
    sr_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """O14 (outbox.py `retry_step`, ``complete_after_result``): documented flow, the result's
    create refused for good (a 403, mended since). The coordinator's Retry makes the result
    and completes the order with it then: not left in progress with a result until some
    later resumer round."""
    from app.clients.errors import ApiError
    from app.domain.journal_terms import ResultFlow, StepState
    from app.domain.smartrecruiters import OrderStatus
    from tests.integration.helpers import FailsOnce

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        with pytest.raises(ApiError):
            await complete_order(desk, order, RESULT, flow=ResultFlow.DOCUMENTED, message="Done")
        (create,) = [
            e for e in desk.journal.entries(order.id) if e.action is StepKind.CREATE_RESULT
        ]
        assert create.state is StepState.FAILED
        await retry_step(desk, create.id)
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
        (made,) = await desk.session.sr.list_results(order.id)
        assert made.id == desk.results.result_id_for(order.id)

    denied = FailsOnce("/results", 403, {"message": "Access denied"})
    run_with_desk(sr_sandbox, tmp_path / "desk.sqlite3", body, transport=denied)


OLD_RESULT = AssessmentResult(
    result_type=ResultType.DOCUMENT, result="old.pdf", title="Interview", score="41%"
)


def test_an_old_result_is_not_retried_while_a_newer_one_waits(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first result was refused for good; the coordinator completed the order again with
    a corrected score, and that one waits (a 503 before it left). Retry on the old one sent
    the old verdict and completed the order with it, and the newer one then failed as
    completed from this desk: the Activity's button was on, and the board sent it."""
    from dataclasses import replace

    from app.domain.journal import CreateResultStep
    from app.domain.journal_terms import ResultFlow, StepState
    from tests.integration.test_close_the_loop import invited_order, with_board

    newer = OLD_RESULT.model_copy(update={"score": "83%", "result": "corrected.pdf"})

    async def body(board: OrderBoard, desk: Desk) -> None:
        board.options = replace(board.options, result_flow=ResultFlow.DOCUMENTED)
        order_id = await invited_order(board, desk, "Omar", "omar@example.com")
        journal = desk.journal
        old = journal.begin(order_id, CreateResultStep(result=OLD_RESULT))
        journal.fail(old, "SmartRecruiters: access denied.")
        new = journal.begin(order_id, CreateResultStep(result=newer))
        journal.note(new, "SmartRecruiters is unavailable (503).", may_have_gone=False)
        await board.refresh([order_id])

        timeline = journal.entries(order_id)
        with pytest.raises(ActionNotAllowedError) as refused:
            await board.retry_step(old)
        assert "another result" in str(refused.value)
        from app.workflows.order_actions import retry_refusal

        (old_entry,) = [e for e in timeline if e.id == old]
        # The Activity's Retry is off, saying the same.
        assert retry_refusal(old_entry, timeline) == str(refused.value)

        await board.resume()
        assert [r.score for r in await desk.session.sr.list_results(order_id)] == ["83%"]
        assert (await desk.session.sr.get_order(order_id)).status is OrderStatus.COMPLETED
        done = journal.get(new)
        assert done is not None
        assert done.state is StepState.DONE

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
