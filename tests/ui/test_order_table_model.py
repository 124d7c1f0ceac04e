"""The inbox's table model: counts follow a status change, rows added together are updated in
their own rows later, the export of one row is that row, gone orders sort last and say so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.smartrecruiters import OrderStatus
from app.ui.orders.order_table_model import ORDER_ID_ROLE, OrderTableModel
from app.views.inbox_columns import INBOX
from app.views.order_rows import OrderColumns, OrderRow
from tests.order_row_samples import order_row as row


def model_of(rows: list[OrderRow]) -> OrderTableModel:
    model = OrderTableModel()
    model.set_rows(OrderColumns.of_rows(rows))
    return model


def test_counts_follow_a_status_change_and_leave_gone_orders_out(qapp: QApplication) -> None:
    # T1/T2/T4: the status filter's counts.
    model = model_of([row(1), row(2), row(3, gone=True)])
    assert model.count_status(OrderStatus.NEW) == 2
    model.update_rows([row(1, status=OrderStatus.IN_PROGRESS)])
    assert model.count_status(OrderStatus.NEW) == 1
    assert model.count_status(OrderStatus.IN_PROGRESS) == 1


def test_rows_added_together_are_each_updated_later_in_their_own_row(qapp: QApplication) -> None:
    # T10: every added row was recorded at the first added position.
    model = model_of([row(1)])
    model.update_rows([row(2), row(3)])
    model.update_rows([row(3, job="Surgeon")])
    job = INBOX.index("job")
    assert [model.index(r, job).data() for r in range(3)] == ["Nurse", "Nurse", "Surgeon"]
    assert model.row_of("o3") == 2


def test_the_export_of_one_row_is_that_row(qapp: QApplication) -> None:
    # T20: a lone row taken as column[0].
    model = model_of([row(1), row(2), row(3)])
    texts = model.texts_of([2])()
    assert texts[0] == ["o3"]


def test_a_changed_row_is_found_by_its_new_words_and_sorted_by_its_new_status(
    qapp: QApplication,
) -> None:
    # T5 (search not told) / T6 (sort keys kept).
    model = model_of([row(1), row(2)])
    status = INBOX.index("status")
    model.sort_keys(status)
    model.update_rows([row(1, job="Surgeon", status=OrderStatus.COMPLETED)])
    search = model.row_search()
    assert list(search.mask_bytes(search.find(("surgeon",)))) == [1, 0]
    keys = model.sort_keys(status)
    assert keys[0] != keys[1]


def test_a_gone_order_sorts_after_every_status_and_says_gone(qapp: QApplication) -> None:
    # T11 / T19.
    model = model_of([row(1, gone=True), row(2, status=OrderStatus.COMPLETED)])
    status = INBOX.index("status")
    keys = model.sort_keys(status)
    assert keys[0] > keys[1]
    assert model.index(0, status).data() == "Gone"
    assert model.index(0, status).data(ORDER_ID_ROLE) == "o1"
    fg_gone = model.index(0, status).data(Qt.ItemDataRole.ForegroundRole)
    fresh = model_of([row(1)])
    fg_new = fresh.index(0, status).data(Qt.ItemDataRole.ForegroundRole)
    assert fg_gone != fg_new  # T14: grey, not NEW's blue
