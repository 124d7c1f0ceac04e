"""A candidate whose name comes decomposed ("Zoe\u0308", as a Mac's file system or a pasted CV
gives it) is delivered like any other: the report is named once, in the form it is attached
under, and a second Deliver finds the one the first queued."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.clients.errors import ApiError
from app.domain.journal_terms import ResultFlow
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import BoardOptions, OrderBoard
from app.workflows.desk import Desk
from tests.integration.helpers import FailsOnce
from tests.integration.test_close_the_loop import finished_order, results_of, with_board

DECOMPOSED = "Zoe\u0308"


def test_deliver_again_finds_the_report_a_decomposed_name_queued(tmp_path: Path) -> None:
    """Before: the report was queued under its composed name and looked for under the
    decomposed one, so the second Deliver (the first one's completion refused) refused the
    delivery: "... is already on its way to this order's result"."""
    denied = FailsOnce("/complete", 403, {"message": "Access denied"})
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: OrderBoard, desk: Desk) -> str:
            board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
            order = await finished_order(board, desk, server, DECOMPOSED, "zoe.nfd@example.com")
            plan = await board.preview_delivery(order.id)
            with pytest.raises(ApiError):
                await board.deliver(order.id, plan)
            # Delivered again as automatic delivery does: before, refused and held.
            await board.deliver(order.id, unattended=True)
            await board.wait_uploads()
            assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
            return order.id

        order_id = with_board(server, tmp_path / "desk.sqlite3", body, denied)
        (result,) = results_of(server, order_id)
    assert len(result["files"]) == 1  # the report, attached once
