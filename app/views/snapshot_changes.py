"""A comparison of two sets of orders in a coordinator's words: the statuses as the inbox says
them ("New → In progress", not ``NEW → IN_PROGRESS``) and times in local time to the minute
(not ISO 8601 in UTC with milliseconds). The diff itself compares the exact values
(``app.domain.snapshot_diff``); only what is shown is worded here.
"""

from __future__ import annotations

from datetime import datetime

from app.domain.service_time import local_time
from app.domain.smartrecruiters import OrderStatus
from app.domain.snapshot_diff import FieldChange, OrderChange
from app.views.inbox_columns import STATUS_LABELS, parse_utc

STATUS_FIELD = "Status"
TIME_FIELDS = frozenset({"Ordered on", "Last update"})
NOTHING = "—"
_MINUTES = "%Y-%m-%d %H:%M"
_SECONDS = "%Y-%m-%d %H:%M:%S"


def field_words(field: str, value: str, *, seconds: bool = False, offset: bool = False) -> str:
    """One value of a compared field as shown; an unknown status or time is shown as kept.
    ``offset``: a time with its UTC offset ("UTC+02:00") after the seconds."""
    if not value:
        return NOTHING
    if field == STATUS_FIELD:
        try:
            return STATUS_LABELS[OrderStatus(value)]
        except ValueError:
            return value
    if field in TIME_FIELDS:
        moment = parse_utc(value)
        if moment is None:
            return value
        local = local_time(moment)
        if offset:
            return f"{local.strftime(_SECONDS)} {_utc_offset(local)}"
        return local.strftime(_SECONDS if seconds else _MINUTES)
    return value


def _utc_offset(moment: datetime) -> str:
    """``UTC+02:00``: unlike a zone's name, never the same for two times that read alike."""
    said = moment.strftime("%z")  # "+0200"
    return f"UTC{said[:3]}:{said[3:5]}" if said else "UTC"


def change_words(change: FieldChange) -> str:
    """``Field: old → new``. Two times within the same minute show their seconds, so that a
    change never reads as "10:42 → 10:42"; two that read the same even so (the hour the clocks
    go back comes twice) show their UTC offsets too."""
    old = field_words(change.field, change.old)
    new = field_words(change.field, change.new)
    if old == new and change.field in TIME_FIELDS:
        old = field_words(change.field, change.old, seconds=True)
        new = field_words(change.field, change.new, seconds=True)
    if old == new and change.field in TIME_FIELDS:
        old = field_words(change.field, change.old, offset=True)
        new = field_words(change.field, change.new, offset=True)
    return f"{change.field}: {old} → {new}"


def describe_change(change: OrderChange) -> str:
    """Every changed field of an order, in words, separated by "; "."""
    return "; ".join(change_words(c) for c in change.changes)
