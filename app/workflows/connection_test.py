""" "Test connection": one harmless read per service, and a verdict a coordinator can act on.

SmartRecruiters: ``GET /assessments?limit=1``; Berke: ``GetJobs``. Neither changes anything.
The probe never raises for a service's answer or the network: every outcome is a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import httpx
from pydantic import SecretStr

from app.clients.berke import INVALID_KEY_CODE, BerkeClient
from app.clients.errors import (
    AnswerTooSlowError,
    ApiError,
    AuthError,
    NetworkError,
    NotFoundError,
    ServerError,
    Service,
    ThrottledError,
    TlsError,
    UnexpectedResponseError,
    UnusableProxyError,
)
from app.clients.http import RetryPolicy
from app.clients.smartrecruiters import CUSTOMER_KEY_LENGTH, SmartRecruitersClient
from app.clients.tls import tls_ready_for
from app.domain.connection import sr_key_problem
from app.domain.date_words import time_on_day
from app.domain.service_time import local_time
from app.domain.urls import require_secure_base_url

# A probe answers quickly or says why not: no retries, no long waits.
PROBE_RETRY = RetryPolicy(throttle_retries=0, max_wait_seconds=0, read_retries=0)


class Verdict(StrEnum):
    WORKS = "works"
    NO_KEY = "no_key"
    BAD_ADDRESS = "bad_address"  # not a URL, or http to a remote host
    INVALID_KEY = "invalid_key"
    CUSTOMER_KEY = "customer_key"
    WRONG_URL = "wrong_url"
    NO_NETWORK = "no_network"
    TLS = "tls"
    API_DISABLED = "api_disabled"
    THROTTLED = "throttled"
    SERVICE_ERROR = "service_error"


@dataclass(frozen=True)
class ConnectionVerdict:
    service: Service
    verdict: Verdict
    message: str  # a sentence for people, never a key

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.WORKS


async def probe_smartrecruiters(
    base_url: str,
    partner_key: SecretStr | str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ConnectionVerdict:
    service = Service.SMARTRECRUITERS
    key = partner_key.get_secret_value() if isinstance(partner_key, SecretStr) else partner_key
    key = key.strip()
    if not key:
        return ConnectionVerdict(service, Verdict.NO_KEY, "Enter the partner API key first.")
    unsendable = sr_key_problem(key)
    if unsendable is not None:
        return ConnectionVerdict(service, Verdict.INVALID_KEY, unsendable)
    bad = _address_problem(base_url, service)
    if bad is not None:
        return bad
    await tls_ready_for(base_url)
    client = SmartRecruitersClient(base_url, key, transport=transport, retry=PROBE_RETRY)
    try:
        page = await client.list_orders(limit=1)
    except AuthError as exc:
        if len(key) == CUSTOMER_KEY_LENGTH:
            return ConnectionVerdict(
                service,
                Verdict.CUSTOMER_KEY,
                "This is a customer API key (32 characters). The Marketplace needs the "
                "64-character partner key from the Partner Portal.",
            )
        if exc.http_status == 401:
            said = _with_their_words("No API key was accepted.", exc)
            return ConnectionVerdict(service, Verdict.INVALID_KEY, said)
        return ConnectionVerdict(
            service,
            Verdict.INVALID_KEY,
            _with_their_words(
                "The partner key was refused: it is wrong, regenerated or inactive.", exc
            ),
        )
    except ApiError as exc:
        return _common(service, exc)
    except (httpx.InvalidURL, ValueError):
        return _unusable_address(service)
    finally:
        await client.aclose()
    return ConnectionVerdict(
        service,
        Verdict.WORKS,
        f"Works: the partner key was accepted ({page.total_found} orders on the account).",
    )


async def probe_berke(
    base_url: str,
    api_token: SecretStr | str,
    *,
    username: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ConnectionVerdict:
    service = Service.BERKE
    token = api_token.get_secret_value() if isinstance(api_token, SecretStr) else api_token
    token = token.strip()
    if not token:
        return ConnectionVerdict(service, Verdict.NO_KEY, "Enter the API token first.")
    bad = _address_problem(base_url, service)
    if bad is not None:
        return bad
    await tls_ready_for(base_url)
    client = BerkeClient(base_url, token, username=username, transport=transport, retry=PROBE_RETRY)
    try:
        jobs = await client.get_jobs()
    except AuthError as exc:
        return _berke_auth(exc)
    except ApiError as exc:
        return _common(service, exc)
    except (httpx.InvalidURL, ValueError):
        return _unusable_address(service)
    finally:
        await client.aclose()
    count = f"{len(jobs)} job{'s' if len(jobs) != 1 else ''}"
    return ConnectionVerdict(service, Verdict.WORKS, f"Works: the token was accepted ({count}).")


def _address_problem(base_url: str, service: Service) -> ConnectionVerdict | None:
    try:
        require_secure_base_url(base_url, service)
    except ValueError as exc:
        return ConnectionVerdict(service, Verdict.BAD_ADDRESS, str(exc))
    return None


def _unusable_address(service: Service) -> ConnectionVerdict:
    # The address checks let through what the request then could not be built for: never an
    # exception out of a probe (the verdict stayed "Testing…" and the error went to the log).
    return ConnectionVerdict(
        service, Verdict.BAD_ADDRESS, f"The {service} address is not a valid web address."
    )


#: Berke's words for a refusal that lifts by itself (the reference's "too many failed calls",
#: "per-minute or per-day limit reached"): the way out is to wait, not to retype the token
#: (each call with it is one more failed call).
_BLOCK_WORDS = ("too many", "blocked", "limit")
_BLOCKED_FOR_A_WHILE = (
    "Berke is refusing this company's calls for a while: wait, then test again (each try "
    "with the token, retyped or not, may count as one more failed call)."
)
_TOKEN_REFUSED = (
    "The API token is invalid or inactive: check it under Settings | API:Security in Berke."
)


def _berke_auth(exc: AuthError) -> ConnectionVerdict:
    """The verdict on Berke's refusal, its own words kept. INVALID_KEY only when Berke says
    the token is wrong (its code 1003, the reference's one for an invalid or inactive key, or
    its words), never for any other refusal of the account."""
    code = exc.service_code or ""
    lowered = exc.service_message.lower()
    if code.endswith(f".{INVALID_KEY_CODE}"):
        verdict, sentence = Verdict.INVALID_KEY, _TOKEN_REFUSED
    elif any(words in lowered for words in _BLOCK_WORDS):
        verdict, sentence = Verdict.THROTTLED, _BLOCKED_FOR_A_WHILE
    elif "not enabled" in lowered or "disabled" in lowered or "maintenance" in lowered:
        verdict = Verdict.API_DISABLED
        sentence = "The Berke API is not enabled for this company, or is down for maintenance."
    elif "api key" in lowered or exc.http_status == 401:
        verdict, sentence = Verdict.INVALID_KEY, _TOKEN_REFUSED
    else:  # the company or user inactive, an insecure connection: the summary says which
        verdict, sentence = Verdict.SERVICE_ERROR, exc.summary
    return ConnectionVerdict(Service.BERKE, verdict, _with_their_words(sentence, exc))


def _with_their_words(sentence: str, exc: ApiError) -> str:
    """``sentence``, then the service's own words (redacted by the client), as ``str(exc)``
    says them: the reason of a refusal is the service's (a block, a suspended account), not
    ours to replace. Not when they are only the HTTP status's name."""
    said = exc.service_message
    bare = exc.http_status is not None and said == httpx.codes.get_reason_phrase(exc.http_status)
    return sentence if bare else exc.with_service_words(sentence)


def _common(service: Service, exc: ApiError) -> ConnectionVerdict:
    """What both services' failures mean, beyond the key: said with the cause the client found
    and the service's own words, never in their place (a mistyped host, a closed port and a
    proxy wanting a password are not fixed the same way)."""
    if isinstance(exc, NetworkError):
        return ConnectionVerdict(service, *_no_answer(exc))
    if isinstance(exc, NotFoundError):
        said = (
            f"Something answers at this address, but it is not the {service.value} API "
            "(HTTP 404): check the path."
        )
        return ConnectionVerdict(service, Verdict.WRONG_URL, _with_their_words(said, exc))
    if isinstance(exc, UnexpectedResponseError):
        if not exc.only_unreadable:
            # The client named what answered (a redirect and where to, a sign-in page), and
            # kept apart what the answer said.
            said = _with_their_words(exc.summary, exc)
        else:
            # What the client found wrong with an answer it could not read is its own finding
            # ("the answer was not a page of items"), not the service's words.
            said = (
                f"Something answers at this address, but it is not the {service.value} API "
                f"({exc.problem or 'an unexpected answer'}): check the path."
            )
        return ConnectionVerdict(service, Verdict.WRONG_URL, said)
    if isinstance(exc, ThrottledError):
        if exc.is_daily_limit and exc.retry_at is not None:
            when = time_on_day(local_time(exc.retry_at))
            text = f"The key works, but the daily limit is reached: calls resume at {when}."
        else:
            text = "The service is reachable but asks to wait (too many calls); try again soon."
        return ConnectionVerdict(service, Verdict.THROTTLED, text)
    if isinstance(exc, ServerError):
        said = (
            f"The {service.value} service had a problem of its own (HTTP {exc.http_status}); "
            "try again later."
        )
        return ConnectionVerdict(service, Verdict.SERVICE_ERROR, _with_their_words(said, exc))
    return ConnectionVerdict(service, Verdict.SERVICE_ERROR, str(exc))


def _no_answer(exc: NetworkError) -> tuple[Verdict, str]:
    """The verdict on a call no answer came to, and its sentence: the cause the client found
    (a name not found, nothing answering, a proxy's refusal, a certificate's fault), and
    whether the address was reached at all (a server that never answered was)."""
    if isinstance(exc, TlsError):
        return Verdict.TLS, exc.what_happened
    if isinstance(exc, UnusableProxyError):
        return Verdict.NO_NETWORK, exc.summary
    if isinstance(exc, AnswerTooSlowError):
        return Verdict.NO_NETWORK, f"The address was reached, but too slow to answer: {exc.summary}"
    cause = exc.service_message.rstrip(".")
    if not cause:
        return Verdict.NO_NETWORK, (
            "No connection: the address could not be reached (network, proxy, firewall, or a "
            "wrong host name or port)."
        )
    if exc.request_sent:
        return Verdict.NO_NETWORK, f"The address was reached, but no answer came: {cause}."
    return Verdict.NO_NETWORK, f"No connection: {cause}."
