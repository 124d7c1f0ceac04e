"""Ctrl+A over a long list is one selection, not a question to the model about every cell.

With 100,000 orders (bench/snapshot_scale.py) Ctrl+A took 2.25 s: each time the column headers
were painted, Qt asked whether every row of each column was selected (to draw a fully selected
column's header pressed), through the Python proxy: 500,000 calls. Rows are selected whole in
the inbox, so a column's header has nothing to show about it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from pytestqt.qtbot import QtBot

from app.ui.orders.order_filter_proxy import OrderFilterProxy
from tests.snapshot_samples import records, write_sample
from tests.ui.conftest import show_exposed, snapshot_room

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
