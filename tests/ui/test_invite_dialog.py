"""The invite dialog: the message and sender of Berke's invitation, with the form's live
validation and spam advice, starting from the profile's default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel

from app.domain.berke_text import BerkeParam
from app.domain.invitation import InvitationText
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.common.screens import available_room
from app.ui.orders.invite_dialog import BUSY_TEXT, InviteDialog
from tests.ui.conftest import show_exposed

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

ORDER = AssessmentOrder.model_validate(
    {
        "id": "order-9",
        "status": "IN_PROGRESS",
        "candidate": {
            "id": "c-9",
            "firstName": "Aiko",
            "lastName": "Tanaka",
            "email": "aiko@example.com",
        },
    }
)
DEFAULT = InvitationText(
    message="Please take the assessment this week.",
    sender_name="Talent team",
    sender_email="talent@example.com",
)


def open_dialog(qtbot: QtBot, default: InvitationText | None = DEFAULT) -> InviteDialog:
    dialog = InviteDialog(ORDER, default)
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    return dialog


def line(dialog: InviteDialog, name: str) -> str:
    found = dialog.findChild(QLabel, name)
    assert found is not None, name
    return found.text() if found.isVisible() else ""


def test_it_starts_from_the_profiles_default_and_sends_it(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert "aiko@example.com" in line(dialog, "inviteRecipient")
    assert dialog.message.toPlainText() == DEFAULT.message
    assert dialog.sender_name.text() == "Talent team"
    assert dialog.sender_email.text() == "talent@example.com"
    assert dialog.submit_button.isEnabled()
    with qtbot.waitSignal(dialog.submitted) as sent:
        dialog.submit_button.click()
    assert sent.args == [DEFAULT]
    assert dialog.submit_button.text() == BUSY_TEXT  # until the controller says how it went


def test_empty_fields_send_berkes_own_default(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot, default=None)
    assert dialog.message.toPlainText() == ""
    assert "default invitation message" in dialog.message.placeholderText()
    with qtbot.waitSignal(dialog.submitted) as sent:
        dialog.submit()
    assert sent.args == [InvitationText()]
    assert sent.args[0].to_params() == {}


def test_fields_are_checked_as_typed(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    dialog.sender_email.clear()
    qtbot.keyClicks(dialog.sender_email, "talent at example")
    assert line(dialog, f"error_{BerkeParam.SENDER_EMAIL}") == "Is not a well-formed email address."
    assert not dialog.submit_button.isEnabled()
    dialog.sender_email.setText("mette.kjær@example.com")  # the one email rule
    assert line(dialog, f"error_{BerkeParam.SENDER_EMAIL}") != ""
    dialog.sender_email.setText("talent@example.com")
    assert dialog.submit_button.isEnabled()

    dialog.sender_name.setText("n" * 101)
    assert line(dialog, f"error_{BerkeParam.SENDER_NAME}") == "At most 100 characters (now 101)."
    dialog.sender_name.setText("Talent team")
    dialog.message.setPlainText("é" * 1001)
    assert dialog.message_counter.text() == "1001 / 1000"
    assert line(dialog, f"error_{BerkeParam.INVITATION_MESSAGE}") == (
        "At most 1000 characters (now 1001)."
    )
    assert not dialog.submit_button.isEnabled()
    dialog.message.setPlainText("é" * 1000)
    assert dialog.submit_button.isEnabled()


def test_advice_like_the_form_never_blocks_sending(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    key = f"advice_{BerkeParam.INVITATION_MESSAGE}"
    dialog.message.setPlainText("Please complete this TODAY!")
    said = line(dialog, key)
    assert "Exclamation marks" in said
    assert "TODAY" in said
    assert dialog.submit_button.isEnabled()
    dialog.message.setPlainText(".")
    assert "single character sends no message" in line(dialog, key)
    dialog.message.setPlainText("default")
    assert "account's default invitation message" in line(dialog, key)
    dialog.message.setPlainText("See <b>you</b>")
    assert "HTML as text" in line(dialog, key)
    assert dialog.submit_button.isEnabled()  # Berke escapes it: shown, not refused
    # A mistake in another field does not hide the advice.
    dialog.message.setPlainText("Hello!")
    dialog.sender_email.setText("nope")
    assert "Exclamation marks" in line(dialog, key)


def test_berkes_refusal_shows_under_its_field(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    dialog.submit()
    dialog.show_server_error("Invalid email address.", "senderemail")
    assert line(dialog, f"error_{BerkeParam.SENDER_EMAIL}") == "Invalid email address."
    assert not dialog.submit_button.isEnabled()  # until the value changes
    qtbot.keyClicks(dialog.sender_email, "x")
    assert dialog.submit_button.isEnabled()


def test_every_row_fits_a_small_screen(qtbot: QtBot) -> None:
    dialog = open_dialog(qtbot)
    assert dialog.height() <= available_room(dialog).height()
    for button in (dialog.submit_button, dialog.cancel_button):
        assert button.fontMetrics().horizontalAdvance(button.text()) < button.width()


def _for(first: str, last: str = "Silva", email: str = "ana@example.com") -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": "order-9",
            "status": "IN_PROGRESS",
            "candidate": {"id": "c-9", "firstName": first, "lastName": last, "email": email},
        }
    )


def _recipient(qtbot: QtBot, order: AssessmentOrder) -> QLabel:
    dialog = InviteDialog(order, DEFAULT)
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    found = dialog.findChild(QLabel, "inviteRecipient")
    assert found is not None
    return found


def test_a_right_to_left_override_in_the_name_does_not_reverse_the_address(qtbot: QtBot) -> None:
    # An unclosed U+202E at the end of the name drew everything after it backwards: the
    # address the invitation goes to read "<moc.elpmaxe@ana>".
    recipient = _recipient(qtbot, _for("Ana", "Silva\u202e"))
    assert recipient.text() == (
        "Berke emails the assessment invitation to Ana Silva <ana@example.com>."
    )


def test_a_name_with_line_breaks_cannot_pass_for_the_address(qtbot: QtBot) -> None:
    # "Silva <boss@company.example>.\n\n\n…" put an address of the sender's choosing where
    # the real one is read, and pushed the real one out of sight.
    name = "Silva <boss@company.example>.\n\n\n\n\n\n\n\nx"
    recipient = _recipient(qtbot, _for("Ana", name))
    assert "\n" not in recipient.text()
    assert recipient.text().endswith("<boss@company.example>. x <ana@example.com>.")
    assert recipient.toolTip() == f"Ana {name}"  # the name whole, as sent


def test_a_5000_character_name_is_cut_as_in_the_other_dialogs(qtbot: QtBot) -> None:
    recipient = _recipient(qtbot, _for("Ana " * 1250))
    dialog = recipient.window()
    assert dialog.height() <= available_room(dialog).height()
    assert len(recipient.text()) < 200
    assert recipient.text().endswith("… <ana@example.com>.")
