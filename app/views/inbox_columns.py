"""The inbox's columns, in the order shown. Adding a column is one entry here (and, for a fact
no row has yet, one field in ``order_rows.OrderRow``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache

from app.domain.smartrecruiters import OrderStatus
from app.views.columns import Column, Columns

STATUS_LABELS = {
    OrderStatus.NEW: "New",
    OrderStatus.IN_PROGRESS: "In progress",
    OrderStatus.REJECTED: "Rejected",
    OrderStatus.COMPLETED: "Completed",
}
STATUS_RANK = {status: rank for rank, status in enumerate(OrderStatus)}
NO_EMAIL_TIP = "No email: Berke cannot send reminders; use the invitation code or a printed slip."


@lru_cache(maxsize=8192)
def parse_utc(created: str) -> datetime | None:
    """The rows' UTC text back as a datetime; for painted cells only, hence the cache."""
    if not created:
        return None
    try:
        return datetime.fromisoformat(created)
    except ValueError:
        return None  # a damaged snapshot: show nothing rather than fail a paint


@lru_cache(maxsize=8192)
def local_text(created: str) -> str:
    value = parse_utc(created)
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


def describe_age(created: datetime | None, now: datetime) -> str:
    if created is None:
        return ""
    seconds = max((now - created).total_seconds(), 0)
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


def age_text(created: str) -> str:
    return describe_age(parse_utc(created), datetime.now(UTC))


def status_label(status: OrderStatus) -> str:
    return STATUS_LABELS[status]


INBOX = Columns(
    [
        Column(
            "status", "Status", "status", 110,
            display=status_label, search=status_label, sort=STATUS_RANK.__getitem__,
            tooltip=lambda s: f"SmartRecruiters status: {s.value}",
        ),
        Column("candidate", "Candidate", "candidate", 170),
        Column(
            "email", "Candidate email", "email", 210,
            display=lambda e: e or "—", tooltip=lambda e: None if e else NO_EMAIL_TIP,
        ),
        Column("job", "Job", "job", 190),
        Column("company", "Company", "company", 160),
        Column("requestor", "Requestor", "requestor", 140),
        Column(
            "ordered", "Ordered on", "created", 125,
            display=local_text, search=lambda c: c[:10], sort=lambda c: c,
        ),
        Column(
            "age", "Age", "created", 55,
            display=age_text, search=None, sort=lambda c: c, descending_first=True,
        ),
        Column("assessment", "Berke code", "assessment", 95),
        Column("activity", "Activity", "activity", 160),
    ]
)  # fmt: skip
