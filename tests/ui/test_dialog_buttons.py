"""The action button and Cancel sit the same way round in every dialog, as the platform
places them, and Tab reaches them in the order they are seen.

Seen at 1280×800: Accept and Reject showed "Accept order | Cancel" (a button box: the
platform's order), while every validated form (Complete, Invite, the Berke form, the offer
form) placed "Cancel | Complete order" by hand. A coordinator who learned "the right-hand
button is Cancel" in Reject pressed "Complete order", which cannot be undone, in the next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from app.domain.invitation import InvitationText
from app.ui.common.validated_form import ValidatedForm
from app.ui.offers.offer_form import OfferForm
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.complete_dialog import CompleteDialog
from app.ui.orders.invite_dialog import InviteDialog
from app.ui.orders.order_dialogs import AcceptDialog, RejectDialog
from tests.ui.clipping import settle
from tests.ui.conftest import left_to_right, show_exposed
from tests.ui.test_dialog_keys import link, order, plan_dialog, preview

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _cancel(dialog: QWidget) -> QPushButton:
    for button in dialog.findChildren(QPushButton):
        if button.isVisible() and button.text().replace("&", "") == "Cancel":
            return button
    raise AssertionError(f"{type(dialog).__name__} has no Cancel")


def _action_left_of_cancel(
    qtbot: QtBot, dialog: QDialog, action: QPushButton, cancel: QPushButton | None = None
) -> bool:
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    settle()
    return left_to_right(action, cancel or _cancel(dialog))[0] is action


def test_the_action_button_is_on_the_same_side_of_cancel_in_every_dialog(
    qtbot: QtBot,
) -> None:
    accept = AcceptDialog(order(), link())
    reject = RejectDialog([order()])
    reject.reason.setPlainText("Position filled")
    forms: dict[str, ValidatedForm[Any]] = {
        "Complete": CompleteDialog(order()),
        "Invite": InviteDialog(order(), InvitationText()),
        "Berke": BerkeAssessmentForm(order()),
        "Offer": OfferForm(),
        "Plan": plan_dialog(),
    }
    url = preview()  # its Close is the Accept dialog's Cancel, one step before
    sides = {
        "Accept": _action_left_of_cancel(qtbot, accept, accept.ok),
        "Reject": _action_left_of_cancel(qtbot, reject, reject.ok),
        "URL preview": _action_left_of_cancel(qtbot, url, url.accept_button, url.close_button),
    }
    for name, form in forms.items():
        sides[name] = _action_left_of_cancel(qtbot, form, form.submit_button)
    assert len(set(sides.values())) == 1, "action left of Cancel: " + ", ".join(
        f"{k}={v}" for k, v in sides.items()
    )
    # Enter never accepts an order by accident from the preview: Close stays its default.
    assert url.accept_button.isVisible()
    assert url.close_button.isDefault()
    assert not url.accept_button.isDefault()


def _valid_offer() -> OfferForm:
    form = OfferForm()
    form.catalog_id.setText("FORM-1")
    form.name.setText("Form test")
    form.description.setPlainText("d")
    return form


@pytest.mark.parametrize(
    "make",
    [
        lambda: CompleteDialog(order()),
        lambda: InviteDialog(order(), InvitationText()),
        _valid_offer,
    ],
    ids=["complete", "invite", "offer"],
)
def test_tab_goes_from_the_last_field_to_the_buttons_as_they_are_seen(
    qtbot: QtBot, make: Callable[[], ValidatedForm[Any]]
) -> None:
    form = make()
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    assert form.submit_button.isEnabled()
    assert not form.submit_button.isDefault()  # nor does it look as if Enter would send
    first, second = left_to_right(form.submit_button, form.cancel_button)
    first.setFocus()
    QTest.keyClick(first, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is second
    QTest.keyClick(second, Qt.Key.Key_Backtab)
    QTest.keyClick(first, Qt.Key.Key_Backtab)
    before = QApplication.focusWidget()
    assert before is not None
    assert form._scroll.isAncestorOf(before), "Shift+Tab from the buttons left the fields"
