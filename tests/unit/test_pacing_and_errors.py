"""The pacer keeps under a ceiling without dropping calls; errors never carry a secret; the
clients' addresses and the proxies they go through."""

from __future__ import annotations

import asyncio
import logging
import re

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.errors import (
    ApiError,
    AuthError,
    NetworkError,
    ServerError,
    Service,
    ThrottledError,
    UnusableProxyError,
    redact,
)
from app.clients.http import RetryPolicy, require_secure_base_url
from app.clients.pacing import Pacer
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import ConnectionProfile, ProfileKind
from app.domain.urls import is_loopback_host
from tests.environment_proxies import UNUSABLE_PROXIES, only_proxies, unusable_proxies


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def test_pacer_never_exceeds_the_window_and_drops_nothing() -> None:
    clock = FakeClock()
    pacer = Pacer(3, 1.0, 8, clock=clock, sleep=clock.sleep)
    started: list[float] = []

    async def call() -> None:
        async with pacer.slot():
            started.append(clock.now)

    async def main() -> None:
        await asyncio.gather(*(call() for _ in range(10)))

    asyncio.run(main())
    assert len(started) == 10
    for i in range(len(started) - 3):
        assert started[i + 3] - started[i] >= 1.0  # never 4 starts within one window
    assert started[-1] == pytest.approx(3.0)  # and no slower than needed


def test_pacer_limits_calls_in_flight() -> None:
    pacer = Pacer(100, 1.0, 2)
    in_flight = 0
    peak = 0

    async def call() -> None:
        nonlocal in_flight, peak
        async with pacer.slot():
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.001)
            in_flight -= 1

    async def main() -> None:
        await asyncio.gather(*(call() for _ in range(8)))

    asyncio.run(main())
    assert peak == 2


def test_pacer_block_holds_every_call() -> None:
    clock = FakeClock()
    pacer = Pacer(10, 1.0, 8, clock=clock, sleep=clock.sleep)
    pacer.block_for(2.5)

    async def main() -> None:
        async with pacer.slot():
            pass

    asyncio.run(main())
    assert clock.now == pytest.approx(2.5)
    assert pacer.calls_left() == 9


def test_a_shorter_wait_asked_later_does_not_cut_a_longer_one_short() -> None:
    """With eight calls in flight, one 429 may say "Retry-After: 30" and the next "1". Before
    (the newest wait kept, not the longest), the second cut the hold to a second: every queued
    call went out 29 s early into more 429s, each counted toward the five a call may take."""
    clock = FakeClock()
    pacer = Pacer(10, 1.0, 8, clock=clock, sleep=clock.sleep)
    pacer.block_for(30.0)
    pacer.block_for(1.0)
    assert pacer.state().wait_seconds == pytest.approx(30.0)

    async def main() -> None:
        async with pacer.slot():
            pass

    asyncio.run(main())
    assert clock.now == pytest.approx(30.0)
    pacer.block_for(1.0)
    pacer.block_for(30.0)  # and a longer one asked later extends a shorter one
    assert pacer.state().wait_seconds == pytest.approx(30.0)


class StrictClock(FakeClock):
    """A fake clock on which a wait of nothing or less fails the test: the pacer would loop
    on it for ever (a start that never leaves the window), never reaching an assertion."""

    async def sleep(self, seconds: float) -> None:
        assert seconds > 0, f"a wait of {seconds} s"
        assert len(self.slept) < 10, f"still waiting after {self.slept}"
        await super().sleep(seconds)


def test_a_full_window_waits_exactly_until_its_oldest_start_leaves_it() -> None:
    """The wait is the oldest start's age short of the window, to the second, and a start
    exactly one window old has left it."""
    clock = StrictClock()
    pacer = Pacer(2, 10.0, 8, clock=clock, sleep=clock.sleep)

    async def starts_at(now: float) -> tuple[float, list[float]]:
        """A call arriving at ``now``: when it started, and the waits it took."""
        clock.now, clock.slept = now, []
        async with pacer.slot():
            pass
        return clock.now, clock.slept

    async def main() -> None:
        assert await starts_at(0.0) == (0.0, [])
        assert await starts_at(4.0) == (4.0, [])  # two in the window [0, 10): full
        assert pacer.calls_left() == 0
        assert await starts_at(4.0) == (10.0, [6.0])  # till the start at 0 is 10 s old
        assert await starts_at(10.0) == (14.0, [4.0])  # then till the one at 4 is
        clock.now = 19.5
        assert pacer.calls_left() == 0  # the starts at 10 and 14 are in it
        clock.now = 20.0
        assert pacer.calls_left() == 1  # the one at 10 is 10 s old: out of the window
        assert await starts_at(20.0) == (20.0, [])
        assert await starts_at(20.0) == (24.0, [4.0])  # 20 - 14 short of 10 s

    asyncio.run(main())


def test_redact_removes_secret_and_its_head() -> None:
    key = "K" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789"
    text = f"API key '{key}' is invalid; also '{key[:8]}…'"
    cleaned = redact(text, [key])
    assert key not in cleaned
    assert key[:8] not in cleaned
    assert cleaned.count("«redacted»") == 2


def test_error_sentences_name_service_and_quote_its_message() -> None:
    error = AuthError(Service.BERKE, http_status=403, service_code="403.1003",
                      service_message="API key '«redacted»' is invalid or inactive")  # fmt: skip
    assert str(error).startswith("Berke: The API key was refused")
    assert "The service said: “API key '«redacted»' is invalid or inactive”" in str(error)
    assert "403.1003" in repr(error)
    assert not error.is_transient
    assert ServerError(Service.SMARTRECRUITERS).is_transient
    assert NetworkError(Service.SMARTRECRUITERS).is_transient
    assert ThrottledError(Service.BERKE, wait_seconds=1).is_transient
    assert ThrottledError(Service.BERKE, wait_seconds=1, is_daily_limit=True).is_transient
    assert isinstance(error, ApiError)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://api.smartrecruiters.com/v1/", True),
        ("http://127.0.0.1:8765/sr/v1", True),
        ("http://localhost:1/x", True),
        ("http://[::1]:1/x", True),
        ("http://api.smartrecruiters.com/v1", False),
        ("http://10.0.0.5/x", False),
        ("ftp://x.test", False),
        ("https://user:pw@x.test", False),
        ("https://x.test/?key=1", False),
        ("https://x.test/v1?", False),  # a bare "?": the calls went after it
        ("https://x.test/v1#", True),  # a bare "#": httpx drops it, the calls went right
        ("https://x.test/v1##", False),
        ("https://x.test/v1?#", False),
        ("https://x.test/v1#/", False),
        ("not a url", False),
        # What passed the check and failed each start ("Invalid port: 'v1'", an IDNA error):
        ("https://api.smartrecruiters.com:v1", False),  # ":" typed for "/"
        ("https://example.com:99999/v1", False),
        ("https://example.com:0/v1", False),
        ("https://exa mple.com/v1", False),
        ("https://exam\u00a0ple.com/v1", False),
        ("https://exa\tmple.com/v1", False),
        ("https://xn--/v1", False),
        ("https://a..b/v1", False),
        ("https://-/v1", False),
        ("https://%zz/v1", False),
        ("https://[::1/v1", False),
        ("https://" + "a" * 64 + ".com/v1", False),
        ("https://256.1.1.1/v1", False),  # four numbers httpx takes for an IPv4 address
        ("https://010.0.0.1/v1", False),
        # ... and what a request can be made to:
        ("https://api.smartrecruiters.com:443/v1", True),
        ("https://bücher.example/api", True),
        ("https://xn--bcher-kva.example/api", True),
        ("https://my_host.internal/api", True),
        ("https://example.com./v1", True),
    ],
)
def test_base_urls_must_be_https_except_loopback(url: str, ok: bool) -> None:
    if ok:
        assert not require_secure_base_url(url, Service.SMARTRECRUITERS).endswith("/")
    else:
        with pytest.raises(ValueError, match="SmartRecruiters"):
            require_secure_base_url(url, Service.SMARTRECRUITERS)


def test_an_address_refusal_says_what_is_wrong_in_a_line() -> None:
    with pytest.raises(ValueError, match="has “v1” where a port number"):
        require_secure_base_url("https://api.smartrecruiters.com:v1", Service.SMARTRECRUITERS)
    with pytest.raises(ValueError, match="spaces or invisible characters"):
        require_secure_base_url("https://exam\u00a0ple.com/v1", Service.BERKE)
    # A password holding "/" ended the server part early: its start was quoted as a port.
    with pytest.raises(ValueError, match="must not carry a query or credentials") as secret:
        require_secure_base_url("https://user:Zk3Rt9/QpLm@berke.example/api", Service.BERKE)
    assert "Zk3Rt9" not in str(secret.value)
    with pytest.raises(ValueError, match="no valid server name") as refused:
        require_secure_base_url("https://" + "a" * 300 + ".com/v1", Service.BERKE)
    assert len(str(refused.value)) < 120


@pytest.mark.parametrize(
    ("service", "field", "address", "mark"),
    [
        (Service.SMARTRECRUITERS, "sr_base_url", "https://api.smartrecruiters.com/v1?", "?"),
        (Service.BERKE, "berke_base_url", "https://site.berkeassessment.com/api?", "?"),
        (Service.BERKE, "berke_base_url", "https://site.berkeassessment.com/api#top", "#"),
    ],
)
def test_an_address_ending_in_a_question_mark_is_refused_with_the_way_out(
    service: Service, field: str, address: str, mark: str
) -> None:
    """Pasted from a browser's bar, "https://api.smartrecruiters.com/v1?" passed (its query is
    empty) and was saved; every SmartRecruiters call then went to /v1?… (its path lost), and
    every Berke method was posted to /api?/GetJobs. Refused where it is typed, by Settings'
    own check and the clients', in words that say what to remove."""
    with pytest.raises(ValueError, match=re.escape(f"remove the “{mark}” and anything after it")):
        require_secure_base_url(address, service)
    problem = ConnectionProfile(name="Acme", **{field: address}).address_problem()
    assert problem is not None
    assert problem.field == field
    assert f"remove the “{mark}”" in problem.sentence
    client = SmartRecruitersClient if service is Service.SMARTRECRUITERS else BerkeClient
    with pytest.raises(ValueError, match=str(service)):
        client(address, "token-123456")


@pytest.mark.parametrize(
    "saved", ["https://api.smartrecruiters.com/v1#", "https://api.smartrecruiters.com/v1/#"]
)
def test_a_profile_saved_with_a_bare_hash_at_its_end_still_opens(saved: str) -> None:
    """Pasted from a browser's bar and saved when the check took it (its fragment empty):
    httpx drops an empty fragment, and every call went to the right path. Before: refused
    as a "#" with something after it, and the profile opened in demo mode at start."""
    profile = ConnectionProfile(name="Staging", kind=ProfileKind.CUSTOM, sr_base_url=saved)
    assert profile.address_problem() is None
    base = require_secure_base_url(saved, Service.SMARTRECRUITERS)
    assert base == "https://api.smartrecruiters.com/v1"
    request = httpx.Client(base_url=base).build_request("GET", "/assessments")
    assert str(request.url) == "https://api.smartrecruiters.com/v1/assessments"


def test_an_address_typed_with_its_scheme_in_capitals_is_taken_with_it_in_lower_case() -> None:
    """What reads the accepted address ("is it https?") must not take "HTTPS://" for another
    scheme: it once turned certificate checks off. The rest is kept as typed (paths may be
    case-sensitive)."""
    assert (
        require_secure_base_url("HTTPS://Api.Example.com/V1/", Service.BERKE)
        == "https://Api.Example.com/V1"
    )
    loopback = require_secure_base_url("Http://127.0.0.1:8080", Service.BERKE)
    assert loopback == "http://127.0.0.1:8080"


def test_loopback_detection() -> None:
    assert is_loopback_host("127.0.0.2")
    assert is_loopback_host("::1")
    assert not is_loopback_host("example.com")
    assert not is_loopback_host(None)


async def _list_one_order(client: SmartRecruitersClient) -> None:
    async with client:
        await client.list_orders(limit=1)


@pytest.mark.parametrize("proxies", UNUSABLE_PROXIES)
def test_a_client_of_a_loopback_address_reads_no_proxy_setting(
    monkeypatch: pytest.MonkeyPatch, proxies: dict[str, str]
) -> None:
    """The sandbox's address is never proxied; before, httpx made a connection for each proxy
    the environment named all the same, and one it could not make (ALL_PROXY=socks5://…, a
    typo) ended even demo mode's start: "Assessment Desk could not start"."""
    unusable_proxies(monkeypatch, proxies)

    async def made() -> None:
        clients = (
            SmartRecruitersClient("http://127.0.0.1:8765/sr/v1", "k" * 64),
            BerkeClient("http://127.0.0.1:8765/berke/api", "t" * 32),
            BerkeClient("http://[::1]:8765/berke/api", "t" * 32),
            SmartRecruitersClient("https://localhost:8443/sr/v1", "k" * 64),  # TLS as it was
        )
        for client in clients:
            await client.aclose()

    asyncio.run(made())


@pytest.mark.parametrize("proxies", UNUSABLE_PROXIES)
def test_a_proxy_setting_that_cannot_be_used_is_said_by_each_call_naming_it(
    monkeypatch: pytest.MonkeyPatch, proxies: dict[str, str]
) -> None:
    """Before: the client could not be made (an ImportError, "Invalid port: '80a'"), and with
    it the session, Settings' Test connection. Now each call is a network error that names
    the setting and what to do, and leaves nothing: not around the proxy either."""
    unusable_proxies(monkeypatch, proxies)
    client = SmartRecruitersClient("https://api.smartrecruiters.example/v1", "k" * 64)
    for _ in range(2):
        with pytest.raises(UnusableProxyError) as said:
            asyncio.run(_list_one_order(client))
        assert isinstance(said.value, NetworkError)
        assert not said.value.request_sent
    ((variable, value),) = proxies.items()
    assert f"The proxy set in {variable} ({value}) cannot be used: " in str(said.value)
    assert str(said.value).endswith("Correct or remove it, then try again.")


def test_a_proxy_settings_user_name_and_password_are_never_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_proxies(monkeypatch, {"https_proxy": "http://cora.k:Hunter2-secret@proxy.corp:80a"})
    client = SmartRecruitersClient("https://api.smartrecruiters.example/v1", "k" * 64)
    with pytest.raises(UnusableProxyError) as said:
        asyncio.run(_list_one_order(client))
    assert str(said.value) == (
        "SmartRecruiters: The proxy set in https_proxy (http://«redacted»@proxy.corp:80a) "
        "cannot be used: it is not a valid address (a “/”, “?”, “#”, “@” or “:” in its user "
        "name or password must be written percent-encoded, e.g. %2F for “/”). Correct or "
        "remove it, then try again."
    )


@pytest.mark.parametrize(
    "value",
    [
        "http://cora.k:Hunter2/secret@proxy.corp:3128",
        "http://cora.k:Summer#2024x@proxy.corp:3128",
        "http://cora.k:Pass?word99@proxy.corp:3128",
        "cora.k:Hunter2/secret@proxy.corp:3128",  # no scheme
    ],
)
def test_a_proxy_password_holding_a_slash_hash_or_question_mark_is_never_said(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    """Typed raw, the most common reason a proxy address does not parse: the user name and
    password were looked for before the first "/", "?" or "#", not found, and the address was
    said whole, in every call's error, Test connection's verdict and the log; httpx's reason
    quoted the password's start as the "port"."""
    only_proxies(monkeypatch, {"HTTPS_PROXY": value})
    with caplog.at_level(logging.WARNING):
        client = SmartRecruitersClient("https://api.smartrecruiters.example/v1", "k" * 64)
    with pytest.raises(UnusableProxyError) as said:
        asyncio.run(_list_one_order(client))
    secret = value.rpartition("@")[0].partition("://")[2] or value.rpartition("@")[0]
    for piece in (secret, "Hunter2", "Summer", "Pass", "word99", "secret"):
        assert piece not in str(said.value)
        assert piece not in caplog.text
    assert "«redacted»@proxy.corp:3128" in str(said.value)


def test_a_proxy_password_holding_an_at_sign_is_never_said(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The password is everything before the address's last "@". Before (cut at the first),
    a password holding "@", typed raw, was said from that "@" on in every call's error and
    the log (here with a port that is no number, so that the address cannot be used)."""
    only_proxies(monkeypatch, {"HTTPS_PROXY": "http://cora.k:Hunter2@Summer@proxy.corp:80a"})
    with caplog.at_level(logging.WARNING):
        client = SmartRecruitersClient("https://api.smartrecruiters.example/v1", "k" * 64)
    with pytest.raises(UnusableProxyError) as said:
        asyncio.run(_list_one_order(client))
    for piece in ("Hunter2", "Summer"):
        assert piece not in str(said.value)
        assert piece not in caplog.text
    assert "«redacted»@proxy.corp:80a" in str(said.value)


@pytest.mark.parametrize(
    "value",
    [
        "http://jdoe:2024#Winter@proxy.corp:3128",
        "http://jdoe:2024?Winter@proxy.corp:3128",
        "jdoe:2024#Winter@proxy.corp:3128",  # no scheme
    ],
)
def test_a_proxy_password_httpx_would_misread_is_never_said(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    """A password starting with digits and holding a "#" typed raw: httpx ends the address's
    server part at the "#", takes the user name for the host and the digits for the port,
    and accepts the setting. Before: the calls went to "jdoe", and their error named the
    proxy "(jdoe:2024)", the password's start. Now it is unusable, as when httpx refuses it:
    said with what to correct, and nothing sent."""
    only_proxies(monkeypatch, {"HTTPS_PROXY": value})
    with caplog.at_level(logging.WARNING):
        client = SmartRecruitersClient(
            "https://api.smartrecruiters.example/v1", "k" * 64, retry=RetryPolicy(read_retries=0)
        )
    with pytest.raises(UnusableProxyError) as said:
        asyncio.run(_list_one_order(client))
    assert not said.value.request_sent
    assert "«redacted»@proxy.corp:3128) cannot be used: " in str(said.value)
    assert "must be written percent-encoded" in str(said.value)
    for piece in ("jdoe", "2024", "Winter"):
        assert piece not in str(said.value)
        assert piece not in caplog.text


def test_a_socks_proxy_carries_the_calls_to_a_real_endpoint(
    monkeypatch: pytest.MonkeyPatch, refused_port: int
) -> None:
    """ALL_PROXY=socks5://… is what VPN and proxy tools set: the desk installs httpx's SOCKS
    support (socksio), and the call goes to the proxy (here one that refuses it)."""
    only_proxies(monkeypatch, {"ALL_PROXY": f"socks5://127.0.0.1:{refused_port}"})
    client = SmartRecruitersClient(
        "https://api.smartrecruiters.example/v1", "k" * 64, retry=RetryPolicy(read_retries=0)
    )
    with pytest.raises(NetworkError, match="nothing answered at that address") as said:
        asyncio.run(_list_one_order(client))
    assert not isinstance(said.value, UnusableProxyError)


@pytest.mark.parametrize("service", ["SmartRecruiters", "Berke"])
def test_a_network_error_names_the_proxy_from_the_environment_it_went_through(
    monkeypatch: pytest.MonkeyPatch, refused_port: int, caplog: pytest.LogCaptureFixture,
    service: str,
) -> None:  # fmt: skip
    """Before: "… could not connect (nothing answered at that address)", "that address" read
    as the API's, the one typed in Settings, which was right: the proxy HTTPS_PROXY named
    (stale, from an old VPN profile) was never said. Its user name and password never are."""
    only_proxies(monkeypatch, {"HTTPS_PROXY": f"http://cora.k:Hunter2@127.0.0.1:{refused_port}"})

    async def call() -> None:
        if service == "Berke":
            async with BerkeClient(
                "https://berke.example/api", "t" * 20, retry=RetryPolicy(read_retries=0)
            ) as berke:
                await berke.get_jobs()
        else:
            await _list_one_order(
                SmartRecruitersClient(
                    "https://api.smartrecruiters.example/v1",
                    "k" * 64,
                    retry=RetryPolicy(read_retries=0),
                )
            )

    with caplog.at_level(logging.DEBUG), pytest.raises(NetworkError) as said:
        asyncio.run(call())
    assert str(said.value) == (
        f"{service}: The service could not be reached (network, proxy or firewall problem): "
        "could not connect (nothing answered at that address), through the proxy in "
        f"HTTPS_PROXY (127.0.0.1:{refused_port})."
    )
    for piece in ("Hunter2", "cora.k"):
        assert piece not in repr(said.value)
        assert piece not in caplog.text


def test_a_socks_proxy_from_all_proxy_is_named_too(
    monkeypatch: pytest.MonkeyPatch, refused_port: int
) -> None:
    only_proxies(monkeypatch, {"ALL_PROXY": f"socks5://127.0.0.1:{refused_port}"})
    client = SmartRecruitersClient(
        "https://api.smartrecruiters.example/v1", "k" * 64, retry=RetryPolicy(read_retries=0)
    )
    with pytest.raises(NetworkError) as said:
        asyncio.run(_list_one_order(client))
    assert str(said.value).endswith(f", through the proxy in ALL_PROXY (127.0.0.1:{refused_port}).")


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"HTTPS_PROXY": "http://proxy.corp:3128"}, "the proxy in HTTPS_PROXY (proxy.corp:3128)"),
        ({"https_proxy": "proxy.corp:3128"}, "the proxy in https_proxy (proxy.corp:3128)"),
        ({"HTTP_PROXY": "http://proxy.corp:3128"}, None),  # for http:// addresses only
        (
            {"HTTP_PROXY": "http://a.corp:1", "ALL_PROXY": "http://b.corp:2"},
            "the proxy in ALL_PROXY (b.corp:2)",
        ),
        ({"HTTPS_PROXY": "http://u:p%2Fw@proxy.corp"}, "the proxy in HTTPS_PROXY (proxy.corp)"),
        # httpx's "host and port" of it are the user name and the password's start.
        ({"HTTPS_PROXY": "http://jdoe:2024#Winter@proxy.corp:3128"}, "the proxy in HTTPS_PROXY"),
        ({"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "*"}, None),
        ({"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "corp.example"}, None),
        ({"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": ".corp.example"}, None),
        ({"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "API.corp.example"}, None),
        (
            {
                "HTTPS_PROXY": "http://proxy.corp:3128",
                "NO_PROXY": "other.example,corp.example:8443",
            },
            "the proxy in HTTPS_PROXY (proxy.corp:3128)",
        ),
        (
            {"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "http://api.corp.example"},
            "the proxy in HTTPS_PROXY (proxy.corp:3128)",
        ),
        (
            {"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "xcorp.example"},
            "the proxy in HTTPS_PROXY (proxy.corp:3128)",
        ),
    ],
)
def test_the_proxy_named_is_the_one_httpx_sends_the_calls_through(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], named: str | None
) -> None:
    """Named as httpx chooses it (NO_PROXY first, then the address's scheme, then ALL_PROXY),
    and said with a user name and password left out."""
    from app.clients.proxies import proxy_named_for

    only_proxies(monkeypatch, variables)
    url = httpx.URL("https://api.corp.example/v1")
    assert proxy_named_for(url) == named
    # The same choice as httpx's own, for a client that reads the environment.
    client = httpx.AsyncClient(trust_env=True)
    assert (client._transport_for_url(url) is not client._transport) is (named is not None)
    asyncio.run(client.aclose())


def test_an_address_not_to_proxy_that_cannot_be_read_is_said_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """httpx reads NO_PROXY as it makes a client: a typo there stopped it as well."""
    only_proxies(
        monkeypatch,
        {"HTTPS_PROXY": "http://proxy.corp:3128", "NO_PROXY": "localhost,.corp.example:80a"},
    )
    client = SmartRecruitersClient("https://api.smartrecruiters.example/v1", "k" * 64)
    with pytest.raises(UnusableProxyError) as said:
        asyncio.run(_list_one_order(client))
    assert (
        "The addresses not to proxy set in NO_PROXY (localhost,.corp.example:80a) cannot be "
        "used: “.corp.example:80a” is not a valid address (Invalid port: '80a')."
    ) in str(said.value)
