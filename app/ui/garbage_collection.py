"""Garbage collected on the GUI thread only, on a timer (see ``app.workflows.heap``: a
collection in a worker thread that freed a Qt object's wrapper hung the desk)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer

from app.workflows.heap import (
    BUSY_EVERY_MS,
    COLLECT_EVERY_MS,
    busy,
    collect_due,
    collections_on_this_thread,
)


@contextmanager
def collected_on_this_thread(parent: QObject) -> Iterator[None]:
    """For the block, Python collects no garbage by itself in any thread; this thread (the
    GUI thread: ``parent`` lives there) collects what is due every ``COLLECT_EVERY_MS``, or
    every ``BUSY_EVERY_MS`` while workers make garbage faster than that."""
    timer = QTimer(parent)
    timer.setInterval(COLLECT_EVERY_MS)

    def collect() -> None:
        hurry = busy()
        collect_due()
        interval = BUSY_EVERY_MS if hurry else COLLECT_EVERY_MS
        if timer.interval() != interval:
            timer.setInterval(interval)

    timer.timeout.connect(collect)
    with collections_on_this_thread():
        timer.start()
        try:
            yield
        finally:
            timer.stop()
            timer.deleteLater()
