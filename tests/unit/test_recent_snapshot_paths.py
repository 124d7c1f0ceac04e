"""Mutation-audit pins for File › Recent snapshots as the settings keep it
(app/ui/snapshots/snapshot_menu.py: ``_kept``, ``_read_back``, ``forget_snapshot``)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

from app.ui.snapshots.snapshot_menu import (
    AS_BYTES,
    RECENT_KEY,
    forget_snapshot,
    recent_snapshots,
    remember_snapshot,
)


def settings_in(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


def test_a_utf8_path_is_kept_as_written_and_another_as_its_bytes(tmp_path: Path) -> None:
    """Readable in the settings file (and by an older desk) unless Qt would drop its bytes."""
    settings = settings_in(tmp_path)
    plain = tmp_path / "Q3 Zoë.adsnap"
    odd = Path(os.fsdecode(os.fsencode(str(tmp_path)) + b"/Rapor_I\xdd\xfek.adsnap"))
    remember_snapshot(settings, plain)
    remember_snapshot(settings, odd)
    written = settings.value(RECENT_KEY)
    assert written[1] == str(plain.resolve())
    assert written[0].startswith(AS_BYTES)
    assert recent_snapshots(settings) == [str(odd.resolve()), str(plain.resolve())]


def test_an_entry_damaged_by_hand_is_left_off_the_list(tmp_path: Path) -> None:
    """An entry of "bytes:" and no hex after it names no file: never listed as a path."""
    settings = settings_in(tmp_path)
    settings.setValue(RECENT_KEY, [f"{AS_BYTES}zz-not-hex", "/home/cora/q3.adsnap"])
    assert recent_snapshots(settings) == ["/home/cora/q3.adsnap"]


def test_a_snapshot_not_on_the_list_is_not_said_to_be_taken_off(tmp_path: Path) -> None:
    """A file opened by its path (not from Recent) and gone: the error must not add "It is
    taken off File › Recent snapshots."."""
    settings = settings_in(tmp_path)
    remember_snapshot(settings, tmp_path / "kept.adsnap")
    assert not forget_snapshot(settings, tmp_path / "other.adsnap")
    assert recent_snapshots(settings) == [str((tmp_path / "kept.adsnap").resolve())]


def test_a_snapshot_opened_through_a_link_is_taken_off_by_that_path(tmp_path: Path) -> None:
    """Remembered as its real path, and opened again (gone since) through the link to its
    folder it was opened by: it is the same entry."""
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    settings = settings_in(tmp_path)
    remember_snapshot(settings, link / "q3.adsnap")
    assert recent_snapshots(settings) == [str((real / "q3.adsnap").resolve())]
    assert forget_snapshot(settings, link / "q3.adsnap")
    assert recent_snapshots(settings) == []
