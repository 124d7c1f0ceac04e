"""Files the system asks the app to open. macOS puts a snapshot double-clicked in the Finder
(or opened with "Open With", or dropped on the Dock icon) on no command line: Qt delivers it as
a ``QFileOpenEvent`` to the QApplication, at a cold start before the first window is up."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

#: Opens one file the system handed over (a window's File > Open snapshot does).
FileOpener = Callable[[Path], None]

#: Only macOS hands files over in events; elsewhere they come on the command line. The filter
#: sees every event of the app (~4 µs each), so it is installed only where it has work to do.
HANDED_OVER_IN_EVENTS = sys.platform == "darwin"


class FileOpenEvents(QObject):
    """The app's filter of the files the system asks it to open: each goes to the opener
    given (``open_with``); those that come while there is none wait for the next one."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._opener: FileOpener | None = None
        self._waiting: list[Path] = []
        app.installEventFilter(self)

    def open_with(self, opener: FileOpener | None) -> None:
        """From now on ``opener`` opens the files, first those that came before it. None:
        they wait again (the window that opened them is closing)."""
        self._opener = opener
        if opener is None:
            return
        waiting, self._waiting = self._waiting, []
        for path in waiting:
            opener(path)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return super().eventFilter(watched, event)
        name = event.file() or event.url().toLocalFile()
        if not name:  # an address that is no file here: nothing the app can open
            return super().eventFilter(watched, event)
        path = Path(name)
        if self._opener is None:
            self._waiting.append(path)
        else:
            self._opener(path)
        return True


def listen_for_files(app: QCoreApplication) -> FileOpenEvents:
    """The app's filter, installed now if it is not yet: at the app's start, so that a file
    handed over before the first window is up waits for it."""
    found = app.findChild(FileOpenEvents)
    return found if found is not None else FileOpenEvents(app)


def open_files_with(app: QCoreApplication, opener: FileOpener | None) -> None:
    """The files the system asks ``app`` to open go to ``opener`` (None: they wait), if it
    listens for them (``listen_for_files``)."""
    events = app.findChild(FileOpenEvents)
    if events is not None:
        events.open_with(opener)
