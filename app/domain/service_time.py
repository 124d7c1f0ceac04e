"""The times the services write, kept to those every reading of them can hold.

Python's datetime ends at years 1 and 9999: a service's time near either end (0001-01-01T00:00
+01:00, or 9999-12-31T23:59-01:00) parses, then raises OverflowError, not ValueError, wherever it
is moved to UTC or to the local zone (an inbox row, a snapshot's order, the detail pane). Such a
time is no order's: it is refused where it is read, as any other unreadable field is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A day from either end: any zone's local time of a time inside is a datetime too.
_EARLIEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=1)
_LATEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)


def within_range(value: datetime) -> datetime:
    """``value`` (naive: UTC), unchanged; ValueError when it lies within a day of the ends of
    what a datetime holds."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        utc = aware.astimezone(UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None
    if not _EARLIEST <= utc <= _LATEST:
        raise ValueError("the time is out of range")
    return value


def local_time(value: datetime) -> datetime:
    """``value`` in the local zone to show it; in UTC where the platform has no local time for
    it. Windows' ``localtime`` refuses times before 1970 or after 3000 (OSError), which a
    service may well send (a birth date typed as a start date): a paint must not fail on one."""
    try:
        return value.astimezone()
    except (OSError, OverflowError):
        pass
    try:
        return value.astimezone(UTC)
    except (OSError, OverflowError):
        return value
