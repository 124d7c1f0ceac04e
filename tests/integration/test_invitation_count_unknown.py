"""Invitations against a Berke whose GetAssessmentStatus does not count the invitations it sent
(its reference gives "the assessment's identity and status", no ``invitationsSent``; the
sandbox adds the count only when asked to). A count Berke does not give is not known, never
0: a retried invitation that may have gone is not sent again, and one known never to have
left is."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

import app.store.journal as journal_store
from app.clients.errors import AuthError, NetworkError, ServerError, ThrottledError
from app.domain.assessment_prefill import stable_candidate_id
from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.invitation_doubt import MAY_HAVE_GONE
from app.domain.journal import AssessmentLinked, InvitationSent, InviteStep
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.superseded_steps import (
    MAY_HAVE_GONE_UNCOUNTED,
    MAY_HAVE_INVITED_SINCE,
    retry_refused_reason,
    superseded_reason,
)
from app.sandbox import SandboxServer
from app.views.activity import activity_line
from app.workflows.batch import (
    MAY_HAVE_GONE_ELSEWHERE_STEP,
    Outcome,
    OutcomeKind,
    PlanKind,
    PlannedOrder,
    default_request,
    plan_summary,
    run_batch,
    why_not_in_batch,
)
from app.workflows.batch_rules import OTHER_ORDERS_MAY_HAVE_GONE
from app.workflows.board import BoardOptions, OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import (
    OTHER_INVITE_WAITING,
    accept_order,
    create_assessment,
    create_assessment_outcome,
    reject_order,
    reuse_assessment,
    send_invitation,
)
from app.workflows.outbox import resume_pending, retry_step
from app.workflows.refusals import (
    MAY_HAVE_BEEN_ELSEWHERE,
    ActionNotAllowedError,
    AlreadyInvitedError,
    CooldownError,
    InvitationNotSentAgainError,
    StepDeferredError,
    StepRefusedError,
)
from tests.integration.helpers import (
    AnswersInTurn,
    FailsOnce,
    LosesAnAnswer,
    RealNetwork,
    new_order_body,
    sandbox_answering,
    time_passes,
)
from tests.integration.test_candidate_with_two_orders import sandbox_assessments
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_delivery_races import board_on, desk_of
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.domain.journal import JournalEntry


@pytest.fixture(scope="module")
def uncounted_sandbox() -> Any:
    """A Berke whose status answer has no invitation count, as its reference has it."""
    with sandbox_answering(status_counts_invitations=False) as server:
        yield server


@pytest.fixture(scope="module")
def counted_sandbox() -> Any:
    """A Berke whose status counts the invitations it sent (not in its reference)."""
    with sandbox_answering(status_counts_invitations=True) as server:
        yield server


def lost_answer() -> FailsOnce:
    """The first SendInvitation is carried out, and its answer lost (a gateway's 503)."""
    return FailsOnce("/SendInvitation", 503, {"message": "gateway"}, carried_out=True)


class NeverLeavesOnce(RealNetwork):
    """The first SendInvitation never reaches Berke: denied (a 429 whose wait is longer than
    the client waits) or never connected."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how
        self.left = 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.left and request.url.path.endswith("/SendInvitation"):
            self.left = 0
            if self.how == "unreachable":
                raise httpx.ConnectError("Connection refused", request=request)
            throttled = {
                "status": "error",
                "response": "Too many calls.",
                "callExpiresOnCompletion": False,
                "isDailyLimit": False,
                "estimatedMillisecondsToNextAllowedCall": 3_600_000,
            }
            return httpx.Response(
                429, json=throttled, headers={"X-Response-Code": "429.1011"}, request=request
            )
        return await self.inner.handle_async_request(request)


def invitations_sent(server: SandboxServer, link: LinkedAssessment) -> int:
    """How many invitations Berke sent for the assessment (the sandbox's own record)."""
    (sent,) = [
        a["invitationsSent"]
        for a in sandbox_assessments(server)
        if a["sourceCandidateId"] == link.source_candidate_id
    ]
    return int(sent)


async def accepted_order(desk: Desk, first: str) -> tuple[AssessmentOrder, LinkedAssessment]:
    """A candidate's order, its Berke assessment created and the order accepted."""
    email = f"{first.lower()}@example.com"
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last="Ng", email=email)
    )
    desk.orders.put(order)
    link = await create_assessment(
        desk,
        order,
        CreateAssessmentRequest(first_name=first, last_name="Ng", email_address=email),
    )
    return await accept_order(desk, order), link


def invite_step(desk: Desk, order_id: str) -> JournalEntry:
    """The order's latest invite step."""
    return [e for e in desk.journal.entries(order_id) if e.action is StepKind.INVITE][-1]


async def killed_while_inviting(desk: Desk, order: AssessmentOrder) -> None:
    """The order's invitation as a desk killed once its request left (Berke sent it) leaves
    it: waiting, "may have gone", no count kept. A desk that sees its try end fails it at once
    (``settle_lost_invitation``); this one is left to the resumer's pass after a restart."""
    link = await asyncio.to_thread(desk.journal.assessment_for, order.id)
    assert link is not None
    request = SendInvitationRequest(
        source_candidate_id=link.source_candidate_id,
        email_address=link.invitation_address(order.candidate.email),
    )
    step_id = await asyncio.to_thread(desk.journal.begin, order.id, InviteStep(request=request))
    await asyncio.to_thread(desk.journal.set_may_have_gone, step_id, True)
    with contextlib.suppress(ServerError):  # the test's Berke may lose its answer: it went
        await desk.session.berke.send_invitation(request)


NOT_SENT_AGAIN = (
    "The invitation may have gone before its answer was lost, and Berke does not say how many "
    "it has sent: it is not sent again, so that the candidate does not get it twice. If they "
    "did not get it, {what}."
)


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "uncounted"])
def test_an_invitation_whose_answer_was_lost_is_not_sent_twice(
    counted_sandbox: SandboxServer,
    uncounted_sandbox: SandboxServer,
    tmp_path: Path,
    counted: bool,
) -> None:
    """Berke sent it and its answer was lost (a 503). Where Berke counts invitations, the
    resumer finds it sent, as before. Where it does not, the missing count was read as 0,
    and the resumer emailed the candidate a second time: now the step fails saying why, and
    a Retry does not send it either. It fails as the try ends, as the resumer's pass would
    fail it: left waiting for that pass, its Invite was refused as "retried automatically"."""
    server = counted_sandbox if counted else uncounted_sandbox

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Ivy")
        with pytest.raises(ServerError if counted else InvitationNotSentAgainError) as raised:
            await send_invitation(desk, order)
        if counted:  # the count tells the resumer
            assert invite_step(desk, order.id).state is StepState.PENDING
        else:
            assert str(raised.value).endswith(NOT_SENT_AGAIN.format(what="invite them again"))
            assert invite_step(desk, order.id).state is StepState.FAILED
        await resume_pending(desk)
        entry = invite_step(desk, order.id)
        if counted:
            assert entry.state is StepState.DONE
            assert isinstance(entry.outcome, InvitationSent)
            assert entry.outcome.already_sent
        else:
            assert entry.state is StepState.FAILED
            assert entry.message == NOT_SENT_AGAIN.format(what="invite them again")
            # The coordinator's Retry (off in the activity list): refused before anything.
            refused = retry_refused_reason(entry, desk.journal.entries(order.id))
            assert refused == MAY_HAVE_GONE_UNCOUNTED.format(again="use Invite (it asks first)")
            with pytest.raises(ActionNotAllowedError) as raised:
                await retry_step(desk, entry.id)
            assert str(raised.value) == refused
            assert invite_step(desk, order.id).state is StepState.FAILED
        assert invitations_sent(server, link) == 1

    run_with_desk(server, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


LOST_TO_A_503 = "Berke did not answer the invitation (503: Service Unavailable). "


def test_the_words_of_an_invitation_not_sent_again_do_not_say_try_again(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The Invite dialog closed on the 503's own summary, "trying again later usually
    works", then "it is not sent again ... invite them again": read first, the lead asked
    for a blind retry, a second email to a candidate who may have the first. The lead now
    says what failed, and only the words after it what to do."""

    async def body(desk: Desk) -> None:
        order, _link = await accepted_order(desk, "Ivy")
        with pytest.raises(InvitationNotSentAgainError) as raised:
            await send_invitation(desk, order)
        said = str(raised.value)
        assert said == LOST_TO_A_503 + NOT_SENT_AGAIN.format(what="invite them again")

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


@pytest.mark.parametrize("how", ["throttled", "unreachable"])
def test_an_invitation_that_never_left_is_sent_once_without_a_count(
    uncounted_sandbox: SandboxServer, tmp_path: Path, how: str
) -> None:
    """Its only try was denied (a 429) or never reached Berke: it did not go, and the
    resumer sends it, once. The status looks made around it are not taken for its send."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, f"Una{how}")
        with pytest.raises((ThrottledError, NetworkError)):
            await send_invitation(desk, order)
        waiting = invite_step(desk, order.id)
        assert waiting.state is StepState.PENDING
        assert not waiting.may_have_gone
        time_passes(desk.session.berke, 3600)  # a 429's wait: no call went before its end
        await resume_pending(desk)
        assert invite_step(desk, order.id).state is StepState.DONE
        assert invitations_sent(uncounted_sandbox, link) == 1

    network = NeverLeavesOnce(how)
    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)


def test_a_reminder_whose_answer_was_lost_is_not_sent_twice_without_a_count(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The invitation went; the reminder went too, its answer lost: the resumer sent it a
    second time. Now it fails, pointing at a reminder, and the candidate has two emails."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Rhea")
        await send_invitation(desk, order)
        with pytest.raises(InvitationNotSentAgainError, match="send a reminder"):
            await send_invitation(desk, order, resend=True)
        await resume_pending(desk)
        entry = invite_step(desk, order.id)
        assert entry.state is StepState.FAILED
        assert entry.message == NOT_SENT_AGAIN.format(what="send a reminder")
        refused = retry_refused_reason(entry, desk.journal.entries(order.id))
        assert refused == MAY_HAVE_GONE_UNCOUNTED.format(again="send a reminder")
        assert invitations_sent(uncounted_sandbox, link) == 2

    run_with_desk(
        uncounted_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=LosesAnAnswer("/SendInvitation", nth=2),
    )


def test_an_invitation_waiting_for_an_order_rejected_since_claims_nothing_without_a_count(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Its answer was lost, then the order was rejected: with no count, the resumer said
    "the candidate was not invited", though the invitation had gone."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Ada")
        await killed_while_inviting(desk, order)
        await reject_order(desk, order, reason="Candidate withdrew")
        await resume_pending(desk)
        entry = invite_step(desk, order.id)
        assert entry.state is StepState.FAILED
        assert "cannot be told" in (entry.message or "")
        assert "was not invited" not in (entry.message or "")
        assert invitations_sent(uncounted_sandbox, link) == 1

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


async def second_order_reusing(
    desk: Desk, first: AssessmentOrder, link: LinkedAssessment
) -> AssessmentOrder:
    """The candidate's second order, linked to the first's Berke assessment."""
    second = await desk.session.sr.create_test_order(
        new_order_body(first=first.candidate.first_name, last="Ng", email=link.created_email)
    )
    desk.orders.put(second)
    await reuse_assessment(desk, second, link, first.id)
    return second


def test_a_first_invitation_sent_here_for_the_other_order_is_not_repeated_without_a_count(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's two orders share one assessment, invited for the first. With no count,
    the second order's Invite took Berke for having sent none, and emailed them again; now
    this desk's journal says it went, as Berke's count did."""

    async def body(desk: Desk) -> None:
        first, link = await accepted_order(desk, "Mae")
        await send_invitation(desk, first)
        second = await second_order_reusing(desk, first, link)
        with pytest.raises(AlreadyInvitedError, match="for the candidate's other order"):
            await send_invitation(desk, second)
        assert invitations_sent(uncounted_sandbox, link) == 1

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_first_invitation_waits_for_the_other_orders_send_without_a_count(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first order's invitation went, its answer lost (it waits in the journal); with no
    count, the second order's Invite emailed the candidate again. Now it waits, as a reminder
    does."""

    async def body(desk: Desk) -> None:
        first, link = await accepted_order(desk, "Noa")
        await killed_while_inviting(desk, first)
        second = await second_order_reusing(desk, first, link)
        with pytest.raises(StepDeferredError) as info:
            await send_invitation(desk, second)
        assert str(info.value) == OTHER_INVITE_WAITING
        assert invitations_sent(uncounted_sandbox, link) == 1

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


def test_the_other_orders_invite_does_not_resend_one_that_may_have_gone(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first order's invitation may have gone (its answer lost), so it was not sent again.
    Before: the second order's Invite, on the same assessment, sent it a second time unasked;
    now it asks first, as when it is known sent (helper-166)."""

    async def body(desk: Desk) -> None:
        first, link = await accepted_order(desk, "Lea")
        with pytest.raises(InvitationNotSentAgainError):
            await send_invitation(desk, first)  # Berke sent it; its answer was lost
        await resume_pending(desk)
        assert invite_step(desk, first.id).state is StepState.FAILED
        second = await second_order_reusing(desk, first, link)
        with pytest.raises(AlreadyInvitedError, match="for the candidate's other order"):
            await send_invitation(desk, second)
        assert invitations_sent(uncounted_sandbox, link) == 1

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


#: Berke's refusal of a SendInvitation: never sent.
ACCESS_DENIED = {"status": "error", "response": "Access denied for this user."}


def test_an_old_failed_invitation_is_not_retried_once_one_went_since(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An invitation refused (never sent), the cause mended, invited again: it went. Before:
    Retry on the old failed step, with no count to go by, emailed the candidate a second
    time; for the order's own it is now refused, and for the other order's too (helper-166)."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Ines")
        with pytest.raises(AuthError):
            await send_invitation(desk, order)
        old = invite_step(desk, order.id)
        assert (old.state, old.may_have_gone) == (StepState.FAILED, False)
        await send_invitation(desk, order)  # Invite again: it goes
        with pytest.raises(ActionNotAllowedError, match="invitation went from this desk"):
            await retry_step(desk, old.id)
        assert invitations_sent(uncounted_sandbox, link) == 1

        # The same for the candidate's other order's old failed step, sent for this one since.
        other = await second_order_reusing(desk, order, link)
        step = InviteStep(
            request=old.step.request.model_copy(),  # type: ignore[union-attr]
            invitations_sent_before=None,
        )
        entry_id = await asyncio.to_thread(desk.journal.begin, other.id, step)
        await asyncio.to_thread(desk.journal.fail, entry_id, "Access denied for this user.")
        await asyncio.to_thread(desk.journal.set_may_have_gone, entry_id, False)
        await send_invitation(desk, order, resend=True)  # a reminder, after it was asked
        with pytest.raises(StepRefusedError, match="went from this desk after this step"):
            await retry_step(desk, entry_id)
        assert invitations_sent(uncounted_sandbox, link) == 2  # the first, and the reminder

    network = FailsOnce("/SendInvitation", 403, ACCESS_DENIED)
    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)


def test_an_old_failed_invitation_is_not_retried_after_one_went_since_a_clock_set_back(
    uncounted_sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other order's old failed step, asked while the clock ran two hours ahead (NTP then
    set it back), and a reminder sent after it: "went since" compared only the times, the
    reminder's read as before the step, and Retry emailed the candidate a third time."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Ivo")
        with pytest.raises(AuthError):
            await send_invitation(desk, order)
        await send_invitation(desk, order)  # invited again: it goes
        old = invite_step(desk, order.id)
        other = await second_order_reusing(desk, order, link)
        ahead = (datetime.now(UTC) + timedelta(hours=2)).isoformat(timespec="milliseconds")
        monkeypatch.setattr(journal_store, "utc_now", lambda: ahead)
        step = InviteStep(
            request=old.step.request.model_copy(),  # type: ignore[union-attr]
            invitations_sent_before=None,
        )
        entry_id = await asyncio.to_thread(desk.journal.begin, other.id, step)
        await asyncio.to_thread(desk.journal.fail, entry_id, "Access denied for this user.")
        await asyncio.to_thread(desk.journal.set_may_have_gone, entry_id, False)
        monkeypatch.undo()  # the clock put right
        await send_invitation(desk, order, resend=True)  # a reminder, after it was asked
        with pytest.raises(StepRefusedError, match="went from this desk after this step"):
            await retry_step(desk, entry_id)
        assert invitations_sent(uncounted_sandbox, link) == 2  # the first, and the reminder

    network = FailsOnce("/SendInvitation", 403, ACCESS_DENIED)
    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)


async def batch_fails_first(
    board: OrderBoard, desk: Desk, first: str, last: str, email: str
) -> AssessmentOrder:
    """A new order whose first "create, accept and invite" failed (an answer lost)."""
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last=last, email=email)
    )
    desk.orders.put(order)
    await board.load()
    (outcome,) = await board.create_accept_invite([order.id])
    assert outcome.kind is OutcomeKind.FAILED
    return order


def test_the_batch_does_not_resend_an_invitation_that_may_have_gone(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The batch's invitation went, its answer lost; the resumer failed it "may have gone,
    not sent again". Before, the batch window's "Retry the failed" (the same run) sent it a
    second time: only the candidate's other orders were looked at. Now the board and the
    batch skip it, and Invite asks first."""
    email = "bea.retry@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await batch_fails_first(board, desk, "Bea", "Retry", email)
        await resume_pending(desk)
        assert invite_step(desk, order.id).state is StepState.FAILED
        await board.refresh([order.id])
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [order.id]) == MAY_HAVE_GONE
        (plan,) = (await board.plan_batch([order.id])).orders
        assert plan.kind is PlanKind.SKIP
        (again,) = await board.create_accept_invite([order.id])
        assert (again.kind, again.detail) == (OutcomeKind.SKIPPED, MAY_HAVE_GONE)
        with pytest.raises(AlreadyInvitedError, match="may have been sent already"):
            await board.invite(order.id)
        assert sent_to(uncounted_sandbox, email) == 1

    with_board(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


def test_the_batchs_invitation_that_may_have_gone_is_failed_as_the_run_ends(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The batch's invitation went, its answer lost (its step keeps 0 sent before, the
    assessment made a moment ago, though Berke counts none). Before, it waited for the
    resumer's pass, which could only fail it, and meanwhile the order's Invite was refused as
    "retried automatically". Now it fails as the run ends, in the pass's words, and Invite is
    offered at once, asking first."""
    email = "bea.atonce@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Bea", last="Atonce", email=email)
        )
        desk.orders.put(order)
        await board.load()
        (outcome,) = await board.create_accept_invite([order.id])
        assert outcome.kind is OutcomeKind.FAILED
        assert outcome.detail == LOST_TO_A_503 + NOT_SENT_AGAIN.format(what="invite them again")
        entry = invite_step(desk, order.id)
        assert (entry.state, entry.may_have_gone) == (StepState.FAILED, True)
        assert board.why_not(OrderAction.INVITE, [order.id]) is None
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [order.id]) == MAY_HAVE_GONE
        with pytest.raises(AlreadyInvitedError, match="may have been sent already"):
            await board.invite(order.id)
        assert sent_to(uncounted_sandbox, email) == 1

    with_board(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


def test_an_invitation_left_waiting_by_a_desk_killed_is_failed_on_restart_in_the_same_words(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Killed once its request left, the desk never saw the try end: the resumer's pass after
    the restart fails it as a desk that saw it end does at once (its words, not sent again)."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Kit")
        await killed_while_inviting(desk, order)
        assert invite_step(desk, order.id).state is StepState.PENDING
        await resume_pending(desk)
        entry = invite_step(desk, order.id)
        assert (entry.state, entry.may_have_gone) == (StepState.FAILED, True)
        assert entry.message == NOT_SENT_AGAIN.format(what="invite them again")
        assert invitations_sent(uncounted_sandbox, link) == 1

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body)


def sent_to(server: SandboxServer, email: str) -> int:
    """How many invitations Berke sent to ``email``, over all its assessments."""
    return sum(
        int(a.get("invitationsSent") or 0)
        for a in sandbox_assessments(server)
        if (a.get("emailAddress") or "").casefold() == email
    )


def refused_then_lost() -> AnswersInTurn:
    """1st SendInvitation: refused (403, not sent). 2nd: carried out, its answer lost (503)."""
    return AnswersInTurn(
        "/SendInvitation", (403, ACCESS_DENIED), (503, {"message": "gateway"}, True)
    )


@pytest.mark.parametrize("resumed", [True, False], ids=["failed-may-have-gone", "still-waiting"])
def test_an_old_failed_invitation_is_not_retried_after_one_that_may_have_gone(
    uncounted_sandbox: SandboxServer, tmp_path: Path, resumed: bool
) -> None:
    """An invitation refused (never sent), the cause mended, invited again: that one went,
    its answer lost (failed "may have gone" by the resumer, or still waiting). Before, Retry
    on the old failed step sent it: only later steps done counted."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, f"Oda{int(resumed)}")
        with pytest.raises(AuthError):
            await send_invitation(desk, order)
        old = invite_step(desk, order.id)
        if resumed:
            with pytest.raises(InvitationNotSentAgainError):
                await send_invitation(desk, order)
            later = invite_step(desk, order.id)
            assert later.state is StepState.FAILED
            assert later.may_have_gone
        else:
            await killed_while_inviting(desk, order)
        failed = desk.journal.get(old.id)
        assert failed is not None
        reason = superseded_reason(failed, desk.journal.entries(order.id))
        assert reason == MAY_HAVE_INVITED_SINCE  # Retry is off in the activity list
        with pytest.raises(ActionNotAllowedError, match="may have gone from this desk"):
            await retry_step(desk, old.id)
        assert invitations_sent(uncounted_sandbox, link) == 1

    run_with_desk(
        uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=refused_then_lost()
    )


async def invite_lost(board: OrderBoard, desk: Desk, first: str, last: str, email: str) -> str:
    """A candidate's order, its assessment created and the order accepted through the board;
    its invitation's answer is lost (the test's Berke transport), and the resumer has run.
    Returns the order's id."""
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last=last, email=email)
    )
    desk.orders.put(order)
    await board.load()
    await board.create_assessment(
        order.id, CreateAssessmentRequest(first_name=first, last_name=last, email_address=email)
    )
    await board.accept(order.id)
    # Failed at once where Berke gives no count; where it counts, the resumer goes by it.
    with pytest.raises((InvitationNotSentAgainError, ServerError)):
        await board.invite(order.id)
    await resume_pending(desk)
    return order.id


async def second_order_planned(
    board: OrderBoard, desk: Desk, first: str, last: str, email: str
) -> tuple[AssessmentOrder, PlannedOrder]:
    """The candidate's second order, synced, and its row of a batch plan: a reuse of the
    first order's assessment."""
    second = await desk.session.sr.create_test_order(
        new_order_body(first=first, last=last, email=email)
    )
    desk.orders.put(second)
    await board.load()
    (row,) = (await board.plan_batch([second.id])).orders
    assert row.kind is PlanKind.REUSE
    return second, row


def test_the_plan_does_not_promise_an_invitation_the_run_will_not_send(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's first order's invitation may have gone (failed so by the resumer).
    Before, their second order's plan said "Reuse …, accept, invite …", and the run then said
    "Berke has already sent this invitation": the source's own order was left out."""
    email = "pia.plan@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        await invite_lost(board, desk, "Pia", "Plan", email)
        second, row = await second_order_planned(board, desk, "Pia", "Plan", email)
        assert row.what_happens().endswith("accept; no second invitation")
        (out,) = await board.create_accept_invite([second.id], plan=[row])
        assert out.kind is OutcomeKind.DONE
        assert "no new invitation" in out.detail
        assert sent_to(uncounted_sandbox, email) == 1

    with_board(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


def test_a_reminder_that_may_have_gone_holds_the_next_one_in_the_cooldown(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A reminder went, its answer lost; the resumer failed it "may have gone". Before, the
    next Remind went at once: the cooldown counted only sends known to have gone; then it
    said the reminder "was sent", where it may have gone."""

    async def body(desk: Desk) -> None:
        board = OrderBoard(desk, options=BoardOptions(invite_cooldown=timedelta(hours=24)))
        try:
            order, link = await accepted_order(desk, "Rona")
            await board.load()
            await board.invite(order.id)
            with desk.db.transaction() as conn:  # invited four days ago: a reminder is due
                old = (datetime.now(UTC) - timedelta(days=4)).isoformat()
                conn.execute(
                    "UPDATE assessments SET invited_at = ? WHERE order_id = ?", (old, order.id)
                )
            await board.refresh([order.id])
            with pytest.raises(InvitationNotSentAgainError):
                await board.remind(order.id)  # Berke sent it; the answer was lost
            await board.resume()
            reminder = invite_step(desk, order.id)
            assert reminder.state is StepState.FAILED
            assert reminder.may_have_gone
            await board.refresh([order.id])
            # In its words: one that may have gone (before: "was sent an invitation at").
            with pytest.raises(CooldownError, match="may have been sent to this person at"):
                await board.remind(order.id)
            assert invitations_sent(uncounted_sandbox, link) == 2
            await board.remind(order.id, override_cooldown=True)  # the candidate asks
            assert invitations_sent(uncounted_sandbox, link) == 3
        finally:
            await board.stop()

    run_with_desk(
        uncounted_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=LosesAnAnswer("/SendInvitation", nth=2),
    )


def test_another_desks_invitation_is_not_sent_again_unasked(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Desk A creates, accepts and invites. Desk B links A's assessment (found in Berke).
    Before, B flagged "the candidate was never sent the Berke invitation: send it", and its
    Invite emailed them again unasked; where Berke counts, Invite asked first."""
    holder: dict[str, Any] = {}

    async def desk_a(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Tove", last="Ek", email="tove@example.com")
        )
        desk.orders.put(order)
        (out,) = await run_batch(desk, [order], lambda o: default_request(o, []))
        assert out.kind is OutcomeKind.DONE
        holder["order_id"] = order.id

    async def desk_b(desk: Desk) -> None:
        order = await desk.session.sr.get_order(holder["order_id"])  # synced: in progress
        desk.orders.put(order)
        board = OrderBoard(desk)
        await board.load()
        try:
            await board.create_assessment(
                order.id,
                CreateAssessmentRequest(
                    first_name="Tove", last_name="Ek", email_address="tove@example.com"
                ),
            )
            flags = {f.kind: f.text for f in board.flags(order.id)}
            assert "never sent the Berke" not in flags[Attention.NOT_INVITED]
            assert "may have gone from another desk" in flags[Attention.NOT_INVITED]
            with pytest.raises(AlreadyInvitedError, match="may have been sent already, from"):
                await board.invite(order.id)
        finally:
            await board.stop()

    run_with_desk(uncounted_sandbox, tmp_path / "a.sqlite3", desk_a)
    run_with_desk(uncounted_sandbox, tmp_path / "b.sqlite3", desk_b)
    cid = stable_candidate_id(holder["order_id"])
    (sent,) = [
        int(a["invitationsSent"])
        for a in sandbox_assessments(uncounted_sandbox)
        if a["sourceCandidateId"] == cid
    ]
    assert sent == 1


def test_an_invitation_that_may_have_gone_is_not_called_sent_for_the_other_order(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first order's invitation may have gone (its answer lost). Before: the batch left the
    candidate's other order alone saying the invitation "was sent ...: nothing is left to do
    here", and the candidate was perhaps never invited (helper-169)."""

    async def body(desk: Desk) -> None:
        first, link = await accepted_order(desk, "Noor")
        with pytest.raises(InvitationNotSentAgainError):
            await send_invitation(desk, first)
        await resume_pending(desk)
        second = await accept_order(desk, await second_order_reusing(desk, first, link))
        linked = desk.journal.assessment_for(second.id)
        assert linked is not None
        assert await why_not_in_batch(desk, second, linked) == OTHER_ORDERS_MAY_HAVE_GONE
        with pytest.raises(AlreadyInvitedError) as asked:
            await send_invitation(desk, second)
        assert "has already sent" not in str(asked.value)
        assert invitations_sent(uncounted_sandbox, link) == 1

    run_with_desk(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


async def _second_order_reused(
    board: OrderBoard, desk: Desk, server: SandboxServer, first_name: str
) -> str:
    """The candidate's second order, reusing the first's assessment, whose invitation may
    have gone (its answer lost): the batch accepted it with no new invitation."""
    email = f"{first_name.lower()}.flag@example.com"
    await invite_lost(board, desk, first_name, "Flag", email)  # Berke sent it
    second = await desk.session.sr.create_test_order(
        new_order_body(first=first_name, last="Flag", email=email)
    )
    desk.orders.put(second)
    await board.load()
    (row,) = (await board.plan_batch([second.id])).orders
    assert row.kind is PlanKind.REUSE
    (out,) = await board.create_accept_invite([second.id], plan=[row])
    assert out.kind is OutcomeKind.DONE
    assert "no new invitation" in out.detail
    with pytest.raises(AlreadyInvitedError, match="may have been sent already"):
        await board.invite(second.id)
    assert sent_to(server, email) == 1  # the candidate has it
    await board.refresh([second.id])
    return second.id


def test_a_reused_orders_flag_does_not_say_never_sent(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: its "Not invited" flag said the candidate "was never sent the Berke invitation:
    send it", the opposite of what the batch and Invite said (helper-173)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        second = await _second_order_reused(board, desk, uncounted_sandbox, "Tia")
        words = [f.text for f in board.flags(second) if f.kind is Attention.NOT_INVITED]
        assert len(words) == 1
        assert "may have been sent for the candidate's other order" in words[0]

    with_board(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


def test_the_boards_batch_rule_mirrors_the_plan_for_the_reused_order(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the board offered Create, accept and invite for it, and the plan skipped it."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        second = await _second_order_reused(board, desk, uncounted_sandbox, "Uma")
        (row,) = (await board.plan_batch([second])).orders
        assert row.kind is PlanKind.SKIP
        assert row.reason == OTHER_ORDERS_MAY_HAVE_GONE
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [second]) == row.reason

    with_board(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


def test_an_assessment_this_desks_lost_create_made_is_invited_as_planned(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The batch's create went, its answer lost; its retry found the assessment in Berke.
    Before, that link counted as "found in Berke: another desk may have invited", so the plan
    said "invite" and the run ended "no invitation sent: it may have been sent already, from
    another desk", where Berke gives no count: nobody had invited to it. The create's own
    earlier try made it: it is invited once."""
    email = "lia.lost@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await batch_fails_first(board, desk, "Lia", "Lost", email)
        await resume_pending(desk)  # its retry finds it in Berke
        (create,) = [
            e for e in desk.journal.entries(order.id) if e.action is StepKind.CREATE_ASSESSMENT
        ]
        assert create.state is StepState.DONE
        assert isinstance(create.outcome, AssessmentLinked)
        assert create.outcome.own_try
        assert "after an answer was lost" in activity_line(create, None)
        await board.refresh([order.id])
        (plan,) = (await board.plan_batch([order.id])).orders
        assert "invite" in plan.what_happens()
        (again,) = await board.create_accept_invite([order.id], plan=[plan])
        assert again.kind is OutcomeKind.DONE, again.detail
        assert "invited" in again.detail
        assert sent_to(uncounted_sandbox, email) == 1

    lost = FailsOnce("/CreateAssessment", 503, {"message": "gateway"}, carried_out=True)
    with_board(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost)


def test_an_assessment_made_before_this_desks_create_still_asks_before_inviting(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The other side of the rule above: this desk's create was refused as taken, so the
    assessment under the order's own id was there before it (another desk made it, and may
    have invited to it): Invite asks first, and the activity says where it was found."""
    email = "oda.other@example.com"
    holder: dict[str, Any] = {}

    async def desk_a(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Oda", last="Other", email=email)
        )
        desk.orders.put(order)
        await create_assessment(
            desk,
            order,
            CreateAssessmentRequest(first_name="Oda", last_name="Other", email_address=email),
        )
        holder["order"] = order

    async def desk_b(desk: Desk) -> None:
        order = holder["order"]
        desk.orders.put(order)  # still new: desk A made the assessment, no more
        made = await create_assessment_outcome(
            desk,
            order,
            CreateAssessmentRequest(first_name="Oda", last_name="Other", email_address=email),
        )
        assert (made.recovered, made.own_try) == (True, False)
        await accept_order(desk, order)
        with pytest.raises(AlreadyInvitedError, match="from another desk"):
            await send_invitation(desk, await desk.session.sr.get_order(order.id))
        (create,) = [
            e for e in desk.journal.entries(order.id) if e.action is StepKind.CREATE_ASSESSMENT
        ]
        assert "made before this step" in activity_line(create, None)

    run_with_desk(uncounted_sandbox, tmp_path / "a.sqlite3", desk_a)
    run_with_desk(uncounted_sandbox, tmp_path / "b.sqlite3", desk_b)
    assert sent_to(uncounted_sandbox, email) == 0


def test_the_batchs_second_order_is_done_while_the_first_orders_invitation_waits(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's two orders in one batch; the first order's invitation went, its answer
    lost. Before, the second order (accepted with the same assessment) was reported Failed:
    the other order's invitation "is retried automatically", which nothing does where Berke
    gives no count (the resumer fails it "may have gone"). Its own work is done, said so."""
    email = "vera.uncounted@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        orders = [
            await desk.session.sr.create_test_order(
                new_order_body(first="Vera", last="Okafor", email=email)
            )
            for _ in range(2)
        ]
        for order in orders:
            desk.orders.put(order)
        await board.load()
        plan = await board.plan_batch([o.id for o in orders])
        first, second = await board.create_accept_invite([o.id for o in orders], plan=plan.orders)
        assert first.kind is OutcomeKind.FAILED
        # Failed as the try ended, as the resumer's pass would: no longer waiting.
        assert first.detail.endswith(NOT_SENT_AGAIN.format(what="invite them again"))
        assert invite_step(desk, first.order_id).state is StepState.FAILED
        assert second.kind is OutcomeKind.DONE, second.detail
        assert "no new invitation" in second.detail
        assert "retried automatically" not in second.detail
        assert sent_to(uncounted_sandbox, email) == 1

    with_board(uncounted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


async def colleagues_assessment_linked(a: OrderBoard, b: OrderBoard, first: str) -> list[str]:
    """Desk A creates, accepts and invites the candidate's first order; desk B's create for it
    finds A's assessment in Berke (the order's own id) and links it, and B's Invite on it asks
    first. Then the candidate's second order comes in. The two orders' ids."""
    email = f"{first.lower()}.colleague@example.com"
    body = new_order_body(first=first, last="Sandoval", email=email)
    sr = desk_of(a).session.sr
    first_order = await sr.create_test_order(body)
    request = CreateAssessmentRequest(first_name=first, last_name="Sandoval", email_address=email)
    await a.sync()
    await a.create_assessment(first_order.id, request)
    await a.accept(first_order.id)
    await a.invite(first_order.id)
    await b.sync()
    await b.create_assessment(first_order.id, request)
    with pytest.raises(AlreadyInvitedError, match="from another desk"):
        await b.invite(first_order.id)
    second_order = await sr.create_test_order(body)
    await b.sync()
    return [first_order.id, second_order.id]


def test_invite_on_a_reused_colleagues_assessment_asks_first(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Desk B reuses, for the candidate's second order (and a third, reusing the second's),
    the assessment it found in Berke for their first: another desk's, which may have invited
    to it. Before, only each order's own link was looked at: Invite on the first asked, but on
    the second, the very same assessment, it emailed the candidate the same invitation again,
    unasked."""
    email = "tess.colleague@example.com"

    async def body() -> None:
        async with (
            board_on(uncounted_sandbox, tmp_path / "a.sqlite3") as a,
            board_on(uncounted_sandbox, tmp_path / "b.sqlite3") as b,
        ):
            first, second = await colleagues_assessment_linked(a, b, "Tess")
            third = await desk_of(b).session.sr.create_test_order(
                new_order_body(first="Tess", last="Sandoval", email=email)
            )
            await b.sync()
            for reusing, source in ((second, first), (third.id, second)):
                await b.reuse(reusing, source)
                await b.accept(reusing)
                with pytest.raises(AlreadyInvitedError, match="from another desk"):
                    await b.invite(reusing)

    asyncio.run(body())
    assert sent_to(uncounted_sandbox, email) == 1, "the candidate got the same invitation again"


def test_the_batch_does_not_invite_again_on_a_reused_colleagues_assessment(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The same, by the batch's plan ("Reuse the assessment of their … order"): before, it
    accepted the second order and invited the candidate again. Now it accepts it and says
    why no invitation went, in Invite's words."""
    email = "una.colleague@example.com"

    async def body() -> Outcome:
        async with (
            board_on(uncounted_sandbox, tmp_path / "a.sqlite3") as a,
            board_on(uncounted_sandbox, tmp_path / "b.sqlite3") as b,
        ):
            _first, second = await colleagues_assessment_linked(a, b, "Una")
            (row,) = (await b.plan_batch([second])).orders
            assert row.kind is PlanKind.REUSE
            # The plan says what the run does (before: "…, accept, invite una.colleague@…").
            assert row.invited_elsewhere_maybe
            assert row.what_happens().endswith(f"accept, {MAY_HAVE_GONE_ELSEWHERE_STEP}")
            (outcome,) = await b.create_accept_invite([second], plan=[row])
            return outcome

    outcome = asyncio.run(body())
    assert outcome.kind is OutcomeKind.DONE, outcome.detail
    assert "no invitation sent" in outcome.detail
    assert MAY_HAVE_BEEN_ELSEWHERE in outcome.detail
    assert sent_to(uncounted_sandbox, email) == 1, "the batch invited the candidate again"


def test_an_accepted_order_on_another_desks_assessment_is_flagged_and_planned_as_invite_does(
    uncounted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Desk A made the assessment; desk B's create found it in Berke, and B accepted the order.
    Before, B's "Not invited" flag said "the candidate was never sent the Berke invitation:
    send it" and its batch plan "Already created and accepted: invite …", while Invite asks
    first (desk A may have sent it) and the run sent none. Both now say what Invite does."""
    email = "ove.found@example.com"
    request = CreateAssessmentRequest(first_name="Ove", last_name="Found", email_address=email)
    holder: dict[str, Any] = {}

    async def desk_a(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Ove", last="Found", email=email)
        )
        desk.orders.put(order)
        await create_assessment(desk, order, request)
        holder["order_id"] = order.id

    async def desk_b(board: OrderBoard, desk: Desk) -> None:
        order_id = holder["order_id"]
        desk.orders.put(await desk.session.sr.get_order(order_id))
        await board.load()
        await board.create_assessment(order_id, request)
        await board.accept(order_id)
        assert board.state(order_id).found_in_berke
        (flag,) = [f.text for f in board.flags(order_id) if f.kind is Attention.NOT_INVITED]
        assert "never sent the Berke invitation: send it" not in flag
        assert "Invite asks before it sends one" in flag
        plan = (await board.plan_batch([order_id])).orders
        (row,) = plan
        assert row.kind is PlanKind.CARRY_ON
        assert row.what_happens() == f"Already created and accepted: {MAY_HAVE_GONE_ELSEWHERE_STEP}"
        assert "1 has an assessment another desk made" in plan_summary(plan)
        (outcome,) = await board.create_accept_invite([order_id], plan=plan)
        assert outcome.kind is OutcomeKind.DONE, outcome.detail
        assert "no invitation sent" in outcome.detail
        with pytest.raises(AlreadyInvitedError, match="from another desk"):
            await board.invite(order_id)

    run_with_desk(uncounted_sandbox, tmp_path / "a.sqlite3", desk_a)
    with_board(uncounted_sandbox, tmp_path / "b.sqlite3", desk_b)
    assert sent_to(uncounted_sandbox, email) == 0
