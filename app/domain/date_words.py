"""Dates as the desk's English words say them, whatever language the system speaks.

On Unix, Qt's application object sets the C library's locale from the environment
(``setlocale(LC_ALL, "")``), and ``strftime``'s "%b" follows it: a Turkish desk read "Complete
7 Ara" in an English table, and "calls resume at 14:00 on 07 Ara" in an English sentence. The
month's name comes from this table instead; the numbers ("%d", "%H", "%M") are the same in
every locale. The locale itself is left as Qt set it: other libraries may rely on it.
"""

from __future__ import annotations

from datetime import date, datetime

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_name(value: date) -> str:
    """The month's short English name: "Dec"."""
    return MONTHS[value.month - 1]


def day_and_month(value: date) -> str:
    """A table's short date: "7 Dec" (the day without a leading zero)."""
    return f"{value.day} {month_name(value)}"


def time_on_day(value: datetime) -> str:
    """A sentence's time and day: "14:00 on 07 Dec" (``strftime("%H:%M on %d %b")``, in
    English)."""
    return f"{value:%H:%M on %d} {month_name(value)}"


def clock_text(moment: datetime, now: datetime) -> str:
    """``moment`` as a line about something said earlier gives it, read at ``now`` (both
    local): its time alone the same day, with its date another day. A desk left open overnight
    said at 09:00 "at 17:42", read as this afternoon."""
    if moment.date() == now.date():
        return f"{moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}"
