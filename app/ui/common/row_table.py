"""A table view of whole rows, where Home and End go to the first and last row."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView


class RowTableView(QTableView):
    """``QTableView`` moves Home and End to the first and last *column* of the current row,
    and only Ctrl+Home and Ctrl+End to the first and last row. In a table that selects whole
    rows (the inbox, the Candidates tab, the offers) that left the same row selected and
    nothing changed: End never reached the oldest of 5,000 orders. Here, while the table
    selects rows, Home and End go to the first and last row, as in a list, and keep the
    current column (no sideways scroll); Shift extends the selection to there, as with the
    arrows, since only the move, not the selection, is told of Ctrl.
    """

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        actions = QAbstractItemView.CursorAction
        rows = self.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
        if not rows or action not in (actions.MoveHome, actions.MoveEnd):
            return super().moveCursor(action, modifiers)
        moved = super().moveCursor(action, modifiers | Qt.KeyboardModifier.ControlModifier)
        current = self.currentIndex()
        if not moved.isValid() or not current.isValid() or self.isColumnHidden(current.column()):
            return moved
        return moved.siblingAtColumn(current.column())
