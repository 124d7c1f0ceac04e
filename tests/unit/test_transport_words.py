"""Mutation-audit pins for app/clients/transport_words.py: OpenSSL's and the system's words
about a failed call, said for people (``tls_reason``, ``tls_detail``,
``describe_transport_error``)."""

from __future__ import annotations

import httpx
import pytest

from app.clients.transport_words import describe_transport_error, tls_detail, tls_reason


@pytest.mark.parametrize(
    ("openssl", "said"),
    [
        # A longer reason before the one it holds: a chain ending in a self-signed root is a
        # company proxy inspecting connections, not a self-signed server.
        ("self-signed certificate in certificate chain", "an authority this computer does not"),
        ("self signed certificate in certificate chain", "an authority this computer does not"),
        ("self signed certificate", "the server's certificate is self-signed"),
        ("wrong version number", "the address does not speak https"),
        ("unexpected eof while reading", "closed during the secure handshake"),
        ("EOF occurred in violation of protocol", "closed during the secure handshake"),
        ("tlsv1 alert protocol version", "only an old TLS version"),
        ("unsupported protocol", "only an old TLS version"),
        ("sslv3 alert handshake failure", "no encryption in common"),
        ("unable to verify the first certificate", "without the one that vouches for it"),
        ("IP address mismatch, certificate is not valid for '10.0.0.5'", "for another address"),
        ("certificate revoked", "has been revoked"),
        ("ca md too weak", "cryptography too weak"),
        ("unable to get issuer certificate", "an authority this computer does not"),
    ],
)
def test_each_known_handshake_failure_is_said_for_people(openssl: str, said: str) -> None:
    text = f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {openssl} (_ssl.c:1006)"
    reason = tls_reason(text)
    assert reason is not None
    assert said in reason


def test_a_bare_ssl_tag_is_taken_off_an_unknown_reason() -> None:
    """Python writes "[SSL] …" when OpenSSL gives no reason code."""
    assert tls_detail("[SSL] PEM lib (_ssl.c:3900)") == "PEM lib"


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        # A timeout often comes without words: said alone, not "connecting timed out ()".
        (httpx.ConnectTimeout(""), "connecting timed out"),
        (httpx.ConnectTimeout("timed out"), "connecting timed out (timed out)"),
        # The system's number goes, its words stay; a negative one (getaddrinfo's) too.
        (httpx.ConnectError("[Errno 112] Host is down"), "could not connect (Host is down)"),
        (httpx.ConnectError("[Errno -5] No address associated with hostname"),
         "could not connect (No address associated with hostname)"),
        # A failure of no kind listed: its words, else its kind's name.
        (httpx.UnsupportedProtocol("Request URL is missing an 'http://' or 'https://' protocol."),
         "Request URL is missing an 'http://' or 'https://' protocol."),
        (httpx.UnsupportedProtocol(""), "UnsupportedProtocol"),
    ],
)  # fmt: skip
def test_a_transport_failure_is_said_by_its_kind_and_its_plain_cause(
    raised: httpx.TransportError, said: str
) -> None:
    assert describe_transport_error(raised) == said
