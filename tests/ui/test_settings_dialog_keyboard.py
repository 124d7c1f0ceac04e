"""Settings (Ctrl+,) by keyboard, through the real MainWindow and SessionHost at 1280×800: Esc
asks before a typed profile or key is thrown away, and a field the keyboard lands on is shown."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from shiboken6 import Shiboken

from app.domain.connection import AppSettings, ConnectionProfile
from app.store.credentials import SR_KEY, KeyStore
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.session_host import SessionHost
from app.ui.settings.settings_dialog import SettingsDialog
from tests.memory_keyring import memory_keyring
from tests.ui.conftest import answer, settings_opened, show_exposed

pytestmark = pytest.mark.usefixtures("running_loop")


async def _tiny_demo(**kwargs: object) -> object:
    from app.workflows.session import open_demo_session

    return await open_demo_session(orders=3, **kwargs)  # type: ignore[arg-type]


def _wait(qtbot, coro) -> None:  # type: ignore[no-untyped-def]
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    task.result()


def key(k: Qt.Key, mod: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, k, mod)


@pytest.fixture
def opened(qtbot, qsettings, sandbox) -> Iterator[SettingsDialog]:  # type: ignore[no-untyped-def]
    with memory_keyring():
        # Not handed to qtbot: it deletes its widgets before the fixtures' teardown, and the
        # window went with the dialog and the board still open in it (the desk's own window
        # lives until its host has closed).
        window = MainWindow(qsettings)
        window.resize(1280, 800)
        show_exposed(qtbot, window)
        local = ConnectionProfile(
            name="Local", sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
        )
        host = SessionHost(
            window, AppSettings(profiles=[local]), KeyStore(), write_settings=lambda _s: None,
            demo_opener=_tiny_demo,  # type: ignore[arg-type]
            open_database=lambda _s: Database(":memory:"),
        )  # fmt: skip
        try:
            _wait(qtbot, host.open())
            window.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
            key(Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)  # File › Settings…
            dialog = settings_opened(qtbot, host)
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            yield dialog
        finally:
            left = host.dialog
            if left is not None and Shiboken.isValid(left):
                for box in left.findChildren(QMessageBox):
                    box.reject()
                left.reject()
                # Gone once its last task has ended: the window is deleted after this, and
                # with it a dialog still winding down (its tasks then found their widgets gone).
                qtbot.waitUntil(lambda: not Shiboken.isValid(left))
            _wait(qtbot, host.close())
            window.close()
            window.deleteLater()


KEY = "k" * 64


def _type_a_new_profile(qtbot, dialog: SettingsDialog) -> None:  # type: ignore[no-untyped-def]
    key(Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # Add
    qtbot.waitUntil(lambda: dialog.profile_list.count() == 4)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.name_edit)
    QTest.keyClicks(dialog.name_edit, "Staging")
    dialog.key_fields[SR_KEY].setFocus()
    QTest.keyClicks(dialog.key_fields[SR_KEY], KEY)


def _question(dialog: SettingsDialog) -> QMessageBox | None:
    return next((box for box in dialog.findChildren(QMessageBox) if box.isVisible()), None)


def test_escape_asks_before_dropping_a_typed_profile_and_key(qtbot, opened, caplog) -> None:  # type: ignore[no-untyped-def]
    """Alt+A adds a profile, its name is typed, its 64-character partner key pasted; one Esc
    closed Settings without a word and all of it was gone (every other form asks: DiscardGuard).
    Keep editing, the default, keeps all of it; Discard closes."""
    dialog = opened
    _type_a_new_profile(qtbot, dialog)
    key(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: _question(dialog) is not None)
    box = _question(dialog)
    assert box is not None
    assert box.windowTitle() == "Discard what you typed?"
    assert box.defaultButton() is not None
    assert box.defaultButton().text() == "Keep editing"
    answer(qtbot, dialog, "Keep editing")
    qtbot.waitUntil(lambda: not dialog.discard_guard.asking)
    assert dialog.isVisible()
    assert dialog.name_edit.text() == "Staging"
    assert dialog.key_fields[SR_KEY].text() == KEY
    dialog.buttons.button(dialog.buttons.StandardButton.Cancel).click()  # asks the same
    with qtbot.waitSignal(dialog.rejected):
        answer(qtbot, dialog, "Discard")
    assert KEY not in caplog.text  # compared in memory, never written anywhere


def test_escape_asks_nothing_when_nothing_was_changed(qtbot, opened) -> None:  # type: ignore[no-untyped-def]
    """Looking through every profile is no change; a name typed and typed back is none."""
    dialog = opened
    for row in range(dialog.profile_list.count()):
        dialog.profile_list.setCurrentRow(row)
    dialog.profile_list.setCurrentRow(dialog.profile_list.count() - 1)
    name = dialog.name_edit.text()
    dialog.name_edit.setFocus()
    QTest.keyClicks(dialog.name_edit, "x")
    assert dialog.discard_guard.changed()
    key(Qt.Key.Key_Backspace)
    assert dialog.name_edit.text() == name
    assert not dialog.discard_guard.changed()
    with qtbot.waitSignal(dialog.rejected):
        key(Qt.Key.Key_Escape)


def test_after_apply_nothing_is_left_to_lose(qtbot, opened) -> None:  # type: ignore[no-untyped-def]
    dialog = opened
    _type_a_new_profile(qtbot, dialog)
    assert dialog.discard_guard.changed()
    saved = asyncio.ensure_future(dialog.save_changes())
    qtbot.waitUntil(saved.done)
    assert saved.result() is not None
    assert not dialog.discard_guard.changed()
    with qtbot.waitSignal(dialog.rejected):
        key(Qt.Key.Key_Escape)


def test_shift_tab_from_ok_shows_the_field_it_lands_on(qtbot, opened) -> None:  # type: ignore[no-untyped-def]
    """Shift+Tab from OK puts the keyboard in the profile form's last field, below the fold of
    its scroll area: what is typed next changes a setting the coordinator cannot see."""
    dialog = opened
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    ok.setFocus()
    key(Qt.Key.Key_Backtab)
    focus = QApplication.focusWidget()
    assert focus is not None
    assert dialog.form_scroll.isAncestorOf(focus)
    viewport = dialog.form_scroll.viewport()
    where = QRect(focus.mapTo(viewport, QPoint(0, 0)), focus.size())
    assert viewport.rect().contains(where), (
        f"{focus.objectName()} has the keyboard at {where} outside the visible {viewport.rect()}"
    )
