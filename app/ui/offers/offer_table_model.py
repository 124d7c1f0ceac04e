"""The offers table: a model over one page of offers (with each offer's recorded Cost), and a
proxy that sorts it and keeps only the chosen status.

The search itself is SmartRecruiters' (``q``), so the proxy does not filter by text: a local
word match could hide offers the service found by other fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication

from app.domain.offer_cost import OfferCost, cost_advice
from app.domain.smartrecruiters import Offer, OfferStatus, OfferType
from app.domain.text_fold import sort_text
from app.ui.common.colours import AMBER, GREEN, GREY_ON_DARK, RED, Shade
from app.ui.common.filter_compat import RowsFilterProxy
from app.ui.common.tooltips import plain_tooltip
from app.views.text import as_cell

OFFER_ROLE = Qt.ItemDataRole.UserRole
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    STATUS = 0
    NAME = 1
    CATALOG_ID = 2
    TYPE = 3
    PRICE = 4
    COST = 5


HEADERS = {
    Column.STATUS: "Status",
    Column.NAME: "Name",
    Column.CATALOG_ID: "Catalog id",
    Column.TYPE: "Type",
    Column.PRICE: "Price",
    Column.COST: "Portal cost",
}

STATUS_LABELS = {
    OfferStatus.INACTIVE: "Inactive",
    OfferStatus.UNDER_REVIEW: "Under review",
    OfferStatus.ACTIVE: "Active",
    OfferStatus.REJECTED: "Rejected",
}

STATUS_TIPS = {
    OfferStatus.INACTIVE: "Not on the Marketplace. Submit it for review when it is ready.",
    OfferStatus.UNDER_REVIEW: "SmartRecruiters' partners team is reviewing it.",
    OfferStatus.ACTIVE: "On the Marketplace: customers can order it.",
    OfferStatus.REJECTED: "The partners team rejected it. Withdraw it, fix it and submit again.",
}

STATUS_SHADES = {
    OfferStatus.INACTIVE: Shade("#6b7280", GREY_ON_DARK),
    OfferStatus.UNDER_REVIEW: AMBER,
    OfferStatus.ACTIVE: GREEN,
    OfferStatus.REJECTED: RED,
}
#: A cost the Cost check advises to look at again.
COST_WARNING = AMBER

TYPE_LABELS = {
    OfferType.BEHAVIORAL_ASSESSMENT: "Behavioral assessment",
    OfferType.REFERENCE_CHECK: "Reference check",
    OfferType.SKILLS_TEST: "Skills test",
    OfferType.VIDEO_INTERVIEW: "Video interview",
    OfferType.BACKGROUND_CHECK: "Background check",
}


def status_label(status: OfferStatus | None) -> str:
    return STATUS_LABELS[status] if status is not None else "—"


def price_text(offer: Offer, free: str = "Free") -> str:
    price = offer.terms.price
    return price.text if price is not None else free  # cut: the service sets no bound


def cost_text(cost: OfferCost | None) -> str:
    return str(cost) if cost is not None else "Not recorded"


@dataclass(frozen=True)
class OfferRow:
    """What the table shows of one offer, computed once. Sort keys are scalars: Qt's proxy
    cannot order Python tuples."""

    offer: Offer
    cost: OfferCost | None
    advice: str | None
    texts: tuple[str, ...]
    sort_keys: tuple[Any, ...]

    @classmethod
    def of(cls, offer: Offer, cost: OfferCost | None) -> OfferRow:
        advice = cost_advice(offer, cost)
        cost_shown = cost_text(cost) + (" ⚠" if advice else "")
        texts = (
            status_label(offer.status),
            # One line, without direction controls, as the inbox draws a service's text: a
            # line break showed only the name's first line, an override drew it backwards.
            as_cell(offer.name),
            as_cell(offer.catalog_id),
            TYPE_LABELS[offer.terms.type],
            price_text(offer),
            cost_shown,
        )
        price = offer.terms.price
        sort_keys = (
            list(OfferStatus).index(offer.status) if offer.status else -1,
            sort_text(offer.name),  # as the inbox sorts names: Şirket among the Ss, not after Z
            offer.catalog_id.casefold(),
            texts[3],
            float(price.amount) if price else 0.0,
            # Warnings first when sorted ascending: they are what needs doing.
            f"{0 if advice else 1} {texts[5]}",
        )
        return cls(offer, cost, advice, texts, sort_keys)


class OfferTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OfferRow] = []

    # -- data in ---------------------------------------------------------------------------

    def set_offers(self, offers: list[Offer], costs: dict[str, OfferCost]) -> None:
        """Replace the content (one reset); ``costs`` are the recorded Costs by offer id."""
        self.beginResetModel()
        self._rows = [OfferRow.of(o, costs.get(o.id or "")) for o in offers]
        self.endResetModel()

    def replace(self, offer: Offer, cost: OfferCost | None) -> None:
        """Show a changed offer in place (after an edit, submit or withdraw)."""
        for row, current in enumerate(self._rows):
            if current.offer.id == offer.id:
                self._rows[row] = OfferRow.of(offer, cost)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1), [])
                return

    def offer_at(self, row: int) -> Offer:
        return self._rows[row].offer

    def row_of(self, offer_id: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.offer.id == offer_id), None)

    def offers(self) -> list[Offer]:
        return [row.offer for row in self._rows]

    def cost_of(self, offer_id: str) -> OfferCost | None:
        row = self.row_of(offer_id)
        return self._rows[row].cost if row is not None else None

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
        if role == OFFER_ROLE:
            return row.offer
        if role == SORT_ROLE:
            return row.sort_keys[column]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{HEADERS[Column(column)]}: {row.texts[column]}"
        status = row.offer.status
        if column == Column.STATUS and status is not None:
            if role == Qt.ItemDataRole.ForegroundRole:
                return STATUS_SHADES[status].on(QGuiApplication.palette())
            if role == Qt.ItemDataRole.ToolTipRole:
                return STATUS_TIPS[status]
        if column == Column.COST and row.advice:
            if role == Qt.ItemDataRole.ForegroundRole:
                return COST_WARNING.on(QGuiApplication.palette())
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(row.advice)
        return None


class OfferFilterProxy(RowsFilterProxy):
    """Sorts by the model's sort keys and keeps only one status (None for all).

    The service filters by status too; this keeps the page honest between a submit or withdraw
    that moves an offer out of the chosen status and the next fetch.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._status: OfferStatus | None = None
        self.setSortRole(SORT_ROLE)

    def set_status(self, status: OfferStatus | None) -> None:
        if status != self._status:
            self._begin_filter_change()
            self._status = status
            self._end_filter_change()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if self._status is None or not isinstance(model, OfferTableModel):
            return True
        return model.offer_at(source_row).status is self._status
