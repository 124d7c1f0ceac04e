"""Rows as tall as their wrapped text, measured only when they are in view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, QTimer
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView

AnyIndex = QModelIndex | QPersistentModelIndex


class RowsFittedInView(QObject):
    """Fits each row of ``table`` to its contents (``resizeRowToContents``) once it is in view,
    and again when its data or the columns' widths change.

    Measuring a row asks the model for every cell's data and lays its text out: ~0.3 ms a row.
    A batch cancelled after 30 of 200 orders reports the other 170 in one turn of the loop, and
    measuring each as it came held the window for 55 ms; a column dragged wider measured all
    200 at every step. Rows out of view keep the height of one line of text (the most common
    height) until they are scrolled to, so the scroll bar's range is right for most lists and
    close for the rest.
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        #: Rows measured at the columns' current widths and with their current data.
        self._fitted: set[int] = set()
        self._fitting = False
        # A column's new width is not yet the one the table reads while it says it resized
        # (sectionResized): the rows are measured at the next turn of the loop, once for a
        # whole drag's worth of steps.
        self._after_resize = QTimer(self)
        self._after_resize.setSingleShot(True)
        self._after_resize.setInterval(0)
        self._after_resize.timeout.connect(self.refit)
        table.verticalHeader().setDefaultSectionSize(one_line_height(table))
        model = table.model()
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsRemoved.connect(self._rows_removed)
        model.dataChanged.connect(self._data_changed)
        model.modelReset.connect(self.refit)
        model.layoutChanged.connect(self.refit)
        model.rowsMoved.connect(self.refit)
        table.horizontalHeader().sectionResized.connect(lambda *_: self._after_resize.start())
        table.verticalScrollBar().valueChanged.connect(self.fit_in_view)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit_in_view()  # taller: more rows in view
        return False

    def refit(self, *_args: object) -> None:
        """Every row is measured again, when it is in view."""
        self._fitted.clear()
        self.fit_in_view()

    def fit_in_view(self, *_args: object) -> None:
        if self._fitting:
            return  # the scroll below, answered here
        self._fitting = True
        try:
            bar = self._table.verticalScrollBar()
            at_end = 0 < bar.maximum() == bar.value()
            while self._fit_rows_in_view() and at_end:
                # Taller rows pushed the end out of view: scrolled to the end (End, or the
                # bar dragged down), the list stays there.
                self._table.updateGeometries()
                bar.setValue(bar.maximum())
        finally:
            self._fitting = False

    def _fit_rows_in_view(self) -> bool:
        """Measures the rows in view not measured yet; False when there were none."""
        table = self._table
        count = table.model().rowCount()
        row = max(table.rowAt(0), 0)
        bottom = table.viewport().height()
        measured = False
        # A row fitted taller pushes the next ones down: each position is read after it.
        while row < count and table.rowViewportPosition(row) < bottom:
            if row not in self._fitted and not table.isRowHidden(row):
                table.resizeRowToContents(row)
                self._fitted.add(row)
                measured = True
            row += 1
        return measured

    def _rows_inserted(self, parent: AnyIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        moved = last - first + 1
        self._fitted = {r if r < first else r + moved for r in self._fitted}
        self.fit_in_view()

    def _rows_removed(self, parent: AnyIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        moved = last - first + 1
        self._fitted = {
            r if r < first else r - moved for r in self._fitted if not first <= r <= last
        }
        self.fit_in_view()

    def _data_changed(self, top: AnyIndex, bottom: AnyIndex, *_roles: object) -> None:
        self._fitted.difference_update(range(top.row(), bottom.row() + 1))
        self.fit_in_view()


def one_line_height(table: QTableView) -> int:
    """The height ``resizeRowToContents`` gives a row of one line of text in ``table``."""
    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
    option.text = "Xg"
    option.font = table.font()
    hint = table.style().sizeFromContents(
        QStyle.ContentsType.CT_ItemViewItem, option, QSize(), table
    )
    grid = 1 if table.showGrid() else 0
    return max(hint.height() + grid, table.verticalHeader().minimumSectionSize())
