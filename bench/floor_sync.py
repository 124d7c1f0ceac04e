"""The floor under bench/startup.py's first sync: the bare window, then the least any client on
this stack can do to have the 200 orders.

    python bench/floor_sync.py SR_BASE_URL --with raw|client

Shows ``bench/bare_window.py``'s window; once its first frame is on screen, it reads every order
of SR_BASE_URL's listing (a sandbox in a process of its own: its CPU is not counted) and
prints ``first-frame-ms=N`` and ``first-sync-ms=N``, counted as the app counts its own.

- ``raw``: asyncio and httpx imported after the frame, the pages read as JSON: no pydantic, no
  model, no cache, no row shown. No client of the service, written on this stack, can be
  quicker.
- ``client``: the same pages through the app's ``SmartRecruitersClient``, each order parsed
  by the app's pydantic models; still no cache, no board, no row shown, no sandbox to start.

What the app's first sync takes above these two is what the app itself adds; what they take
above the bare window is the stack's (Python's asyncio, httpx, pydantic), which no change to
the app can remove.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bare_window import show_bare_window
from bench.cli import bench_parser

#: The key of the sandbox's demo partner (``app.sandbox.config``; not imported in ``raw``).
DEMO_SR_KEY = "demo939249cc2c306c370bea6543b2ce8f1cc2107689cd3822d911e401604b1e"
PAGE_SIZE = 100  # the app's page (``app.clients.smartrecruiters.MAX_PAGE_SIZE``)


async def read_raw(base_url: str) -> int:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # as app/__init__.py
    import httpx

    read = 0
    # As the app's client for an http:// service: no TLS context to build.
    async with httpx.AsyncClient(base_url=base_url, verify=False) as http:
        while True:
            params = {"limit": PAGE_SIZE, "offset": read}
            response = await http.get(
                "/assessments", params=params, headers={"X-SmartToken": DEMO_SR_KEY}
            )
            response.raise_for_status()
            page = response.json()
            read += len(page["content"])
            # Where the app's walk ends too (app/domain/listing_walk.py): the count reached.
            if read >= page["totalFound"] or len(page["content"]) < PAGE_SIZE:
                return read


async def read_with_client(base_url: str) -> int:
    from app.clients.smartrecruiters import SmartRecruitersClient

    async with SmartRecruitersClient(base_url, DEMO_SR_KEY) as client:
        return len([order async for order in client.iter_orders()])


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("sr_base_url")
    parser.add_argument("--with", dest="way", choices=("raw", "client"), required=True)
    args = parser.parse_args(argv)
    read = read_raw if args.way == "raw" else read_with_client

    def sync(since_start_ms: Callable[[], float]) -> None:
        import asyncio

        orders = asyncio.run(read(args.sr_base_url))
        print(f"first-sync-ms={round(since_start_ms())}")
        print(f"orders={orders}", file=sys.stderr)

    return show_bare_window(sync)


if __name__ == "__main__":
    sys.exit(main())
