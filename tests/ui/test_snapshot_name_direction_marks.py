"""A snapshot whose file name holds a direction mark (a snapshot is a file from anyone: "Q3
\u202eweiv.adsnap") is named without it in the status line, its window's title and File ›
Recent snapshots: a right-to-left override drew the rest of each line backwards, as it did a
folder's name in a sentence before."""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from app.ui.main_window import MainWindow
from tests.snapshot_samples import records, write_sample

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _marks(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if unicodedata.category(c) == "Cf"]


def test_a_snapshot_named_with_a_direction_mark_is_named_without_it(
    qtbot: QtBot, qsettings: QSettings, qloop: asyncio.AbstractEventLoop, tmp_path: Path
) -> None:
    path = write_sample(tmp_path / "Q3 \u202eweiv.adsnap", records(3))
    desk = MainWindow(settings=qsettings)
    qtbot.addWidget(desk)
    opened = qloop.run_until_complete(desk.snapshot_menu.open_path(path))
    assert isinstance(opened, QMainWindow)  # the file is fine
    qtbot.addWidget(opened)
    assert desk.statusBar().currentMessage() == "Opened the snapshot Q3 weiv.adsnap"
    assert "— Q3 weiv.adsnap —" in opened.windowTitle()
    assert _marks(opened.windowTitle()) == []
    desk.snapshot_menu.fill_recent()
    [entry] = desk.snapshot_menu.recent_menu.actions()
    assert entry.text() == "Q3 weiv.adsnap"
    assert _marks(entry.toolTip()) == [], entry.toolTip()
