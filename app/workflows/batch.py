"""Create, accept and invite in one go, for one order or a selection of them.

Pacing comes from the clients' own pacers (SmartRecruiters 10/s and 8 at once, Berke's burst
limit), so a long selection goes as fast as both services allow and no faster. Orders run one
after another: a coordinator can read the outcome list as it grows, and cancelling stops
cleanly between two calls' worth of work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from app.clients.errors import ApiError
from app.domain.assessment_prefill import match_job, prefill_from_order
from app.domain.berke import BerkeJob, BerkeParam, CreateAssessmentRequest
from app.domain.order_rules import OrderAction, why_not
from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.desk import Desk
from app.workflows.order_actions import (
    ActionNotAllowedError,
    AlreadyInvitedError,
    accept_order,
    create_assessment,
    linked_assessment,
    send_invitation,
)
from app.workflows.steps import StepDeferredError, unexpected_failure

log = logging.getLogger(__name__)


class OutcomeKind(StrEnum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    order_id: str
    candidate: str
    kind: OutcomeKind
    detail: str


RequestFactory = Callable[[AssessmentOrder], CreateAssessmentRequest]


def default_request(order: AssessmentOrder, jobs: list[BerkeJob]) -> CreateAssessmentRequest:
    """The request the form would start with: the order's candidate, its matching Berke job,
    and no typed id (so the order's own id is sent)."""
    params: dict[str, object] = dict(prefill_from_order(order))
    job = match_job(order, jobs)
    if job is not None:
        params[BerkeParam.SOURCE_JOB_ID] = job.source_job_id
    return CreateAssessmentRequest.model_validate(params)


ProgressCallback = Callable[[int, int, Outcome], None]  # (done so far, total, latest outcome)


async def create_accept_invite(
    desk: Desk,
    order: AssessmentOrder,
    request: CreateAssessmentRequest,
    *,
    message_to_candidate: str | None = None,
) -> Outcome:
    """The whole first half of an order's life. Steps already done are not repeated."""
    name = order.candidate.full_name
    # The selection may be stale (a step done since the view last refreshed): use the cache.
    cached = await asyncio.to_thread(desk.orders.get, order.id)
    order = cached or order
    linked = await linked_assessment(desk, order.id)
    reason = why_not(OrderAction.CREATE_ACCEPT_INVITE, order, linked)
    if reason:
        return Outcome(order.id, name, OutcomeKind.SKIPPED, reason)
    try:
        if linked is None:
            linked = await create_assessment(desk, order, request)
        order = await accept_order(desk, order, message_to_candidate=message_to_candidate)
        if order.candidate.email and not linked.invitation_sent:
            try:
                await send_invitation(desk, order)
            except AlreadyInvitedError as exc:
                return Outcome(
                    order.id, name, OutcomeKind.DONE,
                    f"Accepted ({linked.invitation_code}); no invitation sent: {exc}",
                )  # fmt: skip
            detail = f"Accepted and invited ({linked.invitation_code})."
        elif not order.candidate.email:
            detail = (
                f"Accepted; no email, so no invitation: give the code {linked.invitation_code}."
            )
        else:
            detail = f"Accepted ({linked.invitation_code}); the invitation was already sent."
    except (ApiError, ActionNotAllowedError, StepDeferredError) as exc:
        return Outcome(order.id, name, OutcomeKind.FAILED, str(exc))
    except Exception as exc:  # one order's surprise must not stop the others
        log.exception("Unexpected failure in the batch on order %s", order.id)
        return Outcome(order.id, name, OutcomeKind.FAILED, unexpected_failure(exc))
    return Outcome(order.id, name, OutcomeKind.DONE, detail)


async def run_batch(
    desk: Desk,
    orders: list[AssessmentOrder],
    make_request: RequestFactory,
    *,
    progress: ProgressCallback | None = None,
    cancelled: asyncio.Event | None = None,
    message_to_candidate: str | None = None,
) -> list[Outcome]:
    """Every order in turn; after a cancel the rest are reported as skipped, none half-done."""
    outcomes: list[Outcome] = []
    for order in orders:
        if cancelled is not None and cancelled.is_set():
            outcome = Outcome(
                order.id, order.candidate.full_name, OutcomeKind.SKIPPED, "Cancelled."
            )
        else:
            try:
                request = make_request(order)
            except ValueError as exc:  # the order's data does not make a valid request
                outcome = Outcome(
                    order.id, order.candidate.full_name, OutcomeKind.FAILED,
                    f"The order's data is not valid for Berke: {exc}",
                )  # fmt: skip
            else:
                outcome = await create_accept_invite(
                    desk, order, request, message_to_candidate=message_to_candidate
                )
        outcomes.append(outcome)
        if progress is not None:
            progress(len(outcomes), len(orders), outcome)
    return outcomes
