"""What a window says in passing, on its status bar, with the whole of the last thing said kept
on hover.

A message wider than the room left of the bar's permanent labels is cut at its edge (Qt gives a
status-bar message no tooltip of its own), and it goes after a few seconds: the bar's tooltip
holds the last one whole, with when it was said. A menu entry's hint shown while the pointer is
on it is not said here, and does not replace it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtWidgets import QStatusBar

from app.ui.common.tooltips import plain_tooltip


def last_said_tip(text: str, at: datetime) -> str:
    """The status bar's tooltip for ``text``, said at ``at``."""
    return f"Last message, at {at:%H:%M}: {text}"


class StatusLine:
    """``say`` shows a message on ``bar`` for ``milliseconds`` (0: until the next one)."""

    def __init__(self, bar: QStatusBar, clock: Callable[[], datetime] = datetime.now) -> None:
        self._bar = bar
        self._clock = clock

    def say(self, text: str, milliseconds: int = 0, *, kept: bool = True) -> None:
        """``kept``: the tooltip keeps it as the last thing said; not a routine progress line
        ("Checking for new orders…" each poll), which wiped the message kept within a minute."""
        self._bar.showMessage(text, milliseconds)
        if kept:
            self._bar.setToolTip(plain_tooltip(last_said_tip(text, self._clock())))
