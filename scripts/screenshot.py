"""Screenshots of the console in demo mode, as a user sees it:

    python scripts/screenshot.py OUT_DIR

writes inbox.png (the inbox with an order selected) and candidates.png. Used to refresh the
README pictures and to look at the window after a change.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_API", "pyside6")

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.domain.smartrecruiters import OrderStatus
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.workflows.desk import Desk
from app.workflows.session import open_demo_session


async def shoot(out: Path) -> None:
    settings = QSettings(str(out / "screenshot-settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(1400, 820)
    window.show()
    session = await open_demo_session()
    desk = Desk(session, Database(":memory:"))
    try:
        window.set_desk(desk)
        await window.sync()
        order = next(
            o for o in window.model.orders() if o.status is OrderStatus.NEW and o.candidate.email
        )
        window.select_order(order.id)
        await asyncio.sleep(0.3)  # let the comments arrive
        QApplication.processEvents()
        window.grab().save(str(out / "inbox.png"))
        window.tabs.setCurrentWidget(window.candidates)
        window.candidates.search.setText("manager")
        QApplication.processEvents()
        window.grab().save(str(out / "candidates.png"))
    finally:
        window.close()
        await session.aclose()
        (out / "screenshot-settings.ini").unlink(missing_ok=True)


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(shoot(out))


if __name__ == "__main__":
    main()
