"""Start-up: the first window needs little, the cached inbox is in its first frame, and
``--self-test --timings`` prints the two figures a benchmark compares."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSettings
from pytestqt.qtbot import QtBot

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.connection import AppSettings, ConnectionProfile
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxServer
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.database import Database
from app.store.order_cache import OrderCache
from app.ui.main_window import OFFERS_TAB, MainWindow
from app.ui.orders.order_table_model import ORDER_ID_ROLE
from app.ui.session_host import SessionHost, database_path_for
from app.views.order_rows import OrderColumns, OrderRow
from app.workflows.demo_services import DemoServices
from app.workflows.session import Session

T = TypeVar("T")


def finished(qtbot: QtBot, coro: Awaitable[T]) -> T:
    """``coro`` run on the test's qasync loop to its end, Qt's events processed meanwhile."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    return task.result()


def test_the_first_window_loads_no_client_sandbox_or_keyring() -> None:
    """What the first frame does not need stays unloaded until after it (a fresh process):
    the clients, the sandbox, the keyring, the order board and its workflows, the dialogs."""
    later = (
        "httpx", "uvicorn", "starlette", "keyring", "click", "app.sandbox",
        "app.ui.offers.offers_view", "app.ui.settings.settings_dialog",
        "app.workflows.board", "app.workflows.desk", "app.store.local_state",
        "app.ui.orders.board_signals", "app.ui.orders.berke_form",
        "app.ui.orders.batch_plan_dialog", "app.ui.snapshots.save_snapshot_dialog",
    )  # fmt: skip
    code = (
        "import sys, app.ui.main_window, app.ui.session_host, app.ui.application; "
        f"print(sorted(m for m in {later!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_self_test_timings_prints_the_two_figures(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--self-test", "--timings"],
        env={**os.environ, "ASSESSMENT_DESK_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [re.sub(r"=\d+$", "=N", line) for line in lines] == [
        "first-frame-ms=N",
        "first-sync-ms=N",
    ]
    frame, synced = (int(line.split("=")[1]) for line in lines)
    assert 0 < frame <= synced
    assert "self-test: ok" in result.stderr  # the verdict, beside the figures


def self_test_watching(
    watched: tuple[str, ...], *, then: str, args: tuple[str, ...] = ("--self-test",)
) -> str:
    """A program running ``--self-test`` (``args``) that prints its exit code, which of
    ``watched`` were loaded at the first frame, whether ``then`` was loaded by the end, and how
    many rows the inbox showed at the first frame."""
    return f"""
import sys
import app.ui.application as application
seen = {{}}
frame, watch = application.StartupTimings.first_frame, application.StartupTimings.watch
def watching(self, window):
    seen["window"] = window
    watch(self, window)
def first_frame(self, *args):
    frame(self, *args)
    seen["frame"] = sorted(m for m in {watched!r} if m in sys.modules)
    seen["rows"] = seen["window"].orders.model.rowCount()
application.StartupTimings.watch = watching
application.StartupTimings.first_frame = first_frame
from app.__main__ import main
code = main({list(args)!r})
print(code, seen["frame"], {then!r} in sys.modules, seen["rows"])
"""


@pytest.mark.parametrize("args", [("--self-test",), ("--self-test", "--demo")])
def test_with_nothing_cached_the_first_frame_needs_no_pydantic_or_asyncio(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A first start (nothing saved, so nothing cached to show), or one in demo mode, paints
    its window before pydantic, the domain's shapes, the profiles and the asyncio loop
    (asyncio, qasync) are loaded; they come right after. No asyncio call can come before the
    frame: asyncio is not loaded."""
    code = self_test_watching(
        ("pydantic", "app.domain.smartrecruiters", "app.domain.journal", "app.domain.connection",
         "asyncio", "qasync", "subprocess"),
        then="qasync",
        args=args,
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "ASSESSMENT_DESK_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert out.stdout.splitlines()[-1] == "0 [] True 0"


#: A working day's data folder, written with the app's own code (argv: the services' addresses):
#: a saved profile, its keys in the opt-in key file, one order in its cache.
SET_UP_WORKING_DAY = """
import sys
from app.domain.connection import AppSettings, ConnectionProfile
from app.domain.smartrecruiters import AssessmentOrder
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.database import Database
from app.store.order_cache import OrderCache
from app.store.settings_file import save_settings
from app.ui.session_host import database_path_for

profile = ConnectionProfile(name="Day", sr_base_url=sys.argv[1], berke_base_url=sys.argv[2])
save_settings(AppSettings(profiles=[profile], active="Day", keys_file_opt_in=True))
keys = KeyStore(file_opt_in=True)
keys.set("Day", SR_KEY, DEMO_SR_KEY)
keys.set("Day", BERKE_TOKEN, DEMO_BERKE_TOKEN)
db = Database(database_path_for(profile))
order = {"id": "cached-1", "status": "NEW", "candidate": {"id": "c1", "firstName": "Ana"}}
OrderCache(db).merge([AssessmentOrder.model_validate(order)])
db.close()
"""


def test_a_working_days_first_frame_shows_the_cached_orders_without_pydantic(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    """With a saved profile, the cached inbox is in the first frame, read without pydantic or
    any model (they cost ~100 ms there: ``bench/startup.py --cached``), and before the asyncio
    loop; they load after it."""
    env = {
        **os.environ,
        "ASSESSMENT_DESK_HOME": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    urls = [sandbox.sr_base_url, sandbox.berke_base_url]
    subprocess.run(
        [sys.executable, "-c", SET_UP_WORKING_DAY, *urls], env=env, check=True, timeout=120
    )
    code = self_test_watching(
        ("pydantic", "app.domain.smartrecruiters", "app.domain.connection", "app.domain.berke",
         "app.domain.journal", "app.domain.journal_terms", "app.store.journal_rows",
         "importlib.metadata", "asyncio", "qasync"),
        then="app.domain.journal",
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "0 [] True 1", out.stderr  # its one cached order


class FirstPaint(QObject):
    """How many rows the inbox model had when the window was first painted."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.rows: int | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint and self.rows is None:
            self.rows = self.window.orders.model.rowCount()
        return False


def test_the_cached_inbox_is_in_the_first_frame(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    profile = ConnectionProfile(
        name="Cached", sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
    )
    cache = Database(database_path_for(profile))
    orders = [
        AssessmentOrder.model_validate(
            {"id": f"cached-{i}", "status": "NEW", "candidate": {"id": f"c{i}", "firstName": "Ana"}}
        )
        for i in range(7)
    ]
    OrderCache(cache).merge(orders)
    cache.close()
    keys = KeyStore()
    keys.set("Cached", SR_KEY, DEMO_SR_KEY)
    keys.set("Cached", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(window, AppSettings(profiles=[profile], active="Cached"), keys)
    painted = FirstPaint(window)

    def wait(coro: Awaitable[T]) -> T:
        return finished(qtbot, coro)

    try:
        assert wait(host.show_cached()) is True
        window.show()
        qtbot.waitUntil(lambda: painted.rows is not None)
        assert painted.rows == 7  # before keys, clients or the network
        assert (window.orders.controller.read_only or "").startswith("Connecting")
        cached_db = host._cached[1] if host._cached else None
        wait(host.open())
        assert host.desk is not None
        assert host.desk.db is cached_db  # the board started from what was read
        assert window.orders.model.rowCount() >= 7
    finally:
        window.close()
        wait(host.close())


def test_the_offers_room_is_built_when_first_shown(qtbot: QtBot, qsettings: QSettings) -> None:
    from app.ui.offers import OffersView

    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    offers_tab = 1
    assert not isinstance(window.rooms.widget(offers_tab), OffersView)
    window.set_offer_catalog(None)  # a session without one: nothing is built
    assert not isinstance(window.rooms.widget(offers_tab), OffersView)
    window.rooms.setCurrentIndex(offers_tab)
    assert isinstance(window.rooms.widget(offers_tab), OffersView)
    assert window.rooms.widget(offers_tab) is window.offers
    assert window.rooms.currentIndex() == offers_tab
    assert window.rooms.tabText(offers_tab) == OFFERS_TAB


def test_only_saved_settings_are_read_before_the_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profiles are read before the first frame only when a cached inbox may be shown: given,
    or saved; an unreadable settings folder is left to the settings' own reading (which says
    so and starts on the built-in profiles), never a failed start."""
    from app.ui import application
    from app.ui.application import LaunchOptions, _may_show_cached

    saved = tmp_path / "settings.json"
    monkeypatch.setattr(application, "settings_path", lambda: saved)
    assert not _may_show_cached(LaunchOptions(read_saved_settings=True))
    saved.write_text("{}")
    assert _may_show_cached(LaunchOptions(read_saved_settings=True))
    assert not _may_show_cached(LaunchOptions(read_saved_settings=True, demo=True))
    assert not _may_show_cached(LaunchOptions())
    assert _may_show_cached(LaunchOptions(settings=AppSettings()))

    class Unreadable(type(saved)):  # type: ignore[misc]
        def exists(self, *args: object, **kwargs: object) -> bool:
            raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(application, "settings_path", lambda: Unreadable(saved))
    assert _may_show_cached(LaunchOptions(read_saved_settings=True))


def _host_of(window: MainWindow, profile: ConnectionProfile, keys: KeyStore) -> SessionHost:
    """The session host of ``profile`` (the active and only one), whose fallback to demo mode
    opens on the test's sandbox (the profile's addresses)."""

    async def demo(**_kwargs: object) -> Session:
        return Session(
            sr=SmartRecruitersClient(profile.sr_base_url, DEMO_SR_KEY),
            berke=BerkeClient(profile.berke_base_url, DEMO_BERKE_TOKEN),
            demo=True,
        )

    settings = AppSettings(profiles=[profile], active=profile.name)
    return SessionHost(window, settings, keys, demo_opener=demo)


def test_a_data_file_that_cannot_be_used_opens_demo_mode_and_says_which_and_why(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """A damaged data file (half a copy, a full disk) ended the start with SQLite's "file is
    not a database": no file named, no way out, and no window to reach Settings from."""
    profile = ConnectionProfile(
        name="Damaged", sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
    )
    path = database_path_for(profile)
    path.parent.mkdir(parents=True, exist_ok=True)
    damaged = b"\x00garbage, half a copy from a full disk" * 200
    path.write_bytes(damaged)
    keys = KeyStore()
    keys.set("Damaged", SR_KEY, DEMO_SR_KEY)
    keys.set("Damaged", BERKE_TOKEN, DEMO_BERKE_TOKEN)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)

    host = _host_of(window, profile, keys)

    def wait(coro: Awaitable[T]) -> T:
        return finished(qtbot, coro)

    try:
        assert wait(host.show_cached()) is False
        wait(host.open())
        assert host.session is not None
        assert host.session.demo
        title, said = window.messages.shown[-1]
        assert title == "Data file cannot be used"
        assert str(path) in said
        assert "Move it aside" in said
        assert "demo mode" in said
        assert path.read_bytes() == damaged  # left as it was: it may hold steps not yet sent
        # The way out it gives: the file moved aside, then File > Settings, Save.
        path.rename(path.with_name(path.name + ".aside"))
        wait(host.apply(host.settings))
        assert host.session is not None
        assert not host.session.demo
    finally:
        window.close()
        wait(host.close())


WorkingDay = Callable[[int], tuple[ConnectionProfile, KeyStore]]


@pytest.fixture
def working_day(
    tmp_path: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> WorkingDay:
    """A data folder of the test's own; called with N: a saved profile there, N orders in its
    cache (the fourth linked to a Berke assessment), its keys in the keyring."""
    from app.store.settings_file import save_settings

    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path))

    def make(orders: int) -> tuple[ConnectionProfile, KeyStore]:
        profile = ConnectionProfile(
            name="Day", sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
        )
        save_settings(AppSettings(profiles=[profile], active="Day"))
        db = Database(database_path_for(profile))
        try:
            OrderCache(db).merge([_cached_order(i) for i in range(orders)])
            with db.transaction() as conn:
                conn.execute(
                    "INSERT INTO assessments (order_id, source_candidate_id, invitation_code,"
                    " assessment_url, created_at) VALUES ('cached-3', 'B-3', 'INV-3',"
                    " 'https://berke.example/INV-3', '2026-12-01T09:00:00+00:00')"
                )
        finally:
            db.close()
        keys = KeyStore()
        keys.set("Day", SR_KEY, DEMO_SR_KEY)
        keys.set("Day", BERKE_TOKEN, DEMO_BERKE_TOKEN)
        return profile, keys

    return make


DAMAGED_VALUES = {
    "a BLOB for a Berke id": "UPDATE assessments SET source_candidate_id = X'4231'",
    "a gone date that is no date": "UPDATE orders SET gone_since = 'yesterday'",
    "a link made at no time": "UPDATE assessments SET created_at = 'x'",
}


@pytest.mark.usefixtures("running_loop")
@pytest.mark.parametrize("first_frame", [True, False], ids=["peeked", "not peeked"])
@pytest.mark.parametrize("damage", DAMAGED_VALUES.values(), ids=DAMAGED_VALUES.keys())
def test_a_data_file_with_a_value_it_cannot_read_opens_demo_mode_and_says_so(
    qtbot: QtBot,
    qsettings: QSettings,
    working_day: WorkingDay,
    damage: str,
    first_frame: bool,
) -> None:
    """A value another program wrote into the data file (SQLite keeps any type in any column):
    the models' reading raised AttributeError, ValueError or a ValidationError, and every start
    ended on "Assessment Desk could not start". Now it is said as a file that cannot be used,
    its rows leave the window, and the file is left as it was."""
    profile, keys = working_day(3)
    path = database_path_for(profile)
    db = Database(path)
    with db.transaction() as conn:
        conn.execute(damage)
    db.close()
    kept = path.read_bytes()
    window = _peeked_window(qtbot, qsettings) if first_frame else MainWindow(qsettings)
    if not first_frame:
        qtbot.addWidget(window)

    host = _host_of(window, profile, keys)
    try:
        if first_frame:
            assert finished(qtbot, host.show_cached()) is False
            assert window.orders.source is None  # the rows read without the models left
        finished(qtbot, host.open())
        assert host.session is not None
        assert host.session.demo
        title, said = window.messages.shown[-1]
        assert title == "Data file cannot be used"
        assert str(path) in said
        assert "cannot read" in said
        assert "demo mode" in said
        assert path.read_bytes() == kept
    finally:
        window.close()
        finished(qtbot, host.close())


def _cached_order(i: int) -> AssessmentOrder:
    candidate = {"id": f"c{i}", "firstName": "Ana", "lastName": f"N{i}"}
    return AssessmentOrder.model_validate(
        {"id": f"cached-{i}", "status": "NEW", "candidate": candidate}
    )


def _peeked_window(qtbot: QtBot, qsettings: QSettings) -> MainWindow:
    """The window as a working day's start shows it in its first frame: the cached rows."""
    from app.ui.application import _show_peeked_inbox

    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    _show_peeked_inbox(window)
    return window


def test_the_models_read_after_the_first_frame_complete_the_rows_it_showed(
    qtbot: QtBot,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
    working_day: WorkingDay,
) -> None:
    from app.ui.application import LaunchOptions, _settings_and_keys
    from app.ui.orders.cached_orders import CachedOrders

    _profile, keys = working_day(7)
    window = _peeked_window(qtbot, qsettings)
    peeked = window.orders.source
    assert isinstance(peeked, CachedOrders)
    assert window.orders.model.rowCount() == 7
    assert (window.orders.controller.read_only or "").startswith("Connecting")
    window.show()
    window.orders.select_order("cached-3")
    assert window.orders.detail.order is None  # rows only: the models are not loaded yet
    saved = _settings_and_keys(LaunchOptions(read_saved_settings=True, keys=keys))
    host = SessionHost(window, saved.settings, keys, settings_file=saved.file)

    def wait(coro: Awaitable[T]) -> T:
        return finished(qtbot, coro)

    try:
        assert wait(host.show_cached()) is True
        assert window.orders.source is peeked  # completed, not shown again
        assert window.orders.model.rowCount() == 7
        shown = window.orders.detail.order
        assert shown is not None  # the pane follows: the order is there now
        assert shown.id == "cached-3"
        link = peeked.link("cached-3")
        assert link is not None
        assert link.invitation_code == "INV-3"
        cached_db = host._cached[1] if host._cached else None
        wait(host.open())
        assert host.desk is not None
        assert host.desk.db is cached_db  # the board started from the models' reading
    finally:
        window.close()
        wait(host.close())


def test_the_order_selected_while_connecting_stays_selected_once_connected(
    qtbot: QtBot,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
    working_day: WorkingDay,
) -> None:
    """The order a coordinator clicked in the cached inbox ("Connecting…") was dropped, pane
    and all, the moment the session opened: the live rows reset the list, and nothing
    selected the order again."""
    from app.ui.application import LaunchOptions, _settings_and_keys

    _profile, keys = working_day(7)
    window = _peeked_window(qtbot, qsettings)
    window.show()
    saved = _settings_and_keys(LaunchOptions(read_saved_settings=True, keys=keys))
    host = SessionHost(window, saved.settings, keys, settings_file=saved.file)
    try:
        assert finished(qtbot, host.show_cached()) is True
        window.orders.select_order("cached-3")
        assert window.orders.detail.order is not None
        finished(qtbot, host.open())
        assert window.orders.source is not None
        assert window.orders.source.read_only_reason is None  # the live inbox
        assert window.orders.selected_ids() == ["cached-3"]
        shown = window.orders.detail.order
        assert shown is not None
        assert shown.id == "cached-3"
    finally:
        window.close()
        finished(qtbot, host.close())


def _row(i: int) -> OrderRow:
    return OrderRow(
        id=f"o-{i:03}", status=OrderStatus.NEW, candidate_id=f"c{i}", candidate=f"Ana N{i}",
        email="", job="Nurse", company="Acme", requestor="",
        created=f"2026-03-10T10:{i // 60:02}:{i % 60:02}.000+00:00", assessment="",
        activity="", berke="", attention="", berke_id="",
    )  # fmt: skip


def test_the_same_data_files_orders_keep_the_selection_and_scroll_and_anothers_do_not(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The rows of one data file shown again (the cached inbox, then the live one) dropped
    the orders selected. They stay selected now, the keyboard on the same one, the list where
    it was scrolled, wherever the new rows hold them; another data file's rows (another
    profile's) start afresh, whatever ids they share."""
    from PySide6.QtWidgets import QAbstractItemView, QWidget

    from app.ui.common.messages import Messages
    from app.ui.orders.cached_orders import CachedOrders
    from app.ui.orders.orders_room import OrdersRoom
    from tests.ui.conftest import show_exposed

    rows = OrderColumns.of_rows([_row(i) for i in range(300)])
    host = QWidget()
    qtbot.addWidget(host)
    room = OrdersRoom(Messages(host), host)
    room.set_source(CachedOrders(tmp_path / "day.sqlite", rows))
    host.resize(1280, 800)
    room.resize(1280, 800)
    show_exposed(qtbot, host)
    picked = room.proxy.order_ids()[150:153]
    room.reselect(picked)
    middle = room.proxy.index(151, 0)
    room.table.selectionModel().setCurrentIndex(middle, QItemSelectionModel.SelectionFlag.NoUpdate)
    room.table.scrollTo(middle, QAbstractItemView.ScrollHint.PositionAtCenter)
    scrolled = room.table.verticalScrollBar().value()
    assert scrolled > 0
    assert room.selected_ids() == picked

    live = OrderColumns.of_rows([rows.row(i) for i in reversed(range(len(rows)))])
    room.set_source(CachedOrders(tmp_path / "day.sqlite", live))
    assert room.model.row_of(picked[0]) != rows.id.index(picked[0])  # held elsewhere now
    assert room.selected_ids() == picked
    assert room.table.currentIndex().data(ORDER_ID_ROLE) == picked[1]
    assert room.table.verticalScrollBar().value() == scrolled

    room.set_source(CachedOrders(tmp_path / "other.sqlite", rows.copy()))
    assert room.selected_ids() == []


def test_rows_the_models_read_otherwise_are_shown_as_they_read_them(
    qtbot: QtBot,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
    working_day: WorkingDay,
) -> None:
    """The first frame's rows and the models' reading disagree (here: an order cached between
    the two readings; in life, an order the peek reads and the models would not): the models'
    rows replace them."""
    profile, keys = working_day(3)
    window = _peeked_window(qtbot, qsettings)
    peeked = window.orders.source
    assert window.orders.model.rowCount() == 3
    db = Database(database_path_for(profile))
    OrderCache(db).merge([_cached_order(9)])
    db.close()
    host = SessionHost(window, AppSettings(profiles=[profile], active="Day"), keys)
    try:
        assert finished(qtbot, host.show_cached()) is True
        assert window.orders.source is not peeked
        assert window.orders.model.rowCount() == 4
        assert window.orders.source is not None
        assert window.orders.source.order("cached-9") is not None
    finally:
        window.close()
        finished(qtbot, host.close())


def test_a_row_the_models_do_not_read_twice_is_not_left_shown(
    qtbot: QtBot,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
    working_day: WorkingDay,
) -> None:
    """A second stored copy of an order (same id inside, a field only the models refuse): the
    first frame shows its row twice, the models once. Rows compared by id alone matched, and
    the copy stayed on screen behind an order that is not there."""
    import json

    profile, keys = working_day(3)
    db = Database(database_path_for(profile))
    with db.transaction() as conn:
        copy = _cached_order(1).to_body()
        copy["candidate"] = {**copy["candidate"], "phone": 5}
        conn.execute(
            "INSERT INTO orders (id, status, data, first_seen_at, synced_at)"
            " SELECT 'copy-of-1', status, ?, first_seen_at, synced_at FROM orders"
            " WHERE id = 'cached-1'",
            (json.dumps(copy),),
        )
    db.close()
    window = _peeked_window(qtbot, qsettings)
    peeked = window.orders.source
    assert window.orders.model.rowCount() == 4  # the peek reads the copy's row fields
    host = SessionHost(window, AppSettings(profiles=[profile], active="Day"), keys)
    try:
        assert finished(qtbot, host.show_cached()) is True
        assert window.orders.source is not peeked
        assert window.orders.model.rowCount() == 3
    finally:
        window.close()
        finished(qtbot, host.close())


def test_rows_of_a_profile_not_in_use_leave_the_window(
    qtbot: QtBot,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
    working_day: WorkingDay,
) -> None:
    """The settings' own reading puts another profile in use than the peek saw (the saved
    one refused, the file changed meanwhile): the rows shown go, none are left behind."""
    profile, keys = working_day(3)
    window = _peeked_window(qtbot, qsettings)
    assert window.orders.model.rowCount() == 3
    host = SessionHost(window, AppSettings(profiles=[profile]), keys)  # the sandbox in use
    try:
        assert finished(qtbot, host.show_cached()) is False
        assert window.orders.source is None
        assert window.orders.model.rowCount() == 0
    finally:
        window.close()
        finished(qtbot, host.close())


def test_an_inbox_the_first_frame_does_not_read_is_shown_after_it(
    qtbot: QtBot,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
    working_day: WorkingDay,
) -> None:
    """An order the first frame's reading leaves to the models (a time as a number, which
    they read): the first frame shows no rows, the models' reading right after it does."""
    import json

    profile, keys = working_day(3)
    db = Database(database_path_for(profile))
    with db.transaction() as conn:
        order = {**_cached_order(1).to_body(), "createDate": 1764511500}
        conn.execute("UPDATE orders SET data = ? WHERE id = 'cached-1'", (json.dumps(order),))
    db.close()
    window = _peeked_window(qtbot, qsettings)
    assert window.orders.source is None
    host = SessionHost(window, AppSettings(profiles=[profile], active="Day"), keys)
    try:
        assert finished(qtbot, host.show_cached()) is True
        assert window.orders.model.rowCount() == 3
    finally:
        window.close()
        finished(qtbot, host.close())


@pytest.mark.usefixtures("running_loop")
def test_a_peek_that_fails_leaves_the_inbox_to_the_models_and_starts(
    qtbot: QtBot,
    qsettings: QSettings,
    working_day: WorkingDay,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Whatever the peek did not foresee (here: an error of its own) is an aid to the first
    frame lost, never a start-up that fails: the models' reading shows the inbox after it."""
    from app.workflows import inbox_peek

    def fails() -> None:
        raise RuntimeError("a peek that did not foresee this")

    profile, keys = working_day(3)
    monkeypatch.setattr(inbox_peek, "peek_active_inbox", fails)
    window = _peeked_window(qtbot, qsettings)
    assert window.orders.source is None
    assert "the peek failed" in caplog.text
    host = SessionHost(window, AppSettings(profiles=[profile], active="Day"), keys)
    try:
        assert finished(qtbot, host.show_cached()) is True
        assert window.orders.model.rowCount() == 3
    finally:
        window.close()
        finished(qtbot, host.close())


def test_the_demo_services_started_with_the_desk_serve_its_first_demo_session(
    qtbot: QtBot, qsettings: QSettings, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Started with the desk (``run_app``), the demo's services are the first demo session's,
    and end with it; a second demo session starts its own, fresh ones."""
    launched = DemoServices.launch(orders=3)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(window, AppSettings(), KeyStore(), demo_services=launched)
    try:
        finished(qtbot, host.open())
        assert host.session is not None
        assert host.session.sandbox is launched
        assert finished(qtbot, window.sync())
        assert window.orders.model.rowCount() == 3
        finished(qtbot, host.close())
        assert launched.process.returncode == 0
        window.connect_board(None, None)
        finished(qtbot, host.open())
        assert host.session is not None
        again = host.session.sandbox
        assert isinstance(again, DemoServices)
        assert again is not launched
    finally:
        window.close()
        finished(qtbot, host.close())
    assert again.process.returncode == 0


def test_demo_services_no_session_took_end_with_the_host(
    qtbot: QtBot, qsettings: QSettings, running_loop: asyncio.AbstractEventLoop
) -> None:
    """A start that ended before its session opened leaves no services serving nobody."""
    launched = DemoServices.launch(orders=1)
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(window, AppSettings(), KeyStore(), demo_services=launched)
    window.close()
    finished(qtbot, host.close())
    assert launched.process.returncode == 0


def test_the_demo_services_are_started_with_the_desk_only_for_demo_mode() -> None:
    """``--demo``, or nothing saved (the built-in sandbox, ``_may_show_cached`` is False):
    started. A caller's own settings, or none read: left to a session that needs them."""
    from app.ui.application import LaunchOptions, _demo_services_for

    assert _demo_services_for(LaunchOptions(settings=AppSettings())) is None
    assert _demo_services_for(LaunchOptions()) is None
    for options in (LaunchOptions(demo=True), LaunchOptions(read_saved_settings=True)):
        launched = _demo_services_for(options)
        assert isinstance(launched, DemoServices)
        launched.stop()
        assert launched.process.returncode == 0


def test_settings_saved_while_the_first_session_opens_replace_it_whole(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Saved while the first session was still opening, settings that change the connection
    closed nothing (none was open yet); that session then opened, and was replaced without
    being closed: its board polled on, beside the new one."""
    gate = asyncio.Event()
    opened: list[Session] = []

    async def demo(**_kwargs: object) -> Session:
        session = Session(
            sr=SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY),
            berke=BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN),
            demo=True,
        )
        opened.append(session)
        if len(opened) == 1:
            await gate.wait()  # the first session, still opening
        return session

    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    host = SessionHost(window, AppSettings(), KeyStore(), demo_opener=demo)
    other = ConnectionProfile(
        name="Other", sr_base_url=sandbox.sr_base_url, berke_base_url=sandbox.berke_base_url
    )
    try:
        first = asyncio.ensure_future(host.open())
        qtbot.waitUntil(lambda: len(opened) == 1)
        applying = asyncio.ensure_future(
            host.apply(AppSettings(profiles=[other], active="Other"))  # no keys: demo again
        )
        gate.set()
        qtbot.waitUntil(lambda: first.done() and applying.done())
        first.result(), applying.result()
        assert len(opened) == 2
        assert host.session is opened[1]
        assert opened[0].sr._http.http.is_closed  # the first one was closed, not left open
    finally:
        window.close()
        finished(qtbot, host.close())


@pytest.mark.usefixtures("running_loop")
def test_a_window_closed_before_the_apps_loop_runs_still_ends_the_desk(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The first frame is painted in an event loop of its own, before the asyncio loop runs
    (``_first_frame``): a window closed then, when no asyncio event could hear it, still ends
    the desk once its start is over, instead of leaving it running with no window."""
    from PySide6.QtWidgets import QApplication

    from app.store.instance_lock import InstanceLock
    from app.ui.application import LaunchOptions, _first_frame, _run_desk

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    options = LaunchOptions(settings=AppSettings(), keys=KeyStore())
    lock = InstanceLock(tmp_path)
    lock.acquire()
    try:
        first = _first_frame(app, options)
        assert first.timings.first_frame_ms is not None  # painted, before any asyncio loop ran
        first.window.close()
        task = asyncio.ensure_future(_run_desk(app, options, lock, first, None))
        # A guard only: the desk ends as soon as its start (a demo session, a sync) is over.
        qtbot.waitUntil(task.done, timeout=60_000)
        assert task.result() == 0
    finally:
        lock.release()
        app.setQuitOnLastWindowClosed(True)  # as the test session's other windows expect


def test_a_start_that_fails_before_the_apps_loop_says_so(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What goes wrong between the first frame and the asyncio loop (here: starting the demo's
    services) ends the start as a failure anywhere else does: said (the self-test's verdict),
    exit status 1, the window closed, the data folder free again."""
    from PySide6.QtWidgets import QApplication

    from app.store.instance_lock import InstanceLock
    from app.store.paths import data_dir
    from app.ui import application

    def fails(options: application.LaunchOptions) -> None:
        raise RuntimeError("no process could be made")

    monkeypatch.setattr(application, "_demo_services_for", fails)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        code = application._run(app, application.LaunchOptions(demo=True, self_test=True))
    finally:
        app.setQuitOnLastWindowClosed(True)  # as the test session's other windows expect
    assert code == 1
    assert "self-test: FAILED: no process could be made" in capsys.readouterr().err
    assert not [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    with InstanceLock(data_dir()):  # released
        pass
