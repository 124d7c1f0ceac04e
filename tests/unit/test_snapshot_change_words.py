"""A comparison in a coordinator's words: status labels, local times to the minute."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.snapshot_diff import ChangeKind, FieldChange, OrderChange
from app.views.snapshot_changes import change_words, describe_change, field_words


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


def test_other_fields_are_kept_and_joined() -> None:
    change = OrderChange(
        "o1",
        ChangeKind.CHANGED,
        "Ana",
        (FieldChange("Status", "IN_PROGRESS", "COMPLETED"), FieldChange("Comments", "1", "2")),
    )
    assert describe_change(change) == "Status: In progress → Completed; Comments: 1 → 2"
