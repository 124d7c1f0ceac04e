""" "Test connection" against the sandbox (good keys, wrong key, customer key, wrong path, closed
port) and against mock transports for what a sandbox cannot show (TLS, API disabled)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

import httpx
import pytest

from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.workflows.connection_test import Verdict, probe_berke, probe_smartrecruiters
from tests.environment_proxies import UNUSABLE_PROXIES, unusable_proxies
from tests.integration.helpers import run

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port that refuses connections for the whole test: bound, never listening (a port
    closed again at once could be taken meanwhile by any other program's listener)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def test_smartrecruiters_verdicts(sandbox: SandboxServer, closed_port: int) -> None:
    url = sandbox.sr_base_url
    cases = [
        (url, DEMO_SR_KEY, Verdict.WORKS),
        (url, "w" * 64, Verdict.INVALID_KEY),
        (url, "c" * 32, Verdict.CUSTOMER_KEY),
        (url.replace("/sr/v1", "/sr/nope"), DEMO_SR_KEY, Verdict.WRONG_URL),
        (f"http://127.0.0.1:{closed_port}/v1", DEMO_SR_KEY, Verdict.NO_NETWORK),
        ("http://sr.example.com/v1", DEMO_SR_KEY, Verdict.BAD_ADDRESS),
        (url, "  ", Verdict.NO_KEY),
    ]
    for base, key, expected in cases:
        verdict = run(partial(probe_smartrecruiters, base, key))
        assert verdict.verdict is expected, (base, verdict)
        assert key.strip() == "" or key not in verdict.message
    works = run(lambda: probe_smartrecruiters(url, DEMO_SR_KEY))
    assert works.ok
    assert works.message.startswith("Works")
    customer = run(lambda: probe_smartrecruiters(url, "c" * 32))
    assert "64-character partner key" in customer.message


def test_berke_verdicts(sandbox: SandboxServer, closed_port: int) -> None:
    url = sandbox.berke_base_url
    cases = [
        (url, DEMO_BERKE_TOKEN, Verdict.WORKS),
        (url, "wrong-token-123", Verdict.INVALID_KEY),
        (url.replace("/berke", "/elsewhere"), DEMO_BERKE_TOKEN, Verdict.WRONG_URL),
        (f"http://127.0.0.1:{closed_port}/api", DEMO_BERKE_TOKEN, Verdict.NO_NETWORK),
    ]
    for base, token, expected in cases:
        verdict = run(partial(probe_berke, base, token))
        assert verdict.verdict is expected, (base, verdict)
        assert token not in verdict.message


@pytest.mark.parametrize("probe", [probe_smartrecruiters, probe_berke])
def test_tls_problem_is_named(probe: object) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local "
            "issuer certificate (_ssl.c:1006)"
        )

    transport = httpx.MockTransport(handler)
    verdict = run(lambda: probe("https://api.example.com/v1", "k" * 64, transport=transport))  # type: ignore[operator]
    assert verdict.verdict is Verdict.TLS
    assert "certificate" in verdict.message


def test_berke_api_disabled_is_named() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            403,
            json={"status": "error", "response": "API not enabled for this company"},
            headers={"X-Response-Code": "403.1005"},
        )

    transport = httpx.MockTransport(handler)
    verdict = run(lambda: probe_berke("https://berke.example/api", "t" * 20, transport=transport))
    assert verdict.verdict is Verdict.API_DISABLED


BLOCKED = "Too many failed calls from this company: API calls are blocked for 15 minutes"


@pytest.mark.parametrize(
    ("code", "said", "expected"),
    [
        ("403.1004", BLOCKED, Verdict.THROTTLED),
        ("403.1003", "API key 'tt..' is invalid or inactive", Verdict.INVALID_KEY),
        ("403.1006", "Company is inactive or expired", Verdict.SERVICE_ERROR),
        ("403.1005", "API disabled for maintenance until 14:00 UTC", Verdict.API_DISABLED),
    ],
    ids=["blocked", "invalid-key", "company-inactive", "maintenance"],
)
def test_berkes_refusal_is_said_in_its_words_and_only_a_wrong_key_is_called_one(
    code: str, said: str, expected: Verdict
) -> None:
    """Before: any refusal but a disabled API read "Berke refused the call for this account."
    with the verdict INVALID_KEY: a coordinator blocked for too many failed calls retyped the
    token, and made more of them, instead of waiting the 15 minutes Berke named."""
    token = "t" * 20

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"status": "error", "response": f"{said} ({token})", "responseCode": code[4:]}
        return httpx.Response(
            403, json=body, headers={"X-Response-Code": code, "X-Response-Message": said}
        )

    transport = httpx.MockTransport(handler)
    verdict = run(lambda: probe_berke("https://berke.example/api", token, transport=transport))
    assert verdict.verdict is expected
    assert f"The service said: “{said} («redacted»)”" in verdict.message
    # Ours, beside Berke's words: a block lifts by itself; waiting is the way out.
    assert ("wait, then test again" in verdict.message) is (expected is Verdict.THROTTLED)
    assert token not in verdict.message


@pytest.mark.parametrize(
    ("status", "said", "shown"),
    [
        (403, "Partner account suspended: contact marketplace support", True),
        (401, "Unauthorized", False),  # the status's name is no word of the service's
    ],
)
def test_smartrecruiters_refusal_of_the_key_keeps_its_words(
    status: int, said: str, shown: bool
) -> None:
    """Before: "The partner key was refused: it is wrong, regenerated or inactive.", whatever
    SmartRecruiters said of the refusal (a suspended partner account)."""
    key = "k" * 64

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"httpCode": status, "code": "FORBIDDEN", "message": f"{said}"}
        return httpx.Response(status, json=body)

    transport = httpx.MockTransport(handler)
    verdict = run(lambda: probe_smartrecruiters("https://sr.example/v1", key, transport=transport))
    assert verdict.verdict is Verdict.INVALID_KEY
    assert (f"The service said: “{said}”" in verdict.message) is shown
    assert key[:12] not in verdict.message


def test_a_page_that_is_not_the_api_is_a_wrong_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>Welcome</html>")

    transport = httpx.MockTransport(handler)
    verdict = run(
        lambda: probe_smartrecruiters("https://www.example.com", "k" * 64, transport=transport)
    )
    assert verdict.verdict is Verdict.WRONG_URL


def test_a_key_that_cannot_be_sent_gets_a_verdict_not_a_crash(sandbox: SandboxServer) -> None:
    verdict = run(
        lambda: probe_smartrecruiters(sandbox.sr_base_url, "p" * 30 + "\u00a0" + "p" * 33)
    )
    assert verdict.verdict is Verdict.INVALID_KEY
    assert "paste it again" in verdict.message


@pytest.mark.parametrize("proxies", UNUSABLE_PROXIES)
def test_a_proxy_setting_that_cannot_be_used_gets_a_verdict_naming_it(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, proxies: dict[str, str]
) -> None:
    """Before: the probe raised (an ImportError for ALL_PROXY=socks5://…, "Invalid port") and
    Test connection gave no verdict. The sandbox, on loopback, reads no proxy setting: it
    works as ever."""
    unusable_proxies(monkeypatch, proxies)
    ((variable, value),) = proxies.items()
    for probe, key in ((probe_smartrecruiters, "k" * 64), (probe_berke, "t" * 32)):
        verdict = run(partial(probe, "https://api.example.com/v1", key))
        assert verdict.verdict is Verdict.NO_NETWORK
        assert verdict.message.startswith(f"The proxy set in {variable} ({value}) cannot be used")
    assert run(partial(probe_smartrecruiters, sandbox.sr_base_url, DEMO_SR_KEY)).ok
    assert run(partial(probe_berke, sandbox.berke_base_url, DEMO_BERKE_TOKEN)).ok
