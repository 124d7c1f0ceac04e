"""Pins the desk's ``commitDataRequest`` connection (app/ui/application.py ``_run_desk``): while
the desk runs, a logout or shutdown (Windows, Linux) reaches ``keep_typed_work_on_logout``;
once it has ended, it no longer does.

Mutant killed: ``app.commitDataRequest.connect(logout)`` removed. It survived the suite:
tests/ui/test_quitting_asks_about_typed_work.py calls ``keep_typed_work_on_logout`` directly,
so nothing checked the running desk hands a logout to it (Qt 6 closes no window for one: a
dialog's typed words were lost with the app)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import SIGNAL
from PySide6.QtWidgets import QApplication

from app.domain.connection import AppSettings
from app.store.credentials import KeyStore
from app.store.instance_lock import InstanceLock

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

COMMIT = SIGNAL("commitDataRequest(QSessionManager&)")


def test_the_running_desk_hands_a_logout_to_the_typed_work_question(
    qapp: QApplication,
    qtbot: QtBot,
    running_loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    from app.ui.application import LaunchOptions, _first_frame, _run_desk

    before = qapp.receivers(COMMIT)
    options = LaunchOptions(settings=AppSettings(), keys=KeyStore())
    lock = InstanceLock(tmp_path / "data")
    lock.acquire()
    try:
        first = _first_frame(qapp, options)
        task = asyncio.ensure_future(_run_desk(qapp, options, lock, first, None))
        try:
            qtbot.waitUntil(lambda: qapp.receivers(COMMIT) == before + 1)
        finally:
            first.window.close()
            qtbot.waitUntil(task.done)
        assert task.result() == 0
        assert qapp.receivers(COMMIT) == before  # let go with the desk
    finally:
        lock.release()
        qapp.setQuitOnLastWindowClosed(True)  # as the test session's other windows expect
