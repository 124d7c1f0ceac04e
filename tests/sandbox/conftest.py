"""Real sandbox servers on loopback, one per configuration the conformance suite needs."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.sandbox import DEMO_SR_KEY, SandboxConfig, SandboxServer


class FakeClock:
    """A monotonic clock the test moves by hand, so rate windows need no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _serve(config: SandboxConfig) -> Iterator[SandboxServer]:
    server = SandboxServer(config)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def server() -> Iterator[SandboxServer]:
    """Limits off: for every behaviour but the limits themselves."""
    # Berke's burst limit too: ~100 of this session's calls come within a second, and a
    # limit reached depending on the machine's speed would fail tests now and then.
    yield from _serve(SandboxConfig(sr_rate_per_second=0, sr_concurrency=0, berke_burst=100_000))


@pytest.fixture
def fresh_server() -> Iterator[SandboxServer]:
    yield from _serve(SandboxConfig(sr_rate_per_second=0))


@pytest.fixture(scope="session")
def sr(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}, timeout=10
    ) as client:
        yield client


@pytest.fixture(scope="session")
def berke_http(server: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.berke_base_url, timeout=10) as client:
        yield client
