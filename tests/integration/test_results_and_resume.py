"""Completing, uploading, and resuming after a crash: nothing lost, nothing done twice."""

from __future__ import annotations

import asyncio
import json
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

import app.store.journal as journal_store
from app.clients.errors import ApiError, StateConflictError
from app.domain.assessment_prefill import stable_candidate_id
from app.domain.attachments import UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import (
    AssessmentLinked,
    CommentAdded,
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    UploadStep,
)
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.order_action import OrderAction
from app.domain.smartrecruiters import (
    AssessmentOrder,
    AssessmentResult,
    ContactPerson,
    OrderStatus,
    ResultType,
    format_sr_timestamp,
)
from app.workflows.desk import Desk, action_key
from app.workflows.order_actions import (
    ActionNotAllowedError,
    accept_order,
    add_comment,
    create_assessment,
    reject_order,
)
from app.workflows.outbox import resume_pending, retry_step
from app.workflows.results import complete_order, queue_files, run_upload
from app.workflows.resume_news import ResumeNews, resume_news
from app.workflows.steps import execute, run_step
from tests.integration.helpers import (
    FailsOnce,
    RealNetwork,
    RecordingTransport,
    new_order_body,
)
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

RESULT = AssessmentResult(
    result_type=ResultType.DOCUMENT, result="result.pdf", title="Job fit", passed=True, score="81%"
)


def report(tmp_path: Path, name: str = "report.pdf", size: int = 300_000) -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n" + b"x" * (size - 9))
    return path


async def in_progress(desk: Desk) -> AssessmentOrder:
    order = await desk.session.sr.create_test_order(new_order_body(email="zoe@example.com"))
    await create_assessment(
        desk, order, CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
    )
    return await accept_order(desk, order)


@pytest.mark.parametrize("flow", list(ResultFlow))
def test_complete_then_attach_two_files(
    sandbox: SandboxServer, tmp_path: Path, flow: ResultFlow
) -> None:
    files = [report(tmp_path, "report.pdf"), report(tmp_path, "summary.txt", 2000)]

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT, flow=flow, message="Done")
        assert desk.results.result_id_for(order.id) == result_id
        cached = desk.orders.get(order.id)
        assert cached is not None
        assert cached.status is OrderStatus.COMPLETED
        queued, refused = await queue_files(desk, order, files)
        assert refused == []
        assert [u.result_id for u in queued] == [result_id, result_id]
        seen: list[int] = []
        for upload in queued:
            done = await run_upload(desk, upload, progress=lambda s, t: seen.append(s))
            assert done.state is UploadState.DONE
            assert done.attachment_id
        listed = await desk.session.sr.list_attachments(order.id, result_id)
        assert sorted(a.file_name for a in listed) == ["report.pdf", "summary.txt"]
        assert seen[-1] == 2000
        actions = [e.action for e in desk.journal.entries(order.id)]
        expected_complete = (
            [StepKind.COMPLETE]
            if flow is ResultFlow.FAQ
            else [StepKind.CREATE_RESULT, StepKind.COMPLETE]
        )
        assert actions == [StepKind.CREATE_ASSESSMENT, StepKind.ACCEPT, *expected_complete,
                           StepKind.UPLOAD, StepKind.UPLOAD]  # fmt: skip

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_files_are_checked_before_anything_is_sent(sandbox: SandboxServer, tmp_path: Path) -> None:
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ")
    big = report(tmp_path, "huge.pdf", 3_000_000)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    good = report(tmp_path, "report.pdf")

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        queued, refused = await queue_files(
            desk, order, [exe, big, empty, good, good, tmp_path / "missing.pdf"],
            max_bytes=1024 * 1024,
        )  # fmt: skip
        assert [u.file_name for u in queued] == ["report.pdf"]
        assert queued[0].result_id is None  # waits for the result
        text = "\n".join(refused)
        assert "setup.exe cannot be attached" in text
        assert "PDF, DOC, DOCX" in text
        assert "huge.pdf is 2.9 MB; the limit is 1.0 MB" in text
        assert "empty.pdf is empty" in text
        assert "report.pdf is already on its way to this order's result." in text
        assert "missing.pdf cannot be read" in text
        result_id = await complete_order(desk, order, RESULT)
        assert desk.results.get(queued[0].id).result_id == result_id  # type: ignore[union-attr]

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_complete_is_refused_unless_in_progress(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        with pytest.raises(ActionNotAllowedError, match="accept it first"):
            await complete_order(desk, order, RESULT)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


@pytest.mark.parametrize("flow", list(ResultFlow))
def test_a_result_address_smartrecruiters_would_refuse_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path, flow: ResultFlow
) -> None:
    """An address pasted with a no-break space in it: refused in words before anything is
    journaled or sent (the lenient reading of stored results let it through)."""
    pasted = AssessmentResult(result_type=ResultType.URL, result="https://r.test/81\u00a0?x=1")

    scripted = RESULT.model_copy(update={"description": "<p>Fit</p><script>x</script>"})
    empty = RESULT.model_copy(update={"result": ""})

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        with pytest.raises(ActionNotAllowedError, match="no spaces"):
            await complete_order(desk, order, pasted, flow=flow)
        # Read back, a result is taken as the service holds it; sent, it is held to its rules.
        with pytest.raises(ActionNotAllowedError, match="does not allow <script>"):
            await complete_order(desk, order, scripted, flow=flow)
        with pytest.raises(ActionNotAllowedError, match=r"Result: Required\."):
            await complete_order(desk, order, empty, flow=flow)
        assert desk.journal.pending() == []
        assert await desk.session.sr.list_results(order.id) == []

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


# -- crashes between the call and the record of its outcome ---------------------------------


def test_resume_a_create_whose_answer_was_lost(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        # An earlier create taught the console the URL prefix.
        await in_progress(desk)
        order = await desk.session.sr.create_test_order(new_order_body(first="Aiko"))
        request = CreateAssessmentRequest(
            first_name="Aiko", last_name="Tanaka", source_candidate_id=stable_candidate_id(order.id)
        )
        desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        sent = await desk.session.berke.create_assessment(request)  # ... and then the crash
        resumed = await resume_pending(desk)
        assert resumed.settled
        assert len(resumed.done) == 1
        link = desk.journal.assessment_for(order.id)
        assert link is not None
        assert (link.invitation_code, link.assessment_url) == (
            sent.invitation_code, sent.assessment_url,
        )  # fmt: skip
        outcome = desk.journal.entries(order.id)[-1].outcome
        assert isinstance(outcome, AssessmentLinked)
        assert outcome.recovered

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_resumed_create_whose_answer_was_lost_is_its_own_try(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A create whose try went, its answer lost with the desk, is looked for in Berke before
    anything is sent, and what is found under the order's own id is that try's own: nobody
    has invited to it. Sent again instead, Berke refused the id as taken, the assessment was
    taken for one made before this step (someone may have invited to it), and the
    candidate's invitation waited on a question nobody needed to ask."""
    transport = RecordingTransport()

    def creates() -> int:
        return sum(r.url.path.endswith("/CreateAssessment") for r in transport.requests)

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Aiko"))
        request = CreateAssessmentRequest(
            first_name="Aiko", last_name="Tanaka", source_candidate_id=stable_candidate_id(order.id)
        )
        step = desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        desk.journal.set_may_have_gone(step, True)  # its try began, as execute marks it
        await desk.session.berke.create_assessment(request)  # ... and then the crash
        assert creates() == 1
        assert (await resume_pending(desk)).settled
        assert creates() == 1  # looked for, never sent again
        outcome = desk.journal.entries(order.id)[-1].outcome
        assert isinstance(outcome, AssessmentLinked)
        assert outcome.recovered
        assert outcome.own_try is True

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=transport)


def test_resume_a_create_that_never_left(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Mia"))
        request = CreateAssessmentRequest(
            first_name="Mia", last_name="Wong", source_candidate_id=stable_candidate_id(order.id)
        )
        desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        resumed = await resume_pending(desk)
        assert resumed.done
        assert desk.journal.assessment_for(order.id) is not None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_resume_a_complete_whose_result_id_was_lost(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        step = desk.journal.begin(order.id, CompleteStep(result=RESULT))
        desk.journal.set_may_have_gone(step, True)  # its try began, as execute marks it
        lost = await desk.session.sr.complete_with_result(order.id, RESULT)  # answer lost
        resumed = await resume_pending(desk)
        assert resumed.done
        assert desk.results.result_id_for(order.id) == lost.result_id
        assert len(await desk.session.sr.list_results(order.id)) == 1

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_resumed_complete_never_takes_another_desks_verdict_as_its_own(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """This desk's completion never left (the step pending); another coordinator completed
    the order from the same dialog defaults (type, file name and title alike) with another
    verdict. Before: the resumer recorded that result as this step's, "done", and reports
    dropped later went to it."""
    theirs = RESULT.model_copy(update={"passed": False, "score": "31%"})

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        (queued,), _ = await queue_files(desk, order, [report(tmp_path)])  # for this result
        step_id = desk.journal.begin(order.id, CompleteStep(result=RESULT))
        made_there = await desk.session.sr.complete_with_result(order.id, theirs)
        await resume_pending(desk)
        assert desk.results.result_id_for(order.id) != made_there.result_id
        entry = desk.journal.get(step_id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert "already completed elsewhere" in (entry.message or "")
        # The report was for this desk's verdict: not sent with theirs, a round later either.
        await resume_pending(desk)
        failed = desk.results.get(queued.id)
        assert failed is not None
        assert failed.state is UploadState.FAILED
        assert (failed.message or "").startswith("Not sent: This order was already completed")
        assert await desk.session.sr.list_attachments(order.id, made_there.result_id) == []

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


async def reached_the_service_unanswered(desk: Desk, path: Path) -> tuple[str, str, int]:
    """An order completed, ``path`` queued for its result, marked as sending (as the step
    does before the first byte), and the file sent: the app stopped before the answer, so
    the upload still says "uploading". The order's id, its result's, and the upload's."""
    order = await in_progress(desk)
    result_id = await complete_order(desk, order, RESULT)
    (upload,), _ = await queue_files(desk, order, [path])
    desk.journal.begin(order.id, UploadStep(upload_id=upload.id))
    desk.results.start_sending(upload.id, order.id, None)
    await desk.session.sr.upload_attachment(order.id, result_id, path)
    return order.id, result_id, upload.id


def test_resume_an_upload_that_reached_the_service(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = report(tmp_path)

    async def body(desk: Desk) -> None:
        order_id, result_id, upload_id = await reached_the_service_unanswered(desk, path)
        resumed = await resume_pending(desk)
        assert resumed.done
        assert len(await desk.session.sr.list_attachments(order_id, result_id)) == 1
        finished = desk.results.get(upload_id)
        assert finished is not None
        assert finished.state is UploadState.DONE

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


@pytest.mark.skipif(os.name != "posix", reason="byte file names are a POSIX matter")
def test_a_report_named_in_a_legacy_code_page_is_sent_after_a_restart(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """ "Rapor_Işık.pdf" from a Turkish Windows zip (CP857 bytes, not UTF-8), queued, then the
    desk closed before it went. Before, the queue could not even hold its path (sqlite3
    writes no surrogate escape as text); now the file queued is the file sent after a restart,
    under a name of words SmartRecruiters can keep."""
    raw = os.fsencode(tmp_path) + b"/Rapor_I\x9f\x8dk.pdf"
    try:
        with open(raw, "wb") as handle:
            handle.write(b"%PDF-1.4\n" + b"x" * 5_000)
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    data_file = tmp_path / "desk.sqlite3"

    async def before_the_restart(desk: Desk) -> tuple[str, str, int]:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        queued, refused = await queue_files(desk, order, [Path(os.fsdecode(raw))])
        assert refused == []
        assert [u.file_name for u in queued] == ["Rapor_I k.pdf"]
        return order.id, result_id, queued[0].id

    order_id, result_id, upload_id = run_with_desk(sandbox, data_file, before_the_restart)

    async def after_the_restart(desk: Desk) -> None:
        assert [u.path for u in desk.results.unfinished()] == [os.fsdecode(raw)]
        await resume_pending(desk)
        sent = desk.results.get(upload_id)
        assert sent is not None
        assert sent.state is UploadState.DONE, sent.message
        attachments = await desk.session.sr.list_attachments(order_id, result_id)
        assert [a.file_name for a in attachments] == ["Rapor_I k.pdf"]

    run_with_desk(sandbox, data_file, after_the_restart)


def test_resume_an_upload_interrupted_midway(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = report(tmp_path, size=2_000_000)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        task = asyncio.ensure_future(run_upload(desk, upload))
        await asyncio.sleep(0)  # started...
        task.cancel()  # ... and the app closed
        with pytest.raises(asyncio.CancelledError):
            await task
        assert desk.results.get(upload.id).state is UploadState.QUEUED  # type: ignore[union-attr]
        resumed = await resume_pending(desk)
        assert resumed.settled
        attachments = await desk.session.sr.list_attachments(order.id, result_id)
        assert [a.file_name for a in attachments] == ["report.pdf"]

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_permanent_failure_waits_for_retry(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        bad = AssessmentResult(result_type=ResultType.URL, result="https://r.test/x")
        step = desk.journal.begin(order.id, CompleteStep(result=bad))
        # Reject the order behind the console's back: completing it is now refused for good.
        await desk.session.sr.reject_order(order.id, message="withdrawn")
        resumed = await resume_pending(desk)
        assert resumed.failed == [step]
        entry = desk.journal.get(step)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert entry.message
        assert "SmartRecruiters" in entry.message
        with pytest.raises(ApiError):
            await retry_step(desk, step)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


#: SmartRecruiters' answer while it is down for a moment.
BUSY = {"code": "SERVICE_UNAVAILABLE", "message": "Try again."}


def test_a_later_step_waits_while_an_earlier_one_of_its_order_cannot_go(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An order's steps go in the order they were asked: one that met a 503 holds back the
    order's later ones until it went. Let through, the coordinator's second comment reached
    the recruiter before the first (and an invitation could go before the accept it
    depends on)."""
    first_words, second_words = "First: called the candidate", "Second: they will reply"

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        first = desk.journal.begin(order.id, CommentStep(message=first_words))
        second = desk.journal.begin(order.id, CommentStep(message=second_words))
        resumed = await resume_pending(desk)
        assert (resumed.waiting, resumed.done) == ([first, second], [])
        assert await desk.session.sr.list_comments(order.id) == []  # neither went
        assert [e.state for e in desk.journal.entries(order.id)] == [StepState.PENDING] * 2
        # The next round sends both, in their order.
        assert (await resume_pending(desk)).done == [first, second]
        comments = await desk.session.sr.list_comments(order.id)
        assert [c.message for c in comments] == [first_words, second_words]

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, FailsOnce("/comments", 503, BUSY))


def test_a_file_waits_while_its_orders_completion_waits(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The documented flow made the order's result and its completion met a 503: the report
    queued for that result waits with it. Sent at once, it went to a result whose order may
    yet be completed elsewhere (the file then on a result nobody sees), and the service that
    just answered 503 was sent a 300 kB upload."""
    path = report(tmp_path)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        await run_step(desk, order.id, CreateResultStep(result=RESULT))
        (upload,), _ = await queue_files(desk, order, [path])
        assert upload.result_id is not None  # it knows where it would go
        step = desk.journal.begin(order.id, CompleteStep(flow=ResultFlow.DOCUMENTED))
        resumed = await resume_pending(desk)
        assert step in resumed.waiting
        waiting = desk.results.get(upload.id)
        assert waiting is not None
        assert waiting.state is UploadState.QUEUED
        assert await desk.session.sr.list_attachments(order.id, upload.result_id) == []
        # The next round completes the order, then sends the file.
        assert (await resume_pending(desk)).settled
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
        sent = desk.results.get(upload.id)
        assert sent is not None
        assert sent.state is UploadState.DONE

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, FailsOnce("/complete", 503, BUSY))


#: SmartRecruiters' refusal after the partner key was regenerated (fixed before the next try).
FORBIDDEN = {"httpCode": 403, "code": "FORBIDDEN", "message": "Access denied"}


async def completed_after_a_refused_try(
    desk: Desk, tmp_path: Path, flow: ResultFlow
) -> tuple[AssessmentOrder, int, str, int]:
    """The order's first completion was refused (its "create result" in the documented flow,
    its complete in the FAQ's); corrected in the dialog, still open, and completed again; a
    report dropped on it then waits for its turn. Returns the order, the old failed step, the
    result and the queued upload."""
    order = await in_progress(desk)
    with pytest.raises(ApiError):
        await complete_order(desk, order, RESULT, flow=flow)
    kind = StepKind.CREATE_RESULT if flow is ResultFlow.DOCUMENTED else StepKind.COMPLETE
    (failed,) = [e for e in desk.journal.entries(order.id) if e.state is StepState.FAILED]
    assert failed.action is kind
    corrected = RESULT.model_copy(update={"score": "83%"})
    result_id = await complete_order(desk, order, corrected, flow=flow)
    assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
    queued, refused = await queue_files(desk, order, [report(tmp_path)])
    assert refused == []
    assert queued[0].result_id == result_id
    return order, failed.id, result_id, queued[0].id


@pytest.mark.parametrize("flow", list(ResultFlow))
def test_retrying_a_failed_completion_after_completing_again_sends_nothing(
    sandbox: SandboxServer, tmp_path: Path, flow: ResultFlow
) -> None:
    """Retry on the old failed "create result" (or FAQ complete) after the order was completed
    from this desk: the step found the order completed, said "completed elsewhere", forgot the
    order's result and failed the report queued for it. Now it is refused in words."""
    path = "/results" if flow is ResultFlow.DOCUMENTED else "/complete"

    async def body(desk: Desk) -> None:
        order, failed, result_id, upload_id = await completed_after_a_refused_try(
            desk, tmp_path, flow
        )
        with pytest.raises(ActionNotAllowedError) as refused:
            await retry_step(desk, failed)
        said = str(refused.value)
        assert said.startswith("Not retried: this order was completed from this desk")
        assert result_id in said
        assert "elsewhere" not in said
        old = desk.journal.get(failed)
        assert old is not None
        assert old.state is StepState.FAILED
        assert desk.results.result_id_for(order.id) == result_id
        upload = desk.results.get(upload_id)
        assert upload is not None
        assert upload.state is UploadState.QUEUED, upload.message
        assert len(await desk.session.sr.list_results(order.id)) == 1

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, FailsOnce(path, 403, FORBIDDEN))


def test_an_old_completion_sent_again_never_forgets_this_desks_result(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The same old "create result" sent again past Retry's rule (an older desk's Retry):
    finding the order completed, it took this desk's completion for another's, forgot the
    order's result and failed its queued report. It fails, saying the order was completed
    here, and keeps both."""

    async def body(desk: Desk) -> None:
        order, failed, result_id, upload_id = await completed_after_a_refused_try(
            desk, tmp_path, ResultFlow.DOCUMENTED
        )
        desk.journal.reopen(failed)
        entry = desk.journal.get(failed)
        assert entry is not None
        with pytest.raises(StateConflictError, match="completed from this desk"):
            await execute(desk, entry, retry=True)
        assert desk.results.result_id_for(order.id) == result_id
        upload = desk.results.get(upload_id)
        assert upload is not None
        assert upload.state is UploadState.QUEUED, upload.message

    path = "/results"
    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, FailsOnce(path, 403, FORBIDDEN))


# -- regressions from review: nothing re-sent, nothing sent after a cancel -------------------


def test_a_comment_whose_answer_was_lost_is_not_posted_twice(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        desk.journal.begin(order.id, CommentStep(message="Called the candidate"))
        await desk.session.sr.add_comment(order.id, "Called the candidate")  # answer lost
        assert (await resume_pending(desk)).done
        comments = await desk.session.sr.list_comments(order.id)
        assert [c.message for c in comments].count("Called the candidate") == 1

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class RefuseOneComment(RealNetwork):
    """SmartRecruiters' transport, whose ``nth`` POST .../comments gets a 503 (nothing kept)."""

    def __init__(self, nth: int) -> None:
        super().__init__()
        self.nth = nth
        self.posts = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/comments"):
            self.posts += 1
            if self.posts == self.nth:
                return httpx.Response(503, json={"message": "Busy."}, request=request)
        return await self.inner.handle_async_request(request)


def test_a_comment_refused_before_it_went_is_posted_though_an_older_one_has_its_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Coordinators repeat short comments ("Reminder sent to the candidate."). A retry took
    any comment in the same words for its own, so one refused by a 503 was never posted and
    yet recorded as done; only more of them than before the step shows it went."""
    words = "Reminder sent to the candidate."

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        await add_comment(desk, order, words)
        with pytest.raises(ApiError):
            await add_comment(desk, order, words)  # 503: the step waits
        assert (await resume_pending(desk)).done
        comments = await desk.session.sr.list_comments(order.id)
        assert [c.message for c in comments].count(words) == 2
        outcome = desk.journal.entries(order.id)[-1].outcome
        assert outcome == CommentAdded(message=words)  # posted now, not "already there"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, RefuseOneComment(2))


def test_a_waiting_comment_is_posted_though_the_same_words_were_added_meanwhile(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A comment refused by a 503 waits for the resumer; the coordinator added the same words
    again meanwhile (a second call noted), and that one went. The waiting one then took the
    second for its own (more comments in its words than before it) and was never posted:
    one comment where two were added. What this desk itself posted since does not count."""
    words = "Called the candidate, no answer."

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        with pytest.raises(ApiError):
            await add_comment(desk, order, words)  # 503: the step waits
        await add_comment(desk, order, words)  # posted at once
        assert (await resume_pending(desk)).done
        comments = await desk.session.sr.list_comments(order.id)
        assert [c.message for c in comments].count(words) == 2
        first = desk.journal.entries(order.id)[0].outcome
        assert first == CommentAdded(message=words)  # posted now, not "already there"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, RefuseOneComment(1))


def test_a_waiting_comment_is_posted_though_the_same_words_went_after_a_clock_set_back(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As above, the waiting comment asked while the clock ran two hours ahead (NTP then set
    it back): the same words posted after it were dated before it, taken for someone else's,
    and the waiting one for already there. One comment where two were added."""
    words = "Called the candidate, no answer."

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        ahead = (datetime.now(UTC) + timedelta(hours=2)).isoformat(timespec="milliseconds")
        monkeypatch.setattr(journal_store, "utc_now", lambda: ahead)
        with pytest.raises(ApiError):
            await add_comment(desk, order, words)  # 503: the step waits
        monkeypatch.undo()  # the clock put right
        await add_comment(desk, order, words)  # posted at once
        assert (await resume_pending(desk)).done
        comments = await desk.session.sr.list_comments(order.id)
        assert [c.message for c in comments].count(words) == 2

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, RefuseOneComment(1))


def test_a_waiting_comment_that_went_is_not_posted_again_after_the_same_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The other way round: the waiting comment did go (its answer lost), then the same words
    were added again. Its retry finds both, one more than this desk's second: its own."""
    words = "Called the candidate, no answer."

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        desk.journal.begin(order.id, CommentStep(message=words, same_words_before=0))
        await desk.session.sr.add_comment(order.id, words)  # answer lost
        await add_comment(desk, order, words)
        assert (await resume_pending(desk)).done
        comments = await desk.session.sr.list_comments(order.id)
        assert [c.message for c in comments].count(words) == 2
        first = desk.journal.entries(order.id)[0].outcome
        assert first == CommentAdded(message=words, already_there=True)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class ListCommentsBusyUntilPosted(RealNetwork):
    """SmartRecruiters' transport: GET .../comments gets a 503 (its retries too) until a
    comment is posted."""

    def __init__(self) -> None:
        super().__init__()
        self.posted = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/comments"):
            if request.method == "POST":
                self.posted = True
            elif not self.posted:
                return httpx.Response(503, json={"message": "Busy."}, request=request)
        return await self.inner.handle_async_request(request)


def test_a_comment_whose_words_could_not_be_counted_first_is_still_posted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The count before the first try is asked of SmartRecruiters: a busy listing must not
    stop the comment (the window says a transient failure goes by itself)."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        await add_comment(desk, order, "Called the candidate")
        comments = await desk.session.sr.list_comments(order.id)
        assert [c.message for c in comments] == ["Called the candidate"]

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, ListCommentsBusyUntilPosted())


def test_a_cancelled_upload_is_not_sent_by_the_resumer(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from app.workflows.results import cancel_upload

    path = report(tmp_path)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        step = desk.journal.begin(order.id, UploadStep(upload_id=upload.id))  # interrupted
        assert await cancel_upload(desk, order.id, upload.id) is not None
        await resume_pending(desk)
        assert await desk.session.sr.list_attachments(order.id, result_id) == []
        entry = desk.journal.get(step)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert desk.results.get(upload.id).state is UploadState.CANCELLED  # type: ignore[union-attr]

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_retried_upload_reuses_its_step(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = report(tmp_path)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        desk.journal.begin(order.id, UploadStep(upload_id=upload.id))
        desk.results.start_sending(upload.id, order.id, None)  # as the step marks it
        await desk.session.sr.upload_attachment(order.id, result_id, path)  # answer lost
        # The coordinator starts the file again before the resumer gets to it.
        await run_upload(desk, upload)
        assert len(await desk.session.sr.list_attachments(order.id, result_id)) == 1
        uploads = [e for e in desk.journal.entries(order.id) if e.action is StepKind.UPLOAD]
        assert len(uploads) == 1

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


@pytest.mark.parametrize(
    "pending",
    [
        CreateResultStep(result=RESULT),
        CompleteStep(flow=ResultFlow.FAQ, result=RESULT),
    ],
    ids=["create-result", "complete"],
)
def test_completing_again_while_a_complete_is_pending_is_refused(
    sandbox: SandboxServer, tmp_path: Path, pending: CompleteStep | CreateResultStep
) -> None:
    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        desk.journal.begin(order.id, pending)
        with pytest.raises(ActionNotAllowedError, match="already under way"):
            await complete_order(desk, order, RESULT, flow=ResultFlow.DOCUMENTED)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_step_finished_meanwhile_is_not_executed_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from app.workflows.steps import execute

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body())
        step = desk.journal.begin(order.id, CommentStep(message="Once"))
        stale = desk.journal.get(step)
        assert stale is not None
        desk.journal.finish(step, CommentAdded(message="Once"))
        # Not sent again: the outcome it was recorded with is the answer.
        assert await execute(desk, stale, retry=False) == CommentAdded(message="Once")
        assert await desk.session.sr.list_comments(order.id) == []

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


# -- the documented flow stopped between its two calls --------------------------------------


class ResultsEchoedAsTidied(RealNetwork):
    """SmartRecruiters' transport, its results (made or listed) given back without the
    ``result`` it ignores for a document and with a description it tidied (a <br> of its
    own): answers the sandbox does not give, and the reference does not rule out."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = await self.inner.handle_async_request(request)
        path = request.url.path
        if not path.endswith("/results") or answer.status_code >= 300:
            return answer
        data = json.loads(await answer.aread())

        def tidied(result: dict[str, Any]) -> dict[str, Any]:
            kept = {key: value for key, value in result.items() if key != "result"}
            return {**kept, "description": f"{result.get('description') or ''}<br>"}

        if isinstance(data, dict) and "content" in data:
            data = {**data, "content": [tidied(r) for r in data["content"]]}
        else:
            data = tidied(data)
        return httpx.Response(answer.status_code, json=data, request=request)


def test_a_result_echoed_as_tidied_keeps_its_id_and_is_found_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The documented flow's create answers with the result's id, the only place it is given:
    an answer the model would not read lost it, and a retry could not read the order's
    results to find it again (each round failed: the report never went, the order was never
    completed)."""

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        made = await complete_order(desk, order, RESULT, flow=ResultFlow.DOCUMENTED)
        assert made == desk.results.result_id_for(order.id)
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
        # A create whose answer was lost: the retry finds the result among the order's.
        second = await in_progress(desk)
        desk.journal.begin(second.id, CreateResultStep(result=RESULT))
        lost = await desk.session.sr.create_result(second.id, RESULT)  # ... and the crash
        resumed = await resume_pending(desk)
        assert resumed.settled
        assert desk.results.result_id_for(second.id) == lost.id
        (listed,) = await desk.session.sr.list_results(second.id)  # not a second one
        assert listed.id == lost.id
        assert (await desk.session.sr.get_order(second.id)).status is OrderStatus.COMPLETED

    transport = ResultsEchoedAsTidied()
    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, transport=transport)


def test_a_result_made_before_a_stop_completes_its_order_on_resume(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The desk made the result and stopped before it began the completion: the next resume
    completes the order with that result (before: in progress with a result for good, and
    the Complete dialog refused, pointing at a failed step there was not)."""

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        await run_step(desk, order.id, CreateResultStep(result=RESULT, message="Done"))
        # ... and the desk stopped here.
        resumed = await resume_pending(desk)
        assert resumed.settled
        assert len(resumed.done) == 1
        now = await desk.session.sr.get_order(order.id)
        assert now.status is OrderStatus.COMPLETED
        (made,) = await desk.session.sr.list_results(order.id)
        assert made.id == desk.results.result_id_for(order.id)
        # Once: the next rounds find nothing left to complete.
        assert (await resume_pending(desk)).done == []
        kinds = [e.action for e in desk.journal.entries(order.id)]
        assert kinds.count(StepKind.COMPLETE) == 1

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_result_made_after_a_failed_complete_still_completes_its_order_on_resume(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A result is left open when no completion was begun *after* it: an earlier Complete
    that failed does not count. Counted, the order whose first Complete was refused, then
    completed by the documented flow with the desk stopping between its two calls, was hidden
    from the resumer: in progress, with a result in SmartRecruiters, for good."""

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        refused = desk.journal.begin(order.id, CompleteStep(flow=ResultFlow.FAQ, result=RESULT))
        desk.journal.fail(refused, "SmartRecruiters: refused.")
        await run_step(desk, order.id, CreateResultStep(result=RESULT, message="Done"))
        # ... and the desk stopped here.
        resumed = await resume_pending(desk)
        assert len(resumed.done) == 1
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
        (made,) = await desk.session.sr.list_results(order.id)
        assert made.id == desk.results.result_id_for(order.id)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_resuming_leaves_an_order_being_completed_to_the_coordinator(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        await run_step(desk, order.id, CreateResultStep(result=RESULT))
        keys = [action_key(OrderAction.DELIVER, order.id)]  # a Deliver is under way
        assert desk.claim_all(keys)
        assert (await resume_pending(desk)).done == []
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.IN_PROGRESS
        desk.release(keys[0])
        assert len((await resume_pending(desk)).done) == 1

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_result_left_open_on_an_order_completed_elsewhere_is_left_alone(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        await run_step(desk, order.id, CreateResultStep(result=RESULT))
        cached = desk.orders.get(order.id)
        assert cached is not None
        desk.orders.put(cached.model_copy(update={"status": OrderStatus.COMPLETED}))
        assert (await resume_pending(desk)).done == []
        assert not desk.journal.has_step(order.id, [StepKind.COMPLETE], StepState.PENDING)
        assert [e.action for e in desk.journal.entries(order.id)].count(StepKind.COMPLETE) == 0

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class AttachRefusedOnce(RealNetwork):
    """SmartRecruiters refuses the first file sent (a 400), before any of it is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.method == "POST" and request.url.path.endswith("/attachments"):
            self.armed = False
            body = {"httpCode": 400, "code": "BAD_REQUEST", "message": "Not now."}
            return httpx.Response(400, json=body)
        return await self.inner.handle_async_request(request)


@pytest.mark.parametrize("stopped", [False, True], ids=["retried", "retried-then-stopped"])
def test_a_retried_upload_never_takes_a_file_attached_between_its_tries_for_its_own(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stopped: bool
) -> None:
    """Monday's try was refused before the file went; on Tuesday a recruiter attached a file
    of the same name; Wednesday's Retry was cut off (the app stopped while it sent), and the
    resumer looked for a copy since Monday: the recruiter's file was taken for this one, which
    was never sent."""

    import app.store.results

    path = report(tmp_path)
    (tmp_path / "theirs").mkdir()
    recruiters = report(tmp_path / "theirs", size=5_000)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        with pytest.raises(ApiError):
            await run_upload(desk, upload)  # Monday: refused
        monday = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="milliseconds")
        with desk.db.transaction() as conn:
            conn.execute("UPDATE uploads SET sending_since = ? WHERE id = ?", (monday, upload.id))
        theirs = await desk.session.sr.upload_attachment(order.id, result_id, recruiters)
        wednesday = (datetime.now(UTC) + timedelta(hours=1)).isoformat(timespec="milliseconds")
        monkeypatch.setattr(app.store.results, "utc_now", lambda: wednesday)
        (step,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.UPLOAD]
        if stopped:  # Retry's try began, and the app stopped while it sent
            assert desk.results.requeue_if_free(upload.id, order.id) is not None
            desk.journal.reopen(step.id)
            assert desk.results.start_sending(upload.id, order.id, None) is not None
            await resume_pending(desk)
        else:
            await retry_step(desk, step.id)
        attachments = await desk.session.sr.list_attachments(order.id, result_id)
        assert [a.file_name for a in attachments] == ["report.pdf", "report.pdf"]
        sent = desk.results.get(upload.id)
        assert sent is not None
        assert sent.state is UploadState.DONE
        assert sent.attachment_id not in (None, theirs.id)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, AttachRefusedOnce())


class ServiceClockBehind(RealNetwork):
    """SmartRecruiters as if its clock were an hour behind this machine's (or this machine set
    an hour fast): its answers' ``Date`` and its attachments' dates say so."""

    BEHIND = timedelta(hours=1)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        from email.utils import format_datetime

        response = await self.inner.handle_async_request(request)
        await response.aread()
        text = response.text
        if request.method == "GET" and request.url.path.endswith("/attachments"):
            text = re.sub(r'"createDate":\s*"([^"]+)"', self._earlier, text)
        headers = dict(response.headers)
        headers.pop("content-length", None)
        headers["date"] = format_datetime(datetime.now(UTC) - self.BEHIND, usegmt=True)
        return httpx.Response(response.status_code, headers=headers, text=text)

    def _earlier(self, found: re.Match[str]) -> str:
        when = datetime.strptime(found.group(1), "%Y-%m-%dT%H:%M:%S.%f%z") - self.BEHIND
        return f'"createDate": "{format_sr_timestamp(when)}"'


def test_a_file_that_reached_a_service_whose_clock_is_behind_is_found_there(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The service dates its copy on its clock, the desk looks since its own: a machine an hour
    fast found no copy dated since the file went (less five minutes), and sent it again."""
    path = report(tmp_path)

    async def body(desk: Desk) -> None:
        order_id, result_id, _upload_id = await reached_the_service_unanswered(desk, path)
        assert abs(desk.session.sr.clock_offset + ServiceClockBehind.BEHIND) < timedelta(seconds=5)
        resumed = await resume_pending(desk)
        assert resumed.done
        assert len(await desk.session.sr.list_attachments(order_id, result_id)) == 1

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, ServiceClockBehind())


class MachineClockOff(FailsOnce):
    """This machine's clock ``off`` from SmartRecruiters' (ahead when positive; set to zero
    when NTP puts it right), as the desk meets it: the service's answers are dated (``Date``)
    that much behind it, and the desk's uploads on it. The next upload once ``left`` is 1
    reaches the service, and its answer is lost (a 503). An attachment in ``dated_earlier``
    the service dated that much before it came (a recruiter's, attached earlier)."""

    def __init__(self, off: timedelta, monkeypatch: pytest.MonkeyPatch) -> None:
        import app.store.results

        super().__init__("/attachments", 503, carried_out=True)
        self.left = 0
        self.off = off
        self.dated_earlier: dict[str, timedelta] = {}
        monkeypatch.setattr(app.store.results, "utc_now", self.machine_now)

    def machine_now(self) -> str:
        return (datetime.now(UTC) + self.off).isoformat(timespec="milliseconds")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        from email.utils import format_datetime

        response = await super().handle_async_request(request)
        await response.aread()
        body = response.content
        if request.method == "GET" and request.url.path.endswith("/attachments"):
            listing = json.loads(body)
            for attachment in listing["content"]:
                if earlier := self.dated_earlier.get(attachment["id"]):
                    when = datetime.strptime(attachment["createDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
                    attachment["createDate"] = format_sr_timestamp(when - earlier)
            body = json.dumps(listing).encode()
        headers = dict(response.headers)
        headers.pop("content-length", None)
        headers["date"] = format_datetime(datetime.now(UTC) - self.off, usegmt=True)
        return httpx.Response(response.status_code, headers=headers, content=body)


def test_a_file_sent_while_the_clock_was_fast_is_not_sent_again_once_it_is_right(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The try's start was kept on this machine's clock as it was (an hour fast), and the
    resume shifted it by SmartRecruiters' clock offset as it is now (none: the clock was put
    right meanwhile): the copy the service dated an hour "before" was not found, and the file
    was attached twice."""
    path = report(tmp_path)
    clock = MachineClockOff(timedelta(hours=1), monkeypatch)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        (upload,), _ = await queue_files(desk, order, [path])
        clock.left = 1
        with pytest.raises(ApiError):
            await run_upload(desk, upload)  # it reached the service; its answer was lost
        clock.off = timedelta(0)  # NTP, after the laptop slept
        assert (await resume_pending(desk)).done
        attachments = await desk.session.sr.list_attachments(order.id, result_id)
        assert [a.file_name for a in attachments] == ["report.pdf"], "attached twice"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, clock)


def test_a_file_sent_while_the_clock_was_slow_is_found_and_an_older_one_is_not(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reverse: kept an hour slow and shifted by no offset, the try's start reached back
    an hour before it went, and a recruiter's file of that name attached half an hour before
    was taken for this one's copy."""
    path = report(tmp_path)
    (tmp_path / "theirs").mkdir()
    recruiters = report(tmp_path / "theirs", size=5_000)
    clock = MachineClockOff(-timedelta(hours=1), monkeypatch)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        result_id = await complete_order(desk, order, RESULT)
        theirs = await desk.session.sr.upload_attachment(order.id, result_id, recruiters)
        assert theirs.id is not None
        clock.dated_earlier[theirs.id] = timedelta(minutes=30)
        (upload,), _ = await queue_files(desk, order, [path])
        clock.left = 1
        with pytest.raises(ApiError):
            await run_upload(desk, upload)  # it reached the service; its answer was lost
        clock.off = timedelta(0)
        assert (await resume_pending(desk)).done
        attachments = await desk.session.sr.list_attachments(order.id, result_id)
        assert [a.file_name for a in attachments] == ["report.pdf", "report.pdf"]
        sent = desk.results.get(upload.id)
        assert sent is not None
        assert sent.state is UploadState.DONE
        assert sent.attachment_id not in (None, theirs.id), "a recruiter's file taken for ours"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, clock)


# -- after a restart: what the resumer sends, under whose name, and what it says ---------------


class Unavailable(RealNetwork):
    """SmartRecruiters answers every POST to a path ending with one of ``suffixes`` with a
    503 (nothing done): those steps wait for the resumer."""

    def __init__(self, *suffixes: str) -> None:
        super().__init__()
        self.suffixes = suffixes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith(self.suffixes):
            return httpx.Response(503, json={"message": "Busy."}, request=request)
        return await self.inner.handle_async_request(request)


def authors_sent(transport: RecordingTransport, suffix: str) -> list[Any]:
    """The ``author`` of each POST SmartRecruiters got on a path ending with ``suffix``."""
    return [
        json.loads(body).get("author")
        for request, body in zip(transport.requests, transport.bodies, strict=True)
        if request.method == "POST" and request.url.path.endswith(suffix)
    ]


ADA = ContactPerson(first_name="Ada", last_name="Early")
BEN = ContactPerson(first_name="Ben", last_name="Later")


def test_a_resumed_step_goes_under_the_author_it_was_asked_under(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A reject, a comment and a documented completion waited (a 503), and a result was made
    with the desk stopped before its completion began; the desk then started again under
    another result author (the setting changed). Before: each went out under the new name,
    and the recruiter saw Ben reject and complete what Ada did."""
    path = tmp_path / "desk.sqlite3"

    async def asked(desk: Desk) -> list[str]:
        sr = desk.session.sr
        rejected = await sr.create_test_order(new_order_body(first="Rea"))
        commented = await sr.create_test_order(new_order_body(first="Cai"))
        with pytest.raises(ApiError):
            await reject_order(desk, rejected, reason="Withdrew")
        with pytest.raises(ApiError):
            await add_comment(desk, commented, "Called the candidate")
        completed = await in_progress(desk)
        with pytest.raises(ApiError):
            await complete_order(desk, completed, RESULT, flow=ResultFlow.DOCUMENTED)
        left_open = await in_progress(desk)
        await run_step(desk, left_open.id, CreateResultStep(result=RESULT))
        return [rejected.id, commented.id, completed.id, left_open.id]

    rejecting = Unavailable("/reject", "/comments", "/complete")
    orders = run_with_desk(sandbox, path, asked, rejecting, author=ADA)
    sent = RecordingTransport()

    async def restarted(desk: Desk) -> None:
        report = await resume_pending(desk)
        assert len(report.done) == 4
        assert report.settled
        assert not report.failed
        news = resume_news(report, at_start=True)
        assert news == ResumeNews("From before: 4 steps sent")
        for order_id in orders:
            assert desk.journal.entries(order_id)[-1].state is StepState.DONE

    run_with_desk(sandbox, path, restarted, sent, author=BEN)
    ada = ADA.to_body()
    assert authors_sent(sent, "/reject") == [ada]
    assert authors_sent(sent, "/comments") == [ada]
    assert authors_sent(sent, "/complete") == [ada, ada]  # the waiting one, the one left open


def test_a_step_an_older_desk_left_waiting_goes_under_the_author_now(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A step journaled before the author was recorded with it: sent as the desk's author
    (as it always was), not without one."""
    path = tmp_path / "desk.sqlite3"

    async def asked(desk: Desk) -> str:
        order = await desk.session.sr.create_test_order(new_order_body())
        desk.journal.begin(order.id, CommentStep(message="Called the candidate"))
        return order.id

    order_id = run_with_desk(sandbox, path, asked, author=ADA)
    sent = RecordingTransport()

    async def restarted(desk: Desk) -> None:
        (entry,) = desk.journal.entries(order_id)
        assert isinstance(entry.step, CommentStep)
        assert entry.step.author is None
        assert (await resume_pending(desk)).done == [entry.id]

    run_with_desk(sandbox, path, restarted, sent, author=BEN)
    assert authors_sent(sent, "/comments") == [BEN.to_body()]


def test_what_a_restarted_desk_sent_and_could_not_send_is_said(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two rejects waited when the desk stopped; after the restart SmartRecruiters refuses one
    for good (403). The pass's words say what went and what did not, and where to look."""
    path = tmp_path / "desk.sqlite3"

    async def asked(desk: Desk) -> tuple[str, str]:
        sr = desk.session.sr
        goes = await sr.create_test_order(new_order_body(first="Una", last="Goes"))
        taken = await sr.create_test_order(new_order_body(first="Ivo", last="Refused"))
        for order in (goes, taken):
            with pytest.raises(ApiError):
                await reject_order(desk, order, reason="Withdrew")
        return goes.id, taken.id

    goes, taken = run_with_desk(sandbox, path, asked, Unavailable("/reject"))

    async def restarted(desk: Desk) -> None:
        report = await resume_pending(desk)
        names = {goes: "Una Goes", taken: "Ivo Refused"}
        news = resume_news(report, at_start=True, name_of=names.get)
        said = "From before: 1 step sent; 1 could not be (Ivo Refused)"
        assert news == ResumeNews(said, failed=1)
        # The next pass finds nothing waiting: it says nothing.
        assert resume_news(await resume_pending(desk), at_start=False) is None

    run_with_desk(sandbox, path, restarted, FailsOnce(f"{taken}/reject", 403, FORBIDDEN))


@pytest.mark.skipif(os.name != "posix", reason="byte file names are a POSIX matter")
def test_a_moved_report_in_a_legacy_named_folder_fails_with_its_reason(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A report in a folder named in a legacy code page, queued, then moved before it went:
    the refusal's words named the folder, undecodable bytes and all, which SQLite could not
    write (UnicodeEncodeError). The file stayed queued, each resumer pass and Retry meeting
    the same crash, and its reason was never said."""
    folder = os.fsencode(tmp_path) + b"/Raporlar_I\x9f\x8dk"
    try:
        os.mkdir(folder)
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    raw = folder + b"/rapor.pdf"
    with open(raw, "wb") as handle:
        handle.write(b"%PDF-1.4\n" + b"x" * 5_000)

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        await complete_order(desk, order, RESULT)
        (queued,), refused = await queue_files(desk, order, [Path(os.fsdecode(raw))])
        assert refused == []
        os.remove(raw)  # moved away by the coordinator before it went
        try:
            await run_upload(desk, queued)
        except UnicodeEncodeError as exc:  # what happens now
            pytest.fail(f"the refusal could not be written: {exc}")
        except Exception:  # noqa: BLE001 - a refusal raised is fine, its record is checked
            pass
        upload = desk.results.get(queued.id)
        assert upload is not None
        assert upload.state is UploadState.FAILED
        assert "rapor.pdf is no longer in" in (upload.message or "")
        assert "Raporlar_I\ufffd\ufffdk" in (upload.message or "")  # as file managers show it

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
