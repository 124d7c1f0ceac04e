"""Text colours for errors and advice that read on the palette in use (light or dark)."""

from __future__ import annotations

from PySide6.QtGui import QPalette


def status_colours(palette: QPalette) -> tuple[str, str]:
    """(error, advice) text colours that read on this palette's window background."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return ("#ff7b72", "#e3b341") if dark else ("#c62828", "#8a5300")
