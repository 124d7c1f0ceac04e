"""Times as the services write them, shown in the local zone on every platform."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Self

import pytest

from app.domain.service_time import local_time, within_range
from app.views import inbox_columns


class WindowsTime(datetime):
    """A time as Windows' C library treats one before 1970: no local time for it (OSError from
    ``localtime``). Injected: Linux has a local time for every year a datetime holds."""

    def astimezone(self, tz: tzinfo | None = None) -> Self:
        if tz is None:
            raise OSError(22, "Invalid argument")
        return super().astimezone(tz)


BEFORE_1970 = WindowsTime(1900, 1, 1, 12, 30, tzinfo=UTC)


def test_a_time_without_a_local_one_is_shown_in_utc() -> None:
    shown = local_time(BEFORE_1970)
    assert shown == BEFORE_1970
    assert shown.utcoffset() is not None
    assert f"{shown:%Y-%m-%d %H:%M}" == "1900-01-01 12:30"


def test_a_time_with_a_local_one_is_shown_in_it() -> None:
    value = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert local_time(value) == value.astimezone()
    assert local_time(value).tzinfo == value.astimezone().tzinfo


def test_the_inbox_shows_such_a_time_rather_than_failing_a_paint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before ``local_time`` the OSError went out of the cell's text, in every paint of its row."""
    monkeypatch.setattr(inbox_columns, "parse_utc", lambda _text: BEFORE_1970)
    inbox_columns.local_text.cache_clear()
    try:
        assert inbox_columns.local_text("1900-01-01T12:30:00+00:00") == "1900-01-01 12:30"
        assert inbox_columns.berke_cell("Complete · 1900-01-01T12:30:00+00:00") == "Complete 1 Jan"
    finally:
        inbox_columns.local_text.cache_clear()


def test_a_time_at_the_ends_of_what_a_datetime_holds_is_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        within_range(datetime.fromisoformat("0001-01-01T00:00:00+01:00"))
    assert within_range(datetime(1900, 1, 1)) == datetime(1900, 1, 1)


def test_every_time_shown_in_the_local_zone_goes_through_local_time() -> None:
    """``astimezone()`` with no zone raises on Windows for a time before 1970 or after 3000;
    a snapshot may say 5000, a damaged data file anything. One place handles it."""
    root = Path(__file__).resolve().parents[2] / "app"
    calls = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".astimezone()" in line
    ]
    assert [call.partition(":")[0] for call in calls] == ["domain/service_time.py"], calls
