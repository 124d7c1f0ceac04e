"""A proxy named in the environment that httpx cannot use, said in a coordinator's words.

httpx builds a connection for every proxy the environment names (``HTTP_PROXY``,
``HTTPS_PROXY``, ``ALL_PROXY``, or the system's settings on Windows and macOS), and reads each
address ``NO_PROXY`` lists, when a client is made, whether or not a call will ever use them: a
typo in one (``http://proxy:80a``) or a kind of proxy it does not support stops the client from
being made at all. Said as it was, that is a Python error ending the start; said here, it names
the setting, so that it can be corrected.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import urllib.request
from collections.abc import Callable

import httpx

from app.domain.redaction import REDACTED

log = logging.getLogger(__name__)

#: The proxy settings httpx reads, in the order it reads them.
_SCHEMES = ("http", "https", "all")
#: What making a client raises for a proxy setting it cannot use: a SOCKS proxy without the
#: ``socksio`` package (ImportError), a kind it does not know (ValueError), an address that
#: does not parse (InvalidURL).
_UNUSABLE = (ImportError, ValueError, httpx.InvalidURL)


#: Why a proxy address with a user name and password does not parse, without quoting it.
_WITH_CREDENTIALS = (
    "it is not a valid address (a “/”, “?”, “#”, “@” or “:” in its user name or password "
    "must be written percent-encoded, e.g. %2F for “/”)"
)


class EnvironmentProxyError(Exception):
    """A proxy the environment names cannot be used; ``str()`` says which and why, for people."""


def client_with_environment_proxies(make: Callable[[], httpx.AsyncClient]) -> httpx.AsyncClient:
    """``make()``, a client that reads the environment's proxies; :class:`EnvironmentProxyError`
    when one of them is what it could not be made for, or one httpx would misread."""
    problem = _misread_proxy_server()
    if problem is None:
        try:
            return make()
        except _UNUSABLE:
            problem = unusable_proxy()
            if problem is None:
                raise  # not a proxy's fault: the caller's own error
    log.warning("%s", problem)
    raise EnvironmentProxyError(problem) from None


def unusable_proxy() -> str | None:
    """The sentence for the first proxy setting httpx cannot use, or None when all can be."""
    settings = urllib.request.getproxies()  # where httpx reads them
    return _unusable_proxy_server(settings) or _unusable_no_proxy_entry(settings.get("no", ""))


def _misread_proxy_server() -> str | None:
    """The sentence for a proxy setting whose user name and password httpx would misread
    (``_credentials_misread``), or None when none is."""
    settings = urllib.request.getproxies()  # where httpx reads them
    if any(_credentials_misread(settings.get(scheme) or "") for scheme in _SCHEMES):
        return _unusable_proxy_server(settings)
    return None


def _unusable_proxy_server(settings: dict[str, str]) -> str | None:
    for scheme in _SCHEMES:
        value = settings.get(scheme)
        if not value:
            continue
        url = value if "://" in value else f"http://{value}"
        if _credentials_misread(value):
            reason: str | None = _WITH_CREDENTIALS
        else:
            reason = _why_unusable(url, with_credentials=bool(_userinfo(value)))
        if reason is None:
            continue
        shown = _without_credentials(value)
        setting = _named("proxy", scheme, value, shown)
        return f"{setting} cannot be used: {reason}. Correct or remove it, then try again."
    return None


def proxy_named_for(url: httpx.URL) -> str | None:
    """How a sentence names the proxy from the environment that calls to ``url`` go through
    ("the proxy in HTTPS_PROXY (proxy.corp:3128)"), never its user name or password; None
    when they go direct. Decided as httpx decides for a client that reads the environment: an
    address NO_PROXY lists goes direct, any other through the proxy for its scheme, or else
    ALL_PROXY's. A network error says it: "nothing answered at that address" is the proxy's
    address then, not the one typed in Settings."""
    settings = urllib.request.getproxies()  # where httpx reads them
    if _not_proxied(url, settings.get("no", "")):
        return None
    for scheme in (url.scheme, "all"):
        value = settings.get(scheme)
        if value:
            variable = _variable_of(scheme, value)
            where = f"in {variable}" if variable else "in the system's network settings"
            host = _host_and_port(value)
            return f"the proxy {where} ({host})" if host else f"the proxy {where}"
    return None


def _not_proxied(url: httpx.URL, exceptions: str) -> bool:
    """Whether NO_PROXY's ``exceptions`` take ``url`` out of any proxy (httpx's ``URLPattern``
    rules: "corp.example" is that domain and its subdomains, ".corp.example" its subdomains
    only, a port only that port)."""
    entries = [entry.strip() for entry in exceptions.split(",")]
    if "*" in entries:
        return True
    for entry in filter(None, entries):
        try:
            pattern = httpx.URL(_no_proxy_pattern(entry))
        except httpx.InvalidURL:
            continue  # httpx refused the client for it: no call is made to be said
        if pattern.scheme not in ("all", url.scheme):
            continue
        if pattern.port is not None and pattern.port != url.port:
            continue
        if _host_matches(pattern.host, url.host):
            return True
    return False


def _host_matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower(), host.lower()
    if not pattern or pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    if pattern.startswith("*"):
        return host == pattern[1:] or host.endswith(f".{pattern[1:]}")
    return host == pattern


def _host_and_port(value: str) -> str | None:
    """A proxy setting's host and port, the rest of it (a user name, a password) left out;
    None when httpx misreads its user name and password (``_credentials_misread``): its
    "host and port" are then pieces of them ("jdoe:2024" of "jdoe:2024#Winter@…")."""
    if _credentials_misread(value):
        return None
    try:
        url = httpx.URL(value if "://" in value else f"http://{value}")
    except httpx.InvalidURL:
        return _without_credentials(value)
    host = f"[{url.host}]" if ":" in url.host else url.host
    return host if url.port is None else f"{host}:{url.port}"


def _no_proxy_pattern(entry: str) -> str:
    """The pattern httpx makes of a NO_PROXY entry: "all://*corp.example", "all://[::1]",
    "https://…"."""
    if "://" in entry:
        return entry
    if _is_ipv6(entry):
        return f"all://[{entry}]"
    if _is_ipv4(entry) or entry.lower() == "localhost":
        return f"all://{entry}"
    return f"all://*{entry}"


def _unusable_no_proxy_entry(exceptions: str) -> str | None:
    """The sentence for an address in NO_PROXY that httpx cannot read, or None."""
    entries = [entry.strip() for entry in exceptions.split(",")]
    if "*" in entries:
        return None  # no proxy at all: httpx reads no other entry
    for entry in filter(None, entries):
        pattern = _no_proxy_pattern(entry)
        try:
            httpx.URL(pattern)
        except httpx.InvalidURL as exc:
            setting = _named("addresses not to proxy", "no", exceptions, exceptions)
            return (
                f"{setting} cannot be used: “{entry}” is not a valid address "
                f"({str(exc).rstrip('.')}). Correct or remove it, then try again."
            )
    return None


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _is_ipv4(text: str) -> bool:
    # httpx's test: the address, optionally a network ("192.168.0.0/16" is taken as a host).
    try:
        ipaddress.IPv4Address(text.partition("/")[0])
    except ValueError:
        return False
    return True


def _why_unusable(url: str, *, with_credentials: bool) -> str | None:
    try:
        # What httpx makes of a proxy setting (no connection is opened, no certificate read).
        httpx.AsyncHTTPTransport(proxy=url, verify=False)
    except ImportError:
        return "SOCKS proxies need the “socksio” package, which this installation lacks"
    except ValueError:
        return "a proxy address starts with http://, https://, socks5:// or socks5h://"
    except httpx.InvalidURL as exc:
        if with_credentials:
            # httpx's words quote a piece of the address (a password's "/" ends the host for
            # it, what follows a ":" is its "port"): with a user name and password in it, the
            # usual cause is said instead.
            return _WITH_CREDENTIALS
        return f"it is not a valid address ({str(exc).rstrip('.')})"
    return None


def _named(what: str, scheme: str, value: str, shown: str) -> str:
    """The setting as a sentence names it: "The proxy set in HTTPS_PROXY (http://…)"."""
    variable = _variable_of(scheme, value)
    if variable is None:
        return f"The {what} in the system's network settings ({shown})"
    return f"The {what} set in {variable} ({shown})"


def _variable_of(scheme: str, value: str) -> str | None:
    """The environment variable that holds ``value`` for ``scheme`` (None: the system's
    settings), spelt as it is set (``HTTPS_PROXY``, ``https_proxy``)."""
    wanted = f"{scheme}_proxy"
    for name, text in os.environ.items():
        if name.lower() == wanted and text == value:
            return name
    return None


def _userinfo(value: str) -> str:
    """The ``user:password`` part of a proxy address, or "": all before its last "@". Not cut
    at a "/", "?" or "#" first, as a URL's would be: typed raw, a password holds them, and
    cut there it was not found, and said in clear."""
    _scheme, separator, rest = value.partition("://")
    return (rest if separator else value).rpartition("@")[0]


def _credentials_misread(value: str) -> bool:
    """Whether httpx misreads a proxy setting's user name and password: an "@" after a "/",
    "?" or "#" (typed raw in a password, where it must be percent-encoded). httpx ends the
    server part at the first of those; when what comes before still parses
    ("http://jdoe:2024#Winter@proxy.corp:3128": the host "jdoe", the port 2024), it takes the
    setting, sends the calls to the user name, and a sentence naming that host and port
    quoted the password's start."""
    _scheme, separator, rest = value.partition("://")
    rest = rest if separator else value
    ends = [at for at in (rest.find(mark) for mark in "/?#") if at >= 0]
    return bool(ends) and "@" in rest[min(ends) :]


def _without_credentials(value: str) -> str:
    userinfo = _userinfo(value)
    return value.replace(f"{userinfo}@", f"{REDACTED}@", 1) if userinfo else value
