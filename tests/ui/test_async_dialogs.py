"""Dialogs awaited on the loop: the answer comes back, and a dialog deleted with its window
while awaited ends the wait as cancelled, not as an error of its own."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from app.ui.common.async_dialogs import choose, confirm, run_dialog


def shown_dialogs(window: QWidget) -> list[QDialog]:
    return [d for d in window.findChildren(QDialog) if d.isVisible()]


def test_the_answer_comes_back(qtbot: QtBot, running_loop: asyncio.AbstractEventLoop) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    waited = asyncio.ensure_future(run_dialog(dialog))
    qtbot.waitUntil(dialog.isVisible)
    dialog.accept()
    qtbot.waitUntil(waited.done)
    assert waited.result() is True


@pytest.mark.parametrize("kind", ["dialog", "confirm", "choose"])
def test_a_dialog_gone_with_its_window_ends_the_wait_as_cancelled(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop, kind: str
) -> None:
    """The main window closed (and deleted its children) while an Accept dialog was awaited:
    the task that awaited it failed with "Signal source has been deleted", reported as a
    background task that failed, instead of ending cancelled as the window closing asked."""
    window = QWidget()
    waits: dict[str, Callable[[], Coroutine[Any, Any, object]]] = {
        "dialog": lambda: run_dialog(QDialog(window)),
        "confirm": lambda: confirm(window, "Delete?", "It goes for good."),
        "choose": lambda: choose(window, "Which?", "Pick one.", options=["This", "That"]),
    }
    reported: list[dict[str, object]] = []
    running_loop.set_exception_handler(lambda _loop, context: reported.append(context))
    try:
        waited = asyncio.ensure_future(waits[kind]())
        qtbot.waitUntil(lambda: bool(shown_dialogs(window)))
        (dialog,) = shown_dialogs(window)
        Shiboken.delete(window)
        assert not Shiboken.isValid(dialog)
        waited.cancel()
        qtbot.waitUntil(waited.done)
        assert waited.cancelled()
    finally:
        running_loop.set_exception_handler(None)
    assert reported == []
