"""A dialog grows, within its screen, to show a line that appears or wraps once it is open.

Qt keeps a window at least as tall as its layout's minimum, and that minimum leaves out what a
wrapped label needs at the width it has: a refusal shown in the Accept dialog was squeezed into
the height the dialog had, cut off, and its counters drawn over the message box above them.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from app.ui.common.screens import TITLE_BAR, available_room


def grow_to_fit(window: QWidget, wanted: int) -> None:
    """``window``, when shown, made ``wanted`` px tall if it is shorter, as far as its screen
    allows, and moved up if it then reaches below the screen (its buttons are at the bottom).
    Never shorter: a window that shrank back would jump about while one types."""
    if not window.isVisible():
        return
    room = available_room(window)
    height = min(wanted, room.height() - TITLE_BAR)
    if height <= window.height():
        return
    window.resize(window.width(), height)
    frame = window.frameGeometry()
    below = frame.bottom() - room.bottom()
    if below > 0:
        window.move(frame.x(), max(room.top(), frame.y() - below))


def height_needed(window: QWidget) -> int:
    """The height ``window``'s layout needs at the width it has, every wrapped line whole."""
    layout = window.layout()
    # -1 while no wrapped label is shown: the size hint is then the height.
    wrapped = layout.heightForWidth(window.width()) if layout is not None else -1
    return wrapped if wrapped > 0 else window.sizeHint().height()


class GrowsToFit(QObject):
    """Installed on a dialog: each time what it shows needs more height than it did (a line
    shown, a text set that wraps to more lines), the dialog grows to show all of it. Only
    then: a dialog the coordinator made shorter jumped back taller at each key typed (its
    counter line changed its words, asking for a layout again)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._needed = -1  # the height its layout needed when last looked at
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The parent, not an attribute: Qt still sends events while Python tears this down.
        # A change inside reaches the window as a layout request, after its layout has
        # taken it in (Qt hands the event to the layout before the filters).
        if (
            event.type() == QEvent.Type.LayoutRequest
            and watched is self.parent()
            and isinstance(watched, QWidget)
            and watched.isVisible()
        ):
            needed = height_needed(watched)
            if needed > self._needed:
                grow_to_fit(watched, needed)
            self._needed = needed
        return False
