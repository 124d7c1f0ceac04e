"""The CreateAssessment form: prefill, live validation, warnings, jobs, submitting once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.domain.assessment_prefill import stable_candidate_id
from app.domain.berke import COMPLETION_ACTIONS, BerkeJob, CreateAssessmentRequest
from app.domain.berke_text import BerkeParam
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.orders.berke_form import (
    BUSY_TEXT,
    COMPANY_DEFAULT_JOB,
    CREATE_TEXT,
    LOADING_JOBS,
    NO_REMINDERS,
    BerkeAssessmentForm,
)
from tests.ui.conftest import left_to_right, show_exposed
from tests.ui.contrast import text_colour

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def make_order(job_name: str = "Sales Manager", **candidate: Any) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": "order-7",
            "status": "NEW",
            "candidate": {
                "id": "cand-42",
                "firstName": "Zoë",
                "lastName": "Müller",
                "email": "zoe@example.com",
                "phone": "+49 30 1234",
                **candidate,
            },
            "job": {"name": job_name},
        }
    )


FIELDS = [
    BerkeParam.FIRST_NAME,
    BerkeParam.LAST_NAME,
    BerkeParam.EMAIL_ADDRESS,
    BerkeParam.PHONE_NUMBER,
    BerkeParam.SOURCE_CANDIDATE_ID,
    BerkeParam.SOURCE_JOB_ID,
    BerkeParam.SOURCE_DEPARTMENT_ID,
    BerkeParam.USERNAME,
    BerkeParam.ON_COMPLETE_ACTION,
    BerkeParam.EMAIL_REPORT_TO_LIST,
    BerkeParam.REDIRECT_URL,
    BerkeParam.COMPLETE_WITHIN_DAYS,
    BerkeParam.INVITATION_MESSAGE,
]

JOBS = [
    BerkeJob.model_validate({BerkeParam.SOURCE_JOB_ID: "J-ENG", "name": "Engineer"}),
    BerkeJob.model_validate({BerkeParam.SOURCE_JOB_ID: "J-SALES", "name": "sales manager"}),
    BerkeJob.model_validate({BerkeParam.SOURCE_JOB_ID: "J-NURSE", "name": "Nurse"}),
]


@pytest.fixture
def open_form(qtbot: QtBot) -> Any:
    def make(order: AssessmentOrder | None = None, jobs: bool = True) -> BerkeAssessmentForm:
        form = BerkeAssessmentForm(order or make_order())
        qtbot.addWidget(form)
        if jobs:
            form.set_jobs(JOBS)
        show_exposed(qtbot, form)
        return form

    return make


def label(form: BerkeAssessmentForm, name: str) -> QLabel:
    found = form.findChild(QLabel, name)
    assert found is not None, name
    return found


def error(form: BerkeAssessmentForm, alias: str) -> str:
    """The error shown under a field ("" when none is visible)."""
    line = label(form, f"error_{alias}")
    return line.text() if line.isVisible() else ""


def advice(form: BerkeAssessmentForm, alias: str) -> str:
    line = label(form, f"advice_{alias}")
    return line.text() if line.isVisible() else ""


def create_enabled(form: BerkeAssessmentForm) -> bool:
    return form.create_button.isEnabled()


def test_prefills_the_candidate_and_is_ready_to_create(open_form: Any) -> None:
    form = open_form()
    assert form.windowTitle() == "Create Berke assessment — Zoë Müller"
    assert form.first_name.text() == "Zoë"
    assert form.last_name.text() == "Müller"
    assert form.email_address.text() == "zoe@example.com"
    assert form.phone_number.text() == "+49 30 1234"
    # Never the SmartRecruiters candidate id (shared by the candidate's orders): empty, meaning
    # the order's own id, which the placeholder shows.
    assert form.source_candidate_id.text() == ""
    assert form.source_candidate_id.placeholderText() == stable_candidate_id(form._order.id)
    assert form.action.currentData() == 1
    assert form.findChild(QWidget, "createButton") is form.create_button
    assert create_enabled(form)
    assert all(not error(form, alias) for alias in FIELDS)
    assert not label(form, "error_form").isVisible()
    request = form.request()
    assert request is not None
    assert request.first_name == "Zoë"


def test_clearing_first_name_shows_required_and_disables_create(
    open_form: Any, qtbot: QtBot
) -> None:
    form = open_form()
    form.first_name.selectAll()
    qtbot.keyClick(form.first_name, Qt.Key.Key_Delete)
    assert error(form, BerkeParam.FIRST_NAME) == "Required."
    assert not create_enabled(form)
    assert form.request() is None
    qtbot.keyClicks(form.first_name, "Zoe")
    assert error(form, BerkeParam.FIRST_NAME) == ""
    assert create_enabled(form)


def test_last_name_of_101_characters_is_refused(open_form: Any) -> None:
    form = open_form()
    form.last_name.setText("é" * 100)
    assert error(form, BerkeParam.LAST_NAME) == ""
    form.last_name.setText("é" * 101)
    assert error(form, BerkeParam.LAST_NAME) == "At most 100 characters (now 101)."
    assert not create_enabled(form)


def test_malformed_email_is_refused(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    form.email_address.clear()
    qtbot.keyClicks(form.email_address, "zoe@example")
    assert error(form, BerkeParam.EMAIL_ADDRESS) == "Is not a well-formed email address."
    assert not create_enabled(form)


def test_action_offers_exactly_the_four_valid_actions(open_form: Any) -> None:
    form = open_form()
    values = [form.action.itemData(i) for i in range(form.action.count())]
    assert values == [1, 2, 4, 5]
    for i, value in enumerate(values):
        assert COMPLETION_ACTIONS[value] in form.action.itemText(i)


def test_report_list_only_for_action_5_and_required_then(open_form: Any) -> None:
    form = open_form()
    assert not form.email_report_to_list.isVisible()
    form.action.setCurrentIndex(form.action.findData(5))
    assert form.email_report_to_list.isVisible()
    assert (
        error(form, BerkeParam.EMAIL_REPORT_TO_LIST)
        == "Required for this action: one or more addresses."
    )
    assert not create_enabled(form)

    form.email_report_to_list.setText("a@example.com, not-an-address")
    assert "not-an-address" in error(form, BerkeParam.EMAIL_REPORT_TO_LIST)
    form.email_report_to_list.setText("a@example.com, b@example.org")
    assert error(form, BerkeParam.EMAIL_REPORT_TO_LIST) == ""
    assert create_enabled(form)
    request = form.request()
    assert request is not None
    assert request.to_params()[BerkeParam.EMAIL_REPORT_TO_LIST] == "a@example.com,b@example.org"

    # Another action hides the list, and a half-typed list left behind does not block Create.
    form.email_report_to_list.setText("half@")
    form.action.setCurrentIndex(form.action.findData(2))
    assert not form.email_report_to_list.isVisible()
    assert create_enabled(form)
    request = form.request()
    assert request is not None
    assert BerkeParam.EMAIL_REPORT_TO_LIST not in request.to_params()


def test_reminder_days_1_is_refused_and_the_offered_values_pass(
    open_form: Any, qtbot: QtBot
) -> None:
    form = open_form()
    box = form.complete_within_days
    offered = [box.itemText(i) for i in range(box.count())]
    assert offered[:3] == ["Account default", NO_REMINDERS, "2 days"]
    assert offered[-1] == "21 days"
    assert "1 days" not in offered

    box.lineEdit().clear()
    qtbot.keyClicks(box.lineEdit(), "1")
    assert box.currentText() == "1"  # typed text is not completed into "10"
    assert "0 (no reminders) or 2 to 21 days" in error(form, BerkeParam.COMPLETE_WITHIN_DAYS)
    assert not create_enabled(form)
    box.setEditText("22")
    assert error(form, BerkeParam.COMPLETE_WITHIN_DAYS)

    box.setCurrentIndex(box.findText(NO_REMINDERS))
    assert error(form, BerkeParam.COMPLETE_WITHIN_DAYS) == ""
    request = form.request()
    assert request is not None
    assert request.to_params()[BerkeParam.COMPLETE_WITHIN_DAYS] == 0
    box.setCurrentIndex(box.findText("14 days"))
    request = form.request()
    assert request is not None
    assert request.to_params()[BerkeParam.COMPLETE_WITHIN_DAYS] == 14
    box.setCurrentIndex(0)
    request = form.request()
    assert request is not None
    assert BerkeParam.COMPLETE_WITHIN_DAYS not in request.to_params()


def test_relative_redirect_url_is_refused(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    qtbot.keyClicks(form.redirect_url, "/thanks")
    assert "absolute URL" in error(form, BerkeParam.REDIRECT_URL)
    assert not create_enabled(form)
    form.redirect_url.setText("https://example.com/thanks")
    assert error(form, BerkeParam.REDIRECT_URL) == ""
    assert create_enabled(form)


def test_a_redirect_url_with_no_port_number_says_so_at_its_field(
    open_form: Any, qtbot: QtBot
) -> None:
    form = open_form()
    qtbot.keyClicks(form.redirect_url, "https://example.com:8o8o/thanks")
    assert "“8o8o” where a port number (1 to 65535) goes" in error(form, BerkeParam.REDIRECT_URL)
    assert not create_enabled(form)


def test_an_invisible_character_pasted_into_a_name_is_refused_at_it(open_form: Any) -> None:
    """Berke answers in XML, which cannot carry it: the answer came back about "another
    candidate" while the assessment was made."""
    form = open_form()
    form.last_name.setText("Lindqvist\x02")
    assert "invisible character Berke cannot take (U+0002" in error(form, BerkeParam.LAST_NAME)
    assert not create_enabled(form)
    form.last_name.setText("Lindqvist")
    assert error(form, BerkeParam.LAST_NAME) == ""
    assert create_enabled(form)


def test_html_in_the_message_is_refused_and_counted(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    assert form.message_counter.text() == "0 / 1000"
    qtbot.keyClicks(form.invitation_message, "Hello <b>you</b>")
    assert form.message_counter.text() == "16 / 1000"
    assert error(form, BerkeParam.INVITATION_MESSAGE) == (
        "Must not contain HTML markup (a tag such as <b>, or &amp;)."
    )
    assert not create_enabled(form)
    form.invitation_message.setPlainText("Dear Zoë, a < b and that is fine.")
    assert error(form, BerkeParam.INVITATION_MESSAGE) == ""
    assert create_enabled(form)


def test_counter_counts_characters_and_the_limit_is_enforced(open_form: Any) -> None:
    form = open_form()
    form.invitation_message.setPlainText("é" * 1000)
    assert form.message_counter.text() == "1000 / 1000"
    assert create_enabled(form)
    form.invitation_message.setPlainText("é" * 1001)
    assert form.message_counter.text() == "1001 / 1000"
    assert error(form, BerkeParam.INVITATION_MESSAGE) == "At most 1000 characters (now 1001)."
    assert not create_enabled(form)


def test_warnings_show_in_their_own_lines_and_never_block_create(open_form: Any) -> None:
    form = open_form(make_order(email=None))
    assert form.email_address.text() == ""
    assert "no reminder emails" in advice(form, BerkeParam.EMAIL_ADDRESS)
    assert error(form, BerkeParam.EMAIL_ADDRESS) == ""
    assert create_enabled(form)

    form.action.setCurrentIndex(form.action.findData(4))
    assert "nothing will be sent" in advice(form, BerkeParam.ON_COMPLETE_ACTION)
    form.invitation_message.setPlainText("Please complete this TODAY!")
    message_advice = advice(form, BerkeParam.INVITATION_MESSAGE)
    assert "Exclamation marks" in message_advice
    assert "TODAY" in message_advice
    assert create_enabled(form)
    # Advice and error lines look different (amber against red).
    assert text_colour(label(form, f"advice_{BerkeParam.EMAIL_ADDRESS}")) != text_colour(
        label(form, f"error_{BerkeParam.EMAIL_ADDRESS}")
    )

    # A mistake elsewhere does not make the warnings disappear.
    form.first_name.clear()
    assert not create_enabled(form)
    assert "no reminder emails" in advice(form, BerkeParam.EMAIL_ADDRESS)


def test_choosing_action_5_keeps_the_other_fields_warnings(open_form: Any) -> None:
    """Before: action 5 with its report list still empty (or wrong) wiped every other
    warning — no email address, the message's spam advice — though those fields had not
    changed: the stand-in request kept action 5 without its list, and was refused too."""
    form = open_form(make_order(email=None))
    form.invitation_message.setPlainText("Please complete this TODAY!")
    assert "no reminder emails" in advice(form, BerkeParam.EMAIL_ADDRESS)
    assert "Exclamation marks" in advice(form, BerkeParam.INVITATION_MESSAGE)

    form.action.setCurrentIndex(form.action.findData(5))
    assert error(form, BerkeParam.EMAIL_REPORT_TO_LIST)  # empty: required for action 5
    assert "no reminder emails" in advice(form, BerkeParam.EMAIL_ADDRESS)
    assert "Exclamation marks" in advice(form, BerkeParam.INVITATION_MESSAGE)

    form.email_report_to_list.setText("a@example.com, not-an-address")
    assert "not-an-address" in error(form, BerkeParam.EMAIL_REPORT_TO_LIST)
    assert "no reminder emails" in advice(form, BerkeParam.EMAIL_ADDRESS)
    assert "Exclamation marks" in advice(form, BerkeParam.INVITATION_MESSAGE)


def test_fields_carry_accessible_names_and_rules(open_form: Any) -> None:
    form = open_form()
    assert form.first_name.accessibleName() == "First name"
    assert form.first_name.toolTip() == "Required, 1–100 characters."
    assert "1–100" in form.first_name.accessibleDescription()
    form.first_name.clear()
    assert form.first_name.accessibleDescription() == "Required."


def test_jobs_load_then_the_matching_job_is_preselected(open_form: Any) -> None:
    form = open_form(jobs=False)
    assert form.job.currentText() == LOADING_JOBS
    assert not form.job.isEnabled()
    assert not create_enabled(form)  # the job shown must be the job sent

    form.set_jobs(JOBS)
    assert form.job.isEnabled()
    assert form.job.itemText(0) == COMPANY_DEFAULT_JOB
    assert [form.job.itemText(i) for i in range(1, form.job.count())] == [
        "Engineer",
        "Nurse",
        "sales manager",
    ]
    assert form.job.currentData() == "J-SALES"
    assert create_enabled(form)
    request = form.request()
    assert request is not None
    assert request.to_params()[BerkeParam.SOURCE_JOB_ID] == "J-SALES"

    form.job.setCurrentIndex(0)
    request = form.request()
    assert request is not None
    assert BerkeParam.SOURCE_JOB_ID not in request.to_params()


def test_no_matching_job_says_so_and_keeps_the_company_default(open_form: Any) -> None:
    form = open_form(make_order(job_name="Astronaut"), jobs=False)
    form.set_jobs(JOBS)
    assert form.job.currentText() == COMPANY_DEFAULT_JOB
    assert "Astronaut" in form.job_status.text()
    assert form.job_status.isVisible()


def test_jobs_failing_leaves_the_company_default_usable(open_form: Any) -> None:
    form = open_form(jobs=False)
    form.set_jobs_failed("Berke did not answer.")
    assert form.job.isEnabled()
    assert form.job.count() == 1
    assert form.job.currentText() == COMPANY_DEFAULT_JOB
    assert "Berke did not answer." in form.job_status.text()
    assert form.job_status.isVisible()
    assert create_enabled(form)


def test_create_emits_the_request_and_turns_busy(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    form.username.setText("coordinator@berke")
    form.source_department_id.setText("D-9")
    form.redirect_url.setText("https://example.com/done")
    form.invitation_message.setPlainText("Dear Zoë, please take the assessment.")
    with qtbot.waitSignal(form.submitted) as blocker:
        qtbot.mouseClick(form.create_button, Qt.MouseButton.LeftButton)
    request = blocker.args[0]
    assert isinstance(request, CreateAssessmentRequest)
    assert request.to_params() == {
        BerkeParam.FIRST_NAME: "Zoë",
        BerkeParam.LAST_NAME: "Müller",
        BerkeParam.EMAIL_ADDRESS: "zoe@example.com",
        BerkeParam.PHONE_NUMBER: "+49 30 1234",
        BerkeParam.SOURCE_JOB_ID: "J-SALES",
        BerkeParam.SOURCE_DEPARTMENT_ID: "D-9",
        BerkeParam.USERNAME: "coordinator@berke",
        BerkeParam.ON_COMPLETE_ACTION: 1,
        BerkeParam.REDIRECT_URL: "https://example.com/done",
        BerkeParam.INVITATION_MESSAGE: "Dear Zoë, please take the assessment.",
    }
    assert form.is_busy()
    assert form.create_button.text() == BUSY_TEXT
    assert not create_enabled(form)


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_ctrl_enter_submits_from_any_field(open_form: Any, qtbot: QtBot, key: Qt.Key) -> None:
    form = open_form()
    form.activateWindow()
    form.invitation_message.setFocus()
    QApplication.processEvents()
    with qtbot.waitSignal(form.submitted):
        qtbot.keyClick(form.invitation_message, key, Qt.KeyboardModifier.ControlModifier)
    assert form.invitation_message.toPlainText() == ""  # the shortcut typed no new line


def test_plain_enter_does_not_submit(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    form.first_name.setFocus()
    with qtbot.assertNotEmitted(form.submitted, wait=50):
        qtbot.keyClick(form.first_name, Qt.Key.Key_Return)
    assert form.isVisible()


def test_ctrl_enter_does_nothing_while_invalid(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    form.first_name.clear()
    form.first_name.setFocus()
    with qtbot.assertNotEmitted(form.submitted, wait=50):
        qtbot.keyClick(form.first_name, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_busy_blocks_a_second_submit_and_closing(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    sent: list[object] = []
    form.submitted.connect(sent.append)
    qtbot.mouseClick(form.create_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(form.create_button, Qt.MouseButton.LeftButton)
    form.submit()
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(sent) == 1
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    assert form.isVisible()  # closing mid-call would hide whether it was created

    form.set_busy(False)
    assert form.create_button.text() == CREATE_TEXT
    assert create_enabled(form)
    form.set_busy(True)
    assert not create_enabled(form)
    assert form.create_button.text() == BUSY_TEXT


def test_escape_closes_when_idle(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    with qtbot.waitSignal(form.rejected):
        qtbot.keyClick(form.first_name, Qt.Key.Key_Escape)
    assert not form.isVisible()


def test_server_error_goes_under_the_named_field_and_keeps_the_input(
    open_form: Any, qtbot: QtBot
) -> None:
    form = open_form()
    form.source_department_id.setText("D-404")
    form.submit()
    form.show_server_error("Department not found", BerkeParam.SOURCE_DEPARTMENT_ID)
    assert error(form, BerkeParam.SOURCE_DEPARTMENT_ID) == "Department not found"
    assert form.source_department_id.text() == "D-404"
    assert form.isVisible()
    assert not form.is_busy()
    assert not create_enabled(form)  # the same value would fail the same way
    qtbot.keyClicks(form.source_department_id, "1")
    assert error(form, BerkeParam.SOURCE_DEPARTMENT_ID) == ""
    assert create_enabled(form)


def test_server_error_matches_berke_spelling_in_any_case(open_form: Any) -> None:
    form = open_form()
    form.show_server_error("Unknown job", "SOURCEJOBID")
    assert error(form, BerkeParam.SOURCE_JOB_ID) == "Unknown job"


def test_server_error_without_a_known_field_is_shown_for_the_form(open_form: Any) -> None:
    form = open_form()
    form.submit()
    form.show_server_error("Invalid or inactive API key", "apiToken")
    form_error = label(form, "error_form")
    assert form_error.isVisible()
    assert form_error.text() == "Invalid or inactive API key"
    assert create_enabled(form)  # a retry may succeed; nothing in the form is wrong
    form.show_server_error("Company inactive", None)
    assert form_error.text() == "Company inactive"
    # A field that is not on screen (the list, unless action 5) cannot show it either.
    form.show_server_error("Bad list", BerkeParam.EMAIL_REPORT_TO_LIST)
    assert form_error.text() == "Bad list"


def test_tab_order_follows_the_rows(open_form: Any) -> None:
    form = open_form()
    form.action.setCurrentIndex(form.action.findData(5))
    form.email_report_to_list.setText("hm@example.com")
    form.cancel_button.setAccessibleName("Cancel")
    expected: list[QWidget] = [
        form.first_name,
        form.last_name,
        form.email_address,
        form.phone_number,
        form.source_candidate_id,
        form.job,
        form.source_department_id,
        form.username,
        form.action,
        form.email_report_to_list,
        form.redirect_url,
        form.complete_within_days,
        form.invitation_message,
        *left_to_right(form.cancel_button, form.create_button),  # as the platform places them
    ]
    form.activateWindow()
    form.first_name.setFocus()
    QApplication.processEvents()
    visited: list[QWidget] = []
    for _ in expected:
        focused = QApplication.focusWidget()
        assert focused is not None
        # An editable combo's own line edit takes the focus on its behalf.
        inside_combo = focused.parentWidget() is form.complete_within_days
        visited.append(form.complete_within_days if inside_combo else focused)
        QTest.keyClick(focused, Qt.Key.Key_Tab)
    assert [w.objectName() or w.accessibleName() for w in visited] == [
        w.objectName() or w.accessibleName() for w in expected
    ]
    assert all(seen is wanted for seen, wanted in zip(visited, expected, strict=True))


# -- issue 17: every seed rule where the coordinator acts ------------------------------------


def test_a_sensitive_id_is_refused_with_the_seeds_reason(open_form: Any, qtbot: QtBot) -> None:
    form = open_form()
    qtbot.keyClicks(form.source_candidate_id, "123-45-6789")  # typed by the coordinator
    shown = error(form, BerkeParam.SOURCE_CANDIDATE_ID)
    assert shown.startswith("Looks like a US social security number.")
    assert "Do not use Social Security Numbers, bank IDs" in shown
    assert not create_enabled(form)
    form.source_candidate_id.setText("DE89 3704 0044 0532 0130 00")
    assert "IBAN" in error(form, BerkeParam.SOURCE_CANDIDATE_ID)
    # A plain HRIS number of nine digits is just that: no error, no warning.
    form.source_candidate_id.setText("123456789")
    assert error(form, BerkeParam.SOURCE_CANDIDATE_ID) == ""
    assert advice(form, BerkeParam.SOURCE_CANDIDATE_ID) == ""
    assert create_enabled(form)


MATCH_JOBS = [
    BerkeJob.model_validate(
        {
            BerkeParam.SOURCE_JOB_ID: "J-SALES",
            "name": "Sales Manager",
            "lengthSeconds": 2100,
            "matchEnabled": True,
        }
    ),
    BerkeJob.model_validate(
        {
            BerkeParam.SOURCE_JOB_ID: "J-PERS",
            "name": "Personality only",
            "length": "00:20:00",
            "matchEnabled": "false",
        }
    ),
]


def test_the_job_picker_shows_length_and_match_and_warns_without_match(open_form: Any) -> None:
    form = open_form(jobs=False)
    form.set_jobs(MATCH_JOBS)
    offered = [form.job.itemText(i) for i in range(form.job.count())]
    assert offered == [
        COMPANY_DEFAULT_JOB,
        "Personality only — 20 min · no match score",
        "Sales Manager — 35 min · match score",
    ]
    assert form.job.currentData() == "J-SALES"  # the order's job
    assert advice(form, BerkeParam.SOURCE_JOB_ID) == ""
    form.job.setCurrentIndex(form.job.findData("J-PERS"))
    warning = advice(form, BerkeParam.SOURCE_JOB_ID)
    assert "“Personality only” gives no match score" in warning
    assert "this order's result is the candidate's job fit" in warning
    assert create_enabled(form)  # a warning, not an error
    form.job.setCurrentIndex(0)  # the company default: Berke did not say, so nothing to warn
    assert advice(form, BerkeParam.SOURCE_JOB_ID) == ""


def test_the_form_says_which_user_and_department_apply(qtbot: QtBot) -> None:
    form = BerkeAssessmentForm(make_order(), default_username="hanna.hr")
    qtbot.addWidget(form)
    form.set_jobs(JOBS)
    show_exposed(qtbot, form)
    assert form.username.placeholderText() == "hanna.hr"
    assert form.user_context.isVisible()
    assert "“hanna.hr”, this connection's Berke user" in form.user_context.text()
    assert "Manager Name on all its reports" in form.user_context.text()
    assert "joins the department of “hanna.hr”" in form.department_context.text()
    assert not form.action_context.isVisible()

    form.action.setCurrentIndex(form.action.findData(2))
    assert form.action_context.isVisible()
    assert "emails the hiring-manager report to “hanna.hr”" in form.action_context.text()

    qtbot.keyClicks(form.username, "lars")
    assert "Berke user “lars” (typed here)" in form.user_context.text()
    assert "department of “lars”" in form.department_context.text()
    assert "report to Berke user “lars”" in form.action_context.text()
    qtbot.keyClicks(form.source_department_id, "SALES")
    assert form.department_context.text() == "Department “SALES” (typed here)."


def test_action_2_without_any_user_says_who_receives_the_report(open_form: Any) -> None:
    form = open_form()  # no user in the form, none in the connection
    assert "the API's default user" in form.user_context.text()
    form.action.setCurrentIndex(form.action.findData(2))
    said = form.action_context.text()
    assert said.startswith("No Berke user is set here or in the connection")
    assert "report to the API's default user" in said
    assert create_enabled(form)


def test_the_redirect_url_says_it_may_be_hit_several_times(open_form: Any) -> None:
    form = open_form()
    assert form.redirect_note.isVisible()
    assert "again each time they reopen it" in form.redirect_note.text()
    assert "several visits" in form.redirect_note.text()


def test_an_address_berke_would_refuse_is_refused_in_the_form(open_form: Any) -> None:
    # Found in the demo data: the sandbox's Berke refused it after submit.
    form = open_form(make_order(email="mette.kjær22@mail.example.org"))
    assert error(form, BerkeParam.EMAIL_ADDRESS) == "Is not a well-formed email address."
    assert not create_enabled(form)
    form.email_address.setText("mette.kjaer22@mail.example.org")
    assert create_enabled(form)


def test_a_complaint_about_a_row_hidden_since_is_dropped_and_create_offered(
    open_form: Any,
) -> None:
    """Before: Berke refused the report list (action 5); the coordinator chose action 1, the
    list's row and its complaint were hidden, and Create stayed off without a word."""
    form = open_form()
    form.action.setCurrentIndex(form.action.findData(5))
    form.email_report_to_list.setText("hr@example.com")
    form.submit()
    form.show_server_error("The report's address list was not accepted.", "emailReportToList")
    assert error(form, BerkeParam.EMAIL_REPORT_TO_LIST) != ""
    assert not create_enabled(form)
    form.action.setCurrentIndex(form.action.findData(1))
    assert form.errors() == {}
    assert not label(form, "error_form").isVisible()
    assert create_enabled(form)


def test_the_keyboard_is_back_where_it_was_after_an_answer_naming_no_field(
    open_form: Any, qtbot: QtBot
) -> None:
    """Before: locked while sending, the field lost the keyboard, and an answer naming no
    field (a throttle, the network) left it nowhere: Tab started again at First name."""
    form = open_form()
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    form.invitation_message.setFocus()
    qtbot.waitUntil(form.invitation_message.hasFocus)
    qtbot.keyClick(form.invitation_message, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.is_busy()
    form.show_server_error("Berke: too many calls; try again in a minute.", None)
    assert QApplication.focusWidget() is form.invitation_message


def test_no_matching_job_is_said_only_while_no_job_is_chosen(open_form: Any) -> None:
    """Before: "No Berke job matches" stayed beside the job the coordinator chose."""
    form = open_form(make_order(job_name="Astronaut"), jobs=False)
    form.set_jobs(JOBS)
    assert form.job_status.isVisible()
    form.job.setCurrentIndex(form.job.findData("J-ENG"))
    assert not form.job_status.isVisible()
    form.job.setCurrentIndex(0)  # the company default again
    assert "Astronaut" in form.job_status.text()
    assert form.job_status.isVisible()

    matched = open_form()  # a job matched: no line, not even an empty one
    assert matched.job.currentData() == "J-SALES"
    assert not matched.job_status.isVisible()
    none_listed = open_form(jobs=False)
    none_listed.set_jobs([])
    assert none_listed.job_status.isVisible()
    assert none_listed.job_status.text() == (
        "Berke lists no job for this connection: only the company default job can be chosen."
    )
