"""Automatic deliveries that were refused for a reason that stays until Berke's answer changes
(no score, no job id for the fit): held, said once, and tried again after a while, or at once
when Berke's side of the order changes or a preview finds the answer deliverable.

Before, such an order was refused again every watch round, one log line each time, and its
flag said only "deliver the result": the coordinator could not tell that automatic delivery
had tried, nor why it had stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

#: Berke may compute a missing score later without the watch seeing a change: try again then.
RETRY_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class HeldDelivery:
    reason: str  # the refusal, in words
    since: datetime  # when it was last refused


class HeldDeliveries:
    """The orders automatic delivery leaves alone for now, with why."""

    def __init__(self, retry_after: timedelta = RETRY_AFTER) -> None:
        self._retry_after = retry_after
        self._held: dict[str, HeldDelivery] = {}

    def hold(self, order_id: str, reason: str, now: datetime) -> bool:
        """Hold the order; True when this is news (not held before, or for another reason):
        the caller says it then, and only then."""
        before = self._held.get(order_id)
        self._held[order_id] = HeldDelivery(reason, now)
        return before is None or before.reason != reason

    def release(self, order_ids: Iterable[str]) -> list[str]:
        """Let these orders be tried again (Berke's side changed, or they were delivered);
        the ones that were held."""
        return [order_id for order_id in order_ids if self._held.pop(order_id, None)]

    def release_all(self) -> list[str]:
        released = list(self._held)
        self._held.clear()
        return released

    def reason(self, order_id: str) -> str | None:
        held = self._held.get(order_id)
        return held.reason if held is not None else None

    def waiting(self, order_id: str, now: datetime) -> bool:
        """Whether automatic delivery should leave the order alone this round."""
        held = self._held.get(order_id)
        return held is not None and now < held.since + self._retry_after
