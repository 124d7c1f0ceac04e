"""Both tables sort a text as its cell shows it, on one line, and agree with each other (found
by a review: a name with line breaks sorted before every other of its first name, and "no
email" sorted among the addresses, as its dash, in the inbox only)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.smartrecruiters import OrderStatus
from app.ui.orders.candidate_table_model import CandidateTableModel
from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import OrderTableModel
from app.views.candidate_groups import Column as CandidateColumn
from app.views.inbox_columns import INBOX
from app.views.order_rows import OrderColumns, OrderRow


def row(number: int, name: str, email: str) -> OrderRow:
    return OrderRow(
        id=f"o-{number}", status=OrderStatus.NEW, candidate_id=f"c-{number}", candidate=name,
        email=email, job="Nurse", company="Acme", requestor="",
        created=f"2026-01-0{number}T10:00:00+00:00", assessment="", activity="", berke="",
        attention="", berke_id="",
    )  # fmt: skip


ROWS = [
    row(1, "Ana\n\nMaria Silva", "maria@example.com"),
    row(2, "Ana Lima", ""),
    row(3, "Zoe Berg", "zoe@example.com"),
    row(4, "Иван Петров", "иван@пример.рф"),
]


def inbox_column(key: str) -> list[str]:
    model, proxy = OrderTableModel(), OrderFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(OrderColumns.of_rows(ROWS))
    column = INBOX.index(key)
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    return [proxy.index(r, column).data() for r in range(proxy.rowCount())]


def candidates_column(column: CandidateColumn) -> list[str]:
    model = CandidateTableModel()
    model.set_rows(OrderColumns.of_rows(ROWS))
    model.sort(column, Qt.SortOrder.AscendingOrder)
    # Each candidate's own row, then their one order's: every other row.
    return [model.index(r, column).data() for r in range(0, model.rowCount(), 2)]


def test_names_sort_as_shown_in_both_tables(qapp: QApplication) -> None:
    assert inbox_column("candidate")[:2] == ["Ana Lima", "Ana Maria Silva"]
    assert candidates_column(CandidateColumn.NAME)[:2] == ["Ana Lima", "Ana Maria Silva"]


def test_no_email_sorts_first_in_both_tables(qapp: QApplication) -> None:
    emails = inbox_column("email")
    assert emails[0] == "—"
    assert candidates_column(CandidateColumn.EMAIL) == emails


def test_accented_initials_sort_among_their_letters_in_both_tables(qapp: QApplication) -> None:
    """The inbox sorted names by their code points: "Çelik", "Émile" and "Şahin" came after
    "Zeynep", while the Candidates tab, accents aside, put them among the Cs, Es and Ss."""
    names = ["Zeynep Kaya", "Çelik Ayşe", "Demir Ali", "Şahin Can", "Émile Zola", "Berk Tan"]
    model, proxy = OrderTableModel(), OrderFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(OrderColumns.of_rows([row(n, name, "") for n, name in enumerate(names, 1)]))
    column = INBOX.index("candidate")
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    shown = [proxy.index(r, column).data() for r in range(proxy.rowCount())]
    expected = ["Berk Tan", "Çelik Ayşe", "Demir Ali", "Émile Zola", "Şahin Can", "Zeynep Kaya"]
    assert shown == expected
    candidates = CandidateTableModel()
    candidates.set_rows(OrderColumns.of_rows([row(n, name, "") for n, name in enumerate(names, 1)]))
    candidates.sort(CandidateColumn.NAME, Qt.SortOrder.AscendingOrder)
    assert [candidates.index(r, 0).data() for r in range(0, candidates.rowCount(), 2)] == expected
