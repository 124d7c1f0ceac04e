"""Saving a snapshot of orders, and the live inbox in the same shape for a comparison.

The destination is checked first, before anything is fetched: a folder that cannot take the
file is said at once, in a sentence (``app.store.snapshot_destination``).

Comments and results come from SmartRecruiters, paced at its 10 calls a second, so 200 orders
cost over 40 s the first time. What was fetched is kept in the store with the order's
``lastUpdateDate`` and when it was read (``app.store.order_details``): a save soon after (one
cancelled, one that failed, another choice of orders) asks again only for the open orders and
those whose ``lastUpdateDate`` moved since; a completed or rejected order's details read in the
last ``KEPT_FOR`` are kept, and the save says since when (``SavedSnapshot.kept_since``). The
linked Berke assessment and the timeline come from the local store. What cannot be fetched is
written down in the order's ``notes`` rather than failing the whole save. The archive is
written off the event loop.

Progress says how far the save is and about how long is left (``app.domain.time_left``).
Cancelling the task stops it for good: the fetching tasks end with it (a task group), and the
writer thread is waited for until it has removed its temporary file, so a cancelled save
leaves no request running, no file and no partial file.

Attachment files: SmartRecruiters' API lists a result's attachments but offers no download, so
the files saved are the local copies of reports uploaded from this desk (the upload queue
keeps their paths), each only while it is still the file sent (a report saved under its name
since is another's); the order's notes name the files left out.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import app
from app.clients.errors import ApiError
from app.domain.attachments import UploadState
from app.domain.count_words import counted
from app.domain.journal import JournalEntry
from app.domain.journal_terms import LinkedAssessment
from app.domain.order_details import KEPT_FOR, OrderDetails, listable_results
from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentOrder, Attachment, OrderStatus
from app.domain.snapshot import (
    CHANGED_FILES_NOTE,
    COMMENTS_REFUSED_NOTE,
    DETAILS_NOT_ASKED_NOTE,
    FILES_NOT_LISTED_NOTE,
    GONE_NOTE,
    REMOTE_FILES_NOTE,
    RESULTS_REFUSED_NOTE,
    SnapshotAttachment,
    SnapshotFilter,
    SnapshotMeta,
    SnapshotOrder,
    SnapshotStep,
    redact_source,
)
from app.domain.time_left import TimeLeft
from app.store.logs import redact_known
from app.store.order_details import OrderDetailStore
from app.store.paths import NotRegularFileError
from app.store.snapshot_destination import check_destination, needed_bytes, write_failure
from app.store.snapshot_file import KeptFile, SnapshotError, attachment_member, write_snapshot
from app.workflows.desk import Desk
from app.workflows.file_identity import ChangedWhileReadError, identity_if_sent

log = logging.getLogger(__name__)

DEFAULT_CONCURRENCY = 4
#: Seconds a detail call is expected to take before any is measured, without a pacer.
UNPACED_SECONDS_PER_CALL = 0.05
#: Seconds an order or file is expected to take to write, before any is measured.
WRITE_SECONDS_PER_ITEM = 0.0005

#: (done, total, what is happening, in words, with the time left where it is known)
SaveProgress = Callable[[int, int, str], None]

#: An order's details: when known, asked for, and unknown (a result's files never listed).
NO_DETAILS = datetime.min.replace(tzinfo=UTC)

#: The notes that say what is not in the file though nothing failed.
_NOT_FAILED = (REMOTE_FILES_NOTE, DETAILS_NOT_ASKED_NOTE)

#: What the orders whose details are not asked again are, in words.
_KEPT_WORDS = (
    f"completed or rejected, with their details as read in the last "
    f"{KEPT_FOR.total_seconds() / 60:.0f} minutes"
)


def _all_of(count: int) -> str:
    """ "The order is" or "All 5,000 orders are" ("All 1 orders are" was said)."""
    return "The order is" if count == 1 else f"All {counted(count, 'order')} are"


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
    fetched: int = 0  # orders whose details were asked of SmartRecruiters
    reused: int = 0  # completed or rejected orders whose details were kept from a recent read
    #: When the oldest details kept from before (not asked by this save) were read; None: all
    #: were asked now.
    kept_since: datetime | None = None


@dataclass
class _Fetched:
    """One order's details as this save has them, and what could not be had, in words."""

    details: OrderDetails
    notes: list[str] = field(default_factory=list)
    remote_files: list[Attachment] = field(default_factory=list)


class _Calls:
    """The fetch phase's count of calls (planned, done) and its line of progress."""

    def __init__(self, desk: Desk, orders: int, reused: int, progress: SaveProgress | None) -> None:
        pacer = desk.session.sr.pacer
        per_call = (
            pacer.window_seconds / pacer.max_calls
            if pacer is not None
            else UNPACED_SECONDS_PER_CALL
        )
        # Paced calls go no faster than the pacer's rate, whatever its first burst measured.
        fastest = per_call if pacer is not None else 0.0
        self.time_left = TimeLeft(time.monotonic(), per_call, fastest_per_unit=fastest)
        self.planned = 0
        self.done = 0
        self.orders = orders  # to fetch
        self.orders_done = 0
        self.reused = reused
        self._progress = progress

    def report(self) -> None:
        if self._progress is None:
            return
        text = (
            f"Fetching comments and results from SmartRecruiters: {self.orders_done:,} of "
            f"{self.orders:,} orders"
        )
        if self.reused:
            text += f"; {self.reused:,} more {_KEPT_WORDS}"
        left = self.time_left.describe(self.done, self.planned, time.monotonic())
        self._progress(
            self.reused + self.orders_done, self.reused + self.orders, f"{text} — {left}."
        )


def _expected_calls(order: AssessmentOrder, have: OrderDetails | None, files: bool) -> int:
    """Calls an order is expected to need: comments and results where not kept, and the
    listings of its results' files (``_expected_file_calls``)."""
    lacks = have.lacks(files=files) if have is not None else (True, True, files)
    return int(lacks[0]) + int(lacks[1]) + _expected_file_calls(order, have, files)


def _expected_file_calls(order: AssessmentOrder, have: OrderDetails | None, files: bool) -> int:
    """With ``files``, a listing per result: counted where the results are known, else one
    guessed for a completed order (the usual one result) until they are."""
    if not files or (have is not None and have.files is not None):
        return 0
    if have is not None and have.results is not None:
        return len(listable_results(have.results))
    return 1 if order.status is OrderStatus.COMPLETED else 0


async def _fetch_one(
    desk: Desk, order: AssessmentOrder, have: OrderDetails | None, files: bool, calls: _Calls
) -> _Fetched:
    """What the order lacks of its comments, results and (with ``files``) its results' files;
    a part that fails is noted and left unknown, so that it is asked again next time."""
    sr = desk.session.sr
    as_of = order.last_update_date or NO_DETAILS
    # What is kept is as old as its read; what is asked now, as of now.
    read_at = have.read_at if have is not None and have.read_at is not None else datetime.now(UTC)
    comments = have.comments if have is not None else None
    results = have.results if have is not None else None
    listed = have.files if have is not None else None
    notes: list[str] = []
    guessed = _expected_file_calls(order, have, files)
    if comments is None:
        try:
            comments = await sr.list_comments(order.id)
        except ApiError as exc:
            notes.append(f"{COMMENTS_REFUSED_NOTE}: {exc}")
        calls.done += 1
    if results is None:
        try:
            results = await sr.list_results(order.id)
        except ApiError as exc:
            notes.append(f"{RESULTS_REFUSED_NOTE}: {exc}")
        calls.done += 1
    remote: list[Attachment] = []
    result_ids = listable_results(results) if files and listed is None and results else []
    calls.planned += len(result_ids) - guessed  # the guess, now that the results are known
    if files and listed is None and results is not None:
        complete: dict[str, list[Attachment]] | None = {}
        for result_id in result_ids:
            try:
                found = await sr.list_attachments(order.id, result_id)
            except ApiError as exc:
                notes.append(f"{FILES_NOT_LISTED_NOTE}: {exc}")
                complete = None
            else:
                remote.extend(found)
                if complete is not None:
                    complete[result_id] = found
            calls.done += 1
        listed = complete
    elif listed is not None:
        remote = [a for found in listed.values() for a in found]
    details = OrderDetails(
        as_of=as_of, comments=comments, results=results, files=listed, read_at=read_at
    )
    return _Fetched(details, notes, remote)


async def _fetch_details(
    desk: Desk,
    orders: list[AssessmentOrder],
    kept: dict[str, OrderDetails],
    request: SaveRequest,
    calls: _Calls,
) -> dict[str, _Fetched]:
    """Fetch what ``orders`` lack, a few at a time; each order's answer is stored as it
    comes, so a save cancelled halfway still spares the next one those calls."""
    store = OrderDetailStore(desk.db)
    waiting = deque(orders)
    fetched: dict[str, _Fetched] = {}

    async def worker() -> None:
        while waiting:
            order = waiting.popleft()
            have = kept.get(order.id)
            got = await _fetch_one(desk, order, have, request.include_attachments, calls)
            fetched[order.id] = got
            if order.last_update_date is not None:
                await asyncio.to_thread(store.keep, order.id, got.details)
            calls.orders_done += 1
            calls.report()

    # A task group: cancelling the save cancels every worker and waits for them to end, so
    # no call of this save is left running (or queued at the pacer) once it has stopped.
    async with asyncio.TaskGroup() as group:
        for _ in range(min(max(1, request.concurrency), len(orders))):
            group.create_task(worker())
    return fetched


def _files_left_out(record: SnapshotOrder, remote: list[Attachment], said: set[str]) -> str | None:
    """A note naming the service's files that the snapshot does not hold, if any (but those
    ``said`` already: changed since they were sent)."""
    held = {a.attachment_id for a in record.attachments if a.attachment_id} | said
    missing = [a.file_name or a.id for a in remote if a.id not in held]
    if not missing:
        return None
    return f"{REMOTE_FILES_NOTE} (its API offers no download): {', '.join(missing)}"


@dataclass
class _Local:
    """An order's reports uploaded from this desk: those kept, and those left out because
    the file here is no longer the one sent (their names, and their attachment ids)."""

    kept: list[SnapshotAttachment] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    changed_ids: set[str] = field(default_factory=set)


def _local_attachments(desk: Desk, order_id: str, files: dict[str, KeptFile]) -> _Local:
    """Reports uploaded from this desk whose local file is still there and still the file
    sent. A download saved since under the same name (another candidate's report) is not
    what went to this order: kept, it went with the snapshot under this order's name. What
    is copied is checked again against the content found here (``KeptFile``). Blocking."""
    local = _Local()
    for number, upload in enumerate(desk.results.for_order(order_id), 1):
        if upload.state is not UploadState.DONE:
            continue
        queued = desk.results.queued_identity(upload.id)
        try:
            sent = identity_if_sent(upload.path, queued, upload.fingerprint)
        except ChangedWhileReadError:
            sent = None  # being written to: not the file sent, as far as can be told
        except (FileNotFoundError, NotRegularFileError):
            continue  # gone, or no longer a file: nothing here to keep, as before
        except OSError as exc:  # said as the writer said it, before this check
            why = f"The report {upload.file_name} cannot be read ({exc.strerror or exc})."
            raise SnapshotError(why) from exc
        if sent is None:
            local.changed.append(upload.file_name)
            if upload.attachment_id:
                local.changed_ids.add(upload.attachment_id)
            continue
        member = attachment_member(order_id, number, upload.file_name)
        files[member] = KeptFile(Path(upload.path), sent.sha256, sent.size)
        local.kept.append(
            SnapshotAttachment(
                file_name=upload.file_name,
                member=member,
                size=sent.size,
                attachment_id=upload.attachment_id,
                result_id=upload.result_id,
            )
        )
    return local


@dataclass(frozen=True)
class _Gathered:
    records: list[SnapshotOrder]
    files: dict[str, KeptFile]  # archive member → file on disk, as checked
    fetched: int
    reused: int
    kept_since: datetime | None
    gone: dict[str, datetime]  # since when SmartRecruiters no longer has each order saved


def _kept_whole(
    orders: list[AssessmentOrder],
    kept: dict[str, OrderDetails],
    gone: dict[str, datetime],
    *,
    files: bool,
) -> tuple[dict[str, _Fetched], list[AssessmentOrder]]:
    """The orders whose details are kept whole from a recent read, and those to ask (gone
    orders are neither: SmartRecruiters no longer has them)."""
    whole: dict[str, _Fetched] = {}
    to_fetch: list[AssessmentOrder] = []
    for order in orders:
        have = kept.get(order.id)
        if order.id in gone:
            continue
        if have is not None and not any(have.lacks(files=files)):
            remote = [a for f in (have.files or {}).values() for a in f]
            whole[order.id] = _Fetched(have, remote_files=remote)
        else:
            to_fetch.append(order)
    return whole, to_fetch


async def _gather(desk: Desk, request: SaveRequest, progress: SaveProgress | None) -> _Gathered:
    orders = list(request.orders)
    files_too = request.include_attachments

    def local() -> tuple[
        dict[str, LinkedAssessment], dict[str, list[JournalEntry]], dict[str, datetime]
    ]:
        timelines = {o.id: desk.journal.entries(o.id) for o in orders}
        return desk.journal.all_assessments(), timelines, desk.orders.gone()

    links, timelines, gone = await asyncio.to_thread(local)
    fetched: dict[str, _Fetched] = {}
    reused = 0
    to_fetch: list[AssessmentOrder] = []
    began = datetime.now(UTC)
    if request.fetch_details:
        if progress is not None:
            progress(0, len(orders), "Looking for details kept from earlier saves…")
        kept = await asyncio.to_thread(OrderDetailStore(desk.db).current, orders, began)
        fetched, to_fetch = _kept_whole(orders, kept, gone, files=files_too)
        reused = len(fetched)
        calls = _Calls(desk, len(to_fetch), reused, progress)
        if to_fetch:
            calls.planned = sum(_expected_calls(o, kept.get(o.id), files_too) for o in to_fetch)
            calls.report()
            fetched.update(await _fetch_details(desk, to_fetch, kept, request, calls))
        elif progress is not None:
            progress(
                reused,
                reused,
                f"{_all_of(reused)} {_KEPT_WORDS}: nothing to ask SmartRecruiters.",
            )
        log.info(
            "Snapshot details: %d orders fetched (%d calls), %d kept from a recent read",
            len(to_fetch), calls.done, reused,
        )  # fmt: skip

    records: list[SnapshotOrder] = []
    remote: dict[str, list[Attachment]] = {}
    for order in orders:
        got = fetched.get(order.id)
        details = got.details if got is not None else None
        notes = list(got.notes) if got is not None else []
        if order.id in gone:
            notes.append(_gone_note(gone[order.id]))
        elif not request.fetch_details:  # said, or a reader takes the empty lists for "none"
            notes.append(DETAILS_NOT_ASKED_NOTE)
        records.append(
            SnapshotOrder(
                order=order,
                comments=(details.comments or []) if details is not None else [],
                results=(details.results or []) if details is not None else [],
                linked_assessment=links.get(order.id),
                timeline=[SnapshotStep.of(entry) for entry in timelines.get(order.id, [])],
                notes=notes,
            )
        )
        remote[order.id] = got.remote_files if got is not None else []
    files: dict[str, KeptFile] = {}
    if files_too:

        def attach() -> dict[str, set[str]]:
            said: dict[str, set[str]] = {}
            for record in records:
                local = _local_attachments(desk, record.order.id, files)
                record.attachments.extend(local.kept)
                if local.changed:
                    record.notes.append(f"{CHANGED_FILES_NOTE}: {', '.join(local.changed)}")
                said[record.order.id] = local.changed_ids
            return said

        said = await asyncio.to_thread(attach)
        for record in records:
            order_id = record.order.id
            note = _files_left_out(record, remote.get(order_id, []), said.get(order_id, set()))
            if note:
                record.notes.append(note)
    saved_gone = {o.id: gone[o.id] for o in orders if o.id in gone}
    return _Gathered(records, files, len(to_fetch), reused, _kept_since(fetched, began), saved_gone)


def _kept_since(fetched: dict[str, _Fetched], began: datetime) -> datetime | None:
    """When the oldest details this save kept from before (all, or a part) were read."""
    kept = [
        got.details.read_at
        for got in fetched.values()
        if got.details.read_at is not None and got.details.read_at < began
    ]
    return min(kept, default=None)


def _gone_note(since: datetime) -> str:
    return (
        f"{GONE_NOTE} when the snapshot was saved (gone since "
        f"{local_time(since):%Y-%m-%d}): its last copy is kept, without its comments and results."
    )


def make_meta(desk: Desk, request: SaveRequest, records: int, files: int) -> SnapshotMeta:
    return SnapshotMeta(
        created_at=datetime.now(UTC),
        app_version=app.__version__,  # read when first needed, not at start
        # The description's shapes of a key (query strings, long tokens), then every key the
        # desk knows, whatever its shape: a short one, or one with + / =, passed the first.
        source=redact_known(redact_source(desk.session.description)),
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
    """Check the destination, gather and write the snapshot.

    Raises ``SnapshotError`` (``SnapshotWriteError`` for the destination, in words) before
    any call when the folder cannot take the file. Cancelling the task leaves ``path``
    untouched and no temporary file; once the task has ended nothing of it runs on.
    """
    path = Path(path)
    if progress is not None:
        progress(0, 0, f"Checking the folder {path.parent}…")
    await check_snapshot_destination(path, len(request.orders))
    gathered = await _gather(desk, request, progress)
    records, files = gathered.records, gathered.files
    await _write(desk, request, path, gathered, progress)
    log.info("Snapshot of %d orders saved to %s", len(records), path)
    return SavedSnapshot(
        path=path,
        order_count=len(records),
        attachment_count=len(files),
        # Files the service keeps, and details not asked, are said in a note too, but
        # nothing failed there.
        notes=sum(1 for r in records if any(not n.startswith(_NOT_FAILED) for n in r.notes)),
        fetched=gathered.fetched,
        reused=gathered.reused,
        kept_since=gathered.kept_since,
    )


async def _write(
    desk: Desk,
    request: SaveRequest,
    path: Path,
    gathered: _Gathered,
    progress: SaveProgress | None,
) -> None:
    """Write the archive in a worker thread; its progress comes back to the loop's thread."""
    records, files = gathered.records, gathered.files
    meta = make_meta(desk, request, len(records), len(files))
    stop = threading.Event()
    loop = asyncio.get_running_loop()
    total = len(records) + len(files)
    time_left = TimeLeft(time.monotonic(), WRITE_SECONDS_PER_ITEM)

    def report(done: int) -> None:
        if progress is not None and not stop.is_set():
            left = time_left.describe(done, total, time.monotonic())
            progress(done, total, f"Writing the snapshot: {done:,} of {total:,} items — {left}.")

    def written(done: int, _total: int) -> None:  # in the writer thread
        loop.call_soon_threadsafe(report, done)

    report(0)
    work = asyncio.ensure_future(
        asyncio.to_thread(
            write_snapshot,
            path,
            meta,
            records,
            files,
            progress=written,
            cancelled=stop.is_set,
            gone=gathered.gone,
        )
    )
    try:
        await asyncio.shield(work)
    except asyncio.CancelledError:
        # The writer sees the flag between two chunks (or pieces of a report) and removes its
        # temporary file: wait for that, so that a cancelled save has really stopped.
        stop.set()
        await asyncio.wait([work])
        if work.cancelled() or work.exception() is not None:
            raise
        # The file was already in place when the cancel came: it is saved, and says so.
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        log.info("A cancel came after the snapshot was written: kept")
    except OSError as exc:
        raise write_failure(path, exc) from exc


async def live_records(desk: Desk, orders: Sequence[AssessmentOrder]) -> list[SnapshotOrder]:
    """``orders`` (the board's, as shown) in the snapshot's shape, with their links and
    timelines (no network): for "compare with live". Not read again from the cache: parsed
    anew, 5,000 orders left ~100,000 young objects for the GUI thread's collector to walk
    (50-57 ms at once, while the comparison opened)."""

    def build() -> list[SnapshotOrder]:
        links = desk.journal.all_assessments()
        return [
            SnapshotOrder(
                order=order,
                linked_assessment=links.get(order.id),
                timeline=[SnapshotStep.of(e) for e in desk.journal.entries(order.id)],
            )
            for order in orders
        ]

    return await asyncio.to_thread(build)


async def check_snapshot_destination(path: Path, orders: int) -> None:
    """Whether ``path`` can take a snapshot of ``orders`` orders: ``SnapshotWriteError``, in
    words, when not. No network: for the save dialog to say so as soon as it opens."""
    await asyncio.to_thread(check_destination, Path(path), needed_bytes(orders))
