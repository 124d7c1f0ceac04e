"""Screenshots of the console in demo mode at 1280×800, as a coordinator sees it:

    python scripts/screenshot.py OUT_DIR

writes inbox.png (both statuses side by side and the detail pane, after a batch whose
candidates have finished), form.png (the CreateAssessment form), batch-plan.png (the plan of
"Create, accept and invite"), delivery.png (the delivery preview), candidates.png and
offers.png. Used to refresh the README pictures and to look at the window after a change
(``--dark``: on a dark desktop's palette).
Headless, it runs on Qt's offscreen platform told a 1280×800 screen (tests/screens.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/screens.py
from tests.screens import offscreen_platform

if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = offscreen_platform("laptop")
os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("ASSESSMENT_DESK_HOME", tempfile.mkdtemp(prefix="desk-screenshots-"))

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.store.database import Database
from app.ui.garbage_collection import collected_on_this_thread
from app.ui.main_window import MainWindow
from app.ui.orders.batch_plan_dialog import BatchPlanDialog
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.board_signals import BoardSignals
from app.ui.orders.delivery_preview import DeliveryPreviewDialog
from app.ui.session_host import demo_line
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.offer_catalog import OfferCatalog
from app.workflows.session import Session

SIZE = (1280, 800)


async def settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)
    QApplication.processEvents()


def save(widget: QWidget, path: Path) -> None:
    widget.grab().save(str(path))
    print(f"wrote {path}")


async def shoot(out: Path) -> None:
    settings = QSettings(str(out / "screenshot-settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings)
    window.resize(*SIZE)
    window.show()
    # The demo's data; its candidates finish as soon as they are invited (unlimited rates:
    # the pictures are about the window, not the pacing).
    server = SandboxServer(
        SandboxConfig(sr_rate_per_second=0, berke_burst=100_000, auto_complete_after=0.0)
    )
    await asyncio.to_thread(server.start)
    session = Session(
        sr=SmartRecruitersClient(server.sr_base_url, DEMO_SR_KEY),
        berke=BerkeClient(server.berke_base_url, DEMO_BERKE_TOKEN),
        demo=True,
        sandbox=server,
    )
    desk = Desk(session, Database(":memory:"))
    signals = BoardSignals(window)
    board = OrderBoard(desk, listener=signals.listener())
    window.connect_board(board, signals)
    # The line a demo session shows above the orders, as the session host words it.
    window.show_demo_line(demo_line(window.settings_keys(), forced=False))
    window.offers.set_catalog(OfferCatalog(session, desk.db))
    try:
        await board.sync()
        await _inbox_and_delivery(window, board, out)
        window.orders.tabs.setCurrentWidget(window.orders.candidates)
        window.orders.candidates.search.setText("manager")
        await settle()
        save(window, out / "candidates.png")
        window.orders.tabs.setCurrentWidget(window.orders.stack)
        await _form_and_plan(window, board, out)
        window.rooms.setCurrentWidget(window.offers)
        await settle(1.0)
        save(window, out / "offers.png")
    finally:
        window.close()
        await board.stop()
        await session.aclose()
        (out / "screenshot-settings.ini").unlink(missing_ok=True)


async def _inbox_and_delivery(window: MainWindow, board: OrderBoard, out: Path) -> None:
    new = [o for o in board.orders() if o.status is OrderStatus.NEW and o.candidate.email]
    await board.create_accept_invite([o.id for o in new[:12]])
    await board.watch()
    await settle()
    ready = [o.id for o in new[:12] if board.why_not(OrderAction.DELIVER, [o.id]) is None]
    window.orders.select_order(ready[0])
    await settle(0.8)
    save(window, out / "inbox.png")

    order = board.order(ready[0])
    assert order is not None
    plan = await board.preview_delivery(ready[0])
    preview = DeliveryPreviewDialog(order, plan, window)
    preview.show()
    for _ in range(50):
        if preview.page_shown():
            break
        await settle(0.1)
    save(preview, out / "delivery.png")
    preview.close()


async def _form_and_plan(window: MainWindow, board: OrderBoard, out: Path) -> None:
    fresh = [o for o in board.orders() if o.status is OrderStatus.NEW][12:16]
    form = BerkeAssessmentForm(fresh[0], window, default_username="cora")
    form.set_jobs(await board.jobs())
    form.show()
    await settle()
    save(form, out / "form.png")
    form.close()
    plan = await board.plan_batch([o.id for o in fresh])
    plan_dialog = BatchPlanDialog(plan, board.default_invitation, window)
    plan_dialog.show()
    await settle()
    save(plan_dialog, out / "batch-plan.png")
    plan_dialog.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Screenshots of the console in demo mode at 1280×800 (headless)."
    )
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path("."), help="where to write")
    parser.add_argument(
        "--dark", action="store_true", help="on Qt's dark Fusion palette, as a dark desktop"
    )
    args = parser.parse_args()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    if args.dark:
        from tests.ui.contrast import dark_palette

        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    app.setQuitOnLastWindowClosed(False)
    # As the desk: garbage collected on the GUI thread only (its sandbox runs in a thread here).
    with (
        collected_on_this_thread(app),
        asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner,
    ):
        runner.run(shoot(out))


if __name__ == "__main__":
    main()
