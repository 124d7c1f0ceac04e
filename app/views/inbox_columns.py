"""The inbox's columns, in the order shown. Adding a column is one entry here (and, for a fact
no row has yet, one field in ``order_rows.OrderRow``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from app.domain.date_words import day_and_month
from app.domain.order_status import OrderStatus
from app.domain.service_time import local_time, within_range
from app.views.columns import Column, Columns
from app.views.text import as_cell

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
    """The rows' UTC text back as a datetime with its zone; for painted cells only, hence the
    cache."""
    if not created:
        return None
    try:
        value = within_range(datetime.fromisoformat(created))
    except ValueError:
        # A damaged snapshot, or a time kept from before the models refused those out of range
        # (OverflowError in the local zone): show nothing rather than fail a paint.
        return None
    # Text without an offset is UTC, as the rows write it. Handed on naive, the Age column's
    # "now - created" raised TypeError at every paint of a snapshot whose index said
    # "2025-03-01" (a crash), and in its CSV export.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


#: ``parse_utc`` without its cache: a search reads every row once, and would only churn the
#: cache that painting relies on.
_parse = parse_utc.__wrapped__


@lru_cache(maxsize=8192)
def local_text(created: str) -> str:
    value = parse_utc(created)
    return local_time(value).strftime("%Y-%m-%d %H:%M") if value else ""


def local_date(created: str) -> str:
    """The date the "Ordered on" cell shows (local), which is what a search for it types: the
    UTC date searched found an order of 05:30 in Tokyo under the day before."""
    if created.endswith("+00:00") and created[10:11] == "T":
        # Every row is searched: the local date of each hour is worked out once (an hour
        # that holds a local midnight, in a zone of half or quarter hours, is not).
        first, last = _local_dates_of_hour(created[:13], time.tzname)
        if first == last:
            return first
    value = _parse(created) if created else None
    return local_time(value).date().isoformat() if value else ""


@lru_cache(maxsize=8192)
def _local_dates_of_hour(hour: str, _zone: tuple[str, str]) -> tuple[str, str]:
    """The local dates at the start and the end of a UTC hour ("2026-03-14T20"), in the zone
    named by ``_zone`` (part of the key: a changed zone is not answered from another's)."""
    start = _parse(f"{hour}:00:00+00:00")
    if start is None:
        return ("", "-")  # never equal: the row's own text is read
    end = start + timedelta(hours=1, microseconds=-1)
    return local_time(start).date().isoformat(), local_time(end).date().isoformat()


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


def berke_display(berke: str) -> str:
    """ "Complete · <UTC ISO>" shown with the time in local time."""
    label, _, when = berke.partition(" · ")
    return f"{label} · {local_text(when)}" if when else label


def berke_searched(berke: str) -> str:
    """What a search finds a Berke cell by: its words and the local date its tooltip shows
    ("Complete 2026-03-15"), as "Ordered on" is found by its local date. Its UTC text found a
    completion of 05:30 in Tokyo under the day before, a date its row shows nowhere."""
    label, _, when = berke.partition(" · ")
    return f"{label} {local_date(when)}" if when else label


def status_label(status: OrderStatus) -> str:
    return STATUS_LABELS[status]


#: What an order SmartRecruiters no longer has shows for its status (``OrderRow.gone``).
GONE_LABEL = "Gone"
#: Where it sorts by status: after every status SmartRecruiters gives.
GONE_RANK = len(STATUS_RANK)


def shown_status(status: OrderStatus, gone: bool) -> str:
    """The status as the tables show it: "Gone" for an order SmartRecruiters no longer has."""
    return GONE_LABEL if gone else STATUS_LABELS[status]


def gone_tip(status: OrderStatus) -> str:
    return f"SmartRecruiters no longer has this order (its last status there: {status.value})"


def berke_cell(berke: str) -> str:
    """The column's short form: "Complete 1 Dec" (the tooltip and the pane say the time)."""
    label, _, when = berke.partition(" · ")
    value = parse_utc(when) if when else None
    if value is None:
        return label
    local = local_time(value)
    return f"{label} {day_and_month(local)}"


#: Shown at first; the rest are a right-click on the header away (and searched all the same).
DEFAULT_SHOWN = frozenset(
    {"status", "candidate", "job", "company", "ordered", "age", "berke", "attention"}
)

INBOX = Columns(
    [
        # Shown, sorted and searched by ``shown_status`` and ``GONE_RANK`` for an order
        # SmartRecruiters no longer has ("Gone"): the models and the search read its ``gone``.
        Column(
            "status", "Status", "status", 92,
            display=status_label, search=status_label, sort=STATUS_RANK.__getitem__,
            tooltip=lambda s: f"SmartRecruiters status: {s.value}",
        ),
        Column("candidate", "Candidate", "candidate", 130, names=True),
        Column("job", "Job", "job", 118, names=True),
        Column("company", "Company", "company", 100, names=True),
        Column(
            "ordered", "Ordered on", "created", 118,
            display=local_text, search=local_date, sort=lambda c: c,
        ),
        Column(
            # Wide enough for "59 min": at 42 px the newest orders' ages read "59 …".
            "age", "Age", "created", 58,
            display=age_text, search=None, sort=lambda c: c, descending_first=True,
            tooltip=lambda c: f"Ordered {age_text(c)} ago, on {local_text(c)}" if c else None,
        ),
        Column(
            "berke", "Berke", "berke", 110,
            display=berke_cell, search=berke_searched, sort=lambda b: b,
            tooltip=lambda b: f"Berke: {berke_display(b)}" if b else None,
        ),
        Column(
            "attention", "Needs attention", "attention", 100,
            tooltip=lambda a: a or None,
        ),
        Column(
            "email", "Candidate email", "email", 200,
            # Cleaned as every text cell is: an override (U+202E) in a file's email drew it
            # backwards, on screen and in the CSV export.
            display=lambda e: as_cell(e) if e else "—",
            tooltip=lambda e: None if e else NO_EMAIL_TIP,
        ),
        Column("requestor", "Requestor", "requestor", 130, names=True),
        Column("assessment", "Berke code", "assessment", 95),
        Column("berke_id", "Berke id", "berke_id", 150),
        Column("order_id", "Order id", "id", 150),
        Column("activity", "Activity", "activity", 160),
    ]
)  # fmt: skip
