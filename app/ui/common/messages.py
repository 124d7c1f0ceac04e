"""One way to tell the coordinator about an expected problem (a refusal, a failed call): a
sentence in an error box for what needs reading, a status-bar line for what only informs.

Everything shown goes through the log's secret filter first. Unexpected errors (bugs) go the
other way, through the notifier (``app.workflows.notifier``); this is for the expected ones.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.store.logs import redact_known

log = logging.getLogger(__name__)

StatusLine = Callable[[str, int], None]


class ProgressLine(Protocol):
    """Where a long flow says how far it got (the window's status line)."""

    def show_progress(self, text: str) -> None: ...

    def end_progress(self, text: str) -> None: ...


def plain_box(
    icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None = None
) -> QMessageBox:
    """A message box that shows ``text`` as written. Qt reads a text that starts with a tag as
    HTML: a service's or a file's words (an entry name of a snapshot) were rendered, and
    nested tables in them froze the window for seconds."""
    box = QMessageBox(icon, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def ask_replace(parent: QWidget | None, title: str, path: object) -> bool:
    """Whether to replace the file at ``path``, which the file chooser did not ask about (it
    asked about the name typed, before its extension was added). The name on a line of its
    own: Qt reads a first line with a tag in it as HTML."""
    answer = QMessageBox.question(
        parent,
        title,
        f"A file of this name already exists. Replace it?\n\n{path}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


#: The most lines an error box shows in its text: 60 files refused at once made a box taller
#: than a 1280×800 screen, its OK button off the bottom edge.
MAX_LINES = 12


def first_lines(text: str) -> str:
    """``text``, or its first lines and how many more there are (``MAX_LINES`` in all)."""
    lines = text.splitlines()
    if len(lines) <= MAX_LINES:
        return text
    kept = lines[: MAX_LINES - 1]
    return "\n".join([*kept, f"… and {len(lines) - len(kept)} more: Show Details… lists them all."])


#: How much of what was said ``Messages.shown`` keeps at most (its latest, and up to as many
#: before them): a window open all day said something at each of the coordinator's actions.
SHOWN_KEPT = 200


class Messages:
    """The sink for one window: ``error`` opens a non-blocking box, ``note`` uses the status
    line. ``shown`` keeps what was said lately (tests read it; errors are logged too)."""

    def __init__(
        self,
        parent: QWidget,
        status: StatusLine | None = None,
        progress: ProgressLine | None = None,
    ) -> None:
        self._parent = parent
        self._status = status
        self._progress = progress
        self.shown: list[tuple[str, str]] = []

    def _said(self, title: str, text: str) -> None:
        self.shown.append((title, text))
        if len(self.shown) > 2 * SHOWN_KEPT:  # trimmed in one go, not at each message
            del self.shown[:-SHOWN_KEPT]

    def error(self, title: str, text: str) -> QMessageBox:
        """A problem the coordinator must read: the sentence first, the service's words in it."""
        text = redact_known(text)
        log.info("%s: %s", title, text)
        self._said(title, text)
        box = plain_box(QMessageBox.Icon.Warning, title, first_lines(text), self._parent)
        if box.text() != text:  # the whole in the box's details, which scroll
            box.setDetailedText(text)
        box.setObjectName("errorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # else kept for the session
        box.open()
        return box

    def note(self, text: str, milliseconds: int = 8000) -> None:
        """Something that happened, said in passing."""
        text = redact_known(text)
        self._said("", text)
        if self._status is not None:
            self._status(text, milliseconds)

    def progress(self, text: str) -> None:
        """How far a flow under way got ("Delivering 3 of 25…"), until ``progress_ended`` or
        the next line: not news, so neither kept in ``shown`` nor as the last thing said."""
        if self._progress is not None:
            self._progress.show_progress(redact_known(text))

    def progress_ended(self, text: str) -> None:
        """The flow that said ``text`` with ``progress`` got past it: the line goes, unless
        something else was said since."""
        if self._progress is not None:
            self._progress.end_progress(redact_known(text))
