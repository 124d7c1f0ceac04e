"""Dialogs awaited without a nested event loop.

``QDialog.exec()`` inside a coroutine starts a second Qt loop while an asyncio task is still
running: other tasks would then run re-entrantly. ``open()`` plus a future keeps one loop.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


async def run_dialog(dialog: QDialog) -> bool:
    """Show ``dialog`` window-modal and wait for it; True when it was accepted."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[int] = loop.create_future()

    def finished(result: int) -> None:
        if not done.done():
            done.set_result(result)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        result = await done
    finally:
        dialog.finished.disconnect(finished)
    return result == QDialog.DialogCode.Accepted.value


async def confirm(
    parent: QWidget, title: str, text: str, *, informative: str = "", ok_text: str = "OK"
) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setInformativeText(informative)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bool] = loop.create_future()

    def finished(_result: int) -> None:
        if not done.done():
            done.set_result(box.clickedButton() is ok)

    box.finished.connect(finished)
    box.open()
    return await done
