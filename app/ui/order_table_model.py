"""The orders table: a model over a list of orders, and a proxy that searches, filters and
sorts it.

Built for 100,000 orders (a large snapshot): the model keeps one column list per field (the
``SnapshotIndex`` shape) rather than an object per row, formats dates only for the cells Qt
paints, and gets the domain object lazily (``ORDER_ROLE``) — a snapshot parses an order only
when it is shown. The proxy filters and sorts in bulk over those lists instead of letting
``QSortFilterProxyModel`` call back into Python once per row and per comparison, which cost
seconds per keystroke at that size (measured: bench/snapshot_scale.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from functools import lru_cache
from itertools import compress
from typing import Any, overload

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QAbstractTableModel,
    QMetaObject,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from app.domain.row_search import RowSearch, locate, pick_in_order
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.snapshot import OrderSummary, SnapshotIndex, summarize

ORDER_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3  # the OrderStatus, without loading the order

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    STATUS = 0
    CANDIDATE = 1
    EMAIL = 2
    JOB = 3
    COMPANY = 4
    REQUESTOR = 5
    ORDERED = 6
    AGE = 7


HEADERS = {
    Column.STATUS: "Status",
    Column.CANDIDATE: "Candidate",
    Column.EMAIL: "Candidate email",
    Column.JOB: "Job",
    Column.COMPANY: "Company",
    Column.REQUESTOR: "Requestor",
    Column.ORDERED: "Ordered on",
    Column.AGE: "Age",
}

STATUS_LABELS = {
    OrderStatus.NEW: "New",
    OrderStatus.IN_PROGRESS: "In progress",
    OrderStatus.REJECTED: "Rejected",
    OrderStatus.COMPLETED: "Completed",
}

# Badge colours chosen to read on both light and dark palettes.
STATUS_COLOURS = {
    OrderStatus.NEW: QColor("#1f77d0"),
    OrderStatus.IN_PROGRESS: QColor("#c27c0e"),
    OrderStatus.REJECTED: QColor("#b3261e"),
    OrderStatus.COMPLETED: QColor("#2e7d32"),
}


def describe_age(created: datetime | None, now: datetime) -> str:
    if created is None:
        return ""
    seconds = max((now - created).total_seconds(), 0)
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


@lru_cache(maxsize=8192)
def _parse_utc(created: str) -> datetime | None:
    """The index's UTC text back as a datetime; only for painted cells, hence the cache."""
    if not created:
        return None
    try:
        return datetime.fromisoformat(created)
    except ValueError:
        return None  # a damaged snapshot: show nothing rather than fail a paint


@lru_cache(maxsize=8192)
def local_text(created: str) -> str:
    value = _parse_utc(created)
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else ""


_STATUS_RANK = {status: rank for rank, status in enumerate(OrderStatus)}
# Rows kept in order for backspacing: at most this many searches (each keyed by its mask, one
# byte per order) and this many rows in all — 5 MB at 100,000 orders.
_RECENT_SEARCHES = 16
_RECENT_ROWS = 400_000
_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        ORDER_ROLE,
        SORT_ROLE,
        STATUS_ROLE,
    }
)
NO_EMAIL_TIP = "No email: Berke cannot send reminders; use the invitation code or a printed slip."

#: Loads the full order of a row (a snapshot parses it on demand).
OrderLoader = Callable[[int], AssessmentOrder]


def _haystack(index: SnapshotIndex) -> list[str]:
    """Lower-cased text of every column, one string per row, for search-as-you-type."""
    labels = [STATUS_LABELS[s] for s in index.status]
    return [
        "\n".join(parts).casefold()
        for parts in zip(
            labels,
            index.candidate,
            index.email,
            index.job,
            index.company,
            index.requestor,
            (c[:10] for c in index.created),
            strict=True,
        )
    ]


class OrderTableModel(QAbstractTableModel):
    """Orders as columns of text; the order itself under ``ORDER_ROLE``, loaded when asked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index = SnapshotIndex.of([])
        self._orders: Sequence[AssessmentOrder] | None = []
        self._loader: OrderLoader = self._from_list
        self._index_by_id: dict[str, int] = {}
        self._haystacks: list[str] = []
        self._search = RowSearch([])
        self._status_counts: Counter[OrderStatus] = Counter()
        self._sort_keys: dict[int, list[Any]] = {}
        self._now = datetime.now(UTC)

    # -- data in ---------------------------------------------------------------------------

    def set_orders(self, orders: Sequence[AssessmentOrder], now: datetime | None = None) -> None:
        """Replace the content with live orders (one reset: views keep their header state)."""
        orders = list(orders)
        self._replace(SnapshotIndex.of([summarize(o) for o in orders]), orders, None, now)

    def set_index(
        self,
        index: SnapshotIndex,
        loader: OrderLoader,
        now: datetime | None = None,
        *,
        row_of: dict[str, int] | None = None,
    ) -> None:
        """Replace the content with a snapshot's index; ``loader`` gives a row's full order,
        ``row_of`` (id -> row) may be shared with the snapshot rather than built again."""
        self._replace(index, None, loader, now, row_of)

    def _replace(
        self,
        index: SnapshotIndex,
        orders: Sequence[AssessmentOrder] | None,
        loader: OrderLoader | None,
        now: datetime | None,
        row_of: dict[str, int] | None = None,
    ) -> None:
        self.beginResetModel()
        self._index = index
        self._orders = orders
        self._loader = loader or self._from_list
        self._now = now or datetime.now(UTC)
        self._index_by_id = (
            row_of if row_of is not None else {oid: row for row, oid in enumerate(index.id)}
        )
        self._haystacks = _haystack(index)
        self._search = RowSearch(self._haystacks)
        self._status_counts = Counter(index.status)
        self._sort_keys = {}
        self.endResetModel()

    def _from_list(self, row: int) -> AssessmentOrder:
        assert self._orders is not None
        return self._orders[row]

    def order_at(self, row: int) -> AssessmentOrder:
        return self._loader(row)

    def summary(self, row: int) -> OrderSummary:
        return self._index.summary(row)

    def row_of(self, order_id: str) -> int | None:
        return self._index_by_id.get(order_id)

    def orders(self) -> list[AssessmentOrder]:
        """Every order. A snapshot's are parsed here: prefer the column accessors at scale."""
        if self._orders is not None:
            return list(self._orders)
        return [self._loader(row) for row in range(len(self._index))]

    def count_status(self, status: OrderStatus) -> int:
        return self._status_counts[status]

    def haystack(self, row: int) -> str:
        return self._haystacks[row]

    def columns(self) -> SnapshotIndex:
        """The orders as one list per field (a snapshot's own index, or built from the list)."""
        return self._index

    def row_search(self) -> RowSearch:
        """The search over the rows' texts (built with the rows, kept until they change)."""
        return self._search

    def statuses(self) -> list[OrderStatus]:
        return self._index.status

    def sort_keys(self, column: int) -> list[Any]:
        """One key per row for ``column``, built on the first sort by it."""
        keys = self._sort_keys.get(column)
        if keys is None:
            index = self._index
            if column == Column.STATUS:
                keys = [_STATUS_RANK[s] for s in index.status]
            elif column in (Column.ORDERED, Column.AGE):
                keys = index.created  # UTC ISO text: text order is time order
            else:
                source = {
                    Column.CANDIDATE: index.candidate,
                    Column.EMAIL: index.email,
                    Column.JOB: index.job,
                    Column.COMPANY: index.company,
                    Column.REQUESTOR: index.requestor,
                }[Column(column)]
                keys = [text.casefold() for text in source]
            self._sort_keys[column] = keys
        return keys

    # -- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._index.id)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def text(self, row: int, column: int) -> str:
        index = self._index
        if column == Column.STATUS:
            return STATUS_LABELS[index.status[row]]
        if column == Column.CANDIDATE:
            return index.candidate[row]
        if column == Column.EMAIL:
            return index.email[row] or "—"
        if column == Column.JOB:
            return index.job[row]
        if column == Column.COMPANY:
            return index.company[row]
        if column == Column.REQUESTOR:
            return index.requestor[row]
        if column == Column.ORDERED:
            return local_text(index.created[row])
        return describe_age(_parse_utc(index.created[row]), self._now)

    def cell(self, row: int, column: int, role: int) -> Any:
        """What ``data`` answers for (row, column); the proxy calls it directly."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == STATUS_ROLE:
            return self._index.status[row]
        if role == ORDER_ROLE:
            return self._loader(row)
        if role == SORT_ROLE:
            return self.sort_keys(column)[row]
        if column == Column.STATUS:
            status = self._index.status[row]
            if role == Qt.ItemDataRole.ForegroundRole:
                return STATUS_COLOURS[status]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"SmartRecruiters status: {status.value}"
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and column == Column.EMAIL
            and not self._index.email[row]
        ):
            return NO_EMAIL_TIP
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[Column(column)]}: {self.text(row, column)}"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not (0 <= row < len(self._index.id)):
            return None
        return self.cell(row, index.column(), role)


class OrderFilterProxy(QAbstractProxyModel):
    """Search across every text column (all words must match), filter by status, sort.

    Filtering is set arithmetic over whole-table masks (``RowSearch``) and sorting one
    ``sorted`` over a column list; the view sees a layout change — none when a keystroke
    leaves the same rows — and persistent indexes (the selection) follow their rows.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._statuses: frozenset[OrderStatus] | None = None
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

    def _model(self) -> OrderTableModel | None:
        return self._source

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        for connection in self._connections:
            QObject.disconnect(connection)
        self.beginResetModel()
        super().setSourceModel(model)
        self._source = model if isinstance(model, OrderTableModel) else None
        self._status_masks.clear()
        self._connections = [
            model.modelAboutToBeReset.connect(self.beginResetModel),
            model.modelReset.connect(self._source_reset),
            model.rowsAboutToBeInserted.connect(self.beginResetModel),
            model.rowsInserted.connect(self._source_reset),
            model.rowsAboutToBeRemoved.connect(self.beginResetModel),
            model.rowsRemoved.connect(self._source_reset),
            model.layoutAboutToBeChanged.connect(self.beginResetModel),
            model.layoutChanged.connect(self._source_reset),
            model.dataChanged.connect(self._source_data_changed),
        ]
        self._resort()
        self._show(self._wanted())
        self.endResetModel()

    def _source_reset(self, *_args: object) -> None:
        self._status_masks.clear()
        self._resort()
        self._show(self._wanted())
        self.endResetModel()

    def _source_data_changed(self, *_args: object) -> None:
        if self._rows:
            last = self.index(len(self._rows) - 1, len(Column) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # -- filter and sort ---------------------------------------------------------------------

    def set_search_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words != self._words:
            self._words = words
            self._relayout()

    def search_words(self) -> tuple[str, ...]:
        return self._words

    def set_statuses(self, statuses: frozenset[OrderStatus] | None) -> None:
        """Only these statuses; None for all."""
        if statuses != self._statuses:
            self._statuses = statuses
            self._relayout()

    def statuses(self) -> frozenset[OrderStatus] | None:
        return self._statuses

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._sort_order = order
        self._relayout(sort=True)

    def sortColumn(self) -> int:
        return self._sort_column

    def sortOrder(self) -> Qt.SortOrder:
        return self._sort_order

    def _wanted(self) -> int:
        """The mask of the source rows that pass the search and the status filter."""
        model = self._source
        if model is None:
            return 0
        search = model.row_search()
        mask = search.find(self._words)
        if self._statuses is not None and mask:
            allowed = self._statuses
            status_mask = self._status_masks.get(allowed)
            if status_mask is None:
                status_mask = search.mask_where(map(allowed.__contains__, model.statuses()))
                self._status_masks[allowed] = status_mask
            mask &= status_mask
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
        if not 0 <= column < len(Column):
            return list(range(count))
        keys = model.sort_keys(column)
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if column == Column.AGE:
            descending = not descending  # the youngest is the newest
        return sorted(range(count), key=keys.__getitem__, reverse=descending)

    def _relayout(self, *, sort: bool = False) -> None:
        """Recompute and tell the views, moving persistent indexes with their source rows."""
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

    # -- Qt proxy interface ------------------------------------------------------------------

    def mapToSource(self, proxy_index: AnyIndex) -> QModelIndex:
        model = self._model()
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

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < len(Column)):
            return QModelIndex()
        return self.createIndex(row, column)

    @overload
    def parent(self, /) -> QObject | None: ...
    @overload
    def parent(self, child: AnyIndex, /) -> QModelIndex: ...
    def parent(self, child: AnyIndex | None = None, /) -> QModelIndex | QObject | None:
        if child is None:
            return QObject.parent(self)
        return QModelIndex()  # a flat table

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._rows)

    def sibling(self, row: int, column: int, index: AnyIndex) -> QModelIndex:
        return self.index(row, column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every painted cell and role: no detour through mapToSource, and the
        # roles nobody answers (font, alignment, decoration, …) leave at once.
        if role not in _ANSWERED_ROLES:
            return None
        model = self._source
        row = index.row()
        if model is None or not 0 <= row < len(self._rows):
            return None
        return model.cell(self._rows[row], index.column(), role)

    def source_rows(self) -> list[int]:
        """The model rows shown, in the order shown (the CSV export writes these)."""
        return list(self._rows)
