"""A right-click on an order: the Inbox's and the Candidates tab's menus offer the Order menu's
own actions, and a greyed entry says why there, as in the Order menu."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent, QHelpEvent
from PySide6.QtWidgets import QApplication, QMenu, QTableView, QToolTip
from pytestqt.qtbot import QtBot

from app.domain.smartrecruiters import OrderStatus
from app.ui.main_window import MainWindow
from app.workflows.board import OrderBoard
from tests.ui.conftest import board_window

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def _wait(qtbot: QtBot, coro: Any) -> None:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    task.result()


@pytest.fixture
def synced(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> Iterator[tuple[MainWindow, OrderBoard]]:
    with board_window(qtbot, qsettings, sandbox, tmp_path / "d.sqlite3") as (window, board, _):
        _wait(qtbot, board.sync())
        yield window, board


def _right_click(qtbot: QtBot, table: QTableView, row: int) -> None:
    """As a mouse does it: the press (which makes the row current), then the menu event. The
    row scrolled into view first: a shared sandbox's orders put it below the viewport, where
    the click met no row (and no menu came)."""
    viewport = table.viewport()
    index = table.model().index(row, 1)
    table.scrollTo(index)
    at = table.visualRect(index).center()
    assert table.indexAt(at).row() == row, "the click would not land on the row"
    qtbot.mousePress(viewport, Qt.MouseButton.RightButton, pos=at)
    qtbot.mouseRelease(viewport, Qt.MouseButton.RightButton, pos=at)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, viewport.mapToGlobal(at))
    QApplication.sendEvent(viewport, event)


def _menus_shown() -> list[QMenu]:
    return [m for m in QApplication.topLevelWidgets() if isinstance(m, QMenu) and m.isVisible()]


def _close_menus(qtbot: QtBot) -> None:
    for menu in _menus_shown():
        menu.close()
    qtbot.waitUntil(lambda: not _menus_shown())


def test_greyed_entries_of_the_inbox_right_click_menu_say_why(
    qtbot: QtBot, synced: tuple[MainWindow, OrderBoard]
) -> None:
    """Qt never makes a disabled entry current, so its status tip was shown nowhere: the
    right-click menu showed greyed entries without their reasons, the Order menu with them."""
    window, board = synced
    completed = next(o for o in board.orders() if o.status is OrderStatus.COMPLETED)
    window.orders.select_order(completed.id)
    window.orders._context_menu(QPoint(40, 40))  # the table's customContextMenuRequested
    qtbot.waitUntil(lambda: bool(_menus_shown()))
    (menu,) = _menus_shown()
    assert menu.toolTipsVisible()
    deliver = next(a for a in menu.actions() if "Deliver" in a.text())
    assert not deliver.isEnabled()
    reason = deliver.toolTip()
    assert "completed" in reason
    rect = menu.actionGeometry(deliver)
    QToolTip.hideText()
    QApplication.sendEvent(
        menu, QHelpEvent(QEvent.Type.ToolTip, rect.center(), menu.mapToGlobal(rect.center()))
    )
    shown = QToolTip.text() if QToolTip.isVisible() else ""
    _close_menus(qtbot)
    assert reason in shown


def test_a_right_click_on_an_order_in_the_candidates_tab_offers_its_actions(
    qtbot: QtBot, synced: tuple[MainWindow, OrderBoard]
) -> None:
    """The Inbox answered a right-click with the order's actions; the Candidates tab, listing
    the same orders, opened nothing. Its menu holds the same actions, for the order clicked
    (shown in the pane), and says why a greyed one is off; a candidate's own row offers none."""
    window, board = synced
    room = window.orders
    new = next(o for o in board.orders() if o.status is OrderStatus.NEW)
    room.select_order(next(o for o in board.orders() if o.status is OrderStatus.COMPLETED).id)
    room.tabs.setCurrentWidget(room.candidates)
    model = room.candidates.model
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    table = room.candidates.table

    row = model.row_of_order(new.id)
    assert row is not None
    _right_click(qtbot, table, row)
    qtbot.waitUntil(lambda: bool(_menus_shown()))
    (menu,) = _menus_shown()
    assert room.selected_ids() == [new.id]  # the order clicked, not the one shown before
    assert [a for a in menu.actions() if not a.isSeparator()] == list(
        room.controller.actions.values()
    )
    create = next(a for a in menu.actions() if "Create Berke" in a.text())
    assert create.isEnabled()  # the new order's state (off for the completed one)
    assert menu.toolTipsVisible()
    _close_menus(qtbot)

    # The candidate's own row: the nearest row above the order's that is no order.
    candidate_row = next(r for r in range(row - 1, -1, -1) if model.order_row(r) is None)
    _right_click(qtbot, table, candidate_row)
    QApplication.processEvents()
    assert not _menus_shown()
