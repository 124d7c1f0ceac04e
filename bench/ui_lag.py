"""A UI that never stalls: how late a 5 ms heartbeat on the GUI thread comes while the window
syncs a large inbox, uploads reports and runs its batch, with and without ``gc.freeze``.

    python bench/ui_lag.py [--inbox 5000] [--batch 200] [--uploads 5] [--upload-mb 200]
                           [--cancel-after 20] [--tab inbox|candidates]

The real main window, session host and order board on the qasync loop, talking to a sandbox
process (SR's 10 requests/s, Berke's burst ``--berke-burst`` per ``--berke-window-ms``). In
order: idle (the baseline), the first full sync of ``--inbox`` orders, the same sync again
(nothing changed), ``--uploads`` reports of ``--upload-mb`` MiB each (on orders completed
first), the window's create-accept-invite batch of ``--batch`` new orders (its plan run
as a coordinator runs it: a click on Run once the plan is shown), and a second such batch
cancelled once ``--cancel-after`` outcomes are listed (0: none). Then the Candidates tab
shown again after a poll brought an order (it grouped every order on the GUI thread), and,
on a desk that has worked its inbox (every order not new linked to its Berke assessment),
Ctrl+A over the orders under "New" and a poll while they stay selected (each took seconds:
every order's rules looked through every order's state). For each: the heartbeat's
lateness p50 / p99 / max and the full garbage collections that ran (count and longest).
``--tab candidates`` keeps the Candidates tab shown throughout (each change of an order
regrouped every order while it was shown), but for those last two.

Everything runs twice, each in a fresh process: as the app runs (long-lived objects frozen after
start-up and after each page of orders a sync brought, ``app.workflows.heap``) and without freezing,
to show what it is for. Targets: p99 ≤ 16 ms, max ≤ 50 ms; the last line divides each figure
(frozen) by its target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import (
    Collections,
    Heartbeat,
    Sandbox,
    child_env,
    load,
    ratios,
    sandbox_process,
    write_report,
)
from bench.windowed import (
    COORDINATOR_CLICK_MS,
    answer_forms,
    close_window,
    open_window,
    run_qt,
)

if TYPE_CHECKING:
    from app.domain.smartrecruiters import AssessmentOrder
    from app.ui.main_window import MainWindow
    from app.ui.session_host import SessionHost
    from app.workflows.board import OrderBoard
    from app.workflows.desk import Desk

P99_TARGET_MS = 16.0
MAX_TARGET_MS = 50.0


async def watch(name: str, results: dict[str, Any], work: Any, sandbox: Sandbox) -> Any:
    """Run ``work`` (an awaitable) with the heartbeat, the collections and the calls to each
    service watched."""
    calls = sandbox.sr_calls.requests, sandbox.berke_calls.requests
    heartbeat = Heartbeat()
    with Collections() as collections:
        heartbeat.start()
        began = time.perf_counter()
        value = await work
        seconds = time.perf_counter() - began
        await heartbeat.stop()
    full = collections.durations[2]
    results[name] = {
        "seconds": seconds,
        "summary": heartbeat.summary(),
        "p99": heartbeat.p99_ms(),
        "max": heartbeat.max_ms(),
        "busy_p99": heartbeat.busy_p99_ms(),
        "busy_max": heartbeat.busy_max_ms(),
        "full_gcs": len(full),
        "longest_gc_ms": max(full, default=0.0) * 1000,
        "sr_calls": sandbox.sr_calls.requests - calls[0],
        "berke_calls": sandbox.berke_calls.requests - calls[1],
    }
    return value


async def settled(action: Callable[[], object], seconds: float) -> None:
    """``action`` (a click, say), then ``seconds`` for what it leaves to later turns. Not at
    once: the heartbeat's first beat starts at the loop's next turn, and a click that held the
    loop before it would never be seen late."""
    await asyncio.sleep(0.05)
    action()
    await asyncio.sleep(seconds)


def link_orders_worked(desk: Desk, orders: list[AssessmentOrder]) -> None:
    """Each of ``orders`` without one given a Berke assessment linked here, invited, as a
    desk that has worked its inbox has them (written as a step's outcome writes a link)."""
    now = datetime.now(UTC).isoformat()
    with desk.db.transaction() as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO assessments (order_id, source_candidate_id, invitation_code,"
            " assessment_url, created_at, invited_email, invited_at) VALUES (?,?,?,?,?,?,?)",
            [
                (o.id, f"bench-{o.id}", f"B{i:06d}", f"https://berke.test/a/{i}", now,
                 "bench@example.com", now)
                for i, o in enumerate(orders)
            ],
        )  # fmt: skip


async def selection_and_tabs(
    window: MainWindow, host: SessionHost, results: dict[str, Any], sandbox: Sandbox
) -> None:
    """The Candidates tab shown again after a poll; Ctrl+A over a worked desk's new orders,
    and a poll while they stay selected."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from app.domain.smartrecruiters import OrderStatus
    from app.workflows import heap

    board, desk, room = host.board, host.desk, window.orders
    assert board is not None
    assert desk is not None
    arrivals = iter(range(1_000_000))

    async def poll_brings_an_order() -> None:
        body = {"candidate": {"id": f"poll-{next(arrivals)}", "firstName": "Poll",
                              "lastName": "Arrival"}, "job": {"name": "Nurse"}}  # fmt: skip
        await desk.session.sr.create_test_order(body)
        await board.sync(poll=True)

    def show_candidates() -> None:
        room.tabs.setCurrentWidget(room.candidates)

    show_candidates()  # grouped once, if never shown before
    room.tabs.setCurrentWidget(room.stack)
    await poll_brings_an_order()
    await asyncio.sleep(0.5)
    # 1 s after: its groups made again off the GUI thread meanwhile.
    shown = settled(show_candidates, 1.0)
    await watch("Candidates tab after a poll", results, shown, sandbox)
    room.tabs.setCurrentWidget(room.stack)

    link_orders_worked(desk, [o for o in board.orders() if o.status is not OrderStatus.NEW])
    await board.load()
    heap.settle_heap()  # as after a sync
    room.status_filter.setCurrentIndex(room.status_filter.findText("New"))
    new = room.proxy.order_ids()
    room.select_order(new[0])
    room.table.setFocus()
    await asyncio.sleep(0.5)

    def select_all() -> None:
        QTest.keyClick(room.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)

    await watch(f"select all of {len(new)} new", results, settled(select_all, 0.5), sandbox)

    async def poll_then_summary() -> None:
        await poll_brings_an_order()
        await asyncio.sleep(1.0)  # the pane's summary follows the poll's changes

    await watch(f"poll with selection of {len(new)}", results, poll_then_summary(), sandbox)


def report_files(folder: Path, count: int, megabytes: int) -> list[Path]:
    """PDFs of ``megabytes`` MiB, every byte written (``write_report``)."""
    return [write_report(folder / f"report-{i}.pdf", megabytes) for i in range(count)]


async def measure(sandbox: Sandbox, args: argparse.Namespace) -> dict[str, Any]:
    from app.domain.connection import SANDBOX_PROFILE, AppSettings, ConnectionProfile, ProfileKind
    from app.domain.smartrecruiters import AssessmentResult, OrderStatus, ResultType
    from app.workflows import heap

    heap.enabled = args.freeze
    profile = ConnectionProfile(
        name=SANDBOX_PROFILE, kind=ProfileKind.SANDBOX, max_upload_mb=args.upload_mb
    )
    settings = AppSettings(profiles=[profile], active=SANDBOX_PROFILE)
    results: dict[str, Any] = {}
    window, host = await open_window(
        sandbox,
        berke_burst=args.berke_burst,
        berke_window_ms=args.berke_window_ms,
        settings=settings,
    )
    heap.settle_heap()  # as the app does once started
    if args.tab == "candidates":
        window.orders.tabs.setCurrentWidget(window.orders.candidates)
    try:
        board = host.board
        assert board is not None
        await watch("idle", results, asyncio.sleep(args.idle_seconds), sandbox)
        ok = await watch("sync", results, window.sync(), sandbox)
        assert ok
        ok = await watch("unchanged sync", results, window.sync(), sandbox)
        assert ok

        in_progress = [o.id for o in board.orders() if o.status is OrderStatus.IN_PROGRESS]
        targets = in_progress[: args.uploads]
        result = AssessmentResult(result_type=ResultType.DOCUMENT, result="report.pdf")
        for order_id in targets:
            await board.complete(order_id, result)
        with tempfile.TemporaryDirectory() as folder:
            files = report_files(Path(folder), len(targets), args.upload_mb)

            async def upload_all() -> None:
                for order_id, path in zip(targets, files, strict=True):
                    queued, refused = await board.attach_files(order_id, [path])
                    assert queued, refused
                    assert not refused, refused
                while board.uploading():  # noqa: ASYNC110 - the board has no "all uploaded" event
                    await asyncio.sleep(0.05)

            name = f"{len(targets)} uploads of {args.upload_mb} MiB"
            await watch(name, results, upload_all(), sandbox)

        await batches(window, board, args, results, sandbox)
        await selection_and_tabs(window, host, results, sandbox)
    finally:
        await close_window(window, host)
    return results


async def batches(
    window: MainWindow,
    board: OrderBoard,
    args: argparse.Namespace,
    results: dict[str, Any],
    sandbox: Sandbox,
) -> None:
    """The window's batch, then a second one cancelled (``--cancel-after``)."""
    from app.domain.smartrecruiters import OrderStatus

    new = [o.id for o in board.orders() if o.status is OrderStatus.NEW][: args.batch]
    if not new:  # --batch 0: nothing to plan (the plan dialog would wait for a choice)
        return
    window.orders.reselect(new)
    answer_forms(window, click_after_ms=COORDINATOR_CLICK_MS)  # the plan read, then Run
    await watch(
        f"window batch of {len(new)}",
        results,
        window.orders.controller.create_accept_invite(new),
        sandbox,
    )
    new = [o.id for o in board.orders() if o.status is OrderStatus.NEW][: args.batch]
    if args.cancel_after <= 0 or len(new) <= args.cancel_after:
        return
    # Cancel reports every order not begun at once, in one turn of the loop.
    window.orders.reselect(new)
    answer_forms(window, click_after_ms=COORDINATOR_CLICK_MS, cancel_after=args.cancel_after)
    await watch(
        f"cancelled batch of {len(new)}",
        results,
        window.orders.controller.create_accept_invite(new),
        sandbox,
    )


def child(args: argparse.Namespace) -> int:
    with sandbox_process(
        "--orders", str(args.inbox),
        "--berke-burst", str(args.berke_burst),
        "--berke-window-ms", str(args.berke_window_ms),
    ) as sandbox:  # fmt: skip
        results = run_qt(lambda: measure(sandbox, args))
    print(json.dumps(results))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--inbox", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--uploads", type=int, default=5)
    parser.add_argument("--upload-mb", type=int, default=200)
    parser.add_argument("--berke-burst", type=int, default=120)
    parser.add_argument("--berke-window-ms", type=int, default=10_000)
    parser.add_argument("--cancel-after", type=int, default=20)
    parser.add_argument("--idle-seconds", type=float, default=2.0)
    parser.add_argument("--tab", choices=("inbox", "candidates"), default="inbox")
    parser.add_argument("--freeze", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    runs: dict[str, dict[str, Any]] = {}
    before = load()
    for freeze in (1, 0):
        out = subprocess.run(
            [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:]),
             "--child", "--freeze", str(freeze)],
            env=child_env(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
        runs["frozen" if freeze else "not frozen"] = json.loads(out.strip().splitlines()[-1])
    print(f"machine: {before} (before), {load()} (after)")
    print(f"targets: heartbeat p99 ≤ {P99_TARGET_MS:g} ms, max ≤ {MAX_TARGET_MS:g} ms")
    for label, results in runs.items():
        print(f"{label} (gc.freeze after start-up and after each page of orders a sync brought: "
              f"{'yes' if label == 'frozen' else 'no'}):")  # fmt: skip
        for name, got in results.items():
            print(
                f"  {name:28} {got['seconds']:7.2f} s  heartbeat {got['summary']}; "
                f"{got['full_gcs']} full collections (longest {got['longest_gc_ms']:.0f} ms); "
                f"calls: SR {got['sr_calls']}, Berke {got['berke_calls']}"
            )
    idle = runs["frozen"]["idle"]
    print(f"baseline: idle heartbeat {idle['summary']}")
    figures: dict[str, tuple[float, float]] = {}
    for name, got in runs["frozen"].items():
        if name == "idle":
            continue
        short = name.split(" of ")[0].replace(" ", "-")
        figures[f"{short}-p99"] = (got["p99"], P99_TARGET_MS)
        figures[f"{short}-max"] = (got["max"], MAX_TARGET_MS)
    print(ratios(figures) + " (of the targets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
