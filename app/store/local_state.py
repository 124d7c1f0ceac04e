"""Every order's local state (``OrderState``) read in a few queries: what the order board loads
at start, and re-reads for the orders a step or a sync changed.

Reads only; the journal, the result store and the upload queue write. A step's *latest* state
per (order, action) decides whether it counts as failed (``inbox_rows.latest_step_states``,
which a working day's first frame reads the same way, without the models).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from app.domain.invitation_doubt import doubt_of
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.order_state import OrderState
from app.domain.uploads import Upload
from app.store.berke_watch import berke_state
from app.store.database import Database, select_in
from app.store.inbox_rows import BERKE_STATUS, in_state, latest_step_states
from app.store.journal_rows import read_step

# As a table with an order_id column, for ``_rows`` to add its "WHERE order_id IN".
_GONE = "SELECT * FROM (SELECT id AS order_id, gone_since FROM orders WHERE gone_since IS NOT NULL)"
# Each order's latest invite step (whether it may have gone), as such a table too.
_LATEST_INVITE = (
    "SELECT * FROM (SELECT * FROM journal WHERE id IN (SELECT MAX(id) FROM journal"
    " WHERE action = 'invite' GROUP BY order_id))"
)


def load_states(db: Database, order_ids: Iterable[str] | None = None) -> dict[str, OrderState]:
    """The state of ``order_ids`` (every order with any local state when None); an order with
    none is absent from the answer."""
    ids = None if order_ids is None else list(dict.fromkeys(order_ids))
    with db.reading() as conn:
        links = _rows(conn, "SELECT * FROM assessments", ids)
        steps = _rows(conn, "SELECT order_id, action, state FROM journal", ids, order="id")
        results = _rows(conn, "SELECT order_id, result_id FROM results", ids, order="created_at")
        uploads = _rows(conn, "SELECT * FROM uploads", ids, order="id")
        notes = _rows(conn, "SELECT * FROM order_notes", ids)
        gone = _rows(conn, _GONE, ids)
        invites = _rows(conn, _LATEST_INVITE, ids)
        # Berke's side of these links only, without the stored GetCompletedAssessment answer
        # (a refresh of one order must not read every completion kept).
        berke_ids = [row["source_candidate_id"] for row in links]
        berke = {
            row["source_candidate_id"].casefold(): row
            for row in select_in(conn, BERKE_STATUS, berke_ids)
        }

    by_order: dict[str, dict[str, object]] = defaultdict(dict)
    for row in links:
        by_order[row["order_id"]]["link"] = LinkedAssessment.model_validate(dict(row))
        watched = berke_state(berke.get(row["source_candidate_id"].casefold()))
        if watched is not None:
            by_order[row["order_id"]]["berke"] = watched
    for row in gone:
        by_order[row["order_id"]]["gone_since"] = datetime.fromisoformat(row["gone_since"])
    for row in invites:
        if row["state"] == StepState.DONE.value or not row["may_have_gone"]:
            continue  # no doubt: its request is not read (one per order invited)
        doubt = doubt_of(
            StepState(row["state"]),
            bool(row["may_have_gone"]),
            datetime.fromisoformat(row["updated_at"]),
            read_step(StepKind.INVITE, row["request"]),
        )
        if doubt is not None:
            by_order[row["order_id"]]["invitation_doubt"] = doubt
    for row in notes:
        unseen = max(row["comments_count"] - row["comments_seen"], 0)
        if unseen:
            by_order[row["order_id"]]["unseen_comments"] = unseen
        dismissed = frozenset(json.loads(row["dismissed"] or "[]"))
        if dismissed:
            by_order[row["order_id"]]["dismissed"] = dismissed
    for order_id, states in latest_step_states(steps).items():
        by_order[order_id]["pending"] = in_state(states, StepState.PENDING)
        by_order[order_id]["failed"] = in_state(states, StepState.FAILED)
        if states.get(StepKind.ACCEPT) == StepState.DONE:
            by_order[order_id]["accepted_here"] = True
    for row in results:
        by_order[row["order_id"]]["result_id"] = row["result_id"]  # the latest wins
    queued: dict[str, list[Upload]] = defaultdict(list)
    for row in uploads:
        queued[row["order_id"]].append(Upload.model_validate(dict(row)))
    for order_id, files in queued.items():
        by_order[order_id]["uploads"] = tuple(files)
    return {order_id: OrderState(**parts) for order_id, parts in by_order.items()}  # type: ignore[arg-type]


def _rows(
    conn: sqlite3.Connection, select: str, ids: list[str] | None, *, order: str | None = None
) -> list[sqlite3.Row]:
    """``select`` for every order or for ``ids``; in ``order`` within each order, which is all
    the callers need (a later row of an order overrides an earlier one)."""
    suffix = f"ORDER BY {order}" if order else ""
    if ids is None:
        return conn.execute(f"{select} {suffix}").fetchall()
    return select_in(conn, f"{select} WHERE order_id IN", ids, suffix=suffix)
