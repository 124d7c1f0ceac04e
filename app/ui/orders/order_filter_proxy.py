"""Search, status filter and sort over the orders table, in bulk.

Filtering is set arithmetic over whole-table masks (``RowSearch``) and sorting one ``sorted``
over a column of keys, instead of ``QSortFilterProxyModel`` calling back into Python once per
row and per comparison (seconds per keystroke at 100,000 rows; bench/snapshot_scale.py).

When the source changes a few rows (a poll, a step done) the proxy works out which shown rows
leave, move and arrive, and says exactly that (rows removed, layout changed, rows inserted): the
view keeps its selection and scroll position, and unchanged rows are not repainted.

The orders the coordinator is on (``keep_shown``: the selection) stay shown when a change takes
them out of the filter (Accept under "New"), until they move to other orders or change the
search or filter themselves: as a mail client keeps a message just read under "Unread". They
keep their place in the sort too (pinned at the sort key they had when they were selected),
so the keyboard stays where it was after a step under a sort by status; once the coordinator
moves on, they are sorted again by what they are now.

A proxy in what it does, a ``QAbstractTableModel`` in what Qt sees: a view paints each cell
after asking its index's parent a dozen times (the selection's ranges ask it), and a
``QAbstractProxyModel`` answered those, ``index`` and ``sibling`` in Python, about a quarter of
the thread's time for a repaint of the inbox (9.2 → 6.9 ms of CPU at 1280×800, 200 selected).
The table model answers them in C++; ``setSourceModel``, ``sourceModel`` and the two mappings
keep a proxy's names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import compress
from operator import not_
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QMetaObject,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.domain.consecutive import consecutive_runs
from app.domain.order_status import OrderStatus
from app.domain.text_fold import fold
from app.ui.orders.order_table_model import ANSWERED_ROLES, OrderTableModel
from app.views.row_search import RowSearch, locate, pick_in_order

AnyIndex = QModelIndex | QPersistentModelIndex

# Rows kept in order for backspacing: at most this many searches (each keyed by its mask, one
# byte per order) and this many rows in all — 5 MB at 100,000 orders.
_RECENT_SEARCHES = 16
_RECENT_ROWS = 400_000
# More orders kept shown than this (Ctrl+A): not pinned in the sort (keep_shown), so that a
# poll does not go through them all; the keyboard is on one row of such a selection.
_PINNED_LIMIT = 1000
# More blocks of neighbouring rows than this leaving or arriving at once: one layout change
# rather than block by block.
_STEPWISE_LIMIT = 200
# Asked for every cell of a selection (Ctrl+A: every cell of the table): made once, not with
# an enum "|" (Python) per call.
_CELL_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


class OrderFilterProxy(QAbstractTableModel):
    """Search across every searchable column (all words must match), filter by status, sort."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._statuses: frozenset[OrderStatus] | None = None
        self._attention_only = False
        self._kept: frozenset[str] = frozenset()  # shown whatever the filter says (keep_shown)
        # The kept orders' sort keys (of the sort column) when they were kept: sorted by these.
        self._pinned: dict[str, Any] = {}
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._source: OrderTableModel | None = None
        self._sorted: list[int] = []  # every source row, in sort order
        self._in_sort_order: Callable[[bytes], Sequence[int]] = pick_in_order([])
        self._status_masks: dict[frozenset[OrderStatus], int] = {}
        self._mask = 0  # the source rows shown, as a RowSearch mask
        # mask -> its rows in sort order, for the last few searches (RowSearch keeps the masks)
        self._recent: dict[int, list[int]] = {}
        self._rows: list[int] = []  # the source rows shown, in order
        self._position: dict[int, int] | None = None  # source row -> proxy row, when asked often
        self._lookups = 0
        self._connections: list[QMetaObject.Connection] = []

    # -- source ------------------------------------------------------------------------------

    def setSourceModel(self, model: OrderTableModel) -> None:
        for connection in self._connections:
            QObject.disconnect(connection)
        self.beginResetModel()
        self._source = model
        self._pin_kept(afresh=True)
        self._connections = [
            model.modelAboutToBeReset.connect(self.beginResetModel),
            model.modelReset.connect(self._source_reset),
            # Its rows_updated follows its own dataChanged/rowsInserted and names every row of
            # one update: one re-filter and re-sort per update. Until then the rows shown are
            # still rows of the model, and their cells are read live.
            model.rows_updated.connect(self._source_changed),
        ]
        self._status_masks.clear()
        self._resort()
        self._show(self._wanted())
        self.endResetModel()

    def _source_reset(self, *_args: object) -> None:
        self._status_masks.clear()
        self._pin_kept(afresh=True)  # other data: the kept orders are where they are now
        self._resort()
        self._show(self._wanted())
        self.endResetModel()

    def _source_changed(self, source_rows: list[int]) -> None:
        """Some source rows changed or arrived: they may leave, move or enter the view."""
        self._status_masks.clear()
        old = self._rows
        self._resort()
        self._show(self._wanted())
        new = self._rows
        self._rows = old
        self._position = None
        if new == old:
            self._repaint(source_rows)
            return
        was = set(old)
        self._move_to(new, was)
        # Rows that arrived are painted as they are inserted: a page of a sync repaints nothing.
        self._repaint([row for row in source_rows if row in was])

    def _repaint(self, source_rows: list[int]) -> None:
        last = self.columnCount() - 1
        for proxy_row in locate(self._rows, source_rows).values():
            self.dataChanged.emit(self.index(proxy_row, 0), self.index(proxy_row, last))

    def _move_to(self, new: list[int], was: set[int]) -> None:
        """From the rows shown (``was``, as a set) to ``new``: removals, then a reorder, then
        insertions — each signalled, so that persistent indexes (the selection) follow their
        rows. Neighbouring rows leave or arrive in one signal: a page of a sync lands as one
        block, and each signal costs the view a pass over its rows."""
        old = self._rows
        kept = set(new)
        leaving = consecutive_runs(_positions_not_in(old, kept))
        arriving = consecutive_runs(_positions_not_in(new, was))
        if not old or len(leaving) + len(arriving) > _STEPWISE_LIMIT:
            self._relayout_to(new)
            return
        for first, last in reversed(leaving):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._rows = self._rows[:first] + self._rows[last + 1 :]
            self._position = None
            self.endRemoveRows()
        in_new_order = list(compress(new, map(was.__contains__, new)))
        if self._rows != in_new_order:
            self._relayout_to(in_new_order)
        # In ascending order: the rows before each block are then those of ``new`` already.
        for first, last in arriving:
            self.beginInsertRows(QModelIndex(), first, last)
            self._rows = [*self._rows[:first], *new[first : last + 1], *self._rows[first:]]
            self._position = None
            self.endInsertRows()

    def _relayout_to(self, new: list[int]) -> None:
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(self._source_row(i.row()), i.column()) for i in persistent]
        self._rows = new
        self._position = None
        where = locate(self._rows, (source_row for source_row, _ in sources))
        moved = []
        for source_row, column in sources:
            row = where.get(source_row, -1) if source_row is not None else -1
            moved.append(self.createIndex(row, column) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # -- filter and sort ---------------------------------------------------------------------

    def set_search_text(self, text: str) -> None:
        words = tuple(fold(text).split())  # as the rows' texts are (order_search.haystack)
        if words != self._words:
            self._words = words
            self._relayout(refilter=True)

    def set_statuses(self, statuses: frozenset[OrderStatus] | None) -> None:
        """Only these statuses; None for all."""
        if statuses != self._statuses:
            self._statuses = statuses
            self._relayout(refilter=True)

    def statuses(self) -> frozenset[OrderStatus] | None:
        return self._statuses

    def set_attention_only(self, only: bool) -> None:
        """Only the orders that need the coordinator's attention (a flag on the row)."""
        if only != self._attention_only:
            self._attention_only = only
            self._relayout(refilter=True)

    def keep_shown(self, order_ids: Iterable[str]) -> None:
        """Show these orders (the ones the coordinator is on) even once a change to them takes
        them out of the search or filter; orders kept before leave then, if they no longer
        pass. A search or filter the coordinator sets applies to them as to any order."""
        kept = frozenset(order_ids)
        if kept != self._kept:
            self._kept = kept
            self._relayout(sort=self._unpin_others())
            self._pin_kept()

    def kept_ids(self) -> frozenset[str]:
        return self._kept

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._sort_order = order
        self._pinned = {}  # a sort the coordinator asks for places every row by what it is
        self._relayout(sort=True)
        self._pin_kept()

    def sortColumn(self) -> int:
        return self._sort_column

    def sortOrder(self) -> Qt.SortOrder:
        return self._sort_order

    def _pin_kept(self, *, afresh: bool = False) -> None:
        """Pin each kept order not pinned yet at its sort key now: the key it is placed by."""
        model = self._source
        if afresh:
            self._pinned = {}
        if model is None or not 0 <= self._sort_column < model.columnCount():
            return
        if len(self._kept) > _PINNED_LIMIT:
            return
        unpinned = self._kept - self._pinned.keys()
        if not unpinned:
            return
        keys = model.sort_keys(self._sort_column)  # built by the last sort
        for order_id in unpinned:
            row = model.row_of(order_id)
            if row is not None:
                self._pinned[order_id] = keys[row]

    def _unpin_others(self) -> bool:
        """Unpin the orders no longer kept; whether any of them has moved in the sort since
        (then the rows are sorted again)."""
        model = self._source
        gone = [order_id for order_id in self._pinned if order_id not in self._kept]
        if not gone or model is None or not 0 <= self._sort_column < model.columnCount():
            for order_id in gone:
                del self._pinned[order_id]
            return False
        keys = model.sort_keys(self._sort_column)
        moved = False
        for order_id in gone:
            pinned = self._pinned.pop(order_id)
            row = model.row_of(order_id)
            moved = moved or (row is not None and keys[row] != pinned)
        return moved

    def _wanted(self, *, keep: bool = True) -> int:
        """The mask of the source rows that pass the search and the status filter, and of the
        orders kept shown (unless not ``keep``)."""
        model = self._source
        if model is None:
            return 0
        search = model.row_search()
        mask = self._passing(model, search)
        if keep and self._kept and mask != search.everything:  # every row shown: none to add
            mask |= search.rows_mask(self._kept_rows(model))
        return mask

    def _kept_rows(self, model: OrderTableModel) -> list[int]:
        return [row for row in map(model.row_of, self._kept) if row is not None]

    def _passing(self, model: OrderTableModel, search: RowSearch) -> int:
        mask = search.find(self._words)
        if self._statuses is not None and mask:
            allowed = self._statuses
            status_mask = self._status_masks.get(allowed)
            if status_mask is None:
                status_mask = search.mask_where(map(allowed.__contains__, model.statuses()))
                gone = model.rows().gone
                if any(gone):  # an order SmartRecruiters no longer has is of no status now
                    status_mask &= ~search.mask_where(gone)
                self._status_masks[allowed] = status_mask
            mask &= status_mask
        if self._attention_only and mask:
            flagged = search.mask_where(map(bool, model.rows().attention))
            mask &= flagged
        return mask

    def _resort(self) -> None:
        model = self._source
        count = model.rowCount() if model is not None else 0
        self._sorted = self._sort_rows(model, count) if model is not None else []
        # A snapshot lists its orders newest first, as the table shows them: then a mask's
        # bytes are in display order already and pick_in_order leaves them be.
        self._in_sort_order = pick_in_order(self._sorted)
        self._mask = 0  # the rows shown are in the old order (or of old data): start afresh
        self._recent.clear()

    def _show(self, mask: int) -> None:
        """Show the rows of ``mask``, in sort order."""
        model = self._source
        self._position = None
        self._lookups = 0
        shown, self._mask = self._mask, mask
        if model is None or not mask:
            self._rows = []
        elif mask == model.row_search().everything:
            self._rows = self._sorted
        elif (recent := self._recent.pop(mask, None)) is not None:
            self._rows = recent  # backspacing: rows shown a few keystrokes ago
        else:
            in_mask = model.row_search().mask_bytes(mask)
            if mask & shown == mask and len(self._rows) * 4 < len(self._sorted):
                # Typing on among few rows: only rows shown now can stay, already in order.
                self._rows = list(compress(self._rows, map(in_mask.__getitem__, self._rows)))
            else:
                self._rows = list(compress(self._sorted, self._in_sort_order(in_mask)))
        if self._rows is not self._sorted and mask:
            self._recent[mask] = self._rows  # newest last
            kept = sum(map(len, self._recent.values()))
            while len(self._recent) > 1 and (
                kept > _RECENT_ROWS or len(self._recent) > _RECENT_SEARCHES
            ):
                kept -= len(self._recent.pop(next(iter(self._recent))))

    def _sort_rows(self, model: OrderTableModel, count: int) -> list[int]:
        column = self._sort_column
        if not 0 <= column < model.columnCount():
            return list(range(count))
        keys = model.sort_keys(column)
        if self._pinned:  # the kept orders keep their place (keep_shown)
            keys = list(keys)
            for order_id, key in self._pinned.items():
                row = model.row_of(order_id)
                if row is not None:
                    keys[row] = key
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if model.spec[column].descending_first:
            descending = not descending  # Age: the youngest is the newest
        return sorted(range(count), key=keys.__getitem__, reverse=descending)

    def _relayout(self, *, sort: bool = False, refilter: bool = False) -> None:
        """Recompute and tell the views, moving persistent indexes with their source rows.
        ``refilter``: the coordinator changed the search or filter, and the orders kept shown
        stay only if they pass."""
        model = self._source
        if refilter and self._kept and model is not None:
            passing = model.row_search().mask_bytes(self._wanted(keep=False))
            self._kept = frozenset(
                order_id
                for order_id in self._kept
                if (row := model.row_of(order_id)) is not None and passing[row]
            )
            sort = self._unpin_others() or sort
        mask = self._wanted()
        if not sort and mask == self._mask:
            return  # the same rows in the same order: nothing to lay out or paint again
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        sources = [(self._source_row(i.row()), i.column()) for i in persistent]
        if sort:
            self._resort()
        self._show(mask)
        where = locate(self._rows, (source_row for source_row, _ in sources))
        moved = []
        for source_row, column in sources:
            row = where.get(source_row, -1) if source_row is not None else -1
            moved.append(self.createIndex(row, column) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _source_row(self, row: int) -> int | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _proxy_row(self, source_row: int) -> int:
        if self._position is None:
            self._lookups += 1
            if self._lookups <= 8:  # the current index and a selection: a C-level search each
                try:
                    return self._rows.index(source_row)
                except ValueError:
                    return -1
            self._position = dict(zip(self._rows, range(len(self._rows)), strict=True))
        return self._position.get(source_row, -1)

    # -- a proxy's mappings and Qt's model interface -------------------------------------------

    def sourceModel(self) -> OrderTableModel | None:
        return self._source

    def mapToSource(self, proxy_index: AnyIndex) -> QModelIndex:
        model = self._source
        if model is None or not proxy_index.isValid():
            return QModelIndex()
        source_row = self._source_row(proxy_index.row())
        if source_row is None:
            return QModelIndex()
        return model.index(source_row, proxy_index.column())

    def mapFromSource(self, source_index: AnyIndex) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self._proxy_row(source_index.row())
        return self.createIndex(row, source_index.column()) if row >= 0 else QModelIndex()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._source is None:
            return 0
        return self._source.columnCount()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CELL_FLAGS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._source is None:
            return None
        return self._source.headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every painted cell and role: no detour through mapToSource, and the
        # roles nobody answers (font, alignment, decoration, …) leave at once.
        if role not in ANSWERED_ROLES:
            return None
        model = self._source
        row = index.row()
        if model is None or not 0 <= row < len(self._rows):
            return None
        return model.cell(self._rows[row], index.column(), role)

    def source_rows(self) -> list[int]:
        """The model rows shown, in the order shown (the CSV export writes these)."""
        return list(self._rows)

    def order_ids_at(self, rows: list[int]) -> list[str]:
        """The orders shown at these rows (of this model)."""
        model = self._source
        shown = self._rows
        return [] if model is None else [model.order_id(shown[row]) for row in rows]

    def whole_rows(self, blocks: Iterable[tuple[int, int]]) -> QItemSelection:
        """These blocks of rows (each first, last), every column: the corners made here, as
        ``index`` asks Python for the counts of rows and columns for each (a quarter of a
        second for the 19,000 blocks of the new orders among 100,000)."""
        last = self.columnCount() - 1
        selection = QItemSelection()
        for first, end in blocks:
            selection.select(self.createIndex(first, 0), self.createIndex(end, last))
        return selection

    def order_ids(self) -> list[str]:
        """The orders shown, in the order shown."""
        model = self._source
        return [] if model is None else [model.order_id(row) for row in self._rows]


def _positions_not_in(rows: list[int], others: set[int]) -> list[int]:
    """The positions in ``rows`` of the rows not in ``others`` (in C: thousands of rows)."""
    return list(compress(range(len(rows)), map(not_, map(others.__contains__, rows))))
