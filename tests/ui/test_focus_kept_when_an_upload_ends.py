"""The coordinator has tabbed to "Cancel upload" on a report on its way, and the upload ends
by itself: Cancel turns off under the keyboard and Qt hands the keyboard on to the next
widget (the comments list), away from the files. It should stay with the files (the table,
where the file is chosen), as a button pressed from the keyboard does elsewhere."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.smartrecruiters import AssessmentResult, ResultType
from app.ui.main_window import MainWindow
from tests.ui.test_attention_box_keyboard import keyboard_on
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    board_of,
    desk_of,
    finish,
    live_desk,
    window,
)
from tests.ui.test_results_flow import in_progress_order, large_report, states


def test_an_upload_ending_leaves_the_keyboard_with_the_files(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    window.resize(1280, 800)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    order = in_progress_order(window, qtbot)
    desk, board = desk_of(window), board_of(window)
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
    finish(qtbot, board.complete(order.id, result))
    window.orders.select_order(order.id)
    real = desk.session.sr.upload_attachment
    gate, started = asyncio.Event(), asyncio.Event()

    async def upload(*args: Any, progress: Any = None, **kwargs: Any) -> Any:  # until gate
        if callable(progress):
            progress(1, 2)
        started.set()
        await gate.wait()
        return await real(*args, progress=progress, **kwargs)

    desk.session.sr.upload_attachment = upload  # type: ignore[method-assign]
    report = large_report(tmp_path)
    attaching = asyncio.ensure_future(window.orders.controller.attach_files(order.id, [report]))
    qtbot.waitUntil(started.is_set)
    qtbot.waitUntil(lambda: states(window).get(report.name) == "uploading")
    panel = window.orders.detail.attachments
    panel.table.selectRow(0)
    qtbot.waitUntil(panel.cancel_button.isEnabled)
    keyboard_on(qtbot, panel.cancel_button)  # tabbed there, deciding

    gate.set()  # the upload ends by itself
    qtbot.waitUntil(lambda: states(window).get(report.name) == "done")
    qtbot.waitUntil(attaching.done)
    finish(qtbot, window.orders.wait_idle())

    landed = QApplication.focusWidget()
    assert landed is panel.table, landed and landed.objectName()
