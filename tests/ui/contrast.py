"""Whether words read where they are drawn: Qt's dark Fusion palette (the one a dark GNOME or KDE
desktop gives the app) and WCAG 2's contrast ratio, measured on what a widget paints or on the
colour a model hands its view."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

#: WCAG 2's least contrast for words that must be read (1.4.3 for large text, 1.4.11).
WCAG_MIN = 3.0


def dark_palette() -> QPalette:
    """Qt's own dark Fusion palette (``qt_fusionPalette(dark)`` in qplatformtheme.cpp), which Qt
    gives an app on a dark GNOME/KDE desktop; Windows 11's dark palette is as dark."""
    window = QColor(50, 50, 50)
    text = QColor(240, 240, 240)
    base = window.darker(140)
    palette = QPalette(window)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in (
            (QPalette.ColorRole.Window, window),
            (QPalette.ColorRole.WindowText, text),
            (QPalette.ColorRole.Base, base),
            (QPalette.ColorRole.AlternateBase, base.lighter(110)),
            (QPalette.ColorRole.Text, text),
            (QPalette.ColorRole.Button, window),
            (QPalette.ColorRole.ButtonText, text),
            (QPalette.ColorRole.ToolTipBase, window),
            (QPalette.ColorRole.ToolTipText, text),
            (QPalette.ColorRole.Highlight, QColor(48, 140, 198)),
            (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        ):
            palette.setColor(group, role, colour)
    return palette


@contextmanager
def app_palette(qtbot: QtBot, palette: QPalette, *shown: QWidget) -> Iterator[None]:
    """The application on ``palette`` (as when the desktop switches), its own one after.

    Qt hands a new application palette to the widgets already made in posted events: each
    widget ``shown`` is waited for until it has it (measured before, it is still on the old
    one, and on a light palette every check passes). Widgets made inside take it at once."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.palette()
    app.setPalette(palette)
    _arrived(qtbot, palette, shown)
    try:
        yield
    finally:
        app.setPalette(before)
        _arrived(qtbot, before, shown)


def _arrived(qtbot: QtBot, palette: QPalette, shown: tuple[QWidget, ...]) -> None:
    window = palette.color(QPalette.ColorRole.Window)

    def arrived(widget: QWidget) -> bool:
        return widget.palette().color(QPalette.ColorRole.Window) == window

    for widget in shown:
        qtbot.waitUntil(partial(arrived, widget))


def luminance(colour: QColor) -> float:
    """WCAG 2's relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = colour.red(), colour.green(), colour.blue()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2's contrast ratio, 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def painted_colours(widget: QWidget) -> tuple[QColor, QColor]:
    """(background, text) as ``widget``'s window paints them where it is: the commonest pixel
    there, and the commonest of the pixels that differ most from it (the glyphs' cores).

    Grabbed from the window, not the widget: a widget grabbed alone is filled with its own
    palette's window colour, which need not be what shows behind it."""
    window = widget.window()
    area = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    assert window.rect().contains(area), f"{widget.objectName()} is not all in sight"
    image = window.grab(area).toImage().convertToFormat(QImage.Format.Format_RGB32)
    counts: Counter[int] = Counter()
    for y in range(image.height()):
        for x in range(image.width()):
            counts[image.pixel(x, y) & 0xFFFFFF] += 1
    background = QColor(counts.most_common(1)[0][0])
    glyphs = max(
        (rgb for rgb, n in counts.items() if n >= 3),
        key=lambda rgb: abs(luminance(QColor(rgb)) - luminance(background)),
    )
    return background, QColor(glyphs)


def painted_contrast(widget: QWidget) -> float:
    """How well ``widget``'s words read as it paints them (it must show some)."""
    assert widget.isVisible()
    background, text = painted_colours(widget)
    return contrast(background, text)


def text_colour(widget: QWidget) -> str:
    """The colour ``widget`` draws its words in, as ``#rrggbb``."""
    return widget.palette().color(QPalette.ColorRole.WindowText).name()


def cell_contrast(view: QAbstractItemView, index: QModelIndex | QPersistentModelIndex) -> float:
    """How well the cell's words read in the colour its model gives them, on the view's base."""
    colour = QColor(index.data(Qt.ItemDataRole.ForegroundRole))
    return contrast(colour, view.palette().color(QPalette.ColorRole.Base))
