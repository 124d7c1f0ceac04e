"""Where the invitation goes: the address the assessment was created with (typed in the form
when SmartRecruiters had none, or corrected), else SmartRecruiters'; one Berke would refuse is
a refusal in words, never a crash."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_text import BerkeParam
from app.domain.order_rules import OrderAction, why_not
from app.workflows.batch import OutcomeKind, PlanKind, create_accept_invite, plan_batch
from app.workflows.order_actions import (
    accept_order,
    create_assessment,
    linked_assessment,
    send_invitation,
)
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.test_workflows import new_order, run_with_desk

if TYPE_CHECKING:
    from pathlib import Path

    from app.sandbox import SandboxServer
    from app.workflows.desk import Desk


def _typed(email: str | None) -> CreateAssessmentRequest:
    return CreateAssessmentRequest.model_validate(
        {
            BerkeParam.FIRST_NAME: "Zoë",
            BerkeParam.LAST_NAME: "Müller",
            BerkeParam.EMAIL_ADDRESS: email,
        }
    )


def test_the_invitation_goes_to_the_address_typed_in_the_form(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: SmartRecruiters had no email, the coordinator typed it in the form, Berke held it
    (and would send reminders to it), yet Send invitation was refused: "no email address"."""

    async def body(desk: Desk) -> None:
        order = await new_order(desk, email=None)
        link = await create_assessment(desk, order, _typed("zoe@example.com"))
        assert link.created_email == "zoe@example.com"
        order = await accept_order(desk, order)
        assert why_not(OrderAction.INVITE, order, link) is None
        invited = await send_invitation(desk, order)
        assert invited.invited_email == "zoe@example.com"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_address_berke_would_refuse_is_a_refusal_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: SmartRecruiters' "zoe@example" (no domain) was offered for Invite, and the step
    raised pydantic's ValidationError into the crash dialog."""

    async def body(desk: Desk) -> None:
        order = await new_order(desk, email="zoe@example")
        await create_assessment(desk, order, _typed(None))  # the form's error: cleared
        order = await accept_order(desk, order)
        with pytest.raises(ActionNotAllowedError, match="“zoe@example” is not one Berke accepts"):
            await send_invitation(desk, order)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_the_batch_carries_on_to_the_address_the_assessment_was_made_with(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: an order created and accepted by hand, with the address typed in the form, was
    planned as "no email: give the candidate the code", and not invited."""

    async def body(desk: Desk) -> None:
        order = await new_order(desk, email=None)
        await create_assessment(desk, order, _typed("zoe@example.com"))
        order = await accept_order(desk, order)
        (planned,) = await plan_batch(desk, [order], [])
        assert planned.kind is PlanKind.CARRY_ON
        assert planned.what_happens() == "Already created and accepted: invite zoe@example.com"
        outcome = await create_accept_invite(desk, order, lambda _o: _typed(None))
        assert outcome.kind is OutcomeKind.DONE, outcome.detail
        linked = await linked_assessment(desk, order.id)
        assert linked is not None
        assert linked.invited_email == "zoe@example.com"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
