"""Resuming what was interrupted: pending journal steps and queued uploads.

Run at start and then now and again: a step left pending by a crash, a network fault, a 5xx or
a 429 is executed again (checking first whether the service already applied it); a permanent
refusal marks it failed, to be shown on its order with a Retry button.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from app.clients.errors import ApiError
from app.domain.attachments import UploadState
from app.domain.journal import JournalEntry, JournalOutcome, UploadStep
from app.domain.journal_terms import StepState
from app.domain.order_rules import OPEN_STATUSES
from app.domain.smartrecruiters import OrderStatus
from app.domain.uploads import Upload
from app.workflows.desk import COMPLETING, Desk, action_key, upload_turn_key
from app.workflows.order_actions import retry_refusal
from app.workflows.refusals import (
    ActionNotAllowedError,
    StepCancelledError,
    StepDeferredError,
    StepRefusedError,
)
from app.workflows.results import (
    NO_RESULT_TO_ATTACH_TO,
    complete_after_result,
    existing_result_id,
    fail_delivery_reports,
    own_completion_waits,
    requeue_upload,
    run_upload,
    settle_late_cancel,
)
from app.workflows.step_complete import REJECTED_NO_RESULT
from app.workflows.steps import StepContext, execute

log = logging.getLogger(__name__)

#: Why a step the coordinator cancelled is not sent again by Retry.
CANCELLED_NOT_RETRIED = (
    "This step was cancelled, so it is not sent again. Use the order's action to do it anew."
)


@dataclass(frozen=True)
class ResumedItem:
    """What one id of a ``ResumeReport`` was: its order, and whether it was a file."""

    order_id: str
    file: bool = False  # an upload's step or a queued upload, not another kind of step


@dataclass
class ResumeReport:
    done: list[int] = field(default_factory=list)  # journal entry ids (or -upload ids)
    failed: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)  # transient trouble: try again later
    #: Each id above, what it was (the pass's words are made of it: ``resume_news``).
    items: dict[int, ResumedItem] = field(default_factory=dict)

    @property
    def settled(self) -> bool:
        return not self.waiting

    def note(self, ended: list[int], item_id: int, order_id: str, *, file: bool) -> None:
        """``item_id`` (of ``order_id``) ended this pass in ``ended`` (done, failed, waiting)."""
        ended.append(item_id)
        self.items[item_id] = ResumedItem(order_id, file)


OrderChanged = Callable[[str], None]
#: An upload's progress: (order id, upload id, bytes sent, total bytes).
UploadProgress = Callable[[str, int, int, int], None]


def _context(entry: JournalEntry, progress: UploadProgress | None) -> StepContext | None:
    """An upload's step reports its progress, whoever sends it (after a restart, the resumer
    does: the file said Queued while it went)."""
    if progress is None or not isinstance(entry.step, UploadStep):
        return None
    return StepContext(progress=_progress_of(entry.order_id, entry.step.upload_id, progress))


def _progress_of(
    order_id: str, upload_id: int, progress: UploadProgress
) -> Callable[[int, int], None]:
    return lambda sent, total: progress(order_id, upload_id, sent, total)


def is_permanent(exc: Exception) -> bool:
    """A refusal that waiting will not change (a 429, even a daily limit, is only a wait), or
    the coordinator's Cancel: the step failed, and waiting is not what it needs."""
    if isinstance(exc, StepCancelledError | StepRefusedError):
        return True
    return isinstance(exc, ApiError) and not exc.is_transient


async def resume_pending(
    desk: Desk,
    *,
    on_change: OrderChanged | None = None,
    progress: UploadProgress | None = None,
) -> ResumeReport:
    """Execute every pending step again, oldest first; an order's later steps wait for its
    earlier ones. Then start queued uploads that never got going. ``progress``: how far each
    file sent is."""
    report = ResumeReport()
    blocked: set[str] = set()
    pending = await asyncio.to_thread(desk.journal.pending)
    uploads_in_journal = {e.step.upload_id for e in pending if isinstance(e.step, UploadStep)}
    for entry in pending:
        is_file = isinstance(entry.step, UploadStep)
        if entry.order_id in blocked:
            report.note(report.waiting, entry.id, entry.order_id, file=is_file)
            continue
        if isinstance(entry.step, UploadStep) and _the_boards(desk, entry.step.upload_id):
            blocked.add(entry.order_id)  # its later steps wait for it, as for any other
            continue
        try:
            await execute(desk, entry, retry=True, context=_context(entry, progress))
            await complete_after_result(desk, entry)
        except (StepDeferredError, ApiError) as exc:
            if await _state_now(desk, entry.id) is StepState.CANCELLED:  # not this pass's
                continue
            permanent = is_permanent(exc)
            ended = report.failed if permanent else report.waiting
            report.note(ended, entry.id, entry.order_id, file=is_file)
            blocked.add(entry.order_id)
            log.info("Resuming step %s (%s) did not finish: %s", entry.id, entry.action, exc)
            if isinstance(exc, StepCancelledError) and isinstance(entry.step, UploadStep):
                await settle_late_cancel(desk, entry.step.upload_id)
        except Exception:  # noqa: BLE001 - one step's surprise must not stop the others
            # Logged and noted on the step by ``execute``; it waits, the next orders go on.
            report.note(report.waiting, entry.id, entry.order_id, file=is_file)
            blocked.add(entry.order_id)
        else:
            if await _state_now(desk, entry.id) is not StepState.DONE:  # ended before its turn
                continue
            report.note(report.done, entry.id, entry.order_id, file=is_file)
        if on_change:
            on_change(entry.order_id)
    await _complete_results_left_open(desk, report, blocked, on_change)
    await _resume_uploads(
        desk, report, blocked, uploads_in_journal, on_change=on_change, progress=progress
    )
    return report


async def _state_now(desk: Desk, entry_id: int) -> StepState | None:
    """The step's state as the journal holds it now. The pass reads its list before it works
    through it: a step the coordinator cancelled meanwhile was returned from unsent (counted,
    and said, as sent), or, its cancel holding it as the pass came, counted as waiting ("the
    desk tries again by itself")."""
    now = await asyncio.to_thread(desk.journal.get, entry_id)
    return now.state if now is not None else None


def _the_boards(desk: Desk, upload_id: int) -> bool:
    """Whether the board sends this file: waiting for its turn (two at a time) or going (or
    another round has it in hand). The resumer sent such a file as a third beside the two,
    and the board's own turn then failed a step of its own for it."""
    return desk.is_claimed(upload_turn_key(upload_id))


async def _complete_results_left_open(
    desk: Desk, report: ResumeReport, blocked: set[str], on_change: OrderChanged | None
) -> None:
    """The documented flow made the order's result, and the desk stopped before it began the
    completion (a crash between the two calls): the order is completed with that result now,
    as the coordinator asked, not left in progress with it for good. An order a coordinator
    is completing or delivering this moment is left to that."""
    for entry in await asyncio.to_thread(desk.journal.results_left_open):
        keys = [action_key(action, entry.order_id) for action in COMPLETING]
        if entry.order_id in blocked or not desk.claim_all(keys):
            continue
        tried = True  # the order then shows how it went, whatever happened
        try:
            if await complete_after_result(desk, entry):
                report.note(report.done, entry.id, entry.order_id, file=False)
            else:
                tried = False  # completed or rejected meanwhile: nothing to do
        except (StepDeferredError, ApiError) as exc:
            ended = report.failed if is_permanent(exc) else report.waiting
            report.note(ended, entry.id, entry.order_id, file=False)
            blocked.add(entry.order_id)
            log.info("Completing order %s with its result did not finish: %s", entry.order_id, exc)
        except Exception:  # as in resume_pending: the other orders go on
            log.exception("Completing order %s with its result failed", entry.order_id)
            report.note(report.waiting, entry.id, entry.order_id, file=False)
            blocked.add(entry.order_id)
        finally:
            for key in keys:
                desk.release(key)
        if tried and on_change:
            on_change(entry.order_id)


async def _resume_uploads(
    desk: Desk,
    report: ResumeReport,
    blocked: set[str],
    uploads_in_journal: set[int],
    *,
    on_change: OrderChanged | None,
    progress: UploadProgress | None,
) -> None:
    """Start queued uploads that never got going (the steps' own are resumed with them)."""
    for upload in await asyncio.to_thread(desk.results.unfinished):
        if upload.id in uploads_in_journal or upload.order_id in blocked:
            continue
        if upload.state is UploadState.UPLOADING:
            continue  # under way in this process (an interrupted one has a pending step)
        # The file is the resumer's while it looks at it and sends it, as it is the board's
        # from when it starts it (``_the_boards``): taken up by both at once, each opened a
        # step for it, and the one left over failed later, "Cancelled by the coordinator".
        turn = upload_turn_key(upload.id)
        if not desk.claim(turn):
            continue  # the board sends it: waiting for its turn, or going
        try:
            reported = await _resume_upload(desk, upload, report, blocked, progress=progress)
        finally:
            desk.release(turn)
        if reported and on_change:
            on_change(upload.order_id)


async def _resume_upload(
    desk: Desk,
    upload: Upload,
    report: ResumeReport,
    blocked: set[str],
    *,
    progress: UploadProgress | None,
) -> bool:
    """Send one queued file that never got going, if its order has a result for it. False
    when it still waits for that result (nothing to report)."""
    try:
        gone = await asyncio.to_thread(desk.orders.gone_since, upload.order_id)
        # SmartRecruiters no longer has the order: nothing is asked about its result, and
        # the file's step fails in words (``steps``), once. A file that knows its result
        # goes to it, unless the order was rejected since (after the documented flow made
        # that result): sent, it went to a rejected order's result.
        if gone is None and (upload.result_id is None or await _rejected(desk, upload.order_id)):
            found = await _found_result(desk, upload)
            if found is None:
                return False  # waits for the order's result
            if not found:
                # Completed elsewhere without a result (or not one for this file): failed,
                # in words, not queued for ever.
                blocked.add(upload.order_id)
                report.note(report.failed, -upload.id, upload.order_id, file=True)
                return True
        sent = _progress_of(upload.order_id, upload.id, progress) if progress else None
        await run_upload(desk, upload, progress=sent)
    except (StepDeferredError, ApiError) as exc:
        permanent = is_permanent(exc)
        ended = report.failed if permanent else report.waiting
        report.note(ended, -upload.id, upload.order_id, file=True)
        blocked.add(upload.order_id)
        if isinstance(exc, StepCancelledError):
            await settle_late_cancel(desk, upload.id)
    except Exception:  # as above: the other uploads go on
        log.exception("Resuming upload %s failed unexpectedly", upload.id)
        report.note(report.waiting, -upload.id, upload.order_id, file=True)
        blocked.add(upload.order_id)
    else:
        report.note(report.done, -upload.id, upload.order_id, file=True)
    return True


async def _found_result(desk: Desk, upload: Upload) -> bool | None:
    """A file queued for an order that was then completed outside this desk goes to the
    order's result in SmartRecruiters (True); the order having none, or having been rejected,
    its queued files fail in words rather than wait for ever (False). None while the order
    may still get its result here (new or in progress). A Deliver's report fails too: it was
    for this desk's result, never made (the desk stopped before the completion was journaled);
    sent to the result found, it went out beside another tool's verdict."""
    order_id = upload.order_id
    order = await asyncio.to_thread(desk.orders.get, order_id)
    if order is None or order.status in OPEN_STATUSES:
        return None
    if order.status is OrderStatus.COMPLETED:
        if await asyncio.to_thread(own_completion_waits, desk, order_id):
            return None  # its step finds which result is this desk's, and records it
        if await asyncio.to_thread(desk.reports.holds, upload.path):
            await asyncio.to_thread(fail_delivery_reports, desk, order_id)
            return False
        if await existing_result_id(desk, order) is not None:
            return True
        why = NO_RESULT_TO_ATTACH_TO
    else:
        why = REJECTED_NO_RESULT
    await asyncio.to_thread(desk.results.fail_unsent, order_id, why, result_id=upload.result_id)
    return False


async def _rejected(desk: Desk, order_id: str) -> bool:
    """Whether the order is rejected, as last seen."""
    order = await asyncio.to_thread(desk.orders.get, order_id)
    return order is not None and order.status is OrderStatus.REJECTED


async def retry_step(desk: Desk, entry_id: int) -> JournalOutcome | None:
    """The coordinator's Retry on a failed step; returns what ``execute`` returns."""
    entry = await asyncio.to_thread(desk.journal.get, entry_id)
    if entry is None or entry.state is StepState.DONE:
        raise ValueError("This step is not waiting for a retry.")
    if entry.state is StepState.CANCELLED:
        # The coordinator cancelled it: sent again, it went against that word. The order's
        # own action sends it anew, checked as any other.
        raise ActionNotAllowedError(CANCELLED_NOT_RETRIED)
    # Held back by a step waiting, or sent again a step whose job this desk did since (or
    # waits to do) reads that as someone else's doing; an invitation that may have gone, with
    # no count to tell, is refused again. The Activity's Retry asks the same.
    timeline = await asyncio.to_thread(desk.journal.entries, entry.order_id)
    refused = retry_refusal(entry, timeline)
    if refused is not None:
        raise ActionNotAllowedError(refused)
    if isinstance(entry.step, UploadStep):
        # As the file's own Retry: never a file already sent, nor beside a copy queued since.
        upload_id = entry.step.upload_id
        if await requeue_upload(desk, entry.order_id, upload_id) is None:
            upload = await asyncio.to_thread(desk.results.get, upload_id)
            if upload is None or upload.state is UploadState.DONE:
                raise ActionNotAllowedError("This file was already sent: it is not sent again.")
    await asyncio.to_thread(desk.journal.reopen, entry_id)
    reopened = await asyncio.to_thread(desk.journal.get, entry_id)
    assert reopened is not None
    outcome = await execute(desk, reopened, retry=True)
    await complete_after_result(desk, reopened)
    return outcome
