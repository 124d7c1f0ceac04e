"""What a profile's data file still has to send, asked before the profile is removed: removed,
its keys are forgotten and a new profile starts a data file of its own, so its waiting steps
and queued files would never be sent, without a word."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from app.domain.attachments import CANCELLABLE
from app.domain.journal_terms import StepKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaitingWork:
    """Steps the resumer would still send (an accept, a result, an invitation…), and files
    queued or being sent to SmartRecruiters (their steps counted as the files)."""

    steps: int = 0
    files: int = 0

    @property
    def nothing(self) -> bool:
        return not (self.steps or self.files)

    def in_words(self) -> str:
        """ "3 steps waiting to be sent and 1 file queued for SmartRecruiters" ("" for
        nothing)."""
        parts = []
        if self.steps:
            parts.append(f"{self.steps:,} step{'s' if self.steps != 1 else ''} waiting to be sent")
        if self.files:
            parts.append(
                f"{self.files:,} file{'s' if self.files != 1 else ''} queued for SmartRecruiters"
            )
        return " and ".join(parts)


def waiting_in(path: Path) -> WaitingWork | None:
    """What the data file at ``path`` still has to send, read without changing it (no
    migration, nothing written); nothing for a file that does not exist, None for one that
    cannot be read (not a data file of this app, or damaged)."""
    if not path.exists():
        return WaitingWork()
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            steps = conn.execute(  # a file's own step is counted as the file
                "SELECT COUNT(*) FROM journal WHERE state = 'pending' AND action != ?",
                (StepKind.UPLOAD.value,),
            )
            pending = int(steps.fetchone()[0])
            marks = ", ".join("?" * len(CANCELLABLE))
            files = conn.execute(
                f"SELECT COUNT(*) FROM uploads WHERE state IN ({marks})",
                tuple(state.value for state in CANCELLABLE),
            )
            return WaitingWork(steps=pending, files=int(files.fetchone()[0]))
    except sqlite3.Error as exc:
        log.warning("Could not read what %s has waiting: %s", path.name, exc)
        return None


def orders_in(path: Path) -> int | None:
    """How many orders the data file at ``path`` keeps cached, read without changing it; 0
    for a file that does not exist, None for one that cannot be read."""
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])
    except sqlite3.Error as exc:
        log.warning("Could not read how many orders %s keeps: %s", path.name, exc)
        return None
