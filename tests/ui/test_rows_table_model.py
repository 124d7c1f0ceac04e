"""A rows table model updated with new rows ends with exactly those rows, each changed one
repainted in place (the files list, the batch's outcome list)."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.common.table_model import RowsTableModel


class Pairs(RowsTableModel[tuple[str, int]]):
    HEADERS: ClassVar[tuple[str, ...]] = ("Name", "Percent")

    def cell(self, row: tuple[str, int], column: int, role: int) -> Any:
        return row[column] if role == Qt.ItemDataRole.DisplayRole else None


def shown(model: Pairs) -> list[tuple[str, int]]:
    return [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]


def test_update_rows_ends_with_exactly_the_rows_given(qapp: QApplication) -> None:
    # M1 (steps applied front to back) and M2 (a row of the same key not replaced).
    model = Pairs()
    model.set_rows([("a", 0), ("b", 0), ("c", 0), ("d", 0)])
    wanted = [("x", 1), ("b", 50), ("d", 0), ("e", 2), ("f", 3)]
    model.update_rows(wanted, key=lambda r: r[0])
    assert shown(model) == wanted
