"""Running a call that must not block on a FIFO, without letting a regression hang the run.

The call runs in a thread; the test waits for it to finish (an event: no polling). Only if it
has not finished within ``HANG_GUARD_SECONDS`` — it is then stuck in ``open()`` waiting for a
writer, or in ``read()`` waiting for data — does the guard become that writer, so the thread
ends, and the test fails saying it hung. The guard is never the synchronisation of a passing
test: that finishes in milliseconds and the wait returns at once.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from tests.waits import HANG_GUARD_SECONDS

T = TypeVar("T")


def _unblock(fifo: Path) -> None:
    """Open the FIFO for writing and close it: a reader blocked in open() or read() returns;
    then for reading: a writer blocked in open() returns."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno != errno.ENXIO:  # ENXIO: nobody is reading (any more)
            raise
    else:
        os.close(fd)
    os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))


def call_near_fifo(fifo: Path, call: Callable[[], T]) -> T:
    """``call()``'s result (or its exception, raised here); fails the test if it blocked."""
    outcome: list[T] = []
    error: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            error.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=run, name="fifo-guard", daemon=True)
    thread.start()
    if not done.wait(HANG_GUARD_SECONDS):
        while not done.is_set():
            _unblock(fifo)
            done.wait(1.0)
        thread.join()
        pytest.fail(f"the call blocked on the FIFO {fifo.name}")
    thread.join()
    if error:
        raise error[0]
    return outcome[0]


@contextmanager
def fifo_watchdog(fifo: Path) -> Iterator[None]:
    """For code that must run on this thread (Qt widgets): if the block has not finished
    within ``HANG_GUARD_SECONDS``, a helper thread becomes the FIFO's writer so it can, and the
    test fails saying it blocked."""
    finished = threading.Event()
    fired: list[bool] = []

    def guard() -> None:
        if finished.wait(HANG_GUARD_SECONDS):
            return
        fired.append(True)
        while not finished.is_set():
            _unblock(fifo)
            finished.wait(1.0)

    thread = threading.Thread(target=guard, name="fifo-watchdog", daemon=True)
    thread.start()
    try:
        yield
    finally:
        finished.set()
        thread.join()
    if fired:
        pytest.fail(f"the code blocked on the FIFO {fifo.name}")


# After the guard's time, say so (it fired), then read the FIFO to its end.
_LATE_READER = """
import os, sys, time
time.sleep(float(sys.argv[2]))
print("fired", flush=True)
fd = os.open(sys.argv[1], os.O_RDONLY)
while os.read(fd, 65536):
    pass
"""


@contextmanager
def fifo_reader_process(fifo: Path) -> Iterator[None]:
    """``fifo_watchdog`` for code that waits on the FIFO holding the GIL (Qt opening a file to
    write it): no thread of this process runs then, so another *process* becomes the FIFO's
    reader if the block has not finished within ``HANG_GUARD_SECONDS``."""
    reader = subprocess.Popen(
        [sys.executable, "-c", _LATE_READER, str(fifo), str(HANG_GUARD_SECONDS)],
        stdout=subprocess.PIPE,
    )
    try:
        yield
    finally:
        reader.kill()
        said, _ = reader.communicate()
    if said:
        pytest.fail(f"the code blocked on the FIFO {fifo.name}")
