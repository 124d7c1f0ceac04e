"""Pins for session_host ``_why_no_keys`` and ``_reconnect``'s fallback (mutation audit)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.domain.connection import AppSettings
from app.sandbox import DEMO_SR_KEY
from app.store.credentials import KeyringStatus, KeyStore
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.session_host import SessionHost
from tests.memory_keyring import memory_keyring
from tests.ui import test_profile_switch
from tests.ui.test_profile_switch import _on, _tiny_demo, _wait, _with_demo_keys

window = test_profile_switch.window  # its fixture: a window with the desk's session host

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer
    from app.workflows.session import Session

pytestmark = pytest.mark.usefixtures("running_loop")

NO_KEYRING = KeyringStatus(
    False,
    "keyring.backends.fail.Keyring",
    "This computer has no usable keyring (no secret service is running).",
)


def _keyless_start_notice(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer, keys: KeyStore
) -> str | None:
    """The notice of a start on the profile "Local", whose keys ``keys`` does not give: the
    session opens in demo mode."""
    local = _on(sandbox, "Local")
    host = SessionHost(
        window,
        AppSettings(profiles=[local], active=local.name),
        keys,
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(":memory:"),
    )
    try:
        _wait(qtbot, host.open())
        assert host.session is not None
        assert host.session.demo
        return host.notice
    finally:
        _wait(qtbot, host.close())


def test_a_profile_without_keys_says_to_enter_them_not_to_unlock_a_keyring(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer
) -> None:
    """No keys stored (the keyring answers, with none): demo mode says to enter them in the
    settings; "the keyring is locked" would send the coordinator to unlock one."""
    with memory_keyring():
        notice = _keyless_start_notice(qtbot, window, sandbox, KeyStore())
    assert notice == (
        "No keys for the profile “Local”: working in demo mode. Enter them in File > Settings."
    )


def test_a_start_without_a_keyring_says_why_the_keys_are_gone_and_of_the_file(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer
) -> None:
    """On a computer with no usable keyring (a headless Linux, a desktop without a secret
    service) Settings keeps the keys for the session only. At the next start the profile set
    up yesterday said only "No keys … Enter them in File > Settings", as if they had never
    been entered, and nothing of the file that would keep them: the coordinator typed them
    again every morning, or went looking for a bug."""
    # A new start: the last session's keys went with it.
    notice = _keyless_start_notice(qtbot, window, sandbox, KeyStore(status=NO_KEYRING))
    assert notice == (
        "No keys for the profile “Local”: this computer has no usable keyring, so keys "
        "entered are kept for one session only. Working in demo mode: enter them in "
        "File > Settings, and to keep them from one start to the next, choose there to "
        "keep the keys in a file on this computer (not encrypted)."
    )


def _failing_switch(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer, exc: Exception
) -> str:
    def database(session: Session) -> Database:
        if not session.demo:
            raise exc
        return Database(":memory:")

    local = _on(sandbox, "Local")
    host = SessionHost(
        window,
        AppSettings(profiles=[local], active="Sandbox"),
        _with_demo_keys("Local"),
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=database,
    )
    try:
        _wait(qtbot, host.open())
        _wait(qtbot, host.apply(AppSettings(profiles=[local], active="Local")))
        assert host.session is not None
        assert host.session.demo
        return host.notice or ""
    finally:
        _wait(qtbot, host.close())


def test_an_unforeseen_failure_naming_the_key_does_not_show_it(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer
) -> None:
    """The words of whatever broke are shown on the status bar: a key in them is not."""
    notice = _failing_switch(
        qtbot, window, sandbox, RuntimeError(f"no account for key {DEMO_SR_KEY}")
    )
    assert "“Local” could not be opened (no account for key " in notice, notice
    assert DEMO_SR_KEY not in notice


def test_an_unforeseen_failure_without_words_is_named_by_its_kind(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer
) -> None:
    notice = _failing_switch(qtbot, window, sandbox, RuntimeError())
    assert "“Local” could not be opened (RuntimeError)." in notice, notice


def test_a_data_file_put_back_after_its_folder_was_removed_is_said_in_the_window(
    qtbot: QtBot, window: MainWindow, sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The desk writes its data back on the worker thread that met the removal (a write made
    off the UI thread, as the workflows make them); the window says so, in a box."""
    path = tmp_path / "data" / "assessment-desk.sqlite3"
    host = SessionHost(
        window,
        AppSettings(),
        KeyStore(),
        write_settings=lambda _s: None,
        demo_opener=_tiny_demo,  # type: ignore[arg-type]
        open_database=lambda _s: Database(path),
    )
    try:
        _wait(qtbot, host.open())
        assert host.desk is not None
        db = host.desk.db
        shutil.rmtree(path.parent)

        def write() -> None:
            with db.transaction() as conn:
                conn.execute("INSERT INTO meta (key, value) VALUES ('put back', 'yes')")

        _wait(qtbot, asyncio.to_thread(write))
        qtbot.waitUntil(lambda: any(t == "Data file put back" for t, _ in window.messages.shown))
        [said] = [text for title, text in window.messages.shown if title == "Data file put back"]
        assert said.startswith(f"The data file {path} was removed")
        assert "Nothing was lost" in said
    finally:
        _wait(qtbot, host.close())
    assert path.exists()
