"""The bar over the orders while the last sync failed: the list may be out of date.

A failed sync used to be said for ten seconds in the status bar (cut off there by the
connection's name), and then nothing showed that the orders listed were older than the
service's: a coordinator could act on an order changed in SmartRecruiters meanwhile. The bar
stays until a sync works again (after a full sync failed, a full one: a poll reads the NEW
orders only), says since when the list is unchanged, and retries (F5).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

from app.domain import date_words
from app.ui.common.labels import plain_label
from app.views.text import breakable, one_line

#: The most of its text the bar shows (then "…"): a service's words are cut to 1,000
#: characters (``app.clients.http.MAX_SERVICE_TEXT``), and this leaves room for the sentence
#: around them. 200,000 characters took 12 s to lay out.
TEXT_SHOWN = 1_500


def wrappable(text: str) -> str:
    """``text`` as the bar says it: on one line (it wraps at the bar's width), cut to
    ``TEXT_SHOWN``, and free to wrap inside a long word (``breakable``)."""
    return breakable(one_line(text, TEXT_SHOWN))


def clock_text(moment: datetime) -> str:
    """``moment`` (local) as the bar says it: its time alone today, with its date another day.
    A desk left open overnight said at 09:00 "as they were at 17:42", read as this afternoon."""
    return date_words.clock_text(moment, datetime.now())


class SyncProblemBar(QWidget):
    """Hidden while syncs work; ``retry_requested`` when its button is pressed."""

    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProblem")
        self.setAccessibleName("Sync problem")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            "QWidget#syncProblem { background: #fde7e9; border: 1px solid #e8a3a9; }"
            " QWidget#syncProblem QLabel { color: #5c0b12; }"
        )
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.text = plain_label(name="syncProblemText")
        # Never wider than the window gives it, whatever it says (see ``wrappable``).
        self.text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setObjectName("syncRetryButton")
        self.retry_button.setToolTip("Sync with SmartRecruiters now (F5)")
        # Both bars' buttons say "Try again": heard apart from the bar, each says what.
        self.retry_button.setAccessibleName("Sync with SmartRecruiters again")
        self.retry_button.clicked.connect(self.retry_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._last_good: datetime | None = None
        # ``LEFT_OUT``'s text of the last full sync, said until the next full sync works: a
        # failed poll says its failure over it, and the next poll that works says it again.
        self._left_out: str | None = None
        # The last full sync failed: the orders a poll does not read (every one but the NEW)
        # are as old as the failure says until a full sync works.
        self._full_sync_failed = False
        self.hide()

    def synced(self, *, poll: bool = False) -> None:
        """A sync worked: the list is as the service has it (a poll: its NEW orders are).
        What a full sync left to say (it failed, or left orders out) stays until the next
        full sync works: a poll reads the NEW orders only."""
        if poll and self._full_sync_failed:
            # Nor is "as they were at" moved to the poll: the other orders were not read.
            return
        self._last_good = datetime.now()
        if poll and self._left_out is not None:
            self.text.setText(self._left_out)  # a failed poll's words may be over it
            self.show()
            return
        self._left_out = None
        self._full_sync_failed = False
        self.hide()

    # What the bar says: when it failed ({at}), since when what is shown is as it is ({since},
    # one of the two below) and the service's words ({error}).
    FAILED = (
        "The orders could not be synced at {at}. {since}, and may have changed in "
        "SmartRecruiters since. {error}"
    )
    SINCE_LAST_GOOD = "The orders shown are as they were at {when}"
    SINCE_SAVED = "The orders shown are those saved on this computer"

    def failed(self, error: str, *, orders_shown: bool, poll: bool = False) -> None:
        """A sync failed (``poll``: one of the NEW orders only). With no orders shown the
        list's own message says so instead."""
        if not poll:
            self._full_sync_failed = True
            self._left_out = None  # what the next full sync leaves out is said then
        if not orders_shown:
            self.hide()
            return
        self._say_failed(self.FAILED, error)

    def _say_failed(self, template: str, error: str) -> None:
        since = (
            self.SINCE_LAST_GOOD.format(when=clock_text(self._last_good))
            if self._last_good is not None
            else self.SINCE_SAVED
        )
        at = datetime.now().strftime("%H:%M")
        self.text.setText(wrappable(template.format(at=at, since=since, error=error)))
        self.show()

    # A full sync that worked but left something out ({left_out}: what, in words).
    LEFT_OUT = (
        "The sync at {at} worked, but not for everything: {left_out} The other orders are "
        "as SmartRecruiters has them."
    )

    def left_out(self, left_out: str) -> None:
        """A full sync worked but left orders out (unreadable ones, pages not reached): said
        until the next full sync, which a poll (of the NEW orders only) is not."""
        self._last_good = datetime.now()
        self._full_sync_failed = False
        at = self._last_good.strftime("%H:%M")
        self._left_out = wrappable(self.LEFT_OUT.format(at=at, left_out=left_out))
        self.text.setText(self._left_out)
        self.show()

    def clear(self) -> None:
        """Another source (a profile, a snapshot): nothing is known of its syncs yet."""
        self._last_good = None
        self._left_out = None
        self._full_sync_failed = False
        self.hide()


class BerkeWatchBar(SyncProblemBar):
    """The same bar for Berke's side: while watching Berke fails (Berke down, its token
    revoked), the Berke column is as it was, and a finished assessment is not flagged. The
    SmartRecruiters sync went on working, so nothing said so before."""

    FAILED = (
        "Berke could not be asked at {at}. {since}: an assessment finished since is not "
        "flagged until Berke answers. {error}"
    )
    SINCE_LAST_GOOD = "Berke's side of the orders is as it was at {when}"
    SINCE_SAVED = "Berke's side of the orders is as saved on this computer"
    # A round that failed on this computer ({error}: why, and what to do): Berke may well
    # have answered, so the bar does not say it could not be asked.
    FAILED_HERE = (
        "Watching Berke failed at {at}. {since}: an assessment finished since is not flagged "
        "until a round works. {error}"
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("berkeProblem")
        self.setAccessibleName("Berke problem")
        self.setStyleSheet(
            "QWidget#berkeProblem { background: #fff4ce; border: 1px solid #e0c97a; }"
            " QWidget#berkeProblem QLabel { color: #3b2f00; }"
        )
        self.text.setObjectName("berkeProblemText")
        self.retry_button.setObjectName("berkeRetryButton")
        self.retry_button.setToolTip("Ask Berke now")
        self.retry_button.setAccessibleName("Ask Berke again")

    def failed_here(self, error: str) -> None:
        """A round failed on this computer (a full disk, a bug), said until a round works."""
        self._say_failed(self.FAILED_HERE, error)
