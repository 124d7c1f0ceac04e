"""Invitations against a Berke whose GetAssessmentStatus does not count the invitations it sent
(its reference gives "the assessment's identity and status", no ``invitationsSent``; the
default sandbox adds the count). A count Berke does not give is not known, never 0: a retried
invitation that may have gone is not sent again, and one known never to have left is."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app.clients.errors import AuthError, NetworkError, ServerError, ThrottledError
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import InvitationSent, InviteStep
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.smartrecruiters import AssessmentOrder
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.desk import Desk
from app.workflows.order_actions import (
    OTHER_INVITE_WAITING,
    accept_order,
    create_assessment,
    reject_order,
    reuse_assessment,
    send_invitation,
)
from app.workflows.outbox import resume_pending, retry_step
from app.workflows.refusals import (
    ActionNotAllowedError,
    AlreadyInvitedError,
    StepDeferredError,
    StepRefusedError,
)
from tests.integration.helpers import FailsOnce, LosesAnAnswer, RealNetwork, new_order_body
from tests.integration.test_candidate_with_two_orders import sandbox_assessments
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.domain.journal import JournalEntry


@pytest.fixture(scope="module")
def uncounted_sandbox() -> Any:
    """A Berke whose status answer has no invitation count, as its reference has it."""
    config = SandboxConfig(
        sr_rate_per_second=0, berke_burst=100_000, status_counts_invitations=False
    )
    with SandboxServer(config) as server:
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


NOT_SENT_AGAIN = (
    "The invitation may have gone before its answer was lost, and Berke does not say how many "
    "it has sent: it is not sent again, so that the candidate does not get it twice. If they "
    "did not get it, {what}."
)


@pytest.mark.parametrize("counted", [True, False], ids=["counted", "uncounted"])
def test_an_invitation_whose_answer_was_lost_is_not_sent_twice(
    sandbox: SandboxServer,
    uncounted_sandbox: SandboxServer,
    tmp_path: Path,
    counted: bool,
) -> None:
    """Berke sent it and its answer was lost (a 503). Where Berke counts invitations, the
    resumer finds it sent, as before. Where it does not, the missing count was read as 0,
    and the resumer emailed the candidate a second time: now the step fails saying why, and
    a Retry does not send it either."""
    server = sandbox if counted else uncounted_sandbox

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Ivy")
        with pytest.raises(ServerError):
            await send_invitation(desk, order)
        assert invite_step(desk, order.id).state is StepState.PENDING
        await resume_pending(desk)
        entry = invite_step(desk, order.id)
        if counted:
            assert entry.state is StepState.DONE
            assert isinstance(entry.outcome, InvitationSent)
            assert entry.outcome.already_sent
        else:
            assert entry.state is StepState.FAILED
            assert entry.message == NOT_SENT_AGAIN.format(what="invite them again")
            with pytest.raises(StepRefusedError, match="not sent again"):
                await retry_step(desk, entry.id)  # the coordinator's Retry: the same
            assert invite_step(desk, order.id).state is StepState.FAILED
        assert invitations_sent(server, link) == 1

    run_with_desk(server, tmp_path / "desk.sqlite3", body, berke_transport=lost_answer())


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
        with pytest.raises(NetworkError):
            await send_invitation(desk, order, resend=True)
        await resume_pending(desk)
        entry = invite_step(desk, order.id)
        assert entry.state is StepState.FAILED
        assert entry.message == NOT_SENT_AGAIN.format(what="send a reminder")
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
        with pytest.raises(ServerError):
            await send_invitation(desk, order)
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
        with pytest.raises(ServerError):
            await send_invitation(desk, first)
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
        with pytest.raises(ServerError):
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
