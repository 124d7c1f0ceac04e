"""Complete an order with a result: what the recruiter will see in SmartRecruiters.

A validated form like the Berke form: ``AssessmentResult`` decides what is valid and
``field_errors`` words each problem, shown under its own field, as plain text (a description
holding ``<script>`` is quoted, never rendered). It does not call SmartRecruiters: it emits
``submitted`` and stays open, busy, until the controller says how the call went; a refusal
shows on the form with all that was typed kept.
"""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from app.domain.field_errors import field_errors
from app.domain.smartrecruiters import (
    ALLOWED_DESCRIPTION_TAGS,
    AssessmentOrder,
    AssessmentResult,
    ContactPerson,
    ResultType,
    description_as_sent,
)
from app.domain.sr_limits import SR_MESSAGE_MAX, message_too_long
from app.ui.common.labels import plain_label, rich_label, without_mnemonic
from app.ui.common.validated_form import ValidatedForm
from app.ui.orders.order_dialogs import who_label
from app.views.text import title_name

#: For each type: the result field's label, what the value means, and its placeholder.
RESULT_MEANING = {
    ResultType.DOCUMENT: (
        "&File name",
        "A report file you attach next (drop it on the order). SmartRecruiters ignores this "
        "value but needs one: a file name is fine.",
        "result.pdf",
    ),
    ResultType.URL: (
        "&URL",
        "The address of the online report the recruiter opens.",
        "https://",
    ),
    ResultType.VIDEO_URL: (
        "Video &URL",
        "The address of the video; SmartRecruiters shows it in a 500-pixel-high frame.",
        "https://",
    ),
    ResultType.VIDEO_STREAM: ("St&ream", "The id or address of the video stream.", ""),
    ResultType.GENERATED_URL: (
        "&Value",
        "SmartRecruiters generates the link; this value is ignored but must not be empty.",
        "generated",
    ),
}

#: The value filled in for a type whose value SmartRecruiters ignores (but needs).
FILLED_IN = {ResultType.DOCUMENT: "result.pdf", ResultType.GENERATED_URL: "generated"}
PASSED_CHOICES = [("Not stated", None), ("Passed", True), ("Not passed", False)]
MESSAGE = "message"  # the documented flow's comment: not a field of the result
COMPLETE_TEXT = "Complete order"


class CompleteDialog(ValidatedForm[AssessmentResult]):
    """Collects a valid ``AssessmentResult`` (and the optional message); each problem is
    shown under its field as it is typed."""

    submitted = Signal(object)  # AssessmentResult

    def __init__(
        self,
        order: AssessmentOrder,
        *,
        author: ContactPerson | None = None,
        with_message: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        # The message row only where it is sent: completing with the result in one call (the
        # FAQ's flow, the default) sends no comment, and what was typed there was lost.
        self._with_message = with_message
        super().__init__(
            submit_text=COMPLETE_TEXT,
            busy_text="Completing…",
            submit_name="completeButton",
            submit_tip="Complete the order with this result (Ctrl+Enter)",
            parent=parent,
        )
        self.setObjectName("completeDialog")
        self.setWindowTitle(f"Complete order — {title_name(order.candidate.display_name)}")
        self._author = author
        self.ok = self.submit_button
        self.who = who_label(order, "completeWho")
        # Complete is as final as Reject (SmartRecruiters refuses any later change of state),
        # and goes on one click or Ctrl+Enter: say so as the Reject dialog does.
        self.explanation = rich_label(
            "<b>Completing cannot be undone.</b><br>SmartRecruiters allows the order no "
            "further change of status, and the recruiter sees this result as sent. Report "
            "files can still be attached to it afterwards.",
            "completeExplanation",
        )
        self._build_fields(author)
        self._build_rows()
        self.result_type.currentIndexChanged.connect(self._type_changed)
        self._type_changed()
        self._finish()
        self.resize(self._preferred_size(min_width=560))

    def _build_fields(self, author: ContactPerson | None) -> None:
        self.result_type = QComboBox()
        self.result_type.setObjectName("resultType")
        for kind in ResultType:
            self.result_type.addItem(kind.label, kind)
        self.meaning = plain_label(name="resultMeaning")
        self.result_edit = QLineEdit(FILLED_IN[ResultType.DOCUMENT])
        self.result_edit.setObjectName("resultValue")
        self.title = QLineEdit("Berke assessment")
        self.title.setObjectName("resultTitle")
        self.description = QPlainTextEdit()
        self.description.setObjectName("resultDescription")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(80)
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
        self.message.setPlaceholderText("Optional: a comment the recruiter sees on the order")

    def _build_rows(self) -> None:
        self._grid.addWidget(self.who, 0, 0, 1, 2)
        self._grid.addWidget(self.explanation, 1, 0, 1, 2)
        allowed = ", ".join(f"<{tag}>" for tag in sorted(ALLOWED_DESCRIPTION_TAGS))
        self._add(
            "resultType",
            "Result &type",
            self.result_type,
            "What the result is: a document, a link, a video.",
            extra=self.meaning,
        )
        self._add("result", "&File name", self.result_edit, "Required, never empty.")
        self._add("title", "T&itle", self.title, "Shown to the recruiter above the result.")
        self._add(
            "description",
            "&Description",
            self.description,
            f"Plain text (each line a paragraph), or HTML with these tags only: {allowed}.",
        )
        self._add("passed", "&Passed", self.passed, "Whether the candidate passed, if stated.")
        self._add("score", "&Score", self.score, "Free text, e.g. 87/100 or High fit.")
        self._add("author", "&Author", self.author_name, "Shown as the author of the result.")
        if self._with_message:
            self._add(
                MESSAGE,
                "&Message",
                self.message,
                f"Optional, up to {SR_MESSAGE_MAX:,} characters: a comment to the recruiter, "
                "sent with the completion.",
            )
        else:
            self.message.hide()

    def _type_changed(self) -> None:
        # Qt hands a str-based enum back as a plain str: rebuilt, or "is" below never held.
        kind = ResultType(self.result_type.currentData())
        label, meaning, placeholder = RESULT_MEANING[kind]
        self.meaning.setText(meaning)
        self.result_edit.setPlaceholderText(placeholder)
        row = self._rows.get("result")
        if row is not None:
            # "URL", "Video URL", "File name": the field says what it holds for this type.
            row.label.setText(label)
            row.focus.setAccessibleName(without_mnemonic(label))
        # A value SmartRecruiters ignores but needs (a document's name, a generated URL's
        # placeholder) is filled in for its type, and taken away for the others (an address
        # or a stream is not "result.pdf"): what was typed stays.
        typed = self.result_edit.text().strip()
        if not typed or typed in FILLED_IN.values():
            self.result_edit.setText(FILLED_IN.get(kind, ""))

    # -- the value ---------------------------------------------------------------------------

    def _author_value(self) -> ContactPerson | None:
        name = self.author_name.text().strip()
        if not name:
            return None
        base = self._author
        if base is not None and " ".join(name.split()) == " ".join(base.full_name.split()):
            return base
        # Another person typed: the profile author's email and phone are not theirs (the
        # recruiter saw one person's name beside another's address).
        first, _, last = name.partition(" ")
        return ContactPerson(first_name=first, last_name=last.strip() or None)

    def _check(self) -> tuple[AssessmentResult | None, dict[str, str]]:
        errors: dict[str, str] = {}
        value: AssessmentResult | None = None
        try:
            value = AssessmentResult.model_validate(
                {
                    "resultType": self.result_type.currentData(),
                    "result": self.result_edit.text(),
                    "title": self.title.text().strip() or None,
                    "description": description_as_sent(self.description.toPlainText()),
                    "passed": self.passed.currentData(),
                    "score": self.score.text().strip() or None,
                    "author": self._author_value(),
                }
            )
        except ValidationError as exc:
            errors = field_errors(exc)
        if value is not None:
            errors.update(value.sending_problems())
        too_long = message_too_long(self.message.text()) if self._with_message else None
        if too_long is not None:
            errors[MESSAGE] = too_long
        return (value if not errors else None), errors

    def _send(self, value: AssessmentResult) -> None:
        self.submitted.emit(value)

    def result_value(self) -> AssessmentResult:
        """The result as entered (the dialog is accepted only once it is valid)."""
        value = self.value()
        if value is None:
            raise ValueError("The result is not valid: " + " ".join(self.errors().values()))
        return value

    def message_text(self) -> str | None:
        return (self.message.text().strip() or None) if self._with_message else None
