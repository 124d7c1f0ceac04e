"""What the actions that take several orders would do to a selection, in words: shown in the
detail pane instead of one order's details, and said again by the dialogs.

``reasons(action, order_ids)`` is the board's own rule for each order (None: it may be done),
asked once per action for the whole selection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.order_action import OrderAction
from app.domain.order_status import OrderStatus
from app.views.inbox_columns import GONE_LABEL, STATUS_LABELS

if TYPE_CHECKING:
    from app.domain.smartrecruiters import AssessmentOrder

#: The actions that run on a whole selection, with the words the summary uses.
BULK_ACTIONS: tuple[tuple[OrderAction, str], ...] = (
    (OrderAction.CREATE_ACCEPT_INVITE, "Create, accept and invite"),
    (OrderAction.DELIVER, "Deliver Berke's result"),
    (OrderAction.REJECT, "Reject"),
)

Reasons = Callable[[OrderAction, Sequence[str]], Sequence["str | None"]]


@dataclass(frozen=True)
class BulkLine:
    action: OrderAction
    label: str
    able: list[AssessmentOrder]
    unable: list[tuple[AssessmentOrder, str]]  # each with why not

    def joined(self, more: BulkLine) -> BulkLine:
        """This line with ``more``'s orders after its own (the same action's, for more orders)."""
        return BulkLine(
            self.action, self.label, [*self.able, *more.able], [*self.unable, *more.unable]
        )

    def text(self, *, names: int = 3) -> str:
        """ "Reject: 2 of 4. Not Ana Silva (…), Ben Okafor (…)." """
        total = len(self.able) + len(self.unable)
        line = f"{self.label}: {len(self.able):,} of {total:,}."
        if self.unable and self.able:
            shown = [f"{_name(o)} ({why.rstrip('.')})" for o, why in self.unable[:names]]
            more = len(self.unable) - names
            line += " Not " + ", ".join(shown) + (f" and {more:,} more" if more > 0 else "") + "."
        elif self.unable:
            first_reason = self.unable[0][1].rstrip(".")
            line += f" {first_reason}." if len(self.unable) == 1 else ""
        return line


def _name(order: AssessmentOrder) -> str:
    return order.candidate.display_name


def status_counts(statuses: Iterable[OrderStatus], gone: int = 0) -> str:
    """ "2 new, 1 in progress, 1 completed" in the statuses' order; ``gone`` orders (which
    SmartRecruiters no longer has, left out of ``statuses``) last."""
    return counts_text(Counter(statuses), gone)


def counts_text(counts: Mapping[OrderStatus, int], gone: int = 0) -> str:
    """``status_counts`` from the counts."""
    parts = [
        f"{counts[status]:,} {STATUS_LABELS[status].lower()}"
        for status in STATUS_LABELS
        if counts.get(status)
    ]
    if gone:
        parts.append(f"{gone:,} {GONE_LABEL.lower()}")
    return ", ".join(parts)


def bulk_line(
    action: OrderAction, label: str, orders: Sequence[AssessmentOrder], reasons: Reasons
) -> BulkLine:
    able: list[AssessmentOrder] = []
    unable: list[tuple[AssessmentOrder, str]] = []
    whys = reasons(action, [order.id for order in orders])
    for order, why in zip(orders, whys, strict=True):
        if why is None:
            able.append(order)
        else:
            unable.append((order, why))
    return BulkLine(action, label, able, unable)


def bulk_summary(orders: Sequence[AssessmentOrder], reasons: Reasons) -> list[BulkLine]:
    return [bulk_line(action, label, orders, reasons) for action, label in BULK_ACTIONS]
