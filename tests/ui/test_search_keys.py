"""Keys in the search box: Esc clears it before leaving it (even while Stop delivering holds
Esc), Down and Enter (the keypad's too) go to the list, Shift+Enter does not, and the list
keeps its current row."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView

from app.ui.common.search_keys import SearchKeys, give_list_the_keyboard

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.ui.main_window import MainWindow


def field_with_keys(qtbot: QtBot) -> tuple[QLineEdit, list[str]]:
    field = QLineEdit()
    qtbot.addWidget(field)
    went: list[str] = []
    field.keys = SearchKeys(field, lambda: went.append("list"))  # type: ignore[attr-defined]
    return field, went


def test_escape_clears_the_search_first_then_goes_to_the_list(qtbot: QtBot) -> None:
    field, went = field_with_keys(qtbot)
    field.setText("ana")
    QTest.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == ""
    assert went == []
    QTest.keyClick(field, Qt.Key.Key_Escape)
    assert went == ["list"]


def test_escape_in_the_orders_search_clears_it_while_a_delivery_of_several_runs(
    window: MainWindow, qtbot: QtBot
) -> None:
    """While "Deliver all" runs, Order › Stop delivering holds Esc as its shortcut, and Esc
    in the orders' search stopped the delivery instead of clearing the search, as the
    shortcuts list says it does (``SearchKeys`` not taking Esc's ShortcutOverride; pinned by
    the mutation audit)."""
    room = window.orders
    stop = room.controller.stop_delivering_action
    stopped: list[bool] = []
    stop.triggered.connect(lambda *_a: stopped.append(True))
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    stop.setEnabled(True)  # as while results are delivered (``_delivery_stops_changed``)
    try:
        room.search.setFocus()
        qtbot.keyClicks(room.search, "a")
        qtbot.keyClick(room.search, Qt.Key.Key_Escape)
        assert room.search.text() == ""
        assert stopped == []
    finally:
        stop.setEnabled(False)


def test_down_and_keypad_enter_go_to_the_list_shift_enter_does_not(qtbot: QtBot) -> None:
    field, went = field_with_keys(qtbot)
    QTest.keyClick(field, Qt.Key.Key_Down)
    QTest.keyClick(field, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert went == ["list", "list"]
    QTest.keyClick(field, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert went == ["list", "list"]


def test_the_list_keeps_its_current_row(qtbot: QtBot) -> None:
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(QStandardItemModel(5, 2, table))
    table.setCurrentIndex(table.model().index(3, 0))
    give_list_the_keyboard(table)
    assert table.currentIndex().row() == 3
    other = QTableView()
    qtbot.addWidget(other)
    other.setModel(QStandardItemModel(5, 2, other))
    give_list_the_keyboard(other)
    assert other.currentIndex().row() == 0


def test_a_current_row_not_selected_is_selected_as_the_list_gets_the_keyboard(
    qtbot: QtBot,
) -> None:
    """A list whose first row was current but not selected (as a model reset leaves it) got
    the keyboard with nothing selected: the pane stayed blank, the orders' shortcuts said
    "Select an order first.", and Home did nothing, the first row being current already."""
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(QStandardItemModel(5, 2, table))
    selection = table.selectionModel()
    selection.setCurrentIndex(table.model().index(0, 1), selection.SelectionFlag.NoUpdate)
    give_list_the_keyboard(table)
    assert [index.row() for index in selection.selectedRows()] == [0]  # as a click selects
    assert table.currentIndex().row() == 0

    other = QTableView()  # rows selected already stay so, the current row with them
    qtbot.addWidget(other)
    other.setModel(QStandardItemModel(5, 2, other))
    chosen = other.selectionModel()
    flags = chosen.SelectionFlag
    for row in (2, 3):
        chosen.select(other.model().index(row, 0), flags.Select | flags.Rows)
    chosen.setCurrentIndex(other.model().index(2, 0), flags.NoUpdate)
    give_list_the_keyboard(other)
    assert sorted(index.row() for index in chosen.selectedRows()) == [2, 3]
    assert other.currentIndex().row() == 2
