"""check_reachability against the sandbox's landing page, and the edge cases on a mock wire."""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.domain.berke import CreateAssessmentRequest
from app.workflows.reachability import Reachability, check_reachability
from tests.environment_proxies import UNUSABLE_PROXIES, unusable_proxies
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


@pytest.fixture(scope="module")
def real_url(sandbox: SandboxServer) -> str:
    from app.sandbox import DEMO_BERKE_TOKEN

    async def create() -> str:
        client = BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN)
        try:
            response = await client.create_assessment(
                CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
            )
        finally:
            await client.aclose()
        return response.assessment_url

    return asyncio.run(create())


def test_a_real_code_is_reachable(real_url: str) -> None:
    result = asyncio.run(check_reachability(real_url))
    assert result == Reachability(
        ok=True, status=200, verdict="Reachable: the assessment page answered 200 OK."
    )


def test_a_made_up_code_is_not_found(sandbox: SandboxServer) -> None:
    result = asyncio.run(check_reachability(f"{sandbox.berke_base_url}/start/NOSUCHCODE"))
    assert not result.ok
    assert result.status == 404
    assert result.verdict == "Not found (404): the code may be wrong."


def test_a_closed_port_is_a_verdict_not_an_exception() -> None:
    with socket.socket() as bound:  # bound, never listening: refused for as long as it is held
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        url = f"http://127.0.0.1:{port}/berke/start/ABC"
        result = asyncio.run(check_reachability(url, timeout=5))
    assert not result.ok
    assert result.status is None
    assert result.verdict.startswith("Could not connect: ")


def test_a_caller_client_is_used_and_left_open(real_url: str) -> None:
    async def probe() -> tuple[Reachability, bool]:
        async with httpx.AsyncClient() as client:
            result = await check_reachability(real_url, client=client)
            return result, client.is_closed

    result, closed = asyncio.run(probe())
    assert result.ok
    assert not closed


def _mock(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler)


async def _with(
    handler: httpx.MockTransport, url: str, deadline: float = HANG_GUARD_SECONDS
) -> Reachability:
    async with _mock(handler) as client:
        # The check's own deadline is not what these tests look at: a stalled run must not
        # turn "ok" into "timed out".
        return await check_reachability(url, client=client, timeout=deadline)


@pytest.mark.parametrize("refusal", [405, 501])
def test_get_is_tried_when_head_is_refused(refusal: int) -> None:
    methods: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        methods.append(request.method)
        return httpx.Response(refusal if request.method == "HEAD" else 200)

    result = asyncio.run(_with(httpx.MockTransport(handle), "https://site.test/start/ABC"))
    assert methods == ["HEAD", "GET"]
    assert result.ok


def test_redirects_are_followed() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old/ABC":
            return httpx.Response(302, headers={"Location": "/start/ABC"})
        return httpx.Response(200)

    result = asyncio.run(_with(httpx.MockTransport(handle), "https://site.test/old/ABC"))
    assert result.ok


def test_a_redirect_loop_stops_after_five() -> None:
    hops: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        hops.append(str(request.url))
        return httpx.Response(302, headers={"Location": f"/hop/{len(hops)}"})

    result = asyncio.run(_with(httpx.MockTransport(handle), "https://site.test/start/ABC"))
    assert not result.ok
    assert "redirects" in result.verdict
    assert len(hops) == 6  # the first request and five redirects


def test_a_timeout_is_a_verdict() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    result = asyncio.run(_with(httpx.MockTransport(handle), "https://site.test/start/ABC", 1))
    assert result == Reachability(False, None, "Timed out: no answer within 1 second.")


def test_a_server_error_is_explained() -> None:
    result = asyncio.run(
        _with(httpx.MockTransport(lambda r: httpx.Response(503)), "https://site.test/s/ABC")
    )
    assert not result.ok
    assert result.status == 503
    assert "503 Service Unavailable" in result.verdict


def test_a_non_web_address_is_a_verdict() -> None:
    result = asyncio.run(check_reachability("ftp://site.test/start/ABC"))
    assert not result.ok
    assert result.status is None


@pytest.mark.parametrize("proxies", UNUSABLE_PROXIES)
def test_a_proxy_setting_that_cannot_be_used_is_a_verdict_naming_it(
    monkeypatch: pytest.MonkeyPatch, proxies: dict[str, str]
) -> None:
    """Before: the check, which never raises, let the ImportError (or "Invalid port") out."""
    unusable_proxies(monkeypatch, proxies)
    result = asyncio.run(check_reachability("https://assess.example/start/ABC", timeout=5))
    ((variable, value),) = proxies.items()
    assert (result.ok, result.status) == (False, None)
    assert result.verdict.startswith(f"The proxy set in {variable} ({value}) cannot be used: ")
