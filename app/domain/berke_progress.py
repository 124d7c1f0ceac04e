"""Where a Berke assessment stands, and Berke's times: small facts shared by the status and
the completed-assessment models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class BerkeProgress(StrEnum):
    """Where a Berke assessment stands, as the console shows it beside SmartRecruiters'."""

    NOT_STARTED = "not_started"
    STARTED = "started"
    COMPLETE = "complete"
    DELETED = "deleted"  # Berke no longer has it: deleted by this desk, by hand or elsewhere
    # Berke has it, and its answer did not say where it stands (no status flag): never taken
    # for "not started", which let a completed assessment, scores and all, be deleted.
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return _PROGRESS_LABELS[self]


_PROGRESS_LABELS = {
    BerkeProgress.NOT_STARTED: "Not started",
    BerkeProgress.STARTED: "Started",
    BerkeProgress.COMPLETE: "Complete",
    BerkeProgress.DELETED: "Deleted",
    BerkeProgress.UNKNOWN: "Unknown",
}

COMPLETE_STATUS_ID = 2  # "StatusId = 2 means complete" (the reference)
STARTED_STATUS_ID = 1


def progress_of(status_id: int | None, status_name: str | None) -> BerkeProgress:
    """The reference fixes only "2 means complete"; a started one is told by its id (1) or
    its name ("Started", "In progress"), any other id is not started. Without an id, only a
    name that says so is not started: an answer that says nothing is UNKNOWN."""
    if status_id == COMPLETE_STATUS_ID:
        return BerkeProgress.COMPLETE
    name = (status_name or "").strip().casefold()
    says_started = "start" in name or "progress" in name
    if status_id == STARTED_STATUS_ID or (says_started and "not" not in name):
        return BerkeProgress.STARTED
    if status_id is not None or says_started:  # "Not started"
        return BerkeProgress.NOT_STARTED
    return BerkeProgress.UNKNOWN


def unix_time(value: Any) -> Any:
    """Berke's times are Unix seconds (decimals allowed); a value already a date passes."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return text  # an ISO text: pydantic reads it
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 0 <= value < 32503680000:  # before year 3000: anything else is nonsense
            raise ValueError("the time is out of range")
        return datetime.fromtimestamp(value, UTC)
    return value
