"""Words in a colour that means something (an error, a success) stay readable on a light and a
dark palette, and when the desktop switches between them while a window is open. Before, such
words were given one fixed shade picked for a light palette (a style sheet's "color: #b3261e"),
read at about 2:1 on a dark one, under WCAG's 3:1."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from app.domain.berke_text import BerkeParam
from app.domain.invitation import BERKE_MESSAGE_MAX
from app.ui.common.colours import (
    ADVICE,
    AMBER,
    ERROR,
    GREEN,
    RED,
    SETTINGS_ERROR,
    SETTINGS_OK,
    Shade,
)
from app.ui.common.labels import plain_label
from app.ui.common.tint import tint
from app.ui.offers.offer_detail import OfferDetail
from app.ui.offers.offer_list import OfferList
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.url_preview import _tint as _url_tint
from tests.ui.conftest import show_exposed
from tests.ui.contrast import (
    WCAG_MIN,
    app_palette,
    contrast,
    dark_palette,
    painted_contrast,
    text_colour,
)
from tests.ui.test_berke_form import make_order

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

SHADES = [RED, GREEN, AMBER, ERROR, ADVICE, SETTINGS_ERROR, SETTINGS_OK]


@pytest.mark.parametrize("shade", SHADES, ids=lambda shade: shade.light)
def test_each_shade_reads_on_the_dark_window_and_base(shade: Shade) -> None:
    dark = dark_palette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        assert contrast(shade.on(dark), dark.color(role)) >= WCAG_MIN, role


def test_the_forms_colours_are_unchanged_on_a_light_palette(qapp: QApplication) -> None:
    light, dark = qapp.palette(), dark_palette()
    assert (ERROR.on(light).name(), ADVICE.on(light).name()) == ("#c62828", "#8a5300")
    assert (ERROR.on(dark).name(), ADVICE.on(dark).name()) == ("#ff7b72", "#e3b341")


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


def test_a_forms_errors_advice_and_counter_follow_the_desktop(qtbot: QtBot) -> None:
    """They were coloured by a style sheet (the form's errors and advice re-coloured on a
    palette change, its message counter and job line not): after a switch to a dark desktop the
    counter of a message too long and the job line stayed in the light palette's shades."""
    form = BerkeAssessmentForm(make_order())
    qtbot.addWidget(form)
    form.set_jobs_failed("Berke did not answer.")
    show_exposed(qtbot, form)
    form.first_name.clear()
    form.invitation_message.setPlainText("x" * (BERKE_MESSAGE_MAX + 1))
    form.email_address.clear()
    lines = {
        "first name's error": (_child(form, f"error_{BerkeParam.FIRST_NAME}"), ERROR),
        "e-mail's advice": (_child(form, f"advice_{BerkeParam.EMAIL_ADDRESS}"), ADVICE),
        "message counter": (form.message_counter, ERROR),
        "job line": (form.job_status, ADVICE),
    }
    with app_palette(qtbot, dark_palette(), form, *(line for line, _ in lines.values())):
        for what, (line, shade) in lines.items():
            assert line.isVisible(), what
            assert text_colour(line) == shade.dark, what
    for what, (line, shade) in lines.items():
        assert text_colour(line) == shade.light, what


def test_the_offers_and_the_url_checks_lines_follow_the_desktop(qtbot: QtBot) -> None:
    """The offers' error line, the Cost check's warning and the URL preview's verdicts were
    given a shade by a style sheet, picked once for the palette of that moment."""
    offers, detail = OfferList(), OfferDetail()
    window, (shown,) = _shown(qtbot, "⚠ Not reachable.")
    verdict = cast("QLabel", shown)
    for widget in (offers, detail):
        qtbot.addWidget(widget)
    _url_tint(verdict, good=False)
    lines = ((offers.error_label, ERROR), (detail.cost_warning, ADVICE), (verdict, RED))
    with app_palette(qtbot, dark_palette(), window, offers, detail):
        for line, shade in lines:
            assert text_colour(line) == shade.dark, line.objectName()
    for line, shade in lines:
        assert text_colour(line) == shade.light, line.objectName()
    _url_tint(verdict, good=None)
    assert text_colour(verdict) == text_colour(window)


def _child(parent: QWidget, name: str) -> QWidget:
    found = parent.findChild(QWidget, name)
    assert found is not None, name
    return found
