"""A snapshot whose file name is not UTF-8 (unzipped on Linux from a colleague's Windows archive
in a legacy code page: "Rapor_Işık.adsnap" in cp1254 gives the bytes ``I\\xdd\\xfek``) opens,
is remembered in File › Recent snapshots as the very file, and is named as file managers name
it (� for each byte that cannot be read). Qt's settings dropped the lone surrogates Python
decodes such bytes to: Recent named "Rapor_Ik.adsnap", no such file (or another snapshot).
``--self-test`` printed the name as Python holds it: UnicodeEncodeError on a UTF-8 terminal."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow

from app.ui.main_window import MainWindow
from app.ui.snapshots.snapshot_menu import recent_snapshots
from tests.snapshot_samples import records, write_sample

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]
SHOWN = "Rapor_I\ufffd\ufffdk.adsnap"


@pytest.fixture
def cp1254_named(tmp_path: Path) -> Path:
    name = os.fsdecode(os.fsencode(str(tmp_path)) + b"/Rapor_I\xdd\xfek.adsnap")
    path = write_sample(Path(name), records(3))
    assert path.is_file()
    return path


def test_it_reopens_from_recent_snapshots_and_is_named_as_file_managers_name_it(
    qtbot: QtBot,
    qsettings: QSettings,
    cp1254_named: Path,
    qloop: asyncio.AbstractEventLoop,
) -> None:
    desk = MainWindow(settings=qsettings)
    qtbot.addWidget(desk)
    opened = qloop.run_until_complete(desk.snapshot_menu.open_path(cp1254_named))
    assert isinstance(opened, QMainWindow)  # it opens: the file is fine
    qtbot.addWidget(opened)
    assert desk.statusBar().currentMessage() == f"Opened the snapshot {SHOWN}"
    assert f"— {SHOWN} —" in opened.windowTitle()

    qsettings.sync()  # as written to the file, and read back
    again = QSettings(qsettings.fileName(), QSettings.Format.IniFormat)
    remembered = recent_snapshots(again)[0]
    assert remembered == str(cp1254_named.resolve())
    desk.snapshot_menu.fill_recent()
    [entry] = desk.snapshot_menu.recent_menu.actions()
    assert entry.text() == SHOWN
    reopened = qloop.run_until_complete(desk.snapshot_menu.open_path(Path(remembered)))
    assert isinstance(reopened, QMainWindow)
    qtbot.addWidget(reopened)


@pytest.mark.slow
def test_the_self_test_names_such_a_snapshot_good_or_bad(
    cp1254_named: Path, tmp_path: Path
) -> None:
    """On a UTF-8 desktop locale, stdout is strict UTF-8 (PYTHONIOENCODING says so here). A
    damaged one is refused in a sentence, and logged: its path, written strictly to the log,
    put a "Logging error" traceback on stderr."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONIOENCODING": "utf-8",
        "ASSESSMENT_DESK_HOME": str(tmp_path / "home"),
    }

    def self_test(path: Path) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--snapshot", os.fsencode(str(path)), "--self-test"],
            capture_output=True, env=env, timeout=120, cwd=ROOT, check=False,
        )  # fmt: skip

    good = self_test(cp1254_named)
    said = (good.stdout + good.stderr).decode("utf-8", "replace")
    assert good.returncode == 0, said[-600:]
    assert f"self-test: ok: snapshot {SHOWN}, 3 orders" in good.stdout.decode("utf-8")
    assert "Traceback" not in said
    bad = cp1254_named.with_name(cp1254_named.name.replace("Rapor", "Bozuk"))
    bad.write_bytes(b"not a zip")
    refused = self_test(bad)
    said = (refused.stdout + refused.stderr).decode("utf-8", "replace")
    assert refused.returncode == 2, said[-600:]
    assert f"{SHOWN.replace('Rapor', 'Bozuk')} is not a snapshot" in said
    assert "Traceback" not in said
