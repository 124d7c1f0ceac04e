"""What httpx loads only once a client is made and first connects: httpcore with h11, and anyio
with its asyncio backend (~28 ms of imports on the CI machine). On the first sync's path they
loaded on the GUI thread, the first request waiting for them. ``http_stack_loaded`` loads them
in a worker thread while the desk waits anyway for something else (the demo's services to
listen, the keyring to answer): an idle GUI thread leaves the worker the GIL.

``tests/unit/test_http_stack.py`` holds the list to what a client's first request loads: a
newer httpx that loads something else fails it, not the desk.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import sys

log = logging.getLogger(__name__)

#: Loaded by httpx when an ``AsyncClient`` is made (httpcore, h11, anyio) and when it first
#: connects on asyncio (anyio's backend).
HTTP_STACK = ("httpcore", "h11", "anyio", "anyio._backends._asyncio")


def load_http_stack() -> None:
    """Import what ``HTTP_STACK`` names (blocking: call it off the event loop). An aid only,
    which never fails a start: a module another version no longer has, or one that cannot be
    loaded now, is left to httpx, which says so if it needs it."""
    for name in HTTP_STACK:
        try:
            importlib.import_module(name)
        except Exception:  # e.g. ImportError, an unreadable file (OSError), a RuntimeError
            log.warning("%s not loaded ahead: httpx loads it when it needs it", name, exc_info=True)


async def http_stack_loaded() -> None:
    """``load_http_stack`` in a worker thread, unless it is loaded already."""
    if all(name in sys.modules for name in HTTP_STACK):
        return
    await asyncio.to_thread(load_http_stack)
