"""The invitation's message and sender, as rows of a form: what the one-order invitation and
the batch's plan both ask, with the same rules, advice and counter."""

from __future__ import annotations

from typing import TypeVar

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit

from app.domain.berke_text import BerkeParam
from app.domain.field_errors import field_errors
from app.domain.invitation import BERKE_MESSAGE_MAX, SENDER_MAX, InvitationText, advice_by_field
from app.ui.common.colours import ERROR
from app.ui.common.labels import plain_label
from app.ui.common.tint import tint
from app.ui.common.validated_form import ValidatedForm

T = TypeVar("T")


class InvitationForm(ValidatedForm[T]):
    """A form with the invitation rows (``_add_invitation_rows``) among its own."""

    message: QPlainTextEdit
    message_counter: QLabel
    sender_name: QLineEdit
    sender_email: QLineEdit

    def _add_invitation_rows(
        self, default: InvitationText | None, *, label: str = "Messa&ge", lines: int = 4
    ) -> None:
        self.message = QPlainTextEdit()
        self.message.setTabChangesFocus(True)
        self.message.setPlaceholderText("Empty: the account's default invitation message")
        spacing = self.message.fontMetrics().lineSpacing()
        self.message.setMinimumHeight(lines * spacing + 12)
        self.message.setMaximumHeight(2 * lines * spacing + 12)
        self.message_counter = plain_label(name="messageCounter", wrap=False)
        self.message_counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.sender_name = QLineEdit()
        self.sender_name.setPlaceholderText("Empty: the hiring manager")
        self.sender_email = QLineEdit()
        self.sender_email.setPlaceholderText("Empty: the hiring manager's address")
        for edit in (self.sender_name, self.sender_email):
            edit.setClearButtonEnabled(True)
            edit.setMinimumWidth(320)
        self._add(
            BerkeParam.INVITATION_MESSAGE,
            label,
            self.message,
            f"Optional, up to {BERKE_MESSAGE_MAX} characters. A single character sends no message; "
            "the word “default” sends the account's default. HTML is shown as text.",
            extra=self.message_counter,
        )
        self._add(
            BerkeParam.SENDER_NAME,
            "Sender &name",
            self.sender_name,
            f"Optional, up to {SENDER_MAX} characters; empty for the hiring manager.",
        )
        self._add(
            BerkeParam.SENDER_EMAIL,
            "Sender &email",
            self.sender_email,
            f"Optional, up to {SENDER_MAX} characters, a well-formed address; empty for the "
            "hiring manager's.",
        )
        if default is not None:
            self.message.setPlainText(default.message or "")
            self.sender_name.setText(default.sender_name or "")
            self.sender_email.setText(default.sender_email or "")

    def params(self) -> dict[str, object]:
        """The invitation rows as SendInvitation parameters, Berke's spellings."""
        return {
            BerkeParam.INVITATION_MESSAGE: self.message.toPlainText(),
            BerkeParam.SENDER_NAME: self.sender_name.text(),
            BerkeParam.SENDER_EMAIL: self.sender_email.text(),
        }

    def _invitation(self) -> tuple[InvitationText | None, dict[str, str]]:
        try:
            return InvitationText.model_validate(self.params()), {}
        except ValidationError as exc:
            return None, field_errors(exc)

    def _advice(self, errors: dict[str, str]) -> dict[str, list[str]]:
        return advice_by_field(self.params(), errors)

    def _refreshed(self) -> None:
        count = len(self.message.toPlainText().strip())
        self.message_counter.setText(f"{count} / {BERKE_MESSAGE_MAX}")
        tint(self.message_counter, ERROR if count > BERKE_MESSAGE_MAX else None)
