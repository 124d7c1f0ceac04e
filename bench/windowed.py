"""The app's main window on a sandbox process, as a benchmark drives it: the real window, session
host and order board, on the qasync loop, talking to ``python -m app.sandbox`` over loopback.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from bench.common import scratch_dir

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
if "ASSESSMENT_DESK_HOME" not in os.environ:
    os.environ["ASSESSMENT_DESK_HOME"] = str(scratch_dir("assessment-desk-bench-"))

if TYPE_CHECKING:
    from app.domain.connection import AppSettings
    from app.ui.main_window import MainWindow
    from app.ui.session_host import SessionHost
    from bench.common import Sandbox

T = TypeVar("T")

#: The quickest a coordinator clicks a form's button once it is shown: a reaction (~200 ms).
COORDINATOR_CLICK_MS = 200


def run_qt(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``main()`` on a qasync loop over a QApplication, as the app does."""
    import qasync
    from PySide6.QtWidgets import QApplication

    from app.ui.garbage_collection import collected_on_this_thread

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)  # the loop ends the run, not a closed window
    with (
        collected_on_this_thread(app),
        asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner,
    ):
        return runner.run(main())


async def open_window(
    sandbox: Sandbox,
    *,
    berke_burst: int = 120,
    berke_window_ms: int = 60_000,
    settings: AppSettings | None = None,
) -> tuple[MainWindow, SessionHost]:
    """The main window, shown, with a session on ``sandbox`` (paced to its limits) and the
    board loaded (an empty in-memory store, as demo mode has). Not yet synced."""
    from app.clients.berke import BerkeClient, berke_pacer
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.connection import AppSettings
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
    from app.store.credentials import KeyStore
    from app.ui.main_window import MainWindow
    from app.ui.session_host import SessionHost
    from app.workflows.session import Session

    async def opener(**_options: object) -> Session:
        return Session(
            sr=SmartRecruitersClient(sandbox.sr_url, DEMO_SR_KEY, transport=sandbox.sr_calls),
            berke=BerkeClient(
                sandbox.berke_url,
                DEMO_BERKE_TOKEN,
                pacer=berke_pacer(berke_burst, berke_window_ms),
                transport=sandbox.berke_calls,
            ),
            # A coordinator's cadence (polls, Berke watch rounds), not the demo's quicker one;
            # the store stays in memory (there is no profile to name a file after).
            demo=False,
        )

    window = MainWindow()
    window.show()
    host = SessionHost(window, settings or AppSettings(), KeyStore(), demo_opener=opener)
    await host.open()
    return window, host


def answer_forms(
    window: MainWindow, *, click_after_ms: int = 0, cancel_after: int | None = None
) -> None:
    """Submit every form the Orders room's actions open (the batch's plan, say) with its
    defaults, ``click_after_ms`` after it opened; with ``cancel_after``, click the batch's
    Cancel once that many outcomes are listed.

    0 (for throughput) submits at the next turn of the loop: before the form is even painted,
    so its opening, the run it starts and their paints all fall in one turn, which no
    coordinator's click can cause. A heartbeat measured as a coordinator feels it waits for a
    click: ``COORDINATOR_CLICK_MS``."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from app.ui.common.validated_form import ValidatedForm
    from app.ui.orders.batch_dialog import BatchDialog

    def opened(dialog: QWidget) -> None:
        if isinstance(dialog, ValidatedForm):
            QTimer.singleShot(click_after_ms, dialog.submit)
        elif isinstance(dialog, BatchDialog) and cancel_after is not None:
            batch = dialog

            def cancel() -> None:
                if batch.running:  # it may have ended meanwhile
                    batch.request_cancel()

            def listed(*_args: object) -> None:
                if batch.model.rowCount() >= cancel_after and not batch.cancel_requested:
                    # A click: from the loop, while the next order is under way.
                    QTimer.singleShot(0, cancel)

            batch.model.rowsInserted.connect(listed)

    window.orders.controller.dialog_opened = opened


async def close_window(window: MainWindow, host: SessionHost) -> None:
    window.close()
    await host.close()
