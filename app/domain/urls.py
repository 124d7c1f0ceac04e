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
