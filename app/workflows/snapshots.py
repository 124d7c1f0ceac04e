"""Saving a snapshot of orders, and the live inbox in the same shape for a comparison.

Comments and results come from SmartRecruiters (a few calls at a time, so a large save neither
floods the service nor waits on one call at a time); the linked Berke assessment and the
timeline come from the local store. What cannot be fetched is written down in the order's
``notes`` rather than failing the whole save. The archive is written off the event loop.

Attachment files: SmartRecruiters' API lists a result's attachments but offers no download, so
the files saved are the local copies of reports uploaded from this desk (the upload queue
keeps their paths); the order's notes name the service's other files, left out.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app import __version__
from app.clients.errors import ApiError
from app.domain.attachments import UploadState
from app.domain.journal import LinkedAssessment
from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    Attachment,
)
from app.domain.snapshot import (
    FILES_NOT_LISTED_NOTE,
    REMOTE_FILES_NOTE,
    SnapshotAttachment,
    SnapshotFilter,
    SnapshotMeta,
    SnapshotOrder,
    SnapshotStep,
    redact_source,
)
from app.store.snapshot_file import attachment_member, write_snapshot
from app.workflows.desk import Desk

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4

#: (done, total, what is happening, in words)
SaveProgress = Callable[[int, int, str], None]


@dataclass
class SaveRequest:
    orders: Sequence[AssessmentOrder]
    filter: SnapshotFilter = field(default_factory=SnapshotFilter)
    fetch_details: bool = True  # comments and results from SmartRecruiters
    include_attachments: bool = False
    concurrency: int = DEFAULT_CONCURRENCY


@dataclass(frozen=True)
class SavedSnapshot:
    path: Path
    order_count: int
    attachment_count: int
    notes: int  # orders with something that could not be gathered


async def _details(
    desk: Desk, order: AssessmentOrder, limiter: asyncio.Semaphore, *, files: bool
) -> tuple[list[AssessmentComment], list[AssessmentResult], list[Attachment], list[str]]:
    """The order's comments and results, and with ``files`` the files on those results."""
    notes: list[str] = []
    comments: list[AssessmentComment] = []
    results: list[AssessmentResult] = []
    remote: list[Attachment] = []
    async with limiter:
        try:
            comments = await desk.session.sr.list_comments(order.id)
        except ApiError as exc:
            notes.append(f"Comments could not be fetched: {exc}")
        try:
            results = await desk.session.sr.list_results(order.id)
        except ApiError as exc:
            notes.append(f"Results could not be fetched: {exc}")
        for result in results if files else []:
            if result.id is None:
                continue
            try:
                remote.extend(await desk.session.sr.list_attachments(order.id, result.id))
            except ApiError as exc:
                notes.append(f"{FILES_NOT_LISTED_NOTE}: {exc}")
    return comments, results, remote, notes


def _files_left_out(record: SnapshotOrder, remote: list[Attachment]) -> str | None:
    """A note naming the service's files that the snapshot does not hold, if any."""
    held = {a.attachment_id for a in record.attachments if a.attachment_id}
    missing = [a.file_name or a.id for a in remote if a.id not in held]
    if not missing:
        return None
    return f"{REMOTE_FILES_NOTE} (its API offers no download): {', '.join(missing)}"


def _local_attachments(
    desk: Desk, order_id: str, files: dict[str, Path]
) -> list[SnapshotAttachment]:
    """Reports uploaded from this desk whose local file is still there."""
    attachments: list[SnapshotAttachment] = []
    for number, upload in enumerate(desk.results.for_order(order_id), 1):
        source = Path(upload.path)
        if upload.state is not UploadState.DONE or not source.is_file():
            continue
        member = attachment_member(order_id, number, upload.file_name)
        files[member] = source
        attachments.append(
            SnapshotAttachment(
                file_name=upload.file_name,
                member=member,
                size=source.stat().st_size,
                attachment_id=upload.attachment_id,
                result_id=upload.result_id,
            )
        )
    return attachments


async def gather_records(
    desk: Desk,
    request: SaveRequest,
    progress: SaveProgress | None = None,
) -> tuple[list[SnapshotOrder], dict[str, Path]]:
    """Every order of ``request`` with its details; files to add (archive member → path)."""
    orders = list(request.orders)
    total = len(orders)
    links: dict[str, LinkedAssessment] = await asyncio.to_thread(desk.journal.all_assessments)
    limiter = asyncio.Semaphore(max(1, request.concurrency))
    done = 0

    remote: dict[str, list[Attachment]] = {}  # order id -> the files on its results

    async def one(order: AssessmentOrder) -> SnapshotOrder:
        nonlocal done
        comments: list[AssessmentComment] = []
        results: list[AssessmentResult] = []
        notes: list[str] = []
        if request.fetch_details:
            files = request.include_attachments
            comments, results, remote[order.id], notes = await _details(
                desk, order, limiter, files=files
            )
        entries = await asyncio.to_thread(desk.journal.entries, order.id)
        done += 1
        if progress is not None:
            progress(done, total, f"Gathering order details ({done} of {total})…")
        return SnapshotOrder(
            order=order,
            comments=comments,
            results=results,
            linked_assessment=links.get(order.id),
            timeline=[SnapshotStep.of(entry) for entry in entries],
            notes=notes,
        )

    records = list(await asyncio.gather(*(one(order) for order in orders)))
    files: dict[str, Path] = {}
    if request.include_attachments:
        for record in records:
            attachments = await asyncio.to_thread(_local_attachments, desk, record.order.id, files)
            record.attachments.extend(attachments)
            note = _files_left_out(record, remote.get(record.order.id, []))
            if note:
                record.notes.append(note)
    return records, files


def make_meta(desk: Desk, request: SaveRequest, records: int, files: int) -> SnapshotMeta:
    return SnapshotMeta(
        created_at=datetime.now(UTC),
        app_version=__version__,
        source=redact_source(desk.session.description),
        filter=request.filter,
        order_count=records,
        attachment_count=files,
    )


async def save_snapshot(
    desk: Desk,
    request: SaveRequest,
    path: Path,
    progress: SaveProgress | None = None,
) -> SavedSnapshot:
    """Gather and write the snapshot. Cancelling the task leaves ``path`` untouched."""
    records, files = await gather_records(desk, request, progress)
    meta = make_meta(desk, request, len(records), len(files))
    stop = threading.Event()
    total = len(records) + len(files)

    def written(done: int, _total: int) -> None:
        if progress is not None:
            progress(done, total, "Writing the snapshot…")

    write = asyncio.to_thread(
        write_snapshot, path, meta, records, files, progress=written, cancelled=stop.is_set
    )
    try:
        await write
    except asyncio.CancelledError:
        stop.set()  # the writer thread sees it between two orders and removes its temp file
        raise
    log.info("Snapshot of %d orders saved to %s", len(records), path)
    return SavedSnapshot(
        path=path,
        order_count=len(records),
        attachment_count=len(files),
        # Files the service keeps are said in a note too, but nothing failed there.
        notes=sum(1 for r in records if any(not n.startswith(REMOTE_FILES_NOTE) for n in r.notes)),
    )


async def live_records(desk: Desk) -> list[SnapshotOrder]:
    """The cached inbox in the snapshot's shape (no network): for "compare with live"."""

    def build() -> list[SnapshotOrder]:
        links = desk.journal.all_assessments()
        return [
            SnapshotOrder(
                order=order,
                linked_assessment=links.get(order.id),
                timeline=[SnapshotStep.of(e) for e in desk.journal.entries(order.id)],
            )
            for order in desk.orders.all()
        ]

    return await asyncio.to_thread(build)
