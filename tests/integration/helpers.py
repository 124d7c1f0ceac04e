"""Helpers for client ↔ sandbox tests: clients on the real sandbox, a recording transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from app.clients.pacing import Pacer
from app.domain.smartrecruiters import AssessmentOrder

T = TypeVar("T")


def run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run one test's async body on a fresh loop (the clients are made inside it)."""

    async def main() -> T:
        return await factory()

    return asyncio.run(main())


def unpaced() -> Pacer:
    """A pacer that never waits: lets a test reach the server's own limits."""
    return Pacer(max_calls=10_000, window_seconds=1.0, max_concurrent=64)


class RecordingTransport(httpx.AsyncBaseTransport):
    """The real network transport, keeping a copy of every request for the test to inspect."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.requests.append(request)
        self.bodies.append(body)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def json_bodies(self) -> list[Any]:
        return [json.loads(b) if b else None for b in self.bodies]


def new_order_body(
    first: str = "Zoë", last: str = "Müller", email: str | None = None
) -> dict[str, Any]:
    candidate: dict[str, Any] = {"id": f"cand-{first}-{last}", "firstName": first, "lastName": last}
    if email:
        candidate["email"] = email
    return {
        "candidate": candidate,
        "job": {"name": "Data Analyst"},
        "company": {"name": "Acme"},
        "requestor": {"firstName": "Rita", "lastName": "Recruiter"},
    }


def is_order(value: object) -> bool:
    return isinstance(value, AssessmentOrder)
