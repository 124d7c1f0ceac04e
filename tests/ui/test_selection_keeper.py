"""Orders picked with gaps stay those orders, and selecting rows replaces what was chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import ORDER_ID_ROLE, OrderTableModel
from app.ui.orders.selection_keeper import SelectionKeeper
from app.views.order_rows import OrderColumns, OrderRow
from tests.order_row_samples import order_row as row

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def table_of(qtbot: QtBot, rows: list[OrderRow]) -> tuple[QTableView, OrderFilterProxy]:
    model = OrderTableModel()
    model.set_rows(OrderColumns.of_rows(rows))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    table = QTableView()
    qtbot.addWidget(table)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    keeper = SelectionKeeper(table, proxy)  # before the view is given the proxy
    table.setModel(proxy)
    table.keeper = keeper  # type: ignore[attr-defined]
    return table, proxy


def selected_ids(table: QTableView) -> list[str]:
    rows = sorted(i.row() for i in table.selectionModel().selectedRows())
    return [table.model().index(r, 0).data(ORDER_ID_ROLE) for r in rows]


def select(table: QTableView, proxy: OrderFilterProxy, rows: list[int]) -> None:
    model = table.selectionModel()
    for r in rows:
        model.select(
            proxy.index(r, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_orders_picked_with_one_gap_stay_those_orders(qtbot: QtBot) -> None:
    rows = [row(n, candidate=f"Ana {n}") for n in range(1, 6)] + [row(6, candidate="Zoe")]
    table, proxy = table_of(qtbot, rows)
    select(table, proxy, [0, 1, 3])  # o1, o2, o4: o3 left out on purpose
    assert selected_ids(table) == ["o1", "o2", "o4"]
    proxy.set_search_text("ana")  # a search that keeps them all shown
    assert selected_ids(table) == ["o1", "o2", "o4"]


def test_the_last_row_of_a_block_stays_selected(qtbot: QtBot) -> None:
    rows = [row(n, candidate=f"Ana {n}") for n in range(1, 5)] + [row(5, candidate="Zoe")]
    table, proxy = table_of(qtbot, rows)
    select(table, proxy, [1, 2])
    proxy.set_search_text("ana")
    assert selected_ids(table) == ["o2", "o3"]


def test_a_search_leaves_no_order_selected_that_was_not(qtbot: QtBot) -> None:
    rows = [row(1, candidate="Ana"), row(2, candidate="Zoe"), row(3, candidate="Ana B")]
    table, proxy = table_of(qtbot, rows)
    select(table, proxy, [1])  # Zoe
    proxy.set_search_text("ana")  # Zoe hidden: nothing selected
    assert selected_ids(table) == []


def test_selecting_source_rows_replaces_what_was_selected(qtbot: QtBot) -> None:
    rows = [row(1), row(2), row(3)]
    table, proxy = table_of(qtbot, rows)
    select(table, proxy, [0])
    table.keeper.select_source_rows({2})  # type: ignore[attr-defined]
    assert selected_ids(table) == ["o3"]
