"""A step left waiting to be sent (a 503, a daily limit) that the coordinator cancels: it is
never sent, by the resumer, after a restart or by Retry; one being sent that moment is not
cancelled, in words; and nothing the order had (its Berke assessment) is lost with it."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

import httpx
import pytest

from app.clients.errors import ApiError
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import CompleteStep, JournalEntry
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, OrderStatus, ResultType
from app.domain.step_cancel import (
    BEING_SENT,
    CANCELLED_BY_COORDINATOR,
    FILE_HAS_ITS_OWN_CANCEL,
    RESULT_ALREADY_SENT,
    RESULT_MAY_BE_MADE,
    after_cancel,
)
from app.views.activity import activity_line
from app.workflows.board import BoardListener
from app.workflows.desk import step_key
from app.workflows.order_actions import REJECT_WAITING
from app.workflows.outbox import CANCELLED_NOT_RETRIED
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.resume_news import ResumeNews
from tests.integration.helpers import RealNetwork, new_order_body
from tests.integration.test_close_the_loop import invited_order, with_board
from tests.integration.test_waiting_steps import RejectUnavailableOnce, ScriptedChanges

if TYPE_CHECKING:
    from pathlib import Path

    from app.sandbox import SandboxServer
    from app.workflows.board import OrderBoard
    from app.workflows.desk import Desk


async def order_with_a_waiting_reject(board: OrderBoard, desk: Desk, first: str) -> str:
    """A NEW order whose reject got a 503: its step waits in the journal for the resumer."""
    order = await desk.session.sr.create_test_order(new_order_body(first=first, last="Ode"))
    await board.sync()
    assert len(await board.reject([order.id], reason="Duplicate order")) == 1  # the 503
    assert board.state(order.id).pending == {StepKind.REJECT}
    return order.id


def the_reject(desk: Desk, order_id: str) -> int:
    (step,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.REJECT]
    return step.id


def test_a_cancelled_waiting_reject_is_never_sent_and_the_actions_come_back(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before, only a file's upload could be cancelled: a reject left waiting by a 503 was sent
    once the service was back, though the coordinator had changed their mind."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await order_with_a_waiting_reject(board, desk, "Ada")
        take_on = OrderAction.CREATE_ACCEPT_INVITE
        assert board.why_not(take_on, [order_id]) == REJECT_WAITING
        step_id = the_reject(desk, order_id)
        await board.cancel_waiting_step(order_id, step_id)
        cancelled = desk.journal.get(step_id)
        assert cancelled is not None
        assert cancelled.state is StepState.CANCELLED
        assert cancelled.message == CANCELLED_BY_COORDINATOR
        # A 503 may have come after SmartRecruiters did it: the line does not say it did not.
        assert activity_line(cancelled) == (
            "Order not rejected: Duplicate order (cancelled; an earlier try may have gone, its "
            "answer lost)"
        )
        assert board.state(order_id).pending == frozenset()
        assert board.state(order_id).failed == frozenset()  # not said to have failed
        assert board.why_not(take_on, [order_id]) is None
        assert board.why_not(OrderAction.REJECT, [order_id]) is None
        report = await board.resume()
        assert step_id not in report.done + report.waiting + report.failed
        assert (await desk.session.sr.get_order(order_id)).status is OrderStatus.NEW
        with pytest.raises(ActionNotAllowedError, match="already cancelled"):
            await board.cancel_waiting_step(order_id, step_id)
        with pytest.raises(ActionNotAllowedError) as retried:
            await board.retry_step(step_id)
        assert str(retried.value) == CANCELLED_NOT_RETRIED
        assert (await desk.session.sr.get_order(order_id)).status is OrderStatus.NEW

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


def test_a_cancelled_waiting_reject_stays_unsent_after_a_restart(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "desk.sqlite3"

    async def cancel(board: OrderBoard, desk: Desk) -> str:
        order_id = await order_with_a_waiting_reject(board, desk, "Bo")
        await board.cancel_waiting_step(order_id, the_reject(desk, order_id))
        return order_id

    order_id = with_board(sandbox, path, cancel, RejectUnavailableOnce())

    async def restart(board: OrderBoard, desk: Desk) -> None:
        assert board.state(order_id).pending == frozenset()
        await board.resume()
        assert (await desk.session.sr.get_order(order_id)).status is OrderStatus.NEW
        assert desk.journal.entries(order_id)[-1].state is StepState.CANCELLED

    with_board(sandbox, path, restart)


def test_a_step_being_sent_is_not_cancelled(sandbox: SandboxServer, tmp_path: Path) -> None:
    """The resumer picks the reject up as the coordinator clicks Cancel: the cancel is refused
    in words, and the reject goes as the resumer sends it (never half cancelled)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await order_with_a_waiting_reject(board, desk, "Cy")
        step_id = the_reject(desk, order_id)
        sr = desk.session.sr
        real_reject = sr.reject_order
        sending, gate = asyncio.Event(), asyncio.Event()

        async def held(order_id: str, **kwargs: object) -> AssessmentOrder | None:
            sending.set()
            await gate.wait()
            return await real_reject(order_id, **kwargs)  # type: ignore[arg-type]

        sr.reject_order = held  # type: ignore[method-assign]
        resuming = asyncio.ensure_future(board.resume())
        await sending.wait()
        with pytest.raises(ActionNotAllowedError) as refused:
            await board.cancel_waiting_step(order_id, step_id)
        assert str(refused.value) == BEING_SENT
        assert desk.journal.get(step_id).state is StepState.PENDING  # type: ignore[union-attr]
        gate.set()
        await resuming
        assert desk.journal.get(step_id).state is StepState.DONE  # type: ignore[union-attr]
        assert (await sr.get_order(order_id)).status is OrderStatus.REJECTED
        with pytest.raises(ActionNotAllowedError, match="already sent"):
            await board.cancel_waiting_step(order_id, step_id)

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


def test_a_cancelled_waiting_accept_keeps_its_assessment_and_accept_works_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The assessment was created in Berke and the accept got a 503. Cancelled, the accept
    is not sent, the order keeps its Berke assessment, and Accept sends it with that link."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Di", last="Ek"))
        await board.sync()
        link = await board.create_assessment(
            order.id, CreateAssessmentRequest(first_name="Di", last_name="Ek")
        )
        with pytest.raises(ApiError):  # the 503: the accept waits
            await board.accept(order.id)
        assert board.state(order.id).pending == {StepKind.ACCEPT}
        (step,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.ACCEPT]
        await board.cancel_waiting_step(order.id, step.id)
        assert desk.journal.assessment_for(order.id) == link
        assert board.state(order.id).link == link
        assert board.why_not(OrderAction.ACCEPT, [order.id]) is None
        await board.resume()
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.NEW
        accepted = await board.accept(order.id)
        assert accepted.status is OrderStatus.IN_PROGRESS
        assert desk.journal.assessment_for(order.id) == link

    with_board(sandbox, tmp_path / "desk.sqlite3", body, ScriptedChanges(accept=[503]))


def test_a_file_and_another_orders_step_are_not_cancelled_from_here(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await order_with_a_waiting_reject(board, desk, "Eli")
        other = await desk.session.sr.create_test_order(new_order_body(first="Fay", last="Ode"))
        await board.sync()
        with pytest.raises(ActionNotAllowedError, match="not one of this order's"):
            await board.cancel_waiting_step(other.id, the_reject(desk, order_id))
        from app.domain.journal import UploadStep

        upload = desk.journal.begin(order_id, UploadStep(upload_id=1, file_name="r.pdf"))
        with pytest.raises(ActionNotAllowedError) as refused:
            await board.cancel_waiting_step(order_id, upload)
        assert str(refused.value) == FILE_HAS_ITS_OWN_CANCEL
        assert desk.journal.get(the_reject(desk, order_id)).state is StepState.PENDING  # type: ignore[union-attr]

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


def test_the_completion_of_a_result_already_sent_is_not_cancelled(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The documented flow's completion follows a result already in SmartRecruiters. Cancelled,
    the order stayed in progress for good: Complete refused a second result ("the desk
    completes the order with that result by itself"), and the desk did not, its completion
    begun; Retry refused a cancelled step."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await order_with_a_waiting_reject(board, desk, "Gus")
        completing = desk.journal.begin(
            order_id, CompleteStep(flow=ResultFlow.DOCUMENTED, message="Report attached")
        )
        with pytest.raises(ActionNotAllowedError) as refused:
            await board.cancel_waiting_step(order_id, completing)
        assert str(refused.value) == RESULT_ALREADY_SENT
        assert desk.journal.get(completing).state is StepState.PENDING  # type: ignore[union-attr]

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


class Heard(BoardListener):
    def __init__(self) -> None:
        self.news: list[ResumeNews] = []

    def resume_ended(self, news: ResumeNews) -> None:
        self.news.append(news)


def test_a_step_cancelled_during_a_resume_pass_is_not_counted_as_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The pass read its list of waiting steps before the cancel, and was sending another
    order's: it found the cancelled one no longer pending, returned, and counted it sent
    ("From before: 2 steps sent", where one went)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        heard = Heard()
        board.listener = heard
        sr = desk.session.sr
        ids = []
        for first in ("Ana", "Bea"):
            order = await sr.create_test_order(new_order_body(first=first, last="Race"))
            await board.sync()
            assert len(await board.reject([order.id], reason="Duplicate order")) == 1  # 503
            ids.append(order.id)
        first_id, second_id = ids
        (second_step,) = [
            e.id for e in desk.journal.entries(second_id) if e.action is StepKind.REJECT
        ]
        real_reject = sr.reject_order
        sending, gate = asyncio.Event(), asyncio.Event()

        async def held(order_id: str, **kwargs: object) -> AssessmentOrder | None:
            if order_id == first_id:
                sending.set()
                await gate.wait()
            return await real_reject(order_id, **kwargs)  # type: ignore[arg-type]

        sr.reject_order = held  # type: ignore[method-assign]
        resuming = asyncio.ensure_future(board.resume())
        await sending.wait()  # the pass is sending the first order's reject
        await board.cancel_waiting_step(second_id, second_step)  # allowed: not being sent
        gate.set()
        report = await resuming
        assert desk.journal.get(second_step).state is StepState.CANCELLED  # type: ignore[union-attr]
        assert (await sr.get_order(second_id)).status is OrderStatus.NEW  # never sent
        # The pass did not send it: it must not be counted as sent.
        assert second_step not in report.done
        assert [n.text for n in heard.news] == ["From before: 1 step sent"]

    with_board(sandbox, tmp_path / "desk.sqlite3", body, ScriptedChanges(reject=[503, 503]))


def test_a_step_whose_cancel_holds_it_as_the_pass_comes_is_not_said_to_be_tried_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The cancel holds the step (``step_key``) while it writes: the pass coming to it then
    was refused "already being sent", and said it "will be tried again", of a step cancelled
    a moment later."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        heard = Heard()
        board.listener = heard
        order_id = await order_with_a_waiting_reject(board, desk, "Cai")
        step_id = the_reject(desk, order_id)
        listed = desk.journal.pending()  # the pass's list, read before the cancel
        desk.journal.pending = lambda: listed  # type: ignore[method-assign]
        assert desk.claim(step_key(step_id))  # the cancel, as it writes
        try:
            assert desk.journal.cancel(step_id, CANCELLED_BY_COORDINATOR)
            report = await board.resume()
        finally:
            desk.release(step_key(step_id))
        assert step_id not in report.waiting + report.done + report.failed
        assert heard.news == []  # nothing left waiting: nothing to say

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


class LosesFirstPost(RealNetwork):
    """The first POST to a path ending ``suffix`` reaches the service (carried out) and its
    answer is lost: the sandbox's fail-rate "dropped after" fault, made certain."""

    def __init__(self, suffix: str) -> None:
        super().__init__()
        self.suffix, self.left = suffix, 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.left and request.method == "POST" and request.url.path.endswith(self.suffix):
            self.left = 0
            await response.aread()
            raise httpx.ReadError("connection reset", request=request)
        return response


def waiting_step(desk: Desk, order_id: str, kind: StepKind) -> JournalEntry:
    (entry,) = [
        e
        for e in desk.journal.entries(order_id)
        if e.action is kind and e.state is StepState.PENDING
    ]
    return entry


def test_a_comment_whose_answer_was_lost_is_cancelled_saying_it_may_be_there(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Found by a seeded day against failing services: a comment whose answer was lost was
    kept "never went" (only accepts, rejects, completions, invitations and creates were
    watched), and its Cancel said "The comment will not be added", though it was there."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Nadia", "nadia@example.com")
        with pytest.raises(ApiError):
            await board.add_comment(order_id, "Called the candidate: starts Monday.")
        said = [c.message for c in await desk.session.sr.list_comments(order_id)]
        assert said == ["Called the candidate: starts Monday."]  # it reached SmartRecruiters
        entry = waiting_step(desk, order_id, StepKind.COMMENT)
        assert entry.may_have_gone
        assert after_cancel(entry, assessment_linked=True).startswith(
            "An earlier try may have reached SmartRecruiters before its answer was lost"
        )

    with_board(sandbox, tmp_path / "desk.sqlite3", body, LosesFirstPost("/comments"))


def test_a_result_whose_answer_was_lost_is_not_cancelled_and_no_second_one_is_made(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Cancelled, a result whose answer was lost stayed in SmartRecruiters unknown to the
    desk, and completing the order again made a second one. Not cancelled, the resumer finds
    it and takes it as the order's."""
    result = AssessmentResult(
        result_type=ResultType.DOCUMENT, result="own.pdf", title="Interview", score="70%"
    )

    async def body(board: OrderBoard, desk: Desk) -> None:
        board.options = replace(board.options, result_flow=ResultFlow.DOCUMENTED)
        order_id = await invited_order(board, desk, "Omar", "omar@example.com")
        with pytest.raises(ApiError):
            await board.complete(order_id, result)
        entry = waiting_step(desk, order_id, StepKind.CREATE_RESULT)
        with pytest.raises(ActionNotAllowedError) as refused:
            await board.cancel_waiting_step(order_id, entry.id)
        assert str(refused.value) == RESULT_MAY_BE_MADE
        await board.resume()
        assert len(await desk.session.sr.list_results(order_id)) == 1
        assert (await desk.session.sr.get_order(order_id)).status is OrderStatus.COMPLETED

    with_board(sandbox, tmp_path / "desk.sqlite3", body, LosesFirstPost("/results"))
