"""Pins for mutants of app/ui/orders/candidate_table_model.py that the suite let live."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from app.domain.smartrecruiters import OrderStatus
from app.ui.orders.candidate_table_model import CandidateTableModel
from app.views.candidate_groups import Column
from app.views.order_rows import OrderColumns, OrderRow


def row(n: int, cand: str, **fields: object) -> OrderRow:
    base: dict[str, object] = dict(
        id=f"o{n}", status=OrderStatus.NEW, candidate_id=f"c-{cand}", candidate=cand,
        email=f"{cand}@example.com", job=f"Job {n}", company="Acme", requestor="Rita",
        created=f"2025-01-1{n}T10:00:00+00:00", assessment="", activity="", berke="",
        attention="", berke_id="",
    )  # fmt: skip
    base.update(fields)
    return OrderRow(**base)  # type: ignore[arg-type]


def test_the_candidate_row_of_a_later_order_is_its_candidates_own(qapp: QApplication) -> None:
    # C8: ``while`` -> ``if``: from a candidate's third order the walk stopped on the order
    # above, so the candidate's row was not the one selected/repainted.
    model = CandidateTableModel()
    model.set_rows(
        OrderColumns.of_rows([row(1, "Ana"), row(2, "Ana"), row(3, "Ana"), row(4, "Bo")])
    )
    for order_id in ("o1", "o2", "o3"):
        at = model.candidate_row_of(order_id)
        assert at is not None
        assert model.order_row(at) is None  # a candidate's row
        assert model.index(at, Column.NAME).data() == "Ana"
