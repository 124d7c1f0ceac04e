"""The baseline of bench/startup.py: a bare PySide6 window with a 200-row table.

    python bench/bare_window.py

Prints ``first-frame-ms=N``: milliseconds from the process's start (as the kernel records it) to
the end of the window's first paint, taken exactly as ``python -m app --self-test --timings``
takes its own (``app/startup_clock.py``, loaded by path so that nothing of ``app`` is imported;
a paint event that posts a zero-delay timer). Nothing else: no asyncio, no pydantic, no app.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

_CLOCK = Path(__file__).resolve().parents[1] / "app" / "startup_clock.py"


def _load_clock() -> Callable[[], float]:
    spec = importlib.util.spec_from_file_location("startup_clock", _CLOCK)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    since_start_ms: Callable[[], float] = module.since_start_ms
    return since_start_ms


def show_bare_window(after_frame: Callable[[Callable[[], float]], None]) -> int:
    """The bare window, shown; ``after_frame(since_start_ms)`` runs once its first frame is on
    screen, and the window closes after it (``bench/floor_sync.py`` adds a sync there)."""
    since_start_ms = _load_clock()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    model = QStandardItemModel(200, 6)
    model.setHorizontalHeaderLabels(["Status", "Candidate", "Email", "Job", "Company", "Ordered"])
    for row in range(200):
        for column, text in enumerate(
            ("New", f"Candidate {row}", f"c{row}@example.com", "Data Analyst", "Acme", "today")
        ):
            model.setItem(row, column, QStandardItem(text))
    table = QTableView()
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1280, 760)

    class FirstFrame(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if watched is window and event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, frame)
            return False

    def frame() -> None:
        print(f"first-frame-ms={round(since_start_ms())}")
        after_frame(since_start_ms)
        app.quit()

    watcher = FirstFrame()
    window.installEventFilter(watcher)
    window.show()
    return app.exec()


def main() -> int:
    return show_bare_window(lambda since_start_ms: None)


if __name__ == "__main__":
    sys.exit(main())
