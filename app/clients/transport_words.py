"""Why a call got no answer, in a coordinator's words: a transport failure (no connection, a
timeout, a broken connection, a proxy's refusal) and a failed TLS handshake.

The operating system's and OpenSSL's own words ("[Errno 111] Connection refused", "[SSL:
CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)")
say the cause, but not for people: the sync bar and Test connection say these. Found with
plain searches: no pattern backtracks over a stranger's text.
"""

from __future__ import annotations

import re

import httpx

#: What each kind of failure is, before its cause.
_KINDS: tuple[tuple[type[httpx.TransportError], str], ...] = (
    (httpx.ConnectTimeout, "connecting timed out"),
    (httpx.ReadTimeout, "the service answered too slowly"),
    (httpx.WriteTimeout, "sending took too long"),
    (httpx.PoolTimeout, "too many calls were waiting for a connection"),
    # The proxy's own answer to the tunnel asked of it (a 407 wanting a password, a 403 for
    # a site it blocks), not a failure to connect.
    (httpx.ProxyError, "the proxy refused the call"),
    (httpx.ConnectError, "could not connect"),
    (httpx.RemoteProtocolError, "the connection was closed before an answer came"),
    (httpx.ReadError, "the connection broke while reading the answer"),
    (httpx.WriteError, "the connection broke while sending"),
)

#: The operating system's words for the usual network failures: "[Errno 111] Connection
#: refused" means nothing answered at that address.
_OS_WORDS = (
    ("connection refused", "nothing answered at that address"),
    ("all connection attempts failed", "nothing answered at that address"),
    ("name or service not known", "the address's name could not be found"),
    ("nodename nor servname", "the address's name could not be found"),
    ("temporary failure in name resolution", "the address's name could not be looked up"),
    ("getaddrinfo failed", "the address's name could not be found"),
    ("network is unreachable", "the network is unreachable"),
    ("no route to host", "the computer at that address cannot be reached"),
    ("connection reset", "the other side closed the connection"),
)

_UNTRUSTED_AUTHORITY = (
    "the server's certificate was issued by an authority this computer does not trust "
    "(a company proxy that inspects connections?)"
)
_SELF_SIGNED = "the server's certificate is self-signed, and this computer does not trust it"
_OLD_TLS = "the server offers only an old TLS version, which this computer refuses"
_CLOSED = "the connection was closed during the secure handshake (a firewall or proxy?)"
#: OpenSSL's reasons for a failed handshake (its certificate checks' words, and its own),
#: said for people. The first found is said: a longer reason comes before one it contains.
_TLS_WORDS = (
    ("certificate has expired",
     "the server's certificate has expired, or this computer's clock is wrong"),
    ("certificate is not yet valid",
     "the server's certificate is not valid yet: is this computer's clock right?"),
    ("self-signed certificate in certificate chain", _UNTRUSTED_AUTHORITY),
    ("self signed certificate in certificate chain", _UNTRUSTED_AUTHORITY),
    ("self-signed certificate", _SELF_SIGNED),
    ("self signed certificate", _SELF_SIGNED),
    ("unable to get local issuer certificate", _UNTRUSTED_AUTHORITY),
    ("unable to get issuer certificate", _UNTRUSTED_AUTHORITY),
    ("unable to verify the first certificate",
     "the server sent its certificate without the one that vouches for it"),
    ("hostname mismatch",
     "the server's certificate is made out for another name than the address's"),
    ("ip address mismatch", "the server's certificate is made out for another address"),
    ("certificate revoked", "the server's certificate has been revoked"),
    ("too weak", "the server's certificate uses cryptography too weak for this computer"),
    ("wrong version number", "the address does not speak https (plain http on that port?)"),
    ("unsupported protocol", _OLD_TLS),
    ("alert protocol version", _OLD_TLS),
    ("handshake failure", "the server and this computer have no encryption in common"),
    ("eof occurred in violation of protocol", _CLOSED),
    ("unexpected eof", _CLOSED),
)  # fmt: skip

_ERRNO = re.compile(r"\[Errno -?\d{1,5}\]\s?")
# OpenSSL's tag and Python's source line around its reason: "[SSL: CERTIFICATE_VERIFY_FAILED]",
# "(_ssl.c:1006)".
_SSL_TAG = re.compile(r"\[SSL(?:: [A-Z0-9_]{1,80})?\]\s?")
_SSL_LINE = re.compile(r"\s?\(_ssl\.c:\d{1,6}\)")


def describe_transport_error(
    exc: httpx.TransportError, *, read_seconds: float | None = None, through: str | None = None
) -> str:
    """What happened, for people: "could not connect (nothing answered at that address)".

    ``read_seconds``: the client's read timeout, said of a read that timed out (httpcore says
    only "timed out"). ``through``: how a sentence names the proxy the call went through
    (``app.clients.proxies.proxy_named_for``): without it, "nothing answered at that address"
    reads as the service's address, and the coordinator checks the one they typed."""
    detail = _plain(str(exc))
    if isinstance(exc, httpx.ReadTimeout) and read_seconds is not None:
        detail = f"nothing came for {read_seconds:g} seconds"
    happened = next((words for kind, words in _KINDS if isinstance(exc, kind)), None)
    if happened is None:
        said = detail or type(exc).__name__
    else:
        said = f"{happened} ({detail})" if detail else happened
    return f"{said}, through {through}" if through else said


def tls_reason(text: str) -> str | None:
    """OpenSSL's reason in ``text`` (a failed handshake's message) said for people, or None
    when it is not one of the usual ones."""
    folded = text.casefold()
    for words, plain in _TLS_WORDS:
        if words in folded:
            return plain
    return None


def tls_detail(text: str) -> str:
    """A failed handshake's message without OpenSSL's tag and Python's source line: "certificate
    verify failed: …", for a reason :func:`tls_reason` does not know."""
    return _SSL_LINE.sub("", _SSL_TAG.sub("", text)).strip()


def _plain(detail: str) -> str:
    folded = detail.casefold()
    for words, plain in _OS_WORDS:
        if words in folded:
            return plain
    return _ERRNO.sub("", detail).strip()
