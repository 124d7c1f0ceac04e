"""The settings dialog never calls the keyring on the GUI thread: a keyring may take seconds to
answer (a Secret Service over D-Bus, KWallet waking up) or wait on its unlock prompt, and the
whole window, event loop included, froze meanwhile. Opening the dialog, selecting a profile,
Apply/OK and Test connection all ask it from a worker thread.

A keyring backend records the thread of every call; no assertion here is about time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from app.clients.errors import Service
from app.domain.connection import AppSettings, ConnectionProfile
from app.store import credentials
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore, keyring_service
from app.ui.main_window import MainWindow
from app.ui.session_host import SessionHost
from app.ui.settings.settings_dialog import STORAGE_PLACEHOLDERS, SettingsDialog
from app.workflows.connection_test import ConnectionVerdict, Verdict
from tests.memory_keyring import MemoryKeyring
from tests.ui.conftest import settings_opened
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.usefixtures("running_loop")

ACME = ConnectionProfile(
    name="Acme", sr_base_url="https://sr.acme.example/v1", berke_base_url="https://b.acme.example"
)
BETA = ConnectionProfile(
    name="Beta", sr_base_url="https://sr.beta.example/v1", berke_base_url="https://b.beta.example"
)
IN_KEYRING = STORAGE_PLACEHOLDERS[credentials.Storage.KEYRING]
NOT_SET = STORAGE_PLACEHOLDERS[credentials.Storage.NONE]


class ThreadRecordingKeyring(MemoryKeyring):
    """The test keyring, noting which thread made each call. ``gate``, when set, holds every
    write until it is opened: the keyring "busy" (an unlock prompt waiting), for as long as
    the test needs to look at the dialog meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, threading.Thread]] = []
        self.gate: threading.Event | None = None
        self.writing = threading.Event()

    def _record(self, what: str) -> None:
        self.calls.append((what, threading.current_thread()))

    def on_gui_thread(self) -> list[str]:
        return [what for what, thread in self.calls if thread is threading.main_thread()]

    def get_password(self, service: str, username: str) -> str | None:
        self._record(f"get {username}")
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._record(f"set {username}")
        if self.gate is not None:
            self.writing.set()
            # A hang guard, not a measure: the test opens the gate long before.
            self.gate.wait(HANG_GUARD_SECONDS)
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._record(f"delete {username}")
        super().delete_password(service, username)


@pytest.fixture
def ring(monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadRecordingKeyring]:
    """The recording keyring, installed; finding the keyring (``keyring_status``, which may
    load and probe every backend) is recorded too."""
    previous = keyring.get_keyring()
    backend = ThreadRecordingKeyring()
    keyring.set_keyring(backend)
    real_status = credentials.keyring_status

    def recorded_status() -> credentials.KeyringStatus:
        backend._record("find the keyring")
        return real_status()

    monkeypatch.setattr(credentials, "keyring_status", recorded_status)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def _stored(ring: ThreadRecordingKeyring, name: str, service: str, key: str) -> None:
    """A key already in the keyring when the dialog opens (put there by no dialog)."""
    ring.entries[(keyring_service(), f"{name}/{service}")] = key


def _open(qtbot: QtBot, settings: AppSettings, keys: KeyStore) -> SettingsDialog:
    dialog = SettingsDialog(settings, keys, write=lambda _s: None)
    qtbot.addWidget(dialog)
    return dialog


def _select(dialog: SettingsDialog, name: str) -> None:
    items = dialog.profile_list.findItems(name, Qt.MatchFlag.MatchExactly)
    dialog.profile_list.setCurrentItem(items[0])


def _shows(dialog: SettingsDialog, placeholder: str) -> bool:
    return all(f.placeholderText() == placeholder for f in dialog.key_fields.values())


def test_opening_and_selecting_profiles_read_the_keyring_off_the_gui_thread(
    qtbot: QtBot, ring: ThreadRecordingKeyring
) -> None:
    _stored(ring, "Acme", SR_KEY, "A" * 64)
    _stored(ring, "Acme", BERKE_TOKEN, "acme-token")
    dialog = _open(qtbot, AppSettings(profiles=[ACME, BETA], active="Acme"), KeyStore())
    assert not _shows(dialog, IN_KEYRING)  # not known before the worker thread has read it
    qtbot.waitUntil(lambda: _shows(dialog, IN_KEYRING))  # Acme's, once read
    assert dialog.keyring_banner.text().startswith("Keys are kept in the system keyring")
    for name, placeholder in (("Beta", NOT_SET), ("Acme", IN_KEYRING), ("Beta", NOT_SET)):
        _select(dialog, name)  # a click in the profile list
        qtbot.waitUntil(lambda p=placeholder: _shows(dialog, p))  # type: ignore[misc]
    assert ring.calls  # the keyring was asked...
    assert ring.on_gui_thread() == []  # ... never from the GUI thread


def test_apply_moves_and_stores_keys_off_the_gui_thread(
    qtbot: QtBot, ring: ThreadRecordingKeyring
) -> None:
    _stored(ring, "Beta", SR_KEY, "B" * 64)
    _stored(ring, "Beta", BERKE_TOKEN, "beta-token")
    keys = KeyStore()
    dialog = _open(qtbot, AppSettings(profiles=[ACME, BETA], active="Acme"), keys)
    qtbot.waitUntil(lambda: _shows(dialog, NOT_SET))  # Acme has none yet
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "N" * 64)
    qtbot.keyClicks(dialog.key_fields[BERKE_TOKEN], "new-token")
    _select(dialog, "Beta")
    dialog.name_edit.setText("Gamma")
    dialog.name_edit.textEdited.emit("Gamma")  # renamed: its keys follow it
    apply = dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _shows(dialog, IN_KEYRING))  # Gamma's, where Beta's were
    assert ring.entries == {
        (keyring_service(), "Acme/smartrecruiters"): "N" * 64,
        (keyring_service(), "Acme/berke"): "new-token",
        (keyring_service(), "Gamma/smartrecruiters"): "B" * 64,
        (keyring_service(), "Gamma/berke"): "beta-token",
    }
    assert {what.split()[0] for what, _thread in ring.calls} >= {"get", "set", "delete"}
    assert ring.on_gui_thread() == []


def test_while_the_keyring_works_the_dialog_stays_live_with_its_buttons_off(
    qtbot: QtBot, ring: ThreadRecordingKeyring
) -> None:
    """OK: the keyring holds the write (its unlock prompt, say); the window keeps painting
    and the buttons are off until the keys are stored, then the dialog closes."""
    dialog = _open(qtbot, AppSettings(profiles=[ACME], active="Acme"), KeyStore())
    qtbot.waitUntil(lambda: _shows(dialog, NOT_SET))
    qtbot.keyClicks(dialog.key_fields[SR_KEY], "N" * 64)
    ring.gate = threading.Event()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    try:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(ring.writing.is_set)  # the GUI thread is free while the keyring waits
        assert not ok.isEnabled()
        assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Apply).isEnabled()
    finally:
        ring.gate.set()
    with qtbot.waitSignal(dialog.accepted):
        pass
    assert ok.isEnabled()
    assert ring.entries[(keyring_service(), "Acme/smartrecruiters")] == "N" * 64
    assert ring.on_gui_thread() == []


def test_a_refused_save_reads_the_keyring_off_the_gui_thread_and_says_why(
    qtbot: QtBot, ring: ThreadRecordingKeyring
) -> None:
    """The saved key is not sent to another server: finding that it exists is a keyring
    read, made from a worker thread, and the refusal is said in words as before."""
    _stored(ring, "Acme", SR_KEY, "A" * 64)
    dialog = _open(qtbot, AppSettings(profiles=[ACME], active="Acme"), KeyStore())
    dialog.show()
    address = dialog.editors["sr_base_url"]
    assert isinstance(address, QLineEdit)
    address.setText("https://sr.elsewhere.example/v1")
    apply = dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "no longer sr.acme.example" in dialog.error_label.text())
    assert "type the Partner API key again" in dialog.key_errors[SR_KEY].text()
    assert dialog.key_fields[SR_KEY].hasFocus()  # where the key is to be typed again
    assert ring.entries == {(keyring_service(), "Acme/smartrecruiters"): "A" * 64}
    assert ring.on_gui_thread() == []


def test_test_connection_reads_the_stored_key_off_the_gui_thread(
    qtbot: QtBot, ring: ThreadRecordingKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []

    async def probe(_url: str, token: object, **_kwargs: object) -> ConnectionVerdict:
        sent.append(token.get_secret_value() if hasattr(token, "get_secret_value") else str(token))
        return ConnectionVerdict(Service.BERKE, Verdict.WORKS, "Works.")

    monkeypatch.setattr("app.ui.settings.settings_dialog.probe_berke", probe)
    _stored(ring, "Acme", BERKE_TOKEN, "acme-token")
    dialog = _open(qtbot, AppSettings(profiles=[ACME], active="Acme"), KeyStore())
    qtbot.mouseClick(dialog.test_buttons[BERKE_TOKEN], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: BERKE_TOKEN in dialog.last_verdicts)
    assert sent == ["acme-token"]
    assert dialog.verdict_labels[BERKE_TOKEN].text() == "✔ Works."
    assert dialog.test_buttons[BERKE_TOKEN].isEnabled()
    assert ring.on_gui_thread() == []


def test_settings_opened_from_the_window_read_the_keyring_off_the_gui_thread(
    qtbot: QtBot, ring: ThreadRecordingKeyring, qsettings: QSettings
) -> None:
    _stored(ring, "Acme", SR_KEY, "A" * 64)
    _stored(ring, "Acme", BERKE_TOKEN, "acme-token")
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(window, AppSettings(profiles=[ACME], active="Acme"), KeyStore())
    window.settings_action.trigger()
    dialog = settings_opened(qtbot, host)
    qtbot.waitUntil(lambda: _shows(dialog, IN_KEYRING))
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert ring.on_gui_thread() == []
    window.close()


def test_settings_opened_from_the_window_look_at_the_settings_file_off_the_gui_thread(
    qtbot: QtBot,
    ring: ThreadRecordingKeyring,
    qsettings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whether another program changed the settings file (and the file read again when it
    did) was looked at on the GUI thread: a home folder on the network froze the window. Asked
    twice meanwhile, it opens one dialog, with the file's change shown."""
    from app.store.settings_file import SettingsFile, save_settings

    path = tmp_path / "settings.json"
    save_settings(AppSettings(profiles=[ACME]), path)
    file = SettingsFile(path)
    settings = file.read().settings
    save_settings(AppSettings(profiles=[ACME, BETA]), path)  # --configure, meanwhile
    threads: list[threading.Thread] = []
    looked = SettingsFile.changed_elsewhere

    def recording(self: SettingsFile) -> bool:
        threads.append(threading.current_thread())
        return looked(self)

    monkeypatch.setattr(SettingsFile, "changed_elsewhere", recording)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(window, settings, KeyStore(), settings_file=file)
    window.settings_action.trigger()
    window.settings_action.trigger()
    dialog = settings_opened(qtbot, host)
    assert dialog.profile_list.findItems("Beta", Qt.MatchFlag.MatchExactly)
    assert len(threads) == 1
    assert threads[0] is not threading.main_thread()
    assert len(window.findChildren(SettingsDialog)) == 1
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    window.close()


def test_closing_while_the_keyring_works_waits_for_the_keys_to_be_stored(
    qtbot: QtBot, ring: ThreadRecordingKeyring
) -> None:
    """Esc or the window's X during Apply: the dialog closes once the keys are stored (and the
    settings said saved), never with a renamed profile's keys half moved."""
    _stored(ring, "Acme", SR_KEY, "A" * 64)
    dialog = _open(qtbot, AppSettings(profiles=[ACME], active="Acme"), KeyStore())
    dialog.show()
    qtbot.waitUntil(lambda: dialog.key_fields[SR_KEY].placeholderText() == IN_KEYRING)
    dialog.name_edit.setText("Acme EU")
    dialog.name_edit.textEdited.emit("Acme EU")
    ring.gate = threading.Event()
    apply = dialog.buttons.button(QDialogButtonBox.StandardButton.Apply)
    try:
        qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(ring.writing.is_set)
        with qtbot.assertNotEmitted(dialog.finished):
            dialog.reject()  # Esc
        assert dialog.isVisible()
        # Said: the keyring may be waiting on its unlock prompt, out of the dialog's sight.
        assert "waiting for the keyring to answer" in dialog.error_label.text()
    finally:
        ring.gate.set()
    with qtbot.waitSignals([dialog.saved, dialog.rejected]):
        pass
    assert not dialog.isVisible()
    assert ring.entries == {(keyring_service(), "Acme EU/smartrecruiters"): "A" * 64}
    assert ring.on_gui_thread() == []


class PromptKeyring(MemoryKeyring):
    """A keyring whose reads wait on its unlock prompt until ``gate`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.asked = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.asked.set()
        self.gate.wait(HANG_GUARD_SECONDS)  # the unlock prompt, unanswered
        return super().get_password(service, username)


def test_a_keyring_that_does_not_answer_never_holds_the_apps_other_worker_threads(
    qtbot: QtBot,
) -> None:
    """On the loop's shared executor (ten threads, the database's too), each opening of
    Settings on an unanswered unlock prompt held a thread for good: after ten, every database
    call of the desk waited. The dialog's keyring work has a thread of its own."""
    import asyncio
    import time

    from app.ui.settings.key_places import KEYRING

    previous = keyring.get_keyring()
    ring = PromptKeyring()
    keyring.set_keyring(ring)
    keys = KeyStore()
    try:
        for _ in range(12):  # open Settings, see "checking the keyring…", Cancel; again
            dialog = SettingsDialog(AppSettings(profiles=[ACME], active="Acme"), keys)
            qtbot.addWidget(dialog)
            qtbot.waitUntil(ring.asked.is_set)  # the first opening's read waits on the prompt
            dialog.reject()
        other = asyncio.ensure_future(asyncio.to_thread(time.time))  # the database, say
        qtbot.waitUntil(other.done)  # before the prompt is answered
        assert not ring.gate.is_set()
    finally:
        ring.gate.set()
        drained = asyncio.ensure_future(KEYRING.run(lambda: None))  # the calls queued behind
        qtbot.waitUntil(drained.done)
        keyring.set_keyring(previous)


def test_a_key_that_cannot_be_stored_is_said_kept_for_the_session_and_the_save_holds(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Acme renamed Acme EU, its key in the opted-in file, the disk full as the key is written
    under its new name: the old name was deleted, the file was written, and the exception
    escaped the save. The key was lost, the dialog still knew the profile as Acme and said
    nothing, and the session never heard of the save."""
    import asyncio
    import errno
    import json

    from app.store.credentials import KeyringStatus
    from app.store.settings_file import load_settings, save_settings

    key_file = tmp_path / "keys.json"
    key_file.write_text(json.dumps({"Acme/smartrecruiters": "A" * 64}))
    no_keyring = KeyringStatus(False, "keyring.backends.fail.Keyring", "No usable keyring here.")
    keys = KeyStore(status=no_keyring, file_path=key_file, file_opt_in=True)
    path = tmp_path / "s.json"
    settings = AppSettings(profiles=[ACME], active="Acme", keys_file_opt_in=True)
    save_settings(settings, path)
    dialog = SettingsDialog(settings, keys, write=lambda s: save_settings(s, path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.key_places is not None)
    dialog.name_edit.setText("Acme EU")
    dialog.name_edit.textEdited.emit("Acme EU")

    def full_disk(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(key_file))

    monkeypatch.setattr(credentials, "write_private_file", full_disk)
    saved: list[AppSettings] = []
    dialog.saved.connect(saved.append)
    task = asyncio.ensure_future(dialog.save_changes())  # Apply
    qtbot.waitUntil(task.done)
    assert task.result() is not None  # the file was written: the settings are saved
    on_disk = [p.name for p in load_settings(path).profiles]
    assert "Acme EU" in on_disk
    assert "Acme" not in on_disk
    assert [p.name for p in dialog.settings.profiles] == on_disk
    assert saved  # the session follows the file
    key = keys.get("Acme EU", SR_KEY)
    assert key is not None  # kept for the session, not lost
    assert key.get_secret_value() == "A" * 64
    assert dialog.error_label.text() == (
        "The settings were saved, but the SmartRecruiters partner API key of “Acme EU” (No "
        "space left on device) could not be stored: it is kept for this session only. Once "
        "the keyring or the disk works again, type it again and Apply."
    )
