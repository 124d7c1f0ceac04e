"""The orders table: a model over ``OrderColumns`` (the view rows), shown through the columns
declared in ``app.views.inbox_columns``.

Built for 100,000 orders (a large snapshot): one list per field rather than an object per row,
text made only for the cells Qt paints, search by whole-table masks (``RowSearch``), sort keys
built on first use. A live inbox changes a few rows at a time: ``update_rows`` replaces those in
place (``dataChanged``) and appends new ones (``rowsInserted``), so views keep their selection and
scroll position and nothing unchanged is looked at again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from app.domain.order_status import OrderStatus
from app.ui.common.colours import AMBER, GREEN, GREY_ON_DARK, RED, Shade
from app.ui.common.tooltips import plain_tooltip
from app.views.columns import Column, Columns
from app.views.inbox_columns import GONE_RANK, INBOX, gone_tip, shown_status
from app.views.order_rows import OrderColumns, OrderRow
from app.views.order_search import PreparedSearch, haystack
from app.views.row_search import RowSearch

ORDER_ID_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3  # the OrderStatus of the row
GONE_ROLE = Qt.ItemDataRole.UserRole + 4  # whether SmartRecruiters no longer has the order

AnyIndex = QModelIndex | QPersistentModelIndex

# Each status's light shade fills its badge (the white words on it read on any palette) and
# colours the status written on a light palette; on a dark one, the words take the dark tint.
STATUS_SHADES = {
    OrderStatus.NEW: Shade("#1f77d0", "#58a6ff"),
    OrderStatus.IN_PROGRESS: AMBER,
    OrderStatus.REJECTED: RED,
    OrderStatus.COMPLETED: GREEN,
}
#: An order SmartRecruiters no longer has (grey: nothing to do).
GONE_SHADE = Shade("#6b6b6b", GREY_ON_DARK)


def status_colour(status: OrderStatus, gone: bool) -> QColor:
    """The fill of an order's status badge: grey once SmartRecruiters no longer has it."""
    return QColor((GONE_SHADE if gone else STATUS_SHADES[status]).light)


def status_text_colour(status: OrderStatus, gone: bool, palette: QPalette) -> QColor:
    """An order's status as words on ``palette``: grey once SmartRecruiters no longer has it."""
    return (GONE_SHADE if gone else STATUS_SHADES[status]).on(palette)


ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleTextRole,
        ORDER_ID_ROLE,
        SORT_ROLE,
        STATUS_ROLE,
        GONE_ROLE,
    }
)


class RowsUpdated(NamedTuple):
    """What ``update_rows`` did: the positions of the rows replaced, their old and new copies
    (in the same order), and how many rows it added at the end."""

    positions: list[int]
    replaced: list[tuple[OrderRow, OrderRow]]
    added: int


def _taker(rows: Sequence[int]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """Picks ``rows`` out of a column, at C speed (``itemgetter``, which gives a lone item
    bare, and takes no empty list)."""
    if not rows:
        return lambda _column: ()
    if len(rows) == 1:
        (only,) = rows
        return lambda column: (column[only],)
    return itemgetter(*rows)


class OrderTableModel(QAbstractTableModel):
    """Rows of orders; the order id under ``ORDER_ID_ROLE``."""

    #: After ``update_rows``: the rows it changed or added, in one go (the proxy re-filters
    #: and re-sorts once per update, not once per row).
    rows_updated = Signal(list)

    def __init__(self, parent: QObject | None = None, columns: Columns = INBOX) -> None:
        super().__init__(parent)
        self.spec = columns
        self._rows = OrderColumns.of_rows([])
        self._row_of: dict[str, int] = {}
        self._haystacks: list[str] = []
        self._search = RowSearch(self._haystacks)
        self._status_counts: Counter[OrderStatus] = Counter()
        self._sort_keys: dict[int, list[Any]] = {}

    # -- data in ---------------------------------------------------------------------------

    def set_rows(
        self,
        rows: OrderColumns,
        *,
        row_of: dict[str, int] | None = None,
        prepared: PreparedSearch | None = None,
    ) -> None:
        """Replace everything (one reset: views keep their header state). ``row_of`` (id ->
        row) may be shared with the caller rather than built again, and the search
        ``prepared`` for these rows (in a worker thread, say)."""
        if prepared is None or not prepared.fits(self.spec, rows):
            prepared = PreparedSearch.of(self.spec, rows)
        self.beginResetModel()
        self._rows = rows
        self._row_of = row_of if row_of is not None else {oid: i for i, oid in enumerate(rows.id)}
        self._haystacks = prepared.texts
        self._search = prepared.search
        self._status_counts = Counter(
            status for status, gone in zip(rows.status, rows.gone, strict=True) if not gone
        )
        self._sort_keys = {}
        self.endResetModel()

    def update_rows(self, rows: Sequence[OrderRow]) -> RowsUpdated:
        """Rows that changed (replaced in place) or are new (added at the end); rows equal to
        the ones held are left alone (a recheck sends every order)."""
        changed: list[int] = []
        replaced: list[tuple[OrderRow, OrderRow]] = []
        added: list[OrderRow] = []
        for row in rows:
            position = self._row_of.get(row.id)
            if position is None:
                added.append(row)
            elif (old := self._rows.row(position)) != row:
                self._count(old.status, old.gone, -1)
                self._count(row.status, row.gone, +1)
                self._rows.replace(position, row)
                self._search.replace(position, haystack(self.spec, row))
                changed.append(position)
                replaced.append((old, row))
        if changed:
            self._sort_keys = {}  # rebuilt on the next sort: a few rows changed their keys
            last = len(self.spec) - 1
            for position in changed:
                self.dataChanged.emit(self.index(position, 0), self.index(position, last))
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows.append(added)
            for offset, row in enumerate(added):
                self._row_of[row.id] = first + offset
                self._count(row.status, row.gone, +1)
            self._search.extend([haystack(self.spec, row) for row in added])
            self._sort_keys = {}
            self.endInsertRows()
        if changed or added:
            first_added = len(self._rows) - len(added)
            self.rows_updated.emit([*changed, *range(first_added, len(self._rows))])
        return RowsUpdated(changed, replaced, len(added))

    # -- reading ---------------------------------------------------------------------------

    def row_of(self, order_id: str) -> int | None:
        return self._row_of.get(order_id)

    def order_id(self, row: int) -> str:
        return self._rows.id[row]

    def row(self, row: int) -> OrderRow:
        return self._rows.row(row)

    def rows(self) -> OrderColumns:
        return self._rows

    def _count(self, status: OrderStatus, gone: bool, step: int) -> None:
        if not gone:  # an order SmartRecruiters no longer has is no longer new, nor anything
            self._status_counts[status] += step

    def count_status(self, status: OrderStatus) -> int:
        """Orders of ``status`` (not counting those SmartRecruiters no longer has)."""
        return self._status_counts[status]

    def haystack(self, row: int) -> str:
        return self._haystacks[row]

    def row_search(self) -> RowSearch:
        return self._search

    def statuses(self) -> list[OrderStatus]:
        return self._rows.status

    def texts_of(
        self, rows: Sequence[int], leave_out: frozenset[str] = frozenset()
    ) -> Callable[[], list[list[str]]]:
        """The texts of ``rows`` (of this model), column by column, as ``text`` gives them,
        but for the columns of the fields in ``leave_out``.
        The values are taken now, on the GUI thread (C-speed copies, ~0.1 s at 100,000 rows);
        they are worded by the function returned, which may run in a worker thread: worded
        here, the export of a 100,000-order view froze the window 3 s. The order id first."""
        take = _taker(rows)
        taken: list[tuple[Callable[..., str], tuple[Sequence[Any], ...]]] = [
            (str, (take(self._rows.id),))
        ]
        for spec in map(self.spec.__getitem__, range(len(self.spec))):
            if spec.field in leave_out:
                continue
            if spec.key == "status":
                taken.append((shown_status, (take(self._rows.status), take(self._rows.gone))))
            else:
                taken.append((spec.display, (take(self._rows.column(spec.field)),)))

        def worded() -> list[list[str]]:
            return [list(map(word, *values)) for word, values in taken]

        return worded

    def sort_keys(self, column: int) -> list[Any]:
        """One key per row for ``column``, built on the first sort by it."""
        keys = self._sort_keys.get(column)
        if keys is None:
            spec = self.spec[column]
            keys = spec.sort_keys(self._rows.column(spec.field))
            gone = self._rows.gone
            if spec.key == "status" and any(gone):
                keys = [GONE_RANK if g else key for key, g in zip(keys, gone, strict=True)]
            self._sort_keys[column] = keys
        return keys

    def text(self, row: int, column: int) -> str:
        return self._text(self.spec[column], row)

    def _text(self, spec: Column, row: int) -> str:
        if spec.key == "status":
            return shown_status(self._rows.status[row], self._rows.gone[row])
        return spec.display(self._rows.column(spec.field)[row])

    # -- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.spec)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.spec):
            return self.spec[section].header
        return None

    def cell(self, row: int, column: int, role: int) -> Any:
        """What ``data`` answers for (row, column); the proxy calls it directly."""
        spec = self.spec[column]
        if role == Qt.ItemDataRole.DisplayRole:  # every painted cell: the spec looked up once
            return self._text(spec, row)
        if role == ORDER_ID_ROLE:
            return self._rows.id[row]
        if role == STATUS_ROLE:
            return self._rows.status[row]
        if role == GONE_ROLE:
            return self._rows.gone[row]
        if role == SORT_ROLE:
            return self.sort_keys(column)[row]
        gone = self._rows.gone[row]
        if role == Qt.ItemDataRole.ForegroundRole and spec.key == "status":
            return status_text_colour(self._rows.status[row], gone, QGuiApplication.palette())
        if role == Qt.ItemDataRole.ToolTipRole and spec.key == "status" and gone:
            return gone_tip(self._rows.status[row])
        if role == Qt.ItemDataRole.ToolTipRole and spec.tooltip is not None:
            return plain_tooltip(spec.tooltip(self._rows.column(spec.field)[row]))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{spec.spoken or spec.header}: {self._text(spec, row)}"
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not (0 <= row < len(self._rows)) or role not in ANSWERED_ROLES:
            return None
        return self.cell(row, index.column(), role)
