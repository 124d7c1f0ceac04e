"""The batch's guards: an order it works on is claimed meanwhile (Accept or Invite beside it
refused), a batch asked for while the connection closes sends nothing, and every accept
carries the message to the candidate (each once had a mutant no test saw)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.domain.journal import AcceptStep
from app.domain.order_action import OrderAction
from app.workflows.batch import CANCELLED, OutcomeKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import new_order_body
from tests.integration.test_batch_recovery import HeldFirstAccept
from tests.integration.test_close_the_loop import with_board

if TYPE_CHECKING:
    from app.domain.smartrecruiters import AssessmentOrder
    from app.sandbox import SandboxServer


async def _order(
    desk: Desk, first: str, email: str | None, job: str = "Registered Nurse"
) -> AssessmentOrder:
    body = new_order_body(first=first, last="Mutandis", email=email)
    body["job"] = {"name": job}
    return await desk.session.sr.create_test_order(body)


def test_the_batch_accepts_with_the_message_to_the_candidate(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """t19: the batch's message to the candidate goes with each accept (not dropped)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await _order(desk, "Mira", "mira-msg@example.com")
        await board.sync()
        outcomes = await board.create_accept_invite(
            [order.id], message_to_candidate="Good luck from the batch"
        )
        assert [o.kind for o in outcomes] == [OutcomeKind.DONE]
        accepts = [e.step for e in desk.journal.entries(order.id) if isinstance(e.step, AcceptStep)]
        assert len(accepts) == 1
        assert accepts[0].request.message_to_candidate == "Good luck from the batch"

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_batch_started_while_the_connection_closes_sends_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """b37: a batch asked for after ``begin_closing`` (the window closing) runs no order."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await _order(desk, "Noor", "noor-closing@example.com")
        await board.sync()
        board.begin_closing()
        outcomes = await board.create_accept_invite([order.id])
        assert [(o.kind, o.detail, o.not_run) for o in outcomes] == [
            (OutcomeKind.SKIPPED, CANCELLED, True)
        ]
        assert board.link(order.id) is None
        assert desk.journal.entries(order.id) == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_the_batch_works_on_is_claimed_meanwhile(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """b40, b48: the batch claims each order while it works on it (Invite on it is refused, not
    sent beside the batch's own), and lets go after."""
    transport = HeldFirstAccept()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await _order(desk, "Oona", "oona-claimed@example.com")
        await board.sync()
        running = asyncio.ensure_future(board.create_accept_invite([order.id]))
        await transport.arrived.wait()  # the batch is accepting it
        try:
            assert board.is_busy(OrderAction.INVITE, order.id)
            assert board.is_busy(OrderAction.ACCEPT, order.id)
            # b48: the order's actions say so (not offered, to be refused when pressed)
            assert board.why_not(OrderAction.ACCEPT, [order.id]) == "Already being sent…"
            with pytest.raises(ActionNotAllowedError):
                await board.accept(order.id)
        finally:
            transport.release.set()
        outcomes = await running
        assert [o.kind for o in outcomes] == [OutcomeKind.DONE]
        assert not board.is_busy(OrderAction.INVITE, order.id)

    with_board(sandbox, tmp_path / "desk.sqlite3", body, transport)
