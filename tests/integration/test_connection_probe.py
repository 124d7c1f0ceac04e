""" "Test connection" against the sandbox (good keys, wrong key, customer key, wrong path, closed
port) and against mock transports for what a sandbox cannot show (TLS, API disabled, a proxy,
a sign-in page): each verdict says why, in the service's words where it gave some."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

import httpx
import pytest

from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.workflows.connection_test import Verdict, probe_berke, probe_smartrecruiters
from tests.environment_proxies import UNUSABLE_PROXIES, only_proxies, unusable_proxies
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


# -- why it failed, kept in the verdict ------------------------------------------------------


def _raising(exc: Exception) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return httpx.MockTransport(handler)


def _both_verdicts(transport: httpx.AsyncBaseTransport) -> list[str]:
    """The verdicts of both probes through ``transport`` (real addresses, never reached)."""

    async def go() -> list[str]:
        sr = await probe_smartrecruiters(
            "https://api.smartrecruiters.com/v1", "k" * 64, transport=transport
        )
        berke = await probe_berke(
            "https://site.berkeassessment.com/api", "token-123456", transport=transport
        )
        return [sr.message, berke.message]

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (httpx.ConnectError("[Errno -2] Name or service not known"), "name could not be found"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "nothing answered"),
        (httpx.ProxyError("407 Proxy Authentication Required"), "407 Proxy Authentication"),
    ],
    ids=["mistyped-host", "closed-port", "proxy-wants-a-password"],
)
def test_the_verdict_says_why_no_connection_was_made(exc: Exception, said: str) -> None:
    """Before: all three read "No connection: the address could not be reached (network,
    proxy, firewall, or a wrong host name or port)", though the client had found which (and
    the sync bar said it): a newcomer with a proxy asking for a password checked the host."""
    for message in _both_verdicts(_raising(exc)):
        assert message.startswith("No connection: "), message
        assert said.lower() in message.lower(), message
        assert "Errno" not in message


def test_a_server_that_never_answers_is_said_slow_not_unreachable() -> None:
    """Before: "No connection: the address could not be reached", after 30 s of waiting on a
    connection the server had accepted."""
    for message in _both_verdicts(_raising(httpx.ReadTimeout("timed out"))):
        assert "could not be reached" not in message, message
        assert "answered too slowly" in message, message
        assert "The address was reached" in message, message


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("certificate has expired", "has expired"),
        (
            "Hostname mismatch, certificate is not valid for 'api.smartrecruitres.com'.",
            "made out for another name",
        ),
        ("self-signed certificate", "self-signed"),
        (
            "self-signed certificate in certificate chain",
            "an authority this computer does not trust",
        ),
    ],
    ids=["expired", "another-name", "self-signed", "untrusted-chain"],
)
def test_the_tls_verdict_says_what_is_wrong_with_the_certificate(reason: str, said: str) -> None:
    """Before: one sentence whatever the cause ("not trusted (a company proxy? the computer's
    clock?) or the address does not speak https")."""
    exc = httpx.ConnectError(
        f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {reason} (_ssl.c:1006)"
    )
    for message in _both_verdicts(_raising(exc)):
        assert said in message, message
        assert "_ssl.c" not in message
        assert "[SSL" not in message


def test_a_proxy_that_is_down_is_named_in_the_verdict(
    monkeypatch: pytest.MonkeyPatch, closed_port: int
) -> None:
    """Before: "No connection: the address could not be reached (…)": the newcomer checked
    the API address they typed, which was right; the proxy HTTPS_PROXY named (a stale one,
    from an old VPN profile) was never said. Its user name and password never are."""
    only_proxies(monkeypatch, {"HTTPS_PROXY": f"http://cora.k:Hunter2@127.0.0.1:{closed_port}"})
    verdicts = [
        run(partial(probe_smartrecruiters, "https://api.smartrecruiters.com/v1", "k" * 64)),
        run(partial(probe_berke, "https://site.berkeassessment.com/api", "token-123456")),
    ]
    for verdict in verdicts:
        assert verdict.verdict is Verdict.NO_NETWORK
        assert verdict.message == (
            "No connection: could not connect (nothing answered at that address), through the "
            f"proxy in HTTPS_PROXY (127.0.0.1:{closed_port})."
        )


# -- the service's own words, beyond a refused key ---------------------------------------------


def _answering(answer: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(answer)


def test_a_maintenance_answer_keeps_its_words() -> None:
    """Before: "The SmartRecruiters service had a problem of its own (HTTP 503); try again
    later.", the service's "until 14:00 UTC" dropped (the sync bar kept it)."""
    said = "Down for maintenance until 14:00 UTC"
    for message in _both_verdicts(_answering(lambda r: httpx.Response(503, text=said))):
        assert message.endswith(f"(HTTP 503); try again later. The service said: “{said}”")


def test_berkes_own_envelope_on_a_5xx_keeps_its_words() -> None:
    said = "The API is disabled for maintenance until 14:00 UTC"
    token = "token-123456"

    def answer(request: httpx.Request) -> httpx.Response:
        body = {"status": "error", "response": f"{said} ({token})", "responseCode": "503"}
        headers = {"X-Response-Code": "503.1010", "X-Response-Message": said}
        return httpx.Response(503, json=body, headers=headers)

    verdict = run(
        lambda: probe_berke(
            "https://site.berkeassessment.com/api", token, transport=_answering(answer)
        )
    )
    assert verdict.verdict is Verdict.SERVICE_ERROR
    assert f"The service said: “{said} («redacted»)”" in verdict.message
    assert token not in verdict.message


def test_a_redirect_says_where_it_pointed() -> None:
    """Before: "Something answers at this address, but it is not the … API (an unexpected
    answer): check the path.", where the client had said to which host it was redirected."""

    def moved(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "https://www.smartrecruiters.com/v1"})

    for message in _both_verdicts(_answering(moved)):
        assert message.startswith(
            "The service redirected the call (HTTP 301) to www.smartrecruiters.com."
        ), message


def test_a_404_keeps_the_services_words_and_an_unreadable_answer_is_not_put_in_its_mouth() -> None:
    not_found = _both_verdicts(_answering(lambda r: httpx.Response(404, text="No such API")))
    for message in not_found:
        assert message.endswith("(HTTP 404): check the path. The service said: “No such API”")
    # The client's own finding is said as its own, not as the service's words.
    sr = run(
        lambda: probe_smartrecruiters(
            "https://api.smartrecruiters.com/v1",
            "k" * 64,
            transport=_answering(lambda r: httpx.Response(200, json={"hello": "world"})),
        )
    )
    assert sr.message == (
        "Something answers at this address, but it is not the SmartRecruiters API (the answer "
        "was not a page of items): check the path."
    )


SIGN_IN_TITLE = "Guest Wi-Fi – Sign in"
SIGN_IN_PAGE = (
    f"<!DOCTYPE html><html><head><title>{SIGN_IN_TITLE}</title></head>"
    "<body><form>…</form></body></html>"
)


def test_a_sign_in_page_answering_200_is_named_by_its_title() -> None:
    """Before: "… it is not the SmartRecruiters API (an unexpected answer): check the path.",
    the page's title, which names what stands in the way, dropped."""
    portal = _answering(lambda r: httpx.Response(200, html=SIGN_IN_PAGE))
    for message in _both_verdicts(portal):
        assert "a sign-in page, a proxy's page" in message, message
        assert message.endswith(f"The service said: “{SIGN_IN_TITLE}”"), message
