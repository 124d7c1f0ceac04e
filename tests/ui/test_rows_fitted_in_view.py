"""Rows fitted to their wrapped text when in view keep the right heights as rows come and go
anywhere in the list, not only at its end."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from app.ui.common.rows_fitted_in_view import RowsFittedInView
from tests.ui.conftest import show_exposed

LONG = "a line long enough to wrap several times in a narrow column " * 4


def fitted_table(qtbot: QtBot, texts: list[str]) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, 1)
    view = QTableView()
    view.setModel(model)
    model.setParent(view)
    view.setWordWrap(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    RowsFittedInView(view)
    qtbot.addWidget(view)
    view.resize(300, 400)
    show_exposed(qtbot, view)
    for text in texts:  # as a batch's outcomes come: into a table shown
        model.appendRow([QStandardItem(text)])
    return view, model


def heights(view: QTableView) -> list[int]:
    return [view.rowHeight(row) for row in range(view.model().rowCount())]


def test_rows_are_fitted_as_they_come_in_view(qtbot: QtBot) -> None:
    view, _model = fitted_table(qtbot, [LONG] * 40)
    qtbot.waitUntil(lambda: view.rowHeight(0) > 2 * view.fontMetrics().lineSpacing())
    one_line = view.verticalHeader().defaultSectionSize()
    assert heights(view)[-1] == one_line  # far below the view: not measured yet
    view.scrollToBottom()  # End
    qtbot.waitUntil(lambda: heights(view)[-1] > one_line)
    # Measured taller, the rows did not push the end out of view.
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()
    last = view.model().rowCount() - 1
    assert view.rowViewportPosition(last) + view.rowHeight(last) <= view.viewport().height()


def test_a_row_inserted_above_shifts_the_fitted_ones_with_it(qtbot: QtBot) -> None:
    view, model = fitted_table(qtbot, ["short", LONG, "short"])
    qtbot.waitUntil(lambda: view.rowHeight(1) > 2 * view.fontMetrics().lineSpacing())
    tall, short = view.rowHeight(1), view.rowHeight(0)

    model.insertRow(0, [QStandardItem(LONG)])
    assert heights(view) == [tall, short, tall, short]
    model.removeRows(0, 2)
    assert heights(view) == [tall, short]
    model.item(0, 0).setText("short now")  # measured again: its data changed
    assert heights(view) == [short, short]


def test_a_row_never_in_view_is_measured_once_removals_bring_it_up(qtbot: QtBot) -> None:
    """Rows removed above: the ones below take their places, and their measures with them;
    a row never measured is measured as it lands in view, not taken for the one it replaced."""
    view, model = fitted_table(qtbot, ["short"] * 30 + [LONG])
    one_line = view.verticalHeader().defaultSectionSize()
    assert view.rowHeight(30) == one_line  # below the view: not measured
    model.removeRows(0, 30)
    qtbot.waitUntil(lambda: view.rowHeight(0) > 2 * view.fontMetrics().lineSpacing())
