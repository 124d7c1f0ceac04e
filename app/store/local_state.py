"""Every order's local state (``OrderState``) read in a few queries: what the order board loads
at start, and re-reads for the orders a step or a sync changed.

Reads only; the journal, the result store and the upload queue write. A step's *latest* state
per (order, action) decides whether it counts as failed (``inbox_rows.latest_steps``,
which a working day's first frame reads the same way, without the models).
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from app.domain.failed_steps import failure_mark
from app.domain.invitation_doubt import doubt_of
from app.domain.journal import ReuseAssessmentStep
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.link_origin import LinkOrigin, found_in_berke, link_origin
from app.domain.order_state import OrderState
from app.domain.uploads import Upload
from app.store.berke_watch import berke_state
from app.store.database import Database, select_in
from app.store.inbox_rows import BERKE_STATUS, in_state, latest_steps
from app.store.journal_rows import read_step
from app.store.results import upload_of_row

# As a table with an order_id column, for ``_rows`` to add its "WHERE order_id IN".
_GONE = "SELECT * FROM (SELECT id AS order_id, gone_since FROM orders WHERE gone_since IS NOT NULL)"
# Each order's latest invite step (whether it may have gone), as such a table too.
_LATEST_INVITE = (
    "SELECT * FROM (SELECT * FROM journal WHERE id IN (SELECT MAX(id) FROM journal"
    " WHERE action = 'invite' GROUP BY order_id))"
)
# The steps that linked an assessment (a create, a reuse), as such a table too: only what
# tells where the link came from (``link_origin``), read by SQLite. Read into models, the
# outcomes of 5,000 linked orders made the reading of every order's state 1.7 times as long,
# before the cached inbox shows. An outcome that is no JSON (damaged) is no link found in
# Berke: json_extract raised on it, and no order's state could be read.
_LINKING = (
    "SELECT * FROM (SELECT id, order_id, action,"
    " json_extract(outcome, '$.recovered') AS recovered,"
    " json_extract(outcome, '$.own_try') AS own_try,"
    " CASE action WHEN 'reuse_assessment' THEN request END AS request"
    " FROM journal WHERE action IN ('create_assessment', 'reuse_assessment')"
    " AND json_valid(outcome) AND json_extract(outcome, '$.kind') = 'assessment_linked')"
)


def load_states(db: Database, order_ids: Iterable[str] | None = None) -> dict[str, OrderState]:
    """The state of ``order_ids`` (every order with any local state when None); an order with
    none is absent from the answer."""
    ids = None if order_ids is None else list(dict.fromkeys(order_ids))
    with db.reading() as conn:
        links = _rows(conn, "SELECT * FROM assessments", ids)
        steps = _rows(
            conn, "SELECT id, order_id, action, state, updated_at FROM journal", ids, order="id"
        )
        results = _rows(conn, "SELECT order_id, result_id FROM results", ids, order="created_at")
        uploads = _rows(conn, "SELECT * FROM uploads", ids, order="id")
        notes = _rows(conn, "SELECT * FROM order_notes", ids)
        gone = _rows(conn, _GONE, ids)
        invites = _rows(conn, _LATEST_INVITE, ids)
        linked_ids = None if ids is None else [row["order_id"] for row in links]
        from_elsewhere = _found_in_berke(conn, linked_ids)
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
        if row["order_id"] in from_elsewhere:
            by_order[row["order_id"]]["found_in_berke"] = True
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
            by_order[row["order_id"]]["comments_seen"] = row["comments_seen"]
        dismissed = frozenset(json.loads(row["dismissed"] or "[]"))
        if dismissed:
            by_order[row["order_id"]]["dismissed"] = dismissed
    for order_id, rows in latest_steps(steps).items():
        states = {kind: row["state"] for kind, row in rows.items()}
        by_order[order_id]["pending"] = in_state(states, StepState.PENDING)
        by_order[order_id]["failed"] = in_state(states, StepState.FAILED)
        if states.get(StepKind.ACCEPT) == StepState.DONE:
            by_order[order_id]["accepted_here"] = True
        # Each failure, by the same latest attempt: what "Leave it" remembers.
        marks = frozenset(
            (kind, failure_mark(row["id"], row["updated_at"]))
            for kind, row in rows.items()
            if row["state"] == StepState.FAILED
        )
        if marks:
            by_order[order_id]["failure_marks"] = marks
    for row in results:
        by_order[row["order_id"]]["result_id"] = row["result_id"]  # the latest wins
    queued: dict[str, list[Upload]] = defaultdict(list)
    for row in uploads:
        queued[row["order_id"]].append(upload_of_row(row))
    for order_id, files in queued.items():
        by_order[order_id]["uploads"] = tuple(files)
    return {order_id: OrderState(**parts) for order_id, parts in by_order.items()}  # type: ignore[arg-type]


def _found_in_berke(conn: sqlite3.Connection, order_ids: list[str] | None) -> set[str]:
    """Which of ``order_ids`` (orders with a link; None: every order) have an assessment found
    in Berke, made by another desk (``link_origin``): their own link's step, or the one of the
    order a reuse took it from, read as far back as the reuses go."""
    latest = {row["order_id"]: row for row in _rows(conn, _LINKING, order_ids, order="id")}
    origins: dict[str, LinkOrigin | None] = {i: _origin(row) for i, row in latest.items()}
    wanted = _reused_not_read(origins)
    while wanted:  # orders outside ``order_ids`` whose link a reuse took
        rows = _rows(conn, _LINKING, wanted, order="id")
        origins.update({row["order_id"]: _origin(row) for row in rows})
        origins.update({order_id: None for order_id in wanted if order_id not in origins})
        wanted = _reused_not_read(origins)
    return {order_id for order_id in latest if found_in_berke(order_id, origins.get)}


def _reused_not_read(origins: Mapping[str, LinkOrigin | None]) -> list[str]:
    return sorted(
        {
            origin.from_order_id
            for origin in origins.values()
            if origin is not None
            and origin.from_order_id is not None
            and origin.from_order_id not in origins
        }
    )


def _origin(row: sqlite3.Row) -> LinkOrigin:
    reused_from = None
    if row["action"] == StepKind.REUSE_ASSESSMENT.value:  # only a reuse's request is read
        step = read_step(StepKind.REUSE_ASSESSMENT, row["request"])
        reused_from = step.from_order_id if isinstance(step, ReuseAssessmentStep) else None
    return link_origin(bool(row["recovered"]), row["own_try"], reused_from)


def _rows(
    conn: sqlite3.Connection, select: str, ids: list[str] | None, *, order: str | None = None
) -> list[sqlite3.Row]:
    """``select`` for every order or for ``ids``; in ``order`` within each order, which is all
    the callers need (a later row of an order overrides an earlier one)."""
    suffix = f"ORDER BY {order}" if order else ""
    if ids is None:
        return conn.execute(f"{select} {suffix}").fetchall()
    return select_in(conn, f"{select} WHERE order_id IN", ids, suffix=suffix)
