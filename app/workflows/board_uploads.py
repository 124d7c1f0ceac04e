"""The order board's files: the reports a coordinator drops on an order, sent to its result.

A file dropped is queued (``results.queue_files``) and sent once the order has a result to go
to, ``UPLOADS_AT_ONCE`` at a time; each is claimed while it goes (``upload_turn_key``), so the
board and the resumer never send one twice. Retry and Cancel act on one file of the order
shown, and say in words why they left it alone.

The board (``app.workflows.board``) owns one, and hands each call what it needs of the board's
orders (their state, their rules, their re-reading) as an ``OrderAccess``, held only while the
call (or the file it sends) runs. Kept here, it would tie the board to itself in a cycle, and a
closed board is freed by reference counting alone (the heap is frozen: ``app.workflows.heap``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from app.clients.errors import ApiError
from app.domain.attachments import UploadState
from app.domain.order_rules import OrderAction, why_not
from app.domain.order_state import OrderState
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.uploads import Upload
from app.workflows import order_actions as actions
from app.workflows.desk import Desk, upload_turn_key
from app.workflows.refusals import EXPECTED_ERRORS, ActionNotAllowedError
from app.workflows.results import (
    NO_RESULT_TO_ATTACH_TO,
    cancel_upload,
    existing_result_id,
    own_completion_waits,
    queue_files,
    requeue_upload,
    run_upload,
    settle_late_cancel,
)

log = logging.getLogger(__name__)

#: Files the board sends at once (the rest wait, queued): SmartRecruiters' other calls keep
#: most of its 8 concurrent ones, and two files use the line as well as ten.
UPLOADS_AT_ONCE = 2


class UploadListener(Protocol):
    """Who is told how far each file went (the board's listener)."""

    def upload_progress(self, upload_id: int, sent: int, total: int) -> None: ...


@dataclass(frozen=True)
class OrderAccess:
    """What the files ask of the board's orders. See the module docstring."""

    state: Callable[[str], OrderState]  # an order's local state as the board holds it
    set_state: Callable[[str, OrderState], None]  # ... and set anew, in the board's memory
    changed: Callable[[list[str]], None]  # the board's listener told these orders changed
    refresh: Callable[[Iterable[str]], Awaitable[None]]  # orders read again from the store
    require: Callable[[str], AssessmentOrder]  # the order, or refused in words
    gone_since: Callable[[str], datetime | None]  # since when SmartRecruiters has it no more
    closing: Callable[[], bool]  # the connection began to close: nothing new starts
    refuse_if_closing: Callable[[], None]  # refused in words while closing
    max_bytes: Callable[[], int]  # the profile's upload limit
    listener: Callable[[], UploadListener]  # the one in place at each progress report


class BoardUploads:
    """The board's files on their way, and what is done to them. See the module docstring."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk
        #: ``desk.on_sending`` while this board shows a file's start (``show_sending``).
        self._hook: Callable[[Upload], None] | None = None
        self._uploads: dict[int, asyncio.Task[None]] = {}
        # Files sent at once. Each holds one of SmartRecruiters' 8 concurrent calls for all of
        # its transfer: ten reports dropped together held them all, and sync, accept and
        # comments waited minutes behind them on a slow line.
        self._sending = asyncio.Semaphore(UPLOADS_AT_ONCE)

    def show_sending(self, orders: OrderAccess) -> None:
        """Each file the desk begins to send (this board's or the resumer's) shows so on its
        order at once, until ``stop``."""
        self._hook = partial(self._file_going, orders)
        self._desk.on_sending = self._hook

    async def attach_files(
        self, orders: OrderAccess, order_id: str, paths: list[Path]
    ) -> tuple[list[Upload], list[str]]:
        """Queue the files that may be attached; returns them and why the others were not.
        They start uploading once the order has a result (``complete`` starts them)."""
        orders.refuse_if_closing()
        order = orders.require(order_id)
        reason = self._why_not_attach(orders, order)
        if reason:
            raise ActionNotAllowedError(reason)
        if order.status is OrderStatus.COMPLETED and orders.state(order_id).result_id is None:
            await self._take_existing_result(order)
        try:
            queued, refused = await queue_files(
                self._desk, order, paths, max_bytes=orders.max_bytes()
            )
        finally:
            await orders.refresh([order_id])
        self.start_queued(orders, order_id)
        return queued, refused

    def _why_not_attach(self, orders: OrderAccess, order: AssessmentOrder) -> str | None:
        """Why files cannot go to ``order`` now, for a drop and a Retry alike: its rules, or a
        reject that waits (files queued behind it failed once it went)."""
        reason = why_not(OrderAction.ATTACH, order, None, gone_since=orders.gone_since(order.id))
        if reason:
            return reason
        return actions.refused_while_waiting(OrderAction.ATTACH, orders.state(order.id).pending)

    async def _take_existing_result(self, order: AssessmentOrder) -> None:
        """An order completed outside this desk: its reports go to the result it has in
        SmartRecruiters (recorded now). With none, the drop is refused at once, in words.
        While this desk's own completion of it is being checked, the files wait for the
        result that step records (the newest may be another tool's)."""
        if await asyncio.to_thread(own_completion_waits, self._desk, order.id):
            return
        try:
            result_id = await existing_result_id(self._desk, order)
        except ApiError as exc:
            raise ActionNotAllowedError(
                "The order's result could not be looked up in SmartRecruiters, so nothing was "
                f"attached; try again. {exc}"
            ) from exc
        if result_id is None:
            raise ActionNotAllowedError(NO_RESULT_TO_ATTACH_TO)

    def start_queued(self, orders: OrderAccess, order_id: str) -> None:
        """Start the order's queued files that have a result to go to."""
        for upload in orders.state(order_id).uploads:
            if upload.state is UploadState.QUEUED and upload.result_id:
                self._start_upload(orders, upload)

    async def wait_uploads(self) -> None:
        """Wait for the uploads under way (tests, and a tidy close)."""
        while running := [task for task in self._uploads.values() if not task.done()]:
            await asyncio.gather(*running, return_exceptions=True)

    def uploading(self) -> list[int]:
        return [upload_id for upload_id, task in self._uploads.items() if not task.done()]

    async def stop(self) -> None:
        """Cancel the files on their way (a queued one waits for this connection's next
        session), and show no file's start any more."""
        uploads = [task for task in self._uploads.values() if not task.done()]
        for task in uploads:
            task.cancel()
        await asyncio.gather(*uploads, return_exceptions=True)
        if self._hook is not None and self._desk.on_sending is self._hook:
            self._desk.on_sending = None  # a stopped board shows nothing more
        self._hook = None

    def _start_upload(self, orders: OrderAccess, upload: Upload) -> None:
        if orders.closing():
            return  # it stays queued: this connection's next session sends it
        running = self._uploads.get(upload.id)
        if running is not None and not running.done():
            return  # already on its way (and the step claims it too: never twice)

        turn = upload_turn_key(upload.id)
        if not self._desk.claim(turn):
            # The board's already (its task ended, its finally not yet run), or a background
            # round's, which has it in hand and sends it (``outbox._resume_uploads``).
            return

        async def send() -> None:
            try:
                async with self._sending:  # queued until then, as the panel says
                    await run_upload(
                        self._desk,
                        upload,
                        progress=lambda s, t: orders.listener().upload_progress(upload.id, s, t),
                    )
            except EXPECTED_ERRORS as exc:
                log.info("Upload %s did not finish: %s", upload.id, exc)
            finally:
                self._desk.release(turn)
                self._uploads.pop(upload.id, None)
                await orders.refresh([upload.order_id])

        self._uploads[upload.id] = asyncio.ensure_future(send())

    async def _refusal(self, order_id: str, upload_id: int, *, retry: bool) -> Exception:
        """Why Retry (or Cancel) left the upload alone, in words. The window names the order
        it shows: a file listed there a moment ago (another order's, another profile's) is
        never the one acted on."""
        upload = await asyncio.to_thread(self._desk.results.get, upload_id)
        if upload is None or upload.order_id != order_id:
            return ActionNotAllowedError("That file is not one of this order's: it was left alone.")
        name, sent = upload.file_name, upload.state is UploadState.DONE
        if retry:
            text = (
                f"{name} was already sent: it is not sent again."
                if sent
                else f"{name} is already on its way."
            )
        else:
            text = (
                f"{name} was already sent: there is nothing to cancel."
                if sent
                else f"{name} is not on its way: there is nothing to cancel."
            )
        return ActionNotAllowedError(text)

    async def cancel_upload(self, orders: OrderAccess, order_id: str, upload_id: int) -> None:
        cancelled = await cancel_upload(self._desk, order_id, upload_id)
        if cancelled is None:
            raise await self._refusal(order_id, upload_id, retry=False)
        task = self._uploads.get(upload_id)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await orders.refresh([order_id])
        # Cancelled after its bytes began to go: SmartRecruiters may have it all the same.
        if await settle_late_cancel(self._desk, cancelled.id):
            await orders.refresh([order_id])

    async def retry_upload(self, orders: OrderAccess, order_id: str, upload_id: int) -> None:
        """A failed or cancelled file, queued again (a sent one is never sent twice), where
        the order can still take it: one rejected or completed elsewhere without a result,
        or gone, went back to Queued and failed again, its Retry offered for ever."""
        orders.refuse_if_closing()
        order = orders.require(order_id)
        reason = self._why_not_attach(orders, order)
        if reason:
            raise ActionNotAllowedError(f"Not sent again: {reason}")
        if order.status is OrderStatus.COMPLETED and orders.state(order_id).result_id is None:
            await self._take_existing_result(order)  # none: refused in words, as a drop is
        upload = await requeue_upload(self._desk, order_id, upload_id)
        if upload is None:
            raise await self._refusal(order_id, upload_id, retry=True)
        await orders.refresh([order_id])
        if upload.result_id:
            self._start_upload(orders, upload)

    def _file_going(self, orders: OrderAccess, upload: Upload) -> None:
        """A file began to go (sent by the board or by the resumer): its order's state says so
        at once, before its first progress report. It said "queued" until the file ended, and
        each showing of the order's files (a poll, the order shown again) put a stalled file
        back to "queued", its progress dropped."""
        state = orders.state(upload.order_id)
        if all(held.id != upload.id for held in state.uploads):
            return  # not shown here (yet): the order's next reading has it as it is
        uploads = tuple(upload if held.id == upload.id else held for held in state.uploads)
        orders.set_state(upload.order_id, replace(state, uploads=uploads))
        orders.changed([upload.order_id])
