"""Draws the order status as a coloured pill, readable on light and dark palettes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.ui.order_table_model import ORDER_ROLE, STATUS_COLOURS, STATUS_LABELS, STATUS_ROLE

_STATUSES = frozenset(s.value for s in OrderStatus)


class StatusBadgeDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        # The status alone: a snapshot's model would otherwise parse each painted order.
        value = index.data(STATUS_ROLE)  # Qt hands a StrEnum back as a plain str
        status = OrderStatus(value) if value in _STATUSES else None
        if status is None:
            order = index.data(ORDER_ROLE)
            status = order.status if isinstance(order, AssessmentOrder) else None
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
        label = STATUS_LABELS[status]
        colour = QColor(STATUS_COLOURS[status])
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(label) + 16
        height = metrics.height() + 4
        rect = QRectF(
            option.rect.x() + 6,
            option.rect.y() + (option.rect.height() - height) / 2,
            min(width, option.rect.width() - 12),
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("white"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 20, max(hint.height(), option.fontMetrics.height() + 8))
