"""Delivering while something else acts on the same order: a second desk on the same account
(another coordinator), the background resumer sending a file the coordinator cancels, and a
cancelled report queued again next to a second copy. Each ends with one result and at most
one copy of the report in SmartRecruiters, and says what happened."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.errors import ApiError, StateConflictError
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.attachments import DEFAULT_MAX_BYTES, UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import AttachmentUploaded, CompleteStep, CreateResultStep, UploadStep
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.smartrecruiters import AssessmentResult, ContactPerson, OrderStatus, ResultType
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.store.database import Database
from app.workflows.board import BoardOptions, OrderBoard
from app.workflows.delivery import deliver, plan_delivery
from app.workflows.desk import Desk
from app.workflows.outbox import resume_pending
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.results import (
    cancel_upload,
    queue_files,
    requeue_upload,
    run_upload,
)
from app.workflows.session import Session
from app.workflows.step_complete import REJECTED_NO_RESULT
from app.workflows.steps import run_step
from tests.integration.helpers import RealNetwork, finish_in_sandbox, new_order_body, unpaced
from tests.integration.test_close_the_loop import (
    finished_order,
    invited_order,
    results_of,
)
from tests.integration.test_workflows import run_with_desk
from tests.waits import HANG_GUARD_SECONDS


@pytest.fixture(scope="module")
def sandbox() -> Any:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


@contextlib.asynccontextmanager
async def board_on(
    server: SandboxServer,
    path: Path,
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    berke_transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[OrderBoard]:
    """A desk with its own data folder (a coordinator's machine) on the shared account;
    ``transport`` is SmartRecruiters', ``berke_transport`` Berke's."""
    session = Session(
        sr=SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY, transport=transport),
        berke=BerkeClient(
            server.berke_base_url, DEMO_BERKE_TOKEN, pacer=unpaced(), transport=berke_transport
        ),
        demo=True,
    )
    desk = Desk(session, Database(path), author=ContactPerson(first_name="Cora"))
    board = OrderBoard(desk)
    await board.load()
    try:
        yield board
    finally:
        await board.stop()
        await session.aclose()
        desk.db.close()


def desk_of(board: OrderBoard) -> Desk:
    return board._desk


async def attached_and_sent(board: OrderBoard, order_id: str, path: Path) -> None:
    """``path`` dropped on the order, and sent: the board accepts it, and it arrives."""
    (dropped,), refused = await board.attach_files(order_id, [path])
    assert refused == []
    await board.wait_uploads()
    sent = desk_of(board).results.get(dropped.id)
    assert sent is not None
    assert sent.state is UploadState.DONE


def files_sent(server: SandboxServer, body: Callable[[], Coroutine[Any, Any, str]]) -> list[str]:
    """Run the test's ``body`` (it returns its order's id): the files of the order's one
    result in SmartRecruiters then."""
    order_id = asyncio.run(body())
    (result,) = results_of(server, order_id)
    return list(result["files"])


async def finished_on_both(
    sandbox: SandboxServer, a: OrderBoard, b: OrderBoard, first: str, email: str
) -> str:
    """An order desk A invited, linked on desk B too (B finds A's assessment), finished in
    Berke, and both desks' watch having seen it."""
    order_id = await invited_order(a, desk_of(a), first, email)
    await b.sync()
    request = CreateAssessmentRequest(first_name=first, last_name="Sandoval", email_address=email)
    await b.create_assessment(order_id, request)  # B finds A's assessment, links it
    link = a.link(order_id)
    assert link is not None
    finish_in_sandbox(sandbox, link.invitation_code)
    await a.watch()
    await b.watch()
    return order_id


@pytest.mark.parametrize("flow", list(ResultFlow))
def test_a_second_desk_never_delivers_an_order_the_first_one_did(
    sandbox: SandboxServer, tmp_path: Path, flow: ResultFlow
) -> None:
    """Two coordinators, one account. Desk B's copy of the order is still in progress when
    desk A has delivered it. B's Deliver sends no second result and no second report, says
    why, and shows the order completed (before: FAQ, a second attachment on A's result once
    B caught up; documented, a second result)."""

    async def body() -> str:
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(sandbox, tmp_path / "b.sqlite3") as b,
        ):
            for board in (a, b):
                board.set_options(BoardOptions(result_flow=flow))
            order_id = await finished_on_both(sandbox, a, b, "Dana", f"dana-{flow}@example.com")
            await a.deliver(order_id)
            await a.wait_uploads()
            with pytest.raises(StateConflictError, match="already completed elsewhere"):
                await b.deliver(order_id)
            order = b.order(order_id)
            assert order is not None
            assert order.status is OrderStatus.COMPLETED  # Deliver is no longer offered
            (report,) = desk_of(b).results.for_order(order_id)
            assert report.state is UploadState.FAILED
            assert "Not sent" in (report.message or "")
            await b.resume()  # B's later rounds send nothing either
            await b.wait_uploads()
            return order_id

    order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert len(result["files"]) == 1


class CompletedIn409(RealNetwork):
    """SmartRecruiters refusing the completion of a completed order with a 409 in words of
    its own, not the FAQ's 400 "Cannot change state…"."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if (
            request.method == "POST"
            and request.url.path.endswith("/complete")
            and response.status_code == 400
        ):
            await response.aread()
            body = {
                "httpCode": 409,
                "code": "CONFLICT",
                "message": "Assessment order already completed",
            }
            return httpx.Response(409, json=body)
        return response


def test_a_409_to_a_second_desks_completion_is_said_as_completed_elsewhere(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """As for the 400 above, in the FAQ flow (the default). Before: a 409 whose words name no
    state was "The service refused the request as incorrect", B's order stayed In progress
    (Deliver offered) and its report Queued."""

    async def body() -> str:
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(sandbox, tmp_path / "b.sqlite3", CompletedIn409()) as b,
        ):
            for board in (a, b):
                board.set_options(BoardOptions(result_flow=ResultFlow.FAQ))
            order_id = await finished_on_both(sandbox, a, b, "Dana", "dana-409@example.com")
            await a.deliver(order_id)
            await a.wait_uploads()
            with pytest.raises(StateConflictError, match="already completed elsewhere"):
                await b.deliver(order_id)
            order = b.order(order_id)
            assert order is not None
            assert order.status is OrderStatus.COMPLETED
            (report,) = desk_of(b).results.for_order(order_id)
            assert report.state is UploadState.FAILED
            return order_id

    order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert len(result["files"]) == 1


class CompleteNeverSentOnce(RealNetwork):
    """SmartRecruiters' transport: the first completion never leaves (no route to host)."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.method == "POST" and request.url.path.endswith("/complete"):
            self.armed = False
            raise httpx.ConnectError("no route to host", request=request)
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("flow", [ResultFlow.FAQ, ResultFlow.DOCUMENTED])
def test_a_delivery_that_never_went_does_not_take_another_desks_for_its_own(
    sandbox: SandboxServer, tmp_path: Path, flow: ResultFlow
) -> None:
    """Desk B's completion never reached SmartRecruiters (the connection was refused); desk A
    then delivered. B's resumed completion found the order completed (documented flow) or a
    result like its own (FAQ) and took it for its own: its report went too, a second copy
    (FAQ) or on a second result (documented)."""

    async def body() -> str:
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(sandbox, tmp_path / "b.sqlite3", CompleteNeverSentOnce()) as b,
        ):
            for board in (a, b):
                board.set_options(BoardOptions(result_flow=flow))
            order_id = await finished_on_both(sandbox, a, b, "Noor", f"noor-{flow}@example.com")
            with contextlib.suppress(ApiError):
                await b.deliver(order_id)  # waits: the completion never went
            await a.deliver(order_id)
            await a.wait_uploads()
            await b.resume()
            await b.wait_uploads()
            (complete,) = [
                e for e in desk_of(b).journal.entries(order_id) if e.action is StepKind.COMPLETE
            ]
            assert complete.state is StepState.FAILED
            assert "already completed elsewhere" in (complete.message or "")
            (report,) = desk_of(b).results.for_order(order_id)
            assert report.state is UploadState.FAILED
            assert "already completed elsewhere" in (report.message or "")
            # "Drop it on the order again to attach it to that one": A's, not the result B
            # made (documented) and never completed the order with.
            notes = tmp_path / "notes.pdf"
            notes.write_bytes(b"%PDF-1.4\n" + b"n" * 1000)
            await attached_and_sent(b, order_id, notes)
            return order_id

    order_id = asyncio.run(body())
    results = results_of(sandbox, order_id)
    # Documented: B's result was made before A completed the order; it gets no file.
    files = sorted((r["files"] for r in results), key=len)
    assert [len(f) for f in files] == ([2] if flow is ResultFlow.FAQ else [0, 2])
    assert "notes.pdf" in files[-1]  # beside A's report, on A's result


class HeldUploads(RealNetwork):
    """SmartRecruiters' transport; attachment uploads wait until ``release`` is set, so that a
    test can act while one is being sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sending = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/attachments"):
            self.sending.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)


class LateAnswers(RealNetwork):
    """SmartRecruiters' transport: an attachment upload reaches the service (it keeps the
    file) and its answer is held until ``release`` is set; with ``refuse_listing``, the
    result's attachments cannot be listed (403)."""

    def __init__(self) -> None:
        super().__init__()
        self.stored = asyncio.Event()
        self.release = asyncio.Event()
        self.refuse_listing = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attachments = request.url.path.endswith("/attachments")
        if attachments and request.method == "GET" and self.refuse_listing:
            return httpx.Response(403, json={"message": "Not allowed to list attachments"})
        response = await self.inner.handle_async_request(request)
        if attachments and request.method == "POST":
            await response.aread()
            self.stored.set()
            await self.release.wait()
        return response


async def _report_cancelled_after_it_arrived(
    board: OrderBoard, transport: LateAnswers, report: Path, first: str
) -> tuple[str, int]:
    """An order with a result, and its report cancelled once the service had kept it (its
    answer slow); the order id and the cancelled upload's id."""
    desk = desk_of(board)
    order_id = await invited_order(board, desk, first, f"{first.lower()}-late@example.com")
    await board.complete(order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r"))
    (queued,), _ = await board.attach_files(order_id, [report])
    await asyncio.wait_for(transport.stored.wait(), 60)  # a hang guard only
    await board.cancel_upload(order_id, queued.id)
    transport.release.set()
    return order_id, queued.id


def _report(tmp_path: Path, filler: bytes = b"z") -> Path:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + filler * 200_000)
    return report


def test_a_file_cancelled_after_it_arrived_shows_as_sent_and_is_not_sent_twice(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The service kept the file, its answer was slow, and the coordinator cancelled: the
    order said Cancelled while SmartRecruiters had the file, and the file dropped again was
    attached a second time."""

    async def body() -> str:
        transport = LateAnswers()
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            report = _report(tmp_path)
            order_id, upload_id = await _report_cancelled_after_it_arrived(
                board, transport, report, "Cato"
            )
            desk = desk_of(board)
            settled = desk.results.get(upload_id)
            assert settled is not None
            assert settled.state is UploadState.DONE  # found there after the cancel
            assert settled.attachment_id
            (step,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.UPLOAD]
            assert step.state is StepState.DONE
            assert isinstance(step.outcome, AttachmentUploaded)
            assert step.outcome.already_there
            accepted, refused = await board.attach_files(order_id, [report])
            assert accepted == []
            assert refused == ["report.pdf is already attached to this order's result."]
            await board.wait_uploads()
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]


def test_a_late_cancel_not_confirmed_is_checked_when_the_same_file_is_dropped_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The attachments could not be listed after the cancel: the upload stays Cancelled, and
    the same file dropped again is found there instead of being sent a second time."""

    async def body() -> str:
        transport = LateAnswers()
        transport.refuse_listing = True
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            report = _report(tmp_path)
            order_id, upload_id = await _report_cancelled_after_it_arrived(
                board, transport, report, "Lea"
            )
            desk = desk_of(board)
            cancelled = desk.results.get(upload_id)
            assert cancelled is not None
            assert cancelled.state is UploadState.CANCELLED
            transport.refuse_listing = False
            (again,), refused = await board.attach_files(order_id, [report])
            assert refused == []
            await board.wait_uploads()
            sent = desk.results.get(again.id)
            assert sent is not None
            assert sent.state is UploadState.DONE
            outcomes = [e.outcome for e in desk.journal.entries(order_id)]
            assert any(
                isinstance(o, AttachmentUploaded) and o.upload_id == again.id and o.already_there
                for o in outcomes
            )
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]  # before: two


def test_a_corrected_file_of_the_same_name_is_sent_after_a_late_cancel(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The review's case: a file of the same name on the result is no proof. A corrected
    report saved under the same name after the cancel is another file, and is sent."""

    async def body() -> str:
        transport = LateAnswers()
        transport.refuse_listing = True  # the cancel cannot be confirmed
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            report = _report(tmp_path)
            order_id, _ = await _report_cancelled_after_it_arrived(board, transport, report, "Mina")
            transport.refuse_listing = False
            _report(tmp_path, b"y")  # corrected: same name, same size, other content
            await attached_and_sent(board, order_id, report)
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf", "report.pdf"]  # the first; the correction


async def _attach_as_a_recruiter(server: SandboxServer, order_id: str, result_id: str,
                                  path: Path) -> None:  # fmt: skip
    """Someone else (a recruiter, another desk) attaches their own file of that name."""
    async with SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY) as sr:
        await sr.upload_attachment(order_id, result_id, path, file_name="report.pdf")


def test_a_file_cancelled_before_it_went_whole_is_never_taken_for_someone_elses(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Cancelled before any of it reached the service, while a recruiter's own report.pdf is
    on the result: the cancel is not "already there", and its Retry sends it (review: the
    first version matched the name and a date since the first try)."""

    async def body() -> str:
        transport = HeldUploads()  # the POST waits before the service reads a byte
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Siv", "siv-early@example.com")
            await board.complete(
                order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
            )
            (queued,), _ = await board.attach_files(order_id, [_report(tmp_path)])
            await asyncio.wait_for(transport.sending.wait(), 60)  # a hang guard only
            theirs = tmp_path / "theirs" / "report.pdf"
            theirs.parent.mkdir()
            theirs.write_bytes(b"%PDF-1.4\n" + b"r" * 1000)
            result_id = desk.results.result_id_for(order_id)
            assert result_id is not None
            await _attach_as_a_recruiter(sandbox, order_id, result_id, theirs)
            await board.cancel_upload(order_id, queued.id)
            transport.release.set()
            cancelled = desk.results.get(queued.id)
            assert cancelled is not None
            assert cancelled.state is UploadState.CANCELLED  # before: DONE, "already there"
            await board.retry_upload(order_id, queued.id)
            await board.wait_uploads()
            sent = desk.results.get(queued.id)
            assert sent is not None
            assert sent.state is UploadState.DONE
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf", "report.pdf"]  # theirs, and ours


def test_attachments_that_cannot_be_listed_fail_the_file_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The same file dropped again after a late cancel must be looked for, and listing is
    refused for good: the file fails in words (before: queued for ever, a failed step each
    round). Its Retry, once listing works, finds the first copy."""

    async def body() -> str:
        transport = LateAnswers()
        transport.refuse_listing = True
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            desk = desk_of(board)
            report = _report(tmp_path)
            order_id, _ = await _report_cancelled_after_it_arrived(board, transport, report, "Rut")
            (again,), refused = await board.attach_files(order_id, [report])
            assert refused == []
            await board.wait_uploads()
            for _ in range(2):
                await board.resume()
            failed = desk.results.get(again.id)
            assert failed is not None
            assert failed.state is UploadState.FAILED
            assert "Could not check whether report.pdf is already there" in (failed.message or "")
            steps = [e for e in desk.journal.entries(order_id) if e.action is StepKind.UPLOAD]
            assert len(steps) == 2  # the cancelled one's and this one's: none per round
            transport.refuse_listing = False
            await board.retry_upload(order_id, again.id)
            await board.wait_uploads()
            found = desk.results.get(again.id)
            assert found is not None
            assert found.state is UploadState.DONE
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]


class LostAnswer(RealNetwork):
    """SmartRecruiters' transport: the first attachment upload is answered 503 by a proxy,
    after the service kept the file (``stored``) or before it read a byte (not)."""

    def __init__(self, *, stored: bool) -> None:
        super().__init__()
        self.stored = stored
        self.lost = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        upload = request.method == "POST" and request.url.path.endswith("/attachments")
        if not upload or self.lost:
            return await self.inner.handle_async_request(request)
        self.lost = True
        if self.stored:
            await (await self.inner.handle_async_request(request)).aread()
        else:
            await request.aread()  # the proxy reads it all, and never passes it on
        return httpx.Response(503, json={"message": "Service unavailable"})


@pytest.mark.parametrize("stored", [True, False], ids=["kept", "never-passed-on"])
def test_an_answer_lost_after_the_whole_file_went_is_checked_before_sending_again(
    sandbox: SandboxServer, tmp_path: Path, stored: bool
) -> None:
    """The whole file went out and a proxy answered 503: the next try looks for it first
    (kept: found, not sent twice); a file the service never got is sent again."""

    async def body() -> str:
        transport = LostAnswer(stored=stored)
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Pål", f"pal-{stored}@example.com")
            await board.complete(
                order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
            )
            (queued,), _ = await board.attach_files(order_id, [_report(tmp_path)])
            await board.wait_uploads()
            await board.resume()
            await board.wait_uploads()
            sent = desk.results.get(queued.id)
            assert sent is not None
            assert sent.state is UploadState.DONE
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]


def test_a_file_cut_off_by_a_stop_then_cancelled_and_retried_is_not_sent_twice(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The app stopped while it sent a file, which reached the service; the file still says
    Uploading. The coordinator cancels it, then Retry: it was sent a second time (review: a
    row never seen to end had no "may be there" once cancelled)."""
    path = tmp_path / "d.sqlite3"

    async def body() -> str:
        transport = HeldUploads()
        async with board_on(sandbox, path, transport) as board:
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Kai", "kai-stop@example.com")
            await board.complete(
                order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
            )
            report = _report(tmp_path)
            (queued,), _ = await board.attach_files(order_id, [report])
            await asyncio.wait_for(transport.sending.wait(), 60)  # a hang guard only
            result_id = desk.results.result_id_for(order_id)
            assert result_id is not None
            await _attach_as_a_recruiter(sandbox, order_id, result_id, report)  # it arrived
        # The board closing stopped the send and left it queued; a killed app leaves it so:
        with contextlib.closing(sqlite3.connect(path)) as raw, raw:
            raw.execute("UPDATE uploads SET state = 'uploading' WHERE id = ?", (queued.id,))
        # The coordinator cancels it before the resumer gets to it, then Retry.
        session = Session(
            sr=SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY),
            berke=BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN, pacer=unpaced()),
            demo=True,
        )
        desk = Desk(session, Database(path), author=ContactPerson(first_name="Cora"))
        try:
            assert await cancel_upload(desk, order_id, queued.id) is not None
            again = await requeue_upload(desk, order_id, queued.id)
            assert again is not None
            done = await run_upload(desk, again)
            assert done.state is UploadState.DONE
        finally:
            await session.aclose()
            desk.db.close()
        return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]


def test_cancel_stops_a_file_the_resumer_is_sending(sandbox: SandboxServer, tmp_path: Path) -> None:
    """After a restart the background resumer sends a queued report; the coordinator cancels
    it meanwhile. Before: "Cancelled." was shown and the file was attached anyway."""

    async def body() -> str:
        transport = HeldUploads()
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            desk = desk_of(board)
            order = await finished_order(board, desk, sandbox, "Ines", "ines-held@example.com")
            order_id = order.id
            plan = await plan_delivery(desk, order)
            # Delivered up to the upload, then the app stopped: the report waits, queued.
            await deliver(desk, order, plan, max_bytes=DEFAULT_MAX_BYTES)
            (report,) = desk.results.for_order(order_id)
            resuming = asyncio.ensure_future(board.resume())
            await transport.sending.wait()
            await board.cancel_upload(order_id, report.id)
            transport.release.set()
            resumed = await resuming  # the resumer goes on: it is not cancelled itself
            assert -report.id not in resumed.done
            # Failed, not waiting: the resumer does not back off for a coordinator's Cancel.
            assert -report.id in resumed.failed
            assert resumed.settled
            cancelled = desk.results.get(report.id)
            assert cancelled is not None
            assert cancelled.state is UploadState.CANCELLED
            (step,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.UPLOAD]
            assert (step.state, step.message) == (StepState.FAILED, "Cancelled by the coordinator.")
            return order_id

    assert files_sent(sandbox, body) == []


def test_a_cancelled_report_is_not_retried_next_to_its_second_copy(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Cancel the queued report, queue it again (a drop), then Retry the cancelled one: both
    would be attached. The Retry is refused in words; one copy is sent."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            desk = desk_of(board)
            order = await finished_order(board, desk, sandbox, "Tove", "tove-copy@example.com")
            order_id = order.id
            plan = await plan_delivery(desk, order)
            (first,), _ = await queue_files(desk, order, [plan.report])
            await board.cancel_upload(order_id, first.id)
            (second,), _ = await queue_files(desk, order, [plan.report])
            with pytest.raises(ActionNotAllowedError, match=r"Another copy of .* on its way"):
                await board.retry_upload(order_id, first.id)
            await board.deliver(order_id, plan)
            await board.wait_uploads()
            states = {u.id: u.state for u in desk.results.for_order(order_id)}
            assert states == {first.id: UploadState.CANCELLED, second.id: UploadState.DONE}
            return order_id

    order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert len(result["files"]) == 1


def test_complete_and_deliver_of_one_order_never_run_at_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Both complete the order. Started together, the second is refused at once rather than
    left to a check in the journal that is not atomic with the step it guards."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
            order = await finished_order(
                board, desk_of(board), sandbox, "Kim", "kim-race@example.com"
            )
            order_id = order.id
            plan = await board.preview_delivery(order_id)
            manual = AssessmentResult(
                result_type=ResultType.URL,
                result="https://results.example.com/kim",
                title="Manual",
                score="1",
                passed=True,
            )
            delivered, completed = await asyncio.gather(
                board.deliver(order_id, plan),
                board.complete(order_id, manual),
                return_exceptions=True,
            )
            assert isinstance(delivered, str)
            assert isinstance(completed, ActionNotAllowedError)
            assert "already being sent" in str(completed)
            await board.wait_uploads()
            return order_id

    order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert result["title"] != "Manual"
    assert len(result["files"]) == 1


def test_a_report_queued_for_an_order_then_rejected_fails_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: it stayed "queued" for ever (only a completed order failed its files)."""

    async def body() -> None:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            desk = desk_of(board)
            order = await finished_order(board, desk, sandbox, "Rolf", "rolf@example.com")
            order_id = order.id
            plan = await plan_delivery(desk, order)
            (queued,), _ = await queue_files(desk, order, [plan.report])
            await board.reject([order_id], reason="The position was filled.")
            await board.resume()
            failed = desk.results.get(queued.id)
            assert failed is not None
            assert failed.state is UploadState.FAILED
            assert failed.message == REJECTED_NO_RESULT

    asyncio.run(body())


def test_a_create_that_failed_in_another_hand_is_never_followed_by_a_completion(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The resumer read its list while a click's create-result was under way; that create then
    failed for good. Reaching the entry, the resumer must not complete the order: it would end
    with no result at all."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
            desk = desk_of(board)
            order = await finished_order(board, desk, sandbox, "Stig", "stig@example.com")
            order_id = order.id
            plan = await plan_delivery(desk, order)
            clicked = desk.journal.begin(order_id, CreateResultStep(result=plan.result))
            read_by_the_resumer = desk.journal.pending()
            desk.journal.fail(clicked, "SmartRecruiters: refused (400)")
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(desk.journal, "pending", lambda: read_by_the_resumer)
                await resume_pending(desk)
            assert (await desk.session.sr.get_order(order_id)).status is OrderStatus.IN_PROGRESS
            return order_id

    order_id = asyncio.run(body())
    assert results_of(sandbox, order_id) == []


def test_a_cancelled_upload_step_is_not_retried_next_to_a_second_copy(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The same through the activity list: the Retry on the cancelled upload's step. Before,
    it queued the file again whatever else was queued, and both were attached."""

    async def body() -> str:
        transport = HeldUploads()
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            desk = desk_of(board)
            order = await finished_order(board, desk, sandbox, "Ulla", "ulla-copy@example.com")
            order_id = order.id
            plan = await board.preview_delivery(order_id)
            await board.deliver(order_id, plan)  # completed; the report starts, and is held
            await transport.sending.wait()
            (first,) = desk.results.for_order(order_id)
            await board.cancel_upload(order_id, first.id)
            transport.release.set()
            await board.wait_uploads()
            now = board.order(order_id)
            assert now is not None
            (second,), _ = await queue_files(desk, now, [plan.report])
            (step,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.UPLOAD]
            assert step.state is StepState.FAILED
            with pytest.raises(ActionNotAllowedError, match=r"Another copy of .* on its way"):
                await board.retry_step(step.id)
            board.start_queued(order_id)
            await board.wait_uploads()
            states = {u.id: u.state for u in desk.results.for_order(order_id)}
            assert states == {first.id: UploadState.CANCELLED, second.id: UploadState.DONE}
            return order_id

    order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert len(result["files"]) == 1


def test_a_report_left_not_sent_goes_with_the_next_delivery(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An earlier Deliver was refused by SmartRecruiters and its report marked "Not sent",
    the order still in progress. Deliver again sends that report (before: it was left failed,
    and a new copy of the name refused)."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            desk = desk_of(board)
            order = await finished_order(board, desk, sandbox, "Pia", "pia-again@example.com")
            order_id = order.id
            plan = await plan_delivery(desk, order)
            (earlier,), _ = await queue_files(desk, order, [plan.report])
            desk.results.set_state(earlier.id, UploadState.FAILED, message="Not sent: refused.")
            await board.deliver(order_id, plan)
            await board.wait_uploads()
            assert [(u.id, u.state) for u in desk.results.for_order(order_id)] == [
                (earlier.id, UploadState.DONE)
            ]
            return order_id

    order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert len(result["files"]) == 1


@pytest.mark.parametrize("completion", ["never", "failed"])
def test_a_typed_result_is_refused_when_the_order_already_has_one(
    sandbox: SandboxServer, tmp_path: Path, completion: str
) -> None:
    """Documented flow: a result was made, the completion was not. Completing from the dialog
    would not send the result typed there (the order keeps the one made): refused, saying how
    the order does get completed with the result it has, which then happens."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Ole", f"ole-{completion}@example.com")
            made = AssessmentResult(
                result_type=ResultType.URL, result="https://r.example.com/1", title="First"
            )
            await run_step(desk, order_id, CreateResultStep(result=made))
            failed = None
            if completion == "failed":
                failed = desk.journal.begin(order_id, CompleteStep(flow=ResultFlow.DOCUMENTED))
                desk.journal.fail(failed, "The service refused it.")
            typed = made.model_copy(update={"title": "Typed"})
            how = "Retry its failed “Complete order” step" if failed else "by itself"
            with pytest.raises(ActionNotAllowedError, match="already has a result") as refused:
                await board.complete(order_id, typed)
            assert how in str(refused.value)
            if failed is None:
                await board.resume()  # what the refusal woke
            else:
                await board.retry_step(failed)
            now = board.order(order_id)
            assert now is not None
            assert now.status is OrderStatus.COMPLETED
            return order_id

    order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert result["title"] == "First"


def test_a_cancel_long_after_the_whole_file_went_still_finds_the_copy_kept(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coordinator watched "100 %" for six minutes, then cancelled, and the attachments
    could not be listed then. The file went out before the Cancel, but was dated at it: the
    copy the service kept was older than that less five minutes, was not found, and the same
    file dropped again was attached a second time."""
    import app.store.results

    async def body() -> str:
        transport = LateAnswers()
        transport.refuse_listing = True
        real_now = app.store.results.utc_now

        async def six_minutes_later() -> None:
            await transport.stored.wait()
            later = datetime.fromisoformat(real_now()) + timedelta(minutes=6)
            monkeypatch.setattr(app.store.results, "utc_now", later.isoformat)

        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            report = _report(tmp_path)
            waiting = asyncio.ensure_future(six_minutes_later())
            order_id, upload_id = await _report_cancelled_after_it_arrived(
                board, transport, report, "Liv"
            )
            await waiting
            desk = desk_of(board)
            cancelled = desk.results.get(upload_id)
            assert cancelled is not None
            assert cancelled.state is UploadState.CANCELLED
            transport.refuse_listing = False
            (again,), _ = await board.attach_files(order_id, [report])
            await board.wait_uploads()
            sent = desk.results.get(again.id)
            assert sent is not None
            assert sent.state is UploadState.DONE
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]  # before: two


def test_a_cancel_never_fails_a_step_that_ended_done_meanwhile(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The send ended, done, between the Cancel finding the upload's step and failing it: the
    activity then said "Cancelled by the coordinator" of a file its panel showed attached.
    The step waits for its turn (nothing sends it, so nothing but the Cancel acts on it), and
    ends done exactly between the two."""
    from app.workflows import results

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ada"))
        report = _report(tmp_path)
        queued = desk.results.enqueue(order.id, str(report), report.name, report.stat().st_size)
        step_id = desk.journal.begin(order.id, UploadStep(upload_id=queued.id))
        found = results._open_upload_step

        def found_then_ended(desk: Desk, upload_id: int) -> Any:
            entry = found(desk, upload_id)
            assert entry is not None
            assert entry.id == step_id
            ended = AttachmentUploaded(upload_id=upload_id, attachment_id="a-1", file_name="r")
            desk.journal.finish(entry.id, ended)  # what the send records as it ends
            return entry

        monkeypatch.setattr(results, "_open_upload_step", found_then_ended)
        await cancel_upload(desk, order.id, queued.id)
        step = desk.journal.get(step_id)
        assert step is not None
        assert step.state is StepState.DONE

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


@pytest.mark.parametrize("stored", [False, True], ids=["never-passed-on", "kept"])
def test_a_cancel_landing_as_the_error_comes_back_stays_cancelled(
    sandbox: SandboxServer, tmp_path: Path, stored: bool
) -> None:
    """The coordinator's Cancel was processed just as the upload's 503 came back. Before,
    the error's write put the file back in the queue over the Cancel, and the resumer sent it
    again (kept: a second copy beside the one the lost answer left)."""

    async def body() -> tuple[UploadState, str]:
        async with board_on(sandbox, tmp_path / "d.sqlite3", LostAnswer(stored=stored)) as board:
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Noor", f"noor-{stored}@example.com")
            await board.complete(
                order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
            )
            # The step records the failure (first, that the whole file went) when the Cancel
            # is processed: it lands between that and the upload's new state.
            loop = asyncio.get_running_loop()
            recording = asyncio.Event()
            cancel_landed = threading.Event()
            real_mark = desk.results.mark_delivered

            def mark_delivered(upload_id: int) -> None:  # in the step's worker thread
                loop.call_soon_threadsafe(recording.set)
                assert cancel_landed.wait(HANG_GUARD_SECONDS)
                real_mark(upload_id)

            desk.results.mark_delivered = mark_delivered  # type: ignore[method-assign]
            (queued,), _ = await board.attach_files(order_id, [_report(tmp_path)])
            await asyncio.wait_for(recording.wait(), HANG_GUARD_SECONDS)
            cancelled = await cancel_upload(desk, order_id, queued.id)  # what Cancel calls
            assert cancelled is not None
            cancel_landed.set()
            await board.wait_uploads()
            desk.results.mark_delivered = real_mark  # type: ignore[method-assign]
            await resume_pending(desk)  # the background resumer's next round
            after = desk.results.get(queued.id)
            assert after is not None
            return after.state, order_id

    state, order_id = asyncio.run(body())
    (result,) = results_of(sandbox, order_id)
    assert (state, result["files"]) == (UploadState.CANCELLED, ["report.pdf"] if stored else [])


def test_a_queued_file_whose_step_failed_looks_for_its_copy_before_it_goes_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A queued file whose step had failed after its whole file went, its answer lost (as a
    Cancel undone by the error's write left it). Before, the resumer gave it a second step,
    which did not look for the copy the service had kept: the file was attached twice."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3", LostAnswer(stored=True)) as board:
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Ines", "ines-again@example.com")
            await board.complete(
                order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
            )
            (queued,), _ = await board.attach_files(order_id, [_report(tmp_path)])
            await board.wait_uploads()
            (step,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.UPLOAD]
            desk.journal.fail(step.id, "Cancelled by the coordinator.")
            now = desk.results.get(queued.id)
            assert now is not None
            assert (now.state, now.went_whole is not None) == (UploadState.QUEUED, True)
            await resume_pending(desk)
            sent = desk.results.get(queued.id)
            assert sent is not None
            assert sent.state is UploadState.DONE
            (after,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.UPLOAD]
            assert (after.id, after.state) == (step.id, StepState.DONE)
            return order_id

    assert files_sent(sandbox, body) == ["report.pdf"]  # before: two


class RejectedBetweenTheTwoCalls(RealNetwork):
    """SmartRecruiters' transport: another coordinator rejects the order once this desk's
    result is made, just before its completion goes."""

    def __init__(self) -> None:
        super().__init__()
        self.done = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/complete") and not self.done:
            self.done = True
            reject = httpx.Request(
                "POST",
                request.url.copy_with(path=path.removesuffix("/complete") + "/reject"),
                headers={"X-SmartToken": request.headers["X-SmartToken"],
                         "Content-Type": "application/json"},
                content=b'{"message": "Position closed"}',
            )  # fmt: skip
            answer = await self.inner.handle_async_request(reject)
            await answer.aread()
            assert answer.status_code == 200, answer.status_code
        return await self.inner.handle_async_request(request)


def test_a_report_for_a_result_made_before_the_order_was_rejected_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Documented flow: the desk made the order's result, and its completion was refused,
    the order rejected meanwhile. Before, the report dropped for that result stayed queued,
    and the resumer sent it to the rejected order's result, showing it Attached."""

    async def body() -> str:
        transport = RejectedBetweenTheTwoCalls()
        async with board_on(sandbox, tmp_path / "d.sqlite3", transport) as board:
            board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Rui", "rui-rejected@example.com")
            (queued,), _ = await board.attach_files(order_id, [_report(tmp_path)])
            with pytest.raises(StateConflictError):
                await board.complete(
                    order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
                )
            await board.resume()
            await board.wait_uploads()
            failed = desk.results.get(queued.id)
            assert failed is not None
            assert (failed.state, failed.message) == (UploadState.FAILED, REJECTED_NO_RESULT)
            assert desk.results.result_id_for(order_id) is None  # not the order's to show
            return order_id

    (result,) = results_of(sandbox, asyncio.run(body()))
    assert result["files"] == []


def test_a_report_for_a_result_left_open_by_a_stop_is_not_sent_once_the_order_is_rejected(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Documented flow: the desk made the order's result and stopped before completing it;
    the order was then rejected. Before, the resumer sent the report queued for that result
    (it knew its result, so the order was not looked at) to the rejected order's result."""

    async def body() -> str:
        async with board_on(sandbox, tmp_path / "d.sqlite3") as board:
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Ebba", "ebba-rejected@example.com")
            (queued,), _ = await board.attach_files(order_id, [_report(tmp_path)])
            made = AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
            await run_step(desk, order_id, CreateResultStep(result=made))  # then it stopped
            assert await board.reject([order_id], reason="The position was filled.") == []
            await board.resume()
            await board.wait_uploads()
            failed = desk.results.get(queued.id)
            assert failed is not None
            assert (failed.state, failed.message) == (UploadState.FAILED, REJECTED_NO_RESULT)
            return order_id

    (result,) = results_of(sandbox, asyncio.run(body()))
    assert result["files"] == []
