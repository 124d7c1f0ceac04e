"""The cached inbox as its rows show it, read without the services' models.

A working day's first frame shows the cached orders. Read through their models
(``app.workflows.cached_inbox``), pydantic and the models' classes loaded first cost ~100 ms
before that frame, while reading the rows' few fields costs a few: so the frame is drawn from
this reading, and the models' reading follows it (the order board starts from that one).

Read-only and cautious: the file is opened read-only and never created or brought up to date,
and anything not as this version writes it (another schema, an order not read here) gives
None: the models' reading then shows the inbox, after the frame.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.domain.attachments import UploadState
from app.domain.order_state import StateSummary
from app.domain.order_summary import NotAsExpectedError, OrderSummary, summarize_stored
from app.domain.step_kinds import ENDED_UNSENT, StepKind, StepState
from app.store.berke_watch import berke_state
from app.store.database import SCHEMA_VERSION, select_in

log = logging.getLogger(__name__)

#: Berke's side of the links, as ``app.store.local_state`` reads it (the same query).
BERKE_STATUS = (
    "SELECT source_candidate_id, progress, checked_at, completed_at FROM berke_status "
    "WHERE source_candidate_id IN"
)
#: The orders whose latest invite step failed, or was cancelled, after a try that may have gone
#: (its answer lost, so not sent again): ``OrderState.invitation_doubt``, not waiting, without
#: reading the step. They are few: found by the (action, state) index, each one's order's
#: latest invite by the (order_id, id) one, not by a second walk of the whole journal.
INVITATIONS_IN_DOUBT = (
    "SELECT order_id FROM journal AS failed WHERE action = ?"
    f" AND state IN ({', '.join('?' * len(ENDED_UNSENT))})"
    " AND may_have_gone AND id = (SELECT MAX(id) FROM journal"
    " WHERE order_id = failed.order_id AND action = ?)"
)
#: Its parameters: the kind and the states are the models' own, not copies of them in SQL.
INVITATIONS_IN_DOUBT_PARAMETERS = (
    StepKind.INVITE.value,
    *sorted(state.value for state in ENDED_UNSENT),
    StepKind.INVITE.value,
)
_UPLOADING = frozenset({UploadState.QUEUED.value, UploadState.UPLOADING.value})


@dataclass(frozen=True)
class InboxRows:
    """Every cached order's summary, and what its row shows of its local state."""

    path: Path  # the data file read
    orders: list[OrderSummary]
    states: dict[str, StateSummary]  # an order without local state is absent


def read_inbox_rows(path: Path) -> InboxRows | None:
    """The cached inbox at ``path`` (blocking: call it off the GUI thread); None when there is
    no data file, or it is not one this reading may show (see the module docstring)."""
    try:
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
    except (OSError, RuntimeError, sqlite3.Error) as exc:  # a folder not readable, a link loop
        log.info("The cached inbox is read after the first frame (%s)", exc)
        return None
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("BEGIN")  # one reading: every table as of one moment
        if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None  # brought up to date (or refused) by the models' reading
        return _read(path, conn)
    except (
        sqlite3.Error,
        NotAsExpectedError,
        ValueError,
        TypeError,
        AttributeError,  # a value of another type than the tables declare (SQLite allows it)
        RecursionError,
    ) as exc:
        # Not an error: the models' reading shows the inbox after the frame, or says why not.
        log.info("The cached inbox is read after the first frame (%s)", exc)
        return None
    finally:
        conn.close()


def _read(path: Path, conn: sqlite3.Connection) -> InboxRows:
    orders = []
    marks: dict[str, dict[str, object]] = defaultdict(dict)
    for row in conn.execute("SELECT data, gone_since FROM orders"):
        summary = summarize_stored(json.loads(row["data"]))
        orders.append(summary)
        if row["gone_since"] is not None:
            marks[summary.id]["gone"] = True
    links = conn.execute(
        "SELECT order_id, source_candidate_id, invitation_code FROM assessments"
    ).fetchall()
    berke = {
        row["source_candidate_id"].casefold(): row
        for row in select_in(conn, BERKE_STATUS, [row["source_candidate_id"] for row in links])
    }
    for row in links:
        marks[row["order_id"]]["invitation_code"] = row["invitation_code"]
        marks[row["order_id"]]["source_candidate_id"] = row["source_candidate_id"]
        watched = berke_state(berke.get(row["source_candidate_id"].casefold()))
        if watched is not None:
            marks[row["order_id"]]["berke"] = watched
    steps = conn.execute("SELECT order_id, action, state FROM journal ORDER BY id")
    for order_id, (pending, failed) in pending_and_failed(steps).items():
        marks[order_id]["pending"] = pending
        marks[order_id]["failed"] = failed
    for row in conn.execute(INVITATIONS_IN_DOUBT, INVITATIONS_IN_DOUBT_PARAMETERS):
        marks[row["order_id"]]["invitation_in_doubt"] = True
    for row in conn.execute("SELECT order_id, state FROM uploads"):
        if row["state"] in _UPLOADING:
            marks[row["order_id"]]["uploading"] = True
    states = {order_id: StateSummary(**parts) for order_id, parts in marks.items()}  # type: ignore[arg-type]
    return InboxRows(path, orders, states)


def latest_steps(steps: Iterable[sqlite3.Row]) -> dict[str, dict[StepKind, sqlite3.Row]]:
    """Each order's steps by kind, the latest attempt of each, for every order with a step of
    a kind this version knows (``steps``: journal rows with at least order_id, action and
    state, in the order they were written). A failed accept that a Retry then finished is
    not failed any more."""
    latest: dict[str, dict[StepKind, sqlite3.Row]] = defaultdict(dict)
    for row in steps:
        try:
            action = StepKind(row["action"])
        except ValueError:
            continue  # a step kind a newer version wrote: not this version's to show
        latest[row["order_id"]][action] = row
    return latest


def latest_step_states(steps: Iterable[sqlite3.Row]) -> dict[str, dict[StepKind, str]]:
    """``latest_steps``, each attempt by its state only."""
    return {
        order_id: {kind: row["state"] for kind, row in rows.items()}
        for order_id, rows in latest_steps(steps).items()
    }


def in_state(states: dict[StepKind, str], state: StepState) -> frozenset[StepKind]:
    """The kinds of ``latest_step_states`` of one order whose latest attempt is in ``state``."""
    return frozenset(a for a, s in states.items() if s == state)


def pending_and_failed(
    steps: Iterable[sqlite3.Row],
) -> dict[str, tuple[frozenset[StepKind], frozenset[StepKind]]]:
    """Each order's steps whose latest attempt is pending, and those whose latest failed
    (``latest_step_states``)."""
    return {
        order_id: (in_state(states, StepState.PENDING), in_state(states, StepState.FAILED))
        for order_id, states in latest_step_states(steps).items()
    }
