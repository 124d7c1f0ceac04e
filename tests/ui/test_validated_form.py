"""A validated form: it refuses to close while busy, names a field not on screen, a refusal
naming no field is said in the focused widget's description, then given back, and it opens
showing every row when the screen has the room."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from app.ui.common.refusal_at_focus import RefusalAtFocus
from app.ui.common.screens import TITLE_BAR, available_room
from app.ui.common.validated_form import ValidatedForm
from tests.ui.clipping import settle
from tests.ui.conftest import show_exposed

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


class Form(ValidatedForm[str]):
    def __init__(self) -> None:
        super().__init__(submit_text="Create", busy_text="Creating…", submit_name="create",
                         submit_tip="Create it")  # fmt: skip
        self.name = QLineEdit("Ana")
        self.email = QLineEdit("ana@example.com")
        self.email_shown = True
        self.sent: list[str] = []
        self._add("name", "&Name", self.name, "A name.")
        self._add("email", "&Email", self.email, "An email.")
        self._finish()

    def _check(self) -> tuple[str | None, dict[str, str]]:
        if not self.name.text():
            return None, {"name": "A name is needed."}
        return self.name.text(), {}

    def _send(self, value: str) -> None:
        self.sent.append(value)

    def _row_shown(self, key: str) -> bool:
        return key != "email" or self.email_shown


def form_of(qtbot: QtBot) -> Form:
    form = Form()
    qtbot.addWidget(form)
    return form


def test_a_complaint_holds_until_its_field_is_edited(qtbot: QtBot) -> None:
    form = form_of(qtbot)
    form.submit()
    form.show_server_error("Name already taken", "name")
    assert form.errors() == {"name": "Name already taken"}
    assert not form.submit_button.isEnabled()
    form.submit()
    assert form.sent == ["Ana"]  # not sent again while the complaint stands
    form.name.setText("Ana B")
    assert form.errors() == {}
    assert form.submit_button.isEnabled()


def test_a_busy_form_refuses_to_close(qtbot: QtBot) -> None:
    form = form_of(qtbot)
    show_exposed(qtbot, form)
    form.submit()
    assert form.is_busy()
    form.reject()
    assert form.isVisible()
    form.set_busy(False)
    form.reject()
    assert not form.isVisible()


def test_a_complaint_naming_a_hidden_row_is_said_at_the_foot(qtbot: QtBot) -> None:
    form = form_of(qtbot)
    form.email_shown = False
    form.submit()
    form.show_server_error("Email refused", "EMAIL")
    assert form.form_error.text() == "Email refused"
    assert form.submit_button.isEnabled()


def test_a_complaint_on_a_row_that_goes_is_over(qtbot: QtBot) -> None:
    form = form_of(qtbot)
    form.submit()
    form.show_server_error("Email refused", "email")
    assert not form.submit_button.isEnabled()
    form.email_shown = False
    form.name.setText("Ana B")  # any edit revalidates
    assert form.submit_button.isEnabled()


def test_a_problem_of_a_field_not_on_screen_names_it(qtbot: QtBot) -> None:
    form = form_of(qtbot)
    form._server_errors["phone"] = "Not a number"
    form._revalidate()
    assert form.form_error.text() == "phone: Not a number"


def test_a_refusal_naming_no_field_is_in_the_focused_widgets_description(
    qtbot: QtBot,
) -> None:
    form = form_of(qtbot)
    show_exposed(qtbot, form)
    form.activateWindow()
    form.name.setFocus()
    qtbot.waitUntil(lambda: form.focusWidget() is form.name)
    form.submit()
    form.show_server_error("Berke is down")
    focused = form.focusWidget()
    assert focused is not None
    assert focused.accessibleDescription() == "Berke is down"


def test_the_keyboard_is_back_where_it_was_after_the_answer(qtbot: QtBot) -> None:
    form = form_of(qtbot)
    show_exposed(qtbot, form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    form.email.setFocus()
    qtbot.waitUntil(lambda: form.focusWidget() is form.email)
    form.submit()
    form.set_busy(False)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.email, timeout=1000)


class Host(QWidget):
    pass


def test_refusal_gives_the_widget_its_own_description_back(qtbot: QtBot) -> None:
    host = Host()
    qtbot.addWidget(host)
    a, b = QLineEdit(host), QLineEdit(host)
    a.setAccessibleDescription("own a")
    b.setAccessibleDescription("own b")
    show_exposed(qtbot, host)
    host.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is host)
    refusal = RefusalAtFocus(host)
    a.setFocus()
    qtbot.waitUntil(lambda: host.focusWidget() is a)
    refusal.say("Refused")
    assert a.accessibleDescription() == "Refused"
    b.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(lambda: host.focusWidget() is b)
    refusal.say("Refused again")  # the first is cleared first
    assert a.accessibleDescription() == "own a"
    assert b.accessibleDescription() == "Refused again"
    b.setAccessibleDescription("the field's own problem")  # the form said more since
    refusal.clear()
    assert b.accessibleDescription() == "the field's own problem"


class TallForm(ValidatedForm[str]):
    """One row of ``height`` px."""

    def __init__(self, height: int) -> None:
        super().__init__(submit_text="Save", busy_text="Saving…", submit_name="save",
                         submit_tip="Save it")  # fmt: skip
        self.notes = QPlainTextEdit("notes")
        self.notes.setFixedHeight(height)
        self._add("notes", "&Notes", self.notes, "Notes.")
        self._finish()

    def _check(self) -> tuple[str | None, dict[str, str]]:
        return self.notes.toPlainText(), {}

    def _send(self, value: str) -> None:
        pass


def test_a_tall_form_opens_as_tall_as_the_screen_lets_a_window_be(qtbot: QtBot) -> None:
    """Capped at 90 % of the screen, the offer form opened 720 px tall on 1280×800 with 724 px
    of rows: the last ones, its Cost's fix among them, were under a scroll."""
    probe = TallForm(100)
    qtbot.addWidget(probe)
    room = available_room(probe).height() - TITLE_BAR
    # Its rows 10 px short of the room a window has: more than 90 % of the screen.
    form = TallForm(100 + room - 10 - probe._preferred_size().height())
    qtbot.addWidget(form)
    form.resize(form._preferred_size())
    show_exposed(qtbot, form)
    settle()
    assert form._scroll.verticalScrollBar().maximum() == 0, "its rows are under a scroll"
    assert available_room(form).height() * 0.9 < form.height() <= room
