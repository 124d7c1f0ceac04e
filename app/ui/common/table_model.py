"""The plumbing every small table model here shares: a list of rows and fixed headers.

Subclasses set ``HEADERS`` and implement ``cell(row, column, role)``; the row list, counts,
headers and bounds checks live here once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from difflib import SequenceMatcher
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.ui.common.tooltips import plain_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")

#: Every rows model returns the row object itself under this role.
ROW_ROLE = Qt.ItemDataRole.UserRole


class RowsTableModel(QAbstractTableModel, Generic[RowT]):
    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RowT] = []

    def set_rows(self, rows: list[RowT]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def update_rows(self, rows: list[RowT], key: Callable[[RowT], Hashable]) -> None:
        """Hold ``rows`` instead, matched to the held ones by ``key``: a row still there is
        updated where it is, the others are removed or inserted. Unlike ``set_rows`` (a
        reset) the views keep their selection: a redraw unselected the row a coordinator
        had just chosen, and its buttons went grey under the pointer."""
        held = [key(row) for row in self.rows]
        wanted = [key(row) for row in rows]
        steps = SequenceMatcher(None, held, wanted, autojunk=False).get_opcodes()
        for step, start, end, new_start, new_end in reversed(steps):  # earlier rows stay put
            if step == "equal":
                for offset in range(end - start):
                    if self.rows[start + offset] != rows[new_start + offset]:
                        self.replace_row(start + offset, rows[new_start + offset])
                continue
            if end > start:
                self.beginRemoveRows(QModelIndex(), start, end - 1)
                del self.rows[start:end]
                self.endRemoveRows()
            if new_end > new_start:
                self.beginInsertRows(QModelIndex(), start, start + new_end - new_start - 1)
                self.rows[start:start] = rows[new_start:new_end]
                self.endInsertRows()

    def append_rows(self, rows: list[RowT]) -> None:
        """``rows`` at the end, as one block: the views lay out and repaint once."""
        if not rows:
            return
        position = len(self.rows)
        self.beginInsertRows(QModelIndex(), position, position + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def replace_row(self, position: int, row: RowT) -> None:
        self.rows[position] = row
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(self.HEADERS) - 1))

    def row(self, position: int) -> RowT:
        return self.rows[position]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        value = self.cell(row, index.column(), role)
        # The rows hold the services' words (a candidate, a reason): tooltips show them as
        # written, never as HTML (app.ui.common.tooltips).
        return plain_tooltip(value) if role == Qt.ItemDataRole.ToolTipRole else value

    def cell(self, row: RowT, column: int, role: int) -> Any:
        raise NotImplementedError
