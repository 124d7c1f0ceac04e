"""BerkeClient against the sandbox over real loopback HTTP, in JSON and in XML."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import httpx
import pytest

from app.clients.answers import AnswerLimits
from app.clients.berke import BerkeClient
from app.clients.errors import (
    AnswerTooLargeError,
    AuthError,
    NetworkError,
    NotADocumentError,
    ServerError,
    ThrottledError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.http import RetryPolicy
from app.clients.sending import watching_sends
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_text import BerkeParam
from tests.integration.helpers import (
    LosesAnAnswer,
    PacedClock,
    RealNetwork,
    RecordingTransport,
    finish_in_sandbox,
    run,
    sandbox_answering,
    unpaced,
)

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

FORMATS: list[Literal["json", "xml"]] = ["json", "xml"]


def client(sandbox: SandboxServer, **kwargs: object) -> BerkeClient:
    from app.sandbox import DEMO_BERKE_TOKEN

    token = kwargs.pop("token", DEMO_BERKE_TOKEN)
    return BerkeClient(sandbox.berke_base_url, token, **kwargs)  # type: ignore[arg-type]


def unique_id() -> str:
    return f"HRIS-{uuid.uuid4().hex[:12]}"


def request(**params: object) -> CreateAssessmentRequest:
    return CreateAssessmentRequest.model_validate(
        {BerkeParam.FIRST_NAME: "Zoë", BerkeParam.LAST_NAME: "Müller", **params}
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_create_assessment_and_its_landing_page(sandbox: SandboxServer, fmt: str) -> None:
    candidate = unique_id()

    async def body() -> None:
        transport = RecordingTransport()
        async with client(sandbox, response_format=fmt, transport=transport) as berke:
            jobs = await berke.get_jobs()
            created = await berke.create_assessment(
                request(**{
                    BerkeParam.EMAIL_ADDRESS: "zoe@example.com",
                    BerkeParam.SOURCE_CANDIDATE_ID: candidate,
                    BerkeParam.SOURCE_JOB_ID: jobs[0].source_job_id,
                    BerkeParam.COMPLETE_WITHIN_DAYS: 7,
                    BerkeParam.ON_COMPLETE_ACTION: 5,
                    BerkeParam.EMAIL_REPORT_TO_LIST: "hr@acme.test",
                })
            )  # fmt: skip
            sent = transport.json_bodies()[-1]
            assert sent[BerkeParam.FORMAT_OUTPUT] == fmt
            assert sent[BerkeParam.API_TOKEN]
            assert sent[BerkeParam.COMPLETE_WITHIN_DAYS] == 7
            assert BerkeParam.PHONE_NUMBER not in sent  # absent, not empty
        assert created.source_candidate_id.casefold() == candidate.casefold()
        assert created.assessment_url.endswith(created.invitation_code)
        async with httpx.AsyncClient() as raw:
            page = await raw.get(created.assessment_url)
        assert page.status_code == 200
        assert created.invitation_code in page.text

    run(body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_berke_generates_a_candidate_id_when_none_is_given(
    sandbox: SandboxServer, fmt: str
) -> None:
    async def body() -> None:
        async with client(sandbox, response_format=fmt) as berke:
            created = await berke.create_assessment(request())
        assert created.source_candidate_id

    run(body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_duplicate_candidate_id_names_the_parameter(sandbox: SandboxServer, fmt: str) -> None:
    candidate = unique_id()

    async def body() -> None:
        async with client(sandbox, response_format=fmt) as berke:
            await berke.create_assessment(request(**{BerkeParam.SOURCE_CANDIDATE_ID: candidate}))
            with pytest.raises(ValidationApiError) as info:
                await berke.create_assessment(
                    request(
                        **{BerkeParam.SOURCE_CANDIDATE_ID: candidate.lower()}
                    )  # not case-sensitive
                )
        assert info.value.parameter == BerkeParam.SOURCE_CANDIDATE_ID
        assert info.value.http_status == 400
        assert info.value.service_code
        assert int(info.value.service_code.split(".")[1]) >= 1000
        assert "sourceCandidateId" in str(info.value)

    run(body)


class AnswersRenamed(RealNetwork):
    """The real sandbox, its answers naming ``renamed`` wherever they name ``candidate``: a
    broken or hostile Berke answering about another candidate than the one asked about."""

    def __init__(self, candidate: str, renamed: str) -> None:
        super().__init__()
        self.candidate, self.renamed = candidate, renamed

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = await self.inner.handle_async_request(request)
        content = await answer.aread()
        for encoding in ("utf-8", "utf-16-le"):  # JSON; the XML Berke writes in UTF-16
            content = content.replace(
                self.candidate.encode(encoding), self.renamed.encode(encoding)
            )
        # The content is decoded now, and its length is httpx's to set: sent on as it is.
        dropped = ("content-encoding", "content-length")
        kept = [(k, v) for k, v in answer.headers.items() if k.lower() not in dropped]
        return httpx.Response(answer.status_code, headers=kept, content=content)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_answer_about_another_candidate_is_refused(sandbox: SandboxServer, fmt: str) -> None:
    """Linked or delivered, another candidate's assessment or scores would land on this
    order: each call about one candidate refuses an answer about another (as the
    SmartRecruiters client does for an order)."""
    candidate, other = unique_id(), unique_id()
    asked = request(**{BerkeParam.SOURCE_CANDIDATE_ID: candidate})

    async def body() -> None:
        async with client(sandbox, response_format=fmt) as berke:
            created = await berke.create_assessment(asked)
            finish_in_sandbox(sandbox, created.invitation_code)
        renamed = AnswersRenamed(candidate, other)
        async with client(sandbox, response_format=fmt, transport=renamed) as berke:
            with pytest.raises(UnexpectedResponseError, match=f"another candidate \\({other}\\)"):
                await berke.get_completed_assessment(candidate)
            with pytest.raises(UnexpectedResponseError, match="another candidate"):
                await berke.get_assessment_status(candidate)
            again = request(**{BerkeParam.SOURCE_CANDIDATE_ID: unique_id()})
            renamed.candidate = str(again.source_candidate_id)
            with pytest.raises(UnexpectedResponseError, match="another candidate"):
                await berke.create_assessment(again)
        # Berke compares ids without case: the same id in other letters is the same candidate.
        async with client(
            sandbox, response_format=fmt, transport=AnswersRenamed(candidate, candidate.lower())
        ) as berke:
            completed = await berke.get_completed_assessment(candidate)
            status = await berke.get_assessment_status(candidate)
        assert status is not None
        assert completed.source_candidate_id == status.source_candidate_id == candidate.lower()

    run(body)


@pytest.fixture(scope="module")
def sandbox_spelling() -> Iterator[SandboxServer]:
    """A Berke whose status flag is spelled as the sandbox once spelled it ("statusId", with
    a statusName); the default spells it as the reference writes it ("StatusId")."""
    with sandbox_answering(status_as_the_reference_spells_it=False) as server:
        yield server


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("spelled_as", ["the sandbox", "the reference"])
def test_a_status_is_read_as_either_spells_it(
    sandbox: SandboxServer, sandbox_spelling: SandboxServer, spelled_as: str, fmt: str
) -> None:
    """The reference writes "StatusId = 2 means complete"; only the sandbox's "statusId" was
    read, and a completed assessment read as not started: Delete in Berke took its scores."""
    server = sandbox if spelled_as == "the reference" else sandbox_spelling
    candidate = unique_id()

    async def body() -> None:
        async with client(server, response_format=fmt) as berke:
            created = await berke.create_assessment(
                request(**{BerkeParam.SOURCE_CANDIDATE_ID: candidate})
            )
            status = await berke.get_assessment_status(candidate)
            assert status is not None
            assert status.progress is BerkeProgress.NOT_STARTED
            finish_in_sandbox(server, created.invitation_code)
            status = await berke.get_assessment_status(candidate)
            assert status is not None
            assert status.progress is BerkeProgress.COMPLETE

    run(body)


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({BerkeParam.SOURCE_JOB_ID: "NO-SUCH-JOB"}, BerkeParam.SOURCE_JOB_ID),
        ({BerkeParam.SOURCE_DEPARTMENT_ID: "NOWHERE"}, BerkeParam.SOURCE_DEPARTMENT_ID),
        ({BerkeParam.SOURCE_DEPARTMENT_ID: "LEGACY"}, BerkeParam.SOURCE_DEPARTMENT_ID),
        ({BerkeParam.USERNAME: "nobody"}, BerkeParam.USERNAME),
    ],
)
def test_server_side_reference_checks(
    sandbox: SandboxServer, params: dict[str, str], parameter: str
) -> None:
    async def body() -> None:
        async with client(sandbox) as berke:
            with pytest.raises(ValidationApiError) as info:
                await berke.create_assessment(request(**params))
        assert info.value.parameter == parameter
        assert info.value.service_message  # the service's own words are kept

    run(body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_sandbox_validation_catches_what_the_model_would_refuse(
    sandbox: SandboxServer, fmt: str
) -> None:
    # A request built without validation (as a buggy client would) is refused by the server.
    bad = CreateAssessmentRequest.model_construct(
        first_name="Zoë",
        last_name="Müller",
        on_assessment_complete_action=3,  # type: ignore[arg-type]
    )

    async def body() -> None:
        async with client(sandbox, response_format=fmt) as berke:
            with pytest.raises(ValidationApiError) as info:
                await berke.create_assessment(bad)
        assert info.value.parameter == BerkeParam.ON_COMPLETE_ACTION
        assert "[3]" in info.value.service_message

    run(body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_token_is_an_auth_error_that_never_shows_the_token(
    sandbox: SandboxServer, fmt: str
) -> None:
    token = "WRONG-token-0123456789abcdef"

    async def body() -> None:
        async with client(sandbox, token=token, response_format=fmt) as berke:
            with pytest.raises(AuthError) as info:
                await berke.get_jobs()
        assert info.value.service_code == "403.1003"
        assert "invalid or inactive" in str(info.value)
        for text in (str(info.value), repr(info.value), info.value.service_message):
            assert token not in text
            assert token[:8] not in text

    run(body)


def test_send_invitation(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as berke:
            created = await berke.create_assessment(
                request(**{BerkeParam.EMAIL_ADDRESS: "zoe@example.com"})
            )
            await berke.send_invitation(
                SendInvitationRequest(
                    source_candidate_id=created.source_candidate_id,
                    email_address="zoe@example.com",
                    message="Please take the assessment this week.",
                    sender_name="Cora Coordinator",
                )
            )
            with pytest.raises(ValidationApiError) as info:
                await berke.send_invitation(
                    SendInvitationRequest(source_candidate_id=unique_id(), email_address="z@x.com")
                )
        assert info.value.parameter == BerkeParam.SOURCE_CANDIDATE_ID

    run(body)


def test_a_create_whose_answer_was_lost_is_not_sent_again_by_the_client(
    sandbox: SandboxServer,
) -> None:
    """As any change, a create whose answer was lost is handed back, never sent again by the
    client: resent, Berke made a second assessment for the candidate (or refused the id as
    taken, by the first one nobody knew of)."""
    transport = LosesAnAnswer("/CreateAssessment")

    async def body() -> None:
        async with client(sandbox, transport=transport) as berke:
            with pytest.raises(NetworkError) as info:
                await berke.create_assessment(request())
        assert info.value.request_sent
        assert transport.sent == 1

    run(body)


class HeardSends:
    """A step's send watcher (``app.clients.sending``): what it was told, in order."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    async def sending(self) -> None:
        self.heard.append("sending")

    async def not_carried_out(self) -> None:
        self.heard.append("denied")


def test_berke_reads_are_not_a_steps_sends(sandbox: SandboxServer) -> None:
    """Every Berke call is a POST, and a status look was told to a step's watcher as its
    change: an invitation whose try only looked would be taken for one that may have gone,
    and a look's 429 for its send's denial. Only the calls that change something are told."""

    class DenyTheFirstLook(RealNetwork):
        def __init__(self) -> None:
            super().__init__()
            self.denied = False

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if not self.denied and request.url.path.endswith("/GetAssessmentStatus"):
                self.denied = True
                body = {"status": "error", "response": "Too many calls.",
                        "estimatedMillisecondsToNextAllowedCall": 1}  # fmt: skip
                return httpx.Response(429, json=body, request=request)
            return await self.inner.handle_async_request(request)

    async def body() -> None:
        watcher = HeardSends()
        async with client(sandbox, transport=DenyTheFirstLook(), pacer=unpaced()) as berke:
            created = await berke.create_assessment(request())
            with watching_sends(watcher):
                status = await berke.get_assessment_status(created.source_candidate_id)
                assert status is not None
                await berke.get_jobs()
                assert watcher.heard == []
                await berke.send_invitation(
                    SendInvitationRequest(
                        source_candidate_id=created.source_candidate_id,
                        email_address="zoe@example.com",
                    )
                )
        assert watcher.heard == ["sending"]

    run(body)


def test_the_requests_own_user_wins_over_the_clients_default(sandbox: SandboxServer) -> None:
    """The Berke form lets a coordinator pick the user an assessment is made for (with
    completion action 2 Berke emails them the report). Before (the client's default user
    written over the request's), it was made under the default user, who got the report.
    The sandbox's Berke knows "manager" (active) and "former.coordinator" (refused)."""
    asked = request(**{BerkeParam.SOURCE_CANDIDATE_ID: unique_id(), BerkeParam.USERNAME: "manager"})
    recording = RecordingTransport()

    async def body() -> None:
        async with client(
            sandbox, username="former.coordinator", pacer=unpaced(), transport=recording
        ) as berke:
            created = await berke.create_assessment(asked)
        assert created.source_candidate_id == asked.source_candidate_id

    run(body)
    (sent,) = recording.json_bodies()
    assert sent[BerkeParam.USERNAME] == "manager"


def test_the_clients_default_user_fills_in_when_the_request_names_none(
    sandbox: SandboxServer,
) -> None:
    recording = RecordingTransport()

    async def body() -> None:
        async with client(
            sandbox, username="manager", pacer=unpaced(), transport=recording
        ) as berke:
            await berke.get_jobs()

    run(body)
    (sent,) = recording.json_bodies()
    assert sent[BerkeParam.USERNAME] == "manager"


FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)


def _far_future() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_one_page_window_of_completions_is_read_with_one_call(fmt: str) -> None:
    """Before (one more page asked for after the last), every watch round doubled its
    Berke calls for a one-page window. A sandbox of its own: its one completion is the
    window's only one."""
    candidate = unique_id()
    recording = RecordingTransport()
    with sandbox_answering() as server:

        async def body() -> list[str]:
            async with client(server, pacer=unpaced(), response_format=fmt) as berke:
                created = await berke.create_assessment(
                    request(**{BerkeParam.SOURCE_CANDIDATE_ID: candidate})
                )
            finish_in_sandbox(server, created.invitation_code)
            async with client(
                server, pacer=unpaced(), response_format=fmt, transport=recording
            ) as berke:
                window = berke.iter_completed(FAR_PAST, _far_future())
                return [a.source_candidate_id async for a in window]

        assert run(body) == [candidate]
    assert [r.url.path.rsplit("/", 1)[1] for r in recording.requests] == ["GetCompletedAssessments"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_burst_limit_429_is_parsed_and_waited_out(fmt: str) -> None:
    from app.sandbox import SandboxConfig, SandboxServer

    # The sandbox's window on a clock that only the client's waits move: the five calls are
    # counted together however slowly they arrive (in real time, more than 400 ms apart
    # under load, fewer were throttled).
    clock = PacedClock()
    config = SandboxConfig(berke_burst=3, berke_window_ms=400, orders=1, clock=clock)
    with SandboxServer(config, port=0) as s:

        async def body() -> None:
            no_retry = RetryPolicy(throttle_retries=0)
            async with client(s, response_format=fmt, pacer=unpaced(), retry=no_retry) as berke:
                results = await asyncio.gather(
                    *(berke.get_jobs() for _ in range(5)), return_exceptions=True
                )
            throttled = [r for r in results if isinstance(r, ThrottledError)]
            assert len(throttled) == 2
            error = throttled[0]
            assert 0 < error.wait_seconds <= 0.4
            assert not error.is_daily_limit
            assert not error.simultaneous
            assert error.http_status == 429
            assert "burst limit" in error.service_message
            # With retries (the default), the same burst simply completes.
            pacer = clock.pacer_like(unpaced())
            async with client(s, response_format=fmt, pacer=pacer) as berke:
                jobs = await asyncio.gather(*(berke.get_jobs() for _ in range(5)))
            assert all(jobs)

        run(body)


def test_default_pacing_keeps_under_the_burst() -> None:
    from app.clients.berke import berke_pacer
    from app.sandbox import SandboxConfig, SandboxServer

    clock = PacedClock()  # the sandbox counts each call when the pacer started it
    config = SandboxConfig(berke_burst=4, berke_window_ms=300, orders=1, clock=clock)
    with SandboxServer(config, port=0) as s:

        async def body() -> None:
            pacer = clock.pacer_like(berke_pacer(burst=4, window_ms=300))
            # No 429 may be retried: one would fail a call, and gather would raise it.
            async with client(s, pacer=pacer, retry=RetryPolicy(throttle_retries=0)) as berke:
                answers = await asyncio.gather(*(berke.get_jobs() for _ in range(9)))
            assert all(jobs for jobs in answers)  # every call answered, none denied

        began = clock.now
        run(body)
        # 9 calls at 4 per 0.3 s need at least two more windows: the pacer waited for them.
        assert clock.now - began >= 0.6


# -- faults the sandbox cannot produce: injected with a mock transport ---------------------

DAILY = {
    "callDeniedDateTime": "2025-01-20T18:47:44.4792646Z",
    "callExpiresOnCompletion": False,
    "countCallsExceeded": 1,
    "estimatedMillisecondsToNextAllowedCall": 3_600_000,
    "isDailyLimit": True,
    "maximumCallsPerTimeFrame": 5000,
    "timeFrameMilliseconds": 86_400_000,
    "status": "error",
    "response": "Daily limit of 5000 calls reached.",
    "responseCode": "429",
}


def test_daily_limit_is_not_retried_and_says_when_it_lifts() -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(429, json=DAILY, headers={"X-Response-Code": "429.1010"})

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handler),
            clock=lambda: datetime(2025, 1, 20, 18, 47, 45, tzinfo=UTC),
        ) as berke:  # fmt: skip
            with pytest.raises(ThrottledError) as info:
                await berke.get_jobs()
        assert calls == 1
        assert info.value.is_daily_limit
        assert info.value.is_transient  # a wait, not a refusal
        # An hour from when the answer arrived here (18:47:45), not from Berke's own clock.
        assert info.value.retry_at == datetime(2025, 1, 20, 19, 47, 45, tzinfo=UTC)
        assert "daily limit" in str(info.value)

    run(body)


def test_berke_error_code_in_header_fails_a_200() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "status": "error",
                "response": "API is disabled for maintenance",
                "responseCode": "503",
            },
            headers={"X-Response-Code": "503.1020", "X-Response-Message": "API is disabled"},
        )

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handler)
        ) as b:
            with pytest.raises(ServerError) as info:
                await b.get_jobs()
        assert "API is disabled for maintenance" in str(info.value)
        assert info.value.is_transient
        assert info.value.service_code == "503.1020"

    run(body)


def test_a_proxy_page_instead_of_berke_is_explained() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html><body>Captive portal</body></html>")

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handler)
        ) as b:
            with pytest.raises(UnexpectedResponseError):
                await b.create_assessment(request())

    run(body)


def _walk(pages: dict[int, Any], asked: list[int]) -> list[str]:
    """The candidates ``iter_completed`` gives from Berke's ``pages`` (page 0: any other);
    ``asked``: the pages asked for."""

    def handle(request: httpx.Request) -> httpx.Response:
        page = int(json.loads(request.content)["page"])
        asked.append(page)
        envelope = {"status": "ok", "response": None, "responseCode": "200",
                    "assessments": pages.get(page, pages.get(0))}  # fmt: skip
        return httpx.Response(200, json=envelope, headers={"X-Response-Code": "200.0"})

    return _completed_as_answered(handle)


def _completed_as_answered(handle: Callable[[httpx.Request], httpx.Response]) -> list[str]:
    """The candidates ``iter_completed`` gives from a Berke answering as ``handle`` does."""

    async def body() -> list[str]:
        async with BerkeClient(
            "https://berke.test/api", "token-123", pacer=unpaced(),
            transport=httpx.MockTransport(handle),
        ) as berke:  # fmt: skip
            window = berke.iter_completed(FAR_PAST, _far_future())
            return [a.source_candidate_id async for a in window]

    return run(body)


def _completion(candidate: str, **fields: Any) -> dict[str, Any]:
    return {"sourceCandidateId": candidate, "completedOnUtc": 1737398865.25, **fields}


def test_a_page_of_only_unreadable_completions_does_not_end_the_walk() -> None:
    """Before, it did: the completions on the pages after it were never seen."""
    asked: list[int] = []
    unreadable = _completion("OTHER-1", completedOnUtc="not a time")
    pages = {
        1: {"totalPages": 2, "currentPage": 1, "assessment": [unreadable]},
        2: {"totalPages": 2, "currentPage": 2, "assessment": [_completion("HRIS-2")]},
    }
    assert _walk(pages, asked) == ["HRIS-2"]
    assert asked == [1, 2]


def test_a_berke_answering_the_same_page_for_ever_is_read_once() -> None:
    """Before, the walk went on to its page limit: 200 calls a round, each completion
    given 200 times."""
    asked: list[int] = []
    same = {"totalPages": 500, "currentPage": 1, "assessment": [_completion("HRIS-1")]}
    assert _walk({0: same}, asked) == ["HRIS-1"]
    assert asked == [1, 2]


@pytest.mark.parametrize("listing", [None, ""])
def test_berkes_empty_listing_is_no_completion_not_an_error(listing: Any) -> None:
    """Berke's "nothing completed" (``null``, or ``<assessments/>`` in XML). Before, it was
    an unreadable answer: every watch round failed while nothing had completed."""
    asked: list[int] = []
    assert _walk({0: listing}, asked) == []
    assert asked == [1]


def test_berkes_empty_listing_in_xml_is_no_completion_not_an_error() -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-16"?>\n'
        '<berkeResponse status="ok" responseCode="200"><assessments/></berkeResponse>'
    ).encode("utf-16")

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=xml, headers={"X-Response-Code": "200.0"})

    assert _completed_as_answered(handle) == []


@pytest.mark.parametrize(
    ("body_bytes", "content_type", "is_report"),
    [
        (b"%PDF-1.7\n...", "application/pdf", True),
        # Junk before the header (a gateway's), within the first 1 KB: Acrobat opens it, and
        # a file dropped on an order is held to the same rule (before: refused here only).
        (b"scanned-by-gateway;" * 20 + b"%PDF-1.4\n...", "application/octet-stream", True),
        (b"<html><body>Your session expired</body></html>", "text/html", False),
        # Declared a page, and saying "%PDF-" in its first KB: it was attached as the PDF.
        (
            b"<!DOCTYPE html><html><head><script>fetch('https://evil.example/')</script>"
            b"</head><body><p>Download the %PDF-1.7 version below.</p></body></html>",
            "text/html; charset=utf-8",
            False,
        ),
        (b"%PDF-1.7\n...", "image/png", False),
        (b"%PDF-1.7\n...", "", True),  # no type declared: the content decides
        # Types real servers give a PDF (a store's bytes, older servers', a download's):
        # refused as "not a PDF" by a short list of PDF types, the delivery held for good.
        (b"%PDF-1.7\n...", "binary/octet-stream", True),
        (b"%PDF-1.7\n...", "application/x-pdf", True),
        (b"%PDF-1.7\n...", "application/force-download", True),
        (b"%PDF-1.7\n...", "application/pdf; charset=binary", True),
        (b'{"note": "%PDF-1.7"}', "application/json", False),
    ],
    ids=[
        "pdf",
        "pdf-after-junk",
        "html-page",
        "html-page-saying-pdf",
        "other-type",
        "no-type",
        "binary-octet-stream",
        "x-pdf",
        "force-download",
        "pdf-with-charset",
        "json-saying-pdf",
    ],
)
def test_a_report_is_a_pdf_by_the_rule_attachments_follow(
    body_bytes: bytes, content_type: str, is_report: bool
) -> None:
    """And one declared as something else than a PDF (a page, a picture, data:
    ``_declared_not_a_pdf``) is not attached, whatever it holds."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body_bytes, headers={"Content-Type": content_type})

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handler)
        ) as b:
            if is_report:
                assert await b.get_report_for_job("AD-1", "J-1") == body_bytes
            else:
                with pytest.raises(NotADocumentError, match="not a PDF"):
                    await b.get_report_for_job("AD-1", "J-1")

    run(body)


UTF16_XML = '<?xml version="1.0" encoding="utf-16"?>\n'


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"status": "ok", "response": null, "responseCode": "200"}', "application/json"),
        (
            b'{"status": "ok", "response": {"reportUrl": "https://x.invalid/r/1"}}',
            "application/json",
        ),
        ((UTF16_XML + '<berkeResponse status="ok"/>').encode("utf-16"), "application/xml"),
    ],
    ids=["null", "object", "xml"],
)
def test_a_success_envelope_instead_of_the_report_quotes_no_python(
    content: bytes, content_type: str
) -> None:
    """Berke's plain success envelope where the PDF should be. Before: "The service said:
    “None”" (Python's None for the documented ``"response": null``), or a dict's repr."""

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": content_type, "X-Response-Code": "200.0"}
        return httpx.Response(200, content=content, headers=headers)

    async def body() -> UnexpectedResponseError:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handler)
        ) as b:
            with pytest.raises(UnexpectedResponseError) as refused:
                await b.get_report_for_job("AD-1", "J-1")
        return refused.value

    error = run(body)
    assert str(error) == "Berke: Berke answered without the report."


@pytest.mark.parametrize(("status", "lasting"), [(200, True), (502, False)], ids=["report", "page"])
def test_a_report_over_the_download_limit_is_refused_for_good(status: int, lasting: bool) -> None:
    """Before: a report over the limit was a wait (transient), so automatic delivery fetched
    it again every round. An error page that large (a proxy's) may go away: still a wait."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=b"%PDF-1.7\n" + b"0" * 2048)

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api",
            "token-123",
            transport=httpx.MockTransport(handler),
            answer_limits=AnswerLimits(report_max_bytes=1024),
        ) as b:
            with pytest.raises(UnexpectedResponseError) as refused:
                await b.get_report_for_job("AD-1", "J-1")
        assert refused.value.is_transient is not lasting
        if lasting:
            assert isinstance(refused.value, NotADocumentError)
            assert "Berke's report is larger than 1 KB" in str(refused.value)
        else:
            assert isinstance(refused.value, AnswerTooLargeError)

    run(body)


class PartialReports(RealNetwork):
    """Berke's report, as the sandbox made it, answered as a 206 Partial Content carrying its
    first ``share`` (a cache or proxy that served a range): what the sandbox never does."""

    def __init__(self, share: float) -> None:
        super().__init__()
        self.share = share
        self.whole: bytes = b""
        self.asked = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/GetReportForJob"):
            return response
        self.asked += 1
        self.whole = await response.aread()
        assert response.status_code == 200, self.whole[:200]
        part = self.whole[: int(len(self.whole) * self.share)]
        return httpx.Response(
            206,
            headers={
                "Content-Type": response.headers["Content-Type"],
                "Content-Range": f"bytes 0-{len(part) - 1}/{len(self.whole)}",
            },
            content=part,
            request=request,
        )


async def _completed_candidate(berke: BerkeClient, sandbox: SandboxServer) -> str:
    """A new assessment the candidate finished: Berke has its report."""
    created = await berke.create_assessment(request())
    finish_in_sandbox(sandbox, created.invitation_code)
    return created.source_candidate_id


@pytest.mark.parametrize("share", [0.5, 1.0], ids=["half", "all-of-it"])
def test_a_partial_content_answer_is_never_taken_for_the_report(
    sandbox: SandboxServer, share: float
) -> None:
    """A 206 is a part of the report, whatever it holds (its first half begins "%PDF-" as the
    whole does): taken, it would be kept as the report and attached to the order. Berke's
    answer is a 200 or an error; a read, so it is asked again, then refused in words."""
    transport = PartialReports(share)

    async def body() -> None:
        async with client(
            sandbox, transport=transport, retry=RetryPolicy(read_backoff_seconds=0)
        ) as berke:
            candidate = await _completed_candidate(berke, sandbox)
            with pytest.raises(UnexpectedResponseError) as refused:
                await berke.get_report_for_job(candidate)
        assert transport.whole.startswith(b"%PDF-")  # the sandbox's report, a real PDF
        assert refused.value.http_status == 206
        assert refused.value.is_transient  # asked again later: a 200 may come
        assert not isinstance(refused.value, NotADocumentError)
        assert "The answer was not Berke's" in str(refused.value)
        assert transport.asked == 3  # a read: asked again, as after any odd answer

    run(body)


def test_a_partial_content_answer_over_the_download_limit_is_not_the_report_being_too_large(
    sandbox: SandboxServer,
) -> None:
    """Only a 200 that large is the report itself, refused for good (``NotADocumentError``):
    a 206 that large is not the report, and may go away."""
    transport = PartialReports(1.0)

    async def body() -> None:
        async with client(
            sandbox,
            transport=transport,
            retry=RetryPolicy(read_retries=0),
            answer_limits=AnswerLimits(report_max_bytes=256),
        ) as berke:
            candidate = await _completed_candidate(berke, sandbox)
            with pytest.raises(AnswerTooLargeError) as refused:
                await berke.get_report_for_job(candidate)
        assert len(transport.whole) > 256
        assert refused.value.http_status == 206
        assert refused.value.is_transient
        assert not isinstance(refused.value, NotADocumentError)

    run(body)


def test_insecure_non_loopback_address_is_refused() -> None:
    with pytest.raises(ValueError, match="https"):
        BerkeClient("http://site.berkeassessment.com/api", "t")
