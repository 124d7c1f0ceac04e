"""A widget's text in a meaningful colour (a ``Shade``) that stays readable when the desktop
switches between a light and a dark palette while the app runs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

from app.ui.common.colours import Shade

# The roles a label, a check box or a line of text draws its words in.
_TEXT_ROLES = (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text)


def tint(widget: QWidget, shade: Shade | None) -> None:
    """Draw ``widget``'s text in ``shade`` (None: the palette's own text colour again), chosen
    for the palette it is painted with, now and after every change of that palette.

    Set in the widget's palette, not a style sheet: a widget with a style sheet keeps the
    palette it had when the sheet was set, and never hears of the desktop's later change.
    """
    follower = widget.findChild(_TintFollower, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if follower is None:
        if shade is None:
            return  # never tinted: its palette is its parent's already
        follower = _TintFollower(widget)
    follower.shade = shade
    follower.apply(widget)


class _TintFollower(QObject):
    """Re-chooses the shade each time the widget's palette changes (a parent's, the app's)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.shade: Shade | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange and isinstance(watched, QWidget):
            self.apply(watched)
        return False

    def apply(self, widget: QWidget) -> None:
        # A palette of its own with only the text roles set: every other role (the window
        # that decides light or dark) goes on following the parent's. Setting it again to
        # what it is sends no further PaletteChange.
        own = QPalette()
        if self.shade is not None:
            colour = self.shade.on(widget.palette())
            for role in _TEXT_ROLES:
                own.setColor(role, colour)
        widget.setPalette(own)
