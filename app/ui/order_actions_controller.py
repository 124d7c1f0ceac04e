"""The order actions (create, accept, reject, invite, all three at once): their QActions, the
rules that enable them, and the flows behind them. Widgets call workflows; nothing here builds
a request by hand.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QWidget

from app.clients.errors import ApiError, ValidationApiError
from app.domain.attachments import DEFAULT_MAX_BYTES, Upload, UploadState
from app.domain.berke import BerkeJob, CreateAssessmentRequest, CreateAssessmentResponse, P
from app.domain.journal import LinkedAssessment
from app.domain.order_rules import OrderAction, why_not
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.urls import host_of, is_loopback_host
from app.ui.async_dialogs import confirm, run_dialog, show_error
from app.ui.batch_dialog import BatchDialog
from app.ui.berke_form import BerkeAssessmentForm
from app.ui.complete_dialog import CompleteDialog
from app.ui.order_dialogs import AcceptDialog, RejectDialog
from app.ui.url_preview import UrlPreviewDialog
from app.workflows import order_actions as flows
from app.workflows.batch import default_request, run_batch
from app.workflows.desk import Desk
from app.workflows.outbox import retry_step
from app.workflows.results import (
    ResultFlow,
    cancel_upload,
    complete_order,
    queue_files,
    requeue_upload,
    run_upload,
)
from app.workflows.steps import StepDeferredError

log = logging.getLogger(__name__)

_TIPS = {
    OrderAction.CREATE_ASSESSMENT: "Create the Berke assessment for this candidate (Ctrl+N)",
    OrderAction.ACCEPT: "Accept the order in SmartRecruiters with the assessment URL",
    OrderAction.REJECT: "Reject the order (the customer gets a credit back)",
    OrderAction.INVITE: "Ask Berke to email the invitation to the candidate",
    OrderAction.CREATE_ACCEPT_INVITE: "Create, accept and invite every selected new order",
    OrderAction.COMPLETE: "Complete the order with a result (score, passed, report)",
    OrderAction.ATTACH: "Attach report files to the order's result (or drop them on the order)",
}


class OrderActionsController(QObject):
    """Owns the order QActions; the window tells it the selection and listens for changes."""

    order_changed = Signal(str)  # an order or its linked assessment changed: refresh it
    busy_changed = Signal()
    upload_progress = Signal(int, int, int)  # upload id, bytes sent, total

    def __init__(
        self,
        parent: QWidget,
        selection: Callable[[], list[AssessmentOrder]],
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._selection = selection
        self.desk: Desk | None = None
        self._links: dict[str, LinkedAssessment] = {}
        self.read_only: str | None = None  # why nothing may change (a snapshot), if so
        self._in_flight: set[tuple[OrderAction, str]] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._jobs: list[BerkeJob] | None = None
        self._uploads: dict[int, asyncio.Task[Any]] = {}
        self.result_flow = ResultFlow.FAQ
        self.max_upload_bytes = DEFAULT_MAX_BYTES
        self.dialog_opened: Callable[[QWidget], None] = lambda _d: None  # a hook for tests
        self.ask_files: Callable[[], list[Path]] = self._ask_files

        self.actions: dict[OrderAction, QAction] = {}
        specs = [
            (OrderAction.CREATE_ASSESSMENT, "&Create Berke assessment…", "Ctrl+N"),
            (OrderAction.ACCEPT, "&Accept order…", "Ctrl+Shift+A"),
            (OrderAction.REJECT, "&Reject order…", "Ctrl+Shift+R"),
            (OrderAction.INVITE, "Send &invitation", "Ctrl+Shift+I"),
            (OrderAction.CREATE_ACCEPT_INVITE, "Create, accept and in&vite", "Ctrl+Shift+N"),
            (OrderAction.COMPLETE, "Com&plete with result…", "Ctrl+Shift+C"),
            (OrderAction.ATTACH, "A&ttach report…", "Ctrl+Shift+U"),
        ]
        for kind, text, keys in specs:
            action = QAction(text, parent)
            action.setShortcut(QKeySequence(keys))
            action.setObjectName(f"action_{kind.value}")
            action.triggered.connect(lambda _checked=False, k=kind: self.trigger(k))
            self.actions[kind] = action
        self.update_state()

    # -- state -------------------------------------------------------------------------------

    def set_desk(self, desk: Desk, links: dict[str, LinkedAssessment]) -> None:
        self.desk = desk
        self._links = dict(links)
        self._jobs = None
        self.update_state()

    def link_for(self, order_id: str) -> LinkedAssessment | None:
        return self._links.get(order_id)

    def is_busy(self, kind: OrderAction, order_id: str) -> bool:
        return (kind, order_id) in self._in_flight

    def update_state(self) -> None:
        """Enable each action for the current selection, with the reason as tooltip if not."""
        orders = self._selection()
        for kind, action in self.actions.items():
            reason = self._reason(kind, orders)
            action.setEnabled(reason is None)
            tip = reason or _TIPS[kind]
            action.setToolTip(tip)
            action.setStatusTip(tip)

    def _reason(self, kind: OrderAction, orders: list[AssessmentOrder]) -> str | None:
        if self.read_only is not None:
            return self.read_only
        if self.desk is None:
            return "Not connected yet."
        if not orders:
            return "Select an order first."
        if kind is OrderAction.CREATE_ACCEPT_INVITE:
            if not any(o.status is OrderStatus.NEW for o in orders):
                return "Only new orders can be created, accepted and invited in one go."
            return None
        if kind is OrderAction.REJECT and len(orders) > 1:
            rejectable = [o for o in orders if why_not(kind, o, None) is None]
            return None if rejectable else "None of the selected orders can be rejected."
        if len(orders) > 1:
            return "Select a single order for this action."
        order = orders[0]
        if self.is_busy(kind, order.id):
            return "Already being sent…"
        return why_not(kind, order, self._links.get(order.id))

    # -- running flows -----------------------------------------------------------------------

    def trigger(self, kind: OrderAction) -> None:
        orders = self._selection()
        if self._reason(kind, orders) is not None:
            return
        if kind is OrderAction.ATTACH:
            paths = self.ask_files()
            if paths:
                self._spawn(self.attach_files(orders[0], paths))
            return
        flow: dict[OrderAction, Callable[[list[AssessmentOrder]], Coroutine[Any, Any, Any]]] = {
            OrderAction.CREATE_ASSESSMENT: lambda o: self.create_assessment(o[0]),
            OrderAction.ACCEPT: lambda o: self.accept(o[0]),
            OrderAction.REJECT: self.reject,
            OrderAction.INVITE: lambda o: self.invite(o[0]),
            OrderAction.CREATE_ACCEPT_INVITE: self.create_accept_invite,
            OrderAction.COMPLETE: lambda o: self.complete(o[0]),
        }
        self._spawn(flow[kind](orders))

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)  # keep a reference: a task without one may be collected
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Wait for every running flow (tests, and a tidy close)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _guarded(
        self, kind: OrderAction, order: AssessmentOrder, call: Callable[[], Awaitable[Any]]
    ) -> Any:
        """Run ``call`` unless the same action on the same order is in flight (no double send)."""
        key = (kind, order.id)
        if key in self._in_flight:
            return None
        self._in_flight.add(key)
        self.update_state()
        self.busy_changed.emit()
        try:
            return await call()
        finally:
            self._in_flight.discard(key)
            self.update_state()
            self.busy_changed.emit()

    def _report(self, title: str, exc: Exception) -> None:
        log.warning("%s failed: %r", title, exc)
        show_error(self._parent, title, str(exc))

    async def _open(self, dialog: QWidget, runner: Awaitable[bool]) -> bool:
        self.dialog_opened(dialog)
        return await runner

    # -- create ------------------------------------------------------------------------------

    async def jobs(self) -> list[BerkeJob]:
        """Berke's jobs, fetched once per connection (they change rarely)."""
        assert self.desk is not None
        if self._jobs is None:
            self._jobs = await self.desk.session.berke.get_jobs()
        return self._jobs

    async def create_assessment(self, order: AssessmentOrder) -> None:
        assert self.desk is not None
        form = BerkeAssessmentForm(order, self._parent)
        form.setObjectName("berkeForm")
        created: asyncio.Future[LinkedAssessment | None] = (
            asyncio.get_running_loop().create_future()
        )

        async def load_jobs() -> None:
            try:
                form.set_jobs(await self.jobs())
            except ApiError as exc:
                form.set_jobs_failed(str(exc))

        async def submit(request: CreateAssessmentRequest) -> None:
            assert self.desk is not None
            form.set_busy(True)
            try:
                link = await self._guarded(
                    OrderAction.CREATE_ASSESSMENT,
                    order,
                    lambda: flows.create_assessment(self.desk, order, request),  # type: ignore[arg-type]
                )
            except ValidationApiError as exc:
                form.show_server_error(str(exc), exc.parameter)
                return
            except (ApiError, flows.ActionNotAllowedError, StepDeferredError) as exc:
                form.show_server_error(str(exc), None)
                return
            finally:
                form.set_busy(False)
            if link is not None:
                self._links[order.id] = link
                self.order_changed.emit(order.id)
                if not created.done():
                    created.set_result(link)
                form.accept()

        form.submitted.connect(lambda request: self._spawn(submit(request)))
        self._spawn(load_jobs())
        accepted = await self._open(form, run_dialog(form))
        if not accepted or not created.done():
            return
        link = created.result()
        if link is not None:
            await self.preview(order, link)

    async def preview(self, order: AssessmentOrder, link: LinkedAssessment) -> None:
        """Show the code and URL; "Accept order with this URL…" goes straight on to accept."""
        assert self.desk is not None
        dialog = UrlPreviewDialog(
            candidate_name=order.candidate.full_name,
            response=CreateAssessmentResponse.model_validate(
                {
                    P.SOURCE_CANDIDATE_ID: link.source_candidate_id,
                    P.INVITATION_CODE: link.invitation_code,
                    "assessmentUrl": link.assessment_url,
                }
            ),
            allow_http_loopback=self.desk.session.demo
            or is_loopback_host(host_of(self.desk.session.berke.base_url)),
            job_name=order.job.name if order.job else None,
            candidate_has_email=bool(order.candidate.email),
            parent=self._parent,
        )
        dialog.setObjectName("urlPreview")
        wants_accept = False

        def on_accept(_url: str) -> None:
            nonlocal wants_accept
            wants_accept = True
            dialog.accept()

        dialog.accept_requested.connect(on_accept)
        await self._open(dialog, run_dialog(dialog))
        if wants_accept:
            await self.accept(self._current(order))

    def _current(self, order: AssessmentOrder) -> AssessmentOrder:
        if self.desk is None:
            return order
        return self.desk.orders.get(order.id) or order

    # -- accept, reject, invite --------------------------------------------------------------

    async def accept(self, order: AssessmentOrder) -> None:
        assert self.desk is not None
        link = self._links.get(order.id)
        reason = why_not(OrderAction.ACCEPT, order, link)
        if reason or link is None:
            show_error(self._parent, "Accept order", reason or "No assessment to accept with.")
            return
        dialog = AcceptDialog(order, link, self._parent)
        if not await self._open(dialog, run_dialog(dialog)):
            return
        desk = self.desk
        try:
            await self._guarded(
                OrderAction.ACCEPT,
                order,
                lambda: flows.accept_order(
                    desk,
                    order,
                    message=dialog.message_text(),
                    message_to_candidate=dialog.message_to_candidate(),
                ),
            )
        except (ApiError, flows.ActionNotAllowedError, StepDeferredError) as exc:
            self._report("Accept order", exc)
        self.order_changed.emit(order.id)

    async def reject(self, orders: list[AssessmentOrder]) -> None:
        assert self.desk is not None
        rejectable = [o for o in orders if why_not(OrderAction.REJECT, o, None) is None]
        if not rejectable:
            return
        dialog = RejectDialog(rejectable, self._parent)
        if not await self._open(dialog, run_dialog(dialog)):
            return
        desk = self.desk
        reason = dialog.reason_text()
        failures: list[str] = []
        for order in rejectable:
            try:
                await self._guarded(
                    OrderAction.REJECT,
                    order,
                    lambda o=order: flows.reject_order(desk, o, reason=reason),  # type: ignore[misc]
                )
            except (ApiError, flows.ActionNotAllowedError, StepDeferredError) as exc:
                failures.append(f"{order.candidate.full_name}: {exc}")
            self.order_changed.emit(order.id)
        if failures:
            show_error(self._parent, "Reject order", "\n\n".join(failures))

    async def invite(self, order: AssessmentOrder) -> None:
        assert self.desk is not None
        email = order.candidate.email or ""
        ok = await confirm(
            self._parent,
            "Send invitation",
            f"Ask Berke to email the assessment invitation to {email}?",
            informative="Berke sends its invitation email with the account's default message.",
            ok_text="Send invitation",
        )
        if not ok:
            return
        desk = self.desk
        try:
            link = await self._guarded(
                OrderAction.INVITE, order, lambda: flows.send_invitation(desk, order)
            )
        except (ApiError, flows.ActionNotAllowedError, StepDeferredError) as exc:
            self._report("Send invitation", exc)
            return
        if link is not None:
            self._links[order.id] = link
        self.order_changed.emit(order.id)

    # -- all three at once -------------------------------------------------------------------

    def request_for(self, order: AssessmentOrder) -> CreateAssessmentRequest:
        """The request the form would start with: the order's data and its matching job."""
        return default_request(order, self._jobs or [])

    async def create_accept_invite(self, orders: list[AssessmentOrder]) -> None:
        assert self.desk is not None
        desk = self.desk
        dialog = BatchDialog(len(orders), self._parent)
        cancelled = asyncio.Event()
        dialog.cancel_button.clicked.connect(cancelled.set)
        dialog.rejected.connect(cancelled.set)
        self.dialog_opened(dialog)
        dialog.open()
        try:
            await self.jobs()
        except ApiError as exc:
            log.info("No Berke jobs (%r): using the company default job", exc)

        def progress(done: int, _total: int, outcome: Any) -> None:
            dialog.add_outcome(done, outcome)
            self.order_changed.emit(outcome.order_id)

        outcomes = await run_batch(
            desk, orders, self.request_for, progress=progress, cancelled=cancelled
        )
        self._links.update(await asyncio.to_thread(desk.journal.all_assessments))
        for outcome in outcomes:
            self.order_changed.emit(outcome.order_id)
        dialog.finished_all()

    # -- complete and attach ------------------------------------------------------------------

    async def complete(self, order: AssessmentOrder) -> bool:
        """Ask for the result, complete the order; True when it is completed."""
        assert self.desk is not None
        desk = self.desk
        dialog = CompleteDialog(order, author=desk.author, parent=self._parent)
        if not await self._open(dialog, run_dialog(dialog)):
            return False
        result = dialog.result_value()
        try:
            result_id = await self._guarded(
                OrderAction.COMPLETE,
                order,
                lambda: complete_order(
                    desk, order, result, flow=self.result_flow, message=dialog.message_text()
                ),
            )
        except (ApiError, flows.ActionNotAllowedError, StepDeferredError) as exc:
            self._report("Complete order", exc)
            self.order_changed.emit(order.id)
            return False
        self.order_changed.emit(order.id)
        if result_id:
            self._start_queued(order.id)
        return result_id is not None

    def _ask_files(self) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(
            self._parent,
            "Attach report files",
            "",
            "Reports (*.pdf *.doc *.docx *.rtf *.txt *.html *.htm *.png *.jpg *.jpeg)",
        )
        return [Path(name) for name in names]

    async def attach_files(self, order: AssessmentOrder, paths: list[Path]) -> None:
        """Queue the files (refusing bad ones with a reason) and upload them to the result."""
        assert self.desk is not None
        desk = self.desk
        order = self._current(order)
        reason = why_not(OrderAction.ATTACH, order, None)
        if reason:
            show_error(self._parent, "Attach report", reason)
            return
        queued, refused = await queue_files(desk, order, paths, max_bytes=self.max_upload_bytes)
        if refused:
            show_error(self._parent, "Some files were not attached", "\n".join(refused))
        self.order_changed.emit(order.id)
        if not queued:
            return
        has_result = await asyncio.to_thread(desk.results.result_id_for, order.id)
        if has_result is None and order.status is OrderStatus.IN_PROGRESS:
            go = await confirm(
                self._parent,
                "Complete the order first?",
                "This order has no result yet: reports are attached to a result.",
                informative="Complete it now? The files stay queued until it is completed.",
                ok_text="Complete order…",
            )
            if not go or not await self.complete(order):
                return
        self._start_queued(order.id)

    def _start_queued(self, order_id: str) -> None:
        assert self.desk is not None
        for upload in self.desk.results.for_order(order_id):
            if upload.state is UploadState.QUEUED and upload.result_id:
                self.start_upload(upload)

    def start_upload(self, upload: Upload) -> None:
        if upload.id in self._uploads and not self._uploads[upload.id].done():
            return  # already on its way: never twice
        assert self.desk is not None
        desk = self.desk

        async def send() -> None:
            try:
                await run_upload(
                    desk, upload, progress=lambda s, t: self.upload_progress.emit(upload.id, s, t)
                )
            except (ApiError, StepDeferredError) as exc:
                log.info("Upload %s did not finish: %s", upload.id, exc)
            finally:
                self._uploads.pop(upload.id, None)
                self.order_changed.emit(upload.order_id)

        task = asyncio.ensure_future(send())
        self._uploads[upload.id] = task
        self.order_changed.emit(upload.order_id)

    def uploading(self) -> list[int]:
        return [upload_id for upload_id, task in self._uploads.items() if not task.done()]

    async def cancel_upload(self, upload_id: int) -> None:
        assert self.desk is not None
        await cancel_upload(self.desk, upload_id)
        task = self._uploads.get(upload_id)
        if task is not None:
            task.cancel()
        upload = self.desk.results.get(upload_id)
        if upload is not None:
            self.order_changed.emit(upload.order_id)

    async def retry_upload(self, upload_id: int) -> None:
        assert self.desk is not None
        upload = await requeue_upload(self.desk, upload_id)
        if upload.result_id:
            self.start_upload(upload)
        self.order_changed.emit(upload.order_id)

    async def retry_failed_step(self, entry_id: int) -> None:
        assert self.desk is not None
        entry = self.desk.journal.get(entry_id)
        try:
            await retry_step(self.desk, entry_id)
        except (ApiError, StepDeferredError, ValueError) as exc:
            self._report("Retry", exc)
        if entry is not None:
            self.order_changed.emit(entry.order_id)
