"""Small facts about addresses, shared by the clients (which refuse http off this computer)
and the assessment-URL checks."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


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


def require_secure_base_url(base_url: str, service: str) -> str:
    """The base URL without a trailing slash; https is required except on loopback.

    Both services take secrets in every call: they must never cross a network in clear text.
    ``service`` names it in the refusal ("SmartRecruiters", "Berke").
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The {service} address must be a full http(s) URL.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"The {service} address must start with https:// (only a service on this "
            "computer may use http)."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"The {service} address must not carry a query or credentials.")
    return base_url.strip().rstrip("/")


def host_of(url: str) -> str | None:
    return urlsplit(url).hostname


def ip_address_of(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``host`` as an IP address when it is one (brackets and a zone id allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_internal_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not on the open internet: loopback, private, link-local, shared, reserved, unspecified,
    or multicast; also an IPv6 form that carries such an IPv4 address (mapped, compatible,
    6to4, NAT64, Teredo), since a connection to it reaches the same place."""
    if address.is_multicast or not address.is_global:
        return True
    if isinstance(address, ipaddress.IPv6Address):
        embedded: list[ipaddress.IPv4Address] = []
        if address.ipv4_mapped is not None:
            embedded.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            embedded.append(address.sixtofour)
        if address.teredo is not None:
            embedded.append(address.teredo[1])
        if address in _NAT64 or address in _IPV4_COMPATIBLE:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return any(inner.is_multicast or not inner.is_global for inner in embedded)
    return False
