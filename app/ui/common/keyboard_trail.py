"""Whether the keyboard is still where a flow left it, or the coordinator has taken it since.

A flow that ends long after its button was pressed (a delivery still sending) puts the keyboard
back on the orders when Qt handed it on from that button, turned off or hidden, to the next
one (Reject…, after Accept). By then the coordinator may have gone to another order and put it
on a button of their own choosing ("Leave it"): to Qt's focus the two look the same, so the way
the keyboard went is what tells them apart.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget


class KeyboardTrail(QObject):
    """Follows the keyboard in ``start``'s window from now on. It is the coordinator's once it
    leaves a widget that could still take it (on and shown): Qt hands it on only from one turned
    off, hidden or gone, and a dialog or another program taking it, then giving it back, leaves
    the window's own where it was (or where Qt handed it meanwhile)."""

    def __init__(self, start: QWidget) -> None:
        super().__init__()
        # Its window is asked of it each time, never kept here: kept, this was at times the
        # last reference to a window, deleted (and its focus moved) as this object went.
        self.start = start
        self.taken = False
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        # Connected to a slot of this object, so it goes with it (with the flow that keeps it).
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, old: QWidget | None, now: QWidget | None) -> None:
        if self.taken or old is None or now is None:
            return  # a window activated or deactivated: its own keyboard did not move
        with contextlib.suppress(RuntimeError):  # ``old`` deleted: handed on from nothing
            home = self.start.window()
            if old.window() is not home or now.window() is not home:
                return  # into a dialog, or back from one
            if old.isEnabled() and old.isVisible():
                self.taken = True
