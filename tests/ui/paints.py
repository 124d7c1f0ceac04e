"""What a widget painted: the region, recorded from its paint events, and a change's own share
of it, with everything pending painted before and after it (no wait, nothing left to chance)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QPaintEvent, QRegion
from PySide6.QtWidgets import QTableView

#: A corner the tests repaint to flush what is pending (Qt paints every dirty region then).
MARK = QRect(0, 0, 1, 1)


class Paints(QObject):
    """The region of a widget painted since the last ``clear``."""

    def __init__(self) -> None:
        super().__init__()
        self.region = QRegion()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            self.region += event.region()
        return False

    def clear(self) -> None:
        self.region = QRegion()


def painted_by(view: QTableView, paints: Paints, change: Callable[[], object]) -> QRect:
    """The part of the viewport ``change`` repainted (its bounding rectangle), once any
    layout it asked for has run and everything pending has been painted."""
    flush(view)
    paints.clear()
    change()
    assert not view.verticalHeader().signalsBlocked()  # held during the change only
    flush(view)
    return paints.region.subtracted(QRegion(MARK)).boundingRect()


def flush(view: QTableView) -> None:
    """Run the view's pending layout (Qt's, for a row count changed, is on a zero timer) and
    paint every dirty region now: no wait, nothing left to chance."""
    view.executeDelayedItemsLayout()  # protected in C++; reachable on views made from Python
    view.viewport().repaint(MARK)
