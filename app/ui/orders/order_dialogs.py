"""Small dialogs for accept and reject: what will be sent, and what it means."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.journal import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder

DEFAULT_MESSAGE_TO_CANDIDATE = (
    "Thank you for your application. Please complete the Berke assessment using the link "
    "provided; it takes about 30 to 45 minutes."
)


def _submit_shortcuts(dialog: QDialog, buttons: QDialogButtonBox) -> None:
    # Ctrl+Enter submits a form, as everywhere in the console.
    for keys in ("Ctrl+Return", "Ctrl+Enter"):
        shortcut = QShortcut(QKeySequence(keys), dialog)
        shortcut.activated.connect(buttons.button(QDialogButtonBox.StandardButton.Ok).click)


class AcceptDialog(QDialog):
    """Accept the SR order with the assessment URL and an editable message to the candidate."""

    def __init__(
        self, order: AssessmentOrder, linked: LinkedAssessment, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("acceptDialog")
        self.setWindowTitle(f"Accept order — {order.candidate.full_name}")
        self.url = QLineEdit(linked.assessment_url)
        self.url.setObjectName("acceptUrl")
        self.url.setReadOnly(True)
        self.url.setAccessibleName("Assessment URL sent to SmartRecruiters")
        self.message = QLineEdit("Berke assessment created.")
        self.message.setObjectName("acceptMessage")
        self.message.setAccessibleName("Message to the recruiter")
        self.to_candidate = QPlainTextEdit(DEFAULT_MESSAGE_TO_CANDIDATE)
        self.to_candidate.setObjectName("acceptMessageToCandidate")
        self.to_candidate.setAccessibleName("Message to the candidate")
        self.to_candidate.setTabChangesFocus(True)
        self.to_candidate.setFixedHeight(90)

        form = QFormLayout()
        form.addRow("Assessment URL:", self.url)
        form.addRow("Message to the recruiter:", self.message)
        form.addRow("Message to the candidate:", self.to_candidate)
        note = QLabel(
            "SmartRecruiters moves the order to In progress and shows the URL to the recruiter "
            "and on the candidate portal."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Accept order")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        _submit_shortcuts(self, buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def message_text(self) -> str:
        return self.message.text().strip()

    def message_to_candidate(self) -> str:
        return self.to_candidate.toPlainText().strip()


class RejectDialog(QDialog):
    """Reject with a reason. Says what a rejection means for the customer before it is sent."""

    def __init__(self, orders: list[AssessmentOrder], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rejectDialog")
        who = orders[0].candidate.full_name if len(orders) == 1 else f"{len(orders)} orders"
        self.setWindowTitle(f"Reject — {who}")
        explanation = QLabel(
            "<b>Rejecting cannot be undone.</b><br>The customer gets 1 credit back. An "
            "auto-triggered order is sent only once: after a rejection the recruiter must "
            "re-send it by hand if the candidate should still be assessed."
        )
        explanation.setObjectName("rejectExplanation")
        explanation.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("rejectReason")
        self.reason.setAccessibleName("Reason for the rejection")
        self.reason.setPlaceholderText("Why is this order rejected? The recruiter sees this.")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Reject order" if len(orders) == 1 else f"Reject {len(orders)} orders")
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(
            lambda: self.ok.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        _submit_shortcuts(self, self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(QLabel("Reason:"))
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()
