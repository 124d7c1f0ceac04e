"""What both clients share: one long-lived ``httpx.AsyncClient``, pacing, and retry rules.

Retries here are only the safe ones: a 429 is a wait to schedule (the service's own figure is
respected, within reason: one too long to sit out in the call holds every call until it ends),
and an idempotent read is tried again after a network fault or a 5xx.
A call that changes remote state is never silently repeated after an uncertain failure: the
journal decides.

Every answer is read within bounds (:mod:`app.clients.answers`): so many bytes, so many seconds.
Whatever the answer, a call ends in a result or an :class:`ApiError`.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

from app.clients.answers import AnswerLimits, read_body, with_body
from app.clients.errors import (
    AnswerTooSlowError,
    ApiError,
    NetworkError,
    Service,
    ThrottledError,
    TlsError,
    UnexpectedResponseError,
    UnusableProxyError,
    redact,
)
from app.clients.pacing import Pacer
from app.clients.page_words import stand_in_words
from app.clients.proxies import (
    EnvironmentProxyError,
    client_with_environment_proxies,
    proxy_named_for,
)
from app.clients.sending import about_to_send, denied
from app.clients.tls import tls_context
from app.clients.transport_words import describe_transport_error, tls_detail, tls_reason
from app.domain.date_words import time_on_day
from app.domain.service_time import local_time
from app.domain.urls import is_loopback_host, require_secure_base_url

log = logging.getLogger(__name__)

#: Methods that change nothing: a caller's sending hook (``app.clients.sending``) is about the
#: requests that may (unless the client says otherwise: ``send``'s ``may_change``).
_READS = frozenset({"GET", "HEAD", "OPTIONS"})

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=60.0, pool=30.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=8, max_keepalive_connections=8, keepalive_expiry=30)
#: The longest wait a service may ask for that is taken literally; more is read as this much.
#: A daily limit lifts within a day; 10^30 ms is a broken (or hostile) answer, not a plan.
MAX_SERVICE_WAIT_SECONDS = 86_400.0
#: What people see of a service's own message: enough for any real one, never a megabyte.
MAX_SERVICE_TEXT = 1_000
# delay-seconds of more digits than this are absurd (and int() of thousands of digits raises).
_MAX_DELAY_DIGITS = 12
#: How far a service's clock (its answers' ``Date``) may be from this machine's and be
#: believed: a day or more is a proxy's broken clock, not a machine set wrong.
CLOCK_BELIEVED = timedelta(days=1)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def clamp_wait(seconds: float) -> float:
    """``seconds`` within [0, MAX_SERVICE_WAIT_SECONDS]; NaN counts as no wait given (0)."""
    if not seconds >= 0:  # also catches NaN
        return 0.0
    return min(seconds, MAX_SERVICE_WAIT_SECONDS)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, per RFC 9110 §10.2.3.

    The value is either delay-seconds (digits only) or an HTTP-date. Anything else ("nan",
    "inf", "-5", "1.5", garbage) is unreadable: None, and the caller uses its own default.
    A date in the past is 0; the result never exceeds MAX_SERVICE_WAIT_SECONDS.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isascii() and text.isdigit():
        if len(text) > _MAX_DELAY_DIGITS:
            return MAX_SERVICE_WAIT_SECONDS
        return clamp_wait(float(text))
    when = _http_date(text)
    return None if when is None else clamp_wait((when - now).total_seconds())


def _http_date(text: str) -> datetime | None:
    """An HTTP-date (RFC 9110) as an aware time; None when it cannot be read."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # an HTTP-date is always GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    return when


def answer_date(response: httpx.Response, now: datetime) -> datetime | None:
    """The service's time when it answered (the answer's ``Date``), or None when the answer
    gives none that can be read, or none within ``CLOCK_BELIEVED`` of ``now`` (this machine's)."""
    said = response.headers.get("Date")
    theirs = _http_date(said) if said else None
    return theirs if theirs is not None and abs(theirs - now) < CLOCK_BELIEVED else None


def retry_after_seconds(response: httpx.Response, now: datetime) -> float | None:
    """The wait an answer's ``Retry-After`` asks for (:func:`parse_retry_after`), None when it
    gives none that can be read. ``now``: this machine's time when the answer came.

    An HTTP-date is on the service's clock (RFC 9110), so it is counted from the same answer's
    ``Date`` where that is believed: against this machine's clock, a desk 10 minutes slow read
    "in 30 s" as 630 s (and gave up), one running fast as no wait at all (and was refused
    again). Without a ``Date``, this machine's clock is the best there is.
    """
    service_now = answer_date(response, now)
    return parse_retry_after(
        response.headers.get("Retry-After"), service_now if service_now is not None else now
    )


@dataclass
class RetryPolicy:
    """How patient a client is. Waits longer than ``max_wait_seconds`` are handed to the caller.

    ``min_throttle_wait_seconds`` is the least wait after a 429, doubled on each further 429 of
    the same call: a service answering "retry after 0" must not get a tight loop of calls.
    """

    throttle_retries: int = 5
    max_wait_seconds: float = 60.0
    read_retries: int = 2
    read_backoff_seconds: float = 0.5
    min_throttle_wait_seconds: float = 0.5


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
        answer_limits: AnswerLimits | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        utc_now: Callable[[], datetime] = _utc_now,
        observe: Callable[[httpx.Response], None] | None = None,
    ) -> None:
        self.service = service
        self.observe = observe  # sees every answer (e.g. to read rate-limit headers)
        self.base_url = require_secure_base_url(base_url, service)
        self._secrets = secrets
        self.pacer = pacer
        self.retry = retry or RetryPolicy()
        self.answer_limits = answer_limits or AnswerLimits()
        self._sleep = sleep
        self._utc_now = utc_now
        # A wait asked for that is too long to sit out (a daily limit, a 429's Retry-After
        # of an hour): no call leaves before it ends (the error says when).
        self._asked_to_wait: ThrottledError | None = None
        # Why no call may leave (said by each one): a proxy the environment names that
        # cannot be used (``app.clients.proxies``). None: calls go.
        self._unusable_proxy: str | None = None
        # Whether calls may go through a proxy the environment names (said with a network
        # error: ``_failure``); which one is worked out then, at no cost to a start.
        self._may_use_proxy = False
        self._read_seconds = timeout.read
        url = httpx.URL(self.base_url)

        def client(*, trust_env: bool) -> httpx.AsyncClient:
            return httpx.AsyncClient(
                base_url=self.base_url,
                headers=headers,
                timeout=timeout,
                limits=limits,
                transport=transport,
                # Never follow a redirect with a secret to somewhere we did not choose.
                follow_redirects=False,
                # No TLS on a plain-http loopback address (the sandbox): building a TLS context
                # there would only add ways to fail (e.g. a stale SSL_CERT_FILE) and start-up
                # time. Over https, the desk's one context (built once: ``app.clients.tls``,
                # which reads SSL_CERT_FILE and the like itself). Decided from the parsed
                # scheme, and verifying unless it is plain http: an address spelt "HTTPS://"
                # once went out with no certificate check.
                verify=False if url.scheme == "http" else tls_context(),
                trust_env=trust_env,
            )

        if is_loopback_host(url.host):
            # Plain http is allowed on loopback only because it never leaves this computer: an
            # HTTP_PROXY from the environment must not carry it (and its key, in clear) away.
            # The proxies are not read at all: httpx makes a connection for each one named,
            # used or not, and one it could not make (ALL_PROXY=socks5://…, a typo) stopped
            # even demo mode from starting.
            self.http = client(trust_env=False)
        else:
            try:
                self.http = client_with_environment_proxies(lambda: client(trust_env=True))
                # httpx reads the environment's proxies only for a client of its own transport.
                self._may_use_proxy = transport is None
            except EnvironmentProxyError as exc:
                # The start, Settings and Test connection go on; each call says what to
                # correct, where a failed connection is said. Never sent around the proxy:
                # the network may require it, and the coordinator chose it.
                self._unusable_proxy = str(exc)
                self.http = client(trust_env=False)

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def service_text(self, text: str) -> str:
        """A service's own words as people may see them: shortened, then without secrets.

        Shortened first so that a megabyte of "message" costs nothing further down (redaction,
        logs, dialogs).
        """
        if len(text) > MAX_SERVICE_TEXT:
            text = text[:MAX_SERVICE_TEXT] + "…"
        return self.redact(text)

    def utc_now(self) -> datetime:
        return self._utc_now()

    def redirect_error(self, response: httpx.Response) -> UnexpectedResponseError | None:
        """The error a redirect (3xx) is, None for any other answer. Redirects are never
        followed (the key would go with the call to wherever they point), so the 3xx itself
        comes back: taken for success, a comment was said added, a setting saved, that the
        service never received. Transient: a change sent keeps the journal's doubt."""
        status = response.status_code
        if not 300 <= status < 400:
            return None
        host = _redirect_host(response)
        where = f" to {self.service_text(host)}" if host else ""
        return UnexpectedResponseError(
            self.service,
            http_status=status,
            summary=(
                f"The service redirected the call (HTTP {status}){where}. Redirects are not "
                "followed, so the call was not carried out: check the API address in Settings."
            ),
        )

    def not_the_api(self, response: httpx.Response, problem: str) -> UnexpectedResponseError:
        """The error a success (2xx) is whose body is not the API's answer, but a sign-in
        page's, a proxy's, a web site's: what it says of itself (its title, ``stand_in_words``)
        is the service's words, the client's diagnostic (``problem``: "the answer was not valid
        JSON") is said as its own, never put in the service's mouth. Transient: the page may go
        (a portal signed into), and a change sent keeps the journal's doubt."""
        name = self.service.value
        possessive = f"{name}'" if name.endswith("s") else f"{name}'s"
        # Read as the service's own text (cut, the token redacted): the parser's words quote
        # the page ("unknown encoding: …", "undefined entity &…;"), and a page that echoes
        # the request put the token into the sync bar, Test connection and the journal.
        problem = self.service_text(problem)
        # "the answer was not valid JSON", said of the answer: "(it was not valid JSON)".
        said = problem.removeprefix("the answer ")
        said = f"it {said}" if said != problem else problem
        return UnexpectedResponseError(
            self.service,
            http_status=response.status_code,
            summary=(
                f"The answer was not {possessive} ({said}): a sign-in page, a proxy's page, or "
                "a web site at the API's address? The call may not have been carried out."
            ),
            service_message=self.service_text(stand_in_words(response)),
        )

    async def aclose(self) -> None:
        await self.http.aclose()

    async def send(
        self,
        build: Callable[[], httpx.Request],
        check: Callable[[httpx.Response], ApiError | None],
        *,
        idempotent: bool,
        max_bytes: int | None = None,
        deadline: float | None = None,
        may_change: bool | None = None,
    ) -> httpx.Response:
        """Send the request ``build`` makes (afresh each try), return the good response.

        ``check`` turns a response into the error it means, or None when it is a success.
        ``max_bytes`` and ``deadline`` override the client's :class:`AnswerLimits` for this call
        (a report download reads more; an upload sends more). ``may_change``: whether the
        request may change something, for the caller's sending hook; None: as its method says
        (Berke's reads are POSTs too, and say so).
        """
        limit = max_bytes if max_bytes is not None else self.answer_limits.max_body_bytes
        seconds = deadline if deadline is not None else self.answer_limits.deadline_seconds
        if self._unusable_proxy is not None:
            raise UnusableProxyError(self.service, summary=self._unusable_proxy, request_sent=False)
        throttled = 0
        faults = 0
        while True:
            self._refuse_while_asked_to_wait()
            request = build()
            changes = may_change if may_change is not None else request.method not in _READS
            try:
                response, calls_ended = await self._exchange(request, limit, seconds, changes)
            except httpx.TransportError as exc:
                error: ApiError = self._failure(exc)
                # A certificate does not fix itself in a second: only plain faults are retried.
                if idempotent and type(error) is NetworkError and faults < self.retry.read_retries:
                    faults += 1
                    await self._sleep(self.retry.read_backoff_seconds * 2 ** (faults - 1))
                    continue
                raise error from None
            if self.observe is not None:
                with answer_guard(self.service, response.status_code):
                    self.observe(response)
            error_or_none = self._checked(check, response)
            if error_or_none is None:
                return response
            error = error_or_none
            if isinstance(error, ThrottledError):
                # A denied call was not executed: waiting and repeating it is safe for any call.
                if changes:
                    await denied()  # whoever watches it knows, before any wait
                if error.is_daily_limit:
                    self._remember_daily_limit(error)
                    raise error
                if not self._may_wait(error, throttled):
                    if self._too_long_to_wait(error):
                        # Forgotten, the very next call (a poll's, the resumer's, a batch's
                        # next order's) went at once, and was denied in turn.
                        self._remember_long_wait(error)
                    raise error
                throttled += 1
                await self._wait_after_throttle(error, throttled, calls_ended)
                continue
            if idempotent and error.is_transient and faults < self.retry.read_retries:
                faults += 1
                await self._sleep(self.retry.read_backoff_seconds * 2 ** (faults - 1))
                continue
            raise error

    def _failure(self, exc: httpx.TransportError) -> NetworkError:
        """The error a transport failure is, its cause in words (``app.clients.transport_words``)
        and the proxy it went through named; never a secret (the key echoed in a message, a
        proxy's password)."""
        sent = not isinstance(exc, _BEFORE_SENDING)
        through = proxy_named_for(self.http.base_url) if self._may_use_proxy else None
        if is_tls_failure(exc):
            reason = tls_reason(str(exc))
            said = reason or f"could not connect securely ({tls_detail(str(exc))})"
            return TlsError(
                self.service,
                # A known reason is the whole story: the default's guesses would only blur it.
                summary="The secure (TLS) connection failed." if reason else None,
                service_message=self.redact(f"{said}, through {through}" if through else said),
                request_sent=sent,
            )
        said = describe_transport_error(exc, read_seconds=self._read_seconds, through=through)
        return NetworkError(self.service, service_message=self.redact(said), request_sent=sent)

    async def _exchange(
        self, request: httpx.Request, max_bytes: int, deadline: float, changes: bool
    ) -> tuple[httpx.Response, int]:
        """The answer, and how many of the pacer's calls had ended when it came."""
        if self.pacer is None:
            return await self._fetch(request, max_bytes, deadline, changes), 0
        async with self.pacer.slot():
            response = await self._fetch(request, max_bytes, deadline, changes)
        return response, self.pacer.calls_ended

    async def _fetch(
        self, request: httpx.Request, max_bytes: int, deadline: float, changes: bool
    ) -> httpx.Response:
        """Send and read the whole answer within ``deadline`` seconds and ``max_bytes`` bytes.

        Streamed, so that an endless body is cut off at the limit instead of filling memory.
        ``changes``: the request may change something (the caller's hook is told first).
        """
        if changes:
            await about_to_send()  # the caller's hook: this change may reach the service now
        try:
            async with asyncio.timeout(deadline):
                streamed = await self.http.send(request, stream=True)
                try:
                    body = await read_body(streamed, max_bytes, self.service)
                finally:
                    await streamed.aclose()
        except TimeoutError:
            raise AnswerTooSlowError(
                self.service,
                summary=(
                    f"The service did not finish answering within {deadline:g} seconds; "
                    "the call was given up."
                ),
            ) from None
        return with_body(streamed, body)

    def _checked(
        self, check: Callable[[httpx.Response], ApiError | None], response: httpx.Response
    ) -> ApiError | None:
        try:
            with answer_guard(self.service, response.status_code):
                return check(response)
        except ApiError as exc:
            return exc

    async def _wait_after_throttle(
        self, error: ThrottledError, attempt: int, calls_ended: int
    ) -> None:
        if error.simultaneous and self.pacer is not None and self.pacer.in_flight > 0:
            # Too many calls at once: the denial lifts when a call ends, and one of ours is
            # still running. Its end is the signal to try again; no timer guesses it.
            await self.pacer.wait_for_call_end(after=calls_ended)
            return
        # Never less than a floor that doubles with each 429 of this call: "retry after 0"
        # (or a clock running ahead of the service's) must not become a tight loop of calls.
        floor = self.retry.min_throttle_wait_seconds * 2 ** (attempt - 1)
        wait = max(clamp_wait(error.wait_seconds), floor)
        log.info("%s asked to wait %.2f s (429)", self.service.value, wait)
        if self.pacer is not None:
            self.pacer.block_for(wait)  # every call waits, not just this one
        else:
            await self._sleep(wait)

    def _remember_daily_limit(self, error: ThrottledError) -> None:
        retry_at = self._remember(error)
        if self.pacer is not None:
            # Remembered so that the status bar can say when calls resume.
            self.pacer.note_daily_limit(retry_at)

    def _too_long_to_wait(self, error: ThrottledError) -> bool:
        """Whether the wait a 429 asks for is longer than this client sits out (not one that
        ends with a call of ours: ``simultaneous``)."""
        return not error.simultaneous and (
            clamp_wait(error.wait_seconds) > self.retry.max_wait_seconds
        )

    def _remember_long_wait(self, error: ThrottledError) -> None:
        """No call leaves before the wait ``error`` asks for has passed; it says until when.
        Not the pacer's (``block_for``): calls already queued there would sit out the hour,
        where each is to be told at once."""
        retry_at = self._remember(error)
        if self.pacer is not None:
            self.pacer.note_asked_to_wait(retry_at)  # the status bar says it too
        error.summary = (
            f"Too many calls: {self.service.value} asked to wait until "
            f"{time_on_day(local_time(retry_at))}, and no call is sent to it before then."
        )

    def _remember(self, error: ThrottledError) -> datetime:
        """Keep ``error`` as the wait no call leaves before; returns when it ends."""
        now = self._utc_now()
        if error.retry_at is None or error.retry_at <= now:
            error.retry_at = now + timedelta(seconds=max(clamp_wait(error.wait_seconds), 1.0))
        self._asked_to_wait = error
        return error.retry_at

    def _refuse_while_asked_to_wait(self) -> None:
        """Raise the wait asked for again, without sending, until the time the service gave
        (a daily limit's, or a long Retry-After's)."""
        denied = self._asked_to_wait
        if denied is None or denied.retry_at is None:
            return
        now = self._utc_now()
        if now >= denied.retry_at:
            self._asked_to_wait = None
            return
        raise ThrottledError(
            self.service,
            wait_seconds=(denied.retry_at - now).total_seconds(),
            is_daily_limit=denied.is_daily_limit,
            retry_at=denied.retry_at,
            http_status=denied.http_status,
            service_code=denied.service_code,
            service_message=denied.service_message,
            summary=denied.summary,
        )

    def _may_wait(self, error: ThrottledError, attempts: int) -> bool:
        return (
            attempts < self.retry.throttle_retries
            and clamp_wait(error.wait_seconds) <= self.retry.max_wait_seconds
        )


@contextmanager
def answer_guard(service: Service, http_status: int | None = None) -> Iterator[None]:
    """Interpreting an answer ends in a result or an :class:`ApiError`, nothing else.

    The clients catch what they foresee (bad JSON, wrong shapes) and say it in words; anything
    else raised while reading an answer is an answer nobody foresaw (or a bug): it is logged
    with its traceback and reaches the caller as an :class:`UnexpectedResponseError`, so that
    one strange answer cannot stop a batch or the resumer.
    """
    try:
        yield
    except ApiError:
        raise
    except Exception:
        log.exception("%s: an answer could not be interpreted", service.value)
        raise UnexpectedResponseError(
            service, http_status=http_status, problem="the answer could not be read"
        ) from None


def _redirect_host(response: httpx.Response) -> str:
    """The host a redirect's ``Location`` points to (a relative one: the request's own), or
    empty when it names none that can be read."""
    location = response.headers.get("Location", "").strip()
    if not location:
        return ""
    try:
        return response.request.url.join(location).host
    except (httpx.InvalidURL, ValueError, RuntimeError):  # RuntimeError: no request
        return ""


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


#: Transport failures that happen before any byte of the request leaves: nothing was sent.
#: A proxy's refusal (``ProxyError``) answers the tunnel asked of it, before the request goes
#: through: the service never saw it.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ProxyError)
