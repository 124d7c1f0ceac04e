"""The room a window has on its screen, asked without ``QWidget.screen()``.

PySide (6.11) makes the one wrapper of a QScreen a child of whichever widget last called
``screen()`` (or ``windowHandle().screen()``). When Python's garbage collector then frees
that widget (a dialog in a reference cycle, or one taken off its parent), the wrapper goes
with it and deletes Qt's own QScreen: the next window shown or hidden crashes the app
(a segmentation fault; ``tests/ui/test_screens.py`` reproduces it). QGuiApplication's static
lookups make no such link, so every screen of the app is found here.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

#: Room a window leaves for its title bar, which its own size leaves out.
TITLE_BAR = 40
#: Room a window leaves for its frame's left and right borders, which its own width leaves out.
SIDE_BORDERS = 16


def screen_of(widget: QWidget) -> QScreen:
    """The screen ``widget``'s window is on; for a dialog not shown yet, its parent window's
    (where Qt will centre it); for a window not shown yet, the primary screen (where Qt opens
    it: its own geometry is not placed yet)."""
    window = widget.window()
    parent = window.parentWidget()
    if window.isVisible():
        anchor = window
    elif parent is not None:
        anchor = parent.window()
    else:
        return QGuiApplication.primaryScreen()
    found = QGuiApplication.screenAt(anchor.frameGeometry().center())
    return found if found is not None else QGuiApplication.primaryScreen()


def available_room(widget: QWidget) -> QRect:
    """The part of ``widget``'s screen a window may use (the task bar left out)."""
    return screen_of(widget).availableGeometry()


def widest_window(widget: QWidget) -> int:
    """The widest a window may be on ``widget``'s screen with its frame's borders on it."""
    return available_room(widget).width() - SIDE_BORDERS
