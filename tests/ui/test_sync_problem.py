"""The sync bar: a poll that works does not lift a failed full sync, no bar with no orders
shown, and clearing it forgets the last good sync."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from app.ui.orders import sync_problem
from app.ui.orders.sync_problem import SyncProblemBar, clock_text

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _bar(qtbot: QtBot) -> SyncProblemBar:
    bar = SyncProblemBar()
    qtbot.addWidget(bar)
    return bar


def test_a_poll_that_works_does_not_lift_a_failed_full_sync(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.synced()
    bar.failed("503 Service Unavailable", orders_shown=True)
    said = bar.text.text()
    bar.synced(poll=True)  # only the NEW orders were read
    assert not bar.isHidden()
    assert bar.text.text() == said
    bar.synced()  # a full sync works: the list is as the service has it
    assert bar.isHidden()


def test_a_failed_poll_does_not_count_as_a_failed_full_sync(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.synced()
    bar.failed("timeout", orders_shown=True, poll=True)
    assert not bar.isHidden()
    bar.synced(poll=True)  # the next poll works: nothing else was out of date
    assert bar.isHidden()


def test_with_no_orders_shown_the_bar_stays_hidden(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.failed("503", orders_shown=False)
    assert bar.isHidden()


def test_left_out_is_said_again_after_a_poll_and_goes_with_a_full_sync(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.left_out("2 orders could not be read.")
    words = bar.text.text()
    bar.failed("timeout", orders_shown=True, poll=True)
    assert "could not be synced" in bar.text.text()
    assert "as they were at" in bar.text.text()  # the left-out sync counts as the last good one
    bar.synced(poll=True)
    assert bar.text.text() == words
    assert not bar.isHidden()
    bar.synced()
    assert bar.isHidden()


def test_a_plain_sync_without_left_out_is_hidden_after_a_poll(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.synced()
    bar.synced(poll=True)
    assert bar.isHidden()


def test_clear_forgets_the_last_good_sync(qtbot: QtBot) -> None:
    bar = _bar(qtbot)
    bar.synced()
    bar.clear()
    bar.failed("503", orders_shown=True)
    assert "saved on this computer" in bar.text.text()


class _Clock(datetime):
    """The clock ``clock_text`` reads, stopped: the wall clock, read once here and once there,
    gave two days when the test ran across midnight."""

    at = datetime(2026, 3, 14, 23, 59, 59)

    @classmethod
    def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
        return cls.at


def test_clock_text_gives_the_date_only_for_another_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sync_problem, "datetime", _Clock)
    now = _Clock.at
    assert clock_text(now) == "23:59"
    assert clock_text(now.replace(hour=0, minute=0, second=0)) == "00:00"
    yesterday = now - timedelta(days=1)
    assert clock_text(yesterday) == "2026-03-13 23:59"
