"""Build the QApplication, run the qasync loop, open the session, show the main window."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import qasync
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.domain.connection import AppSettings
from app.store.credentials import KeyStore
from app.store.instance_lock import AlreadyRunningError, InstanceLock, LockUnavailableError
from app.store.paths import data_dir
from app.ui.common.error_dialog import DialogNotifier
from app.ui.main_window import MainWindow
from app.ui.resources import app_icon_path
from app.ui.session_host import SessionHost
from app.ui.single_instance import ActivationServer, ask_running_desk_to_activate, bring_to_front
from app.workflows.notifier import install_error_hooks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaunchOptions:
    demo: bool = False
    self_test: bool = False
    settings: AppSettings | None = None  # None: the built-in profiles, sandbox active
    keys: KeyStore | None = None
    log_path: Path | None = None
    snapshot: Path | None = None  # open this snapshot read-only and offline instead


def _make_application() -> QApplication:
    QCoreApplication.setOrganizationName("Berke")
    QCoreApplication.setOrganizationDomain("berkeassessment.com")
    QCoreApplication.setApplicationName("AssessmentDesk")
    QCoreApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QGuiApplication.setApplicationDisplayName("Assessment Desk")
    QGuiApplication.setDesktopFileName("assessment-desk")
    icon = app_icon_path()
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


async def _run_snapshot(app: QApplication, path: Path, options: LaunchOptions) -> int:
    """``--snapshot FILE``: no session, no network, no keyring; a bad file is one sentence on
    stderr and exit status 2."""
    from PySide6.QtCore import QSettings

    from app.store.snapshot_file import SnapshotError, open_snapshot
    from app.ui.main_window import open_snapshot_window
    from app.ui.snapshots.snapshot_menu import remember_snapshot

    app.setQuitOnLastWindowClosed(False)
    try:
        snapshot = await asyncio.to_thread(open_snapshot, path)
        if options.self_test:
            await asyncio.to_thread(snapshot.validate_all)  # a check: every order, now
    except SnapshotError as exc:
        log.warning("Snapshot %s refused: %s", path, exc)
        print(f"assessment-desk: {exc}", file=sys.stderr)
        if not options.self_test:
            QMessageBox.critical(None, "Assessment Desk", str(exc))
        return 2
    settings = QSettings()
    window = open_snapshot_window(path, settings, snapshot)
    remember_snapshot(settings, path)
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    window.closed.connect(closed.set)
    hooks = install_error_hooks(
        DialogNotifier(window, options.log_path), asyncio.get_running_loop()
    )
    try:
        if options.self_test:
            shown = window.orders.model.rowCount()
            ok = window.isVisible() and shown == len(snapshot)
            print(
                f"self-test: {'ok' if ok else 'FAILED'}: snapshot {path.name}, "
                f"{shown} orders (read-only, offline)"
            )
            return 0 if ok else 1
        await closed.wait()
        return 0
    finally:
        window.close()
        hooks.uninstall()


ALREADY_RUNNING_EXIT = 3


def _refuse_second_desk(exc: AlreadyRunningError, options: LaunchOptions) -> int:
    """Another desk holds the data folder: bring its window to the front and say so."""
    told = ask_running_desk_to_activate(exc.folder)
    log.warning("Refused a second start: %s", exc)
    print(f"assessment-desk: {exc}", file=sys.stderr)
    if not told and not options.self_test:
        QMessageBox.information(None, "Assessment Desk", str(exc))
    return ALREADY_RUNNING_EXIT


async def _run(app: QApplication, options: LaunchOptions) -> int:
    if options.snapshot is not None:
        return await _run_snapshot(app, options.snapshot, options)
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
            QMessageBox.critical(None, "Assessment Desk", str(exc))
        return 1
    try:
        return await _run_desk(app, options, lock)
    finally:
        lock.release()


async def _run_desk(app: QApplication, options: LaunchOptions, lock: InstanceLock) -> int:
    # The loop, not Qt, decides when to stop: clients and the sandbox close after the window.
    app.setQuitOnLastWindowClosed(False)
    window = MainWindow()
    activation = ActivationServer(lock.folder, window)
    activation.activate_requested.connect(lambda: bring_to_front(window))
    activation.listen()
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    window.closed.connect(closed.set)
    # One path for every error: slots, threads and tasks report to a dialog, the app goes on.
    hooks = install_error_hooks(
        DialogNotifier(window, options.log_path), asyncio.get_running_loop()
    )
    host = SessionHost(
        window,
        options.settings or AppSettings(),
        options.keys or KeyStore(),
        force_demo=options.demo,
    )
    try:
        board = await host.open()
        synced = await window.sync()
        if options.self_test:
            shown = window.orders.model.rowCount()
            ok = synced and shown > 0 and window.isVisible()
            print(f"self-test: {'ok' if ok else 'FAILED'}: {shown} orders ({board.description})")
            return 0 if ok else 1
        await closed.wait()
        return 0
    except Exception as exc:
        log.exception("Start-up failed")
        if options.self_test:
            print(f"self-test: FAILED: {exc}", file=sys.stderr)
            return 1
        QMessageBox.critical(
            window, "Assessment Desk", f"Assessment Desk could not start:\n\n{exc}"
        )
        return 1
    finally:
        activation.close()
        window.close()
        await host.close()
        hooks.uninstall()


def run_app(options: LaunchOptions) -> int:
    app = _make_application()
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(_run(app, options))
