"""What both clients share: one long-lived ``httpx.AsyncClient``, pacing, and retry rules.

Retries here are only the safe ones: a 429 is a wait to schedule (the service's own figure is
respected), and an idempotent read is tried again after a network fault or a 5xx. A call that
changes remote state is never silently repeated after an uncertain failure: the journal decides.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from app.clients.errors import (
    ApiError,
    NetworkError,
    Service,
    ThrottledError,
    TlsError,
    redact,
)
from app.clients.pacing import Pacer
from app.domain.urls import is_loopback_host

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=60.0, pool=30.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=8, keepalive_expiry=30)


def require_secure_base_url(base_url: str, service: Service) -> str:
    """The base URL without a trailing slash; https is required except on loopback.

    Both services take secrets in every call: they must never cross a network in clear text.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"The {service.value} address must be a full http(s) URL.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"The {service.value} address must start with https:// (only a service on this "
            "computer may use http)."
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"The {service.value} address must not carry a query or credentials.")
    return base_url.strip().rstrip("/")


@dataclass
class RetryPolicy:
    """How patient a client is. Waits longer than ``max_wait_seconds`` are handed to the caller."""

    throttle_retries: int = 5
    max_wait_seconds: float = 60.0
    read_retries: int = 2
    read_backoff_seconds: float = 0.5


class ServiceHttp:
    """One service's connection: an ``httpx.AsyncClient``, a pacer, and the retry loop."""

    def __init__(
        self,
        service: Service,
        base_url: str,
        *,
        secrets: list[str],
        headers: dict[str, str] | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        limits: httpx.Limits = DEFAULT_LIMITS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        observe: Callable[[httpx.Response], None] | None = None,
    ) -> None:
        self.service = service
        self.observe = observe  # sees every answer (e.g. to read rate-limit headers)
        self.base_url = require_secure_base_url(base_url, service)
        self._secrets = secrets
        self.pacer = pacer
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self.http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=timeout,
            limits=limits,
            transport=transport,
            # Never follow a redirect with a secret to somewhere we did not choose.
            follow_redirects=False,
            # No TLS on a plain-http loopback address (the sandbox): building a TLS context
            # there would only add ways to fail (e.g. a stale SSL_CERT_FILE) and start-up time.
            verify=self.base_url.startswith("https://"),
        )

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def send(
        self,
        build: Callable[[], httpx.Request],
        check: Callable[[httpx.Response], ApiError | None],
        *,
        idempotent: bool,
    ) -> httpx.Response:
        """Send the request ``build`` makes (afresh each try), return the good response.

        ``check`` turns a response into the error it means, or None when it is a success.
        """
        throttled = 0
        faults = 0
        while True:
            request = build()
            try:
                if self.pacer is not None:
                    async with self.pacer.slot():
                        response = await self.http.send(request)
                else:
                    response = await self.http.send(request)
            except httpx.TransportError as exc:
                kind = TlsError if is_tls_failure(exc) else NetworkError
                error: ApiError = kind(
                    self.service, service_message=self.redact(_describe_transport_error(exc))
                )
                # A certificate does not fix itself in a second: only plain faults are retried.
                if idempotent and kind is NetworkError and faults < self.retry.read_retries:
                    faults += 1
                    await self._sleep(self.retry.read_backoff_seconds * 2 ** (faults - 1))
                    continue
                raise error from None
            if self.observe is not None:
                self.observe(response)
            error_or_none = check(response)
            if error_or_none is None:
                return response
            error = error_or_none
            if isinstance(error, ThrottledError):
                # A denied call was not executed: waiting and repeating it is safe for any call.
                if not self._may_wait(error, throttled):
                    if error.is_daily_limit and error.retry_at and self.pacer is not None:
                        # Remembered so that the status bar can say when calls resume.
                        self.pacer.note_daily_limit(error.retry_at)
                    raise error
                throttled += 1
                log.info("%s asked to wait %.2f s (429)", self.service.value, error.wait_seconds)
                if self.pacer is not None:
                    self.pacer.block_for(error.wait_seconds)
                else:
                    await self._sleep(error.wait_seconds)
                continue
            if idempotent and error.is_transient and faults < self.retry.read_retries:
                faults += 1
                await self._sleep(self.retry.read_backoff_seconds * 2 ** (faults - 1))
                continue
            raise error

    def _may_wait(self, error: ThrottledError, attempts: int) -> bool:
        return (
            not error.is_daily_limit
            and attempts < self.retry.throttle_retries
            and error.wait_seconds <= self.retry.max_wait_seconds
        )


_TLS_WORDS = ("ssl", "certificate", "tls", "handshake")


def is_tls_failure(exc: httpx.TransportError) -> bool:
    """Whether a transport error is about TLS, not reachability: httpx wraps ``ssl.SSLError``
    in a ``ConnectError`` whose message starts ``[SSL: ...]``."""
    if not isinstance(exc, httpx.ConnectError):
        return False
    cause: BaseException | None = exc.__cause__ or exc.__context__
    for _depth in range(10):  # a chain, but never trust it not to loop
        if cause is None:
            break
        if isinstance(cause, ssl.SSLError | ssl.CertificateError):
            return True
        cause = cause.__cause__ or cause.__context__
    text = str(exc).lower()
    return any(word in text for word in _TLS_WORDS)


def _describe_transport_error(exc: httpx.TransportError) -> str:
    kinds: list[tuple[type[httpx.TransportError], str]] = [
        (httpx.ConnectTimeout, "connecting timed out"),
        (httpx.ReadTimeout, "the service took too long to answer"),
        (httpx.WriteTimeout, "sending took too long"),
        (httpx.PoolTimeout, "too many calls were waiting for a connection"),
        (httpx.ConnectError, "could not connect"),
        (httpx.RemoteProtocolError, "the connection was closed before an answer came"),
        (httpx.ReadError, "the connection broke while reading the answer"),
        (httpx.WriteError, "the connection broke while sending"),
    ]
    for kind, words in kinds:
        if isinstance(exc, kind):
            detail = str(exc)
            return f"{words} ({detail})" if detail else words
    return str(exc) or type(exc).__name__
