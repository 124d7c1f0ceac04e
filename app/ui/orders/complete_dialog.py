"""Complete an order with a result: what the recruiter will see in SmartRecruiters."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.field_errors import field_errors
from app.domain.smartrecruiters import (
    ALLOWED_DESCRIPTION_TAGS,
    AssessmentOrder,
    AssessmentResult,
    ContactPerson,
    ResultType,
)

#: What ``result`` means for each type, shown beside the field.
RESULT_MEANING = {
    ResultType.DOCUMENT: (
        "A report file you attach next (drop it on the order). SmartRecruiters ignores this "
        "value but needs one: a file name is fine.",
        "result.pdf",
    ),
    ResultType.URL: ("The address of the online report the recruiter opens.", "https://"),
    ResultType.VIDEO_URL: (
        "The address of the video; SmartRecruiters shows it in a 500-pixel-high frame.",
        "https://",
    ),
    ResultType.VIDEO_STREAM: ("The id or address of the video stream.", ""),
    ResultType.GENERATED_URL: (
        "SmartRecruiters generates the link; this value is ignored but must not be empty.",
        "generated",
    ),
}

PASSED_CHOICES = [("Not stated", None), ("Passed", True), ("Not passed", False)]


class CompleteDialog(QDialog):
    """Collects a valid ``AssessmentResult``; validation is the domain model's, shown live."""

    def __init__(
        self,
        order: AssessmentOrder,
        *,
        author: ContactPerson | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("completeDialog")
        self.setWindowTitle(f"Complete order — {order.candidate.full_name}")
        self._author = author
        self._build_fields(author)
        self._build_layout()
        self.result_type.currentIndexChanged.connect(self._type_changed)
        for widget in (self.result_edit, self.title, self.score, self.author_name):
            widget.textChanged.connect(self._validate)
        self.description.textChanged.connect(self._validate)
        self.passed.currentIndexChanged.connect(self._validate)
        self._type_changed()
        self.resize(560, self.sizeHint().height())

    def _build_fields(self, author: ContactPerson | None) -> None:
        self.result_type = QComboBox()
        self.result_type.setObjectName("resultType")
        self.result_type.setAccessibleName("Result type")
        for kind in ResultType:
            self.result_type.addItem(kind.value.replace("_", " ").title(), kind)
        self.meaning = QLabel()
        self.meaning.setObjectName("resultMeaning")
        self.meaning.setWordWrap(True)
        self.result_edit = QLineEdit("result.pdf")
        self.result_edit.setObjectName("resultValue")
        self.result_edit.setAccessibleName("Result")
        self.title = QLineEdit("Berke assessment")
        self.title.setObjectName("resultTitle")
        self.description = QPlainTextEdit()
        self.description.setObjectName("resultDescription")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
        allowed = ", ".join(sorted(ALLOWED_DESCRIPTION_TAGS))
        self.description.setToolTip(f"Plain text, or HTML with these tags only: {allowed}")
        self.passed = QComboBox()
        self.passed.setObjectName("resultPassed")
        for label, value in PASSED_CHOICES:
            self.passed.addItem(label, value)
        self.score = QLineEdit()
        self.score.setObjectName("resultScore")
        self.score.setPlaceholderText('Free text, e.g. "87/100" or "High fit"')
        self.author_name = QLineEdit(author.full_name if author else "")
        self.author_name.setObjectName("resultAuthor")
        self.author_name.setPlaceholderText("Shown as the author of the result")
        self.message = QLineEdit()
        self.message.setObjectName("completeMessage")
        self.message.setPlaceholderText("Optional message (used by the documented flow)")
        self.error = QLabel()
        self.error.setObjectName("completeError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e")

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("Result &type:", self.result_type)
        form.addRow("", self.meaning)
        form.addRow("&Result:", self.result_edit)
        form.addRow("T&itle:", self.title)
        form.addRow("&Description:", self.description)
        form.addRow("&Passed:", self.passed)
        form.addRow("&Score:", self.score)
        form.addRow("&Author:", self.author_name)
        form.addRow("&Message:", self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Complete order")
        self.ok.setObjectName("completeButton")
        self.buttons.accepted.connect(self._accept_if_valid)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self._accept_if_valid)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _type_changed(self) -> None:
        kind: ResultType = self.result_type.currentData()
        meaning, placeholder = RESULT_MEANING[kind]
        self.meaning.setText(meaning)
        self.result_edit.setPlaceholderText(placeholder)
        if kind is ResultType.DOCUMENT and not self.result_edit.text().strip():
            self.result_edit.setText("result.pdf")
        self._validate()

    def result_value(self) -> AssessmentResult:
        """The result as entered; raises ``ValidationError`` when it is not valid."""
        name = self.author_name.text().strip()
        author = None
        if name:
            first, _, last = name.partition(" ")
            base = self._author or ContactPerson()
            author = base.model_copy(update={"first_name": first, "last_name": last or None})
        return AssessmentResult.model_validate(
            {
                "resultType": self.result_type.currentData(),
                "result": self.result_edit.text(),
                "title": self.title.text().strip() or None,
                "description": self.description.toPlainText().strip() or None,
                "passed": self.passed.currentData(),
                "score": self.score.text().strip() or None,
                "author": author,
            }
        )

    def message_text(self) -> str | None:
        return self.message.text().strip() or None

    def _validate(self) -> bool:
        try:
            self.result_value()
        except ValidationError as exc:
            self.error.setText(
                "\n".join(f"{k or 'Result'}: {v}" for k, v in field_errors(exc).items())
            )
            self.ok.setEnabled(False)
            return False
        self.error.clear()
        self.ok.setEnabled(True)
        return True

    def _accept_if_valid(self) -> None:
        if self._validate():
            self.accept()
