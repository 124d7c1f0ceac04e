"""The candidates tree: orders grouped by candidate, and a proxy that searches it.

Top-level rows are candidates (one per ``candidate.id``), their children the candidate's orders,
newest first. Display strings and sort keys are computed once per row in ``set_orders``, not per
paint. Indexes carry no Python object: an order row's internal id is its candidate's row + 1
and a candidate row's is 0, so a stale index can never point into freed memory.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any, overload

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.domain.smartrecruiters import AssessmentOrder, Candidate, OrderStatus
from app.ui.filter_compat import RowsFilterProxy
from app.ui.order_table_model import ORDER_ROLE, SORT_ROLE, STATUS_COLOURS, STATUS_LABELS

CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex

_CANDIDATE_ID = 0  # internal id of every top-level index

NO_EMAIL_TIP = "No email: Berke cannot send reminders; use the invitation code or a printed slip."


class Column(IntEnum):
    NAME = 0
    EMAIL = 1
    STATUS = 2
    COMPANY = 3
    LATEST = 4


HEADERS = {
    Column.NAME: "Candidate / job",
    Column.EMAIL: "Email",
    Column.STATUS: "Orders / status",
    Column.COMPANY: "Company",
    Column.LATEST: "Latest order",
}


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so that "muller" finds "Müller" and "Zoë" sorts by Zoe.

    Coordinators type names on whatever keyboard they have; an ASCII spelling must still match.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _sort_text(text: str) -> str:
    # Accent-free first so Émile sits among the Es; the full form breaks ties deterministically.
    return f"{fold(text)}\0{text.casefold()}"


def _stamp(order: AssessmentOrder) -> float:
    return order.create_date.timestamp() if order.create_date else float("-inf")


def _when(created: datetime | None) -> str:
    return created.astimezone().strftime("%Y-%m-%d %H:%M") if created else ""


@dataclass(frozen=True)
class TreeRow:
    """What one row shows, computed once; ``order`` is None for a candidate row."""

    candidate: Candidate
    order: AssessmentOrder | None
    texts: tuple[str, ...]
    sort_keys: tuple[Any, ...]
    tooltips: tuple[str | None, ...]


@dataclass(frozen=True)
class CandidateGroup:
    row: TreeRow
    orders: tuple[TreeRow, ...]
    haystack: str  # folded name, email and every order's job and company, for search


def _order_row(candidate: Candidate, order: AssessmentOrder) -> TreeRow:
    job = order.job.name if order.job and order.job.name else "(no job name)"
    company = order.company.name if order.company else ""
    texts = (
        job,
        "",  # the candidate row right above shows it; repeated on every order it is only noise
        STATUS_LABELS[order.status],
        company,
        _when(order.create_date),
    )
    sort_keys = (
        _sort_text(job),
        (candidate.email or "").casefold(),
        list(OrderStatus).index(order.status),
        _sort_text(company),
        order.create_date.timestamp() if order.create_date else 0.0,
    )
    tooltips = (
        f"Order {order.id}",
        None,
        f"SmartRecruiters status: {order.status.value}",
        None,
        None,
    )
    return TreeRow(candidate, order, texts, sort_keys, tooltips)


def _group(orders: list[AssessmentOrder]) -> CandidateGroup:
    """One candidate's orders (already newest first) as a candidate row and its children."""
    # The newest order carries the freshest copy of the candidate (a corrected email, say).
    candidate = orders[0].candidate
    children = tuple(_order_row(candidate, order) for order in orders)
    name = candidate.full_name or f"(candidate {candidate.id})"
    companies = list(dict.fromkeys(o.company.name for o in orders if o.company and o.company.name))
    count = len(orders)
    newest = orders[0].create_date
    by_status = {label: 0 for label in STATUS_LABELS.values()}
    for order in orders:
        by_status[STATUS_LABELS[order.status]] += 1
    texts = (
        name,
        candidate.email or "—",
        f"{count} order" if count == 1 else f"{count} orders",
        ", ".join(companies),
        _when(newest),
    )
    sort_keys = (
        _sort_text(name),
        (candidate.email or "").casefold(),
        count,
        _sort_text(texts[3]),
        newest.timestamp() if newest else 0.0,
    )
    tooltips = (
        f"Candidate {candidate.id}",
        None if candidate.email else NO_EMAIL_TIP,
        ", ".join(f"{n} {label.lower()}" for label, n in by_status.items() if n),
        None,
        None,
    )
    parts = [name, candidate.email or ""]
    for order in orders:
        parts.append(order.job.name if order.job else "")
        parts.append(order.company.name if order.company else "")
    return CandidateGroup(
        TreeRow(candidate, None, texts, sort_keys, tooltips), children, fold("\n".join(parts))
    )


class CandidateTreeModel(QAbstractItemModel):
    """Candidates with their orders beneath them; the domain objects under the user roles."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups: list[CandidateGroup] = []
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data in ---------------------------------------------------------------------------

    def set_orders(self, orders: list[AssessmentOrder]) -> None:
        """Replace the content in one reset: candidates by name, each one's orders newest first."""
        by_candidate: dict[str, list[AssessmentOrder]] = {}
        for order in orders:
            by_candidate.setdefault(order.candidate.id, []).append(order)
        groups = []
        for candidate_orders in by_candidate.values():
            candidate_orders.sort(key=_stamp, reverse=True)
            groups.append(_group(candidate_orders))
        groups.sort(key=lambda g: (g.row.sort_keys[Column.NAME], g.row.candidate.id))
        self.beginResetModel()
        self._groups = groups
        self.endResetModel()

    def candidate_count(self) -> int:
        return len(self._groups)

    def haystack(self, candidate_row: int) -> str:
        return self._groups[candidate_row].haystack

    def index_of_order(self, order_id: str) -> QModelIndex:
        """The order's index (column 0), or an invalid one if it is not in the model."""
        for group_row, group in enumerate(self._groups):
            for row, child in enumerate(group.orders):
                if child.order is not None and child.order.id == order_id:
                    return self.createIndex(row, 0, group_row + 1)
        return QModelIndex()

    def _row(self, index: AnyIndex) -> TreeRow | None:
        if not index.isValid():
            return None
        internal = index.internalId()
        if internal == _CANDIDATE_ID:
            if 0 <= index.row() < len(self._groups):
                return self._groups[index.row()].row
            return None
        group_row = internal - 1
        if 0 <= group_row < len(self._groups):
            orders = self._groups[group_row].orders
            if 0 <= index.row() < len(orders):
                return orders[index.row()]
        return None

    # -- Qt model interface ------------------------------------------------------------------

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # Bounds checked here rather than with hasIndex(), which would call back into Python
        # twice: index() is the hottest method while the proxy filters and sorts.
        if not 0 <= column < len(Column) or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row < len(self._groups):
                return self.createIndex(row, column, _CANDIDATE_ID)
            return QModelIndex()
        if row < self.rowCount(parent):
            return self.createIndex(row, column, parent.row() + 1)
        return QModelIndex()

    @overload
    def parent(self, /) -> QObject | None: ...
    @overload
    def parent(self, child: AnyIndex, /) -> QModelIndex: ...
    def parent(self, child: AnyIndex | None = None, /) -> QModelIndex | QObject | None:
        # Python code may still ask for the QObject parent; only the one-argument form is the
        # model's.
        if child is None:
            return QObject.parent(self)
        if not child.isValid() or child.internalId() == _CANDIDATE_ID:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, _CANDIDATE_ID)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        # Only a candidate's first column has children, as Qt's views expect of a tree.
        if parent.internalId() != _CANDIDATE_ID or parent.column() != 0:
            return 0
        if 0 <= parent.row() < len(self._groups):
            return len(self._groups[parent.row()].orders)
        return 0

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return len(Column)

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() != _CANDIDATE_ID:
            # Lets the view skip asking an order row for children.
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)] if 0 <= section < len(Column) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.texts[column]
        if role == ORDER_ROLE:
            return row.order
        if role == CANDIDATE_ROLE:
            return row.candidate
        if role == SORT_ROLE:
            return row.sort_keys[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltips[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.order is not None and column == Column.STATUS:
                return STATUS_COLOURS[row.order.status]
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.order is None and column == Column.NAME else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[Column(column)]}: {row.texts[column]}"
        return None


class CandidateFilterProxy(RowsFilterProxy):
    """Every word must occur in the candidate's name or email, or in one of their orders' job
    or company; a candidate that matches shows all of its orders."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self.setSortRole(SORT_ROLE)

    def search_text_words(self) -> tuple[str, ...]:
        return self._words

    def set_search_text(self, text: str) -> None:
        words = tuple(fold(text).split())
        if words != self._words:
            self._begin_filter_change()
            self._words = words
            self._end_filter_change()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        # Qt asks about an order only when its candidate is shown, and then all of them are.
        if source_parent.isValid() or not self._words:
            return True
        model = self.sourceModel()
        if not isinstance(model, CandidateTreeModel):
            return True
        hay = model.haystack(source_row)
        return all(word in hay for word in self._words)
