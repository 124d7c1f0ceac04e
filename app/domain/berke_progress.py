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
# The reference fixes no other id: these two are the sandbox's (and the desk has read them so).
STARTED_STATUS_ID = 1
NOT_STARTED_STATUS_ID = 0

#: The status names that say where an assessment stands, letters only ("Not started",
#: "not_started", "NotStarted" alike). Only a whole name counts: "Started, not completed"
#: says nothing clear.
_SAID_BY_NAME = {
    "notstarted": BerkeProgress.NOT_STARTED,
    "notyetstarted": BerkeProgress.NOT_STARTED,
    "started": BerkeProgress.STARTED,
    "inprogress": BerkeProgress.STARTED,
    "complete": BerkeProgress.COMPLETE,
    "completed": BerkeProgress.COMPLETE,
}


def progress_of(status_id: int | None, status_name: str | None) -> BerkeProgress:
    """Where the assessment stands by Berke's ``StatusId``: 2 complete (the reference), 1
    started, 0 not started (unless its name says started). Any other id, or none, is
    UNKNOWN unless the name says clearly: an id never seen was read "not started", and a
    completed assessment was offered a reminder and deleted, scores and all. So is a 0 or a
    1 whose name says complete: only 2 says so for the reference, and read by its id alone,
    an assessment its name called complete could be deleted as one not finished."""
    if status_id == COMPLETE_STATUS_ID:
        return BerkeProgress.COMPLETE
    letters = "".join(ch for ch in (status_name or "").casefold() if ch.isalpha())
    said = _SAID_BY_NAME.get(letters)
    if status_id in (STARTED_STATUS_ID, NOT_STARTED_STATUS_ID) and said is BerkeProgress.COMPLETE:
        return BerkeProgress.UNKNOWN
    if status_id == STARTED_STATUS_ID:
        return BerkeProgress.STARTED
    if status_id == NOT_STARTED_STATUS_ID:
        return BerkeProgress.STARTED if said is BerkeProgress.STARTED else BerkeProgress.NOT_STARTED
    return said or BerkeProgress.UNKNOWN


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
