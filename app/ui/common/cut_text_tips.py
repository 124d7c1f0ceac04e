"""A cell shown cut ("Call Centre Agent (German spea…") says itself whole when hovered.

At 1280 px the inbox's Candidate, Job and Company columns cut about half of their cells, and
the only way to read one was to select its order. The models give tooltips where a column has
words of its own to add; this adds the cell's own text where, and only where, it is cut.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QAbstractItemView, QStyle, QToolTip

from app.ui.common.tooltips import plain_tooltip
from app.views.text import one_line

# The most of a cell a tooltip shows: a 200,000-character name is not a tooltip.
TIP_SHOWN = 1000


class CutTextTips(QObject):
    """Installed on ``view``: the whole text of a hovered cell that is shown cut."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
            return False
        view = self._view
        index = view.indexAt(event.pos())
        if not index.isValid() or index.data(Qt.ItemDataRole.ToolTipRole):
            return False  # the model's own words
        text = index.data(Qt.ItemDataRole.DisplayRole)
        cell = view.visualRect(index)
        if not isinstance(text, str) or not self._is_cut(cell.width(), text):
            return False
        QToolTip.showText(
            event.globalPos(), plain_tooltip(one_line(text, TIP_SHOWN)), view.viewport(), cell
        )
        return True

    def _is_cut(self, width: int, text: str) -> bool:
        """Whether a cell ``width`` pixels wide shows ``text`` cut."""
        view = self._view
        # A cell's text sits inside a margin on each side (QCommonStyle's item view layout).
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        return view.fontMetrics().horizontalAdvance(text) > width - 2 * margin
