"""Completing orders with a result, and attaching reports to it.

The resultId exists only in the answer of the call that created the result, so it is recorded
in the same transaction that marks the step done; uploads wait in a queue that survives
restarts and go to the stored resultId.
"""

from __future__ import annotations

import asyncio
import os
from enum import StrEnum
from pathlib import Path

from app.clients.multipart import ProgressCallback
from app.domain.attachments import DEFAULT_MAX_BYTES, Upload, UploadState, check_attachment
from app.domain.journal import Action, JournalEntry, StepState
from app.domain.order_rules import OrderAction, why_not
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult
from app.workflows.desk import Desk
from app.workflows.order_actions import ActionNotAllowedError
from app.workflows.steps import StepContext, StepResult, execute, run_step


class ResultFlow(StrEnum):
    """How a result reaches SmartRecruiters; both are supported because both are in use."""

    FAQ = "faq"  # POST .../complete with the result: the answer carries the resultId
    DOCUMENTED = "documented"  # POST .../results (answer: the id), then complete with a comment


def why_not_complete(order: AssessmentOrder) -> str | None:
    return why_not(OrderAction.COMPLETE, order, None)


async def complete_order(
    desk: Desk,
    order: AssessmentOrder,
    result: AssessmentResult,
    *,
    flow: ResultFlow = ResultFlow.FAQ,
    message: str | None = None,
) -> str:
    """Complete ``order`` with ``result``; returns the resultId (already stored)."""
    reason = why_not_complete(order)
    if reason:
        raise ActionNotAllowedError(reason)
    pending = await asyncio.to_thread(desk.journal.pending)
    if any(e.order_id == order.id and e.action in (Action.COMPLETE, Action.CREATE_RESULT)
           for e in pending):  # fmt: skip
        raise ActionNotAllowedError(
            "Completing this order is already under way; it is retried automatically."
        )
    body = result.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"id"})
    if flow is ResultFlow.FAQ:
        done = await run_step(desk, order.id, Action.COMPLETE, {"flow": flow.value, **body})
    else:
        existing = await asyncio.to_thread(desk.results.result_id_for, order.id)
        if existing is None:
            done = await run_step(desk, order.id, Action.CREATE_RESULT, body)
        else:  # an earlier attempt created it; only completing is left
            done = StepResult({"resultId": existing}, result_id=existing)
        request = {"flow": flow.value, "message": message}
        await run_step(desk, order.id, Action.COMPLETE, {k: v for k, v in request.items() if v})
    assert done.result_id is not None
    return done.result_id


class AttachmentRefusedError(ValueError):
    """The file is refused before anything is sent (type, size); the message says why."""


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
    """The file's size, or AttachmentRefusedError with the reason it cannot be attached."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AttachmentRefusedError(f"{path.name} cannot be read: {exc.strerror}") from exc
    if not path.is_file():
        raise AttachmentRefusedError(f"{path.name} is not a file.")
    problem = check_attachment(path.name, size, max_bytes)
    if problem:
        raise AttachmentRefusedError(problem)
    return size


async def queue_files(
    desk: Desk, order: AssessmentOrder, paths: list[Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[Upload], list[str]]:
    """Queue the acceptable files (returns them) and say why the others were refused."""
    accepted: list[Upload] = []
    refused: list[str] = []
    known = {u.file_name for u in await asyncio.to_thread(desk.results.for_order, order.id)
             if u.state is not UploadState.CANCELLED}  # fmt: skip
    for path in paths:
        try:
            size = await asyncio.to_thread(check_file, path, max_bytes)
        except AttachmentRefusedError as exc:
            refused.append(str(exc))
            continue
        if path.name in known:
            # Names identify attachments when an interrupted upload is checked: keep them unique.
            refused.append(f"{path.name} is already attached or queued for this order.")
            continue
        known.add(path.name)
        upload = await asyncio.to_thread(
            desk.results.enqueue, order.id, os.fspath(path.resolve()), path.name, size
        )
        accepted.append(upload)
    return accepted, refused


async def run_upload(
    desk: Desk, upload: Upload, *, progress: ProgressCallback | None = None
) -> Upload:
    """Send one queued file to the order's result, journaled like every other step.

    An upload that already has a step (interrupted, or failed and retried) runs that step again,
    checking first whether the file reached the service; it never gets a second step.
    """
    entry = await asyncio.to_thread(_open_upload_step, desk, upload.id)
    if entry is not None:
        await execute(desk, entry, retry=True, context=StepContext(progress=progress))
    else:
        await run_step(
            desk,
            upload.order_id,
            Action.UPLOAD,
            {"uploadId": upload.id, "fileName": upload.file_name},
            StepContext(progress=progress),
        )
    finished = await asyncio.to_thread(desk.results.get, upload.id)
    assert finished is not None
    return finished


def _reopen_last_upload_step(desk: Desk, upload_id: int) -> None:
    steps = [
        e for e in desk.journal.entries(_order_of(desk, upload_id))
        if e.action is Action.UPLOAD and int(e.request["uploadId"]) == upload_id
    ]  # fmt: skip
    if steps and steps[-1].state is StepState.FAILED:
        desk.journal.reopen(steps[-1].id)


def _order_of(desk: Desk, upload_id: int) -> str:
    upload = desk.results.get(upload_id)
    return upload.order_id if upload is not None else ""


def _open_upload_step(desk: Desk, upload_id: int) -> JournalEntry | None:
    """The upload's step that is pending, or failed and so re-opened for a retry."""
    for entry in desk.journal.pending():
        if entry.action is Action.UPLOAD and int(entry.request["uploadId"]) == upload_id:
            return entry
    return None


async def cancel_upload(desk: Desk, upload_id: int) -> None:
    """Mark the upload cancelled (the caller cancels its task): it will not be resumed."""
    await asyncio.to_thread(
        desk.results.set_state, upload_id, UploadState.CANCELLED, message="Cancelled."
    )
    entry = await asyncio.to_thread(_open_upload_step, desk, upload_id)
    if entry is not None:
        await asyncio.to_thread(desk.journal.fail, entry.id, "Cancelled by the coordinator.")


async def requeue_upload(desk: Desk, upload_id: int) -> Upload:
    """A failed or cancelled upload, queued again for Retry (its last step re-opened)."""
    await asyncio.to_thread(desk.results.set_state, upload_id, UploadState.QUEUED)
    await asyncio.to_thread(_reopen_last_upload_step, desk, upload_id)
    upload = await asyncio.to_thread(desk.results.get, upload_id)
    assert upload is not None
    return upload
