"""Berke Assessment API: CreateAssessment, SendInvitation, GetJobs.

Posts JSON and asks for ``formatOutput=json``, but reads XML too (a server or proxy may answer
in XML regardless). ``X-Response-Code`` (``<http>.<berke>``) decides success with the body's
``status``. The API token travels only in the body, only over https (or loopback), and is
redacted from anything the service echoes back (Berke quotes a refused key in its message).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from app.clients.berke_payload import PayloadError, as_list, parse_payload
from app.clients.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    ServerError,
    Service,
    ThrottledError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.http import RetryPolicy, ServiceHttp
from app.clients.pacing import Pacer
from app.domain.berke import (
    AssessmentStatus,
    BerkeErrorBody,
    BerkeJob,
    BerkeThrottleBody,
    CreateAssessmentRequest,
    CreateAssessmentResponse,
    P,
    SendInvitationRequest,
    split_response_code,
)

PRODUCTION_BASE_URL = "https://site.berkeassessment.com/api"
INVALID_KEY_CODE = 1003
BERKE_ERROR_THRESHOLD = 1000
# A simultaneous-call 429 gives no wait (it lifts when a call ends); try again shortly.
SIMULTANEOUS_RETRY_SECONDS = 0.25
MIN_THROTTLE_WAIT_SECONDS = 0.05

R = TypeVar("R", bound=BaseModel)


def berke_pacer(burst: int = 120, window_ms: int = 60_000, concurrent: int = 4) -> Pacer:
    """Berke's per-company burst limit (default 120 calls / 60 s) and simultaneous calls.

    The window is widened a little (2 % + 100 ms): our clock starts a call before Berke's
    counts it, and a skew of a few milliseconds would otherwise cost a 429 at the edge.
    """
    window = window_ms / 1000 * 1.02 + 0.1
    return Pacer(max_calls=burst, window_seconds=window, max_concurrent=concurrent)


class BerkeClient:
    def __init__(
        self,
        base_url: str,
        api_token: str | SecretStr,
        *,
        username: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        response_format: Literal["json", "xml"] = "json",
    ) -> None:
        token = api_token.get_secret_value() if isinstance(api_token, SecretStr) else api_token
        self._token = SecretStr(token)
        self._username = username or None
        self._clock = clock
        # JSON is what we ask for; XML is what Berke defaults to, and must read the same.
        self._format = response_format
        extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
        self._http = ServiceHttp(
            Service.BERKE,
            base_url,
            secrets=[token],
            headers={"Accept": "application/json, application/xml;q=0.5"},
            pacer=pacer if pacer is not None else berke_pacer(),
            retry=retry,
            transport=transport,
            **extra,
        )

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def pacer(self) -> Pacer | None:
        return self._http.pacer

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> BerkeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- methods -----------------------------------------------------------------------------

    async def create_assessment(self, request: CreateAssessmentRequest) -> CreateAssessmentResponse:
        payload = await self._call("CreateAssessment", request.to_params())
        return self._parse(CreateAssessmentResponse, payload.get("assessment"))

    async def send_invitation(self, request: SendInvitationRequest) -> None:
        await self._call("SendInvitation", request.to_params())

    async def get_assessment_status(self, source_candidate_id: str) -> AssessmentStatus | None:
        """The assessment of ``source_candidate_id``, or None when Berke has none."""
        try:
            payload = await self._call(
                "GetAssessmentStatus", {P.SOURCE_CANDIDATE_ID: source_candidate_id}, idempotent=True
            )
        except (ValidationApiError, NotFoundError) as exc:
            unknown = getattr(exc, "parameter", P.SOURCE_CANDIDATE_ID) == P.SOURCE_CANDIDATE_ID
            if unknown and "not found" in exc.service_message.lower():
                return None
            raise
        return self._parse(AssessmentStatus, payload.get("assessment"))

    async def get_jobs(self) -> list[BerkeJob]:
        payload = await self._call("GetJobs", {}, idempotent=True)
        jobs = payload.get("jobs", payload.get("job"))
        if isinstance(jobs, dict) and "job" in jobs:  # <jobs><job .../></jobs>
            jobs = jobs["job"]
        return [self._parse(BerkeJob, job) for job in as_list(jobs)]

    # -- transport ---------------------------------------------------------------------------

    async def _call(
        self, method: str, params: dict[str, Any], *, idempotent: bool = False
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            P.API_TOKEN: self._token.get_secret_value(),
            **params,
            P.FORMAT_OUTPUT: self._format,
        }
        if self._username and P.USERNAME not in body:
            body[P.USERNAME] = self._username

        def build() -> httpx.Request:
            return self._http.http.build_request("POST", f"/{method}", json=body)

        response = await self._http.send(build, self._check, idempotent=idempotent)
        _, payload = self._payload(response)
        return payload

    def _payload(self, response: httpx.Response) -> tuple[str | None, dict[str, Any]]:
        try:
            return parse_payload(response.content)
        except PayloadError as exc:
            raise UnexpectedResponseError(
                Service.BERKE, http_status=response.status_code, service_message=str(exc)
            ) from None

    def _parse(self, model: type[R], data: Any) -> R:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "answer"
            raise UnexpectedResponseError(
                Service.BERKE, service_message=f"unexpected answer: {where}: {error['msg']}"
            ) from None

    def _check(self, response: httpx.Response) -> ApiError | None:
        header_http, berke_code = split_response_code(response.headers.get("X-Response-Code"))
        status = response.status_code
        try:
            _, payload = parse_payload(response.content)
        except PayloadError:
            payload = {}
        body_ok = payload.get("status", "ok" if status < 400 else "") == "ok"
        is_error = (
            status >= 400
            or not body_ok
            or (berke_code is not None and berke_code >= BERKE_ERROR_THRESHOLD)
        )
        if not is_error:
            return None
        if not payload and status < 400:
            return UnexpectedResponseError(Service.BERKE, http_status=status)
        error = BerkeErrorBody.model_validate(payload) if payload else BerkeErrorBody()
        http = header_http or status
        message = self._http.redact(
            error.response
            or response.headers.get("X-Response-Message", "")
            or response.reason_phrase
        )
        common: dict[str, Any] = {
            "http_status": http,
            "service_code": f"{http}.{berke_code}" if berke_code is not None else None,
            "service_message": message,
        }
        if http == 429:
            return self._throttled(payload, common)
        if http in (401, 403) or berke_code == INVALID_KEY_CODE:
            return AuthError(
                Service.BERKE,
                summary=_auth_summary(berke_code, message),
                **common,
            )
        if http == 404:
            return NotFoundError(Service.BERKE, **common)
        if http >= 500:
            return ServerError(Service.BERKE, **common)
        return ValidationApiError(
            Service.BERKE,
            parameter=error.parameter,
            summary=_validation_summary(error),
            **common,
        )

    def _throttled(self, payload: dict[str, Any], common: dict[str, Any]) -> ThrottledError:
        try:
            throttle = BerkeThrottleBody.model_validate(payload)
        except ValidationError:
            throttle = BerkeThrottleBody()
        now = self._clock()
        # Clocks differ: never retry at once on a time-window denial, even if the wait looks over.
        wait = max(throttle.wait_seconds(now), MIN_THROTTLE_WAIT_SECONDS)
        if throttle.call_expires_on_completion:
            wait = SIMULTANEOUS_RETRY_SECONDS
        retry_at = throttle.next_allowed_at(now)
        if throttle.is_daily_limit:
            summary = (
                "The daily limit of Berke calls is reached. Calls can resume at "
                f"{retry_at.astimezone().strftime('%H:%M on %d %b')}."
            )
        elif throttle.call_expires_on_completion:
            summary = "Too many Berke calls at once; the call is retried when one finishes."
        else:
            summary = f"Too many Berke calls in a short time; waiting {wait:.1f} s before retrying."
        return ThrottledError(
            Service.BERKE,
            wait_seconds=wait,
            is_daily_limit=throttle.is_daily_limit,
            simultaneous=throttle.call_expires_on_completion,
            retry_at=retry_at,
            summary=summary,
            **common,
        )


def _auth_summary(berke_code: int | None, message: str) -> str:
    lowered = message.lower()
    if berke_code == INVALID_KEY_CODE or "api key" in lowered:
        return "The Berke API token is invalid or inactive: check it under Settings | API:Security."
    if "insecure" in lowered:
        return "Berke refused a call over an insecure connection: use the https address."
    if "not enabled" in lowered or "disabled" in lowered:
        return "The Berke API is not enabled for this company (or is down for maintenance)."
    if "inactive" in lowered or "expired" in lowered:
        return "The Berke company or user is inactive or expired."
    return "Berke refused the call for this account."


def _validation_summary(error: BerkeErrorBody) -> str:
    if error.parameter:
        return f"Berke refused the value of {error.parameter}."
    return "Berke refused the request."
