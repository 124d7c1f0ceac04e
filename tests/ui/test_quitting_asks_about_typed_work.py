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
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from app.domain.connection import AppSettings
from app.domain.invitation import InvitationText
from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder
from app.store.credentials import KeyStore
from app.store.instance_lock import InstanceLock
from app.ui import application
from app.ui.common.async_dialogs import confirm
from app.ui.common.discard_guard import DiscardGuard
from app.ui.main_window import MainWindow, keep_typed_work_on_logout
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
from tests.ui.test_marketplace_config_settings import RESULT_URL, _Access, _type

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


def _turn(loop: asyncio.AbstractEventLoop, qtbot: QtBot) -> None:
    """One turn of the loop: a question started by now has opened (in its task's first step)."""
    turned = loop.create_future()
    loop.call_soon(turned.set_result, None)
    qtbot.waitUntil(turned.done)


def test_a_logout_while_settings_asks_its_own_question_asks_nothing_more(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    """OK in Settings with a Marketplace value typed and not saved asks "Marketplace settings
    not saved". A logout then put "Discard what you typed?" over it too: Discard rejected
    Settings under the first question, whose answer then closed a dialog already gone. The
    logout is still cancelled; the question already up is the one left."""
    dialog = settings_with_a_marketplace_value_typed(qtbot, window)
    dialog._ok()
    qtbot.waitUntil(lambda: len(_questions(dialog)) == 1)
    first = [box.text() for box in _questions(dialog)]

    logout = _Logout()
    keep_typed_work_on_logout(window, logout)  # type: ignore[arg-type]
    _turn(running_loop, qtbot)
    assert logout.said == ["allowsInteraction", "cancel", "release"]
    assert [box.text() for box in _questions(dialog)] == first
    assert not dialog.discard_guard.asking
    assert answer(qtbot, dialog, "Go back") == first[0]
    assert dialog.isVisible()


def test_a_logout_while_invite_asks_send_again_asks_nothing_more(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    """As ``invite_or_ask`` does on AlreadyInvitedError: the form not busy, "Send the
    invitation again?" asked over it. A logout stacked "Discard what you typed?": Discard
    closed the form, and "Send again" still resent the invitation from it."""
    dialog, _field = _opened(qtbot, _invite, window)
    again = asyncio.ensure_future(
        confirm(dialog, "Send the invitation again?", "Already invited.", ok_text="Send again")
    )
    try:
        qtbot.waitUntil(lambda: len(_questions(dialog)) == 1)
        logout = _Logout()
        keep_typed_work_on_logout(window, logout)  # type: ignore[arg-type]
        _turn(running_loop, qtbot)
        assert "cancel" in logout.said
        assert [box.text() for box in _questions(dialog)] == ["Already invited."]
        assert dialog.isVisible()
    finally:
        again.cancel()


def test_a_logout_while_a_form_sends_goes_on(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    """A form sending its words (busy) cannot ask and cannot close: the logout was cancelled
    for it with nothing asked or said. Its send keeps what was typed (the app's end lets the
    session's running actions finish), so the logout is not stopped for it."""
    dialog = InviteDialog(_order(), InvitationText(), parent=window)
    with qtbot.waitExposed(dialog):
        dialog.open()
    QTest.keyClicks(dialog.message, " typed with care")
    dialog.submit()  # busy until the answer
    assert dialog.is_busy()
    try:
        logout = _Logout()
        keep_typed_work_on_logout(window, logout)  # type: ignore[arg-type]
        _turn(running_loop, qtbot)
        assert "cancel" not in logout.said
        assert not _questions(dialog)
        assert dialog.isVisible()  # still sending
    finally:
        dialog.set_busy(False)
        dialog.reject()


class _FailingHost:
    """A session host whose opening fails once the test says so."""

    def __init__(self) -> None:
        self.opening = asyncio.Event()
        self.fail = asyncio.Event()
        self.notice = None

    async def show_cached(self) -> None:
        return None

    async def open(self) -> object:
        self.opening.set()
        await self.fail.wait()
        raise RuntimeError("the data file cannot be read")

    async def close(self) -> None:
        return None


def test_a_failed_start_closes_the_window_without_asking(
    qapp: QApplication,
    qtbot: QtBot,
    running_loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A start that fails ends the app: ``_run_desk`` closes the window as it ends. With words
    typed in a dialog meanwhile (a Reject reason during a long first sync), the quit guard
    refused that close: the window's closing work never ran, and "Discard what you typed?"
    was put up as the loop ended, torn down with it unanswered."""
    host = _FailingHost()
    told: list[str] = []
    monkeypatch.setattr(application, "_session_host", lambda *_a: host)
    monkeypatch.setattr(application, "_tell", lambda _icon, text, _parent=None: told.append(text))
    options = application.LaunchOptions(settings=AppSettings(), keys=KeyStore())
    lock = InstanceLock(tmp_path / "data")
    lock.acquire()
    try:
        first = application._first_frame(qapp, options)
        window = first.window
        closed: list[bool] = []
        window.closed.connect(lambda: closed.append(True))
        dialog: QDialog | None = None
        task = asyncio.ensure_future(application._run_desk(qapp, options, lock, first, None))
        try:
            qtbot.waitUntil(host.opening.is_set)
            dialog, _field = _opened(qtbot, _reject, window)
            host.fail.set()
            qtbot.waitUntil(task.done)
            assert task.result() == 1  # the start failed
            assert told  # and said so
            assert closed
            assert not window.isVisible()
            assert not dialog.isVisible()
            assert not _questions(dialog)
        finally:
            if not task.done():
                task.cancel()
            if dialog is not None:
                dialog.reject()
            window.close()
    finally:
        lock.release()
        qapp.setQuitOnLastWindowClosed(True)  # as the test session's other windows expect


def settings_with_a_marketplace_value_typed(
    qtbot: QtBot,
    window: MainWindow,
) -> SettingsDialog:
    """Settings open over ``window`` on its Marketplace page, a Result URL typed and not saved
    (each Marketplace value is sent by its own Save)."""
    access = _Access()
    dialog = SettingsDialog(
        AppSettings(),
        KeyStore(),
        window,
        write=lambda _s: None,
        marketplace_client=lambda: access,  # type: ignore[arg-type,return-value]
    )
    with qtbot.waitSignal(dialog.marketplace_page.loaded), qtbot.waitExposed(dialog):
        dialog.open()
    dialog.pages.setCurrentWidget(dialog.marketplace_page)
    _type(qtbot, dialog, RESULT_URL, "https://vendor.example/results")
    return dialog
