"""The settings dialog, the session host switching profiles, the status bar, logs and crashes."""

from __future__ import annotations

import asyncio
import json
import threading
import weakref
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from keyring.errors import KeyringLocked, PasswordSetError
from pydantic import SecretStr
from PySide6.QtCore import QEvent, QSettings, Qt, QUrl
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QMessageBox,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from app.domain.connection import (
    PRODUCTION_PROFILE,
    SANDBOX_PROFILE,
    AppSettings,
    ConnectionProfile,
)
from app.domain.invitation import InvitationText
from app.domain.sr_limits import SR_MESSAGE_MAX
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.store.credentials import (
    BERKE_TOKEN,
    SR_KEY,
    KeyringStatus,
    KeyStore,
    Storage,
    keyring_service,
)
from app.store.database import Database
from app.store.settings_file import load_settings
from app.ui.common.error_dialog import DialogNotifier
from app.ui.common.screens import available_room
from app.ui.main_window import MainWindow
from app.ui.orders.board_signals import BoardSignals
from app.ui.session_host import CLOSING_NOTE, SessionHost
from app.ui.settings.settings_dialog import SettingsDialog
from app.workflows.board import OrderBoard
from app.workflows.notifier import report_for
from tests.environment_proxies import UNUSABLE_PROXIES, only_proxies, unusable_proxies
from tests.memory_keyring import (
    MemoryKeyring,
    UnreachableKeyring,
    installed_keyring,
    memory_keyring,
)
from tests.ui.conftest import answer, settings_opened, show_exposed
from tests.ui.contrast import WCAG_MIN, app_palette, dark_palette, painted_contrast, text_colour
from tests.ui.screen_reader import heard
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from app.sandbox import SandboxServer
    from app.store.settings_file import SettingsFile

NO_KEYRING = KeyringStatus(False, "keyring.backends.fail.Keyring", "No usable keyring here.")

# The dialog reads the keyring, writes the file and stores keys in worker threads, awaited on
# the app's (qasync) loop: every test here has it running whenever Qt processes events.
pytestmark = pytest.mark.usefixtures("running_loop")


@pytest.fixture
def ring() -> Iterator[MemoryKeyring]:
    with memory_keyring() as backend:
        yield backend


def _custom(sandbox: SandboxServer, name: str = "Local") -> ConnectionProfile:
    return ConnectionProfile(
        name=name, sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
    )


def _dialog(qtbot: QtBot, settings: AppSettings, keys: KeyStore, path: Path) -> SettingsDialog:
    """The dialog, once it has read where the keys are kept (in a worker thread)."""
    dialog = SettingsDialog(settings, keys, write=lambda s: _write(s, path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    return dialog


def _save(qtbot: QtBot, dialog: SettingsDialog) -> AppSettings | None:
    """Apply, as its button does it, waited for: the settings saved, or None when refused."""
    task = asyncio.ensure_future(dialog.save_changes())
    qtbot.waitUntil(task.done)
    return task.result()


def _write(settings: AppSettings, path: Path) -> None:
    from app.store.settings_file import save_settings

    save_settings(settings, path)


async def _tiny_demo(**kwargs: object) -> object:
    """The demo session with 3 orders: enough for a switch, quick to start."""
    from app.workflows.session import open_demo_session

    return await open_demo_session(orders=3, **kwargs)  # type: ignore[arg-type]


def _host(
    window: MainWindow,
    settings: AppSettings,
    keys: KeyStore,
    write: Callable[[AppSettings], object] = lambda _s: None,
) -> SessionHost:
    """A session host on the window: a tiny demo, databases in memory."""
    return SessionHost(
        window,
        settings,
        keys,
        write_settings=write,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(":memory:"),
    )


def _wait(qtbot: QtBot, coro: Coroutine[Any, Any, object]) -> None:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    task.result()


def _select(dialog: SettingsDialog, name: str) -> None:
    items = dialog.profile_list.findItems(name, Qt.MatchFlag.MatchExactly)
    dialog.profile_list.setCurrentItem(items[0])


def _remove(qtbot: QtBot, dialog: SettingsDialog) -> None:
    """Remove the profile shown, as its button does, once its data file was read (off the
    GUI thread: it may have steps to send)."""
    item = dialog.profile_list.currentItem()
    assert item is not None
    name = item.text()
    dialog.remove_profile()
    qtbot.waitUntil(lambda: not dialog.profile_list.findItems(name, Qt.MatchFlag.MatchExactly))


def test_form_is_built_from_the_field_metadata(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), tmp_path / "s.json")
    poll = dialog.editors["poll_interval_seconds"]
    assert isinstance(poll, QSpinBox)
    assert (poll.minimum(), poll.maximum(), poll.suffix()) == (15, 3600, " s")
    burst = dialog.editors["berke_burst"]
    assert isinstance(burst, QSpinBox)
    assert burst.value() == 120
    assert all(f.echoMode() is QLineEdit.EchoMode.Password for f in dialog.key_fields.values())
    assert dialog.active_combo.currentText() == SANDBOX_PROFILE
    # The sandbox needs no keys: key fields and tests are off.
    assert not dialog.key_fields[SR_KEY].isEnabled()
    assert dialog.keyring_banner.text().startswith("Keys are kept in the system keyring")
    assert not dialog.file_opt_in.isVisibleTo(dialog)


def test_save_writes_profiles_and_keys_only_to_the_keyring(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "s.json"
    keys = KeyStore()
    dialog = _dialog(qtbot, AppSettings(), keys, path)
    dialog.add_profile()
    dialog.name_edit.setText("Staging")
    dialog.name_edit.textEdited.emit("Staging")
    sr_url = dialog.editors["sr_base_url"]
    assert isinstance(sr_url, QLineEdit)
    sr_url.setText("https://sr.staging.example/v1")
    poll = dialog.editors["poll_interval_seconds"]
    assert isinstance(poll, QSpinBox)
    poll.setValue(120)
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "p" * 64)
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], "berke-token-1")
    dialog.active_combo.setCurrentText("Staging")
    with qtbot.waitSignal(dialog.saved):
        saved = _save(qtbot, dialog)
    assert saved is not None
    assert saved.active == "Staging"
    stored = load_settings(path)
    staging = stored.profile("Staging")
    assert staging is not None
    assert (staging.sr_base_url, staging.poll_interval_seconds) == (
        "https://sr.staging.example/v1",
        120,
    )
    text = path.read_text(encoding="utf-8")
    assert "p" * 64 not in text
    assert "berke-token-1" not in text
    assert keys.where("Staging", SR_KEY) is Storage.KEYRING
    assert dialog.key_fields[SR_KEY].text() == ""  # never read back into the field
    assert "keyring" in dialog.key_fields[SR_KEY].placeholderText()

    # Renamed: the keys follow; removed: they go.
    _select(dialog, "Staging")
    dialog.name_edit.setText("Staging 2")
    dialog.name_edit.textEdited.emit("Staging 2")
    assert _save(qtbot, dialog) is not None
    assert keys.get("Staging 2", BERKE_TOKEN) is not None
    assert keys.get("Staging", BERKE_TOKEN) is None
    _remove(qtbot, dialog)
    assert _save(qtbot, dialog) is not None
    assert ring.entries == {}
    assert dialog.settings.active == SANDBOX_PROFILE


def test_a_settings_file_that_cannot_be_written_changes_nothing_and_says_so(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: the error escaped the OK button (the crash dialog), and the keys were already
    stored, a renamed profile's under a name the file on disk did not know."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "a" * 64)
    settings = AppSettings(
        profiles=[ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1",
                                    berke_base_url="https://berke.acme.example/api")],
        active="Acme",
    )  # fmt: skip
    settings_file = tmp_path / "settings.json"

    def read_only(_settings: AppSettings) -> None:
        raise PermissionError(13, "Permission denied", str(settings_file))

    dialog = SettingsDialog(settings, keys, write=read_only)
    qtbot.addWidget(dialog)
    _select(dialog, "Acme")
    dialog.name_edit.setText("Acme 2")
    dialog.name_edit.textEdited.emit("Acme 2")
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], "berke-token-1")
    with qtbot.assertNotEmitted(dialog.saved):
        assert _save(qtbot, dialog) is None
    said = dialog.error_label.text()
    assert f"could not be saved to {settings_file}: “Permission denied”" in said
    assert "Nothing was changed" in said
    assert keys.get("Acme", SR_KEY) is not None  # still where the file on disk says
    assert keys.get("Acme 2", SR_KEY) is None
    assert keys.get("Acme 2", BERKE_TOKEN) is None


@pytest.fixture
def refusing_ring() -> Iterator[RefusingKeyring]:
    with installed_keyring(RefusingKeyring()) as backend:
        yield backend


class RefusingKeyring(MemoryKeyring):
    """A keyring that refuses every write once ``refusing`` (locked since the dialog opened,
    its unlock prompt dismissed), and every read while ``locked``."""

    refusing = False
    locked = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.locked:
            raise KeyringLocked("locked")
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.locked:
            raise KeyringLocked("The unlock prompt was dismissed")
        if self.refusing:
            raise PasswordSetError("Refused")
        super().set_password(service, username, password)


ACME_ONLY = AppSettings(
    profiles=[ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1",
                                berke_base_url="https://berke.acme.example/api")],
    active="Acme",
)  # fmt: skip


@pytest.mark.parametrize("how", ["refused", "locked"])
def test_ok_with_a_key_the_keyring_refuses_stays_open_saying_it_is_for_this_session(
    qtbot: QtBot, how: str, refusing_ring: RefusingKeyring
) -> None:
    """The keyring worked as the dialog opened, then refused the key (a write refused; or
    locked since, reads refused too, its unlock prompt dismissed): it was kept for this
    session only, and OK closed as if it were stored. The next start had no key (demo)."""
    keys = KeyStore()
    dialog = SettingsDialog(ACME_ONLY, keys, write=lambda _s: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    refusing_ring.refusing = how == "refused"
    refusing_ring.locked = how == "locked"
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "N" * 64)
    with qtbot.waitSignal(dialog.saved):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(dialog.error_label.isVisible)
    said = dialog.error_label.text()
    why = "the keyring is locked" if how == "locked" else "the keyring refused it"
    assert f"SmartRecruiters partner API key of “Acme” ({why})" in said
    assert "kept for this session only" in said
    assert dialog.isVisible()  # open, for the words to be read
    assert keys.where("Acme", SR_KEY) is Storage.SESSION
    assert refusing_ring.entries == {}
    # Read, OK again: nothing more to store, so it closes.
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_a_profile_renamed_while_the_keyring_is_locked_says_its_keys_did_not_move(
    qtbot: QtBot,
    refusing_ring: RefusingKeyring,
) -> None:
    """Renamed with the keyring locked since the dialog opened: its keys could not be read to
    move them, and nothing said so; the renamed profile then had no keys."""
    refusing_ring.entries[(keyring_service(), "Acme/smartrecruiters")] = "a" * 64
    dialog = SettingsDialog(ACME_ONLY, KeyStore(), write=lambda _s: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    _select(dialog, "Acme")
    dialog.name_edit.setText("Acme EU")
    dialog.name_edit.textEdited.emit("Acme EU")
    refusing_ring.locked = True
    assert _save(qtbot, dialog) is not None  # the file is saved
    said = dialog.error_label.text()
    assert "The keys of “Acme EU” could not be moved from its old name “Acme”" in said
    assert dialog.save_warning == said
    assert (keyring_service(), "Acme/smartrecruiters") in refusing_ring.entries  # not lost


def test_test_connection_without_a_keyring_or_a_key_asks_for_the_key(qtbot: QtBot) -> None:
    """Not "could not be read from the system keyring" for a key never saved anywhere."""
    dialog = SettingsDialog(ACME_ONLY, KeyStore(status=NO_KEYRING), write=lambda _s: None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    task = asyncio.ensure_future(dialog.run_test(SR_KEY))
    qtbot.waitUntil(task.done)
    verdict = task.result()
    assert verdict is not None
    assert verdict.message == "Enter the partner API key first."


def test_the_dialog_opened_after_the_keyring_was_unlocked_finds_the_keys_there(
    qtbot: QtBot,
    refusing_ring: RefusingKeyring,
) -> None:
    """Found locked earlier in the run, the keyring was never asked again: the dialog said
    "locked" and showed no keys, though the coordinator had unlocked it as it asked."""
    refusing_ring.entries[(keyring_service(), "Acme/smartrecruiters")] = "a" * 64
    keys = KeyStore()
    refusing_ring.locked = True
    assert keys.get("Acme", SR_KEY) is None  # locked: found so
    refusing_ring.locked = False  # unlocked
    dialog = SettingsDialog(ACME_ONLY, keys, write=lambda _s: None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    assert dialog.key_places is not None
    assert dialog.key_places.of("Acme", SR_KEY) is Storage.KEYRING
    assert dialog.keyring_banner.text().startswith("Keys are kept in the system keyring")


def test_test_connection_with_the_keyring_locked_since_says_it_could_not_be_read(
    qtbot: QtBot,
    refusing_ring: RefusingKeyring,
) -> None:
    """Locked after the dialog opened: Test connection said "Enter the partner API key
    first." while the field said the key is saved in the keyring."""
    refusing_ring.entries[(keyring_service(), "Acme/smartrecruiters")] = "a" * 64
    dialog = SettingsDialog(ACME_ONLY, KeyStore(), write=lambda _s: None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    refusing_ring.locked = True
    task = asyncio.ensure_future(dialog.run_test(SR_KEY))
    qtbot.waitUntil(task.done)
    verdict = task.result()
    assert verdict is not None
    assert not verdict.ok
    assert verdict.message.startswith("The saved key could not be read from the system")
    assert "locked" in verdict.message
    assert "Enter the partner API key" not in dialog.verdict_labels[SR_KEY].text()


def test_a_keyring_raising_what_keyring_does_not_wrap_leaves_the_dialog_usable(
    qtbot: QtBot,
) -> None:
    """An exception of the backend's own (the D-Bus session gone) escaped the keyring read in
    the worker: the dialog stayed "checking the keyring…" for good."""
    with installed_keyring(UnreachableKeyring()):
        dialog = SettingsDialog(ACME_ONLY, KeyStore(), write=lambda _s: None)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.key_places is not None)
        assert dialog.key_places is not None
        assert dialog.key_places.of("Acme", SR_KEY) is Storage.NONE


def test_a_start_with_a_keyring_raising_what_keyring_does_not_wrap_opens_demo_mode(
    qtbot: QtBot, qsettings: QSettings, sandbox: SandboxServer
) -> None:
    """The profile in use has keys to look for and the keyring's backend raises its own
    exception: the start ended ("Assessment Desk could not start: …") where a locked keyring
    falls back to demo mode, as having no keys does."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    with installed_keyring(UnreachableKeyring()):
        host = _host(window, AppSettings(profiles=[_custom(sandbox)], active="Local"), KeyStore())
        try:
            _wait(qtbot, host.open())
            assert host.session is not None
            assert host.session.demo
        finally:
            window.close()
            _wait(qtbot, host.close())


def test_a_close_asked_while_saving_leaves_the_dialog_open_when_the_save_fails(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Esc during OK's save, then the folder turned out read-only: the dialog closed once the
    save ended, its "could not be saved … Nothing was changed" never seen, the edits lost."""
    gate, writing = threading.Event(), threading.Event()
    settings_file = tmp_path / "settings.json"

    def read_only(_settings: AppSettings) -> None:
        writing.set()
        gate.wait(HANG_GUARD_SECONDS)  # a hang guard: the test opens it at once
        raise PermissionError(13, "Permission denied", str(settings_file))

    dialog = SettingsDialog(ACME_ONLY, KeyStore(), write=read_only)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    poll = dialog.editors["poll_interval_seconds"]
    assert isinstance(poll, QSpinBox)
    poll.setValue(poll.value() + 30)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    try:
        qtbot.waitUntil(writing.is_set)
        dialog.reject()  # Esc, while the file is written
        assert dialog.isVisible()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: "could not be saved" in dialog.error_label.text())
    with qtbot.assertNotEmitted(dialog.finished, wait=50):
        pass  # the close asked for is dropped: the words are there to be read
    assert dialog.isVisible()
    assert poll.value() == ACME_ONLY.profiles[0].poll_interval_seconds + 30  # the edit kept


def test_insecure_or_invalid_values_are_refused_in_words(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), tmp_path / "s.json")
    dialog.add_profile()
    sr_url = dialog.editors["sr_base_url"]
    assert isinstance(sr_url, QLineEdit)
    sr_url.setText("http://sr.example.com/v1")
    assert _save(qtbot, dialog) is None
    assert "https://" in dialog.error_label.text()
    assert not (tmp_path / "s.json").exists()


TYPO_ADDRESS = "https://api.smartrecruiters.com:v1"  # ":" typed for "/"


def test_an_address_no_request_can_go_to_is_refused_at_its_field(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Before: saved without a word, then every start failed ("Invalid port: 'v1'") and Test
    connection stayed at "Testing…" with the error in the log."""
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), tmp_path / "s.json")
    dialog.show()
    dialog.add_profile()
    sr_url = dialog.editors["sr_base_url"]
    assert isinstance(sr_url, QLineEdit)
    sr_url.setText(TYPO_ADDRESS)
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "k" * 64)
    qtbot.mouseClick(dialog.test_buttons[SR_KEY], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: SR_KEY in dialog.last_verdicts)
    assert dialog.last_verdicts[SR_KEY].verdict.value == "bad_address"
    assert "where a port number" in dialog.verdict_labels[SR_KEY].text()
    assert _save(qtbot, dialog) is None
    assert "has “v1” where a port number (1 to 65535) goes" in dialog.error_label.text()
    assert "where a port number" in dialog.field_errors["sr_base_url"].text()
    assert sr_url.hasFocus()
    assert not (tmp_path / "s.json").exists()
    assert ring.entries == {}  # no key stored for what was not saved


def test_a_berke_token_over_50_characters_is_refused_at_the_field_before_storing(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), tmp_path / "s.json")
    dialog.show()
    dialog.add_profile()
    dialog.name_edit.setText("Staging")
    dialog.name_edit.textEdited.emit("Staging")
    error = dialog.key_errors[BERKE_TOKEN]
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], "p" * 50)
    assert not error.isVisible()  # 50 is allowed
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], "p" * 14)  # the 64-character partner key
    assert error.isVisible()
    assert "1–50 characters; this one has 64" in error.text()

    _select(dialog, PRODUCTION_PROFILE)  # away and back: the typed token is still refused
    assert not error.isVisible()
    _select(dialog, "Staging")
    assert error.isVisible()

    _select(dialog, PRODUCTION_PROFILE)
    assert _save(qtbot, dialog) is None
    assert dialog.profile_list.currentItem().text() == "Staging"  # shown where it is wrong
    assert "Staging: API token: Berke's API tokens are 1–50" in dialog.error_label.text()
    assert ring.entries == {}
    assert not (tmp_path / "s.json").exists()

    dialog.key_fields[BERKE_TOKEN].clear()
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], "berke-token-1")
    assert not error.isVisible()
    assert _save(qtbot, dialog) is not None
    assert ring.entries[(keyring_service(), "Staging/berke")] == "berke-token-1"


def test_a_default_invitation_refuses_what_berkes_xml_cannot_carry_at_its_field(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """As every Berke form: a pasted invisible character is said under its field, not sent
    (nor cleaned away unseen, as a file saved before the rule is)."""
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), tmp_path / "s.json")
    _select(dialog, PRODUCTION_PROFILE)
    dialog.show()
    dialog.editors["invitation_message"].setText("Please take it\x0cthis week.")  # type: ignore[attr-defined]
    assert _save(qtbot, dialog) is None
    under = dialog.field_errors["invitation_message"]
    assert "invisible character Berke cannot take (U+000C" in under.text()
    assert under.isVisible()
    dialog.editors["invitation_message"].setText("Please take it this week.")  # type: ignore[attr-defined]
    assert _save(qtbot, dialog) is not None


def test_the_profile_keeps_a_default_invitation(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    path = tmp_path / "s.json"
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), path)
    _select(dialog, PRODUCTION_PROFILE)
    message = dialog.editors["invitation_message"]
    name = dialog.editors["invitation_sender_name"]
    email = dialog.editors["invitation_sender_email"]
    assert isinstance(message, QLineEdit)
    assert isinstance(name, QLineEdit)
    assert isinstance(email, QLineEdit)
    assert message.accessibleName() == "Invitation Message"
    message.setText("Please take the assessment this week.")
    assert dialog.counts["invitation_message"].text() == "37 / 1,000"
    name.setText("Talent team")
    email.setText("talent at example")
    dialog.resize(dialog.width(), 480)  # a short screen: the form scrolls
    dialog.show()
    assert _save(qtbot, dialog) is None
    assert "Sender email" in dialog.error_label.text()
    under = dialog.field_errors["invitation_sender_email"]
    assert "well-formed" in under.text()
    assert under.isVisible()  # next to its field, not only in the dialog's footer
    assert not under.visibleRegion().isEmpty()  # scrolled to
    assert not dialog.field_errors["invitation_sender_name"].isVisible()
    qtbot.keyClicks(email, "x")
    assert not under.isVisible()  # corrected: gone as it is typed
    email.setText("talent@example.com")
    saved = _save(qtbot, dialog)
    assert saved is not None
    production = load_settings(path).profile(PRODUCTION_PROFILE)
    assert production is not None
    assert production.default_invitation == InvitationText(
        message="Please take the assessment this week.",
        sender_name="Talent team",
        sender_email="talent@example.com",
    )


SENTENCE = "Please complete the Berke assessment within five working days of this email. "


@pytest.mark.parametrize(
    ("field", "limit"), [("invitation_message", 1000), ("invitation_sender_name", 100)]
)
def test_a_long_pasted_text_is_refused_at_its_field_never_cut(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, field: str, limit: int
) -> None:
    """Before: a default invitation message of 1,047 characters pasted in was cut at 1,000
    without a word (``setMaxLength``) and saved so: every invitation then ended mid-word. The
    invite dialog and the Berke form refuse such a text at its field, and so does this."""
    path = tmp_path / "s.json"
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), path)
    _select(dialog, PRODUCTION_PROFILE)
    show_exposed(qtbot, dialog)
    editor = dialog.editors[field]
    assert isinstance(editor, QLineEdit)
    pasted = ("Dear candidate, " + SENTENCE * 13)[: limit + 47]
    QApplication.clipboard().setText(pasted)
    editor.setFocus()
    QTest.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert editor.text() == pasted  # all of it, to be seen and shortened
    if field == "invitation_message":  # counted as typed, and said once over
        length = len(pasted.strip())
        assert dialog.counts[field].text() == f"{length:,} / 1,000: {length - 1000} too many"
    assert _save(qtbot, dialog) is None
    under = dialog.field_errors[field]
    assert f"takes at most {limit:,} characters" in under.text()
    assert under.isVisible()
    assert dialog.focusWidget() is editor
    assert editor.text() == pasted
    assert not path.exists()  # nothing saved


def test_remove_says_why_it_is_off_for_a_built_in_profile(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: Remove was greyed for Sandbox and Production without a word of why."""
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), KeyStore(), tmp_path / "s.json")
    for name in (SANDBOX_PROFILE, PRODUCTION_PROFILE):
        _select(dialog, name)
        assert not dialog.remove_button.isEnabled()
        assert dialog.remove_button.toolTip() == (
            "The built-in profiles cannot be removed; Duplicate one to make your own."
        )
    _select(dialog, "Acme")
    assert dialog.remove_button.isEnabled()
    assert "built-in" not in dialog.remove_button.toolTip()


def test_the_profile_forms_scroll_area_is_no_tab_stop(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: Tab stopped on the scroll area around the profile's form, which showed nothing."""
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), KeyStore(), tmp_path / "s.json")
    show_exposed(qtbot, dialog)
    _select(dialog, "Acme")
    dialog.profile_list.setFocus()
    reached = []
    for _ in range(40):
        focus = QApplication.focusWidget()
        assert focus is not None
        reached.append(focus)
        QTest.keyClick(focus, Qt.Key.Key_Tab)
    assert dialog.name_edit in reached
    assert dialog.form_scroll not in reached


def test_the_profile_form_scrolls_so_the_dialog_fits_an_800_pixel_screen(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    dialog = _dialog(qtbot, AppSettings(), KeyStore(), tmp_path / "s.json")
    show_exposed(qtbot, dialog)
    assert dialog.minimumSizeHint().height() <= 800 * 0.9
    assert dialog.height() <= available_room(dialog).height()
    # Every option is still there, below the fold, and the rows are not squeezed sideways.
    form = dialog.form_scroll.widget()
    assert form is not None
    assert dialog.editors["invitation_sender_email"].isVisibleTo(form)
    assert dialog.form_scroll.viewport().width() >= form.minimumSizeHint().width()


def test_without_a_keyring_the_dialog_says_so_and_keeps_keys_for_the_session(
    qtbot: QtBot, tmp_path: Path
) -> None:
    keys = KeyStore(status=NO_KEYRING, file_path=tmp_path / "keys.json")
    settings = AppSettings(active=PRODUCTION_PROFILE)
    dialog = _dialog(qtbot, settings, keys, tmp_path / "s.json")
    assert "session only" in dialog.keyring_banner.text()
    assert dialog.file_opt_in.isVisibleTo(dialog)
    assert "not encrypted" in dialog.file_warning.text()
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "q" * 64)
    assert _save(qtbot, dialog) is not None
    assert keys.where(PRODUCTION_PROFILE, SR_KEY) is Storage.SESSION
    assert not (tmp_path / "keys.json").exists()
    # Opting in, explicitly: now a private file.
    dialog.file_opt_in.setChecked(True)
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], "berke-token-2")
    saved = _save(qtbot, dialog)
    assert saved is not None
    assert saved.keys_file_opt_in
    assert keys.where(PRODUCTION_PROFILE, BERKE_TOKEN) is Storage.FILE


def test_test_connection_gives_a_verdict_per_service(
    qtbot: QtBot,
    ring: MemoryKeyring,
    tmp_path: Path,
    sandbox: SandboxServer,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    settings = AppSettings(profiles=[_custom(sandbox)], active="Local")
    keys = KeyStore()
    keys.set("Local", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    dialog = _dialog(qtbot, settings, keys, tmp_path / "s.json")
    _select(dialog, "Local")
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "c" * 32)
    qtbot.mouseClick(dialog.test_buttons[SR_KEY], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.test_buttons[BERKE_TOKEN], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialog.last_verdicts) == 2)
    assert "customer API key" in dialog.verdict_labels[SR_KEY].text()
    assert dialog.verdict_labels[BERKE_TOKEN].text().startswith("✔ Works")
    assert dialog.test_buttons[SR_KEY].isEnabled()


def test_the_keyboard_stays_on_test_connection_while_it_runs(
    qtbot: QtBot,
    ring: MemoryKeyring,
    tmp_path: Path,
    sandbox: SandboxServer,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Before: the button, disabled while testing, gave the focus to the Berke address, and
    what was typed next went into it."""
    settings = AppSettings(profiles=[_custom(sandbox)], active="Local")
    keys = KeyStore()
    keys.set("Local", SR_KEY, DEMO_SR_KEY)
    dialog = _dialog(qtbot, settings, keys, tmp_path / "s.json")
    show_exposed(qtbot, dialog)
    _select(dialog, "Local")
    button = dialog.test_buttons[SR_KEY]
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: SR_KEY in dialog.last_verdicts or not button.isEnabled())
    if SR_KEY not in dialog.last_verdicts:  # still testing
        assert dialog.focusWidget() is dialog.verdict_labels[SR_KEY]  # "Testing…", read out
    qtbot.waitUntil(lambda: SR_KEY in dialog.last_verdicts)
    assert dialog.last_verdicts[SR_KEY].ok
    assert button.hasFocus()


@pytest.mark.usefixtures("ring")
def test_a_verdict_that_comes_after_moving_to_another_profile_is_not_shown_under_it(
    qtbot: QtBot,
    tmp_path: Path,
    sandbox: SandboxServer,
    running_loop: asyncio.AbstractEventLoop,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.clients.errors import Service
    from app.workflows.connection_test import ConnectionVerdict, Verdict

    release = asyncio.Event()

    async def slow_probe(*_args: object, **_kwargs: object) -> ConnectionVerdict:
        await release.wait()
        return ConnectionVerdict(Service.BERKE, Verdict.WORKS, "Works: Local's Berke.")

    monkeypatch.setattr("app.ui.settings.settings_dialog.probe_berke", slow_probe)
    settings = AppSettings(profiles=[_custom(sandbox), _custom(sandbox, "Other")], active="Local")
    dialog = _dialog(qtbot, settings, KeyStore(), tmp_path / "s.json")
    _select(dialog, "Local")
    button, label = dialog.test_buttons[BERKE_TOKEN], dialog.verdict_labels[BERKE_TOKEN]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: label.text() == "Testing…")
    assert not button.isEnabled()
    _select(dialog, "Other")
    assert label.text() == ""
    assert button.isEnabled()  # Other's own Test
    _select(dialog, "Local")  # back while its test is out: not a second one
    assert label.text() == "Testing…"
    assert not button.isEnabled()
    _select(dialog, "Other")
    release.set()
    qtbot.waitUntil(lambda: BERKE_TOKEN in dialog.last_verdicts)
    assert label.text() == ""  # Local's verdict, not Other's
    assert button.isEnabled()


@pytest.mark.usefixtures("ring")
def test_settings_action_switching_profile_resyncs_and_shows_it(
    qtbot: QtBot,
    tmp_path: Path,
    sandbox: SandboxServer,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    assert window.settings_action in file_menu.actions()

    keys = KeyStore()
    keys.set("Local", SR_KEY, DEMO_SR_KEY)
    keys.set("Local", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    settings = AppSettings(profiles=[_custom(sandbox)], active=SANDBOX_PROFILE)

    host = _host(window, settings, keys, write=lambda s: _write(s, tmp_path / "s.json"))

    def wait(coro: Coroutine[Any, Any, object]) -> None:
        _wait(qtbot, coro)

    try:
        wait(host.open())
        assert window.connection_label.text().startswith(SANDBOX_PROFILE)
        demo_desk = host.desk
        window.settings_action.trigger()
        dialog = settings_opened(qtbot, host)
        dialog.active_combo.setCurrentText("Local")
        with qtbot.waitSignal(dialog.accepted):  # saved (file and keyring off the GUI thread)
            dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        wait(host.wait_switched())
        assert host.desk is not demo_desk
        assert host.session is not None
        assert not host.session.demo
        assert window.connection_label.text().startswith("Local: SmartRecruiters http://127.0.0")
        assert window.orders.model.rowCount() > 0  # re-synced from the new place
        assert "SR " in window.pacing_status.text()
        assert "Berke " in window.pacing_status.text()
    finally:
        window.close()
        wait(host.close())


@pytest.mark.usefixtures("ring")
def test_switching_profiles_lets_each_closed_board_and_its_orders_go(
    qtbot: QtBot, sandbox: SandboxServer, qsettings: QSettings
) -> None:
    """Before: each closed board's signals stayed, children of the session host, and with
    them the window's source on it (their child) holding the board, every order of it and
    its desk: a desk open all day kept one whole board per profile switch or reconnection.
    Counted with no collection: the app freezes what it reads (``app.workflows.heap``), so
    only reference counting ever frees a closed board."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    keys = KeyStore()
    profiles = [_custom(sandbox, name) for name in ("A", "B")]
    for profile in profiles:
        keys.set(profile.name, SR_KEY, DEMO_SR_KEY)
        keys.set(profile.name, BERKE_TOKEN, DEMO_BERKE_TOKEN)
    host = _host(window, AppSettings(profiles=profiles, active="A"), keys)
    boards: list[weakref.ref[OrderBoard]] = []
    try:
        _wait(qtbot, host.open())
        for name in ("B", "A", "B", "A"):
            assert host.board is not None
            boards.append(weakref.ref(host.board))
            _wait(qtbot, host.apply(AppSettings(profiles=profiles, active=name)))
        _wait(qtbot, window.wait_sync_idle())  # the last switch's sync, its own task
        assert window.orders.model.rowCount() > 0  # the board in use synced its orders
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert [ref() for ref in boards] == [None] * len(boards)
        assert len(host.findChildren(BoardSignals)) == 1  # the board in use's
    finally:
        window.close()
        _wait(qtbot, host.close())


@pytest.mark.usefixtures("ring")
def test_closing_turns_the_actions_off_at_once_while_work_under_way_finishes(
    qtbot: QtBot, tmp_path: Path, qsettings: QSettings, running_loop: asyncio.AbstractEventLoop
) -> None:
    from app.domain.order_rules import OrderAction
    from app.domain.smartrecruiters import OrderStatus
    from app.workflows.board import CLOSING

    window = MainWindow(qsettings)
    qtbot.addWidget(window)

    host = _host(
        window,
        AppSettings(active=SANDBOX_PROFILE),
        KeyStore(),
        write=lambda s: _write(s, tmp_path / "s.json"),
    )
    opening = asyncio.ensure_future(host.open())
    qtbot.waitUntil(opening.done)
    board = opening.result()
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    new = next(o for o in board.orders() if o.status is OrderStatus.NEW)
    window.orders.select_order(new.id)
    reject = window.orders.controller.actions[OrderAction.REJECT]
    assert reject.isEnabled()
    release = asyncio.Event()
    board.spawn(release.wait())  # an action under way: the close waits for it
    closing = asyncio.ensure_future(host.close())
    qtbot.waitUntil(lambda: not reject.isEnabled())
    assert reject.toolTip() == CLOSING
    assert window.statusBar().currentMessage().startswith(CLOSING_NOTE)
    assert not closing.done()
    release.set()
    qtbot.waitUntil(closing.done)
    closing.result()
    window.close()


def test_open_log_folder_uses_the_injected_opener(qtbot: QtBot, qsettings: QSettings) -> None:
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    opened: list[QUrl] = []

    def record(url: QUrl) -> bool:
        opened.append(url)
        return True

    window.open_url = record
    window.log_folder_action.trigger()
    assert opened
    assert opened[0].toLocalFile().endswith("/log")


def test_crash_dialog_is_friendly_and_shown_once_per_burst(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    notifier = DialogNotifier(window, tmp_path / "log" / "assessment-desk.log")
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as exc:
        report = report_for(exc, where="main thread")
    notifier.notify(report)
    notifier.notify(report)
    box = notifier.box
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert "ZeroDivisionError" in box.text()
    assert "Nothing was lost" in box.informativeText()
    assert "assessment-desk.log" in box.informativeText()
    assert "2 errors" in box.windowTitle()
    box.close()


ACME = ConnectionProfile(
    name="Acme", sr_base_url="https://sr.acme.example/v1", berke_base_url="https://b.acme.example"
)
BETA = ConnectionProfile(
    name="Beta", sr_base_url="https://sr.beta.example/v1", berke_base_url="https://b.beta.example"
)


def test_the_profile_in_use_stays_in_use_while_its_name_is_typed_again(
    qtbot: QtBot, ring: MemoryKeyring
) -> None:
    """Its name cleared, then a new one typed: "Connect with profile" followed the name's
    text, found nothing for "" and fell back to the Sandbox, and OK reconnected in demo mode."""
    dialog = SettingsDialog(ACME_ONLY, KeyStore(), write=lambda _s: None)
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    _select(dialog, "Acme")
    assert dialog.active_combo.currentText() == "Acme"
    dialog.name_edit.setFocus()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(dialog.name_edit, "Acme Corp")
    assert dialog.active_combo.currentText() == "Acme Corp"
    saved = _save(qtbot, dialog)
    assert saved is not None
    assert saved.active == "Acme Corp"


def _keys_of(keys: KeyStore, name: str) -> tuple[str | None, str | None]:
    found = [keys.get(name, service) for service in (SR_KEY, BERKE_TOKEN)]
    sr, berke = (k.get_secret_value() if k is not None else None for k in found)
    return sr, berke


@pytest.mark.parametrize(
    "renames",
    [
        [("Acme", "Tmp"), ("Beta", "Acme"), ("Tmp", "Beta")],  # the two names swapped
        [("Acme", "Gamma"), ("Beta", "Acme")],
        [("Beta", "Delta"), ("Acme", "Beta")],
    ],
    ids=["swap", "take-the-earlier-name", "take-the-later-name"],
)
def test_keys_follow_their_profile_when_names_trade_places(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, renames: list[tuple[str, str]]
) -> None:
    """Before: keys followed the *name* within one save, so one account's keys went with the
    other account's addresses (and another's were lost)."""
    keys = KeyStore()
    acme_keys, beta_keys = ("A" * 40, "acme-token"), ("B" * 40, "beta-token")
    for name, (sr, token) in (("Acme", acme_keys), ("Beta", beta_keys)):
        keys.set(name, SR_KEY, sr)
        keys.set(name, BERKE_TOKEN, token)
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME, BETA]), keys, tmp_path / "s.json")
    for old, new in renames:
        _select(dialog, old)
        dialog.name_edit.setText(new)
        dialog.name_edit.textEdited.emit(new)
    saved = _save(qtbot, dialog)
    assert saved is not None
    by_host = {p.sr_base_url: p.name for p in saved.profiles if p.name not in (
        SANDBOX_PROFILE, PRODUCTION_PROFILE)}  # fmt: skip
    assert _keys_of(keys, by_host[ACME.sr_base_url]) == acme_keys
    assert _keys_of(keys, by_host[BETA.sr_base_url]) == beta_keys
    for gone in {"Acme", "Beta", "Tmp", "Gamma", "Delta"} - set(by_host.values()):
        assert _keys_of(keys, gone) == (None, None)


def test_test_connection_sends_a_stored_key_only_to_the_address_it_was_saved_for(
    qtbot: QtBot,
    ring: MemoryKeyring,
    tmp_path: Path,
    sandbox: SandboxServer,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Before: the stored key went to an address typed over the saved one (a typo, a pasted
    link) and not saved yet."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, DEMO_SR_KEY)
    keys.set("Acme", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), keys, tmp_path / "s.json")
    _select(dialog, "Acme")
    for field_name, typed in (
        ("sr_base_url", sandbox.sr_base_url),
        ("berke_base_url", sandbox.berke_base_url),
    ):
        editor = dialog.editors[field_name]
        assert isinstance(editor, QLineEdit)
        editor.setText(typed)  # not saved
    for service in (SR_KEY, BERKE_TOKEN):
        qtbot.mouseClick(dialog.test_buttons[service], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialog.last_verdicts) == 2)
    assert all(v.verdict.value == "no_key" for v in dialog.last_verdicts.values())
    # Typed for the new address, the key is sent there.
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], DEMO_BERKE_TOKEN)
    dialog.last_verdicts.clear()
    qtbot.mouseClick(dialog.test_buttons[BERKE_TOKEN], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: BERKE_TOKEN in dialog.last_verdicts)
    assert dialog.last_verdicts[BERKE_TOKEN].ok


@pytest.mark.usefixtures("ring")
def test_new_keys_for_the_profile_in_use_reconnect_with_them(
    qtbot: QtBot,
    sandbox: SandboxServer,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Keys are not in the profile: saving new ones for the same addresses (another account on
    Production's address) changed nothing, and the desk went on with the old account. Keys
    typed for a profile that had none (and so fell back to demo mode) left it in demo mode."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    keys = KeyStore()
    settings = AppSettings(profiles=[_custom(sandbox)], active="Local")

    host = _host(window, settings, keys)

    def wait(coro: Coroutine[Any, Any, object]) -> None:
        _wait(qtbot, coro)

    try:
        wait(host.open())
        assert host.session is not None
        assert host.session.demo  # no keys yet
        keys.set("Local", SR_KEY, DEMO_SR_KEY)
        keys.set("Local", BERKE_TOKEN, DEMO_BERKE_TOKEN)
        wait(host.apply(settings.model_copy(deep=True)))
        assert not host.session.demo  # the keys typed are used
        first = host.session
        keys.set("Local", SR_KEY, "N" * 64)  # another account's key, same address
        wait(host.apply(settings.model_copy(deep=True)))
        assert host.session is not first  # reconnected with the new key
        second = host.session
        wait(host.apply(settings.model_copy(deep=True)))  # nothing changed: no reconnect
        assert host.session is second
    finally:
        window.close()
        wait(host.close())


@pytest.mark.usefixtures("ring")
def test_a_stored_key_that_cannot_be_sent_falls_back_to_demo_with_the_way_out(
    qtbot: QtBot,
    sandbox: SandboxServer,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Before: every start failed ("could not start") on a key holding a no-break space."""
    notice = _demo_notice(qtbot, qsettings, _custom(sandbox), "p" * 30 + "\u00a0" + "p" * 33)
    assert "cannot be used" in notice
    assert "File > Settings" in notice


def _demo_notice(
    qtbot: QtBot, qsettings: QSettings, profile: ConnectionProfile, sr_key: str
) -> str:
    """Opens ``profile`` (as "Local", with ``sr_key``): it must fall back to demo mode; what
    the window is told."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    keys = KeyStore()
    keys.set("Local", SR_KEY, sr_key)
    keys.set("Local", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    host = _host(window, AppSettings(profiles=[profile], active="Local"), keys)
    _wait(qtbot, host.open())
    try:
        assert host.session is not None
        assert host.session.demo
        assert host.notice is not None
        return host.notice
    finally:
        window.close()
        _wait(qtbot, host.close())


@pytest.mark.usefixtures("ring")
def test_a_saved_address_no_request_can_go_to_falls_back_to_demo_with_the_way_out(
    qtbot: QtBot,
    sandbox: SandboxServer,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Saved by an older version: every start failed ("could not start: Invalid port"), and
    with it the way back into the settings."""
    typo = _custom(sandbox).model_copy(update={"sr_base_url": TYPO_ADDRESS})
    notice = _demo_notice(qtbot, qsettings, typo, DEMO_SR_KEY)
    assert "“Local” cannot be used" in notice
    assert "where a port number" in notice
    assert "File > Settings" in notice


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (ConnectionProfile(name="Client A", sr_base_url="https://sr.a.example/v1",
                           berke_base_url="https://b.a.example", data_file="client-a"),
         ConnectionProfile(name="Client B", sr_base_url="https://sr.b.example/v1",
                           berke_base_url="https://b.b.example", data_file="client-a")),
        (ConnectionProfile(name="Production", kind="production"),
         ConnectionProfile(name="Production 2", kind="production")),
    ],
    ids=["one-file-given-to-both", "two-production"],
)  # fmt: skip
def test_two_profiles_never_share_one_data_file(
    qtbot: QtBot,
    ring: MemoryKeyring,
    tmp_path: Path,
    first: ConnectionProfile,
    second: ConnectionProfile,
) -> None:
    """Before: "Client A" and "client-a" (and any two Production profiles) kept their orders
    and pending steps in one file: one account's journal was resumed against the other. Names
    no longer choose the file; a settings file edited by hand still can."""
    written: list[AppSettings] = []
    settings = AppSettings(profiles=[first, second])
    dialog = SettingsDialog(settings, KeyStore(), write=written.append)
    qtbot.addWidget(dialog)
    assert _save(qtbot, dialog) is None
    assert written == []
    said = dialog.error_label.text()
    assert f"“{first.name}” and “{second.name}” would keep their orders" in said


@pytest.fixture
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data files of this test only."""
    from app.store.paths import HOME_OVERRIDE

    monkeypatch.setenv(HOME_OVERRIDE, str(tmp_path / "home"))


def _cached_ids(profile: ConnectionProfile) -> set[str]:
    from app.store.order_cache import OrderCache
    from app.ui.session_host import database_path_for

    db = Database(database_path_for(profile))
    try:
        return {order.id for order in OrderCache(db).all()}
    finally:
        db.close()


def _cache_one_order(profile: ConnectionProfile, order_id: str) -> None:
    from app.domain.smartrecruiters import AssessmentOrder
    from app.store.order_cache import OrderCache
    from app.ui.session_host import database_path_for

    db = Database(database_path_for(profile))
    order = {"id": order_id, "status": "NEW", "candidate": {"id": "c1", "firstName": "Ana"}}
    OrderCache(db).merge([AssessmentOrder.model_validate(order)])
    db.close()


def _rename(dialog: SettingsDialog, old: str, new: str) -> None:
    _select(dialog, old)
    dialog.name_edit.setText(new)
    dialog.name_edit.textEdited.emit(new)


def test_a_profiles_orders_follow_it_when_names_trade_places(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, own_home: None
) -> None:
    """Before: the keys followed the profile, the data file its name. After Acme ↔ Beta, the
    profile on Acme's address, with Acme's keys, opened Beta's orders and resumed Beta's
    pending steps against Acme's services."""
    _cache_one_order(ACME, "acme-order")
    _cache_one_order(BETA, "beta-order")
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME, BETA]), KeyStore(), tmp_path / "s.json")
    for old, new in (("Acme", "Tmp"), ("Beta", "Acme"), ("Tmp", "Beta")):
        _rename(dialog, old, new)
    saved = _save(qtbot, dialog)
    assert saved is not None
    on_acme_address = next(p for p in saved.profiles if p.sr_base_url == ACME.sr_base_url)
    assert on_acme_address.name == "Beta"
    assert _cached_ids(on_acme_address) == {"acme-order"}
    on_beta_address = load_settings(tmp_path / "s.json").profile("Acme")
    assert on_beta_address is not None
    assert _cached_ids(on_beta_address) == {"beta-order"}


def _point_elsewhere(dialog: SettingsDialog, name: str, sr_address: str) -> None:
    _select(dialog, name)
    editor = dialog.editors["sr_base_url"]
    assert isinstance(editor, QLineEdit)
    editor.setText(sr_address)


def test_a_profile_pointed_at_another_server_starts_a_data_file_of_its_own(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, own_home: None
) -> None:
    """Before: its data file stayed, and the other account's cached orders were shown as this
    one's, its pending steps resumed against the new server. A change of path on the same
    server is the same account, and keeps the file."""
    _cache_one_order(ACME, "acme-order")
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), KeyStore(), tmp_path / "s.json")
    _point_elsewhere(dialog, "Acme", "https://sr.acme.example/v2")
    same_server = _save(qtbot, dialog)
    assert same_server is not None
    assert same_server.profiles[-1].data_file == ACME.data_file
    _point_elsewhere(dialog, "Acme", "https://sr.another-client.example/v1")
    saved = _save(qtbot, dialog)
    assert saved is not None, dialog.error_label.text()
    moved = saved.profiles[-1]
    assert moved.data_file not in ("", ACME.data_file)
    assert _cached_ids(moved) == set()
    assert _cached_ids(ACME) == {"acme-order"}  # the other account's, kept where it was
    assert load_settings(tmp_path / "s.json").profiles[-1].data_file == moved.data_file


def test_a_profile_with_steps_to_send_is_pointed_elsewhere_only_when_the_coordinator_says_so(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, own_home: None
) -> None:
    from app.domain.journal import CommentStep
    from app.store.journal import Journal
    from app.ui.session_host import database_path_for

    db = Database(database_path_for(ACME))
    Journal(db).begin("acme-order", CommentStep(message="Called the candidate"))
    db.close()
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), KeyStore(), tmp_path / "s.json")
    _point_elsewhere(dialog, "Acme", "https://sr.another-client.example/v1")
    task = asyncio.ensure_future(dialog.save_changes())
    said = answer(qtbot, dialog, "Keep editing")
    assert said == "“Acme” still has 1 step waiting to be sent, for sr.acme.example."
    qtbot.waitUntil(task.done)
    assert task.result() is None
    assert not (tmp_path / "s.json").exists()
    task = asyncio.ensure_future(dialog.save_changes())
    answer(qtbot, dialog, "Change the address")
    qtbot.waitUntil(task.done)
    saved = task.result()
    assert saved is not None
    assert saved.profiles[-1].data_file != ACME.data_file


ACCOUNT_ONE = ("1" * 64, "token-of-account-one")
ACCOUNT_TWO = ("2" * 64, "token-of-account-two")


@pytest.fixture
def account_two() -> Iterator[SandboxServer]:
    """The services at the profile's address, as they answer account two's keys."""
    from app.sandbox import SandboxConfig, SandboxServer

    server = SandboxServer(
        SandboxConfig(sr_key=ACCOUNT_TWO[0], berke_token=ACCOUNT_TWO[1], orders=3,
                      sr_rate_per_second=0, berke_burst=100_000),
        port=0,
    )  # fmt: skip
    server.start()
    yield server
    server.stop()


def _type_keys(qtbot: QtBot, dialog: SettingsDialog, name: str, keys: tuple[str, str]) -> None:
    _select(dialog, name)
    qtbot.keyClicks(dialog.key_fields[SR_KEY], keys[0])
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], keys[1])


def _left_by_account_one(profile: ConnectionProfile) -> int:
    """``profile``'s data file as account one left it: its order, and a create waiting (a
    503); the waiting step's id."""
    from app.domain.berke import CreateAssessmentRequest
    from app.domain.journal import CreateAssessmentStep
    from app.domain.smartrecruiters import AssessmentOrder
    from app.store.journal import Journal
    from app.store.order_cache import OrderCache
    from app.ui.session_host import database_path_for

    db = Database(database_path_for(profile))
    try:
        order = {"id": "order-of-account-one", "status": "NEW",
                 "candidate": {"id": "c1", "firstName": "Ana", "lastName": "Lind",
                               "email": "ana.lind@example.com"}}  # fmt: skip
        OrderCache(db).merge([AssessmentOrder.model_validate(order)])
        return Journal(db).begin(
            "order-of-account-one",
            CreateAssessmentStep(request=CreateAssessmentRequest(
                first_name="Ana", last_name="Lind", email_address="ana.lind@example.com",
            )),
        )  # fmt: skip
    finally:
        db.close()


@pytest.mark.usefixtures("own_home")
def test_another_accounts_keys_for_a_profile_start_a_data_file_of_its_own(
    qtbot: QtBot, ring: MemoryKeyring, account_two: SandboxServer, qsettings: QSettings
) -> None:
    """Another account's keys typed for a profile (same addresses) reconnected on its data
    file: the first account's cached orders were shown as the second's (then flagged gone),
    and its waiting create ran under the second account, failed for good ("SmartRecruiters no
    longer has this order"). Now the coordinator is asked, and another account's keys start a
    data file of their own; the first account's work waits in the old one."""
    from app.domain.journal_terms import StepState
    from app.store.journal import Journal
    from app.ui.session_host import database_path_for

    local, other = _on_address(account_two, "Local"), _on_address(account_two, "Other")
    step_id = _left_by_account_one(local)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    keys = KeyStore()
    keys.set("Local", SR_KEY, ACCOUNT_ONE[0])
    keys.set("Local", BERKE_TOKEN, ACCOUNT_ONE[1])
    keys.set("Other", SR_KEY, ACCOUNT_TWO[0])
    keys.set("Other", BERKE_TOKEN, ACCOUNT_TWO[1])
    host = SessionHost(
        window, AppSettings(profiles=[local, other], active="Other"), keys,
        write_settings=lambda _s: None,
    )  # fmt: skip
    try:
        _wait(qtbot, host.open())
        window.settings_action.trigger()  # account two's keys typed for "Local", then used
        dialog = settings_opened(qtbot, host)
        _type_keys(qtbot, dialog, "Local", ACCOUNT_TWO)
        dialog.active_combo.setCurrentText("Local")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        said = answer(qtbot, dialog, "Another account")
        assert said.startswith(
            "“Local” keeps 1 order and 1 step waiting to be sent of the account it used at "
        ), said
        qtbot.waitUntil(lambda: host._switch_task is not None)
        _wait(qtbot, host.wait_switched())
        assert host.board is not None
        assert host.session is not None
        assert not host.session.demo
        assert host.session.profile is not None
        assert host.session.profile.data_file != local.data_file
        _wait(qtbot, host.board.resume())  # what the resumer does at once
        assert "order-of-account-one" not in {o.id for o in host.board.orders()}
        db = Database(database_path_for(local))
        try:
            entry = Journal(db).get(step_id)
        finally:
            db.close()
        assert entry is not None
        assert entry.state is StepState.PENDING
    finally:
        window.close()
        _wait(qtbot, host.close())


def _on_address(sandbox: SandboxServer, name: str) -> ConnectionProfile:
    return ConnectionProfile(
        name=name, sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
    )


@pytest.mark.usefixtures("own_home")
def test_a_renewed_key_keeps_the_profiles_data_file_in_one_click(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """The common case: the key expired and a new one of the same account is typed. The
    question's first answer, the one Enter gives, keeps the orders; a profile whose data file
    holds nothing is not asked about."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, ACCOUNT_ONE[0])
    keys.set("Acme", BERKE_TOKEN, ACCOUNT_ONE[1])
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), keys, tmp_path / "s.json")
    _type_keys(qtbot, dialog, "Acme", ("3" * 64, "renewed-token"))
    saved = _save(qtbot, dialog)  # nothing cached yet: no question
    assert saved is not None
    assert saved.profiles[-1].data_file == ACME.data_file
    _cache_one_order(ACME, "acme-order")
    _type_keys(qtbot, dialog, "Acme", ("4" * 64, "renewed-again"))
    task = asyncio.ensure_future(dialog.save_changes())
    said = answer(qtbot, dialog, "Same account, renewed keys")
    assert said.startswith("“Acme” keeps 1 order of the account it used at sr.acme.example.")
    qtbot.waitUntil(task.done)
    saved = task.result()
    assert saved is not None
    assert saved.profiles[-1].data_file == ACME.data_file
    assert _cached_ids(ACME) == {"acme-order"}
    assert keys.get("Acme", SR_KEY) == SecretStr("4" * 64)


def _asked(dialog: SettingsDialog) -> QMessageBox | None:
    """The question the dialog shows now, if any."""
    return next((b for b in dialog.findChildren(QMessageBox) if b.isVisible()), None)


def _saved_unasked(qtbot: QtBot, dialog: SettingsDialog) -> AppSettings:
    """Save, which must ask nothing (a question is answered "Keep editing", and the test says
    which); what was saved."""
    task = asyncio.ensure_future(dialog.save_changes())
    qtbot.waitUntil(lambda: task.done() or _asked(dialog) is not None)
    question = _asked(dialog)
    if question is not None:  # Keep editing: the save ends, and the test says why
        question.reject()
        qtbot.waitUntil(task.done)
    assert question is None, f"asked about the profile's own keys: {question.text()}"
    saved = task.result()
    assert saved is not None
    return saved


@pytest.mark.usefixtures("own_home")
def test_the_same_keys_typed_again_are_not_asked_about(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: the very keys stored for the profile, pasted again, were asked about as maybe
    another account's ("New keys: the same account?"), one click from leaving the profile's
    orders and waiting steps behind; ``--configure`` asks nothing then. A key that does
    differ from the stored one is still asked about."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, ACCOUNT_ONE[0])
    keys.set("Acme", BERKE_TOKEN, ACCOUNT_ONE[1])
    _cache_one_order(ACME, "acme-order")
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), keys, tmp_path / "s.json")
    _type_keys(qtbot, dialog, "Acme", ACCOUNT_ONE)  # the stored keys, exactly
    saved = _saved_unasked(qtbot, dialog)
    assert saved.profiles[-1].data_file == ACME.data_file
    _type_keys(qtbot, dialog, "Acme", (ACCOUNT_ONE[0], "another-token"))
    task = asyncio.ensure_future(dialog.save_changes())
    said = answer(qtbot, dialog, "Same account, renewed keys")
    assert said.startswith("“Acme” keeps 1 order of the account it used at sr.acme.example.")
    qtbot.waitUntil(task.done)
    assert keys.get("Acme", BERKE_TOKEN) == SecretStr("another-token")


@pytest.mark.usefixtures("own_home")
def test_the_stored_key_again_beside_a_missing_token_is_not_asked_about(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """The token lost (a keyring that refused it half way), the profile's own key typed
    again beside one: no stored key is replaced, nothing is asked, the orders stay. As
    ``--configure`` does now (it asked "another account?" then)."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, ACCOUNT_ONE[0])
    _cache_one_order(ACME, "acme-order")
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), keys, tmp_path / "s.json")
    _type_keys(qtbot, dialog, "Acme", ACCOUNT_ONE)
    saved = _saved_unasked(qtbot, dialog)
    assert saved.profiles[-1].data_file == ACME.data_file
    assert keys.get("Acme", BERKE_TOKEN) == SecretStr(ACCOUNT_ONE[1])


@pytest.mark.usefixtures("own_home")
def test_another_accounts_keys_for_production_are_refused_with_the_way_out(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Production keeps the desk's own data file, whatever its settings say: another account
    there would share it. Its keys go to a copy of the profile instead."""
    keys = KeyStore()
    keys.set(PRODUCTION_PROFILE, SR_KEY, ACCOUNT_ONE[0])
    keys.set(PRODUCTION_PROFILE, BERKE_TOKEN, ACCOUNT_ONE[1])
    settings = AppSettings(active=PRODUCTION_PROFILE)
    production = settings.profile(PRODUCTION_PROFILE)
    assert production is not None
    _cache_one_order(production, "production-order")
    dialog = _dialog(qtbot, settings, keys, tmp_path / "s.json")
    _type_keys(qtbot, dialog, PRODUCTION_PROFILE, ACCOUNT_TWO)
    task = asyncio.ensure_future(dialog.save_changes())
    answer(qtbot, dialog, "Another account")
    qtbot.waitUntil(task.done)
    assert task.result() is None
    assert "Duplicate it" in dialog.error_label.text()
    assert not (tmp_path / "s.json").exists()
    assert keys.get(PRODUCTION_PROFILE, SR_KEY) == SecretStr(ACCOUNT_ONE[0])


def test_a_profile_with_steps_and_files_to_send_is_removed_only_when_the_coordinator_says_so(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, own_home: None
) -> None:
    """Before: removed and saved without a word, its keys forgotten; its created assessment's
    accept and its queued report were never sent (a new profile starts a data file of its
    own)."""
    from app.domain.journal import CommentStep
    from app.store.journal import Journal
    from app.store.results import ResultStore
    from app.ui.session_host import database_path_for

    db = Database(database_path_for(ACME))
    Journal(db).begin("acme-order", CommentStep(message="Called the candidate"))
    ResultStore(db).enqueue("acme-order", "/r/report.pdf", "report.pdf", 10)
    db.close()
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), KeyStore(), tmp_path / "s.json")
    _select(dialog, "Acme")
    dialog.remove_profile()
    said = answer(qtbot, dialog, "Keep the profile")
    assert said == (
        "“Acme” still has 1 step waiting to be sent and 1 file queued for SmartRecruiters."
    )
    qtbot.waitUntil(dialog.remove_button.isEnabled)
    assert dialog.profile_list.findItems("Acme", Qt.MatchFlag.MatchExactly)
    dialog.remove_profile()
    answer(qtbot, dialog, "Remove anyway")
    qtbot.waitUntil(lambda: not dialog.profile_list.findItems("Acme", Qt.MatchFlag.MatchExactly))
    saved = _save(qtbot, dialog)
    assert saved is not None
    assert [p.name for p in saved.profiles if p.name == "Acme"] == []


def test_apply_and_ok_wait_while_remove_reads_what_the_profile_has_to_send(
    qtbot: QtBot,
    ring: MemoryKeyring,
    tmp_path: Path,
    own_home: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: Remove read the saved profile's waiting work in a thread with Apply and OK
    still on. Apply pressed meanwhile started a save; the answer, "nothing waiting", took
    the profile out from under it, and the save failed inside its task (its profiles no
    longer paired with what was typed): nothing saved, and nothing said."""
    from app.ui.settings import settings_dialog
    from app.workflows.profile_data import waiting_for

    reading, answer_now = threading.Event(), threading.Event()

    def held(profile: ConnectionProfile) -> object:
        reading.set()
        assert answer_now.wait(HANG_GUARD_SECONDS)
        return waiting_for(profile)

    monkeypatch.setattr(settings_dialog, "waiting_for", held)
    path = tmp_path / "s.json"
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME, BETA]), KeyStore(), path)
    _select(dialog, "Acme")
    dialog.remove_profile()
    qtbot.waitUntil(reading.is_set)
    apply = dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    try:
        assert not apply.isEnabled()
        assert not ok.isEnabled()
        qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)  # pressed all the same
    finally:
        answer_now.set()
    qtbot.waitUntil(lambda: not dialog.profile_list.findItems("Acme", Qt.MatchFlag.MatchExactly))
    qtbot.waitUntil(apply.isEnabled)
    assert not path.exists()  # no save started meanwhile
    saved = _save(qtbot, dialog)
    assert saved is not None, dialog.error_label.text()
    assert [p.name for p in saved.profiles if p.name in ("Acme", "Beta")] == ["Beta"]


def test_a_new_profile_never_opens_the_orders_of_one_removed_under_its_name(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, own_home: None
) -> None:
    """Before: remove "Acme", add another client's profile named "Acme": it showed the first
    client's orders and resumed its journal with the second client's keys."""
    _cache_one_order(ACME, "acme-order")
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), KeyStore(), tmp_path / "s.json")
    _select(dialog, "Acme")
    _remove(qtbot, dialog)
    assert _save(qtbot, dialog) is not None
    dialog.add_profile()
    dialog.name_edit.setText("Acme")
    dialog.name_edit.textEdited.emit("Acme")
    for field_name, address in (
        ("sr_base_url", "https://sr.other-client.example/v1"),
        ("berke_base_url", "https://b.other-client.example"),
    ):
        editor = dialog.editors[field_name]
        assert isinstance(editor, QLineEdit)
        editor.setText(address)
    dialog.duplicate_profile()  # a copy of the new profile: its options, never its orders
    saved = _save(qtbot, dialog)
    assert saved is not None, dialog.error_label.text()
    new, copy = saved.profile("Acme"), saved.profile("Acme copy")
    assert new is not None
    assert copy is not None
    assert _cached_ids(new) == set() == _cached_ids(copy)
    assert len({new.data_file, copy.data_file, ACME.data_file}) == 3
    # That was Apply; OK now keeps the files chosen (before: another one each, orphaning what
    # the session opened after Apply had written).
    again = _save(qtbot, dialog)
    assert again is not None
    assert [again.profile(n).data_file for n in ("Acme", "Acme copy")] == [  # type: ignore[union-attr]
        new.data_file,
        copy.data_file,
    ]


def test_profiles_named_in_another_script_each_keep_their_own_orders(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, own_home: None
) -> None:
    """Before: every name without a Latin letter or digit mapped to one file ("profile"), and
    saving two was refused as names that "differ by only case and punctuation"."""
    alpha = ACME.model_copy(update={"name": "Клиент Альфа"})
    beta = ConnectionProfile(
        name="Клиент Бета", sr_base_url=BETA.sr_base_url, berke_base_url=BETA.berke_base_url
    )
    dialog = _dialog(qtbot, AppSettings(profiles=[alpha]), KeyStore(), tmp_path / "s.json")
    dialog.add_profile()
    dialog.name_edit.setText(beta.name)
    dialog.name_edit.textEdited.emit(beta.name)
    for field_name in ("sr_base_url", "berke_base_url"):
        editor = dialog.editors[field_name]
        assert isinstance(editor, QLineEdit)
        editor.setText(getattr(beta, field_name))
    saved = _save(qtbot, dialog)
    assert saved is not None, dialog.error_label.text()
    first, second = saved.profile(alpha.name), saved.profile(beta.name)
    assert first is not None
    assert second is not None
    _cache_one_order(first, "alpha-order")
    assert _cached_ids(second) == set()


@pytest.mark.usefixtures("ring", "own_home", "running_loop")
def test_settings_not_fully_read_are_said_in_a_box_once(qtbot: QtBot, qsettings: QSettings) -> None:
    """Before: a log line only; the coordinator found the profiles gone and demo mode on."""
    from app.store.paths import settings_path
    from app.ui.application import LaunchOptions, _settings_and_keys

    path = settings_path()
    path.parent.mkdir(parents=True)
    newer = {"name": "Client B", "max_upload_mb": 250}  # a newer version's range
    path.write_text(json.dumps({"profiles": [newer], "active": "Client B"}), encoding="utf-8")
    saved = _settings_and_keys(LaunchOptions(read_saved_settings=True))
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(
        window,
        saved.settings,
        saved.keys,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(":memory:"),
        settings_problem=saved.problem,
    )
    _wait(qtbot, host.open())
    _wait(qtbot, host.close())
    _wait(qtbot, host.open())
    try:
        said = [text for title, text in window.messages.shown if title == "Settings not fully read"]
        assert len(said) == 1
        assert "the profile “Client B” (“Largest report to upload” takes 1 MB to 200 MB)" in said[0]
        assert "settings.unreadable.json" in said[0]
    finally:
        window.close()
        _wait(qtbot, host.close())


def _type_address(dialog: SettingsDialog, field_name: str, address: str) -> None:
    editor = dialog.editors[field_name]
    assert isinstance(editor, QLineEdit)
    editor.setText(address)


def test_a_saved_key_never_moves_to_another_server_without_being_typed_again(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: Test connection refused to send the saved key to an address typed over the
    saved one, but OK saved that address with the key: the next connection sent the partner key
    and the Berke token to it (a typo'd or pasted host)."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    keys.set("Acme", BERKE_TOKEN, "acme-token")
    path = tmp_path / "s.json"
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME, BETA]), keys, path)
    _select(dialog, "Acme")
    _type_address(dialog, "sr_base_url", "https://sr.acme-login.example/v1")
    _select(dialog, "Beta")  # the coordinator moved on: the refusal shows Acme again
    assert _save(qtbot, dialog) is None
    assert not path.exists()
    assert dialog.profile_list.currentItem().text() == "Acme"
    said = dialog.key_errors[SR_KEY].text()
    assert dialog.key_errors[SR_KEY].isVisibleTo(dialog)
    assert "now sr.acme-login.example, no longer sr.acme.example" in said
    assert "type the Partner API key again" in said
    assert dialog.error_label.text() == f"Acme: {said}"
    assert _keys_of(keys, "Acme") == ("A" * 64, "acme-token")

    dialog.key_fields[SR_KEY].setText("N" * 64)
    dialog.key_fields[SR_KEY].textEdited.emit("N" * 64)
    saved = _save(qtbot, dialog)
    assert saved is not None, dialog.error_label.text()
    acme = saved.profile("Acme")
    assert acme is not None
    assert acme.sr_base_url == "https://sr.acme-login.example/v1"
    assert _keys_of(keys, "Acme") == ("N" * 64, "acme-token")  # Berke's address did not move


@pytest.mark.parametrize(
    "address",
    ["https://sr.acme.example/v1/", "https://SR.acme.example:443/v1", "https://sr.acme.example/v2"],
)
def test_the_same_server_under_another_path_keeps_its_saved_key(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, address: str
) -> None:
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), keys, tmp_path / "s.json")
    _select(dialog, "Acme")
    _type_address(dialog, "sr_base_url", address)
    assert _save(qtbot, dialog) is not None, dialog.error_label.text()
    assert _keys_of(keys, "Acme")[0] == "A" * 64


@pytest.mark.parametrize(
    "address",
    ["https://sr.acme.example/v1/", "https://SR.acme.example:443/v1", "https://sr.acme.example/v2"],
)
def test_test_connection_sends_the_saved_key_where_the_save_would_send_it(
    qtbot: QtBot,
    ring: MemoryKeyring,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    address: str,
) -> None:
    """Before: Test connection compared the addresses as text (a final "/" aside), the save
    by server: on the same server under another path or in other capitals, the test went
    without the key ("Enter the partner API key first"), and OK then saved the address to
    be sent the key all the same."""
    from app.clients.errors import Service
    from app.workflows.connection_test import ConnectionVerdict, Verdict

    sent: list[tuple[str, str]] = []

    async def probe(base_url: str, key: SecretStr | str) -> ConnectionVerdict:
        plain = key.get_secret_value() if isinstance(key, SecretStr) else key
        sent.append((base_url, plain))
        return ConnectionVerdict(Service.SMARTRECRUITERS, Verdict.WORKS, "Works.")

    monkeypatch.setattr("app.ui.settings.settings_dialog.probe_smartrecruiters", probe)
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME]), keys, tmp_path / "s.json")
    _select(dialog, "Acme")
    _type_address(dialog, "sr_base_url", address)
    task = asyncio.ensure_future(dialog.run_test(SR_KEY))
    qtbot.waitUntil(task.done)
    assert sent == [(address, "A" * 64)]
    _type_address(dialog, "sr_base_url", "https://sr.acme-login.example/v1")  # another server
    task = asyncio.ensure_future(dialog.run_test(SR_KEY))
    qtbot.waitUntil(task.done)
    assert sent[1:] == [("https://sr.acme-login.example/v1", "")]


def _host_on_file(
    qtbot: QtBot, qsettings: QSettings, path: Path
) -> tuple[SessionHost, SettingsFile]:
    """A window's session host on the settings file ``path``, which holds Acme alone."""
    from app.store.settings_file import SettingsFile, save_settings

    save_settings(AppSettings(profiles=[ACME]), path)
    file = SettingsFile(path)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(
        window,
        file.read().settings,
        KeyStore(),
        settings_file=file,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(":memory:"),
    )
    return host, file


@pytest.mark.usefixtures("ring", "running_loop")
def test_settings_changed_by_another_program_are_shown_never_undone(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    """Before: the dialog started from the copy read at start and wrote it back whole: an
    address changed by ``--configure`` (or an editor) meanwhile was put back by any OK."""
    from app.store.settings_file import save_settings

    path = tmp_path / "settings.json"
    host, _file = _host_on_file(qtbot, qsettings, path)
    moved = ACME.model_copy(update={"sr_base_url": "https://sr.moved.example/v1"})
    save_settings(AppSettings(profiles=[moved]), path)  # --configure, while the desk runs

    host.open_settings()
    dialog = settings_opened(qtbot, host)
    _select(dialog, "Acme")
    address = dialog.editors["sr_base_url"]
    assert isinstance(address, QLineEdit)
    assert address.text() == "https://sr.moved.example/v1"  # the change is shown
    poll = dialog.editors["poll_interval_seconds"]
    assert isinstance(poll, QSpinBox)
    poll.setValue(120)
    # ... and changed once more while the dialog is open: asked, and kept to edit on.
    save_settings(AppSettings(profiles=[moved], active="Acme"), path)
    saving = asyncio.ensure_future(dialog.save_changes())
    asked = answer(qtbot, dialog, "Keep editing")
    assert asked.startswith("The settings file was changed by another program")
    qtbot.waitUntil(saving.done)
    assert saving.result() is None
    assert "changed by another program" in dialog.error_label.text()
    assert load_settings(path).active == "Acme"
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())

    host.open_settings()  # opened again: the file's settings, and OK saves over them
    dialog = settings_opened(qtbot, host, before=dialog)
    assert dialog.active_combo.currentText() == "Acme"
    saved = _save(qtbot, dialog)
    assert saved is not None, dialog.error_label.text()
    acme = load_settings(path).profile("Acme")
    assert acme is not None
    assert acme.sr_base_url == "https://sr.moved.example/v1"
    dialog.reject()
    _wait(qtbot, host.wait_switched())  # to "Acme": no keys, so the demo
    _wait(qtbot, host.close())


@pytest.mark.usefixtures("ring", "running_loop")
def test_settings_changed_elsewhere_can_be_saved_over_when_chosen(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    """Refused without a choice, every OK and Apply was refused again: the only way on was
    to close Settings, losing what was typed. Now the coordinator may save theirs over it."""
    from app.store.settings_file import save_settings

    path = tmp_path / "settings.json"
    host, file = _host_on_file(qtbot, qsettings, path)
    host.open_settings()
    dialog = settings_opened(qtbot, host)
    _select(dialog, "Acme")
    poll = dialog.editors["poll_interval_seconds"]
    assert isinstance(poll, QSpinBox)
    poll.setValue(120)
    moved = ACME.model_copy(update={"sr_base_url": "https://sr.moved.example/v1"})
    save_settings(AppSettings(profiles=[moved]), path)  # an editor, while the dialog is open
    saving = asyncio.ensure_future(dialog.save_changes())
    answer(qtbot, dialog, "Save mine over it")
    qtbot.waitUntil(saving.done)
    assert saving.result() is not None, dialog.error_label.text()
    acme = load_settings(path).profile("Acme")
    assert acme is not None
    assert acme.poll_interval_seconds == 120
    assert acme.sr_base_url == ACME.sr_base_url  # the coordinator's, as chosen
    assert not file.changed_elsewhere()  # the next save is not asked about again
    poll.setValue(90)
    assert _save(qtbot, dialog) is not None
    dialog.reject()
    _wait(qtbot, host.wait_switched())
    _wait(qtbot, host.close())


def test_keys_of_a_profile_left_out_never_go_to_a_new_one_of_its_name(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: a profile left out of a settings file read part by part kept its keys under its
    name, and a new profile given that name (and another address) connected with them."""
    from app.store.settings_file import read_settings

    path = tmp_path / "settings.json"
    newer = {"name": "Client B", "max_upload_mb": 250, "sr_base_url": "https://sr.b.example/v1"}
    path.write_text(json.dumps({"profiles": [newer]}), encoding="utf-8")
    keys = KeyStore()
    keys.set("Client B", SR_KEY, "B" * 64)
    settings, problem = read_settings(path)
    assert problem is not None
    dialog = _dialog(qtbot, settings, keys, path)
    dialog.add_profile()
    dialog.name_edit.setText("Client B")
    dialog.name_edit.textEdited.emit("Client B")
    _type_address(dialog, "sr_base_url", "https://sr.elsewhere.example/v1")
    assert _save(qtbot, dialog) is None
    stored = "A SmartRecruiters Partner API key is stored under “Client B”"
    assert stored in dialog.key_errors[SR_KEY].text()
    dialog.key_fields[SR_KEY].setText("E" * 64)
    dialog.key_fields[SR_KEY].textEdited.emit("E" * 64)
    assert _save(qtbot, dialog) is not None, dialog.error_label.text()
    assert _keys_of(keys, "Client B")[0] == "E" * 64

    # Removed and made again in one session: the removed one's keys go with it, nothing asked.
    _select(dialog, "Client B")
    _remove(qtbot, dialog)
    dialog.add_profile()
    dialog.name_edit.setText("Client B")
    dialog.name_edit.textEdited.emit("Client B")
    assert _save(qtbot, dialog) is not None, dialog.error_label.text()
    assert _keys_of(keys, "Client B") == (None, None)


def test_keys_of_a_profile_left_out_never_go_to_a_profile_renamed_to_its_name(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: only a *new* profile was asked. "Acme", with a SmartRecruiters key of its own
    and no Berke token, renamed "Client B" (left out of the file), connected its address with
    Client B's Berke token."""
    from app.store.settings_file import read_settings

    path = tmp_path / "settings.json"
    acme = {"name": "Acme", "sr_base_url": "https://sr.acme.example/v1"}
    newer = {"name": "Client B", "max_upload_mb": 250, "sr_base_url": "https://sr.b.example/v1"}
    path.write_text(json.dumps({"profiles": [acme, newer], "active": "Acme"}), encoding="utf-8")
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    keys.set("Client B", SR_KEY, "B" * 64)
    keys.set("Client B", BERKE_TOKEN, "b" * 40)
    settings, problem = read_settings(path)
    assert problem is not None
    assert "Client B" not in [p.name for p in settings.profiles]
    dialog = _dialog(qtbot, settings, keys, path)
    _select(dialog, "Acme")
    dialog.name_edit.setText("Client B")
    dialog.name_edit.textEdited.emit("Client B")
    assert _save(qtbot, dialog) is None
    # Acme's own SmartRecruiters key moves over Client B's: only the token is asked for.
    assert dialog.key_errors[SR_KEY].isHidden()
    assert "A Berke API token is stored under “Client B”" in dialog.key_errors[BERKE_TOKEN].text()
    assert _keys_of(keys, "Acme") == ("A" * 64, None)  # nothing moved yet
    dialog.key_fields[BERKE_TOKEN].setText("t" * 40)
    dialog.key_fields[BERKE_TOKEN].textEdited.emit("t" * 40)
    assert _save(qtbot, dialog) is not None, dialog.error_label.text()
    assert _keys_of(keys, "Client B") == ("A" * 64, "t" * 40)
    assert _keys_of(keys, "Acme") == (None, None)


def test_ok_keeps_a_newer_desks_options_and_a_duplicate_does_not_take_them(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: the options a newer desk saved, with a profile and beside the profiles, were
    dropped as the file was read, and the next OK here saved it without them, without a word.
    A duplicate takes the options shown only: the others may be that account's own."""
    from app.store.settings_file import read_settings

    path = tmp_path / "settings.json"
    newer = {"name": "Client A", "sr_base_url": "https://sr.a.example/v1",
             "auto_reject_after_days": 14}  # fmt: skip
    path.write_text(
        json.dumps({"profiles": [newer], "active": "Client A", "ui_theme": "dark"}),
        encoding="utf-8",
    )
    settings, problem = read_settings(path)
    assert problem is None
    keys = KeyStore()
    dialog = _dialog(qtbot, settings, keys, path)
    _select(dialog, "Client A")
    poll = dialog.editors["poll_interval_seconds"]
    assert isinstance(poll, QSpinBox)
    poll.setValue(120)
    dialog.key_fields[SR_KEY].setText("A" * 64)
    dialog.key_fields[SR_KEY].textEdited.emit("A" * 64)
    dialog.duplicate_profile()
    assert _save(qtbot, dialog) is not None, dialog.error_label.text()
    text = path.read_text(encoding="utf-8")
    saved = json.loads(text)
    assert saved["ui_theme"] == "dark"
    by_name = {p["name"]: p for p in saved["profiles"]}
    assert by_name["Client A"]["auto_reject_after_days"] == 14
    assert by_name["Client A"]["poll_interval_seconds"] == 120
    assert by_name["Client A copy"]["poll_interval_seconds"] == 120
    assert "auto_reject_after_days" not in by_name["Client A copy"]
    assert "A" * 64 not in text  # the key went to the keyring, as ever
    assert _keys_of(keys, "Client A")[0] == "A" * 64


def test_profile_names_differing_only_in_capitals_are_refused(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Windows' Credential Manager ignores case: "Acme" and "ACME" would share their keys, and
    one account's key would connect the other's address."""
    path = tmp_path / "settings.json"
    keys = KeyStore()
    acme = ConnectionProfile(name="Acme", sr_base_url="https://sr.acme.example/v1")
    dialog = _dialog(qtbot, AppSettings(profiles=[acme], active="Acme"), keys, path)
    dialog.add_profile()
    dialog.name_edit.setText("ACME")
    dialog.name_edit.textEdited.emit("ACME")
    assert _save(qtbot, dialog) is None
    said = (
        "Two profiles have the same name, “Acme” and “ACME”: names must differ by more than "
        "their capitals (Windows keeps their keys under one name)."
    )
    assert dialog.error_label.text() == f"ACME: {said}"
    assert dialog.field_errors["name"].text() == said  # under the name, the new one shown
    assert dialog.profile_list.currentItem().text() == "ACME"
    assert not path.exists()  # nothing saved
    dialog.name_edit.setText("Acme")
    dialog.name_edit.textEdited.emit("Acme")
    assert not dialog.field_errors["name"].text()  # changed: said again at the next save
    assert _save(qtbot, dialog) is None
    assert dialog.field_errors["name"].text() == "Two profiles are named “Acme”: names must differ."
    dialog.name_edit.setText("Acme Europe")
    dialog.name_edit.textEdited.emit("Acme Europe")
    assert _save(qtbot, dialog) is not None, dialog.error_label.text()


@pytest.mark.usefixtures("ring")
def test_a_default_invitation_changed_in_settings_applies_without_reconnecting(
    qtbot: QtBot,
    sandbox: SandboxServer,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Before: the Invite dialog and the batch started from the profile the session opened
    with, until the next reconnect."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    keys = KeyStore()
    keys.set("Local", SR_KEY, DEMO_SR_KEY)
    keys.set("Local", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    settings = AppSettings(profiles=[_custom(sandbox)], active="Local")
    host = _host(window, settings, keys)
    try:
        _wait(qtbot, host.open())
        opened, board = host.session, host.board
        assert board is not None
        assert board.default_invitation is None
        saved = settings.profile("Local")
        assert saved is not None
        local = saved.model_copy(
            update={
                "invitation_message": "Please finish by Friday.",
                "invitation_sender_name": "Ana",
            }
        )
        _wait(qtbot, host.apply(AppSettings(profiles=[local], active="Local")))
        assert host.session is opened  # not a connection change
        assert board.default_invitation == InvitationText(
            message="Please finish by Friday.", sender_name="Ana"
        )
    finally:
        window.close()
        _wait(qtbot, host.close())


@pytest.mark.usefixtures("ring")
def test_orders_found_by_the_sync_after_a_reconnect_are_announced(
    qtbot: QtBot, sandbox: SandboxServer, qsettings: QSettings, tmp_path: Path
) -> None:
    """Before: a setting saved that reconnects the same profile (its result author, its Berke
    user…) opened a new board, and the orders its first sync found were taken for what
    arrived while the desk was closed: no notification, no "1 new assessment order arrived",
    though the desk was open and watching. Another data file's orders are its backlog."""
    from app.workflows.session import Session
    from tests.integration.helpers import new_order_body

    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    arrived: list[list[str]] = []
    window.new_orders_arrived.connect(arrived.append)
    profile = _custom(sandbox).model_copy(update={"data_file": "local"})
    keys = KeyStore()
    keys.set("Local", SR_KEY, DEMO_SR_KEY)
    keys.set("Local", BERKE_TOKEN, DEMO_BERKE_TOKEN)

    def database(session: Session) -> Database:
        assert session.profile is not None
        return Database(tmp_path / f"{session.profile.data_file}.sqlite3")

    host = SessionHost(
        window, AppSettings(profiles=[profile], active="Local"), keys, open_database=database
    )

    def new_order(first: str) -> str:
        assert host.session is not None
        assert not host.session.demo
        task = asyncio.ensure_future(host.session.sr.create_test_order(new_order_body(first)))
        qtbot.waitUntil(task.done)
        return task.result().id

    def saved(changes: dict[str, str]) -> None:
        changed = profile.model_copy(update=changes)
        _wait(qtbot, host.apply(AppSettings(profiles=[changed], active="Local")))
        _wait(qtbot, window.wait_sync_idle())  # the sync the reconnection started

    try:
        _wait(qtbot, host.open())
        _wait(qtbot, window.sync())  # the start's sync: what arrived before it is not said
        made = new_order("Ola")
        saved({"result_author": "Cora Coordinator"})  # reconnects: same file, same account
        assert host.board is not None
        assert host.board.order(made) is not None
        assert arrived == [[made]]

        other = new_order("Una")
        saved({"data_file": "elsewhere"})  # another data file: every order is new to it
        assert host.board is not None
        assert host.board.order(other) is not None
        assert arrived == [[made]]  # its backlog is not news
    finally:
        window.close()
        _wait(qtbot, host.close())


def test_a_key_error_goes_once_its_address_is_put_back(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Before: "the address is now …, no longer …" stayed under the key after the address was
    put back, and after the next save refused something else (a sender's address)."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME], active="Acme"), keys, tmp_path / "s.json")
    dialog.show()
    sr = dialog.editors["sr_base_url"]
    assert isinstance(sr, QLineEdit)
    sr.setText("https://sr.elsewhere.example/v1")
    sr.textEdited.emit(sr.text())
    assert _save(qtbot, dialog) is None
    assert dialog.key_errors[SR_KEY].isVisible()
    sr.setText(ACME.sr_base_url)  # put back: the words go at once
    sr.textEdited.emit(sr.text())
    assert not dialog.key_errors[SR_KEY].isVisible()

    sr.setText("https://sr.elsewhere.example/v1")  # moved again, then put back unseen
    assert _save(qtbot, dialog) is None
    assert dialog.key_errors[SR_KEY].isVisible()
    _type_address(dialog, "sr_base_url", ACME.sr_base_url)
    sender = dialog.editors["invitation_sender_email"]
    assert isinstance(sender, QLineEdit)
    sender.setText("not an address")
    assert _save(qtbot, dialog) is None  # refused for the sender only: each save says it afresh
    assert dialog.field_errors["invitation_sender_email"].text()
    assert not dialog.key_errors[SR_KEY].isVisible()
    assert "no longer" not in dialog.error_label.text()


def _shown_active(qtbot: QtBot, dialog: SettingsDialog) -> SettingsDialog:
    """``dialog`` on screen and active (the keyboard in it), its key places read."""
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    return dialog


def test_a_refused_name_is_heard_at_the_field_the_keyboard_is_put_on(qtbot: QtBot) -> None:
    """Before: Apply refusing a second "Acme" put the keyboard on the name and painted why
    under it, but a screen reader was handed only the field's name and value: a blind
    coordinator heard nothing of the refusal."""
    dialog = _shown_active(qtbot, SettingsDialog(ACME_ONLY, KeyStore(), write=lambda _s: None))
    dialog.add_profile()
    dialog.name_edit.setText("Acme")
    dialog.name_edit.textEdited.emit("Acme")
    assert _save(qtbot, dialog) is None
    said = dialog.field_errors["name"].text()
    assert said  # painted under the field ...
    assert QApplication.focusWidget() is dialog.name_edit  # ... the keyboard on it ...
    assert said in heard(dialog.name_edit)  # ... and said there
    QTest.keyClicks(dialog.name_edit, " EU")  # edited: the refusal is over
    assert said not in heard(dialog.name_edit)
    assert dialog.name_edit.accessibleDescription() == ""


def test_a_refused_address_is_heard_at_its_field(qtbot: QtBot) -> None:
    dialog = _shown_active(qtbot, SettingsDialog(ACME_ONLY, KeyStore(), write=lambda _s: None))
    address = dialog.editors["sr_base_url"]
    assert isinstance(address, QLineEdit)
    address.setText("https://api.smartrecruiters.com:v1")
    address.textEdited.emit(address.text())
    assert _save(qtbot, dialog) is None
    said = dialog.field_errors["sr_base_url"].text()
    assert said
    assert address.hasFocus()
    assert said in heard(address), f"heard: {heard(address)!r}; painted: {said!r}"
    _select(dialog, "Acme")  # shown afresh: said of the profile shown until now
    address.setText(ACME_ONLY.profiles[0].sr_base_url)
    assert _save(qtbot, dialog) is not None
    assert said not in heard(address)


def test_a_key_refused_for_a_moved_address_is_heard_at_the_key(
    qtbot: QtBot, ring: MemoryKeyring
) -> None:
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    dialog = _shown_active(qtbot, SettingsDialog(ACME_ONLY, keys, write=lambda _s: None))
    address = dialog.editors["sr_base_url"]
    assert isinstance(address, QLineEdit)
    address.setText("https://sr.elsewhere.example/v1")
    address.textEdited.emit(address.text())
    assert _save(qtbot, dialog) is None
    key_field, said = dialog.key_fields[SR_KEY], dialog.key_errors[SR_KEY].text()
    assert "no longer sr.acme.example" in said
    assert QApplication.focusWidget() is key_field
    assert said in heard(key_field)
    address.setText(ACME_ONLY.profiles[0].sr_base_url)  # put back: the words go
    address.textEdited.emit(address.text())
    assert said not in heard(key_field)


def test_a_refusal_naming_no_field_is_heard_where_the_keyboard_is(qtbot: QtBot) -> None:
    """A refusal of the whole save (the file not written) is only on the dialog's error line,
    which takes no focus: it is said by the widget the keyboard is back on."""

    def refuse(_settings: AppSettings) -> None:
        raise PermissionError(13, "Permission denied", "/settings/settings.json")

    dialog = _shown_active(qtbot, SettingsDialog(ACME_ONLY, KeyStore(), write=refuse))
    dialog.name_edit.setFocus()
    assert _save(qtbot, dialog) is None
    said = dialog.error_label.text()
    assert "could not be saved to /settings/settings.json" in said
    assert QApplication.focusWidget() is dialog.name_edit  # back where it was
    assert said in heard(dialog.name_edit)
    QTest.keyClicks(dialog.name_edit, " EU")
    assert said not in heard(dialog.name_edit)


class CaseBlindKeyring(MemoryKeyring):
    """Windows' Credential Manager: "Acme" and "ACME" are one name; "Straße" and "STRASSE"
    are two (it compares capitals, not ``casefold``'s folded letters)."""

    def get_password(self, service: str, username: str) -> str | None:
        return super().get_password(service.lower(), username.lower())

    def set_password(self, service: str, username: str, password: str) -> None:
        super().set_password(service.lower(), username.lower(), password)

    def delete_password(self, service: str, username: str) -> None:
        super().delete_password(service.lower(), username.lower())


@pytest.fixture
def acme_keys_on_windows() -> Iterator[KeyStore]:
    """A case-blind keyring (Windows') holding the saved profile "Acme"'s two keys."""
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(CaseBlindKeyring())
    try:
        keys = KeyStore()
        keys.set("Acme", SR_KEY, "A" * 64)
        keys.set("Acme", BERKE_TOKEN, "acme-token")
        yield keys
    finally:
        keyring.set_keyring(previous)


def test_on_a_case_blind_keyring_a_name_in_other_capitals_is_refused_for_its_name(
    qtbot: QtBot, acme_keys_on_windows: KeyStore, tmp_path: Path
) -> None:
    """Before: a new "ACME" beside a saved "Acme" found Acme's keys under its name and was
    told they were left by a profile no longer in the settings (asking for a key of its own),
    and only after that refused for its name."""
    keys = acme_keys_on_windows
    settings = AppSettings(profiles=[ACME], active="Acme")
    dialog = _dialog(qtbot, settings, keys, tmp_path / "s.json")
    dialog.add_profile()
    dialog.name_edit.setText("ACME")
    dialog.name_edit.textEdited.emit("ACME")
    assert _save(qtbot, dialog) is None
    assert dialog.error_label.text() == (
        "ACME: Two profiles have the same name, “Acme” and “ACME”: names must differ by "
        "more than their capitals (Windows keeps their keys under one name)."
    )
    assert not any(error.isVisibleTo(dialog) for error in dialog.key_errors.values())


WINDOWS_SAME_NAME = (
    "ACME: A SmartRecruiters Partner API key is stored under “ACME”, or under “Acme”, which "
    "Windows takes for the same name: type this profile's own, or save the change to “Acme” "
    "first and add “ACME” after it (a stored key is only sent to the profile it was saved for)."
)


def _rename_acme_and_add(qtbot: QtBot, keys: KeyStore, tmp_path: Path) -> SettingsDialog:
    """Settings with "Acme": renamed "Beta", and a new profile "ACME" added, not saved yet."""
    dialog = _dialog(qtbot, AppSettings(profiles=[ACME], active="Acme"), keys, tmp_path / "s.json")
    dialog.name_edit.setText("Beta")
    dialog.name_edit.textEdited.emit("Beta")
    dialog.add_profile()
    dialog.name_edit.setText("ACME")
    dialog.name_edit.textEdited.emit("ACME")
    return dialog


def test_on_a_case_blind_keyring_a_renamed_profiles_name_in_other_capitals_waits_a_save(
    qtbot: QtBot, acme_keys_on_windows: KeyStore, tmp_path: Path
) -> None:
    """ "Acme" renamed "Beta" and "ACME" added in one save: on Windows the keys under "ACME"
    are Acme's, moving to Beta; elsewhere they may be a lost profile's (next test), and the
    store cannot tell which. Refused, with words that say so, not "from a profile no longer
    in the settings"; saved in two steps, Beta keeps the keys and ACME has none."""
    keys = acme_keys_on_windows
    dialog = _rename_acme_and_add(qtbot, keys, tmp_path)
    assert _save(qtbot, dialog) is None
    assert dialog.error_label.text() == WINDOWS_SAME_NAME

    renamed = _dialog(qtbot, AppSettings(profiles=[ACME], active="Acme"), keys, tmp_path / "s.json")
    renamed.name_edit.setText("Beta")
    renamed.name_edit.textEdited.emit("Beta")
    first = _save(qtbot, renamed)
    assert first is not None, renamed.error_label.text()
    added = _dialog(qtbot, first, keys, tmp_path / "s.json")
    added.add_profile()
    added.name_edit.setText("ACME")
    added.name_edit.textEdited.emit("ACME")
    second = _save(qtbot, added)
    assert second is not None, added.error_label.text()
    assert [p.name for p in second.profiles][-2:] == ["Beta", "ACME"]
    beta_key = keys.get("Beta", SR_KEY)
    assert beta_key is not None
    assert beta_key.get_secret_value() == "A" * 64
    assert keys.where("ACME", SR_KEY) is Storage.NONE


@pytest.mark.parametrize("lost_key", ["L" * 64, "A" * 64], ids=["its-own", "the-same-as-acmes"])
def test_keys_under_a_saved_name_in_other_capitals_are_a_lost_profiles_where_case_counts(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, lost_key: str
) -> None:
    """Where the keyring tells capitals apart (Linux, macOS), keys under "ACME" beside a
    saved "Acme" are a lost profile's, even one holding the same key: a new "ACME", added as
    Acme is renamed, would connect with them (only "Acme"'s move), and is refused for it."""
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "A" * 64)
    keys.set("ACME", SR_KEY, lost_key)  # left by a profile the settings file lost
    dialog = _rename_acme_and_add(qtbot, keys, tmp_path)
    assert _save(qtbot, dialog) is None
    assert dialog.error_label.text() == WINDOWS_SAME_NAME


def test_names_differing_in_more_than_capitals_are_kept_and_proposed_names_never_clash(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path
) -> None:
    """Two names to Windows, "Straße" and "STRASSE", were refused as differing "only in
    capitals". And with a "custom" profile, Add proposed "Custom", which saving refused."""
    street = ConnectionProfile(name="Straße", sr_base_url="https://sr.acme.example/v1")
    lower = ConnectionProfile(name="custom", sr_base_url="https://sr.beta.example/v1")
    settings = AppSettings(profiles=[street, lower], active="Straße")
    dialog = _dialog(qtbot, settings, KeyStore(), tmp_path / "s.json")
    dialog.add_profile()
    assert dialog.name_edit.text() == "Custom 2"
    dialog.name_edit.setText("STRASSE")
    dialog.name_edit.textEdited.emit("STRASSE")
    saved = _save(qtbot, dialog)
    assert saved is not None, dialog.error_label.text()
    assert [p.name for p in saved.profiles][-3:] == ["Straße", "custom", "STRASSE"]


def test_a_refused_save_reads_on_a_dark_palette(qtbot: QtBot) -> None:
    """On a dark desktop palette why Apply was refused, under the field and at the dialog's
    foot, was drawn in a fixed dark red (#b00020) on the dark window: about 1.75:1, under
    WCAG's 3:1. It keeps that red on a light palette, and follows a switch while open."""
    dialog = SettingsDialog(ACME_ONLY, KeyStore(), write=lambda _s: None)
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    # A second profile named as the first: Apply refuses it, under the name and at the foot.
    dialog.add_profile()
    dialog.name_edit.setText("Acme")
    dialog.name_edit.textEdited.emit("Acme")
    assert _save(qtbot, dialog) is None
    said = [dialog.field_errors["name"], dialog.error_label]
    assert [text_colour(label) for label in said] == ["#b00020"] * 2
    with app_palette(qtbot, dark_palette(), dialog):
        for label in said:
            ratio = painted_contrast(label)
            assert ratio >= WCAG_MIN, f"{label.objectName()}: {ratio:.2f}:1"


def test_the_key_and_message_refusals_and_the_verdicts_read_on_a_dark_palette(
    qtbot: QtBot, ring: MemoryKeyring, tmp_path: Path, sandbox: SandboxServer
) -> None:
    """On a dark desktop palette a key mistyped, a message too long and Test connection's
    verdicts were drawn in a fixed dark red (#b00020) and green (#1b7f3b) on the dark window:
    about 1.75:1 and 2.5:1, under WCAG's 3:1. They keep those shades on a light palette, and
    follow a switch while open."""
    settings = AppSettings(profiles=[_custom(sandbox, "Acme")], active="Acme")
    keys = KeyStore()
    keys.set("Acme", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    dialog = _dialog(qtbot, settings, keys, tmp_path / "s.json")
    show_exposed(qtbot, dialog)
    _select(dialog, "Acme")
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "copied key")  # a space: refused
    message = dialog.editors["invitation_message"]
    assert isinstance(message, QLineEdit)
    message.setText("m" * (SR_MESSAGE_MAX + 1))
    qtbot.mouseClick(dialog.test_buttons[SR_KEY], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.test_buttons[BERKE_TOKEN], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialog.last_verdicts) == 2)
    assert not dialog.last_verdicts[SR_KEY].ok
    assert dialog.last_verdicts[BERKE_TOKEN].ok
    refused = [
        dialog.key_errors[SR_KEY],
        dialog.counts["invitation_message"],
        dialog.verdict_labels[SR_KEY],
    ]
    works = dialog.verdict_labels[BERKE_TOKEN]
    assert [text_colour(label) for label in refused] == ["#b00020"] * 3
    assert text_colour(works) == "#1b7f3b"
    with app_palette(qtbot, dark_palette(), dialog):
        for label in [*refused, works]:
            ratio = painted_contrast(label)
            assert ratio >= WCAG_MIN, f"{label.objectName()}: {ratio:.2f}:1"
    assert text_colour(works) == "#1b7f3b"


def _synced(qtbot: QtBot, window: MainWindow) -> bool:
    """A sync, as F5 asks for it, waited for: whether it worked."""
    task = asyncio.ensure_future(window.sync())
    qtbot.waitUntil(task.done)
    return task.result()


@pytest.mark.usefixtures("ring")
@pytest.mark.parametrize("proxies", UNUSABLE_PROXIES)
def test_a_proxy_setting_that_cannot_be_used_never_stops_demo_mode(
    qtbot: QtBot, qsettings: QSettings, monkeypatch: pytest.MonkeyPatch, proxies: dict[str, str]
) -> None:
    """Before: "Assessment Desk could not start: Using SOCKS proxy, but the 'socksio' package
    is not installed…" (or "Invalid port"), even in demo mode on 127.0.0.1, which no proxy
    ever carries."""
    unusable_proxies(monkeypatch, proxies)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = _host(window, AppSettings(), KeyStore())
    try:
        _wait(qtbot, host.open())
        assert host.session is not None
        assert host.session.demo
        assert _synced(qtbot, window)
        assert window.orders.model.rowCount() == 3
    finally:
        window.close()
        _wait(qtbot, host.close())


@pytest.mark.usefixtures("ring")
def test_a_proxy_setting_that_cannot_be_used_is_said_where_a_failed_connection_is(
    qtbot: QtBot, qsettings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a profile with its keys stored could not start ("Invalid port: '80a'"), and
    Test connection raised instead of giving a verdict. The desk opens; the sync and Test
    connection say which setting to correct."""
    only_proxies(monkeypatch, {"HTTPS_PROXY": "http://proxy.corp:80a"})
    said = "The proxy set in HTTPS_PROXY (http://proxy.corp:80a) cannot be used"
    keys = KeyStore()
    keys.set("Acme", SR_KEY, "k" * 64)
    keys.set("Acme", BERKE_TOKEN, "t" * 32)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = _host(window, ACME_ONLY, keys)
    try:
        _wait(qtbot, host.open())
        assert host.session is not None
        assert not host.session.demo
        assert not _synced(qtbot, window)
        assert said in window.orders.message.text()
        window.settings_action.trigger()
        dialog = settings_opened(qtbot, host)
        _select(dialog, "Acme")
        for service in (SR_KEY, BERKE_TOKEN):
            qtbot.mouseClick(dialog.test_buttons[service], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(dialog.last_verdicts) == 2)
        for service in (SR_KEY, BERKE_TOKEN):
            assert said in dialog.verdict_labels[service].text()
        dialog.reject()
    finally:
        window.close()
        _wait(qtbot, host.close())
