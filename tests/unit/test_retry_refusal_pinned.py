"""Pins for order_actions.retry_refusal: what a waiting step holds back, for each kind of
failed step the Retry can send (mutation audit: only a failed create was pinned)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.journal import (
    AcceptStep,
    CompleteStep,
    CreateResultStep,
    InviteStep,
    JournalEntry,
    JournalStep,
    RejectStep,
)
from app.domain.journal_terms import ResultFlow, StepState
from app.domain.smartrecruiters import AcceptRequest, RejectRequest
from app.workflows.order_actions import COMPLETION_WAITING, REJECT_WAITING, retry_refusal
from tests.unit.test_journal_steps import INVITE, RESULT, URL

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
ACCEPT = AcceptStep(request=AcceptRequest(assessment_url=URL))
REJECT = RejectStep(request=RejectRequest(message="Duplicate."))


def _entry(number: int, state: StepState, step: JournalStep) -> JournalEntry:
    return JournalEntry(
        id=number, order_id="order-1", action=step.action, state=state, step=step,
        outcome=None, created_at=AT, updated_at=AT,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("failed", "waiting", "said"),
    [
        (ACCEPT, REJECT, REJECT_WAITING),
        (InviteStep(request=INVITE, invitations_sent_before=1), REJECT, REJECT_WAITING),
        (CreateResultStep(result=RESULT), REJECT, REJECT_WAITING),
        (CompleteStep(flow=ResultFlow.DOCUMENTED), REJECT, REJECT_WAITING),
        (REJECT, CompleteStep(flow=ResultFlow.DOCUMENTED), COMPLETION_WAITING),
        (REJECT, CreateResultStep(result=RESULT), COMPLETION_WAITING),
    ],
    ids=[
        "accept",
        "invite",
        "result",
        "complete",
        "reject-behind-complete",
        "reject-behind-result",
    ],
)
def test_a_failed_steps_retry_waits_behind_what_would_hold_its_action_back(
    failed: JournalStep, waiting: JournalStep, said: str
) -> None:
    """Retried while the order's reject waited, an accept (an invitation, a result) went and
    the reject after it; a reject retried while the completion waited went first. Retry is
    refused with the same words its action gets."""
    timeline = [_entry(1, StepState.FAILED, failed), _entry(2, StepState.PENDING, waiting)]
    assert retry_refusal(timeline[0], timeline) == said


def test_a_failed_or_cancelled_reject_holds_no_retry_back() -> None:
    """Only a reject that waits to be sent holds a Retry back: one that failed, or was
    cancelled, never goes after it."""
    for state in (StepState.FAILED, StepState.CANCELLED):
        timeline = [_entry(1, StepState.FAILED, ACCEPT), _entry(2, state, REJECT)]
        assert retry_refusal(timeline[0], timeline) is None, state


def test_a_waiting_reject_is_said_before_a_waiting_step_of_its_own_job() -> None:
    """Both a reject and another result wait: the reject holding everything back is said
    first (the board's words), as the docstring orders them."""
    timeline = [
        _entry(1, StepState.FAILED, CreateResultStep(result=RESULT)),
        _entry(2, StepState.PENDING, CreateResultStep(result=RESULT)),
        _entry(3, StepState.PENDING, REJECT),
    ]
    assert retry_refusal(timeline[0], timeline) == REJECT_WAITING
