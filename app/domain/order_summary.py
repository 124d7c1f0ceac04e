"""One order as the inbox's table and a snapshot's index list it: a few fields, as text.

Without pydantic (the order is only read, attribute by attribute): the inbox's rows are built
from it on every change, and their module is in the window's first frame.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from app.domain.order_status import OrderStatus
from app.domain.service_time import within_range

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
    # A time kept before the models refused those out of range (service_time): as written.
    with contextlib.suppress(OverflowError):
        value = value.astimezone(UTC)
    return value.isoformat(timespec="milliseconds")


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


# -- An order as the cache stores it, without its model ----------------------------------------
# A working day's first frame shows the cached orders before pydantic and the models' classes are
# loaded (~100 ms: ``bench/startup.py --cached``). ``summarize_stored`` reads the few fields a row
# needs from the stored JSON as ``AssessmentOrder`` would (its aliases, its trimming, its times);
# whatever it does not expect gives None, and the models' reading, right after the frame, decides
# (``tests/unit/test_inbox_rows.py`` holds the two readings to the same rows). Fields outside the
# row are not read (an offer that is a number, a phone that is not text): the models drop such an
# order, so its row shows in the first frame and goes when their rows replace those shown
# (``CachedOrders.complete``); the cache only holds orders the models read, so it takes a damaged
# or hostile file.

#: What pydantic trims with ``str_strip_whitespace`` (Unicode's White_Space, as Rust's
#: ``trim``), which is not quite what ``str.strip()`` trims (it also trims U+001C–U+001F).
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
#: The times read here: a date, or a date and time with seconds (up to microseconds) and an
#: offset or none; pydantic reads more (a number, a space for the T…), and those are left to it.
#: An offset's minutes stop at 59: ``fromisoformat`` takes +00:60 or -1299, pydantic does not;
#: hours stop at 23, in the time as in the offset (a later Python may take T24:00).
_TIME = re.compile(
    r"\d{4}-\d\d-\d\d(T([01]\d|2[0-3]):\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)?)?",
    re.ASCII,
)


class NotAsExpectedError(ValueError):
    """The stored order is not as ``summarize_stored`` reads it: the model reads it instead."""


def summarize_stored(data: object) -> OrderSummary:
    """``summarize`` of an order's stored JSON (parsed), without its model;
    ``NotAsExpectedError`` when it is not what the cache writes."""
    order = _fields(data)
    candidate = _fields(order.get("candidate"))
    job = _optional_fields(order, "job")
    company = _optional_fields(order, "company")
    requestor = _optional_fields(order, "requestor")
    # Not in the row, but a time the models refuse makes them drop the order: read it the same.
    _time(_value(order, "lastUpdateDate", "last_update_date", default=None))
    return OrderSummary(
        id=_text(order, "id"),
        status=_status(order.get("status")),
        candidate_id=_text(candidate, "id"),
        candidate=_full_name(candidate, required=True),
        email=_text(candidate, "email", default=None) or "",
        job=_text(job, "name", default="") if job is not None else "",
        company=_text(company, "name", default="") if company is not None else "",
        requestor=_full_name(requestor, required=False) if requestor is not None else "",
        created=utc_text(_time(_value(order, "createDate", "create_date", default=None))),
    )


_MISSING = object()


def _fields(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise NotAsExpectedError("not an object")
    return value


def _optional_fields(data: dict[str, object], alias: str) -> dict[str, object] | None:
    value = data.get(alias)
    return None if value is None else _fields(value)


def _value(data: dict[str, object], alias: str, name: str, default: object) -> object:
    """The field as pydantic takes it: by its alias, else by its name (``populate_by_name``)."""
    for key in (alias, name):
        if key in data:
            return data[key]
    if default is _MISSING:
        raise NotAsExpectedError(f"no {alias}")
    return default


def _text(
    data: dict[str, object], alias: str, name: str | None = None, default: object = _MISSING
) -> str:
    value = _value(data, alias, name or alias, default)
    if value is None and default is None:
        return ""
    if not isinstance(value, str):
        raise NotAsExpectedError(f"{alias} is not text")
    return value.strip(_WHITE_SPACE)


def _full_name(person: dict[str, object], *, required: bool) -> str:
    """``Candidate.full_name`` (names "" by default) or ``ContactPerson.full_name`` (None)."""
    default = "" if required else None
    first = _text(person, "firstName", "first_name", default)
    last = _text(person, "lastName", "last_name", default)
    return " ".join(p for p in (first, last) if p)


def _status(value: object) -> OrderStatus:
    if not isinstance(value, str):
        raise NotAsExpectedError("status is not text")
    try:
        return OrderStatus(value.upper())
    except ValueError:
        raise NotAsExpectedError("an unknown status") from None


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise NotAsExpectedError("a time not read here")
    try:
        return within_range(datetime.fromisoformat(value))
    except ValueError:
        raise NotAsExpectedError("not a time, or one out of range") from None
