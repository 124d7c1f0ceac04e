"""The Candidates tab follows changes of orders without regrouping every order each time.

With the tab shown, each change of an order (a batch makes two per order, a sync one per order
changed) regrouped the whole list: ~70 ms at 5,000 orders, on the GUI thread. A change that
leaves every order with its candidate now repaints its rows only; one that does not (a new
order, a candidate's corrected name) still regroups.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.smartrecruiters import OrderStatus
from app.store.snapshot_file import open_snapshot
from app.ui.common.messages import Messages
from app.ui.orders import candidate_table_model
from app.ui.orders.candidate_table_model import CandidateTableModel
from app.ui.orders.order_table_model import ORDER_ID_ROLE
from app.ui.orders.orders_room import OrdersRoom
from app.ui.snapshots.snapshot_source import SnapshotOrders
from app.views.candidate_groups import CandidateGroups, Column, keeps_its_group
from app.views.order_rows import order_row
from tests.snapshot_samples import order, records, write_sample


@pytest.fixture
def groupings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the candidates were grouped (one entry per grouping)."""
    made: list[int] = []

    class Counted(CandidateGroups):
        def __init__(self, *args: Any) -> None:
            made.append(1)
            super().__init__(*args)

    monkeypatch.setattr(candidate_table_model, "CandidateGroups", Counted)
    return made


@pytest.fixture
def room(qtbot: QtBot, tmp_path: Path) -> OrdersRoom:
    path = write_sample(tmp_path / "ten.adsnap", records(10))
    host = QWidget()
    qtbot.addWidget(host)
    room = OrdersRoom(Messages(host), host)
    room.set_source(SnapshotOrders(open_snapshot(path, temp_root=tmp_path / "t")))
    room.tabs.setCurrentWidget(room.candidates)
    return room


def changed(room: OrdersRoom, order_id: str, **fields: Any) -> None:
    """The source says the order changed, as a live inbox does after a step or a sync."""
    position = room.model.row_of(order_id)
    assert position is not None
    assert room.source is not None
    room.source.rows_changed.emit([room.model.row(position)._replace(**fields)])


def shown_row(model: CandidateTableModel, order_id: str) -> int:
    row = model.row_of_order(order_id)
    assert row is not None
    return row


def test_a_changed_status_is_shown_without_regrouping(
    room: OrdersRoom, groupings: list[int]
) -> None:
    model = room.candidates.model
    row = shown_row(model, "order-004")
    assert model.index(row, Column.STATUS).data() == "New"
    repainted: list[int] = []
    model.dataChanged.connect(lambda first, _last, _roles=(): repainted.append(first.row()))

    changed(room, "order-004", status=OrderStatus.IN_PROGRESS)

    assert groupings == []
    assert model.index(row, Column.STATUS).data() == "In progress"
    candidate_row = max(r for r in range(row) if model.index(r, 0).data(ORDER_ID_ROLE) is None)
    assert repainted == [row, candidate_row]  # the order's row and its candidate's
    tip = model.index(candidate_row, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "2 in progress"  # order-009 was already


def test_a_corrected_name_or_a_new_order_regroups(room: OrdersRoom, groupings: list[int]) -> None:
    model = room.candidates.model
    changed(room, "order-009", candidate="Zoë Müller-Smith")  # the candidate's newest order
    assert len(groupings) == 1
    assert "Zoë Müller-Smith" in [model.index(r, 0).data() for r in range(model.rowCount())]

    assert room.source is not None
    room.source.rows_changed.emit([order_row(order(10))])
    assert len(groupings) == 2
    assert model.row_of_order("order-010") is not None


def test_sorted_by_status_a_candidates_orders_are_put_in_order_again(
    room: OrdersRoom, groupings: list[int]
) -> None:
    model = room.candidates.model
    model.sort(Column.STATUS)

    def statuses_of_cand_4() -> list[str]:
        rows = [shown_row(model, "order-004"), shown_row(model, "order-009")]
        return [model.index(r, Column.STATUS).data() for r in sorted(rows)]

    assert statuses_of_cand_4() == ["New", "In progress"]
    changed(room, "order-004", status=OrderStatus.REJECTED)
    assert statuses_of_cand_4() == ["In progress", "Rejected"]
    assert groupings == []


def test_keeps_its_group_reads_who_and_what_not_how_far() -> None:
    row = order_row(order(3))
    assert keeps_its_group(row, row._replace(status=OrderStatus.COMPLETED, berke="Started"))
    assert keeps_its_group(row, row._replace(attention="Failed", gone=True))
    for field in ("candidate_id", "candidate", "email", "created", "job", "company"):
        other: dict[str, Any] = {field: "other"}
        assert not keeps_its_group(row, row._replace(**other)), field
