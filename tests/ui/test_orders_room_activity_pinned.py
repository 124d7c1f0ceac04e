"""Pins for orders_room ``_reload_activity`` / ``_read_activity`` (mutation audit): one reading of
the shown order's Activity at a time, never cut short by the next change."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from app.domain.journal import JournalEntry
from app.ui.main_window import MainWindow
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    add_test_order,
    board_of,
    finish,
    live_desk,
    window,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_a_change_during_a_reading_waits_for_it_rather_than_cut_it_short(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Steps moving while the Activity is read (a batch, the resumer): the reading under way
    ends and shows, and one more follows. Cancelled and begun again at each change, a steady
    stream of changes never let one reading show (and left readings running in threads)."""
    order = add_test_order(window, qtbot, first="Noor", last="Aziz")
    board, room = board_of(window), window.orders
    room.select_order(order.id)
    finish(qtbot, room.wait_idle())
    held = asyncio.Event()
    reads: list[str] = []
    cut_short: list[str] = []
    shown: list[int] = []
    real_timeline = board.timeline
    real_show = room.detail.show_timeline

    async def counted(order_id: str) -> list[JournalEntry]:
        reads.append(order_id)
        try:
            await held.wait()
        except asyncio.CancelledError:
            cut_short.append(order_id)
            raise
        return await real_timeline(order_id)

    def show(timeline):  # type: ignore[no-untyped-def]
        shown.append(len(timeline))
        return real_show(timeline)

    board.timeline = counted  # type: ignore[method-assign]
    room.detail.show_timeline = show  # type: ignore[method-assign]
    board.listener.steps_changed([order.id])
    qtbot.waitUntil(lambda: len(reads) == 1)
    for _ in range(5):
        board.listener.steps_changed([order.id])
    held.set()
    finish(qtbot, room.wait_idle())
    assert cut_short == []
    assert reads == [order.id, order.id]
    assert len(shown) == 2
