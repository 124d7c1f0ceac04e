"""The journal of remote actions, and the Berke assessments linked to orders.

A step is written as *pending* before its call goes out; its outcome is written in the same
transaction that marks it done (and, for a created assessment, that stores the link), so a
crash can never leave an outcome half-recorded.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from app.domain.journal import Action, JournalEntry, LinkedAssessment, StepState
from app.domain.smartrecruiters import AssessmentOrder
from app.store.database import Database, utc_now
from app.store.order_cache import upsert_order


def _dumps(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _entry(row: sqlite3.Row) -> JournalEntry:
    return JournalEntry(
        id=row["id"],
        order_id=row["order_id"],
        action=Action(row["action"]),
        state=StepState(row["state"]),
        request=json.loads(row["request"]),
        outcome=json.loads(row["outcome"]) if row["outcome"] else None,
        message=row["message"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


class Journal:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- steps -------------------------------------------------------------------------------

    def begin(self, order_id: str, action: Action, request: dict[str, Any]) -> int:
        """Record the intent before the call; returns the step id."""
        now = utc_now()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
                " VALUES (?, ?, 'pending', ?, ?, ?)",
                (order_id, action.value, _dumps(request), now, now),
            )
            return int(cursor.lastrowid or 0)

    def finish(
        self,
        step_id: int,
        outcome: dict[str, Any] | None = None,
        *,
        link: LinkedAssessment | None = None,
        invited_email: str | None = None,
        result_id: str | None = None,
        upload: tuple[int, str] | None = None,
        order: AssessmentOrder | None = None,
    ) -> None:
        """Mark the step done with its outcome, and store what it produced, atomically.

        ``result_id`` is stored for the step's order (and given to its queued uploads);
        ``upload`` is (upload id, attachment id) of a finished upload; ``order`` is the order
        as the call returned it, for the cache.
        """
        now = utc_now()
        with self._db.transaction() as conn:
            row = conn.execute("SELECT order_id FROM journal WHERE id = ?", (step_id,)).fetchone()
            conn.execute(
                "UPDATE journal SET state = 'done', outcome = ?, message = NULL, updated_at = ?"
                " WHERE id = ?",
                (_dumps(outcome), now, step_id),
            )
            if link is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO assessments (order_id, source_candidate_id,"
                    " invitation_code, assessment_url, created_at) VALUES (?, ?, ?, ?, ?)",
                    (link.order_id, link.source_candidate_id, link.invitation_code,
                     link.assessment_url, link.created_at.isoformat()),
                )  # fmt: skip
            if invited_email is not None and row is not None:
                conn.execute(
                    "UPDATE assessments SET invited_email = ?, invited_at = ? WHERE order_id = ?",
                    (invited_email, now, row["order_id"]),
                )
            if result_id is not None and row is not None:
                conn.execute(
                    "INSERT OR IGNORE INTO results (order_id, result_id, created_at)"
                    " VALUES (?, ?, ?)",
                    (row["order_id"], result_id, now),
                )
                conn.execute(
                    "UPDATE uploads SET result_id = ? WHERE order_id = ? AND result_id IS NULL",
                    (result_id, row["order_id"]),
                )
            if order is not None:
                upsert_order(conn, order, now)
            if upload is not None:
                conn.execute(
                    "UPDATE uploads SET state = 'done', attachment_id = ?, message = NULL,"
                    " updated_at = ? WHERE id = ?",
                    (upload[1], now, upload[0]),
                )

    def note(self, step_id: int, message: str) -> None:
        """A transient failure: the step stays pending (to be retried), with the reason."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE journal SET message = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
                (message, utc_now(), step_id),
            )

    def reopen(self, step_id: int) -> None:
        """A failed step the coordinator retries: pending again."""
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE journal SET state = 'pending', updated_at = ? WHERE id = ?",
                (utc_now(), step_id),
            )

    def fail(self, step_id: int, message: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE journal SET state = 'failed', message = ?, updated_at = ? WHERE id = ?",
                (message, utc_now(), step_id),
            )

    def entries(self, order_id: str) -> list[JournalEntry]:
        """The order's timeline, oldest first."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT * FROM journal WHERE order_id = ? ORDER BY id", (order_id,)
            ).fetchall()
        return [_entry(row) for row in rows]

    def get(self, step_id: int) -> JournalEntry | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT * FROM journal WHERE id = ?", (step_id,)).fetchone()
        return _entry(row) if row else None

    def pending(self) -> list[JournalEntry]:
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT * FROM journal WHERE state = 'pending' ORDER BY id"
            ).fetchall()
        return [_entry(row) for row in rows]

    # -- linked assessments ------------------------------------------------------------------

    def assessment_for(self, order_id: str) -> LinkedAssessment | None:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT * FROM assessments WHERE order_id = ?", (order_id,)
            ).fetchone()
        return LinkedAssessment.model_validate(dict(row)) if row else None

    def all_assessments(self) -> dict[str, LinkedAssessment]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT * FROM assessments").fetchall()
        return {row["order_id"]: LinkedAssessment.model_validate(dict(row)) for row in rows}
