"""Ctrl+A over a long list is one selection, not a question to the model about every cell.

With 100,000 orders (bench/snapshot_scale.py) Ctrl+A took 2.25 s: each time the column headers
were painted, Qt asked whether every row of each column was selected (to draw a fully selected
column's header pressed), through the Python proxy: 500,000 calls. Rows are selected whole in
the inbox, so a column's header has nothing to show about it.

A selection stays the orders selected (those still shown) when a search, filter or sort
changes the rows shown: Qt's selection model did not keep it so for a whole table selected.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.domain.journal_terms import LinkedAssessment
from app.domain.order_state import OrderState
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.ui.main_window import MainWindow
from app.ui.orders import orders_room
from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.orders_room import OrdersRoom
from app.workflows.board import OrderBoard
from app.workflows.cached_inbox import CachedInbox
from app.workflows.desk import Desk
from tests.snapshot_samples import order, records, write_sample
from tests.ui.conftest import _wait, connect, show_exposed, snapshot_room

ORDERS = 3000


def test_ctrl_a_over_many_orders_does_not_ask_about_every_cell(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[int] = []
    index = OrderFilterProxy.index

    def counted(
        self: OrderFilterProxy,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008
    ) -> QModelIndex:
        asked.append(row)
        return index(self, row, column, parent)

    monkeypatch.setattr(OrderFilterProxy, "index", counted)
    path = write_sample(tmp_path / "many.adsnap", records(ORDERS))
    room = snapshot_room(qtbot, path, tmp_path / "t")
    assert room.proxy.rowCount() == ORDERS
    room.table.selectAll()
    assert len(room.selected_ids()) == ORDERS

    asked.clear()
    room.table.grab()  # paints the headers and the rows in sight, as the screen would
    # The rows in sight, not the thousands selected: each column's header asked about every
    # row (27,217 questions here, and 500,000 for Ctrl+A over 100,000 orders).
    assert len(asked) < ORDERS, len(asked)


def test_the_comparisons_header_keeps_out_of_the_selection(qtbot: QtBot, tmp_path: Path) -> None:
    """A comparison of two large snapshots lists as many changes: the same header, the same
    cure (its proxy is Qt's own, so each question was C++: ~1 s for Ctrl+A over 100,000)."""
    from app.domain.snapshot_diff import diff_orders
    from app.ui.snapshots.compare_dialog import CompareDialog

    dialog = CompareDialog(diff_orders(records(ORDERS), []), "old", "new")
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    dialog.table.selectAll()
    assert len(dialog.table.selectionModel().selectedRows()) == ORDERS
    header = dialog.table.horizontalHeader()
    assert header.selectionModel() is not dialog.table.selectionModel()
    assert not header.selectionModel().hasSelection()


def test_the_candidates_header_is_drawn_as_the_inboxs(qtbot: QtBot) -> None:
    """Not bold over a selected row in one table and plain in the other."""
    from app.ui.orders.candidates_view import CandidatesView

    view = CandidatesView()
    qtbot.addWidget(view)
    header = view.table.horizontalHeader()
    assert header.selectionModel() is not view.table.selectionModel()


# 100 orders of each status: 400 rows of 14 columns, over the 1,000 cells from which Qt's
# selection model keeps "the whole table selected" as a range of its own.
SELECTED_WHOLE = 400


def _room_selected_whole(qtbot: QtBot, tmp_path: Path, status: OrderStatus | None) -> OrdersRoom:
    """A snapshot's Orders room under ``status`` (None: All statuses), Ctrl+A pressed."""
    path = write_sample(tmp_path / "whole.adsnap", records(SELECTED_WHOLE))
    room = snapshot_room(qtbot, path, tmp_path / "t")
    room.status_filter.setCurrentIndex(room.status_filter.findData(status) if status else 0)
    room.table.setFocus()
    qtbot.keyClick(room.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert room.selected_ids() == room.proxy.order_ids()
    assert len(room.proxy.order_ids()) * room.proxy.columnCount() > 1000
    return room


def test_ctrl_a_then_a_wider_filter_selects_no_other_order(qtbot: QtBot, tmp_path: Path) -> None:
    """Ctrl+A under "New", then "All statuses" to look around: the orders in progress,
    completed and rejected were selected too (Qt moved the one range's two ends to their new
    rows, and selected every row between them), and Reject offered to reject them all."""
    room = _room_selected_whole(qtbot, tmp_path, OrderStatus.NEW)
    new = room.proxy.order_ids()

    room.status_filter.setCurrentIndex(0)  # All statuses

    assert len(room.proxy.order_ids()) == SELECTED_WHOLE
    assert room.selected_ids() == new


def test_ctrl_a_then_a_narrower_filter_keeps_the_orders_still_shown(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Ctrl+A under "All statuses", then "New": nothing was selected (the range's first row
    left the list, and the range with it)."""
    room = _room_selected_whole(qtbot, tmp_path, None)

    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))

    assert len(room.proxy.order_ids()) == SELECTED_WHOLE // 4
    assert room.selected_ids() == room.proxy.order_ids()


def test_ctrl_a_then_another_filter_of_as_many_orders_selects_none_of_them(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Ctrl+A under "New", then "In progress" (as many orders): every order in progress was
    selected, none of them ever chosen (Qt selects the whole table again when the count of rows
    is the same)."""
    room = _room_selected_whole(qtbot, tmp_path, OrderStatus.NEW)

    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.IN_PROGRESS))

    assert len(room.proxy.order_ids()) == SELECTED_WHOLE // 4
    assert room.selected_ids() == []


def test_ctrl_a_then_a_search_typed_and_cleared_keeps_the_orders_it_found(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A search hides orders from a selection as it goes (they leave it); cleared, every order
    was selected again, those the search had hidden too."""
    room = _room_selected_whole(qtbot, tmp_path, None)

    room.search.setText("Globex")
    found = room.proxy.order_ids()
    assert room.selected_ids() == found
    room.search.clear()

    assert len(room.proxy.order_ids()) == SELECTED_WHOLE
    assert room.selected_ids() == found


def test_ctrl_a_then_orders_arriving_among_those_shown_are_not_selected(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A sync that brings orders in between those shown in more places than the list says
    one by one (it says them as one change of layout): the new orders were selected with
    the rest, the coordinator never having seen them."""
    room = _room_selected_whole(qtbot, tmp_path, None)
    selected = room.selected_ids()
    half_an_hour_later = [
        row._replace(id=f"{row.id}-later", created=row.created.replace(":00:00", ":30:00"))
        for row in map(room.model.row, range(SELECTED_WHOLE))
    ]
    layouts: list[int] = []
    room.proxy.layoutChanged.connect(lambda *_a: layouts.append(room.proxy.rowCount()))

    room.model.update_rows(half_an_hour_later)

    assert layouts == [2 * SELECTED_WHOLE]  # one between each two: one change of layout
    assert room.selected_ids() == selected


def test_a_search_over_many_orders_selected_moves_no_index_per_cell(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """One order in two selected, then a search: Qt's selection model kept an index for each
    selected cell (2,800 here), and the proxy moved each in Python: 0.6 s a keystroke with
    3,500 orders of 100,000 selected."""
    path = write_sample(tmp_path / "many.adsnap", records(SELECTED_WHOLE))
    room = snapshot_room(qtbot, path, tmp_path / "t")
    room.reselect(room.proxy.order_ids()[::2])
    selected = room.selected_ids()
    kept: list[int] = []  # the indexes the proxy moves, as the rows shown change
    room.proxy.layoutAboutToBeChanged.connect(
        lambda *_a: kept.append(len(room.proxy.persistentIndexList()))
    )

    room.search.setText("Acme")

    assert kept
    assert max(kept) < 100, kept  # the current order's, the headers' hidden columns: a dozen
    found = set(room.proxy.order_ids())
    assert room.selected_ids() == [order_id for order_id in selected if order_id in found]


SHIFT = Qt.KeyboardModifier.ShiftModifier


def _shift_range(qtbot: QtBot, tmp_path: Path) -> tuple[OrdersRoom, list[str]]:
    """40 orders, the third to the sixth selected with Shift+Down from the third."""
    room = snapshot_room(qtbot, write_sample(tmp_path / "few.adsnap", records(40)), tmp_path / "t")
    room.table.setFocus()
    room.select_order(room.proxy.order_ids()[2])
    for _ in range(3):
        qtbot.keyClick(room.table, Qt.Key.Key_Down, SHIFT)
    ids = room.proxy.order_ids()
    assert room.selected_ids() == ids[2:6]
    return room, ids


@pytest.mark.parametrize("change", ["none", "sort", "search", "moved"])
def test_a_shift_range_can_be_shrunk_after_the_rows_change(
    qtbot: QtBot, tmp_path: Path, change: str
) -> None:
    """The selection kept across a change of layout was settled whole: a Shift range grown
    before it could no longer be shrunk (Shift+Up kept the order meant to be dropped, and a
    Reject of several took it). A sort clicked and back, a search typed and cleared, a poll
    that moved another order."""
    room, ids = _shift_range(qtbot, tmp_path)
    kept = ids[2:5]
    if change == "sort":
        column, order = room.proxy.sortColumn(), room.proxy.sortOrder()
        other = (
            Qt.SortOrder.AscendingOrder
            if order == Qt.SortOrder.DescendingOrder
            else Qt.SortOrder.DescendingOrder
        )
        room.table.sortByColumn(column, other)
        room.table.sortByColumn(column, order)
    elif change == "search":
        room.search.setText("order-03")
        room.search.clear()
        room.table.setFocus()
    elif change == "moved":
        position = room.model.row_of(ids[-1])
        assert position is not None
        last = room.model.row(position)
        room.model.update_rows([last._replace(created=last.created.replace("2025", "2026"))])
        ids = room.proxy.order_ids()
        assert ids[0] == last.id  # moved to the top
        kept = ids[3:6]
    assert room.selected_ids() == [*kept, ids[ids.index(kept[-1]) + 1]]
    qtbot.keyClick(room.table, Qt.Key.Key_Up, SHIFT)
    assert room.selected_ids() == kept


def test_the_pane_forgets_several_orders_a_search_hid(qtbot: QtBot, tmp_path: Path) -> None:
    """Three orders selected, then a search that shows none of them: nothing was selected,
    yet the pane still said "3 orders selected", with their summary."""
    room = snapshot_room(qtbot, write_sample(tmp_path / "few.adsnap", records(40)), tmp_path / "t")
    ids = room.proxy.order_ids()
    room.reselect([i for i in ids if i.startswith("order-03")][:3])
    qtbot.waitUntil(lambda: "3 orders selected" in room.detail.title.text())
    room.search.setText("order-01")
    assert room.selected_ids() == []
    assert "orders selected" not in room.detail.title.text(), room.detail.title.text()


def _worked_inbox(new: int, worked: int) -> CachedInbox:
    """``new`` new orders, then ``worked`` orders in progress, each with its Berke assessment
    linked here: a desk that has worked its inbox."""
    at = datetime(2025, 3, 1, tzinfo=UTC)
    orders: list[AssessmentOrder] = []
    states: dict[str, OrderState] = {}
    for i in range(new + worked):
        made = order(
            i,
            id=f"order-{i:05d}",
            status="NEW" if i < new else "IN_PROGRESS",
            candidate={"id": f"cand-{i}", "firstName": "Ana", "lastName": f"Lund{i}",
                       "email": f"ana{i}@example.com"},
        )  # fmt: skip
        orders.append(made)
        if made.status is OrderStatus.IN_PROGRESS:
            link = LinkedAssessment(
                order_id=made.id, source_candidate_id=f"sc-{i}", invitation_code=f"C{i:05d}",
                assessment_url=f"https://berke.example/{i}", created_at=at, invited_at=at,
            )  # fmt: skip
            states[made.id] = OrderState(link=link, accepted_here=True)
    return CachedInbox(orders, states)


def _new_orders_shown(qtbot: QtBot, window: MainWindow, desk: Desk, new: int) -> OrderBoard:
    board = connect(window, desk, start=False)
    _wait(qtbot, board.load(_worked_inbox(new, worked=400)))
    room = window.orders
    room.status_filter.setCurrentIndex(room.status_filter.findText("New"))
    assert room.proxy.rowCount() == new
    room.table.setFocus()
    return board


class _CountedStates(dict[str, OrderState]):
    """The board's order states, counting each one walked."""

    walked = 0

    def __iter__(self) -> Iterator[str]:
        for key in super().__iter__():
            _CountedStates.walked += 1
            yield key

    def items(self) -> Any:
        _CountedStates.walked += len(self)
        return super().items()

    def values(self) -> Any:
        _CountedStates.walked += len(self)
        return super().values()


def test_ctrl_a_over_new_orders_walks_the_order_states_not_once_per_order(
    qtbot: QtBot, window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop
) -> None:
    """Ctrl+A over the 2,750 new orders of a desk that had worked its inbox froze the window
    for 3.5–8.7 s, and again at every poll while they stayed selected: each order's "Create,
    accept and invite" looked through every order's state for another order of its candidate
    waiting for its create, twice per change of the selection (the actions, the pane's
    summary). Counted here, not timed: the states walked."""
    board = _new_orders_shown(qtbot, window, desk, new=400)
    room = window.orders
    board._memory._states = _CountedStates(board._memory._states)  # counts the walks
    _CountedStates.walked = 0

    qtbot.keyClick(room.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)

    assert len(room.selected_ids()) == 400
    assert "Create, accept and invite: 400 of 400." in room.detail.selection_box.text.text()
    # A walk of all 800 states per order asked: 320,000 here before.
    assert _CountedStates.walked <= 800, _CountedStates.walked


def test_the_summary_of_many_orders_comes_a_slice_at_a_time(
    qtbot: QtBot,
    window: MainWindow,
    desk: Desk,
    qloop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pane's summary asks the board about each order selected for each action: for
    thousands (Ctrl+A) it is worked out a slice at a time between turns of the loop, the pane
    saying so meanwhile. A change while they stay selected (a poll) keeps the lines shown
    until the new ones are in: "Working out…" at every poll would blink."""
    monkeypatch.setattr(orders_room, "SUMMARY_SLICE", 40)
    board = _new_orders_shown(qtbot, window, desk, new=100)
    room = window.orders
    lines = room.detail.selection_box.text

    qtbot.keyClick(room.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)

    assert room.detail.title.text() == "100 orders selected"
    assert lines.text() == orders_room.WORKING_OUT
    qtbot.waitUntil(lambda: "Create, accept and invite: 100 of 100." in lines.text())
    said: list[list[str]] = []
    show = room.detail.show_selection

    def shown(title: str, counts: str, lines_shown: list[str]) -> None:
        said.append(lines_shown)
        show(title, counts, lines_shown)

    monkeypatch.setattr(room.detail, "show_selection", shown)
    qloop.run_until_complete(board.refresh(room.selected_ids()[:1]))  # as a poll
    qtbot.waitUntil(lambda: bool(said) and not room.tasks.has_running())
    assert len(said) == 2  # the lines kept at once, then those worked out again
    assert said[0] == said[1]
    assert "Create, accept and invite: 100 of 100." in said[1]
