"""An order completed outside this desk: a report dropped on it goes to the result it has in
SmartRecruiters (found with GET .../results), or, with none, is refused at once in words —
never "Queued" for ever. Over HTTP against the sandbox."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.domain.attachments import UploadState
from app.domain.order_result import result_panel_text
from app.domain.smartrecruiters import AssessmentResult, OrderStatus, ResultType
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.outbox import resume_pending
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import new_order_body
from tests.integration.test_close_the_loop import with_board

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

ELSEWHERE = AssessmentResult(
    result_type=ResultType.DOCUMENT,
    result="their-report.pdf",
    title="Job fit (other tool)",
    score="64/100",
    passed=True,
)


def report(tmp_path: Path, name: str = "report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" + b"r" * 40_000)
    return path


async def completed_elsewhere(board: OrderBoard, desk: Desk, *, with_result: bool) -> str:
    """An order accepted and completed straight in SmartRecruiters (another tool, another
    desk), then synced here: this desk never recorded its result."""
    sr = desk.session.sr
    order = await sr.create_test_order(new_order_body(first="Olu", last="Adeyemi"))
    await sr.accept_order(order.id, "https://elsewhere.example.com/a/1")
    if with_result:
        await sr.complete_with_result(order.id, ELSEWHERE)
    else:
        await sr.complete_with_comment(order.id, message="Done in another tool")
    await board.sync()
    synced = board.order(order.id)
    assert synced is not None
    assert synced.status is OrderStatus.COMPLETED
    assert board.state(order.id).result_id is None
    return order.id


def test_a_drop_goes_to_the_result_made_elsewhere(sandbox: SandboxServer, tmp_path: Path) -> None:
    dropped = report(tmp_path)

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await completed_elsewhere(board, desk, with_result=True)
        theirs = await desk.session.sr.list_results(order_id)
        assert len(theirs) == 1
        assert theirs[0].id

        # Shown before anything is dropped: the result SmartRecruiters holds.
        found = await board.result_on_file(order_id)
        assert found is not None
        assert found.found_elsewhere
        assert found.result_id == theirs[0].id
        assert found.result is not None
        assert found.result.title == "Job fit (other tool)"
        order = board.order(order_id)
        assert order is not None
        text = result_panel_text(order.status, None, found)
        assert text.startswith("Result: “Job fit (other tool)” — 64/100, passed (a document")
        assert "made outside this desk" in text

        queued, refused = await board.attach_files(order_id, [dropped])
        assert refused == []
        assert [u.result_id for u in queued] == [theirs[0].id]
        await board.wait_uploads()
        (upload,) = board.state(order_id).uploads
        assert upload.state is UploadState.DONE
        listed = await desk.session.sr.list_attachments(order_id, theirs[0].id)
        assert [a.file_name for a in listed] == ["report.pdf"]
        assert board.state(order_id).result_id == theirs[0].id

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_drop_on_an_order_completed_without_a_result_is_refused_at_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    dropped = report(tmp_path)

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await completed_elsewhere(board, desk, with_result=False)
        with pytest.raises(ActionNotAllowedError) as refused:
            await board.attach_files(order_id, [dropped])
        assert "completed outside this desk without a result" in str(refused.value)
        assert "Nothing was attached" in str(refused.value)
        assert board.state(order_id).uploads == ()
        assert desk.results.for_order(order_id) == []
        found = await board.result_on_file(order_id)
        assert found is not None
        assert found.result_id is None
        order = board.order(order_id)
        assert order is not None
        assert "without a result" in result_panel_text(order.status, None, found)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_files_left_queued_on_such_orders_are_sent_or_failed_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Files an older desk queued for these orders (the "Queued for ever" ones): the resumer
    sends them to the result the order has, or fails them with the reason."""
    dropped = report(tmp_path)

    async def body(board: OrderBoard, desk: Desk) -> None:
        with_result = await completed_elsewhere(board, desk, with_result=True)
        without = await completed_elsewhere(board, desk, with_result=False)
        for order_id in (with_result, without):
            desk.results.enqueue(order_id, str(dropped), dropped.name, dropped.stat().st_size)
        await resume_pending(desk)
        (sent,) = desk.results.for_order(with_result)
        assert sent.state is UploadState.DONE
        theirs = await desk.session.sr.list_results(with_result)
        assert theirs[0].id is not None
        listed = await desk.session.sr.list_attachments(with_result, theirs[0].id)
        assert [a.file_name for a in listed] == ["report.pdf"]
        (failed,) = desk.results.for_order(without)
        assert failed.state is UploadState.FAILED
        assert "without a result" in (failed.message or "")
        again = await resume_pending(desk)  # nothing left waiting for ever
        assert again.waiting == []
        assert desk.results.unfinished() == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
