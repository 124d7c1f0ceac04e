"""The orders table: a model over a list of orders, and a proxy that searches and filters it.

Display strings are computed once per order (``OrderRow``), not per paint, so scrolling and
sorting a large inbox stays cheap; the domain object is returned under ``ORDER_ROLE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.ui.filter_compat import RowsFilterProxy

ORDER_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

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


@dataclass(frozen=True)
class OrderRow:
    """What the table shows of one order, computed once."""

    order: AssessmentOrder
    texts: tuple[str, ...]
    sort_keys: tuple[Any, ...]
    haystack: str  # lower-cased text of every column, for search-as-you-type

    @classmethod
    def of(cls, order: AssessmentOrder, now: datetime) -> OrderRow:
        created = order.create_date
        texts = (
            STATUS_LABELS[order.status],
            order.candidate.full_name,
            order.candidate.email or "—",
            order.job.name if order.job else "",
            order.company.name if order.company else "",
            order.requestor.full_name if order.requestor else "",
            created.astimezone().strftime("%Y-%m-%d %H:%M") if created else "",
            describe_age(created, now),
        )
        stamp = created.timestamp() if created else 0.0
        sort_keys = (
            list(OrderStatus).index(order.status),
            texts[1].casefold(),
            (order.candidate.email or "").casefold(),
            texts[3].casefold(),
            texts[4].casefold(),
            texts[5].casefold(),
            stamp,
            -stamp,
        )
        return cls(order, texts, sort_keys, "\n".join(texts).casefold())


class OrderTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OrderRow] = []
        self._index_by_id: dict[str, int] = {}

    # -- data in ---------------------------------------------------------------------------

    def set_orders(self, orders: list[AssessmentOrder], now: datetime | None = None) -> None:
        """Replace the content (one reset: views keep their header state)."""
        now = now or datetime.now(UTC)
        self.beginResetModel()
        self._rows = [OrderRow.of(order, now) for order in orders]
        self._index_by_id = {row.order.id: i for i, row in enumerate(self._rows)}
        self.endResetModel()

    def order_at(self, row: int) -> AssessmentOrder:
        return self._rows[row].order

    def row_of(self, order_id: str) -> int | None:
        return self._index_by_id.get(order_id)

    def orders(self) -> list[AssessmentOrder]:
        return [row.order for row in self._rows]

    # -- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS.get(Column(section)) if 0 <= section < len(Column) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.texts[column]
        if role == ORDER_ROLE:
            return row.order
        if role == SORT_ROLE:
            return row.sort_keys[column]
        if column == Column.STATUS:
            if role == Qt.ItemDataRole.ForegroundRole:
                return STATUS_COLOURS[row.order.status]
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"SmartRecruiters status: {row.order.status.value}"
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and column == Column.EMAIL
            and not row.order.candidate.email
        ):
            return (
                "No email: Berke cannot send reminders; use the invitation code or a printed slip."
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[Column(column)]}: {row.texts[column]}"
        return None

    def haystack(self, row: int) -> str:
        return self._rows[row].haystack


class OrderFilterProxy(RowsFilterProxy):
    """Search across every text column (all words must match) and filter by status."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._statuses: frozenset[OrderStatus] | None = None
        self.setSortRole(SORT_ROLE)

    def set_search_text(self, text: str) -> None:
        words = tuple(text.casefold().split())
        if words != self._words:
            self._begin_filter_change()
            self._words = words
            self._end_filter_change()

    def set_statuses(self, statuses: frozenset[OrderStatus] | None) -> None:
        """Only these statuses; None for all."""
        if statuses != self._statuses:
            self._begin_filter_change()
            self._statuses = statuses
            self._end_filter_change()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, OrderTableModel):
            return True
        if self._statuses is not None and model.order_at(source_row).status not in self._statuses:
            return False
        if self._words:
            hay = model.haystack(source_row)
            return all(word in hay for word in self._words)
        return True
