"""The offer form on its own (no service): the Cost value speaks on the Cost line, the
service's complaints land under the field they name, and Tab follows the rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QDate, QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.domain.offer_cost import CostKind
from app.domain.smartrecruiters import Offer
from app.ui.offers.offer_form import (
    COST_KIND,
    COST_VALUE,
    EXPIRATION,
    PAST_EXPIRY,
    TERMS_TYPE,
    OfferForm,
)
from tests.ui.clipping import clipped, settle
from tests.ui.conftest import left_to_right, show_exposed
from tests.ui.screen_reader import heard

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def valid_form(qtbot: QtBot) -> OfferForm:
    form = OfferForm()
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    form.catalog_id.setText("FORM-1")
    form.name.setText("Form test")
    form.description.setPlainText("d")
    assert form.save_button.isEnabled()
    return form


def line(form: OfferForm, name: str) -> str:
    label = form.findChild(QLabel, name)
    assert label is not None, name
    return label.text() if label.isVisible() else ""


def test_a_wrong_cost_value_is_told_on_the_cost_line(qtbot: QtBot) -> None:
    form = valid_form(qtbot)
    assert not form.cost_value.isEnabled()  # no kind, nothing to type
    form.cost_kind.setCurrentIndex(form.cost_kind.findData(CostKind.PERCENTAGE))
    assert form.cost_value.isEnabled()
    assert line(form, f"error_{COST_KIND}") == "Required: the number set in the Partner Portal."
    assert form.errors()[COST_VALUE]
    assert not form.save_button.isEnabled()
    form.cost_value.setText("170")
    assert line(form, f"error_{COST_KIND}") == "A percentage is at most 100."
    form.cost_value.setText("70")
    assert line(form, f"error_{COST_KIND}") == ""
    assert form.save_button.isEnabled()
    assert form.value() == (form.offer(), form.cost())


def test_service_complaints_land_under_their_field(qtbot: QtBot) -> None:
    form = valid_form(qtbot)
    form.submit()
    assert form.is_busy()
    assert form.save_button.text() == "Sending…"
    # A part of the terms with no row of its own goes to the type's row.
    form.show_server_error("Field 'terms.foo' is wrong", "terms.foo")
    assert not form.is_busy()
    assert line(form, f"error_{TERMS_TYPE}") == "Field 'terms.foo' is wrong"
    assert not form.save_button.isEnabled()  # the same value would fail the same way
    form.terms_type.setCurrentIndex(1)
    assert line(form, f"error_{TERMS_TYPE}") == ""

    form.show_server_error("Taken", "CATALOGID")  # the service's spelling, in any case
    assert line(form, "error_catalogId") == "Taken"
    form.show_server_error("Not connected.")
    assert line(form, "error_form") == "Not connected."
    assert form.save_button.isEnabled() is False  # "Taken" still stands
    form.catalog_id.setText("FORM-2")  # any edit answers the general complaint too
    assert line(form, "error_form") == ""
    assert form.save_button.isEnabled()


def test_tab_follows_the_rows_and_the_cost_fix(qtbot: QtBot) -> None:
    form = valid_form(qtbot)
    form.amount.setText("20.00")
    form.currency.setText("USD")
    form.cost_kind.setCurrentIndex(form.cost_kind.findData(CostKind.FLAT_RATE))
    form.cost_value.setText("0")
    assert form.cost_fix.isVisible()
    assert "Percentage 70" in form.cost_warning_text()
    assert line(form, f"advice_{COST_KIND}") == form.cost_warning_text()
    form.expires.setChecked(True)
    expected: list[QWidget] = [
        form.catalog_id, form.name, form.description, form.terms_type,
        form.amount, form.currency, form.expires, form.expiration, form.industries,
        form.locations, form.companies, form.special_offer, form.target_market,
        form.cost_kind, form.cost_value, form.cost_fix,
        *left_to_right(form.cancel_button, form.save_button),  # as the platform places them
    ]  # fmt: skip
    form.activateWindow()
    form.catalog_id.setFocus()
    QApplication.processEvents()
    visited: list[QWidget] = []
    for _ in range(3 * len(expected)):  # a date edit takes a Tab per section (year, month, day)
        focused = QApplication.focusWidget()
        assert focused is not None
        # A date edit's own line edit takes the focus on its behalf.
        widget = form.expiration if focused.parentWidget() is form.expiration else focused
        if not visited or visited[-1] is not widget:
            visited.append(widget)
        if widget is expected[-1]:
            break
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    assert visited == expected


@pytest.mark.parametrize("held", ["0001-01-01T00:00:00.000+0000", "1700-01-01"])
def test_an_expiry_before_1752_is_sent_back_as_held_unless_a_date_is_picked(
    qtbot: QtBot, held: str
) -> None:
    """Before: an expiry the form could read but its date box could not hold (before 14 Sep
    1752, its lowest date: another client's "0001-01-01" sentinel) was moved by the box, and a
    rename sent "1752-09-14" in its place."""
    offer = Offer.model_validate(
        {"id": "o-1", "catalogId": "X-1", "name": "Old name", "description": "d",
         "terms": {"type": "SKILLS_TEST"},
         "availability": {"expirationDate": held, "companies": "ALL", "specialOffer": False}}
    )  # fmt: skip
    form = OfferForm(offer)
    qtbot.addWidget(form)
    assert form.expiration.text() == f"Unchanged: {held}"
    form.name.setText("Renamed")
    assert form.data()["availability"]["expirationDate"] == held
    form.expiration.setDate(QDate(2028, 1, 31))  # a date picked replaces it
    assert form.data()["availability"]["expirationDate"] == "2028-01-31"


def test_an_expiry_already_past_is_said_and_not_refused(qtbot: QtBot) -> None:
    """Before: a new offer given last year's date (a year typed wrong) was sent without a
    word, and left the Marketplace as soon as it was on it."""
    form = valid_form(qtbot)
    form.expires.setChecked(True)
    form.expiration.setDate(QDate.currentDate().addYears(-1))
    assert line(form, f"advice_{EXPIRATION}") == f"⚠ {PAST_EXPIRY}"
    assert line(form, f"error_{EXPIRATION}") == ""
    assert form.save_button.isEnabled()  # a warning: the date is the coordinator's to choose
    form.expiration.setDate(QDate.currentDate())
    assert line(form, f"advice_{EXPIRATION}") == ""
    form.expiration.setDate(QDate.currentDate().addDays(-1))
    form.expires.setChecked(False)  # not sent: nothing to say of it
    assert line(form, f"advice_{EXPIRATION}") == ""


def test_a_past_expiry_is_heard_on_the_date_and_its_box(qtbot: QtBot) -> None:
    """The warning was painted under the row only: a screen reader on the date (a Tab stop
    of its own) heard the row's rule, and on the box the same; a warning went unheard on any
    field."""
    form = valid_form(qtbot)
    form.expires.setChecked(True)
    form.expiration.setDate(QDate.currentDate().addYears(-1))
    for widget in (form.expires, form.expiration):
        assert PAST_EXPIRY in widget.accessibleDescription()
    form.expiration.setDate(QDate.currentDate().addDays(7))
    for widget in (form.expires, form.expiration):
        assert PAST_EXPIRY not in widget.accessibleDescription()
        assert widget.accessibleDescription()  # the row's rule again


def test_a_past_expiry_is_said_once_the_cost_is_right(qtbot: QtBot) -> None:
    """With the Cost set as the FAQ asks (no Cost warning), the past expiry's warning went
    too: a year typed wrong was sent without a word, the very case the warning is for
    (pinned by the mutation audit)."""
    form = valid_form(qtbot)
    form.cost_fix.click()  # "Set the cost to …": the Cost the FAQ asks for
    assert line(form, f"advice_{COST_KIND}") == ""
    form.expires.setChecked(True)
    form.expiration.setDate(QDate.currentDate().addYears(-1))
    assert line(form, f"advice_{EXPIRATION}") == f"⚠ {PAST_EXPIRY}"


def test_a_past_expiry_is_still_said_while_the_price_is_wrong(qtbot: QtBot) -> None:
    """A wrong price hid the past expiry's warning, though the two have nothing to do with
    each other (pinned by the mutation audit)."""
    form = valid_form(qtbot)
    form.expires.setChecked(True)
    form.expiration.setDate(QDate.currentDate().addYears(-1))
    form.amount.setText("abc")
    assert any(key.startswith("terms") for key in form.errors()), form.errors()
    assert line(form, f"advice_{EXPIRATION}") == f"⚠ {PAST_EXPIRY}"


def test_an_edit_keeping_the_expiry_held_says_nothing_of_it(qtbot: QtBot) -> None:
    """The expiry SmartRecruiters holds, past already, is not one the coordinator picked."""
    held = QDate.currentDate().addMonths(-2).toString(Qt.DateFormat.ISODate)
    offer = Offer.model_validate(
        {"id": "o-1", "catalogId": "X-1", "name": "Old name", "description": "d",
         "terms": {"type": "SKILLS_TEST"},
         "availability": {"expirationDate": held, "companies": "ALL", "specialOffer": False}}
    )  # fmt: skip
    form = OfferForm(offer)
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    form.name.setText("Renamed")
    assert line(form, f"advice_{EXPIRATION}") == ""
    assert form.save_button.isEnabled()
    form.expiration.setDate(QDate.currentDate().addMonths(-1))  # picked: said
    assert line(form, f"advice_{EXPIRATION}") == f"⚠ {PAST_EXPIRY}"


def test_the_fields_show_whole_at_150_percent_text(qtbot: QtBot, text_scale: float) -> None:
    """The form opened 640 px wide whatever its fields needed: at 150 % text on 1280×800 they
    were 638 px wide in a 604 px scroll area that does not scroll sideways, their right ends
    (the Type's text, the boxes' edges) cut off under the scroll bar."""
    form = OfferForm()
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    settle()
    fields, room = form._fields.width(), form._scroll.viewport().width()
    assert fields <= room, f"{fields} px of fields in {room} px ({form.width()} px form)"
    assert clipped(form) == []


def test_the_expiry_date_and_the_cost_value_are_heard_by_name(qtbot: QtBot) -> None:
    """The row's label names only its buddy: Tab from "Expires on" onto the date was heard
    as a bare "2027-12-07", and the Cost's value (beside its kind) as an unnamed edit (a
    placeholder is no name, and goes once something is typed)."""
    form = OfferForm()
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    form.expires.setChecked(True)
    form.expires.setFocus()
    QTest.keyClick(form.expires, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.expiration
    assert heard(form.expiration).startswith(
        "Expiration date | Optional: the day the offer leaves the Marketplace."
    )

    form.cost_kind.setCurrentIndex(1)  # a kind of cost: its value is asked for
    assert form.cost_value.isVisible()
    name, problem, _value = heard(form.cost_value).split(" | ")
    assert (name, problem) == ("Cost value", "Required: the number set in the Partner Portal.")
    form.cost_value.setText("70")
    assert heard(form.cost_value).startswith("Cost value | What the offer's Cost is set to")


def test_shift_tab_from_the_buttons_shows_the_field_it_lands_on(qtbot: QtBot) -> None:
    """In a window made short, the form scrolls: Shift+Tab from the buttons put the keyboard
    on the Cost fix below the fold, the form left at its top (the scroll area follows Tab
    only within it)."""
    form = valid_form(qtbot)
    form.resize(form.width(), 300)
    settle()
    scroll = form._scroll
    assert scroll.verticalScrollBar().maximum() > 0, "the form no longer scrolls here"
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    scroll.verticalScrollBar().setValue(0)
    first = left_to_right(form.cancel_button, form.save_button)[0]  # the first after the fields
    first.setFocus()
    QTest.keyClick(first, Qt.Key.Key_Backtab)
    focus = QApplication.focusWidget()
    assert focus is not None
    assert scroll.isAncestorOf(focus)
    viewport = scroll.viewport()
    assert viewport.rect().contains(QRect(focus.mapTo(viewport, QPoint(0, 0)), focus.size()))
