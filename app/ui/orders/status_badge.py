"""Draws the order status as a coloured pill, readable on light and dark palettes."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.domain.order_status import OrderStatus
from app.ui.orders.order_table_model import GONE_ROLE, STATUS_ROLE, status_colour
from app.views.inbox_columns import shown_status

_STATUSES = frozenset(s.value for s in OrderStatus)


class StatusBadgeDelegate(QStyledItemDelegate):
    """Pills are drawn once per status, font and pixel ratio and then copied: an antialiased
    shape and its text cost more than the rest of a table row to paint."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pills: dict[tuple[str, str, float], QPixmap] = {}

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(STATUS_ROLE)  # Qt hands a StrEnum back as a plain str
        status = OrderStatus(value) if value in _STATUSES else None
        if status is None:
            super().paint(painter, option, index)
            return
        # Let the style draw the selection/alternating background, then the pill on top.
        background = QStyleOptionViewItem(option)
        self.initStyleOption(background, index)
        background.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(
                QStyle.ControlElement.CE_ItemViewItem, background, painter, option.widget
            )
        # An order SmartRecruiters no longer has is of no status there any more.
        gone = bool(index.data(GONE_ROLE))
        label, colour = shown_status(status, gone), status_colour(status, gone)
        pill = self._pill(label, colour, option.font, painter.device().devicePixelRatioF())
        width = pill.width() / pill.devicePixelRatio()
        height = pill.height() / pill.devicePixelRatio()
        x = option.rect.x() + 6
        y = option.rect.y() + (option.rect.height() - height) / 2
        room = option.rect.width() - 12
        if width <= room:
            painter.drawPixmap(int(x), int(y), pill)
        elif room > 0:  # a narrow column shows the pill's start, as it would the text's
            ratio = pill.devicePixelRatio()
            source = QRectF(0, 0, room * ratio, pill.height())
            painter.drawPixmap(QRectF(x, y, room, height), pill, source)

    def _pill(self, label: str, colour: QColor, font: QFont, ratio: float) -> QPixmap:
        key = (label, font.key(), ratio)
        pill = self._pills.get(key)
        if pill is None:
            metrics = QFontMetrics(font)
            width = metrics.horizontalAdvance(label) + 16
            height = metrics.height() + 4
            pill = QPixmap(math.ceil(width * ratio), math.ceil(height * ratio))
            pill.setDevicePixelRatio(ratio)
            pill.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pill)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setFont(font)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            rect = QRectF(0, 0, width, height)
            painter.drawRoundedRect(rect, height / 2, height / 2)
            painter.setPen(QColor("white"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            painter.end()
            self._pills[key] = pill
        return pill

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 20, max(hint.height(), option.fontMetrics.height() + 8))
