"""The sync problem bar says what it must without widening the window: an order left out with a
5,000-character id made the window 36,842 px wide, and one of 200,000 froze it for 12 s."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from app.ui.common.messages import Messages
from app.ui.orders import sync_problem
from app.ui.orders.orders_room import OrdersRoom
from app.ui.orders.sync_problem import TEXT_SHOWN, BerkeWatchBar, SyncProblemBar, wrappable
from app.views.text import WORD_SHOWN

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

WIDTH, HEIGHT = 1280, 800


@pytest.fixture
def room(qtbot: QtBot) -> tuple[QMainWindow, OrdersRoom]:
    window = QMainWindow()
    qtbot.addWidget(window)
    room = OrdersRoom(Messages(window), window)
    window.setCentralWidget(room)
    window.resize(WIDTH, HEIGHT)
    with qtbot.waitExposed(window):
        window.show()
    return window, room


def _fits(window: QMainWindow, bar: SyncProblemBar) -> None:
    window.resize(WIDTH, HEIGHT)
    assert bar.isVisible()
    assert window.width() == WIDTH
    assert window.minimumSizeHint().width() < WIDTH
    label = bar.text
    assert label.width() < WIDTH
    # Wrapped, not cut: the label is as tall as its text needs at its width.
    assert label.height() >= label.heightForWidth(label.width())


@pytest.mark.parametrize("length", [5_000, 200_000])
def test_a_long_word_in_the_bar_never_widens_the_window(
    room: tuple[QMainWindow, OrdersRoom], qtbot: QtBot, length: int
) -> None:
    window, orders = room
    bar = orders.sync_problem
    word = "a" * length
    orders.set_loading(False, left_out=f"1 order could not be read (“{word}”: id: too long).")
    qtbot.wait(10)
    _fits(window, bar)
    # What kept the window from freezing: the text laid out is bounded, whatever its length
    # (a timed assert here would only flake on a loaded machine).
    assert len(bar.text.text()) < TEXT_SHOWN + TEXT_SHOWN // WORD_SHOWN + 1

    bar.failed(f"SmartRecruiters: the service said “{word}”", orders_shown=True)
    qtbot.wait(10)
    _fits(window, bar)


def test_wrappable_keeps_every_word_and_lets_a_long_one_wrap() -> None:
    text = "The sync worked: see https://example.test/" + "p/" * 40 + " now"
    shown = wrappable(text)
    assert shown.replace("\u200b", "") == text
    assert all(len(part) <= WORD_SHOWN for part in shown.replace("\u200b", " ").split(" "))
    assert wrappable("short  words\nhere") == "short words here"


class _Clock(datetime):
    """The bar's clock, set by the test."""

    at = datetime(2026, 3, 14, 17, 42)

    @classmethod
    def now(cls, tz: object = None) -> datetime:  # type: ignore[override]
        return cls.at


@pytest.mark.parametrize("bar_type", [SyncProblemBar, BerkeWatchBar])
def test_a_last_good_sync_of_another_day_says_its_date(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, bar_type: type[SyncProblemBar]
) -> None:
    """The bar gave the last good sync by its time alone: a desk left open overnight (a
    laptop woken with the network still down) said at 09:00 "as they were at 17:42", read as
    this afternoon, not yesterday's."""
    monkeypatch.setattr(sync_problem, "datetime", _Clock)
    bar = bar_type()
    qtbot.addWidget(bar)
    _Clock.at = datetime(2026, 3, 14, 17, 42)
    bar.synced()
    _Clock.at = datetime(2026, 3, 14, 18, 5)  # the same evening: the time says it
    bar.failed("SmartRecruiters could not be reached.", orders_shown=True)
    assert " at 17:42" in bar.text.text()
    _Clock.at = datetime(2026, 3, 15, 9, 0)  # the next morning
    bar.failed("SmartRecruiters could not be reached.", orders_shown=True)
    assert " at 2026-03-14 17:42" in bar.text.text()


def test_tab_reaches_the_bars_buttons_where_they_are_seen(
    room: tuple[QMainWindow, OrdersRoom], qtbot: QtBot
) -> None:
    """Before: the bars sit between the filters and the orders, but Tab went filters, tabs,
    orders, and only then to the two "Try again" buttons: from the filters a keyboard user
    could not reach the button of the bar just read, and from the orders Tab to the order
    pane stopped on a "Try again" first."""
    window, orders = room
    orders.stack.setCurrentWidget(orders.table)  # orders listed
    orders.sync_problem.failed("SmartRecruiters answered 503.", orders_shown=True)
    orders.berke_problem.failed("Berke answered 503.", orders_shown=True)
    sync_retry, berke_retry = orders.sync_problem.retry_button, orders.berke_problem.retry_button
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    orders.status_filter.setFocus()
    stops: list[QWidget | None] = []
    for _ in range(4):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
    assert stops[:2] == [sync_retry, berke_retry]
    assert stops[3] is orders.table  # after the Inbox/Candidates tabs
    # Both say "Try again": heard apart from their bars, each says what it does.
    assert sync_retry.accessibleName() != berke_retry.accessibleName()
    assert "SmartRecruiters" in sync_retry.accessibleName()
    assert "Berke" in berke_retry.accessibleName()


def test_what_a_full_sync_left_out_is_said_again_after_a_failed_poll(qtbot: QtBot) -> None:
    """A failed poll says its failure over the bar's "not for everything" words. Before, the
    next poll that worked hid the bar: what the full sync left out was said no more, though
    only the next full sync reads those orders again."""
    bar = SyncProblemBar()
    qtbot.addWidget(bar)
    bar.synced()
    bar.left_out("2 orders could not be read.")
    assert "2 orders could not be read." in bar.text.text()
    bar.failed("SmartRecruiters: the service is busy.", orders_shown=True, poll=True)
    assert "could not be synced" in bar.text.text()
    bar.synced(poll=True)
    assert not bar.isHidden()
    assert "2 orders could not be read." in bar.text.text()
    bar.synced()  # a full sync that read everything
    assert bar.isHidden()
