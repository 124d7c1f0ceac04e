"""Text fields that let a dragged file go past them, to the pane around them that attaches it.

A file manager's drag carries the file's URL and, beside it, its location as plain text
(GNOME Files, Dolphin and Finder all offer ``text/plain``). A QLineEdit takes any drag with
text: a report let go over a comment box was typed into the comment as a path, to be sent to
the recruiter, and nothing was attached. Ignored here, the drag goes up to the first parent
that accepts drops, as it does over a label; text dragged from elsewhere is still typed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, QObject
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QWidget

_DRAG_EVENTS = frozenset({QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop})


def carries_local_files(mime: QMimeData) -> bool:
    """Whether a drag holds a file of this computer (a URL to a web page is text to type)."""
    return mime.hasUrls() and any(url.isLocalFile() for url in mime.urls())


class _FilesGoPast(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() in _DRAG_EVENTS
            and isinstance(event, QDropEvent)  # DragEnter and DragMove are QDropEvents
            and carries_local_files(event.mimeData())
        ):
            event.ignore()
            return True  # not the field's: Qt offers it to the widgets around it
        return super().eventFilter(watched, event)


def let_files_past(field: QWidget) -> None:
    """``field`` (a text box) no longer takes a dragged file as text (see the module)."""
    field.installEventFilter(_FilesGoPast(field))
