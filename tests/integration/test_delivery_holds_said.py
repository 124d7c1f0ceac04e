"""A delivery refused for good is held as who asked for it: the coordinator's own (one order,
or "Deliver all") or automatic delivery's, and the window is told at once (the mutation audit's
survivors, pinned)."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.workflows.board import BoardListener, OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import NothingToDeliverError
from tests.integration.test_close_the_loop import finished, nurse_order, with_board
from tests.integration.test_delivery_trouble import delivery_flag, refuse_saving

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

NO_ROOM = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # refused the same way next time
ASKED_REFUSED = "delivering the result was refused"  # the flag of a delivery asked for


class Heard(BoardListener):
    def __init__(self) -> None:
        self.changed: list[list[str]] = []

    def orders_changed(self, order_ids: list[str]) -> None:
        self.changed.append(list(order_ids))


def test_a_delivery_held_at_its_preview_tells_the_window_its_order_changed(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held without a word to the window, the order's row and flag kept "Deliver the result"
    until something else happened to it."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Ria", "ria@example.com")
        await finished(board, sandbox, order_id)
        heard = Heard()
        board.listener = heard
        refuse_saving(monkeypatch, desk, order_id, NO_ROOM)
        with pytest.raises(NothingToDeliverError):
            await board.preview_delivery(order_id)
        assert any(order_id in ids for ids in heard.changed), heard.changed

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_coordinators_send_refused_for_good_is_said_as_refused_on_its_flag(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coordinator's own Send of one order, held as automatic delivery's, lost "delivering
    the result was refused: …" from its flag."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Ula", "ula@example.com")
        await finished(board, sandbox, order_id)
        refuse_saving(monkeypatch, desk, order_id, NO_ROOM)
        with pytest.raises(NothingToDeliverError):
            await board.deliver(order_id)
        assert ASKED_REFUSED in delivery_flag(board, order_id)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_deliver_all_asked_by_the_coordinator_holds_as_asked(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Deliver all" asked for by the coordinator, refused for good on one order: held as
    asked, not as if automatic delivery had met it."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Vik", "vik@example.com")
        await finished(board, sandbox, order_id)
        refuse_saving(monkeypatch, desk, order_id, NO_ROOM)
        failures = await board.deliver_ready([order_id])
        assert [i for i, _ in failures] == [order_id]
        assert ASKED_REFUSED in delivery_flag(board, order_id)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
