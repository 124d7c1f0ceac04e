"""Mutation-audit pins for app/clients/proxies.py: which proxy a call goes through as httpx
decides it (``proxy_named_for``, ``_not_proxied``, ``_host_matches``), how it is named
(``_host_and_port``), and a password httpx would misread (``_credentials_misread``)."""

from __future__ import annotations

import asyncio
import logging
import urllib.request

import httpx
import pytest

from app.clients.proxies import (
    EnvironmentProxyError,
    client_with_environment_proxies,
    proxy_named_for,
)
from tests.environment_proxies import only_proxies

PROXY = "http://proxy.corp:3128"


@pytest.mark.parametrize(
    ("variables", "url", "named"),
    [
        # The address's own scheme first, ALL_PROXY only without it.
        ({"HTTPS_PROXY": "http://a.corp:1", "ALL_PROXY": "http://b.corp:2"},
         "https://api.corp.example/v1", "the proxy in HTTPS_PROXY (a.corp:1)"),
        # An entry without a port takes the domain on any port.
        ({"HTTPS_PROXY": PROXY, "NO_PROXY": "corp.example"},
         "https://api.corp.example:8443/v1", None),
        # Entries as people type them, a space after each comma.
        ({"HTTPS_PROXY": PROXY, "NO_PROXY": "other.example, corp.example"},
         "https://api.corp.example/v1", None),
        # "corp.example" is that domain and its subdomains, not a name ending the same way.
        ({"HTTPS_PROXY": PROXY, "NO_PROXY": "corp.example"},
         "https://xcorp.example/v1", "the proxy in HTTPS_PROXY (proxy.corp:3128)"),
        # An entry with a scheme is that host only, not its subdomains.
        ({"HTTPS_PROXY": PROXY, "NO_PROXY": "https://corp.example"},
         "https://api.corp.example/v1", "the proxy in HTTPS_PROXY (proxy.corp:3128)"),
        # A scheme alone: every address of that scheme goes direct.
        ({"HTTPS_PROXY": PROXY, "NO_PROXY": "https://"}, "https://api.corp.example/v1", None),
        # An IPv6 proxy is named so that its port is told from its address.
        ({"HTTPS_PROXY": "http://[fd00::1]:3128"},
         "https://api.corp.example/v1", "the proxy in HTTPS_PROXY ([fd00::1]:3128)"),
    ],
)  # fmt: skip
def test_the_proxy_named_is_the_one_httpx_chooses(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], url: str, named: str | None
) -> None:
    """A network error names the proxy the call went through: a wrong one sends the
    coordinator to check a proxy the call never used, or the address typed in Settings."""
    only_proxies(monkeypatch, variables)
    target = httpx.URL(url)
    assert proxy_named_for(target) == named
    client = httpx.AsyncClient(trust_env=True)
    assert (client._transport_for_url(target) is not client._transport) is (named is not None)
    asyncio.run(client.aclose())


def test_a_proxy_from_the_systems_settings_is_named_as_such(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On Windows and macOS the proxy may come from the system, not a variable: "the proxy in
    None" named nothing the coordinator could look for."""
    only_proxies(monkeypatch, {})
    monkeypatch.setattr(urllib.request, "getproxies", lambda: {"https": PROXY})
    assert proxy_named_for(httpx.URL("https://api.corp.example/v1")) == (
        "the proxy in the system's network settings (proxy.corp:3128)"
    )


@pytest.mark.parametrize(
    "value",
    [
        "http://jdoe:2024/Winter@proxy.corp:3128",  # a "/" in the password, typed raw
        "http://jdoe:2024#Winter@proxy.corp:3128/",  # a "#", and the address ends with "/"
    ],
)
def test_a_password_httpx_would_misread_is_refused_and_never_named(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, value: str
) -> None:
    """httpx ends the server part at the first "/", "?" or "#": "jdoe" becomes the host and
    "2024" the port, the calls go there, and a sentence naming "(jdoe:2024)" quoted the
    password's start. Refused before any call, and never named by its pieces."""
    only_proxies(monkeypatch, {"HTTPS_PROXY": value})
    assert proxy_named_for(httpx.URL("https://api.corp.example/v1")) == "the proxy in HTTPS_PROXY"
    made: list[httpx.AsyncClient] = []

    def make() -> httpx.AsyncClient:
        made.append(httpx.AsyncClient(trust_env=True))
        return made[-1]

    with caplog.at_level(logging.WARNING), pytest.raises(EnvironmentProxyError) as said:
        client_with_environment_proxies(make)
    assert made == []
    assert "«redacted»@proxy.corp:3128" in str(said.value)
    for piece in ("jdoe", "2024", "Winter"):
        assert piece not in str(said.value)
        assert piece not in caplog.text
