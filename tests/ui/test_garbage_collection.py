"""The GUI thread's collection timer (``app/ui/garbage_collection.py``): what a worker thread
left is collected there, on the timer, never in the worker."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ui.garbage_collection import collected_on_this_thread


class _Node:
    """Garbage only a collection frees (not a list: lists come back from a free list, which
    the collector's count does not see)."""

    me: Any = None


def _churn(count: int) -> None:
    for _ in range(count):
        node = _Node()
        node.me = node


@pytest.fixture
def collecting_threads() -> Iterator[list[int]]:
    """The thread of each collection that starts while the test runs."""
    threads: list[int] = []

    def record(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            threads.append(threading.get_ident())

    gc.callbacks.append(record)
    yield threads
    gc.callbacks.remove(record)


def test_the_timer_collects_on_the_gui_thread_what_a_worker_left(
    qtbot: QtBot, qapp: QApplication, collecting_threads: list[int]
) -> None:
    gc.collect(0)
    collecting_threads.clear()  # that one
    owner = QObject()
    with collected_on_this_thread(owner):
        worker = threading.Thread(target=_churn, args=(20_000,))
        worker.start()
        worker.join()
        assert collecting_threads == []  # the worker made it all, and collected none of it
        qtbot.waitUntil(lambda: threading.get_ident() in collecting_threads)
    assert set(collecting_threads) == {threading.get_ident()}


def test_a_block_that_raises_leaves_the_collector_as_it_found_it(qapp: QApplication) -> None:
    owner = QObject()
    with pytest.raises(RuntimeError), collected_on_this_thread(owner):
        raise RuntimeError("a start-up that failed")
    assert not gc.isenabled()  # the test process collects on its main thread, as before
