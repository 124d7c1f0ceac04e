"""Small facts about addresses, shared by the clients (which refuse http off this computer)
and the assessment-URL checks."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback_host(host: str | None) -> bool:
    """True for this computer: localhost, 127.0.0.0/8, ::1."""
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_of(url: str) -> str | None:
    return urlsplit(url).hostname
