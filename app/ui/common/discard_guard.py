"""Esc, Cancel, the window's close button and the app quitting ask before a dialog throws
typed work away.

A stray Esc closed the Berke form with every field filled, a rejection's careful reason, an
invitation's message or a batch's portal message, without a word. Unchanged, the dialog closes
at once as before; changed, it asks "Discard what you typed?", with Keep editing the default.
A dialog closed by the program (``accept()``, ``reject()``, ``done()``: the work sent, the
connection changed) is not asked about: in Qt 6 those send the dialog no close event.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from app.ui.common.async_dialogs import confirm
from app.ui.common.task_group import NamedTasks


def typed_state(dialog: QDialog) -> list[Any]:
    """What the coordinator can change in ``dialog``, in a form that compares.

    Each kind of field is asked for by its type: Qt then looks among the dialog's objects
    itself. Asked for every QObject, PySide6 wrapped each one (layouts, a table's parts…) and
    set up the enums of each class it met: 55 ms on the GUI thread as the batch's plan first
    opened."""
    state: list[Any] = []
    state += [w.text() for w in dialog.findChildren(QLineEdit) if not w.isReadOnly()]
    state += [w.toPlainText() for w in dialog.findChildren(QPlainTextEdit) if not w.isReadOnly()]
    state += [w.toPlainText() for w in dialog.findChildren(QTextEdit) if not w.isReadOnly()]
    state += [w.currentText() for w in dialog.findChildren(QComboBox)]
    state += [w.text() for w in dialog.findChildren(QAbstractSpinBox)]
    state += [w.isChecked() for w in dialog.findChildren(QCheckBox)]
    return state


class DiscardGuard(QObject):
    """Guards ``dialog``: its state when first shown is the baseline; ``extra``, a method of
    the dialog, adds what the widgets do not hold (a table's choices). ``cancel``, when given,
    asks too. ``fields=False``: ``extra`` alone says what was typed (a form whose widgets show
    one of several drafts, or a page the program fills). ``saving``, a method of the dialog:
    while it returns True a close waits for a save under way, which keeps what was typed, so
    nothing is asked. ``unsent``, a method of the dialog: words naming what was typed and is
    kept outside the baseline, unsent ("" when nothing is): it is a change too, said under the
    question, which then asks for all of it at once (Settings' Marketplace values, each sent by
    its own Save button, not by Apply). After Discard, ``discarded`` is True: a dialog that asks
    in its ``done()`` (OK, the program's ``reject()``) does not ask a second time.

    The dialog holds the guard (its child), so the guard holds the dialog only weakly: as its
    parent, and ``extra`` as a weak method (a reference cycle that a poll's ``settle_heap``
    froze is never collected: app.workflows.heap)."""

    def __init__(
        self,
        dialog: QDialog,
        cancel: QAbstractButton | None = None,
        *,
        extra: Callable[[], Any] | None = None,
        fields: bool = True,
        saving: Callable[[], bool] | None = None,
        unsent: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(dialog)
        self._extra = weakref.WeakMethod(extra) if extra is not None else None
        self._fields = fields
        self._saving = weakref.WeakMethod(saving) if saving is not None else None
        self._unsent = weakref.WeakMethod(unsent) if unsent is not None else None
        self._baseline: list[Any] | None = None
        self._tasks = NamedTasks(self)
        self.asking = False
        self.discarded = False
        dialog.installEventFilter(self)
        if cancel is not None:
            cancel.clicked.connect(self.request_close)

    @property
    def _dialog(self) -> QDialog:
        return cast(QDialog, self.parent())

    def _state(self) -> list[Any]:
        extra = self._extra() if self._extra is not None else None
        fields = typed_state(self._dialog) if self._fields else []
        return [*fields, extra() if extra is not None else None]

    def changed(self) -> bool:
        """Whether closing now would lose what was typed."""
        saving = self._saving() if self._saving is not None else None
        if saving is not None and saving():
            return False
        if self._unsent_words():
            return True
        return self._baseline is not None and self._state() != self._baseline

    def asks_before_closing(self) -> bool:
        """Whether a close from outside is refused and asked about: the dialog is open with
        something typed that closing it would lose, and a loop runs to ask on (none once the
        app's has ended, or in a test without one: the close then goes on as it always did).

        Not while the dialog sends: it refuses to close then (its ``reject``), and nothing
        typed is lost by the app ending, whose session lets running actions finish first
        (``SessionHost.close``). Counted, a logout was cancelled with nothing asked or said."""
        return self._dialog.isVisible() and not self._busy() and self.changed() and _loop_running()

    def _busy(self) -> bool:
        busy = getattr(self._dialog, "is_busy", None)
        return callable(busy) and bool(busy())

    def open_question(self) -> QDialog | None:
        """A modal box the dialog shows over itself (its own question: Settings' "Marketplace
        settings not saved", Invite's "Send the invitation again?"; or the guard's), if any."""
        for box in self._dialog.findChildren(QDialog):
            if box.isWindow() and box.isVisible() and box.isModal():
                return box
        return None

    def _unsent_words(self) -> str:
        unsent = self._unsent() if self._unsent is not None else None
        return unsent() if unsent is not None else ""

    def rebase(self) -> None:
        """The program changed the dialog (jobs loaded into a combo): that is no typing. The
        caller asks ``changed()`` first: what the coordinator had typed stays a change."""
        if self._baseline is not None:
            self._baseline = self._state()

    def request_close(self) -> None:
        """Close now when nothing was typed; else ask first (once at a time). Not while the
        dialog sends: it cannot be closed then, and the question would do nothing. Not while
        a question is up over the dialog either: it is brought to the front instead. Asked
        over it, Discard closed the dialog under the first question, whose answer (Send
        again) then acted on a form thrown away."""
        if self._busy():
            return
        question = self.open_question()
        if question is not None:
            question.raise_()
            question.activateWindow()
        elif not self.changed():
            self._dialog.reject()
        elif not self.asking:
            self._tasks.start(self._ask(), name="ask")

    def discard(self) -> None:
        """Close the dialog, what was typed in it dropped unasked (Settings' ``done`` asks
        nothing more either). A dialog that sends refuses, and its send goes on."""
        self.discarded = True
        self._dialog.reject()

    async def _ask(self) -> None:
        self.asking = True
        try:
            discard = await confirm(
                self._dialog,
                "Discard what you typed?",
                "Close this window and lose what you typed or chose in it?",
                informative=self._unsent_words(),
                ok_text="Discard",
                cancel_text="Keep editing",
            )
        finally:
            self.asking = False
        if discard:
            self.discard()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The parent, not an attribute: Qt still sends events while Python tears this down.
        if watched is not self.parent():
            return False
        kind = event.type()
        if kind == QEvent.Type.Show and self._baseline is None:
            self._baseline = self._state()
        elif (
            kind == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and not event.modifiers()
        ):
            self.request_close()
            return True
        elif (
            kind == QEvent.Type.Close
            and isinstance(event, QCloseEvent)
            and self.asks_before_closing()
        ):
            # Only a close from outside gets here: the window's X, or the app quitting, which
            # closes a modal dialog first with QWindow.close() (not spontaneous) and quits
            # only if it closed. Let through, QDialog called reject(): the typed work went
            # unasked, and the quit went on. Refused, the quit stops; the coordinator quits
            # again after answering. The program's closes and Discard's send no close event.
            event.ignore()
            self.request_close()
            return True
        return False


def typed_work_over(window: QWidget) -> DiscardGuard | None:
    """The guard of a dialog over ``window`` holding typed work that closing the window would
    lose (None when none does): the caller refuses to close and asks its question. The dialogs
    are windows of their own: Qt closes none of them as their parent closes, and the app ended
    with the window."""
    for guard in guards_over(window):
        if guard.asks_before_closing():
            return guard
    return None


def guards_over(window: QWidget) -> list[DiscardGuard]:
    """The guards of the dialogs over ``window``, open or not."""
    guards = []
    for widget in QApplication.topLevelWidgets():
        if not isinstance(widget, QDialog) or not _over(widget, window):
            continue
        guard = widget.findChild(DiscardGuard, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if guard is not None:
            guards.append(guard)
    return guards


def _loop_running() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _over(dialog: QWidget, window: QWidget) -> bool:
    parent = dialog.parentWidget()
    while parent is not None and parent is not window:
        parent = parent.parentWidget()
    return parent is window
