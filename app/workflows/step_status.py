"""The accept and reject steps: SmartRecruiters' order moved to another status, a change
found already made counted as this step's only when it provably is (``state_change``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from app.clients.errors import ApiError, Service, StateConflictError, UnexpectedResponseError
from app.domain.journal import AcceptStep, OrderUpdated, RejectStep
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.workflows.desk import Desk
from app.workflows.step_base import Attempt, order_now, step_author


def _said(status: OrderStatus) -> str:
    return status.value.replace("_", " ").capitalize()  # "IN_PROGRESS": "In progress"


async def state_change(
    desk: Desk,
    order_id: str,
    call: Callable[[], Awaitable[AssessmentOrder | None]],
    applied: Callable[[AssessmentOrder], bool],
    elsewhere: Callable[[AssessmentOrder], ApiError | None] = lambda _order: None,
    *,
    expected: OrderStatus,
    attempt: Attempt | None = None,
) -> OrderUpdated:
    """Call. A refusal because the order's status does not allow it is looked into: if the
    order already shows this very change (``applied``: an earlier answer was lost) it counts
    as done; ``elsewhere`` may name the failure better (someone else made the change). An
    answer showing the order in another status than ``expected`` is no answer to the call:
    taken as done, an accept answered "NEW" was said "Accepted", and offered again. An
    answer without the order (empty, and not read back) is the change made: shown on the
    copy held, as the order it made."""
    try:
        order = await call()
        if order is None:
            return OrderUpdated(status=expected, order=await _held_as(desk, order_id, expected))
        if order.status is not expected:
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS,
                summary=(
                    f"SmartRecruiters answered, but showed the order as {_said(order.status)}, "
                    f"not {_said(expected)}: it is asked again later."
                ),
            )
    except StateConflictError:
        # A 409 to a status change is one too, whatever its words (the client's ``_check``):
        # taken for a bad request, the order was never looked at again, and an accept whose
        # answer was lost was failed.
        if attempt is not None:
            await attempt.not_carried_out()  # before the look, which may fail on its own
        current = await order_now(desk, order_id)
        if applied(current):
            return OrderUpdated(status=current.status, already_applied=True, order=current)
        better = elsewhere(current)
        if better is not None:
            raise better from None
        raise
    return OrderUpdated(status=order.status, order=order)


async def _held_as(desk: Desk, order_id: str, status: OrderStatus) -> AssessmentOrder | None:
    """The copy of the order held, in ``status``; None when none is held."""
    held = await asyncio.to_thread(desk.orders.get, order_id)
    return held.model_copy(update={"status": status}) if held is not None else None


async def accept(
    desk: Desk, order_id: str, step: AcceptStep, attempt: Attempt, *, retry: bool
) -> OrderUpdated:
    """Accept with the step's URL. Already in progress counts as done only with this step's
    URL; where SmartRecruiters does not show the URL (the reference's order has none), only
    when an earlier try of this step may have been carried out (its answer lost), never on a
    first try nor after tries refused or never sent."""
    request = step.request
    url = request.assessment_url
    # Before it goes: the watch polls an order only once in progress, and its first poll
    # took every comment there for old news (one written while the order was new, or in
    # the minutes before the watch's turn came to it).
    await asyncio.to_thread(desk.berke_watch.comments_baseline, [order_id])

    def applied(current: AssessmentOrder) -> bool:
        if current.status is not OrderStatus.IN_PROGRESS:
            return False
        if current.assessment_url is not None:
            return current.assessment_url == url
        return retry and attempt.earlier

    def elsewhere(current: AssessmentOrder) -> ApiError | None:
        if current.status is OrderStatus.IN_PROGRESS:
            return accepted_elsewhere_error(current, url)
        return None

    return await state_change(
        desk,
        order_id,
        lambda: desk.session.sr.accept_order(
            order_id,
            url,
            message=request.message,
            message_to_candidate=request.message_to_candidate,
            author=step_author(desk, step),
        ),
        applied,
        elsewhere,
        expected=OrderStatus.IN_PROGRESS,
        attempt=attempt,
    )


def accepted_elsewhere_error(order: AssessmentOrder, url: str) -> StateConflictError:
    """The order is in progress, but not (provably) with this step's URL: another desk or
    coordinator accepted it. A failure that says with what, never "already done"."""
    if order.assessment_url:
        said = f"with the assessment URL {order.assessment_url}"
    else:
        said = "and SmartRecruiters does not say with which assessment URL"
    return StateConflictError(
        Service.SMARTRECRUITERS,
        summary=(
            f"This order was already accepted elsewhere (another desk or coordinator) {said}. "
            f"This desk's assessment ({url}) was not sent; check with whoever accepted it "
            "before inviting the candidate."
        ),
    )


async def reject(
    desk: Desk, order_id: str, step: RejectStep, attempt: Attempt, *, retry: bool
) -> OrderUpdated:
    """Reject with the step's reason. Already rejected counts as done only when an earlier
    try of this step may have been carried out (its answer lost): otherwise it was someone
    else's reject, and this one's reason was never sent."""

    def elsewhere(current: AssessmentOrder) -> ApiError | None:
        if current.status is not OrderStatus.REJECTED:
            return None
        return StateConflictError(
            Service.SMARTRECRUITERS,
            summary=(
                "This order was already rejected elsewhere (another desk or coordinator, or "
                "in SmartRecruiters): this desk's reject, and its reason, were not sent."
            ),
        )

    return await state_change(
        desk,
        order_id,
        lambda: desk.session.sr.reject_order(
            order_id, message=step.request.message, author=step_author(desk, step)
        ),
        lambda current: retry and attempt.earlier and current.status is OrderStatus.REJECTED,
        elsewhere,
        expected=OrderStatus.REJECTED,
        attempt=attempt,
    )
