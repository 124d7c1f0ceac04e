"""Cancel upload by keyboard while a report is on its way: Tab into the files table chooses the
file it lands on, so Cancel upload is on, and Tab goes on to it (Qt made the file current
without choosing it: Cancel stayed off, and out of the Tab chain)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.sandbox import SandboxServer
from app.ui.main_window import MainWindow
from tests.ui.conftest import connect, make_desk, show_exposed
from tests.ui.test_console_flows import _DESKS
from tests.ui.test_results_flow import in_progress_order, large_report, stuck_on_its_way


@pytest.fixture
def window(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> Iterator[MainWindow]:
    desk = make_desk(sandbox, tmp_path / "desk.sqlite3")
    made = MainWindow(settings=qsettings)
    qtbot.addWidget(made)
    made.resize(1280, 800)
    show_exposed(qtbot, made)
    made.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is made)
    board = connect(made, desk, start=False)
    _DESKS[id(made)] = desk
    with qtbot.waitSignal(made.sync_finished):
        made.request_sync()
    yield made
    stopping = asyncio.ensure_future(board.stop())
    qtbot.waitUntil(stopping.done)
    _DESKS.pop(id(made), None)
    closing = asyncio.ensure_future(desk.session.aclose())
    qtbot.waitUntil(closing.done)
    desk.db.close()


def test_tab_to_the_uploading_file_then_on_to_cancel_upload(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    order = in_progress_order(window, qtbot)
    big = large_report(tmp_path)
    stuck_on_its_way(window, qtbot, order, big)  # the one file, uploading, stalled
    panel = window.orders.detail.attachments
    window.orders.table.setFocus()
    for _ in range(15):  # Tab from the orders into the pane, to the files table
        if QApplication.focusWidget() is panel.table:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.table
    assert panel.table.currentIndex().row() == 0  # the file has the keyboard's focus frame
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)  # the one row: arrows choose nothing either
    reached = []
    for _ in range(4):  # on through the panel's buttons
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    assert panel.cancel_button in reached
    assert panel.selected_row() is not None
