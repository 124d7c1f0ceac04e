"""What a coordinator does to one order: create the Berke assessment, accept, reject, invite,
comment. Each one checks the rules, journals the intent, calls out, then records the outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from app.clients.errors import ApiError, StateConflictError
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal import Action, LinkedAssessment
from app.domain.order_rules import OrderAction, why_not
from app.domain.smartrecruiters import AssessmentComment, AssessmentOrder, OrderStatus
from app.workflows.desk import Desk

log = logging.getLogger(__name__)


class ActionNotAllowedError(Exception):
    """The rules refuse the action before anything is sent; the message says why."""


async def linked_assessment(desk: Desk, order_id: str) -> LinkedAssessment | None:
    return await asyncio.to_thread(desk.journal.assessment_for, order_id)


async def _check(
    desk: Desk, action: OrderAction, order: AssessmentOrder
) -> LinkedAssessment | None:
    linked = await linked_assessment(desk, order.id)
    reason = why_not(action, order, linked)
    if reason:
        raise ActionNotAllowedError(reason)
    return linked


async def _begin(
    desk: Desk, order: AssessmentOrder, action: Action, request: dict[str, Any]
) -> int:
    return await asyncio.to_thread(desk.journal.begin, order.id, action, request)


async def _fail(desk: Desk, step: int, error: ApiError) -> None:
    await asyncio.to_thread(desk.journal.fail, step, str(error))


async def create_assessment(
    desk: Desk, order: AssessmentOrder, request: CreateAssessmentRequest
) -> LinkedAssessment:
    """Create the Berke assessment for ``order`` and link it; never a second one per order."""
    await _check(desk, OrderAction.CREATE_ASSESSMENT, order)
    step = await _begin(desk, order, Action.CREATE_ASSESSMENT, request.to_params())
    try:
        response = await desk.session.berke.create_assessment(request)
    except ApiError as exc:
        await _fail(desk, step, exc)
        raise
    link = LinkedAssessment(
        order_id=order.id,
        source_candidate_id=response.source_candidate_id,
        invitation_code=response.invitation_code,
        assessment_url=response.assessment_url,
        created_at=datetime.now(UTC),
    )
    outcome = response.model_dump(by_alias=True)
    await asyncio.to_thread(desk.journal.finish, step, outcome, link=link)
    return link


async def _state_change(
    desk: Desk,
    order: AssessmentOrder,
    action: Action,
    request: dict[str, Any],
    *,
    call: Callable[[], Awaitable[AssessmentOrder]],
    applied: OrderStatus,
) -> AssessmentOrder:
    """Journal, call, record. A refusal because the change is already applied counts as done."""
    step = await _begin(desk, order, action, request)
    try:
        updated = await call()
    except StateConflictError as exc:
        # E.g. accept answered 400 because an earlier, lost answer had already applied it.
        current = await desk.session.sr.get_order(order.id)
        if current.status is applied:
            await asyncio.to_thread(desk.orders.put, current)
            await asyncio.to_thread(
                desk.journal.finish, step, {"status": current.status.value, "alreadyApplied": True}
            )
            return current
        await asyncio.to_thread(desk.orders.put, current)
        await _fail(desk, step, exc)
        raise
    except ApiError as exc:
        await _fail(desk, step, exc)
        raise

    def record() -> None:
        desk.orders.put(updated)
        desk.journal.finish(step, {"status": updated.status.value})

    await asyncio.to_thread(record)
    return updated


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
    request = {
        "assessmentURL": linked.assessment_url,
        "message": message,
        "messageToCandidate": message_to_candidate,
    }
    return await _state_change(
        desk,
        order,
        Action.ACCEPT,
        {k: v for k, v in request.items() if v},
        call=lambda: desk.session.sr.accept_order(
            order.id,
            linked.assessment_url,
            message=message or None,
            message_to_candidate=message_to_candidate or None,
            author=desk.author,
        ),
        applied=OrderStatus.IN_PROGRESS,
    )


async def reject_order(desk: Desk, order: AssessmentOrder, *, reason: str) -> AssessmentOrder:
    """Reject with a reason (never an assessment URL): the customer gets a credit back."""
    await _check(desk, OrderAction.REJECT, order)
    return await _state_change(
        desk,
        order,
        Action.REJECT,
        {"message": reason},
        call=lambda: desk.session.sr.reject_order(
            order.id, message=reason or None, author=desk.author
        ),
        applied=OrderStatus.REJECTED,
    )


async def send_invitation(
    desk: Desk, order: AssessmentOrder, *, message: str | None = None
) -> LinkedAssessment:
    """Berke emails the candidate the invitation; recorded on the link."""
    linked = await _check(desk, OrderAction.INVITE, order)
    assert linked is not None
    assert order.candidate.email
    request = SendInvitationRequest(
        source_candidate_id=linked.source_candidate_id,
        email_address=order.candidate.email,
        message=message,
    )
    step = await _begin(desk, order, Action.INVITE, request.to_params())
    try:
        await desk.session.berke.send_invitation(request)
    except ApiError as exc:
        await _fail(desk, step, exc)
        raise
    await asyncio.to_thread(
        desk.journal.finish, step, {"emailAddress": order.candidate.email},
        invited_email=order.candidate.email,
    )  # fmt: skip
    refreshed = await linked_assessment(desk, order.id)
    assert refreshed is not None
    return refreshed


async def list_comments(desk: Desk, order: AssessmentOrder) -> list[AssessmentComment]:
    return await desk.session.sr.list_comments(order.id)


async def add_comment(desk: Desk, order: AssessmentOrder, message: str) -> AssessmentComment:
    step = await _begin(desk, order, Action.COMMENT, {"message": message})
    try:
        comment = await desk.session.sr.add_comment(order.id, message, author=desk.author)
    except ApiError as exc:
        await _fail(desk, step, exc)
        raise
    await asyncio.to_thread(desk.journal.finish, step, {"message": comment.message})
    return comment
