"""Small facts about addresses, shared by the clients (which refuse http off this computer)
and the assessment-URL checks."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

#: A label of an ASCII host name. Underscores pass, as httpx lets them (some internal names
#: have them).
_ASCII_LABEL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")
#: What httpx takes for an IPv4 address, and refuses when it is not one.
_IPV4_STYLE = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
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
    """The base URL without a trailing slash and with its scheme in lower case; https is
    required except on loopback.

    Both services take secrets in every call: they must never cross a network in clear text.
    ``service`` names it in the refusal ("SmartRecruiters", "Berke").
    """
    text = base_url.strip()
    if any(char.isspace() or not char.isprintable() for char in text):
        raise ValueError(f"The {service} address must not hold spaces or invisible characters.")
    if "@" in text:
        # Checked first, and without quoting anything: a password holding "/" ends the
        # server part early, and its start would be quoted below as a port or a name.
        raise ValueError(f"The {service} address must not carry a query or credentials.")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # an unclosed [ of an IPv6 address
        raise ValueError(f"The {service} address is not a valid web address.") from exc
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise ValueError(f"The {service} address must be a full http(s) URL.")
    given = bad_port(parts)
    if given is not None:
        raise ValueError(
            f"The {service} address has “{given}” where a port number (1 to 65535) goes, "
            "after the “:” that follows the server name."
        )
    if not is_valid_host(parts.hostname):
        shown = parts.hostname if len(parts.hostname) <= 60 else parts.hostname[:59] + "…"
        raise ValueError(f"The {service} address has no valid server name: “{shown}”.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"The {service} address must start with https:// (only a service on this "
            "computer may use http)."
        )
    if parts.username or parts.password:
        raise ValueError(f"The {service} address must not carry a query or credentials.")
    # A bare "#" at the very end (pasted from a browser's bar) is no part of any call: httpx
    # drops an empty fragment, and a profile saved with one worked, and must still open.
    # Taken off, so that the calls' paths go after the path.
    if text.endswith("#") and text.count("#") == 1:
        text = text[:-1]
    # Any other "?" or "#", even a "?" with nothing after it: the calls add their paths after
    # the address, and would add them after the "?" (/v1?/assessments: every call to the
    # base itself). Refused where it is typed, with the way out.
    mark = next((char for char in text if char in "?#"), None)
    if mark is not None:
        raise ValueError(
            f"The {service} address must end with its path: remove the “{mark}” and "
            "anything after it."
        )
    # The scheme in lower case ("HTTPS://" is https): code that reads the returned text, such
    # as whether to check certificates, must never take a capitalised https for plain http.
    return parts.scheme + text[len(parts.scheme) :].rstrip("/")


def bad_port(parts: SplitResult) -> str | None:
    """What stands where the port goes when it is no number from 1 to 65535 ("abc", "99999",
    "0"), for the words that say so; None when there is no port, or a good one."""
    try:
        port = parts.port  # read here: a port that is no number in range raises
    except ValueError:
        port = 0
    if port != 0:
        return None
    return parts.netloc.rsplit("]", 1)[-1].rpartition(":")[2][:20]


def is_valid_host(host: str) -> bool:
    """A name a connection can be opened to: an IP address, an ASCII name of letters, digits,
    hyphens and dots (empty labels and hyphens at a label's ends refused), or an international
    name that IDNA encodes. What passed before and failed only when a request was made (and
    then as the app's start failing: "Invalid port", an IDNA error) is refused up front."""
    if ip_address_of(host) is not None:
        return True
    name = host.removesuffix(".")
    if _IPV4_STYLE.fullmatch(name):
        return False  # four numbers that are no IPv4 address (256.1.1.1, 010.0.0.1)
    if name.isascii() and "xn--" not in name.lower():
        return all(_ASCII_LABEL.fullmatch(label) for label in name.split("."))
    import idna  # httpx's own IDNA rules; only for the rare international name

    try:
        idna.encode(name.lower(), uts46=True)
    except (UnicodeError, ValueError):
        return False
    return True


_DEFAULT_PORTS = {"http": 80, "https": 443}


def same_origin(first: str, second: str) -> bool:
    """Whether two addresses reach one server: the same scheme, host and port (the paths may
    differ). A key saved for one is never sent to another."""
    try:
        one, other = urlsplit(first.strip()), urlsplit(second.strip())
        return (
            one.scheme.lower(),
            one.hostname,
            one.port or _DEFAULT_PORTS.get(one.scheme.lower()),
        ) == (
            other.scheme.lower(),
            other.hostname,
            other.port or _DEFAULT_PORTS.get(other.scheme.lower()),
        )
    except ValueError:  # a port out of range: no server to be the same
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


def same_server(first: str, second: str) -> bool:
    """``same_origin``, with a host's spellings taken as one: a final dot, capitals, its
    international form (bücher / xn--bcher-kva), and any name of this computer (localhost,
    127.0.0.1). For whether an address still reaches the same account's server, not for
    where a key may go (that stays ``same_origin``'s stricter rule)."""
    try:
        return _server(first) == _server(second)
    except ValueError:  # a port out of range, a name IDNA refuses: compared as typed
        return same_origin(first, second)


def _server(address: str) -> tuple[str, str, int | None]:
    parts = urlsplit(address.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if is_loopback_host(host):
        host = "localhost"
    else:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError as exc:
            raise ValueError(host) from exc
    return scheme, host, parts.port or _DEFAULT_PORTS.get(scheme)
