"""An action's keys: the one the desk documents, then every binding the platform gives it.

``QKeySequence(StandardKey.X)`` keeps only the platform's first binding for X. Qt lists
Ctrl+R before F5 for Refresh on GNOME and Cmd+R alone on macOS, so the F5 that the README
and the status tips promise did nothing there.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence


def documented_and_platform_keys(
    documented: str, standard: QKeySequence.StandardKey
) -> list[QKeySequence]:
    """``documented`` first (menus and the palette show the first), then the platform's
    bindings for ``standard``, each once."""
    keys = [QKeySequence(documented)]
    for key in QKeySequence.keyBindings(standard):
        if not key.isEmpty() and key not in keys:
            keys.append(key)
    return keys
