"""The checks a step passes before it is sent: nothing goes for an order SmartRecruiters no
longer has, nor one rejected or completed since (a create, an invitation), nor for an assessment
Berke no longer has; a create is not sent for an order linked since, nor a reject for an order
taken on since."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import NoReturn

from app.clients.errors import ApiError, NotFoundError, ValidationApiError
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_text import BerkeParam
from app.domain.journal import AcceptStep, JournalEntry, ReuseAssessmentStep, UploadStep
from app.domain.journal_terms import LinkedAssessment, StepKind
from app.domain.order_rules import OPEN_STATUSES, deleted_in_berke_reason, gone_reason
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.workflows.desk import Desk
from app.workflows.refusals import OrderGoneError, StepRefusedError
from app.workflows.step_base import order_now, refuse
from app.workflows.step_upload import file_failed

log = logging.getLogger(__name__)


async def berke_progress(desk: Desk, linked: LinkedAssessment | None) -> BerkeProgress | None:
    """Where the linked assessment stood when Berke was last asked (None: no link, or not
    asked yet)."""
    if linked is None:
        return None
    return await asyncio.to_thread(desk.berke_watch.progress, linked.source_candidate_id)


async def deleted_in_berke_now(
    desk: Desk, source_candidate_id: str, refusal: ValidationApiError
) -> bool:
    """After Berke refused a call about the assessment: whether it refused the assessment's
    id (not another value) because Berke no longer has it, as asked now; if so, recorded for
    the watch so that the order shows it at once. Not known either way (the question failed
    too): False, and the refusal is what is said, not the question's failure."""
    if (refusal.parameter or "").casefold() != BerkeParam.SOURCE_CANDIDATE_ID.casefold():
        return False
    try:
        status = await desk.session.berke.get_assessment_status(source_candidate_id)
    except ApiError as exc:
        log.info("Could not ask Berke whether %s still exists: %s", source_candidate_id, exc)
        return False
    if status is not None:
        return False
    await asyncio.to_thread(desk.berke_watch.record, source_candidate_id, BerkeProgress.DELETED)
    return True


async def refuse_if_deleted_in_berke(
    desk: Desk, entry: JournalEntry, retry: bool, *, earlier: bool
) -> None:
    """A step recorded before the watch saw its assessment deleted in Berke (an accept left
    pending by a 503, say) fails in words instead of giving SmartRecruiters a dead link. A
    retried accept SmartRecruiters shows in progress goes on to ``step_status.accept`` when the
    order shows its link (this step's: done; another: accepted elsewhere); without one it fails,
    saying it may have gone before or been made elsewhere. The order's flag says what is left
    (Reject)."""
    step = entry.step
    if isinstance(step, ReuseAssessmentStep):
        link: LinkedAssessment | None = step.link
    else:
        link = await asyncio.to_thread(desk.journal.assessment_for, entry.order_id)
    if link is None:
        return
    if await berke_progress(desk, link) is not BerkeProgress.DELETED:
        return
    order = await asyncio.to_thread(desk.orders.get, entry.order_id)
    if isinstance(step, AcceptStep) and retry:
        current = await desk.session.sr.get_order(entry.order_id)
        if current.status is OrderStatus.IN_PROGRESS:
            if current.assessment_url is not None:
                return  # ``step_status.accept`` tells this step's accept from another's by the URL
            # The reference's orders do not show it: an earlier try whose answer was lost,
            # or someone else, accepted it. Said so, not claimed either way; when no earlier
            # try may have been carried out, it was someone else.
            who = (
                "accepted by an earlier try whose answer was lost, or elsewhere"
                if earlier
                else "accepted elsewhere: this desk's accept never went"
            )
            message = (
                f"Not sent: Berke no longer has this order's assessment ({link.invitation_code}): "
                "it was deleted there. SmartRecruiters shows the order in progress already, "
                f"without saying with which link ({who}). Reject the order with a reason, so "
                "that the recruiter can order it again."
            )
            await asyncio.to_thread(desk.journal.fail, entry.id, message)
            raise StepRefusedError(message)
        order = current
    if isinstance(step, ReuseAssessmentStep) or order is None or order.status not in OPEN_STATUSES:
        # Nothing more to ask of the order (a recruiter may have withdrawn it meanwhile).
        message = (
            f"Not sent: Berke no longer has the assessment ({link.invitation_code}); it was "
            "deleted there."
        )
    else:
        message = f"Not sent: {deleted_in_berke_reason(order, link)}"
    await asyncio.to_thread(desk.journal.fail, entry.id, message)
    raise StepRefusedError(message)


async def refuse_if_gone(desk: Desk, entry: JournalEntry) -> None:
    """The one check every step passes before it goes (the resumer's, Retry's, a queued
    file's, the actions'): nothing is sent for an order SmartRecruiters no longer has. The
    step fails in words, and a file with it."""
    gone_since = await asyncio.to_thread(desk.orders.gone_since, entry.order_id)
    if gone_since is not None:
        await _fail_as_gone(desk, entry, gone_since)


async def _fail_as_gone(desk: Desk, entry: JournalEntry, gone_since: datetime) -> NoReturn:
    """The step fails unsent, said as for an order SmartRecruiters no longer has (and its file
    with it, for an upload)."""
    message = gone_reason(gone_since)
    step = entry.step
    upload = (
        await asyncio.to_thread(desk.results.get, step.upload_id)
        if isinstance(step, UploadStep)
        else None
    )
    if upload is not None:
        await file_failed(desk, entry, upload, message)
    else:
        await asyncio.to_thread(desk.journal.fail, entry.id, message)
    raise OrderGoneError(message)


async def ended_order(desk: Desk, entry: JournalEntry, *, ask: bool) -> AssessmentOrder | None:
    """The order, if it was rejected or completed: a create or an invitation (a reminder, one
    waiting to be resumed) must not go for it. ``ask``: SmartRecruiters is asked now (one GET,
    which updates the cache): a colleague's reject at another desk reaches the cache only with
    the full re-sync (``RESYNC_SECONDS``, 15 min; the poll reads NEW orders only), and the
    candidate of the withdrawn order was emailed meanwhile. Not answered, the step does not go
    blind: the error is the step's, and a transient one leaves it waiting, as any other.
    Otherwise the order as last seen; a copy kept that this version cannot read (another
    version's) is asked for again: read as "not ended", the step went for an order rejected
    since. Not found there (removed or erased since the last full sync), the order is held
    gone, as the sync holds one, and the step fails as for a gone order, not with the
    service's "does not know this item" on every Retry."""
    order_id = entry.order_id
    if ask:
        try:
            order: AssessmentOrder | None = await order_now(desk, order_id)
        except NotFoundError:
            now = datetime.now(UTC)
            await asyncio.to_thread(desk.orders.mark_gone, [order_id], now)
            await _fail_as_gone(desk, entry, now)
    else:
        order = await asyncio.to_thread(desk.orders.get, order_id)
        if order is None and await asyncio.to_thread(desk.orders.holds, order_id):
            order = await order_now(desk, order_id)
    return order if order is not None and order.status.is_final else None


def ended_words(order: AssessmentOrder) -> str:
    return "rejected" if order.status is OrderStatus.REJECTED else "completed"


async def refuse_if_linked(desk: Desk, entry: JournalEntry) -> None:
    """A create (an old failed one retried, say) for an order that got its assessment since,
    another way (the candidate's other order's, reused): not sent. It made a second Berke
    assessment for the candidate, and its link replaced the order's."""
    linked = await asyncio.to_thread(desk.journal.assessment_for, entry.order_id)
    if linked is not None:
        await refuse(
            desk,
            entry,
            f"Not sent: the order has its Berke assessment already ({linked.invitation_code}), "
            "so no second one was created.",
        )


#: Steps that take an order on: one done after a reject was asked means the coordinator went
#: on with the order, and the reject, still waiting, would undo it.
_TAKES_THE_ORDER_ON = (StepKind.ACCEPT, StepKind.INVITE, StepKind.COMPLETE, StepKind.CREATE_RESULT)


async def refuse_if_overtaken(desk: Desk, entry: JournalEntry) -> None:
    """A reject waiting to be resumed (a 503) is not sent once the order was accepted,
    invited or completed here after it was asked: the actions refuse that now, but a desk
    of an older version, or a race, may have done it."""
    later = await asyncio.to_thread(
        desk.journal.done_after, entry.order_id, entry.id, _TAKES_THE_ORDER_ON
    )
    if later:
        await refuse(
            desk,
            entry,
            "Not sent: the order was taken on here after this reject was asked (accepted, "
            "invited or completed), and rejecting it now would undo that. Reject it again if "
            "that is still meant.",
        )
