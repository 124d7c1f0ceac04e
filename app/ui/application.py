"""Build the QApplication, run the qasync loop, open the session, show the main window."""

from __future__ import annotations

import asyncio
import logging
import sys
from dataclasses import dataclass

import qasync
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.domain.connection import ConnectionSettings, Credentials
from app.store.database import Database, default_database_path
from app.ui.main_window import DEFAULT_POLL_SECONDS, MainWindow
from app.ui.resources import app_icon_path
from app.workflows.desk import Desk
from app.workflows.session import Session, open_demo_session, open_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaunchOptions:
    demo: bool = False
    self_test: bool = False
    settings: ConnectionSettings | None = None
    credentials: Credentials | None = None

    @property
    def use_demo(self) -> bool:
        """Demo mode unless real endpoints and both keys are configured."""
        return self.demo or self.settings is None or self.credentials is None


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


def _open_database(session: Session) -> Database:
    """Demo mode starts from a fresh sandbox each time, so its store lives in memory only."""
    return Database(":memory:") if session.demo else Database(default_database_path())


async def _open(options: LaunchOptions) -> Session:
    if options.use_demo:
        return await open_demo_session()
    assert options.settings is not None
    assert options.credentials is not None
    return open_session(options.settings, options.credentials)


async def _run(app: QApplication, options: LaunchOptions) -> int:
    # The loop, not Qt, decides when to stop: clients and the sandbox close after the window.
    app.setQuitOnLastWindowClosed(False)
    window = MainWindow()
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
    window.closed.connect(closed.set)

    session: Session | None = None
    desk: Desk | None = None
    try:
        session = await _open(options)
        desk = Desk(session, _open_database(session))
        poll = options.settings.poll_interval_seconds if options.settings else None
        window.set_desk(desk, poll_seconds=poll or DEFAULT_POLL_SECONDS)
        await window.load_cached()
        synced = await window.sync()
        if options.self_test:
            ok = synced and window.model.rowCount() > 0 and window.isVisible()
            print(
                f"self-test: {'ok' if ok else 'FAILED'}: {window.model.rowCount()} orders "
                f"({session.description})"
            )
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
        window.close()
        await window.controller.wait_idle()
        if session is not None:
            await session.aclose()
        if desk is not None:
            desk.db.close()


def run_app(options: LaunchOptions) -> int:
    app = _make_application()
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(_run(app, options))
