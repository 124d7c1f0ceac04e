"""The inbox's filter: "Needs attention only" with a search shows only flagged orders that
match, the last column sorts too, a row changed in place is repainted, and an order filtered
out maps to no row."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QSignalSpy
from PySide6.QtWidgets import QApplication

from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import ORDER_ID_ROLE, OrderTableModel
from app.views.inbox_columns import INBOX
from app.views.order_rows import OrderColumns, OrderRow
from tests.order_row_samples import order_row as row


def setup(rows: list[OrderRow]) -> tuple[OrderTableModel, OrderFilterProxy]:
    model = OrderTableModel()
    model.set_rows(OrderColumns.of_rows(rows))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    return model, proxy


def shown_ids(proxy: OrderFilterProxy) -> list[str]:
    return [proxy.index(r, 0).data(ORDER_ID_ROLE) for r in range(proxy.rowCount())]


def test_attention_only_with_a_search_shows_only_flagged_orders_that_match(
    qapp: QApplication,
) -> None:
    # P4: ``mask &= flagged`` -> ``mask |= flagged`` showed every flagged order whatever
    # the search said.
    _, proxy = setup([
        row(1, candidate="Ana", attention="Invitation bounced"),
        row(2, candidate="Zoe", attention="Reminder due"),
        row(3, candidate="Ana"),
    ])  # fmt: skip
    proxy.set_search_text("ana")
    proxy.set_attention_only(True)
    assert shown_ids(proxy) == ["o1"]


def test_the_last_column_sorts_too(qapp: QApplication) -> None:
    # P8: the bound ``column < columnCount()`` cut by one left the Activity column unsorted.
    last = len(INBOX) - 1
    assert INBOX[last].key == "activity"
    _, proxy = setup(
        [row(1, activity="b step"), row(2, activity="c step"), row(3, activity="a step")]
    )
    proxy.sort(last, Qt.SortOrder.AscendingOrder)
    assert shown_ids(proxy) == ["o3", "o1", "o2"]


def test_a_row_changed_in_place_is_repainted(qapp: QApplication) -> None:
    # P10: when the rows shown stay the same, the changed ones must still get dataChanged
    # (else the view shows the old words until something else repaints it).
    model, proxy = setup([row(1), row(2)])
    spy = QSignalSpy(proxy.dataChanged)
    model.update_rows([row(2, job="Surgeon")])
    assert spy.count() == 1
    first: QModelIndex = spy.at(0)[0]
    last: QModelIndex = spy.at(0)[1]
    assert proxy.index(first.row(), 0).data(ORDER_ID_ROLE) == "o2"
    assert (first.column(), last.column()) == (0, proxy.columnCount() - 1)


def test_order_ids_at_names_the_orders_shown_at_those_rows_once_sorted(qapp: QApplication) -> None:
    # P23: ``order_id(shown[row])`` -> ``order_id(row)``: the action took the order at that
    # place in the model, not the one the coordinator sees there.
    _, proxy = setup([row(1, candidate="Cid"), row(2, candidate="Ana"), row(3, candidate="Bo")])
    proxy.sort(INBOX.index("candidate"), Qt.SortOrder.AscendingOrder)
    assert proxy.order_ids_at([0, 2]) == ["o2", "o1"]


def test_an_order_filtered_out_maps_to_no_row_however_often_asked(qapp: QApplication) -> None:
    # P19: past the first lookups (a dict), a hidden order mapped to row 0: the first order
    # shown was selected or opened in its place.
    model, proxy = setup(
        [row(1, candidate="Ana"), row(2, candidate="Zoe"), row(3, candidate="Ana")]
    )
    proxy.set_search_text("ana")
    for _ in range(12):
        assert proxy.mapFromSource(model.index(0, 0)).row() == 0
    assert not proxy.mapFromSource(model.index(1, 0)).isValid()
