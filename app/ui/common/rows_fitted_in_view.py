"""Rows as tall as their wrapped text, measured only when they are in view."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView

AnyIndex = QModelIndex | QPersistentModelIndex


class RowsFittedInView(QObject):
    """Fits each row of ``table`` to its contents (``resizeRowToContents``) once it is in view,
    and again when its data or the columns' widths change.

    Measuring a row asks the model for every cell's data and lays its text out: ~0.3 ms a row,
    and a list of outcomes can grow by 170 rows in one turn of the loop (a batch cancelled).
    Rows never yet in view have the height of one line of text (the most common one), so the
    scroll bar's range is right for most lists and close for the rest. For a table whose
    vertical header is hidden: a shown one may make a measured row taller than that line.

    It keeps the vertical scroll bar always shown. Shown only when needed, the bar appearing
    narrowed the columns, the rows wrapped anew and grew shorter, the bar went, the columns
    widened... a loop with no end (a batch's outcomes spent seconds at a time in it).
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        #: Rows measured at the columns' current widths and with their current data.
        self._fitted: set[int] = set()
        self._fitting = False
        # While a column says it resized (sectionResized), and while the viewport gets its
        # Resize event, the table still reads the old widths: the rows are measured at the
        # next turn of the loop, once for all the columns that one change resized.
        self._refit_soon = self._zero_timer(self.refit)
        self._fit_soon = self._zero_timer(self.fit_in_view)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        table.verticalHeader().setDefaultSectionSize(one_line_height(table))
        model = table.model()
        model.rowsInserted.connect(self._rows_inserted)
        model.rowsRemoved.connect(self._rows_removed)
        model.dataChanged.connect(self._data_changed)
        model.modelReset.connect(self.refit)
        model.layoutChanged.connect(self.refit)
        model.rowsMoved.connect(self.refit)
        table.horizontalHeader().sectionResized.connect(self._columns_resized)
        table.verticalScrollBar().valueChanged.connect(self.fit_in_view)
        table.viewport().installEventFilter(self)

    def _zero_timer(self, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(0)
        timer.timeout.connect(slot)
        return timer

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit_soon.start()  # taller: more rows in view
        return False

    def _columns_resized(self, *_args: object) -> None:
        # Not connected to QTimer.start itself: its start(int) would take the column's
        # number, the signal's first argument, for an interval.
        self._refit_soon.start()

    def refit(self, *_args: object) -> None:
        """Every row is measured again, when it is in view."""
        self._fitted.clear()
        self.fit_in_view()

    def fit_in_view(self, *_args: object) -> None:
        if self._fitting:
            return  # the scroll to the end below moved the bar: its loop goes on measuring
        self._fitting = True
        try:
            bar = self._table.verticalScrollBar()
            at_end = bar.maximum() > 0 and bar.value() == bar.maximum()
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
        row = table.rowAt(0)
        if row < 0:
            return False  # no rows, or none at the top of the view
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
        count = last - first + 1
        self._fitted = {r if r < first else r + count for r in self._fitted}
        self.fit_in_view()

    def _rows_removed(self, parent: AnyIndex, first: int, last: int) -> None:
        if parent.isValid():
            return
        count = last - first + 1
        self._fitted = {
            r if r < first else r - count for r in self._fitted if not first <= r <= last
        }
        self.fit_in_view()

    def _data_changed(self, top: AnyIndex, bottom: AnyIndex, *_roles: object) -> None:
        self._fitted.difference_update(range(top.row(), bottom.row() + 1))
        self.fit_in_view()


def one_line_height(table: QTableView) -> int:
    """The height ``resizeRowToContents`` gives a row of one line of text in ``table`` (its
    vertical header hidden)."""
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
