"""The journal of remote actions, and the Berke assessments linked to orders.

A step is written as *pending* before its call goes out; its outcome is written in the same
transaction that marks it done (and, for a created assessment, that stores the link), so a
crash can never leave an outcome half-recorded.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.domain.build_when_used import BUILD_WHEN_USED
from app.domain.file_names import storable_text
from app.domain.journal import (
    CreateResultStep,
    JournalEntry,
    ResultRecorded,
    StepOutcome,
    StepPayload,
    UnreadableStep,
)
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult
from app.store.database import Database, utc_now
from app.store.journal_rows import dumps, loose_json, read_outcome, read_step
from app.store.order_cache import upsert_order

log = logging.getLogger(__name__)


#: ``Journal.results_left_open``'s query (read by the index ``journal_by_action``: every
#: resume round asks it, and the journal is never pruned).
RESULTS_LEFT_OPEN = (
    "SELECT * FROM journal AS made WHERE made.action = ? AND made.state = 'done'"
    " AND NOT EXISTS (SELECT 1 FROM journal AS later WHERE later.order_id ="
    " made.order_id AND later.action = ? AND later.id > made.id)"
    " AND NOT EXISTS (SELECT 1 FROM orders WHERE orders.id = made.order_id"
    " AND orders.status IN ('COMPLETED', 'REJECTED')) ORDER BY made.id"
)


#: The date a step shows when neither of its own dates can be read.
_NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)
_DATES = ("created_at", "updated_at")
#: The dates in a coordinator's words.
_DATE_WORDS = {"created_at": "was begun", "updated_at": "last changed"}
_A_DATE: TypeAdapter[datetime] = TypeAdapter(datetime, config=BUILD_WHEN_USED)


def _readable_date(text: object) -> bool:
    """Whether ``text`` is a date a step is read with (as ``JournalEntry`` reads one)."""
    try:
        _A_DATE.validate_python(text)
    except ValidationError:
        return False
    return True


def _entry(row: sqlite3.Row) -> JournalEntry:
    action = StepKind(row["action"])
    fields: dict[str, Any] = {
        "id": row["id"],
        "order_id": row["order_id"],
        "action": action,
        "state": StepState(row["state"]),
        "step": read_step(action, row["request"]),
        "outcome": read_outcome(row["outcome"]),
        "message": row["message"],
        "may_have_gone": bool(row["may_have_gone"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }
    try:
        return JournalEntry.model_validate(fields)
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors()}
        if not bad <= set(_DATES):
            raise
        # A date another program wrote as it liked. Left out, a pending row was never
        # resumed nor shown, and its order's actions waited on it for ever: it is shown, with
        # the date it has. Pending, it is a step this version cannot read, which the resumer
        # fails in words (never sends); done or failed, it is the step it was, and says that
        # only its date could not be read.
        good = [name for name in _DATES if name not in bad]
        fields |= {name: row[good[0]] if good else _NO_DATE for name in bad}
        columns = " and ".join(sorted(name.replace("_", " ") for name in bad))
        log.warning("Journal row %s: its %s cannot be read", row["id"], columns)
        if fields["state"] is StepState.PENDING:
            times = " and ".join(
                f"the time it {_DATE_WORDS[name]}" for name in _DATES if name in bad
            )
            fields["step"] = UnreadableStep(
                action=action,
                data=loose_json(row["request"]),  # the row as recorded
                problem=f"{times} cannot be read",
            )
        else:
            if good:
                (unread,) = bad
                note = (
                    f"The time this step {_DATE_WORDS[unread]} cannot be read: the time shown "
                    f"is when it {_DATE_WORDS[good[0]]}."
                )
            else:
                note = "Neither of this step's times can be read."
            fields["message"] = f"{row['message']}\n{note}" if row["message"] else note
        return JournalEntry.model_validate(fields)


def _entries(rows: Iterable[sqlite3.Row]) -> list[JournalEntry]:
    """The rows as steps, leaving out (with a warning) one of an action this version does
    not know (a newer desk's, or kept as it was by the first form's upgrade): one such row
    stopped the resumer for every order. The row itself is kept as it is. A row whose date
    cannot be read is read as a step this version cannot read (``_entry``)."""
    entries = []
    for row in rows:
        try:
            entries.append(_entry(row))
        except ValidationError as exc:  # where, not what: a value may be anything
            problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            log.warning("Journal row %s cannot be read, left out: %s", row["id"], problem)
        except ValueError as exc:  # an action or a state this version does not know
            problem = str(exc).splitlines()[0]
            log.warning("Journal row %s cannot be read, left out: %s", row["id"], problem)
    return entries


class _Recorder:
    """Stores what a finished step produced, on the connection of the transaction that marks
    it done (``OutcomeRecorder``)."""

    def __init__(self, conn: sqlite3.Connection, order_id: str, now: str) -> None:
        self._conn = conn
        self._order_id = order_id
        self._now = now

    def link(self, link: LinkedAssessment) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO assessments (order_id, source_candidate_id,"
            " invitation_code, assessment_url, created_at, invited_email, invited_at,"
            " source_job_id, created_email, on_default_job)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (link.order_id, link.source_candidate_id, link.invitation_code,
             link.assessment_url, link.created_at.isoformat(), link.invited_email,
             link.invited_at.isoformat() if link.invited_at else None, link.source_job_id,
             link.created_email, link.on_default_job),
        )  # fmt: skip

    def invited(self, email: str) -> None:
        self._conn.execute(
            "UPDATE assessments SET invited_email = ?, invited_at = ? WHERE order_id = ?",
            (email, self._now, self._order_id),
        )

    def result_id(self, result_id: str) -> None:
        self._conn.execute(
            "INSERT OR IGNORE INTO results (order_id, result_id, created_at) VALUES (?, ?, ?)",
            (self._order_id, result_id, self._now),
        )
        # Files queued before the order had a result now know where to go.
        self._conn.execute(
            "UPDATE uploads SET result_id = ? WHERE order_id = ? AND result_id IS NULL",
            (result_id, self._order_id),
        )

    def order(self, order: AssessmentOrder) -> None:
        if order.id != self._order_id:  # a step's answer never rewrites another order
            log.warning("Step of %s answered with order %s: not stored", self._order_id, order.id)
            return
        upsert_order(self._conn, order, self._now)

    def upload_done(self, upload_id: int, attachment_id: str) -> None:
        self._conn.execute(
            "UPDATE uploads SET state = 'done', attachment_id = ?, message = NULL,"
            " updated_at = ? WHERE id = ?",
            (attachment_id, self._now, upload_id),
        )

    def berke_deleted(self, source_candidate_id: str) -> None:
        self._conn.execute(
            "INSERT INTO berke_status (source_candidate_id, progress, checked_at)"
            " VALUES (?, 'deleted', ?) ON CONFLICT (source_candidate_id) DO UPDATE SET"
            " progress = 'deleted', checked_at = excluded.checked_at",
            (source_candidate_id, self._now),
        )


def _order_written(conn: sqlite3.Connection, cursor: sqlite3.Cursor, step_id: int) -> list[str]:
    """The order of step ``step_id`` if ``cursor``'s write changed it (none: its condition
    held it back), for ``Journal.writes``. Asked after the write, in its transaction: not
    with ``RETURNING``, which an SQLite older than 3.35 (some systems' own) refuses."""
    if cursor.rowcount != 1:
        return []
    row = conn.execute("SELECT order_id FROM journal WHERE id = ?", (step_id,)).fetchone()
    return [] if row is None else [row["order_id"]]


class Journal:
    def __init__(self, db: Database) -> None:
        self._db = db
        # How many times each order's steps were written here (by any workflow, from any
        # thread): the board tells whose steps moved by it, without reading journals again.
        self._writes: dict[str, int] = {}
        self._writes_lock = threading.Lock()

    def _written(self, order_ids: Iterable[str]) -> None:
        with self._writes_lock:
            for order_id in order_ids:
                self._writes[order_id] = self._writes.get(order_id, 0) + 1

    def writes(self, order_ids: Iterable[str]) -> dict[str, int]:
        """How many times each order's steps were written (begun, noted, ended, cancelled,
        reopened) since this journal was opened; 0 for none. Two counts that differ: its
        steps changed in between."""
        with self._writes_lock:
            return {order_id: self._writes.get(order_id, 0) for order_id in order_ids}

    # -- steps -------------------------------------------------------------------------------

    def begin(self, order_id: str, step: StepPayload) -> int:
        """Record the intent before the call; returns the step id."""
        now = utc_now()
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO journal (order_id, action, state, request, created_at, updated_at,"
                " asked_at, may_have_gone) VALUES (?, ?, 'pending', ?, ?, ?, ?, 0)",
                (order_id, step.action.value, dumps(step), now, now, now),
            )
            step_id = int(cursor.lastrowid or 0)
        self._written([order_id])
        return step_id

    def finish(self, step_id: int, outcome: StepOutcome) -> None:
        """Mark the step done with its outcome, and store what it produced, atomically."""
        now = utc_now()
        with self._db.transaction() as conn:
            row = conn.execute("SELECT order_id FROM journal WHERE id = ?", (step_id,)).fetchone()
            if row is None:
                raise LookupError(f"There is no journal step {step_id}.")
            conn.execute(
                "UPDATE journal SET state = 'done', outcome = ?, message = NULL, updated_at = ?"
                " WHERE id = ?",
                (dumps(outcome), now, step_id),
            )
            outcome.record(_Recorder(conn, row["order_id"], now))
        self._written([row["order_id"]])

    def note(self, step_id: int, message: str, *, may_have_gone: bool | None = None) -> None:
        """A transient failure: the step stays pending (to be retried), with the reason; and
        ``may_have_gone`` (``set_may_have_gone``) in the same write, unless None."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE journal SET message = ?, updated_at = ?,"
                " may_have_gone = COALESCE(?, may_have_gone) WHERE id = ? AND state = 'pending'",
                (storable_text(message), utc_now(), may_have_gone, step_id),
            )
            changed = _order_written(conn, cursor, step_id)
        self._written(changed)

    def set_may_have_gone(self, step_id: int, gone: bool) -> None:
        """Whether a try of the step may have been carried out without its answer seen: set
        just before its request leaves (the app may stop while it goes), and put back when
        the answer shows it was not (a 429, a refusal, a connection never made)."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE journal SET may_have_gone = ? WHERE id = ?", (gone, step_id)
            )
            changed = _order_written(conn, cursor, step_id)
        self._written(changed)

    def reopen(self, step_id: int) -> None:
        """A failed step the coordinator retries: pending again, and asked for now. A time
        another program wrote that cannot be read is replaced by the one the timeline showed
        (when it last changed, or none): kept, the step read as one this version cannot read
        again, and its Retry failed at once. Never by now: begun and asked at the same time
        reads as never retried (``done_after``)."""
        now = utc_now()
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT created_at, updated_at FROM journal WHERE id = ?", (step_id,)
            ).fetchone()
            if row is None:
                return
            begun = row["created_at"]
            if not _readable_date(begun):
                shown = row["updated_at"]
                begun = shown if _readable_date(shown) else _NO_DATE.isoformat()
            cursor = conn.execute(
                "UPDATE journal SET state = 'pending', updated_at = ?, asked_at = ?,"
                " created_at = ? WHERE id = ?",
                (now, now, begun, step_id),
            )
            changed = _order_written(conn, cursor, step_id)
        self._written(changed)

    def fail(
        self,
        step_id: int,
        message: str,
        *,
        only_pending: bool = False,
        may_have_gone: bool | None = None,
    ) -> None:
        """The step failed; with ``only_pending``, only if nothing has ended it meanwhile; and
        ``may_have_gone`` (``set_may_have_gone``) in the same write, unless None."""
        condition = " AND state = 'pending'" if only_pending else ""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE journal SET state = 'failed', message = ?, updated_at = ?,"
                " may_have_gone = COALESCE(?, may_have_gone) WHERE id = ?" + condition,
                (storable_text(message), utc_now(), may_have_gone, step_id),
            )
            changed = _order_written(conn, cursor, step_id)
        self._written(changed)

    def cancel(self, step_id: int, message: str) -> bool:
        """The coordinator's cancel of a step waiting to be sent: cancelled, with ``message``,
        only if it is still pending (one conditional write, so that a step the resumer finished
        or failed meanwhile is never marked cancelled). True when this cancelled it."""
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "UPDATE journal SET state = 'cancelled', message = ?, updated_at = ?"
                " WHERE id = ? AND state = 'pending'",
                (message, utc_now(), step_id),
            )
            changed = _order_written(conn, cursor, step_id)
        self._written(changed)
        return len(changed) == 1

    def entries(self, order_id: str) -> list[JournalEntry]:
        """The order's timeline, oldest first."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT * FROM journal WHERE order_id = ? ORDER BY id", (order_id,)
            ).fetchall()
        return _entries(rows)

    def get(self, step_id: int) -> JournalEntry | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT * FROM journal WHERE id = ?", (step_id,)).fetchone()
        found = _entries([row] if row else [])
        return found[0] if found else None

    def pending(self) -> list[JournalEntry]:
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT * FROM journal WHERE state = 'pending' ORDER BY id"
            ).fetchall()
        return _entries(rows)

    def results_left_open(self) -> list[JournalEntry]:
        """Results made (the documented flow's first call) with no completion begun after
        them: the desk stopped between the flow's two calls. Oldest first. Orders known to be
        completed or rejected since are left out: nothing is left to do for them, and they
        would be looked at again every round."""
        with self._db.reading() as conn:
            rows = conn.execute(
                RESULTS_LEFT_OPEN, (StepKind.CREATE_RESULT.value, StepKind.COMPLETE.value)
            ).fetchall()
        return _entries(rows)

    def has_pending(self, order_id: str, *actions: StepKind) -> bool:
        """Whether a step of one of ``actions`` is pending for the order."""
        return self.has_step(order_id, actions, StepState.PENDING)

    def orders_with_pending(self, action: StepKind) -> list[str]:
        """The orders with a step of ``action`` waiting to be resumed (an indexed lookup: a
        batch asks for each of its orders)."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT DISTINCT order_id FROM journal WHERE state = 'pending' AND action = ?",
                (action.value,),
            ).fetchall()
        return [row["order_id"] for row in rows]

    def pending_kinds(self, order_id: str) -> set[StepKind]:
        """The kinds of the order's steps waiting to be resumed (one indexed lookup); a kind
        this version does not know is left out."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT DISTINCT action FROM journal WHERE order_id = ? AND state = 'pending'",
                (order_id,),
            ).fetchall()
        known = {kind.value for kind in StepKind}
        return {StepKind(row["action"]) for row in rows if row["action"] in known}

    def done_after(self, order_id: str, step_id: int, actions: Iterable[StepKind]) -> bool:
        """Whether a step of one of ``actions`` was done for the order after ``step_id`` was
        last asked for: begun after it, or an older one done since (a Retry of a failed
        accept). Once the coordinator retried it, only a step done after that Retry counts:
        one done before it, however begun, was there to see when Retry was pressed."""
        kinds = [action.value for action in actions]
        marks = ", ".join("?" * len(kinds))
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT 1 FROM journal AS later, journal AS this WHERE this.id = ? AND "
                f"later.order_id = ? AND later.id != this.id AND later.action IN ({marks}) "
                "AND later.state = 'done' AND (later.updated_at > "
                "COALESCE(this.asked_at, this.created_at) OR (later.id > this.id AND "
                "COALESCE(this.asked_at, this.created_at) = this.created_at)) LIMIT 1",
                (step_id, order_id, *kinds),
            ).fetchone()
        return row is not None

    def result_made(self, order_id: str) -> tuple[str, AssessmentResult] | None:
        """The result id, and the result, this desk's latest done "create result" step (the
        documented flow's first call) made for the order; None when it made none."""
        for entry in reversed(self.entries(order_id)):
            if entry.action is StepKind.CREATE_RESULT and entry.state is StepState.DONE:
                made, step = entry.outcome, entry.step
                if isinstance(made, ResultRecorded) and isinstance(step, CreateResultStep):
                    return made.result_id, step.result
                return None
        return None

    def has_step(self, order_id: str, actions: Iterable[StepKind], state: StepState) -> bool:
        """Whether a step of one of ``actions`` is in ``state`` for the order (one indexed
        lookup, not every step of every order read and parsed)."""
        kinds = [action.value for action in actions]
        marks = ", ".join("?" * len(kinds))
        with self._db.reading() as conn:
            row = conn.execute(
                f"SELECT 1 FROM journal WHERE order_id = ? AND action IN ({marks}) "
                "AND state = ? LIMIT 1",
                (order_id, *kinds, state.value),
            ).fetchone()
        return row is not None

    # -- linked assessments ------------------------------------------------------------------

    def assessment_for(self, order_id: str) -> LinkedAssessment | None:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT * FROM assessments WHERE order_id = ?", (order_id,)
            ).fetchone()
        return LinkedAssessment.model_validate(dict(row)) if row else None

    def orders_with_berke_id(self, source_candidate_id: str) -> list[str]:
        """The orders linked to an assessment under this Berke id, in any case as Berke
        compares ids (``casefold``: SQLite's NOCASE folds ASCII letters only, and "ÉMP-7"
        is "émp-7" to Berke)."""
        wanted = source_candidate_id.casefold()
        with self._db.reading() as conn:
            rows = conn.execute("SELECT order_id, source_candidate_id FROM assessments")
            return [r["order_id"] for r in rows if r["source_candidate_id"].casefold() == wanted]

    def orders_linked_to(self, invitation_code: str) -> list[str]:
        """The orders whose linked assessment has this invitation code."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT order_id FROM assessments WHERE invitation_code = ? COLLATE NOCASE",
                (invitation_code,),
            ).fetchall()
        return [row["order_id"] for row in rows]

    def all_assessments(self) -> dict[str, LinkedAssessment]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT * FROM assessments").fetchall()
        return {row["order_id"]: LinkedAssessment.model_validate(dict(row)) for row in rows}
