"""Proxy settings in the environment for a test: the ones httpx cannot use, and a clean slate."""

from __future__ import annotations

import sys

import pytest

#: What desks met in the field: ALL_PROXY=socks5://… (VPN and proxy tools set it) where the
#: optional socksio package is missing, a typo in a port, a kind of proxy httpx does not know.
UNUSABLE_PROXIES = [
    pytest.param({"ALL_PROXY": "socks5://127.0.0.1:7890"}, id="socks-without-socksio"),
    pytest.param({"HTTPS_PROXY": "http://proxy.corp:80a"}, id="typo-in-port"),
    pytest.param({"all_proxy": "socks4://127.0.0.1:1080"}, id="unknown-kind"),
]

_NAMES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def only_proxies(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> None:
    """The environment names ``variables`` as its proxy settings, and no other."""
    for name in _NAMES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def unusable_proxies(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]) -> None:
    """``only_proxies``, on a desk without socksio (so that a SOCKS proxy cannot be used)."""
    # httpcore loaded first, with its SOCKS support when socksio is installed: hidden before
    # httpcore's first import, socksio would stay missing for the rest of the run.
    import httpcore  # noqa: F401

    only_proxies(monkeypatch, variables)
    monkeypatch.setitem(sys.modules, "socksio", None)  # an import of it fails
