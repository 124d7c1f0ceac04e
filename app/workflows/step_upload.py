"""The upload step: a dropped file attached to the order's result, as it was when it was
dropped, never twice (a copy found already there is taken for it)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import NamedTuple

from app.clients.errors import ApiError
from app.clients.multipart import FileChangedError, FileChangedSizeError, ProgressCallback
from app.domain.attachments import CANCELLABLE, RETRIABLE, UploadState
from app.domain.journal import AttachmentUploaded, JournalEntry, UploadStep
from app.domain.smartrecruiters import Attachment
from app.domain.uploads import MachineTime, Upload
from app.workflows.desk import Desk, upload_step_key
from app.workflows.file_identity import (
    FileIdentity,
    arrived_copy,
    changed_since_queued,
    file_fingerprint,
)
from app.workflows.refusals import StepCancelledError, StepDeferredError, StepRefusedError


async def upload_file(
    desk: Desk, entry: JournalEntry, step: UploadStep, retry: bool, report: ProgressCallback | None
) -> AttachmentUploaded:
    key = upload_step_key(step.upload_id)
    if not desk.claim(key):
        raise StepDeferredError("This file is already being uploaded.")
    try:
        return await _upload_claimed(desk, entry, step.upload_id, retry, report)
    finally:
        desk.release(key)


async def _upload_claimed(
    desk: Desk, entry: JournalEntry, upload_id: int, retry: bool, report: ProgressCallback | None
) -> AttachmentUploaded:
    upload = await asyncio.to_thread(desk.results.get, upload_id)
    if upload is None:
        raise StepDeferredError("The queued file is no longer known.")
    if upload.state is UploadState.CANCELLED:
        raise await _cancelled(desk, entry, upload.file_name)
    result_id = upload.result_id or await asyncio.to_thread(
        desk.results.result_id_for, entry.order_id
    )
    if not result_id:
        raise StepDeferredError("The order has no result yet: complete it first.")
    fingerprint = await asyncio.to_thread(_fingerprint, upload.path)
    there = await _copy_already_there(desk, upload, result_id, fingerprint, retry)
    if there is not None:
        return there
    checked = await _refuse_if_changed(desk, entry, upload)
    with desk.starting_to_send(upload_id):  # registered below, with no await between
        sending = await asyncio.to_thread(
            desk.results.start_sending, upload_id, entry.order_id, fingerprint,
            service_ahead=desk.session.sr.measured_clock_offset,
        )  # fmt: skip
    if sending is None:  # cancelled while the attachments were looked at
        raise await _cancelled(desk, entry, upload.file_name)
    progress = _WholeSent(report)
    # Sent in a task of its own, which the coordinator's Cancel stops wherever this step runs
    # (the board's upload, or the background resumer's, which then goes on with the rest).
    sending_task = asyncio.ensure_future(
        desk.session.sr.upload_attachment(
            entry.order_id, result_id, upload.path, file_name=upload.file_name,
            progress=progress, sha256=checked,
        )
    )  # fmt: skip
    desk.sending_started(sending, sending_task)
    try:
        attachment = await sending_task
    except ApiError as exc:
        if progress.whole:  # the answer was lost, or refused after the service read the file
            await asyncio.to_thread(desk.results.mark_delivered, upload_id)
        state = UploadState.QUEUED if exc.is_transient else UploadState.FAILED
        # Only from sending: a Cancel that came with the error stays (written over, the file
        # went back to the queue and was sent again).
        await asyncio.to_thread(
            desk.results.move, upload_id, entry.order_id, _SENDING, state, message=str(exc)
        )
        raise
    except OSError as exc:
        raise await _unreadable_while_sent(desk, entry, upload, exc) from exc
    except asyncio.CancelledError:
        # Synchronous on purpose: a cancelled task should not await again. The coordinator's
        # cancel marks the upload first; any other cancel (closing the app) leaves it queued.
        # Each write is conditional: a late cancel may meanwhile have found the file in
        # SmartRecruiters and marked the upload and its step done (``settle_late_cancel``).
        if progress.whole:
            desk.results.mark_delivered(upload_id)
        current = desk.results.get(upload_id)
        by_coordinator = current is not None and current.state in _ENDED_BY_COORDINATOR
        if by_coordinator:
            desk.journal.fail(entry.id, "Cancelled by the coordinator.", only_pending=True)
        else:
            desk.results.move(upload_id, entry.order_id, _SENDING, UploadState.QUEUED)
        task = asyncio.current_task()
        if by_coordinator and sending_task.cancelled() and not (task and task.cancelling()):
            # Only the sending was stopped: whoever runs this step goes on with its others.
            raise StepCancelledError(f"{upload.file_name} was cancelled.") from None
        raise
    finally:
        desk.sending_ended(upload_id, sending_task)
    return AttachmentUploaded(
        upload_id=upload_id, attachment_id=attachment.id, file_name=attachment.file_name
    )


async def _unreadable_while_sent(
    desk: Desk, entry: JournalEntry, upload: Upload, exc: OSError
) -> StepRefusedError:
    """The file failed while it was sent, said on the upload; the error the step ends with.
    Refused, not deferred: the file and its step are failed here, so nothing sends it again by
    itself (the resumer's pass counted it waiting, "the desk tries again by itself")."""
    again = "drop it on the order again to send it as it is now"
    if isinstance(exc, FileChangedSizeError):
        # The size checked just before it went is not the one read: a Retry would find it
        # changed since it was dropped (_refuse_if_changed) and refuse it.
        message = (
            f"{upload.file_name} changed since it was dropped (its size changed while it was "
            f"sent), and was not attached: {again}."
        )
    elif isinstance(exc, FileChangedError):
        # As a file found changed before it went (_refuse_if_changed): a try again would
        # find it so and refuse it; the file as it is now is another drop.
        message = (
            f"{upload.file_name} changed while it was sent (saved over, or edited), and was "
            f"not attached: {again}."
        )
    else:
        # One argument: the sentence open_for_upload wrote; else the system's words for it.
        # A read that failed may work later (a network drive back): Retry, by hand.
        said = exc.strerror or str(exc)
        message = (
            f"{upload.file_name} could not be read while it was sent ({said}): try again, or "
            "drop it again."
        )
    await file_failed(desk, entry, upload, message)
    return StepRefusedError(message)


_SENDING = frozenset({UploadState.UPLOADING})


#: A cancel's end states: cancelled, or done when the file was found there after it.
_ENDED_BY_COORDINATOR = frozenset({UploadState.CANCELLED, UploadState.DONE})


async def _refuse_if_changed(desk: Desk, entry: JournalEntry, upload: Upload) -> str | None:
    """What is sent is what was checked when it was dropped (see changed_since_queued). The
    content's SHA-256 then, which the bytes sent must still have: the file is opened again to
    be sent, and may be saved over meanwhile (a 429's wait is up to a minute). None for a file
    queued by an older version, which kept no identity."""
    queued = await asyncio.to_thread(desk.results.queued_identity, upload.id)
    changed = await asyncio.to_thread(
        changed_since_queued, upload.path, upload.file_name, upload.size, queued
    )
    if changed is not None:
        await file_failed(desk, entry, upload, changed)
        raise StepRefusedError(changed)
    identity = FileIdentity.from_text(queued) if queued is not None else None
    return identity.sha256 if identity is not None else None


async def file_failed(desk: Desk, entry: JournalEntry, upload: Upload, message: str) -> None:
    """The file, not the service, failed: the upload says why (unless the coordinator's
    Cancel came first), and its step is failed, not pending: Retry re-opens it rather than
    starting a second one."""
    await asyncio.to_thread(
        desk.results.move, upload.id, entry.order_id, CANCELLABLE, UploadState.FAILED,
        message=message,
    )  # fmt: skip
    await asyncio.to_thread(desk.journal.fail, entry.id, message)


def _fingerprint(path: str) -> str | None:
    """The file's fingerprint; None when it cannot be read (the sending says why)."""
    try:
        return file_fingerprint(path)
    except OSError:
        return None


class _WholeSent:
    """An upload's progress, passed on; ``whole`` once the whole file went out in the latest
    try (from then on the service may have it, whatever happens to its answer)."""

    def __init__(self, report: ProgressCallback | None) -> None:
        self._report = report
        self.whole = False

    def __call__(self, sent: int, total: int) -> None:
        # This try's: a try the service denied (a 429) starts again from 0, and what the one
        # before sent whole is not there (a later find of that name would be someone else's).
        self.whole = sent >= total
        if self._report is not None:
            self._report(sent, total)


async def _copy_already_there(
    desk: Desk, upload: Upload, result_id: str, fingerprint: str | None, retry: bool
) -> AttachmentUploaded | None:
    """The step's outcome when the file is found on the result already (see _where_to_look)."""
    lookup = await asyncio.to_thread(_where_to_look, desk, upload, fingerprint, retry)
    if lookup is None:
        return None
    there = await _look_on_the_result(desk, upload, result_id, lookup)
    if there is None:
        return None
    return AttachmentUploaded(
        upload_id=upload.id, attachment_id=there.id, file_name=upload.file_name,
        already_there=True,
    )  # fmt: skip


class _Lookup(NamedTuple):
    """The result is looked at for a copy dated since the earliest of ``since`` (None: the
    name alone)."""

    since: tuple[MachineTime, ...] | None

    def on_service_clock(self, service_ahead_now: timedelta) -> datetime | None:
        if self.since is None:
            return None
        return min(time.on_service_clock(service_ahead_now) for time in self.since)


def _where_to_look(
    desk: Desk, upload: Upload, fingerprint: str | None, retry: bool
) -> _Lookup | None:
    """Whether the file may already be on the result, and since when; None when it cannot.

    - A retry after a try whose end was never seen (the app stopped while it sent: still
      "uploading"): since its bytes began to go, or since an earlier try that sent the whole
      file, if one did (an older version's upload: by name).
    - A retry after a try that failed or was cancelled as this desk saw: only if the whole
      file had gone out (the answer may have been lost).
    - Any try: if this very file (same name and content) was cancelled for the order, or
      failed, after the whole of it had gone out.

    Otherwise a file of that name on the result is someone else's (a recruiter's, another
    desk's, a corrected file's first version), and this one must still be sent.
    """
    if retry and upload.state is UploadState.UPLOADING:
        if upload.sending_began is None:
            return _Lookup(None)
        return _Lookup(tuple(filter(None, (upload.sending_began, upload.went_whole))))
    times = [upload.went_whole] if retry and upload.went_whole is not None else []
    if fingerprint is not None:
        times += [
            other.went_whole
            for other in desk.results.for_order(upload.order_id)
            if other.id != upload.id
            and other.state in RETRIABLE
            and other.file_name == upload.file_name
            and other.fingerprint == fingerprint
            and other.went_whole is not None
        ]
    return _Lookup(tuple(times)) if times else None


async def _look_on_the_result(
    desk: Desk, upload: Upload, result_id: str, lookup: _Lookup
) -> Attachment | None:
    """The copy of the file already on the result, if any. When the attachments cannot be
    listed for good (no permission), the upload fails in words: resumed each round, it would
    only fail again."""
    try:
        existing = await desk.session.sr.list_attachments(upload.order_id, result_id)
    except ApiError as exc:
        if not exc.is_transient:
            if upload.state is UploadState.UPLOADING:  # a try cut off: it may be there
                await asyncio.to_thread(desk.results.mark_delivered, upload.id)
            await asyncio.to_thread(
                desk.results.move, upload.id, upload.order_id, CANCELLABLE, UploadState.FAILED,
                message=f"Could not check whether {upload.file_name} is already there: {exc}",
            )  # fmt: skip
        raise
    # The offset now (the listing's answer said it) only for a time written without one.
    since = lookup.on_service_clock(desk.session.sr.clock_offset)
    return arrived_copy(existing, upload.file_name, since)


async def _cancelled(desk: Desk, entry: JournalEntry, file_name: str) -> StepCancelledError:
    """The coordinator cancelled the file before it was sent: its step fails (Retry re-opens
    it), and the caller is told why."""
    await asyncio.to_thread(desk.journal.fail, entry.id, "Cancelled by the coordinator.")
    return StepCancelledError(f"{file_name} was cancelled.")
