"""Build the QApplication, show the main window, run the qasync loop, open the session.

The main window's first frame comes first, in a Qt event loop of its own (``_first_frame``):
asyncio and qasync (~30 ms of imports), the profiles, the models and the clients load after it.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.store.instance_lock import AlreadyRunningError, InstanceLock, LockUnavailableError
from app.store.paths import data_dir, settings_path
from app.ui.file_open_events import HANDED_OVER_IN_EVENTS, listen_for_files, open_files_with
from app.ui.garbage_collection import collected_on_this_thread
from app.ui.resources import app_icon_path
from app.ui.startup_timings import StartupTimings
from app.workflows.heap import START_UP_SECONDS, end_pause, settle_heap, settle_start_up

if TYPE_CHECKING:  # what the first frame does not need is loaded after it (see _run_desk)
    import asyncio

    from app.domain.connection import AppSettings
    from app.store.credentials import KeyStore
    from app.store.settings_file import SettingsFile
    from app.ui.main_window import MainWindow
    from app.ui.session_host import SessionHost
    from app.ui.single_instance import ActivationServer
    from app.workflows.board import OrderBoard
    from app.workflows.demo_services import DemoServices

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaunchOptions:
    demo: bool = False
    self_test: bool = False
    timings: bool = False  # with self_test: print first-frame-ms and first-sync-ms
    settings: AppSettings | None = None  # None: the saved or the built-in profiles
    read_saved_settings: bool = False  # read settings.json (after the first window is built)
    keys: KeyStore | None = None
    log_path: Path | None = None
    snapshot: Path | None = None  # open this snapshot read-only and offline instead


def _make_application() -> QApplication:
    QCoreApplication.setOrganizationName("Berke")
    QCoreApplication.setOrganizationDomain("berkeassessment.com")
    QCoreApplication.setApplicationName("AssessmentDesk")
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QGuiApplication.setApplicationDisplayName("Assessment Desk")
    QGuiApplication.setDesktopFileName("assessment-desk")
    icon = app_icon_path()
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    if HANDED_OVER_IN_EVENTS:  # from the start: at a cold start the file comes before a window
        listen_for_files(app)
    return app


async def _run_snapshot(app: QApplication, path: Path, options: LaunchOptions) -> int:
    """``--snapshot FILE``: no session, no network, no keyring; a bad file is one sentence on
    stderr and exit status 2."""
    import asyncio

    from app.domain.file_names import shown_in_sentence
    from app.store.snapshot_file import SnapshotError
    from app.ui.common.error_dialog import DialogNotifier
    from app.ui.desk_settings import desk_settings
    from app.ui.main_window import open_snapshot_window
    from app.ui.snapshots.snapshot_menu import remember_snapshot
    from app.ui.snapshots.snapshot_source import read_snapshot
    from app.workflows.notifier import install_error_hooks

    app.setQuitOnLastWindowClosed(False)
    try:
        read = await asyncio.to_thread(read_snapshot, path)
        snapshot = read.snapshot
        if options.self_test:
            await asyncio.to_thread(snapshot.validate_all)  # a check: every order, now
    except SnapshotError as exc:
        log.warning("Snapshot %s refused: %s", path, exc)
        print(f"assessment-desk: {exc}", file=sys.stderr)
        if not options.self_test:
            _tell(QMessageBox.Icon.Critical, str(exc))
        return 2
    settings = desk_settings()
    window = open_snapshot_window(path, settings, read)
    remember_snapshot(settings, path)
    window.show()
    settle_heap()  # the start-up pause ends (see app.workflows.heap)
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    open_windows = _SnapshotWindows(closed)
    open_windows.track(window)
    open_files_with(app, open_windows.open_snapshot)  # a snapshot double-clicked meanwhile
    hooks = install_error_hooks(
        DialogNotifier(window, options.log_path), asyncio.get_running_loop()
    )
    try:
        if options.self_test:
            shown = window.orders.model.rowCount()
            ok = window.isVisible() and shown == len(snapshot)
            print(
                # Named as file managers name it: a byte that is not UTF-8, printed as
                # Python holds it, raised UnicodeEncodeError on a UTF-8 terminal.
                f"self-test: {'ok' if ok else 'FAILED'}: snapshot {shown_in_sentence(path.name)}, "
                f"{shown} orders (read-only, offline)"
            )
            return 0 if ok else 1
        await closed.wait()
        return 0
    finally:
        open_files_with(app, None)
        open_windows.close_all()
        hooks.uninstall()


class _SnapshotWindows:
    """``--snapshot``'s windows: the first, and those opened from it (File > Open snapshot).
    The app ends with the last of them: it ended with the first, and took the others along."""

    def __init__(self, all_closed: asyncio.Event) -> None:
        self._open: list[MainWindow] = []
        self._all_closed = all_closed

    def track(self, window: QWidget) -> None:
        from app.ui.main_window import MainWindow

        if not isinstance(window, MainWindow):
            return
        self._open.append(window)
        window.closed.connect(lambda: self._closed(window))
        window.snapshot_menu.window_opened.connect(self.track)

    def open_snapshot(self, path: Path) -> None:
        """``path`` opened from the window in front, as File > Open snapshot would."""
        if not self._open:
            return
        active = QApplication.activeWindow()
        window = next((w for w in self._open if w is active), self._open[-1])
        window.snapshot_menu.start_opening(path)

    def _closed(self, window: MainWindow) -> None:
        if window in self._open:
            self._open.remove(window)
        if not self._open:
            self._all_closed.set()

    def close_all(self) -> None:
        for window in list(self._open):
            window.close()


ALREADY_RUNNING_EXIT = 3


def _tell(icon: QMessageBox.Icon, text: str, parent: QWidget | None = None) -> None:
    """A modal box with ``text`` as written (a file's or a service's words in it are never
    read as HTML)."""
    from app.ui.common.messages import plain_box

    plain_box(icon, "Assessment Desk", text, parent).exec()


def _refuse_second_desk(exc: AlreadyRunningError, options: LaunchOptions) -> int:
    """Another desk holds the data folder: bring its window to the front and say so."""
    from app.ui.single_instance import ask_running_desk_to_activate

    # A holder that is not a desk with a window (--configure, a desk closing) has none to raise.
    told = not exc.role and ask_running_desk_to_activate(exc.folder)
    log.warning("Refused a second start: %s", exc)
    print(f"assessment-desk: {exc}", file=sys.stderr)
    if not told and not options.self_test:
        _tell(QMessageBox.Icon.Information, str(exc))
    return ALREADY_RUNNING_EXIT


def _run(app: QApplication, options: LaunchOptions) -> int:
    if options.snapshot is not None:
        return _in_loop(app, _run_snapshot(app, options.snapshot, options))
    # One desk per data folder: a second one would resume (and so send) the first one's steps.
    lock = InstanceLock(data_dir())
    try:
        lock.acquire()
    except AlreadyRunningError as exc:
        return _refuse_second_desk(exc, options)
    except LockUnavailableError as exc:
        log.error("Cannot lock the data folder: %s", exc)
        print(f"assessment-desk: {exc}", file=sys.stderr)
        if not options.self_test:
            _tell(QMessageBox.Icon.Critical, str(exc))
        return 1
    first: _FirstFrame | None = None
    demo_services: DemoServices | None = None
    try:
        try:
            first = _first_frame(app, options)
            # A start that may open demo mode starts its services now: they load in their own
            # process while the desk loads asyncio, the profiles and the models.
            demo_services = None if first.cached else _demo_services_for(options)
        except Exception as exc:
            log.exception("Start-up failed")
            window = None if first is None else first.window
            try:
                return _start_failed(exc, options, window)
            finally:
                if window is not None:
                    window.close()
        return _in_loop(app, _run_desk(app, options, lock, first, demo_services))
    finally:
        if demo_services is not None:
            demo_services.stop()  # done already when a session took them; else now
        # Released once the loop has closed, its worker threads (a write, the keyring) too.
        lock.release()


_T = TypeVar("_T")


def _in_loop(app: QApplication, main: Coroutine[Any, Any, _T]) -> _T:
    """``main`` run to its end on an asyncio loop that is Qt's (qasync), loaded now."""
    try:
        import asyncio

        import qasync

        runner = asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app))
    except BaseException:
        main.close()  # never to run: closed, not left to warn that it was never awaited
        raise
    with runner:
        return runner.run(main)


class _FirstFrame(NamedTuple):
    window: MainWindow
    timings: StartupTimings
    cached: bool  # a profile may have a cached inbox to show (``_may_show_cached``)
    closed: Callable[[], bool]  # whether the window was closed before the app's loop ran


def _first_frame(app: QApplication, options: LaunchOptions) -> _FirstFrame:
    """The window, shown and painted: on a working day with the cached inbox in it. Nothing of
    asyncio, the profiles or the models is needed."""
    from app.ui.main_window import MainWindow

    # The loop, not Qt, decides when to stop: clients and the sandbox close after the window.
    app.setQuitOnLastWindowClosed(False)
    window = MainWindow()
    timings = StartupTimings()
    timings.watch(window)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    cached = _may_show_cached(options)
    # A caller's own settings (tests) are read by the models, after the frame.
    if cached and options.settings is None:
        _show_peeked_inbox(window)
    window.show()
    timings.first_frame()
    return _FirstFrame(window, timings, cached, lambda: bool(closed))


async def _run_desk(
    app: QApplication,
    options: LaunchOptions,
    lock: InstanceLock,
    first: _FirstFrame,
    demo_services: DemoServices | None,
) -> int:
    """What the first frame did not need: the profiles, the models, the sandbox, httpx, the
    keyring, the dialogs; then the session (``demo_services``: the demo's, started) and the
    first sync."""
    import asyncio

    from app.ui.main_window import keep_typed_work_on_logout
    from app.workflows.notifier import install_error_hooks

    window, timings = first.window, first.timings
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    window.closed.connect(closed.set)
    # Cmd+Q, the Dock and a Mac logout close the window's dialogs, which ask; a logout
    # elsewhere closes none, and asks the app itself.
    logout = functools.partial(keep_typed_work_on_logout, window)
    app.commitDataRequest.connect(logout)
    if first.closed():
        closed.set()
    host: SessionHost | None = None
    hooks = None
    activation = None
    try:
        # A snapshot double-clicked in the Finder opens as File > Open snapshot would open it.
        open_files_with(app, window.snapshot_menu.start_opening)
        # The collector's start-up pause ends with start-up (app.workflows.heap), at the latest:
        asyncio.get_running_loop().call_later(START_UP_SECONDS, settle_start_up)
        host = _session_host(window, options, demo_services)
        if first.cached:
            await host.show_cached()
        from app.ui.common.error_dialog import DialogNotifier

        activation = _answer_second_starts(lock, window)
        # One path for every error: slots, threads and tasks report to a dialog, the app goes on.
        hooks = install_error_hooks(
            DialogNotifier(window, options.log_path), asyncio.get_running_loop()
        )
        board = await host.open()
        synced = await window.sync()
        timings.synced()
        _started()
        if options.self_test:
            return _self_test_verdict(
                window, board, synced, timings, options, fell_back=host.notice
            )
        await closed.wait()
        return 0
    except Exception as exc:
        log.exception("Start-up failed")
        return _start_failed(exc, options, window)
    finally:
        app.commitDataRequest.disconnect(logout)
        open_files_with(app, None)
        _stop_answering_second_starts(lock, activation)
        window.close_for_good()  # the app ends: not refused for a dialog's typed work
        if host is not None:
            await host.close()
        if hooks is not None:
            hooks.uninstall()


def _start_failed(exc: Exception, options: LaunchOptions, window: QWidget | None = None) -> int:
    """A start that failed (logged by the caller): said in a box, or in the self-test's
    verdict; exit status 1."""
    if options.self_test:
        print(f"self-test: FAILED: {exc}", file=sys.stderr)
        return 1
    _tell(QMessageBox.Icon.Critical, f"Assessment Desk could not start:\n\n{exc}", window)
    return 1


#: How a desk whose window has closed, and whose work is ending, is named to a second start.
CLOSING_DESK = "An Assessment Desk that is closing"


def _stop_answering_second_starts(lock: InstanceLock, activation: ActivationServer | None) -> None:
    """The window is closing, and the session's work may take a while to end (uploads
    stopped, the journal written): a second start meanwhile was told to "use that window"."""
    lock.hold_as(CLOSING_DESK)
    if activation is not None:
        activation.close()


def _answer_second_starts(lock: InstanceLock, window: MainWindow) -> ActivationServer:
    """A second start of the desk on this data folder brings this window to the front."""
    from app.ui.single_instance import ActivationServer, bring_to_front

    activation = ActivationServer(lock.folder, window)
    activation.activate_requested.connect(lambda: bring_to_front(window))
    activation.listen()
    return activation


def _self_test_verdict(
    window: MainWindow,
    board: OrderBoard,
    synced: bool,
    timings: StartupTimings,
    options: LaunchOptions,
    *,
    fell_back: str | None = None,
) -> int:
    """``--self-test``: the verdict printed, and the exit status (0: everything worked).
    ``fell_back``: why the session is not the one the active profile asks for (no keys, a
    damaged data file: demo mode instead). The demo then worked, and a deployment check read
    "ok" on a desk that could not reach its services."""
    shown = window.orders.model.rowCount()
    listed = board.last_sync.fetched if board.last_sync is not None else 0
    # The demo's sandbox is seeded with orders; a real inbox may hold none yet (a vendor new
    # on the Marketplace): an empty list fails only when the sync listed orders to show.
    rows_expected = board.demo or listed > 0
    ok = synced and (shown > 0 or not rows_expected) and window.isVisible() and fell_back is None
    verdict = f"self-test: {'ok' if ok else 'FAILED'}: {shown} orders ({board.description})"
    if fell_back is not None:
        verdict += f"; the profile asked for was not used: {fell_back}"
    if options.timings:
        print(verdict, file=sys.stderr)  # stdout: the two figures alone
        print("\n".join(timings.lines()))
    else:
        print(verdict)
    return 0 if ok else 1


def _may_show_cached(options: LaunchOptions) -> bool:
    """Whether a profile may have a cached inbox to show at start: one was given, or saved.
    With nothing saved the active profile is the built-in sandbox, whose store lives in memory:
    no cached inbox is looked for."""
    if options.demo:
        return False
    if options.settings is not None:
        return True
    if not options.read_saved_settings:
        return False
    try:
        return settings_path().exists()
    except OSError:  # an unreadable folder: reading the settings says so, and goes on
        return True


def _show_peeked_inbox(window: MainWindow) -> None:
    """A working day's first frame: the saved active profile's cached inbox as rows, found and
    read without pydantic or a model (~100 ms less before the frame than through them,
    ``bench/startup.py --cached``); ``SessionHost.show_cached`` completes them after it.

    Read on the GUI thread, before the window is on screen (there is nothing to keep live
    yet): in a thread of its own, beside the window being built, the frame came ~10 ms later
    (A/B), the two taking turns for Python's lock."""
    from app.ui.orders.cached_orders import CachedOrders, inbox_rows_as_columns
    from app.workflows.inbox_peek import peek_active_inbox

    try:
        inbox = peek_active_inbox()
        peeked = None if inbox is None else (inbox.path, inbox_rows_as_columns(inbox))
    except Exception:  # an aid to the first frame, never a reason not to start
        log.exception("The cached inbox is read after the first frame: the peek failed")
        return
    if peeked is not None:
        window.orders.set_source(CachedOrders(*peeked))


def _demo_services_for(options: LaunchOptions) -> DemoServices | None:
    """Demo mode's services, started now when this start opens demo mode (``--demo``, or
    nothing saved yet: the built-in sandbox), in a process of their own: they load and start
    listening there while the desk loads what its session needs."""
    if not options.demo and (options.settings is not None or not options.read_saved_settings):
        return None  # a caller's own settings (tests): a session starts its own if it must
    from app.workflows.demo_services import DemoServices

    try:
        return DemoServices.launch()
    except OSError:  # the session tries again, then runs the sandbox in a thread instead
        log.warning("The demo's services could not be started in a process", exc_info=True)
        return None


def _session_host(
    window: MainWindow, options: LaunchOptions, demo_services: DemoServices | None = None
) -> SessionHost:
    """The host of the window's sessions; ``demo_services``: the demo's services, started with
    the desk (``_demo_services_for``), for its first demo session. They are stopped if no host
    takes them."""
    from app.ui.session_host import SessionHost
    from app.workflows.demo_services import stop_in_background

    try:
        saved = _settings_and_keys(options)
        return SessionHost(
            window,
            saved.settings,
            saved.keys,
            force_demo=options.demo,
            settings_problem=saved.problem,
            settings_file=saved.file,
            demo_services=demo_services,
        )
    except BaseException:
        if demo_services is not None:
            stop_in_background(demo_services)  # not waited for on the loop
        raise


class _Saved(NamedTuple):
    settings: AppSettings
    keys: KeyStore
    problem: str | None  # what of the saved settings could not be read (None: all of it was)
    file: SettingsFile | None  # the file they were read from (None: given, or built in)


def _settings_and_keys(options: LaunchOptions) -> _Saved:
    """The profiles (saved, or the built-in ones: the sandbox) and the key store."""
    from app.domain.connection import AppSettings
    from app.store.credentials import KeyStore

    settings, problem, file = options.settings, None, None
    if settings is None and options.read_saved_settings:
        from app.store.settings_file import SettingsFile

        file = SettingsFile()
        settings, problem = file.read()
    settings = settings or AppSettings()
    keys = options.keys or KeyStore(file_opt_in=settings.keys_file_opt_in)
    return _Saved(settings, keys, problem, file)


def _started() -> None:
    """Start-up is over: what was loaded and read lives on (out of full garbage collections),
    and Qt is told the version (read now, not before the first frame)."""
    import app

    QCoreApplication.setApplicationVersion(app.__version__)
    settle_heap()


def run_app(options: LaunchOptions) -> int:
    app = _make_application()
    try:
        with collected_on_this_thread(app):
            return _run(app, options)
    finally:
        end_pause()
