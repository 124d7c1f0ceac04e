"""Windows ask for their screen through ``app.ui.common.screens``, never ``QWidget.screen()``.

PySide makes the one QScreen wrapper a child of the widget that last asked for it; when the
garbage collector freed that widget, it deleted Qt's QScreen, and the next window shown or
hidden crashed. It took down a clean-clone test run (in a test that built twenty dialogs), and
could take down the app the same way. The crash kills the process, so each check runs in its
own Python.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASKED_HERE = ROOT / "app" / "ui" / "common" / "screens.py"


def _run(script: str, platform: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if platform is not None:
        env["QT_QPA_PLATFORM"] = platform
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env=env,
    )


def _two_screens(tmp_path: Path) -> str:
    """A big monitor, and to its right a laptop's smaller screen: the platform's setting."""
    config = {
        "screens": [
            {"name": "big", "x": 0, "y": 0, "width": 1920, "height": 1080, "dpr": 1},
            {"name": "small", "x": 1920, "y": 0, "width": 1024, "height": 700, "dpr": 1},
        ]
    }
    path = tmp_path / "two.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return f"offscreen:configfile={path}"


def test_a_collected_dialog_leaves_the_screen_to_the_next_one() -> None:
    """The app's own dialogs size themselves by their screen: two of them, the second freed
    by the garbage collector (a cycle, as a dialog's slots make), then a third shown and
    hidden. Before: a segmentation fault on the third."""
    result = _run(
        """
        import gc
        from PySide6.QtWidgets import QApplication, QDialog
        from app.ui.common.command_palette import CommandPalette
        from app.ui.orders.order_dialogs import RejectDialog
        from tests.ui.test_dialog_keys import order

        app = QApplication([])
        for _ in range(3):
            first = CommandPalette(lambda: [], lambda _query, _limit: [])
            second = RejectDialog([order(1, "Ada"), order(2, "Grace")])  # a list: it scrolls
            second.itself = second  # only the garbage collector frees it
            second.show()
            app.processEvents()
            del first, second
            gc.collect()
            third = QDialog()
            third.show()
            app.processEvents()
            third.hide()
        print("survived")
        """
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "survived" in result.stdout


def test_a_dialog_is_sized_by_its_parents_screen(tmp_path: Path) -> None:
    """Two screens, the window on the second, the smaller one: a dialog not shown yet takes
    the second screen's room (where Qt will centre it), not the first's."""
    result = _run(
        """
        from PySide6.QtWidgets import QApplication, QDialog, QMainWindow
        from app.ui.common.screens import available_room, screen_of

        app = QApplication([])
        window = QMainWindow()
        window.setGeometry(2000, 100, 600, 400)
        window.show()
        app.processEvents()
        dialog = QDialog(window)
        alone = QDialog()
        print(screen_of(window).name(), screen_of(dialog).name(), screen_of(alone).name())
        print(available_room(dialog).width())
        """,
        platform=_two_screens(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["small", "small", "big", "1024"]


def _screen_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "screen"
    ]


def test_no_code_asks_a_widget_for_its_screen() -> None:
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("app", "tests", "bench", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if path != ASKED_HERE
        for line in _screen_calls(path)
    }
    assert not found, f"use app.ui.common.screens (screen_of, available_room): {found}"


def test_the_scan_sees_a_screen_call(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("room = dialog.screen().availableGeometry()\n", encoding="utf-8")
    assert _screen_calls(sample) == [1]


def test_a_remembered_size_fits_the_screen_the_dialog_opens_on(tmp_path: Path) -> None:
    """A size kept on a big monitor, the window now on a laptop's screen: the dialog opens
    within that screen (it took its own unplaced position's screen: 1800×1000 on 1024×700).
    A maximised dialog's size is not kept (it would open as a normal window filling the
    screen, its buttons under the task bar)."""
    result = _run(
        f"""
        from PySide6.QtCore import QSettings, QSize
        from PySide6.QtWidgets import QApplication, QDialog, QMainWindow
        from app.ui.common.remembered_size import RememberedSize

        app = QApplication([])
        window = QMainWindow()
        window.dialog_settings = QSettings({str(tmp_path / "ui.ini")!r}, QSettings.Format.IniFormat)
        window.dialog_settings.setValue("dialogs/D/size", QSize(1800, 1000))
        window.setGeometry(2000, 100, 600, 400)
        window.show()
        app.processEvents()
        dialog = QDialog(window)
        RememberedSize(dialog, "D")
        dialog.show()
        app.processEvents()
        print(dialog.width(), dialog.height())
        dialog.showMaximized()
        app.processEvents()
        dialog.hide()
        kept = window.dialog_settings.value("dialogs/D/size")
        print(kept.width(), kept.height())
        """,
        platform=_two_screens(tmp_path),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    opened, kept = result.stdout.splitlines()
    width, height = map(int, opened.split())
    assert width <= 1024 - 16  # its frame's borders on the screen too (SIDE_BORDERS)
    assert height <= 700 - 40
    assert kept == "1800 1000"  # the maximised size was not kept
