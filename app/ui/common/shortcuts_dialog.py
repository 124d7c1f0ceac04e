"""Help › Keyboard shortcuts…: the window's keys in one list. The actions' own (what the menus
and the Ctrl+K palette show), then the keys no action holds: the tabs' Alt letters, a search
field's, a form's. A newcomer found those only in the README and a few buttons' tooltips."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.common.command_palette import action_title
from app.ui.common.labels import without_mnemonic
from app.ui.common.screens import available_room
from app.ui.common.table_model import RowsTableModel

NATIVE = QKeySequence.SequenceFormat.NativeText
#: The key a Mac calls Return and a PC Enter (the code takes both: ``ENTER_KEYS``).
_ENTER = "Return" if sys.platform == "darwin" else "Enter"


@dataclass(frozen=True)
class KeyRow:
    keys: str  # as the platform writes them: "Ctrl+Shift+A" (a Mac: "⇧⌘A")
    what: str


def native(*keys: str | QKeySequence) -> str:
    """``keys`` as the platform writes them, "F5, Ctrl+R"."""
    return ", ".join(QKeySequence(key).toString(NATIVE) for key in keys)


def action_rows(actions: Sequence[QAction]) -> list[KeyRow]:
    """Each action with a shortcut, named as the palette names it, with all its keys."""
    rows: list[KeyRow] = []
    for action in actions:
        keys = [key for key in action.shortcuts() if not key.isEmpty()]
        if keys and not action.isSeparator():
            row = KeyRow(native(*keys), action_title(action))
            if row not in rows:
                rows.append(row)
    return rows


def tab_rows(tabs: QTabWidget, *, room: str = "") -> list[KeyRow]:
    """The Alt letter of each of ``tabs`` (none on a Mac, where Qt gives tabs none) that is
    enabled: a disabled tab's letter does nothing. ``room``: the room whose own tabs they are,
    said in each row: Qt hears a tab bar's letters only while it is shown, and from another
    room they did nothing though listed beside the window's own."""
    rows = []
    for index in range(tabs.count()):
        text = tabs.tabText(index)
        key = QKeySequence.mnemonic(text)
        if key.isEmpty() or not tabs.isTabEnabled(index):
            continue
        tab = f"the {without_mnemonic(text)} tab"
        what = f"In the {room} room: {tab}" if room else tab[0].upper() + tab[1:]
        rows.append(KeyRow(key.toString(NATIVE), what))
    return rows


def keys_without_actions() -> list[KeyRow]:
    """The keys the widgets handle themselves (``SearchKeys``, ``submit_on_ctrl_enter`` and
    the forms' buttons that are never "default", a list's own Select All)."""
    return [
        KeyRow(native("Esc"), "In a search field: clear the search; again: back to the list"),
        KeyRow(native("Down", _ENTER), "In a search field: go to the list"),
        KeyRow(
            native(QKeySequence(QKeySequence.StandardKey.SelectAll)),
            "In the list: select every order shown (an order action then acts on them all)",
        ),
        KeyRow(native(f"Ctrl+{_ENTER}"), f"In a form: send it ({_ENTER} alone never does)"),
        KeyRow(native("Esc"), "In a dialog: close it (asking first when something was typed)"),
    ]


class KeyTableModel(RowsTableModel[KeyRow]):
    HEADERS = ("Keys", "What they do")

    def cell(self, row: KeyRow, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row.keys if column == 0 else row.what
        return None


class ShortcutsDialog(QDialog):
    """A read-only table of ``rows``; Esc or Close closes it."""

    def __init__(self, rows: Sequence[KeyRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.model = KeyTableModel(self)
        self.model.set_rows(list(rows))
        self.table = QTableView()
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab goes on to Close
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        # The font's own height: every key in sight at once at 1280×800 (Qt's 30 px rows
        # hid the last third), and never cut with large system fonts.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        room = available_room(self)
        wanted = self.table.verticalHeader().length() + 5 * self.table.fontMetrics().height()
        self.resize(min(640, room.width() - 40), min(wanted, int(room.height() * 0.85)))

    def listed(self) -> list[KeyRow]:
        return list(self.model.rows)
