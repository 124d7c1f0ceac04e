"""Pins for superseded_steps.waiting_reason / _SAME_JOB / _waiting_said (mutation audit)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.journal import (
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    InviteStep,
    JournalEntry,
    JournalStep,
    ReuseAssessmentStep,
)
from app.domain.journal_terms import ResultFlow, StepState
from app.domain.superseded_steps import retry_refused_reason, waiting_reason
from app.workflows.order_actions import retry_refusal
from tests.unit.test_journal_steps import CREATE, INVITE, LINK, RESULT

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _entry(number: int, state: StepState, step: JournalStep) -> JournalEntry:
    return JournalEntry(
        id=number, order_id="order-1", action=step.action, state=state, step=step,
        outcome=None, created_at=AT, updated_at=AT,
    )  # fmt: skip


def test_a_failed_invitation_is_not_retried_while_an_older_invitation_waits() -> None:
    """An older invitation waiting (a 503) and a newer one failed: Retry of the failed one
    would invite the candidate, and the waiting one would invite them again."""
    invite = InviteStep(request=INVITE, invitations_sent_before=2)
    timeline = [_entry(1, StepState.PENDING, invite), _entry(2, StepState.FAILED, invite)]
    reason = retry_refusal(timeline[1], timeline)
    assert reason is not None
    assert "another invitation for this order is waiting" in reason


def test_a_failed_create_is_not_retried_while_a_reuse_of_an_assessment_waits() -> None:
    """A reuse (linking the candidate's existing assessment) waiting does the failed create's
    job: a Retry of the create would make the candidate a second assessment."""
    create = CreateAssessmentStep(request=CREATE)
    reuse = ReuseAssessmentStep(link=LINK)
    timeline = [_entry(1, StepState.FAILED, create), _entry(2, StepState.PENDING, reuse)]
    reason = retry_refusal(timeline[0], timeline)
    assert reason is not None
    assert "another Berke assessment" in reason
    # And the other way round: a failed reuse while a create waits.
    other = [_entry(1, StepState.FAILED, reuse), _entry(2, StepState.PENDING, create)]
    assert waiting_reason(other[0], other) is not None


def test_a_cancelled_step_of_the_same_job_holds_no_retry_back() -> None:
    """Cancelled by the coordinator before it went, a step never goes: it does not wait, and
    the failed step's Retry is allowed."""
    result = CreateResultStep(result=RESULT)
    timeline = [_entry(1, StepState.FAILED, result), _entry(2, StepState.CANCELLED, result)]
    assert retry_refused_reason(timeline[0], timeline) is None


def test_the_refusal_names_what_waits_and_what_this_step_would_send() -> None:
    """A failed result with a completion waiting: "another completion" waits, and this one
    would go first with its own score and verdict (not the waiting one's words)."""
    timeline = [
        _entry(1, StepState.FAILED, CreateResultStep(result=RESULT)),
        _entry(2, StepState.PENDING, CompleteStep(flow=ResultFlow.DOCUMENTED)),
    ]
    reason = waiting_reason(timeline[0], timeline)
    assert reason is not None
    assert "another completion for this order" in reason
    assert "with its own score and verdict." in reason
