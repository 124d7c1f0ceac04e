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
    when one of them is what it could not be made for."""
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


def _unusable_proxy_server(settings: dict[str, str]) -> str | None:
    for scheme in _SCHEMES:
        value = settings.get(scheme)
        if not value:
            continue
        url = value if "://" in value else f"http://{value}"
        reason = _why_unusable(url, with_credentials=bool(_userinfo(value)))
        if reason is None:
            continue
        shown = _without_credentials(value)
        setting = _named("proxy", scheme, value, shown)
        return f"{setting} cannot be used: {reason}. Correct or remove it, then try again."
    return None


def _unusable_no_proxy_entry(exceptions: str) -> str | None:
    """The sentence for an address in NO_PROXY that httpx cannot read, or None."""
    entries = [entry.strip() for entry in exceptions.split(",")]
    if "*" in entries:
        return None  # no proxy at all: httpx reads no other entry
    for entry in filter(None, entries):
        # The pattern httpx makes of it: "all://*corp.example", "all://[::1]", "https://…".
        if "://" in entry:
            pattern = entry
        elif _is_ipv6(entry):
            pattern = f"all://[{entry}]"
        else:
            pattern = f"all://*{entry}"
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


def _without_credentials(value: str) -> str:
    userinfo = _userinfo(value)
    return value.replace(f"{userinfo}@", f"{REDACTED}@", 1) if userinfo else value
