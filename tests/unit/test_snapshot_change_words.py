"""A comparison in a coordinator's words: status labels, local times to the minute (to the
second, and with the UTC offset, where that is what tells two apart)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.snapshot_diff import ChangeKind, FieldChange, OrderChange
from app.views.snapshot_changes import change_words, describe_change, field_words
from tests.zones import living_in


def local(moment: datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone().strftime(pattern)


def test_statuses_read_as_the_inbox_says_them() -> None:
    change = FieldChange("Status", "NEW", "IN_PROGRESS")
    assert change_words(change) == "Status: New → In progress"
    assert field_words("Status", "SOMETHING_ELSE") == "SOMETHING_ELSE"  # kept as it came


def test_times_are_local_and_to_the_minute() -> None:
    old = datetime(2025, 3, 1, 9, 0, 0, 123000, tzinfo=UTC)
    new = datetime(2025, 3, 2, 14, 30, 59, 999000, tzinfo=UTC)
    change = FieldChange(
        "Last update",
        old.isoformat(timespec="milliseconds"),
        new.isoformat(timespec="milliseconds"),
    )
    assert change_words(change) == f"Last update: {local(old)} → {local(new)}"
    assert field_words("Ordered on", "") == "—"


def test_a_change_within_one_minute_shows_its_seconds() -> None:
    old = datetime(2025, 3, 1, 9, 0, 5, tzinfo=UTC)
    new = datetime(2025, 3, 1, 9, 0, 40, tzinfo=UTC)
    change = FieldChange("Last update", old.isoformat(), new.isoformat())
    seconds = "%Y-%m-%d %H:%M:%S"
    assert change_words(change) == f"Last update: {local(old, seconds)} → {local(new, seconds)}"


@pytest.mark.parametrize(
    ("zone", "old", "new", "words"),
    [
        ("Europe/Berlin", "2025-10-26T00:30:00+00:00", "2025-10-26T01:30:00+00:00",
         "2025-10-26 02:30:00 UTC+02:00 → 2025-10-26 02:30:00 UTC+01:00"),
        ("America/New_York", "2025-11-02T05:30:00+00:00", "2025-11-02T06:30:00+00:00",
         "2025-11-02 01:30:00 UTC-04:00 → 2025-11-02 01:30:00 UTC-05:00"),
    ],
)  # fmt: skip
def test_a_change_across_the_clocks_going_back_shows_the_utc_offsets(
    monkeypatch: pytest.MonkeyPatch, zone: str, old: str, new: str, words: str
) -> None:
    """The hour the clocks go back comes twice: two times an hour apart read the same even to
    the second, and the change read "Last update: 2025-10-26 02:30:00 → 2025-10-26 02:30:00"."""
    with living_in(monkeypatch, zone):
        assert change_words(FieldChange("Last update", old, new)) == f"Last update: {words}"


def test_other_fields_are_kept_and_joined() -> None:
    change = OrderChange(
        "o1",
        ChangeKind.CHANGED,
        "Ana",
        (FieldChange("Status", "IN_PROGRESS", "COMPLETED"), FieldChange("Comments", "1", "2")),
    )
    assert describe_change(change) == "Status: In progress → Completed; Comments: 1 → 2"
