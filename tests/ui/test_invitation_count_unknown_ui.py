"""The window on a Berke that gives no invitation count (its reference): what it says of an
invitation whose answer was lost, which the resumer does not send again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from app.domain.attention import Attention
from app.domain.journal import InviteStep
from app.domain.journal_terms import StepState
from app.sandbox import SandboxServer
from app.views.activity import activity_line
from app.workflows.refusals import INVITE_MAY_HAVE_GONE, INVITE_SENT_AGAIN
from tests.integration.helpers import sandbox_answering
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    accepted_not_invited,
    answer_once,
    board_of,
    closed_saying,
    desk_of,
    finish,
    live_desk,
    open_invite,
    window,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.ui.main_window import MainWindow


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """This module's Berke: its status gives no invitation count."""
    with sandbox_answering(status_counts_invitations=False) as server:
        yield server


def test_an_invitation_that_may_have_gone_is_not_said_to_go_by_itself(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """The Invite dialog's Send got a 503. Before, it closed saying the invitation "is sent
    again automatically", and the resumer then failed it (it may have gone, and with no
    count it is not sent again): the candidate was never sent what was promised."""
    order = accepted_not_invited(window, qtbot, "Kari")
    invite = open_invite(window, qtbot)
    answer_once(desk_of(window), "berke", 503, "/SendInvitation")
    said = closed_saying(window, qtbot, invite, invite.submit_button)
    assert said.endswith(INVITE_MAY_HAVE_GONE)
    assert INVITE_SENT_AGAIN not in said
    finish(qtbot, board_of(window).resume())
    (step,) = [e for e in desk_of(window).journal.entries(order.id) if e.action.value == "invite"]
    assert step.state is StepState.FAILED


class CarriedOutOnce(httpx.AsyncBaseTransport):
    """Berke's transport: the next SendInvitation is carried out, its answer lost (a 503)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.left = 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.left and request.url.path.endswith("/SendInvitation"):
            self.left = 0
            await response.aread()
            return httpx.Response(503, json={"message": "gateway"}, request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_an_invitation_that_may_have_gone_is_not_shown_as_never_sent(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Berke sent it, its answer lost; the resumer did not send it again. Before, the detail
    pane said "Invitation: Not sent", the "Not invited" flag "the candidate was never sent
    the Berke invitation", and the activity "Invitation to … not sent"."""
    order = accepted_not_invited(window, qtbot, "Maja")
    http = desk_of(window).session.berke._http.http
    http._transport = CarriedOutOnce(http._transport)
    invite = open_invite(window, qtbot)
    closed_saying(window, qtbot, invite, invite.submit_button)
    board = board_of(window)
    finish(qtbot, board.resume())
    finish(qtbot, board.refresh([order.id]))
    window.orders.select_order(order.id)
    (step,) = [
        e for e in desk_of(window).journal.entries(order.id) if isinstance(e.step, InviteStep)
    ]
    assert step.state is StepState.FAILED
    assert step.may_have_gone
    shown = window.orders.detail.fields["invitation"].text()
    assert shown.startswith("May have been sent (its answer was lost)")
    flag = {f.kind: f.text for f in board.flags(order.id)}[Attention.NOT_INVITED]
    assert "never sent" not in flag
    assert "may have been sent" in flag
    assert "may have been sent" in activity_line(step)
