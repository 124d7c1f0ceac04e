"""The order board: each order's whole state, below the UI, and everything done to orders.

It owns, per order, the SmartRecruiters order (the cached copy), this desk's local state of it
(``OrderState``: the Berke assessment, steps under way or failed, the result, queued files), and
the one in-flight registry (``Desk.claim``) that keeps a click, the background resumer and the
poll from doing one thing twice. It runs the poll schedule and the resumer, reads and writes the
store off the GUI thread, and tells its listener *which orders changed* — never "everything".

Reading (``order``, ``state``, ``orders``) is synchronous and in memory: a view may ask on every
paint. Acting is async and goes through the workflows, which journal first.

No Qt here: ``app.ui`` wraps a listener into signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.clients.errors import ApiError
from app.clients.pacing import Pacer
from app.domain.attachments import DEFAULT_MAX_BYTES, Upload, UploadState
from app.domain.berke import BerkeJob, BerkeParam, CreateAssessmentRequest, CreateAssessmentResponse
from app.domain.journal import JournalEntry, LinkedAssessment
from app.domain.order_rules import OrderAction, why_not
from app.domain.order_state import NO_STATE, OrderState
from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    Attachment,
    ContactPerson,
    OrderStatus,
)
from app.domain.snapshot import SnapshotOrder
from app.domain.urls import host_of, is_loopback_host
from app.store.local_state import load_states
from app.workflows import order_actions as actions
from app.workflows.batch import Outcome, default_request, run_batch
from app.workflows.desk import Desk
from app.workflows.inbox import fetch_orders
from app.workflows.outbox import ResumeReport, resume_pending, retry_step
from app.workflows.results import (
    ResultFlow,
    cancel_upload,
    complete_order,
    queue_files,
    requeue_upload,
    run_upload,
)
from app.workflows.snapshots import SavedSnapshot, SaveProgress, SaveRequest, save_snapshot
from app.workflows.snapshots import live_records as gather_live_records
from app.workflows.steps import StepDeferredError

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 60
RESUME_SECONDS = 30.0
MAX_RESUME_BACKOFF = 300.0

#: What can go wrong in an action in a way the coordinator should read (a sentence each).
EXPECTED_ERRORS = (ApiError, actions.ActionNotAllowedError, StepDeferredError)


class BoardListener:
    """What the board tells the UI. Every method does nothing here: override what you need."""

    def orders_changed(self, order_ids: list[str]) -> None:
        """These orders (or their local state) changed; new orders are among them."""

    def orders_arrived(self, order_ids: list[str]) -> None:
        """A poll found orders never seen before (already reported by ``orders_changed``)."""

    def sync_started(self, *, poll: bool) -> None: ...

    def sync_finished(self, report: SyncOutcome) -> None: ...

    def upload_progress(self, upload_id: int, sent: int, total: int) -> None: ...


@dataclass(frozen=True)
class SyncOutcome:
    poll: bool
    ok: bool
    fetched: int = 0  # orders the service listed
    new_ids: tuple[str, ...] = ()
    changed_ids: tuple[str, ...] = ()
    error: str | None = None  # in words, when not ok


@dataclass(frozen=True)
class BoardOptions:
    """The connection profile's options that the board applies."""

    result_flow: ResultFlow = ResultFlow.FAQ
    max_upload_bytes: int = DEFAULT_MAX_BYTES
    poll_seconds: int = DEFAULT_POLL_SECONDS


class OrderBoard:
    """Orders, their local state, and the actions on them. See the module docstring."""

    def __init__(
        self,
        desk: Desk,
        options: BoardOptions | None = None,
        listener: BoardListener | None = None,
    ) -> None:
        self._desk = desk
        self.options = options or BoardOptions()
        self.listener = listener or BoardListener()
        self._orders: dict[str, AssessmentOrder] = {}
        self._states: dict[str, OrderState] = {}
        self._jobs: list[BerkeJob] | None = None
        self._sync_lock = asyncio.Lock()
        self._uploads: dict[int, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._wake_resumer = asyncio.Event()
        self.last_sync: SyncOutcome | None = None

    # -- what it is connected to ---------------------------------------------------------------

    @property
    def description(self) -> str:
        """Where the orders come from, for the status bar (never a key)."""
        return self._desk.session.description

    @property
    def demo(self) -> bool:
        return self._desk.session.demo

    @property
    def author(self) -> ContactPerson | None:
        return self._desk.author

    @property
    def allows_http_assessment_urls(self) -> bool:
        """Assessment URLs on plain http are acceptable only from a Berke on this computer."""
        session = self._desk.session
        return session.demo or is_loopback_host(host_of(session.berke.base_url))

    def pacing(self) -> list[tuple[str, Pacer]]:
        """(service, pacer) pairs, for a status line of calls left and waits."""
        session = self._desk.session
        found = [("SR", session.sr.pacer), ("Berke", session.berke.pacer)]
        return [(name, pacer) for name, pacer in found if pacer is not None]

    # -- reading (in memory) -------------------------------------------------------------------

    def orders(self) -> list[AssessmentOrder]:
        return list(self._orders.values())

    def order_ids(self) -> list[str]:
        return list(self._orders)

    def order(self, order_id: str) -> AssessmentOrder | None:
        return self._orders.get(order_id)

    def state(self, order_id: str) -> OrderState:
        return self._states.get(order_id, NO_STATE)

    def link(self, order_id: str) -> LinkedAssessment | None:
        return self.state(order_id).link

    def is_busy(self, action: OrderAction, order_id: str) -> bool:
        return self._desk.is_claimed(_action_key(action, order_id))

    def why_not(self, action: OrderAction, order_ids: Sequence[str]) -> str | None:
        """None when ``action`` may be done to these orders now; otherwise why not, in words.

        The rules of ``order_rules`` plus what only the board knows: a step of that kind under
        way (in this process or pending in the journal)."""
        orders = [o for o in map(self._orders.get, order_ids) if o is not None]
        if not orders:
            return "Select an order first."
        if action is OrderAction.CREATE_ACCEPT_INVITE:
            if not any(o.status is OrderStatus.NEW for o in orders):
                return "Only new orders can be created, accepted and invited in one go."
            return None
        if action is OrderAction.REJECT and len(orders) > 1:
            if any(why_not(action, o, None) is None for o in orders):
                return None
            return "None of the selected orders can be rejected."
        if len(orders) > 1:
            return "Select a single order for this action."
        order = orders[0]
        if self.is_busy(action, order.id):
            return "Already being sent…"
        return why_not(action, order, self.link(order.id))

    # -- loading and syncing ---------------------------------------------------------------------

    async def load(self) -> None:
        """The cached orders and every order's local state, read off the GUI thread."""

        def read() -> tuple[list[AssessmentOrder], dict[str, OrderState]]:
            return self._desk.orders.all(), load_states(self._desk.db)

        orders, states = await asyncio.to_thread(read)
        self._orders = {order.id: order for order in orders}
        self._states = states
        if self._orders:
            self._changed(list(self._orders))

    async def sync(self, *, poll: bool = False) -> SyncOutcome:
        """Fetch every order (or, polling, the NEW ones), merge, and report what changed.

        Syncs never overlap: a second one waits for the first, then runs (it may see more).
        """
        async with self._sync_lock:
            self.listener.sync_started(poll=poll)
            try:
                fetched = await fetch_orders(
                    self._desk.session.sr, status=OrderStatus.NEW if poll else None
                )
                merged = await asyncio.to_thread(self._desk.orders.merge, fetched)
            except ApiError as exc:
                log.warning("Sync failed: %r", exc)
                outcome = SyncOutcome(poll, ok=False, error=str(exc))
            else:
                changed = set(merged.new_ids) | set(merged.changed_ids)
                # Only what changed is taken: unchanged orders keep their parsed objects.
                for order in fetched:
                    if order.id in changed:
                        self._orders[order.id] = order
                outcome = SyncOutcome(
                    poll,
                    ok=True,
                    fetched=len(fetched),
                    new_ids=tuple(merged.new_ids),
                    changed_ids=tuple(merged.changed_ids),
                )
                if changed:
                    self._changed([o.id for o in fetched if o.id in changed])
                if merged.new_ids and poll:
                    self.listener.orders_arrived(list(merged.new_ids))
            self.last_sync = outcome
            self.listener.sync_finished(outcome)
            return outcome

    def start(self) -> None:
        """Run the poll schedule and the background resumer until ``stop``."""
        if self._loops:
            return
        self._loops = [
            asyncio.ensure_future(self._poll_forever()),
            asyncio.ensure_future(self._resume_forever()),
        ]

    def set_poll_seconds(self, seconds: int) -> None:
        self.options = BoardOptions(
            self.options.result_flow, self.options.max_upload_bytes, seconds
        )

    async def stop(self) -> None:
        """Stop the loops and wait for actions under way (a tidy close)."""
        loops, self._loops = self._loops, []
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)
        await self.wait_idle()
        uploads = [task for task in self._uploads.values() if not task.done()]
        for task in uploads:
            task.cancel()
        await asyncio.gather(*uploads, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Wait for every action started through ``spawn`` (tests, and a tidy close)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run ``coro`` as a task the board keeps (and waits for on close)."""
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self.options.poll_seconds)
            try:
                await self.sync(poll=True)
            except Exception:
                log.exception("Polling for new orders failed")

    async def _resume_forever(self) -> None:
        """Resume what an earlier run left pending, then keep retrying, backing off while the
        services are unwell."""
        delay = RESUME_SECONDS
        while True:
            try:
                report = await self.resume()
            except Exception:
                log.exception("Resuming pending work failed")
                report = ResumeReport(waiting=[0])
            delay = RESUME_SECONDS if report.settled else min(delay * 2, MAX_RESUME_BACKOFF)
            self._wake_resumer.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_resumer.wait(), timeout=delay)

    async def resume(self) -> ResumeReport:
        """Execute pending steps and queued uploads again (see ``outbox.resume_pending``)."""
        touched: set[str] = set()
        try:
            return await resume_pending(self._desk, on_change=touched.add)
        finally:
            if touched:
                await self.refresh(touched)

    async def refresh(self, order_ids: Iterable[str]) -> None:
        """Re-read these orders and their local state from the store, and report them."""
        ids = list(dict.fromkeys(order_ids))
        if not ids:
            return

        def read() -> tuple[dict[str, AssessmentOrder], dict[str, OrderState]]:
            found = {i: o for i in ids if (o := self._desk.orders.get(i)) is not None}
            return found, load_states(self._desk.db, ids)

        orders, states = await asyncio.to_thread(read)
        self._orders.update(orders)
        for order_id in ids:
            self._states[order_id] = states.get(order_id, NO_STATE)
        self._changed(ids)

    def _changed(self, order_ids: list[str]) -> None:
        self.listener.orders_changed(order_ids)

    # -- the actions ---------------------------------------------------------------------------

    @contextmanager
    def _claimed(self, action: OrderAction, order_id: str) -> Iterator[None]:
        """The one in-flight registry: an action runs once per order at a time."""
        key = _action_key(action, order_id)
        if not self._desk.claim(key):
            raise actions.ActionNotAllowedError("This is already being sent for this order.")
        self._changed([order_id])
        try:
            yield
        finally:
            self._desk.release(key)

    async def _act(
        self, action: OrderAction, order_id: str, run: Callable[[AssessmentOrder], Any]
    ) -> Any:
        order = self._require(order_id)
        try:
            with self._claimed(action, order_id):
                return await run(order)
        finally:
            await self.refresh([order_id])

    def _require(self, order_id: str) -> AssessmentOrder:
        order = self._orders.get(order_id)
        if order is None:
            raise actions.ActionNotAllowedError("This order is no longer known to this desk.")
        return order

    async def jobs(self) -> list[BerkeJob]:
        """Berke's jobs, fetched once per connection (they change rarely)."""
        if self._jobs is None:
            self._jobs = await self._desk.session.berke.get_jobs()
        return self._jobs

    async def create_assessment(
        self, order_id: str, request: CreateAssessmentRequest
    ) -> LinkedAssessment:
        return await self._act(
            OrderAction.CREATE_ASSESSMENT,
            order_id,
            lambda order: actions.create_assessment(self._desk, order, request),
        )

    def created(self, order_id: str) -> CreateAssessmentResponse | None:
        """The linked assessment as Berke answered it (code and URL), for the preview."""
        link = self.link(order_id)
        if link is None:
            return None
        return CreateAssessmentResponse.model_validate(
            {
                BerkeParam.SOURCE_CANDIDATE_ID: link.source_candidate_id,
                BerkeParam.INVITATION_CODE: link.invitation_code,
                "assessmentUrl": link.assessment_url,
            }
        )

    async def accept(
        self,
        order_id: str,
        *,
        message: str | None = None,
        message_to_candidate: str | None = None,
    ) -> AssessmentOrder:
        return await self._act(
            OrderAction.ACCEPT,
            order_id,
            lambda order: actions.accept_order(
                self._desk, order, message=message, message_to_candidate=message_to_candidate
            ),
        )

    async def reject(self, order_ids: Sequence[str], *, reason: str) -> list[tuple[str, str]]:
        """Reject each order that can be; returns (order id, why it failed) for the others."""
        failures: list[tuple[str, str]] = []
        for order_id in order_ids:
            order = self._orders.get(order_id)
            if order is None or why_not(OrderAction.REJECT, order, None) is not None:
                continue
            try:
                await self._act(
                    OrderAction.REJECT,
                    order_id,
                    lambda o: actions.reject_order(self._desk, o, reason=reason),
                )
            except EXPECTED_ERRORS as exc:
                failures.append((order_id, str(exc)))
        return failures

    async def invite(
        self, order_id: str, *, message: str | None = None, resend: bool = False
    ) -> LinkedAssessment:
        return await self._act(
            OrderAction.INVITE,
            order_id,
            lambda order: actions.send_invitation(
                self._desk, order, message=message, resend=resend
            ),
        )

    def default_request(self, order_id: str) -> CreateAssessmentRequest:
        """What the form and the batch start from: the candidate and the matching job."""
        return default_request(self._require(order_id), self._jobs or [])

    async def create_accept_invite(
        self,
        order_ids: Sequence[str],
        *,
        progress: Callable[[int, int, Outcome], None] | None = None,
        cancelled: asyncio.Event | None = None,
    ) -> list[Outcome]:
        """The batch: create, accept and invite each order in turn (see ``batch.run_batch``)."""
        try:
            jobs = await self.jobs()
        except ApiError as exc:
            log.info("No Berke jobs (%r): using the company default job", exc)
            jobs = []
        orders = [self._require(order_id) for order_id in order_ids]

        def each(done: int, total: int, outcome: Outcome) -> None:
            self.spawn(self.refresh([outcome.order_id]))
            if progress is not None:
                progress(done, total, outcome)

        try:
            return await run_batch(
                self._desk,
                orders,
                lambda order: default_request(order, jobs),
                progress=each,
                cancelled=cancelled,
            )
        finally:
            await self.refresh(order_ids)

    async def complete(
        self, order_id: str, result: AssessmentResult, *, message: str | None = None
    ) -> str:
        """Complete the order with ``result`` (the profile's flow); returns the resultId. Files
        queued for the order start uploading to it."""
        result_id: str = await self._act(
            OrderAction.COMPLETE,
            order_id,
            lambda order: complete_order(
                self._desk, order, result, flow=self.options.result_flow, message=message
            ),
        )
        self.start_queued(order_id)
        return result_id

    async def add_comment(self, order_id: str, message: str) -> AssessmentComment:
        order = self._require(order_id)
        try:
            return await actions.add_comment(self._desk, order, message)
        finally:
            await self.refresh([order_id])

    async def comments(self, order_id: str) -> list[AssessmentComment]:
        return await actions.list_comments(self._desk, self._require(order_id))

    async def timeline(self, order_id: str) -> list[JournalEntry]:
        """The order's journal, oldest first."""
        return await asyncio.to_thread(self._desk.journal.entries, order_id)

    async def result_attachments(self, order_id: str) -> list[Attachment] | None:
        """What SmartRecruiters holds on the order's result (None: it has no result here)."""
        result_id = self.state(order_id).result_id
        if result_id is None:
            return None
        return await self._desk.session.sr.list_attachments(order_id, result_id)

    async def retry_step(self, entry_id: int) -> None:
        """The coordinator's Retry on a failed step (checked with the service first)."""
        entry = await asyncio.to_thread(self._desk.journal.get, entry_id)
        try:
            await retry_step(self._desk, entry_id)
        finally:
            if entry is not None:
                await self.refresh([entry.order_id])

    # -- files -----------------------------------------------------------------------------------

    async def attach_files(
        self, order_id: str, paths: list[Path]
    ) -> tuple[list[Upload], list[str]]:
        """Queue the files that may be attached; returns them and why the others were not.
        They start uploading once the order has a result (``complete`` starts them)."""
        order = self._require(order_id)
        reason = why_not(OrderAction.ATTACH, order, None)
        if reason:
            raise actions.ActionNotAllowedError(reason)
        try:
            queued, refused = await queue_files(
                self._desk, order, paths, max_bytes=self.options.max_upload_bytes
            )
        finally:
            await self.refresh([order_id])
        self.start_queued(order_id)
        return queued, refused

    def start_queued(self, order_id: str) -> None:
        """Start the order's queued files that have a result to go to."""
        for upload in self.state(order_id).uploads:
            if upload.state is UploadState.QUEUED and upload.result_id:
                self._start_upload(upload)

    def uploading(self) -> list[int]:
        return [upload_id for upload_id, task in self._uploads.items() if not task.done()]

    def _start_upload(self, upload: Upload) -> None:
        running = self._uploads.get(upload.id)
        if running is not None and not running.done():
            return  # already on its way (and the step claims it too: never twice)

        async def send() -> None:
            try:
                await run_upload(
                    self._desk,
                    upload,
                    progress=lambda s, t: self.listener.upload_progress(upload.id, s, t),
                )
            except EXPECTED_ERRORS as exc:
                log.info("Upload %s did not finish: %s", upload.id, exc)
            finally:
                self._uploads.pop(upload.id, None)
                await self.refresh([upload.order_id])

        self._uploads[upload.id] = asyncio.ensure_future(send())

    async def cancel_upload(self, upload_id: int) -> None:
        await cancel_upload(self._desk, upload_id)
        task = self._uploads.get(upload_id)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        upload = await asyncio.to_thread(self._desk.results.get, upload_id)
        if upload is not None:
            await self.refresh([upload.order_id])

    async def retry_upload(self, upload_id: int) -> None:
        upload = await requeue_upload(self._desk, upload_id)
        await self.refresh([upload.order_id])
        if upload.result_id:
            self._start_upload(upload)

    # -- snapshots -------------------------------------------------------------------------------

    async def save_snapshot(
        self, request: SaveRequest, path: Path, progress: SaveProgress | None = None
    ) -> SavedSnapshot:
        return await save_snapshot(self._desk, request, path, progress)

    async def live_records(self) -> list[SnapshotOrder]:
        """Every order in the snapshot's shape (no details fetched), to compare with one."""
        return await gather_live_records(self._desk)


def _action_key(action: OrderAction, order_id: str) -> str:
    return f"action:{action.value}:{order_id}"
