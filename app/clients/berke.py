"""Berke Assessment API: CreateAssessment, SendInvitation, GetAssessmentStatus, GetJobs, and
watching and delivering: GetCompletedAssessment(s), GetReportForJob, DeleteAssessment.
(UpdateAssessment, which the reference lists for a candidate's changed data, is not called
yet: the simulated Berke answers it.)

Posts JSON and asks for ``formatOutput=json``, but reads XML too (a server or proxy may answer
in XML regardless). A call succeeds only when the answer is Berke's envelope with ``status``
ok and ``X-Response-Code`` (``<http>.<berke>``) does not say otherwise: a proxy's HTML page or
some other JSON on a 200 is an error, never an empty success. The API token travels only in
the body, only over https (or loopback), and is redacted from anything the service echoes back
(Berke quotes a refused key in its message).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from app.clients.answer_problems import answer_problem
from app.clients.answers import ACCEPT_ENCODING, AnswerLimits
from app.clients.berke_payload import PayloadError, as_list, parse_payload
from app.clients.errors import (
    AnswerTooLargeError,
    ApiError,
    AuthError,
    NotADocumentError,
    NotFoundError,
    ServerError,
    Service,
    ThrottledError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.http import RetryPolicy, ServiceHttp, answer_guard, retry_after_seconds
from app.clients.pacing import Pacer
from app.clients.page_words import answer_words
from app.domain.attachments import describe_size, is_pdf
from app.domain.berke import (
    AssessmentStatus,
    BerkeErrorBody,
    BerkeJob,
    BerkeThrottleBody,
    CreateAssessmentRequest,
    CreateAssessmentResponse,
    SendInvitationRequest,
    split_response_code,
)
from app.domain.berke_refusals import refusal_summary, says_no_such_assessment
from app.domain.berke_results import CompletedAssessment, CompletedPage
from app.domain.berke_text import BerkeParam
from app.domain.date_words import time_on_day
from app.domain.half_characters import holds_half_characters, whole_characters
from app.domain.lenient_read import read_leniently
from app.domain.service_time import local_time

log = logging.getLogger(__name__)

INVALID_KEY_CODE = 1003
BERKE_ERROR_THRESHOLD = 1000
# A simultaneous-calls 429 gives no wait: it lifts when a call ends, and the client waits for
# one of its own to end. With none of its own in flight (another desk holds Berke's slots),
# this is the wait it reports; the retry loop adds its doubling floor.
SIMULTANEOUS_FALLBACK_SECONDS = 1.0
MIN_THROTTLE_WAIT_SECONDS = 0.05
#: Why an assessment Berke reads out (its status, its completion) whose text holds half a
#: character (a lone UTF-16 surrogate, which Berke's JSON may carry as an escape:
#: ``app.domain.half_characters``) is refused, as SmartRecruiters' listed orders are: what is
#: read is stored (a completion by the watch, every round stopped there; a code found by a
#: resumed create), and SQLite cannot store it.
HALF_CHARACTER_TEXT = "a text in the answer holds half of a character, which cannot be stored"

R = TypeVar("R", bound=BaseModel)
_AboutCandidate = TypeVar(
    "_AboutCandidate", CreateAssessmentResponse, AssessmentStatus, CompletedAssessment
)


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
        answer_limits: AnswerLimits | None = None,
    ) -> None:
        token = api_token.get_secret_value() if isinstance(api_token, SecretStr) else api_token
        self._token = SecretStr(token)
        self._username = username or None
        self._clock = clock
        # JSON is what we ask for; XML is what Berke defaults to, and must read the same.
        self._format = response_format
        self._told_unreadable: set[str] = set()  # completed entries left out, said once each
        extra: dict[str, Any] = {"sleep": sleep} if sleep else {}
        self._http = ServiceHttp(
            Service.BERKE,
            base_url,
            secrets=[token],
            headers={
                "Accept": "application/json, application/xml;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            pacer=pacer if pacer is not None else berke_pacer(),
            retry=retry,
            transport=transport,
            answer_limits=answer_limits,
            utc_now=clock,
            **extra,
        )

    @property
    def base_url(self) -> str:
        return self._http.base_url

    @property
    def pacer(self) -> Pacer | None:
        return self._http.pacer

    @property
    def username(self) -> str | None:
        """The Berke user every call runs as unless a request names its own; None for the
        API's default user."""
        return self._username

    def service_text(self, text: str) -> str:
        """Berke's own words (a status name it gave) as a message may carry them: cut, the
        token redacted. For what a caller puts into a sentence of its own, as this client does
        with Berke's refusals: a hostile or broken answer may name the token itself."""
        return self._http.service_text(text)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> BerkeClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- methods -----------------------------------------------------------------------------

    async def create_assessment(self, request: CreateAssessmentRequest) -> CreateAssessmentResponse:
        payload = await self._call("CreateAssessment", request.to_params())
        created = self._parse(CreateAssessmentResponse, payload.get("assessment"))
        return self._own_candidate(request.source_candidate_id, created)

    async def send_invitation(self, request: SendInvitationRequest) -> None:
        await self._call("SendInvitation", request.to_params())

    async def get_assessment_status(self, source_candidate_id: str) -> AssessmentStatus | None:
        """The assessment of ``source_candidate_id``, or None when Berke has none: only when
        Berke's own answer refuses that id as not known (``says_no_such_assessment``), in
        whatever words. A proxy's or a portal's "404 Not Found" names no parameter; taken for
        Berke's word, it marked the assessment deleted for good, and it was never watched
        again, even once the candidate completed it. One whose text holds half a character
        is refused in words (``HALF_CHARACTER_TEXT``)."""
        try:
            payload = await self._call(
                "GetAssessmentStatus",
                {BerkeParam.SOURCE_CANDIDATE_ID: source_candidate_id},
                idempotent=True,
            )
        except (ValidationApiError, NotFoundError) as exc:
            if says_no_such_assessment(exc.parameter, exc.service_message):
                return None
            raise
        status = self._parse(AssessmentStatus, _storable(payload.get("assessment")))
        return self._own_candidate(source_candidate_id, status)

    # -- watching and delivering ----------------------------------------------------------------

    async def get_completed_assessment(self, source_candidate_id: str) -> CompletedAssessment:
        """The scores of one completed assessment (an error if it is not complete; one whose
        text holds half a character too, in words: ``HALF_CHARACTER_TEXT``)."""
        payload = await self._call(
            "GetCompletedAssessment",
            {BerkeParam.SOURCE_CANDIDATE_ID: source_candidate_id},
            idempotent=True,
        )
        completed = self._parse(CompletedAssessment, _storable(payload.get("assessment")))
        self._tell_unreadable_fits(completed)
        return self._own_candidate(source_candidate_id, completed)

    async def get_completed_assessments(
        self, date_from: datetime, date_to: datetime, *, page: int = 1
    ) -> CompletedPage:
        """One page of the assessments completed in [date_from, date_to] (Berke's polling
        method: 50 per page). An entry whose text holds half a character is left out and
        named in ``unreadable``, as one this version cannot read (``CompletedPage``)."""
        payload = await self._call(
            "GetCompletedAssessments",
            {
                "dateFromUtc": _unix_seconds(date_from),
                "dateToUtc": _unix_seconds(date_to),
                "page": page,
            },
            idempotent=True,
        )
        listing = payload.get("assessments")
        if listing in (None, ""):
            listing = {}
        return self._parse(CompletedPage, listing)

    async def iter_completed(
        self, date_from: datetime, date_to: datetime, *, max_pages: int = 200
    ) -> AsyncIterator[CompletedAssessment]:
        """Every assessment completed in the window, page after page. Stops at the last page,
        or when a page brings nothing new (a server answering the same page for ever)."""
        seen: set[str] = set()
        unread: set[str] = set()
        page = 1
        while page <= max_pages:
            listing = await self.get_completed_assessments(date_from, date_to, page=page)
            untold = [u for u in listing.unreadable if u not in self._told_unreadable]
            if untold:
                self._told_unreadable.update(untold)
                log.warning(
                    "Berke listed completed assessments this version cannot read (left out): %s",
                    ", ".join(untold),
                )
            fresh = [a for a in listing.assessments if a.source_candidate_id.casefold() not in seen]
            # A page of entries left out is news too: the pages after it are still read.
            fresh_unread = set(listing.unreadable) - unread
            unread |= fresh_unread
            for assessment in fresh:
                seen.add(assessment.source_candidate_id.casefold())
                self._tell_unreadable_fits(assessment)
                yield assessment
            if (not fresh and not fresh_unread) or page >= listing.total_pages:
                return
            page += 1

    async def get_report_for_job(
        self,
        source_candidate_id: str,
        source_job_id: str | None = None,
        *,
        report_type_id: int | None = None,
    ) -> bytes:
        """The report as PDF bytes, for one job (None: the primary job). Preferred to the
        ``reportUrl`` links, which stop working when the API key changes (the reference)."""
        params: dict[str, Any] = {BerkeParam.SOURCE_CANDIDATE_ID: source_candidate_id}
        if source_job_id:
            params[BerkeParam.SOURCE_JOB_ID] = source_job_id
        if report_type_id:
            params["reportTypeId"] = report_type_id
        limit = self._http.answer_limits.report_max_bytes
        try:
            response = await self._send(
                "GetReportForJob", params, idempotent=True, max_bytes=limit, accept_document=True
            )
        except AnswerTooLargeError as exc:
            if exc.http_status != httpx.codes.OK:
                raise  # an error page (a proxy's?) that large: it may well go away
            # The report itself: asked again, Berke sends the same one, as large. Not a wait
            # (AnswerTooLargeError is transient), so automatic delivery holds the order and
            # says why, as for a report over the profile's upload limit; before, it fetched
            # the report again every round, and the flag said only "deliver the result".
            raise NotADocumentError(
                Service.BERKE,
                http_status=exc.http_status,
                summary=(
                    f"Berke's report is larger than {describe_size(limit)}, more than this "
                    "desk downloads, so it was not attached: complete the order by hand."
                ),
            ) from exc
        content = response.content
        # The rule a dropped file is held to: Berke's report is attached the same way. And
        # what Berke says it is counts: before, a page declared text/html that mentioned
        # "%PDF-" in its first KB was attached as the PDF report.
        if _declared_not_a_pdf(_content_type(response)) or not is_pdf(content):
            # The type it came as is the desk's finding, not Berke's words.
            declared = response.headers.get("Content-Type")
            came = (
                f"it came as {self._http.service_text(declared)}"
                if declared
                else "it came without a type"
            )
            raise NotADocumentError(
                Service.BERKE,
                problem=came,
                summary=f"Berke's report was not a PDF ({came}), so it was not attached.",
            )
        return content

    async def delete_assessment(self, source_candidate_id: str) -> None:
        """DeleteAssessment: gone for good (the id no longer exists in Berke)."""
        await self._call("DeleteAssessment", {BerkeParam.SOURCE_CANDIDATE_ID: source_candidate_id})

    async def get_jobs(self) -> list[BerkeJob]:
        payload = await self._call("GetJobs", {}, idempotent=True)
        jobs = payload.get("jobs", payload.get("job"))
        if isinstance(jobs, dict) and "job" in jobs:  # <jobs><job .../></jobs>
            jobs = jobs["job"]
        readable: list[BerkeJob] = []
        for job in as_list(jobs):
            try:
                readable.append(self._parse(BerkeJob, job))
            except UnexpectedResponseError as exc:
                # That job cannot be chosen (no id to send): the others still can.
                log.warning("A job Berke listed was left out: %s", exc.problem)
        return readable

    # -- transport ---------------------------------------------------------------------------

    async def _call(
        self, method: str, params: dict[str, Any], *, idempotent: bool = False
    ) -> dict[str, Any]:
        """The payload of Berke's envelope (status ok), or the :class:`ApiError` it means."""
        # The check parses the answer anyway: keep its payload rather than parse it twice.
        accepted: list[dict[str, Any]] = []
        await self._send(method, params, idempotent=idempotent, accepted=accepted)
        return accepted[-1]

    async def _send(
        self,
        method: str,
        params: dict[str, Any],
        *,
        idempotent: bool,
        accepted: list[dict[str, Any]] | None = None,
        max_bytes: int | None = None,
        accept_document: bool = False,
    ) -> httpx.Response:
        """Post ``method``; the good response. ``accept_document``: a 200 that is not an
        envelope (a report's PDF) is the answer itself; an envelope is then an error."""
        body: dict[str, Any] = {
            BerkeParam.API_TOKEN: self._token.get_secret_value(),
            **params,
            BerkeParam.FORMAT_OUTPUT: self._format,
        }
        if self._username and BerkeParam.USERNAME not in body:
            body[BerkeParam.USERNAME] = self._username

        def build() -> httpx.Request:
            return self._http.http.build_request("POST", f"/{method}", json=body)

        def check(response: httpx.Response) -> ApiError | None:
            redirected = self._http.redirect_error(response)
            if redirected is not None:
                return redirected
            if accept_document and response.status_code == 200 and _is_document(response):
                return None
            error, payload = self._examine(response)
            if error is None:
                if accept_document:
                    # Only text is Berke's words: the success envelope's ``null`` (or an
                    # object) read "None" (or a Python dict) as what Berke said.
                    said = whole_characters(payload.get("response"))
                    return UnexpectedResponseError(
                        Service.BERKE,
                        http_status=response.status_code,
                        summary="Berke answered without the report.",
                        service_message=self._http.service_text(said)
                        if isinstance(said, str)
                        else "",
                    )
                if accepted is not None:
                    accepted.append(payload)
            return error

        # Every method is a POST; the idempotent ones are reads, and change nothing: a watcher
        # of a step's sends (``app.clients.sending``) took a status look for its change.
        return await self._http.send(
            build, check, idempotent=idempotent, max_bytes=max_bytes, may_change=not idempotent
        )

    def _parse(self, model: type[R], data: Any) -> R:
        """``data`` as a ``model``; one it is not is said in the desk's words ("the answer's
        sourceCandidateId was not text": ``answer_problem``), never as Berke's."""
        with answer_guard(Service.BERKE):
            try:
                return model.model_validate(data)
            except ValidationError as exc:
                raise UnexpectedResponseError(
                    Service.BERKE, problem=self._http.service_text(answer_problem(exc))
                ) from None

    def _tell_unreadable_fits(self, completed: CompletedAssessment) -> None:
        """The job fits left out of ``completed`` (it is read without them), said once."""
        if not completed.unreadable_fits:
            return
        key = f"{completed.source_candidate_id.casefold()} job fits"
        if key not in self._told_unreadable:
            self._told_unreadable.add(key)
            unread = completed.unreadable_fits
            log.warning(
                "Berke's job fits for %s this version cannot read (%d left out): %s",
                completed.source_candidate_id[:50],
                len(unread),
                ", ".join(unread[:5]),
            )

    def _own_candidate(self, asked: str | None, answer: _AboutCandidate) -> _AboutCandidate:
        """``answer``, when it is about the candidate id asked about (Berke compares ids
        without case). One about another candidate is not this one's: linked or delivered, it
        would put that candidate's assessment or scores on this order."""
        if asked is not None and answer.source_candidate_id.casefold() != asked.casefold():
            raise UnexpectedResponseError(
                Service.BERKE,
                problem=self._http.service_text(
                    f"the answer was about another candidate ({answer.source_candidate_id})"
                ),
            )
        return answer

    def _examine(self, response: httpx.Response) -> tuple[ApiError | None, dict[str, Any]]:
        """(None, payload) for Berke's envelope with status ok; (the error it means, payload)."""
        header_http, berke_code = split_response_code(response.headers.get("X-Response-Code"))
        status = response.status_code
        problem = ""
        try:
            root, payload = parse_payload(response.content)
        except PayloadError as exc:
            root, payload, problem = None, {}, str(exc)
        status_word = payload.get("status")
        # Berke's envelope: a status word, in JSON or on an XML root named ...Response
        # (berkeResponse, GetJobsResponse). A proxy's page or someone else's JSON is not one.
        is_envelope = isinstance(status_word, str) and (
            root is None or root.lower().endswith("response")
        )
        berke_error = berke_code is not None and berke_code >= BERKE_ERROR_THRESHOLD
        if status < 400 and not berke_error:
            if is_envelope and str(status_word).strip().lower() == "ok":
                return None, payload
            if not is_envelope:
                # A sign-in page's title is what it says; the client's diagnostic is its own.
                problem = problem or "the answer had no Berke status"
                return self._http.not_the_api(response, problem), payload
        # Berke's words may hold half a character (JSON allows it as an escape): kept, as
        # SmartRecruiters' are, with U+FFFD in its place (``whole_characters``), so that what
        # the coordinator is shown is what the journal can keep.
        error = read_leniently(BerkeErrorBody, whole_characters(payload))
        http = header_http or status
        # Not Berke's envelope and not a JSON object (a maintenance text, a gateway's page):
        # its words, as SmartRecruiters' client keeps them.
        page = not is_envelope and (root is not None or bool(problem))
        words = answer_words(response) if page else ""
        # The reason phrase only names an error status: on a 200 it is "OK", said of a
        # refusal (and a page without a title is said by it).
        reason = response.reason_phrase if status >= 400 else ""
        if words == response.reason_phrase:
            words = reason
        message = self._http.service_text(
            error.response or response.headers.get("X-Response-Message", "") or words or reason
        )
        common: dict[str, Any] = {
            "http_status": http,
            "service_code": f"{http}.{berke_code}" if berke_code is not None else None,
            "service_message": message,
        }
        if http == 429:
            return self._throttled(payload, response, common), payload
        if http in (401, 403) or berke_code == INVALID_KEY_CODE:
            return AuthError(
                Service.BERKE,
                summary=_auth_summary(berke_code, message),
                **common,
            ), payload
        # The parameter's name is the service's text too (a hostile or broken one may name
        # the token itself): redacted as its value is.
        parameter = self._http.service_text(error.parameter) if error.parameter else None
        if http == 404:
            return NotFoundError(Service.BERKE, parameter=parameter, **common), payload
        if http >= 500:
            return ServerError(Service.BERKE, **common), payload
        value = self._http.service_text(error.parameter_value or "")
        return ValidationApiError(
            Service.BERKE,
            parameter=parameter,
            # A sentence naming the field and value; Berke's words stay as the detail.
            summary=refusal_summary(parameter, error.message, value or None),
            **common,
        ), payload

    def _throttled(
        self, payload: dict[str, Any], response: httpx.Response, common: dict[str, Any]
    ) -> ThrottledError:
        throttle = read_leniently(BerkeThrottleBody, payload)
        now = self._clock()
        # Counted from now, when the answer arrived, not on Berke's clock; clamped by the model
        # (at most a day). Never retry at once on a time-window denial, even on "wait 0".
        wait = max(throttle.wait_seconds(), MIN_THROTTLE_WAIT_SECONDS)
        retry_at = throttle.next_allowed_at(now)
        estimated = "estimated_ms_to_next_allowed_call" in throttle.model_fields_set
        header_wait = retry_after_seconds(response, now)
        if not estimated and header_wait is not None and not throttle.call_expires_on_completion:
            # No figure of Berke's own: a Retry-After (a proxy's, say) is the next best thing.
            wait = max(header_wait, MIN_THROTTLE_WAIT_SECONDS)
            retry_at = now + timedelta(seconds=wait)
        if throttle.call_expires_on_completion:
            wait = SIMULTANEOUS_FALLBACK_SECONDS
        if throttle.is_daily_limit:
            summary = (
                "The daily limit of Berke calls is reached. Calls can resume at "
                f"{time_on_day(local_time(retry_at))}."
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


def _storable(answer: Any) -> Any:
    """``answer``, unless its text holds half a character: then refused in words
    (``HALF_CHARACTER_TEXT``)."""
    if holds_half_characters(answer):
        raise UnexpectedResponseError(Service.BERKE, problem=HALF_CHARACTER_TEXT)
    return answer


def _unix_seconds(value: datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return round(value.timestamp(), 3)


#: Families of types that say a file is something else than a PDF: a page (Berke's HTML
#: report, a proxy's), a picture, data. Any other type (none, "application/pdf", the bytes a
#: store serves as "binary/octet-stream", "application/x-pdf", "application/force-download")
#: leaves it to the content: a short list of PDF types refused real reports.
NOT_A_PDF_FAMILIES = ("text/", "image/", "audio/", "video/", "multipart/", "font/")
NOT_A_PDF_TYPES = frozenset({"application/xhtml+xml", "application/xml", "application/json"})


def _declared_not_a_pdf(kind: str) -> bool:
    """Whether the declared type ``kind`` says the answer is something else than a PDF."""
    return (
        kind.startswith(NOT_A_PDF_FAMILIES)
        or kind in NOT_A_PDF_TYPES
        or kind.endswith(("+xml", "+json"))
    )


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def _is_document(response: httpx.Response) -> bool:
    """A file (a PDF, or an HTML page: refused as a report), not Berke's envelope."""
    kind = _content_type(response)
    if kind == "application/pdf" or is_pdf(response.content):
        return True
    return kind == "text/html"


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
