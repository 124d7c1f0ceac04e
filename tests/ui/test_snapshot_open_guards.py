"""File > Open snapshot with a file that is not one, or no longer there: a sentence in a box,
never a hang, a process eating its memory or Python's errno; and the error boxes say no more
than the log (no key)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from app.store import logs
from app.ui.common.error_dialog import DialogNotifier
from app.ui.common.messages import Messages
from app.ui.main_window import MainWindow
from app.ui.snapshots.snapshot_menu import recent_snapshots
from app.workflows.notifier import ErrorReport
from tests.fifo_guard import fifo_watchdog
from tests.snapshot_samples import records, write_sample

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")
KEY = "Qx7TmV2rLk9PzW4sNc8HbY3dJf6GaE1u"


def error_box(window: QWidget) -> QMessageBox:
    box = window.findChild(QMessageBox, "errorBox")
    assert isinstance(box, QMessageBox)
    return box


@posix_only
def test_open_refuses_a_fifo_in_a_sentence(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    live = MainWindow(settings=qsettings)
    qtbot.addWidget(live)
    fifo = tmp_path / "waiting.adsnap"
    os.mkfifo(fifo)
    live.snapshot_menu.choose_open_path = lambda: fifo
    with fifo_watchdog(fifo):  # before: open() waited for a writer, freezing the window
        live.snapshot_menu.open()
        qloop.run_until_complete(live.snapshot_menu.tasks.wait_idle())
    assert "waiting.adsnap is not a regular file" in error_box(live).text()
    assert live.snapshot_menu.windows == []


@posix_only
@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_open_refuses_a_device(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    # /dev/null, not /dev/zero: a regression must fail here, not eat this process's memory
    # (tests/unit/test_snapshot_limits.py reads /dev/zero in a process with a memory cap).
    live = MainWindow(settings=qsettings)
    qtbot.addWidget(live)
    link = tmp_path / "device.adsnap"
    link.symlink_to("/dev/null")
    assert qloop.run_until_complete(live.snapshot_menu.open_path(link)) is None
    assert "device.adsnap is not a regular file" in error_box(live).text()


def test_a_recent_snapshot_moved_since_is_said_in_words_and_taken_off_the_list(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    """Before: "The snapshot q3.adsnap cannot be opened ([Errno 2] No such file or directory:
    '/home/…/q3.adsnap')", and the entry stayed in Recent snapshots to say it again."""
    path = write_sample(tmp_path / "q3.adsnap", records(3))
    live = MainWindow(settings=qsettings)
    qtbot.addWidget(live)
    opened = qloop.run_until_complete(live.snapshot_menu.open_path(path))
    assert opened is not None
    qtbot.addWidget(opened)
    assert recent_snapshots(qsettings) == [str(path.resolve())]
    path.rename(tmp_path / "archived.adsnap")  # tidied away since
    # File › Recent snapshots › q3.adsnap
    live.snapshot_menu.fill_recent()
    live.snapshot_menu.recent_menu.actions()[0].trigger()
    qloop.run_until_complete(live.snapshot_menu.tasks.wait_idle())
    said = error_box(live).text()
    assert said == (
        "The snapshot q3.adsnap is no longer there: it was moved, renamed or deleted. "
        "It is taken off File › Recent snapshots."
    )
    assert recent_snapshots(qsettings) == []


@pytest.fixture
def registered_key() -> str:
    logs.register_secrets([KEY])
    return KEY


def test_an_error_box_shows_no_key_in_any_form(qtbot: QtBot, registered_key: str) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    quoted = f"Berke said: API key '{registered_key.lower()}' ({registered_key[-14:]}) is invalid"
    messages = Messages(parent)
    box = messages.error("Send invitation", quoted)
    assert registered_key.lower() not in messages.shown[-1][1]
    assert "«redacted»" in box.text()
    assert registered_key.lower() not in box.text()
    assert registered_key[-14:] not in box.text()
    box.close()


def test_the_crash_box_redacts_a_report_built_anywhere(qtbot: QtBot, registered_key: str) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    escaped = "".join(f"%{ord(c):02X}" for c in registered_key)
    report = ErrorReport(
        summary=f"ValueError: token={escaped}",
        detail=f"Traceback…\nValueError: token={registered_key.upper()}",
        where="main thread",
    )
    notifier = DialogNotifier(parent, None)
    notifier.notify(report)
    assert notifier.box is not None
    shown = notifier.box.text() + notifier.box.informativeText() + notifier.box.detailedText()
    assert escaped not in shown
    assert registered_key.upper() not in shown
    assert shown.count("«redacted»") == 2
    notifier.box.close()
