"""Qt fixtures: qasync loops on the test QApplication, settings in a temporary file, and a desk
(clients on the real sandbox, a real SQLite file)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import ContactPerson
from app.domain.step_kinds import StepKind
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.offers import OffersView
from app.ui.orders.board_signals import BoardSignals
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.offer_catalog import OfferCatalog
from app.workflows.session import Session
from tests.ui.contrast import app_palette, dark_palette

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer
    from app.ui.offers import OffersView
    from app.ui.orders.orders_room import OrdersRoom
    from app.ui.session_host import SessionHost
    from app.ui.settings.settings_dialog import SettingsDialog


# Loops made by these fixtures are kept referenced until the session ends. A qasync loop owns
# QObjects (its timer, socket notifiers); left to Python's cyclic GC, they may be freed from
# whatever thread the collector happens to run in (an executor or the sandbox's thread), which
# corrupts Qt's timer lists and crashes a later test in QCoreApplication::notify.
_KEEP_ALIVE: list[asyncio.AbstractEventLoop] = []


@pytest.fixture
def qloop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop for ``run_until_complete``: Qt events are processed while it waits."""
    loop = qasync.QEventLoop(qapp)
    _KEEP_ALIVE.append(loop)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture(scope="session")
def _clicking_loop(qapp: QApplication) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop "already running" on the Qt loop, for the whole session.

    It is never stopped: ``stop()`` calls ``QApplication.exit()``, after which every later Qt
    wait in the session would return at once.
    """
    loop = qasync.QEventLoop(qapp, already_running=True)
    # A plain pool, shut down at the end: qasync's own QThread pool would outlive the session.
    executor = ThreadPoolExecutor(max_workers=4)
    loop.set_default_executor(executor)
    _KEEP_ALIVE.append(loop)
    asyncio.events._set_running_loop(None)  # attached per test by `running_loop`
    yield loop
    executor.shutdown(wait=True)


@pytest.fixture
def running_loop(
    qapp: QApplication, _clicking_loop: asyncio.AbstractEventLoop
) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop that runs whenever Qt processes events, e.g. inside ``qtbot.waitUntil``:
    for tests that click a button whose slot starts network work."""
    loop = _clicking_loop
    asyncio.events._set_running_loop(loop)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    for _ in range(5):
        qapp.processEvents()
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def text_scale(qapp: QApplication, request: pytest.FixtureRequest) -> Iterator[float]:
    """The app's text at 150 % of its size, as a desktop set to large text gives it (the
    screen unchanged); another scale with ``parametrize("text_scale", [...], indirect=True)``.
    Put back after."""
    scale: float = getattr(request, "param", 1.5)
    before = qapp.font()
    font = QFont(before)
    font.setPointSizeF(before.pointSizeF() * scale)
    qapp.setFont(font)
    yield scale
    qapp.setFont(before)


@pytest.fixture
def dark_desktop(qapp: QApplication, qtbot: QtBot) -> Iterator[None]:
    """The app on Qt's dark Fusion palette, as a dark desktop gives it; its own one after."""
    with app_palette(qtbot, dark_palette()):
        yield


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


def make_desk(sandbox: SandboxServer, path: Path | str) -> Desk:
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    session = Session(
        sr=SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY),
        berke=BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN),
        demo=True,
    )
    return Desk(session, Database(path), author=ContactPerson(first_name="Cora"))


@pytest.fixture
def desk(
    sandbox: SandboxServer, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> Iterator[Desk]:
    made = make_desk(sandbox, tmp_path / "desk.sqlite3")
    yield made
    qloop.run_until_complete(made.session.aclose())
    made.db.close()


@pytest.fixture
def live_desk(
    sandbox: SandboxServer, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> Iterator[Desk]:
    """A desk on the session's sandbox, for a test that runs on the live qasync loop (a
    window's own tasks: the Offers room's); a module may bring its own."""
    made = make_desk(sandbox, tmp_path / "desk.sqlite3")
    yield made
    made.db.close()


def open_offers_view(
    qtbot: QtBot, desk: Desk, catalog: OfferCatalog | None = None, *, resize: bool = True
) -> OffersView:
    """The Offers room on ``desk``'s sandbox, shown, its first page read (a test that shrinks
    ``offers.PAGE_SIZE`` does so first)."""
    view = OffersView()
    qtbot.addWidget(view)
    if resize:
        view.resize(1200, 700)
    view.show()
    with qtbot.waitSignal(view.loaded):
        view.set_catalog(catalog or OfferCatalog(desk.session, desk.db))
    return view


@pytest.fixture
def window(qtbot: QtBot, qsettings: QSettings) -> MainWindow:
    """The main window, shown (a module may have its own)."""
    made = MainWindow(settings=qsettings)
    qtbot.addWidget(made)
    made.show()
    return made


def connect(window: MainWindow, desk: Desk, *, start: bool = True) -> OrderBoard:
    """Show ``desk``'s orders in ``window`` through an order board, as the session host does
    (the board's poll schedule and resumer run unless ``start`` is False)."""
    signals = BoardSignals(window)
    board = OrderBoard(desk, listener=signals.listener())
    window.connect_board(board, signals)
    if start:
        board.start()
    return board


def _wait(qtbot: QtBot, coro: Coroutine[Any, Any, object]) -> None:
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    task.result()


@contextmanager
def board_window(
    qtbot: QtBot, settings: QSettings, server: SandboxServer, path: Path, *, maximised: bool = False
) -> Iterator[tuple[MainWindow, OrderBoard, Desk]]:
    """A shown window on a desk of ``server`` through an order board that is not started (the
    test drives it), at 1280×800 or maximised; closed down afterwards."""
    desk = make_desk(server, path)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    if maximised:
        window.showMaximized()
    else:
        window.resize(1280, 800)
        window.show()
    board = connect(window, desk, start=False)
    try:
        yield window, board, desk
    finally:
        _wait(qtbot, board.stop())
        _wait(qtbot, desk.session.aclose())
        desk.db.close()


W = TypeVar("W", bound=QWidget)


def show_exposed(qtbot: QtBot, widget: QWidget) -> None:
    """Show ``widget`` and wait until its window is on screen (exposed): painted for real.

    pytest-qt's ``waitExposed`` is a context manager. Called bare, as 24 places here did, it
    returned at once and waited for nothing: their windows were often not exposed yet, so
    nothing they did was painted (``tests/ui/test_waits.py`` keeps such calls out)."""
    with qtbot.waitExposed(widget):
        widget.show()


def left_to_right(*widgets: W) -> list[W]:
    """``widgets`` in the order they are seen in their window, left to right (a button box
    places its buttons in the platform's order)."""
    return sorted(widgets, key=lambda w: w.mapTo(w.window(), w.rect().topLeft()).x())


def snapshot_room(qtbot: QtBot, path: Path, temp_root: Path) -> OrdersRoom:
    """An Orders room of its own, shown at 1280×800, on the snapshot at ``path`` (its files
    opened into ``temp_root``)."""
    from app.store.snapshot_file import open_snapshot
    from app.ui.common.messages import Messages
    from app.ui.orders.orders_room import OrdersRoom
    from app.ui.snapshots.snapshot_source import SnapshotOrders

    host = QWidget()
    qtbot.addWidget(host)
    room = OrdersRoom(Messages(host), host)
    room.set_source(SnapshotOrders(open_snapshot(path, temp_root=temp_root)))
    host.resize(1280, 800)
    room.resize(1280, 800)
    show_exposed(qtbot, host)
    return room


def settings_opened(
    qtbot: QtBot, host: SessionHost, before: SettingsDialog | None = None
) -> SettingsDialog:
    """The Settings dialog ``host`` opens (once it has looked at the settings file, off the
    GUI thread), shown; ``before``: a dialog opened earlier, not this one."""
    qtbot.waitUntil(
        lambda: host.dialog is not None and host.dialog is not before and host.dialog.isVisible()
    )
    assert host.dialog is not None
    return host.dialog


def answer(qtbot: QtBot, parent: QWidget, button: str) -> str:
    """Click ``button`` on the question ``parent`` shows (a ``QMessageBox`` opened over it);
    returns the question's text."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    qtbot.waitUntil(lambda: any(b.isVisible() for b in parent.findChildren(QMessageBox)))
    box = next(b for b in parent.findChildren(QMessageBox) if b.isVisible())
    text = box.text()
    qtbot.mouseClick(
        next(b for b in box.buttons() if b.text() == button), Qt.MouseButton.LeftButton
    )
    return text


def data_file_held_once(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, kind: StepKind | None = None
) -> list[int]:
    """The first step answer ``desk`` writes fails as when another program holds the data
    file past the busy timeout ("database is locked"); the later ones are written. The ids
    of the steps whose answers it was asked to write, in order. ``kind``: only that kind's
    steps are held and counted (any other step the window or the board sends meanwhile is
    written as usual, and cannot take the fault meant for the one under test)."""
    real_finish = desk.journal.finish
    calls: list[int] = []

    def held_once(step_id: int, outcome: Any) -> None:
        if kind is not None:
            entry = desk.journal.get(step_id)
            if entry is None or entry.action is not kind:
                real_finish(step_id, outcome)
                return
        calls.append(step_id)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        real_finish(step_id, outcome)

    monkeypatch.setattr(desk.journal, "finish", held_once)
    return calls
