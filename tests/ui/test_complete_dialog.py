"""The complete dialog shows each problem under its own field, in plain text and in words:
never rendered as HTML ("<script>" in a description), never a raw key ("result: Required.")
listed at the bottom; the result types read "URL" and "Video URL"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QWidget

from app.domain.smartrecruiters import AssessmentOrder, ContactPerson, ResultType
from app.domain.sr_limits import SR_MESSAGE_MAX
from app.ui.orders.complete_dialog import CompleteDialog
from tests.ui.conftest import show_exposed

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

ORDER = AssessmentOrder.model_validate(
    {
        "id": "order-1",
        "status": "IN_PROGRESS",
        "candidate": {"id": "c-1", "firstName": "Ana", "lastName": "Lima"},
        "job": {"name": "Nurse"},
    }
)


def dialog(qtbot: QtBot, *, with_message: bool = True) -> CompleteDialog:
    made = CompleteDialog(ORDER, with_message=with_message)
    qtbot.addWidget(made)
    show_exposed(qtbot, made)
    return made


def line(form: CompleteDialog, key: str) -> QLabel:
    found = form.findChild(QLabel, f"error_{key}")
    assert found is not None
    return found


def below(upper: QWidget, lower: QWidget) -> bool:
    top = lower.mapTo(lower.window(), lower.rect().topLeft()).y()
    bottom = upper.mapTo(upper.window(), upper.rect().bottomLeft()).y()
    return top >= bottom


def visible_texts(form: CompleteDialog) -> list[str]:
    return [label.text() for label in form.findChildren(QLabel) if label.isVisible()]


def test_a_script_in_the_description_is_quoted_under_the_field(qtbot: QtBot) -> None:
    form = dialog(qtbot)
    form.description.setPlainText("<p>Fine</p><script>alert(1)</script>")
    error = line(form, "description")
    qtbot.waitUntil(error.isVisible)
    assert error.textFormat() is Qt.TextFormat.PlainText  # shown, not rendered
    assert error.text() == "SmartRecruiters does not allow <script> in a description."
    assert below(form.description, error)
    assert not form.form_error.isVisible()  # nothing listed at the bottom
    assert not form.submit_button.isEnabled()
    form.description.setPlainText("<p><strong>High</strong> fit</p>")
    assert not error.isVisible()
    assert form.submit_button.isEnabled()


def rendered(html: str) -> str:
    """What a recruiter reads: the description laid out as HTML (SmartRecruiters' "limited
    HTML", as the desk's own result card, ``delivery_preview.card_html``, lays it out)."""
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_a_plain_text_description_keeps_its_lines(qtbot: QtBot) -> None:
    """Before: typed over several lines as plain text (which the field's rule invites), the
    description went as it was, and SmartRecruiters, laying it out as HTML, showed the
    recruiter one run-on paragraph; a "<" in it was read as the start of a tag."""
    form = dialog(qtbot, with_message=False)
    typed = "Strong analytical skills.\n\nNeeds coaching on negotiation <& closing>."
    form.description.setPlainText(typed)
    result = form.value()
    assert result is not None  # accepted as typed, nothing said under the field
    assert not line(form, "description").isVisible()
    assert result.description == (
        "<p>Strong analytical skills.</p><p>Needs coaching on negotiation &lt;&amp; "
        "closing&gt;.</p>"
    )
    assert rendered(result.description).splitlines() == [
        "Strong analytical skills.",
        "Needs coaching on negotiation <& closing>.",
    ]
    # HTML goes as typed, and is judged as it goes.
    form.description.setPlainText("<p><strong>High</strong> fit</p>\n<p>Calm</p>")
    result = form.value()
    assert result is not None
    assert result.description == "<p><strong>High</strong> fit</p>\n<p>Calm</p>"


def test_an_address_with_a_bad_port_says_so_not_spaces(qtbot: QtBot) -> None:
    """Before: a URL result whose only fault was its port was blamed on spaces and invisible
    characters it did not hold; the exact reason was known, and dropped."""
    form = dialog(qtbot, with_message=False)
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.URL))
    error = line(form, "result")
    for typed, given in (
        ("https://reports.example.com:84430/r/1", "84430"),  # one digit too many
        ("https://reports.example.com:8O8O/r/1", "8O8O"),  # letters O for zeros
    ):
        form.result_edit.setText(typed)
        qtbot.waitUntil(error.isVisible)
        assert error.text() == (
            "A URL result is the address the recruiter opens: an absolute http:// or "
            f"https:// address; this one has “{given}” where a port number (1 to 65535) "
            "goes, after the server name."
        )
        assert not form.submit_button.isEnabled()


def test_an_empty_result_says_required_under_its_field_without_a_raw_key(qtbot: QtBot) -> None:
    form = dialog(qtbot)
    form.result_edit.clear()
    error = line(form, "result")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == "Required."
    assert below(form.result_edit, error)
    assert not any(text.startswith(("result:", "Result:")) for text in visible_texts(form))
    assert not form.form_error.isVisible()
    assert not form.submit_button.isEnabled()


def test_result_types_say_url_and_video_url(qtbot: QtBot) -> None:
    form = dialog(qtbot)
    names = [form.result_type.itemText(i) for i in range(form.result_type.count())]
    assert names == ["Document", "URL", "Video URL", "Video stream", "Generated URL"]
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.VIDEO_URL))
    form.result_edit.setText("www.example.com/video")
    label = form._rows["result"].label
    assert label.text().replace("&", "") == "Video URL"
    error = line(form, "result")
    qtbot.waitUntil(error.isVisible)
    assert error.text() == (
        "A Video URL result is the address the recruiter opens: an absolute http:// or "
        "https:// address."
    )
    assert "VIDEO_URL" not in " ".join(visible_texts(form))
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.URL))
    assert label.text().replace("&", "") == "URL"
    assert error.text().startswith("A URL result is the address")
    form.result_edit.setText("https://example.com/report")
    assert not error.isVisible()
    assert form.submit_button.isEnabled()


def test_the_documents_name_is_filled_in_for_it_and_only_for_it(qtbot: QtBot) -> None:
    """Before: back on Document after clearing a URL, the field stayed empty ("Required."):
    Qt hands the type back as text, and the check compared it with the enum by identity.
    And "result.pdf" stayed in the field for a URL, to be deleted by hand."""
    form = dialog(qtbot)
    assert form.result_edit.text() == "result.pdf"
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.URL))
    assert form.result_edit.text() == ""
    form.result_edit.setText("https://example.com/report")
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.VIDEO_URL))
    assert form.result_edit.text() == "https://example.com/report"  # typed: kept
    form.result_edit.clear()
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.DOCUMENT))
    assert form.result_edit.text() == "result.pdf"
    assert not line(form, "result").isVisible()
    assert form.submit_button.isEnabled()
    # SmartRecruiters ignores a generated URL's value, but needs one.
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.GENERATED_URL))
    assert form.result_edit.text() == "generated"
    assert form.submit_button.isEnabled()


def test_a_long_message_is_refused_at_its_field_and_a_valid_result_is_handed_on(
    qtbot: QtBot,
) -> None:
    form = dialog(qtbot)
    form.score.setText("87/100")
    form.message.setText("m" * (SR_MESSAGE_MAX + 5))
    error = line(form, "message")
    qtbot.waitUntil(error.isVisible)
    assert error.text().startswith("At most 2,000 characters: this has 2,005 (5 too many).")
    assert len(form.message.text()) == SR_MESSAGE_MAX + 5  # nothing cut
    assert not form.submit_button.isEnabled()
    form.message.setText("Done.")
    with qtbot.waitSignal(form.submitted):
        form.submit_button.click()
    assert form.isVisible()  # open, busy, until the controller has SmartRecruiters' answer
    assert form.is_busy()
    result = form.result_value()
    assert (result.result_type, result.result, result.score) == (
        ResultType.DOCUMENT,
        "result.pdf",
        "87/100",
    )
    assert form.message_text() == "Done."


def test_the_profiles_author_is_sent_whole_and_another_name_without_their_address(
    qtbot: QtBot,
) -> None:
    """Before: a name typed over the profile's author kept the author's email and phone, so
    the recruiter saw one person's name beside another's address; and the author's own name
    was split again at its first space ("Mehmet" and "Ali Yılmaz")."""
    author = ContactPerson(
        first_name="Mehmet Ali", last_name="Yılmaz", email="mehmet@berke.example", phone="+90 1"
    )
    form = CompleteDialog(ORDER, author=author)
    qtbot.addWidget(form)
    show_exposed(qtbot, form)
    assert form.author_name.text() == "Mehmet Ali Yılmaz"
    with qtbot.waitSignal(form.submitted):
        form.submit_button.click()
    assert form.result_value().author == author
    form.set_busy(False)

    form.author_name.setText("Zeynep Kaya")
    with qtbot.waitSignal(form.submitted):
        form.submit_button.click()
    assert form.result_value().author == ContactPerson(first_name="Zeynep", last_name="Kaya")


def test_the_dialog_names_the_candidate_and_job_in_its_body(qtbot: QtBot) -> None:
    form = dialog(qtbot)
    assert form.who.isVisible()
    assert form.who.text() == "Ana Lima · Nurse"
    assert below(form.who, form.result_type)


@pytest.mark.parametrize("with_message", [True, False], ids=["comment-flow", "result-flow"])
def test_the_dialog_says_completing_cannot_be_undone(qtbot: QtBot, with_message: bool) -> None:
    """Complete is final in SmartRecruiters (no later change of state) and goes on one click
    or Ctrl+Enter, yet the dialog said nothing of it, where the Reject dialog says "Rejecting
    cannot be undone." Said in the same words and style, above the fields."""
    form = dialog(qtbot, with_message=with_message)
    explanation = form.findChild(QLabel, "completeExplanation")
    assert explanation is not None
    assert explanation.isVisible()
    assert explanation.text().startswith("<b>Completing cannot be undone.</b>")
    assert "no further change of status" in explanation.text()
    assert below(form.who, explanation)
    assert below(explanation, form.result_type)


def test_the_dialog_opens_without_a_gap_above_its_buttons(qtbot: QtBot) -> None:
    # Sized for a narrower width than it opens at, it wrapped the type's meaning into more
    # lines than shown, and opened with their height empty above the buttons.
    form = dialog(qtbot)
    last_field = form.message.mapTo(form, QPoint(0, form.message.height())).y()
    buttons = form.cancel_button.mapTo(form, QPoint(0, 0)).y()
    assert buttons - last_field <= 16, buttons - last_field


def test_the_message_row_is_there_only_where_the_message_is_sent(qtbot: QtBot) -> None:
    """Completing with the result in one call (the default) sends no comment: the row was
    there all the same, and what was typed in it was lost without a word."""
    form = dialog(qtbot, with_message=False)
    assert not form.message.isVisible()
    assert form.findChild(QLabel, "error_message") is None
    form.message.setText("Please call her before Friday.")
    assert form.message_text() is None


@pytest.mark.parametrize(
    ("pasted", "said"),
    [
        ("https://reports.example.com/r/81\u00a0?lang=en", "no spaces"),
        ("http://:8080/report", "has no server name"),
        ("https://a.test/\tx", "no spaces"),
    ],
    ids=["no-break-space", "no-host", "tab"],
)
def test_a_result_address_smartrecruiters_refuses_is_refused_under_its_field(
    qtbot: QtBot, pasted: str, said: str
) -> None:
    """Before: Complete was enabled, SmartRecruiters refused the address, and the box that
    said so came after the dialog (and all that was typed in it) had gone."""
    form = dialog(qtbot)
    form.result_type.setCurrentIndex(form.result_type.findData(ResultType.URL))
    form.result_edit.setText(pasted)
    error = line(form, "result")
    qtbot.waitUntil(error.isVisible)
    assert said in error.text()
    assert not form.submit_button.isEnabled()
    form.result_edit.setText("https://reports.example.com/r/81?lang=en")
    assert not error.isVisible()
    assert form.submit_button.isEnabled()
