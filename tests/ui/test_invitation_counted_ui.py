"""The window on a Berke that counts the invitations it sent (a sandbox opted in: its
reference's status gives no count): an invitation sent from Berke itself is sent again only
when confirmed, and one whose try got a 503 goes by itself, the count telling it did not go.
Without the count: tests/ui/test_invitation_count_unknown_ui.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from PySide6.QtWidgets import QMessageBox

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal import InviteStep
from app.domain.journal_terms import StepKind
from app.domain.order_rules import OrderAction
from app.sandbox import SandboxServer
from app.ui.orders.invite_dialog import InviteDialog
from app.workflows.refusals import INVITE_SENT_AGAIN
from tests.integration.helpers import sandbox_answering
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    Dialogs,
    accepted_not_invited,
    add_test_order,
    answer_once,
    board_of,
    closed,
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
    """This module's Berke: its status counts the invitations it sent."""
    with sandbox_answering(status_counts_invitations=True) as server:
        yield server


def test_an_invitation_sent_elsewhere_is_resent_only_when_confirmed_over_the_dialog(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Sent from Berke itself, not this desk: only Berke's count tells (without it, nothing
    can), and Invite asks over its dialog before sending a second one."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Maren", last="Lie", email="maren@example.com")
    board = board_of(window)
    link = finish(qtbot, board.create_assessment(order.id, CreateAssessmentRequest(
        first_name="Maren", last_name="Lie", email_address="maren@example.com"
    )))  # fmt: skip
    finish(qtbot, board.accept(order.id))
    # Someone in Berke sent it already, not this desk.
    finish(qtbot, desk_of(window).session.berke.send_invitation(SendInvitationRequest(
        source_candidate_id=link.source_candidate_id, email_address="maren@example.com"
    )))  # fmt: skip
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.INVITE].trigger()
    invite = dialogs.wait_for(qtbot, InviteDialog)
    assert isinstance(invite, InviteDialog)
    invite.message.setPlainText("A second copy, as you asked.")
    invite.submit_button.click()
    # The question is asked over the dialog (a box on the window would be blocked by it).
    qtbot.waitUntil(lambda: bool(invite.findChildren(QMessageBox)))
    box = invite.findChildren(QMessageBox)[-1]
    assert "already sent this invitation once" in box.text()
    next(b for b in box.buttons() if b.text() == "Send again").click()
    qtbot.waitUntil(lambda: closed(invite))
    entries = desk_of(window).journal.entries(order.id)
    assert entries[-1].action is StepKind.INVITE
    assert isinstance(entries[-1].step, InviteStep)
    assert entries[-1].step.request.message == "A second copy, as you asked."


def test_an_invitation_left_waiting_closes_its_dialog_saying_it_goes_by_itself(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """A 503 from Berke: the invitation waits, and the resumer sends it with the message
    typed. The dialog offered Send (refused: under way) and Cancel, which cancelled
    nothing: the invitation went all the same."""
    order = accepted_not_invited(window, qtbot, "Kari")
    invite = open_invite(window, qtbot)
    invite.message.setPlainText("See you Friday.")
    answer_once(desk_of(window), "berke", 503, "/SendInvitation")
    said = closed_saying(window, qtbot, invite, invite.submit_button)
    assert said.startswith("Kari Lie: ")
    assert said.endswith(INVITE_SENT_AGAIN)
    board = board_of(window)
    finish(qtbot, board.resume())
    link = board.link(order.id)
    assert link is not None
    assert link.invitation_sent
    entries = desk_of(window).journal.entries(order.id)
    (step,) = [e.step for e in entries if isinstance(e.step, InviteStep)]
    assert step.request.message == "See you Friday."
