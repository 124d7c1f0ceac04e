"""Send invitation: who receives it, and the message and sender Berke's email carries, checked
as you type with the same rules and spam advice as the CreateAssessment form.

It starts from the connection profile's default text. Like the CreateAssessment form, it does
not call Berke: it emits ``submitted`` and stays open, busy, until the controller says how the
call went (a refused value then shows under its field).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from app.domain.invitation import InvitationText
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.common.labels import plain_label
from app.ui.orders.invitation_form import InvitationForm

SEND_TEXT = "Send invitation"
BUSY_TEXT = "Sending…"


class InviteDialog(InvitationForm[InvitationText]):
    """Collects a valid ``InvitationText`` for one order's invitation."""

    submitted = Signal(object)  # InvitationText

    def __init__(
        self,
        order: AssessmentOrder,
        default: InvitationText | None = None,
        parent: QWidget | None = None,
        *,
        email: str | None = None,
    ) -> None:
        """``email``: where the invitation goes (the address Berke was given), when it is not
        SmartRecruiters'."""
        super().__init__(
            submit_text=SEND_TEXT,
            busy_text=BUSY_TEXT,
            submit_name="sendInvitationButton",
            submit_tip="Ask Berke to email the invitation (Ctrl+Enter)",
            parent=parent,
        )
        self.setObjectName("inviteDialog")
        name = order.candidate.display_name
        self.setWindowTitle(f"Send invitation — {name}")
        self.recipient = plain_label(
            f"Berke emails the assessment invitation to {name} "
            f"<{email or order.candidate.email or ''}>.",
            "inviteRecipient",
        )
        self._grid.addWidget(self.recipient, 0, 0, 1, 2)
        self._section("The email")
        self._add_invitation_rows(default)
        self._finish()
        self.resize(self._preferred_size())

    def _check(self) -> tuple[InvitationText | None, dict[str, str]]:
        return self._invitation()

    def _send(self, value: InvitationText) -> None:
        self.submitted.emit(value)
