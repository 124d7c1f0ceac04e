"""Pin for StatusLine.forget_waiting (mutation audit): a waited line showing when the board
changes does not come back under the new board."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QStatusBar

from app.ui.common.status_line import StatusLine
from tests.ui.test_status_line import AT

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_a_waited_line_showing_when_forgotten_does_not_come_back_after_the_next(
    qtbot: QtBot,
) -> None:
    """The old board's resumer news, shown after waiting its turn, is forgotten with that
    board: replaced by the new board's first line, it does not return once that one goes."""
    bar = QStatusBar()
    qtbot.addWidget(bar)
    line = StatusLine(bar, clock=lambda: AT)
    line.say("Sync failed: 503", 10000, weighty=True)
    line.say_after("After a wait: 1 step could not be sent (Ana Lind)", 15000, weighty=True)
    bar.clearMessage()
    assert bar.currentMessage().startswith("After a wait")
    line.forget_waiting()
    line.say("Opened profile “B”")
    bar.clearMessage()
    assert bar.currentMessage() == ""
