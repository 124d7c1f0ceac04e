"""The orders selected stay exactly those orders (the ones still shown) when a search, filter
or sort changes the rows shown.

OrderFilterProxy says such a change as a change of layout, and Qt's selection model follows a
layout change in two ways, neither of them good here:
- a table of over 1,000 cells selected whole, as one range (Ctrl+A), is kept as that range,
  its two ends moved with their rows: the range took in the rows that arrived between them
  (Ctrl+A under "New", then "All statuses": the orders in progress selected too) or lost an
  end and was gone (Ctrl+A, then "New": nothing selected);
- any other selection is kept as an index per selected cell, each moved by the proxy in
  Python: 0.6 s a keystroke with 3,500 orders of 100,000 selected.
So the selection is put aside before the selection model hears of the change, and selected
again after it, in runs of neighbouring rows.
"""

from __future__ import annotations

from itertools import compress

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, QSignalBlocker
from PySide6.QtWidgets import QAbstractItemView

from app.domain.consecutive import consecutive_runs
from app.ui.orders.order_filter_proxy import OrderFilterProxy


class SelectionKeeper(QObject):
    """Made before ``view`` is given ``proxy``: its slots then run before the selection
    model's. Quiet, as Qt is through a change of layout: the view paints every row after it,
    and whoever follows the selection does so on ``layoutChanged``."""

    def __init__(self, view: QAbstractItemView, proxy: OrderFilterProxy) -> None:
        super().__init__(view)
        self._view = view
        self._proxy = proxy
        self._selected: set[int] = set()  # the source rows selected, while the layout changes
        proxy.layoutAboutToBeChanged.connect(self._put_aside)
        proxy.layoutChanged.connect(self._select_again)

    def _put_aside(self, *_args: object) -> None:
        model = self._view.selectionModel()
        if model is None or not model.hasSelection():
            return
        shown = self._proxy.source_rows()
        selection = model.selection()
        for part in map(selection.at, range(selection.count())):
            self._selected.update(shown[part.top() : part.bottom() + 1])
        with QSignalBlocker(model):
            model.clearSelection()

    def _select_again(self, *_args: object) -> None:
        selected, self._selected = self._selected, set()
        self.select_source_rows(selected)

    def select_source_rows(self, selected: set[int]) -> None:
        """Select these rows of the source model (those shown), in runs of neighbours, and
        quietly: whoever follows the selection hears of it otherwise (``layoutChanged``, or
        from the caller)."""
        model = self._view.selectionModel()
        if model is None or not selected:
            return
        proxy = self._proxy
        shown = proxy.source_rows()
        rows = list(compress(range(len(shown)), map(selected.__contains__, shown)))
        if rows and rows[-1] - rows[0] + 1 == len(rows):  # a search typed on: one block
            runs = [(rows[0], rows[-1])]
        else:
            runs = consecutive_runs(rows)
        selection = proxy.whole_rows(runs)
        with QSignalBlocker(model):
            # Cleared first, whatever Qt made of the change: selected onto nothing, Qt does
            # not compare the old ranges with the new, each with each (4.6 s for the 19,000
            # runs of the new orders among 100,000).
            model.clearSelection()
            model.select(selection, QItemSelectionModel.SelectionFlag.Select)
            if len(runs) > 1:
                # Orders picked one by one: settled, as Qt settles a selection when rows come
                # or go, so that a Shift+click adds its rows to them rather than replacing
                # them. One block (a click, a Shift range) is left as Qt left it: settled, a
                # Shift range grown before the change could no longer be shrunk (Shift+Up
                # kept the order it meant to drop, and a Reject of several took it).
                model.select(QItemSelection(), QItemSelectionModel.SelectionFlag.Select)
