"""The desk's one TLS context (``app.clients.tls``), over real TLS on loopback: a session of
https addresses reads one certificate bundle, off the event loop, and still verifies every
certificate as httpx would (``SSL_CERT_FILE`` honoured, an untrusted one refused)."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.clients import tls
from app.clients.errors import ApiError
from app.domain.connection import ConnectionProfile, Credentials
from app.sandbox.config import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.workflows.reachability import check_reachability
from app.workflows.session import open_session, prepare_session


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate it signed for localhost: (CA file, cert file, key file)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Desk test CA"))
        .issuer_name(_name("Desk test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca.public_bytes(pem))
    cert_file.write_bytes(leaf.public_bytes(pem))
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_file, cert_file, key_file


class _EmptyListing(BaseHTTPRequestHandler):
    """Any GET: an empty SmartRecruiters page; any HEAD: 200."""

    def do_GET(self) -> None:
        body = json.dumps({"limit": 1, "offset": 0, "totalFound": 0, "content": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An https server on loopback: (its base URL, the CA file that trusts it)."""
    ca_file, cert_file, key_file = _certificates(tmp_path_factory.mktemp("tls"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyListing)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_address[1]}", ca_file
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def bundle_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each certificate bundle read (``ssl.create_default_context``): the thread it ran on.
    The desk's context is built afresh for the test."""
    reads: list[str] = []
    real = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        reads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    monkeypatch.setattr(tls, "_context", None)
    return reads


def _profile(base: str) -> ConnectionProfile:
    return ConnectionProfile(
        name="Real", sr_base_url=f"{base}/sr/v1", berke_base_url=f"{base}/berke"
    )


CREDENTIALS = Credentials(sr_partner_key=DEMO_SR_KEY, berke_api_token=DEMO_BERKE_TOKEN)


async def _orders_found(profile: ConnectionProfile, *, prepare: bool = False) -> int:
    """A session of ``profile`` opened (``prepare_session`` first, as the desk does, if
    ``prepare``), asked for one order, closed: the orders SmartRecruiters says it has."""
    if prepare:
        await prepare_session(profile)
    session = open_session(profile, CREDENTIALS)
    try:
        page = await session.sr.list_orders(limit=1)
    finally:
        await session.aclose()
    return page.total_found


def test_a_session_of_https_addresses_reads_one_bundle_off_the_loop(
    https_server: tuple[str, Path],
    bundle_reads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, ca_file = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # trusted as httpx itself would

    assert (
        asyncio.run(_orders_found(_profile(base), prepare=True)) == 0
    )  # a real TLS exchange, verified against the CA
    assert len(bundle_reads) == 1  # two clients, one bundle read (it was one each)
    assert bundle_reads[0] != threading.main_thread().name  # in a worker, not on the loop


def test_the_shared_context_still_refuses_a_certificate_no_one_trusts(
    https_server: tuple[str, Path],
    bundle_reads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, _ = https_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)

    with pytest.raises(ApiError, match="certificate"):
        asyncio.run(_orders_found(_profile(base)))


def test_an_https_address_spelt_in_capitals_still_refuses_an_untrusted_certificate(
    https_server: tuple[str, Path],
    bundle_reads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every address check passed "HTTPS://…" and the client then chose no certificate check
    from the text as typed: the partner key went to a server nobody had verified."""
    base, _ = https_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    capitalised = base.replace("https://", "HTTPS://", 1)
    assert _profile(capitalised).address_problem() is None  # Settings and --configure take it

    with pytest.raises(ApiError, match="certificate"):
        asyncio.run(_orders_found(_profile(capitalised)))


def test_address_checks_share_the_context(
    https_server: tuple[str, Path],
    bundle_reads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The assessment link's check read a bundle on the loop each time it ran."""
    base, ca_file = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))

    async def scenario() -> list[bool]:
        checks = [await check_reachability(f"{base}/start/{n}") for n in range(3)]
        return [check.ok for check in checks]

    assert asyncio.run(scenario()) == [True, True, True]
    assert len(bundle_reads) == 1
    assert bundle_reads[0] != threading.main_thread().name


def test_a_context_that_cannot_be_built_does_not_fail_the_start_ahead(
    bundle_reads: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A stale SSL_CERT_FILE: built ahead, it must not end the start before the keys were
    looked at (none: demo mode); the clients meet it, where they did before."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "gone.pem"))
    asyncio.run(prepare_session(_profile("https://localhost:1")))
    with pytest.raises(FileNotFoundError):
        tls.tls_context()
