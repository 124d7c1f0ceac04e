"""An order's Comments list opens at its news, and a poll's list keeps the coordinator's place.

The list is oldest first and about 190 px tall at 1280×800 (four to six comments). It opened
scrolled to the top: with SmartRecruiters' 100 comments (or as few as six), the latest comment
(the one a "New comment" flag was about, which opening the pane marks seen, taking the flag
away) was far below the list's edge, and nothing said so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QListView

from app.sandbox import SandboxConfig, SandboxServer
from app.sandbox.formats import sr_timestamp
from app.sandbox.sr_state import Order
from app.ui.main_window import MainWindow
from app.ui.orders.detail_pane import OrderDetailPane
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.watch import COMMENTS_AFTER, watch_comments
from tests.ui.clipping import settle
from tests.ui.conftest import board_window
from tests.ui.test_console_flows import finish

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

MANY = "00000000-0000-4000-8000-000000000100"  # SmartRecruiters' most: 100 comments
SOME = "00000000-0000-4000-8000-000000000101"  # 20, and more come while it is shown
CREATED = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def comment(n: int, message: str = "") -> dict[str, object]:
    return {
        "id": f"c{n:024d}",
        "createDate": sr_timestamp(CREATED + timedelta(hours=n)),
        "message": message or f"Note {n}: the candidate called about the deadline.",
        "author": {"firstName": "Rita", "lastName": "Recruiter"},
    }


def order_with_comments(order_id: str, count: int) -> Order:
    document = {
        "requestor": {"firstName": "Rita", "lastName": "Recruiter"},
        "candidate": {"id": f"cand-{order_id[-3:]}", "firstName": "Ana", "lastName": "Silva",
                      "email": "ana@example.com"},
        "job": {"id": "1", "name": "Registered Nurse"},
        "company": {"id": "ACME", "name": "Acme"},
    }  # fmt: skip
    order = Order(order_id, "IN_PROGRESS", CREATED, CREATED, document)
    order.comments.extend(comment(n) for n in range(count))
    return order


@pytest.fixture(scope="module")
def chatty() -> Iterator[SandboxServer]:
    config = SandboxConfig(orders=0, sr_rate_per_second=0, berke_burst=100_000)
    with SandboxServer(config) as server:
        many = order_with_comments(MANY, 100)
        many.comments[-1]["message"] = "LATEST: please extend the deadline to Friday."
        server.app.state.sr.orders[MANY] = many
        server.app.state.sr.orders[SOME] = order_with_comments(SOME, 20)
        yield server


@pytest.fixture
def chatty_window(
    qtbot: QtBot, qsettings: QSettings, chatty: SandboxServer, tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> Iterator[tuple[MainWindow, OrderBoard, Desk]]:  # fmt: skip
    with board_window(qtbot, qsettings, chatty, tmp_path / "desk.sqlite3") as made:
        yield made


def opened(qtbot: QtBot, window: MainWindow, order_id: str, count: int) -> OrderDetailPane:
    """The order chosen, its comments listed and the pane scrolled to them, as the
    coordinator would look."""
    window.orders.select_order(order_id)
    pane = window.orders.detail
    qtbot.waitUntil(lambda: pane.comments.rowCount() == count)
    settle()
    pane.scroll_area.ensureWidgetVisible(pane.comment_list)
    settle()
    return pane


def in_view(listed: QListView, row: int) -> bool:
    """Whether the comment of ``row`` is whole in the list's viewport."""
    return listed.viewport().rect().contains(listed.visualRect(listed.model().index(row, 0)))


def test_the_latest_comment_is_in_view_when_the_order_opens(
    qtbot: QtBot, chatty_window: tuple[MainWindow, OrderBoard, Desk]
) -> None:
    window, board, _desk = chatty_window
    finish(qtbot, board.sync())
    pane = opened(qtbot, window, MANY, 100)
    listed = pane.comment_list
    latest = listed.visualRect(pane.comments.index(99))
    assert in_view(listed, 99), (
        f"the latest of 100 comments is at y={latest.y()} in a list "
        f"{listed.viewport().height()} px tall"
    )
    assert not in_view(listed, 0)


def test_the_first_unseen_comment_is_at_the_top_when_the_order_opens(
    qtbot: QtBot, chatty_window: tuple[MainWindow, OrderBoard, Desk]
) -> None:
    window, board, desk = chatty_window
    finish(qtbot, board.sync())
    desk.berke_watch.comments_polled(MANY, 90)  # the watch's first look: seen
    desk.berke_watch.comments_polled(MANY, 100)  # ten new since
    finish(qtbot, board.refresh([MANY]))
    assert board.state(MANY).unseen_comments == 10
    pane = opened(qtbot, window, MANY, 100)
    listed = pane.comment_list
    assert listed.indexAt(listed.viewport().rect().topLeft()).row() == 90
    assert in_view(listed, 90)
    assert not in_view(listed, 89)


def test_the_first_flagged_comment_is_at_the_top_when_more_came_since_the_poll(
    qtbot: QtBot, chatty_window: tuple[MainWindow, OrderBoard, Desk]
) -> None:
    """ "Unseen" counts from the watch's last poll; the pane counted it back from the end of
    the list read when the order opened. Comments that came after that poll pushed the list
    past the ones the flag was about: here 90–94 ("5 new comments"), with five more since."""
    window, board, desk = chatty_window
    finish(qtbot, board.sync())
    desk.berke_watch.comments_polled(MANY, 90)  # the watch's first look: 90 seen
    desk.berke_watch.comments_polled(MANY, 95)  # its next: 5 new ("5 new comments")
    finish(qtbot, board.refresh([MANY]))
    assert board.state(MANY).unseen_comments == 5
    pane = opened(qtbot, window, MANY, 100)  # five more came after that poll
    listed = pane.comment_list
    assert listed.indexAt(listed.viewport().rect().topLeft()).row() == 90
    assert not in_view(listed, 89)


def test_a_polls_list_of_the_same_order_keeps_the_coordinators_place(
    qtbot: QtBot, chatty: SandboxServer, chatty_window: tuple[MainWindow, OrderBoard, Desk]
) -> None:
    window, board, desk = chatty_window
    finish(qtbot, board.sync())
    pane = opened(qtbot, window, SOME, 20)
    listed = pane.comment_list
    assert in_view(listed, 19)

    rounds = iter(range(3))

    async def poll() -> None:
        """A round of the board's comment watch, each after the last one's wait."""
        order = board.order(SOME)
        assert order is not None
        now = datetime.now(UTC) + next(rounds) * (COMMENTS_AFTER + timedelta(minutes=1))
        await watch_comments(desk, [order], now=now)
        await board.refresh([SOME])

    finish(qtbot, poll())  # its first look: what is there is seen

    # Reading an older comment when a new one comes: the list does not jump.
    listed.scrollTo(pane.comments.index(3), QListView.ScrollHint.PositionAtTop)
    place = listed.verticalScrollBar().value()
    chatty.app.state.sr.orders[SOME].comments.append(comment(20, "One more."))
    finish(qtbot, poll())
    qtbot.waitUntil(lambda: pane.comments.rowCount() == 21)
    settle()
    assert listed.verticalScrollBar().value() == place
    assert in_view(listed, 3)

    # Reading the newest: the one after it comes into view.
    listed.scrollToBottom()
    chatty.app.state.sr.orders[SOME].comments.append(comment(21, "And another."))
    finish(qtbot, poll())
    qtbot.waitUntil(lambda: pane.comments.rowCount() == 22)
    settle()
    assert in_view(listed, 21)


def test_the_second_order_opened_starts_at_its_first_unseen_comment(
    qtbot: QtBot, chatty: SandboxServer, chatty_window: tuple[MainWindow, OrderBoard, Desk]
) -> None:
    """Each order opened starts at *its* news, not only the session's first. (Mutant:
    ``show_order`` without ``self._comments_placed = False``: the next order opened was taken
    for a poll of the one before, and its first unseen comment, the one its "New comment" flag
    was about, was not put at the top.)"""
    window, board, desk = chatty_window
    finish(qtbot, board.sync())
    desk.berke_watch.comments_polled(MANY, 90)  # seen once
    desk.berke_watch.comments_polled(MANY, 100)  # ten new since
    finish(qtbot, board.refresh([MANY]))
    assert board.state(MANY).unseen_comments == 10

    # As many as the module's sandbox holds now (a test before may have added one).
    held = {
        order_id: len(chatty.app.state.sr.orders[order_id].comments) for order_id in (SOME, MANY)
    }
    opened(qtbot, window, SOME, held[SOME])  # another order first
    pane = opened(qtbot, window, MANY, held[MANY])
    listed = pane.comment_list
    assert listed.indexAt(listed.viewport().rect().topLeft()).row() == 90
    assert in_view(listed, 90)
