"""The main window lists the sandbox's orders, searches and filters them, and says what is up."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QStyle, QWidget

from app.clients.berke import BerkeClient
from app.clients.http import RetryPolicy
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import ConnectionProfile, data_file_name
from app.domain.smartrecruiters import OrderStatus
from app.domain.text_fold import sort_text
from app.store.database import Database
from app.store.paths import HOME_OVERRIDE
from app.ui.main_window import MainWindow, synced_text
from app.ui.orders.order_actions import LAST_PORTAL_MESSAGE
from app.ui.orders.order_table_model import ORDER_ID_ROLE
from app.ui.orders.orders_room import CANDIDATES_HEADER_KEY, HEADER_KEY
from app.ui.snapshots.snapshot_menu import recent_snapshots, remember_snapshot
from app.views.candidate_groups import Column
from app.views.inbox_columns import INBOX
from app.workflows.desk import Desk
from app.workflows.session import Session
from tests.ui.conftest import connect, show_exposed
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def shown_ids(window: MainWindow) -> list[str]:
    return window.orders.proxy.order_ids()


def test_lists_every_order_from_the_sandbox(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop, qtmodeltester: object
) -> None:
    assert window.orders.message.text() == "Connecting…"
    board = connect(window, desk, start=False)
    assert qloop.run_until_complete(window.sync()) is True
    total = qloop.run_until_complete(desk.session.sr.list_orders(limit=1)).total_found
    assert window.orders.model.rowCount() == total >= 200
    assert window.orders.stack.currentWidget() is window.orders.table
    assert window.orders.proxy.rowCount() == total
    qtmodeltester.check(window.orders.model)  # type: ignore[attr-defined]
    new = sum(1 for o in board.orders() if o.status is OrderStatus.NEW)
    assert window.windowTitle() == f"({new} new) Assessment Desk — Demo mode"
    assert f"{total} orders · {new} new" == window.count_label.text()
    assert "Demo mode" in window.connection_label.text()
    first = window.orders.proxy.index(0, INBOX.index("candidate"))
    order = board.order(first.data(ORDER_ID_ROLE))
    assert order is not None
    assert first.data() == order.candidate.full_name


def test_search_as_you_type_and_status_filter(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> None:
    board = connect(window, desk, start=False)
    qloop.run_until_complete(window.sync())
    # QTest types ASCII only; non-ASCII search is covered by the proxy test below.
    some = next(o for o in board.orders() if o.candidate.last_name.isascii())
    word = some.candidate.last_name
    qtbot.keyClicks(window.orders.search, word.lower())
    shown = shown_ids(window)
    assert some.id in shown
    for order_id in shown:
        assert word.casefold() in window.orders.model.haystack(
            window.orders.model.row_of(order_id) or 0
        )

    window.orders.search.clear()
    rejected = window.orders.status_filter.findData(OrderStatus.REJECTED)
    window.orders.status_filter.setCurrentIndex(rejected)
    statuses = {board.order(order_id).status for order_id in shown_ids(window)}  # type: ignore[union-attr]
    assert statuses == {OrderStatus.REJECTED}

    qtbot.keyClicks(window.orders.search, "zzzz-nobody")
    assert window.orders.proxy.rowCount() == 0
    assert window.orders.stack.currentWidget() is window.orders.message
    assert window.orders.message.text() == (  # and what clears it (before: only the first half)
        "No orders match “zzzz-nobody” under “Rejected”: press Esc in the search to clear it, "
        "or choose All statuses."
    )
    qtbot.keyClick(window.orders.search, Qt.Key.Key_Escape)
    assert window.orders.proxy.rowCount() > 0


def test_search_matches_non_ascii_and_needs_every_word(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop
) -> None:
    board = connect(window, desk, start=False)
    qloop.run_until_complete(window.sync())
    some = next(o for o in board.orders() if not o.candidate.full_name.isascii())
    window.orders.search.setText(some.candidate.full_name.upper())
    assert some.id in shown_ids(window)
    window.orders.search.setText(f"{some.candidate.first_name} no-such-word")
    assert window.orders.proxy.rowCount() == 0


def test_sort_by_any_column(
    window: MainWindow, desk: Desk, qloop: asyncio.AbstractEventLoop
) -> None:
    board = connect(window, desk, start=False)
    qloop.run_until_complete(window.sync())
    candidate = INBOX.index("candidate")
    window.orders.table.sortByColumn(candidate, Qt.SortOrder.AscendingOrder)
    proxy = window.orders.proxy
    names = [proxy.index(r, candidate).data() for r in range(proxy.rowCount())]
    # Accents aside, as every list of names of the desk (Álvaro among the As).
    assert names == sorted(names, key=sort_text)
    window.orders.table.sortByColumn(INBOX.index("ordered"), Qt.SortOrder.DescendingOrder)
    dates = [board.order(order_id).create_date for order_id in shown_ids(window)]  # type: ignore[union-attr]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


def _view_submenu(window: MainWindow, title: str) -> QMenu:
    (view,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&View"]
    assert isinstance(view, QMenu)
    (submenu,) = [a.menu() for a in view.actions() if a.text() == title]
    assert isinstance(submenu, QMenu)
    return submenu


def _run_from_palette(window: MainWindow, qtbot: QtBot, title: str) -> None:
    """Ctrl+K, the entry's name typed, Down until it is the current entry, Enter."""
    palette = window.open_palette()
    palette.query.setText(title)
    item = palette.current_item()
    for _ in palette.model.items:
        if item is not None and item.title == title:
            break
        qtbot.keyClick(palette.query, Qt.Key.Key_Down)
        item = palette.current_item()
    assert item is not None
    assert item.title == title
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert not palette.isVisible()


def test_the_inbox_columns_are_chosen_from_the_keyboard(window: MainWindow, qtbot: QtBot) -> None:
    """Before: only the header's right-click menu, a mouse's, showed or hid a column (the
    header takes no focus): a keyboard-only coordinator could not show the Order id or the
    Berke code column. Now View › Inbox columns and the palette hold the same toggles."""
    header = window.orders.table.horizontalHeader()
    order_id, code = INBOX.index("order_id"), INBOX.index("assessment")
    assert header.isSectionHidden(order_id)
    columns = _view_submenu(window, "Inbox &columns")
    toggles = [a for a in columns.actions() if not a.isSeparator()]
    assert [a.text() for a in toggles] == [c.header for c in INBOX.all] + ["&Default columns"]
    assert not toggles[INBOX.index("status")].isEnabled()  # which order a row is: always shown
    _run_from_palette(window, qtbot, "Show the Order id column")
    assert not header.isSectionHidden(order_id)
    assert toggles[order_id].isChecked()
    _run_from_palette(window, qtbot, "Hide the Order id column")
    assert header.isSectionHidden(order_id)
    toggles[code].trigger()  # from the menu
    assert not header.isSectionHidden(code)
    _run_from_palette(window, qtbot, "Show the default inbox columns")
    assert header.isSectionHidden(code)
    assert not toggles[code].isChecked()


def test_the_inbox_is_sorted_from_the_keyboard(window: MainWindow, qtbot: QtBot) -> None:
    """Before: only a click on a column's header sorted the inbox. Now View › Sort the inbox
    by (and the palette) does, its checks following the header's sort indicator."""
    header, proxy = window.orders.table.horizontalHeader(), window.orders.proxy
    company, age, job = INBOX.index("company"), INBOX.index("age"), INBOX.index("job")
    sort_by = _view_submenu(window, "&Sort the inbox by")
    actions = [a for a in sort_by.actions() if not a.isSeparator()]
    assert [a.text() for a in actions] == [c.header for c in INBOX.all] + [
        "&Ascending",
        "&Descending",
    ]
    by_column, ascending, descending = actions[:-2], actions[-2], actions[-1]
    assert by_column[INBOX.index("ordered")].isChecked()  # the newest first, at start
    assert descending.isChecked()
    by_column[company].trigger()
    assert (proxy.sortColumn(), proxy.sortOrder()) == (company, Qt.SortOrder.DescendingOrder)
    ascending.trigger()
    assert (proxy.sortColumn(), proxy.sortOrder()) == (company, Qt.SortOrder.AscendingOrder)
    assert header.sortIndicatorSection() == company  # the header shows it
    _run_from_palette(window, qtbot, "Sort the inbox by Age")
    assert proxy.sortColumn() == age
    assert by_column[age].isChecked()
    _run_from_palette(window, qtbot, "Sort the inbox descending")
    assert proxy.sortOrder() == Qt.SortOrder.DescendingOrder
    window.orders.table.sortByColumn(job, Qt.SortOrder.AscendingOrder)  # a header's click
    assert by_column[job].isChecked()
    assert ascending.isChecked()


def test_a_failed_sync_is_explained_and_retried_with_f5(
    window: MainWindow, qloop: asyncio.AbstractEventLoop, qtbot: QtBot, refused_port: int
) -> None:
    key = "k" * 64
    nowhere = f"http://127.0.0.1:{refused_port}"
    broken = Desk(
        Session(
            sr=SmartRecruitersClient(f"{nowhere}/sr/v1", key, retry=RetryPolicy(read_retries=0)),
            berke=BerkeClient(f"{nowhere}/berke", "t" * 20),
            demo=False,
        ),
        Database(":memory:"),
    )
    try:
        connect(window, broken, start=False)
        assert qloop.run_until_complete(window.sync()) is False
        assert window.orders.stack.currentWidget() is window.orders.message
        text = window.orders.message.text()
        assert "Could not load the orders" in text
        assert "could not be reached" in text
        assert "F5" in text
        assert key not in text
        # The Candidates tab said "No orders yet." instead.
        assert window.orders.candidates.empty_label.text() == text
        assert window.refresh_action.isEnabled()
        # The loop runs only inside run_until_complete: wait there for the signal itself
        # (a fixed 50 ms of it, then a Qt wait with no loop running, failed under load).
        finished: asyncio.Future[bool] = qloop.create_future()

        def synced(ok: bool) -> None:
            if not finished.done():
                finished.set_result(ok)

        window.sync_finished.connect(synced)
        qtbot.keyClick(window.orders.table, Qt.Key.Key_F5)
        assert qloop.run_until_complete(asyncio.wait_for(finished, HANG_GUARD_SECONDS)) is False
    finally:
        qloop.run_until_complete(broken.session.aclose())


def test_layout_is_remembered(qtbot: QtBot, qsettings: QSettings) -> None:
    first = MainWindow(settings=qsettings)
    qtbot.addWidget(first)
    job, company = INBOX.index("job"), INBOX.index("company")
    first.orders.table.setColumnWidth(job, 333)
    first.orders.table.sortByColumn(company, Qt.SortOrder.AscendingOrder)
    first.orders.splitter.setSizes([900, 300])
    # The Candidates tab's columns and sort too (before: back to their defaults each start).
    candidates = first.orders.candidates.table
    candidates.setColumnWidth(Column.EMAIL, 277)
    candidates.sortByColumn(Column.LATEST, Qt.SortOrder.DescendingOrder)
    first.close()
    second = MainWindow(settings=qsettings)
    qtbot.addWidget(second)
    assert second.orders.table.columnWidth(job) == 333
    assert second.orders.proxy.sortColumn() == company
    assert second.orders.proxy.sortOrder() == Qt.SortOrder.AscendingOrder
    again = second.orders.candidates
    assert again.table.columnWidth(Column.EMAIL) == 277
    header = again.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        Column.LATEST,
        Qt.SortOrder.DescendingOrder,
    )
    assert again.model.sort_column() is Column.LATEST  # the rows follow the indicator


def test_two_desk_folders_keep_their_own_portal_message_and_recent_snapshots(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second desk (``ASSESSMENT_DESK_HOME``) shared Qt's one settings file with the first:
    its batch for another customer's Production account started from the message the first
    desk had sent its own customer's candidates, and its Open Recent listed the first desk's
    snapshots."""
    production = ConnectionProfile(name="Production")  # each desk's, for its own customer
    message_key = f"{LAST_PORTAL_MESSAGE}/{data_file_name(production) or production.name}"
    acme, beta = tmp_path / "acme-desk", tmp_path / "beta-desk"

    monkeypatch.setenv(HOME_OVERRIDE, str(acme))
    first = MainWindow()  # as the desk builds it: with this desk's own settings
    qtbot.addWidget(first)
    first.dialog_settings.setValue(message_key, "Acme Corp invites you: please finish by Friday.")
    remember_snapshot(first.dialog_settings, tmp_path / "acme.adsnap")
    first.close()
    first.dialog_settings.sync()

    monkeypatch.setenv(HOME_OVERRIDE, str(beta))
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.dialog_settings.value(message_key) is None
    assert recent_snapshots(second.dialog_settings) == []

    monkeypatch.setenv(HOME_OVERRIDE, str(acme))  # the first desk, started again, has its own
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.dialog_settings.value(message_key) == (
        "Acme Corp invites you: please finish by Friday."
    )
    assert recent_snapshots(again.dialog_settings) == [str((tmp_path / "acme.adsnap").resolve())]
    written = Path(again.dialog_settings.fileName())
    assert written.is_relative_to(acme / "config")
    if os.name == "posix":  # recent snapshots name customers' files: private, as the rest
        assert written.stat().st_mode & 0o777 == 0o600


def test_the_default_desk_keeps_qts_own_settings_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``ASSESSMENT_DESK_HOME`` the layout and recent snapshots stay where Qt kept them
    before a desk folder had a settings file of its own: an upgrade loses none of them."""
    from app.ui.desk_settings import desk_settings

    monkeypatch.delenv(HOME_OVERRIDE)
    assert desk_settings().fileName() == QSettings().fileName()


def test_a_layout_saved_before_its_columns_were_kept_beside_it_still_applies(
    qtbot: QtBot, qsettings: QSettings
) -> None:
    """Qt's state alone, as the desk kept it until then: read (never by Qt) for the same
    columns, so no coordinator loses their columns with the upgrade."""
    first = MainWindow(settings=qsettings)
    qtbot.addWidget(first)
    requestor, company = INBOX.index("requestor"), INBOX.index("company")
    header = first.orders.table.horizontalHeader()
    header.setSectionHidden(requestor, False)
    header.setSectionHidden(company, True)
    first.orders.table.setColumnWidth(INBOX.index("job"), 222)
    first.orders.table.sortByColumn(requestor, Qt.SortOrder.AscendingOrder)
    first.orders.candidates.table.setColumnWidth(Column.EMAIL, 277)
    first.close()
    qt_states = {HEADER_KEY, CANDIDATES_HEADER_KEY}
    for key in qsettings.allKeys():  # what the desk keeps beside Qt's states
        if key.startswith(tuple(qt_states)) and key not in qt_states:
            qsettings.remove(key)
    assert qt_states <= set(qsettings.allKeys())
    again = MainWindow(settings=qsettings)
    qtbot.addWidget(again)
    header = again.orders.table.horizontalHeader()
    assert not header.isSectionHidden(requestor)
    assert header.isSectionHidden(company)
    assert header.sectionSize(INBOX.index("job")) == 222
    assert again.orders.proxy.sortColumn() == requestor
    assert again.orders.candidates.table.columnWidth(Column.EMAIL) == 277


def _private_folders(tmp_path: Path) -> dict[str, str]:
    """The environment with a data folder and Qt settings of the test's own: a start reads
    the saved settings, and another test's (in the run's shared folders) would change it."""
    return {
        **os.environ,
        "ASSESSMENT_DESK_HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }


_START_WITH_A_CUT_LAYOUT = """
    from PySide6.QtCore import QByteArray, QSettings
    from PySide6.QtWidgets import QApplication
    from app.ui.main_window import MainWindow
    from app.ui.orders.orders_room import HEADER_KEY
    from app.views.inbox_columns import INBOX

    app = QApplication([])
    settings = QSettings({ini!r}, QSettings.Format.IniFormat)
    first = MainWindow(settings=settings)  # a desk closed normally: its layout kept
    requestor = INBOX.index("requestor")
    first.orders.table.horizontalHeader().setSectionHidden(requestor, False)
    first.show(); app.processEvents(); first.close()
    state = bytes(settings.value(HEADER_KEY).data())
    for keep in (96, 200, 288):
        # Damaged on disk (a cut write, a sync tool, a hand edit): only its first bytes.
        settings.setValue(HEADER_KEY, QByteArray(state[:keep]))
        if {older!r}:  # Qt's state alone, as the desk kept it before its columns beside it
            for key in settings.allKeys():
                if key.startswith(HEADER_KEY) and key != HEADER_KEY:
                    settings.remove(key)
        settings.sync()
        again = MainWindow(settings=settings)  # the next start
        again.show(); app.processEvents(); again.hide()
        hidden = again.orders.table.horizontalHeader().isSectionHidden(requestor)
        print("started", keep, "requestor hidden" if hidden else "requestor shown")
"""


@pytest.mark.parametrize("older", [False, True], ids=["saved-now", "saved-before"])
def test_a_cut_inbox_layout_does_not_crash_the_next_start(tmp_path: Path, older: bool) -> None:
    """Qt 6 read past the end of a cut header state and crashed (a segmentation fault) before
    the window showed, at every start: nothing was saved over it. The crash kills the process,
    so the starts run in a Python of their own."""
    script = _START_WITH_A_CUT_LAYOUT.format(ini=str(tmp_path / "ui.ini"), older=older)
    result = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(script)],
        capture_output=True, text=True, timeout=120, check=False,
        cwd=Path(__file__).resolve().parents[2], env=_private_folders(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    # What was said by column stands. An older desk's state cut short leaves the defaults, but
    # at 288 bytes only what Qt adds after the columns' sizes is lost: it reads whole.
    kept = ["shown"] * 3 if not older else ["hidden", "hidden", "shown"]
    assert result.stdout.splitlines() == [
        f"started {keep} requestor {shown}"
        for keep, shown in zip((96, 200, 288), kept, strict=True)
    ]


@pytest.mark.slow
def test_self_test_command_starts_in_demo_mode(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=_private_folders(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "self-test: ok" in result.stdout
    assert "Demo mode" in result.stdout
    # on the demo's services in a process of their own, ended with the desk
    served = re.search(r"Demo services listening at \S+ \(process (\d+)\)", result.stderr)
    assert served is not None, result.stderr
    with pytest.raises(ProcessLookupError):
        os.kill(int(served.group(1)), 0)


def test_ctrl_q_quits(window: MainWindow, qtbot: QtBot) -> None:
    show_exposed(qtbot, window)
    window.activateWindow()
    quit_action = window.findChild(QAction, "action_quit")
    assert quit_action is not None
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    with qtbot.waitSignal(quit_action.triggered):
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_ctrl_f_finds_in_the_tab_shown(window: MainWindow, qtbot: QtBot) -> None:
    """Before: Ctrl+F on the Offers tab switched to the Orders tab and its search, while F5
    read again the tab shown: a coordinator looking for an offer lost the offers."""
    show_exposed(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.rooms.setCurrentWidget(window.offers)
    window.offers.search.setText("fit")
    window.offers.offer_list.settle_search()  # not connected: nothing to fetch after the pause
    window.offers.new_button.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.rooms.currentWidget() is window.offers
    qtbot.waitUntil(window.offers.search.hasFocus)
    assert window.offers.search.selectedText() == "fit"  # typed over at once
    window.rooms.setCurrentWidget(window.orders)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.orders.search.hasFocus)


@pytest.mark.parametrize(
    ("name", "documented", "standard"),
    [
        ("refresh_action", "F5", QKeySequence.StandardKey.Refresh),
        ("find_action", "Ctrl+F", QKeySequence.StandardKey.Find),
    ],
)
def test_refresh_and_find_keep_the_documented_key_and_every_platform_binding(
    window: MainWindow, name: str, documented: str, standard: QKeySequence.StandardKey
) -> None:
    """Before: ``QKeySequence(StandardKey.Refresh)`` kept the platform's first binding only.
    Qt puts Ctrl+R first on GNOME and Cmd+R alone on macOS, so F5 (README, status tip) did
    nothing there; offscreen the same loss drops the keyboard's Refresh and Find keys."""
    have = [key.toString() for key in getattr(window, name).shortcuts()]
    platform = [key.toString() for key in QKeySequence.keyBindings(standard)]
    assert have[0] == documented  # the one the menus and the palette show
    assert set(platform) <= set(have), (platform, have)
    assert len(have) == len(set(have))  # F5 is also a binding of the platform: once


def _without_display(tmp_path: Path) -> dict[str, str]:
    env = _private_folders(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux display question")
def test_without_a_display_a_start_says_so_and_the_self_test_runs_offscreen(
    tmp_path: Path,
) -> None:
    """Over SSH: not Qt's abort (134, "xcb-cursor0 is needed") but a sentence and exit 2; and
    --self-test needs no screen at all."""
    started = subprocess.run(
        [sys.executable, "-m", "app"],
        capture_output=True, text=True, timeout=60, check=False, env=_without_display(tmp_path),
    )  # fmt: skip
    assert started.returncode == 2, started.stderr
    assert "no display to open the window on" in started.stderr
    assert "--self-test" in started.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        capture_output=True, text=True, timeout=60, check=False, env=_without_display(tmp_path),
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "self-test: ok" in checked.stdout


def _mnemonic(text: str) -> str | None:
    """The letter after a single "&" (Alt+letter), if any."""
    cleaned = text.replace("&&", "")
    at = cleaned.find("&")
    return cleaned[at + 1].casefold() if 0 <= at < len(cleaned) - 1 else None


def test_no_two_alt_letters_clash(qtbot: QtBot, qsettings: QSettings) -> None:
    """Before: Alt+F switched to the "O&ffers" tab instead of opening File, Alt+O went to the
    "&Orders" tab instead of the Order menu, and File had two S's (Save snapshot, Settings)."""
    from PySide6.QtWidgets import QMenu, QTabWidget

    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    window.show()
    # Window-wide: the menu bar's titles and every tab shown in the main window.
    letters = [_mnemonic(a.text()) for a in window.menuBar().actions()]
    for tabs in window.findChildren(QTabWidget):
        if tabs.window() is window:
            letters += [_mnemonic(tabs.tabText(i)) for i in range(tabs.count())]
    used = [letter for letter in letters if letter]
    assert len(used) == len(set(used)), used
    for top in window.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu)
        inside = [_mnemonic(a.text()) for a in menu.actions() if not a.isSeparator()]
        inside = [letter for letter in inside if letter]
        assert len(inside) == len(set(inside)), (top.text(), inside)


def test_the_inbox_filters_are_not_shown_over_the_candidates(
    qtbot: QtBot, qsettings: QSettings
) -> None:
    """Before: on the Candidates tab the inbox's search box and status filter stayed, above the
    candidates' own search, and filtered nothing there."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    window.show()
    room = window.orders
    assert room.search.isVisible()
    room.tabs.setCurrentWidget(room.candidates)
    assert not room.search.isVisible()
    assert not room.status_filter.isVisible()
    assert room.candidates.search.isVisible()
    room.tabs.setCurrentWidget(room.stack)
    assert room.search.isVisible()


def test_the_orders_get_the_height_and_the_filters_only_theirs(
    qtbot: QtBot, qsettings: QSettings
) -> None:
    """Before: the row of filters was as ready to grow as the orders, and took half the
    window's height at 1280×800 (11 orders in sight instead of 23)."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    show_exposed(qtbot, window)
    room = window.orders
    assert room.filter_bar.height() <= room.filter_bar.sizeHint().height()
    layout = room.layout()
    assert layout is not None
    between = layout.spacing()
    assert room.splitter.height() == room.height() - room.filter_bar.height() - between


def test_the_age_of_the_newest_orders_is_read_whole(window: MainWindow) -> None:
    """Before: 42 px, and the ages of the newest orders (10 to 59 minutes) read "59 …"."""
    table = window.orders.table
    age = INBOX.index("age")
    margins = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    assert table.columnWidth(age) >= table.fontMetrics().horizontalAdvance("59 min") + margins
    tooltip = INBOX[age].tooltip
    assert tooltip is not None
    assert tooltip("2026-12-01T10:00:00+00:00")


def test_the_tab_order_is_set_without_a_complaint_from_qt(
    qtbot: QtBot, qsettings: QSettings, qtlog: Any
) -> None:
    """Before: chained before the room was laid out, Qt refused two links ("must be in the
    same window") and Tab went by the order the widgets were made in."""
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    assert not [m for m in qtlog.records if "setTabOrder" in m.message]
    room = window.orders
    after: QWidget | None = room.search.nextInFocusChain()
    while after is not None and not after.focusPolicy() & Qt.FocusPolicy.TabFocus:
        after = after.nextInFocusChain()  # past its clear button, which takes no focus
    assert after is room.status_filter


@pytest.mark.parametrize(
    "flags",
    [["--timings"], ["--configure", "--self-test"], ["--configure", "--demo"],
     ["--demo", "--snapshot", "x.adsnap"], ["--snapshot", "x.adsnap", "--self-test", "--timings"],
     ["--snapshot", "", "--self-test"], ["--snapshot", ""], ["--configure", "--snapshot", ""]],
    ids=["timings-alone", "configure-self-test", "configure-demo", "demo-snapshot",
         "snapshot-timings", "empty-snapshot-self-test", "empty-snapshot",
         "configure-empty-snapshot"],
)  # fmt: skip
def test_flags_that_would_do_only_part_of_what_was_asked_are_refused(
    flags: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: --timings alone opened the window and never exited; --configure with another
    flag ran only the configuration; --demo beside --snapshot was ignored; --timings beside
    --snapshot printed the verdict and no figure. All without a word. An empty --snapshot
    FILE (a script's empty variable) was read as no snapshot: the live desk started, with its
    keys, where a read-only offline file was asked for."""
    from app.__main__ import parse_args

    with pytest.raises(SystemExit) as refused:
        parse_args(flags)
    assert refused.value.code == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.slow
def test_the_self_test_fails_when_the_profile_asked_for_falls_back_to_demo_mode(
    tmp_path: Path,
) -> None:
    """A profile without keys (or with a damaged data file) opens demo mode, which then
    worked: the self-test said "ok" and exited 0 on a desk that could not reach its
    services."""
    from app.domain.connection import AppSettings, ConnectionProfile
    from app.store.settings_file import save_settings

    env = _private_folders(tmp_path)
    local = ConnectionProfile(
        name="Local",
        sr_base_url="https://sr.local.example/v1",
        berke_base_url="https://b.local.example",
    )
    save_settings(
        AppSettings(profiles=[local], active="Local"),
        tmp_path / "home" / "config" / "settings.json",
    )
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        capture_output=True, text=True, timeout=60, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "self-test: FAILED" in result.stdout
    assert "the profile asked for was not used" in result.stdout


#: A saved profile on the services at argv[1] and argv[2], its keys in the opt-in key file.
SET_UP_LIVE_PROFILE = """
import sys
from app.domain.connection import AppSettings, ConnectionProfile
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.settings_file import save_settings

profile = ConnectionProfile(name="Live", sr_base_url=sys.argv[1], berke_base_url=sys.argv[2])
save_settings(AppSettings(profiles=[profile], active="Live", keys_file_opt_in=True))
keys = KeyStore(file_opt_in=True)
keys.set("Live", SR_KEY, DEMO_SR_KEY)
keys.set("Live", BERKE_TOKEN, DEMO_BERKE_TOKEN)
"""


@pytest.mark.slow
def test_the_self_test_passes_on_a_real_profile_whose_inbox_is_empty(tmp_path: Path) -> None:
    """Before: a vendor new on the Marketplace (or after a quiet week's orders were archived)
    has no order yet: the sync worked, yet the verdict was "self-test: FAILED: 0 orders" and
    exit status 1, a deployment check failing a good install."""
    from app.sandbox import SandboxConfig, SandboxServer

    env = {
        **_private_folders(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # the keys from the file
    }
    services = SandboxServer(SandboxConfig(orders=0, sr_rate_per_second=0), port=0)
    services.start()
    try:
        urls = [services.sr_base_url, services.berke_base_url]
        subprocess.run(
            [sys.executable, "-c", SET_UP_LIVE_PROFILE, *urls], env=env, check=True, timeout=60
        )
        result = subprocess.run(
            [sys.executable, "-m", "app", "--self-test"],
            capture_output=True, text=True, timeout=60, check=False, env=env,
        )  # fmt: skip
    finally:
        services.stop()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test: ok: 0 orders (Live:" in result.stdout  # the profile asked for, not demo


def test_about_says_where_the_settings_data_and_logs_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A coordinator asked for the log, or moving to another computer, had to be told."""
    from app.store.paths import HOME_OVERRIDE
    from app.ui.main_window import about_text

    monkeypatch.setenv(HOME_OVERRIDE, str(tmp_path / "desk & co"))
    text = about_text()
    for kind in ("config", "data", "log"):
        assert f"{tmp_path}/desk &amp; co/{kind}" in text


def test_the_pacing_tooltip_follows_a_call_that_ended(
    qtbot: QtBot, qloop: asyncio.AbstractEventLoop
) -> None:
    """Before: the tooltip was set only when the short text changed. A call that ended, or
    the service's own count arriving with its answer, leaves "Berke 119/120" as it was: the
    tooltip said "1 under way" for Berke's whole 60 s window, and the service's count of
    before."""
    from app.clients.pacing import Pacer
    from app.ui.pacing_status import PacingStatus

    now = [1000.0]
    pacer = Pacer(120, 60.0, 4, clock=lambda: now[0])
    label = PacingStatus()
    qtbot.addWidget(label)
    label.set_pacers([("Berke", pacer)])
    label.timer.stop()  # refreshed by hand below, as its once-a-second timer would

    async def one_call() -> None:
        async with pacer.slot():
            label.refresh()  # while the call runs
            assert "1 under way" in label.toolTip()
            pacer.note_service_counts(120, 119)  # the answer's own count

    qloop.run_until_complete(one_call())
    now[0] += 1.0
    label.refresh()
    assert label.text() == "Berke 119/120"  # as during the call
    tip = label.toolTip()
    assert "0 under way" in tip, tip
    assert "Berke itself reports 119 calls left." in tip, tip


def test_help_lists_every_keyboard_shortcut(qtbot: QtBot, window: MainWindow) -> None:
    """Help held only "Open log folder" and "About": the keys no menu shows (Ctrl+Enter sends
    a form, Enter alone does not; Escape clears the search, then goes to the list; Alt+D and
    Alt+R the rooms) were written in the README alone. Help › Keyboard shortcuts… lists every
    action's keys, as the platform writes them, then those; Esc closes it."""
    from app.ui.common.command_palette import action_title, reachable_actions
    from app.ui.common.shortcuts_dialog import ShortcutsDialog

    (help_menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    assert isinstance(help_menu, QMenu)
    (entry,) = [a for a in help_menu.actions() if a.text() == "&Keyboard shortcuts…"]
    show_exposed(qtbot, window)
    entry.trigger()
    (dialog,) = [d for d in window.findChildren(ShortcutsDialog) if d.isVisible()]
    listed = {(row.what, row.keys) for row in dialog.listed()}
    native = QKeySequence.SequenceFormat.NativeText
    with_keys = [a for a in reachable_actions(window.menuBar(), window.actions()) if a.shortcuts()]
    assert len(with_keys) >= 10  # the order actions, Refresh, Find, Ctrl+K, Settings, Quit…
    for action in with_keys:
        keys = ", ".join(key.toString(native) for key in action.shortcuts())
        assert (action_title(action), keys) in listed, (action.text(), keys)
    # The keys no action holds (offscreen writes them as Linux and Windows do).
    assert ("The Orders tab", "Alt+D") in listed
    assert ("The Offers tab", "Alt+R") in listed
    for keys, says in (
        ("Esc", "clear the search"),
        ("Down, Enter", "go to the list"),
        ("Ctrl+Enter", "Enter alone never"),
    ):
        assert any(k == keys and says in what for what, k in listed), (keys, listed)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_the_orders_rooms_tab_keys_are_listed_as_that_rooms(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Help › Keyboard shortcuts… listed "Alt+I  The Inbox tab" and "Alt+N  The Candidates
    tab" beside Alt+D and Alt+R, as keys of the window. They are the Orders room's own tab
    bar's, which Qt hears only while that bar is shown: from the Offers room they did nothing,
    and nothing said why. The rows say whose they are."""
    show_exposed(qtbot, window)
    dialog = window.show_keyboard_shortcuts()
    listed = {row.keys: row.what for row in dialog.listed()}
    dialog.close()
    assert listed["Alt+I"] == "In the Orders room: the Inbox tab"
    assert listed["Alt+N"] == "In the Orders room: the Candidates tab"
    assert listed["Alt+D"] == "The Orders tab"  # the window's own: heard from either room
    assert listed["Alt+R"] == "The Offers tab"


def test_a_syncs_line_counts_one_order_as_one() -> None:
    """Before: "Synced 1 orders"; and thousands as every other count shows them."""
    assert synced_text(1, 1, 0, left_out=False) == "Synced 1 order · 1 new"
    assert synced_text(5000, 1200, 0, left_out=False) == "Synced 5,000 orders · 1,200 new"


def test_the_status_bars_stop_is_heard_as_stop_delivering(window: MainWindow) -> None:
    """A screen reader heard a bare "Stop" in the status bar, beside the connection and the
    pacing (its accessible name not set; pinned by the mutation audit)."""
    assert window.stop_delivering_button.accessibleName() == "Stop delivering"


def test_the_stop_button_shows_in_the_status_bar_not_in_a_window_of_its_own(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Never added to the status bar, the Stop button opened as a separate little top-level
    window as a delivery of several began (pinned by the mutation audit)."""
    stop = window.orders.controller.stop_delivering_action
    stop.setEnabled(True)  # as while results are delivered
    try:
        button = window.stop_delivering_button
        qtbot.waitUntil(button.isVisible)
        assert not button.isWindow()
        assert button.window() is window
    finally:
        stop.setEnabled(False)
