"""The invitation can be written (message and sender), the profile keeps a default that the
invite and the batch send, and the batch refuses a sensitive id before anything is sent."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_text import BerkeParam
from app.domain.connection import ConnectionProfile
from app.domain.invitation import InvitationText
from app.domain.journal import InviteStep
from app.domain.journal_terms import StepKind
from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.batch import OutcomeKind, run_batch
from app.workflows.board import BoardListener, BoardOptions, OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order, create_assessment, send_invitation
from tests.integration.helpers import new_order_body
from tests.integration.test_workflows import req, run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

WRITTEN = InvitationText(
    message="Dear candidate, the assessment takes 35 minutes. Kind regards",
    sender_name="Hanna Berg",
    sender_email="hanna.berg@example.com",
)
PROFILE = ConnectionProfile(
    name="Staging",
    invitation_message="Please take the assessment this week.",
    invitation_sender_name="Talent team",
    invitation_sender_email="talent@example.com",
)


async def _order(desk: Desk) -> AssessmentOrder:
    # A candidate of its own: no other test's assessment is ever theirs.
    tag = uuid.uuid4().hex[:8]
    body = new_order_body(first="Ola", last=f"Berg-{tag}", email=f"ola.{tag}@example.com")
    return await desk.session.sr.create_test_order(body)


async def _accepted(desk: Desk) -> AssessmentOrder:
    order = await _order(desk)
    await create_assessment(desk, order, req(order))
    return await accept_order(desk, order)


def _sent(desk: Desk, order_id: str) -> dict[str, object]:
    """The SendInvitation parameters the journal recorded as sent for the order."""
    steps = [e.step for e in desk.journal.entries(order_id) if e.action is StepKind.INVITE]
    assert len(steps) == 1
    assert isinstance(steps[0], InviteStep)
    return steps[0].request.to_params()


def test_a_written_invitation_is_what_berke_is_sent(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> dict[str, object]:
        order = await _accepted(desk)
        link = await send_invitation(desk, order, invitation=WRITTEN)
        assert link.invitation_sent
        return _sent(desk, order.id)

    sent = run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
    assert sent[BerkeParam.INVITATION_MESSAGE] == WRITTEN.message
    assert sent[BerkeParam.SENDER_NAME] == "Hanna Berg"
    assert sent[BerkeParam.SENDER_EMAIL] == "hanna.berg@example.com"


def test_without_a_text_the_profiles_default_is_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> tuple[dict[str, object], dict[str, object]]:
        desk.session.profile = PROFILE
        default = await _accepted(desk)
        await send_invitation(desk, default)
        # An empty text is the coordinator's choice: Berke's own account default.
        own = await _accepted(desk)
        await send_invitation(desk, own, invitation=InvitationText())
        return _sent(desk, default.id), _sent(desk, own.id)

    default, own = run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
    assert default[BerkeParam.INVITATION_MESSAGE] == "Please take the assessment this week."
    assert default[BerkeParam.SENDER_NAME] == "Talent team"
    assert default[BerkeParam.SENDER_EMAIL] == "talent@example.com"
    assert set(own) == {BerkeParam.SOURCE_CANDIDATE_ID, BerkeParam.EMAIL_ADDRESS}


def test_the_board_passes_the_batchs_invitation_through(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> tuple[dict[str, object], dict[str, object]]:
        desk.session.profile = PROFILE
        written, default = await _order(desk), await _order(desk)
        board = OrderBoard(desk)
        await board.sync()
        assert board.default_invitation == PROFILE.default_invitation
        first = await board.create_accept_invite([written.id], invitation=WRITTEN)
        second = await board.create_accept_invite([default.id])
        assert [o.kind for o in first + second] == [OutcomeKind.DONE, OutcomeKind.DONE], [
            o.detail for o in first + second
        ]
        return _sent(desk, written.id), _sent(desk, default.id)

    written, default = run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
    assert written[BerkeParam.INVITATION_MESSAGE] == WRITTEN.message
    assert written[BerkeParam.SENDER_EMAIL] == WRITTEN.sender_email
    assert default[BerkeParam.INVITATION_MESSAGE] == PROFILE.invitation_message
    assert default[BerkeParam.SENDER_NAME] == PROFILE.invitation_sender_name


def test_the_batch_refuses_a_sensitive_id_before_sending(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    def with_ssn(order: AssessmentOrder) -> CreateAssessmentRequest:
        return CreateAssessmentRequest.model_validate(
            {
                BerkeParam.FIRST_NAME: order.candidate.first_name,
                BerkeParam.LAST_NAME: order.candidate.last_name,
                BerkeParam.SOURCE_CANDIDATE_ID: "123-45-6789",
            }
        )

    async def body(desk: Desk) -> tuple[str, list[object]]:
        order = await _order(desk)
        (outcome,) = await run_batch(desk, [order], with_ssn)
        assert outcome.kind is OutcomeKind.SKIPPED  # as the plan would say: no retry mends it
        return outcome.detail, list(desk.journal.entries(order.id))

    detail, journal = run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
    assert "US social security number" in detail
    assert "Do not use Social Security Numbers, bank IDs" in detail
    assert journal == []  # nothing journaled, nothing sent


def _sent_each(desk: Desk, order_id: str) -> list[dict[str, object]]:
    """The SendInvitation parameters of each invitation and reminder sent for the order."""
    steps = [e.step for e in desk.journal.entries(order_id)]
    return [s.request.to_params() for s in steps if isinstance(s, InviteStep)]


def test_a_default_changed_in_settings_is_sent_without_reconnecting(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the invite, the reminder and the batch read the profile the session opened
    with, so a message or sender changed in Settings went out only after a reconnect, and a
    default cleared there was still sent."""
    changed = PROFILE.model_copy(
        update={"invitation_message": "New wording.", "invitation_sender_name": "Desk B"}
    )
    cleared = PROFILE.model_copy(
        update={
            "invitation_message": None,
            "invitation_sender_name": None,
            "invitation_sender_email": None,
        }
    )

    async def body(desk: Desk) -> None:
        desk.session.profile = PROFILE  # as the session opened
        invited, batched = await _accepted(desk), await _order(desk)
        after_clearing = await _accepted(desk)
        board = OrderBoard(desk)
        await board.load()  # the accepted ones, cached as accepted
        await board.sync()
        board.set_options(BoardOptions.of(changed))  # Settings saved, same connection
        assert board.default_invitation == changed.default_invitation
        await board.invite(invited.id)
        await board.remind(invited.id, override_cooldown=True)
        (outcome,) = await board.create_accept_invite([batched.id])
        assert outcome.kind is OutcomeKind.DONE, outcome.detail
        for params in [*_sent_each(desk, invited.id), _sent(desk, batched.id)]:
            assert params[BerkeParam.INVITATION_MESSAGE] == "New wording."
            assert params[BerkeParam.SENDER_NAME] == "Desk B"

        board.set_options(BoardOptions.of(cleared))
        assert board.default_invitation is None
        await board.invite(after_clearing.id)
        # Berke's own account default: no message or sender at all.
        assert set(_sent(desk, after_clearing.id)) == {
            BerkeParam.SOURCE_CANDIDATE_ID,
            BerkeParam.EMAIL_ADDRESS,
        }

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reminder_sends_the_words_the_candidate_got(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: a reminder sent the profile's default, not the message the coordinator had
    typed for the invitation (nor the default it went with, changed since). Where this desk
    sent no invitation of the assessment, the profile's default goes, as before."""

    async def body(desk: Desk) -> None:
        desk.session.profile = PROFILE
        typed, sent_elsewhere = await _accepted(desk), await _accepted(desk)
        board = OrderBoard(desk)
        await board.load()
        await board.sync()
        board.set_options(BoardOptions.of(PROFILE))
        await board.invite(typed.id, invitation=WRITTEN)
        changed = PROFILE.model_copy(update={"invitation_message": "New wording."})
        board.set_options(BoardOptions.of(changed))  # Settings saved since
        assert await board.reminder_text(typed.id) == WRITTEN
        await board.remind(typed.id, override_cooldown=True)
        first, reminder = _sent_each(desk, typed.id)
        assert reminder == first
        assert reminder[BerkeParam.INVITATION_MESSAGE] == WRITTEN.message

        # Its invitation not sent from this desk (another desk's, say): the default, now.
        assert await board.reminder_text(sent_elsewhere.id) == changed.default_invitation

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_rules_of_attention_changed_in_settings_apply_to_every_order_at_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: with "a NEW order needs attention after N days" changed in Settings, the board
    said no order changed, so the inbox's Needs attention column and filter went on with the
    old rule until each order changed for another reason."""
    changed_ids: list[list[str]] = []

    class Recorder(BoardListener):
        def orders_changed(self, order_ids: list[str]) -> None:
            if order_ids:
                changed_ids.append(list(order_ids))

    async def body(desk: Desk) -> None:
        waiting = await _order(desk)
        board = OrderBoard(desk, listener=Recorder())
        await board.load()
        await board.sync()
        assert board.flags(waiting.id) == []  # new, and not stale after two days
        changed_ids.clear()
        board.set_options(BoardOptions.of(PROFILE))  # saved again, nothing changed
        assert changed_ids == []
        stricter = PROFILE.model_copy(update={"stale_new_days": 0})
        board.set_options(BoardOptions.of(stricter))
        assert [waiting.id in ids for ids in changed_ids] == [True]
        assert set(changed_ids[0]) == set(board.order_ids())
        assert board.flags(waiting.id) != []  # what the rows now read

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
