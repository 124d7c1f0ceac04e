"""A table view that repaints, when rows come or go, only from the first row that moved."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    SignalInstance,
)
from PySide6.QtWidgets import QWidget

from app.ui.common.row_table import RowTableView

AnyIndex = QModelIndex | QPersistentModelIndex


class LocalRepaintTableView(RowTableView):
    """``QTableView`` repaints its whole viewport each time the number of rows changes, even
    for rows that arrive far below what it shows: its vertical header reports the new count to
    ``QTableView.rowCountChanged``, which lays every item out again. A first sync of 5,000
    orders lands as 49 pages below the 22 rows in view, and each repaint of the Orders table
    costs the GUI thread 14–25 ms at 1280×800 (its cells are answered by Python).

    While the model inserts or removes rows, this view holds its vertical header's signals, so
    the count change does not reach that slot. Once the header has its new count, the view
    updates its geometry (the scroll range) and repaints from the first row that moved down to
    the bottom of the viewport: nothing when the rows came or went below it. A model reset,
    a sort or a new layout still lays everything out, as before.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: The viewport's y from which rows move, once the model has moved them; None when no
        #: insertion or removal is under way.
        self._moved_from: int | None = None
        self._header_was_blocked = False

    def setModel(self, model: QAbstractItemModel | None) -> None:
        previous = self.model()
        if previous is not None:
            for signal, slot in self._row_signals(previous):
                signal.disconnect(slot)
        super().setModel(model)
        if model is not None:
            # Connected after the header's own (``setModel`` gave it the model): these run once
            # the header has counted the rows.
            for signal, slot in self._row_signals(model):
                signal.connect(slot)

    def _row_signals(
        self, model: QAbstractItemModel
    ) -> list[tuple[SignalInstance, Callable[[AnyIndex, int, int], None]]]:
        return [
            (model.rowsAboutToBeInserted, self._rows_about_to_move),
            (model.rowsAboutToBeRemoved, self._rows_about_to_move),
            (model.rowsInserted, self._rows_moved),
            (model.rowsRemoved, self._rows_moved),
        ]

    def _rows_about_to_move(self, parent: AnyIndex, first: int, _last: int) -> None:
        if parent.isValid() or self._moved_from is not None:
            return
        self._moved_from = self._top_of(first)
        self._header_was_blocked = self.verticalHeader().blockSignals(True)

    def _rows_moved(self, parent: AnyIndex, _first: int, _last: int) -> None:
        if parent.isValid() or self._moved_from is None:
            return
        top, self._moved_from = max(self._moved_from, 0), None
        header = self.verticalHeader()
        header.blockSignals(self._header_was_blocked)
        offset = header.offset()
        self.updateGeometries()  # the scroll range of the new count
        if header.offset() != offset:
            # Scrolled to the end one row at a time, the last row sat on the bottom edge; the
            # new range puts a row's top on the top edge instead, and every row shown moved
            # (by less than a row) with no scroll to repaint them.
            top = 0
        viewport = self.viewport()
        if top < viewport.height():
            viewport.update(QRect(0, top, viewport.width(), viewport.height() - top))

    def _top_of(self, row: int) -> int:
        """Where ``row`` starts in the viewport (before the change); past the last row, where
        the last row ends."""
        count = self.verticalHeader().count()
        if row < count:
            return self.rowViewportPosition(row)
        if count == 0:
            return 0
        return self.rowViewportPosition(count - 1) + self.rowHeight(count - 1)
