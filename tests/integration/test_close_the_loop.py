"""Closing the loop against the sandbox: an invited candidate finishes, the desk sees it
(stored), delivers the result with the report attached, and resumes a delivery cut short
without a second result or attachment; a second order of the same candidate reuses the
assessment; an order ended elsewhere can have its assessment deleted in Berke."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from app.clients.errors import ApiError, NetworkError, Service
from app.domain.attachments import DEFAULT_MAX_BYTES, UploadState
from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_results import CompletedAssessment, FitLevel, JobFit
from app.domain.journal import (
    AssessmentDeleted,
    CompleteStep,
    CreateResultStep,
    ReuseAssessmentStep,
)
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, OrderStatus, ResultType
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.store.berke_watch import BerkeWatchStore
from app.workflows.board import BoardOptions, OrderBoard, Reusable
from app.workflows.delivery import DeliveryPlan, deliver, plan_delivery
from app.workflows.desk import Desk
from app.workflows.order_actions import OTHER_INVITE_WAITING, send_invitation
from app.workflows.outbox import resume_pending
from app.workflows.refusals import (
    ActionNotAllowedError,
    NothingToDeliverError,
    StepDeferredError,
    StepRefusedError,
)
from app.workflows.results import queue_files
from app.workflows.steps import run_step
from app.workflows.watch import watch_berke
from tests.integration.helpers import (
    FailsOnce,
    LosesAnAnswer,
    RealNetwork,
    UnknownIdInOtherWords,
    finish_in_sandbox,
    invitations_berke_sent,
    new_order_body,
    sandbox_answering,
    unpaced,
)
from tests.integration.test_workflows import run_with_desk
from tests.zones import living_in

T = TypeVar("T")


@pytest.fixture(scope="module")
def loop_sandbox() -> Any:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


def results_of(server: SandboxServer, order_id: str) -> list[dict[str, Any]]:
    with httpx.Client(headers={"X-SmartToken": DEMO_SR_KEY}) as client:
        found = client.get(f"{server.sr_base_url}/assessments/{order_id}/results").json()
        listed = []
        for result in found["content"]:
            attached = client.get(
                f"{server.sr_base_url}/assessments/{order_id}/results/{result['id']}/attachments"
            ).json()["content"]
            listed.append({**result, "files": [a["fileName"] for a in attached]})
        return listed


async def two_orders_on_one_assessment(
    board: OrderBoard, desk: Desk, first_name: str
) -> tuple[str, str]:
    """A candidate's two orders, both accepted, the second reusing the first's Berke
    assessment (invited, and seen open in Berke): their ids."""
    email = f"{first_name.lower()}@example.com"
    first = await invited_order(board, desk, first_name, email)
    second = await desk.session.sr.create_test_order(
        new_order_body(first=first_name, last="Sandoval", email=email)
    )
    await board.sync()
    await board.reuse(second.id, first)
    await board.accept(second.id)
    await board.watch()  # Berke's side seen: the assessment is open
    return first, second.id


def with_board(
    server: SandboxServer,
    path: Path,
    body: Callable[[OrderBoard, Desk], Awaitable[T]],
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    berke_transport: httpx.AsyncBaseTransport | None = None,
) -> T:
    async def run(desk: Desk) -> T:
        board = OrderBoard(desk)
        await board.load()
        try:
            return await body(board, desk)
        finally:
            await board.stop()

    return run_with_desk(
        server, path, run, transport, berke_pacer=unpaced(), berke_transport=berke_transport
    )


class FailCreatingResultsOnce(RealNetwork):
    """SmartRecruiters' transport, whose first POST .../results gets ``status``: a fault the
    sandbox does not make on its own."""

    def __init__(self, status: int) -> None:
        super().__init__()
        self.status = status

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.status and request.method == "POST" and request.url.path.endswith("/results"):
            status, self.status = self.status, 0
            body = {"code": "REFUSED", "message": "Not now, please."}
            return httpx.Response(status, json=body, request=request)
        return await self.inner.handle_async_request(request)


async def invited_order(board: OrderBoard, desk: Desk, first: str, email: str) -> str:
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last="Sandoval", email=email)
    )
    await board.sync()
    request = CreateAssessmentRequest(first_name=first, last_name="Sandoval", email_address=email)
    await board.create_assessment(order.id, request)
    await board.accept(order.id)
    await board.invite(order.id)
    return order.id


async def withdrawn_order(
    board: OrderBoard, desk: Desk, first: str, email: str
) -> tuple[str, LinkedAssessment]:
    """An invited order, watched, then rejected ("The candidate withdrew."), and its link:
    its Berke assessment is open, for Delete in Berke."""
    order_id = await invited_order(board, desk, first, email)
    await board.watch()
    await board.reject([order_id], reason="The candidate withdrew.")
    link = board.link(order_id)
    assert link is not None
    return order_id, link


async def finished(board: OrderBoard, server: SandboxServer, order_id: str) -> None:
    """The order's candidate finishes the Berke assessment, and the board sees it."""
    link = board.link(order_id)
    assert link is not None
    finish_in_sandbox(server, link.invitation_code)
    await board.watch()


async def finished_order(
    board: OrderBoard, desk: Desk, server: SandboxServer, first: str, email: str
) -> AssessmentOrder:
    """An invited candidate who has finished the Berke assessment, seen by the board."""
    order_id = await invited_order(board, desk, first, email)
    await finished(board, server, order_id)
    order = board.order(order_id)
    assert order is not None
    return order


def test_an_invited_candidate_finishes_and_the_result_is_delivered(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> str:
        order_id = await invited_order(board, desk, "Nadia", "nadia@example.com")
        watched = await board.watch()
        assert board.state(order_id).berke_progress is BerkeProgress.NOT_STARTED
        assert watched.status_calls >= 1
        assert board.why_not(OrderAction.DELIVER, [order_id]) is not None
        link = board.link(order_id)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        watched = await board.watch()
        assert link.source_candidate_id in watched.completed
        state = board.state(order_id)
        assert state.berke_progress is BerkeProgress.COMPLETE
        assert [f.kind for f in board.flags(order_id)] == [Attention.DELIVER]
        # No reminder for an assessment already done (the board's rule, not only the button).
        with pytest.raises(ActionNotAllowedError, match="already completed"):
            await board.remind(order_id, override_cooldown=True)
        plan = await board.preview_delivery(order_id)
        assert plan.report.read_bytes().startswith(b"%PDF-")
        assert plan.result.result_type is ResultType.DOCUMENT
        assert "fit (" in (plan.result.score or "")
        await board.deliver(order_id, plan)
        await board.wait_uploads()
        order = board.order(order_id)
        assert order is not None
        assert order.status is OrderStatus.COMPLETED
        assert board.flags(order_id) == []
        return order_id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    (result,) = results_of(loop_sandbox, order_id)
    assert result["resultType"] == "DOCUMENT"
    assert len(result["files"]) == 1
    assert result["files"][0].endswith(".pdf")

    async def after_restart(board: OrderBoard, desk: Desk) -> None:
        # Stored, not recomputed: complete is known at once, and never asked about again.
        state = board.state(order_id)
        assert state.berke_progress is BerkeProgress.COMPLETE
        watched = await board.watch()
        assert watched.status_calls == 0

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", after_restart)


def test_a_delivery_cut_short_resumes_without_a_second_result_or_file(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> str:
        order = await finished_order(board, desk, loop_sandbox, "Iker", "iker@example.com")
        order_id = order.id
        plan = await plan_delivery(desk, order)
        # The crash: the report was queued and the complete step journaled, nothing sent.
        from app.workflows.results import queue_files

        await queue_files(desk, order, [plan.report])
        desk.journal.begin(order_id, CompleteStep(result=plan.result))
        report = await resume_pending(desk)  # what the next start does
        assert report.settled
        # And the coordinator presses Deliver again: nothing is done twice.
        await deliver(desk, order, plan, max_bytes=DEFAULT_MAX_BYTES)
        await resume_pending(desk)
        return order_id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    results = results_of(loop_sandbox, order_id)
    assert len(results) == 1
    assert len(results[0]["files"]) == 1


class ResultIdOnlyInTheAnswer(FailsOnce):
    """SmartRecruiters' transport as its FAQ has it: the first complete is carried out and
    its answer (the only place with the resultId) lost to a gateway's 502, and the order's
    results are listed without their ids."""

    def __init__(self) -> None:
        super().__init__("/complete", 502, {"message": "gateway"}, carried_out=True)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method != "GET" or not request.url.path.endswith("/results"):
            return response
        await response.aread()
        body = response.json()
        for result in body.get("content", []):
            result.pop("id", None)
        return httpx.Response(response.status_code, json=body, request=request)


def test_a_delivery_whose_result_id_was_lost_is_not_said_to_be_someone_elses(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The resumed complete found the order completed and no id in GET .../results (the FAQ:
    the resultId is only in the lost answer); sent again, it was refused, and the step said
    the order "was already completed elsewhere (another desk or coordinator)", and the
    Deliver's report "Not sent ... drop it on the order again to attach it to that one",
    though the completion, and its verdict, were this desk's own."""

    async def body(board: OrderBoard, desk: Desk) -> str:
        order = await finished_order(board, desk, loop_sandbox, "Maja", "maja@example.com")
        plan = await plan_delivery(desk, order)
        with pytest.raises(ApiError):
            await deliver(desk, order, plan, max_bytes=DEFAULT_MAX_BYTES)  # went; answer lost
        await resume_pending(desk)
        (complete,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.COMPLETE]
        said = (
            "The order is already completed, most likely by this desk's earlier try whose "
            "answer was lost. That result's id cannot be read back (SmartRecruiters gives it "
            "only in that answer), so no file can be attached to it from this desk: attach the "
            "report in SmartRecruiters by hand, or send it to the recruiter."
        )
        assert (complete.state, complete.message) == (
            StepState.FAILED, f"SmartRecruiters: {said}",
        )  # fmt: skip
        (report,) = desk.results.for_order(order.id)
        assert (report.state, report.message) == (UploadState.FAILED, f"Not sent: {said}")
        shown = desk.orders.get(order.id)
        assert shown is not None
        assert shown.status is OrderStatus.COMPLETED  # Deliver is not offered again
        await resume_pending(desk)  # and nothing is sent a round later either
        return order.id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, ResultIdOnlyInTheAnswer())
    (result,) = results_of(loop_sandbox, order_id)
    assert result["files"] == []


async def _stranded_report_and_another_tools_result(
    desk: Desk, order: AssessmentOrder, plan: DeliveryPlan
) -> None:
    """Deliver's first half (its report queued), then a stop before its completion was
    journaled; meanwhile another tool completes the order with a result of its own."""
    from app.domain.smartrecruiters import AssessmentResult
    from app.workflows.results import queue_files

    await queue_files(desk, order, [plan.report])
    other = AssessmentResult(result_type=ResultType.DOCUMENT, result="x.pdf", title="Other")
    await desk.session.sr.complete_with_result(order.id, other)


def test_a_report_queued_by_a_delivery_cut_short_never_goes_to_another_tools_result(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The report was this desk's verdict's, whose result was never made: the resumer took
    the other tool's newest result for the order's and sent the Berke report there. It fails
    in the words a Deliver refused as completed elsewhere uses."""

    async def body(board: OrderBoard, desk: Desk) -> str:
        order = await finished_order(board, desk, loop_sandbox, "Ines", "ines@example.com")
        plan = await plan_delivery(desk, order)
        await _stranded_report_and_another_tools_result(desk, order, plan)
        await board.sync()
        await resume_pending(desk)  # the next start
        (upload,) = desk.results.for_order(order.id)
        assert upload.state is UploadState.FAILED
        assert "already completed elsewhere" in (upload.message or "")
        assert (await resume_pending(desk)).waiting == []  # nothing left queued for ever
        return order.id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    (theirs,) = results_of(loop_sandbox, order_id)
    assert theirs["files"] == []


def test_a_drop_on_such_an_order_takes_its_result_without_the_stranded_report(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A file the coordinator drops on the order goes to the other tool's result (the one
    it has); adopting that result handed it the stranded Berke report too, which went with
    the drop."""
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4\n" + b"n" * 1000)

    async def body(board: OrderBoard, desk: Desk) -> str:
        order = await finished_order(board, desk, loop_sandbox, "Joao", "joao@example.com")
        plan = await plan_delivery(desk, order)
        await _stranded_report_and_another_tools_result(desk, order, plan)
        await board.sync()
        await board.attach_files(order.id, [notes])
        await board.wait_uploads()
        states = {u.file_name: u.state for u in desk.results.for_order(order.id)}
        assert states == {plan.report_name: UploadState.FAILED, "notes.pdf": UploadState.DONE}
        return order.id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    (theirs,) = results_of(loop_sandbox, order_id)
    assert theirs["files"] == ["notes.pdf"]


@pytest.mark.parametrize("status", [503, 400], ids=["resumed", "retried"])
def test_a_documented_result_made_late_is_followed_by_the_completion(
    loop_sandbox: SandboxServer, tmp_path: Path, status: int
) -> None:
    """Documented flow: creating the result fails once, transiently (the resumer makes it
    later) or for good (the coordinator's Retry does). Either way the order is completed with
    it afterwards, not left in progress with a result for ever."""

    async def body(board: OrderBoard, desk: Desk) -> str:
        board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
        order = await finished_order(board, desk, loop_sandbox, "Raul", f"raul{status}@example.com")
        order_id = order.id
        with pytest.raises(ApiError, match="Not now"):
            await board.deliver(order_id)
        (create,) = [
            e for e in desk.journal.entries(order_id) if e.action is StepKind.CREATE_RESULT
        ]
        if status == 503:
            assert create.state is StepState.PENDING
            assert (await resume_pending(desk)).settled  # what the board does now and then
        else:
            assert create.state is StepState.FAILED
            await board.retry_step(create.id)
            await resume_pending(desk)  # the queued report goes to the result
        await board.sync()
        now = board.order(order_id)
        assert now is not None
        assert now.status is OrderStatus.COMPLETED
        return order_id

    transport = FailCreatingResultsOnce(status)
    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, transport)
    (result,) = results_of(loop_sandbox, order_id)
    assert len(result["files"]) == 1


def test_deliver_completes_an_order_whose_result_was_made_but_not_completed(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A journal from before the fix above: the documented flow's result made, its completion
    never begun. Deliver completes the order with that result, not a second one."""

    async def body(board: OrderBoard, desk: Desk) -> str:
        board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
        order = await finished_order(board, desk, loop_sandbox, "Ines", "ines@example.com")
        order_id = order.id
        plan = await board.preview_delivery(order_id)
        await run_step(desk, order_id, CreateResultStep(result=plan.result))
        await board.refresh([order_id])
        # Not delivered yet: the flag stays, and Deliver is offered.
        assert [f.kind for f in board.flags(order_id)] == [Attention.DELIVER]
        await board.deliver(order_id, plan)
        await board.wait_uploads()
        now = board.order(order_id)
        assert now is not None
        assert now.status is OrderStatus.COMPLETED
        assert board.flags(order_id) == []
        return order_id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    (result,) = results_of(loop_sandbox, order_id)
    assert len(result["files"]) == 1


def test_the_preview_shows_the_result_made_earlier_that_completes_the_order(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The documented flow's result made, its completion not (refused): the pass level or
    Berke's answer changed since, the preview showed the result built now ("Not passed"),
    and the order was completed with the one made earlier ("Passed"). The recruiter saw
    another verdict than the coordinator had."""

    async def body(board: OrderBoard, desk: Desk) -> str:
        board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
        order = await finished_order(board, desk, loop_sandbox, "Pia", "pia@example.com")
        order_id = order.id
        fresh = await board.preview_delivery(order_id)
        assert not fresh.made_earlier
        # Made earlier, on another day's terms: a verdict the plan built now would not give.
        earlier = fresh.result.model_copy(
            update={"title": "Made earlier", "passed": not fresh.result.passed}
        )
        await run_step(desk, order_id, CreateResultStep(result=earlier))
        shown = await board.preview_delivery(order_id)
        assert shown.made_earlier
        assert shown.result == earlier
        await board.deliver(order_id, shown)
        await board.wait_uploads()
        return order_id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    (result,) = results_of(loop_sandbox, order_id)
    assert result["title"] == "Made earlier"


def test_a_refused_delivery_queues_no_report(loop_sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await finished_order(board, desk, loop_sandbox, "Vera", "vera@example.com")
        order_id = order.id
        plan = await plan_delivery(desk, order)
        # The coordinator's own completion is under way (its answer was lost, say).
        desk.journal.begin(order_id, CompleteStep(result=plan.result))
        with pytest.raises(ActionNotAllowedError, match="already under way"):
            await deliver(desk, order, plan, max_bytes=DEFAULT_MAX_BYTES)
        # Before: the report was queued first, and went to the coordinator's result.
        assert desk.results.for_order(order_id) == []

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_delivered_report_keeps_to_the_profiles_upload_limit(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await finished_order(board, desk, loop_sandbox, "Lumi", "lumi@example.com")
        order_id = order.id
        plan = await board.preview_delivery(order_id)
        # Before: Deliver checked the report against the built-in 20 MB, whatever the
        # profile said (a file dropped on the order kept to the profile's limit).
        board.set_options(BoardOptions(max_upload_bytes=plan.report_size - 1))
        with pytest.raises(ActionNotAllowedError, match="change it in the settings"):
            await board.deliver(order_id, plan)
        # Nor is it previewed with a Send that would be refused: said at once.
        with pytest.raises(ActionNotAllowedError, match="change it in the settings"):
            await board.preview_delivery(order_id)
        assert desk.results.for_order(order_id) == []
        now = board.order(order_id)
        assert now is not None
        assert now.status is OrderStatus.IN_PROGRESS

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_fit_missing_from_the_stored_answer_is_asked_of_berke_again(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke computes the fit for a job added after the assessment was completed; the answer
    stored here then has none for it (a second order, for the new job). Delivery asks again
    rather than give the primary job's fit."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_body = new_order_body(first="Nell", last="Sandoval", email="nell@example.com")
        order_body["job"] = {"name": "Registered Nurse"}
        order = await desk.session.sr.create_test_order(order_body)
        await board.sync()
        request = CreateAssessmentRequest(
            first_name="Nell", last_name="Sandoval", email_address="nell@example.com"
        )
        await board.create_assessment(order.id, request)
        await board.accept(order.id)
        await board.invite(order.id)
        link = board.link(order.id)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        await board.watch()
        stored = desk.berke_watch.completed(link.source_candidate_id)
        assert stored is not None
        before_the_job = stored.model_copy(
            update={"job_fits": tuple(f for f in stored.job_fits if f.job != "Registered Nurse")}
        )
        desk.berke_watch.record(
            link.source_candidate_id, BerkeProgress.COMPLETE, completed=before_the_job
        )
        plan = await board.preview_delivery(order.id)
        assert plan.fit is not None
        assert plan.fit.job == "Registered Nurse"  # before: the primary job's fit
        again = desk.berke_watch.completed(link.source_candidate_id)
        assert again is not None
        assert any(f.job == "Registered Nurse" for f in again.job_fits)

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_stored_fit_without_a_score_is_asked_of_berke_again(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke answered before the fit was computed, or an older version stored a missing
    score (as 0 %, now read as none): delivery asks Berke again rather than refuse, and
    keeps the new answer."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Olga", "olga@example.com")
        await finished(board, loop_sandbox, order_id)
        link = board.link(order_id)
        assert link is not None
        stored = desk.berke_watch.completed(link.source_candidate_id)
        assert stored is not None
        scoreless = tuple(
            fit.model_copy(update={"fit_pct": None, "fit_id": None, "fit": None})
            for fit in stored.job_fits
        )
        desk.berke_watch.record(
            link.source_candidate_id,
            BerkeProgress.COMPLETE,
            completed=stored.model_copy(update={"job_fits": scoreless}),
        )
        plan = await board.preview_delivery(order_id)  # before: "Berke gave no score"
        assert plan.fit is not None
        assert plan.fit.job == "Registered Nurse"
        assert plan.fit.has_score
        assert plan.result.score == plan.fit.describe() != "no score given"
        again = desk.berke_watch.completed(link.source_candidate_id)
        assert again is not None
        assert all(fit.has_score for fit in again.job_fits)

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


@pytest.fixture
def in_kiritimati(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with living_in(monkeypatch, "Pacific/Kiritimati"):  # UTC+14: a morning here is yesterday in UTC
        yield


def test_the_offer_to_reuse_says_the_assessments_days_in_the_coordinators_zone(
    loop_sandbox: SandboxServer, tmp_path: Path, in_kiritimati: None
) -> None:
    """The question "This candidate already has a Berke assessment" gave the days it was made
    and completed in UTC, where the batch ("made ...") and the detail pane give them in the
    coordinator's zone: east of UTC, a morning's assessment read as made the day before."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Teiti", "teiti@example.com")
        link = board.link(first)
        assert link is not None
        # 2026-11-30 10:00 and 11:00 on the coordinator's clock.
        made = link.model_copy(update={"created_at": datetime(2026, 11, 29, 20, tzinfo=UTC)})
        reusable = Reusable(first, made, None)
        assert await board.fit_summary(reusable, first) == "assessment made on 2026-11-30 (open)"
        completed = CompletedAssessment.model_validate(
            {"sourceCandidateId": link.source_candidate_id, "completedOnUtc": "2026-11-29T21:00Z"}
        )
        desk.berke_watch.record(
            link.source_candidate_id, BerkeProgress.COMPLETE, completed=completed
        )
        assert await board.fit_summary(reusable, first) == "assessed on 2026-11-30"
        # A fit for another job, without a name: never named after this order's job.
        unnamed = CompletedAssessment.model_validate(
            {
                "sourceCandidateId": link.source_candidate_id,
                "completedOnUtc": "2026-11-29T21:00Z",
                "jobFit": [{"sourceJobId": "HOTEL-FD", "fitId": 1, "fitPct": 0.3}],
            }
        )
        desk.berke_watch.record(link.source_candidate_id, BerkeProgress.COMPLETE, completed=unnamed)
        said = await board.fit_summary(reusable, first)
        assert said == "assessed on 2026-11-30, fit for HOTEL-FD: Low", said
        # Two fits for the order's own job that disagree: neither is offered as its level.
        twice = CompletedAssessment.model_validate(
            {
                "sourceCandidateId": link.source_candidate_id,
                "completedOnUtc": "2026-11-29T21:00Z",
                "jobFit": [
                    {"job": "Data Analyst", "fitId": 1, "fitPct": 0.3},
                    {"job": "Data Analyst", "fitId": 3, "fitPct": 0.9},
                ],
            }
        )
        desk.berke_watch.record(link.source_candidate_id, BerkeProgress.COMPLETE, completed=twice)
        said = await board.fit_summary(reusable, first)
        assert said == "assessed on 2026-11-30, Berke gave different fits for Data Analyst", said

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_second_order_of_the_candidate_reuses_the_assessment(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Marta", "marta@example.com")
        link = board.link(first)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        await board.watch()
        second = await desk.session.sr.create_test_order(
            new_order_body(first="Marta", last="Sandoval", email="marta@example.com")
        )
        await board.sync()
        found = await board.reuse_candidates(second.id)
        assert [r.from_order_id for r in found] == [first]
        summary = await board.fit_summary(found[0], second.id)
        assert summary.startswith("assessed on ")
        assert "fit for" in summary
        outcomes = await board.create_accept_invite([second.id])
        assert "Reused" in outcomes[0].detail
        reused = board.link(second.id)
        assert reused is not None
        assert reused.invitation_code == link.invitation_code  # no second assessment
        # No second invitation:
        assert invitations_berke_sent(loop_sandbox, link.source_candidate_id) == 1
        # Already complete: the new order's result is delivered at once (its own job's fit).
        assert board.why_not(OrderAction.DELIVER, [second.id]) is None
        await board.deliver(second.id)
        done = board.order(second.id)
        assert done is not None
        assert done.status is OrderStatus.COMPLETED

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_rejected_with_berke_open_can_have_it_deleted(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Oto", "oto@example.com")
        await board.watch()
        await board.reject([order_id], reason="The candidate withdrew.")
        assert [f.kind for f in board.flags(order_id)] == [Attention.CANCEL_IN_BERKE]
        link = board.link(order_id)
        assert link is not None
        await board.delete_in_berke(order_id)
        assert board.state(order_id).berke_progress is BerkeProgress.DELETED
        assert board.flags(order_id) == []
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id) is None
        step = desk.journal.entries(order_id)[-1]
        assert (step.action, step.state) == (StepKind.DELETE_ASSESSMENT, StepState.DONE)

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_delete_of_an_assessment_someone_deleted_in_berke_already_is_done(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Deleted in Berke by hand before the watch saw it: the first try got Berke's "not
    found", failed the step, and the action stayed offered (and failed again) until the next
    watch round. Its aim is met: done, as already gone, once Berke confirms it."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, link = await withdrawn_order(board, desk, "Ilse", "ilse@example.com")
        await desk.session.berke.delete_assessment(link.source_candidate_id)  # by hand
        await board.delete_in_berke(order_id)
        step = desk.journal.entries(order_id)[-1]
        assert (step.action, step.state) == (StepKind.DELETE_ASSESSMENT, StepState.DONE)
        assert isinstance(step.outcome, AssessmentDeleted)
        assert step.outcome.already_gone
        assert board.state(order_id).berke_progress is BerkeProgress.DELETED
        assert board.why_not(OrderAction.DELETE_IN_BERKE, [order_id]) is not None
        assert board.flags(order_id) == []

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_delete_whose_answer_was_lost_is_done_when_berke_says_unknown_id(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke deleted it and the answer was lost; the retry asks Berke first, and Berke says
    it has none in the reference's kind of words ("Unknown sourceCandidateId"). Before, only
    the sandbox's "was not found" meant none: the step failed with "The candidate id ... is
    not known to Berke." on every Retry, and the order never showed it deleted."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, _link = await withdrawn_order(board, desk, "Ines", "ines@example.com")
        with pytest.raises(ApiError):
            await board.delete_in_berke(order_id)  # carried out, its answer lost
        await board.resume()
        step = desk.journal.entries(order_id)[-1]
        assert (step.action, step.state) == (StepKind.DELETE_ASSESSMENT, StepState.DONE)
        assert isinstance(step.outcome, AssessmentDeleted)
        assert step.outcome.already_gone
        assert board.state(order_id).berke_progress is BerkeProgress.DELETED

    with_board(
        loop_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=UnknownIdInOtherWords("Unknown sourceCandidateId", lose_delete_answer=True),
    )


class FailTheFirstDelete(RealNetwork):
    """Berke's transport, whose first DeleteAssessment gets a 503 (nothing deleted)."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.url.path.endswith("/DeleteAssessment"):
            self.armed = False
            return httpx.Response(503, text="Service Unavailable", request=request)
        return await self.inner.handle_async_request(request)


def test_a_waiting_delete_keeps_an_assessment_the_candidate_completed_meanwhile(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A delete left waiting by a 503 went later, after the candidate (who still had the
    link) completed the assessment: their scores were deleted for good. Only the button
    held to "its results are kept"; the step now asks Berke before every try."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, link = await withdrawn_order(board, desk, "Dora", "dora@example.com")
        with pytest.raises(ApiError):
            await board.delete_in_berke(order_id)  # 503: the step waits
        assert StepKind.DELETE_ASSESSMENT in board.state(order_id).pending
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        await board.resume()
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id)
        step = desk.journal.entries(order_id)[-1]
        assert (step.action, step.state) == (StepKind.DELETE_ASSESSMENT, StepState.FAILED)
        assert step.message == (
            "Not deleted in Berke: the candidate completed it meanwhile; its results are kept."
        )
        assert desk.berke_watch.progress(link.source_candidate_id) is BerkeProgress.COMPLETE

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=FailTheFirstDelete())


@pytest.fixture(scope="module")
def sandbox_spelling() -> Any:
    """A Berke whose status flag is spelled as the sandbox once spelled it: "statusId", with
    a "statusName" (the default spells it as its reference writes it: "StatusId")."""
    with sandbox_answering(status_as_the_reference_spells_it=False) as server:
        yield server


@pytest.mark.parametrize("spelled_as", ["sandbox_spelling", "loop_sandbox"])
def test_a_delete_asked_before_the_watch_saw_the_completion_is_refused(
    spelled_as: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """The watch may lag behind Berke: a first try, offered while the board still showed the
    assessment open, is checked too and deletes nothing complete. Against a Berke spelling
    its flag "StatusId" (its reference's spelling), the check read "not started", and the
    candidate's completed assessment and scores were deleted."""
    server: SandboxServer = request.getfixturevalue(spelled_as)

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, link = await withdrawn_order(board, desk, "Edda", "edda@example.com")
        finish_in_sandbox(server, link.invitation_code)  # not watched yet
        with pytest.raises(StepRefusedError, match="completed it meanwhile"):
            await board.delete_in_berke(order_id)
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id)
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE

    with_board(server, tmp_path / "desk.sqlite3", body)


class StatusWithoutItsFlag(RealNetwork):
    """Berke's transport, whose GetAssessmentStatus answers say nothing of where the
    assessment stands (no StatusId in any case, no statusName)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/GetAssessmentStatus"):
            return response
        await response.aread()
        body = response.json()
        if isinstance(body.get("assessment"), dict):
            for key in list(body["assessment"]):
                if key.casefold() in ("statusid", "statusname"):
                    del body["assessment"][key]
        return httpx.Response(response.status_code, json=body, request=request)


def test_a_delete_is_refused_while_berke_does_not_say_the_assessment_is_not_complete(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A status answer without its flag was read "not started": the delete went, complete as
    the assessment was, and the candidate's scores with it."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, link = await withdrawn_order(board, desk, "Ines", "ines@example.com")
        finish_in_sandbox(loop_sandbox, link.invitation_code)  # not watched yet
        with pytest.raises(StepRefusedError) as refused:
            await board.delete_in_berke(order_id)
        assert str(refused.value) == (
            "Not deleted in Berke: Berke's answer did not say whether the candidate has "
            "completed the assessment, and deleting a completed one would take their results "
            "with it. Check it in Berke, and delete it there if it is not complete."
        )
        assert await desk.session.berke.get_completed_assessment(link.source_candidate_id)
        assert board.state(order_id).berke_progress is BerkeProgress.UNKNOWN

    with_board(
        loop_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=StatusWithoutItsFlag()
    )


class StatusNeverDefined(RealNetwork):
    """Berke's transport, whose GetAssessmentStatus answers give a StatusId the reference
    never defines (``status_id``), with ``name`` as its statusName when one is given."""

    def __init__(self, status_id: int, name: str | None = None) -> None:
        super().__init__()
        self.status_id = status_id
        self.name = name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/GetAssessmentStatus"):
            return response
        await response.aread()
        body = response.json()
        if isinstance(body.get("assessment"), dict):
            said = {k: v for k, v in body["assessment"].items() if k.casefold() != "statusid"}
            said["StatusId"] = self.status_id
            if self.name is not None:
                said["statusName"] = self.name
            body["assessment"] = said
        return httpx.Response(response.status_code, json=body, request=request)


def test_a_status_id_never_defined_is_not_deleted_nor_reminded(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A StatusId the reference never defines (9) was read "not started": the order was
    flagged "send a reminder", and Delete in Berke took the candidate's completed
    assessment, scores and all."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        invited = await invited_order(board, desk, "Gülşen", "gulsen@example.com")
        await board.watch()
        assert board.state(invited).berke_progress is BerkeProgress.UNKNOWN
        later = datetime.now(UTC) + timedelta(days=30)
        kinds = [flag.kind for flag in board.flags(invited, later)]
        assert Attention.NOT_STARTED not in kinds, kinds
        order_id, link = await withdrawn_order(board, desk, "Işık", "isik@example.com")
        assert Attention.CANCEL_IN_BERKE not in [f.kind for f in board.flags(order_id)]
        finish_in_sandbox(loop_sandbox, link.invitation_code)  # not watched yet
        with pytest.raises(StepRefusedError) as refused:
            await board.delete_in_berke(order_id)
        assert str(refused.value).startswith(
            "Not deleted in Berke: Berke gave a status this desk does not know (number 9): "
            "the candidate may have completed the assessment, and deleting"
        )
        assert await desk.session.berke.get_completed_assessment(link.source_candidate_id)
        assert board.state(order_id).berke_progress is BerkeProgress.UNKNOWN

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=StatusNeverDefined(9))


def test_an_unknown_status_name_never_carries_the_token(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the name of a status this desk does not know went into the Delete refusal
    (its dialog, and the journal) as Berke wrote it; every other piece of Berke's text is
    read through the client first (cut, the token redacted)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, _link = await withdrawn_order(board, desk, "Ola", "ola@example.com")
        with pytest.raises(StepRefusedError) as refused:
            await board.delete_in_berke(order_id)
        said = str(refused.value)
        assert said.startswith(
            "Not deleted in Berke: Berke gave a status this desk does not know (“echo «redacted»”)"
        ), said
        stored = [entry.message or "" for entry in desk.journal.entries(order_id)]
        assert not any(DEMO_BERKE_TOKEN in message for message in stored), stored

    with_board(
        loop_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=StatusNeverDefined(9, f"echo {DEMO_BERKE_TOKEN}"),
    )


def test_a_status_id_never_defined_named_completed_is_complete(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """StatusId 3 named "Completed": read "not started" before, and deleted."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, link = await withdrawn_order(board, desk, "Zoë", "zoe@example.com")
        finish_in_sandbox(loop_sandbox, link.invitation_code)  # not watched yet
        with pytest.raises(StepRefusedError, match="completed it meanwhile"):
            await board.delete_in_berke(order_id)
        assert await desk.session.berke.get_completed_assessment(link.source_candidate_id)
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE

    with_board(
        loop_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=StatusNeverDefined(3, "Completed"),
    )


def test_an_assessment_another_open_order_uses_is_never_deleted(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A candidate's two orders share one assessment (the second reused it). Rejecting the
    first must not lead to deleting what the second still needs: no flag asks for it, and
    the board refuses it in words, naming the other order. Once both ended, it may go."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first, second = await two_orders_on_one_assessment(board, desk, "Timo")
        await board.reject([first], reason="A duplicate order.")
        assert board.flags(first) == []  # before: "cancel it in Berke"
        reason = board.why_not(OrderAction.DELETE_IN_BERKE, [first])
        assert reason is not None
        assert "Another open order uses this Berke assessment (Timo Sandoval" in reason
        with pytest.raises(ActionNotAllowedError, match="Another open order"):
            await board.delete_in_berke(first)
        link = board.link(first)
        assert link is not None
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id)
        # The second order ends too: now nothing needs the assessment, and the first order
        # is told so (its flag and Delete change with the second's status).
        told: list[str] = []
        board.listener.orders_changed = told.extend  # type: ignore[method-assign,assignment]
        await board.reject([second], reason="The candidate withdrew.")
        assert first in told
        assert [f.kind for f in board.flags(first)] == [Attention.CANCEL_IN_BERKE]
        await board.delete_in_berke(first)
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id) is None

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_automatic_delivery_needs_no_click(loop_sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(board: OrderBoard, desk: Desk) -> str:
        board.set_options(BoardOptions(auto_deliver=True))
        order_id = await invited_order(board, desk, "Aino", "aino@example.com")
        link = board.link(order_id)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        await board.watch()  # what the board's own loop does every round
        await board.wait_uploads()
        order = board.order(order_id)
        assert order is not None
        assert order.status is OrderStatus.COMPLETED
        steps = [(e.action, e.state) for e in desk.journal.entries(order_id)]
        # Logged in the order's activity like any other step.
        assert (StepKind.COMPLETE, StepState.DONE) in steps
        assert (StepKind.UPLOAD, StepState.DONE) in steps
        return order_id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    (result,) = results_of(loop_sandbox, order_id)
    assert len(result["files"]) == 1


def test_a_reminder_inside_the_cooldown_asks_first(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    from app.workflows.refusals import CooldownError

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Rosa", "rosa@example.com")
        link = board.link(order_id)
        assert link is not None
        assert board.why_not(OrderAction.REMIND, [order_id]) is None
        with pytest.raises(
            CooldownError, match=r"was sent an invitation at .*another one is due from"
        ):
            await board.remind(order_id)
        # Refused before anything was sent:
        assert invitations_berke_sent(loop_sandbox, link.source_candidate_id) == 1
        await board.remind(order_id, override_cooldown=True)  # the visible override
        assert invitations_berke_sent(loop_sandbox, link.source_candidate_id) == 2
        # No cooldown set: no question.
        board.set_options(BoardOptions(invite_cooldown=timedelta(0)))
        await board.remind(order_id)

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reminder_waiting_for_one_order_holds_back_the_candidates_other_order(
    tmp_path: Path,
) -> None:
    """Two orders share one assessment. The first's reminder went but its answer was lost (it
    waits in the journal); the cooldown reads only sends known to have gone, and the claim
    covers only a send running now, so Remind on the second emailed the candidate twice. (A
    Berke that counts what it sent: where it gives no count, the reminder is failed as its
    try ends, "may have gone", as the resumer would fail it.)"""

    async def body(board: OrderBoard, desk: Desk) -> None:
        board.set_options(BoardOptions(invite_cooldown=timedelta(0)))
        first, second = await two_orders_on_one_assessment(board, desk, "Rhea")
        link = board.link(first)
        assert link is not None
        with pytest.raises(ApiError):
            await board.remind(first)  # went, answer lost: waits in the journal
        assert StepKind.INVITE in board.state(first).pending
        assert board.why_not(OrderAction.REMIND, [second]) == OTHER_INVITE_WAITING
        with pytest.raises(ActionNotAllowedError, match="other order is waiting"):
            await board.remind(second)
        order = board.order(second)
        assert order is not None
        with pytest.raises(StepDeferredError, match="other order is waiting"):
            await send_invitation(desk, order, resend=True)  # the workflow refuses it too
        # The invitation and the one reminder:
        assert invitations_berke_sent(counted_sandbox, link.source_candidate_id) == 2

    with sandbox_answering(status_counts_invitations=True) as counted_sandbox:
        with_board(
            counted_sandbox,
            tmp_path / "desk.sqlite3",
            body,
            berke_transport=LosesAnAnswer("/SendInvitation", nth=2),
        )


async def nurse_order(board: OrderBoard, desk: Desk, first: str, email: str) -> str:
    """An invited order for a job Berke has (its fit is exact: Berke is not asked again)."""
    nurse = new_order_body(first=first, last="Sandoval", email=email)
    nurse["job"] = {"name": "Registered Nurse"}
    order = await desk.session.sr.create_test_order(nurse)
    await board.sync()
    request = CreateAssessmentRequest(
        first_name=first, last_name="Sandoval", email_address=email, source_job_id="NURSE-RN"
    )
    await board.create_assessment(order.id, request)
    await board.accept(order.id)
    await board.invite(order.id)
    return order.id


def test_a_reused_assessment_for_another_job_gives_no_verdict_on_this_one(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Order A for a Registered Nurse, the same candidate's order B for a job Berke does not
    have: B reused A's assessment and was delivered "passed" on the nurse's fit."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await nurse_order(board, desk, "Rut", "rut@example.com")
        await finished(board, loop_sandbox, first)
        analyst = await desk.session.sr.create_test_order(
            new_order_body(first="Rut", last="Sandoval", email="rut@example.com")
        )
        await board.sync()
        await board.reuse(analyst.id, first)
        await board.accept(analyst.id)
        plan = await board.preview_delivery(analyst.id)
        assert plan.result.passed is None
        assert "Berke has no fit for this order's job (Data Analyst)" in (
            plan.result.description or ""
        )
        own = await board.preview_delivery(first)  # the nurse's own order keeps its verdict
        assert own.result.passed is not None
        # Made for its own order with Berke's default job (Berke has no Data Analyst): judged
        # on that job, as the coordinator chose.
        default = await finished_order(board, desk, loop_sandbox, "Ola", "ola@example.com")
        plan = await board.preview_delivery(default.id)
        assert plan.result.passed is not None
        assert "Berke has no fit for this order's job" not in (plan.result.description or "")

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def analyst_body(first: str) -> dict[str, Any]:
    """An order of the candidate for SmartRecruiters' one "Data Analyst" job (the sandbox
    gives each order without a job id a job of its own)."""
    body = new_order_body(first=first, last="Sandoval", email=f"{first.lower()}@example.com")
    body["job"] = {"id": "3140000001", "name": "Data Analyst"}
    return body


async def analyst_order_judged_on(
    board: OrderBoard, desk: Desk, server: SandboxServer, first: str, source_job_id: str | None
) -> str:
    """A finished order for "Data Analyst" (a job Berke does not have), its assessment made
    with the Berke job the coordinator chose for it (the form, or the batch plan; None:
    Berke's default job)."""
    email = f"{first.lower()}@example.com"
    order = await desk.session.sr.create_test_order(analyst_body(first))
    await board.sync()
    request = CreateAssessmentRequest(
        first_name=first, last_name="Sandoval", email_address=email, source_job_id=source_job_id
    )
    await board.create_assessment(order.id, request)
    await board.accept(order.id)
    await board.invite(order.id)
    await finished(board, server, order.id)
    return order.id


def test_a_reorder_of_the_same_job_is_judged_on_the_job_chosen_for_it(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The recruiter ordered the same job again for a candidate, and the second order reused
    the first's assessment: the reuse dropped the Berke job chosen for it, and the second
    order was delivered with no verdict ("Berke has no fit for this order's job"), its report
    named as another job's, while the first got Passed or Not passed. One person, one job,
    one assessment, two results."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await analyst_order_judged_on(board, desk, loop_sandbox, "Deniz", "SW-ENG")
        own = await board.preview_delivery(first)
        assert own.fit is not None
        assert own.fit.source_job_id == "SW-ENG"
        assert own.result.passed is not None  # judged on the job chosen for Data Analyst
        again = await desk.session.sr.create_test_order(analyst_body("Deniz"))
        await board.sync()
        (offered,) = await board.reuse_candidates(again.id)
        assert offered.from_order_id == first
        await board.reuse(again.id, first)
        await board.accept(again.id)
        plan = await board.preview_delivery(again.id)
        assert plan.fit is not None
        assert plan.fit.source_job_id == "SW-ENG"
        assert "Berke has no fit for this order's job" not in (plan.result.description or "")
        assert plan.result.passed == own.result.passed
        assert plan.report_name == own.report_name.replace(first, again.id)

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reorder_of_the_same_job_made_on_berkes_default_job_is_judged_on_it_too(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first order's assessment was made with no job chosen (Berke's default job) and
    got a verdict on it; the recruiter's re-order of the same job reused it and was given
    none ("Berke has no fit for this order's job"). So was a re-order of the re-order. An
    order for another job reusing it still gets no verdict on the default job's fit."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await analyst_order_judged_on(board, desk, loop_sandbox, "Selin", None)
        own = await board.preview_delivery(first)
        assert own.fit is not None
        assert own.result.passed is not None  # judged on the default job, as chosen
        again = await desk.session.sr.create_test_order(analyst_body("Selin"))
        third = await desk.session.sr.create_test_order(analyst_body("Selin"))
        other_job = analyst_body("Selin")
        other_job["job"] = {"name": "Pilot"}
        other = await desk.session.sr.create_test_order(other_job)
        await board.sync()
        await board.reuse(again.id, first)
        await board.reuse(third.id, again.id)  # a re-order of the re-order
        await board.reuse(other.id, first)
        for order_id in (again.id, third.id):
            await board.accept(order_id)
            plan = await board.preview_delivery(order_id)
            assert plan.fit is not None
            assert plan.fit.source_job_id == own.fit.source_job_id
            assert "no fit for this order's job" not in (plan.result.description or "")
            assert plan.result.passed == own.result.passed
            assert plan.report_name == own.report_name.replace(first, order_id)
        await board.accept(other.id)
        plan = await board.preview_delivery(other.id)
        assert plan.result.passed is None
        assert "Berke has no fit for this order's job (Pilot)" in (plan.result.description or "")

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_the_offer_to_reuse_for_a_reorder_of_the_same_job_gives_the_job_chosen_for_it(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The offer said the fit a reuse would not deliver: for a re-order of the same job, the
    fit Berke flags primary (here Software Engineer's), not the one chosen (Registered
    Nurse's). The reuse's step carries the job chosen, so one resumed after a crash (before
    accept) links the same. An order for another job is still offered its own job's fit, or
    the primary one."""

    def software_primary(done: CompletedAssessment) -> CompletedAssessment:
        fits = tuple(
            fit.model_copy(update={"is_primary_job": fit.source_job_id == "SW-ENG"})
            for fit in done.job_fits
        )
        return done.model_copy(update={"job_fits": fits})

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await analyst_order_judged_on(board, desk, loop_sandbox, "Aysel", "NURSE-RN")
        _answers_changed(desk, software_primary)
        again = await desk.session.sr.create_test_order(analyst_body("Aysel"))
        other_job = new_order_body(first="Aysel", last="Sandoval", email="aysel@example.com")
        other_job["job"] = {"name": "Pilot"}
        other = await desk.session.sr.create_test_order(other_job)
        await board.sync()
        (offered,) = await board.reuse_candidates(again.id)
        said = await board.fit_summary(offered, again.id)
        assert "fit for Registered Nurse: " in said, said
        said = await board.fit_summary(offered, other.id)
        assert "fit for Software Engineer: " in said, said  # the primary fit
        await board.reuse(again.id, first)
        entries = desk.journal.entries(again.id)
        (step,) = [e.step for e in entries if isinstance(e.step, ReuseAssessmentStep)]
        assert step.link.source_job_id == "NURSE-RN"
        await board.reuse(other.id, first)
        reused = board.link(other.id)
        assert reused is not None
        assert reused.source_job_id is None  # judged on its own job

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_fit_for_another_job_than_the_one_chosen_gives_no_verdict(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The assessment was made for this order with a job chosen (Registered Nurse), and
    Berke's answer has no fit for it (the job since unassigned from the API, the fit not
    computed yet): the fit delivered is the primary job's, and was judged passed or failed
    on that other job."""

    def without_the_nurse(done: CompletedAssessment) -> CompletedAssessment:
        fits = [fit for fit in done.job_fits if fit.source_job_id != "NURSE-RN"]
        fits[0] = fits[0].model_copy(update={"is_primary_job": True})
        return done.model_copy(update={"job_fits": tuple(fits)})

    async def body(board: OrderBoard, desk: Desk) -> None:
        nurse = await nurse_order(board, desk, "Siv", "siv@example.com")
        await finished(board, loop_sandbox, nurse)
        _answers_changed(desk, without_the_nurse)
        plan = await board.preview_delivery(nurse)
        assert plan.fit is not None
        assert plan.fit.source_job_id != "NURSE-RN"
        assert plan.result.passed is None
        assert "Berke has no fit for this order's job" in (plan.result.description or "")

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def _fits_changed(desk: Desk, change: Callable[[JobFit], dict[str, Any]]) -> None:
    """Berke's answer as a hostile (or odd) Berke might give it, stored and asked again:
    each fit changed."""

    def changed(done: CompletedAssessment) -> CompletedAssessment:
        fits = tuple(fit.model_copy(update=change(fit)) for fit in done.job_fits)
        return done.model_copy(update={"job_fits": fits})

    _answers_changed(desk, changed)


def _answers_changed(
    desk: Desk, changed: Callable[[CompletedAssessment], CompletedAssessment]
) -> None:
    """Berke's answers about completed assessments, stored and asked again, ``changed``."""
    stored = BerkeWatchStore.completed.__get__(desk.berke_watch)
    client = desk.session.berke
    asked = type(client).get_completed_assessment.__get__(client)

    def changed_stored(source_candidate_id: str) -> CompletedAssessment | None:
        done = stored(source_candidate_id)
        return None if done is None else changed(done)

    async def changed_answer(source_candidate_id: str) -> CompletedAssessment:
        return changed(await asked(source_candidate_id))

    desk.berke_watch.completed = changed_stored  # type: ignore[method-assign]
    client.get_completed_assessment = changed_answer  # type: ignore[method-assign]


def test_a_fit_without_a_score_or_a_job_id_is_refused_in_words(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: a fit without a score went as "Low fit (0 %)", not passed; a fit without a job
    id had the primary job's report attached under its own job's name."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Ines", "ines@example.com")
        await finished(board, loop_sandbox, order_id)
        _fits_changed(desk, lambda _fit: {"fit_pct": None, "fit_id": None, "fit": None})
        with pytest.raises(ActionNotAllowedError, match="Berke gave no score for Registered"):
            await board.preview_delivery(order_id)
        _fits_changed(
            desk,
            lambda fit: (
                {"is_primary_job": False, "source_job_id": ""}
                if fit.source_job_id == "NURSE-RN"
                else {}
            ),
        )
        with pytest.raises(ActionNotAllowedError, match="Berke names no job id for "):
            await board.preview_delivery(order_id)
        assert results_of(loop_sandbox, order_id) == []  # nothing was sent

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


class FitsChanged(RealNetwork):
    """Berke's transport, whose answers about completed assessments have their jobFit list
    ``changed`` (as JSON: nulls and values out of range the models would not make)."""

    def __init__(self, change: Callable[[list[Any]], list[Any]]) -> None:
        super().__init__()
        self.change = change

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        path = request.url.path
        if not path.endswith(("/GetCompletedAssessments", "/GetCompletedAssessment")):
            return response
        body = json.loads(await response.aread())
        if body.get("status") == "ok":
            if path.endswith("/GetCompletedAssessment"):
                listed = [body["assessment"]]
            else:
                listed = body["assessments"].get("assessment") or []
            for entry in listed if isinstance(listed, list) else [listed]:
                fits = entry.get("jobFit")
                entry["jobFit"] = self.change(fits if isinstance(fits, list) else [fits])
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-encoding")
        }
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=json.dumps(body).encode(),
            request=request,
        )


def test_a_null_in_another_jobs_fit_does_not_hide_the_completion(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke fills what it has not with null: one fit, not the order's, with "sourceJobId":
    null (a job without an id) made the whole completed assessment unreadable. The listing
    left it out, GetCompletedAssessment was an error, and the order never showed the
    completion, so its result was never delivered, by hand or automatically."""
    retired = {
        "job": None, "sourceJobId": None, "fitPct": None, "fitId": None, "fit": None,
        "isPrimaryJob": None, "reportUrl": None, "fitComputedOnUtc": None,
    }  # fmt: skip

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Lior", "lior@example.com")
        await finished(board, loop_sandbox, order_id)
        # And a later round, when the status of an assessment not listed is asked again.
        await watch_berke(desk, now=datetime.now(UTC) + timedelta(hours=2))
        await board.refresh([order_id])
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE
        plan = await board.preview_delivery(order_id)
        assert plan.fit is not None
        assert plan.fit.source_job_id == "NURSE-RN"
        assert plan.result.passed is not None

    transport = FitsChanged(lambda fits: [*fits, retired])
    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=transport)


def test_a_fit_that_cannot_be_read_is_left_out_and_never_replaced_by_another(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """One fit Berke scored out of range hid the whole completion. It is left out now; when
    it is the order's own, no other job's fit is delivered in its place: refused in words."""

    def nurse_out_of_range(fits: list[Any]) -> list[Any]:
        return [
            {**fit, "fitPct": 1.5} if fit.get("sourceJobId") == "NURSE-RN" else fit for fit in fits
        ]

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Maja", "maja@example.com")
        await finished(board, loop_sandbox, order_id)
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE
        with pytest.raises(
            ActionNotAllowedError,
            match=r"job fits this desk cannot read \(Registered Nurse\), and one of them may",
        ):
            await board.preview_delivery(order_id)
        assert results_of(loop_sandbox, order_id) == []

    transport = FitsChanged(nurse_out_of_range)
    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=transport)


def test_no_fit_flagged_primary_gives_no_verdict_on_the_first_one_listed(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Made for this order with Berke's default job (Berke has no Data Analyst), answered
    as Berke's reference allows: several fits, none flagged isPrimaryJob, none like the
    order's job. The verdict was given on whichever fit Berke listed first, a job nobody
    chose for this order, and that job's report attached."""

    def none_primary_listed_backwards(done: CompletedAssessment) -> CompletedAssessment:
        fits = tuple(
            fit.model_copy(update={"is_primary_job": False}) for fit in reversed(done.job_fits)
        )
        return done.model_copy(update={"job_fits": fits})

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await finished_order(board, desk, loop_sandbox, "Noor", "noor@example.com")
        link = board.link(order.id)
        assert link is not None
        assert link.source_job_id is None
        _answers_changed(desk, none_primary_listed_backwards)
        plan = await board.preview_delivery(order.id)
        assert plan.fit is plan.completed.job_fits[0]  # taken for its place in the list
        assert plan.result.passed is None
        assert "Berke has no fit for this order's job (Data Analyst)" in (
            plan.result.description or ""
        )

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_the_one_fit_berke_scored_for_the_default_job_is_the_verdict_flagged_or_not(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The other side of the rule above: made with Berke's default job, the only fit Berke
    sent is that job's, whether it flags it primary or leaves the flag out."""

    def one_fit_unflagged(done: CompletedAssessment) -> CompletedAssessment:
        (first, *_) = done.job_fits
        return done.model_copy(
            update={"job_fits": (first.model_copy(update={"is_primary_job": False}),)}
        )

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await finished_order(board, desk, loop_sandbox, "Ines", "ines@example.com")
        _answers_changed(desk, one_fit_unflagged)
        plan = await board.preview_delivery(order.id)
        assert plan.result.passed is not None
        assert "no fit for this order's job" not in (plan.result.description or "")

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def _scoreless_and_berke_unreachable(desk: Desk) -> Callable[[], None]:
    """The stored Berke answers without a score (so a delivery asks Berke again), and Berke
    unreachable when asked; the returned call makes Berke reachable again, with its score."""
    _fits_changed(desk, lambda _fit: {"fit_pct": None, "fit_id": None, "fit": None})
    client = desk.session.berke

    async def unreachable(source_candidate_id: str) -> CompletedAssessment:
        raise NetworkError(Service.BERKE, request_sent=False)

    client.get_completed_assessment = unreachable  # type: ignore[method-assign]

    def reachable() -> None:
        del client.get_completed_assessment

    return reachable


def test_berke_unreachable_when_asked_again_fails_the_preview_without_holding_the_order(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the stored answer (no score) was used instead, the preview refused "Berke
    gave no score", and the order was held on it (and skipped by automatic delivery for an
    hour) although Berke had not been asked."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Nora", "nora@example.com")
        await finished(board, loop_sandbox, order_id)
        reachable = _scoreless_and_berke_unreachable(desk)
        with pytest.raises(NetworkError) as failed:
            await board.preview_delivery(order_id)
        assert str(failed.value).startswith("Berke: The service could not be reached")
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert "was refused" not in flag.text, flag.text  # not held
        reachable()  # Berke answers again, with the score
        plan = await board.preview_delivery(order_id)
        assert plan.fit is not None
        assert plan.fit.has_score
        assert results_of(loop_sandbox, order_id) == []

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_automatic_delivery_tries_again_next_round_when_berke_could_not_be_asked(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: held for an hour as "Berke gave no score" (the stored answer's), though Berke
    was never reached."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Ola", "ola@example.com")
        await finished(board, loop_sandbox, order_id)
        reachable = _scoreless_and_berke_unreachable(desk)
        board.set_options(BoardOptions(auto_deliver=True))
        await board.watch()  # Berke cannot be asked: not delivered, not held
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert "automatic delivery did not send" not in flag.text, flag.text  # not held
        assert results_of(loop_sandbox, order_id) == []
        reachable()
        await board.watch()  # the next round tries again, and delivers
        await board.wait_uploads()
        order = board.order(order_id)
        assert order is not None
        assert order.status is OrderStatus.COMPLETED

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_automatic_delivery_holds_an_answer_without_a_score_and_says_so_once(
    loop_sandbox: SandboxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: refused again every watch round (Berke asked each time, an INFO line each
    time), and the order's flag said only "deliver the result"."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        board.set_options(BoardOptions(auto_deliver=True))
        order_id = await nurse_order(board, desk, "Pia", "pia@example.com")
        _fits_changed(desk, lambda _fit: {"fit_pct": None, "fit_id": None, "fit": None})
        client = desk.session.berke
        scoreless = client.get_completed_assessment
        asked: list[str] = []

        async def counted(source_candidate_id: str) -> CompletedAssessment:
            asked.append(source_candidate_id)
            return await scoreless(source_candidate_id)

        client.get_completed_assessment = counted  # type: ignore[method-assign]
        with caplog.at_level(logging.INFO, logger="app.workflows.board"):
            await finished(board, loop_sandbox, order_id)  # a watch round: refused, held
            first_round = len(asked)
            await board.watch()
            await board.watch()
        assert first_round >= 1
        assert len(asked) == first_round  # held: Berke is not asked again each round
        said = [r.getMessage() for r in caplog.records if order_id in r.getMessage()]
        assert len(said) == 1, said
        assert "held: Berke gave no score for Registered Nurse" in said[0]
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert "automatic delivery did not send the result: Berke gave no score" in flag.text
        assert flag.fix is OrderAction.DELIVER
        assert results_of(loop_sandbox, order_id) == []

        def said_held() -> bool:
            (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
            return "automatic delivery" in flag.text

        board.set_options(BoardOptions(auto_deliver=False))  # nothing unattended: not held
        assert not said_held()
        board.set_options(BoardOptions(auto_deliver=True))
        await board.watch()
        assert said_held()
        # Berke's answer has the score now: a preview finds it deliverable (the order is
        # held no more), and the coordinator's Deliver sends it.
        del desk.berke_watch.completed
        del client.get_completed_assessment
        await board.preview_delivery(order_id)
        assert not said_held()
        await board.deliver(order_id)
        await board.wait_uploads()
        order = board.order(order_id)
        assert order is not None
        assert order.status is OrderStatus.COMPLETED
        assert not [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def _nurse_twice(*, agree: bool) -> Callable[[CompletedAssessment], CompletedAssessment]:
    """Berke's answer with the nurse job's fit listed again after it, its id in lower case
    (Berke's ids ignore case): the same score, or another level and percentage."""

    def changed(done: CompletedAssessment) -> CompletedAssessment:
        (nurse,) = [fit for fit in done.job_fits if fit.source_job_id == "NURSE-RN"]
        other = {"fit_pct": 0.12, "fit_id": 1, "fit": "Low"}
        if nurse.level is FitLevel.LOW:
            other = {"fit_pct": 0.91, "fit_id": 3, "fit": "High"}
        again = nurse.model_copy(update={"source_job_id": "nurse-rn", **({} if agree else other)})
        return done.model_copy(update={"job_fits": (*done.job_fits, again)})

    return changed


def test_two_different_fits_for_the_orders_job_are_refused_and_held_in_words(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the first fit listed for the order's job was the verdict ("Low fit, not
    passed"), unattended too, although Berke also said "High fit" for the very same job."""
    said = "Berke gave different fits for Registered Nurse ("

    async def body(board: OrderBoard, desk: Desk) -> None:
        board.set_options(BoardOptions(auto_deliver=True))
        order_id = await nurse_order(board, desk, "Tove", "tove@example.com")
        _answers_changed(desk, _nurse_twice(agree=False))
        await finished(board, loop_sandbox, order_id)  # a watch round: refused, held
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert f"automatic delivery did not send the result: {said}" in flag.text
        assert "Ask Berke which is right" in flag.text
        with pytest.raises(NothingToDeliverError, match=re.escape(said)):
            await board.preview_delivery(order_id)
        assert results_of(loop_sandbox, order_id) == []

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_the_orders_fit_listed_twice_alike_is_delivered_once(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Copies that agree are one verdict: delivered, the job named once in the description."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Una", "una@example.com")
        await finished(board, loop_sandbox, order_id)
        _answers_changed(desk, _nurse_twice(agree=True))
        plan = await board.preview_delivery(order_id)
        assert plan.fit is not None
        assert plan.fit.source_job_id == "NURSE-RN"
        assert plan.result.passed is not None
        assert (plan.result.description or "").count("Registered Nurse") == 1

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_delivery_held_for_the_upload_limit_goes_when_the_limit_is_raised(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: held for an hour after the coordinator raised the limit in the settings (only
    a Berke change, a preview or switching automatic delivery off let it go)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await nurse_order(board, desk, "Ines", "ines@example.com")
        board.set_options(BoardOptions(auto_deliver=True, max_upload_bytes=1))
        await finished(board, loop_sandbox, order_id)  # a watch round: over the limit, held
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert "automatic delivery did not send the result" in flag.text
        assert results_of(loop_sandbox, order_id) == []

        board.set_options(BoardOptions(auto_deliver=True))  # the limit raised in the settings
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert "automatic delivery" not in flag.text
        await board.watch()
        await board.wait_uploads()
        order = board.order(order_id)
        assert order is not None
        assert order.status is OrderStatus.COMPLETED

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


class StatusPageNotFound(RealNetwork):
    """Berke's transport; while ``armed``, GetAssessmentStatus meets a proxy's 404 page."""

    armed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.url.path.endswith("/GetAssessmentStatus"):
            page = "<html><body><h1>404 Not Found</h1>nginx</body></html>"
            return httpx.Response(404, html=page, request=request)
        return await self.inner.handle_async_request(request)


def test_a_proxys_404_does_not_bury_an_assessment_the_candidate_then_completes(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """One round of a proxy's "404 Not Found" marked the assessment deleted in Berke for good:
    the order said to reject it, and once the candidate finished, nothing came of it."""
    transport = StatusPageNotFound()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Noor", "noor@example.com")
        transport.armed = True
        report = await board.watch()
        transport.armed = False
        assert report.problem is not None
        assert board.state(order_id).berke_progress is not BerkeProgress.DELETED
        await finished(board, loop_sandbox, order_id)
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE
        assert board.why_not(OrderAction.DELIVER, [order_id]) is None

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=transport)


def test_an_assessment_taken_for_deleted_that_berke_lists_as_completed_is_complete(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Marked deleted (by an earlier version's reading of a proxy's 404, say), it was never
    matched against Berke's listing of completions again: the result never went."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Ines", "ines@example.com")
        link = board.link(order_id)
        assert link is not None
        desk.berke_watch.record(link.source_candidate_id, BerkeProgress.DELETED)
        await finished(board, loop_sandbox, order_id)
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_deliverys_own_report_is_not_failed_while_its_completion_is_looked_into(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The Deliver's completion landed, its answer lost: the order shows completed, and a
    file dropped on it then took the result found for its own. The Deliver's report was
    failed as "completed elsewhere" on the way, though the completion was this desk's."""
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4\n" + b"n" * 1000)

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await finished_order(board, desk, loop_sandbox, "Lia", "lia@example.com")
        plan = await plan_delivery(desk, order)
        with pytest.raises(ApiError):
            await deliver(desk, order, plan, max_bytes=DEFAULT_MAX_BYTES)
        await board.sync()
        shown = board.order(order.id)
        assert shown is not None
        assert shown.status is OrderStatus.COMPLETED
        await board.attach_files(order.id, [notes])
        await board.wait_uploads()
        await resume_pending(desk)
        states = {u.file_name: u.state for u in desk.results.for_order(order.id)}
        assert states == {plan.report_name: UploadState.DONE, "notes.pdf": UploadState.DONE}
        assert len(results_of(loop_sandbox, order.id)) == 1

    with_board(
        loop_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        FailsOnce("/complete", 502, {"message": "gateway"}, carried_out=True),
    )


def test_a_report_waiting_on_its_own_completion_never_goes_to_another_tools_result(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The Deliver queued its report and journaled its completion, which never went (the
    desk stopped); another tool completed the order. A file dropped on it then took the
    newest result for the order's, and the Deliver's report went out beside the other
    tool's verdict. Which result is this desk's, its own step finds."""
    notes = tmp_path / "notes.pdf"
    notes.write_bytes(b"%PDF-1.4\n" + b"n" * 1000)

    async def body(board: OrderBoard, desk: Desk) -> str:
        order = await finished_order(board, desk, loop_sandbox, "Kim", "kim@example.com")
        plan = await plan_delivery(desk, order)
        await queue_files(desk, order, [plan.report])
        desk.journal.begin(order.id, CompleteStep(result=plan.result))  # never sent
        other = AssessmentResult(result_type=ResultType.DOCUMENT, result="x.pdf", title="Other")
        await desk.session.sr.complete_with_result(order.id, other)
        await board.sync()
        await board.attach_files(order.id, [notes])
        await board.wait_uploads()
        await resume_pending(desk)
        await resume_pending(desk)  # once the completion is settled, the files' turn
        states = {u.file_name: u.state for u in desk.results.for_order(order.id)}
        assert states[plan.report_name] is UploadState.FAILED
        return order.id

    order_id = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
    (theirs,) = results_of(loop_sandbox, order_id)
    assert [f for f in theirs["files"] if "Berke report" in str(f)] == []
