"""An assessment order's status in SmartRecruiters.

A module of its own, without pydantic: the inbox's first frame shows statuses before any of
the API's shapes (``app.domain.smartrecruiters``) is loaded.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    NEW = "NEW"
    IN_PROGRESS = "IN_PROGRESS"
    REJECTED = "REJECTED"
    COMPLETED = "COMPLETED"

    @property
    def is_final(self) -> bool:
        """No state-changing call is accepted any more (SR answers 400)."""
        return self in (OrderStatus.REJECTED, OrderStatus.COMPLETED)
