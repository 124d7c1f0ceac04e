"""Deliveries that were refused for a reason that stays until Berke's answer changes (no
score, no job id for the fit, a report that is not a PDF): held, said once on the order's flag,
and tried again automatically after a while, or at once when Berke's side of the order changes
or a preview finds the answer deliverable. A delivery the coordinator asked for ("Deliver
all") is held the same way: its error box went, and the order looked like any other still to
deliver, to fail the same way again.

Before, such an order was refused again every watch round, one log line each time, and its
flag said only "deliver the result": the coordinator could not tell that automatic delivery
had tried, nor why it had stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.elapsed import due_again

#: Berke may compute a missing score later without the watch seeing a change: try again then.
RETRY_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class HeldDelivery:
    reason: str  # the refusal, in words
    since: datetime  # when it was last refused
    asked: bool = False  # refused when the coordinator asked for it, not automatically


class HeldDeliveries:
    """The orders automatic delivery leaves alone for now, with why."""

    def __init__(self, retry_after: timedelta = RETRY_AFTER) -> None:
        self._retry_after = retry_after
        self._held: dict[str, HeldDelivery] = {}

    def hold(self, order_id: str, reason: str, now: datetime, *, asked: bool = False) -> bool:
        """Hold the order; True when this is news (not held before, or for another reason, or
        the other way, by hand or automatically): the caller says it then, and only then."""
        before = self._held.get(order_id)
        held = self._held[order_id] = HeldDelivery(reason, now, asked)
        return before is None or (before.reason, before.asked) != (held.reason, held.asked)

    def release(self, order_ids: Iterable[str]) -> list[str]:
        """Let these orders be tried again (Berke's side changed, or they were delivered);
        the ones that were held."""
        return [order_id for order_id in order_ids if self._held.pop(order_id, None)]

    def release_all(self) -> list[str]:
        released = list(self._held)
        self._held.clear()
        return released

    def release_automatic(self) -> list[str]:
        """Let go of the holds automatic delivery made (it was switched off): those of a
        delivery the coordinator asked for still say why it was refused."""
        released = [order_id for order_id, held in self._held.items() if not held.asked]
        for order_id in released:
            del self._held[order_id]
        return released

    def reason(self, order_id: str) -> str | None:
        held = self._held.get(order_id)
        return held.reason if held is not None else None

    def asked(self, order_id: str) -> bool:
        """Whether the order is held after a delivery the coordinator asked for."""
        held = self._held.get(order_id)
        return held is not None and held.asked

    def waiting(self, order_id: str, now: datetime) -> bool:
        """Whether automatic delivery should leave the order alone this round."""
        held = self._held.get(order_id)
        return held is not None and not due_again(held.since, now, self._retry_after)
