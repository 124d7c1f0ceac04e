"""Rows that come or go repaint the table from the first row that moved, not the whole of it.

Qt's ``QTableView`` repaints its whole viewport whenever the row count changes: during a first
sync of 5,000 orders, 49 full repaints of the Orders table (14–25 ms each at 1280×800) for pages
that all landed below the rows in view. What is on screen must still be what a fresh paint
draws: each test compares the window's pixels (the backing store, as the screen shows it) with
a new rendering of the view.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTableView
from pytestqt.qtbot import QtBot

from app.ui.common.local_repaint_table import LocalRepaintTableView
from app.ui.orders.batch_dialog import BatchDialog
from app.views.order_rows import order_row
from app.workflows.batch import Outcome, OutcomeKind
from tests.snapshot_samples import order, records, write_sample
from tests.ui.conftest import show_exposed, snapshot_room
from tests.ui.paints import Paints, flush, painted_by


def rows(first: int, count: int, tag: str = "row") -> Iterator[list[QStandardItem]]:
    for number in range(first, first + count):
        yield [QStandardItem(f"{tag} {number}, column {column}") for column in range(4)]


def table(qtbot: QtBot, kind: type[QTableView], count: int = 300) -> QTableView:
    model = QStandardItemModel(0, 4)
    for items in rows(0, count):
        model.appendRow(items)
    view = kind()
    view.setModel(model)
    model.setParent(view)
    qtbot.addWidget(view)
    view.resize(600, 400)
    show_exposed(qtbot, view)
    return view


@pytest.fixture
def view(qtbot: QtBot) -> QTableView:
    return table(qtbot, LocalRepaintTableView)


@pytest.fixture
def paints(view: QTableView) -> Paints:
    recorder = Paints()
    view.viewport().installEventFilter(recorder)
    return recorder


def model_of(view: QTableView) -> QStandardItemModel:
    model = view.model()
    assert isinstance(model, QStandardItemModel)
    return model


def on_screen_as_drawn(view: QTableView) -> bool:
    """Whether the window's pixels over the rows are those a fresh paint of them draws: a row
    that moved but was not repainted would show its old text. (The frame and scroll bar are
    left out: a grab draws them in the shade of an inactive window.)"""
    flush(view)
    viewport = view.viewport()
    fresh = viewport.grab().toImage()
    window = view.window()
    whole = QGuiApplication.primaryScreen().grabWindow(window.winId()).toImage()
    shown = whole.copy(QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size()))
    return shown.convertToFormat(fresh.format()) == fresh


def scroll_range_of_a_fresh_view(qtbot: QtBot, view: QTableView) -> int:
    """The scroll range a plain ``QTableView`` of the same size gives the same rows."""
    reference = table(qtbot, QTableView, count=0)
    reference.setModel(view.model())
    reference.resize(view.size())
    flush(reference)
    return reference.verticalScrollBar().maximum()


def below_the_view(view: QTableView) -> int:
    """The first row not in view (whole or in part)."""
    return view.rowAt(view.viewport().height() - 1) + 1


def test_rows_arriving_below_the_view_repaint_nothing(
    view: QTableView, paints: Paints, qtbot: QtBot
) -> None:
    def append() -> None:
        for items in rows(300, 50, "new"):
            model_of(view).appendRow(items)

    assert painted_by(view, paints, append).isEmpty()
    assert view.verticalScrollBar().maximum() == scroll_range_of_a_fresh_view(qtbot, view)
    assert on_screen_as_drawn(view)


def test_rows_arriving_among_those_shown_repaint_from_there_down(
    view: QTableView, paints: Paints
) -> None:
    top = view.rowViewportPosition(3)
    painted = painted_by(view, paints, lambda: model_of(view).insertRow(3, next(rows(0, 1, "new"))))
    assert painted == QRect(0, top, view.viewport().width(), view.viewport().height() - top)
    assert on_screen_as_drawn(view)
    assert view.model().index(3, 0).data() == "new 0, column 0"


def test_rows_leaving_from_among_those_shown_repaint_from_there_down(
    view: QTableView, paints: Paints
) -> None:
    top = view.rowViewportPosition(5)
    painted = painted_by(view, paints, lambda: model_of(view).removeRows(5, 2))
    assert painted == QRect(0, top, view.viewport().width(), view.viewport().height() - top)
    assert on_screen_as_drawn(view)


def test_rows_leaving_below_the_view_repaint_nothing(
    view: QTableView, paints: Paints, qtbot: QtBot
) -> None:
    first = below_the_view(view) + 5
    assert painted_by(view, paints, lambda: model_of(view).removeRows(first, 10)).isEmpty()
    assert view.verticalScrollBar().maximum() == scroll_range_of_a_fresh_view(qtbot, view)
    assert on_screen_as_drawn(view)


def test_rows_arriving_above_the_view_repaint_all_it_shows(
    view: QTableView, paints: Paints
) -> None:
    """Scrolled down, the rows in view move down by one: every one of them is repainted."""
    view.verticalScrollBar().setValue(20)
    painted = painted_by(view, paints, lambda: model_of(view).insertRow(0, next(rows(0, 1))))
    assert painted == view.viewport().rect()
    assert on_screen_as_drawn(view)


@pytest.mark.parametrize("height", [400, 413])  # the last row whole, or cut
def test_rows_coming_or_going_at_the_end_of_a_view_scrolled_there_leave_it_as_drawn(
    view: QTableView, height: int
) -> None:
    """Scrolled to the end one row at a time, the last row sits on the bottom edge; with
    another row below, Qt puts a row's top on the top edge instead: every row shown moves a
    little, with no scroll to repaint them."""
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
    view.resize(600, height)
    model = model_of(view)
    bar = view.verticalScrollBar()
    for change in (
        lambda: model.appendRow(next(rows(300, 1, "new"))),
        lambda: model.removeRows(model.rowCount() - 1, 1),
        lambda: model.insertRow(model.rowCount() - 3, next(rows(400, 1, "new"))),
    ):
        bar.setValue(bar.maximum())
        assert on_screen_as_drawn(view)
        change()
        assert on_screen_as_drawn(view)


def test_a_reset_still_lays_out_everything(view: QTableView, paints: Paints) -> None:
    model = model_of(view)
    painted = painted_by(view, paints, lambda: model.removeRows(0, model.rowCount()))
    assert painted == view.viewport().rect()  # the scroll bar left: the viewport grew
    assert on_screen_as_drawn(view)

    def reset() -> None:
        model.clear()
        for items in rows(0, 30, "again"):
            model.appendRow(items)

    painted_by(view, paints, reset)
    assert on_screen_as_drawn(view)


@pytest.mark.parametrize("seed", range(3))
def test_any_run_of_arrivals_and_departures_leaves_the_screen_as_drawn(
    view: QTableView, qtbot: QtBot, seed: int
) -> None:
    rng = random.Random(seed)
    model = model_of(view)
    for step in range(40):
        if model.rowCount() > 10 and rng.random() < 0.5:
            first = rng.randrange(model.rowCount())
            model.removeRows(first, min(rng.randint(1, 8), model.rowCount() - first))
        else:
            first = rng.randint(0, model.rowCount())
            for offset, items in enumerate(rows(1000 * step, rng.randint(1, 8), "new")):
                model.insertRow(first + offset, items)
        if rng.random() < 0.2:
            bar = view.verticalScrollBar()
            bar.setValue(rng.randint(0, bar.maximum()))
        assert on_screen_as_drawn(view), f"step {step}"
    assert view.verticalScrollBar().maximum() == scroll_range_of_a_fresh_view(qtbot, view)


def test_orders_arriving_below_the_orders_in_view_repaint_none_of_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A page of a sync with orders older than those in view (sorted newest first, they land
    at the bottom) leaves the table's pixels alone."""
    room = snapshot_room(qtbot, write_sample(tmp_path / "s.adsnap", records(60)), tmp_path / "t")
    view = room.table
    assert isinstance(view, LocalRepaintTableView)
    paints = Paints()
    view.viewport().installEventFilter(paints)
    older = [
        order_row(order(100 + n, createDate="2020-01-01T00:00:00.000+0000")) for n in range(20)
    ]
    source = room.source
    assert source is not None

    painted = painted_by(view, paints, lambda: source.rows_changed.emit(older[:10]))
    assert painted.isEmpty()
    assert room.proxy.rowCount() == 70
    assert room.proxy.index(69, 0).data(Qt.ItemDataRole.UserRole).startswith("order-1")
    assert on_screen_as_drawn(view)

    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())  # at the end
    assert on_screen_as_drawn(view)
    source.rows_changed.emit(older[10:])
    assert room.proxy.rowCount() == 80
    assert on_screen_as_drawn(view)


def test_outcomes_of_a_batch_arriving_below_those_in_view_repaint_none_of_them(
    qtbot: QtBot,
) -> None:
    """Each outcome of a batch of 200 repainted every outcome shown (~8 ms each)."""
    dialog = BatchDialog(200)
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    view = dialog.table
    assert isinstance(view, LocalRepaintTableView)

    def outcome(n: int) -> Outcome:
        return Outcome(f"o{n}", f"Candidate {n}", OutcomeKind.DONE, "Created, accepted, invited.")

    def arrives(n: int) -> None:
        dialog.add_outcome(n, outcome(n))
        dialog.show_reported()  # as the loop's next turn does

    n = 0
    while below_the_view(view) == 0 or below_the_view(view) >= dialog.model.rowCount():
        n += 1
        arrives(n)
    paints = Paints()
    view.viewport().installEventFilter(paints)
    assert painted_by(view, paints, lambda: arrives(n + 1)).isEmpty()
    assert dialog.model.rowCount() == n + 1
    assert on_screen_as_drawn(view)
