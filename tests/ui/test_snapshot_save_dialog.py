"""File > Save snapshot… clicked through against the sandbox: the folder checked as the dialog
opens, progress with the time left, Esc that really cancels, and no exception escaping (no
crash dialog, no "Task exception was never retrieved")."""

from __future__ import annotations

import asyncio
import gc
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import ContactPerson
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.snapshots.save_snapshot_dialog import SaveSnapshotDialog
from app.workflows.desk import Desk
from app.workflows.session import Session
from tests.integration.test_snapshot_details_reuse import CountingTransport
from tests.locked_folder import locked_folder
from tests.ui.conftest import connect
from tests.ui.test_console_flows import closed

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer


@pytest.fixture
def transport() -> CountingTransport:
    return CountingTransport()


@pytest.fixture
def desk(
    sandbox: SandboxServer,
    tmp_path: Path,
    transport: CountingTransport,
    running_loop: asyncio.AbstractEventLoop,
    qtbot: QtBot,
) -> Iterator[Desk]:
    """A desk whose SmartRecruiters calls are counted, paced as in the app (10 a second)."""
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    session = Session(
        sr=SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY, transport=transport),
        berke=BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN),
        demo=True,
    )
    made = Desk(session, Database(tmp_path / "desk.sqlite3"), author=ContactPerson(first_name="C"))
    yield made
    closing = asyncio.ensure_future(session.aclose())
    qtbot.waitUntil(closing.done)
    made.db.close()


@pytest.fixture
def window(
    qtbot: QtBot, qsettings: QSettings, desk: Desk, running_loop: asyncio.AbstractEventLoop
) -> Iterator[MainWindow]:
    made = MainWindow(settings=qsettings)
    qtbot.addWidget(made)
    made.show()
    board = connect(made, desk, start=False)  # no poll of its own: requests are counted
    with qtbot.waitSignal(made.sync_finished):
        made.request_sync()
    yield made
    stopping = asyncio.ensure_future(board.stop())
    qtbot.waitUntil(stopping.done)


@pytest.fixture
def loop_errors(running_loop: asyncio.AbstractEventLoop) -> Iterator[list[dict[str, Any]]]:
    """What reaches the loop's exception handler: the crash dialog's way in, and where
    "Task exception was never retrieved" goes."""
    # Tasks an earlier test left for the collector report now, not under this test.
    gc.collect()
    seen: list[dict[str, Any]] = []
    previous = running_loop.get_exception_handler()
    running_loop.set_exception_handler(lambda _loop, context: seen.append(context))
    yield seen
    running_loop.set_exception_handler(previous)


def open_save(window: MainWindow, path: Path) -> SaveSnapshotDialog:
    menu = window.snapshot_menu
    menu.choose_save_path = lambda: path
    dialog = menu.save()
    assert dialog is not None
    return dialog


def save_button(dialog: SaveSnapshotDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_esc_during_a_save_cancels_it_and_nothing_escapes(
    window: MainWindow,
    *,
    desk: Desk,
    transport: CountingTransport,
    qtbot: QtBot,
    tmp_path: Path,
    loop_errors: list[dict[str, Any]],
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    dialog = open_save(window, folder / "inbox")
    assert dialog.path == folder / "inbox.adsnap"
    dialog.all_choice.setChecked(True)
    transport.hold_after = 3  # the save is under way, and goes no further on its own
    save_button(dialog).click()
    qtbot.waitUntil(lambda: len(transport.details()) >= 3)

    task = dialog.task
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(dialog))  # and deleted with its flow
    assert task is not None
    assert task.cancelled()
    assert dialog not in window.snapshot_menu.dialogs
    assert list(folder.iterdir()) == []  # no file, no temporary file
    # Nothing of the save is left queued: the next call is the only request that follows.
    asked = len(transport.details())
    transport.released.set()  # held details were cancelled with the save: none is sent now
    before = len(transport.requests)
    assert window.board is not None
    order_id = window.board.orders()[0].id
    call = asyncio.ensure_future(desk.session.sr.get_order(order_id))
    qtbot.waitUntil(call.done)
    assert len(transport.requests) == before + 1
    assert len(transport.details()) == asked == 3
    gc.collect()
    assert loop_errors == []
    assert not [m for m in window.messages.shown if "rror" in m[0]]


def test_progress_says_the_time_left_and_closing_cancels_too(
    window: MainWindow, transport: CountingTransport, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = open_save(window, tmp_path / "closed.adsnap")
    dialog.all_choice.setChecked(True)
    save_button(dialog).click()
    qtbot.waitUntil(lambda: len(transport.details()) >= 2)
    # How far, and about how long is left (200 orders, 2 calls each, at 10 calls a second).
    qtbot.waitUntil(lambda: " left." in dialog.state.text())
    text = dialog.state.text()
    assert text.startswith("Fetching comments and results from SmartRecruiters:")
    assert re.search(r"about \d+ (s|min) left\.$", text), text
    assert window.board is not None
    assert dialog.progress.maximum() == len(window.board.orders())

    task = dialog.task
    dialog.close()  # the title bar's close button
    qtbot.waitUntil(lambda: closed(dialog))
    assert task is not None
    assert task.cancelled()
    assert not (tmp_path / "closed.adsnap").exists()


def test_an_unwritable_folder_is_said_at_once_and_another_can_be_chosen(
    window: MainWindow,
    transport: CountingTransport,
    qtbot: QtBot,
    tmp_path: Path,
    loop_errors: list[dict[str, Any]],
) -> None:
    before = len(transport.requests)
    with locked_folder(tmp_path) as folder:
        dialog = open_save(window, folder / "inbox.adsnap")
        # Before Save is pressed: which folder, why, and the system's words apart.
        qtbot.waitUntil(lambda: "cannot be saved" in dialog.state.text())
        assert dialog.state.text() == (
            f"The snapshot cannot be saved in the folder {folder}: you do not have permission "
            "to write there. Choose another folder."
        )
        assert dialog.detail.text() == "The system said: “Permission denied”."
        assert "Errno" not in dialog.state.text() + dialog.detail.text()
        assert not save_button(dialog).isEnabled()
        assert dialog.change_path.isVisible()

    good = tmp_path / "good"
    good.mkdir()
    window.snapshot_menu.choose_save_path = lambda: good / "inbox"
    dialog.change_path.click()
    qtbot.waitUntil(save_button(dialog).isEnabled)
    assert dialog.path == good / "inbox.adsnap"
    assert dialog.state.text() == ""
    assert dialog.detail.isHidden()

    # The folder goes away after the check: the save says so, in words, and nothing escapes.
    good.rmdir()
    dialog.details.setChecked(False)
    save_button(dialog).click()
    assert dialog.task is not None
    qtbot.waitUntil(dialog.task.done)
    assert dialog.task.exception() is None  # handled: nothing for "never retrieved"
    assert f"The snapshot cannot be saved in the folder {good}" in dialog.state.text()
    assert "the folder does not exist" in dialog.state.text()
    assert dialog.isVisible()
    assert len(transport.requests) == before  # not one call for an unwritable folder

    good.mkdir()
    dialog.change_path.click()
    qtbot.waitUntil(save_button(dialog).isEnabled)
    with qtbot.waitSignal(dialog.saved):
        save_button(dialog).click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert (good / "inbox.adsnap").is_file()
    assert window.messages.shown[-1][1].startswith("Saved a snapshot of ")
    gc.collect()
    assert loop_errors == []


def test_the_folder_is_checked_for_the_orders_chosen(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Room for the orders in view but not for all: the check counted all orders, so Save
    was off (and stayed off) for the orders in view, which the save itself lets through."""
    from collections import namedtuple

    from app.domain.smartrecruiters import OrderStatus
    from app.store import snapshot_destination

    room = window.orders
    board = window.board
    assert board is not None
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.COMPLETED))
    in_view = len(room.proxy.order_ids())
    assert 0 < in_view < len(board.orders())
    free = (
        snapshot_destination.needed_bytes(in_view)
        + snapshot_destination.needed_bytes(len(board.orders()))
    ) // 2
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(
        snapshot_destination.shutil, "disk_usage", lambda _path: usage(free * 4, free * 3, free)
    )
    dialog = open_save(window, tmp_path / "view.adsnap")
    assert dialog.view_choice.isChecked()
    check = dialog.tasks.latest("check")
    assert check is not None
    qtbot.waitUntil(check.done)
    assert save_button(dialog).isEnabled()
    assert dialog.error is None
    dialog.all_choice.setChecked(True)  # all: too many for the room left
    qtbot.waitUntil(lambda: dialog.error is not None)
    assert "nearly full" in (dialog.error or "")
    assert not save_button(dialog).isEnabled()
    dialog.view_choice.setChecked(True)  # back: they fit again
    qtbot.waitUntil(lambda: save_button(dialog).isEnabled())
    assert dialog.error is None
    # A save's failure that is not the folder's keeps its words across a change of choice.
    dialog._show_failure(OSError("SmartRecruiters did not answer"))
    said, last_check = dialog.error, dialog.tasks.latest("check")
    dialog.all_choice.setChecked(True)
    assert dialog.tasks.latest("check") is last_check  # not checked again
    assert dialog.error == said
    dialog.reject()


def test_the_orders_saved_are_the_ones_shown_when_save_is_pressed(
    window: MainWindow, desk: Desk, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: the dialog copied the orders when it opened. An order a colleague rejected
    meanwhile, brought by a sync, was saved as NEW, in a file dated after the sync."""
    from app.domain.smartrecruiters import OrderStatus
    from app.store.snapshot_file import open_snapshot

    room = window.orders
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))
    board = window.board
    assert board is not None
    new = [o for o in board.orders() if o.status is OrderStatus.NEW]
    dialog = open_save(window, tmp_path / "inbox.adsnap")
    dialog.details.setChecked(False)
    assert dialog.view_choice.text() == f"The orders in view ({len(new)})"
    order = new[0]
    rejecting = asyncio.ensure_future(desk.session.sr.reject_order(order.id, message="filled"))
    qtbot.waitUntil(rejecting.done)
    rejecting.result()
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    qtbot.waitUntil(lambda: dialog.view_choice.text() == f"The orders in view ({len(new) - 1})")
    assert dialog.all_choice.text() == f"All orders ({len(board.orders())})"

    dialog.all_choice.setChecked(True)
    save_button(dialog).click()
    assert dialog.task is not None
    qtbot.waitUntil(dialog.task.done)
    assert dialog.result_value is not None, dialog.error
    snapshot = open_snapshot(tmp_path / "inbox.adsnap")
    row = snapshot.row_of(order.id)
    assert row is not None
    assert snapshot.record(row).order.status is OrderStatus.REJECTED


def test_a_closed_dialog_goes_and_stops_following_the_inbox(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: every Save snapshot dialog of the day stayed, parented to the window, and each
    recounted the whole inbox after every sync."""
    from shiboken6 import Shiboken

    dialog = open_save(window, tmp_path / "inbox.adsnap")
    dialog.reject()
    qtbot.waitUntil(lambda: not Shiboken.isValid(dialog))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()  # nothing left to recount, nothing raised


def test_needs_attention_is_a_view_the_file_names(window: MainWindow, tmp_path: Path) -> None:
    """Before: with the status filter on "Needs attention", Save snapshot… raised ValueError
    ('attention' is not a valid OrderStatus): the crash dialog, never the Save dialog."""
    from app.ui.orders.orders_room import NEEDS_ATTENTION

    room = window.orders
    room.status_filter.setCurrentIndex(room.status_filter.findData(NEEDS_ATTENTION))
    dialog = open_save(window, tmp_path / "attention.adsnap")
    try:
        assert dialog.view_choice.isChecked()
        request = dialog.request()
        assert [o.id for o in request.orders] == room.proxy.order_ids()
        assert request.filter.attention
        assert request.filter.statuses == []
        assert request.filter.describe() == "Orders in view · needs attention"
    finally:
        dialog.reject()


def test_orders_in_view_on_the_candidates_tab_are_the_candidates_shown(
    window: MainWindow, tmp_path: Path
) -> None:
    """Before: "The orders in view" were the inbox's, hidden behind the Candidates tab: a
    search there for one candidate saved every order of the inbox (or, with an inbox search
    left behind, someone else's), in a file that said "Orders in view"."""
    room = window.orders
    room.search.setText("zzz-no-such-order")  # the inbox's search, left behind
    room.tabs.setCurrentWidget(room.candidates)
    model = room.candidates.model
    name = model.index(0, 0).data()
    room.candidates.search.setText(name)
    shown = model.order_ids()
    assert 0 < len(shown) < room.model.rowCount()
    dialog = open_save(window, tmp_path / "one.adsnap")
    try:
        assert dialog.view_choice.text() == f"The orders in view ({len(shown)})"
        request = dialog.request()
        assert [o.id for o in request.orders] == shown
        assert request.filter.tab == "candidates"
        assert request.filter.describe() == f"Orders in view · Candidates tab · search “{name}”"
    finally:
        dialog.reject()


def test_the_message_after_a_save_says_when_the_details_kept_were_read(
    window: MainWindow, tmp_path: Path
) -> None:
    """Details kept from an earlier save were said to be "unchanged", as if an unchanged
    lastUpdateDate proved that no comment had come since: it does not. The message says they
    were not asked again, and as read when."""
    from datetime import UTC, datetime

    from app.domain.service_time import local_time
    from app.workflows.snapshots import SavedSnapshot

    path = tmp_path / "again.adsnap"
    read = datetime(2026, 3, 2, 9, 41, tzinfo=UTC)
    window.snapshot_menu._saved(SavedSnapshot(path, 12, 0, 0, fetched=9, reused=3, kept_since=read))
    assert window.messages.shown[-1][1] == (
        f"Saved a snapshot of 12 orders: {path} (details of 3 completed or rejected orders "
        f"kept as read at {local_time(read):%H:%M}, 9 fetched)"
    )
