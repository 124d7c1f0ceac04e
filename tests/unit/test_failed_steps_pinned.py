"""Pins for ``app.domain.failed_steps``: the failed steps are said in the steps' order (Create,
Accept, Reject, Invite, …), whatever order they were found in, so that a row's Activity cell
and its "Needs attention" flag read the same words every time."""

from __future__ import annotations

from app.domain.failed_steps import failed_to_say, labels
from app.domain.order_status import OrderStatus
from app.domain.step_kinds import StepKind


def test_failed_steps_are_said_in_the_steps_order_not_as_found() -> None:
    found = [StepKind.COMMENT, StepKind.INVITE, StepKind.ACCEPT, StepKind.CREATE_ASSESSMENT]
    assert failed_to_say(found, status=OrderStatus.IN_PROGRESS, invitation_in_doubt=False) == [
        StepKind.CREATE_ASSESSMENT, StepKind.ACCEPT, StepKind.INVITE, StepKind.COMMENT,
    ]  # fmt: skip
    assert failed_to_say(found, status=OrderStatus.IN_PROGRESS, invitation_in_doubt=True) == [
        StepKind.CREATE_ASSESSMENT, StepKind.ACCEPT, StepKind.COMMENT,
    ]  # fmt: skip


def test_labels_are_in_the_steps_order_not_as_given() -> None:
    assert labels([StepKind.REJECT, StepKind.ACCEPT]) == "Accept order, Reject order"
    assert labels((StepKind.COMMENT, StepKind.CREATE_ASSESSMENT)) == (
        "Create Berke assessment, Add comment"
    )
