"""``MainWindow.close_for_good`` (the app's own end, ``_run_desk``'s finally) rejects every
guarded dialog over the window, without looking at a question the dialog has up over itself
("Send the invitation again?", awaited by the send's task). A question is a window of its own:
Qt leaves it up as its dialog hides, its task keeps waiting on it (and ``SessionHost.close``
waits for that task: ``orders.wait_idle``), and "Send again" then resends the invitation from
a form already thrown away — the very case ``open_question`` was written for (``request_close``
brings the question forward instead), re-opened by the shutdown path.

Should: the app ending answers such a question as a cancel (its task ends, sending nothing)
before the dialog is closed, and leaves no box up."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from app.ui.common.async_dialogs import confirm
from app.ui.main_window import MainWindow
from tests.ui.test_quitting_asks_about_typed_work import _invite, _opened, _turn

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _up(window: MainWindow) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox) if b.isVisible()]


def test_the_app_ending_leaves_no_question_up_over_a_dialog_it_closed(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    dialog, _field = _opened(qtbot, _invite, window)
    # As ``invite_or_ask`` does on AlreadyInvitedError: the form not busy, the question over it.
    again = asyncio.ensure_future(
        confirm(dialog, "Send the invitation again?", "Already invited.", ok_text="Send again")
    )
    try:
        qtbot.waitUntil(lambda: len(_up(window)) == 1)
        window.close_for_good()
        assert not window.isVisible()
        assert not dialog.isVisible()  # closed, what was typed dropped
        # The question of that thrown-away form must not stay up, its "Send again" live:
        assert [b.text() for b in _up(window)] == []
        _turn(running_loop, qtbot)
        assert again.done()  # its task, which shutdown waits for, ends
        assert again.result() is False  # answered as a cancel: nothing resent
    finally:
        if not again.done():
            again.cancel()
        for box in _up(window):
            box.reject()
