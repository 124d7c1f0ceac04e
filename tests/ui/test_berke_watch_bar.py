"""While Berke cannot be asked (down, its token revoked), the orders say so: a bar like the
sync's, until Berke answers again. Before: an INFO line in the log, and finished candidates
looked idle for days while the SmartRecruiters side kept syncing."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt

import app.workflows.board as board_module
from app.clients.errors import AuthError, Service
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_progress import BerkeProgress
from app.ui.orders.sources import LiveOrders
from app.workflows.notifier import RecordingNotifier, install_error_hooks
from tests.integration.helpers import finish_in_sandbox
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    add_test_order,
    board_of,
    desk_of,
    finish,
    live_desk,
    window,
)
from tests.ui.test_results_flow import disk_full

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer
    from app.ui.main_window import MainWindow
    from app.workflows.desk import Desk


def test_a_berke_that_cannot_be_asked_is_said_over_the_orders(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    bar = window.orders.berke_problem
    berke = desk_of(window).session.berke
    order = add_test_order(window, qtbot, first="Ines", last="Moreau", email="ines@example.com")
    request = CreateAssessmentRequest(
        first_name="Ines", last_name="Moreau", email_address="ines@example.com"
    )
    finish(qtbot, board_of(window).create_assessment(order.id, request))  # one to watch
    assert not bar.isVisible()
    finish(qtbot, board_of(window).watch())  # Berke answers: nothing to say
    assert not bar.isVisible()

    refused = AuthError(Service.BERKE, service_message="Invalid API token")

    async def refusing(*_args: Any, **_kwargs: Any) -> Any:
        raise refused
        yield

    async def refusing_status(*_args: Any, **_kwargs: Any) -> Any:
        raise refused

    real_listing, real_status = berke.iter_completed, berke.get_assessment_status
    berke.iter_completed = refusing  # type: ignore[method-assign]
    berke.get_assessment_status = refusing_status  # type: ignore[method-assign]
    finish(qtbot, board_of(window).watch())
    assert bar.isVisible()
    said = bar.text.text()
    assert said.startswith("Berke could not be asked at ")
    assert "Berke's side of the orders is as it was at " in said
    assert "Invalid API token" in said

    berke.iter_completed = real_listing  # type: ignore[method-assign]
    berke.get_assessment_status = real_status  # type: ignore[method-assign]
    qtbot.mouseClick(bar.retry_button, Qt.MouseButton.LeftButton)  # Try again: asks now
    qtbot.waitUntil(lambda: not bar.isVisible())


def _watch_round(shown: MainWindow, qtbot: QtBot) -> None:
    """A round of the board's watch, as its loop (or the bar's Try again) runs it."""
    board = board_of(shown)
    board.watch_now()  # the window's board is not started: a round of its own
    finish(qtbot, board.wait_idle())


def test_a_watch_round_that_cannot_keep_berkes_answer_is_said_until_one_works(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    sandbox: SandboxServer,
) -> None:
    """Before: a round failing on this computer (its disk full) was only logged, every round:
    the finished candidate never showed complete, automatic delivery never ran, and nothing
    on screen said so, where a sync failing so says "… could not be kept … Free some space"."""
    bar = window.orders.berke_problem
    board = board_of(window)
    order = add_test_order(window, qtbot, first="Wanda", last="Watch", email="wanda@example.com")
    request = CreateAssessmentRequest(
        first_name="Wanda", last_name="Watch", email_address="wanda@example.com"
    )
    link = finish(qtbot, board.create_assessment(order.id, request))
    finish_in_sandbox(sandbox, link.invitation_code)  # the candidate finishes
    with desk_of(window).db.reading() as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write must reach the file
    with disk_full():
        _watch_round(window, qtbot)
        with qtbot.waitSignal(window.sync_finished) as polled:
            window.request_poll()  # the minute's poll meanwhile: nothing new, it works
    assert polled.args == [True]
    assert board.state(order.id).berke_progress is not BerkeProgress.COMPLETE  # not kept
    assert bar.isVisible()
    said = bar.text.text()
    assert said.startswith("Watching Berke failed at ")  # not "Berke could not be asked"
    assert "What Berke answered could not be kept on this computer (“" in said  # SQLite's
    assert "Free some space on the disk" in said

    _watch_round(window, qtbot)  # the disk has room again
    assert not bar.isVisible()
    assert board.state(order.id).berke_progress is BerkeProgress.COMPLETE


def test_a_watch_round_that_fails_unexpectedly_is_reported_once_a_streak(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: a bug in the watch was logged each round, and nowhere else: reported each
    round, it would be a box every two minutes."""
    bar = window.orders.berke_problem
    real_watch = board_module.watch_berke

    async def broken(desk: Desk, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    notifier = RecordingNotifier()
    hooks = install_error_hooks(notifier, asyncio.get_running_loop())
    try:
        monkeypatch.setattr(board_module, "watch_berke", broken)
        _watch_round(window, qtbot)
        _watch_round(window, qtbot)
        assert [report.summary for report in notifier.reports] == ["RuntimeError: a bug"]
        assert bar.isVisible()
        said = bar.text.text()
        assert said.startswith("Watching Berke failed at ")
        assert "Something unexpected went wrong (RuntimeError)" in said

        monkeypatch.setattr(board_module, "watch_berke", real_watch)
        _watch_round(window, qtbot)
        assert not bar.isVisible()
        monkeypatch.setattr(board_module, "watch_berke", broken)
        _watch_round(window, qtbot)  # a new streak: said again
        assert len(notifier.reports) == 2
    finally:
        hooks.uninstall()


def test_a_failure_here_after_berke_answered_does_not_blink_the_bar_each_round(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before: each round Berke answered hid the bar ("Berke answered: nothing to say"), and
    the comments' failure to be kept, a moment later, showed it again: a bar that blinked
    every two minutes, its time of failure new each round, while nothing had worked."""
    bar = window.orders.berke_problem
    said: list[tuple[str | None, bool]] = []
    source = window.orders.source
    assert isinstance(source, LiveOrders)
    source.signals.berke_watched.connect(lambda problem, local: said.append((problem, local)))

    async def not_kept(*_args: Any, **_kwargs: Any) -> set[str]:
        raise sqlite3.OperationalError("database or disk is full")

    real_comments = board_module.watch_comments
    monkeypatch.setattr(board_module, "watch_comments", not_kept)
    _watch_round(window, qtbot)
    assert bar.isVisible()
    assert said[-1][1] is True  # said as this computer's failure
    said.clear()
    _watch_round(window, qtbot)  # Berke answers again; the comments still cannot be kept
    assert [local for _problem, local in said] == [True]  # never cleared in between
    assert bar.isVisible()

    monkeypatch.setattr(board_module, "watch_comments", real_comments)
    said.clear()
    _watch_round(window, qtbot)  # the whole round works: cleared once, at its end
    assert said == [(None, False)]
    assert not bar.isVisible()
