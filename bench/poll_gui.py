"""What a poll costs the GUI thread when nothing changed.

    .venv/bin/python bench/poll_gui.py [--orders 200] [--polls 10]

Opens the main window on the demo sandbox (no rate limits, so only our own work is timed),
syncs once, then re-syncs the same, unchanged orders ``--polls`` times, both ways the window
does it: a full sync (every order) and a poll (the NEW ones). For each it prints the median
CPU time of the GUI thread (``time.thread_time``: the Qt/asyncio thread, where the requests,
the models and the views run; worker threads and the sandbox's thread are not counted) and the
median wall time. The baseline, in the same run: the GUI thread's CPU for the same requests
alone (the listing's pages fetched and nothing done with them) — what no sync can avoid.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import load, ratios, scratch_dir
from bench.windowed import run_qt

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("ASSESSMENT_DESK_HOME", str(scratch_dir("poll-bench-")))


async def measure(orders: int, polls: int) -> dict[str, list[float]]:
    from app.clients.berke import BerkeClient
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.connection import AppSettings
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
    from app.store.credentials import KeyStore
    from app.ui.main_window import MainWindow
    from app.ui.session_host import SessionHost
    from app.workflows.session import Session

    async def opener(**_kwargs: Any) -> Session:
        # The demo's data without its rate limits: only our own work is timed.
        server = SandboxServer(
            SandboxConfig(orders=orders, sr_rate_per_second=0, berke_burst=100_000)
        )
        await asyncio.to_thread(server.start)
        return Session(
            sr=SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY),
            berke=BerkeClient(server.berke_base_url, DEMO_BERKE_TOKEN),
            demo=True,
            sandbox=server,
        )

    window = MainWindow()
    window.show()
    host = SessionHost(window, AppSettings(), KeyStore(), demo_opener=opener)
    await host.open()
    assert await window.sync()
    figures: dict[str, list[float]] = {"sync cpu": [], "sync wall": [], "poll cpu": [],
                                       "poll wall": []}  # fmt: skip
    for kind, poll in (("sync", False), ("poll", True)):
        for _ in range(polls):
            cpu, wall = time.thread_time(), time.perf_counter()
            assert await window.sync(poll=poll)
            figures[f"{kind} cpu"].append(time.thread_time() - cpu)
            figures[f"{kind} wall"].append(time.perf_counter() - wall)
    assert host.session is not None
    sr = host.session.sr
    figures["requests cpu"] = []
    for _ in range(polls):
        cpu = time.thread_time()
        for offset in range(0, orders, 100):
            await sr.order_page(limit=100, offset=offset)
        figures["requests cpu"].append(time.thread_time() - cpu)
    window.close()
    await host.close()
    return figures


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--polls", type=int, default=10)
    args = parser.parse_args()

    before = load()
    figures = run_qt(lambda: measure(args.orders, args.polls))
    print(f"machine: {before} (before), {load()} (after)")
    for kind in ("sync", "poll"):
        cpu = statistics.median(figures[f"{kind} cpu"]) * 1000
        wall = statistics.median(figures[f"{kind} wall"]) * 1000
        what = "full sync" if kind == "sync" else "poll for NEW orders"
        print(
            f"{what} of {args.orders} unchanged orders: GUI thread {cpu:.1f} ms CPU, "
            f"{wall:.1f} ms wall (median of {args.polls})"
        )
    alone = statistics.median(figures["requests cpu"]) * 1000
    pages = -(-args.orders // 100)
    print(f"baseline: the {pages} pages' requests alone: GUI thread {alone:.1f} ms CPU")
    full = statistics.median(figures["sync cpu"]) * 1000
    print(ratios({"unchanged-sync-cpu": (full, alone)}))


if __name__ == "__main__":
    main()
