"""``--timings``: when the main window's first frame was on screen and when the first sync was
done, in milliseconds since the process started (``app.startup_clock``).

The first frame is the end of the window's first paint: its first paint event posts a
zero-delay timer, which runs once the paint (children included) and the flush to the screen
are over. ``bench/bare_window.py`` marks a bare Qt window the same way.

The first frame is waited for in a Qt event loop of its own, before the asyncio loop exists:
asyncio and qasync (~30 ms of imports) load after it (``app.ui.application``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.startup_clock import since_start_ms


class FirstFrame(QObject):
    """Calls ``on_frame`` once, after ``window``'s first paint (see the module docstring)."""

    def __init__(self, window: QWidget, on_frame: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._on_frame = on_frame
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._on_frame)
        return False


class StartupTimings:
    """The two figures, each taken once; ``lines()`` gives them as ``--timings`` prints them.
    ``first_frame`` waits for the first frame: what it does not need is loaded after it."""

    def __init__(self) -> None:
        self.first_frame_ms: float | None = None
        self.first_sync_ms: float | None = None
        self._frame_watch: FirstFrame | None = None
        self._waiting: QEventLoop | None = None

    def watch(self, window: QWidget) -> None:
        self._frame_watch = FirstFrame(window, self._frame)

    def _frame(self) -> None:
        if self.first_frame_ms is None:
            self.first_frame_ms = since_start_ms()
        if self._waiting is not None:
            self._waiting.quit()

    def first_frame(self, limit_seconds: float = 1.0) -> None:
        """Until the first frame is on screen, or ``limit_seconds`` (a window that is never
        painted, e.g. started minimised, must not hold up the rest), in an event loop of its
        own. Keys and clicks wait for the app's loop: their handlers may start asyncio tasks,
        and the asyncio loop does not run yet."""
        if self.first_frame_ms is not None:
            return
        waiting = QEventLoop()
        limit = QTimer(waiting)
        limit.setSingleShot(True)
        limit.timeout.connect(waiting.quit)
        limit.start(round(limit_seconds * 1000))
        self._waiting = waiting
        try:
            waiting.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            self._waiting = None
            limit.stop()

    def synced(self) -> None:
        if self.first_sync_ms is None:
            self.first_sync_ms = since_start_ms()

    def lines(self) -> list[str]:
        return [
            f"first-frame-ms={_ms(self.first_frame_ms)}",
            f"first-sync-ms={_ms(self.first_sync_ms)}",
        ]


def _ms(value: float | None) -> str:
    return "-1" if value is None else str(round(value))
