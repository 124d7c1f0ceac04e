"""Settings > Marketplace configuration against a real sandbox: read on opening, saved per
setting, refusals next to the field, the service's refusals in words, and a sentence instead of
a form when there is no connection."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import AppSettings, ConnectionProfile
from app.domain.marketplace_config import CONFIG_INFO, MarketplaceConfigId
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.session_host import SessionHost
from app.ui.settings.marketplace_config_page import (
    DEMO_INTRO,
    INTRO,
    NO_CONNECTION,
    MarketplaceConfigPage,
)
from app.ui.settings.settings_dialog import SettingsDialog
from app.workflows.marketplace_config import ConfigReading, ConfigSaving, MarketplaceConfigAccess
from app.workflows.notifier import RecordingNotifier, install_error_hooks
from tests.await_chain import STILL_CONNECTING, tasks_in
from tests.memory_keyring import MemoryKeyring, memory_keyring
from tests.ui.conftest import answer, settings_opened, show_exposed
from tests.ui.contrast import WCAG_MIN, app_palette, dark_palette, painted_contrast, text_colour

if TYPE_CHECKING:
    from app.workflows.session import Session

RESULT_URL = MarketplaceConfigId.RESULT_URL
RESULT_HEADER = MarketplaceConfigId.RESULT_HEADER
NOTIFY = MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


@pytest.fixture
def fresh() -> Iterator[SandboxServer]:
    """The settings live per sandbox instance: a fresh one makes the starting state known."""
    with SandboxServer(SandboxConfig(orders=1, sr_rate_per_second=0)) as server:
        yield server


def _stored(server: SandboxServer) -> dict[str, Any]:
    """What the sandbox holds, read with plain httpx (not the code under test)."""
    with httpx.Client(base_url=server.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}) as raw:
        return {c["id"]: c["value"] for c in raw.get("/configs").json()["content"]}


def _wait(qtbot: QtBot, coro: Coroutine[Any, Any, object]) -> None:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    task.result()


def _open_on_marketplace(
    qtbot: QtBot, client: SmartRecruitersClient
) -> tuple[SettingsDialog, MarketplaceConfigPage]:
    """The dialog shown on its Marketplace page, the settings read."""
    dialog = _open(qtbot, client)
    page = dialog.marketplace_page
    with qtbot.waitSignal(page.loaded):
        dialog.show()
    dialog.pages.setCurrentWidget(page)
    return dialog, page


def _open(qtbot: QtBot, client: SmartRecruitersClient | None) -> SettingsDialog:
    dialog = SettingsDialog(
        AppSettings(),
        KeyStore(),
        write=lambda _s: None,
        marketplace_client=lambda: MarketplaceConfigAccess(client) if client else None,
    )
    qtbot.addWidget(dialog)
    return dialog


def _type(qtbot: QtBot, dialog: SettingsDialog, config_id: MarketplaceConfigId, text: str) -> None:
    editor = dialog.marketplace_page.editors[config_id]
    editor.clear()
    qtbot.keyClicks(editor, text)


def _save(qtbot: QtBot, dialog: SettingsDialog, config_id: MarketplaceConfigId) -> None:
    page = dialog.marketplace_page
    with qtbot.waitSignal(page.saved):
        qtbot.mouseClick(page.save_buttons[config_id], Qt.MouseButton.LeftButton)


@pytest.mark.usefixtures("ring")
def test_the_page_reads_on_opening_and_saves_each_setting(
    qtbot: QtBot, fresh: SandboxServer, running_loop: asyncio.AbstractEventLoop
) -> None:
    with httpx.Client(base_url=fresh.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}) as raw:
        raw.post("/configs", json={"id": NOTIFY.value, "value": "https://vendor.example/hook"})
    client = SmartRecruitersClient(fresh.sr_base_url, DEMO_SR_KEY)
    try:
        dialog = _open(qtbot, client)
        page = dialog.marketplace_page
        assert dialog.pages.tabText(dialog.pages.indexOf(page)).replace("&", "") == (
            "Marketplace configuration"
        )
        with qtbot.waitSignal(page.loaded):
            dialog.show()
        dialog.pages.setCurrentWidget(page)
        assert page.editors[NOTIFY].text() == "https://vendor.example/hook"
        assert page.editors[RESULT_URL].text() == ""
        assert page.editors[RESULT_URL].placeholderText() == "not set"
        assert fresh.sr_base_url in page.status_label.text()
        assert page.intro_label.text() == INTRO  # a real connection: no word of the demo
        assert all(editor.isEnabled() for editor in page.editors.values())
        assert not page.save_buttons[RESULT_URL].isEnabled()  # nothing changed yet

        # A value this console would not send: said next to the field, nothing sent.
        _type(qtbot, dialog, RESULT_URL, "http://vendor.example/results")
        assert page.save_buttons[RESULT_URL].isEnabled()
        _save(qtbot, dialog, RESULT_URL)
        note = page.notes[RESULT_URL]
        assert note.isVisible()
        assert note.text() == "Must be a full address starting with https://."
        assert not page.error_label.isVisible()
        assert "resultURL" not in _stored(fresh)

        _type(qtbot, dialog, RESULT_URL, "https://vendor.example/results")
        assert not note.isVisible()  # the old complaint goes as soon as the value changes
        _save(qtbot, dialog, RESULT_URL)
        assert note.text() == "Saved."
        assert not page.save_buttons[RESULT_URL].isEnabled()
        assert _stored(fresh)["resultURL"] == "https://vendor.example/results"

        _type(qtbot, dialog, RESULT_HEADER, "Authorization: Bearer t")
        _save(qtbot, dialog, RESULT_HEADER)
        assert _stored(fresh) == {
            "assessmentNotificationUrl": "https://vendor.example/hook",
            "resultURL": "https://vendor.example/results",
            "resultHeader": "Authorization: Bearer t",
        }
        # Read again: what the service holds is what the page shows.
        with qtbot.waitSignal(page.loaded):
            qtbot.mouseClick(page.reload_button, Qt.MouseButton.LeftButton)
        assert page.editors[RESULT_HEADER].text() == "Authorization: Bearer t"
        assert not any(n.isVisible() for n in page.notes.values())
    finally:
        _wait(qtbot, client.aclose())


@pytest.mark.usefixtures("ring")
def test_a_value_typed_before_the_connection_changed_is_not_sent_to_the_new_one(
    qtbot: QtBot, fresh: SandboxServer, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Read through one profile's connection, then another applied (Apply keeps the dialog
    open): Save sends nothing to either and shows the new connection's values, in words."""
    with SandboxServer(SandboxConfig(orders=1, sr_rate_per_second=0)) as second:
        clients = [
            SmartRecruitersClient(fresh.sr_base_url, DEMO_SR_KEY),
            SmartRecruitersClient(second.sr_base_url, DEMO_SR_KEY),
        ]
        in_use = [clients[0]]
        dialog = SettingsDialog(
            AppSettings(),
            KeyStore(),
            write=lambda _s: None,
            marketplace_client=lambda: MarketplaceConfigAccess(in_use[0]),
        )
        qtbot.addWidget(dialog)
        page = dialog.marketplace_page
        try:
            with qtbot.waitSignal(page.loaded):
                dialog.show()
            dialog.pages.setCurrentWidget(page)
            assert fresh.sr_base_url in page.status_label.text()
            in_use[0] = clients[1]  # a profile switch applied meanwhile
            _type(qtbot, dialog, RESULT_URL, "https://vendor.example/results")
            with qtbot.waitSignal(page.loaded):
                qtbot.mouseClick(page.save_buttons[RESULT_URL], Qt.MouseButton.LeftButton)
            assert "resultURL" not in _stored(fresh)
            assert "resultURL" not in _stored(second)
            assert second.sr_base_url in page.status_label.text()
            assert page.error_label.isVisible()
            assert "connection changed" in page.error_label.text()
            assert "“https://vendor.example/results” was not saved" in page.error_label.text()
            assert page.editors[RESULT_URL].text() == ""  # the new connection's value
            # From now on, saving goes to the connection the values came from.
            _type(qtbot, dialog, RESULT_URL, "https://vendor.example/second")
            _save(qtbot, dialog, RESULT_URL)
            assert page.notes[RESULT_URL].text() == "Saved."
            assert _stored(second)["resultURL"] == "https://vendor.example/second"
            assert "resultURL" not in _stored(fresh)
        finally:
            for client in clients:
                _wait(qtbot, client.aclose())


@pytest.mark.usefixtures("ring")
def test_the_services_refusals_are_shown_in_words(
    qtbot: QtBot, fresh: SandboxServer, running_loop: asyncio.AbstractEventLoop
) -> None:
    wrong_key = "w" * 64
    client = SmartRecruitersClient(fresh.sr_base_url, wrong_key)
    try:
        dialog, page = _open_on_marketplace(qtbot, client)
        assert page.error_label.isVisible()
        assert page.error_label.text().startswith(
            "The Marketplace configuration could not be read. SmartRecruiters:"
        )
        assert page.editors[RESULT_HEADER].placeholderText() == "could not be read"
        # Still editable: a setting can be sent even when the list could not be read.
        _type(qtbot, dialog, RESULT_HEADER, "X-Vendor: 1")
        _save(qtbot, dialog, RESULT_HEADER)
        assert page.notes[RESULT_HEADER].text() == "Not saved: see below."
        assert page.error_label.text().startswith("“Result header” was not saved. SmartRecruiters:")
        assert wrong_key not in page.error_label.text()
        assert page.save_buttons[RESULT_HEADER].isEnabled()  # may be tried again
        assert _stored(fresh) == {}
    finally:
        _wait(qtbot, client.aclose())


@pytest.mark.usefixtures("ring")
def test_without_a_connection_the_page_is_disabled_with_a_sentence(
    qtbot: QtBot, qsettings: QSettings, running_loop: asyncio.AbstractEventLoop
) -> None:
    window = MainWindow(qsettings)  # no desk: nothing connected
    qtbot.addWidget(window)
    dialog = SettingsDialog(AppSettings(), KeyStore(), window, write=lambda _s: None)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.marketplace_page
    qtbot.waitUntil(lambda: page.status_label.text() == NO_CONNECTION)
    assert not any(editor.isEnabled() for editor in page.editors.values())
    assert not any(button.isEnabled() for button in page.save_buttons.values())
    assert not page.reload_button.isEnabled()
    # The connection profiles page is untouched by it.
    assert dialog.pages.currentIndex() == 0
    assert dialog.profile_list.count() >= 1


@pytest.mark.usefixtures("ring")
def test_opened_from_the_window_it_uses_the_live_session(
    qtbot: QtBot, qsettings: QSettings, running_loop: asyncio.AbstractEventLoop
) -> None:
    """File > Settings over a connected window reads and sets through that session's client.
    In demo mode (a first start, nothing configured) a newcomer read "Your partner settings
    on SmartRecruiters", "Settings of SmartRecruiters at http://127.0.0.1:…", typed their real
    notification URL and was told "Saved.": it went to the built-in simulator, thrown away at
    the next start. The page says whose settings these are, and that none reach theirs."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)

    async def tiny_demo(**kwargs: Any) -> Session:
        from app.workflows.session import open_demo_session

        return await open_demo_session(orders=3, **kwargs)

    host = SessionHost(
        window,
        AppSettings(),  # a first start: the built-in sandbox, demo mode
        KeyStore(),
        write_settings=lambda _s: None,
        demo_opener=tiny_demo,
        open_database=lambda _s: Database(":memory:"),
    )
    try:
        _wait(qtbot, host.open())
        session = host.session
        assert session is not None
        assert session.demo
        window.settings_action.trigger()
        dialog = settings_opened(qtbot, host)
        page = dialog.marketplace_page
        qtbot.waitUntil(lambda: page.last_reading is not None)
        assert session.sr.base_url in page.status_label.text()
        assert page.intro_label.text() == DEMO_INTRO
        assert "Nothing saved here reaches your SmartRecruiters account" in DEMO_INTRO
        assert page.status_label.text() == (
            f"Settings of the demo's simulated SmartRecruiters at {session.sr.base_url}."
        )
        assert page.last_reading is not None
        assert page.last_reading.ok
        dialog.pages.setCurrentWidget(page)
        _type(qtbot, dialog, NOTIFY, "https://vendor.example/new-orders")
        _save(qtbot, dialog, NOTIFY)
        assert page.notes[NOTIFY].text() == "Saved in the demo only."  # a demo session

        async def read_back() -> None:
            stored = await session.sr.get_config(NOTIFY)
            assert stored is not None
            assert stored.value == "https://vendor.example/new-orders"

        _wait(qtbot, read_back())
        dialog.reject()
    finally:
        window.close()
        _wait(qtbot, host.close())


@pytest.mark.usefixtures("ring")
@pytest.mark.parametrize("work", ["refresh", "run_test"], ids=["page_read", "test_button"])
def test_closing_while_the_dialog_connects_reports_no_error(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    hanging_port: int,
    running_loop: asyncio.AbstractEventLoop,
    *,
    work: str,
) -> None:
    """Before: Cancel while the dialog was still connecting to SmartRecruiters (a VPN down: the
    connect waits up to its time-out), for this page's read (started as the dialog opens) or
    the profile's Test button, deleted the dialog before the cancelled work had stopped; it
    then re-enabled its button on the deleted dialog, and the coordinator got the "an error"
    box for merely opening and closing Settings."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    profile = ConnectionProfile(
        name="A",
        sr_base_url=f"http://127.0.0.1:{hanging_port}/v1",
        berke_base_url=sandbox.berke_base_url,
    )
    keys = KeyStore()
    keys.set("A", SR_KEY, DEMO_SR_KEY)
    keys.set("A", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    host = SessionHost(
        window,
        AppSettings(profiles=[profile], active="A"),
        keys,
        write_settings=lambda _s: None,
        open_database=lambda _s: Database(":memory:"),
    )
    notifier = RecordingNotifier()
    hooks = install_error_hooks(notifier, running_loop)
    try:
        _wait(qtbot, host.open())
        window.settings_action.trigger()
        dialog = settings_opened(qtbot, host)
        if work == "run_test":
            dialog.test_buttons[SR_KEY].click()
        qtbot.waitUntil(lambda: bool(tasks_in(running_loop, work, STILL_CONNECTING)))
        (connecting,) = tasks_in(running_loop, work, STILL_CONNECTING)
        dialog.reject()  # Cancel, while it still connects
        qtbot.waitUntil(connecting.done)
        assert connecting.cancelled(), connecting.exception()
        qtbot.waitUntil(lambda: not Shiboken.isValid(dialog))  # not kept for the session
        del connecting
        gc.collect()  # a task's failure nobody retrieved is reported as it is collected
        assert [report.summary for report in notifier.reports] == []
    finally:
        hooks.uninstall()
        window.close()
        _wait(qtbot, host.close())


@pytest.mark.usefixtures("ring")
def test_a_typed_setting_is_never_dropped_unasked(
    qtbot: QtBot, fresh: SandboxServer, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Before: "Read again" wiped a typed value, and OK or Cancel closed the dialog with it
    unsent, without a word (each setting has its own Save; OK does not send them)."""
    client = SmartRecruitersClient(fresh.sr_base_url, DEMO_SR_KEY)
    try:
        dialog, page = _open_on_marketplace(qtbot, client)
        _type(qtbot, dialog, RESULT_URL, "https://vendor.example/results")
        assert page.unsaved() == [CONFIG_INFO[RESULT_URL].title]

        qtbot.mouseClick(page.reload_button, Qt.MouseButton.LeftButton)
        assert "Drop what you typed" in answer(qtbot, page, "Keep what I typed")
        assert page.editors[RESULT_URL].text() == "https://vendor.example/results"

        dialog.pages.setCurrentIndex(0)
        qtbot.mouseClick(
            dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
        )
        assert "not saved" in answer(qtbot, dialog, "Go back")
        qtbot.waitUntil(lambda: dialog.pages.currentWidget() is page)  # where the value waits
        assert dialog.isVisible()
        assert page.editors[RESULT_URL].text() == "https://vendor.example/results"

        _save(qtbot, dialog, RESULT_URL)  # saved: nothing left to ask about
        with qtbot.waitSignal(dialog.finished):
            dialog.reject()
        assert _stored(fresh)["resultURL"] == "https://vendor.example/results"

        # Dropped knowingly: closing goes on.
        dialog = _open(qtbot, client)
        page = dialog.marketplace_page
        with qtbot.waitSignal(page.loaded):
            dialog.show()
        _type(qtbot, dialog, RESULT_HEADER, "Authorization: Bearer t")
        dialog.reject()
        with qtbot.waitSignal(dialog.finished):
            answer(qtbot, dialog, "Close without saving")
        assert "resultHeader" not in _stored(fresh)
    finally:
        _wait(qtbot, client.aclose())


SECRET = "Authorization: Bearer s3cr3t-0123456789abcdef"
HEADERS = (RESULT_HEADER, MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_HEADER)


class _Access:
    """A connection's configuration holding a secret header, read and never saved."""

    where = "https://api.example/v1"
    demo = False

    def same_connection(self, other: object) -> bool:
        return other is self

    async def read(self) -> ConfigReading:
        values: dict[MarketplaceConfigId, str | None] = dict.fromkeys(MarketplaceConfigId)
        values[RESULT_HEADER] = SECRET
        return ConfigReading(values)


def test_the_header_values_are_masked_with_a_show_toggle(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Before: a header value ("may hold a secret of yours") was shown in clear, on screen,
    in a screenshot, in a screen share; the API keys' fields are masked."""
    access = _Access()
    page = MarketplaceConfigPage(lambda: access)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(page)
    _wait(qtbot, page.refresh())
    header = page.editors[RESULT_HEADER]
    assert header.text() == SECRET  # still the value read, to edit and save
    for config_id in HEADERS:
        assert page.editors[config_id].echoMode() is QLineEdit.EchoMode.Password
    for config_id in set(MarketplaceConfigId) - set(HEADERS):  # addresses: nothing to hide
        assert page.editors[config_id].echoMode() is QLineEdit.EchoMode.Normal
        assert config_id not in page.show_toggles
    toggle = page.show_toggles[RESULT_HEADER]
    assert toggle.text() == "Show"
    toggle.setChecked(True)
    assert header.echoMode() is QLineEdit.EchoMode.Normal
    assert page.editors[HEADERS[1]].echoMode() is QLineEdit.EchoMode.Password  # its own toggle
    toggle.setChecked(False)
    assert header.echoMode() is QLineEdit.EchoMode.Password


def test_a_header_value_is_not_repeated_in_the_error_line(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Before: "“Authorization: Bearer …” was not saved" after a connection change."""
    in_use: list[_Access] = [_Access()]
    page = MarketplaceConfigPage(lambda: in_use[0])  # type: ignore[arg-type,return-value]
    qtbot.addWidget(page)
    _wait(qtbot, page.refresh())
    in_use[0] = _Access()  # a profile switch applied meanwhile
    page.editors[RESULT_HEADER].setText(SECRET.replace("s3cr3t", "n3w-s3cr3t"))
    _wait(qtbot, page.save(RESULT_HEADER))
    error = page.error_label.text()
    assert "connection changed" in error
    assert "The value typed for “Result header” was not saved" in error
    assert "s3cr3t" not in error
    # An address holds no secret: it is still named, to say which value was dropped.
    page.editors[RESULT_URL].setText("https://vendor.example/results")
    in_use[0] = _Access()
    _wait(qtbot, page.save(RESULT_URL))
    assert "“https://vendor.example/results” was not saved" in page.error_label.text()


class _Refusing(_Access):
    """Saves the result address; SmartRecruiters refuses the notification address."""

    async def save(self, config_id: MarketplaceConfigId, text: str) -> ConfigSaving:
        if config_id is NOTIFY:
            return ConfigSaving(config_id, error="SmartRecruiters: the service failed (500).")
        return ConfigSaving(config_id, value=text)


def test_saved_and_refused_read_on_a_dark_palette(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    """On a dark desktop palette "Saved." and a refusal were drawn in a fixed dark green
    (#1b7f3b) and red (#b00020) on the dark window: about 2.5:1 and 1.75:1, under WCAG's 3:1.
    They keep those shades on a light palette, and follow a switch while open."""
    access = _Refusing()
    page = MarketplaceConfigPage(lambda: access)  # type: ignore[arg-type,return-value]
    qtbot.addWidget(page)
    show_exposed(qtbot, page)
    _wait(qtbot, page.refresh())
    page.editors[RESULT_URL].setText("https://vendor.example/results")
    _wait(qtbot, page.save(RESULT_URL))
    page.editors[NOTIFY].setText("https://vendor.example/hook")
    _wait(qtbot, page.save(NOTIFY))
    saved, refused = page.notes[RESULT_URL], [page.notes[NOTIFY], page.error_label]
    assert saved.text() == "Saved."
    assert text_colour(saved) == "#1b7f3b"
    assert [text_colour(label) for label in refused] == ["#b00020"] * 2
    with app_palette(qtbot, dark_palette(), page):
        for label in (saved, *refused):
            ratio = painted_contrast(label)
            assert ratio >= WCAG_MIN, f"{label.objectName()}: {ratio:.2f}:1"


class _Questions(QObject):
    """The questions shown, as the coordinator sees them: one each time a box appears."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QMessageBox):
            self.asked.append(watched.windowTitle())
        return False


@pytest.fixture
def questions(qapp: QApplication) -> Iterator[_Questions]:
    recorder = _Questions()
    qapp.installEventFilter(recorder)
    yield recorder
    qapp.removeEventFilter(recorder)


def _typed_dialog(qtbot: QtBot, *, profile: bool, marketplace: bool) -> SettingsDialog:
    """Settings shown, with a profile added (a change to the drafts) and/or a Marketplace value
    typed and not saved."""
    access = _Access()
    dialog = SettingsDialog(
        AppSettings(),
        KeyStore(),
        write=lambda _s: None,
        marketplace_client=lambda: access,  # type: ignore[arg-type,return-value]
    )
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.marketplace_page.loaded):
        show_exposed(qtbot, dialog)
    if profile:
        dialog.add_profile()
        dialog.name_edit.clear()
        QTest.keyClicks(dialog.name_edit, ADDED)
    if marketplace:
        dialog.pages.setCurrentWidget(dialog.marketplace_page)
        _type(qtbot, dialog, RESULT_URL, "https://vendor.example/results")
    return dialog


def _escape(dialog: SettingsDialog) -> None:
    QTest.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)


def _cancel(dialog: SettingsDialog) -> None:
    QTest.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )


def _close_button(dialog: SettingsDialog) -> None:
    # As the window manager's X delivers it: spontaneous, to the guard's filter, then the dialog.
    event = QCloseEvent()
    event.spontaneous = lambda: True  # type: ignore[method-assign]
    if not dialog.discard_guard.eventFilter(dialog, event):
        dialog.event(event)


def _quitting(dialog: SettingsDialog) -> None:
    # As QApplication quits (Cmd+Q, the Dock, a logout): QWindow.close() on the modal dialog
    # first, the quit stopped when it refuses.
    window = dialog.windowHandle()
    assert window is not None
    assert not window.close()


ADDED = "Staging"
LEAVING = [_escape, _cancel, _close_button, _quitting]


@pytest.mark.usefixtures("ring")
@pytest.mark.parametrize("leave", LEAVING, ids=lambda way: way.__name__.strip("_"))
def test_leaving_with_profiles_and_marketplace_values_typed_asks_once(
    qtbot: QtBot,
    running_loop: asyncio.AbstractEventLoop,
    questions: _Questions,
    leave: Callable[[SettingsDialog], None],
) -> None:
    """Before: a profile added and a Marketplace value typed, Esc asked "Discard what you
    typed?", and Discard was followed by "Marketplace settings not saved" (Cancel and the X
    the same); quitting asked only about the Marketplace value. One question now, naming the
    Marketplace value: Keep editing keeps both, Discard closes."""
    dialog = _typed_dialog(qtbot, profile=True, marketplace=True)
    page = dialog.marketplace_page
    leave(dialog)
    qtbot.waitUntil(lambda: bool(questions.asked))
    box = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    said = box.informativeText()
    answer(qtbot, dialog, "Keep editing")
    qtbot.waitUntil(lambda: not dialog.discard_guard.asking)
    assert dialog.isVisible()
    assert page.editors[RESULT_URL].text() == "https://vendor.example/results"
    assert dialog.profile_list.item(dialog.profile_list.count() - 1).text() == ADDED

    leave(dialog)
    answer(qtbot, dialog, "Discard")
    qtbot.waitUntil(lambda: not dialog.isVisible() or len(questions.asked) > 2)
    assert questions.asked == ["Discard what you typed?"] * 2
    assert not dialog.isVisible()
    assert CONFIG_INFO[RESULT_URL].title in said  # the one question says what else goes


@pytest.mark.usefixtures("ring")
def test_quitting_with_a_profile_typed_asks_first(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop, questions: _Questions
) -> None:
    """Before: the app quitting closed Settings, and the profile added in it, without a word
    (QDialog's close went straight to reject(); only the window's X was asked about)."""
    dialog = _typed_dialog(qtbot, profile=True, marketplace=False)
    _quitting(dialog)
    answer(qtbot, dialog, "Keep editing")
    qtbot.waitUntil(lambda: not dialog.discard_guard.asking)
    assert dialog.isVisible()
    assert dialog.profile_list.item(dialog.profile_list.count() - 1).text() == ADDED
    assert questions.asked == ["Discard what you typed?"]
