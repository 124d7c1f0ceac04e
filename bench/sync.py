"""Sync benchmark: a full sync of N orders from the sandbox over loopback (paged GETs, parse,
merge into SQLite), median of several runs.

    python bench/sync.py [--orders 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.store.database import Database
from app.workflows.desk import Desk
from app.workflows.inbox import sync_all
from app.workflows.session import Session


async def one_sync(server: SandboxServer, db_path: Path) -> tuple[float, int]:
    session = Session(
        sr=SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY),
        berke=BerkeClient(server.berke_base_url, DEMO_BERKE_TOKEN),
        demo=True,
    )
    desk = Desk(session, Database(db_path))
    try:
        start = time.perf_counter()
        report = await sync_all(desk)
        return time.perf_counter() - start, len(report.orders)
    finally:
        await session.aclose()
        desk.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    # The client paces itself at SmartRecruiters' 10 requests/s: that is part of the figure.
    config = SandboxConfig(orders=args.orders)
    with SandboxServer(config, port=0) as server, tempfile.TemporaryDirectory() as tmp:
        cold = []
        warm = []
        for run in range(args.runs):
            path = Path(tmp) / f"run{run}.sqlite3"
            seconds, count = asyncio.run(one_sync(server, path))  # empty cache: all new
            cold.append(seconds)
            seconds, _ = asyncio.run(one_sync(server, path))  # same cache: nothing changed
            warm.append(seconds)
    pages = -(-count // 100)
    print(
        f"full sync of {count} orders ({pages} pages of 100, paced at 10 requests/s): "
        f"median {statistics.median(cold):.2f} s into an empty cache, "
        f"{statistics.median(warm):.2f} s when nothing changed ({args.runs} runs)"
    )


if __name__ == "__main__":
    main()
