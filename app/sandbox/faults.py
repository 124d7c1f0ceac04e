"""Injected failures for ``fail_rate`` (reliability drills).

Each request, in arrival order, draws from ``random.Random(seed)``; the landing page and the
``_test`` hook are never failed. A failing request is one of:

* half the time, **503** answered *before* the service sees the request: nothing changed;
* a quarter, the connection is **dropped before** the request is applied: nothing changed;
* a quarter, the connection is **dropped after** the request was applied: the change happened
  but its answer is lost. This is the case that proves a client resumes idempotently.

A drop closes the connection without a status line (see ``server.ConnectionDropper``), so the
client sees a protocol/read error, never a 500.
"""

from __future__ import annotations

import random

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.sandbox import berke_render
from app.sandbox.sr_http import error_response

DROP_SCOPE_KEY = "sandbox.drop_connection"
_EXEMPT_PREFIXES = ("/berke/start/", "/berke/_test/")


def _unavailable(scope: Scope) -> Response:
    path = scope["path"]
    if path.startswith("/sr/"):
        return error_response(
            503, "Service temporarily unavailable; retry later", {"Retry-After": "1"}
        )
    if path.startswith("/berke/"):
        wanted = Request(scope).query_params.get("formatOutput", "").strip().lower()
        error = berke_render.BerkeError(
            503, berke_render.CODE_UNAVAILABLE, "The API is temporarily unavailable"
        )
        return berke_render.error("json" if wanted == "json" else "xml", error)
    return PlainTextResponse("Service temporarily unavailable", status_code=503)


class FaultInjector:
    def __init__(self, app: ASGIApp, fail_rate: float, seed: int) -> None:
        self.app = app
        self._fail_rate = fail_rate
        self._rng = random.Random(f"sandbox-faults-{seed}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self._fail_rate <= 0
            or scope["path"].startswith(_EXEMPT_PREFIXES)
            or self._rng.random() >= self._fail_rate
        ):
            await self.app(scope, receive, send)
            return
        kind = self._rng.random()
        if kind < 0.5:
            await _unavailable(scope)(scope, receive, send)
            return
        if kind >= 0.75:

            async def discard(message: Message) -> None:
                return None

            await self.app(scope, receive, discard)
        scope[DROP_SCOPE_KEY] = True
