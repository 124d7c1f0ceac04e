"""Pins ``documented_and_platform_keys`` (app/ui/common/platform_keys.py): the documented key
comes first, whatever the platform binds.

Mutant killed: ``keys = [QKeySequence(documented)]`` -> ``keys = []`` (the documented key
dropped). It survived tests/ui/test_main_window.py: offscreen, the platform's first binding for
Refresh and Find happens to be F5 and Ctrl+F, the documented ones. On GNOME (Ctrl+R first) and
macOS (Cmd+R alone) F5 was lost again, the bug fixed today."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from app.ui.common.platform_keys import documented_and_platform_keys

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_the_documented_key_is_first_and_each_platform_binding_follows_once(qtbot: QtBot) -> None:
    platform = [k.toString() for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh)]
    for documented in ("Ctrl+Shift+F5", "F5"):
        keys = [
            k.toString()
            for k in documented_and_platform_keys(documented, QKeySequence.StandardKey.Refresh)
        ]
        assert keys[0] == documented  # menus and the palette show the first
        assert set(platform) <= set(keys)
        assert len(keys) == len(set(keys))
