"""Mutation-audit pins for ``app.views.qt_header_state`` (each fails on one surviving mutant)."""

from __future__ import annotations

import struct
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from app.views.qt_header_state import read_qt_header_state

COLUMNS = ("a", "b", "c", "d", "e")


def table_of(qtbot: QtBot, columns: Sequence[str], width: int = 80) -> QTableView:
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(QStandardItemModel(0, len(columns), table))
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for position in range(len(columns)):
        table.setColumnWidth(position, width)
    return table


def state_of(table: QTableView) -> bytes:
    return bytes(table.horizontalHeader().saveState().data())


def with_int(state: bytes, at: int, value: int) -> bytes:
    return state[:at] + struct.pack(">i", value) + state[at + 4 :]


def test_a_moved_hidden_column_is_the_one_hidden(qtbot: QtBot) -> None:
    # Q18 (hidden read by place, not by the column at that place): "a" moved to the end and
    # hidden came back with "e" hidden instead
    table = table_of(qtbot, COLUMNS)
    header = table.horizontalHeader()
    header.moveSection(0, 4)  # b c d e a
    header.setSectionHidden(0, True)  # "a", now at the far right
    layout = read_qt_header_state(state_of(table), COLUMNS)
    assert layout is not None
    assert layout.order == ("b", "c", "d", "e", "a")
    assert layout.hidden == {"a"}


def test_a_header_without_a_sort_has_no_sort_column(qtbot: QtBot) -> None:
    # Q15 (section -1 read as the last column): the inbox came back sorted by its last column
    table = table_of(qtbot, COLUMNS)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    layout = read_qt_header_state(state_of(table), COLUMNS)
    assert layout is not None
    assert layout.sort_column is None


def test_a_state_whose_sizes_do_not_add_up_is_no_layout(qtbot: QtBot) -> None:
    # Q13 (Qt's own check dropped): a damaged size became a 10 px column
    table = table_of(qtbot, COLUMNS)
    table.setColumnWidth(1, 111)
    state = state_of(table)
    at = state.find(struct.pack(">ii", 111, 1))
    assert at > 0
    assert read_qt_header_state(state, COLUMNS) is not None
    assert read_qt_header_state(with_int(state, at, 10), COLUMNS) is None


def test_a_state_with_a_sort_order_qt_never_writes_is_no_layout(qtbot: QtBot) -> None:
    # Q6 (the sort order unchecked), Q21 (the marker unchecked)
    table = table_of(qtbot, COLUMNS)
    state = state_of(table)
    assert read_qt_header_state(with_int(state, 12, 2), COLUMNS) is None
    assert read_qt_header_state(with_int(state, 0, 0xFE), COLUMNS) is None


def test_a_flag_byte_that_is_not_0_or_1_is_no_layout(qtbot: QtBot) -> None:
    # Q1 (a flag byte of any value read as set)
    table = table_of(qtbot, COLUMNS)
    state = state_of(table)
    assert state[20] in (0, 1)  # the sort indicator shown, after five ints
    assert read_qt_header_state(state[:20] + b"\x07" + state[21:], COLUMNS) is None


def test_a_negative_size_is_no_layout(qtbot: QtBot) -> None:
    # Q12 (negative sizes accepted, the total still adding up)
    table = table_of(qtbot, COLUMNS)
    table.setColumnWidth(0, 100)
    table.setColumnWidth(1, 100)
    state = state_of(table)
    first = state.find(struct.pack(">ii", 100, 1))
    second = state.find(struct.pack(">ii", 100, 1), first + 12)
    assert 0 < first < second
    damaged = with_int(with_int(state, first, -50), second, 250)
    assert read_qt_header_state(damaged, COLUMNS) is None
