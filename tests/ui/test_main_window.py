"""The main window lists the sandbox's orders, searches and filters them, and says what is up."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, Qt

from app.clients.berke import BerkeClient
from app.clients.http import RetryPolicy
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import OrderStatus
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.order_table_model import ORDER_ROLE, Column
from app.workflows.desk import Desk
from app.workflows.session import Session

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def window(qtbot: QtBot, qsettings: QSettings) -> MainWindow:
    made = MainWindow(settings=qsettings)
    qtbot.addWidget(made)
    made.show()
    return made


def test_lists_every_order_from_the_sandbox(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop, qtmodeltester: object
) -> None:
    assert window.message.text() == "Connecting…"
    window.set_desk(desk)
    assert qloop.run_until_complete(window.sync()) is True
    total = qloop.run_until_complete(desk.session.sr.list_orders(limit=1)).total_found
    assert window.model.rowCount() == total >= 200
    assert window.stack.currentWidget() is window.table
    assert window.proxy.rowCount() == total
    qtmodeltester.check(window.model)  # type: ignore[attr-defined]
    new = sum(1 for o in window.model.orders() if o.status is OrderStatus.NEW)
    assert window.windowTitle() == f"({new} new) Assessment Desk — Demo mode"
    assert f"{total} orders · {new} new" == window.count_label.text()
    assert "Demo mode" in window.connection_label.text()
    first = window.proxy.index(0, Column.CANDIDATE)
    order = first.data(ORDER_ROLE)
    assert first.data() == order.candidate.full_name


def test_search_as_you_type_and_status_filter(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    window.set_desk(desk)
    qloop.run_until_complete(window.sync())
    # QTest types ASCII only; non-ASCII search is covered by the proxy test below.
    some = next(o for o in window.model.orders() if o.candidate.last_name.isascii())
    word = some.candidate.last_name
    qtbot.keyClicks(window.search, word.lower())
    shown = [window.proxy.index(r, 0).data(ORDER_ROLE) for r in range(window.proxy.rowCount())]
    assert some in shown
    for order in shown:
        assert word.casefold() in window.model.haystack(window.model.row_of(order.id) or 0)

    window.search.clear()
    rejected = window.status_filter.findData(OrderStatus.REJECTED)
    window.status_filter.setCurrentIndex(rejected)
    statuses = {
        window.proxy.index(r, 0).data(ORDER_ROLE).status for r in range(window.proxy.rowCount())
    }
    assert statuses == {OrderStatus.REJECTED}

    qtbot.keyClicks(window.search, "zzzz-nobody")
    assert window.proxy.rowCount() == 0
    assert window.stack.currentWidget() is window.message
    assert "No orders match" in window.message.text()


def test_search_matches_non_ascii_and_needs_every_word(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop
) -> None:
    window.set_desk(desk)
    qloop.run_until_complete(window.sync())
    some = next(o for o in window.model.orders() if not o.candidate.full_name.isascii())
    window.search.setText(some.candidate.full_name.upper())
    shown = [window.proxy.index(r, 0).data(ORDER_ROLE) for r in range(window.proxy.rowCount())]
    assert some in shown
    window.search.setText(f"{some.candidate.first_name} no-such-word")
    assert window.proxy.rowCount() == 0


def test_sort_by_any_column(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop
) -> None:
    window.set_desk(desk)
    qloop.run_until_complete(window.sync())
    window.table.sortByColumn(Column.CANDIDATE, Qt.SortOrder.AscendingOrder)
    names = [window.proxy.index(r, Column.CANDIDATE).data() for r in range(window.proxy.rowCount())]
    assert [n.casefold() for n in names] == sorted(n.casefold() for n in names)
    window.table.sortByColumn(Column.ORDERED, Qt.SortOrder.DescendingOrder)
    dates = [
        window.proxy.index(r, 0).data(ORDER_ROLE).create_date
        for r in range(window.proxy.rowCount())
    ]
    assert dates == sorted(dates, reverse=True)


def test_a_failed_sync_is_explained_and_retried_with_f5(
    window: MainWindow, qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    key = "k" * 64
    broken = Desk(
        Session(
            sr=SmartRecruitersClient(
                "http://127.0.0.1:9/sr/v1", key, retry=RetryPolicy(read_retries=0)
            ),
            berke=BerkeClient("http://127.0.0.1:9/berke", "t" * 20),
            demo=False,
        ),
        Database(":memory:"),
    )
    try:
        window.set_desk(broken)
        assert qloop.run_until_complete(window.sync()) is False
        assert window.stack.currentWidget() is window.message
        text = window.message.text()
        assert "Could not load the orders" in text
        assert "could not be reached" in text
        assert "F5" in text
        assert key not in text
        assert window.refresh_action.isEnabled()
        with qtbot.waitSignal(window.sync_finished, timeout=5000) as blocker:
            qtbot.keyClick(window.table, Qt.Key.Key_F5)
            qloop.run_until_complete(asyncio.sleep(0.05))
        assert blocker.args == [False]
    finally:
        qloop.run_until_complete(broken.session.aclose())


def test_layout_is_remembered(qtbot: QtBot, qsettings: QSettings) -> None:
    first = MainWindow(settings=qsettings)
    qtbot.addWidget(first)
    first.table.setColumnWidth(Column.JOB, 333)
    first.table.sortByColumn(Column.COMPANY, Qt.SortOrder.AscendingOrder)
    first.splitter.setSizes([900, 300])
    first.close()
    second = MainWindow(settings=qsettings)
    qtbot.addWidget(second)
    assert second.table.columnWidth(Column.JOB) == 333
    assert second.proxy.sortColumn() == Column.COMPANY
    assert second.proxy.sortOrder() == Qt.SortOrder.AscendingOrder


@pytest.mark.slow
def test_self_test_command_starts_in_demo_mode(tmp_path: object) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "self-test: ok" in result.stdout
    assert "Demo mode" in result.stdout
