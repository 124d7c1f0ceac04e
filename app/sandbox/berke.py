"""The Berke Assessment API, served under ``/berke/<Method>``: creating and inviting, watching
and delivering (completed assessments, reports), updating and deleting; plus the candidate's
start page, where a person can play the candidate, and test-only hooks."""

from __future__ import annotations

import hmac
import math
import random
from collections.abc import Awaitable, Callable, Container
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app.sandbox import berke_params as bp
from app.sandbox import berke_render as out
from app.sandbox import berke_report as report
from app.sandbox.berke_fits import JobFit, fit_level
from app.sandbox.berke_pages import landing_page, unknown_code_page
from app.sandbox.berke_render import BerkeError
from app.sandbox.berke_state import STATUS_COMPLETE, Assessment, BerkeStore, as_datetime
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
DELETED = "Assessment deleted. SourceCandidateId no longer exists in system."
PAGE_SIZE = 50  # maxAssessmentsPerPage (the reference)


def mask(token: str) -> str:
    # Berke echoes the key it refused; we echo only its first two characters, so a wrong (or
    # nearly right) secret never lands whole in a client's logs or a screenshot.
    return token[:2] + "..." if token else ""


class BerkeApi:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.rng = random.Random(f"sandbox-berke-{config.seed}")
        self.store = BerkeStore(config, self.rng)
        self.burst = BurstLimiter(config.berke_burst, config.berke_window_ms, config.clock, now_utc)
        self.jobs = {job["sourceJobId"].casefold(): job for job in BERKE_JOBS}
        self.methods: dict[str, Callable[[bp.Params, Request, str], Awaitable[Response]]] = {
            "CreateAssessment": self.create_assessment,
            "SendInvitation": self.send_invitation,
            "GetJobs": self.get_jobs,
            "GetAssessmentStatus": self.get_assessment_status,
            "GetCompletedAssessment": self.get_completed_assessment,
            "GetCompletedAssessments": self.get_completed_assessments,
            "GetReportForJob": self.get_report_for_job,
            "UpdateAssessment": self.update_assessment,
            "DeleteAssessment": self.delete_assessment,
        }

    def advance(self) -> None:
        """The candidates' own progress that is due by now (checked lazily, per request)."""
        self.store.advance(BERKE_JOBS)

    async def call(self, request: Request) -> Response:
        method = request.path_params["method"]
        fmt = "xml"
        self.advance()
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
                await self.config.sleep(self.config.latency_ms / 1000.0)
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
        found = self.store.find(source_candidate_id)
        if found is None:
            # Two wordings, as a client must read any: the reference's own sentence for a
            # deleted id, and plain "not found" for one never used.
            deleted = source_candidate_id.casefold() in self.store.deleted
            raise BerkeError(
                400,
                out.CODE_UNKNOWN_CANDIDATE,
                "SourceCandidateId no longer exists in system"
                if deleted
                else "sourceCandidateId was not found",
                "sourceCandidateId",
                source_candidate_id,
            )
        return found

    def _check_unique(self, candidate_id: str, allowed: Assessment | None = None) -> None:
        found = self.store.find(candidate_id)
        if found is not None and found is not allowed:
            raise BerkeError(
                400,
                out.CODE_DUPLICATE_CANDIDATE,
                "sourceCandidateId must be unique",
                "sourceCandidateId",
                candidate_id,
            )

    def _completed(self, params: bp.Params) -> Assessment:
        candidate_id = bp.text(params, "sourceCandidateId", 50, required=True)
        assert candidate_id is not None
        assessment = self._find(candidate_id)
        if assessment.status_id != STATUS_COMPLETE:
            raise BerkeError(
                400,
                out.CODE_NOT_COMPLETE,
                "Assessment is not complete",
                "sourceCandidateId",
                candidate_id,
            )
        return assessment

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

    def _job(self, params: bp.Params, default: str = BERKE_DEFAULT_JOB) -> dict[str, Any]:
        job_id = bp.text(params, "sourceJobId", 50)
        job = self.jobs.get((job_id or default).casefold())
        if job is None:
            raise BerkeError(
                400, out.CODE_UNKNOWN_JOB, "Unknown sourceJobId", "sourceJobId", job_id
            )
        return job

    def _new_candidate_id(self) -> str:
        while True:
            candidate_id = f"BRK{self.rng.randrange(10**9):09d}"
            if self.store.find(candidate_id) is None:
                return candidate_id

    def _new_code(self) -> str:
        while True:
            code = invitation_code(self.rng)
            if code not in self.store.by_code:
                return code

    async def create_assessment(self, params: bp.Params, request: Request, fmt: str) -> Response:
        first = bp.text(params, "firstName", 100, required=True)
        last = bp.text(params, "lastName", 100, required=True)
        candidate_id = bp.text(params, "sourceCandidateId", 50)
        if candidate_id is not None:
            self._check_unique(candidate_id)
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
            self.store.now(),
            details,
        )
        self.store.add(assessment)
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
            "sentOn": berke_timestamp(as_datetime(self.store.now())),
        }
        assessment.invitations.append(invitation)
        self.store.invited(assessment)
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
            found = self.store.by_code.get(code.upper())
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
        status = assessment.status()
        if not self.config.status_counts_invitations:
            del status["invitationsSent"]
        if self.config.status_as_the_reference_spells_it:
            del status["statusName"]
            status["StatusId"] = status.pop("statusId")
        return out.ok(fmt, "assessment", status)

    # -- watching and delivering -----------------------------------------------------------
    def _scores(self, assessment: Assessment, request: Request) -> dict[str, Any]:
        """A completed assessment as GetCompletedAssessment(s) answer it."""
        base = str(request.url_for("berke_report"))
        return {
            "sourceCandidateId": assessment.source_candidate_id,
            "invitationCode": assessment.invitation_code,
            "firstName": assessment.first_name,
            "lastName": assessment.last_name,
            "formalTitle": assessment.formal_title,
            "emailAddress": assessment.details.get("emailAddress"),
            "phoneNumber": assessment.details.get("phoneNumber"),
            "completedOnUtc": assessment.completed,
            "jobFit": [
                fit.payload(assessment.source_job_id, f"{base}?id={fit.report_id}")
                for fit in assessment.fits
            ],
        }

    async def get_completed_assessment(
        self, params: bp.Params, request: Request, fmt: str
    ) -> Response:
        return out.ok(fmt, "assessment", self._scores(self._completed(params), request))

    async def get_completed_assessments(
        self, params: bp.Params, request: Request, fmt: str
    ) -> Response:
        date_from = _unix_seconds(params, "dateFromUtc")
        date_to = _unix_seconds(params, "dateToUtc")
        low = 0.0 if date_from is None else date_from
        high = self.store.now() if date_to is None else date_to
        # Only a window given backwards is an error: a start a little ahead of Berke's clock
        # (a client's clock runs fast) with no end is simply an empty window.
        if date_to is not None and low > high:
            raise BerkeError(
                400, out.CODE_RANGE, "dateFromUtc is after dateToUtc", "dateFromUtc", date_from
            )
        page = _choice(params, "page", None, default=1)
        # The window is closed at both ends: a time read back from an answer and sent as the
        # next bound finds that assessment again rather than losing it between two windows.
        found = sorted(
            (
                a
                for a in self.store.by_candidate.values()
                if a.completed is not None and low <= a.completed <= high
            ),
            key=lambda a: (a.completed, a.source_candidate_id.casefold()),
        )
        shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        listing = {
            "totalAssessments": len(found),
            "currentPageAssessments": len(shown),
            "currentPage": page,
            "totalPages": math.ceil(len(found) / PAGE_SIZE),
            "maxAssessmentsPerPage": PAGE_SIZE,
            "assessment": [self._scores(a, request) for a in shown],
        }
        return out.ok(fmt, "assessments", listing)

    async def get_report_for_job(self, params: bp.Params, request: Request, fmt: str) -> Response:
        report_type = _choice(params, "reportTypeId", report.REPORT_TYPES, default=0)
        output = _choice(params, "outputFormat", (report.OUTPUT_PDF, report.OUTPUT_HTML), default=0)
        assessment = self._completed(params)
        job = self._job(params, default=assessment.source_job_id)
        return self._report(assessment, job["sourceJobId"], report_type, output)

    def _report(
        self, assessment: Assessment, source_job_id: str, report_type: int, output: int
    ) -> Response:
        fit = assessment.fit_for(source_job_id)
        assert fit is not None  # every job of the account is scored on completion
        assert assessment.completed is not None

        def line(f: JobFit) -> report.FitLine:
            return report.FitLine(f.job, f.source_job_id, fit_level(f.fit_pct)[1], f.fit_pct)

        content = report.ReportContent(
            participant=f"{assessment.first_name} {assessment.last_name}",
            source_candidate_id=assessment.source_candidate_id,
            job=line(fit),
            completed_on=assessment.completed,
            report_type=report.REPORT_TYPES[report_type],
            all_fits=[line(f) for f in assessment.fits],
        )
        if output == report.OUTPUT_HTML:
            return out.document(
                report.html(content), "text/html; charset=utf-8", content.filename("html")
            )
        return out.document(report.pdf(content), "application/pdf", content.filename("pdf"))

    async def get_report(self, request: Request) -> Response:
        """``GetReport?id=…``: the anonymous link of a ``jobFit.reportUrl``, answering the PDF."""
        self.advance()
        try:
            fmt = bp.output_format({}, request)
        except BerkeError as exc:
            return out.error("xml", exc)
        try:
            if request.method != "GET":
                raise BerkeError(
                    405,
                    out.CODE_METHOD_NOT_ALLOWED,
                    "GetReport accepts GET only",
                    "method",
                    request.method,
                )
            report_id = request.query_params.get("id", "").strip()
            if not report_id:
                raise BerkeError(400, out.CODE_REQUIRED, "Required parameter is missing", "id", "")
            found = self.store.reports.get(report_id)
            if found is None:
                raise BerkeError(404, out.CODE_UNKNOWN_REPORT, "Report not found", "id", report_id)
        except BerkeError as exc:
            response = out.error(fmt, exc)
            if exc.http_status == 405:
                response.headers["Allow"] = "GET"
            return response
        assessment, source_job_id = found
        return self._report(assessment, source_job_id, 0, report.OUTPUT_PDF)

    # -- changing and deleting ---------------------------------------------------------------
    async def update_assessment(self, params: bp.Params, request: Request, fmt: str) -> Response:
        candidate_id = bp.text(params, "sourceCandidateId", 50, required=True)
        assert candidate_id is not None
        assessment = self._find(candidate_id)
        new_id = bp.text(params, "newSourceCandidateId", 50)
        if new_id is not None:
            self._check_unique(new_id, allowed=assessment)
        first = bp.text(params, "firstName", 100)
        last = bp.text(params, "lastName", 100)
        changes = {
            "emailAddress": bp.email(params, "emailAddress", 100),
            "completeWithinDays": bp.complete_within_days(params),
            "sourceDepartmentId": self._department(params),
        }
        # Every value is checked before anything changes: a refused call changes nothing.
        if new_id is not None:
            self.store.rekey(assessment, new_id)
        assessment.first_name = first or assessment.first_name
        assessment.last_name = last or assessment.last_name
        assessment.details.update({k: v for k, v in changes.items() if v is not None})
        return out.ok(fmt, "assessment", assessment.updated())

    async def delete_assessment(self, params: bp.Params, request: Request, fmt: str) -> Response:
        candidate_id = bp.text(params, "sourceCandidateId", 50, required=True)
        assert candidate_id is not None
        assessment = self._find(candidate_id)
        self.store.delete(assessment)
        payload = {"sourceCandidateId": assessment.source_candidate_id, "updates": DELETED}
        return out.ok(fmt, "assessment", payload)

    # -- the candidate's side ----------------------------------------------------------------
    def _by_code(self, request: Request) -> Assessment | None:
        self.advance()
        return self.store.by_code.get(request.path_params["code"].upper())

    def _unknown_code(self, request: Request) -> Response:
        page = unknown_code_page(request.path_params["code"])
        page.headers["X-Response-Code"] = f"404.{out.CODE_UNKNOWN_INVITATION}"
        page.headers["X-Response-Message"] = "Unknown invitation code"
        return page

    def _redirect_when_done(self, assessment: Assessment) -> Response | None:
        # The seed: redirected "immediately when his/her assessment is complete", and again on
        # every later visit.
        target = assessment.details.get("redirectUrl")
        if assessment.completed is None or not target:
            return None
        return RedirectResponse(target, status_code=302)

    async def start_page(self, request: Request) -> Response:
        assessment = self._by_code(request)
        if assessment is None:
            return self._unknown_code(request)
        redirect = self._redirect_when_done(assessment)
        if redirect is not None:
            return redirect
        job = self.jobs[assessment.source_job_id.casefold()]
        code = assessment.invitation_code
        page = landing_page(
            assessment.first_name,
            job["name"],
            code,
            assessment.status_id,
            job["length"],
            start_action=str(request.url_for("berke_start_begin", code=code)),
            finish_action=str(request.url_for("berke_start_finish", code=code)),
        )
        page.headers["X-Response-Code"] = "200.0"
        page.headers["X-Response-Message"] = "Success"
        return page

    async def start_begin(self, request: Request) -> Response:
        """The page's "Start" button: the candidate begins answering."""
        assessment = self._by_code(request)
        if assessment is None:
            return self._unknown_code(request)
        self.store.start(assessment)
        return self._back_to_page(request, assessment)

    async def start_finish(self, request: Request) -> Response:
        """The page's "Finish this assessment" button: complete, with job fits computed."""
        assessment = self._by_code(request)
        if assessment is None:
            return self._unknown_code(request)
        self.store.complete(assessment, BERKE_JOBS, self.store.now())
        return self._redirect_when_done(assessment) or self._back_to_page(request, assessment)

    def _back_to_page(self, request: Request, assessment: Assessment) -> Response:
        # Post/Redirect/Get, so a browser's reload does not post the button again.
        target = request.url_for("berke_start", code=assessment.invitation_code)
        return RedirectResponse(str(target), status_code=303)

    # -- test hooks ----------------------------------------------------------------------------
    async def test_assessments(self, request: Request) -> Response:
        """Every assessment the sandbox holds, with its progress (a test hook)."""
        self.advance()
        listed = [
            {
                **a.status(),
                "sourceJobId": a.source_job_id,
                "progress": a.progress,
                "startedOnUtc": a.started,
                "autoCompleteOnUtc": self.store.auto_complete_on(a),
            }
            for a in self.store.by_candidate.values()
        ]
        return JSONResponse({"assessments": listed})

    async def test_complete(self, request: Request) -> Response:
        code = request.path_params["code"]
        assessment = self._by_code(request)
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
        self.store.complete(assessment, BERKE_JOBS, self.store.now())
        return out.ok("json", "assessment", assessment.status())


def _unix_seconds(params: bp.Params, name: str) -> float | None:
    value = params.get(name)
    if value is None:
        return None
    assert isinstance(value, int | float)
    if not 0 <= value <= bp.LATEST_UNIX_SECONDS:
        raise BerkeError(400, out.CODE_RANGE, "Invalid date (Unix seconds)", name, value)
    return float(value)


def _choice(params: bp.Params, name: str, allowed: Container[int] | None, *, default: int) -> int:
    """An integer parameter from ``allowed`` (any positive one when None); null = default."""
    value = params.get(name)
    if value is None:
        return default
    assert isinstance(value, int)
    if value not in allowed if allowed is not None else value < 1:
        raise BerkeError(400, out.CODE_RANGE, "Invalid value", name, value)
    return value


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
            Route(
                "/start/{code}/start", api.start_begin, methods=["POST"], name="berke_start_begin"
            ),
            Route(
                "/start/{code}/finish",
                api.start_finish,
                methods=["POST"],
                name="berke_start_finish",
            ),
            # Anonymous, GET, and answering the PDF itself (the reference's one exception).
            Route(
                "/GetReport",
                api.get_report,
                methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                name="berke_report",
            ),
            Route("/_test/complete/{code}", api.test_complete, methods=["POST"]),
            Route("/_test/assessments", api.test_assessments, methods=["GET"]),
            Route("/{method}", api.call, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ],
        exception_handlers={HTTPException: _on_error, ClientDisconnect: client_gone},
    )
    app.state.berke = api
    return app
