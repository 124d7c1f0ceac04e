"""Home and End go to the first and last row of the lists that select whole rows.

Qt's table views move Home/End to the first/last *column* of the current row (only
Ctrl+Home/Ctrl+End to the first/last row): in the inbox and the Candidates tab, at 5,000
orders, End left the same order selected and the pane unchanged, without a word.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView
from pytestqt.qtbot import QtBot

from app.sandbox import SandboxConfig, SandboxServer
from app.ui.common.row_table import RowTableView
from app.ui.main_window import MainWindow
from tests.ui.conftest import board_window, show_exposed
from tests.ui.test_console_flows import finish

ROWS = 40
Rows = QAbstractItemView.SelectionBehavior.SelectRows
Shift = Qt.KeyboardModifier.ShiftModifier


def table(qtbot: QtBot, behaviour: QAbstractItemView.SelectionBehavior = Rows) -> QTableView:
    model = QStandardItemModel(0, 4)
    for row in range(ROWS):
        model.appendRow([QStandardItem(f"row {row}, column {column}") for column in range(4)])
    view = RowTableView()
    view.setModel(model)
    model.setParent(view)
    view.setSelectionBehavior(behaviour)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    qtbot.addWidget(view)
    view.resize(500, 300)
    show_exposed(qtbot, view)
    view.setFocus()
    return view


def selected_rows(view: QTableView) -> list[int]:
    return sorted(index.row() for index in view.selectionModel().selectedRows())


def test_home_and_end_go_to_the_first_and_last_row_in_the_same_column(qtbot: QtBot) -> None:
    view = table(qtbot)
    view.setCurrentIndex(view.model().index(5, 1))
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (ROWS - 1, 1)
    assert selected_rows(view) == [ROWS - 1]
    assert view.rowViewportPosition(ROWS - 1) < view.viewport().height()  # scrolled to it
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (0, 1)
    assert selected_rows(view) == [0]


def test_shift_home_and_shift_end_extend_the_selection_as_in_a_list(qtbot: QtBot) -> None:
    view = table(qtbot)
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.visualRect(view.model().index(3, 0)).center(),
    )
    qtbot.keyClick(view, Qt.Key.Key_End, Shift)
    assert selected_rows(view) == list(range(3, ROWS))
    qtbot.keyClick(view, Qt.Key.Key_Home, Shift)
    assert selected_rows(view) == [0, 1, 2, 3]


def test_a_table_of_cells_keeps_qts_home_and_end_within_the_row(qtbot: QtBot) -> None:
    view = table(qtbot, QAbstractItemView.SelectionBehavior.SelectItems)
    view.setCurrentIndex(view.model().index(5, 1))
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (5, 3)


@pytest.fixture(scope="module")
def many_orders() -> Iterator[SandboxServer]:
    config = SandboxConfig(orders=600, seed=3, sr_rate_per_second=0, berke_burst=100_000)
    with SandboxServer(config) as server:
        yield server


@pytest.fixture
def window_on_many(
    qtbot: QtBot, qsettings: QSettings, many_orders: SandboxServer, tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> Iterator[MainWindow]:  # fmt: skip
    with board_window(qtbot, qsettings, many_orders, tmp_path / "desk.sqlite3") as made:
        window, board, _desk = made
        finish(qtbot, board.sync())
        yield window


def test_end_and_home_in_the_inbox_go_to_the_last_and_first_order(
    qtbot: QtBot, window_on_many: MainWindow
) -> None:
    room = window_on_many.orders
    table = room.table
    rows = room.proxy.rowCount()
    assert rows == 600
    table.setFocus()
    table.selectRow(3)
    qtbot.waitUntil(lambda: room.current_order() is not None)
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert table.currentIndex().row() == rows - 1
    last = room.proxy.order_ids_at([rows - 1])[0]
    qtbot.waitUntil(lambda: (order := room.current_order()) is not None and order.id == last)
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0
    first = room.proxy.order_ids_at([0])[0]
    qtbot.waitUntil(lambda: (order := room.current_order()) is not None and order.id == first)


def test_end_in_the_candidates_tab_goes_to_the_last_row(
    qtbot: QtBot, window_on_many: MainWindow
) -> None:
    room = window_on_many.orders
    room.tabs.setCurrentWidget(room.candidates)
    table = room.candidates.table
    qtbot.waitUntil(lambda: room.candidates.model.rowCount() > 100)
    rows = room.candidates.model.rowCount()
    table.setFocus()
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert table.currentIndex().row() == rows - 1
    last = room.candidates.current_order_id()
    assert last is not None  # the last candidate's oldest order
    qtbot.waitUntil(lambda: (order := room.current_order()) is not None and order.id == last)
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().row() == 0


def test_end_from_a_column_hidden_since_lands_on_a_shown_column(qtbot: QtBot) -> None:
    """Mutation-audit pin: without ``RowTableView``'s hidden-column guard, Home and End kept a
    column the coordinator had hidden since (View › Inbox columns) as the current one."""
    view = table(qtbot)
    view.setCurrentIndex(view.model().index(5, 2))
    view.setColumnHidden(2, True)  # the coordinator hides the column the cursor is in

    qtbot.keyClick(view, Qt.Key.Key_End)
    current = view.currentIndex()
    assert current.row() == ROWS - 1
    assert not view.isColumnHidden(current.column())
    qtbot.keyClick(view, Qt.Key.Key_Home)
    current = view.currentIndex()
    assert current.row() == 0
    assert not view.isColumnHidden(current.column())
