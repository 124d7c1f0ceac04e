"""Files the system asks the app to open (macOS: a snapshot double-clicked in the Finder, "Open
With", dropped on the Dock icon), which reach it as a ``QFileOpenEvent``, not on the command
line. Before: nothing handled the event; the snapshot was never opened, without a word."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from app.domain.connection import AppSettings
from app.store import snapshot_file
from app.store.credentials import KeyStore
from app.store.instance_lock import InstanceLock
from app.store.paths import make_private_dir
from app.ui.file_open_events import FileOpenEvents, listen_for_files, open_files_with
from app.ui.main_window import MainWindow, open_snapshot_window
from tests.snapshot_samples import records, write_sample

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture(autouse=True)
def app_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_private_dir(tmp_path / "app-temp")
    monkeypatch.setattr(snapshot_file, "app_temp_root", lambda: folder)
    return folder


@pytest.fixture
def listening(qapp: QApplication) -> Iterator[FileOpenEvents]:
    """The app listening for files as it does on macOS from its start (``_make_application``),
    and no longer after the test."""
    events = listen_for_files(qapp)
    yield events
    qapp.removeEventFilter(events)
    events.setParent(None)
    events.deleteLater()


def hand_over(app: QApplication, path: Path) -> bool:
    """What macOS delivers for a double-click in the Finder: whether the app took it."""
    return QApplication.sendEvent(app, QFileOpenEvent(str(path)))


def snapshot_windows(app: QApplication) -> list[MainWindow]:
    return [
        w
        for w in app.topLevelWidgets()
        if isinstance(w, MainWindow) and w.isVisible() and w.read_only_title is not None
    ]


def shows(app: QApplication, name: str) -> bool:
    return any(name in (w.read_only_title or "") for w in snapshot_windows(app))


def test_files_handed_over_before_there_is_an_opener_wait_for_it(
    qapp: QApplication, listening: FileOpenEvents, tmp_path: Path
) -> None:
    """At a cold start the file comes before the first window: it waits, and is opened once
    the window is up; after, each goes straight to it (a file address as well as a path)."""
    opened: list[Path] = []
    assert hand_over(qapp, tmp_path / "a.adsnap")
    assert opened == []
    listening.open_with(opened.append)
    assert opened == [tmp_path / "a.adsnap"]
    QApplication.sendEvent(qapp, QFileOpenEvent(QUrl.fromLocalFile(str(tmp_path / "b.adsnap"))))
    assert opened == [tmp_path / "a.adsnap", tmp_path / "b.adsnap"]
    open_files_with(qapp, None)  # the window is closing: the next one waits
    assert hand_over(qapp, tmp_path / "c.adsnap")
    assert opened == [tmp_path / "a.adsnap", tmp_path / "b.adsnap"]


@pytest.mark.usefixtures("running_loop", "listening")
def test_a_snapshot_handed_over_while_snapshot_mode_runs_is_opened(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    """A snapshot double-clicked while ``--snapshot`` shows another opens in a window of its
    own, as File > Open snapshot… opens it."""
    from app.ui.application import LaunchOptions, _run_snapshot

    first = write_sample(tmp_path / "first.adsnap", records(3))
    second = write_sample(tmp_path / "second.adsnap", records(2))
    run = asyncio.ensure_future(_run_snapshot(qapp, first, LaunchOptions(snapshot=first)))
    try:
        qtbot.waitUntil(lambda: shows(qapp, "first.adsnap"))
        assert hand_over(qapp, second)
        qtbot.waitUntil(lambda: shows(qapp, "second.adsnap"))
    finally:
        for window in snapshot_windows(qapp):
            window.close()
        qtbot.waitUntil(run.done)
        qapp.setQuitOnLastWindowClosed(True)  # as the test session's other windows expect
    assert run.result() == 0


@pytest.mark.usefixtures("running_loop", "listening")
def test_a_snapshot_double_clicked_to_start_the_app_opens_beside_the_desk(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    """A cold start from the Finder: the file comes before the desk's window is up (there is
    no ``--snapshot``), and opens once it is."""
    from app.ui.application import LaunchOptions, _first_frame, _run_desk

    snapshot = write_sample(tmp_path / "cold.adsnap", records(2))
    assert hand_over(qapp, snapshot)
    options = LaunchOptions(settings=AppSettings(), keys=KeyStore())
    lock = InstanceLock(tmp_path / "data")
    lock.acquire()
    try:
        first = _first_frame(qapp, options)
        task = asyncio.ensure_future(_run_desk(qapp, options, lock, first, None))
        try:
            qtbot.waitUntil(lambda: shows(qapp, "cold.adsnap"))
        finally:
            for window in snapshot_windows(qapp):
                window.close()
            first.window.close()
            qtbot.waitUntil(task.done)
        assert task.result() == 0
    finally:
        lock.release()
        qapp.setQuitOnLastWindowClosed(True)  # as the test session's other windows expect


@pytest.mark.usefixtures("running_loop")
def test_a_file_handed_over_that_is_no_snapshot_is_refused_as_the_menu_refuses_it(
    qapp: QApplication,
    listening: FileOpenEvents,
    qtbot: QtBot,
    qsettings: QSettings,
    tmp_path: Path,
) -> None:
    """A file that is not a snapshot gets the refusal File > Open snapshot… gives it."""
    window = open_snapshot_window(write_sample(tmp_path / "s.adsnap", records(1)), qsettings)
    qtbot.addWidget(window)
    window.show()
    listening.open_with(window.snapshot_menu.start_opening)
    notes = tmp_path / "notes.adsnap"
    notes.write_text("Not a snapshot.\n", encoding="utf-8")
    messages = window.snapshot_menu.messages

    def refusals() -> list[tuple[str, str]]:
        return [said for said in messages.shown if said[0]]

    assert hand_over(qapp, notes)
    qtbot.waitUntil(lambda: len(refusals()) == 1)
    window.snapshot_menu.start_opening(notes)  # File > Open snapshot…, the same file
    qtbot.waitUntil(lambda: len(refusals()) == 2)
    handed, chosen = refusals()
    assert handed == chosen
    assert handed[0] == "Open snapshot"
