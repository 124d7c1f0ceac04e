"""The Candidates tab's model: a later order's candidate row is its candidate's own, an order's
status cell says Berke's side too, and a candidate with a blank id has no tip."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from app.ui.orders.candidate_table_model import CandidateTableModel
from app.views.candidate_groups import Column
from app.views.order_rows import OrderColumns
from tests.order_row_samples import candidate_order_row as row


def _candidate_row(model: CandidateTableModel, name: str) -> int:
    """The own row of the candidate called ``name``: the one row of that name no order's."""
    rows = [
        at
        for at in range(model.rowCount())
        if model.order_row(at) is None and model.index(at, Column.NAME).data() == name
    ]
    assert len(rows) == 1, rows
    return rows[0]


def _repainted(model: CandidateTableModel, order_id: str) -> list[int]:
    """The rows repainted when the order changes in place (``orders_changed``)."""
    painted: list[int] = []

    def note(top: QModelIndex, _bottom: QModelIndex, _roles: object = ()) -> None:
        painted.append(top.row())

    model.dataChanged.connect(note)
    try:
        model.orders_changed([model._groups.index.id.index(order_id)])
    finally:
        model.dataChanged.disconnect(note)
    return painted


def test_the_candidate_row_of_a_later_order_is_its_candidates_own(qapp: QApplication) -> None:
    # C8: ``while`` -> ``if``: from a candidate's third order the walk stopped on the order
    # above, so the candidate's row was not the one selected/repainted.
    model = CandidateTableModel()
    model.set_rows(
        OrderColumns.of_rows([row(1, "Ana"), row(2, "Ana"), row(3, "Ana"), row(4, "Bo")])
    )
    ana = _candidate_row(model, "Ana")
    for order_id in ("o1", "o2", "o3"):
        assert _repainted(model, order_id) == [model.row_of_order(order_id), ana]


def test_an_orders_status_cell_says_berkes_side_too(qapp: QApplication) -> None:
    model = CandidateTableModel()
    model.set_rows(
        OrderColumns.of_rows(
            [row(1, "Ana", berke="Complete · 2026-11-30 14:05"), row(2, "Ana", berke="")]
        )
    )
    first = model.row_of_order("o1")
    second = model.row_of_order("o2")
    assert first is not None
    assert second is not None
    text = model.index(first, Column.STATUS).data()
    assert text.endswith(" · Berke: complete"), text
    assert "Berke" not in model.index(second, Column.STATUS).data()
    spoken = model.index(first, Column.STATUS).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Berke: complete" in spoken


def test_an_order_changed_in_place_repaints_its_candidates_row_too(qapp: QApplication) -> None:
    model = CandidateTableModel()
    model.set_rows(OrderColumns.of_rows([row(1, "Ana"), row(2, "Ana"), row(3, "Bo")]))
    at = model.row_of_order("o2")
    assert at is not None
    # Its status count lives on the candidate's row.
    assert _repainted(model, "o2") == [at, _candidate_row(model, "Ana")]


def test_the_status_tip_says_both_sides_in_full(qapp: QApplication) -> None:
    model = CandidateTableModel()
    model.set_rows(OrderColumns.of_rows([row(1, "Ana", berke="Started")]))
    at = model.row_of_order("o1")
    assert at is not None
    tip = model.index(at, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert "SmartRecruiters: " in tip
    assert "\nBerke: " in tip


def test_a_candidate_with_a_blank_id_has_no_tip(qapp: QApplication) -> None:
    model = CandidateTableModel()
    model.set_rows(OrderColumns.of_rows([row(1, "Ana", candidate_id="  ")]))
    at = _candidate_row(model, "Ana")
    assert model.index(at, Column.NAME).data(Qt.ItemDataRole.ToolTipRole) is None


def test_sorting_by_the_first_column_is_by_it(qapp: QApplication) -> None:
    model = CandidateTableModel()
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.sort_column() == Column(0)
    model.sort(-1)
    assert model.sort_column() is None


def test_a_search_that_finds_nothing_shows_nothing(qapp: QApplication) -> None:
    model = CandidateTableModel()
    model.set_rows(OrderColumns.of_rows([row(1, "Ana"), row(2, "Bo")]))
    model.set_search_text("zzzz")
    assert model.rowCount() == 0
    assert model.order_ids() == []
