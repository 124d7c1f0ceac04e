"""What a coordinator does to one order: create the Berke assessment, accept, reject, invite,
comment. Each checks the rules, then runs as a journaled step (see ``steps``)."""

from __future__ import annotations

import asyncio
import logging

from app.domain.assessment_prefill import is_stable_candidate_id, stable_candidate_id
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal import (
    AcceptStep,
    AssessmentLinked,
    CommentAdded,
    CommentStep,
    CreateAssessmentStep,
    InviteStep,
    LinkedAssessment,
    OrderUpdated,
    RejectStep,
    StepKind,
)
from app.domain.order_rules import OrderAction, why_not
from app.domain.smartrecruiters import (
    AcceptRequest,
    AssessmentComment,
    AssessmentOrder,
    RejectRequest,
)
from app.workflows.desk import Desk
from app.workflows.steps import id_taken_error, run_step

log = logging.getLogger(__name__)


class ActionNotAllowedError(Exception):
    """The rules refuse the action before anything is sent; the message says why."""


async def linked_assessment(desk: Desk, order_id: str) -> LinkedAssessment | None:
    return await asyncio.to_thread(desk.journal.assessment_for, order_id)


_STEP_OF = {
    OrderAction.CREATE_ASSESSMENT: StepKind.CREATE_ASSESSMENT,
    OrderAction.ACCEPT: StepKind.ACCEPT,
    OrderAction.REJECT: StepKind.REJECT,
    OrderAction.INVITE: StepKind.INVITE,
}


async def _check(
    desk: Desk, action: OrderAction, order: AssessmentOrder
) -> LinkedAssessment | None:
    linked = await linked_assessment(desk, order.id)
    reason = why_not(action, order, linked)
    if reason:
        raise ActionNotAllowedError(reason)
    step = _STEP_OF.get(action)
    if step is not None and await has_pending_step(desk, order.id, step):
        raise ActionNotAllowedError(
            "This step is already under way for this order; it is retried automatically."
        )
    return linked


async def has_pending_step(desk: Desk, order_id: str, action: StepKind) -> bool:
    entries = await asyncio.to_thread(desk.journal.pending)
    return any(e.order_id == order_id and e.action is action for e in entries)


async def create_assessment(
    desk: Desk, order: AssessmentOrder, request: CreateAssessmentRequest
) -> LinkedAssessment:
    """Create the Berke assessment for ``order`` and link it; never a second one per order.

    Without a typed id the order's own id is sent. A typed id is looked up first: one Berke
    already holds is refused in words (``ValidationApiError`` on sourceCandidateId) before
    anything is journaled or sent.
    """
    await _check(desk, OrderAction.CREATE_ASSESSMENT, order)
    candidate_id = request.source_candidate_id
    if candidate_id is None:
        # Always send an id: it is what makes an interrupted create detectable.
        request = request.model_copy(update={"source_candidate_id": stable_candidate_id(order.id)})
    elif not is_stable_candidate_id(order.id, candidate_id):
        existing = await desk.session.berke.get_assessment_status(candidate_id)
        if existing is not None:
            raise id_taken_error(candidate_id, existing, request)
    step = CreateAssessmentStep(request=request)
    outcome = await run_step(desk, order.id, step)
    assert isinstance(outcome, AssessmentLinked)
    return outcome.link


async def accept_order(
    desk: Desk,
    order: AssessmentOrder,
    *,
    message: str | None = None,
    message_to_candidate: str | None = None,
) -> AssessmentOrder:
    """Accept with the linked assessment's URL: NEW → IN_PROGRESS."""
    linked = await _check(desk, OrderAction.ACCEPT, order)
    assert linked is not None  # the rules require it
    request = AcceptRequest(
        assessment_url=linked.assessment_url,
        # An empty message is no message: absent from the body, not sent empty.
        message=message or None,
        message_to_candidate=message_to_candidate or None,
    )
    outcome = await run_step(desk, order.id, AcceptStep(request=request))
    assert isinstance(outcome, OrderUpdated)
    assert outcome.order is not None
    return outcome.order


async def reject_order(desk: Desk, order: AssessmentOrder, *, reason: str) -> AssessmentOrder:
    """Reject with a reason (never an assessment URL): the customer gets a credit back."""
    await _check(desk, OrderAction.REJECT, order)
    step = RejectStep(request=RejectRequest(message=reason))
    outcome = await run_step(desk, order.id, step)
    assert isinstance(outcome, OrderUpdated)
    assert outcome.order is not None
    return outcome.order


class AlreadyInvitedError(ActionNotAllowedError):
    """Berke has sent this assessment's invitation before, but not from this desk's journal
    (another desk, or a colleague in Berke): sending again is the coordinator's call."""

    def __init__(self, count: int) -> None:
        self.count = count
        times = "once" if count == 1 else f"{count} times"
        super().__init__(
            f"Berke has already sent this invitation {times}, though not from this desk "
            "(another desk, or someone in Berke). Send it again only if the candidate asks."
        )


async def send_invitation(
    desk: Desk, order: AssessmentOrder, *, message: str | None = None, resend: bool = False
) -> LinkedAssessment:
    """Berke emails the candidate the invitation; recorded on the link. An invitation Berke
    counts but this desk never sent is not repeated unless ``resend``."""
    linked = await _check(desk, OrderAction.INVITE, order)
    assert linked is not None
    assert order.candidate.email
    request = SendInvitationRequest(
        source_candidate_id=linked.source_candidate_id,
        email_address=order.candidate.email,
        message=message,
    )
    # How many Berke had sent before: a retry counts this invitation as sent only if it grew.
    status = await desk.session.berke.get_assessment_status(linked.source_candidate_id)
    sent_before = (status.invitations_sent or 0) if status is not None else 0
    if sent_before and not linked.invitation_sent and not resend:
        raise AlreadyInvitedError(sent_before)
    step = InviteStep(request=request, invitations_sent_before=sent_before)
    await run_step(desk, order.id, step)
    refreshed = await linked_assessment(desk, order.id)
    assert refreshed is not None
    return refreshed


async def list_comments(desk: Desk, order: AssessmentOrder) -> list[AssessmentComment]:
    return await desk.session.sr.list_comments(order.id)


async def add_comment(desk: Desk, order: AssessmentOrder, message: str) -> AssessmentComment:
    outcome = await run_step(desk, order.id, CommentStep(message=message))
    assert isinstance(outcome, CommentAdded)
    return AssessmentComment(message=outcome.message, author=desk.author)
