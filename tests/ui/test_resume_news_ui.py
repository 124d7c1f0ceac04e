"""The status bar says what the resumer did when a desk starts with steps left waiting: how
many went, and whose orders could not go; never over a sync's failure, and not wiped
by the first sync's routine line a moment later."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

from app.clients.errors import ApiError, Service
from app.domain.attention import Attention
from app.domain.journal import RejectStep
from app.domain.smartrecruiters import AssessmentOrder, RejectRequest
from app.ui.orders.orders_room import NEEDS_ATTENTION
from app.views.inbox_columns import DEFAULT_SHOWN
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
    goes, gone = rejects_left_waiting(qtbot, sandbox, path, ["Una Goes", "Ivo Gone"])
    return goes, gone


def rejects_left_waiting(
    qtbot: QtBot, sandbox: SandboxServer, path: Path, names: list[str]
) -> list[str]:
    """A desk that stopped with a reject waiting for each of ``names``' new orders: their ids."""
    desk = make_desk(sandbox, path)
    ids = []
    try:
        sr = desk.session.sr
        for name in names:
            first, last = name.split()
            order = finish(qtbot, sr.create_test_order(new_order_body(first=first, last=last)))
            desk.journal.begin(order.id, RejectStep(request=RejectRequest(message="Withdrew")))
            ids.append(order.id)
    finally:
        finish(qtbot, desk.session.aclose())
        desk.db.close()
    return ids


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
        said = "From before: 1 step sent; 1 could not be (Ivo Gone)"
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
        window.signals.resume_ended.emit(ResumeNews("From before: 2 steps sent"))
        assert bar_text(window) == failure
        window.statusBar().clearMessage()  # the failure's time is up
        assert bar_text(window) == "From before: 2 steps sent"
        # Nor does a poll's routine line replace it.
        window.signals.sync_started.emit(True)
        assert bar_text(window) == "From before: 2 steps sent"


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
        news = ResumeNews("From before: 1 step sent; 1 could not be (Ivo Gone)", failed=1)
        window.signals.resume_ended.emit(news)
        bar = window.statusBar()
        assert bar.currentMessage() == news.text
        failed = SyncOutcome(poll=False, ok=False, error="SmartRecruiters did not answer.")
        window.signals.sync_finished.emit(failed)
        assert bar.currentMessage().startswith("Sync failed: ")
        bar.clearMessage()  # the failure's time is up
        # The resumer's line, shown for an instant, comes back once the failure goes.
        assert bar.currentMessage() == news.text


def refuse_rejects_of(sr: Any, refused: set[str]) -> None:
    """SmartRecruiters refuses for good (a 422) the rejects of the ``refused`` orders."""
    real = sr.reject_order

    async def reject(order_id: str, **kwargs: Any) -> AssessmentOrder:
        if order_id in refused:
            raise ApiError(
                Service.SMARTRECRUITERS, http_status=422, service_message="Order is locked."
            )
        return await real(order_id, **kwargs)

    sr.reject_order = reject


def message_room(window: MainWindow) -> int:
    """The width the status bar's message has: up to its first permanent widget."""
    permanent = [
        w
        for w in (window.connection_label, window.pacing_status, window.count_label)
        if w.isVisible()
    ]
    return min(w.geometry().x() for w in permanent) - 8  # QStatusBar's own message margins


def test_the_resumers_line_names_whose_orders_failed_and_fits_the_bar_at_1280(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Two waiting rejects refused for good: the line sent the coordinator to "“Failed” in the
    Activity column", hidden by default, and was cut at 1280 px right there. It names the two
    candidates instead, and fits (their rows' "Needs attention" says it too)."""
    path = tmp_path / "desk.sqlite3"
    ids = rejects_left_waiting(qtbot, sandbox, path, ["Ana Lind", "Bo Ek", "Cy Ng", "Di Oh"])
    with board_window(qtbot, qsettings, sandbox, path) as (window, board, desk):
        assert window.width() == 1280
        refuse_rejects_of(desk.session.sr, set(ids[2:]))
        finish(qtbot, board.sync())
        finish(qtbot, board.resume())
        qtbot.waitUntil(window.connection_label.isVisible)
        said = bar_text(window)
        assert said == "From before: 2 steps sent; 2 could not be (Cy Ng, Di Oh)"
        room = window.orders
        for order_id in ids[2:]:
            row = room.model.row(room.model.row_of(order_id) or 0)
            assert row.activity == "Order not rejected"
            assert row.attention == "Order not rejected"
        assert "Activity column" not in said
        needed = window.statusBar().fontMetrics().horizontalAdvance(said)
        assert needed <= message_room(window), (
            f"{said!r} needs {needed} px; the bar leaves it {message_room(window)} px"
        )


def test_a_reject_refused_for_good_is_flagged_and_found_by_needs_attention(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Its "Failed: Reject order" was only in the Activity column, hidden by default: no
    default column said it, and the "Needs attention" filter did not find the order."""
    path = tmp_path / "desk.sqlite3"
    refused, sent = rejects_left_waiting(qtbot, sandbox, path, ["Ana Lind", "Bo Ek"])
    with board_window(qtbot, qsettings, sandbox, path) as (window, board, desk):
        refuse_rejects_of(desk.session.sr, {refused})
        finish(qtbot, board.sync())
        finish(qtbot, board.resume())
        room = window.orders
        qtbot.waitUntil(
            lambda: room.model.row(room.model.row_of(refused) or 0).activity == "Order not rejected"
        )
        assert "attention" in DEFAULT_SHOWN
        assert room.model.row(room.model.row_of(refused) or 0).attention == "Order not rejected"
        assert [f.kind for f in board.flags(refused)] == [Attention.STEP_FAILED]
        assert board.flags(sent) == []
        filters = room.status_filter
        filters.setCurrentIndex(filters.findData(NEEDS_ATTENTION))
        found = room.proxy.order_ids()
        assert refused in found
        assert sent not in found  # rejected: nothing to do
        # Left alone: no longer flagged, nor found.
        finish(qtbot, board.dismiss(refused, Attention.STEP_FAILED.value))
        qtbot.waitUntil(lambda: room.model.row(room.model.row_of(refused) or 0).attention == "")
        assert refused not in room.proxy.order_ids()
