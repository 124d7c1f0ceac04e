"""The order actions (create, accept, reject, invite, all three at once, complete, attach):
their QActions, enabled by the board's rules, and the dialogs in front of the board's calls.

Nothing here keeps state of its own about orders: what an order has (its assessment, a step
under way) is asked of the board each time, and the board says when it changed.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QTabBar, QWidget

from app.clients.errors import ApiError, ValidationApiError
from app.domain.order_action import OrderAction
from app.domain.order_status import OrderStatus
from app.domain.step_kinds import StepKind
from app.ui.common.async_dialogs import choose, confirm, run_dialog
from app.ui.common.command_palette import add_keywords
from app.ui.common.keyboard_trail import KeyboardTrail
from app.ui.common.messages import Messages
from app.ui.common.remembered_size import settings_above
from app.ui.common.task_group import NamedTasks
from app.ui.orders.attachments_panel import local_path
from app.views.bulk_summary import bulk_line
from app.workflows.refusals import (
    ACCEPT_SENT_AGAIN,
    COMPLETE_SENT_AGAIN,
    CREATE_SENT_AGAIN,
    DELIVER_SENT_AGAIN,
    EXPECTED_ERRORS,
    INVITE_MAY_HAVE_GONE,
    INVITE_SENT_AGAIN,
    REJECT_SENT_AGAIN,
    REMINDER_INFORMATIVE,
    ActionNotAllowedError,
    AlreadyInvitedError,
    CooldownError,
    InvitationNotSentAgainError,
    OutcomeKeptError,
    not_written,
)

if TYPE_CHECKING:  # each dialog is loaded when first opened; asyncio and the API's shapes
    # (pydantic) after the first frame
    import asyncio

    from app.domain.berke import CreateAssessmentRequest
    from app.domain.invitation import InvitationText
    from app.domain.journal import JournalEntry
    from app.domain.journal_terms import LinkedAssessment
    from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult
    from app.ui.common.validated_form import ValidatedForm
    from app.ui.orders.batch_dialog import BatchDialog
    from app.ui.orders.batch_plan_dialog import BatchChoice
    from app.ui.orders.order_dialogs import AcceptDialog
    from app.workflows.board import OrderBoard

log = logging.getLogger(__name__)

#: What an action waiting in the journal does by itself, said as its dialog closes.
SENT_AGAIN = {
    OrderAction.CREATE_ASSESSMENT: CREATE_SENT_AGAIN,
    OrderAction.ACCEPT: ACCEPT_SENT_AGAIN,
    OrderAction.INVITE: INVITE_SENT_AGAIN,
    OrderAction.COMPLETE: COMPLETE_SENT_AGAIN,
    OrderAction.DELIVER: DELIVER_SENT_AGAIN,
}

#: Said when a dialog closes because another flow's step for the order waits to go.
TYPED_NOT_SENT = "What was typed here was not sent."

#: The title of the box that says why a dialog's call ended with the dialog closed.
_ACTION_TITLES = {
    OrderAction.CREATE_ASSESSMENT: "Create the Berke assessment",
    OrderAction.ACCEPT: "Accept order",
    OrderAction.INVITE: "Send the invitation",
    OrderAction.COMPLETE: "Complete order",
}

#: Why no second Create, accept and invite starts while one is planned or runs.
NO_ORDER_SELECTED = "Select an order first."
#: On the Candidates tab, a candidate's own row (their name) is no order: the actions take one.
CANDIDATE_ROW = "This row is the candidate: select one of their orders, in the rows below it."
BATCH_UNDER_WAY = (
    "A Create, accept and invite is under way: wait for it to end (a second one could give "
    "one candidate two assessments)."
)

#: Said after the progress of a delivery of several: the key that stops it.
STOP_DELIVERING = "Esc stops after this order."

#: Where the last batch's portal message is kept, per profile (the main window's settings).
LAST_PORTAL_MESSAGE = "batch/lastPortalMessage"

_TIPS = {
    OrderAction.CREATE_ASSESSMENT: "Create the Berke assessment for this candidate",
    OrderAction.ACCEPT: "Accept the order in SmartRecruiters with the assessment URL",
    OrderAction.REJECT: "Reject the order (the customer gets a credit back)",
    OrderAction.INVITE: "Ask Berke to email the invitation to the candidate",
    OrderAction.CREATE_ACCEPT_INVITE: "Create, accept and invite every selected new order",
    OrderAction.COMPLETE: "Complete the order with a result (score, passed, report)",
    OrderAction.ATTACH: "Attach report files to the order's result (or drop them on the order)",
    OrderAction.DELIVER: "Complete the order with Berke's result and attach its report",
    OrderAction.REMIND: "Send the candidate the invitation again",
    OrderAction.DELETE_IN_BERKE: "Delete the order's open Berke assessment (the order ended)",
    OrderAction.SHOW_CODE: "Show the invitation code and URL again, and print a slip",
}
# Words the palette finds each action by, besides its name and its description.
_KEYWORDS = {
    OrderAction.CREATE_ASSESSMENT: "new berke assessment " + _TIPS[OrderAction.CREATE_ASSESSMENT],
    OrderAction.ACCEPT: "approve url " + _TIPS[OrderAction.ACCEPT],
    OrderAction.REJECT: "decline refuse cancel " + _TIPS[OrderAction.REJECT],
    OrderAction.INVITE: "invite email " + _TIPS[OrderAction.INVITE],
    OrderAction.CREATE_ACCEPT_INVITE: "batch " + _TIPS[OrderAction.CREATE_ACCEPT_INVITE],
    OrderAction.COMPLETE: "finish score " + _TIPS[OrderAction.COMPLETE],
    OrderAction.ATTACH: "upload pdf file " + _TIPS[OrderAction.ATTACH],
    OrderAction.DELIVER: "send result report " + _TIPS[OrderAction.DELIVER],
    OrderAction.REMIND: "remind invite again " + _TIPS[OrderAction.REMIND],
    OrderAction.DELETE_IN_BERKE: "remove " + _TIPS[OrderAction.DELETE_IN_BERKE],
    OrderAction.SHOW_CODE: "qr print slip paper preview " + _TIPS[OrderAction.SHOW_CODE],
}
T = TypeVar("T")

_SPECS = [
    (OrderAction.CREATE_ASSESSMENT, "&Create Berke assessment…", "Ctrl+N"),
    (OrderAction.ACCEPT, "&Accept order…", "Ctrl+Shift+A"),
    (OrderAction.REJECT, "&Reject order…", "Ctrl+Shift+R"),
    (OrderAction.INVITE, "Send &invitation", "Ctrl+Shift+I"),
    (OrderAction.CREATE_ACCEPT_INVITE, "Create, accept and in&vite", "Ctrl+Shift+N"),
    (OrderAction.COMPLETE, "Com&plete with result…", "Ctrl+Shift+C"),
    (OrderAction.ATTACH, "A&ttach report…", "Ctrl+Shift+U"),
    (OrderAction.DELIVER, "&Deliver Berke's result…", "Ctrl+Shift+D"),
    (OrderAction.REMIND, "Send a re&minder…", "Ctrl+Shift+M"),
    (OrderAction.DELETE_IN_BERKE, "De&lete in Berke…", ""),
    (OrderAction.SHOW_CODE, "S&how code and slip…", ""),
]


class OrderActionsController(QObject):
    """Owns the order QActions; the room tells it the selection (order ids)."""

    def __init__(
        self,
        parent: QWidget,
        selection: Callable[[], list[str]],
        messages: Messages,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._selection = selection
        self.messages = messages
        # Opens a file or address with the desktop's program for it (the window's, which
        # tests replace).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        # Why no order is selected, in words (the room knows a candidate's own row).
        self.nothing_selected: Callable[[], str] = lambda: NO_ORDER_SELECTED
        self.board: OrderBoard | None = None
        self.read_only: str | None = None  # why nothing may change (a snapshot), if so
        self.out_of_sight: str | None = None  # why the orders are not on screen, if so
        self.tasks = NamedTasks()
        # The flows under way, by action and orders: a second trigger of one (a double click
        # before its dialog opened) is the same request, not a second dialog or batch.
        self._flows: dict[tuple[OrderAction, tuple[str, ...]], asyncio.Task[Any]] = {}
        # What a flow under way said last of how far it got, by the same key, and the line
        # showing it: a second trigger says it, not nothing (it looked lost, and was pressed
        # again); the line goes with the flow.
        self._doing: dict[tuple[OrderAction, tuple[str, ...]], tuple[str, str]] = {}
        # Set to stop each delivery of several under way before its next order (Esc).
        self._delivery_stops: dict[asyncio.Event, tuple[OrderAction, tuple[str, ...]]] = {}
        self._batch_trail: KeyboardTrail | None = None  # the keyboard since the last batch
        # A token per "Create, accept and invite" asked for, until its run begins (or it ends
        # unrun): added as it is asked, so a second is refused before the first has begun.
        self._batches_planned: set[object] = set()
        self.dialog_opened: Callable[[QWidget], None] = lambda _d: None  # a hook for tests
        # Where the keyboard goes when the button it was on is turned off (the room's table).
        self.focus_home: Callable[[], None] = lambda: None
        self.ask_files: Callable[[], list[Path]] = self._ask_files
        self.last_batch: BatchDialog | None = None
        self._last_batch_board: OrderBoard | None = None  # whose orders it ran on
        self.last_batch_action = QAction("Last &batch…", parent)
        self.last_batch_action.setObjectName("action_last_batch")
        self.last_batch_action.setToolTip("The outcomes of the last Create, accept and invite")
        self.last_batch_action.setEnabled(False)
        self.last_batch_action.triggered.connect(self.show_last_batch)
        # "Deliver all" under way: stopped before its next order from the Order menu (and the
        # status bar's Stop), not only by an Esc nothing on screen offered.
        self.stop_delivering_action = QAction("&Stop delivering", parent)
        self.stop_delivering_action.setObjectName("action_stop_delivering")
        # The status bar's button beside "Delivering 3 of 25…" is named by it: a button's own
        # text went back to "Stop delivering" each time the action changed (turned on).
        self.stop_delivering_action.setIconText("Stop")
        self.stop_delivering_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.stop_delivering_action.setToolTip(
            "Stop delivering results after the order being delivered"
        )
        add_keywords(self.stop_delivering_action, "cancel halt deliver all results")
        self.stop_delivering_action.setEnabled(False)  # only while results are delivered
        self.stop_delivering_action.triggered.connect(self.stop_delivering)

        self.actions: dict[OrderAction, QAction] = {}
        for kind, text, keys in _SPECS:
            action = QAction(text, parent)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.setObjectName(f"action_{kind.value}")
            add_keywords(action, _KEYWORDS[kind])
            action.triggered.connect(lambda _checked=False, k=kind: self.trigger(k))
            self.actions[kind] = action
        self.update_state()
        # Qt drops a disabled action's shortcut without a word, and the key then reaches the
        # room unused: it is caught there, and the reason the action is off said. The window
        # moves the catch to itself (``watch_keys``): the shortcuts work on every tab.
        self._keys_from: QWidget = parent
        parent.installEventFilter(self)

    def watch_keys(self, widget: QWidget) -> None:
        """Say why an order shortcut does nothing for the keys ``widget`` gets, instead of the
        room's alone: from the Offers tab a press of one was dropped without a word (its
        reason, "switch to the Orders tab", only a menu's tooltip). Moved, not added: a key
        unused in the room goes on up to the window, and would be said twice."""
        self._keys_from.removeEventFilter(self)
        self._keys_from = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            stop = self.stop_delivering_action
            if event.key() == Qt.Key.Key_Escape and stop.isEnabled():
                # Its shortcut, where Qt's shortcut map did not hear it (the window not the
                # active one): the same entry, not a second way to stop.
                stop.trigger()
                return True
            self._say_why_off(event)
        return False

    def stop_delivering(self) -> None:
        """Order › Stop delivering (Esc, the status bar's Stop) while results are delivered: no
        order after the one being delivered begins (it cannot be taken back halfway: its
        completion may have gone)."""
        for stop, key in self._delivery_stops.items():
            stop.set()
            self._say_doing(key, "Stopping after the order being delivered…")

    def _delivery_stops_changed(self) -> None:
        self.stop_delivering_action.setEnabled(bool(self._delivery_stops))

    def _say_why_off(self, event: QKeyEvent) -> None:
        """Say in the status line why the action a pressed shortcut stands for is off."""
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return  # every order shortcut holds Ctrl: typing costs nothing here
        pressed = QKeySequence(event.keyCombination())
        for action in self.actions.values():
            shortcut = action.shortcut()
            if action.isEnabled() or shortcut.isEmpty():
                continue
            if shortcut.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch:
                self._say_refused(action, action.toolTip())
                return

    def _say_refused(self, action: QAction, reason: str) -> None:
        name = action.text().replace("&", "").rstrip("…")
        self.messages.note(f"{name}: {reason}")

    # -- state -------------------------------------------------------------------------------

    def set_board(self, board: OrderBoard | None) -> None:
        if board is not None and board is not self._last_batch_board:
            self._forget_last_batch()  # another session's: its orders are not this board's
        self.board = board
        self.update_state()

    def _forget_last_batch(self) -> None:
        last, self.last_batch, self._last_batch_board = self.last_batch, None, None
        if last is None:
            return
        if last.running:  # its run ends with its board's session; then it goes
            last.finished.connect(last.deleteLater)
        else:
            last.deleteLater()

    def set_read_only(self, reason: str | None) -> None:
        self.read_only = reason
        self.update_state()

    def set_out_of_sight(self, reason: str | None) -> None:
        """Why the orders are not on screen (another room shown), or None: an order action's
        shortcut must not act on a selection the coordinator cannot see."""
        self.out_of_sight = reason
        self.update_state()

    def update_state(self) -> None:
        """Enable each action for the current selection, with the reason as tooltip if not."""
        order_ids = self._selection()
        for kind, action in self.actions.items():
            reason = self._reason(kind, order_ids)
            action.setEnabled(reason is None)
            tip = reason or _TIPS[kind]
            action.setToolTip(tip)
            action.setStatusTip(tip)
        # Only with its own orders shown: its Retry sends to its board, none other. Not while
        # another is planned: its Retry would run first, and hold that one back.
        self.last_batch_action.setEnabled(
            self.last_batch is not None
            and self.board is self._last_batch_board
            and self.read_only is None
            and not self._batch_under_way()
        )

    def _reason(self, kind: OrderAction, order_ids: list[str]) -> str | None:
        if self.read_only is not None:
            return self.read_only
        if self.out_of_sight is not None:
            return self.out_of_sight
        if self.board is None:
            return "Not connected yet."
        if not order_ids:
            return self.nothing_selected()
        if kind is OrderAction.CREATE_ACCEPT_INVITE and self._batch_under_way():
            return BATCH_UNDER_WAY
        return self.board.why_not(kind, order_ids)

    def _batch_under_way(self) -> bool:
        """Whether a Create, accept and invite is being planned, or runs: a second one for
        other orders of the same candidate planned a new assessment too, and sent two."""
        return bool(self._batches_planned) or (
            self.last_batch is not None and self.last_batch.running
        )

    # -- running flows -----------------------------------------------------------------------

    def trigger(self, kind: OrderAction) -> None:
        order_ids = self._selection()
        reason = self._reason(kind, order_ids)
        if reason is not None:
            # Said, never dropped: a click that did nothing without a word looked broken.
            self._say_refused(self.actions[kind], reason)
            return
        if kind is OrderAction.ATTACH:
            paths = self.ask_files()
            if paths:
                self.spawn(self.attach_files(order_ids[0], paths))
            return
        flow: dict[OrderAction, Callable[[list[str]], Coroutine[Any, Any, Any]]] = {
            OrderAction.CREATE_ASSESSMENT: lambda ids: self.create_assessment(ids[0]),
            OrderAction.ACCEPT: lambda ids: self.accept(ids[0]),
            OrderAction.REJECT: self.reject,
            OrderAction.INVITE: lambda ids: self.invite(ids[0]),
            OrderAction.CREATE_ACCEPT_INVITE: self._planned_batch,
            OrderAction.COMPLETE: lambda ids: self.complete(ids[0]),
            OrderAction.DELIVER: self.deliver,
            OrderAction.REMIND: lambda ids: self.remind(ids[0]),
            OrderAction.DELETE_IN_BERKE: lambda ids: self.delete_in_berke(ids[0]),
            OrderAction.SHOW_CODE: lambda ids: self.preview(ids[0]),
        }
        key = (kind, tuple(order_ids))
        if key in self._flows:  # under way: its dialog is opening, or open, or it runs
            doing = self._doing.get(key)
            if doing is None:
                self._say_refused(self.actions[kind], "Already under way.")
            else:  # on its progress line, which goes with the flow
                name = self.actions[kind].text().replace("&", "").rstrip("…")
                self._say_doing(key, doing[0], f"{name}: Already under way. {doing[0]}")
            return
        started_from = QApplication.focusWidget()
        trail = KeyboardTrail(started_from) if started_from is not None else None
        if kind is OrderAction.CREATE_ACCEPT_INVITE:
            self._batch_trail = trail  # its outcomes outlive the flow
        task = self.spawn(flow[kind](order_ids))
        self._flows[key] = task
        task.add_done_callback(lambda _task: self._flows.pop(key, None))
        task.add_done_callback(lambda _task: self._focus_after(trail))

    def _planned_batch(self, order_ids: list[str]) -> Coroutine[Any, Any, None]:
        """``create_accept_invite``, counted as planned from now (off for any selection)
        until its run begins, or it ends unrun (its task ends: even cancelled unstarted)."""
        token = object()
        self._batches_planned.add(token)
        self.update_state()
        flow = self.create_accept_invite(order_ids, planned=token)

        async def counted() -> None:
            try:
                await flow
            finally:
                if token in self._batches_planned:
                    self._batches_planned.discard(token)
                    self._update_state_if_there()

        return counted()

    def _update_state_if_there(self) -> None:
        with contextlib.suppress(RuntimeError):  # the window closed as the flow ended
            self.update_state()

    def _focus_after(self, trail: KeyboardTrail | None) -> None:
        """A button pressed from the keyboard that its action then turned off or hid: Qt gave
        the focus to the next one (Reject, after Accept: a second Space rejected), or to a tab
        bar. It goes back to the orders instead; but never from where the coordinator took it
        meanwhile (another order's "Leave it", while a delivery was sending)."""
        if trail is None or self.out_of_sight is not None:
            return  # another room is shown: the coordinator works there
        if trail.taken:
            return
        started_from = trail.start
        with contextlib.suppress(RuntimeError):  # the button went with its pane
            if started_from.isEnabled() and started_from.isVisible():
                return
            now = QApplication.focusWidget()
            if now is not None and now.window() is not started_from.window():
                return  # a dialog has it now (the next step's): leave it there
            # Only where Qt put it from the button (the next button, a tab bar): a field it
            # handed the keyboard to may have been typed in since.
            if now is None or not now.isVisible() or isinstance(now, QAbstractButton | QTabBar):
                self.focus_home()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self.tasks.start(coro)

    async def wait_idle(self) -> None:
        """Wait for every running flow (tests, and a tidy close)."""
        await self.tasks.wait_idle()

    async def _open(self, dialog: QWidget, runner: Awaitable[bool]) -> bool:
        self.dialog_opened(dialog)
        _dispose_with_flow(dialog)
        return await runner

    async def _form_call(
        self, form: ValidatedForm[Any], call: Awaitable[T], action: OrderAction, order_id: str
    ) -> tuple[bool, T | None]:
        """A form's call to the board for ``action`` on the order: (True, its value), or
        (False, None) with the refusal shown under its field or on the form; or, when nothing
        is left to try in the form (``_nothing_left_to_try``), the form closed and why said."""
        try:
            with form.answering():
                return True, await call
        except EXPECTED_ERRORS as exc:
            error, ours = str(exc), isinstance(exc, ActionNotAllowedError)
            field = exc.parameter if isinstance(exc, ValidationApiError) else None
            ended = isinstance(exc, InvitationNotSentAgainError)
            kept = isinstance(exc, OutcomeKeptError)
            closed = self._closed_saying(
                form, action, order_id, error, ours=ours, ended=ended, kept=kept
            )
            if not closed:
                form.show_server_error(error, field)
        except Exception:
            # A fault of ours (the handler says it): a step left waiting goes by itself, so
            # the form closes saying so, as Accept's does; else it stays, to try again.
            self._closed_saying(form, action, order_id, None)
            raise
        finally:
            self.update_state()
        return False, None

    def _closed_saying(
        self,
        form: ValidatedForm[Any],
        action: OrderAction,
        order_id: str,
        error: str | None,
        *,
        ours: bool = False,
        ended: bool = False,
        kept: bool = False,
    ) -> bool:
        """Closes ``form`` saying why, when nothing is left to try in it (True)."""
        said = self._nothing_left_to_try(action, order_id, error, ours=ours, ended=ended, kept=kept)
        if said is None:
            return False
        form.reject()  # closed by the program: not asked about what was typed
        self.messages.error(_ACTION_TITLES[action], f"{self._name(order_id)}: {said}")
        return True

    def _board_or_none(self) -> OrderBoard | None:
        return None if self.read_only is not None else self.board

    def _board(self) -> OrderBoard:
        assert self.board is not None, "actions are enabled only with a board"
        return self.board

    def _order(self, order_id: str) -> AssessmentOrder | None:
        return self._board().order(order_id)

    async def _run(
        self, title: str, call: Awaitable[Any], *, done: str = "", about: str | None = None
    ) -> Any:
        """Run a board call; an expected failure is told to the coordinator, in words (naming
        the candidate of order ``about``), and ``done`` (if any) in the status bar once it went
        through. (The board tells the room when an order's action starts; the actions follow
        at the end.)"""
        try:
            result = await call
        except EXPECTED_ERRORS as exc:
            said = f"{self._name(about)}: {exc}" if about is not None else str(exc)
            self.messages.error(title, said)
            return None
        except (sqlite3.OperationalError, OSError) as exc:
            words = not_written(exc)
            if words is None:
                raise
            self.messages.error(
                title, f"{self._name(about)}: {words}" if about is not None else words
            )
            return None
        finally:
            self.update_state()
        if done:
            self.messages.note(done)
        return result

    # -- create ------------------------------------------------------------------------------

    async def create_assessment(self, order_id: str) -> None:
        import asyncio

        from app.ui.orders.berke_form import BerkeAssessmentForm

        board = self._board()
        order = self._order(order_id)
        if order is None:
            return
        if await self._offer_reuse(order_id):
            return
        form = BerkeAssessmentForm(order, self._parent, default_username=board.berke_username)
        form.setObjectName("berkeForm")
        created: asyncio.Future[LinkedAssessment] = asyncio.get_running_loop().create_future()

        async def load_jobs() -> None:
            try:
                form.set_jobs(await board.jobs())
            except ApiError as exc:
                form.set_jobs_failed(str(exc))

        async def submit(request: CreateAssessmentRequest) -> None:
            call = board.create_assessment(order_id, request)
            ok, link = await self._form_call(form, call, OrderAction.CREATE_ASSESSMENT, order_id)
            if not ok or link is None:
                return
            if not created.done():
                created.set_result(link)
            form.accept()

        form.submitted.connect(lambda request: self.spawn(submit(request)))
        loading = self.spawn(load_jobs())
        try:
            accepted = await self._open(form, run_dialog(form))
        finally:
            loading.cancel()  # the form goes with this flow: Berke's late jobs have no form
        if accepted and created.done():
            await self.preview(order_id)

    async def _offer_reuse(self, order_id: str) -> bool:
        """The candidate already has a Berke assessment here: reuse it (True: done, no form)
        or create a new one (False: the form follows)."""
        board = self._board()
        candidates = await board.reuse_candidates(order_id)
        if not candidates:
            return False
        existing = candidates[0]
        summary = await board.fit_summary(existing, order_id)
        invitation = (
            "no second invitation"
            if existing.link.invitation_sent
            else "its invitation has not gone yet: Invite sends it"
        )
        # Asked after two calls: the coordinator may be looking at another order by now.
        choice = await choose(
            self._parent,
            "This candidate already has a Berke assessment",
            f"Berke has already assessed {self._name(order_id)} for another order: {summary}.",
            informative="Reuse it: this order is accepted with the same assessment, and its "
            f"result is delivered for this order's job (no second assessment; {invitation}). "
            "Or create a new one under this order's own id.",
            options=["Reuse it", "Create a new one"],
        )
        if choice is None:
            return True  # cancelled: neither
        if choice == 1:
            return False
        link = await self._run(
            "Reuse the assessment", board.reuse(order_id, existing.from_order_id), about=order_id
        )
        if link is not None:
            await self.accept(order_id)
            # A reused assessment may already be complete: deliver it straight away.
            if board.why_not(OrderAction.DELIVER, [order_id]) is None:
                await self.deliver([order_id])
        return True

    async def preview(self, order_id: str) -> None:
        """Show the code and URL, right after the create or again later (the slip of a
        candidate without email was printable only then); "Accept order with this URL…"
        goes straight on to accept, where the order may still be accepted."""
        from app.ui.orders.url_preview import UrlPreviewDialog

        board = self._board()
        order, response, link = board.order(order_id), board.created(order_id), board.link(order_id)
        if order is None or response is None or link is None:
            return
        # The names Berke holds, as the form sent them (it may have corrected SmartRecruiters'
        # spelling): what the preview and the printed slip show the candidate.
        sent = await board.assessment_request(order_id)
        name = f"{sent.first_name} {sent.last_name}" if sent else order.candidate.full_name
        dialog = UrlPreviewDialog(
            candidate_name=name,
            response=response,
            allow_http_loopback=board.allows_http_assessment_urls,
            job_name=order.job.name if order.job else None,
            candidate_has_email=bool(link.invitation_address(order.candidate.email)),
            can_accept=board.why_not(OrderAction.ACCEPT, [order_id]) is None,
            open_url=self.open_url,
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
            await self.accept(order_id)

    # -- accept, reject, invite --------------------------------------------------------------

    async def accept(self, order_id: str) -> None:
        from app.ui.orders.order_dialogs import AcceptDialog

        board = self._board()
        order, link = board.order(order_id), board.link(order_id)
        reason = board.why_not(OrderAction.ACCEPT, [order_id])
        if reason or order is None or link is None:
            self.messages.error("Accept order", reason or "No assessment to accept with.")
            return
        dialog = AcceptDialog(
            order, link, self._parent, allow_http_loopback=board.allows_http_assessment_urls
        )

        name = order.candidate.display_name

        async def send() -> None:
            """Open, busy, until SmartRecruiters answers: a refusal shows in the dialog, the
            messages typed kept. An accept left waiting in the journal (a 503, a time-out,
            a fault of ours) goes by itself: the dialog closes, saying so."""
            try:
                await board.accept(
                    order_id,
                    message=dialog.message_text(),
                    message_to_candidate=dialog.message_to_candidate(),
                )
            except ActionNotAllowedError as exc:  # refused before anything was recorded
                self._accept_not_done(dialog, order_id, name, str(exc), ours=True)
                return
            except EXPECTED_ERRORS as exc:
                kept = isinstance(exc, OutcomeKeptError)
                self._accept_not_done(dialog, order_id, name, str(exc), kept=kept)
                return
            except Exception:
                self._accept_not_done(dialog, order_id, name, None)  # the handler says why
                raise
            finally:
                self.update_state()
            dialog.finish()
            self.messages.note(f"Accepted: {name}.")

        dialog.submitted.connect(lambda: self.spawn(send()))
        await self._open(dialog, run_dialog(dialog))

    def _accept_not_done(
        self,
        dialog: AcceptDialog,
        order_id: str,
        name: str,
        error: str | None,
        *,
        ours: bool = False,
        kept: bool = False,
    ) -> None:
        """An accept that did not go through: closed, saying why, when nothing is left to try
        in the dialog (``_nothing_left_to_try``); otherwise said in it, to try again."""
        said = self._nothing_left_to_try(OrderAction.ACCEPT, order_id, error, ours=ours, kept=kept)
        if said is not None:
            dialog.finish()
            self.messages.error(_ACTION_TITLES[OrderAction.ACCEPT], f"{name}: {said}")
        elif error is not None:
            dialog.show_server_error(error)
        else:
            dialog.set_busy(False)

    def _nothing_left_to_try(
        self,
        action: OrderAction,
        order_id: str,
        error: str | None,
        *,
        ours: bool = False,
        ended: bool = False,
        kept: bool = False,
    ) -> str | None:
        """After a dialog's call failed with ``error`` (None: a fault of ours, which the
        handler says): what to say as the dialog closes, when nothing is left to try in it;
        None to say it in the dialog, to fix what was typed or try again.

        Nothing is left when the step waits in the journal, to go by itself (left open, the
        dialog offered a button refused as under way, and a Cancel that cancelled nothing),
        or when the action is no longer allowed (done or ended elsewhere meanwhile: left
        open, it offered a button refused every time). ``ours``: refused by this desk's own
        rules before anything was recorded, whose words already say why. ``ended``: the
        call's step failed for good as it ran (an invitation that may have gone, not sent
        again), and ``error`` says what is left to do, outside the dialog. ``kept``: the call
        went through, its answer kept to be written (``OutcomeKeptError``), which ``error``
        says: its step waits, but nothing of it is sent again."""
        if ended or kept:
            return error
        board = self._board()
        if ours and board.is_busy(action, order_id):
            # Another flow holds the order a moment (an automatic delivery, say): once it is
            # done, the button is offered again, what was typed kept, or closes saying why.
            return None
        if board.left_waiting(action, order_id):
            if ours:  # refused as under way: the step waiting is another flow's, not this
                return f"{error} {TYPED_NOT_SENT}"
            again = SENT_AGAIN[action]
            doubt = board.state(order_id).invitation_doubt
            if action is OrderAction.INVITE and doubt is not None and not doubt.counted:
                # It may have gone, and with no count the resumer cannot tell: it fails it.
                again = INVITE_MAY_HAVE_GONE
            return f"{error} {again}" if error is not None else again
        why_not = board.why_not(action, [order_id])
        if why_not is None:
            return None
        if error is None:
            return why_not
        return error if ours or why_not in error else f"{error}\n\n{why_not}"

    async def reject(self, order_ids: list[str]) -> None:
        """The reject dialog: open, busy, until SmartRecruiters answers. Orders refused stay
        in it, said why, with the reason kept; once it closes, Berke's assessments of the
        orders rejected are offered for deletion."""
        from app.ui.orders.order_dialogs import RejectDialog

        board = self._board()
        selected = [o for o in map(board.order, order_ids) if o is not None]
        line = bulk_line(OrderAction.REJECT, "Reject", selected, board.why_not_each)
        rejectable = line.able
        if not rejectable:
            return
        dialog = RejectDialog(rejectable, self._parent, left_out=line.unable)
        names = {o.id: o.candidate.full_name for o in rejectable}
        left = [o.id for o in rejectable]  # still to reject: all, then those refused
        rejected: set[str] = set()

        def after_try(failures: dict[str, str]) -> None:
            """What became of each order tried, as the board now knows it (after an error of
            ours too: one order's is among the failures, one before any was tried stopped
            them all): rejected; left waiting in the journal, sent again by itself; refused
            but still rejectable, offered again; or not rejectable any more (gone, completed
            elsewhere, rejected elsewhere), said once."""
            nonlocal left
            tried = left
            rejected.update(i for i in tried if _rejected_by_this_call(board, i, failures))
            rest = [i for i in tried if i not in rejected]
            # Gone through, its answer not written yet (``OutcomeKeptError``): not "sent again".
            kept = [i for i in rest if board.answer_kept(OrderAction.REJECT, i)]
            waiting = [
                i for i in rest if StepKind.REJECT in board.state(i).pending and i not in kept
            ]
            why_not = {
                i: board.why_not(OrderAction.REJECT, [i])
                for i in rest
                if i not in waiting and i not in kept
            }
            left = [i for i, why in why_not.items() if why is None]
            final = [i for i, why in why_not.items() if why is not None]

            def said(heading: str, ids: list[str], otherwise: str) -> str:
                lines = [
                    f"{names[i]}: {failures.get(i) or why_not.get(i) or otherwise}" for i in ids
                ]
                return "\n\n".join([heading, *lines]) if ids else ""

            parts = (
                said("Not rejected:", left, "Not sent: an error stopped it."),
                said("Waiting, sent again by itself:", waiting, REJECT_SENT_AGAIN),
                said("Rejected, the answer to be written here:", kept, ""),
                said("Cannot be rejected now:", final, ""),
            )
            text = "\n\n".join(part for part in parts if part)
            if left:
                dialog.show_refusals(text, [o for o in rejectable if o.id in left])
                return
            dialog.finish()
            if text:
                self.messages.error("Reject order", text)
            elif rejected:
                done = ", ".join(names[i] for i in tried if i in rejected)
                self.messages.note(f"Rejected: {done}.")

        async def send() -> None:
            failures: dict[str, str] = {}
            try:
                failures = dict(await board.reject(left, reason=dialog.reason_text()))
            finally:  # an error of ours too: the handler says it, the dialog what became
                self.update_state()
                after_try(failures)

        dialog.submitted.connect(lambda: self.spawn(send()))
        await self._open(dialog, run_dialog(dialog))
        asked: set[str] = set()  # an assessment two of them share is asked about once
        for order in rejectable:
            link = board.link(order.id)
            if (
                order.id in rejected
                and link is not None
                and link.source_candidate_id.casefold() not in asked
                and board.why_not(OrderAction.DELETE_IN_BERKE, [order.id]) is None
            ):
                asked.add(link.source_candidate_id.casefold())
                await self.delete_in_berke(order.id, after_reject=True)

    async def invite(self, order_id: str) -> None:
        """The invite dialog: the message and sender (the profile's default to start with),
        checked as typed. It stays open, busy, while Berke is asked; a value Berke refuses
        shows under its field, with the rest kept."""
        from app.ui.orders.invite_dialog import InviteDialog

        board = self._board()
        order = self._order(order_id)
        if order is None:
            return
        email = await self._board().invitation_email(order.id)
        dialog = InviteDialog(order, board.default_invitation, self._parent, email=email)

        async def invite_or_ask(invitation: InvitationText) -> bool:
            """True when sent; False when the coordinator chose not to send it again."""
            try:
                await board.invite(order_id, invitation=invitation)
            except AlreadyInvitedError as exc:
                dialog.set_busy(False)
                # Over the dialog, which is modal: a box on the window would be blocked.
                again = await confirm(
                    dialog, "Send the invitation again?", str(exc), ok_text="Send again"
                )
                if not again:
                    return False
                dialog.set_busy(True)
                await board.invite(order_id, invitation=invitation, resend=True)
            return True

        async def send(invitation: InvitationText) -> None:
            call = invite_or_ask(invitation)
            ok, sent = await self._form_call(dialog, call, OrderAction.INVITE, order_id)
            if ok and sent:
                dialog.accept()
                self.messages.note(f"Invitation sent: {order.candidate.display_name}.")
            elif ok:
                dialog.reject()

        dialog.submitted.connect(lambda invitation: self.spawn(send(invitation)))
        await self._open(dialog, run_dialog(dialog))

    # -- all three at once -------------------------------------------------------------------

    async def create_accept_invite(self, order_ids: list[str], *, planned: object = None) -> None:
        """The plan first (each order's Berke job, what will be sent, the messages), then the
        run, with its outcomes. ``planned``: the flow's token in ``_batches_planned``, let go
        as the run begins."""
        board = self._board()
        choice = await self._batch_choice(order_ids, board)
        if choice is None:
            return
        # Nothing awaited from here to the run's start (``start_run``): no second batch can
        # be asked in between.
        self._batches_planned.discard(planned)
        await self._run_batch(choice, board)

    async def _batch_choice(self, order_ids: list[str], board: OrderBoard) -> BatchChoice | None:
        """The plan shown, and what the coordinator chose to run (None: nothing)."""
        from app.ui.orders.batch_plan_dialog import BatchPlanDialog

        # Berke's jobs and statuses are asked first (seconds, when Berke is slow): said, as
        # nothing else shows until the plan opens.
        count = len(order_ids)
        self.messages.note(
            f"Planning Create, accept and invite for {count:,} order{'s' if count != 1 else ''}…"
        )
        plan = await self._run("Create, accept and invite", board.plan_batch(order_ids))
        if plan is None:
            return None
        form = BatchPlanDialog(plan, board.default_invitation, self._parent)
        # The portal message of the last batch run, to start from: batches repeat it.
        settings = settings_above(form)
        key = f"{LAST_PORTAL_MESSAGE}/{board.profile_key}"  # a profile's message: its own
        last = settings.value(key) if settings is not None else None
        if isinstance(last, str) and last:
            form.portal_message.setPlainText(last)
        chosen: list[BatchChoice] = []

        def go(choice: BatchChoice) -> None:
            chosen.append(choice)
            form.accept()

        form.submitted.connect(go)
        if not await self._open(form, run_dialog(form)) or not chosen:
            return None
        if settings is not None:
            settings.setValue(key, chosen[0].message_to_candidate or "")
        return chosen[0]

    async def _run_batch(self, choice: BatchChoice, board: OrderBoard) -> None:
        from app.ui.orders.batch_dialog import BatchDialog

        jobs = {p.order_id: p.job_text for p in choice.plan}
        previous = self.last_batch
        if previous is not None and not previous.running and not previous.isVisible():
            # A running one stays until it ends, a shown one while it is read: their windows
            # are their own.
            previous.deleteLater()
        dialog = self.last_batch = BatchDialog(len(choice.order_ids), jobs, self._parent)
        self._last_batch_board = board
        self.update_state()
        dialog.retry_requested.connect(
            lambda ids: self.spawn(self._run_orders(dialog, choice, ids, board))
        )
        # The keyboard back on the orders as the outcomes close (``_focus_after``): when the
        # run ended they had it, and once closed the window's was on the pane's next button,
        # Reject…, for the order just invited. Once the window has it back: the next turn.
        trail = self._batch_trail
        dialog.finished.connect(
            lambda _result: QTimer.singleShot(0, lambda: self._focus_after(trail))
        )
        self.dialog_opened(dialog)
        dialog.open()
        await self._run_orders(dialog, choice, choice.order_ids, board)

    async def _run_orders(
        self, dialog: BatchDialog, choice: BatchChoice, order_ids: list[str], own: OrderBoard
    ) -> None:
        """One run of the batch (the first, or a retry of the failed) shown in ``dialog``, on
        its ``own`` board's orders."""
        import asyncio

        dialog.start_run(len(order_ids))
        self.update_state()  # running: no other batch now
        if not dialog.isVisible():
            dialog.open()
        cancelled = asyncio.Event()
        # Cancel, Esc and the window's close button all ask through this one signal.
        cancel = dialog.cancel_asked.connect(cancelled.set)
        try:
            board = self._board_or_none()
            if board is not own:
                raise ActionNotAllowedError(
                    "Not connected to these orders any more (a snapshot, or another profile)."
                )
            await board.create_accept_invite(
                order_ids,
                progress=lambda done, _total, outcome: dialog.add_outcome(done, outcome),
                cancelled=cancelled,
                plan=choice.plan,
                invitation=choice.invitation,
                message_to_candidate=choice.message_to_candidate,
            )
        except EXPECTED_ERRORS as exc:
            self.messages.error("Create, accept and invite", str(exc))
        finally:
            dialog.cancel_asked.disconnect(cancel)
            dialog.finished_all()
            self.update_state()

    def show_last_batch(self) -> None:
        """Order > Last batch…: the last batch's outcomes again. Modal to the window, as when
        it ran: its "Retry the failed" must not run beside another batch or action on the
        same candidate (two batches at once made two assessments for one person)."""
        if self.last_batch is not None:
            self.last_batch.open()
            self.last_batch.raise_()
            self.last_batch.activateWindow()

    # -- complete and attach ------------------------------------------------------------------

    async def complete(self, order_id: str) -> bool:
        """Ask for the result, complete the order; True when it is completed."""
        from app.domain.journal_terms import ResultFlow
        from app.ui.orders.complete_dialog import CompleteDialog

        board = self._board()
        order = board.order(order_id)
        if order is None:
            return False
        # Checked here, not only where the action was offered: a caller may come after an
        # await ("Complete the order first?"), and the order may have ended meanwhile.
        reason = board.why_not(OrderAction.COMPLETE, [order_id])
        if reason is not None:
            self.messages.error("Complete order", reason)
            return False
        dialog = CompleteDialog(
            order,
            author=board.author,
            with_message=board.options.result_flow is ResultFlow.DOCUMENTED,
            parent=self._parent,
        )
        completed = False

        async def send(result: AssessmentResult) -> None:
            # The dialog stays open, busy, until SmartRecruiters answers: a refusal shows on
            # it with all that was typed kept (before, it closed first, and took that along).
            nonlocal completed
            call = board.complete(order_id, result, message=dialog.message_text())
            ok, _result_id = await self._form_call(dialog, call, OrderAction.COMPLETE, order_id)
            if ok:
                completed = True
                dialog.accept()
                self.messages.note(f"Completed: {order.candidate.display_name}.")

        dialog.submitted.connect(lambda result: self.spawn(send(result)))
        await self._open(dialog, run_dialog(dialog))
        return completed

    async def deliver(self, order_ids: list[str]) -> None:
        """One order: the preview, then Send. Several: every one that is ready, in one go."""
        from app.ui.orders.delivery_preview import DeliveryPreviewDialog

        board = self._board()
        if len(order_ids) > 1:
            await self._deliver_several(order_ids)
            return
        order_id = order_ids[0]
        order = self._order(order_id)
        # Berke's report is fetched before the preview opens (up to a minute when Berke is
        # slow): said, as nothing else shows meanwhile.
        key = (OrderAction.DELIVER, (order_id,))
        self._say_doing(key, f"Fetching Berke's report for {self._name(order_id)}…")
        try:
            plan = await self._run(
                "Deliver the result", board.preview_delivery(order_id), about=order_id
            )
        finally:
            self._done_doing(key)
        if plan is None or order is None:
            return
        dialog = DeliveryPreviewDialog(order, plan, self._parent, open_url=self.open_url)
        if not await self._open(dialog, run_dialog(dialog)):
            return
        try:
            await board.deliver(order_id, plan)
        except EXPECTED_ERRORS as exc:
            said = self._delivery_failed(order_id, str(exc))
            self.messages.error("Deliver the result", f"{self._name(order_id)}: {said}")
            return
        finally:
            self.update_state()
        self.messages.note(f"Result delivered: {order.candidate.display_name}.")

    async def _deliver_several(self, order_ids: list[str]) -> None:
        """Asks first, naming each order it completes (and those selected it leaves out, with
        why); then delivers those ready, and says which were delivered, which were passed
        over (done meanwhile by automatic delivery, say) and which failed."""
        from app.ui.orders.order_dialogs import orders_list

        board = self._board()
        selected = [o for o in map(board.order, order_ids) if o is not None]
        label = "Deliver Berke's result"
        line = bulk_line(OrderAction.DELIVER, label, selected, board.why_not_each)
        count = len(line.able)
        ok = await confirm(
            self._parent,
            "Deliver the results",
            # Said above the list, which a long selection cuts (its whole under Show Details…).
            f"Deliver Berke's result to SmartRecruiters for {count} order"
            f"{'s' if count != 1 else ''}, each with its report attached? Delivering completes "
            f"{'each order' if count != 1 else 'the order'}: it cannot be undone.",
            informative=orders_list("Delivers", line.able, line.unable),
            ok_text="Deliver all",
        )
        if not ok:
            return
        import asyncio

        ready = [o.id for o in line.able]
        passed_over: list[tuple[str, str]] = []
        not_begun: list[str] = []
        key = (OrderAction.DELIVER, tuple(order_ids))
        stop = asyncio.Event()

        def progress(turn: int, total: int) -> None:
            name = self._name(ready[turn - 1])
            self._say_doing(key, f"Delivering {turn} of {total} ({name})… {STOP_DELIVERING}")

        self._delivery_stops[stop] = key
        self._delivery_stops_changed()
        try:
            failures = await board.deliver_ready(
                ready, passed_over=passed_over, progress=progress, stop=stop, not_begun=not_begun
            )
        finally:
            del self._delivery_stops[stop]
            self._delivery_stops_changed()
            self._done_doing(key)
            self.update_state()
        not_delivered = {order_id for order_id, _why in [*failures, *passed_over]}
        not_delivered.update(not_begun)
        delivered = [self._name(i) for i in ready if i not in not_delivered]
        said = [f"Results delivered: {', '.join(delivered)}."] if delivered else []
        if passed_over:
            left = [f"{self._name(i)} ({why.rstrip('.')})" for i, why in passed_over]
            said.append(f"Not delivered here: {', '.join(left)}.")
        if not_begun:
            left = [self._name(i) for i in not_begun]
            said.append(f"Stopped before delivering: {', '.join(left)}.")
        if said:
            self.messages.note(" ".join(said))
        if failures:
            text = "\n\n".join(
                f"{self._name(order_id)}: {self._delivery_failed(order_id, error)}"
                for order_id, error in failures
            )
            self.messages.error("Deliver results", text)

    def _say_doing(
        self, key: tuple[OrderAction, tuple[str, ...]], text: str, line: str | None = None
    ) -> None:
        """Say how far the flow of ``key`` got (in ``line``, if given), and keep it for a
        second trigger to say."""
        line = line or text
        self._doing[key] = (text, line)
        self.messages.progress(line)

    def _done_doing(self, key: tuple[OrderAction, tuple[str, ...]]) -> None:
        said = self._doing.pop(key, None)
        if said is not None:
            self.messages.progress_ended(said[1])

    def _delivery_failed(self, order_id: str, error: str) -> str:
        """A delivery's failure in words, saying when it goes by itself (waiting in the
        journal: it said "trying again later usually works", and Deliver was refused)."""
        board = self._board()
        if board.left_waiting(OrderAction.DELIVER, order_id) and not board.answer_kept(
            OrderAction.DELIVER, order_id
        ):
            return f"{error} {DELIVER_SENT_AGAIN}"
        return error

    def _name(self, order_id: str) -> str:
        order = self._order(order_id)
        return order.candidate.display_name if order is not None else order_id

    async def remind(self, order_id: str) -> None:
        board = self._board()
        order = self._order(order_id)
        if order is None:
            return
        ok = await confirm(
            self._parent,
            "Send a reminder",
            f"Send {order.candidate.full_name} the invitation again "
            f"({await self._board().invitation_email(order.id)})?",
            informative=REMINDER_INFORMATIVE,
            ok_text="Send reminder",
        )
        if not ok:
            return
        try:
            await board.remind(order_id)
        except CooldownError as exc:
            again = await confirm(self._parent, "Send it anyway?", str(exc), ok_text="Send anyway")
            if again:
                await self._run("Send a reminder", board.remind(order_id, override_cooldown=True))
        except EXPECTED_ERRORS as exc:
            self.messages.error("Send a reminder", str(exc))
        finally:
            self.update_state()

    async def delete_in_berke(self, order_id: str, *, after_reject: bool = False) -> None:
        board = self._board()
        link = board.link(order_id)
        if link is None:
            return
        # After a reject of several, one question per order: each names its own assessment.
        text = (
            f"The order of {self._name(order_id)} is rejected, but its Berke assessment "
            f"{link.invitation_code} is still open."
            if after_reject
            else f"Delete the Berke assessment {link.invitation_code} of "
            f"{self._name(order_id)} for good?"
        )
        ok = await confirm(
            self._parent,
            "Delete it in Berke?",
            text,
            informative="Deleting it stops reminders and frees the candidate's link. It cannot "
            "be undone; leaving it costs nothing.",
            ok_text="Delete in Berke",
            cancel_text="Leave it",
        )
        if ok:
            await self._run("Delete in Berke", board.delete_in_berke(order_id), about=order_id)
        elif not after_reject:
            return
        else:
            from app.domain.attention import Attention

            await self._run("Leave it", board.dismiss(order_id, Attention.CANCEL_IN_BERKE.value))

    def _ask_files(self) -> list[Path]:
        # URLs, read as a drop's are (getOpenFileNames is these, through toLocalFile): a name
        # that is not UTF-8 keeps its bytes where the dialog gives them (the desktop portal's).
        # Qt's own dialog lists no such file at all.
        urls, _ = QFileDialog.getOpenFileUrls(
            self._parent,
            "Attach report files",
            QUrl(),
            "Reports (*.pdf *.doc *.docx *.rtf *.txt *.html *.htm *.png *.jpg *.jpeg)",
        )
        return [local_path(url) for url in urls if url.isLocalFile()]

    async def attach_files(self, order_id: str, paths: list[Path]) -> None:
        """Queue the files (refusing bad ones with a reason); they go once there is a result."""
        board = self._board()
        queued_and_refused = await self._run(
            "Attach report", board.attach_files(order_id, paths), about=order_id
        )
        if queued_and_refused is None:
            return
        queued, refused = queued_and_refused
        if refused:
            title = (
                "A file was not attached"
                if len(refused) == 1
                else (f"{len(refused)} files were not attached")
            )
            self.messages.error(title, "\n".join(refused))
        order = board.order(order_id)
        if (
            queued
            and order is not None
            and board.state(order_id).result_id is None
            and order.status is OrderStatus.IN_PROGRESS
        ):
            go = await confirm(
                self._parent,
                "Complete the order first?",
                # Named: a drop on a row of the table need not be the order the pane shows.
                f"{self._name(order_id)}’s order has no result yet: reports are attached to "
                "a result.",
                informative="Complete it now? The files stay queued until it is completed.",
                ok_text="Complete order…",
            )
            if go:
                await self.complete(order_id)

    async def cancel_upload(self, order_id: str, upload_id: int) -> None:
        await self._run("Cancel upload", self._board().cancel_upload(order_id, upload_id))

    async def retry_upload(self, order_id: str, upload_id: int) -> None:
        await self._run("Retry upload", self._board().retry_upload(order_id, upload_id))

    async def cancel_waiting_step(self, order_id: str, entry: JournalEntry) -> bool:
        """Cancel the order's step that waits to be sent, once the coordinator confirmed what
        will then not be sent (Keep is the default: Enter and Esc cancel nothing). True when
        it was cancelled; a refusal (being sent this moment, sent meanwhile) is said."""
        from app.domain.step_cancel import (
            after_cancel,
            cancel_button_text,
            what_will_not_be_sent,
        )

        board = self._board()
        linked = board.state(order_id).link is not None
        go = await confirm(
            self._parent,
            "Cancel the waiting step?",
            f"{self._name(order_id)}: {what_will_not_be_sent(entry)}",
            informative=after_cancel(entry, assessment_linked=linked),
            ok_text=cancel_button_text(entry),
            cancel_text="Keep it waiting",
        )
        if not go:
            return False

        async def cancel() -> bool:
            await board.cancel_waiting_step(order_id, entry.id)
            return True

        return bool(await self._run("Cancel step", cancel(), about=order_id, done=_CANCELLED))

    async def retry_failed_step(self, entry_id: int) -> None:
        try:
            await self._board().retry_step(entry_id)
        except (*EXPECTED_ERRORS, ValueError) as exc:
            self.messages.error("Retry", str(exc))
        finally:
            self.update_state()


#: The status bar's note once a waiting step is cancelled.
_CANCELLED = "Cancelled: the step will not be sent."


def _rejected_by_this_call(board: OrderBoard, order_id: str, failures: dict[str, str]) -> bool:
    """Whether a reject just tried rejected the order: it is rejected now, and the reject was
    sent, or its step waits in the journal (it may have gone). One the board refused (rejected
    elsewhere while the dialog was open, which a poll brought in or SmartRecruiters said) sent
    nothing: taken for this desk's, it was said "Rejected" and its assessment offered for
    deletion."""
    order = board.order(order_id)
    if order is None or order.status is not OrderStatus.REJECTED:
        return False
    return order_id not in failures or StepKind.REJECT in board.state(order_id).pending


def _dispose_with_flow(dialog: QWidget) -> None:
    """The dialog goes when the flow that opened it ends (the flow may still read it once it
    has closed). Parented to the window (window-modal, centred on it), every dialog opened
    stayed for the session before: a day's work left hundreds."""
    import asyncio

    flow = asyncio.current_task()
    if flow is None:
        return

    def dispose(_flow: asyncio.Task[Any]) -> None:
        with contextlib.suppress(RuntimeError):  # gone already, with its parent
            dialog.deleteLater()

    flow.add_done_callback(dispose)
