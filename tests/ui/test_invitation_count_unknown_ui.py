"""The window on a Berke that gives no invitation count (its reference): what it says of an
invitation whose answer was lost, which the resumer does not send again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app.domain.assessment_prefill import stable_candidate_id
from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal import InviteStep
from app.domain.journal_terms import StepState
from app.domain.order_rules import OrderAction
from app.domain.superseded_steps import MAY_HAVE_GONE_UNCOUNTED
from app.sandbox import SandboxServer
from app.ui.main_window import MainWindow
from app.views.activity import activity_line
from app.workflows.batch import MAY_HAVE_GONE_ELSEWHERE_STEP
from app.workflows.order_actions import accept_order, create_assessment
from app.workflows.refusals import INVITE_SENT_AGAIN, AlreadyInvitedError
from tests.integration.helpers import new_order_body, sandbox_answering
from tests.ui.conftest import connect, make_desk
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    Dialogs,
    accepted_not_invited,
    add_test_order,
    answer_once,
    board_of,
    closed_saying,
    desk_of,
    finish,
    live_desk,
    open_invite,
    open_plan,
    window,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from app.domain.smartrecruiters import AssessmentOrder


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
    (step,) = [e for e in desk_of(window).journal.entries(order.id) if e.action.value == "invite"]
    assert step.state is StepState.FAILED
    assert step.message is not None
    assert said.endswith(step.message)
    assert "it is not sent again" in said
    assert INVITE_SENT_AGAIN not in said


class DroppedAfterSending(httpx.AsyncBaseTransport):
    """Berke's transport: the next SendInvitation is carried out, then the connection drops
    before its answer is read (as the sandbox's fault injector's "dropped after" does)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.left = 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.left and request.url.path.endswith("/SendInvitation"):
            self.left = 0
            await response.aread()
            raise httpx.ReadError("connection dropped")
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_invite_is_offered_at_once_after_an_invitation_that_may_have_gone(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """The connection dropped after Berke sent the invitation. The dialog closed saying it is
    not sent again automatically and to invite them again if they did not get it; yet the
    step stayed waiting until the resumer's next pass (30 s, up to 5 min while it backed
    off), and Invite was off meanwhile, "retried automatically": false, that pass fails it
    and never sends it. Now it is failed at once, as that pass would, and Invite is offered,
    asking first (it may have been sent)."""
    order = accepted_not_invited(window, qtbot, "Kaja")
    http = desk_of(window).session.berke._http.http
    http._transport = DroppedAfterSending(http._transport)
    invite = open_invite(window, qtbot)
    said = closed_saying(window, qtbot, invite, invite.submit_button)
    # No resumer pass has run: the step ended as it would have.
    (step,) = [e for e in desk_of(window).journal.entries(order.id) if e.action.value == "invite"]
    assert (step.state, step.may_have_gone) == (StepState.FAILED, True)
    assert step.message is not None
    assert said.endswith(step.message)
    assert "not sent again" in said
    assert "invite them again" in said
    action = window.orders.controller.actions[OrderAction.INVITE]
    assert action.isEnabled(), action.toolTip()
    assert "retried automatically" not in action.toolTip()
    board = board_of(window)
    assert board.state(order.id).invitation_in_doubt
    flag = {f.kind: f.text for f in board.flags(order.id)}[Attention.NOT_INVITED]
    assert "may have been sent" in flag
    with pytest.raises(AlreadyInvitedError, match="may have been sent already"):
        finish(qtbot, board.invite(order.id))  # what the dialog's confirmation asks
    finish(qtbot, board.resume())  # which has nothing left to do with it
    (again,) = [e for e in desk_of(window).journal.entries(order.id) if e.action.value == "invite"]
    assert (again.state, again.message) == (StepState.FAILED, step.message)


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


@pytest.fixture
def restarted(
    sandbox: SandboxServer,
    tmp_path: Path,
    qtbot: QtBot,
    running_loop: asyncio.AbstractEventLoop,
    qsettings: QSettings,
) -> Iterator[tuple[MainWindow, AssessmentOrder]]:
    """The window started again on the data file of a desk killed while its invitation went
    (journaled, "may have gone", no count from this module's Berke), which Berke did send.
    The resumer's first pass has run: it did not send it again."""
    path = tmp_path / "desk.sqlite3"
    first = make_desk(sandbox, path)
    sr, berke = first.session.sr, first.session.berke
    body = new_order_body(first="Maja", last="Lie", email="maja@example.com")
    order = finish(qtbot, sr.create_test_order(body))
    first.orders.put(order)
    request = CreateAssessmentRequest(
        first_name="Maja", last_name="Lie", email_address="maja@example.com"
    )
    finish(qtbot, create_assessment(first, order, request))
    order = finish(qtbot, accept_order(first, order))
    link = first.journal.assessment_for(order.id)
    assert link is not None
    invitation = SendInvitationRequest(
        source_candidate_id=link.source_candidate_id, email_address="maja@example.com"
    )
    # As ``send_invitation`` leaves it when killed once its request left.
    step_id = first.journal.begin(order.id, InviteStep(request=invitation))
    first.journal.set_may_have_gone(step_id, True)
    finish(qtbot, berke.send_invitation(invitation))
    finish(qtbot, first.session.aclose())
    first.db.close()

    desk = make_desk(sandbox, path)
    shown = MainWindow(settings=qsettings)
    qtbot.addWidget(shown)
    shown.resize(1280, 800)
    shown.show()
    board = connect(shown, desk, start=False)
    finish(qtbot, board.load())
    finish(qtbot, board.resume())
    (step,) = [e for e in desk.journal.entries(order.id) if isinstance(e.step, InviteStep)]
    assert step.state is StepState.FAILED
    assert step.may_have_gone
    model = shown.orders.model
    qtbot.waitUntil(lambda: model.row_of(order.id) is not None)
    yield shown, order
    finish(qtbot, board.stop())
    finish(qtbot, desk.session.aclose())
    desk.db.close()


def test_an_invitation_that_may_have_gone_is_not_said_failed_in_its_row(
    restarted: tuple[MainWindow, AssessmentOrder], qtbot: QtBot
) -> None:
    """Before, the inbox row said "Failed: Send Berke invitation" (in red) where the pane said
    "May have been sent"."""
    shown, order = restarted
    model = shown.orders.model

    def activity() -> str:
        return model.row(model.row_of(order.id) or 0).activity

    qtbot.waitUntil(lambda: activity() not in ("", "Under way: Send Berke invitation"))
    assert activity() == "Invitation may have been sent"


def test_retry_is_not_offered_for_an_invitation_it_will_never_send(
    restarted: tuple[MainWindow, AssessmentOrder], qtbot: QtBot
) -> None:
    """Before, its "Retry this step" was on ("Send a failed step again") and each press only
    repeated that it is not sent again. It is off, and says what to do instead."""
    shown, order = restarted
    shown.orders.select_order(order.id)
    detail = shown.orders.detail
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 3)
    invitation = detail.timeline.index(2)
    assert "may have been sent" in detail.timeline.data(invitation)
    detail.timeline_list.setCurrentIndex(invitation)
    assert not detail.retry_step_button.isEnabled()
    tip = MAY_HAVE_GONE_UNCOUNTED.format(again="use Invite (it asks first)")
    assert detail.retry_step_button.toolTip() == tip


def test_an_order_on_another_desks_assessment_says_invite_asks_and_plans_no_invitation(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Another desk made the order's assessment (under the order's own id); this desk's create
    found it in Berke, and this desk accepted the order. Before, the pane's "Not invited" flag
    said "the candidate was never sent the Berke invitation: send it", and the batch's plan
    "Already created and accepted: invite …", while Invite asks first and the run sends none."""
    email = "ines.found@example.com"
    order = add_test_order(window, qtbot, first="Ines", last="Found", email=email)
    request = CreateAssessmentRequest(first_name="Ines", last_name="Found", email_address=email)
    elsewhere = request.model_copy(update={"source_candidate_id": stable_candidate_id(order.id)})
    finish(qtbot, desk_of(window).session.berke.create_assessment(elsewhere))  # the other desk
    board = board_of(window)
    finish(qtbot, board.create_assessment(order.id, request))
    finish(qtbot, board.accept(order.id))
    window.orders.select_order(order.id)
    row = window.orders.detail.flags.findChild(QWidget, f"flag_{Attention.NOT_INVITED.value}")
    assert row is not None
    shown = " ".join(label.text() for label in row.findChildren(QLabel))
    assert "never sent the Berke invitation: send it" not in shown
    assert "found in Berke, made by another desk" in shown
    assert "Invite asks before it sends one" in shown

    plan = open_plan(window, qtbot, Dialogs(window))
    (planned,) = plan.model.rows
    what = plan.model.index(0, plan.model.columnCount() - 1).data()
    assert what == f"Already created and accepted: {MAY_HAVE_GONE_ELSEWHERE_STEP}"
    assert "invite ines.found@example.com" not in what
    assert planned.what_happens() == what
    assert "1 has an assessment another desk made" in plan.summary.text()
    plan.reject()


def test_the_reminders_question_says_another_desks_reminders_are_not_known(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Berke does not say when it last emailed the candidate (its reference's status has the
    assessment's identity and status only): the wait between two invitations counts this
    desk's sends, and another desk may have reminded them a moment ago. Before, the question
    said nothing of it."""
    order = accepted_not_invited(window, qtbot, "Rut")
    board = board_of(window)
    finish(qtbot, board.invite(order.id))
    window.orders.select_order(order.id)
    remind = window.orders.controller.actions[OrderAction.REMIND]
    qtbot.waitUntil(remind.isEnabled)
    remind.trigger()
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    assert box.text().startswith("Send Rut Lie the invitation again")
    assert "Reminders sent from another desk are not known here" in box.informativeText()
    assert "Berke does not say when it last emailed the candidate" in box.informativeText()
    box.reject()
    qtbot.waitUntil(lambda: not box.isVisible())
