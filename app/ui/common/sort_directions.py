"""Ascending and Descending as two checkable actions, one of them checked: a table's sort
direction for the View menu, a sort button's menu and the Ctrl+K palette (the inbox's and the
offers')."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup

from app.ui.common.command_palette import set_palette_title


def direction_actions(
    parent: QObject, what: str, sort: Callable[[Qt.SortOrder], None]
) -> tuple[QAction, QAction]:
    """(Ascending, Descending): each sorts ``what`` ("the inbox") that way through ``sort``,
    its palette title saying so."""
    group = QActionGroup(parent)
    made = []
    for text, order in (
        ("&Ascending", Qt.SortOrder.AscendingOrder),
        ("&Descending", Qt.SortOrder.DescendingOrder),
    ):
        action = QAction(text, group)
        action.setCheckable(True)
        set_palette_title(action, f"Sort {what} {text.lstrip('&').lower()}")
        action.triggered.connect(lambda _checked=False, o=order: sort(o))
        made.append(action)
    return made[0], made[1]
