"""The process ``test_kill_cancels_authors_and_migration`` SIGKILLs at a chosen point.

    python tests/faults/cancel_and_author_child.py SCENARIO --db FILE [--sr-url U --berke-url U]
        [--orders ID ...] [--kill KIND:N] [--author NAME] [--file PATH] [--steps ID ...]

Kill points, deterministic (the process kills itself, SIGKILL):
  commit:N     right after the Nth Database.transaction() committed
  precommit:N  inside the Nth transaction, just before its COMMIT (rolled back by the kill)
  sent:N       right after the answer to the Nth changing (non-GET) request came back, before
               the desk sees it: the request left and was carried out, its answer is lost
  sql:N        as the Nth SQL statement on the connection begins (sqlite3 trace callback)
  vm:N         at the Nth SQLite progress-handler tick (mid-statement, every 200 VM ops)
Prints one JSON line "RESULT {...}" when it ends normally.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, run as a script

import httpx

from app.store import database


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def install_kill(spec: str | None) -> None:
    if not spec:
        return
    kind, _, number = spec.partition(":")
    n = int(number)
    count = [0]

    def tick() -> bool:
        count[0] += 1
        return count[0] == n

    if kind in ("commit", "precommit"):
        original = database.Database.transaction

        @contextlib.contextmanager
        def transaction(self):  # type: ignore[no-untyped-def]
            with original(self) as conn:  # the desk's own transaction, around the kill
                yield conn
                if kind == "precommit" and tick():
                    die()  # its work done, its COMMIT not yet
            if kind == "commit" and tick():
                die()

        database.Database.transaction = transaction  # type: ignore[method-assign]
    elif kind == "sent":
        original_send = httpx.AsyncHTTPTransport.handle_async_request

        async def handle(self, request):  # type: ignore[no-untyped-def]
            response = await original_send(self, request)
            if request.method != "GET" and tick():
                die()
            return response

        httpx.AsyncHTTPTransport.handle_async_request = handle  # type: ignore[method-assign]
    elif kind in ("sql", "vm"):
        original_connect = sqlite3.connect

        def connect(*args, **kwargs):  # type: ignore[no-untyped-def]
            conn = original_connect(*args, **kwargs)
            if kind == "sql":
                conn.set_trace_callback(lambda _s: die() if tick() else None)
            else:
                conn.set_progress_handler(lambda: die() if tick() else 0, 200)
            return conn

        database.sqlite3.connect = connect
    else:
        raise SystemExit(f"unknown kill {spec}")


def result(**data: object) -> None:
    print("RESULT " + json.dumps(data), flush=True)


# -- scenarios ---------------------------------------------------------------------------------


def make_desk(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from app.clients.berke import BerkeClient
    from app.clients.http import RetryPolicy
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.smartrecruiters import ContactPerson
    from app.store.database import Database
    from app.workflows.desk import Desk
    from app.workflows.session import Session

    retry = RetryPolicy(read_retries=3, read_backoff_seconds=0.05)
    session = Session(
        sr=SmartRecruitersClient(args.sr_url, os.environ["AD_SR_KEY"], retry=retry),
        berke=BerkeClient(args.berke_url, os.environ["AD_BERKE_TOKEN"], retry=retry),
        demo=False,
    )
    desk = Desk(session, Database(Path(args.db)))
    if args.author:
        desk.author = ContactPerson(first_name=args.author, last_name="Coordinator")
    return desk


async def settle(desk) -> None:  # type: ignore[no-untyped-def]
    from app.workflows.outbox import resume_pending

    for _ in range(50):
        report = await resume_pending(desk)
        if not desk.journal.pending() and not desk.results.unfinished():
            return
        if report.failed and not report.waiting:
            return
    raise SystemExit("never settled")


async def cancel_setup(args: argparse.Namespace) -> None:
    """Each order: its Berke assessment made and linked, and an accept journaled, never sent."""
    from app.domain.journal import AcceptStep, authored
    from app.domain.smartrecruiters import AcceptRequest
    from tests.faults.flow_runner import advance

    desk = make_desk(args)
    steps = []
    try:
        for order_id in args.orders:
            await advance(desk, order_id, [])  # create the assessment (the order stays new)
            link = desk.journal.assessment_for(order_id)
            assert link is not None
            step = AcceptStep(request=AcceptRequest(assessment_url=link.assessment_url))
            steps.append(desk.journal.begin(order_id, authored(step, desk.author)))
    finally:
        await desk.session.aclose()
        desk.db.close()
    result(steps=steps)


async def cancel_run(args: argparse.Namespace) -> None:
    """The resumer sends the waiting accepts while the coordinator cancels some of them (the
    ones in --steps), both at once; then, unless killed, everything settles."""
    from app.workflows.outbox import resume_pending
    from app.workflows.refusals import ActionNotAllowedError
    from app.workflows.waiting_steps import cancel_waiting_step

    desk = make_desk(args)
    to_cancel = [int(s) for s in args.steps]
    said: dict[int, str] = {}

    async def cancels() -> None:
        for step_id in to_cancel:
            entry = desk.journal.get(step_id)
            assert entry is not None
            try:
                await cancel_waiting_step(desk, entry.order_id, step_id)
                said[step_id] = "cancelled"
            except ActionNotAllowedError as exc:
                said[step_id] = f"refused: {exc}"
            await asyncio.sleep(0)

    try:
        await asyncio.gather(resume_pending(desk), cancels())
        await settle(desk)
        states = {}
        with desk.db.reading() as conn:
            for row in conn.execute("SELECT id, state, may_have_gone FROM journal"):
                states[row["id"]] = [row["state"], row["may_have_gone"]]
    finally:
        await desk.session.aclose()
        desk.db.close()
    result(states=states, said=said)


async def author_run(args: argparse.Namespace) -> None:
    """A comment on each order under this life's author; orders that already have their
    comment step (an earlier life's) are only resumed."""
    from app.domain.journal_terms import StepKind
    from app.workflows.order_actions import add_comment

    desk = make_desk(args)
    journaled_by: dict[str, str] = {}
    try:
        await settle(desk)
        for order_id in args.orders:
            if any(e.action is StepKind.COMMENT for e in desk.journal.entries(order_id)):
                continue
            order = await desk.session.sr.get_order(order_id)
            desk.orders.put(order)
            await add_comment(desk, order, f"Note for {order_id}")
        await settle(desk)
        for order_id in args.orders:
            [entry] = [e for e in desk.journal.entries(order_id) if e.action is StepKind.COMMENT]
            author = entry.step.author
            journaled_by[order_id] = author.person.first_name if author and author.person else ""
            assert entry.state.value == "done", entry
    finally:
        await desk.session.aclose()
        desk.db.close()
    result(journaled_by=journaled_by)


def _states():  # type: ignore[no-untyped-def]
    from app.domain.journal_terms import StepState

    return [StepState.PENDING, StepState.DONE, StepState.FAILED]


async def upload_setup(args: argparse.Namespace) -> None:
    """Each order driven to COMPLETED with its result (no file)."""
    from tests.faults.flow_runner import advance

    desk = make_desk(args)
    try:
        for order_id in args.orders:
            for _ in range(20):
                if await advance(desk, order_id, []):
                    break
            else:
                raise SystemExit(f"{order_id} never completed")
    finally:
        await desk.session.aclose()
        desk.db.close()
    result(ok=True)


async def upload_run(args: argparse.Namespace) -> None:
    """Queue the non-UTF-8 file on each order (unless an earlier life did) and send it;
    resume whatever an earlier life left."""
    from app.workflows.results import queue_files, run_upload

    desk = make_desk(args)
    path = Path(os.fsdecode(os.fsencode(args.file)))
    try:
        await settle(desk)
        for order_id in args.orders:
            if desk.results.for_order(order_id):
                continue
            order = await desk.session.sr.get_order(order_id)
            desk.orders.put(order)
            queued, refused = await queue_files(desk, order, [path])
            assert queued, refused
            assert not refused, refused
            for upload in queued:
                await run_upload(desk, upload)
        await settle(desk)
        uploads = {
            o: [[u.state.value, u.path == str(path)] for u in desk.results.for_order(o)]
            for o in args.orders
        }
    finally:
        await desk.session.aclose()
        desk.db.close()
    result(uploads=uploads)


def migrate_seed(args: argparse.Namespace) -> None:
    """A schema-19 file with a journal of many rows in every state, ids with gaps."""
    database.SCHEMA_VERSION = 19
    db = database.Database(Path(args.db))
    with db.transaction() as conn:
        for i in range(1, 4001):
            state = ("pending", "done", "failed")[i % 3]
            conn.execute(
                "INSERT INTO journal (id, order_id, action, state, request, outcome, message,"
                " created_at, updated_at, asked_at, may_have_gone)"
                " VALUES (?, ?, 'comment', ?, ?, ?, ?, ?, ?, ?, ?)",
                (i * 2, f"order-{i % 97}", state,
                 json.dumps({"kind": "comment", "message": f"m{i} " + "x" * 300}),
                 None if state != "done" else json.dumps({"kind": "comment_added",
                                                         "message": f"m{i}"}),
                 "why" if state == "failed" else None,
                 "2026-12-01T10:00:00.000+00:00", "2026-12-01T10:00:00.000+00:00",
                 None if i % 5 else "2026-12-02T10:00:00.000+00:00", i % 2),
            )  # fmt: skip
    db.close()
    result(ok=True)


def migrate_open(args: argparse.Namespace) -> None:
    db = database.Database(Path(args.db))
    with db.reading() as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    result(version=version)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("--db", required=True)
    parser.add_argument("--sr-url")
    parser.add_argument("--berke-url")
    parser.add_argument("--orders", nargs="*", default=[])
    parser.add_argument("--steps", nargs="*", default=[])
    parser.add_argument("--kill")
    parser.add_argument("--author")
    parser.add_argument("--file")
    args = parser.parse_args()
    install_kill(args.kill)
    scenarios = {
        "cancel-setup": cancel_setup,
        "cancel": cancel_run,
        "author": author_run,
        "upload-setup": upload_setup,
        "upload": upload_run,
    }
    if args.scenario == "migrate-seed":
        migrate_seed(args)
    elif args.scenario == "migrate":
        migrate_open(args)
    else:
        asyncio.run(scenarios[args.scenario](args))


if __name__ == "__main__":
    main()
