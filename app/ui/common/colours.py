"""Text colours that mean something (an error, a success, advice), each readable on the palette
in use: the shade screens have always shown on a light palette, and a lighter tint of its hue on
a dark one, where the light shade reads at about 2:1 (WCAG asks at least 3:1)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


def is_dark(palette: QPalette) -> bool:
    """Whether text on this palette's window is light on dark."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


@dataclass(frozen=True)
class Shade:
    """One meaning's text colour: ``light`` on a light palette, ``dark`` on a dark one."""

    light: str
    dark: str

    def on(self, palette: QPalette) -> QColor:
        return QColor(self.dark if is_dark(palette) else self.light)


# The order, offer and snapshot screens' red (failed, refused, rejected, removed), green (done,
# passed, active, added) and amber (in progress, under review, changed, to check). The dark
# tints, and GREY_ON_DARK, are GitHub's dark theme's: over 4:1 on Qt's dark Fusion window and base.
RED = Shade("#b3261e", "#ff7b72")
GREEN = Shade("#2e7d32", "#3fb950")
AMBER = Shade("#c27c0e", "#e3b341")
#: A darker amber for words to look at in a list (a batch's skipped order, a job to check).
OCHRE = Shade("#8a6d1f", AMBER.dark)
GREY_ON_DARK = "#8b949e"

#: The forms' errors and advice under their fields.
ERROR = Shade("#c62828", RED.dark)
ADVICE = Shade("#8a5300", AMBER.dark)
#: The Settings dialog's refusals, and its tests' successes.
SETTINGS_ERROR = Shade("#b00020", RED.dark)
SETTINGS_OK = Shade("#1b7f3b", GREEN.dark)
