"""Opening a session with real (https) addresses: the event loop's own time, against the same
two clients built as httpx builds them by default, in one run.

    python bench/session_open.py [--runs 9]

Each run is a fresh process (the desk's TLS context lives once per process, as in the desk):
it loads the desk's session module, then times, on its main thread (the loop's), either the
desk opening and closing a session of two https addresses (``prepare_session`` +
``open_session``, ``app.clients.tls``), or the baseline: two ``httpx.AsyncClient`` of the same
addresses with httpx's default, a TLS context each (what the desk did before). Nothing is
connected: what is timed is what happens before a first request. Printed: the medians of the
loop thread's CPU time and of the wall time, the machine's load, and the ratios.

Each is timed twice: with httpcore loaded before the clock starts, as this bench always did
(the clients' close then loads anyio's asyncio backend, inside the clock), and with httpx's
HTTP stack (httpcore, h11, anyio) loaded as a start loads it, ending with what a first
request loads (``app.clients.http_stack``; the ``…-cold`` figures).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import ROOT, child_env, load, median, ratios

CHILD = r"""
import asyncio, json, sys, time
import httpx
if sys.argv[2] == "warm":  # loaded before the clock starts (the open is timed, not imports)
    import httpcore
from app.domain.connection import ConnectionProfile, Credentials
from app.workflows import session as sessions
from app.workflows.session import open_session

SR, BERKE = "https://api.smartrecruiters.com/v1", "https://site.berkeassessment.com/api"
KEY, TOKEN = "k" * 64, "bench-token"


async def desk() -> None:
    profile = ConnectionProfile(name="Real", sr_base_url=SR, berke_base_url=BERKE)
    if hasattr(sessions, "prepare_session"):  # (absent before it: an A/B's older tree)
        await sessions.prepare_session(profile)
    session = open_session(profile, Credentials(sr_partner_key=KEY, berke_api_token=TOKEN))
    await session.aclose()


async def httpx_default() -> None:
    clients = [httpx.AsyncClient(base_url=url) for url in (SR, BERKE)]
    for client in clients:
        await client.aclose()


async def then_first_request(opened) -> None:
    await opened()
    if sys.argv[2] == "cold":
        import anyio._backends._asyncio  # what a first request loads beside (httpx on asyncio)


run = {"desk": desk, "httpx": httpx_default}[sys.argv[1]]
cpu, wall = time.thread_time(), time.perf_counter()
asyncio.run(then_first_request(run))
print(json.dumps({"loop_cpu_ms": 1e3 * (time.thread_time() - cpu),
                  "wall_ms": 1e3 * (time.perf_counter() - wall)}))
"""


def _once(mode: str) -> dict[str, float]:
    who, _, stack = mode.partition("-")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, who, "cold" if stack else "warm"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(f"machine: {load()} (before); median of {args.runs} runs each, interleaved")
    modes = ("desk", "httpx", "desk-cold", "httpx-cold")
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    _once("desk-cold"), _once("httpx-cold")  # warm-up: bytecode and the disk cache
    for _ in range(args.runs):
        for mode, done in runs.items():
            done.append(_once(mode))
    figures = {
        mode: {key: median([run[key] for run in done]) for key in ("loop_cpu_ms", "wall_ms")}
        for mode, done in runs.items()
    }
    desk, base = figures["desk"], figures["httpx"]
    print(
        f"desk: open a session of two https addresses: loop thread {desk['loop_cpu_ms']:.1f} ms "
        f"CPU, {desk['wall_ms']:.1f} ms wall (the TLS context built in a worker, shared)"
    )
    print(
        f"baseline: the same two clients as httpx builds them (a TLS context each, on the loop): "
        f"loop thread {base['loop_cpu_ms']:.1f} ms CPU, {base['wall_ms']:.1f} ms wall"
    )
    cold, cold_base = figures["desk-cold"], figures["httpx-cold"]
    print(
        f"desk, the HTTP stack loaded as a start loads it (the open, then the first request's "
        f"imports): loop thread {cold['loop_cpu_ms']:.1f} ms CPU, {cold['wall_ms']:.1f} ms wall"
    )
    print(
        f"baseline, the same: loop thread {cold_base['loop_cpu_ms']:.1f} ms CPU, "
        f"{cold_base['wall_ms']:.1f} ms wall"
    )
    print(f"machine: {load()} (after)")
    print(
        ratios(
            {
                "session-open-loop": (desk["loop_cpu_ms"], base["loop_cpu_ms"]),
                "session-open-wall": (desk["wall_ms"], base["wall_ms"]),
                "session-open-cold-loop": (cold["loop_cpu_ms"], cold_base["loop_cpu_ms"]),
                "session-open-cold-wall": (cold["wall_ms"], cold_base["wall_ms"]),
            }
        )
    )


if __name__ == "__main__":
    main()
