"""The guard that asks before typed input is thrown away: Esc only (not Shift+Esc), not while
busy, the first state kept as the baseline, the close button free when nothing was typed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QLineEdit, QMessageBox, QVBoxLayout

from app.ui.common.discard_guard import DiscardGuard, typed_state
from tests.ui.conftest import _clicking_loop, running_loop, show_exposed  # noqa: F401

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


class Form(QDialog):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.field = QLineEdit()
        self.again = QCheckBox("Again")
        layout.addWidget(self.field)
        layout.addWidget(self.again)
        self.busy = False
        self.guard = DiscardGuard(self)

    def is_busy(self) -> bool:
        return self.busy


def shown(qtbot: QtBot) -> Form:
    form = Form()
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    return form


def questions(form: Form) -> list[QMessageBox]:
    return [box for box in form.findChildren(QMessageBox) if box.isVisible()]


def test_a_ticked_box_is_a_change(qapp: QApplication) -> None:
    form = Form()
    before = typed_state(form)
    form.again.setChecked(True)
    assert typed_state(form) != before


def test_nothing_typed_esc_closes_at_once(qtbot: QtBot) -> None:
    form = shown(qtbot)
    with qtbot.waitSignal(form.rejected, timeout=1000):
        QTest.keyClick(form.field, Qt.Key.Key_Escape)


def test_shown_again_the_baseline_stays_the_first(qtbot: QtBot) -> None:
    form = shown(qtbot)
    form.field.setText("typed")
    form.hide()
    show_exposed(qtbot, form)  # shown again: what was typed is still a change
    assert form.guard.changed()


def test_a_busy_dialog_is_not_closed_by_esc(qtbot: QtBot) -> None:
    form = shown(qtbot)
    form.busy = True
    QTest.keyClick(form.field, Qt.Key.Key_Escape)
    assert form.isVisible()
    assert form.result() == 0
    assert form.guard.asking is False


def test_shift_esc_is_not_the_guards(qtbot: QtBot) -> None:
    form = shown(qtbot)
    event_seen: list[bool] = []
    form.guard.request_close = lambda: event_seen.append(True)  # type: ignore[method-assign]
    QTest.keyClick(form.field, Qt.Key.Key_Escape, Qt.KeyboardModifier.ShiftModifier)
    assert event_seen == []


def test_the_close_button_with_nothing_typed_closes(qtbot: QtBot) -> None:
    form = shown(qtbot)
    # As from the window's close button: spontaneous.
    spontaneous = QCloseEvent()
    spontaneous.spontaneous = lambda: True  # type: ignore[method-assign]
    assert form.guard.eventFilter(form, spontaneous) is False
    assert spontaneous.isAccepted()


def test_esc_twice_asks_once(qtbot: QtBot, running_loop: asyncio.AbstractEventLoop) -> None:  # noqa: F811
    form = shown(qtbot)
    form.field.setText("typed")
    QTest.keyClick(form.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(questions(form)))
    form.guard.request_close()
    for _ in range(5):
        QApplication.processEvents()
    assert len(questions(form)) == 1
    next(b for b in questions(form)[0].buttons() if b.text() == "Keep editing").click()
    qtbot.waitUntil(lambda: not form.guard.asking)
    assert form.isVisible()


class Drafts(QDialog):
    """A form whose widgets show one draft of several: the drafts say what was typed."""

    def __init__(self) -> None:
        super().__init__()
        self.field = QLineEdit()
        QVBoxLayout(self).addWidget(self.field)
        self.drafts = ["first"]
        self.saving = False
        self.guard = DiscardGuard(self, extra=self.typed, fields=False, saving=self.is_saving)

    def typed(self) -> list[str]:
        return list(self.drafts)

    def is_saving(self) -> bool:
        return self.saving


def test_without_fields_only_the_drafts_are_a_change(qtbot: QtBot) -> None:
    form = Drafts()
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    form.field.setText("another draft shown")  # the program shows another draft: no typing
    assert not form.guard.changed()
    form.drafts.append("second")
    assert form.guard.changed()


def test_while_saving_a_close_loses_nothing_and_asks_nothing(qtbot: QtBot) -> None:
    form = Drafts()
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    form.drafts.append("second")
    form.saving = True
    with qtbot.waitSignal(form.rejected, timeout=1000):  # the dialog's done() waits for the save
        QTest.keyClick(form.field, Qt.Key.Key_Escape)
    assert not questions(form)  # type: ignore[arg-type]


def test_closed_from_outside_with_something_typed_asks_once(
    qtbot: QtBot,
    running_loop: asyncio.AbstractEventLoop,  # noqa: F811
) -> None:
    """Before: a close that was not the window's X (the app quitting closes a modal dialog
    first, with ``QWindow.close()``) went straight to ``reject()``: what was typed went unasked
    and the quit went on. Refused now, and asked once however often it comes."""
    form = shown(qtbot)
    form.field.setText("typed")
    handle = form.windowHandle()
    assert not handle.close()
    assert not form.close()
    qtbot.waitUntil(lambda: bool(questions(form)))
    assert len(questions(form)) == 1
    with qtbot.waitSignal(form.rejected):
        next(b for b in questions(form)[0].buttons() if b.text() == "Discard").click()


def test_the_programs_closes_are_not_asked_about(
    qtbot: QtBot,
    running_loop: asyncio.AbstractEventLoop,  # noqa: F811
) -> None:
    """The dialog closed by the program (its work sent, the connection changed) or deleted
    with its window: no close event comes to the guard (Qt 6), nothing is asked."""
    for close in (QDialog.accept, QDialog.reject, lambda form: form.done(0)):
        form = shown(qtbot)
        form.field.setText("typed")
        close(form)
        assert not form.isVisible()
        assert not form.guard.asking
    parent = QDialog()
    form = Form()
    form.setParent(parent, form.windowFlags())
    show_exposed(qtbot, form)
    form.field.setText("typed")
    guard = form.guard
    asked: list[bool] = []
    guard.request_close = lambda: asked.append(True)  # type: ignore[method-assign]
    parent.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert asked == []
