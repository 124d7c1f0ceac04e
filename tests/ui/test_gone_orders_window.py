"""An order SmartRecruiters no longer has, as the window shows it: flagged in its row and its
pane, neither counted nor filtered as new, no comment offered, and said once in the status bar
(the board's side: tests/integration/test_gone_orders.py)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxServer
from app.ui.main_window import MainWindow
from app.ui.orders.order_table_model import GONE_ROLE
from app.views.inbox_columns import INBOX
from app.workflows.desk import Desk
from tests.integration.helpers import new_order_body
from tests.integration.test_gone_orders import erase_in_sr
from tests.ui.conftest import connect

if TYPE_CHECKING:
    pass


def test_a_gone_order_is_flagged_and_not_counted_new(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> None:
    board = connect(window, desk, start=False)
    order = qloop.run_until_complete(
        desk.session.sr.create_test_order(new_order_body(first="Vanished", last="Candidate"))
    )
    assert qloop.run_until_complete(window.sync()) is True
    new_before = window.orders.new_count()
    qloop.run_until_complete(erase_in_sr(sandbox, order.id))

    assert qloop.run_until_complete(window.sync()) is True

    assert board.order(order.id) is not None  # kept, to be read: its last copy
    assert board.order(order.id).status is OrderStatus.NEW  # type: ignore[union-attr]
    assert window.orders.new_count() == new_before - 1
    assert f"· {new_before - 1} new" in window.count_label.text()
    assert "1 is no longer in SmartRecruiters" in window.statusBar().currentMessage()
    row = window.orders.model.row_of(order.id)
    assert row is not None
    attention = window.orders.model.index(row, INBOX.index("attention")).data()
    assert attention == "Gone from SmartRecruiters"
    # The status badge says "Gone", and so does what a screen reader hears.
    status = window.orders.model.index(row, INBOX.index("status"))
    assert status.data(GONE_ROLE) is True
    assert status.data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Status: gone from SmartRecruiters (last New)"
    )


def gone_order(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> str:
    connect(window, desk, start=False)
    order = qloop.run_until_complete(
        desk.session.sr.create_test_order(new_order_body(first="Vanished", last="Candidate"))
    )
    assert qloop.run_until_complete(window.sync()) is True
    qloop.run_until_complete(erase_in_sr(sandbox, order.id))
    assert qloop.run_until_complete(window.sync()) is True
    return order.id


def test_the_pane_offers_no_comment_for_a_gone_order(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> None:
    order_id = gone_order(window, desk, sandbox, qloop)
    window.orders.select_order(order_id)
    qloop.run_until_complete(window.orders.wait_idle())
    pane = window.orders.detail
    assert pane.order is not None
    assert pane.order.id == order_id
    assert not pane.comment_input.isEnabled()
    assert "Gone from SmartRecruiters (last: New)" in pane.status.text()
    assert "no longer has this order" in pane.comment_input.toolTip()


def test_the_new_filter_lists_what_the_count_calls_new(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> None:
    order_id = gone_order(window, desk, sandbox, qloop)
    room = window.orders
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))
    shown = room.proxy.order_ids()
    assert order_id not in shown
    assert len(shown) == room.new_count()
