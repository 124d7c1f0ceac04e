"""A flow's keyboard trail: handed on by Qt from a button turned off, or through a dialog, it
is still the flow's; moved off a widget that could still take it, it is the coordinator's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QVBoxLayout, QWidget

from app.ui.common.keyboard_trail import KeyboardTrail
from tests.ui.conftest import show_exposed
from tests.ui.test_attention_box_keyboard import keyboard_on

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _buttons(qtbot: QtBot) -> tuple[QWidget, list[QPushButton]]:
    window = QWidget()
    qtbot.addWidget(window)
    buttons = [QPushButton(name, window) for name in ("Accept", "Reject", "Leave it")]
    layout = QVBoxLayout(window)
    for button in buttons:
        layout.addWidget(button)
    show_exposed(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window, buttons


def test_handed_on_from_a_button_turned_off_the_keyboard_is_still_the_flows(
    qtbot: QtBot,
) -> None:
    _window, (accept, reject, _leave) = _buttons(qtbot)
    keyboard_on(qtbot, accept)
    trail = KeyboardTrail(accept)
    accept.setEnabled(False)  # Qt hands the keyboard on, to Reject
    assert QApplication.focusWidget() is reject
    reject.setVisible(False)  # and on again
    assert not trail.taken


def test_the_keyboard_through_a_dialog_and_back_is_still_the_flows(qtbot: QtBot) -> None:
    window, (accept, _reject, _leave) = _buttons(qtbot)
    keyboard_on(qtbot, accept)
    trail = KeyboardTrail(accept)
    dialog = QDialog(window)
    field = QPushButton("OK", dialog)
    show_exposed(qtbot, dialog)
    dialog.activateWindow()
    keyboard_on(qtbot, field)
    dialog.close()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is accept)
    assert not trail.taken


def test_moved_off_a_live_button_the_keyboard_is_the_coordinators(qtbot: QtBot) -> None:
    _window, (accept, reject, leave) = _buttons(qtbot)
    keyboard_on(qtbot, accept)
    trail = KeyboardTrail(accept)
    accept.setEnabled(False)
    assert QApplication.focusWidget() is reject
    keyboard_on(qtbot, leave)  # the coordinator tabs on
    assert trail.taken
