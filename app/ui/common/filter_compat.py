"""A proxy base that changes its row filter the way the running Qt wants it done."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel


class RowsFilterProxy(QSortFilterProxyModel):
    """``QSortFilterProxyModel`` with one way to say "my row filter is about to change".

    Qt 6.10 deprecated ``invalidateRowsFilter()`` for a ``beginFilterChange()`` /
    ``endFilterChange()`` pair that must bracket the change of the filter's inputs; older Qt only
    has the former. Subclasses call ``_begin_filter_change()`` before changing what
    ``filterAcceptsRow`` reads and ``_end_filter_change()`` after, and work on both.
    """

    def _begin_filter_change(self) -> None:
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()

    def _end_filter_change(self) -> None:
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()
