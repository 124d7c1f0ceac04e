"""A folder this test process may not write in, for the tests of a refused destination."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def refuses_files(folder: Path) -> bool:
    try:
        handle, probe = tempfile.mkstemp(dir=folder)
    except PermissionError:
        return True
    os.close(handle)
    os.unlink(probe)
    return False


@contextlib.contextmanager
def locked_folder(parent: Path) -> Iterator[Path]:
    """A folder read-only by its mode; as root, which ignores modes, /sys, which refuses even
    root's new files. Skips the test where neither refuses."""
    folder = parent / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if refuses_files(folder):
            yield folder
        elif Path("/sys").is_dir() and refuses_files(Path("/sys")):
            yield Path("/sys")
        else:
            pytest.skip("no folder here refuses this user's files")
    finally:
        folder.chmod(0o755)
