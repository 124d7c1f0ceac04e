"""Create → accept → invite for a batch of orders: the workflow alone, and from the window over a
large inbox, each beside the ceiling the two services set.

    python bench/bulk.py [--orders 200] [--inbox 5000] [--berke-burst 120] [--berke-window-ms 10000]

Each batch runs against a sandbox process of its own (fresh limits) that enforces Berke's burst
limit (``--berke-burst`` calls per ``--berke-window-ms``) and SmartRecruiters' 10 requests/s;
the clients pace themselves to the same figures. The batch makes, per order, a Berke create, an
SR accept and (for a candidate with an email) a Berke invitation, plus one Berke job listing.

The theoretical minimum is the later of the two ceilings: the last Berke call cannot start
before floor((calls − 1) / burst) windows have passed, the last SR call before (accepts − 1) / 10
seconds. The workflow batch is the order board's, without Qt; the window batch is the Orders
room's action over the window's inbox of ``--inbox`` orders (synced first), with the window's
heartbeat (how late a 5 ms beat on the GUI thread came) during it.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import Heartbeat, Sandbox, load, ratios, sandbox_process
from bench.windowed import answer_forms, close_window, open_window, run_qt

SR_RATE = 10.0


@dataclass
class Batch:
    seconds: float
    orders: int
    invites: int
    failed: int
    heartbeat: str = ""
    berke_calls: int = -1  # every Berke call while the batch ran (the window's own too)
    sr_calls: int = -1

    def theory(self, burst: int, window_s: float, *, made: bool = False) -> float:
        """The later ceiling for the batch's own calls (the job listing, creates, invitations),
        or (``made``) for the Berke calls that were made while it ran."""
        berke_calls = self.berke_calls if made else 1 + self.orders + self.invites
        berke = (berke_calls - 1) // burst * window_s
        sr = (self.orders - 1) / SR_RATE
        return max(berke, sr)


def sandbox_args(orders: int, burst: int, window_ms: int) -> list[str]:
    return ["--orders", str(orders), "--berke-burst", str(burst), "--berke-window-ms",
            str(window_ms)]  # fmt: skip


async def workflow_batch(sandbox: Sandbox, size: int, burst: int, window_ms: int) -> Batch:
    """The order board's batch without a window: sync, then the first ``size`` NEW orders."""
    from app.clients.berke import BerkeClient, berke_pacer
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.smartrecruiters import OrderStatus
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
    from app.store.database import Database
    from app.workflows.batch import OutcomeKind
    from app.workflows.board import OrderBoard
    from app.workflows.desk import Desk
    from app.workflows.session import Session

    session = Session(
        sr=SmartRecruitersClient(sandbox.sr_url, DEMO_SR_KEY, transport=sandbox.sr_calls),
        berke=BerkeClient(
            sandbox.berke_url,
            DEMO_BERKE_TOKEN,
            pacer=berke_pacer(burst, window_ms),
            transport=sandbox.berke_calls,
        ),
        demo=True,
    )
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(session, Database(Path(folder) / "bulk.sqlite3"))
        board = OrderBoard(desk)
        try:
            assert (await board.sync()).ok
            chosen = [o for o in board.orders() if o.status is OrderStatus.NEW][:size]
            calls = sandbox.sr_calls.requests, sandbox.berke_calls.requests
            began = time.perf_counter()
            outcomes = await board.create_accept_invite([o.id for o in chosen])
            seconds = time.perf_counter() - began
            sr_calls = sandbox.sr_calls.requests - calls[0]
            berke_calls = sandbox.berke_calls.requests - calls[1]
        finally:
            await board.stop()
            await session.aclose()
            desk.db.close()
    invites = sum(1 for o in chosen if o.candidate.email)
    failed = sum(1 for o in outcomes if o.kind is not OutcomeKind.DONE)
    return Batch(seconds, len(chosen), invites, failed, "", berke_calls, sr_calls)


async def window_batch(sandbox: Sandbox, size: int, burst: int, window_ms: int) -> Batch:
    """The Orders room's create-accept-invite over the window's whole inbox."""
    from app.domain.smartrecruiters import OrderStatus

    window, host = await open_window(sandbox, berke_burst=burst, berke_window_ms=window_ms)
    try:
        assert await window.sync()
        board = host.board
        assert board is not None
        chosen = [o for o in board.orders() if o.status is OrderStatus.NEW][:size]
        ids = [o.id for o in chosen]
        window.orders.reselect(ids)
        answer_forms(window)
        heartbeat = Heartbeat()
        heartbeat.start()
        calls = sandbox.sr_calls.requests, sandbox.berke_calls.requests
        began = time.perf_counter()
        await window.orders.controller.create_accept_invite(ids)
        seconds = time.perf_counter() - began
        sr_calls = sandbox.sr_calls.requests - calls[0]
        berke_calls = sandbox.berke_calls.requests - calls[1]
        await heartbeat.stop()
        statuses = [board.order(i) for i in ids]
        done = sum(1 for o in statuses if o is not None and o.status is OrderStatus.IN_PROGRESS)
        failed = len(ids) - done
    finally:
        await close_window(window, host)
    invites = sum(1 for o in chosen if o.candidate.email)
    return Batch(seconds, len(chosen), invites, failed, heartbeat.summary(), berke_calls, sr_calls)


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--inbox", type=int, default=5000)
    parser.add_argument("--berke-burst", type=int, default=120)
    parser.add_argument("--berke-window-ms", type=int, default=10_000)
    args = parser.parse_args(argv)
    burst, window_ms = args.berke_burst, args.berke_window_ms
    window_s = window_ms / 1000
    before = load()
    # Enough NEW orders for the batch: the sandbox seeds at least half of them NEW.
    with sandbox_process(*sandbox_args(args.orders * 2, burst, window_ms)) as sandbox:
        alone = asyncio.run(workflow_batch(sandbox, args.orders, burst, window_ms))
    with sandbox_process(*sandbox_args(args.inbox, burst, window_ms)) as sandbox:
        windowed = run_qt(lambda: window_batch(sandbox, args.orders, burst, window_ms))
    print(f"machine: {before} (before), {load()} (after)")
    print(f"limits: Berke {burst} calls per {window_s:g} s, SmartRecruiters {SR_RATE:g} requests/s")
    rows = {"workflow": alone, f"window, inbox of {args.inbox}": windowed}
    for name, batch in rows.items():
        print(
            f"{name}: {batch.orders} orders ({batch.invites} invitations), {batch.seconds:.2f} s, "
            f"{batch.failed} not done; calls made: Berke {batch.berke_calls} (the batch's own "
            f"{1 + batch.orders + batch.invites}), SR {batch.sr_calls}"
        )
        print(
            f"  baseline (ceiling) for its own calls {batch.theory(burst, window_s):.2f} s, "
            f"for the calls made {batch.theory(burst, window_s, made=True):.2f} s"
        )
    print(f"window heartbeat during its batch: {windowed.heartbeat}")
    print(
        ratios(
            {
                "workflow": (alone.seconds, alone.theory(burst, window_s)),
                "window": (windowed.seconds, windowed.theory(burst, window_s)),
                "window-vs-calls-made": (
                    windowed.seconds,
                    windowed.theory(burst, window_s, made=True),
                ),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
