"""The orders selected, as the room reads them, follow the selection and every move of the
rows, yet are not read again from Qt's selection on each change of an order: there, each
range was checked through the Python proxy (15 ms for a batch's 200 scattered orders, three
times per change of an order while the batch ran)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from app.domain.smartrecruiters import OrderStatus
from app.ui.orders.orders_room import OrdersRoom
from app.views.inbox_columns import INBOX
from app.views.order_rows import order_row
from tests.snapshot_samples import order, records, write_sample
from tests.ui.conftest import snapshot_room

SELECTED = ["order-027", "order-020", "order-013", "order-006"]  # scattered: four ranges


@pytest.fixture
def room(qtbot: QtBot, tmp_path: Path) -> OrdersRoom:
    room = snapshot_room(qtbot, write_sample(tmp_path / "s.adsnap", records(30)), tmp_path / "t")
    model = room.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    for order_id in SELECTED:
        row = room.model.row_of(order_id)
        assert row is not None
        index = room.proxy.mapFromSource(room.model.index(row, 0))
        model.select(index, flags.Select | flags.Rows)
    return room


@pytest.fixture
def selections_read(room: OrdersRoom, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the room read Qt's selection."""
    read: list[int] = []
    model = room.table.selectionModel()
    selection = model.selection

    def counted() -> Any:
        read.append(1)
        return selection()

    monkeypatch.setattr(model, "selection", counted)
    return read


def emit(room: OrdersRoom, *rows: Any) -> None:
    assert room.source is not None
    room.source.rows_changed.emit(list(rows))


def test_a_change_of_an_order_does_not_read_the_selection_again(
    room: OrdersRoom, selections_read: list[int]
) -> None:
    assert room.selected_ids() == SELECTED
    read = len(selections_read)
    position = room.model.row_of("order-020")
    assert position is not None
    emit(room, room.model.row(position)._replace(status=OrderStatus.REJECTED))  # a batch's step
    assert room.selected_ids() == SELECTED
    assert len(selections_read) == read


def test_orders_arriving_above_move_the_rows_selected(
    room: OrdersRoom, selections_read: list[int]
) -> None:
    before = room.selected_ids()
    read = len(selections_read)
    emit(room, order_row(order(40)), order_row(order(41)))  # newer: sorted in at the top
    assert room.proxy.index(0, 0).data(Qt.ItemDataRole.UserRole) == "order-041"
    assert room.selected_ids() == before
    assert len(selections_read) > read  # read again once the rows had moved


def test_a_sort_a_search_and_a_new_selection_are_followed(room: OrdersRoom) -> None:
    room.table.sortByColumn(INBOX.index("ordered"), Qt.SortOrder.AscendingOrder)
    assert room.selected_ids() == list(reversed(SELECTED))
    room.search.setText("Smith")  # John Smith's orders only
    assert room.selected_ids() == ["order-027"]
    room.search.clear()
    room.table.clearSelection()
    assert room.selected_ids() == []
    room.select_order("order-013")
    assert room.selected_ids() == ["order-013"]
