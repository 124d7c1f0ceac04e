"""The status bar says what the resumer did when a desk starts with steps left waiting: how
many went, how many could not, and where to look; never over a sync's failure, and not wiped
by the first sync's routine line a moment later."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings

from app.domain.journal import RejectStep
from app.domain.smartrecruiters import RejectRequest
from app.workflows.board import SyncOutcome
from app.workflows.resume_news import ResumeNews
from tests.integration.helpers import new_order_body
from tests.integration.test_gone_orders import erase_in_sr
from tests.ui.conftest import board_window, make_desk
from tests.ui.test_console_flows import finish

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer
    from app.ui.main_window import MainWindow


def left_waiting(qtbot: QtBot, sandbox: SandboxServer, path: Path) -> tuple[str, str]:
    """A desk that stopped with two rejects waiting (its first order's, then its second's)."""
    desk = make_desk(sandbox, path)
    try:
        sr = desk.session.sr
        goes = finish(qtbot, sr.create_test_order(new_order_body(first="Una", last="Goes")))
        gone = finish(qtbot, sr.create_test_order(new_order_body(first="Ivo", last="Gone")))
        for order in (goes, gone):
            desk.journal.begin(order.id, RejectStep(request=RejectRequest(message="Withdrew")))
    finally:
        finish(qtbot, desk.session.aclose())
        desk.db.close()
    return goes.id, gone.id


def bar_text(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def test_a_restarted_desk_says_what_the_resumer_sent_and_what_it_could_not(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Before: each order showed its own outcome, and nothing said that steps went at all."""
    path = tmp_path / "desk.sqlite3"
    _goes, gone = left_waiting(qtbot, sandbox, path)
    with board_window(qtbot, qsettings, sandbox, path) as (window, board, _desk):
        finish(qtbot, board.sync())
        # Erased in SmartRecruiters since: its reject cannot be sent.
        finish(qtbot, erase_in_sr(sandbox, gone))
        assert finish(qtbot, board.sync()).gone_ids == (gone,)
        finish(qtbot, board.resume())
        said = (
            "Sent 1 step left waiting from before; 1 could not be sent — see its order (Ivo Gone)"
        )
        assert bar_text(window) == said
        assert said in window.statusBar().toolTip()
        # The first sync's routine line, a moment later, waits for it to go.
        finish(qtbot, board.sync())
        assert bar_text(window) == said
        window.statusBar().clearMessage()  # its time is up
        assert bar_text(window).startswith("Synced ")
        # The next pass finds nothing waiting: nothing said.
        window.statusBar().clearMessage()
        finish(qtbot, board.resume())
        assert bar_text(window) == ""


def test_what_the_resumer_did_waits_while_a_sync_failure_is_said(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    with board_window(qtbot, qsettings, sandbox, tmp_path / "desk.sqlite3") as made:
        window = made[0]
        assert window.signals is not None
        failed = SyncOutcome(poll=False, ok=False, error="SmartRecruiters did not answer.")
        window.signals.sync_finished.emit(failed)
        failure = bar_text(window)
        assert failure.startswith("Sync failed: ")
        window.signals.resume_ended.emit(ResumeNews("Sent 2 steps left waiting from before"))
        assert bar_text(window) == failure
        window.statusBar().clearMessage()  # the failure's time is up
        assert bar_text(window) == "Sent 2 steps left waiting from before"
        # Nor does a poll's routine line replace it.
        window.signals.sync_started.emit(True)
        assert bar_text(window) == "Sent 2 steps left waiting from before"


def test_a_sync_failure_does_not_lose_what_the_resumer_could_not_send(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """What the resumer could not send was wiped unread by a sync's failure said a moment
    later (weighty too), and never said again: at a start with the service unwell, the first
    resume pass and the first sync end seconds apart, in either order."""
    with board_window(qtbot, qsettings, sandbox, tmp_path / "desk.sqlite3") as made:
        window = made[0]
        assert window.signals is not None
        news = ResumeNews(
            "Sent 1 step left waiting from before; 1 could not be sent — see its order (Ivo Gone)",
            failed=1,
        )
        window.signals.resume_ended.emit(news)
        bar = window.statusBar()
        assert bar.currentMessage() == news.text
        failed = SyncOutcome(poll=False, ok=False, error="SmartRecruiters did not answer.")
        window.signals.sync_finished.emit(failed)
        assert bar.currentMessage().startswith("Sync failed: ")
        bar.clearMessage()  # the failure's time is up
        # The resumer's line, shown for an instant, comes back once the failure goes.
        assert bar.currentMessage() == news.text
