"""Pins ``CandidateGroups.group_again``'s id branch (app/views/candidate_groups.py).

Mutant killed: ``if seen.candidate_id.strip():`` -> ``if False:`` (the candidate found again
by their orders only). It survived the suite: every existing test keeps one of the seen
orders in the new groups, where the orders' fallback finds the same group."""

from __future__ import annotations

from typing import Any

from app.ui.orders.candidates_view import CandidatesView
from app.views.candidate_groups import CandidateGroups
from app.views.order_rows import OrderColumns, order_row
from tests.ui.test_candidates_view import ZOE, make_order, own_row, rows_of


def test_a_selected_candidate_stays_selected_when_a_poll_swaps_their_order_for_a_new_one(
    qtbot: Any,
) -> None:
    """Zoë's own row selected; a poll drops her one order (it left the inbox) and brings a new
    one, under the same SmartRecruiters id. She is still listed: her row stays selected (the
    next arrow key, Enter or Tab starts from her), found by her id."""
    view = CandidatesView()
    qtbot.addWidget(view)
    view.set_rows(rows_of([make_order("o1", ZOE, "Data Analyst", "Acme GmbH", "2025-05-01")]))
    view.table.setCurrentIndex(view.model.index(own_row(view, "Zoë Müller"), 0))
    view.set_rows(rows_of([make_order("o7", ZOE, "Product Owner", "Initech", "2025-05-09")]))
    current = view.table.currentIndex()
    assert current.isValid()
    assert view.model.order_row(current.row()) is None  # her own row, not an order's
    assert current.data() == "Zoë Müller"


def test_group_again_finds_a_candidate_by_id_when_none_of_their_seen_orders_is_left() -> None:
    def groups(*orders: Any) -> CandidateGroups:
        return CandidateGroups(OrderColumns.of_rows([order_row(o) for o in orders]))

    before = groups(make_order("o1", ZOE, "Data Analyst", "Acme GmbH", "2025-05-01"))
    seen = before.seen(0)
    after = groups(make_order("o7", ZOE, "Product Owner", "Initech", "2025-05-09"))
    group = after.group_again(seen)
    assert group is not None
    assert after.names[group] == "Zoë Müller"
