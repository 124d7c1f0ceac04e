"""Mutation-audit pins for app/store/settings_file.py: an unreadable settings file is kept,
never rewritten and never lost."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import BinaryIO

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "m"))

from app.domain.connection import AppSettings
from app.store import settings_file
from app.store.settings_peek import MAX_SETTINGS_BYTES

NOT_SETTINGS = b"{not json, a hand-edited profile the desk cannot read"


def test_a_copy_holding_these_bytes_already_is_used_as_it_is(tmp_path: Path) -> None:
    """Kills settings_file.py:191 ``if not copy.exists()`` -> ``if True``: every start wrote
    the copy again (a new file over the one kept), and a folder the desk may no longer write
    to lost the "kept at" in the message."""
    path = tmp_path / "settings.json"
    path.write_bytes(NOT_SETTINGS)
    first = settings_file.read_settings(path)
    copy = tmp_path / "settings.unreadable.json"
    kept = copy.stat()
    second = settings_file.read_settings(path)
    assert first.problem == second.problem
    assert f"kept at {copy}" in (second.problem or "")
    assert (copy.stat().st_ino, copy.stat().st_mtime_ns) == (kept.st_ino, kept.st_mtime_ns)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json", copy.name]


def test_a_copy_that_cannot_be_read_is_not_taken_for_this_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills settings_file.py:219 ``return False`` -> ``return True``: a copy kept earlier that
    cannot be read (another account's, an ACL), of the same size, was taken as holding these
    bytes; none was kept, the message named the other file, and the next save lost them."""
    path = tmp_path / "settings.json"
    path.write_bytes(NOT_SETTINGS)
    other = tmp_path / "settings.unreadable.json"
    other.write_bytes(b"x" * len(NOT_SETTINGS))
    real_open = settings_file.open_regular_file

    def refused(p: Path, expected: os.stat_result | None = None) -> BinaryIO:
        if Path(p) == other:
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real_open(p, expected)

    monkeypatch.setattr(settings_file, "open_regular_file", refused)
    read = settings_file.read_settings(path)
    copy = tmp_path / "settings.unreadable-2.json"
    assert f"kept at {copy}" in (read.problem or "")
    assert copy.read_bytes() == NOT_SETTINGS


def test_a_file_too_large_to_read_that_cannot_be_renamed_is_not_written_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills settings_file.py:248 ``except FileNotFoundError`` -> ``except OSError``: a rename
    refused (a sharing violation, a read-only folder entry) was taken as "gone meanwhile",
    and the save wrote the built-in profiles over the file it had not read."""
    path = tmp_path / "settings.json"
    big = b'{"profiles": []' + b" " * MAX_SETTINGS_BYTES + b"}"
    path.write_bytes(big)
    file = settings_file.SettingsFile(path)
    read = file.read()
    assert read.problem is not None
    assert "far larger" in read.problem

    def refused(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(src))

    monkeypatch.setattr(settings_file.os, "rename", refused)
    with pytest.raises(PermissionError):
        file.write(AppSettings())
    assert path.read_bytes() == big
