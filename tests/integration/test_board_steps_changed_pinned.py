"""Pins for the board's ``_refresh_once`` steps_changed (mutation audit): only the orders whose
journal moved are told."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.journal import CommentStep
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from tests.integration.helpers import new_order_body
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_waiting_steps import StepsHeard, new_order_synced

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def test_a_refresh_of_several_orders_tells_only_those_whose_steps_moved(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Refreshed together with an order whose journal did not move, only the one whose did is
    told (the window reloads the Activity of those only)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        heard = StepsHeard()
        board.listener = heard
        order = await new_order_synced(board, desk)
        other = await desk.session.sr.create_test_order(new_order_body(first="Al", last="Bo"))
        await board.sync()
        desk.journal.begin(order.id, CommentStep(message="Called her"))
        await board.refresh([order.id, other.id])
        assert heard.moved == [[order.id]]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
