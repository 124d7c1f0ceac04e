"""Mutation-audit pins for ``app.views.bulk_summary`` (each fails on one surviving mutant)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.order_action import OrderAction
from app.domain.order_status import OrderStatus
from app.domain.smartrecruiters import AssessmentOrder
from app.views.bulk_summary import BulkLine, bulk_line, bulk_summary, counts_text, status_counts


def order(n: int, first: str, last: str = "Silva") -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": f"o{n}", "status": "NEW", "createDate": "2026-01-01T10:00:00.000+0000",
         "candidate": {"id": f"c{n}", "firstName": first, "lastName": last}}
    )  # fmt: skip


NAMES = ["Ana", "Ben", "Cem", "Dan", "Eve", "Fay"]


def line_for(able: int, unable: Sequence[str]) -> str:
    """One action's line over ``able`` orders it may take and orders refused for ``unable``."""
    orders = [order(n, name) for n, name in enumerate(NAMES[: able + len(unable)])]
    whys: list[str | None] = [*unable, *[None] * able]

    def reasons(action: OrderAction, ids: Sequence[str]) -> list[str | None]:
        return whys[: len(ids)]

    return bulk_line(OrderAction.REJECT, "Reject", orders, reasons).text()


def test_three_refused_orders_are_named_and_a_fourth_is_counted() -> None:
    # B2 (3 names -> 2), B3 (more >= 0: "and 0 more"), B4 (every name shown), B5 (the reason's
    # full stop kept inside the brackets)
    three = line_for(1, ["Done.", "Done.", "Done."])
    assert three == ("Reject: 1 of 4. Not Ana Silva (Done), Ben Silva (Done), Cem Silva (Done).")
    four = line_for(1, ["Done.", "Done.", "Done.", "Gone."])
    assert four == (
        "Reject: 1 of 5. Not Ana Silva (Done), Ben Silva (Done), Cem Silva (Done) and 1 more."
    )


def test_when_none_may_be_done_one_reason_is_said_not_several() -> None:
    # B1 (names listed though none may be done), B6 (a reason said for several), B10 (total)
    assert line_for(0, ["Already completed."]) == "Reject: 0 of 1. Already completed."
    assert line_for(0, ["Already completed.", "Gone."]) == "Reject: 0 of 2."


def test_the_summary_has_each_action_in_order() -> None:
    def none(action: OrderAction, ids: Sequence[str]) -> list[str | None]:
        return [None] * len(ids)

    lines = bulk_summary([order(1, "Ana")], none)
    assert [line.text() for line in lines] == [
        "Create, accept and invite: 1 of 1.",
        "Deliver Berke's result: 1 of 1.",
        "Reject: 1 of 1.",
    ]


def test_a_joined_line_keeps_the_first_orders_first() -> None:
    # B9 (the later slice's orders put first)
    def refuse(action: OrderAction, ids: Sequence[str]) -> list[str | None]:
        return ["No." for _ in ids]

    first = bulk_line(OrderAction.REJECT, "Reject", [order(1, "Ana"), order(2, "Ben")], refuse)
    more = bulk_line(OrderAction.REJECT, "Reject", [order(3, "Cem"), order(4, "Dan")], refuse)
    joined = first.joined(more)
    assert [o.id for o, _ in joined.unable] == ["o1", "o2", "o3", "o4"]


def test_counts_are_said_in_the_statuses_order_lower_case_gone_last() -> None:
    # B7 (gone dropped), B8 (labels not lower-cased), B11 (statuses sorted by value)
    statuses = [OrderStatus.COMPLETED, OrderStatus.NEW, OrderStatus.IN_PROGRESS, OrderStatus.NEW]
    assert status_counts(statuses, gone=2) == "2 new, 1 in progress, 1 completed, 2 gone"
    assert counts_text({OrderStatus.REJECTED: 1}) == "1 rejected"


def test_thousands_are_separated_as_in_the_title_beside_them() -> None:
    # "5,000 orders selected" over "2750 new" and "Reject: 2750 of 5000."
    assert counts_text({OrderStatus.NEW: 2750, OrderStatus.COMPLETED: 2250}, gone=1200) == (
        "2,750 new, 2,250 completed, 1,200 gone"
    )
    ana, ben = order(1, "Ana"), order(2, "Ben")
    line = BulkLine(OrderAction.REJECT, "Reject", [ana] * 2750, [(ben, "Done.")] * 2250)
    assert line.text(names=1) == "Reject: 2,750 of 5,000. Not Ben Silva (Done) and 2,249 more."
