"""The status line: weighty lines, lines that wait their turn, the tooltip's last line."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QStatusBar

from app.ui.common.status_line import StatusLine

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

AT = datetime(2026, 3, 4, 9, 5)


def _line(qtbot: QtBot) -> tuple[QStatusBar, StatusLine]:
    bar = QStatusBar()
    qtbot.addWidget(bar)
    return bar, StatusLine(bar, clock=lambda: AT)


def test_routine_line_waits_while_a_weighty_one_shows(qtbot: QtBot) -> None:
    bar, line = _line(qtbot)
    line.say("Sync failed: 503", weighty=True)
    line.say_after("Synced 203 orders", 5000)
    assert bar.currentMessage() == "Sync failed: 503"
    bar.clearMessage()  # its time ran out
    assert bar.currentMessage() == "Synced 203 orders"


def test_a_plain_line_is_not_weighty(qtbot: QtBot) -> None:
    bar, line = _line(qtbot)
    line.say("Checking for new orders…")
    assert not line.weighty_showing()
    line.say_after("Synced 203 orders", 5000)
    assert bar.currentMessage() == "Synced 203 orders"


def test_waiting_lines_come_in_the_order_said_and_keep_their_weight(qtbot: QtBot) -> None:
    bar, line = _line(qtbot)
    line.say("Sync failed", weighty=True)
    line.say_after("first", 0, weighty=True)
    line.say_after("second", 0)
    bar.clearMessage()
    assert bar.currentMessage() == "first"
    assert line.weighty_showing()  # first was said as weighty: second still waits
    line.say_after("third", 0)
    bar.clearMessage()
    assert bar.currentMessage() == "second"


def test_a_waiting_line_is_said_only_once_the_bar_is_empty(qtbot: QtBot) -> None:
    bar, line = _line(qtbot)
    line.say("Sync failed", weighty=True)
    line.say_after("Synced", 0)
    line.say("Resumer could not send step 4")  # replaces the weighty line: news still waits
    assert bar.currentMessage() == "Resumer could not send step 4"
    bar.clearMessage()
    assert bar.currentMessage() == "Synced"


def test_tooltip_keeps_the_last_kept_line(qtbot: QtBot) -> None:
    bar, line = _line(qtbot)
    line.say("Sent the invitation")
    line.say("Checking for new orders…", kept=False)
    assert "Sent the invitation" in bar.toolTip()
    assert "Checking" not in bar.toolTip()
    assert "09:05" in bar.toolTip()


def test_lines_waiting_their_turn_are_forgotten_with_what_they_were_about(qtbot: QtBot) -> None:
    """Another profile's board shown: what its resumer had waiting to say is not said."""
    bar, line = _line(qtbot)
    line.say("Sync failed: 503", 10000, weighty=True)
    line.say_after("After a wait: 1 step could not be sent (Ana Lind)", 15000, weighty=True)
    line.forget_waiting()
    assert bar.currentMessage() == "Sync failed: 503"  # what shows stays its time
    bar.clearMessage()
    assert bar.currentMessage() == ""


def test_a_progress_line_goes_with_its_flow_but_not_a_line_said_since(qtbot: QtBot) -> None:
    """A flow's progress ("Fetching Berke's report…") goes as the flow gets past it; news
    said meanwhile stays. Never the last thing said: the tooltip keeps the news."""
    bar, line = _line(qtbot)
    line.say("Synced 203 orders", 5000)
    line.show_progress("Delivering 1 of 2…")
    assert bar.currentMessage() == "Delivering 1 of 2…"
    assert "Synced 203 orders" in bar.toolTip()
    line.end_progress("Delivering 1 of 2…")
    assert bar.currentMessage() == ""
    line.show_progress("Delivering 2 of 2…")
    line.say("Accepted: Ana Lima.", 5000)
    line.end_progress("Delivering 2 of 2…")
    assert bar.currentMessage() == "Accepted: Ana Lima."


def test_the_tooltip_dates_its_line_when_read_another_day(qtbot: QtBot) -> None:
    """Said at 17:42 and read the next morning, the tooltip said "at 17:42", read as this
    afternoon: the time is worded when the tooltip shows, with the date once the day is over
    (as the sync bar's "as they were at")."""
    now = [datetime(2026, 3, 4, 17, 42)]
    bar = QStatusBar()
    qtbot.addWidget(bar)
    StatusLine(bar, clock=lambda: now[0]).say("Sync failed: 503")
    assert bar.toolTip() == "Last message, at 17:42: Sync failed: 503"
    now[0] = datetime(2026, 3, 5, 9, 0)
    QApplication.sendEvent(bar, QHelpEvent(QEvent.Type.ToolTip, QPoint(2, 2), QPoint(2, 2)))
    assert bar.toolTip() == "Last message, at 2026-03-04 17:42: Sync failed: 503"
