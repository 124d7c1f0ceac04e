"""The delete assessment step: Berke's assessment deleted, never while an open order still uses
it nor once the candidate may have completed it."""

from __future__ import annotations

import asyncio

from app.clients.errors import ApiError, NotFoundError, ValidationApiError
from app.domain.berke_progress import BerkeProgress
from app.domain.journal import AssessmentDeleted, DeleteAssessmentStep, JournalEntry
from app.domain.order_rules import OPEN_STATUSES, still_in_use
from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.desk import Desk
from app.workflows.refusals import StepRefusedError
from app.workflows.step_base import refuse
from app.workflows.step_guards import deleted_in_berke_now


async def delete_assessment(
    desk: Desk, entry: JournalEntry, step: DeleteAssessmentStep, retry: bool
) -> AssessmentDeleted:
    # Checked again when it runs: a delete that failed or waited (Retry, the resumer) may
    # meanwhile have an open order reusing the assessment, which it would leave without one.
    in_use = still_in_use(await _open_orders_on(desk, step.source_candidate_id, entry.order_id))
    if in_use is not None:
        message = f"Not deleted in Berke: {in_use}"
        await asyncio.to_thread(desk.journal.fail, entry.id, message)
        raise StepRefusedError(message)
    berke = desk.session.berke
    # Asked before every try, the first too (the watch may not have seen it yet): a delete
    # left waiting (a 503, Berke's daily limit) went later, after the candidate completed
    # the assessment, and took their results with it. One status call a try.
    status = await berke.get_assessment_status(step.source_candidate_id)
    if status is None:
        # An earlier try's answer was lost, or someone deleted it by hand: it is gone.
        return AssessmentDeleted(source_candidate_id=step.source_candidate_id, already_gone=True)
    if status.progress is BerkeProgress.COMPLETE:
        # Recorded as the watch would (its scores are read when delivered), so the order
        # shows it complete and the button says why at once.
        await asyncio.to_thread(
            desk.berke_watch.record,
            step.source_candidate_id,
            BerkeProgress.COMPLETE,
            completed_at=status.completed_on_utc,
        )
        await refuse(
            desk,
            entry,
            "Not deleted in Berke: the candidate completed it meanwhile; its results are kept.",
        )
    if status.progress is BerkeProgress.UNKNOWN:
        # No status flag in Berke's answer, or one never defined (a StatusId 3 was read "not
        # started", and deleted): it may be complete, and a delete is for good.
        await asyncio.to_thread(
            desk.berke_watch.record, step.source_candidate_id, BerkeProgress.UNKNOWN
        )
        unknown = status.status_not_known
        why = (
            "Berke's answer did not say whether the candidate has completed the assessment"
            if unknown is None
            # Berke's words, read as its other words are: a status name may quote the token.
            else f"Berke gave a status this desk does not know ({berke.service_text(unknown)}): "
            "the candidate may have completed the assessment"
        )
        await refuse(
            desk,
            entry,
            f"Not deleted in Berke: {why}, and deleting a completed one would take their "
            "results with it. Check it in Berke, and delete it there if it is not complete.",
        )
    try:
        await berke.delete_assessment(step.source_candidate_id)
    except ValidationApiError as exc:
        # Deleted by hand in Berke before even the first try (the watch had not seen it):
        # the delete's aim is met, once Berke confirms it has no such assessment. Failed,
        # the action stayed offered, and failed again, until the next watch round.
        if not await deleted_in_berke_now(desk, step.source_candidate_id, exc):
            raise
        return AssessmentDeleted(source_candidate_id=step.source_candidate_id, already_gone=True)
    return AssessmentDeleted(source_candidate_id=step.source_candidate_id)


async def _open_orders_on(desk: Desk, source_candidate_id: str, but: str) -> list[AssessmentOrder]:
    """The open orders, ``but`` this one, linked to the Berke assessment. One open in the
    cache is asked of SmartRecruiters (it may have been completed elsewhere since the last
    sync); one that cannot be asked counts as open. One SmartRecruiters no longer has (held
    as gone, or "not found" now) needs nothing: a candidate erased there takes all their
    orders at once, and their shared assessment is then to be deleted."""

    def cached() -> list[AssessmentOrder]:
        linked = desk.berke_watch.orders_of([source_candidate_id])
        gone = desk.orders.gone()
        orders = (desk.orders.get(i) for i in linked if i != but and i not in gone)
        return [o for o in orders if o is not None and o.status in OPEN_STATUSES]

    still_open: list[AssessmentOrder] = []
    for known in await asyncio.to_thread(cached):
        now = known  # when SmartRecruiters cannot say: it may still need the assessment
        try:
            now = await desk.session.sr.get_order(known.id)
        except NotFoundError:
            continue
        except ApiError:
            pass
        if now.status in OPEN_STATUSES:
            still_open.append(now)
    return still_open
