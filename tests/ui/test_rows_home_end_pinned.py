"""Mutation-audit pin for ``RowTableView.moveCursor``: Home/End from a column the coordinator
has since hidden (View › Inbox columns) must not put the current cell in that hidden column.
(Mutant: ``row_table.py`` without ``or self.isColumnHidden(current.column())``.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView
from pytestqt.qtbot import QtBot

from app.ui.common.row_table import RowTableView
from tests.ui.conftest import show_exposed

ROWS = 40


def test_end_from_a_column_hidden_since_lands_on_a_shown_column(qtbot: QtBot) -> None:
    model = QStandardItemModel(0, 4)
    for row in range(ROWS):
        model.appendRow([QStandardItem(f"row {row}, column {column}") for column in range(4)])
    view = RowTableView()
    view.setModel(model)
    model.setParent(view)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    qtbot.addWidget(view)
    view.resize(500, 300)
    show_exposed(qtbot, view)
    view.setFocus()
    view.setCurrentIndex(model.index(5, 2))
    view.setColumnHidden(2, True)  # the coordinator hides the column the cursor is in

    qtbot.keyClick(view, Qt.Key.Key_End)
    current = view.currentIndex()
    assert current.row() == ROWS - 1
    assert not view.isColumnHidden(current.column())
    qtbot.keyClick(view, Qt.Key.Key_Home)
    current = view.currentIndex()
    assert current.row() == 0
    assert not view.isColumnHidden(current.column())
