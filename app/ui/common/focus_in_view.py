"""The field that gets the keyboard inside a scrolled form is scrolled into view.

QScrollArea scrolls to the focused field only when Tab moves between fields already inside it.
Focus that arrives from outside (Shift+Tab from OK, Tab wrapping round from the top of the
window, a mnemonic) landed on a field below the fold while the form stayed at the top: what was
typed next changed a value nobody could see.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget


class FocusKeptInView(QObject):
    """Scrolls ``scroll`` to whatever widget inside it gets the keyboard. A child of
    ``scroll``: it goes with it, and with it its connection to the application's focus."""

    def __init__(self, scroll: QScrollArea) -> None:
        super().__init__(scroll)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        # One signal per focus change, not an event filter on every field (rows may be added
        # later, and a filter sees every event of every one).
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        scroll = self.parent()
        if now is None or not isinstance(scroll, QScrollArea):
            return
        inner = scroll.widget()
        if inner is None or not inner.isAncestorOf(now):
            return
        if QApplication.mouseButtons():
            return  # clicked: it is on screen already, and must not move under the pointer
        scroll.ensureWidgetVisible(now)
