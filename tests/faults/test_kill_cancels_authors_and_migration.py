"""SIGKILL at chosen moments of a waiting step's cancel, the journal's migration to schema 20,
a step's recorded author and a file not named in UTF-8, then a restart on the same data file:
nothing lost, nothing doubled. The child (kill_child.py) kills itself at a deterministic point
(the Nth SQLite commit, just before it, the Nth SQL statement or VM tick of the migration, or
right after a changing request came back with its answer unseen).

Covers: cancelling waiting steps while the resumer sends them (Journal.cancel); migration 20
killed at every statement and mid-copy; a comment step's recorded author across a restart
(AuthoredStep); a queued upload whose path is not UTF-8 (stored as bytes) sent exactly once.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.store.database import SCHEMA_VERSION
from tests.faults.test_kill_and_resume import get_json, make_orders

pytestmark = pytest.mark.slow  # seconds each: first on a worker

CHILD = str(Path(__file__).with_name("cancel_and_author_child.py"))
ROOT = Path(__file__).resolve().parents[2]


def points(every: list[str], few: list[str]) -> list[str]:
    """The kill points run: a few in the suite (each costs a child process or two), every one
    with ``ASSESSMENT_DESK_ALL_KILL_POINTS=1`` (43 cases, ~65 s)."""
    return every if os.environ.get("ASSESSMENT_DESK_ALL_KILL_POINTS") == "1" else few


ENV = {**os.environ, "AD_SR_KEY": DEMO_SR_KEY, "AD_BERKE_TOKEN": DEMO_BERKE_TOKEN}


def child(*args: str, killed: bool | None = None) -> dict[str, Any] | None:
    """Run the child; ``killed``: True must die by SIGKILL, False must end normally, None
    either (a kill point past the end of the work). Its RESULT when it ended normally."""
    done = subprocess.run(
        [sys.executable, CHILD, *args], env=ENV, capture_output=True, text=True, timeout=60,
        check=False, cwd=ROOT,
    )  # fmt: skip
    if done.returncode == -signal.SIGKILL:
        assert killed is not False, done.stdout + done.stderr
        return None
    assert killed is not True, f"not killed: {done.returncode}\n{done.stdout}{done.stderr}"
    assert done.returncode == 0, done.stdout + done.stderr
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT ") :])


def sandbox() -> SandboxServer:
    config = SandboxConfig(
        orders=2, sr_rate_per_second=0, berke_burst=100_000, status_counts_invitations=True
    )
    return SandboxServer(config, port=0)


def urls(server: SandboxServer) -> list[str]:
    return ["--sr-url", server.sr_base_url, "--berke-url", server.berke_base_url]


# -- migration 20 --------------------------------------------------------------------------------


def _rows(path: Path) -> tuple[int, list[tuple[Any, ...]], int]:
    with sqlite3.connect(path) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        rows = conn.execute(
            "SELECT id, order_id, action, state, request, outcome, message, created_at,"
            " updated_at, asked_at, may_have_gone FROM journal ORDER BY id"
        ).fetchall()
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'journal'").fetchone()
    conn.close()
    return version, rows, seq[0] if seq else 0


def _rows_in_copy(db: Path) -> list[tuple[Any, ...]]:
    """The journal as the file and its WAL hold it, read from a copy (reading the file itself
    would recover its WAL, and the crash would no longer be there to open)."""
    copy = db.parent.parent / "copy"
    copy.mkdir()
    for p in db.parent.iterdir():
        shutil.copy(p, copy / p.name)
    version, rows, _ = _rows(copy / db.name)
    assert version == 19
    return rows


@pytest.mark.parametrize(
    "kill",
    points(
        [f"sql:{n}" for n in range(4, 16)] + [f"vm:{n}" for n in (1, 50, 400, 800, 1500)],
        ["sql:6", "sql:9", "sql:12", "vm:400"],
    ),
)
def test_migration_20_killed_anywhere_keeps_every_row(tmp_path: Path, kill: str) -> None:
    _migration_killed(tmp_path, kill, seed_killed=False)


@pytest.mark.parametrize("kill", points(["sql:7", "sql:10", "sql:14", "vm:400"], ["sql:10"]))
def test_migration_20_killed_over_a_crashed_older_desks_wal(tmp_path: Path, kill: str) -> None:
    """The schema-19 desk itself was killed after its last commit (its rows only in the WAL,
    never checkpointed); the new version's first start is killed mid-migration."""
    _migration_killed(tmp_path, kill, seed_killed=True)


def _migration_killed(tmp_path: Path, kill: str, *, seed_killed: bool) -> None:
    db = tmp_path / "run" / "desk.sqlite3"
    db.parent.mkdir()
    if seed_killed:  # commit 1 is the schema, 2 the rows
        child("migrate-seed", "--db", str(db), "--kill", "commit:2", killed=True)
        assert db.with_name("desk.sqlite3-wal").stat().st_size > 0
        before = _rows_in_copy(db)
        seq_before = before[-1][0]
    else:
        seed = tmp_path / "seed" / "desk.sqlite3"
        seed.parent.mkdir()
        child("migrate-seed", "--db", str(seed), killed=False)
        version, before, seq_before = _rows(seed)
        assert version == 19
        shutil.copy(seed, db)
    assert len(before) == 4000
    child("migrate", "--db", str(db), "--kill", kill, killed=True)  # every statement, mid-copy
    version, after, _ = _rows(db)  # as a crash left it, before anything opens it
    assert version in (19, SCHEMA_VERSION)  # the upgrade is one transaction, past 20 too
    assert after == before
    # The next start opens it, brought up to date with every row, and new ids follow the old.
    assert child("migrate", "--db", str(db), killed=False) == {"version": SCHEMA_VERSION}
    version, after, seq = _rows(db)
    assert (version, after) == (SCHEMA_VERSION, before)
    assert seq >= seq_before
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
            " VALUES ('o', 'comment', 'cancelled', '{}', 'x', 'x')"
        )
        new_id = conn.execute("SELECT max(id) FROM journal").fetchone()[0]
    conn.close()
    assert new_id > before[-1][0]


# -- cancel while the resumer sends ---------------------------------------------------------------


@pytest.mark.parametrize(
    "kill",
    points(
        ["commit:1", "commit:2", "commit:3", "commit:5", "precommit:2", "precommit:4",
         "sent:1", "sent:2", "sent:3"],
        ["commit:2", "precommit:2", "sent:1"],
    ),
)  # fmt: skip
def test_cancel_racing_the_resumer_then_killed_sends_nothing_cancelled(
    tmp_path: Path, kill: str
) -> None:
    with sandbox() as server:
        orders = make_orders(server, with_email=True)[:4]
        db = tmp_path / "desk.sqlite3"
        made = child("cancel-setup", "--db", str(db), *urls(server), "--orders", *orders,
                     killed=False)  # fmt: skip
        assert made is not None
        steps = made["steps"]
        cancel = [str(s) for s in steps[1::2]]  # every other one, the resumer sends in order
        child("cancel", "--db", str(db), *urls(server), "--steps", *cancel, "--kill", kill)
        # The restart: the resumer only (no more cancels).
        end = child("cancel", "--db", str(db), *urls(server), killed=False)
        assert end is not None
        with httpx.Client(headers={"X-SmartToken": DEMO_SR_KEY}) as client:
            for order_id, step_id in zip(orders, steps, strict=True):
                state, _gone = end["states"][str(step_id)]
                status = get_json(client, f"{server.sr_base_url}/assessments/{order_id}")["status"]
                assert state in ("done", "cancelled"), (step_id, state)
                if state == "cancelled":
                    assert status == "NEW", f"step {step_id} cancelled, but the order was accepted"
                else:
                    assert status == "IN_PROGRESS"


# -- a step's author across a restart ------------------------------------------------------------


@pytest.mark.parametrize(
    "kill",
    points(
        ["commit:1", "commit:2", "commit:4", "precommit:3", "sent:1", "sent:2"],
        ["commit:2", "sent:1"],
    ),
)
def test_comment_killed_then_resumed_goes_as_its_first_author(tmp_path: Path, kill: str) -> None:
    with sandbox() as server:
        orders = make_orders(server, with_email=True)[:3]
        db = tmp_path / "desk.sqlite3"
        child("author", "--db", str(db), *urls(server), "--orders", *orders, "--author", "Ayla",
              "--kill", kill)  # fmt: skip
        end = child("author", "--db", str(db), *urls(server), "--orders", *orders,
                    "--author", "Berk", killed=False)  # fmt: skip
        assert end is not None
        with httpx.Client(headers={"X-SmartToken": DEMO_SR_KEY}) as client:
            for order_id in orders:
                comments = get_json(
                    client, f"{server.sr_base_url}/assessments/{order_id}/comments"
                )["content"]
                mine = [c for c in comments if c["message"] == f"Note for {order_id}"]
                assert len(mine) == 1, f"{order_id}: {len(mine)} comments"
                journaled = end["journaled_by"][order_id]
                assert mine[0]["author"]["firstName"] == journaled, (mine[0], journaled)


# -- a file named by bytes that are not UTF-8 ----------------------------------------------------


@pytest.mark.parametrize(
    "kill",
    points(
        ["commit:1", "commit:2", "commit:3", "commit:4", "commit:6", "precommit:2", "sent:1"],
        ["commit:2", "precommit:2", "sent:1"],
    ),
)
def test_non_utf8_file_killed_anywhere_is_attached_once(tmp_path: Path, kill: str) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/Rapor_I\x9f\x8dk.pdf"
    with open(raw, "wb") as f:
        f.write(b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n")
    name = os.fsdecode(raw)
    with sandbox() as server:
        orders = make_orders(server, with_email=True)[:2]
        db = tmp_path / "desk.sqlite3"
        child("upload-setup", "--db", str(db), *urls(server), "--orders", *orders, killed=False)
        child("upload", "--db", str(db), *urls(server), "--orders", *orders, "--file", name,
              "--kill", kill)  # fmt: skip
        end = child("upload", "--db", str(db), *urls(server), "--orders", *orders,
                    "--file", name, killed=False)  # fmt: skip
        assert end is not None
        with httpx.Client(headers={"X-SmartToken": DEMO_SR_KEY}) as client:
            for order_id in orders:
                assert end["uploads"][order_id] == [["done", True]], end["uploads"]
                results = get_json(client, f"{server.sr_base_url}/assessments/{order_id}/results")
                [result] = results["content"]
                attached = get_json(
                    client,
                    f"{server.sr_base_url}/assessments/{order_id}/results/{result['id']}/attachments",
                )["content"]
                assert len(attached) == 1, attached
