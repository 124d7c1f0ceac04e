"""Saving a snapshot "with details" of 200 orders: the first time (nothing kept), the second
time (nothing changed since: the open orders alone are asked again), and after one order
changed; beside the theoretical minimum of
the first (its calls ÷ SmartRecruiters' rate).

    python bench/snapshot_save.py [--orders 200] [--runs 3] [--latency-ms 100] [--files]

The sandbox runs in its own process and enforces SR's limits (10 requests/s, 8 at once), each
answer delayed by ``--latency-ms`` as a remote service's would be. For each run, into an empty
store: a full sync, then the three saves, each with its wall time and its requests. While the
first save runs, a coordinator's own call (``GET /assessments/{id}``) is made every 2 s and
timed: how long the save makes everyone else wait. ``--files`` lists the results' files too.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import Sandbox, load, median, ratios, sandbox_process

DETAIL_ENDINGS = ("/comments", "/results", "/attachments")


class CountingTransport(httpx.AsyncHTTPTransport):
    """The network transport, counting requests, detail requests and 429 answers."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = 0
        self.details = 0
        self.throttled = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if request.url.path.endswith(DETAIL_ENDINGS):
            self.details += 1
        response = await super().handle_async_request(request)
        if response.status_code == 429:
            self.throttled += 1
        return response


@dataclass
class Figures:
    wall: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)

    def line(self, what: str) -> str:
        return f"{what}: {median(self.wall):.3f} s wall, {median(self.requests):.0f} requests"


KINDS = ("first save, nothing kept", "second save, nothing changed", "after one order changed")


async def measure(
    sandbox: Sandbox, orders: int, runs: int, folder: Path, files: bool
) -> tuple[dict[str, Figures], list[float], int, float]:
    from app.clients.berke import BerkeClient
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.smartrecruiters import ContactPerson
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
    from app.store.database import Database
    from app.workflows.desk import Desk
    from app.workflows.order_actions import add_comment
    from app.workflows.order_sync import fetch_changes
    from app.workflows.session import Session
    from app.workflows.snapshots import SaveRequest, save_snapshot

    transport = CountingTransport()
    sr = SmartRecruitersClient(sandbox.sr_url, DEMO_SR_KEY, transport=transport)
    session = Session(sr=sr, berke=BerkeClient(sandbox.berke_url, DEMO_BERKE_TOKEN), demo=True)
    figures = {kind: Figures() for kind in KINDS}
    waits: list[float] = []  # a coordinator's call during the first save, seconds
    pacer = sr.pacer
    rate = pacer.max_calls / pacer.window_seconds if pacer is not None else float("inf")
    try:
        for run in range(runs):
            desk = Desk(session, Database(folder / f"run{run}.sqlite3"), ContactPerson())
            await fetch_changes(desk, poll=False)  # as the board syncs
            listed = desk.orders.all()[:orders]
            for kind in KINDS:
                if kind == KINDS[2]:
                    await add_comment(desk, listed[0], f"Run {run}: called the candidate")
                    await fetch_changes(desk, poll=False)
                    fresh = {o.id: o for o in desk.orders.all()}
                    listed = [fresh[o.id] for o in listed]
                request = SaveRequest(orders=listed, include_attachments=files)
                requests = transport.requests
                probes = 0
                began = time.perf_counter()
                save = asyncio.ensure_future(
                    save_snapshot(desk, request, folder / f"run{run}-{KINDS.index(kind)}.adsnap")
                )
                if kind == KINDS[0]:
                    while not save.done():
                        await asyncio.wait([save], timeout=2.0)
                        if not save.done():
                            asked = time.perf_counter()
                            await sr.get_order(listed[-1].id)
                            waits.append(time.perf_counter() - asked)
                            probes += 1
                saved = await save
                assert saved.order_count == len(listed)
                figures[kind].wall.append(time.perf_counter() - began)
                figures[kind].requests.append(transport.requests - requests - probes)
            desk.db.close()
    finally:
        await session.aclose()
    return figures, waits, transport.throttled, rate


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--files", action="store_true", help="list the results' files too")
    args = parser.parse_args(argv)
    with (
        sandbox_process(
            "--orders", str(args.orders), "--latency-ms", str(args.latency_ms)
        ) as sandbox,
        tempfile.TemporaryDirectory() as folder,
    ):
        before = load()
        figures, waits, throttled, rate = asyncio.run(
            measure(sandbox, args.orders, args.runs, Path(folder), args.files)
        )
    print(f"machine: {before} (before), {load()} (after); median of {args.runs} runs")
    what = "with details and files" if args.files else "with details"
    for kind, found in figures.items():
        print(found.line(f"{kind} ({args.orders} orders, {what})"))
    if waits:
        print(
            f"a coordinator's call during the first save waited {median(waits) * 1000:.0f} ms "
            f"(median of {len(waits)}), at most {max(waits) * 1000:.0f} ms"
        )
    print(f"429 answers drawn in the whole run: {throttled}")
    first = figures[KINDS[0]]
    theory = median(first.requests) / rate
    print(
        f"baseline: {median(first.requests):.0f} calls ÷ {rate:.2f} calls/s (the client's "
        f"pacing under SR's 10/s) = {theory:.2f} s"
    )
    print(
        ratios(
            {
                "first-save": (median(first.wall), theory),
                "second-save": (median(figures[KINDS[1]].wall), median(first.wall)),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
