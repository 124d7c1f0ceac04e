"""Enter on a focused button presses it, in dialogs whose buttons are never "default".

The forms keep every button off "default" so that Enter in a line edit never sends (only the
button or Ctrl+Enter do). Qt then passed Enter on a focused button on to the dialog: in a form
it did nothing, and in the URL preview the dialog's default (Close) took it, so Enter on
"Accept order with this URL…" closed the preview and accepted nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class EnterPressesFocusedButton(QObject):
    """Installed on ``dialog``: sees the Enter a focused button let through, and presses it.
    With ``no_default``, an Enter elsewhere (in a line edit) presses nothing: a
    QDialogButtonBox makes its OK the default when shown, whatever its buttons say."""

    def __init__(self, dialog: QDialog, *, no_default: bool = False) -> None:
        super().__init__(dialog)
        self._no_default = no_default
        dialog.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.parent()  # not an attribute: events come during teardown too
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in ENTER_KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            focus = watched.focusWidget() if isinstance(watched, QDialog) else None
            if isinstance(focus, QPushButton) and focus.isEnabled() and focus.isVisible():
                focus.click()
                return True
            return self._no_default
        return False


def submit_on_ctrl_enter(dialog: QWidget, submit: Callable[[], object]) -> None:
    """Ctrl+Enter (either Enter key) submits ``dialog``'s form, as everywhere in the console."""
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        QShortcut(QKeySequence(keys), dialog).activated.connect(submit)


def only_click_or_ctrl_enter_sends(
    dialog: QDialog, buttons: QDialogButtonBox, send: QPushButton
) -> None:
    """For a dialog whose action cannot be undone (accept, reject, deliver): no button of
    ``buttons`` is the default, so an Enter in a field or on a text sends nothing; Enter on a
    focused button presses that button; ``send`` goes by a click or Ctrl+Enter."""
    for button in buttons.buttons():
        if isinstance(button, QPushButton):
            button.setAutoDefault(False)
    EnterPressesFocusedButton(dialog, no_default=True)
    submit_on_ctrl_enter(dialog, send.click)
