"""The board's guards: a reject left waiting says it is sent again, and Retry of a failed file
of an order since gone is refused in words (each once had a mutant no test saw)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.domain.order_action import OrderAction
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import REJECT_SENT_AGAIN
from tests.integration.helpers import FailsOnce
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_gone_orders import erase_in_sr, new_order

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def test_a_reject_left_waiting_says_it_is_sent_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """b18: a reject SmartRecruiters could not take now (503) waits and is sent by itself: the
    failure says so (``REJECT_SENT_AGAIN``), so the coordinator does not reject it again."""
    transport = FailsOnce("/reject", 503, {"code": "UNAVAILABLE", "message": "Later."})

    async def body(board: OrderBoard, desk: Desk) -> list[tuple[str, str]]:
        order_id = await new_order(desk, "Waits")
        await board.sync()
        failures = await board.reject([order_id], reason="Position filled.")
        assert board.left_waiting(OrderAction.REJECT, order_id)
        return failures

    failures = with_board(sandbox, tmp_path / "desk.sqlite3", body, transport)
    assert len(failures) == 1
    assert failures[0][1].endswith(REJECT_SENT_AGAIN)


def test_retry_of_a_failed_file_of_a_gone_order_is_refused_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """b47: Retry on a file that failed because the order went is refused ("Not sent again:
    …"), and the file stays failed (not back to Queued, to fail again, Retry offered for ever)."""
    from app.domain.berke import CreateAssessmentRequest
    from app.domain.uploads import UploadState
    from app.workflows.refusals import ActionNotAllowedError

    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await new_order(desk, "Retried")
        await board.sync()
        await board.create_assessment(
            order_id, CreateAssessmentRequest(first_name="R", last_name="G")
        )
        await board.accept(order_id)
        queued, refused = await board.attach_files(order_id, [report])
        assert queued
        assert not refused
        await erase_in_sr(sandbox, order_id)
        assert (await board.sync()).gone_ids == (order_id,)
        await board.resume()
        upload = desk.results.get(queued[0].id)
        assert upload is not None
        assert upload.state is UploadState.FAILED
        with pytest.raises(ActionNotAllowedError, match=r"^Not sent again: "):
            await board.retry_upload(order_id, upload.id)
        again = desk.results.get(upload.id)
        assert again is not None
        assert again.state is UploadState.FAILED

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
