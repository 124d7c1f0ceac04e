"""A dialog opens at the size the coordinator last gave it, never larger than its screen.

Kept in the main window's settings (``MainWindow.dialog_settings``), found through the
dialog's parent: a dialog without the main window above it (a test's, a snapshot's) keeps
nothing. Each kind of dialog has its own size.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt
from PySide6.QtWidgets import QWidget

from app.ui.common.screens import TITLE_BAR, available_room, widest_window

PREFIX = "dialogs"
#: Sizes the coordinator did not choose: a maximised dialog opened again would fill the
#: screen as a normal window, its buttons under the task bar.
_NOT_A_SIZE = (
    Qt.WindowState.WindowMaximized
    | Qt.WindowState.WindowMinimized
    | Qt.WindowState.WindowFullScreen
)


def settings_above(widget: QWidget) -> QSettings | None:
    """The settings of the main window ``widget`` opens over, if any."""
    parent = widget.parentWidget()
    settings = getattr(parent.window(), "dialog_settings", None) if parent is not None else None
    return settings if isinstance(settings, QSettings) else None


class RememberedSize(QObject):
    """Installed on ``dialog``: restores its last size when shown, keeps it when hidden."""

    def __init__(self, dialog: QWidget, kind: str) -> None:
        super().__init__(dialog)
        self._key = f"{PREFIX}/{kind}/size"
        dialog.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The parent, not an attribute: Qt still sends events while Python tears this down.
        if watched is not self.parent() or not isinstance(watched, QWidget):
            return False
        kind = event.type()
        if kind not in (QEvent.Type.Show, QEvent.Type.Hide) or event.spontaneous():
            return False
        settings = settings_above(watched)
        if settings is None:
            return False
        if kind == QEvent.Type.Show:  # before Qt centres it on its parent
            size = settings.value(self._key)
            if isinstance(size, QSize) and size.isValid():
                # The parent's screen, where Qt is about to centre it: the dialog's own place
                # is not set yet (a size kept on a big monitor opened off a laptop's screen).
                parent = watched.parentWidget()
                on = parent if parent is not None else watched
                room = available_room(on)
                least = watched.minimumSizeHint()
                watched.resize(
                    min(max(size.width(), least.width()), widest_window(on)),
                    min(max(size.height(), least.height()), room.height() - TITLE_BAR),
                )
        elif not watched.windowState() & _NOT_A_SIZE:
            settings.setValue(self._key, watched.size())
        return False
