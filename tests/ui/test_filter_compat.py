"""A list filtered again by its rows (not its columns) shows the rows the new filter keeps."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel
from PySide6.QtWidgets import QApplication

from app.ui.common.filter_compat import RowsFilterProxy


class StartsWith(RowsFilterProxy):
    def __init__(self) -> None:
        super().__init__()
        self.prefix = ""

    def set_prefix(self, prefix: str) -> None:
        self._begin_filter_change()
        self.prefix = prefix
        self._end_filter_change()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        text = self.sourceModel().index(row, 0, parent).data()
        return str(text).startswith(self.prefix)


def test_a_changed_row_filter_changes_the_rows_shown(qapp: QApplication) -> None:
    source = QStringListModel(["Ana", "Bo", "Anton"])
    proxy = StartsWith()
    proxy.setSourceModel(source)
    assert proxy.rowCount() == 3
    proxy.set_prefix("An")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["Ana", "Anton"]
    proxy.set_prefix("")
    assert proxy.rowCount() == 3
