"""The Accept dialog checks the assessment URL as the preview does (it opens without the
preview, Ctrl+Shift+A): a link that opens another place than it shows is refused, a plain
http one is sent only once "Send this URL anyway" is ticked. Before, it showed no warning and
sent both to SmartRecruiters and the candidate portal."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel

from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.sr_limits import SR_MESSAGE_MAX
from app.ui.orders.order_dialogs import AcceptDialog
from tests.ui.clipping import clipped, settle
from tests.ui.conftest import show_exposed
from tests.ui.contrast import WCAG_MIN, app_palette, dark_palette, painted_contrast, text_colour

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

CODE = "ABC123"
ORDER = AssessmentOrder.model_validate(
    {"id": "o-1", "status": "NEW", "candidate": {"id": "c", "firstName": "Ana", "lastName": "Lima"}}
)


def dialog(
    qtbot: QtBot, url: str, code: str = CODE, *, allow_http_loopback: bool = True
) -> AcceptDialog:
    link = LinkedAssessment(
        order_id="o-1",
        source_candidate_id="S1",
        invitation_code=code,
        assessment_url=url,
        created_at=datetime.now(UTC),
    )
    made = AcceptDialog(ORDER, link, allow_http_loopback=allow_http_loopback)
    qtbot.addWidget(made)
    show_exposed(qtbot, made)
    return made


def problems(form: AcceptDialog) -> str:
    label = form.findChild(QLabel, "acceptUrlProblems")
    assert label is not None
    return label.text() if label.isVisible() else ""


def refusal(form: AcceptDialog) -> QLabel:
    label = form.findChild(QLabel, "acceptUrlRefusal")
    assert label is not None
    return label


def anyway(form: AcceptDialog) -> QCheckBox:
    box = form.findChild(QCheckBox, "acceptUrlAnyway")
    assert box is not None
    return box


def ctrl_enter(form: AcceptDialog) -> None:
    QTest.keyClick(form.message, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


@pytest.mark.parametrize(
    ("url", "code", "said"),
    [
        (f"https://assess.berke.com@evil.example/start/{CODE}", CODE, "evil.example"),
        ("https://assess.berke.com/start/\u202e" + CODE, "\u202e" + CODE, "invisible marks"),
    ],
    ids=["site-before-@", "rtl-mark"],
)
def test_a_link_that_opens_elsewhere_or_hides_characters_is_refused(
    qtbot: QtBot, url: str, code: str, said: str
) -> None:
    form = dialog(qtbot, url, code)
    assert said in problems(form)
    assert problems(form).startswith("⚠")
    assert refusal(form).isVisible()
    assert refusal(form).text().startswith("Accept is refused")
    assert not anyway(form).isVisible()  # nothing to tick: it is never sent
    assert not form.ok.isEnabled()
    assert form.ok.toolTip() == refusal(form).text()
    ctrl_enter(form)
    form.accept()  # a caller's accept() too
    assert form.isVisible()
    assert form.result() != QDialog.DialogCode.Accepted.value


def test_plain_http_is_sent_only_once_send_anyway_is_ticked(qtbot: QtBot) -> None:
    form = dialog(qtbot, f"http://assess.berke.com/start/{CODE}")
    assert "not be encrypted" in problems(form)
    assert not refusal(form).isVisible()
    box = anyway(form)
    assert box.isVisible()
    assert not box.isChecked()
    assert not form.ok.isEnabled()
    assert "Send this URL anyway" in form.ok.toolTip()
    ctrl_enter(form)
    assert form.result() != QDialog.DialogCode.Accepted.value
    box.click()
    assert form.ok.isEnabled()
    box.click()  # unticked again: refused again
    assert not form.ok.isEnabled()
    box.click()
    with qtbot.waitSignal(form.submitted):
        ctrl_enter(form)


def test_http_on_this_computer_follows_the_connection(qtbot: QtBot) -> None:
    """The built-in sandbox's URLs are http on 127.0.0.1: fine there, asked about where the
    connection does not allow it."""
    url = f"http://127.0.0.1:8123/start/{CODE}"
    sandbox = dialog(qtbot, url)
    assert problems(sandbox) == ""
    assert not anyway(sandbox).isVisible()
    assert sandbox.ok.isEnabled()
    elsewhere = dialog(qtbot, url, allow_http_loopback=False)
    assert "not be encrypted" in problems(elsewhere)
    assert anyway(elsewhere).isVisible()
    assert not elsewhere.ok.isEnabled()


def test_a_url_that_is_fine_shows_no_warning(qtbot: QtBot) -> None:
    form = dialog(qtbot, f"https://assess.berke.com/start/{CODE}")
    assert problems(form) == ""
    assert not refusal(form).isVisible()
    assert not anyway(form).isVisible()
    assert form.ok.isEnabled()
    assert form.ok.toolTip() == ""
    with qtbot.waitSignal(form.submitted):
        ctrl_enter(form)


def test_every_warning_shows_whole_on_the_screen(qtbot: QtBot) -> None:
    """Several problems wrap over many lines: the dialog opened at its size hint's height cut
    the last one off; a 1,900-character site after the @ made it 14,000 px wide."""
    url = "http://assess.b\u0435rke.com@" + "e" * 1900 + ".example/start/X\u202e" + CODE
    form = dialog(qtbot, url, allow_http_loopback=False)
    assert len(form.url_check.problems) >= 4
    assert form.width() <= 1000
    for label in (form.findChild(QLabel, "acceptUrlProblems"), refusal(form)):
        assert label is not None
        assert label.isVisible()
        assert label.height() >= label.heightForWidth(label.width())
        assert label.mapTo(form, label.rect().bottomLeft()).y() <= form.height()


def test_the_warnings_stay_whole_when_a_refusal_is_said_under_them(qtbot: QtBot) -> None:
    """SmartRecruiters' refusal, said in the dialog once it was open, took its lines from the
    rest: the URL's warning lost its last line."""
    form = dialog(qtbot, f"http://assess.berke.com/start/{CODE}", allow_http_loopback=False)
    anyway(form).setChecked(True)
    with qtbot.waitSignal(form.submitted):
        ctrl_enter(form)
    form.show_server_error(
        "SmartRecruiters: the service refused the request as incorrect. The service said: "
        "“Request is incorrect. The assessment order cannot be accepted with this URL for the "
        "partner configuration of this company; please check the configuration and try again.”"
    )
    settle()
    assert form.server_error.isVisible()
    assert clipped(form) == []


def test_the_warnings_and_the_refusal_read_on_a_dark_palette(qtbot: QtBot) -> None:
    """On a dark desktop palette the URL's warnings, SmartRecruiters' refusal and a message
    too long were drawn in a fixed dark red (#b3261e) on the dark window: about 2:1, under
    WCAG's 3:1. They keep that red on a light palette, and follow a switch while open."""
    form = dialog(qtbot, f"http://assess.berke.com/start/{CODE}", allow_http_loopback=False)
    form.message.setText("x" * (SR_MESSAGE_MAX + 1))
    form.show_server_error("SmartRecruiters: the order is no longer new (409).")
    said = [form.url_problems, form.server_error, form.message_limit]
    assert [text_colour(label) for label in said] == ["#b3261e"] * 3
    with app_palette(qtbot, dark_palette(), form):
        for label in said:
            ratio = painted_contrast(label)
            assert ratio >= WCAG_MIN, f"{label.objectName()}: {ratio:.2f}:1"
    assert [text_colour(label) for label in said] == ["#b3261e"] * 3
