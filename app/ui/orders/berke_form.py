"""The CreateAssessment form: one input per Berke parameter, checked by the model as you type.

The widgets only collect text; ``CreateAssessmentRequest`` decides what is valid and
``field_errors`` words the problems, so the form can never accept what the client would refuse.
The dialog does not call Berke: it emits ``submitted`` and the window runs the workflow.
"""

from __future__ import annotations

import re

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.domain.assessment_prefill import match_job, prefill_from_order, stable_candidate_id
from app.domain.berke import (
    COMPLETION_ACTIONS,
    REMINDER_DAYS_MAX,
    REMINDER_DAYS_MIN,
    BerkeJob,
    CreateAssessmentRequest,
)
from app.domain.berke_jobs import job_facts, job_label, no_match_warning
from app.domain.berke_text import Advice, BerkeParam
from app.domain.berke_user import UserContext
from app.domain.field_errors import field_errors
from app.domain.invitation import BERKE_MESSAGE_MAX
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.common.colours import ADVICE, ERROR
from app.ui.common.labels import plain_label
from app.ui.common.tint import tint
from app.ui.common.tooltips import plain_tooltip
from app.ui.common.validated_form import ValidatedForm
from app.views.text import title_name

COMPANY_DEFAULT_JOB = "Company default job"
LOADING_JOBS = "Loading jobs…"
ACCOUNT_DEFAULT_DAYS = "Account default"
NO_REMINDERS = "0 — no reminders"
CREATE_TEXT = "Create assessment"
BUSY_TEXT = "Creating…"

_DAYS = re.compile(r"\s*(\d+)\s*(?:days?)?\s*", re.IGNORECASE)


def reminder_days_param(text: str) -> str:
    """The completeWithinDays text for the model: "" for the account default, else the number.

    The reminder box is editable, so whatever is typed reaches the model and its rule.
    """
    text = text.strip()
    if text in ("", ACCOUNT_DEFAULT_DAYS):
        return ""
    if text == NO_REMINDERS:
        return "0"
    match = _DAYS.fullmatch(text)
    return match.group(1) if match else text


class BerkeAssessmentForm(ValidatedForm[CreateAssessmentRequest]):
    """Collects a valid ``CreateAssessmentRequest`` for one order's candidate."""

    submitted = Signal(object)  # CreateAssessmentRequest

    def __init__(
        self,
        order: AssessmentOrder,
        parent: QWidget | None = None,
        *,
        default_username: str | None = None,
    ) -> None:
        """``default_username``: the Berke user the connection sends when the form has none
        (the profile's), so the form can say who the assessment belongs to."""
        super().__init__(
            submit_text=CREATE_TEXT,
            busy_text=BUSY_TEXT,
            submit_name="createButton",
            submit_tip="Create the assessment at Berke (Ctrl+Enter)",
            parent=parent,
        )
        self._order = order
        self._jobs_ready = False
        self._jobs: dict[str, BerkeJob] = {}
        self._no_match = ""  # no Berke job matches the order's: said while none is chosen
        self._default_username = (default_username or "").strip() or None
        self.create_button = self.submit_button

        name = order.candidate.display_name
        self.setWindowTitle(f"Create Berke assessment — {title_name(name)}")

        self._build_widgets()
        self._build_rows()
        self._show_loading_jobs()
        self._prefill()
        self._finish()
        self.resize(self._preferred_size())

    # -- building ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.first_name = self._line_edit()
        self.last_name = self._line_edit()
        self.email_address = self._line_edit()
        self.phone_number = self._line_edit()
        self.source_candidate_id = self._line_edit()
        self.job = QComboBox()
        self.job.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.job.setMinimumContentsLength(24)
        self.source_department_id = self._line_edit()
        self.username = self._line_edit()
        self.action = QComboBox()
        for value, text in COMPLETION_ACTIONS.items():
            self.action.addItem(f"{value} — {text}", value)
        self.email_report_to_list = self._line_edit("name@example.com, other@example.com")
        self.redirect_url = self._line_edit("https://")
        self.complete_within_days = self._reminder_box()
        self.invitation_message = QPlainTextEdit()
        # Tab moves on instead of typing a tab, so the keyboard order runs through the form.
        self.invitation_message.setTabChangesFocus(True)
        self.invitation_message.setPlaceholderText("Empty: Berke's default invitation")
        # What an empty id means, in place: the order's own id (never the SmartRecruiters
        # candidate's, which a candidate's other orders share).
        self.source_candidate_id.setPlaceholderText(stable_candidate_id(self._order.id))
        # Enough lines to see a paragraph; a longer message scrolls inside the box.
        lines = self.invitation_message.fontMetrics().lineSpacing()
        self.invitation_message.setMinimumHeight(4 * lines + 12)
        self.invitation_message.setMaximumHeight(8 * lines + 12)
        self.message_counter = plain_label(name="messageCounter", wrap=False)
        self.message_counter.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.job_status = plain_label(name="jobStatus")

        # Who the assessment belongs to, and what follows from it (the seed's username
        # paragraph), kept up to date as the user, department and action change.
        self.user_context = self._note("userContext")
        self.department_context = self._note("departmentContext")
        self.action_context = self._note("actionContext")
        self.username.setPlaceholderText(self._default_username or "API's default user")
        self.source_department_id.setPlaceholderText("the user's department")
        # The seed: the candidate is redirected on every visit after completion, not once.
        self.redirect_note = self._note("redirectNote")
        self.redirect_note.setText(
            "Berke sends the candidate here when the assessment is complete, and again each "
            "time they reopen it afterwards: the page must expect several visits."
        )

    def _note(self, name: str) -> QLabel:
        """A line of plain information under a field (not an error, not a warning)."""
        return plain_label(name=name)

    def _line_edit(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.setMinimumWidth(380)
        return edit

    def _reminder_box(self) -> QComboBox:
        box = QComboBox()
        box.setEditable(True)
        # Inline completion would turn a typed "1" into "10": the typed text must reach the model.
        box.setCompleter(None)  # type: ignore[arg-type]  # Qt documents null: no completion
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.addItem(ACCOUNT_DEFAULT_DAYS)
        box.addItem(NO_REMINDERS)
        for days in range(REMINDER_DAYS_MIN, REMINDER_DAYS_MAX + 1):
            box.addItem(f"{days} days")
        return box

    def _build_rows(self) -> None:
        self._section("Candidate", first=True)
        self._add(
            BerkeParam.FIRST_NAME, "&First name", self.first_name, "Required, 1–100 characters."
        )
        self._add(BerkeParam.LAST_NAME, "&Last name", self.last_name, "Required, 1–100 characters.")
        self._add(
            BerkeParam.EMAIL_ADDRESS,
            "&Email",
            self.email_address,
            "Optional, up to 100 characters, a well-formed address. "
            "Without it Berke sends no reminder emails.",
        )
        self._add(
            BerkeParam.PHONE_NUMBER, "&Phone", self.phone_number, "Optional, up to 50 characters."
        )
        self._add(
            BerkeParam.SOURCE_CANDIDATE_ID,
            "Candidate &id",
            self.source_candidate_id,
            "Optional, up to 50 characters, unique in Berke. Empty: this order's own id "
            "(shown greyed), so a candidate's other orders never collide. Never a national "
            "id or bank number.",
        )
        self._section("Assessment")
        self._add(
            BerkeParam.SOURCE_JOB_ID,
            "&Job",
            self.job,
            "A job assigned to the API; the company default job sends none.",
            extra=self.job_status,
        )
        self._add(
            BerkeParam.SOURCE_DEPARTMENT_ID,
            "&Department id",
            self.source_department_id,
            "Optional, up to 50 characters; the department must exist and be enabled. "
            "Empty: the user's own department.",
            extra=self.department_context,
        )
        self._add(
            BerkeParam.USERNAME,
            "Berke &user",
            self.username,
            "Optional, up to 50 characters: an active user of the Berke account, "
            "in whose name the assessment is created. Empty: this connection's user, "
            "else the API's default user.",
            extra=self.user_context,
        )
        # On a screen wide enough, what happens afterwards goes beside who and what.
        self._next_column()
        self._section("When complete", first=True)
        self._add(
            BerkeParam.ON_COMPLETE_ACTION,
            "&Action",
            self.action,
            "What Berke does when the assessment is complete; actions do not combine.",
            extra=self.action_context,
        )
        self._add(
            BerkeParam.EMAIL_REPORT_TO_LIST,
            "&Report to",
            self.email_report_to_list,
            "Required with action 5: well-formed addresses separated by commas, "
            "up to 500 characters.",
        )
        self._add(
            BerkeParam.REDIRECT_URL,
            "Redirec&t URL",  # Alt+U is the Berke user's
            self.redirect_url,
            "Optional, up to 150 characters: an absolute http:// or https:// address "
            "the candidate is sent to when done, and on every later visit.",
            extra=self.redirect_note,
        )
        self._section("Invitation")
        self._add(
            BerkeParam.COMPLETE_WITHIN_DAYS,
            "Re&minders",
            self.complete_within_days,
            f"Account default, 0 for no reminders, or {REMINDER_DAYS_MIN}–{REMINDER_DAYS_MAX} "
            "days to complete; only used with an email address.",
        )
        self._add(
            BerkeParam.INVITATION_MESSAGE,
            "Messa&ge",
            self.invitation_message,
            f"Optional, up to {BERKE_MESSAGE_MAX} characters, no HTML. A single character "
            "disables the default message.",
            extra=self.message_counter,
        )

    def _prefill(self) -> None:
        values = prefill_from_order(self._order)
        for alias, text in values.items():
            widget = self._rows[alias].input
            if isinstance(widget, QLineEdit):
                widget.setText(text)
                widget.setCursorPosition(0)

    # -- jobs -------------------------------------------------------------------------------

    def _show_loading_jobs(self) -> None:
        self.job.clear()
        self.job.addItem(LOADING_JOBS, None)
        self.job.setEnabled(False)
        self._set_job_status("")

    def set_jobs(self, jobs: list[BerkeJob]) -> None:
        """Offer Berke's jobs, preselecting the one that matches the order's job."""
        guard = getattr(self, "discard_guard", None)  # None while the form is built
        typed = guard is None or guard.changed()
        self.job.blockSignals(True)
        self.job.clear()
        self.job.addItem(COMPANY_DEFAULT_JOB, None)
        self._jobs = {job.source_job_id: job for job in jobs}
        self._no_match = ""
        for job in sorted(jobs, key=lambda j: (j.name or j.source_job_id).casefold()):
            # Length and match score beside the name: a job without match cannot score a fit.
            self.job.addItem(job_label(job), job.source_job_id)
            facts = job_facts(job)
            self.job.setItemData(
                self.job.count() - 1,
                plain_tooltip(
                    f"Berke job id {job.source_job_id}" + (f" · {facts}" if facts else "")
                ),
                Qt.ItemDataRole.ToolTipRole,
            )
        matched = match_job(self._order, jobs)
        index = self.job.findData(matched.source_job_id) if matched else 0
        self.job.setCurrentIndex(max(index, 0))
        self.job.blockSignals(False)
        if guard is not None and not typed:  # jobs arriving are no typing
            guard.rebase()
        self.job.setEnabled(True)
        self._jobs_ready = True
        if not jobs:
            # None listed (or none with an id to send): said, as a failure to list them is.
            self._no_match = (
                "Berke lists no job for this connection: only the company default job can be "
                "chosen."
            )
        elif matched is None and self._order.job and self._order.job.name:
            self._no_match = (
                f"No Berke job matches “{self._order.job.name}”: choose one, "
                "or keep the company default."
            )
        self._set_job_status("")
        self._edited(BerkeParam.SOURCE_JOB_ID)

    def set_jobs_failed(self, message: str) -> None:
        """Jobs could not be fetched: say why, and let the company default job be used."""
        guard = getattr(self, "discard_guard", None)  # None while the form is built
        typed = guard is None or guard.changed()
        self.job.blockSignals(True)
        self.job.clear()
        self.job.addItem(COMPANY_DEFAULT_JOB, None)
        self.job.blockSignals(False)
        if guard is not None and not typed:  # jobs arriving are no typing
            guard.rebase()
        self.job.setEnabled(True)
        self._jobs_ready = True
        self._no_match = ""
        self._set_job_status(f"{message} Only the company default job can be chosen.")
        self._edited(BerkeParam.SOURCE_JOB_ID)

    def _set_job_status(self, text: str) -> None:
        # "No Berke job matches" only while the company default is chosen: a job chosen
        # answers it (it stayed, saying no job was chosen beside the job chosen).
        if not text and self._no_match and self.job.currentData() is None:
            text = self._no_match
        self.job_status.setText(text)
        self.job_status.setVisible(bool(text))

    # -- validation -------------------------------------------------------------------------

    def params(self) -> dict[str, object]:
        """The form as CreateAssessment parameters, Berke's spellings; blank text is absent."""
        action = self.action.currentData()
        params: dict[str, object] = {
            BerkeParam.FIRST_NAME: self.first_name.text(),
            BerkeParam.LAST_NAME: self.last_name.text(),
            BerkeParam.EMAIL_ADDRESS: self.email_address.text(),
            BerkeParam.PHONE_NUMBER: self.phone_number.text(),
            BerkeParam.SOURCE_CANDIDATE_ID: self.source_candidate_id.text(),
            BerkeParam.SOURCE_JOB_ID: self.job.currentData(),
            BerkeParam.SOURCE_DEPARTMENT_ID: self.source_department_id.text(),
            BerkeParam.USERNAME: self.username.text(),
            BerkeParam.ON_COMPLETE_ACTION: action,
            BerkeParam.REDIRECT_URL: self.redirect_url.text(),
            BerkeParam.COMPLETE_WITHIN_DAYS: reminder_days_param(
                self.complete_within_days.currentText()
            ),
            BerkeParam.INVITATION_MESSAGE: self.invitation_message.toPlainText(),
        }
        if action == 5:
            # Only then: a half-typed list left behind by another action must not block Create.
            params[BerkeParam.EMAIL_REPORT_TO_LIST] = self.email_report_to_list.text()
        return params

    def request(self) -> CreateAssessmentRequest | None:
        """The current request when the form is valid, else None."""
        return self.value()

    def _check(self) -> tuple[CreateAssessmentRequest | None, dict[str, str]]:
        try:
            return CreateAssessmentRequest.model_validate(self.params()), {}
        except ValidationError as exc:
            errors = field_errors(exc)
        if (
            BerkeParam.EMAIL_REPORT_TO_LIST in errors
            and not self.email_report_to_list.text().strip()
        ):
            errors[BerkeParam.EMAIL_REPORT_TO_LIST] = (
                "Required for this action: one or more addresses."
            )
        return None, errors

    def _row_shown(self, key: str) -> bool:
        # The report list only means something for action 5 (email the report).
        return key != BerkeParam.EMAIL_REPORT_TO_LIST or self.action.currentData() == 5

    def _ready(self) -> bool:
        # Jobs settled, so that the job shown is the job sent.
        return self._jobs_ready

    def _send(self, value: CreateAssessmentRequest) -> None:
        self.submitted.emit(value)

    def _refreshed(self) -> None:
        if self._no_match:
            self._set_job_status("")
        self._update_counter()
        self._update_context()

    def user_context_now(self) -> UserContext:
        """The user and department the assessment would get if created now."""
        return UserContext.of(
            self.username.text(), self._default_username, self.source_department_id.text()
        )

    def _update_context(self) -> None:
        context = self.user_context_now()
        self.user_context.setText(context.user_text())
        self.department_context.setText(context.department_text())
        action_2 = self.action.currentData() == 2
        self.action_context.setText(context.report_recipient_text() if action_2 else "")
        self.action_context.setVisible(action_2)

    def _advice(self, errors: dict[str, str]) -> dict[str, list[str]]:
        """Warnings about the valid fields, even while another field is still wrong.

        Without this, fixing a typo in one field would make every warning blink away.
        """
        by_field: dict[str, list[str]] = {}
        for item in self._advice_items(errors):
            by_field.setdefault(item.field, []).append(item.message)
        warning = no_match_warning(self._jobs.get(self.job.currentData() or ""), self._order)
        if warning is not None:
            by_field.setdefault(BerkeParam.SOURCE_JOB_ID, []).append(warning)
        return by_field

    def _advice_items(self, errors: dict[str, str]) -> list[Advice]:
        request = self.value()
        if request is not None:
            return request.advice()
        rest = {alias: value for alias, value in self.params().items() if alias not in errors}
        if BerkeParam.EMAIL_REPORT_TO_LIST in errors:
            # The list is required with action 5: kept, the action refused the request without
            # the list too, and every other field's warning went until the list was right.
            rest.pop(BerkeParam.ON_COMPLETE_ACTION, None)
        for required in (BerkeParam.FIRST_NAME, BerkeParam.LAST_NAME):
            rest.setdefault(required, "-")  # a stand-in: names play no part in any advice
        try:
            found = CreateAssessmentRequest.model_validate(rest).advice()
        except ValidationError:
            return []
        return [item for item in found if item.field not in errors]

    def _update_counter(self) -> None:
        count = len(self.invitation_message.toPlainText().strip())
        self.message_counter.setText(f"{count} / {BERKE_MESSAGE_MAX}")
        tint(self.message_counter, ERROR if count > BERKE_MESSAGE_MAX else None)

    # -- look -------------------------------------------------------------------------------

    def _colours_changed(self) -> None:
        tint(self.job_status, ADVICE)
