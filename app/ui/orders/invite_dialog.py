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
from app.ui.common.tooltips import plain_tooltip
from app.ui.orders.invitation_form import InvitationForm
from app.views.text import PART_SHOWN, one_line, title_name

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
        self.setWindowTitle(f"Send invitation — {title_name(name)}")
        # The name on one line, cut, as in every dialog's "who" line (``order_line``): its
        # right-to-left override drew the address after it backwards, and its line breaks
        # put an address of the sender's choosing where the real one is read. The address is
        # shown whole (it is where the invitation goes), on one line too.
        address = one_line(email or order.candidate.email or "", None)
        self.recipient = plain_label(
            f"Berke emails the assessment invitation to {one_line(name, PART_SHOWN)} <{address}>.",
            "inviteRecipient",
        )
        self.recipient.setToolTip(plain_tooltip(name))
        self._grid.addWidget(self.recipient, 0, 0, 1, 2)
        self._section("The email")
        self._add_invitation_rows(default)
        self._finish()
        self.resize(self._preferred_size())

    def _check(self) -> tuple[InvitationText | None, dict[str, str]]:
        return self._invitation()

    def _send(self, value: InvitationText) -> None:
        self.submitted.emit(value)
