"""The Berke Assessment API, served under ``/berke/<Method>``, plus the candidate's landing
page and one test-only hook that completes an assessment."""

from __future__ import annotations

import asyncio
import hmac
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.sandbox import berke_params as bp
from app.sandbox import berke_render as out
from app.sandbox.berke_pages import landing_page, unknown_code_page
from app.sandbox.berke_render import BerkeError
from app.sandbox.config import SandboxConfig
from app.sandbox.data import BERKE_DEFAULT_JOB, BERKE_DEPARTMENTS, BERKE_JOBS, BERKE_USERS
from app.sandbox.disconnect import client_gone
from app.sandbox.formats import berke_timestamp, invitation_code, now_utc
from app.sandbox.ratelimit import BurstDenial, BurstLimiter

DISABLED_DEPARTMENT = (
    "Department (sourceDepartmentId) to which this assessment is assigned is "
    "not enabled. Assessments in disabled departments cannot be created, "
    "modified, or accessed via the API"
)


@dataclass
class Assessment:
    source_candidate_id: str
    invitation_code: str
    assessment_url: str
    first_name: str
    last_name: str
    source_job_id: str
    created: datetime
    details: dict[str, Any]
    completed: datetime | None = None
    invitations: list[dict[str, Any]] = field(default_factory=list)

    def reference(self) -> dict[str, Any]:
        return {
            "sourceCandidateId": self.source_candidate_id,
            "invitationCode": self.invitation_code,
            "assessmentUrl": self.assessment_url,
        }

    def status(self) -> dict[str, Any]:
        done = self.completed is not None
        return {
            "sourceCandidateId": self.source_candidate_id,
            "invitationCode": self.invitation_code,
            "assessmentUrl": self.assessment_url,
            "statusId": 2 if done else 1,
            "statusName": "Complete" if done else "Not started",
            "completedOnUtc": int(self.completed.timestamp()) if self.completed else None,
            "invitationsSent": len(self.invitations),
            # "the assessment's identity and status" (the reference): who it is for.
            "firstName": self.first_name,
            "lastName": self.last_name,
            "emailAddress": self.details.get("emailAddress"),
        }


def mask(token: str) -> str:
    # Berke echoes the key it refused; we echo only its first two characters, so a wrong (or
    # nearly right) secret never lands whole in a client's logs or a screenshot.
    return token[:2] + "..." if token else ""


class BerkeApi:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.rng = random.Random(f"sandbox-berke-{config.seed}")
        self.by_candidate: dict[str, Assessment] = {}
        self.by_code: dict[str, Assessment] = {}
        self.burst = BurstLimiter(config.berke_burst, config.berke_window_ms, config.clock, now_utc)
        self.jobs = {job["sourceJobId"].casefold(): job for job in BERKE_JOBS}
        self.methods: dict[str, Callable[[bp.Params, Request, str], Awaitable[Response]]] = {
            "CreateAssessment": self.create_assessment,
            "SendInvitation": self.send_invitation,
            "GetJobs": self.get_jobs,
            "GetAssessmentStatus": self.get_assessment_status,
        }

    async def call(self, request: Request) -> Response:
        method = request.path_params["method"]
        fmt = "xml"
        try:
            fmt = bp.output_format({}, request)
            raw = await bp.read_raw(request)
            fmt = bp.output_format(raw, request)
            if method not in self.methods:
                raise BerkeError(
                    404, out.CODE_UNKNOWN_METHOD, "Unknown API method", "method", method
                )
            if request.method != "POST":
                raise BerkeError(
                    405,
                    out.CODE_METHOD_NOT_ALLOWED,
                    f"{method} accepts POST only",
                    "method",
                    request.method,
                )
            self._authenticate(raw.get("apiToken"))
            denial = self.burst.check(self.config.berke_token)
            if denial is not None:
                return self._throttled(fmt, method, denial)
            if self.config.latency_ms:
                await asyncio.sleep(self.config.latency_ms / 1000.0)
            params = bp.normalise(raw, method)
            self._check_user(params)
            return await self.methods[method](params, request, fmt)
        except BerkeError as exc:
            response = out.error(fmt, exc)
            if exc.http_status == 405:
                response.headers["Allow"] = "POST"
            return response

    def _authenticate(self, token: object) -> None:
        given = token.strip() if isinstance(token, str) else ""
        if not (
            1 <= len(given) <= 50
            and hmac.compare_digest(given.encode("utf-8"), self.config.berke_token.encode("utf-8"))
        ):
            raise BerkeError(
                403, out.CODE_INVALID_KEY, f"API key '{mask(given)}' is invalid or inactive"
            )

    def _check_user(self, params: bp.Params) -> None:
        username = bp.text(params, "username", 50)
        if username is None:
            return
        active = BERKE_USERS.get(username.casefold())
        if active is None:
            raise BerkeError(400, out.CODE_BAD_USERNAME, "Invalid username", "username", username)
        if not active:
            raise BerkeError(
                400, out.CODE_INACTIVE_USER, "User is inactive or expired", "username", username
            )

    def _throttled(self, fmt: str, method: str, denial: BurstDenial) -> Response:
        first, last = berke_timestamp(denial.first_denied_at), berke_timestamp(denial.denied_at)
        message = (
            f"{method} API method requests exceeded burst limit of {denial.maximum} "
            f"occurrences within {denial.window_ms} milliseconds. Excess requests "
            f"occurred {denial.count_exceeded} times from [{first}] to [{last}]."
        )
        extra = {
            "callDeniedDateTime": last,
            "callExpiresOnCompletion": False,
            "countCallsExceeded": denial.count_exceeded,
            "estimatedMillisecondsToNextAllowedCall": denial.wait_ms,
            "firstCallDeniedDateTime": first,
            "isDailyLimit": False,
            "maximumCallsPerTimeFrame": denial.maximum,
            "timeFrameMilliseconds": denial.window_ms,
        }
        return out.error(fmt, BerkeError(429, out.CODE_BURST, message), extra)

    def _find(self, source_candidate_id: str) -> Assessment:
        found = self.by_candidate.get(source_candidate_id.casefold())
        if found is None:
            raise BerkeError(
                400,
                out.CODE_UNKNOWN_CANDIDATE,
                "sourceCandidateId was not found",
                "sourceCandidateId",
                source_candidate_id,
            )
        return found

    def _department(self, params: bp.Params) -> str | None:
        department = bp.text(params, "sourceDepartmentId", 50)
        if department is None:
            return None
        enabled = {k.casefold(): v for k, v in BERKE_DEPARTMENTS.items()}.get(department.casefold())
        if enabled is None:
            raise BerkeError(
                400,
                out.CODE_UNKNOWN_DEPARTMENT,
                "sourceDepartmentId was not found",
                "sourceDepartmentId",
                department,
            )
        if not enabled:
            raise BerkeError(
                400,
                out.CODE_DISABLED_DEPARTMENT,
                DISABLED_DEPARTMENT,
                "sourceDepartmentId",
                department,
            )
        return department

    def _job(self, params: bp.Params) -> dict[str, Any]:
        job_id = bp.text(params, "sourceJobId", 50)
        job = self.jobs.get((job_id or BERKE_DEFAULT_JOB).casefold())
        if job is None:
            raise BerkeError(
                400, out.CODE_UNKNOWN_JOB, "Unknown sourceJobId", "sourceJobId", job_id
            )
        return job

    def _new_candidate_id(self) -> str:
        while True:
            candidate_id = f"BRK{self.rng.randrange(10**9):09d}"
            if candidate_id.casefold() not in self.by_candidate:
                return candidate_id

    def _new_code(self) -> str:
        while True:
            code = invitation_code(self.rng)
            if code not in self.by_code:
                return code

    async def create_assessment(self, params: bp.Params, request: Request, fmt: str) -> Response:
        first = bp.text(params, "firstName", 100, required=True)
        last = bp.text(params, "lastName", 100, required=True)
        candidate_id = bp.text(params, "sourceCandidateId", 50)
        if candidate_id is not None and candidate_id.casefold() in self.by_candidate:
            raise BerkeError(
                400,
                out.CODE_DUPLICATE_CANDIDATE,
                "sourceCandidateId must be unique",
                "sourceCandidateId",
                candidate_id,
            )
        job = self._job(params)
        department = self._department(params)
        action = bp.complete_action(params)
        details = {
            "sourceDepartmentId": department,
            "onAssessmentCompleteAction": action,
            "emailReportToList": bp.report_list(params, action),
            "redirectUrl": bp.redirect_url(params),
            "phoneNumber": bp.text(params, "phoneNumber", 50),
            "emailAddress": bp.email(params, "emailAddress", 100),
            "completeWithinDays": bp.complete_within_days(params),
            "invitationMessage": bp.invitation_message(params, markup_allowed=False),
            "username": params.get("username"),
        }
        assert first is not None
        assert last is not None
        code = self._new_code()
        assessment = Assessment(
            candidate_id or self._new_candidate_id(),
            code,
            str(request.url_for("berke_start", code=code)),
            first,
            last,
            job["sourceJobId"],
            now_utc(),
            details,
        )
        self.by_candidate[assessment.source_candidate_id.casefold()] = assessment
        self.by_code[code] = assessment
        return out.ok(fmt, "assessment", assessment.reference())

    async def send_invitation(self, params: bp.Params, request: Request, fmt: str) -> Response:
        candidate_id = bp.text(params, "sourceCandidateId", 50, required=True)
        assert candidate_id is not None
        assessment = self._find(candidate_id)
        invitation = {
            "emailAddress": bp.email(params, "emailAddress", 100, required=True),
            # HTML is allowed here: Berke escapes it in the e-mail it sends.
            "invitationMessage": bp.invitation_message(params, markup_allowed=True),
            "senderName": bp.text(params, "senderName", 100),
            "senderEmail": bp.email(params, "senderEmail", 100),
            "sentOn": berke_timestamp(now_utc()),
        }
        assessment.invitations.append(invitation)
        return out.ok(fmt, "assessment", assessment.reference())

    async def get_jobs(self, params: bp.Params, request: Request, fmt: str) -> Response:
        return out.jobs(fmt, [dict(job) for job in BERKE_JOBS])

    async def get_assessment_status(
        self, params: bp.Params, request: Request, fmt: str
    ) -> Response:
        candidate_id = bp.text(params, "sourceCandidateId", 50)
        code = bp.text(params, "invitationCode", 50)
        if candidate_id is not None:
            assessment = self._find(candidate_id)
        elif code is not None:
            found = self.by_code.get(code.upper())
            if found is None:
                raise BerkeError(
                    400,
                    out.CODE_UNKNOWN_INVITATION,
                    "invitationCode was not found",
                    "invitationCode",
                    code,
                )
            assessment = found
        else:
            raise BerkeError(
                400,
                out.CODE_REQUIRED,
                "sourceCandidateId or invitationCode is required",
                "sourceCandidateId",
                "",
            )
        return out.ok(fmt, "assessment", assessment.status())

    async def start_page(self, request: Request) -> Response:
        assessment = self.by_code.get(request.path_params["code"].upper())
        if assessment is None:
            page = unknown_code_page(request.path_params["code"])
            page.headers["X-Response-Code"] = f"404.{out.CODE_UNKNOWN_INVITATION}"
            page.headers["X-Response-Message"] = "Unknown invitation code"
            return page
        job = self.jobs[assessment.source_job_id.casefold()]
        page = landing_page(
            assessment.first_name,
            job["name"],
            assessment.invitation_code,
            assessment.completed is not None,
            job["length"],
        )
        page.headers["X-Response-Code"] = "200.0"
        page.headers["X-Response-Message"] = "Success"
        return page

    async def test_assessments(self, request: Request) -> Response:
        """Every assessment the sandbox holds (a test hook: reliability tests count them)."""
        listed = [
            {**a.status(), "firstName": a.first_name, "lastName": a.last_name}
            for a in self.by_candidate.values()
        ]
        return JSONResponse({"assessments": listed})

    async def test_complete(self, request: Request) -> Response:
        code = request.path_params["code"]
        assessment = self.by_code.get(code.upper())
        if assessment is None:
            return out.error(
                "json",
                BerkeError(
                    404,
                    out.CODE_UNKNOWN_INVITATION,
                    "invitationCode was not found",
                    "invitationCode",
                    code,
                ),
            )
        assessment.completed = assessment.completed or now_utc()
        return out.ok("json", "assessment", assessment.status())


async def _on_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):
        raise exc
    error = BerkeError(
        exc.status_code,
        out.CODE_UNKNOWN_METHOD if exc.status_code == 404 else out.CODE_METHOD_NOT_ALLOWED,
        "Resource not found" if exc.status_code == 404 else "Method not allowed",
    )
    return out.error(await _wanted_format(request), error)


async def _wanted_format(request: Request) -> str:
    """The ``formatOutput`` a request asked for, read as a method call reads it; a body or a
    format that cannot be read falls back to the default (xml) rather than a second error."""
    try:
        return bp.output_format(await bp.read_raw(request), request)
    except ClientDisconnect:
        return "xml"  # nobody reads the answer
    except BerkeError:
        try:
            return bp.output_format({}, request)
        except BerkeError:
            return "xml"


def create_berke_app(config: SandboxConfig) -> Starlette:
    api = BerkeApi(config)
    app = Starlette(
        routes=[
            Route("/start/{code}", api.start_page, methods=["GET"], name="berke_start"),
            Route("/_test/complete/{code}", api.test_complete, methods=["POST"]),
            Route("/_test/assessments", api.test_assessments, methods=["GET"]),
            Route("/{method}", api.call, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ],
        exception_handlers={HTTPException: _on_error, ClientDisconnect: client_gone},
    )
    app.state.berke = api
    return app
