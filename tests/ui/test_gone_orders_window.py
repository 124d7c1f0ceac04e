"""An order SmartRecruiters no longer has, as the window shows it: flagged in its row and its
pane, neither counted nor filtered as new, no comment offered, and said once in the status bar
(the board's side: tests/integration/test_gone_orders.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.domain.order_state import OrderState
from app.domain.smartrecruiters import OrderStatus
from app.domain.snapshot_diff import diff_orders
from app.sandbox import SandboxServer
from app.store.snapshot_file import load_snapshot
from app.ui.main_window import MainWindow
from app.ui.orders.candidate_table_model import CandidateTableModel
from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import GONE_ROLE, OrderTableModel
from app.ui.orders.orders_room import OrdersRoom
from app.ui.snapshots.csv_export import orders_in_view
from app.views.candidate_groups import Column as CandidateColumn
from app.views.inbox_columns import GONE_LABEL, INBOX
from app.views.order_rows import OrderColumns, order_row
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.snapshots import SaveRequest
from tests.integration.helpers import new_order_body
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_gone_orders import erase_in_sr, new_order
from tests.ui.conftest import connect, snapshot_room
from tests.ui.test_candidates_view import ZOE, make_order

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


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
    assert "1 gone from SmartRecruiters" in window.statusBar().currentMessage()
    row = window.orders.model.row_of(order.id)
    assert row is not None
    attention = window.orders.model.index(row, INBOX.index("attention")).data()
    assert attention == "Gone from SmartRecruiters"
    # The status badge says "Gone", and so does what a screen reader hears.
    status = window.orders.model.index(row, INBOX.index("status"))
    assert status.data(GONE_ROLE) is True
    assert status.data() == "Gone"
    assert status.data(Qt.ItemDataRole.AccessibleTextRole) == "Status: Gone"
    assert status.data(Qt.ItemDataRole.ToolTipRole) == (
        "SmartRecruiters no longer has this order (its last status there: NEW)"
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


def test_a_gone_order_with_nothing_to_do_can_be_left_alone(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> None:
    """Its one flag, "Gone from SmartRecruiters", had no fix and no "Leave it": such an order
    never changes again, so it stayed under "Needs attention" for ever, nothing to press."""
    order_id = gone_order(window, desk, sandbox, qloop)  # NEW when erased: no assessment
    room = window.orders
    row = room.model.row_of(order_id)
    assert row is not None
    attention = room.model.index(row, INBOX.index("attention"))
    assert attention.data() == "Gone from SmartRecruiters"
    room.select_order(order_id)
    qloop.run_until_complete(room.wait_idle())
    leave = room.detail.flags.findChild(QPushButton, "dismiss_gone")
    assert leave is not None
    assert leave.text() == "Leave it"
    leave.click()
    qloop.run_until_complete(room.wait_idle())
    assert attention.data() == ""
    assert not room.detail.flags.isVisibleTo(room.detail)


def only_new(room: OrdersRoom) -> None:
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))


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


def test_a_snapshot_shows_an_order_gone_when_saved_gone_and_why_it_has_no_comments(
    sandbox: SandboxServer, tmp_path: Path, qtbot: QtBot
) -> None:
    """Before: saved while the inbox showed it "Gone", it opened under its last status ("New",
    and under the New filter) with "No comments yet.", the note saying why shown nowhere; and
    compared with a snapshot saved before it went, it read "Comments: 1 → 0"."""
    before, after = tmp_path / "before.adsnap", tmp_path / "after.adsnap"

    async def body(board: OrderBoard, desk: Desk) -> str:
        kept = await new_order(desk, "Stays")
        order_id = await new_order(desk, "Snapshotted")
        await board.sync()
        await board.add_comment(order_id, "Called her, she will take it Monday")
        await board.sync()
        orders = [o for o in board.orders() if o.id in (kept, order_id)]
        await board.save_snapshot(SaveRequest(orders=orders), before)
        await erase_in_sr(sandbox, order_id)
        assert (await board.sync()).gone_ids == (order_id,)
        orders = [o for o in board.orders() if o.id in (kept, order_id)]
        await board.save_snapshot(SaveRequest(orders=orders), after)
        return order_id

    order_id = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    room = snapshot_room(qtbot, after, tmp_path / "tmp")
    row = room.model.row_of(order_id)
    assert row is not None
    assert room.model.index(row, INBOX.index("status")).data() == GONE_LABEL
    only_new(room)
    assert order_id not in room.proxy.order_ids()
    room.status_filter.setCurrentIndex(0)
    room.select_order(order_id)
    pane = room.detail
    assert "Gone from SmartRecruiters (last: New)" in pane.status.text()
    why = "SmartRecruiters no longer had this order when the snapshot was saved (gone since "
    assert pane.comment_state.text().startswith(why)
    assert pane.attachments.result_label.text().startswith(why)
    changes = diff_orders(load_snapshot(before).records(), load_snapshot(after).records())
    assert [c.describe() for c in changes.changes if c.order_id == order_id] == []


def test_the_new_filter_lists_what_the_count_calls_new(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> None:
    order_id = gone_order(window, desk, sandbox, qloop)
    room = window.orders
    only_new(room)
    shown = room.proxy.order_ids()
    assert order_id not in shown
    assert len(shown) == room.new_count()


def test_an_order_listed_again_is_new_again_in_the_window(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> None:
    order_id = gone_order(window, desk, sandbox, qloop)
    room = window.orders
    only_new(room)
    before = room.new_count()
    board = window.board
    assert board is not None
    desk.orders.listed_again({order_id})  # as a sync does when SmartRecruiters lists it again
    qloop.run_until_complete(board.refresh([order_id]))
    qloop.run_until_complete(room.wait_idle())
    assert room.new_count() == before + 1
    assert order_id in room.proxy.order_ids()
    row = room.model.row_of(order_id)
    assert row is not None
    assert room.model.index(row, INBOX.index("status")).data() == "New"
    assert room.model.index(row, INBOX.index("attention")).data() != "Gone from SmartRecruiters"
    assert f"({room.new_count()} new)" in window.windowTitle()


def test_a_selection_counts_a_gone_order_as_gone_not_new(
    window: MainWindow, desk: Desk, sandbox: SandboxServer, qloop: asyncio.AbstractEventLoop
) -> None:
    """Ctrl+A over the inbox: the pane's summary of the selection, as the count says."""
    qloop.run_until_complete(
        desk.session.sr.create_test_order(new_order_body(first="Still", last="Here"))
    )
    gone_order(window, desk, sandbox, qloop)
    room = window.orders
    room.table.selectAll()
    qloop.run_until_complete(room.wait_idle())
    assert len(room.selected_ids()) == room.model.rowCount()  # the gone order among them
    summary = room.detail.status.text()
    assert summary.startswith(f"{room.new_count():,} new"), summary
    assert summary.endswith(", 1 gone"), summary


def two_orders_of_zoe_one_gone() -> OrderColumns:
    live = make_order("o1", ZOE, "Data Analyst", "Acme GmbH", "2025-05-01")
    erased = make_order("o2", ZOE, "Product Owner", "Initech", "2025-04-01")
    gone = OrderState(gone_since=datetime(2025, 6, 1, tzinfo=UTC))
    return OrderColumns.of_rows([order_row(live), order_row(erased, gone)])


def test_the_candidates_tab_says_gone_not_new(qapp: QApplication) -> None:
    model = CandidateTableModel()
    model.set_rows(two_orders_of_zoe_one_gone())
    row = model.row_of_order("o2")
    assert row is not None
    status = model.index(row, CandidateColumn.STATUS)
    assert status.data() == "Gone"
    assert "no longer has this order" in status.data(Qt.ItemDataRole.ToolTipRole)
    candidate = model.index(0, CandidateColumn.STATUS)
    assert candidate.data(Qt.ItemDataRole.ToolTipRole) == "1 new, 1 gone"


def test_the_csv_export_and_a_sort_by_status_say_gone(qapp: QApplication) -> None:
    model = OrderTableModel()
    model.set_rows(two_orders_of_zoe_one_gone())
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    header, rows = orders_in_view(proxy)
    status = header.index("Status")
    assert {row[0]: row[status] for row in rows} == {"o1": "New", "o2": "Gone"}
    proxy.sort(INBOX.index("status"), Qt.SortOrder.AscendingOrder)
    assert proxy.order_ids() == ["o1", "o2"]  # after every status SmartRecruiters gives


def test_an_order_shown_gone_is_found_by_gone_not_by_its_last_status(qapp: QApplication) -> None:
    """The search looked in its last status: "gone" found nothing once its flag was left
    alone (the flag's words had found it), and "new" found it, which the "New" filter and the
    "N new" count leave out."""
    model = OrderTableModel()
    model.set_rows(two_orders_of_zoe_one_gone())  # no flag: its status alone says it
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    assert model.text(1, INBOX.index("status")) == "Gone"
    assert model.count_status(OrderStatus.NEW) == 1
    for typed, found in (("new", ["o1"]), ("gone", ["o2"])):
        proxy.set_search_text(typed)
        assert proxy.order_ids() == found, typed
    model.update_rows([model.row(0)._replace(gone=True)])  # a sync finds it gone too
    assert sorted(proxy.order_ids()) == ["o1", "o2"]


def test_sorted_by_status_the_candidates_tab_puts_gone_last(qapp: QApplication) -> None:
    """As the inbox does (``GONE_RANK``): by its last status, a gone order sorted among the
    new ones, above the orders in progress."""
    live = make_order("o1", ZOE, "Data Analyst", "Acme GmbH", "2025-05-01")
    erased = make_order("o2", ZOE, "Product Owner", "Initech", "2025-04-01")
    started = make_order("o3", ZOE, "Designer", "Initech", "2025-03-01")
    gone = OrderState(gone_since=datetime(2025, 6, 1, tzinfo=UTC))
    rows = [
        order_row(live),
        order_row(erased, gone),
        order_row(started)._replace(status=OrderStatus.IN_PROGRESS),
    ]
    model = CandidateTableModel()
    model.set_rows(OrderColumns.of_rows(rows))
    model.sort(CandidateColumn.STATUS, Qt.SortOrder.AscendingOrder)
    shown = [model.index(row, CandidateColumn.STATUS).data() for row in range(1, 4)]
    assert shown == ["New", "In progress", "Gone"]
