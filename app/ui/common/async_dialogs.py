"""Dialogs awaited without a nested event loop.

``QDialog.exec()`` inside a coroutine starts a second Qt loop while an asyncio task is still
running: other tasks would then run re-entrantly. ``open()`` plus a future keeps one loop.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.ui.common.messages import first_lines, plain_box

if TYPE_CHECKING:  # loaded by the app's loop, after the first frame (app.ui.application)
    import asyncio


async def run_dialog(dialog: QDialog) -> bool:
    """Show ``dialog`` window-modal and wait for it; True when it was accepted."""
    import asyncio

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
        # The dialog may be gone with its window, closed while it was awaited: the wait ends
        # as the window asked (cancelled), not with an error of its own.
        with contextlib.suppress(RuntimeError):
            dialog.finished.disconnect(finished)
    return result == QDialog.DialogCode.Accepted.value


async def confirm(
    parent: QWidget,
    title: str,
    text: str,
    *,
    informative: str = "",
    ok_text: str = "OK",
    cancel_text: str | None = None,
) -> bool:
    import asyncio

    box = plain_box(QMessageBox.Icon.Question, title, text, parent)
    # A list of orders (Deliver of forty) cut as an error box's is: the buttons stay on the
    # screen, and Show Details… lists them all.
    box.setInformativeText(first_lines(informative))
    if box.informativeText() != informative:
        box.setDetailedText(informative)
    ok = box.addButton(ok_text, QMessageBox.ButtonRole.AcceptRole)
    if cancel_text is None:
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    else:
        box.setDefaultButton(box.addButton(cancel_text, QMessageBox.ButtonRole.RejectRole))
    loop = asyncio.get_running_loop()
    done: asyncio.Future[bool] = loop.create_future()

    def finished(_result: int) -> None:
        if not done.done():
            done.set_result(box.clickedButton() is ok)

    box.finished.connect(finished)
    box.open()
    try:
        return await done
    finally:
        _delete_later(box)  # parented to the window: it stayed for the session


async def choose(
    parent: QWidget, title: str, text: str, *, options: list[str], informative: str = ""
) -> int | None:
    """A question with several answers (and Cancel): the index of the one chosen, or None."""
    import asyncio

    box = plain_box(QMessageBox.Icon.Question, title, text, parent)
    box.setObjectName("choiceBox")
    box.setInformativeText(informative)
    buttons = [box.addButton(option, QMessageBox.ButtonRole.AcceptRole) for option in options]
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(buttons[0])
    loop = asyncio.get_running_loop()
    done: asyncio.Future[int | None] = loop.create_future()

    def finished(_result: int) -> None:
        clicked = box.clickedButton()
        if not done.done():
            done.set_result(buttons.index(clicked) if clicked in buttons else None)

    box.finished.connect(finished)
    box.open()
    try:
        return await done
    finally:
        _delete_later(box)


def _delete_later(box: QMessageBox) -> None:
    # Gone already with its window, closed while the box was awaited: nothing to delete.
    with contextlib.suppress(RuntimeError):
        box.deleteLater()
