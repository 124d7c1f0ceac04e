"""The app quitting (Cmd+Q, the Dock's Quit, a logout) with a dialog open and something typed in
it stops and asks "Discard what you typed?", as Esc does: Keep editing loses nothing, Discard
closes the dialog, and the quit does not go on by itself (the coordinator quits again).

Qt quits by closing the modal dialog first with ``QWindow.close()``: a close event that is not
spontaneous, which only the window's X was asked about. Settings had been fixed on its own; the
Berke form, the order dialogs and the offer form dropped what was typed unasked. A real quit
would end the test run: its first step, ``windowHandle().close()``, stands for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from app.domain.connection import AppSettings
from app.domain.invitation import InvitationText
from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder
from app.store.credentials import KeyStore
from app.ui.common.discard_guard import DiscardGuard
from app.ui.main_window import MainWindow
from app.ui.offers.offer_form import OfferForm
from app.ui.orders.batch_plan_dialog import BatchPlanDialog
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.complete_dialog import CompleteDialog
from app.ui.orders.invite_dialog import InviteDialog
from app.ui.orders.order_dialogs import AcceptDialog, RejectDialog
from app.ui.settings.settings_dialog import SettingsDialog
from app.workflows.batch import PlanKind, PlannedOrder
from app.workflows.board import BatchPlan
from tests.ui.conftest import answer

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

DISCARD_QUESTION = "Close this window and lose what you typed or chose in it?"


def _order(number: int = 7) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": f"order-{number}",
            "status": "NEW",
            "candidate": {"id": f"c-{number}", "firstName": "Zoë", "lastName": "Müller",
                          "email": f"z{number}@example.com"},
            "job": {"name": "Data Analyst"},
            "company": {"name": "Acme"},
        }
    )  # fmt: skip


def _link() -> LinkedAssessment:
    return LinkedAssessment(
        order_id="order-7",
        source_candidate_id="x",
        invitation_code="K7QX2M9P",
        assessment_url="https://berke.example/a/K7QX2M9P",
        created_at=datetime.now(UTC),
    )


Field = QLineEdit | QPlainTextEdit


def _berke(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    form = BerkeAssessmentForm(_order(), parent=parent)
    return form, lambda: form.phone_number


def _invite(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    dialog = InviteDialog(_order(), InvitationText(), parent=parent)
    return dialog, lambda: dialog.message


def _plan(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    planned = [PlannedOrder(_order(n), PlanKind.CREATE) for n in range(3)]
    dialog = BatchPlanDialog(BatchPlan(planned, []), InvitationText(), parent=parent)
    return dialog, lambda: dialog.portal_message


def _complete(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    dialog = CompleteDialog(_order(), parent=parent)
    return dialog, lambda: dialog.title


def _offer(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    form = OfferForm(parent=parent)
    return form, lambda: form.description


def _accept(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    dialog = AcceptDialog(_order(), _link(), parent)
    return dialog, lambda: dialog.message


def _reject(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    dialog = RejectDialog([_order()], parent)
    return dialog, lambda: dialog.reason


def _settings(parent: QWidget) -> tuple[QDialog, Callable[[], Field]]:
    dialog = SettingsDialog(AppSettings(), KeyStore(), parent, write=lambda _s: None)

    def new_profile_name() -> Field:
        dialog.add_profile()  # the built-in profiles' names are fixed
        return dialog.name_edit

    return dialog, new_profile_name


Make = Callable[[QWidget], tuple[QDialog, Callable[[], Field]]]

#: Every dialog the discard guard keeps typed work in, made over the main window, and the
#: field to type in once it is shown.
GUARDED: dict[str, Make] = {
    "berke": _berke,
    "invite": _invite,
    "plan": _plan,
    "complete": _complete,
    "offer": _offer,
    "accept": _accept,
    "reject": _reject,
    "settings": _settings,
}


def _opened(qtbot: QtBot, make: Make, window: MainWindow) -> tuple[QDialog, Field]:
    """The dialog opened window-modal over ``window``, as the app opens it, with words typed."""
    dialog, field_of = make(window)
    with qtbot.waitExposed(dialog):
        dialog.open()
    field = field_of()
    field.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.keyClicks(field, " typed with care")
    return dialog, field


def _text(field: Field) -> str:
    return field.text() if isinstance(field, QLineEdit) else field.toPlainText()


def _quit_closes(dialog: QDialog) -> bool:
    """The first step of the app quitting: the modal dialog closed by ``QWindow.close()``
    (the quit goes on only when it closes)."""
    handle = dialog.windowHandle()
    assert handle is not None
    return handle.close()


def _questions(dialog: QDialog) -> list[QMessageBox]:
    return [box for box in dialog.findChildren(QMessageBox) if box.isVisible()]


@pytest.mark.parametrize("make", GUARDED.values(), ids=GUARDED.keys())
def test_quitting_with_something_typed_stops_and_asks(
    qtbot: QtBot,
    window: MainWindow,
    running_loop: asyncio.AbstractEventLoop,
    make: Make,
) -> None:
    dialog, field = _opened(qtbot, make, window)
    typed = _text(field)
    guard = dialog.findChild(DiscardGuard)
    assert guard is not None

    assert not _quit_closes(dialog)  # refused: the quit stops here
    assert not _quit_closes(dialog)  # quitting again meanwhile: the same one question
    assert answer(qtbot, dialog, "Keep editing") == DISCARD_QUESTION
    qtbot.waitUntil(lambda: not guard.asking)
    assert dialog.isVisible()
    assert _text(field) == typed
    assert not _questions(dialog)

    assert not _quit_closes(dialog)
    with qtbot.waitSignal(dialog.rejected):
        answer(qtbot, dialog, "Discard")
    assert not dialog.isVisible()
    assert window.isVisible()  # the quit did not go on by itself


def test_every_guarded_dialog_is_in_the_quitting_test() -> None:
    """A new dialog with a discard guard is added to ``GUARDED`` above: one that is not would
    lose its typed work on quitting unseen (the guard's users, named by their files)."""
    app = Path(__file__).resolve().parents[2] / "app"
    users = {
        path.relative_to(app).as_posix()
        for path in app.rglob("*.py")
        if "DiscardGuard(" in path.read_text(encoding="utf-8") and path.name != "discard_guard.py"
    }
    assert users == {
        "ui/common/validated_form.py",  # the Berke, invite, plan, complete and offer forms
        "ui/orders/order_dialogs.py",  # accept and reject
        "ui/settings/settings_dialog.py",
    }


def test_the_quit_action_with_something_typed_stops_and_asks(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    """File > Quit (Ctrl+Q; on the Mac, Cmd+Q and the Dock's Quit come to it) closed the main
    window, and the app ended with it, under a dialog whose words had not been sent."""
    dialog, field = _opened(qtbot, _reject, window)
    guard = dialog.findChild(DiscardGuard)
    assert guard is not None
    assert not window.close()
    assert answer(qtbot, dialog, "Keep editing") == DISCARD_QUESTION
    qtbot.waitUntil(lambda: not guard.asking)
    assert window.isVisible()
    assert dialog.isVisible()
    assert _text(field).endswith("typed with care")


def test_the_quit_action_with_nothing_typed_closes(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    dialog = RejectDialog([_order()], window)
    with qtbot.waitExposed(dialog):
        dialog.open()
    assert window.close()
    assert not _questions(dialog)


class _Logout:
    """What a logout's ``QSessionManager`` is asked (Qt makes the real one)."""

    def __init__(self, *, interaction: bool = True) -> None:
        self.interaction = interaction
        self.said: list[str] = []

    def allowsInteraction(self) -> bool:
        self.said.append("allowsInteraction")
        return self.interaction

    def cancel(self) -> None:
        self.said.append("cancel")

    def release(self) -> None:
        self.said.append("release")


def test_a_logout_with_something_typed_stops_and_asks(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    """On Windows and Linux a logout only asks the app to keep its work (``commitDataRequest``):
    Qt 6 closes no window for it, and the app ended with the dialog's words unsent."""
    from app.ui.main_window import keep_typed_work_on_logout  # here: one test, not the file

    dialog, field = _opened(qtbot, _reject, window)
    logout = _Logout()
    keep_typed_work_on_logout(window, logout)  # type: ignore[arg-type]
    assert logout.said == ["allowsInteraction", "cancel", "release"]
    assert answer(qtbot, dialog, "Keep editing") == DISCARD_QUESTION
    assert dialog.isVisible()
    assert _text(field).endswith("typed with care")

    nothing_typed = _Logout()
    dialog.reject()  # the program's close: not asked about
    keep_typed_work_on_logout(window, nothing_typed)  # type: ignore[arg-type]
    assert nothing_typed.said == []
