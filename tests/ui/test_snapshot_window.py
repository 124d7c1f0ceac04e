"""A snapshot in the main window: read-only and labelled, every view working, compare, CSV."""

from __future__ import annotations

import asyncio
import csv
import gc
import os
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from unittest import mock

import httpx
import pytest
from PySide6.QtCore import QEvent, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtGui import Qt as GuiQt  # the namespace that has mightBeRichText
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from shiboken6 import Shiboken

from app.domain.smartrecruiters import AssessmentResult, OrderStatus
from app.domain.snapshot import (
    DETAILS_NOT_ASKED_NOTE,
    REMOTE_FILES_NOTE,
    SnapshotAttachment,
    SnapshotFilter,
)
from app.domain.snapshot_diff import ChangeKind, diff_orders
from app.domain.text_fold import fold
from app.sandbox import SandboxServer
from app.store import snapshot_file
from app.store.paths import make_private_dir
from app.store.snapshot_file import Snapshot, attachment_member, load_snapshot, open_snapshot
from app.ui.common.messages import Messages
from app.ui.common.remembered_header import BY_COLUMN
from app.ui.common.screens import available_room
from app.ui.main_window import MainWindow, open_snapshot_window
from app.ui.orders.column_actions import NOT_IN_SNAPSHOT_TIP
from app.ui.orders.detail_pane import BERKE_NOT_IN_SNAPSHOT
from app.ui.orders.orders_room import HEADER_KEY, NEEDS_ATTENTION, NO_ATTENTION_IN_SNAPSHOT
from app.ui.orders.sources import LiveOrders
from app.ui.snapshots import csv_export, snapshot_source
from app.ui.snapshots.compare_dialog import CompareDialog
from app.ui.snapshots.save_snapshot_dialog import SaveSnapshotDialog
from app.ui.snapshots.snapshot_menu import recent_snapshots
from app.ui.snapshots.snapshot_source import READ_ONLY_TIP, SnapshotOrders
from app.views.inbox_columns import INBOX
from app.views.order_rows import SNAPSHOT_EMPTY_FIELDS
from app.workflows import heap
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.snapshots import SaveRequest
from tests.integration.helpers import RealNetwork
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_gone_orders import new_order
from tests.snapshot_samples import record, records, write_sample
from tests.ui.conftest import show_exposed, snapshot_room
from tests.ui.contrast import WCAG_MIN, app_palette, cell_contrast, dark_palette
from tests.ui.test_tooltips import shown as shown_tip
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def app_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's temporary folder, where a snapshot's files are copied to be opened, is the
    test's own: the real one (``/tmp/assessment-desk-<uid>``) got a folder from each run, and
    opening a copy sweeps that folder of the user's copies older than a day."""
    folder = make_private_dir(tmp_path / "app-temp")
    monkeypatch.setattr(snapshot_file, "app_temp_root", lambda: folder)
    return folder


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4")
    items = records(8)
    member = attachment_member(items[1].order.id, 1, "report.pdf")
    items[1].attachments.append(SnapshotAttachment(file_name="report.pdf", member=member, size=8))
    items[2].notes.append(f"{REMOTE_FILES_NOTE} (its API offers no download): scan.pdf")
    return write_sample(tmp_path / "sample.adsnap", items, {member: report})


@pytest.fixture
def window(qtbot: QtBot, qsettings: QSettings, sample: Path) -> MainWindow:
    made = open_snapshot_window(sample, qsettings)
    qtbot.addWidget(made)
    made.show()
    return made


def shown(window: MainWindow) -> list[str]:
    return window.orders.proxy.order_ids()


def source(window: MainWindow) -> SnapshotOrders:
    found = window.orders.source
    assert isinstance(found, SnapshotOrders)
    return found


def test_labelled_read_only_with_every_change_disabled(window: MainWindow) -> None:
    assert window.windowTitle().startswith("Snapshot (read-only) — sample.adsnap")
    banner = window.banner
    assert banner.isVisible()
    assert "Read-only snapshot" in banner.text()
    assert "8 orders" in banner.text()
    assert window.orders.model.rowCount() == 8
    window.orders.select_order("order-000")
    for action in [*window.orders.controller.actions.values(), window.refresh_action,
                   window.snapshot_menu.save_action, window.settings_action]:  # fmt: skip
        assert not action.isEnabled()
        assert action.toolTip() == READ_ONLY_TIP
    assert not window.orders.detail.comment_input.isEnabled()
    assert window.orders.detail.comment_input.toolTip() == READ_ONLY_TIP
    # No board, no session: nothing polls, nothing can reach the network.
    assert window.board is None
    assert not isinstance(window.orders.source, LiveOrders)
    assert not window.rooms.isTabEnabled(window.rooms.indexOf(window.offers))


def test_the_keyboard_shortcuts_leave_out_what_a_snapshot_window_cannot_do(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Help › Keyboard shortcuts… listed every action of the menus, enabled or not, and every
    tab: a snapshot's window offered Save snapshot (Ctrl+S), Settings (Ctrl+,), Refresh (F5)
    and the Offers tab (Alt+R), which are off there and, pressed, do nothing and say
    nothing. The order actions, off too, say why when pressed: listed."""
    dialog = window.show_keyboard_shortcuts()
    listed = {row.what: row.keys for row in dialog.listed()}
    dialog.close()
    for action in (window.settings_action, window.refresh_action,
                   window.snapshot_menu.save_action):  # fmt: skip
        assert not action.isEnabled()
    before = window.statusBar().currentMessage()
    qtbot.keyClick(window.orders.table, Qt.Key.Key_F5)  # nothing, and nothing said
    assert window.statusBar().currentMessage() == before
    dead = [what for what in ("Settings", "Refresh", "Save snapshot", "The Offers tab")
            if what in listed]  # fmt: skip
    assert dead == [], f"listed as keys of this window, though off in it: {dead}"
    assert "Accept order" in listed  # off, and says why
    assert "The Orders tab" in listed
    assert "Open snapshot" in listed


def test_search_filters_and_detail_from_the_snapshot(
    window: MainWindow, qtbot: QtBot, qtmodeltester: Any
) -> None:
    qtbot.keyClicks(window.orders.search, "dubois")
    assert shown(window) == ["order-006", "order-002"]  # newest first
    assert window.count_label.text().startswith("2 of 8 orders")
    qtmodeltester.check(window.orders.proxy)
    window.orders.search.clear()
    statuses = window.orders.status_filter
    statuses.setCurrentIndex(statuses.findData(OrderStatus.COMPLETED))
    orders = [source(window).order(i) for i in shown(window)]
    assert {o.status for o in orders if o is not None} == {OrderStatus.COMPLETED}
    window.orders.status_filter.setCurrentIndex(0)

    window.orders.select_order("order-001")
    detail = window.orders.detail
    assert detail.title.text() == "Ana Núñez1"
    assert detail.comments.rowCount() == 1
    assert detail.timeline.rowCount() == 1
    assert "CODE001" in detail.fields["invitationCode"].text()


def test_attachments_open_from_a_temporary_copy(
    window: MainWindow, qtbot: QtBot, running_loop: asyncio.AbstractEventLoop, app_temp: Path
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    window.open_url = open_url
    window.orders.select_order("order-001")
    files = window.orders.detail.snapshot_files
    assert files.list.count() == 1
    files.open_button.click()
    qtbot.waitUntil(lambda: bool(opened))
    copy = Path(opened[0].toLocalFile())
    assert copy.read_bytes() == b"%PDF-1.4"
    assert copy.name == "report.pdf"  # as the list names it, not as the archive ("1_report.pdf")
    assert app_temp in copy.parents  # in the app's temporary folder, nowhere else
    window.orders.select_order("order-000")
    assert files.isHidden()


def test_a_file_kept_as_another_is_not_listed_to_be_opened(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    """A snapshot handed over by someone else listed "Assessment report.pdf (8 bytes)", and
    Open copied and launched the archive entry its record points at, a 40 KB web page, in the
    browser (which may load anything from anywhere), from the window that says "Offline"."""
    page = tmp_path / "page.html"
    page.write_text('<html><img src="https://tracker.example/p.gif">' + "x" * 40_000)
    items = records(4)
    member = "attachments/order-001/1_page.html"
    items[1].attachments.append(
        SnapshotAttachment(file_name="Assessment report.pdf", member=member, size=8)
    )
    window = open_snapshot_window(
        write_sample(tmp_path / "colleague.adsnap", items, {member: page}), qsettings
    )
    qtbot.addWidget(window)
    window.show()
    window.orders.select_order("order-001")
    files = window.orders.detail.snapshot_files
    assert files.list.count() == 0, files.list.item(0).text()
    assert files.open_button.isHidden()
    said = files.left_out.text()
    assert said.startswith("The files could not be read. Order order-001 in the snapshot is")
    assert "'Assessment report.pdf' (8 bytes) is kept as '1_page.html' (40," in said


def test_files_the_service_kept_are_named(window: MainWindow) -> None:
    files = window.orders.detail.snapshot_files
    window.orders.select_order("order-002")
    assert files.isVisible()
    assert "scan.pdf" in files.left_out.text()
    assert "no download" in files.left_out.text()
    assert files.list.isHidden()
    assert files.open_button.isHidden()
    window.orders.select_order("order-001")
    assert files.left_out.isHidden()
    assert files.list.isVisible()


def _listed_file(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, file_name: str
) -> tuple[str, str]:
    """How the order's one file named ``file_name`` in a snapshot is listed: its line, its tip."""
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4")
    items = records(3)
    member = attachment_member(items[1].order.id, 1, "report.pdf")
    items[1].attachments.append(SnapshotAttachment(file_name=file_name, member=member, size=8))
    window = open_snapshot_window(
        write_sample(tmp_path / "handed-over.adsnap", items, {member: report}), qsettings
    )
    qtbot.addWidget(window)
    window.show()
    window.orders.select_order(items[1].order.id)
    files = window.orders.detail.snapshot_files
    assert files.list.count() == 1
    item = files.list.item(0)
    return item.text(), item.toolTip()


def test_a_line_break_in_a_files_name_does_not_list_a_second_file(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    # One file, read as two: "Signed contract (12 KB)" over "Berke report - Ana.pdf  (8 bytes)".
    name = "Signed contract (12 KB)\nBerke report - Ana.pdf"
    line, tip = _listed_file(qtbot, qsettings, tmp_path, name)
    assert line == "Signed contract (12 KB) Berke report - Ana.pdf  (8 bytes)"
    assert tip == name  # whole, as the file writes it


def test_a_right_to_left_override_in_a_files_name_does_not_reverse_its_size(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    line, _tip = _listed_file(qtbot, qsettings, tmp_path, "Berke report\u202e.pdf")
    assert line == "Berke report.pdf  (8 bytes)"


def test_a_files_name_holding_tags_is_its_tip_as_written(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    _line, tip = _listed_file(qtbot, qsettings, tmp_path, "<b>LIVE</b>.pdf")
    assert shown_tip(tip) == "<b>LIVE</b>.pdf"  # not a bold "LIVE.pdf"


class CommentsRefused(RealNetwork):
    """SmartRecruiters' transport, refusing every order's comments once ``refuse`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.refuse and request.method == "GET" and request.url.path.endswith("/comments"):
            body = {"code": "FORBIDDEN", "message": "Access denied"}
            return httpx.Response(403, json=body, request=request)
        return await super().handle_async_request(request)


def test_comments_refused_when_saved_are_said_not_fetched_not_none(
    sandbox: SandboxServer, tmp_path: Path, qtbot: QtBot
) -> None:
    """Before: the file noted "Comments could not be fetched: …" beside an empty list, and
    the pane, which says a failure only for no list at all, read "No comments yet."."""
    path = tmp_path / "saved.adsnap"
    network = CommentsRefused()

    async def body(board: OrderBoard, desk: Desk) -> str:
        order_id = await new_order(desk, "Commented")
        await board.sync()
        await board.add_comment(order_id, "Called her, she will take it Monday")
        await board.sync()
        network.refuse = True
        orders = [o for o in board.orders() if o.id == order_id]
        await board.save_snapshot(SaveRequest(orders=orders), path)
        return order_id

    order_id = with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=network)
    room = snapshot_room(qtbot, path, tmp_path / "tmp")
    room.select_order(order_id)
    said = room.detail.comment_state.text()
    assert said.startswith("Comments could not be fetched: "), said
    assert "Access denied" in said
    assert room.detail.comments.rowCount() == 0


def test_a_snapshot_saved_without_details_says_so_and_compares_without_them(
    sandbox: SandboxServer, tmp_path: Path, qtbot: QtBot
) -> None:
    """Before: saved with "Fetch comments and results" unticked, nothing in the file said so:
    an order with a comment read "No comments yet.", and compared with a snapshot saved with
    them, seconds apart, every order read "Comments: 1 → 0"."""
    full, quick = tmp_path / "full.adsnap", tmp_path / "quick.adsnap"

    async def body(board: OrderBoard, desk: Desk) -> str:
        order_id = await new_order(desk, "Commented")
        await board.sync()
        await board.add_comment(order_id, "Called her, she will take it Monday")
        await board.sync()
        orders = [o for o in board.orders() if o.id == order_id]
        await board.save_snapshot(SaveRequest(orders=orders), full)
        saved = await board.save_snapshot(SaveRequest(orders=orders, fetch_details=False), quick)
        assert saved.notes == 0  # nothing failed: they were not asked
        return order_id

    order_id = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    room = snapshot_room(qtbot, quick, tmp_path / "tmp")
    room.select_order(order_id)
    pane = room.detail
    assert pane.comment_state.text() == DETAILS_NOT_ASKED_NOTE
    assert pane.attachments.result_label.text() == f"{DETAILS_NOT_ASKED_NOTE} {READ_ONLY_TIP}"
    with_them, without = load_snapshot(full), load_snapshot(quick)
    assert diff_orders(with_them.records(), without.records()).is_empty
    assert diff_orders(without.records(), with_them.records()).is_empty


def test_the_result_saved_is_shown_before_the_read_only_sentence(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: the result panel of a snapshot said only the read-only sentence: the result
    kept with the order, its score and whether the candidate passed, was shown nowhere."""
    done = record(2)  # completed
    done.results[:] = [
        AssessmentResult.model_validate(
            {"id": "res-1", "resultType": "DOCUMENT", "result": "report",
             "title": "Berke Job Fit", "score": "73/100", "passed": True}
        )
    ]  # fmt: skip
    path = write_sample(tmp_path / "s.adsnap", [record(0), record(1), done])
    room = snapshot_room(qtbot, path, tmp_path / "tmp")
    room.select_order(done.order.id)
    said = room.detail.attachments.result_label.text()
    assert said == f"Result: “Berke Job Fit” — 73/100, passed (a document). {READ_ONLY_TIP}"
    room.select_order("order-000")  # new: no result
    assert room.detail.attachments.result_label.text() == READ_ONLY_TIP


def test_an_order_of_a_snapshot_replaced_on_disk_says_it_could_not_be_read(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    """Replaced on disk after it was opened (a newer snapshot saved under its name): an
    order from a part not read yet showed no timeline and "No comments yet.", its record's
    comments and files unsaid, and why never shown."""
    path = write_sample(tmp_path / "sample.adsnap", records(8), orders_per_chunk=2)
    window = open_snapshot_window(path, qsettings)
    qtbot.addWidget(window)
    window.show()
    detail = window.orders.detail
    window.orders.select_order("order-001")
    assert detail.comments.rowCount() == 1
    newer = write_sample(tmp_path / "newer.adsnap", records(8), orders_per_chunk=2)
    os.replace(newer, path)
    window.orders.select_order("order-006")  # another part: read from the file now
    said = detail.comment_state.text()
    assert said.startswith("Could not load the comments. ")
    assert "open it again" in said
    left_out = detail.snapshot_files.left_out
    assert left_out.isVisibleTo(window)
    assert left_out.text().startswith("The files could not be read. The snapshot ")
    assert "open it again" in window.statusBar().currentMessage()  # seen without scrolling


def test_candidates_are_built_when_their_tab_is_shown(window: MainWindow) -> None:
    assert window.orders.candidates.model.candidate_count() == 0
    window.orders.tabs.setCurrentWidget(window.orders.candidates)
    assert window.orders.candidates.model.candidate_count() == 5


def test_csv_export_writes_what_is_in_view(
    window: MainWindow, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    window.orders.search.setText("acme")
    window.orders.table.sortByColumn(
        INBOX.index("candidate"), window.orders.proxy.sortOrder().AscendingOrder
    )
    out = tmp_path / "view.csv"
    in_view = shown(window)
    exporting = window.snapshot_menu.export_csv_to(out)
    written = qloop.run_until_complete(exporting)
    assert written == len(in_view) > 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["Order id", "Status", "Candidate"]
    assert [r[0] for r in rows[1:]] == in_view
    assert all("acme" in " ".join(r).casefold() for r in rows[1:])
    model = window.orders.model
    # Every column but those a snapshot leaves empty (the desk's own: Berke, Needs attention…).
    kept = [i for i, column in enumerate(INBOX.all) if column.field not in SNAPSHOT_EMPTY_FIELDS]
    assert rows[0][1:] == [INBOX.all[i].header for i in kept]
    assert "Needs attention" not in rows[0]
    for row in rows[1:]:  # each cell as the table shows it
        source = model.row_of(row[0])
        assert source is not None
        assert row[1:] == [model.text(source, column) for column in kept]
    assert window.messages.shown[-1] == ("", f"Exported {len(in_view)} orders to {out}")


def test_berkes_status_is_said_not_kept_not_never_watched(window: MainWindow) -> None:
    window.orders.select_order("order-001")
    detail = window.orders.detail
    assert detail.fields["invitationCode"].text() == "CODE001"  # linked: the record keeps it
    assert detail.fields["berkeStatus"].text() == BERKE_NOT_IN_SNAPSHOT


def test_the_columns_a_snapshot_leaves_empty_are_hidden_and_say_why(
    qtbot: QtBot, qsettings: QSettings, sample: Path
) -> None:
    """A snapshot keeps no Berke status, attention flag, activity or Berke code per row: its
    window showed the desk's layout, those columns empty (read as "nothing needs attention"),
    and "Needs attention" listed none of its orders."""
    desk = MainWindow(qsettings)
    qtbot.addWidget(desk)
    berke_id = INBOX.index("berke_id")
    desk.orders.column_actions.toggles[berke_id].setChecked(True)  # shown at the desk
    desk.save_layout()
    desk_layout = qsettings.value(HEADER_KEY + BY_COLUMN)
    window = open_snapshot_window(sample, qsettings)
    qtbot.addWidget(window)
    room = window.orders
    header = room.table.horizontalHeader()
    empty = [i for i, column in enumerate(INBOX.all) if column.field in SNAPSHOT_EMPTY_FIELDS]
    assert {INBOX.all[i].key for i in empty} >= {"berke", "attention", "berke_id"}
    for position in empty:
        assert header.isSectionHidden(position)
        toggle = room.column_actions.toggles[position]
        assert not toggle.isEnabled()
        assert not toggle.isChecked()
        assert toggle.toolTip() == NOT_IN_SNAPSHOT_TIP
    room.column_actions.default_columns.trigger()  # the default columns, but these
    assert all(header.isSectionHidden(position) for position in empty)
    assert not header.isSectionHidden(INBOX.index("job"))
    filters = room.status_filter
    attention = filters.findData(NEEDS_ATTENTION)
    item = cast(QStandardItemModel, filters.model()).item(attention)
    assert not item.isEnabled()
    assert item.toolTip() == NO_ATTENTION_IN_SNAPSHOT
    window.close()  # the desk's own layout is untouched: Berke id still shown there
    assert qsettings.value(HEADER_KEY + BY_COLUMN) == desk_layout
    # Shown a source that fills them (what a room goes back to), they come back as they were.
    room.set_source(None)
    assert not header.isSectionHidden(INBOX.index("attention"))
    assert not header.isSectionHidden(berke_id)
    assert header.isSectionHidden(INBOX.index("activity"))
    assert room.column_actions.toggles[berke_id].isEnabled()
    assert room.column_actions.toggles[berke_id].isChecked()
    assert room.column_actions.toggles[berke_id].toolTip() != NOT_IN_SNAPSHOT_TIP
    assert item.isEnabled()


def test_a_snapshot_is_not_sorted_by_a_column_it_hides(
    qtbot: QtBot, qsettings: QSettings, sample: Path
) -> None:
    """The desk sorted by "Needs attention" (a default column): its snapshot window hid that
    empty column yet kept the sort on it. No sort indicator anywhere on the header, the rows
    in no order the window showed, and View › Sort the inbox by still offering (and checking)
    "Needs attention". It sorts by "Ordered on", newest first, the inbox's default; the
    entries come back with their columns."""
    desk = MainWindow(settings=qsettings)
    qtbot.addWidget(desk)
    attention = INBOX.index("attention")
    desk.orders.table.sortByColumn(attention, Qt.SortOrder.AscendingOrder)
    desk.save_layout()  # the desk's layout, as on quitting
    desk.close()

    window = open_snapshot_window(sample, qsettings)
    qtbot.addWidget(window)
    room = window.orders
    header = room.table.horizontalHeader()
    assert header.isSectionHidden(attention)  # a snapshot keeps no attention flags
    ordered = INBOX.index("ordered")
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        ordered,
        Qt.SortOrder.DescendingOrder,
    )
    sorting = room.column_actions.sort_by
    assert sorting[ordered].isChecked()
    empty = [i for i, column in enumerate(INBOX.all) if column.field in SNAPSHOT_EMPTY_FIELDS]
    for position in empty:
        assert not sorting[position].isEnabled()
        assert sorting[position].toolTip() == NOT_IN_SNAPSHOT_TIP
    room.set_source(None)  # a source that fills them: their sort entries come back
    assert all(sorting[position].isEnabled() for position in empty)


def test_csv_export_on_the_candidates_tab_writes_its_orders(
    window: MainWindow, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    """Before: the Candidates tab's export wrote the inbox's view, hidden behind it (here:
    an inbox search left behind), not the orders of the candidate searched for."""
    room = window.orders
    room.search.setText("globex")  # the inbox's, hidden once the Candidates tab is shown
    room.tabs.setCurrentWidget(room.candidates)
    room.candidates.search.setText("smith7")
    in_view = room.candidates.model.order_ids()
    assert in_view == ["order-007", "order-002"]  # all of the candidate's orders
    out = tmp_path / "candidate.csv"
    assert qloop.run_until_complete(window.snapshot_menu.export_csv_to(out)) == 2
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [r[0] for r in rows[1:]] == in_view


def test_the_status_bar_counts_what_the_candidates_tab_lists(window: MainWindow) -> None:
    """The Candidates tab hides the inbox's search (it filters nothing there), yet the status
    bar went on counting it ("1 of 8 orders" while the tab listed 8), and the tab's own search
    changed nothing in it."""
    room = window.orders
    room.search.setText("order-003")
    assert window.count_label.text().startswith("1 of 8 orders")
    room.tabs.setCurrentWidget(room.candidates)
    assert window.count_label.text().startswith("8 orders")
    room.candidates.search.setText("smith7")
    listed = len(room.candidates.model.order_ids())
    assert window.count_label.text().startswith(f"{listed} of 8 orders")
    room.tabs.setCurrentWidget(room.stack)
    assert window.count_label.text().startswith("1 of 8 orders")


def test_the_menus_csv_export_runs_beside_the_window(
    window: MainWindow, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    """Worded and written in a worker thread (a 100,000-order view froze the window ~4 s):
    the view as it was when asked is what is written, even if it changes meanwhile."""
    out = tmp_path / "all.csv"
    window.snapshot_menu.choose_csv_path = lambda: out
    in_view = shown(window)
    threads: list[threading.Thread] = []
    writing = csv_export.write_columns

    def write_where(*args: Any) -> int:
        threads.append(threading.current_thread())
        return writing(*args)

    with mock.patch.object(csv_export, "write_columns", write_where):
        window.snapshot_menu.export_action.trigger()  # File > Export CSV…
        window.orders.search.setText("acme")  # the coordinator goes on meanwhile
        assert shown(window) != in_view
        qloop.run_until_complete(window.snapshot_menu.tasks.wait_idle())
    (thread,) = threads
    assert thread is not threading.main_thread()  # worded and written off the GUI thread
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert [r[0] for r in list(csv.reader(handle))[1:]] == in_view


def test_compare_two_snapshots(
    window: MainWindow, tmp_path: Path, qloop: asyncio.AbstractEventLoop, qsettings: QSettings
) -> None:
    old = write_sample(
        tmp_path / "old.adsnap", records(4), created_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    moved = "2025-03-04T17:42:31.250+0000"
    changed = [record(0), record(1, status="COMPLETED", lastUpdateDate=moved), record(3),
               record(9)]  # fmt: skip
    new = write_sample(
        tmp_path / "new.adsnap", changed, created_at=datetime(2025, 2, 1, tzinfo=UTC)
    )
    dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([new, old]))
    assert dialog is not None
    kinds = {c.order_id: c.kind for c in dialog.model.changes}
    assert kinds == {"order-001": ChangeKind.CHANGED, "order-009": ChangeKind.ADDED,
                     "order-002": ChangeKind.REMOVED}  # fmt: skip
    # The statuses' words and local times to the minute, not NEW/IN_PROGRESS and ISO with ms.
    words = dialog.rows_in_view()[0][3]
    assert "Status: In progress → Completed" in words
    local = datetime(2025, 3, 4, 17, 42, 31, tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M")
    assert f"Last update: — → {local}" in words
    assert "IN_PROGRESS" not in words
    assert ".250" not in words
    assert "T17:" not in words
    dialog.kind.setCurrentIndex(dialog.kind.findData(ChangeKind.ADDED))
    assert [r[1] for r in dialog.rows_in_view()] == ["order-009"]
    out = tmp_path / "diff.csv"
    assert qloop.run_until_complete(dialog.export_csv_to(out)) == 1
    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert [row[1] for row in csv.reader(handle)] == ["Order id", "order-009"]
    dialog.close()
    # One file: compared with what this window shows (its own snapshot here).
    other = qloop.run_until_complete(window.snapshot_menu.compare_paths([old]))
    assert other is not None
    assert other.diff.count(ChangeKind.ADDED) == 4
    other.close()


def test_one_file_compared_with_a_snapshot_window_runs_older_to_newer(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    """Before: one file chosen beside a snapshot window was always the older side, whatever
    the dates: Monday's window compared with Friday's file read an order completed between
    the two "Completed → In progress", and one new on Friday "Removed"."""
    monday = write_sample(
        tmp_path / "monday.adsnap", records(3), created_at=datetime(2025, 3, 3, tzinfo=UTC)
    )
    friday_orders = [record(0), record(1, status="COMPLETED"), record(2), record(5)]
    friday = write_sample(
        tmp_path / "friday.adsnap", friday_orders, created_at=datetime(2025, 3, 7, tzinfo=UTC)
    )
    for shown_file, chosen in ((monday, friday), (friday, monday)):
        window = open_snapshot_window(shown_file, qsettings)
        qtbot.addWidget(window)
        dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([chosen]))
        assert dialog is not None
        kinds = {c.order_id: c.kind for c in dialog.diff.changes}
        assert kinds == {"order-001": ChangeKind.CHANGED, "order-005": ChangeKind.ADDED}
        words = {row[1]: row[3] for row in dialog.rows_in_view()}
        assert "Status: In progress → Completed" in words["order-001"]
        summary = dialog.findChild(QLabel, "compareSummary")
        assert summary is not None
        assert summary.text().startswith("From <b>monday.adsnap</b> to <b>friday.adsnap</b>")
        dialog.close()


def test_a_comparison_sorts_by_a_header_and_back_to_its_own_order(
    window: MainWindow, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    """The model sorts itself by keys made once (Qt's proxy called ``data`` for each
    comparison: 150,000 changes froze the dialog 16 s), filtered rows and the selection
    following it."""
    old = write_sample(tmp_path / "old.adsnap", records(8))
    new_items = [record(i, status="COMPLETED") for i in range(8)] + [record(9), record(10)]
    new = write_sample(tmp_path / "new.adsnap", new_items)
    dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([old, new]))
    assert dialog is not None
    own_order = [row[1] for row in dialog.rows_in_view()]
    candidates = [row[2] for row in dialog.rows_in_view()]
    dialog.table.selectRow(own_order.index("order-009"))

    dialog.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)  # a click on "Candidate"
    assert [row[2] for row in dialog.rows_in_view()] == sorted(candidates, key=fold)
    (selected,) = dialog.table.selectionModel().selectedRows()
    assert selected.siblingAtColumn(1).data() == "order-009"  # the selection follows its row
    dialog.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    descending = dialog.rows_in_view()
    assert [row[2] for row in descending] == sorted(candidates, key=fold, reverse=True)

    dialog.kind.setCurrentIndex(dialog.kind.findData(ChangeKind.ADDED))  # filtered, still sorted
    added = [row for row in descending if row[1] in {"order-009", "order-010"}]
    assert dialog.rows_in_view() == added
    dialog.kind.setCurrentIndex(0)
    dialog.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the indicator cleared
    assert [row[1] for row in dialog.rows_in_view()] == own_order
    dialog.close()


def test_a_closed_comparison_is_deleted(
    window: MainWindow,
    tmp_path: Path,
    qloop: asyncio.AbstractEventLoop,
    qtbot: QtBot,
) -> None:
    """Before: parented to the window and only let go, every Compare of the day stayed in
    memory with its whole diff."""
    from shiboken6 import Shiboken

    old = write_sample(tmp_path / "old.adsnap", records(4))
    dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([old]))
    assert dialog is not None
    dialog.close()
    qtbot.waitUntil(lambda: not Shiboken.isValid(dialog))
    assert window.snapshot_menu.dialogs == []


@pytest.fixture
def frozen_as_in_the_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``settle_heap`` freezes what is alive, as in the app (the suite turns that off:
    tests/conftest.py); what the test froze is unfrozen after it."""
    monkeypatch.setattr(heap, "enabled", True)
    try:
        yield
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("frozen_as_in_the_app")
def test_a_comparison_closed_after_a_poll_is_freed(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    """Before: the dialog kept its own file chooser as a bound method, a reference cycle; a
    poll that brought orders while it was open froze it (``settle_heap``), and once closed it
    was never collected: +1 MB of diff per Compare of 2,000 orders."""
    old = write_sample(tmp_path / "old.adsnap", records(4))
    dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([old]))
    assert dialog is not None
    freed: list[weakref.ref[Any]] = [weakref.ref(dialog), weakref.ref(dialog.diff)]
    heap.settle_heap()  # what a poll that brought orders does
    dialog.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the menu deletes it
    assert not Shiboken.isValid(dialog)
    del dialog
    gc.collect()
    assert [ref() is None for ref in freed] == [True, True]  # freed: the dialog, its diff


@pytest.mark.usefixtures("frozen_as_in_the_app")
def test_a_snapshot_window_closed_after_a_poll_lets_its_snapshot_go(
    qtbot: QtBot,
    qsettings: QSettings,
    sample: Path,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Before: a poll that brought orders froze the open snapshot window (``settle_heap``);
    the window is a reference cycle (its Messages, its menu), so once closed it was never
    collected, and kept the snapshot's index and search (+1.1 MB per window opened at 2,000
    orders, +15 MB at 20,000), and the diff of a Compare left open over it."""
    live = MainWindow(settings=qsettings)
    qtbot.addWidget(live)
    menu = live.snapshot_menu
    menu.start_opening(sample)
    qtbot.waitUntil(lambda: len(menu.windows) == 1)
    opened = menu.windows[0]  # deleted when closed: not given to qtbot, which would hold it
    assert isinstance(opened, MainWindow)
    comparing = asyncio.ensure_future(
        opened.snapshot_menu.compare_paths([write_sample(tmp_path / "old.adsnap", records(4))])
    )
    qtbot.waitUntil(comparing.done)
    comparison = comparing.result()
    assert comparison is not None
    freed: list[weakref.ref[Any]] = [
        weakref.ref(source(opened).snapshot),
        weakref.ref(comparison.diff),
    ]
    del comparing, comparison
    heap.settle_heap()  # what a poll that brought orders does
    opened.close()
    del opened
    qtbot.waitUntil(lambda: not menu.windows)
    gc.collect()
    assert [ref() is None for ref in freed] == [True, True]  # freed: the snapshot, the diff


def test_open_from_the_menu_and_remember_it(
    qtbot: QtBot,
    qsettings: QSettings,
    sample: Path,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    live = MainWindow(settings=qsettings)
    qtbot.addWidget(live)
    live.snapshot_menu.choose_open_path = lambda: sample
    with qtbot.waitSignal(live.snapshot_menu.window_opened) as opened_signal:
        live.snapshot_menu.open()
    opened = opened_signal.args[0]
    qtbot.addWidget(opened)
    assert isinstance(opened, MainWindow)
    assert opened.orders.model.rowCount() == 8
    assert recent_snapshots(qsettings)[0] == str(sample.resolve())
    live.snapshot_menu.fill_recent()
    assert [a.text() for a in live.snapshot_menu.recent_menu.actions()] == ["sample.adsnap"]
    bad = tmp_path / "bad.adsnap"
    bad.write_bytes(b"nope")
    refused = asyncio.ensure_future(live.snapshot_menu.open_path(bad))
    qtbot.waitUntil(refused.done)
    assert refused.result() is None
    assert live.statusBar().currentMessage() == "Did not open the snapshot bad.adsnap"
    assert live.cursor().shape() != Qt.CursorShape.BusyCursor


class GatedRead:
    """``open_snapshot`` held until ``release``: a test acts while the file is being read.
    Never on the GUI thread (it raises there)."""

    def __init__(self) -> None:
        self.reading, self.release = threading.Event(), threading.Event()
        self.threads: list[threading.Thread] = []

    def open(self, path: Path, **kwargs: Any) -> Snapshot:
        self.threads.append(threading.current_thread())
        if threading.current_thread() is threading.main_thread():
            raise AssertionError("the snapshot is read on the GUI thread")
        self.reading.set()
        assert self.release.wait(timeout=HANG_GUARD_SECONDS)  # a hang guard only
        return open_snapshot(path, **kwargs)


def test_open_reads_the_file_off_the_gui_thread_and_says_so(
    qtbot: QtBot,
    qsettings: QSettings,
    sample: Path,
    monkeypatch: pytest.MonkeyPatch,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """0.5 s for 100,000 orders froze the window that asked (File › Open read the file and
    built its search on the GUI thread); now the window stays live and says what it does."""
    gate = GatedRead()
    reading, release, threads = gate.reading, gate.release, gate.threads
    monkeypatch.setattr(snapshot_source, "open_snapshot", gate.open)
    live = MainWindow(settings=qsettings)
    qtbot.addWidget(live)
    live.snapshot_menu.choose_open_path = lambda: sample
    live.snapshot_menu.open()
    qtbot.waitUntil(reading.is_set)
    # The window is live meanwhile: it paints, says what it is doing, and a second request
    # for the same file (a double click on a recent one) opens no second window.
    qtbot.waitUntil(
        lambda: live.statusBar().currentMessage() == "Opening the snapshot sample.adsnap…"
    )
    assert live.cursor().shape() == Qt.CursorShape.BusyCursor
    live.snapshot_menu.start_opening(sample)
    with qtbot.waitSignal(live.snapshot_menu.window_opened) as opened_signal:
        release.set()
    opened = opened_signal.args[0]
    qtbot.addWidget(opened)
    qtbot.waitUntil(lambda: not live.snapshot_menu.tasks.has_running())
    assert len(threads) == 1
    assert live.snapshot_menu.windows == [opened]
    assert opened.orders.model.rowCount() == 8
    assert live.statusBar().currentMessage() == "Opened the snapshot sample.adsnap"
    assert live.cursor().shape() != Qt.CursorShape.BusyCursor
    # The search built with the file serves the window: nothing of it is rebuilt here.
    source = opened.orders.source
    assert isinstance(source, SnapshotOrders)
    prepared = source.prepared_search()
    assert prepared is not None
    assert opened.orders.model.row_search() is prepared.search


def test_a_window_closed_while_it_opens_a_snapshot_ends_quietly(
    qtbot: QtBot,
    qsettings: QSettings,
    sample: Path,
    monkeypatch: pytest.MonkeyPatch,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """The review's race: a snapshot window (deleted when closed) closed while it read another
    snapshot; the end of the opening then spoke to the deleted window ("Internal C++ object
    already deleted", reported as a failed background task)."""
    gate = GatedRead()
    reading, release = gate.reading, gate.release

    failures: list[dict[str, Any]] = []
    running_loop.set_exception_handler(lambda _loop, context: failures.append(context))
    try:
        window = open_snapshot_window(sample, qsettings)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        monkeypatch.setattr(snapshot_source, "open_snapshot", gate.open)
        opening = window.snapshot_menu.tasks
        window.snapshot_menu.start_opening(sample)
        qtbot.waitUntil(reading.is_set)
        with qtbot.waitSignal(window.destroyed):
            window.close()
        release.set()
        qtbot.waitUntil(lambda: not opening.has_running())
        assert failures == []
    finally:
        release.set()
        running_loop.set_exception_handler(None)


@pytest.mark.slow
def test_command_line_opens_a_good_snapshot_and_refuses_a_bad_one(
    sample: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ASSESSMENT_DESK_HOME": str(tmp_path)}
    good = subprocess.run(
        [sys.executable, "-m", "app", "--snapshot", str(sample), "--self-test"],
        capture_output=True, text=True, timeout=60, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert "self-test: ok" in good.stdout
    bad = tmp_path / "bad.adsnap"
    bad.write_bytes(sample.read_bytes()[:200])
    refused = subprocess.run(
        [sys.executable, "-m", "app", "--snapshot", str(bad), "--self-test"],
        capture_output=True, text=True, timeout=60, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "not a snapshot, or it is truncated" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout


HOSTILE = "<b>HTMLX</b><table><tr><td><table><tr><td>nested</td></tr></table></td></tr></table>"


def test_what_a_file_says_is_never_rendered_as_html(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    """Before: the banner (rich text), the status bar and the order's notes rendered a file's
    own tags: a spoofed "LIVE — connected" line, or nested tables that froze the window for
    seconds (20 levels: never shown)."""
    items = records(2)
    items[1].notes.append(f"{REMOTE_FILES_NOTE}: {HOSTILE}")
    path = write_sample(
        tmp_path / "hostile.adsnap",
        items,
        source=f"{HOSTILE} {'W' * 60_000}",
        filter=SnapshotFilter(scope="view", search=HOSTILE),
    )
    window = open_snapshot_window(path, qsettings)
    qtbot.addWidget(window)
    window.show()
    window.orders.select_order(items[1].order.id)
    seen = [label for label in window.findChildren(QLabel) if "HTMLX" in label.text()]
    assert {label.objectName() for label in seen} >= {
        "snapshotBanner",
        "connectionLabel",
        "snapshotFilesLeftOut",
    }
    for label in seen:
        rendered = label.textFormat() == Qt.TextFormat.RichText or (
            label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(label.text())
        )
        assert not rendered or "<b>HTMLX" not in label.text(), label.objectName()
    # A 60 KB word from the file is cut short, not laid out 425,652 pixels wide.
    assert window.width() <= available_room(window).width()
    assert len(window.connection_label.text()) <= 140


def test_a_refusal_quoting_a_file_shows_its_words_as_written(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    box = Messages(parent).error("Snapshot refused", f"The entry {HOSTILE} is damaged.")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()


def test_orders_kept_in_the_list_leave_only_once_the_mouse_is_released(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Under "New", order A was worked on and left "New"; it stays listed (keep_shown). A click
    on B, just below, removed A while the button was down: the rows moved, and a 2-pixel
    tremble selected the order below B. Ctrl+click on B dropped A from the selection."""
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    path = write_sample(tmp_path / "s.adsnap", [record(i, status="NEW") for i in range(8)])
    room = snapshot_room(qtbot, path, tmp_path / "t")
    host = room.window()
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))
    table = room.table
    a, b, below_b = room.proxy.order_ids()[1:4]

    def work_on_a() -> None:
        row = room.model.row(room.model.row_of(a) or 0)
        room._rows_changed([row._replace(status=OrderStatus.NEW)])
        room.select_order(a)
        room._rows_changed([row._replace(status=OrderStatus.REJECTED)])  # a step, done
        assert a in room.proxy.order_ids()

    def centre(order_id: str) -> QPoint:
        row = room.proxy.order_ids().index(order_id)
        return table.visualRect(room.proxy.index(row, 1)).center()

    work_on_a()
    at = centre(b)
    QTest.mousePress(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
    QTest.mouseMove(table.viewport(), at + QPoint(2, 1))
    QTest.mouseRelease(
        table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at + QPoint(2, 1)
    )
    assert room.selected_ids() == [b]  # not below_b
    qtbot.waitUntil(lambda: a not in room.proxy.order_ids())  # gone once released
    assert below_b in room.proxy.order_ids()

    work_on_a()
    QTest.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, centre(b)
    )
    assert room.selected_ids() == [a, b]  # both, A still listed while selected
    assert a in room.proxy.order_ids()

    # A right-click's menu takes the release: the list thought the button was still down,
    # and every order worked on from then on stayed listed.
    window = host.windowHandle()
    at = table.viewport().mapTo(host, centre(b))
    QTest.mousePress(window, Qt.MouseButton.RightButton, Qt.KeyboardModifier(0), at)
    QTest.mouseRelease(window, Qt.MouseButton.RightButton, Qt.KeyboardModifier(0), at)
    popup = QApplication.activePopupWidget()
    if popup is not None:
        popup.close()
    work_on_a()
    room.select_order(below_b)
    qtbot.waitUntil(lambda: a not in room.proxy.order_ids())
    assert room.proxy.kept_ids() == {below_b}


@pytest.mark.parametrize("length", [300, 200_000])
def test_a_name_of_one_long_word_stays_inside_the_order_pane(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path, length: int
) -> None:
    """Before: the pane's title neither wrapped nor cut: at 300 characters the pane's content
    was 5,643 px wide in a 409 px pane with no scroll bar (buttons and fields off its edge);
    at 200,000, selecting the order froze the window for about 2 s."""
    from PySide6.QtWidgets import QScrollArea

    from app.ui.orders.detail_pane import TITLE_SHOWN

    items = records(3)
    name = "W" * length
    items[1] = record(1, candidate={"id": "c1", "firstName": name, "email": "a@b.example"})
    window = open_snapshot_window(write_sample(tmp_path / "long.adsnap", items), qsettings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    show_exposed(qtbot, window)
    window.orders.select_order(items[1].order.id)
    detail = window.orders.detail
    scroll = detail.findChild(QScrollArea, "detailScroll")
    assert scroll is not None
    content = scroll.widget()
    assert content is not None
    qtbot.waitUntil(lambda: content.width() <= scroll.viewport().width())
    title = detail.title.text()
    assert len(title) <= TITLE_SHOWN
    assert title.startswith("WWW")
    assert detail.title.toolTip()  # cut at the pane's edge: the tooltip says it whole


def test_ctrl_q_works_in_each_window_with_a_snapshot_open_beside_the_desk(
    qtbot: QtBot, qsettings: QSettings, tmp_path: Path
) -> None:
    """Before: each window's Ctrl+Q was application-wide: with two windows, Qt found it
    ambiguous and ran neither."""
    from PySide6.QtGui import QAction

    live = MainWindow(settings=qsettings)
    qtbot.addWidget(live)
    snapshot = open_snapshot_window(write_sample(tmp_path / "s.adsnap", records(3)), qsettings)
    qtbot.addWidget(snapshot)
    for window in (live, snapshot):
        show_exposed(qtbot, window)
    closing = snapshot.findChild(QAction, "action_quit")
    assert closing is not None
    assert closing.text() == "&Close"  # the snapshot's window only: the desk stays
    snapshot.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is snapshot)
    qtbot.keyClick(snapshot, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not snapshot.isVisible())
    assert live.isVisible()
    live.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is live)
    qtbot.keyClick(live, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not live.isVisible())


def test_csv_exports_that_cannot_be_written_are_said_in_words(
    window: MainWindow,
    tmp_path: Path,
    qtbot: QtBot,
    qloop: asyncio.AbstractEventLoop,
) -> None:
    """Before: File > Export CSV said "[Errno 2] … '…/.orders.csv.ls7yoew9.tmp'" (a hidden file
    the coordinator never chose), and the comparison's Export CSV raised into the crash
    dialog."""
    from PySide6.QtWidgets import QMessageBox

    gone = tmp_path / "gone"  # chosen, then removed (a USB stick pulled)
    assert qloop.run_until_complete(window.snapshot_menu.export_csv_to(gone / "orders.csv")) == 0
    title, text = window.messages.shown[-1]
    assert title == "Export CSV"
    assert text == (
        f"The CSV file cannot be saved in the folder {gone}: the folder does not exist (any "
        "more). Choose another folder. (No such file or directory)"
    )
    old = write_sample(tmp_path / "old.adsnap", records(3))
    dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([old]))
    assert dialog is not None
    dialog.choose_csv_path = lambda: gone / "comparison.csv"
    with qtbot.capture_exceptions() as escaped:
        dialog.export_button.click()
        qloop.run_until_complete(dialog.tasks.wait_idle())
    assert escaped == []
    box = dialog.findChild(QMessageBox)
    assert box is not None
    assert box.text().startswith(f"The CSV file cannot be saved in the folder {gone}")
    dialog.close()


def test_enter_in_the_comparisons_filter_does_not_export(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    """Before: Export CSV… was the dialog's default button: Enter in the filter asked where to
    save a CSV."""
    old = write_sample(tmp_path / "old.adsnap", records(3))
    dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([old]))
    assert dialog is not None
    show_exposed(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    asked: list[str] = []
    dialog.choose_csv_path = lambda: asked.append("chooser") or None  # type: ignore[func-returns-value]
    qtbot.keyClicks(dialog.search, "ana")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert asked == []
    assert dialog.isVisible()
    dialog.close()


def test_tab_leaves_the_comparisons_table_for_export_and_close(qtbot: QtBot) -> None:
    """Before: Tab went into the table and then visited every cell of every change (4 a
    row): 100 presses on 30 changes never reached Export CSV… or Close."""
    from app.domain.snapshot_diff import diff_orders
    from app.ui.snapshots.compare_dialog import CompareDialog

    before, after = [record(n) for n in range(3)], [record(n) for n in range(3, 30)]
    dialog = CompareDialog(diff_orders(before, after), "a.adsnap", "b.adsnap")
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert dialog.proxy.rowCount() == 30
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.export_button
    # Named, for a screen reader (the filter's placeholder is no name).
    assert dialog.table.accessibleName()
    assert dialog.search.accessibleName()


def test_a_snapshot_window_keeps_the_desks_layout_as_it_was(
    qtbot: QtBot, qsettings: QSettings, sample: Path
) -> None:
    """Before: closing a snapshot window saved its layout over the desk's: the desk's next
    start came up at the snapshot window's size and columns."""
    desk = MainWindow(settings=qsettings)
    qtbot.addWidget(desk)
    desk.resize(1100, 700)
    desk.save_layout()
    kept = qsettings.value("mainWindow/geometry")
    snapshot = open_snapshot_window(sample, qsettings)
    qtbot.addWidget(snapshot)
    snapshot.show()
    snapshot.resize(700, 500)
    snapshot.close()
    assert qsettings.value("mainWindow/geometry") == kept


def test_the_comparison_fits_the_screen_with_long_file_names(
    window: MainWindow, tmp_path: Path, qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    old = write_sample(tmp_path / ("o" * 200 + ".adsnap"), records(3))
    dialog = qloop.run_until_complete(window.snapshot_menu.compare_paths([old]))
    assert dialog is not None
    show_exposed(qtbot, dialog)
    assert dialog.width() <= available_room(dialog).width()
    dialog.close()


def test_snapshot_mode_ends_with_its_last_window_not_its_first(
    window: MainWindow, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    """Before: ``--snapshot`` ended when its first window closed, taking along the snapshots
    opened from it (File > Open snapshot)."""
    from app.ui.application import _SnapshotWindows

    all_closed = asyncio.Event()
    windows = _SnapshotWindows(all_closed)
    windows.track(window)
    other = qloop.run_until_complete(
        window.snapshot_menu.open_path(write_sample(tmp_path / "other.adsnap", records(2)))
    )
    assert isinstance(other, MainWindow)
    window.close()
    assert not all_closed.is_set()
    assert other.isVisible()
    other.close()
    assert all_closed.is_set()


# -- what a file says, as the tables show it --------------------------------------------------


def test_the_comparison_shows_names_without_bidi_controls_or_line_breaks(qtbot: QtBot) -> None:
    """Before: the names, ids and values were drawn as written; an override (U+202E) reversed
    the rest of the row, and a line break hid it."""
    from app.domain.snapshot_diff import diff_orders
    from app.ui.snapshots.compare_dialog import CompareDialog

    spoof = record(0, candidate={"id": "cand-0", "firstName": "Zoë\u202e", "lastName": "rellüM\nX",
                                 "email": "zoe0@example.com"})  # fmt: skip
    dialog = CompareDialog(diff_orders([record(0)], [spoof]), "a.adsnap", "b.adsnap")
    qtbot.addWidget(dialog)
    model = dialog.model
    shown = [model.index(0, column).data() for column in range(model.columnCount())]
    assert shown[2] == "Zoë rellüM X"
    assert "Candidate: Zoë Müller0 → Zoë rellüM X" in shown[3]
    exported = dialog.rows_in_view()[0]
    for text in [*shown, *exported]:
        assert "\u202e" not in text, text
        assert "\n" not in text, text


def test_a_snapshots_email_cell_and_csv_carry_no_bidi_controls(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: the email column skipped the cleaning of the other text columns: the address
    was drawn backwards, and written so to the CSV export."""
    from app.ui.snapshots.csv_export import orders_in_view

    items = records(2)
    items[0] = record(0, candidate={"id": "cand-0", "firstName": "Zoë", "lastName": "Müller0",
                                    "email": "moc.evil@\u202eanna@example.com"})  # fmt: skip
    path = write_sample(tmp_path / "s.adsnap", items)
    room = snapshot_room(qtbot, path, tmp_path / "t")
    row = room.model.row_of("order-000")
    assert row is not None
    email = room.model.index(row, INBOX.index("email")).data()
    assert email == "moc.evil@anna@example.com"
    _header, rows = orders_in_view(room.proxy)
    assert not any("\u202e" in cell for row in rows for cell in row), rows


def test_a_huge_name_is_cut_in_its_cell_and_found_whole(qtbot: QtBot, tmp_path: Path) -> None:
    """A valid file's 3 MB first name was laid out whole at each paint: 1.4 s a repaint."""
    from app.ui.snapshots.csv_export import orders_in_view
    from app.views.text import CELL_SHOWN

    items = records(3)
    huge = "Ana " + "x" * 3_000_000
    items[0] = record(0, candidate={"id": "cand-0", "firstName": huge, "lastName": "Smithson",
                                    "email": "ana@example.com"})  # fmt: skip
    path = write_sample(tmp_path / "s.adsnap", items)
    room = snapshot_room(qtbot, path, tmp_path / "t")
    row = room.model.row_of("order-000")
    assert row is not None
    cell = room.model.index(row, INBOX.index("candidate")).data()
    assert len(cell) == CELL_SHOWN
    assert cell.startswith("Ana xxx")
    assert cell.endswith("…")
    room.table.viewport().repaint()
    room.search.setText("smithson")  # past the cut: searched in the whole name
    assert room.proxy.order_ids() == ["order-000"]
    _header, rows = orders_in_view(room.proxy)  # the CSV says what the cell shows
    assert rows[0][INBOX.index("candidate") + 1] == cell


def test_a_name_typed_without_the_extension_does_not_replace_a_snapshot_unasked(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file chooser confirms replacing the name typed, "orders", which does not exist;
    ".adsnap" was then added and yesterday's orders.adsnap replaced with no question."""
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    existing = write_sample(tmp_path / "orders.adsnap", records(2))
    typed = str(tmp_path / "orders")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (typed, ""))
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    menu = window.snapshot_menu
    assert menu._snapshot_path() is None  # "No": nothing is saved
    assert asked
    assert str(existing) in asked[0]
    assert menu._snapshot_path() == existing  # "Yes"
    # A new name, or one the chooser itself asked about, is not asked about again.
    typed = str(tmp_path / "tuesday")
    assert menu._snapshot_path() == tmp_path / "tuesday.adsnap"
    typed = str(existing)
    assert menu._snapshot_path() == existing
    assert len(asked) == 2


def test_the_kinds_of_change_read_on_a_dark_palette(qtbot: QtBot) -> None:
    """On a dark desktop palette "Added", "Removed" and "Changed" were drawn in fixed shades
    picked for a light one: "Removed", dark red (#b3261e) on the table's dark base, read at
    about 2.4:1, under WCAG's 3:1. They keep those shades on a light palette, and follow a
    switch while open."""
    from app.domain.snapshot_diff import diff_orders
    from app.ui.snapshots.compare_dialog import CompareDialog

    before, after = [record(0), record(1)], [record(0, status="COMPLETED"), record(2)]
    dialog = CompareDialog(diff_orders(before, after), "a.adsnap", "b.adsnap")
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    kinds = [dialog.model.index(row, 0) for row in range(dialog.model.rowCount())]
    light = {"Added": "#2e7d32", "Removed": "#b3261e", "Changed": "#c27c0e"}
    assert {k.data(): QColor(k.data(Qt.ItemDataRole.ForegroundRole)).name() for k in kinds} == light
    with app_palette(qtbot, dark_palette(), dialog.table):
        for kind in kinds:
            ratio = cell_contrast(dialog.table, kind)
            assert ratio >= WCAG_MIN, f"{kind.data()}: {ratio:.2f}:1"


def test_the_comparison_and_save_dialogs_open_at_the_size_last_given(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The README says every dialog opens at the size it was last given: these two always
    opened at their first size."""
    window = MainWindow(settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    show_exposed(qtbot, window)

    def compare() -> QDialog:
        return CompareDialog(diff_orders([record(0)], [record(1)]), "a", "b", window)

    def save() -> QDialog:
        return SaveSnapshotDialog(
            cast("OrderBoard", None),
            tmp_path / "s.adsnap",
            list,
            list,
            SnapshotFilter(),
            parent=window,
        )

    for make in (compare, save):
        first = make()
        show_exposed(qtbot, first)
        first.resize(760, 430)
        qtbot.waitUntil(partial(_sized, first, 760, 430))
        first.close()
        again = make()
        show_exposed(qtbot, again)
        assert (again.width(), again.height()) == (760, 430), make.__name__
        again.close()


def _sized(dialog: QDialog, width: int, height: int) -> bool:
    return (dialog.width(), dialog.height()) == (width, height)
