"""Words in a colour that means something (an error, a success) stay readable on a light and a
dark palette, and when the desktop switches between them while a window is open. Before, such
words were given one fixed shade picked for a light palette (a style sheet's "color: #b3261e"),
read at about 2:1 on a dark one, under WCAG's 3:1."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.ui.common.colours import (
    ADVICE,
    AMBER,
    ERROR,
    GREEN,
    RED,
    SETTINGS_ERROR,
    SETTINGS_OK,
    Shade,
    status_colours,
)
from app.ui.common.labels import plain_label
from app.ui.common.tint import tint
from tests.ui.conftest import show_exposed
from tests.ui.contrast import (
    WCAG_MIN,
    app_palette,
    contrast,
    dark_palette,
    painted_contrast,
    text_colour,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

SHADES = [RED, GREEN, AMBER, ERROR, ADVICE, SETTINGS_ERROR, SETTINGS_OK]


@pytest.mark.parametrize("shade", SHADES, ids=lambda shade: shade.light)
def test_each_shade_reads_on_the_dark_window_and_base(shade: Shade) -> None:
    dark = dark_palette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        assert contrast(shade.on(dark), dark.color(role)) >= WCAG_MIN, role


def test_the_forms_colours_are_unchanged_on_a_light_palette(qapp: QApplication) -> None:
    assert status_colours(qapp.palette()) == ("#c62828", "#8a5300")
    assert status_colours(dark_palette()) == ("#ff7b72", "#e3b341")


def _shown(qtbot: QtBot, *texts: str) -> tuple[QWidget, list[QWidget]]:
    window = QWidget()
    qtbot.addWidget(window)
    column = QVBoxLayout(window)
    labels: list[QWidget] = []
    for text in texts:
        label = plain_label(text)
        column.addWidget(label)
        labels.append(label)
    show_exposed(qtbot, window)
    return window, labels


def test_a_tinted_label_follows_the_desktop_from_light_to_dark_and_back(qtbot: QtBot) -> None:
    window, (refused, hidden) = _shown(qtbot, "Refused.", "Not shown yet.")
    tint(refused, RED)
    tint(hidden, RED)
    hidden.hide()  # hidden as the palette changes: right as soon as it shows
    assert text_colour(refused) == text_colour(hidden) == "#b3261e"
    with app_palette(qtbot, dark_palette(), window, refused, hidden):
        assert text_colour(refused) == text_colour(hidden) == RED.dark
        assert painted_contrast(refused) >= WCAG_MIN
        hidden.show()
        assert painted_contrast(hidden) >= WCAG_MIN
    assert text_colour(refused) == text_colour(hidden) == "#b3261e"


@pytest.mark.usefixtures("dark_desktop")
def test_a_label_tinted_on_a_dark_palette_reads_at_once(qtbot: QtBot) -> None:
    _window, (refused,) = _shown(qtbot, "Refused.")
    tint(refused, RED)
    assert painted_contrast(refused) >= WCAG_MIN


def test_untinted_a_label_takes_the_palettes_own_colour_again(qtbot: QtBot) -> None:
    window, (verdict,) = _shown(qtbot, "✔ Works.")
    ordinary = text_colour(verdict)
    tint(verdict, GREEN)
    tint(verdict, None)
    assert text_colour(verdict) == ordinary
    with app_palette(qtbot, dark_palette(), window, verdict):
        # It follows the palette's own text colour, no shade of ours left behind.
        assert text_colour(verdict) == dark_palette().color(QPalette.ColorRole.WindowText).name()
