"""Where Berke counts invitations (a sandbox opted in: its reference gives no count), an
invitation is in doubt only until the count tells: one whose first try got a 503 and did not
go (the count shows 0), its resend refused (403), was taken for one that "may have gone, and
Berke does not say how many it has sent": the batch skipped it, its flag said so, and a
reusing order was never invited (helper-173)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.clients.errors import ServerError
from app.domain.attention import Attention
from app.domain.journal_terms import StepKind, StepState
from app.domain.order_rules import OrderAction
from app.sandbox import SandboxServer
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.outbox import resume_pending
from tests.integration.helpers import AnswersInTurn, sandbox_answering
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_invitation_count_unknown import (
    ACCESS_DENIED,
    accepted_order,
    invitations_sent,
)


@pytest.fixture(scope="module")
def counted_sandbox() -> Iterator[SandboxServer]:
    """A Berke whose status counts the invitations it sent."""
    with sandbox_answering(status_counts_invitations=True) as server:
        yield server


def not_carried_out_then_refused() -> AnswersInTurn:
    """1st SendInvitation: a 503 before Berke did anything. 2nd: refused (403)."""
    return AnswersInTurn("/SendInvitation", (503, {"message": "gateway"}), (403, ACCESS_DENIED))


def test_counted_invitation_that_never_went_is_not_said_to_have_maybe_gone(
    counted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        order, link = await accepted_order(desk, "Cato")
        await board.load()
        with pytest.raises(ServerError):
            await board.invite(order.id)
        await resume_pending(desk)
        step = [e for e in desk.journal.entries(order.id) if e.action is StepKind.INVITE][-1]
        assert step.state is StepState.FAILED
        assert invitations_sent(counted_sandbox, link) == 0  # Berke's count: none ever went
        await board.refresh([order.id])
        state = board.state(order.id)
        assert state.invitation_doubt is None  # the count said none went
        assert not step.may_have_gone
        words = [f.text for f in board.flags(order.id) if f.kind is Attention.NOT_INVITED]
        reason = board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [order.id])
        (plan,) = (await board.plan_batch([order.id])).orders
        assert (reason, plan.kind.name, words) == (
            None,
            "CARRY_ON",
            [
                "The order was accepted, but the candidate was never sent the Berke invitation: "
                "send it."
            ],
        )

    with_board(
        counted_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=not_carried_out_then_refused(),
    )


def test_counted_reuse_invites_when_berke_count_says_none_went(
    counted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's second order reuses the first's assessment. The first's invitation
    never went (Berke's count: 0; its resend was refused): the batch invites the candidate
    with the second order (it planned "no second invitation", and nobody invited them)."""
    from app.workflows.batch import OutcomeKind
    from tests.integration.test_invitation_count_unknown import (
        invite_lost,
        second_order_planned,
        sent_to,
    )

    email = "rex.reuse@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        await invite_lost(board, desk, "Rex", "Reuse", email)  # count 0: sent again, refused
        assert sent_to(counted_sandbox, email) == 0
        second, row = await second_order_planned(board, desk, "Rex", "Reuse", email)
        (out,) = await board.create_accept_invite([second.id], plan=[row])
        assert out.kind is OutcomeKind.DONE
        assert sent_to(counted_sandbox, email) == 1, (row.what_happens(), out.detail)

    with_board(
        counted_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=not_carried_out_then_refused(),
    )
