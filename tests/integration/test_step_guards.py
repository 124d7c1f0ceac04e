"""What steps check before they send: an earlier invitation still going counts as sent since,
a result of the other verdict or an older one is not taken as this step's, a FAQ completion
whose result is listed without an id is not sent again, a rejected order's reports fail, a
delete keeps an assessment an unread order may need, and one candidate's invitations never go
twice at once (each rule here once had a mutant no test saw)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from app.clients.errors import ApiError
from app.domain.berke import BerkeParam, SendInvitationRequest
from app.domain.journal import InvitationSent, InviteStep
from app.sandbox import SandboxServer
from app.workflows.desk import Desk
from app.workflows.outbox import retry_step
from app.workflows.refusals import StepRefusedError
from tests.integration.helpers import RealNetwork, sandbox_answering
from tests.integration.test_invitation_count_unknown import (
    accepted_order,
    invitations_sent,
    second_order_reusing,
)
from tests.integration.test_workflows import run_with_desk


@pytest.fixture(scope="module")
def uncounted_sandbox() -> Any:
    with sandbox_answering(status_counts_invitations=False) as server:
        yield server


def test_an_earlier_invite_still_sending_when_this_one_was_asked_counts_as_since(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """S28 (step_base.py `since_asked`): order A's invite step began first and was still being
    sent when the candidate's other order B's invite was asked (and refused). A's send then went
    and finished after B was written. Berke gives no count: Retry of B must not email the
    candidate a second time (A's id is lower, but it finished after B was asked)."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Oona")
        other = await second_order_reusing(desk, order, link)
        request = SendInvitationRequest.model_validate(
            {
                BerkeParam.SOURCE_CANDIDATE_ID: link.source_candidate_id,
                BerkeParam.EMAIL_ADDRESS: link.created_email,
            }
        )
        # A: begun (pending, being sent) for the first order.
        a_id = await asyncio.to_thread(
            desk.journal.begin, order.id, InviteStep(request=request, invitations_sent_before=None)
        )
        # B: asked for the other order meanwhile, refused before anything left.
        b_id = await asyncio.to_thread(
            desk.journal.begin,
            other.id,
            InviteStep(request=request.model_copy(), invitations_sent_before=None),
        )
        await asyncio.to_thread(desk.journal.fail, b_id, "Access denied for this user.")
        await asyncio.to_thread(desk.journal.set_may_have_gone, b_id, False)
        # A's send goes and finishes, after B was asked.
        await desk.session.berke.send_invitation(request)
        await asyncio.to_thread(
            desk.journal.finish, a_id, InvitationSent(email=request.email_address)
        )
        assert a_id < b_id
        assert invitations_sent(uncounted_sandbox, link) == 1
        with pytest.raises(StepRefusedError, match="went from this desk after this step"):
            await retry_step(desk, b_id)
        assert invitations_sent(uncounted_sandbox, link) == 1  # no second email

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body)


# -- results: which listed result is this step's --------------------------------------------

import httpx  # noqa: E402

from app.domain.attachments import DEFAULT_MAX_BYTES, UploadState  # noqa: E402
from app.domain.journal import CreateResultStep  # noqa: E402
from app.domain.journal_terms import StepKind, StepState  # noqa: E402
from app.domain.smartrecruiters import AssessmentResult, ResultType  # noqa: E402
from app.sandbox import SandboxConfig  # noqa: E402
from app.workflows.delivery import deliver, plan_delivery  # noqa: E402
from app.workflows.outbox import resume_pending  # noqa: E402
from tests.integration.test_close_the_loop import (  # noqa: E402
    ResultIdOnlyInTheAnswer,
    finished_order,
    invited_order,
    results_of,
    with_board,
)
from tests.integration.test_results_and_resume import in_progress  # noqa: E402

OURS = AssessmentResult(
    result_type=ResultType.DOCUMENT, result="result.pdf", title="Job fit", passed=True, score="81%"
)


def test_a_result_with_the_other_verdict_is_not_taken_for_this_steps(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """S29 (step_complete.py `_same_result`, the ``passed`` check): the documented flow's create
    step was journaled and the desk stopped before it was sent; meanwhile another coordinator
    made a result of the same type, title and score but the opposite verdict. Resumed, the step
    makes its own result: taking the other's id would lose this desk's verdict and send its
    report to someone else's result."""

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        desk.journal.begin(order.id, CreateResultStep(result=OURS))  # ... and the stop
        theirs = await desk.session.sr.create_result(
            order.id, OURS.model_copy(update={"passed": False})
        )
        resumed = await resume_pending(desk)
        assert resumed.settled
        own = desk.results.result_id_for(order.id)
        assert own is not None
        assert own != theirs.id
        listed = {r.id: r for r in await desk.session.sr.list_results(order.id)}
        assert set(listed) == {own, theirs.id}
        assert listed[own].passed is True

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class CountsCompletions(ResultIdOnlyInTheAnswer):
    """The FAQ's transport (first completion carried out, its answer lost; results listed
    without ids), counting the completions sent."""

    def __init__(self) -> None:
        super().__init__()
        self.completions = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/complete"):
            self.completions += 1
        return await super().handle_async_request(request)


def test_a_faq_completion_whose_result_is_listed_without_id_is_not_sent_again(
    tmp_path: Path,
) -> None:
    """S34 (step_complete.py `complete`, ``if not results or _results_like(...)``): the FAQ
    completion went, its answer (the only place with the resultId) lost, and the order's
    results listed without ids. The resumed step says it was most likely this desk's
    earlier try, and sends no second complete_with_result."""
    transport = CountsCompletions()
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: Any, desk: Desk) -> str:
            order = await finished_order(board, desk, server, "Maja", "maja.s34@example.com")
            plan = await plan_delivery(desk, order)
            with pytest.raises(ApiError):  # went; its answer lost
                await deliver(desk, order, plan, max_bytes=DEFAULT_MAX_BYTES)
            assert transport.completions == 1
            await resume_pending(desk)
            (complete,) = [
                e for e in desk.journal.entries(order.id) if e.action is StepKind.COMPLETE
            ]
            assert complete.state is StepState.FAILED
            assert "most likely by this desk's earlier try" in (complete.message or "")
            (report,) = desk.results.for_order(order.id)
            assert report.state is UploadState.FAILED
            assert "most likely by this desk's earlier try" in (report.message or "")
            await resume_pending(desk)
            assert transport.completions == 1  # no second complete_with_result
            return order.id

        order_id = with_board(server, tmp_path / "desk.sqlite3", body, transport)
        (result,) = results_of(server, order_id)
        assert result["files"] == []


def test_of_two_like_results_the_newest_is_this_steps(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """S31 (step_complete.py `_results_like`, newest first): another coordinator made a result
    like this step's (same verdict); then this desk's create went and its answer was lost (the
    crash). Resumed, the step takes the newest, its own, not the older one made elsewhere: its
    report goes to its own result."""

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        theirs = await desk.session.sr.create_result(order.id, OURS)
        desk.journal.begin(order.id, CreateResultStep(result=OURS))
        lost = await desk.session.sr.create_result(order.id, OURS)  # ... and the crash
        assert lost.id != theirs.id
        resumed = await resume_pending(desk)
        assert resumed.settled
        assert desk.results.result_id_for(order.id) == lost.id
        assert len(await desk.session.sr.list_results(order.id)) == 2  # not a third

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_report_for_a_rejected_orders_result_fails_when_the_completion_does(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """S37 (step_complete.py `_rejected_before_completed`, its ``fail_unsent``): documented
    flow, the result made, the order rejected just before the completion went. The report queued
    for that result fails at once, in words, with the completion: not left queued (shown waiting
    to go to a rejected order) until a later resumer round happens to look."""
    from app.clients.errors import StateConflictError
    from app.domain.journal_terms import ResultFlow
    from app.workflows.board import BoardOptions
    from app.workflows.step_complete import REJECTED_NO_RESULT
    from tests.integration.test_close_the_loop import invited_order
    from tests.integration.test_delivery_races import (
        RejectedBetweenTheTwoCalls,
        _report,
        board_on,
        desk_of,
    )

    async def body() -> None:
        async with board_on(sandbox, tmp_path / "d.sqlite3", RejectedBetweenTheTwoCalls()) as board:
            board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
            desk = desk_of(board)
            order_id = await invited_order(board, desk, "Rui", "rui-s37@example.com")
            (queued,), _ = await board.attach_files(order_id, [_report(tmp_path)])
            with pytest.raises(StateConflictError):
                await board.complete(
                    order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
                )
            now = desk.results.get(queued.id)
            assert now is not None
            assert (now.state, now.message) == (UploadState.FAILED, REJECTED_NO_RESULT)

    asyncio.run(body())


class OrderUnreachable(RealNetwork):
    """SmartRecruiters' transport: once armed, reading one order never connects."""

    def __init__(self) -> None:
        super().__init__()
        self.order_id: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (
            self.order_id
            and request.method == "GET"
            and request.url.path.rstrip("/").endswith(self.order_id)
        ):
            raise httpx.ConnectError("no route to host", request=request)
        return await self.inner.handle_async_request(request)


def test_a_delete_keeps_an_assessment_an_order_that_cannot_be_read_may_need(
    tmp_path: Path,
) -> None:
    """S49 (step_delete.py `_open_orders_on`, ``except ApiError: pass``): the candidate's second
    order reuses the first's assessment; the first was rejected and its delete failed. On
    Retry SmartRecruiters cannot be reached for the second order: it counts as open (as
    cached), and the assessment it uses is not deleted."""
    from app.domain.journal import DeleteAssessmentStep
    from tests.integration.test_one_candidate_orders import reusing

    transport = OrderUnreachable()
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: Any, desk: Desk) -> None:
            first = await invited_order(board, desk, "Rafa", "rafa@example.com")
            second = await reusing(board, desk, "Rafa", first)
            await board.watch()
            await board.reject([first], reason="Another job.")
            link = board.link(first)
            assert link is not None
            step = desk.journal.begin(
                first, DeleteAssessmentStep(source_candidate_id=link.source_candidate_id)
            )
            desk.journal.fail(step, "Berke refused it.")
            await board.refresh([first])
            transport.order_id = second
            with pytest.raises(StepRefusedError, match="Not deleted in Berke"):
                await board.retry_step(step)
            assert await desk.session.berke.get_assessment_status(link.source_candidate_id), (
                "deleted the assessment the open second order uses"
            )

        with_board(server, tmp_path / "desk.sqlite3", body, transport)


def test_a_resumed_invitation_waits_while_the_candidates_other_send_is_going(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """S55 (step_invite.py `invite`, ``if not desk.claim(key)``): the step's only try never reached
    Berke; while it waits, the candidate's invitation is being sent for their other order
    (the assessment's invitation key held). The resumer does not send it meanwhile: with no
    count to go by, both would go and the candidate get two emails."""
    from app.clients.errors import NetworkError
    from app.workflows.desk import invitation_key
    from app.workflows.order_actions import send_invitation
    from tests.integration.test_invitation_count_unknown import NeverLeavesOnce, invite_step

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Uma")
        with pytest.raises(NetworkError):
            await send_invitation(desk, order)
        assert invite_step(desk, order.id).state is StepState.PENDING
        key = invitation_key(link.source_candidate_id)
        assert desk.claim(key)  # the other order's send, in flight
        try:
            await resume_pending(desk)
            assert invite_step(desk, order.id).state is StepState.PENDING
            assert invitations_sent(uncounted_sandbox, link) == 0
        finally:
            desk.release(key)

    network = NeverLeavesOnce("unreachable")
    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)
