"""A snapshot window's "Files in the snapshot" list by keyboard: Enter on a file opens it, as
the Open button after it does (and as Enter opens what is current in every other list)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.snapshot import SnapshotAttachment
from app.store import snapshot_file
from app.store.paths import make_private_dir
from app.store.snapshot_file import attachment_member
from app.ui.main_window import MainWindow, open_snapshot_window
from tests.snapshot_samples import records, write_sample
from tests.ui.conftest import show_exposed


@pytest.fixture(autouse=True)
def app_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_private_dir(tmp_path / "app-temp")
    monkeypatch.setattr(snapshot_file, "app_temp_root", lambda: folder)
    return folder


@pytest.fixture
def snap(qtbot: QtBot, qsettings: QSettings, tmp_path: Path) -> MainWindow:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4")
    items = records(4)
    member = attachment_member(items[1].order.id, 1, "report.pdf")
    items[1].attachments.append(SnapshotAttachment(file_name="report.pdf", member=member, size=8))
    path = write_sample(tmp_path / "sample.adsnap", items, {member: report})
    made = open_snapshot_window(path, qsettings)
    qtbot.addWidget(made)
    made.resize(1280, 800)
    show_exposed(qtbot, made)
    made.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is made)
    return made


def test_enter_on_a_file_in_the_snapshot_opens_it(
    snap: MainWindow, qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    snap.open_url = open_url
    snap.orders.select_order("order-001")
    files = snap.orders.detail.snapshot_files
    assert files.list.count() == 1
    # By keyboard: Tab from the orders reaches the list, its one file already current.
    snap.orders.table.setFocus()
    for _ in range(10):
        if QApplication.focusWidget() is files.list:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is files.list
    assert files.list.currentRow() == 0
    qtbot.keyClick(files.list, Qt.Key.Key_Return)
    # Opening copies the file off the GUI thread first: its turn comes.
    qtbot.waitUntil(lambda: bool(opened))
    assert opened[0].toLocalFile().endswith("report.pdf")
