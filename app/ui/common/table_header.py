"""Column headers that stay quick to paint over a selection of any size."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QTableView


def header_apart_from_selection(table: QTableView) -> None:
    """Give ``table``'s column header a selection of its own, always empty (after
    ``setModel``, which hands the header the table's).

    On the table's selection, each paint of a column's header after the selection changed
    asked whether that column and its neighbours were selected whole (to draw them pressed):
    Qt asks the model about every row, through Python for our models: 2.25 s for Ctrl+A over
    100,000 orders (bench/snapshot_scale.py). Rows are selected whole in our lists, so a header
    has nothing to show about the selection.
    """
    header = table.horizontalHeader()
    header.setSelectionModel(QItemSelectionModel(table.model(), header))
