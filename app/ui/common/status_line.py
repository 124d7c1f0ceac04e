"""What a window says in passing, on its status bar, with the whole of the last thing said kept
on hover.

A message wider than the room left of the bar's permanent labels is cut at its edge (Qt gives a
status-bar message no tooltip of its own), and it goes after a few seconds: the bar's tooltip
holds the last one whole, with when it was said. A menu entry's hint shown while the pointer is
on it is not said here, and does not replace it.

A *weighty* line (a sync that failed, what the resumer could not send) is not replaced by news
that can wait (``say_after``): that is said once the weighty line goes. Said at once, a
routine line ("Synced 203 orders") landing a second later wiped it unread. A weighty line that
waited its turn, replaced before its time by one said at once, comes back after it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QStatusBar

from app.domain.date_words import clock_text
from app.ui.common.tooltips import plain_tooltip


def last_said_tip(text: str, at: datetime, now: datetime) -> str:
    """The status bar's tooltip for ``text``, said at ``at``, read at ``now``: with its date
    when read another day (the desk left open overnight)."""
    return f"Last message, at {clock_text(at, now)}: {text}"


class _TipWorder(QObject):
    """Words the bar's tooltip as it is about to show: how its time is said depends on when it
    is read, not when it was said."""

    def __init__(self, line: StatusLine) -> None:
        super().__init__(line._bar)
        self._line = line

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._line.word_tip()
        return False


class StatusLine:
    """``say`` shows a message on ``bar`` for ``milliseconds`` (0: until the next one)."""

    def __init__(self, bar: QStatusBar, clock: Callable[[], datetime] = datetime.now) -> None:
        self._bar = bar
        self._clock = clock
        self._weighty: str | None = None  # the last line said as weighty
        self._after: list[tuple[str, int, bool]] = []  # lines to say once it goes
        #: The weighty line that waited its turn (``say_after``), while it shows: replaced
        #: before its time (a sync's failure a second later), it comes back once that goes.
        self._returns: tuple[str, int] | None = None
        self._kept: tuple[str, datetime] | None = None  # the last line kept, and when
        bar.messageChanged.connect(self._changed)
        bar.installEventFilter(_TipWorder(self))

    def say(
        self, text: str, milliseconds: int = 0, *, kept: bool = True, weighty: bool = False
    ) -> None:
        """``kept``: the tooltip keeps it as the last thing said; not a routine progress line
        ("Checking for new orders…" each poll), which wiped the message kept within a minute.
        ``weighty``: lines said with ``say_after`` wait while it shows."""
        returning = self._returns
        if returning is not None and self.waited_line_showing():
            self._after.insert(0, (*returning, True))  # unread yet: after this one
        self._returns = None
        self._weighty = text if weighty else None
        self._bar.showMessage(text, milliseconds)
        if kept:
            self._kept = (text, self._clock())
            self.word_tip()

    def word_tip(self) -> None:
        """The bar's tooltip: the last line kept, with when it was said as read now."""
        if self._kept is not None:
            text, at = self._kept
            self._bar.setToolTip(plain_tooltip(last_said_tip(text, at, self._clock())))

    def show_progress(self, text: str) -> None:
        """How far a flow under way got, until the next line or ``end_progress``."""
        self.say(text, kept=False)

    def end_progress(self, text: str) -> None:
        """``text`` goes if it still shows; a line said since stays."""
        if self._bar.currentMessage() == text:
            self._bar.clearMessage()

    def weighty_showing(self) -> bool:
        """Whether a weighty line is on the bar now (its time not yet run out)."""
        return self._weighty is not None and self._bar.currentMessage() == self._weighty

    def waited_line_showing(self) -> bool:
        """Whether a weighty line that waited its turn (``say_after``) is on the bar now."""
        returning = self._returns
        return returning is not None and self._bar.currentMessage() == returning[0]

    def say_after(self, text: str, milliseconds: int, *, weighty: bool = False) -> None:
        """``say``, now, or once the weighty line showing goes (its time ran out, or it was
        replaced and what replaced it went)."""
        if self.weighty_showing():
            self._after.append((text, milliseconds, weighty))
        else:
            self._say_waited(text, milliseconds, weighty)

    def forget_waiting(self) -> None:
        """Nothing waiting to be said is said: it was about what the window no longer shows
        (another profile's board). What shows now stays until its time runs out."""
        self._after.clear()
        self._returns = None

    def _say_waited(self, text: str, milliseconds: int, weighty: bool) -> None:
        self.say(text, milliseconds, weighty=weighty)
        if weighty:
            self._returns = (text, milliseconds)

    def _changed(self, text: str) -> None:
        if not text and self._after:
            said, milliseconds, weighty = self._after.pop(0)
            self._say_waited(said, milliseconds, weighty)
