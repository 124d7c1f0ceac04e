"""The complete and create result steps: the order completed with its result in
SmartRecruiters; a result already there found by what was sent (``_same_result``); an order
completed elsewhere, or rejected meanwhile, said so, and the files queued for its result failed."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from app.clients.errors import Service, StateConflictError
from app.domain.journal import (
    CompleteStep,
    CreateResultStep,
    OrderUpdated,
    ResultRecorded,
    StepOutcome,
)
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, OrderStatus
from app.workflows.desk import Desk
from app.workflows.step_base import Attempt, order_now, step_author
from app.workflows.step_status import state_change

log = logging.getLogger(__name__)


async def complete(
    desk: Desk, order_id: str, step: CompleteStep, attempt: Attempt, *, retry: bool
) -> OrderUpdated | ResultRecorded:
    """Complete the order. An order found completed (documented flow), or a result found like
    this step's (FAQ), counts as this step's only when an earlier try of it may have been
    carried out: one that never reached SmartRecruiters (a refused connection) did not, and
    what is found is another desk's; taken for this one's, its report went there too."""
    sr = desk.session.sr
    if step.flow is ResultFlow.DOCUMENTED:
        try:
            return await state_change(
                desk,
                order_id,
                lambda: sr.complete_with_comment(
                    order_id, message=step.message, author=step_author(desk, step)
                ),
                lambda current: (
                    current.status is OrderStatus.COMPLETED and retry and attempt.earlier
                ),
                expected=OrderStatus.COMPLETED,
                attempt=attempt,
            )
        except StateConflictError:
            current = await asyncio.to_thread(desk.orders.get, order_id)  # as just read
            if current is not None and current.status is OrderStatus.COMPLETED:
                raise await _completed_elsewhere(desk, order_id) from None
            if current is not None and current.status is OrderStatus.REJECTED:
                await _rejected_before_completed(desk, order_id)
            raise
    result = step.result
    assert result is not None, "a FAQ complete carries its result"
    if retry and attempt.earlier:
        current = await sr.get_order(order_id)
        if current.status is OrderStatus.COMPLETED:
            # The FAQ says the resultId is only in the lost answer; GET .../results may list
            # it (the sandbox does).
            results = await sr.list_results(order_id)
            found = _id_of_one_like(results, result)
            if found:
                return ResultRecorded(
                    result_id=found, status=current.status, recovered=True, order=current
                )
            if not results or _results_like(results, result):
                # Listed without its id, as the FAQ has it (or not listed at all): most
                # likely this step's own completion. Sent again, it was refused as completed
                # and said to be someone else's, and so were its reports.
                raise await _completed_by_a_lost_try(desk, current)
    try:
        completed = await sr.complete_with_result(order_id, result)
    except StateConflictError:
        # Completed meanwhile, not by this step (a first try, or a retry that found no
        # result of ours): another desk or coordinator did. The window is shown the order as
        # it is, so Deliver is no longer offered for it.
        current = await order_now(desk, order_id)
        if current.status is OrderStatus.COMPLETED:
            raise await _completed_elsewhere(desk, order_id) from None
        raise
    # Recorded as it is: an order the answer did not carry readably is asked for once the
    # resultId is recorded (``show_completed``), never before.
    order = completed.order
    status = order.status if order is not None else OrderStatus.COMPLETED
    return ResultRecorded(result_id=completed.result_id, status=status, order=order)


async def show_completed(desk: Desk, order_id: str, outcome: StepOutcome) -> None:
    """An order completed by a step whose answer carried no order this version reads (its
    resultId recorded already): asked for, or else the cached copy marked completed, and
    stored. Left in progress, it offered Complete again, and a second Complete said a result
    was waiting to complete it. Never raises: the step is done whatever happens here."""
    if not (
        isinstance(outcome, ResultRecorded)
        and outcome.status is OrderStatus.COMPLETED
        and outcome.order is None
    ):
        return
    try:
        await order_now(desk, order_id)
        return
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.info("Completed %s; the order could not be read again: %s", order_id, exc)
    try:
        cached = await asyncio.to_thread(desk.orders.get, order_id)
        if cached is not None:
            completed = cached.model_copy(update={"status": OrderStatus.COMPLETED})
            await asyncio.to_thread(desk.orders.put, completed)
    except Exception:  # the store's own failure: logged, the step stays done
        log.exception("Could not show %s as completed", order_id)


def _same_result(listed: AssessmentResult, sent: AssessmentResult) -> bool:
    """Whether a result the order has is the one this step sent. The verdict (score, passed)
    counts where it was sent: the complete dialog's defaults make type, file name and title
    the same on every desk, and another coordinator's result must never pass for this step's.
    A verdict left out is not compared (the service may fill in "passed: false"), nor spaces
    around a score; nor the description (the service may tidy its HTML), nor the author (the
    desk's, added when sent), nor a ``result`` the service left out (it ignores a document's).
    Too strict a match is no safer: a retried documented flow that does not find its own
    result makes a second one."""
    if (listed.result_type, listed.title) != (sent.result_type, sent.title):
        return False
    if listed.result and listed.result != sent.result:
        return False
    if sent.passed is not None and listed.passed != sent.passed:
        return False
    return sent.score is None or (listed.score or "").strip() == sent.score.strip()


def _results_like(
    results: list[AssessmentResult], sent: AssessmentResult
) -> list[AssessmentResult]:
    """The results like the one this step sent, newest first (with or without an id)."""
    matching = [r for r in results if _same_result(r, sent)]
    matching.sort(key=lambda r: r.create_date or datetime.min.replace(tzinfo=UTC), reverse=True)
    return matching


def _id_of_one_like(results: list[AssessmentResult], sent: AssessmentResult) -> str | None:
    """The id of the newest result like the one this step sent, among those with an id."""
    return next((r.id for r in _results_like(results, sent) if r.id), None)


async def _find_result(desk: Desk, order_id: str, sent: AssessmentResult) -> str | None:
    """The id of a result the order already has that matches what we sent (newest first)."""
    return _id_of_one_like(await desk.session.sr.list_results(order_id), sent)


def completed_elsewhere_error() -> StateConflictError:
    """The order was completed by someone else: what this desk meant to send was not sent."""
    return StateConflictError(
        Service.SMARTRECRUITERS,
        summary=(
            "This order was already completed elsewhere (another desk or coordinator). This "
            "desk's result was not sent; its result in SmartRecruiters is the one made there."
        ),
    )


def _completed_here_error() -> StateConflictError:
    """The order was completed from this desk already: the step found it so, and sent nothing
    that changed it."""
    return StateConflictError(
        Service.SMARTRECRUITERS,
        summary=(
            "This order was already completed from this desk (see its activity), so this "
            "step was not carried out; the order keeps its result."
        ),
    )


async def _completed_elsewhere(desk: Desk, order_id: str) -> StateConflictError:
    """``completed_elsewhere_error``; the files queued for this desk's result, which was not
    made, fail with it: they were not for the result made there (the resumer sent them to it
    a round later, as if they were), and a Deliver's report already fails so. Dropped again,
    a file goes to that result, as the coordinator then chooses.

    An order this desk's own complete step completed (an old failed step sent again after
    it) keeps its result and its files: taken for another's, they were forgotten and failed."""
    completed_here = await asyncio.to_thread(
        desk.journal.has_step, order_id, [StepKind.COMPLETE], StepState.DONE
    )
    if completed_here:
        return _completed_here_error()
    error = completed_elsewhere_error()
    message = f"Not sent: {error.summary} Drop it on the order again to attach it to that one."
    # A result this desk made (the documented flow's, its completion refused) is not the
    # order's: its files wait for a completion that will never come, and a file dropped
    # again goes to the order's result, adopted then, not to this one.
    made = await asyncio.to_thread(desk.journal.result_made, order_id)
    own = made[0] if made is not None else None
    await asyncio.to_thread(desk.results.fail_unsent, order_id, message, result_id=own)
    if own is not None:
        await asyncio.to_thread(desk.results.forget_result, order_id, own)
    return error


#: Why a report queued for an order that was then rejected is not sent.
REJECTED_NO_RESULT = (
    "This order was rejected before it was completed, so it has no result to attach a report "
    "to. Nothing was attached."
)


async def _rejected_before_completed(desk: Desk, order_id: str) -> None:
    """The order was rejected between the documented flow's two calls: the result this desk
    made is not one it completes, so the files queued for it fail in words, and it is
    forgotten (the order has no result to show, nor to attach to). Left queued, the resumer
    sent them to a rejected order's result, and they showed Attached."""
    made = await asyncio.to_thread(desk.journal.result_made, order_id)
    own = made[0] if made is not None else None
    await asyncio.to_thread(desk.results.fail_unsent, order_id, REJECTED_NO_RESULT, result_id=own)
    if own is not None:
        await asyncio.to_thread(desk.results.forget_result, order_id, own)


#: A completion (FAQ flow) whose answer, the only place with its resultId, was lost: what the
#: step and the files queued for its result say.
LOST_RESULT_ID = (
    "The order is already completed, most likely by this desk's earlier try whose answer was "
    "lost. That result's id cannot be read back (SmartRecruiters gives it only in that "
    "answer), so no file can be attached to it from this desk: attach the report in "
    "SmartRecruiters by hand, or send it to the recruiter."
)


async def _completed_by_a_lost_try(desk: Desk, current: AssessmentOrder) -> StateConflictError:
    """The step's own completion, most likely, its resultId lost with its answer: the step
    fails saying so, and so do the files queued for its result (they cannot go to it), and
    the window is shown the order completed. An order this desk's own done complete step
    completed says that, as ``_completed_elsewhere`` does."""
    order_id = current.id
    if await asyncio.to_thread(
        desk.journal.has_step, order_id, [StepKind.COMPLETE], StepState.DONE
    ):
        return _completed_here_error()
    await asyncio.to_thread(desk.results.fail_unsent, order_id, f"Not sent: {LOST_RESULT_ID}")
    await asyncio.to_thread(desk.orders.put, current)
    return StateConflictError(Service.SMARTRECRUITERS, summary=LOST_RESULT_ID)


async def create_result(
    desk: Desk, order_id: str, step: CreateResultStep, retry: bool
) -> ResultRecorded:
    if retry:
        found = await _find_result(desk, order_id, step.result)
        if found:
            return ResultRecorded(result_id=found, recovered=True)
    # SmartRecruiters takes a result for an order completed meanwhile (by another desk): that
    # would be a second verdict on the candidate, so the order is looked at first.
    current = await order_now(desk, order_id)
    if current.status is not OrderStatus.IN_PROGRESS:
        if current.status is OrderStatus.COMPLETED:
            raise await _completed_elsewhere(desk, order_id)
        raise StateConflictError(Service.SMARTRECRUITERS)
    created = await desk.session.sr.create_result(order_id, step.result)
    assert created.id is not None
    return ResultRecorded(result_id=created.id)
