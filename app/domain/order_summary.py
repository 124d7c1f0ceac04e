"""One order as the inbox's table and a snapshot's index list it: a few fields, as text.

Without pydantic (the order is only read, attribute by attribute): the inbox's rows are built
from it on every change, and their module is in the window's first frame.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from app.domain.order_status import OrderStatus

if TYPE_CHECKING:
    from app.domain.smartrecruiters import AssessmentOrder


class OrderSummary(NamedTuple):
    """What the table needs of one order; one row of the index."""

    id: str
    status: OrderStatus
    candidate_id: str
    candidate: str
    email: str
    job: str
    company: str
    requestor: str
    created: str  # ISO 8601 in UTC, so that text order is time order; "" when unknown


def utc_text(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds")


def summarize(order: AssessmentOrder) -> OrderSummary:
    return OrderSummary(
        id=order.id,
        status=order.status,
        candidate_id=order.candidate.id,
        candidate=order.candidate.full_name,
        email=order.candidate.email or "",
        job=order.job.name if order.job else "",
        company=order.company.name if order.company else "",
        requestor=order.requestor.full_name if order.requestor else "",
        created=utc_text(order.create_date),
    )
