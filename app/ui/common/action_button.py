"""A push button that stands for a QAction with its own, shorter text.

``QToolButton.setDefaultAction`` would copy the action's menu text back on every change of
the action (enabled, tooltip), so a pane that wants "Accept…" where the menu says "Accept order
with this URL…" mirrors the action instead: enabled state, tooltip and visibility follow it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from app.ui.common.labels import without_mnemonic
from app.ui.common.tooltips import plain_tooltip


class ActionButton(QPushButton):
    # The action's enabled state, each time the action changes, just before the button takes
    # it: turned off with the keyboard on it, Qt hands the keyboard to the next button in the
    # Tab order (which a Space meant for this one then pressed); a holder that knows a
    # harmless place for it moves it there first.
    turning = Signal(bool)

    def __init__(self, action: QAction, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.action = action
        self.setObjectName(f"button_{action.objectName()}")
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.clicked.connect(action.trigger)
        action.changed.connect(self._follow)
        self._follow()

    def _follow(self) -> None:
        self.turning.emit(self.action.isEnabled())
        self.setEnabled(self.action.isEnabled())
        tip = self.action.toolTip()
        shortcut = self.action.shortcut().toString()
        # A refusal names another order's candidate and job: shown as written, never as HTML.
        self.setToolTip(
            plain_tooltip(f"{tip} ({shortcut})" if shortcut and self.action.isEnabled() else tip)
        )
        self.setAccessibleName(without_mnemonic(self.action.text()).rstrip("…"))
