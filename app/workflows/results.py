"""Completing orders with a result, and attaching reports to it.

The resultId exists only in the answer of the call that created the result, so it is recorded
in the same transaction that marks the step done; uploads wait in a queue that survives
restarts and go to the stored resultId.
"""

from __future__ import annotations

import asyncio
import logging
import os
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath

from app.clients.errors import ApiError
from app.clients.multipart import ProgressCallback
from app.domain.attachments import (
    CANCELLABLE,
    DEFAULT_MAX_BYTES,
    SNIFF_BYTES,
    UploadState,
    attachment_name,
    check_attachment,
    check_content,
)
from app.domain.journal import (
    AttachmentUploaded,
    CompleteStep,
    CreateResultStep,
    JournalEntry,
    ResultRecorded,
    UploadStep,
)
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.order_result import ResultOnFile
from app.domain.order_rules import OrderAction, why_not
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, OrderStatus
from app.domain.uploads import Upload
from app.store.paths import NotRegularFileError, open_regular_file, regular_file
from app.workflows.desk import Desk
from app.workflows.file_identity import (
    ChangedWhileReadError,
    FileIdentity,
    arrived_copy,
    identify,
)
from app.workflows.order_actions import STEPS_OF_ACTION, check_message, refused_while_waiting
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.step_complete import completed_elsewhere_error
from app.workflows.steps import StepContext, execute, run_step

log = logging.getLogger(__name__)


def why_not_complete(order: AssessmentOrder) -> str | None:
    return why_not(OrderAction.COMPLETE, order, None)


async def check_can_complete(
    desk: Desk, order: AssessmentOrder, message: str | None = None
) -> None:
    """Refuse, in words, completing ``order`` now (its status, the message, a completion
    already under way), before anything is queued or sent."""
    gone_since = await asyncio.to_thread(desk.orders.gone_since, order.id)
    reason = why_not(OrderAction.COMPLETE, order, None, gone_since=gone_since)
    if reason:
        raise ActionNotAllowedError(reason)
    check_message("The message", message)
    pending = await asyncio.to_thread(desk.journal.pending_kinds, order.id)
    if STEPS_OF_ACTION[OrderAction.COMPLETE] & pending:
        raise ActionNotAllowedError(
            "Completing this order is already under way; it is retried automatically."
        )
    waiting = refused_while_waiting(OrderAction.COMPLETE, pending)
    if waiting is not None:
        raise ActionNotAllowedError(waiting)


async def complete_order(
    desk: Desk,
    order: AssessmentOrder,
    result: AssessmentResult,
    *,
    flow: ResultFlow = ResultFlow.FAQ,
    message: str | None = None,
    with_result_made: bool = False,
) -> str:
    """Complete ``order`` with ``result``; returns the resultId (already stored).

    An order may have a result already: the documented flow's create went through, its
    completion did not. A second result would be a second verdict on the candidate, so
    ``with_result_made`` (a delivery: the result came from the same plan) completes the order
    with that one, whatever the flow; otherwise (a result typed in the Complete dialog, which
    would not be what is sent) it is refused in words."""
    await check_can_complete(desk, order, message)
    if problems := result.sending_problems():
        said = " ".join(f"{field.capitalize()}: {why}" for field, why in problems.items())
        raise ActionNotAllowedError(f"SmartRecruiters would refuse this result. {said}")
    # The id is the service's to give: a result sent with one is not a new result.
    result = result.model_copy(update={"id": None})
    result_id = await asyncio.to_thread(desk.results.result_id_for, order.id)
    if result_id is not None and not with_result_made:
        raise ResultAlreadyMadeError(await _how_it_completes(desk, order.id))
    if flow is ResultFlow.FAQ and result_id is None:
        done = await run_step(desk, order.id, CompleteStep(flow=flow, result=result))
        assert isinstance(done, ResultRecorded)
        return done.result_id
    if result_id is None:
        step = CreateResultStep(result=result, message=message or None)
        created = await run_step(desk, order.id, step)
        assert isinstance(created, ResultRecorded)
        result_id = created.result_id
    await run_step(
        desk, order.id, CompleteStep(flow=ResultFlow.DOCUMENTED, message=message or None)
    )
    return result_id


class ResultAlreadyMadeError(ActionNotAllowedError):
    """Completing would send a second result: an earlier attempt made one and did not
    complete the order with it."""


async def _how_it_completes(desk: Desk, order_id: str) -> str:
    """Why a typed result is refused when the order has one, and how the order gets completed
    with the one it has: the coordinator's Retry of a failed completion, or else the desk
    itself (``outbox``: a completion never begun is begun)."""
    failed = await asyncio.to_thread(
        desk.journal.has_step, order_id, [StepKind.COMPLETE], StepState.FAILED
    )
    return result_made_reason(completion_failed=failed)


def result_made_reason(*, completion_failed: bool) -> str:
    """Why an order in progress with a result made here is not completed with another one,
    and how it gets completed with that one (``_how_it_completes``)."""
    how = (
        f"Retry its failed “{StepKind.COMPLETE.label}” step in the order's activity: that "
        "completes the order with the result it has."
        if completion_failed
        else "The desk completes the order with that result by itself in a moment."
    )
    return (
        "This order already has a result in SmartRecruiters, made by an earlier attempt that "
        f"did not complete it; completing now would send a second one. {how}"
    )


async def complete_after_result(desk: Desk, entry: JournalEntry) -> bool:
    """The documented flow's second half, when the first was interrupted: ``entry`` created
    the order's result only when resumed or retried, after ``complete_order`` had given up on
    it, or the desk stopped between the two. With no completion begun since, the order is
    completed now (True); else it would keep its result and stay in progress for good."""
    step = entry.step
    if not isinstance(step, CreateResultStep):
        return False
    entries = await asyncio.to_thread(desk.journal.entries, entry.order_id)
    now = next((e for e in entries if e.id == entry.id), None)
    if now is None or now.state is not StepState.DONE:
        # Not created (it failed meanwhile, say, in another hand): completing now would end
        # the order with no result at all. Done, its resultId was recorded with it.
        return False
    if any(e.action is StepKind.COMPLETE and e.id > entry.id for e in entries):
        return False
    order = await asyncio.to_thread(desk.orders.get, entry.order_id)
    if order is None or why_not_complete(order) is not None:
        return False  # rejected or completed meanwhile: nothing to complete
    # As the coordinator asked, under the author in force then (None: an older desk's step).
    completing = CompleteStep(flow=ResultFlow.DOCUMENTED, message=step.message, author=step.author)
    await run_step(desk, entry.order_id, completing)
    return True


# -- an order's result, wherever it was made ----------------------------------------------------

#: Why a report cannot go to an order completed elsewhere with no result (the drop is refused).
NO_RESULT_TO_ATTACH_TO = (
    "This order was completed outside this desk without a result, so there is no result to "
    "attach a report to (and SmartRecruiters allows no change to a completed order). Nothing "
    "was attached."
)


def newest_result(results: list[AssessmentResult]) -> AssessmentResult | None:
    """The newest result that has an id (an order normally has one)."""
    dated = [r for r in results if r.id]
    oldest = datetime.min.replace(tzinfo=UTC)
    return max(dated, key=lambda r: r.create_date or oldest, default=None)


async def result_on_file(desk: Desk, order: AssessmentOrder) -> ResultOnFile | None:
    """What the order's result is in SmartRecruiters: the one recorded here, or, for an order
    completed outside this desk, the newest one ``GET .../results`` lists. None when there is
    nothing to look up (no result here and the order is not completed). Reads only."""
    known = await asyncio.to_thread(desk.results.result_id_for, order.id)
    if known is None and order.status is not OrderStatus.COMPLETED:
        return None
    results = await desk.session.sr.list_results(order.id)
    if known is None:
        found = newest_result(results)
        if found is None or found.id is None:
            return ResultOnFile(None)
        attachments = await desk.session.sr.list_attachments(order.id, found.id)
        return ResultOnFile(found.id, found, attachments, found_elsewhere=True)
    listed = next((r for r in results if r.id == known), None)
    return ResultOnFile(known, listed, await desk.session.sr.list_attachments(order.id, known))


async def existing_result_id(desk: Desk, order: AssessmentOrder) -> str | None:
    """The order's result id: the one recorded here, or, for an order completed outside this
    desk, the newest of its results in SmartRecruiters, recorded now so that reports dropped
    on the order (and files already queued for it) go there. None: the order has none."""
    known = await asyncio.to_thread(desk.results.result_id_for, order.id)
    if known is not None or order.status is not OrderStatus.COMPLETED:
        return known
    if await asyncio.to_thread(own_completion_waits, desk, order.id):
        # Which result is this desk's, its own step finds (an earlier try may never have
        # gone, and the newest is then another tool's): taken here, the Deliver's report
        # went out beside another tool's verdict. The files wait for what the step records.
        return None
    found = newest_result(await desk.session.sr.list_results(order.id))
    if found is None or found.id is None:
        return None
    # Before the adoption hands it the order's files still waiting for a result: a Deliver's
    # report waiting (the desk stopped before its completion was journaled) was for this
    # desk's result, which was never made, and must not go to another tool's.
    await asyncio.to_thread(fail_delivery_reports, desk, order.id)
    await asyncio.to_thread(desk.results.adopt_result, order.id, found.id)
    return found.id


def own_completion_waits(desk: Desk, order_id: str) -> bool:
    """Whether this desk's completion of the order (its result, its complete) waits in the
    journal: the order may show completed by it, its answer lost. Blocking (the store)."""
    return desk.journal.has_pending(order_id, StepKind.COMPLETE, StepKind.CREATE_RESULT)


def fail_delivery_reports(desk: Desk, order_id: str) -> bool:
    """The order's Berke reports queued by a Deliver with no result to go to fail, in the
    words a Deliver refused as completed elsewhere uses; True then. Not while this desk's own
    completion of the order waits to be checked (False): the result may be its own, for the
    report to go to. Blocking (the store)."""
    if own_completion_waits(desk, order_id):
        return False
    message = f"Not sent: {completed_elsewhere_error().summary}"
    for upload in desk.results.for_order(order_id):
        if upload.result_id is None and desk.reports.holds(upload.path):
            desk.results.move(
                upload.id, order_id, frozenset({UploadState.QUEUED}), UploadState.FAILED,
                message=message,
            )  # fmt: skip
    return True


class AttachmentRefusedError(ValueError):
    """The file is refused before anything is sent (type, size, content); the message says why."""


@dataclass(frozen=True)
class CheckedFile:
    """A file that may be attached: where it really is (links resolved), its size, and what
    it was when checked (the file sent must still be that one)."""

    path: Path
    size: int
    identity: FileIdentity


def _visible(name: str) -> str:
    """``name`` as a sentence may carry it: without direction and width marks (a right-to-left
    override in it turned the whole refusal round), line breaks and other controls as spaces.
    For a file named but not attached: ``attachment_name`` would call ".bashrc" an attachment."""
    kinds = ((c, unicodedata.category(c)) for c in name)
    kept = "".join(" " if kind[0] in "CZ" else c for c, kind in kinds if kind != "Cf")
    return " ".join(kept.split())


def inspect_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> CheckedFile:
    """Check ``path`` as ``check_file`` does; return the resolved file to queue, its size and
    its identity (its content is read whole for it).

    Blocking I/O (call it off the event loop: a 200 MB report takes about a second). Only a
    regular file is read, and only through a descriptor opened without blocking: a FIFO or a
    device (``/dev/zero``) could otherwise hang the thread or never end. Every refusal names
    the file as it would be attached: the name as dropped may hold a right-to-left override,
    which turns the whole sentence round.
    """
    name = attachment_name(path.name)
    try:
        real, info = regular_file(path)
    except NotRegularFileError as exc:
        raise AttachmentRefusedError(
            f"{name} is not a regular file (a folder, a device or a pipe cannot be attached)."
        ) from exc
    except OSError as exc:
        raise AttachmentRefusedError(f"{name} cannot be read: {exc.strerror or exc}") from exc
    problem = check_attachment(name, info.st_size, max_bytes)
    # A link gives the file a name; the file it points at must be of the same kind, or
    # "report.txt" could send /etc/passwd (text, so its content alone would pass). Both names
    # as they are on disk: a file is not a link to itself.
    if problem is None and PurePath(real.name).suffix.lower() != path.suffix.lower():
        problem = (
            f"{name} cannot be attached: it is a link to {_visible(real.name)}, a file of "
            "another kind. Attach the file itself."
        )
    if problem:
        raise AttachmentRefusedError(problem)
    try:
        with open_regular_file(real, expected=info) as handle:
            problem = check_content(name, handle.read(SNIFF_BYTES))
            if problem:
                raise AttachmentRefusedError(problem)
            # From the descriptor whose start was just looked at: what is queued is what was
            # checked, however its path changes later.
            identity = identify(handle)
    except (NotRegularFileError, ChangedWhileReadError) as exc:
        raise AttachmentRefusedError(f"{name} changed while it was being checked.") from exc
    except OSError as exc:
        raise AttachmentRefusedError(f"{name} cannot be read: {exc.strerror or exc}") from exc
    return CheckedFile(real, info.st_size, identity)


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The file's size, or AttachmentRefusedError with the reason it cannot be attached: not a
    regular file (after resolving links), a name outside the allow-list, empty or too large,
    or content that is not what its name says (a PDF starts with ``%PDF-``, and so on)."""
    return inspect_file(path, max_bytes).size


async def queue_files(
    desk: Desk, order: AssessmentOrder, paths: list[Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Upload], list[str]]:
    """Queue the acceptable files (returns them) and say why the others were refused."""
    accepted: list[Upload] = []
    refused: list[str] = []
    for path in paths:
        try:
            checked = await asyncio.to_thread(inspect_file, path, max_bytes)
        except AttachmentRefusedError as exc:
            refused.append(str(exc))
            continue
        name = attachment_name(path.name)
        # The file checked, not the link dropped, and what it was: what is sent is what was
        # looked at.
        queued = await asyncio.to_thread(
            desk.results.enqueue_if_free, order.id, os.fspath(checked.path), name, checked.size,
            identity=checked.identity.to_text(),
        )  # fmt: skip
        if isinstance(queued, UploadState):
            refused.append(_name_taken(name, queued))
        else:
            accepted.append(queued)
    return accepted, refused


def _name_taken(name: str, holder: UploadState) -> str:
    if holder is UploadState.DONE:
        return f"{name} is already attached to this order's result."
    return f"{name} is already on its way to this order's result."


async def run_upload(
    desk: Desk, upload: Upload, *, progress: ProgressCallback | None = None
) -> Upload:
    """Send one queued file to the order's result, journaled like every other step.

    An upload that already has a step (interrupted, or failed and retried) runs that step again,
    checking first whether the file reached the service; it never gets a second step. One
    that is no longer queued (cancelled while it waited its turn) gets no step at all: it got
    one, failed "Cancelled by the coordinator", for a Cancel already said.
    """
    entry = await asyncio.to_thread(_step_to_resume, desk, upload.id)
    if entry is not None:
        await execute(desk, entry, retry=True, context=StepContext(progress=progress))
    elif (now := await asyncio.to_thread(desk.results.get, upload.id)) is not None and (
        now.state is not UploadState.QUEUED
    ):
        return now
    else:
        step = UploadStep(upload_id=upload.id, file_name=upload.file_name)
        await run_step(desk, upload.order_id, step, StepContext(progress=progress))
    finished = await asyncio.to_thread(desk.results.get, upload.id)
    assert finished is not None
    return finished


def _is_step_of(entry: JournalEntry, upload_id: int) -> bool:
    return isinstance(entry.step, UploadStep) and entry.step.upload_id == upload_id


def _reopen_last_upload_step(desk: Desk, upload: Upload) -> None:
    steps = [e for e in desk.journal.entries(upload.order_id) if _is_step_of(e, upload.id)]
    if steps and steps[-1].state is StepState.FAILED:
        desk.journal.reopen(steps[-1].id)


def _step_to_resume(desk: Desk, upload_id: int) -> JournalEntry | None:
    """The upload's open step; for a queued upload whose last step failed, that step
    re-opened, as Retry does. A second step did not look for the copy the failed one's try
    may have left (its whole file went, the answer lost) and sent the file again."""
    upload = desk.results.get(upload_id)
    if upload is not None and upload.state is UploadState.QUEUED:
        _reopen_last_upload_step(desk, upload)
    return _open_upload_step(desk, upload_id)


def _open_upload_step(desk: Desk, upload_id: int) -> JournalEntry | None:
    """The upload's step that is pending, or failed and so re-opened for a retry."""
    for entry in desk.journal.pending():
        if _is_step_of(entry, upload_id):
            return entry
    return None


async def cancel_upload(desk: Desk, order_id: str, upload_id: int) -> Upload | None:
    """Mark the order's upload cancelled if it is on its way, and stop it if it is being sent
    (whoever started it: a click, or the background resumer): it will not be resumed. None,
    and nothing changed, when it is not on its way."""
    before = await asyncio.to_thread(desk.results.get, upload_id)
    upload = await asyncio.to_thread(
        desk.results.move, upload_id, order_id, CANCELLABLE, UploadState.CANCELLED,
        message="Cancelled.",
    )  # fmt: skip
    if upload is None:
        return None
    left_mid_send = desk.left_mid_send(upload_id)
    stopped = desk.stop_sending(upload_id)
    if not stopped and left_mid_send and before and before.state is UploadState.UPLOADING:
        # "Uploading" with no one sending it: left so by an app that stopped mid-send. Its
        # file may be on the result: a Retry looks there first. Not one this desk is storing
        # as "uploading", its sending about to begin: nothing of it went.
        await asyncio.to_thread(desk.results.mark_delivered, upload_id)
    entry = await asyncio.to_thread(_open_upload_step, desk, upload_id)
    if entry is not None:
        # Only if still pending: the send may have ended, done, since the step was found.
        await asyncio.to_thread(
            desk.journal.fail, entry.id, "Cancelled by the coordinator.", only_pending=True
        )
    return upload


async def settle_late_cancel(desk: Desk, upload_id: int) -> bool:
    """A file cancelled after the whole of it went out may have reached SmartRecruiters
    before the cancel (its answer was slow): looked for once. Found (this name, dated since
    it went), the upload and its step are done, "already there", and the order says so
    rather than Cancelled; True then. Not found, never sent whole, or the service cannot be
    asked: it stays cancelled (the same file dropped again is looked for then). Called by
    whoever ran the step, once it has ended: its end says whether the whole file went out."""
    current = await asyncio.to_thread(desk.results.get, upload_id)
    if current is None or current.state is not UploadState.CANCELLED:
        return False
    went_whole = current.went_whole
    if went_whole is None or current.result_id is None:
        return False
    try:
        attachments = await desk.session.sr.list_attachments(current.order_id, current.result_id)
    except ApiError as exc:
        log.info("Could not check whether cancelled %s had arrived: %s", current.id, exc)
        return False
    since = went_whole.on_service_clock(desk.session.sr.clock_offset)
    there = arrived_copy(attachments, current.file_name, since)
    if there is None:
        return False
    return await asyncio.to_thread(_mark_arrived, desk, current, there.id)


def _mark_arrived(desk: Desk, upload: Upload, attachment_id: str) -> bool:
    current = desk.results.get(upload.id)
    steps = [e for e in desk.journal.entries(upload.order_id) if _is_step_of(e, upload.id)]
    if current is None or current.state is not UploadState.CANCELLED or not steps:
        return False  # queued again (Retry) or settled meanwhile
    outcome = AttachmentUploaded(
        upload_id=upload.id,
        attachment_id=attachment_id,
        file_name=upload.file_name,
        already_there=True,
    )
    desk.journal.finish(steps[-1].id, outcome)  # the upload is done with it, atomically
    return True


async def requeue_upload(desk: Desk, order_id: str, upload_id: int) -> Upload | None:
    """The order's failed or cancelled upload, queued again for Retry (its last step
    re-opened). None, and nothing changed, when it is not one of those (a sent file is never
    sent twice). A file whose copy was queued again since (a second Deliver after a Cancel)
    is refused in words: both would be attached."""
    upload = await asyncio.to_thread(desk.results.requeue_if_free, upload_id, order_id)
    if isinstance(upload, UploadState):
        this = await asyncio.to_thread(desk.results.get, upload_id)
        name = this.file_name if this is not None else "This file"
        raise ActionNotAllowedError(
            f"Another copy of {name} is already "
            f"{'sent' if upload is UploadState.DONE else 'on its way'} for this "
            "order: this one is not sent again."
        )
    if upload is not None:
        desk.may_send_again(upload_id)
        await asyncio.to_thread(_reopen_last_upload_step, desk, upload)
    return upload
