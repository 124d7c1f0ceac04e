"""Berke's side of every linked assessment, kept so that it survives a restart and a complete
one is never asked about again; and what the coordinator has seen of an order (comments) or
chosen to leave alone (attention flags).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.domain.berke_progress import BerkeProgress
from app.domain.order_state import BerkeState
from app.store.database import Database, utc_now

if TYPE_CHECKING:  # its model loads when a completion is read: ``berke_state`` needs none
    from app.domain.berke_results import CompletedAssessment

WATERMARK_KEY = "berke_completed_until"  # meta: GetCompletedAssessments was read up to here
#: ``order_notes.comments_count`` of an order whose comments were asked for and never
#: answered: its first answer still counts what is there as seen (no flood of old news).
NEVER_POLLED = -1
#: ``order_notes.comments_checked_at`` of an order whose every comment is news to its first
#: poll (``comments_baseline``): as if polled long ago and found none, so that it is also
#: polled before the orders polled since.
BASELINE_CHECKED_AT = datetime.min.replace(tzinfo=UTC).isoformat()


@dataclass(frozen=True)
class Watched:
    """One linked assessment to watch: its id, when it was invited (if ever), and its state."""

    source_candidate_id: str
    created_at: datetime
    invited_at: datetime | None
    state: BerkeState | None


_ENDED = (BerkeProgress.COMPLETE, BerkeProgress.DELETED)


class BerkeWatchStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- Berke's side ---------------------------------------------------------------------------

    def watched(self, *, with_deleted: bool = False) -> list[Watched]:
        """Every linked assessment (once, however many orders share it) that is neither
        complete nor deleted: what watching still has to ask about. ``with_deleted``: the
        deleted ones too (Berke's listing of completions may still name one: it was not)."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT a.source_candidate_id AS id, MIN(a.created_at) AS created_at,"
                " MAX(a.invited_at) AS invited_at, s.progress, s.checked_at, s.completed_at"
                " FROM assessments a LEFT JOIN berke_status s"
                " ON s.source_candidate_id = a.source_candidate_id COLLATE NOCASE"
                " GROUP BY a.source_candidate_id COLLATE NOCASE"
            ).fetchall()
        found = []
        for row in rows:
            state = _state(row["progress"], row["checked_at"], row["completed_at"])
            ended = (BerkeProgress.COMPLETE,) if with_deleted else _ENDED
            if state is not None and state.progress in ended:
                continue
            found.append(
                Watched(
                    row["id"],
                    datetime.fromisoformat(row["created_at"]),
                    datetime.fromisoformat(row["invited_at"]) if row["invited_at"] else None,
                    state,
                )
            )
        return found

    def record(
        self,
        source_candidate_id: str,
        progress: BerkeProgress,
        *,
        completed_at: datetime | None = None,
        completed: CompletedAssessment | None = None,
    ) -> None:
        """What Berke said of one assessment now. A complete one keeps its scores."""
        data = completed.model_dump_json(by_alias=True) if completed is not None else None
        when = completed_at.isoformat() if completed_at is not None else None
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO berke_status (source_candidate_id, progress, completed_at,"
                " checked_at, completed) VALUES (?, ?, ?, ?, ?)"
                # Never back from complete: a round's older answer, written late, undid it.
                " ON CONFLICT (source_candidate_id) DO UPDATE SET progress = CASE"
                " WHEN progress = 'complete' THEN progress ELSE excluded.progress END,"
                " completed_at = COALESCE(excluded.completed_at, completed_at),"
                " checked_at = excluded.checked_at,"
                " completed = COALESCE(excluded.completed, completed)",
                (source_candidate_id, progress.value, when, utc_now(), data),
            )

    def touch(self, source_candidate_id: str) -> None:
        """Asked now, without an answer: last in the queue of statuses to ask again (what was
        known of it stays; one never answered stays unknown)."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE berke_status SET checked_at = ? WHERE source_candidate_id = ?",
                (utc_now(), source_candidate_id),
            )

    def progress(self, source_candidate_id: str) -> BerkeProgress | None:
        """Where the assessment stood when Berke was last asked (None: never answered)."""
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT progress FROM berke_status WHERE source_candidate_id = ? COLLATE NOCASE",
                (source_candidate_id,),
            ).fetchone()
        return BerkeProgress(row["progress"]) if row is not None else None

    def completed(self, source_candidate_id: str) -> CompletedAssessment | None:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT completed FROM berke_status WHERE source_candidate_id = ? COLLATE NOCASE",
                (source_candidate_id,),
            ).fetchone()
        if row is None or not row["completed"]:
            return None
        from app.domain.berke_results import CompletedAssessment

        return CompletedAssessment.model_validate_json(row["completed"])

    def orders_of(self, source_candidate_ids: list[str]) -> list[str]:
        """The orders linked to these assessments (an assessment reused has several)."""
        if not source_candidate_ids:
            return []
        wanted = {i.casefold() for i in source_candidate_ids}
        with self._db.reading() as conn:
            rows = conn.execute("SELECT order_id, source_candidate_id FROM assessments")
            return [r["order_id"] for r in rows if r["source_candidate_id"].casefold() in wanted]

    # -- what the coordinator has seen ------------------------------------------------------

    def comments_polled(self, order_id: str, count: int) -> bool:
        """The order has ``count`` comments now; True when that is more than were seen."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO order_notes (order_id, comments_count, comments_seen,"
                " comments_checked_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (order_id) DO UPDATE SET comments_count = excluded.comments_count,"
                " comments_seen = CASE WHEN order_notes.comments_checked_at IS NULL"
                f"  OR order_notes.comments_count = {NEVER_POLLED}"
                "  THEN MAX(order_notes.comments_seen, excluded.comments_seen)"
                "  ELSE order_notes.comments_seen END,"
                " comments_checked_at = excluded.comments_checked_at",
                # Never polled before (a row a dismissed flag made is not a poll): what is there
                # now counts as seen, no flood of old news.
                (order_id, count, count, utc_now()),
            )
            row = conn.execute(
                "SELECT comments_count, comments_seen FROM order_notes WHERE order_id = ?",
                (order_id,),
            ).fetchone()
        return bool(row["comments_count"] > row["comments_seen"])

    def comments_baseline(self, order_ids: Iterable[str]) -> None:
        """These orders came to this desk while it watched (arrived, or accepted here): their
        first poll counts every comment as news, but those the coordinator was shown or
        wrote here. The no-flood rule is for the orders already there when the desk first
        looked; a comment written while the order was new ("the candidate withdrew") or
        before the watch's first look at it was otherwise marked seen unflagged. An order
        polled already keeps what it had."""
        with self._db.transaction() as conn:
            conn.executemany(
                "INSERT INTO order_notes (order_id, comments_count, comments_seen,"
                " comments_checked_at) VALUES (?, 0, 0, ?)"
                " ON CONFLICT (order_id) DO UPDATE SET"
                " comments_checked_at = excluded.comments_checked_at"
                " WHERE order_notes.comments_checked_at IS NULL",
                [(order_id, BASELINE_CHECKED_AT) for order_id in order_ids],
            )

    def comments_seen(self, order_id: str, count: int) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO order_notes (order_id, comments_count, comments_seen)"
                " VALUES (?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET"
                " comments_seen = MAX(comments_seen, excluded.comments_seen),"
                " comments_count = MAX(comments_count, excluded.comments_count)",
                (order_id, count, count),
            )

    def comment_written_here(self, order_id: str, comments_now: int | None = None) -> None:
        """The coordinator added a comment: one more seen, never news to them (the next poll
        counted it the recruiter's). ``comments_now``: the order's comments as just listed
        (it was found there already): seen never goes past them, or the recruiter's next
        comment would not be news."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT comments_count, comments_seen FROM order_notes WHERE order_id = ?",
                (order_id,),
            ).fetchone()
            held_count, held_seen = (row[0], row[1]) if row else (0, 0)
            seen = held_seen + 1 if comments_now is None else min(held_seen + 1, comments_now)
            count = max(held_count, seen if comments_now is None else comments_now)
            if held_count == NEVER_POLLED:
                count = NEVER_POLLED  # its first poll counts what is there as seen
            conn.execute(
                "INSERT INTO order_notes (order_id, comments_count, comments_seen)"
                " VALUES (?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET"
                " comments_count = excluded.comments_count,"
                " comments_seen = excluded.comments_seen",
                (order_id, count, seen),
            )

    def comments_unanswered(self, order_id: str) -> None:
        """Polled now without an answer: last in the queue of orders to ask again (never
        polled yet, its first answer still counts what is there as seen)."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO order_notes (order_id, comments_count, comments_checked_at)"
                " VALUES (?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET"
                " comments_checked_at = excluded.comments_checked_at",
                (order_id, NEVER_POLLED, utc_now()),
            )

    def comments_checked(self) -> dict[str, str | None]:
        """When each order's comments were last polled (ISO text; None: never, and
        ``BASELINE_CHECKED_AT``: never, and every comment its first poll finds is news)."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT order_id, comments_checked_at FROM order_notes")
            return {r["order_id"]: r["comments_checked_at"] for r in rows}

    def dismiss(self, order_id: str, flag: str, *, marks: Collection[str] | None = None) -> None:
        """Leave the ``flag`` kind alone on the order for good; or, given its ``marks`` (the
        events a flag is about, ``Flag.left_alone_as``), those. They replace the ones kept for
        it before (``flag:…``): the flag names every event it is about, so that one it no
        longer names has ended (a failed step retried and done), and is not kept for ever."""
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT dismissed FROM order_notes WHERE order_id = ?", (order_id,)
            ).fetchone()
            flags = set(json.loads(row["dismissed"])) if row else set()
            if marks is None:
                flags.add(flag)
            else:
                flags = {f for f in flags if f != flag and not f.startswith(f"{flag}:")}
                flags.update(marks)
            conn.execute(
                "INSERT INTO order_notes (order_id, dismissed) VALUES (?, ?)"
                " ON CONFLICT (order_id) DO UPDATE SET dismissed = excluded.dismissed",
                (order_id, json.dumps(sorted(flags))),
            )


def _state(progress: str | None, checked: str | None, completed: str | None) -> BerkeState | None:
    if progress is None or checked is None:
        return None
    completed_at = datetime.fromisoformat(completed) if completed else None
    if completed_at is not None and completed_at.tzinfo is None:
        # Kept before Berke's zoneless times were read as UTC (``BerkeTime``): UTC too, or the
        # detail pane reads it as local time while the inbox reads it as UTC.
        completed_at = completed_at.replace(tzinfo=UTC)
    return BerkeState(BerkeProgress(progress), datetime.fromisoformat(checked), completed_at)


def berke_state(row: sqlite3.Row | None) -> BerkeState | None:
    """A ``berke_status`` row (or None) as the order state holds it."""
    if row is None:
        return None
    return _state(row["progress"], row["checked_at"], row["completed_at"])
