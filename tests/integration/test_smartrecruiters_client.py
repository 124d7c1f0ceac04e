"""SmartRecruitersClient against the sandbox over real loopback HTTP: every call, every error."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app.clients.answers import AnswerLimits
from app.clients.errors import (
    AnswerTooSlowError,
    ApiError,
    AuthError,
    NetworkError,
    NotFoundError,
    ServerError,
    StateConflictError,
    ThrottledError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.http import MAX_SERVICE_TEXT, RetryPolicy
from app.clients.multipart import MultipartFile
from app.clients.smartrecruiters import (
    ActiveOfferRefusedError,
    CompletedWithResult,
    SmartRecruitersClient,
)
from app.domain.smartrecruiters import (
    AssessmentOrder,
    AssessmentResult,
    ContactPerson,
    Offer,
    OfferStatus,
    OfferType,
    OrderStatus,
    ResultType,
    Terms,
)
from tests.integration.helpers import (
    FailsOnce,
    LosesAnAnswer,
    PacedClock,
    RealNetwork,
    RecordingTransport,
    new_order_body,
    run,
    unpaced,
)
from tests.integration.hostile import HostileServer
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

AUTHOR = ContactPerson(first_name="Cora", last_name="Coordinator", email="cora@berke.test")


def client(sandbox: SandboxServer, **kwargs: object) -> SmartRecruitersClient:
    from app.sandbox import DEMO_SR_KEY

    key = kwargs.pop("key", DEMO_SR_KEY)
    return SmartRecruitersClient(sandbox.sr_base_url, key, **kwargs)  # type: ignore[arg-type]


# -- orders ---------------------------------------------------------------------------------


def test_paging_and_iterating_all_orders(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as sr:
            first = await sr.list_orders(limit=7, offset=0)
            second = await sr.list_orders(limit=7, offset=7)
            assert first.limit == 7
            assert len(first.content) == 7
            assert first.total_found >= 200
            assert {o.id for o in first.content}.isdisjoint({o.id for o in second.content})
            every = [o async for o in sr.iter_orders(page_size=37)]
            assert len(every) == len({o.id for o in every}) == first.total_found

    run(body)


def test_status_filter(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as sr:
            for status in OrderStatus:
                page = await sr.list_orders(status=status, limit=100)
                assert page.total_found > 0
                assert {o.status for o in page.content} == {status}

    run(body)


def test_get_order_and_unknown_order(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as sr:
            listed = (await sr.list_orders(limit=1)).content[0]
            fetched = await sr.get_order(listed.id)
            assert fetched.id == listed.id
            assert fetched.candidate == listed.candidate
            with pytest.raises(NotFoundError) as info:
                await sr.get_order("no-such-order")
            assert info.value.http_status == 404
            assert "SmartRecruiters" in str(info.value)

    run(body)


def test_an_id_holding_dot_segments_never_reaches_another_order(sandbox: SandboxServer) -> None:
    """An id is one path segment: ids come from the service's listing, not ours to trust.
    Before ("/" left unencoded), ``<A>/../<B>`` addressed order B once the URL's dot segments
    were resolved, and accepting "A" accepted B (only its answer then refused)."""

    async def body() -> None:
        async with client(sandbox, pacer=unpaced()) as sr:
            a = await sr.create_test_order(new_order_body("Ana", "A"))
            b = await sr.create_test_order(new_order_body("Ben", "B"))
            with pytest.raises(ApiError):
                await sr.accept_order(f"{a.id}/../{b.id}", "https://assess.test/start/K7")
            assert (await sr.get_order(b.id)).status is OrderStatus.NEW

    run(body)


@pytest.mark.parametrize("item_id", [".", ".."])
def test_an_id_of_dots_alone_stays_on_its_own_path(item_id: str) -> None:
    """``quote`` leaves dots alone, and httpx removes a "." or ".." segment: a reject of
    order "." went to ``/v1/assessments/reject``, the comments of ".." were read from
    ``/v1/comments``, and a report for result ".." went to ``…/o-1/attachments``. The
    listing refuses such order ids (``listed_id_problem``); any id in a path (a result's,
    an offer's) is sent as its own segment all the same."""
    paths: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.raw_path)
        return httpx.Response(404, json={"message": "not found"})

    async def body() -> None:
        transport = httpx.MockTransport(answer)
        async with SmartRecruitersClient(
            "https://sr.test/v1", "k" * 64, transport=transport, pacer=unpaced()
        ) as sr:
            for call in (
                lambda: sr.reject_order(item_id, message="No longer needed"),
                lambda: sr.list_comments(item_id),
                lambda: sr.list_attachments("o-1", item_id),
                lambda: sr.get_offer(item_id),
            ):
                with pytest.raises(NotFoundError):
                    await call()

    run(body)
    dots = item_id.replace(".", "%2E").encode()
    assert paths == [
        b"/v1/assessments/" + dots + b"/reject",
        b"/v1/assessments/" + dots + b"/comments",
        b"/v1/assessments/o-1/results/" + dots + b"/attachments",
        b"/v1/offers/" + dots,
    ]


def test_accept_then_complete_with_comment(sandbox: SandboxServer) -> None:
    async def body() -> None:
        transport = RecordingTransport()
        async with client(sandbox, transport=transport) as sr:
            order = await sr.create_test_order(new_order_body("Chloé", "Dubois"))
            assert order.status is OrderStatus.NEW
            accepted = await sr.accept_order(
                order.id,
                "https://assess.test/start/K7PQ2",
                message="Accepted",
                message_to_candidate="Good luck",
                author=AUTHOR,
            )
            assert accepted is not None
            assert accepted.status is OrderStatus.IN_PROGRESS
            sent = transport.json_bodies()[-1]
            assert sent["assessmentURL"] == "https://assess.test/start/K7PQ2"
            assert sent["messageToCandidate"] == "Good luck"
            with pytest.raises(StateConflictError):
                await sr.accept_order(order.id, "https://assess.test/start/K7PQ2")
            done = await sr.complete_with_comment(order.id, message="Done", author=AUTHOR)
            assert done is not None
            assert done.status is OrderStatus.COMPLETED
            with pytest.raises(StateConflictError) as info:
                await sr.reject_order(order.id, message="too late")
            assert "Cannot change state of an assessment which is completed" in str(info.value)

    run(body)


@pytest.mark.parametrize("start", [OrderStatus.NEW, OrderStatus.IN_PROGRESS])
def test_reject_never_sends_an_assessment_url(sandbox: SandboxServer, start: OrderStatus) -> None:
    async def body() -> None:
        transport = RecordingTransport()
        async with client(sandbox, transport=transport) as sr:
            order = await sr.create_test_order(new_order_body("Łukasz", "Nowak"))
            if start is OrderStatus.IN_PROGRESS:
                await sr.accept_order(order.id, "https://assess.test/start/AB12")
            rejected = await sr.reject_order(order.id, message="Not a fit for this test")
            assert rejected is not None
            assert rejected.status is OrderStatus.REJECTED
            assert transport.json_bodies()[-1] == {"message": "Not a fit for this test"}
            assert b"assessmentURL" not in transport.bodies[-1]

    run(body)


def test_complete_with_result_returns_the_result_id(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as sr:
            order = await sr.create_test_order(new_order_body("Aiko", "Tanaka"))
            await sr.accept_order(order.id, "https://assess.test/start/X1")
            result = AssessmentResult(
                result_type=ResultType.DOCUMENT, result="result.pdf", title="Job fit",
                description="<p><strong>High</strong> fit</p>", passed=True, score="87/100",
                author=AUTHOR,
            )  # fmt: skip
            completed = await sr.complete_with_result(order.id, result)
            assert completed.result_id
            assert completed.order is not None
            assert completed.order.status is OrderStatus.COMPLETED
            results = await sr.list_results(order.id)
            assert [r.id for r in results] == [completed.result_id]
            one = await sr.get_result(order.id, completed.result_id)
            assert one.score == "87/100"
            assert one.passed is True
            with pytest.raises(StateConflictError):
                await sr.complete_with_result(order.id, result)

    run(body)


def test_documented_result_flow_and_missing_result_error(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as sr:
            order = await sr.create_test_order(new_order_body("José", "Álvarez"))
            await sr.accept_order(order.id, "https://assess.test/start/X2")
            created = await sr.create_result(
                order.id,
                AssessmentResult(result_type="url", result="https://r.test/1"),
            )
            assert created.id
            assert created.result_type is ResultType.URL
            # The desk refuses an empty result before sending (``sending_problems``, which
            # the Complete dialog and every completion check); the sandbox refuses it too.
            unchecked = AssessmentResult(result_type=ResultType.DOCUMENT, result="")
            assert unchecked.sending_problems() == {"result": "Required."}
            with pytest.raises(ValidationApiError) as info:
                await sr.create_result(order.id, unchecked)
            assert "Please provide 'result' field." in str(info.value)
            assert info.value.http_status == 400

    run(body)


def test_comments(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as sr:
            order = await sr.create_test_order(new_order_body("Nguyễn", "Văn An"))
            await sr.add_comment(order.id, "Invitation sent by post", author=AUTHOR)
            await sr.add_comment(order.id, "Candidate called back")
            comments = await sr.list_comments(order.id)
            assert [c.message for c in comments][-2:] == [
                "Invitation sent by post",
                "Candidate called back",
            ]

    run(body)


def test_upload_streams_the_file_with_progress(sandbox: SandboxServer, tmp_path: Path) -> None:
    report = tmp_path / "Zoë Müller – report.pdf"
    payload = b"%PDF-1.4\n" + bytes(range(256)) * 4096 + b"\n%%EOF\n"  # about 1 MiB
    report.write_bytes(payload)
    seen: list[tuple[int, int]] = []

    async def body() -> None:
        async with client(sandbox) as sr:
            order, done = await _completed_with_a_document(sr)
            attachment = await sr.upload_attachment(
                order.id, done.result_id, report, progress=lambda s, t: seen.append((s, t))
            )
            assert attachment.file_name == report.name
            listed = await sr.list_attachments(order.id, done.result_id)
            assert [a.id for a in listed] == [attachment.id]
            async with httpx.AsyncClient() as raw:
                from app.sandbox import DEMO_SR_KEY

                stored = await raw.get(
                    f"{sandbox.sr_base_url}/assessments/{order.id}/results/{done.result_id}"
                    f"/attachments/{attachment.id}/content",
                    headers={"X-SmartToken": DEMO_SR_KEY},
                )
            assert stored.content == payload

    run(body)
    assert seen[0] == (0, len(payload))
    assert seen[-1] == (len(payload), len(payload))
    assert len(seen) >= 4  # chunked, not read at once
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(seen))


def test_an_uploads_progress_is_back_at_zero_while_a_429_is_waited_out(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The service did not take what went, and the file is sent again after the wait. Before
    (no reset), the upload showed as fully sent through the whole wait. The test's transport
    reads the first try's whole body and answers it 429 (the sandbox's own limit cannot be
    made to deny exactly the upload); the pacer's wait notes what the progress said."""
    report = tmp_path / "report.pdf"
    payload = b"%PDF-1.4\n" + b"x" * 600_000 + b"\n%%EOF\n"
    report.write_bytes(payload)
    seen: list[tuple[int, int]] = []
    shown_while_waiting: list[tuple[int, int]] = []

    class NotingProgressAtEachWait(PacedClock):
        async def sleep(self, seconds: float) -> None:
            shown_while_waiting.append(seen[-1])
            await super().sleep(seconds)

    class DeniesTheFirstUploadAfterReadingIt(RealNetwork):
        denied = False

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if not self.denied and request.url.path.endswith("/attachments"):
                self.denied = True
                await request.aread()  # the whole file went
                return httpx.Response(429, json={"message": "Too many requests"},
                                      headers={"Retry-After": "1"})  # fmt: skip
            return await self.inner.handle_async_request(request)

    async def body() -> None:
        async with client(sandbox, pacer=unpaced()) as sr:
            order, done = await _completed_with_a_document(sr)
        pacer = NotingProgressAtEachWait().pacer_like(unpaced())
        async with client(
            sandbox, pacer=pacer, transport=DeniesTheFirstUploadAfterReadingIt()
        ) as sr:
            await sr.upload_attachment(
                order.id, done.result_id, report, progress=lambda s, t: seen.append((s, t))
            )

    run(body)
    total = len(payload)
    assert (total, total) in seen[: seen.index((total, total)) + 1]  # the first try went whole
    assert shown_while_waiting[0] == (0, total)
    assert seen[-1] == (total, total)


@pytest.mark.parametrize(
    "name", ['Zoë "Ace" Müller.pdf', 'x"; name="other.pdf', "two\r\nlines.pdf"]
)
def test_a_file_name_with_quotes_or_line_breaks_stays_one_name(
    sandbox: SandboxServer, tmp_path: Path, name: str
) -> None:
    """A dropped file's name may hold a double quote or a line break (legal on Linux and
    macOS); RFC 7578 has them percent-encoded. Before (left as they were), ``x"; name=…``
    rewrote the part's own field name and the upload was refused; a line break split the
    part's header. The sandbox parses the body as a server does (python-multipart)."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")

    async def body() -> str:
        async with client(sandbox, pacer=unpaced()) as sr:
            order, done = await _completed_with_a_document(sr)
            attachment = await sr.upload_attachment(
                order.id, done.result_id, report, file_name=name
            )
            return attachment.file_name

    stored = run(body)
    decoded = stored.replace("%22", '"').replace("%0D", "\r").replace("%0A", "\n")
    assert decoded == name, stored


def test_an_upload_is_given_up_at_its_own_deadline_which_grows_with_what_it_sends(
    tmp_path: Path,
) -> None:
    """An upload's answer is waited for the client's deadline plus the time the whole request
    body takes at the slowest believed speed (``AnswerLimits.upload_deadline``), counted in
    seconds from the bytes sent, multipart envelope included. A server on 127.0.0.1 reads the
    upload and never answers: the call ends at that deadline, said in seconds, and is not sent
    again (it may have been stored)."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"x" * 20_000 + b"\n%%EOF\n")
    sent = MultipartFile.from_path(report, "attachment").content_length()
    assert sent > report.stat().st_size  # the envelope counts: 0.1 s + 0.2 s, not ~0.298 s
    limits = AnswerLimits(deadline_seconds=0.1, upload_bytes_per_second=sent / 0.2)
    expected = limits.upload_deadline(sent)
    assert f"{expected:g}" == "0.3"

    async def never_answers(server: HostileServer, writer: asyncio.StreamWriter) -> None:
        await asyncio.Event().wait()  # the upload read whole (by the server), then silence

    async def body() -> float:
        async with (
            HostileServer(never_answers) as server,
            SmartRecruitersClient(
                f"{server.url}/sr/v1", PARTNER_KEY, pacer=unpaced(), answer_limits=limits
            ) as sr,
        ):
            started = time.monotonic()
            with pytest.raises(AnswerTooSlowError) as slow:
                await asyncio.wait_for(
                    sr.upload_attachment("order-1", "result-1", report), HANG_GUARD_SECONDS
                )
            elapsed = time.monotonic() - started
            assert len(server.requests) == 1
        assert "did not finish answering within 0.3 seconds" in str(slow.value)
        return elapsed

    assert run(body) >= expected * 0.95  # (the loop may fire a timer a clock tick early)


def test_an_upload_whose_answer_was_lost_is_not_sent_again_by_the_client(
    tmp_path: Path,
) -> None:
    """The server read the whole file and hung up without an answer: it may have stored it.
    Handed back as a ``NetworkError`` with the request sent (the journal decides), never
    sent again by the client: resent, the order showed the report twice."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"x" * 20_000 + b"\n%%EOF\n")

    async def hangs_up(server: HostileServer, writer: asyncio.StreamWriter) -> None:
        return  # the upload read whole (by the server); the connection closes unanswered

    async def body() -> None:
        async with (
            HostileServer(hangs_up) as server,
            SmartRecruitersClient(
                f"{server.url}/sr/v1", PARTNER_KEY, pacer=unpaced(),
                retry=RetryPolicy(read_backoff_seconds=0),
            ) as sr,
        ):  # fmt: skip
            with pytest.raises(NetworkError) as lost:
                await sr.upload_attachment("order-1", "result-1", report)
            assert len(server.requests) == 1
        assert lost.value.request_sent

    run(body)


def test_an_upload_measures_its_file_off_the_event_loop(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event loop is the GUI thread's: a report on a network drive that hangs, measured
    there, froze the window."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    measured_on: list[threading.Thread] = []
    real = MultipartFile.from_path.__func__  # type: ignore[attr-defined]

    def from_path(cls: type[MultipartFile], *args: Any, **kwargs: Any) -> MultipartFile:
        measured_on.append(threading.current_thread())
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(MultipartFile, "from_path", classmethod(from_path))

    async def body() -> None:
        async with client(sandbox) as sr:
            order, done = await _completed_with_a_document(sr, "https://assess.test/start/X4")
            await sr.upload_attachment(order.id, done.result_id, report)

    run(body)
    assert measured_on
    assert threading.main_thread() not in measured_on


# -- offers ---------------------------------------------------------------------------------


def test_offer_lifecycle(sandbox: SandboxServer) -> None:
    async def body() -> None:
        async with client(sandbox) as sr:
            listed = await sr.list_offers()
            assert listed.total_found >= 4
            offer = await sr.create_offer(
                Offer(catalog_id="BERKE-TEST-1", name="Berke Sales Fit (test)",
                      description="Sales job fit", terms=Terms(type=OfferType.SKILLS_TEST))
            )  # fmt: skip
            assert offer.id
            assert offer.status is OfferStatus.INACTIVE
            found = await sr.list_offers(q="sales fit (test)")
            assert offer.id in {o.id for o in found.content}
            updated = await sr.update_offer(
                offer.id, offer.model_copy(update={"description": "Sales job fit, 35 minutes"})
            )
            assert updated.description == "Sales job fit, 35 minutes"
            assert (await sr.get_offer(offer.id)).description == "Sales job fit, 35 minutes"
            submitted = await sr.submit_offer(offer.id)
            assert submitted.status is OfferStatus.UNDER_REVIEW
            only_review = await sr.list_offers(status=OfferStatus.UNDER_REVIEW)
            assert {o.status for o in only_review.content} == {OfferStatus.UNDER_REVIEW}
            assert (await sr.withdraw_offer(offer.id)).status is OfferStatus.INACTIVE
            with pytest.raises(StateConflictError):
                await sr.withdraw_offer(offer.id)  # already inactive
            with pytest.raises(ActiveOfferRefusedError, match="partners team"):
                await sr.update_offer(
                    offer.id, offer.model_copy(update={"status": OfferStatus.ACTIVE})
                )

    run(body)


class CreatedOfferSaysOtherCatalogId(RealNetwork):
    """The sandbox creates the offer; its answer names ``catalog_id`` (another offer's), with
    the new offer's own id: what the sandbox never does."""

    def __init__(self, catalog_id: str) -> None:
        super().__init__()
        self.catalog_id = catalog_id
        self.created: dict[str, Any] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "POST" or request.url.path.rstrip("/").rsplit("/", 1)[-1] != "offers":
            return response
        self.created = json.loads(await response.aread())
        changed = {**self.created, "catalogId": self.catalog_id}
        return httpx.Response(response.status_code, json=changed, request=request)


def test_a_created_offer_answered_under_another_catalog_id_is_refused_in_words(
    sandbox: SandboxServer,
) -> None:
    """A create answers with the offer made; one naming another catalogId is about another
    offer (the form's Cost would be recorded on it), however new its id: refused, saying
    which catalogId the answer named."""
    transport = CreatedOfferSaysOtherCatalogId("BERKE-LEAD")
    asked = f"BERKE-{uuid.uuid4().hex[:10]}"

    async def body() -> None:
        async with client(sandbox, transport=transport, pacer=unpaced()) as sr:
            with pytest.raises(UnexpectedResponseError) as refused:
                await sr.create_offer(
                    Offer(catalog_id=asked, name="Berke Fit (catalog test)",
                          description="Job fit", terms=Terms(type=OfferType.SKILLS_TEST))
                )  # fmt: skip
        assert transport.created["catalogId"] == asked  # the sandbox made the one asked for
        assert refused.value.problem == (
            "the answer was about another offer (catalogId BERKE-LEAD)"
        )
        assert refused.value.service_message == ""  # the desk's finding, not the service's
        assert str(refused.value).startswith("SmartRecruiters: The service answered with")

    run(body)


# -- authentication, limits and faults ------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message", "kind", "field"),
    [
        (409, "Assessment order status does not allow accept", StateConflictError, None),
        # No state named: a 409 to a status change is a conflict with the order's status by
        # its very code, whatever its words.
        (409, "Already in progress", StateConflictError, None),
        (409, "Field 'assessmentURL' is taken", ValidationApiError, "assessmentURL"),
        (422, "Field 'assessmentURL' must be an http(s) URL", ValidationApiError,
         "assessmentURL"),
        (422, "Order cannot accept in its current state", StateConflictError, None),
        # A field named wins over words of state: the value is what was refused.
        (422, "Field 'assessmentURL' is not allowed in status NEW", ValidationApiError,
         "assessmentURL"),
    ],
    ids=["409-state", "409-other", "409-field", "422-field", "422-state", "422-field-and-state"],
)  # fmt: skip
def test_a_409_or_422_refusal_is_said_as_a_conflict_or_a_refused_value(
    sandbox: SandboxServer, status: int, message: str, kind: type[ApiError], field: str | None
) -> None:
    """SmartRecruiters refuses a change with a 400, 409 or 422: a conflict with the order's
    status when its words speak of one, or it is a 409 (to a status change), and it names no
    field ("The order's status does not allow this change any more."), else a refused value
    ("The service refused the request as incorrect.", the field it names shown under that
    field). Taken for any other answer, it was "The call failed.", which says nothing."""
    transport = FailsOnce("/accept", status, {"httpCode": status, "code": "X", "message": message})

    async def body() -> None:
        async with client(sandbox, transport=transport, pacer=unpaced()) as sr:
            order = await sr.create_test_order(new_order_body())
            with pytest.raises(ApiError) as refused:
                await sr.accept_order(order.id, "https://assess.test/start/R1")
            assert (await sr.get_order(order.id)).status is OrderStatus.NEW  # not carried out
        error = refused.value
        assert type(error) is kind
        assert error.http_status == status
        summary = kind.default_summary
        assert str(error) == f"SmartRecruiters: {summary} The service said: “{message}”"
        assert getattr(error, "parameter", None) == field
        assert not error.is_transient

    run(body)


def test_a_409_is_a_status_conflict_only_for_a_change_of_status() -> None:
    """A 409 that names no field, to a call that moves an order or an offer from one status
    to another, is a conflict with that status; to any other call (a new offer), it stays a
    refused request: no status of the offer's was in question."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"httpCode": 409, "message": "Already there"})

    offer = Offer(
        catalog_id="BERKE-1", name="Fit", description="d", terms=Terms(type=OfferType.SKILLS_TEST)
    )

    async def body() -> None:
        transport = httpx.MockTransport(answer)
        async with SmartRecruitersClient(
            "https://sr.test/v1", "k" * 64, transport=transport, pacer=unpaced()
        ) as sr:
            with pytest.raises(StateConflictError):
                await sr.complete_with_comment("o-1", message="Done")
            with pytest.raises(StateConflictError):
                await sr.submit_offer("f-1")
            with pytest.raises(ValidationApiError):
                await sr.create_offer(offer)

    run(body)


def test_wrong_key_and_customer_key(sandbox: SandboxServer) -> None:
    """Only a refused 32-character key is explained as a customer key (the sandbox says so
    too: the client's own summary is what is checked). Before (the length test turned
    round), every refused partner key was called "a customer API key"."""
    wrong = "w" * 64
    customer = "c" * 32
    customer_words = "customer API key (32 characters)"

    async def body() -> None:
        async with client(sandbox, key=wrong) as sr:
            with pytest.raises(AuthError) as info:
                await sr.list_orders()
            assert info.value.http_status == 403
            assert wrong not in str(info.value)
            assert wrong not in repr(info.value)
            assert customer_words not in info.value.summary
        async with client(sandbox, key=customer) as sr:
            with pytest.raises(AuthError) as info:
                await sr.list_orders()
            assert customer_words in info.value.summary
            assert customer not in str(info.value)

    run(body)


def test_429_is_waited_out_not_shown(sandbox: SandboxServer) -> None:
    from app.sandbox import SandboxConfig, SandboxServer

    # The sandbox's window on a clock only the client's waits move (as in the Berke client's
    # test): the eight calls are counted together however slowly the machine sends them.
    clock = PacedClock()
    config = SandboxConfig(sr_rate_per_second=4, orders=5, clock=clock)
    with SandboxServer(config, port=0) as limited:

        async def body() -> None:
            async with client(limited, pacer=clock.pacer_like(unpaced())) as sr:
                pages = await asyncio.gather(*(sr.list_orders(limit=1) for _ in range(8)))
                assert len(pages) == 8
            async with client(
                limited, pacer=unpaced(), retry=RetryPolicy(throttle_retries=0)
            ) as sr:
                with pytest.raises(ThrottledError) as info:
                    await asyncio.gather(*(sr.list_orders(limit=1) for _ in range(8)))
                assert info.value.wait_seconds >= 1
                assert info.value.is_transient

        run(body)


def test_default_pacing_stays_under_the_limit(sandbox: SandboxServer) -> None:
    from app.clients.smartrecruiters import sr_pacer
    from app.sandbox import SandboxConfig, SandboxServer

    clock = PacedClock()  # the sandbox counts each call when the pacer started it
    with SandboxServer(SandboxConfig(orders=5, clock=clock), port=0) as limited:  # 10/s, 8 at once

        async def body() -> None:
            pacer = clock.pacer_like(sr_pacer())
            async with client(limited, pacer=pacer, retry=RetryPolicy(throttle_retries=0)) as sr:
                await asyncio.gather(*(sr.list_orders(limit=1) for _ in range(14)))
                assert pacer.calls_left() < 10

        began = clock.now
        run(body)
        assert clock.now - began >= 1.0  # 14 calls at 10 a second: the pacer waited


def test_network_failure_is_a_network_error_without_secret(refused_port: int) -> None:
    from app.sandbox import DEMO_SR_KEY

    async def body() -> None:
        async with SmartRecruitersClient(
            f"http://127.0.0.1:{refused_port}/sr/v1",
            DEMO_SR_KEY,
            retry=RetryPolicy(read_backoff_seconds=0),
        ) as sr:
            with pytest.raises(NetworkError) as info:
                await sr.list_orders()
            assert "could not connect" in str(info.value)
            assert DEMO_SR_KEY not in str(info.value)
            assert DEMO_SR_KEY[:8] not in str(info.value)

    run(body)


# The partner key's own form, for a service (or a proxy) that quotes it back.
PARTNER_KEY = "k3y" + "0123456789abcdef" * 3 + "0123456789abc"


async def _completed_with_a_document(
    sr: SmartRecruitersClient, url: str = "https://assess.test/start/X3"
) -> tuple[AssessmentOrder, CompletedWithResult]:
    """A new order, accepted with ``url`` and completed with a document result: its report
    goes under ``done.result_id``."""
    order = await sr.create_test_order(new_order_body())
    await sr.accept_order(order.id, url)
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
    return order, await sr.complete_with_result(order.id, result)


async def _listing_refused_by(handle: Callable[[httpx.Request], httpx.Response]) -> ApiError:
    async with SmartRecruitersClient(
        "https://sr.example/v1", PARTNER_KEY, pacer=unpaced(),
        transport=httpx.MockTransport(handle), retry=RetryPolicy(read_backoff_seconds=0),
    ) as sr:  # fmt: skip
        with pytest.raises(ApiError) as caught:
            await sr.list_orders(limit=1)
        return caught.value


@pytest.mark.parametrize(("status", "kind"), [(403, AuthError), (400, ValidationApiError)])
def test_a_refusal_quoting_the_key_never_shows_it(status: int, kind: type[ApiError]) -> None:
    """SmartRecruiters' own message goes through ``service_text``. Before (quoted as it
    came), a refusal naming the partner key showed it in the error, the dialog and the log."""

    def handle(request: httpx.Request) -> httpx.Response:
        message = f"Access denied: the X-SmartToken {PARTNER_KEY} was regenerated"
        return httpx.Response(status, json={"httpCode": status, "code": "X", "message": message})

    error = asyncio.run(_listing_refused_by(handle))
    assert isinstance(error, kind)
    assert PARTNER_KEY[:12] not in str(error)
    assert PARTNER_KEY not in repr(error)
    assert "«redacted»" in str(error)


def test_a_megabyte_message_is_cut_short() -> None:
    """Before, a megabyte "message" went whole into the error, the dialog and the log."""

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"httpCode": 400, "code": "X", "message": "x" * 1_000_000})

    error = asyncio.run(_listing_refused_by(handle))
    assert len(error.service_message) <= MAX_SERVICE_TEXT + 1
    assert len(str(error)) < 2 * MAX_SERVICE_TEXT


def test_a_transport_error_quoting_the_key_never_shows_it() -> None:
    """A transport failure's words are redacted too: h11, for one, quotes an illegal header
    value whole. Before (its words said as they came), the key was in the error."""

    def handle(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError(f"Illegal header value b'{PARTNER_KEY}\\n'")

    error = asyncio.run(_listing_refused_by(handle))
    assert PARTNER_KEY[:12] not in str(error)
    assert PARTNER_KEY not in repr(error)


def test_fail_rate_reaches_the_client_as_server_or_network_errors() -> None:
    from app.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(fail_rate=1.0, orders=3, seed=3), port=0) as broken:

        async def body() -> None:
            kinds = set()
            async with client(broken, retry=RetryPolicy(read_retries=0)) as sr:
                for _ in range(12):
                    with pytest.raises((ServerError, NetworkError)) as info:
                        await sr.list_orders()
                    kinds.add(type(info.value))
            assert kinds == {ServerError, NetworkError}

        run(body)


def test_reads_are_retried_through_transient_faults() -> None:
    from app.sandbox import SandboxConfig, SandboxServer

    with SandboxServer(SandboxConfig(fail_rate=0.3, orders=30, seed=5), port=0) as flaky:

        async def body() -> None:
            retry = RetryPolicy(read_retries=8, read_backoff_seconds=0.001)
            async with client(flaky, retry=retry) as sr:
                orders = [o async for o in sr.iter_orders(page_size=5)]
            assert len(orders) == 30

        run(body)


def test_a_comment_whose_answer_was_lost_is_not_sent_again_by_the_client(
    sandbox: SandboxServer,
) -> None:
    """Only reads are retried after a network fault. A change whose request went and whose
    answer was lost may have been carried out: it comes back as a ``NetworkError`` (the
    journal's step looks before sending again), never sent again by the client. Resent, the
    recruiter saw the comment twice."""
    transport = LosesAnAnswer("/comments")

    async def body() -> None:
        async with client(sandbox, transport=transport) as sr:
            order = await sr.create_test_order(new_order_body())
            with pytest.raises(NetworkError) as info:
                await sr.add_comment(order.id, "Called the candidate")
            assert info.value.request_sent
            assert transport.sent == 1
            comments = await sr.list_comments(order.id)
        assert [c.message for c in comments] == ["Called the candidate"]

    run(body)


def test_a_comment_the_service_carried_out_before_a_503_is_not_sent_again(
    sandbox: SandboxServer,
) -> None:
    """Only reads are repeated after a 5xx too: a gateway's 503 after the comment was posted
    is handed back (the journal decides). Resent, the recruiter read it twice."""
    transport = FailsOnce("/comments", 503, {"message": "gateway"}, carried_out=True)

    async def body() -> None:
        async with client(sandbox, transport=transport, pacer=unpaced()) as sr:
            order = await sr.create_test_order(new_order_body())
            with pytest.raises(ServerError):
                await sr.add_comment(order.id, "Invitation sent")
            assert len(await sr.list_comments(order.id)) == 1

    run(body)


def test_a_loopback_address_never_goes_through_an_environment_proxy(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain http is allowed on loopback only because it never leaves the computer; with an
    HTTP_PROXY in the environment (and no NO_PROXY) httpx sent it, key in clear, to the proxy."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    reached: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            reached.append(self.requestline)
            self.send_response(502)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            return None

    proxy = HTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_port}")
        monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{proxy.server_port}")

        async def body() -> int:
            async with client(sandbox) as sr:
                return (await sr.list_orders(limit=1)).total_found

        assert asyncio.run(body()) > 0  # straight to the sandbox
    finally:
        proxy.shutdown()
    assert reached == []
