"""What a coordinator would see cut off in a window, found from the widgets' geometry.

``clipped(window)`` lists, in words, every visible widget that sticks out of its visible
parent, every button whose text is wider than the button, every one-line label whose text is
wider than the label, every wrapped label taller than the room it has, a scroll area's content
wider than a scroll area that does not scroll sideways, and a window larger than the screen.
Content inside a scroll area that does scroll is not clipped: it is scrolled to.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QMenu,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QTabBar,
    QToolButton,
    QWidget,
)

from app.ui.common.screens import available_room

TOLERANCE = 1  # pixels: rounding at fractional scales


def name_of(widget: QWidget) -> str:
    name = widget.objectName() or ""
    text = ""
    if isinstance(widget, QAbstractButton | QLabel):
        text = widget.text().replace("&", "")[:40]
    parent = widget.parentWidget()
    where = name_of(parent) if parent is not None and not name else ""
    label = f"{type(widget).__name__}"
    if name:
        label += f"#{name}"
    if text:
        label += f" “{text}”"
    if where:
        label += f" in {where}"
    return label


def _inside_view(widget: QWidget) -> bool:
    """Item views' own parts (editors, viewport children) follow the view's rules."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView | QMenu):
            return True
        parent = parent.parentWidget()
    return False


def _scrolled_content(widget: QWidget) -> QAbstractScrollArea | None:
    """The scroll area whose viewport holds ``widget`` directly, if any."""
    viewport = widget.parentWidget()
    area = viewport.parentWidget() if viewport is not None else None
    if isinstance(area, QAbstractScrollArea) and area.viewport() is viewport:
        return area
    return None


def _text_room(widget: QAbstractButton) -> int:
    """The width a button's text needs, with the style's margins."""
    text = widget.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    advance = widget.fontMetrics().horizontalAdvance(text)
    style = widget.style()
    if isinstance(widget, QCheckBox | QRadioButton):
        indicator = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, widget)
        spacing = style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, None, widget)
        return advance + indicator + spacing
    margin = style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, widget)
    frame = style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, widget)
    icon = 0
    if not widget.icon().isNull():
        icon = widget.iconSize().width() + 4
    menu = 0
    if isinstance(widget, QPushButton) and widget.menu() is not None:
        menu = style.pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, widget)
    return advance + icon + menu + margin + 2 * frame


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if label.buddy() is not None:  # "&Name": the & marks the shortcut, it is not drawn
        text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    room = label.contentsRect()
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        if needed > label.height() + TOLERANCE:
            return f"{name_of(label)} needs {needed} px of height, has {label.height()}"
        return None
    if label.textFormat() == Qt.TextFormat.PlainText or not GuiQt.mightBeRichText(text):
        widest = max(label.fontMetrics().horizontalAdvance(line) for line in text.splitlines())
        needed = widest + 2 * label.margin() + 2 * label.indent() if label.indent() > 0 else widest
    else:
        needed = label.sizeHint().width() - (label.width() - room.width())
    if needed > room.width() + TOLERANCE:
        return f"{name_of(label)} needs {needed} px of width, has {room.width()}"
    return None


def clipped(window: QWidget) -> list[str]:
    """Everything cut off in ``window`` (shown) and its visible children, in words."""
    problems: list[str] = []
    screen = available_room(window)
    frame = window.frameGeometry()
    if frame.width() > screen.width() + TOLERANCE or frame.height() > screen.height() + TOLERANCE:
        problems.append(
            f"{name_of(window)} is {frame.width()}×{frame.height()}, larger than the screen "
            f"({screen.width()}×{screen.height()})"
        )
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or _inside_view(widget):
            continue
        parent = widget.parentWidget()
        if parent is None or not parent.isVisible():
            continue
        area = _scrolled_content(widget)
        if area is not None:
            sideways = area.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff
            if not sideways and widget.width() > parent.width() + TOLERANCE:
                problems.append(
                    f"{name_of(widget)} is {widget.width()} px wide in a scroll area "
                    f"{parent.width()} px wide that does not scroll sideways"
                )
            continue
        if isinstance(parent, QTabBar) or isinstance(widget, QTabBar):
            continue  # a tab bar scrolls its tabs itself
        inside = parent.rect().adjusted(-TOLERANCE, -TOLERANCE, TOLERANCE, TOLERANCE)
        if not inside.contains(widget.geometry()) and not _is_scroll_bar_of(widget, parent):
            problems.append(
                f"{name_of(widget)} at {_rect(widget.geometry())} sticks out of "
                f"{name_of(parent)} ({parent.width()}×{parent.height()})"
            )
        if (
            isinstance(widget, QPushButton | QToolButton | QCheckBox | QRadioButton)
            and widget.text()
            and not (isinstance(widget, QToolButton) and widget.toolButtonStyle()
                     == Qt.ToolButtonStyle.ToolButtonIconOnly)
        ):  # fmt: skip
            needed = _text_room(widget)
            if needed > widget.width() + TOLERANCE:
                problems.append(f"{name_of(widget)} needs {needed} px, has {widget.width()}")
        elif isinstance(widget, QLabel):
            problem = _label_problem(widget)
            if problem:
                problems.append(problem)
        elif isinstance(widget, QComboBox) and widget.currentText():
            needed = widget.minimumSizeHint().width()
            if needed > widget.width() + 8 * widget.fontMetrics().averageCharWidth():
                problems.append(f"{name_of(widget)} needs {needed} px, has {widget.width()}")
    return problems


def _is_scroll_bar_of(widget: QWidget, parent: QWidget) -> bool:
    return isinstance(parent, QScrollArea | QAbstractScrollArea) and widget in (
        parent.horizontalScrollBar(),
        parent.verticalScrollBar(),
    )


def _rect(rect: QRect) -> str:
    return f"({rect.x()},{rect.y()} {rect.width()}×{rect.height()})"


def settle() -> None:
    """Let pending layouts and resizes happen."""
    for _ in range(3):
        QApplication.processEvents()
