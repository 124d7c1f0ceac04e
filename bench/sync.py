"""Sync: the order board's full sync and poll against the sandbox, paced at SmartRecruiters'
10 requests/s, beside the theoretical minimum (pages ÷ rate).

    python bench/sync.py [--orders 5000] [--runs 3]

The sandbox runs in its own process and enforces SR's limits (10 requests/s, 8 at once). One
client (one pacer) does every sync of the run, as the app does: syncs back to back never burst
past the limit, and the run counts the 429s it drew (there should be none). For each run, into
an empty cache: a full sync (every order new), a full sync again (nothing changed), and a poll
for NEW orders (nothing new). Each has its wall time, the CPU time of the event loop's thread
(the GUI thread in the app: asking for pages and reading their JSON; comparing and parsing run
in a worker) and its requests. For comparison, the way a sync went before (every page parsed
into models on the loop thread, every order compared after parsing: ``sync_as_before``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import CountingTransport, Sandbox, load, median, ratios, sandbox_process

if TYPE_CHECKING:
    from app.workflows.desk import Desk

RATE = 10.0  # SmartRecruiters' documented requests per second
PAGE = 100


@dataclass
class Figures:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)

    def line(self, what: str) -> str:
        return (
            f"{what}: {median(self.wall):.2f} s wall, {median(self.cpu) * 1000:.0f} ms CPU on "
            f"the loop thread, {median(self.requests):.0f} requests"
        )


async def sync_as_before(desk: Desk) -> None:
    """The full sync the app ran before ``order_sync.fetch_changes`` (the app no longer has
    it): every page read into models on the loop thread by ``iter_orders``, then every order
    compared and written after parsing, and the cache read back, in a worker."""
    orders = [order async for order in desk.session.sr.iter_orders()]
    orders.sort(key=lambda o: (o.create_date is not None, o.create_date), reverse=True)

    def merge() -> None:
        desk.orders.merge(orders)
        desk.orders.all()

    await asyncio.to_thread(merge)


async def measure(sandbox: Sandbox, runs: int, folder: Path) -> tuple[dict[str, Figures], int, int]:
    from app.clients.berke import BerkeClient
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.smartrecruiters import OrderStatus
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
    from app.store.database import Database
    from app.workflows.board import OrderBoard
    from app.workflows.desk import Desk
    from app.workflows.session import Session

    transport = CountingTransport()
    session = Session(
        sr=SmartRecruitersClient(sandbox.sr_url, DEMO_SR_KEY, transport=transport),
        berke=BerkeClient(sandbox.berke_url, DEMO_BERKE_TOKEN),
        demo=True,
    )
    kinds = ("full sync, empty cache", "full sync, nothing changed", "poll, nothing new")
    figures = {kind: Figures() for kind in (*kinds, "before: full sync, parsed on the loop")}
    try:
        for run in range(runs):
            desk = Desk(session, Database(folder / f"run{run}.sqlite3"))
            board = OrderBoard(desk)
            for kind, poll in zip(kinds, (False, False, True), strict=True):
                requests = transport.requests
                wall, cpu = time.perf_counter(), time.thread_time()
                outcome = await board.sync(poll=poll)
                assert outcome.ok, outcome.error
                figures[kind].wall.append(time.perf_counter() - wall)
                figures[kind].cpu.append(time.thread_time() - cpu)
                figures[kind].requests.append(transport.requests - requests)
            new_orders = sum(1 for o in board.orders() if o.status is OrderStatus.NEW)
            desk.db.close()
            old = Desk(session, Database(folder / f"before{run}.sqlite3"))
            requests = transport.requests
            wall, cpu = time.perf_counter(), time.thread_time()
            await sync_as_before(old)
            before = figures["before: full sync, parsed on the loop"]
            before.wall.append(time.perf_counter() - wall)
            before.cpu.append(time.thread_time() - cpu)
            before.requests.append(transport.requests - requests)
            old.db.close()
    finally:
        await session.aclose()
    return figures, transport.throttled, new_orders


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with (
        sandbox_process("--orders", str(args.orders)) as sandbox,
        tempfile.TemporaryDirectory() as folder,
    ):
        before = load()
        figures, throttled, new_orders = asyncio.run(measure(sandbox, args.runs, Path(folder)))
    pages = -(-args.orders // PAGE)
    theory = pages / RATE
    print(f"machine: {before} (before), {load()} (after); median of {args.runs} runs")
    for kind, found in figures.items():
        print(found.line(f"{kind} ({args.orders} orders)"))
    print(
        f"(a poll read every NEW order before: {new_orders} NEW orders, "
        f"{-(-new_orders // PAGE)} requests a poll)"
    )
    print(f"429 answers drawn in the whole run: {throttled}")
    print(f"baseline: {pages} pages ÷ {RATE:g} requests/s = {theory:.2f} s")
    cold = median(figures["full sync, empty cache"].wall)
    warm = median(figures["full sync, nothing changed"].wall)
    print(ratios({"full-sync": (cold, theory), "unchanged-sync": (warm, theory)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
