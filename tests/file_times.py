"""A file's dates as a test sets them."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.waits import HANG_GUARD_SECONDS


def put_dates_back(path: Path, before: os.stat_result) -> None:
    """Put the file's access and modification times back to ``before``'s (as ``cp -p`` does),
    once its change time has moved past ``before``'s. A kernel before 6.13 keeps change times
    to its clock tick (a few milliseconds): an edit within one tick of the file's queueing
    left the change time as it was, and the test, not the desk, failed on such a machine (no
    coordinator edits a report within milliseconds of dropping it)."""
    deadline = time.monotonic() + HANG_GUARD_SECONDS
    while True:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # sets the change time
        if path.stat().st_ctime_ns != before.st_ctime_ns:
            return
        assert time.monotonic() < deadline, f"the change time of {path} never moved"
