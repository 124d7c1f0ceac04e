"""The offer detail pane: the offer's fields, the FAQ's Cost warning with its fix, and the
orders this offer received (from the local copy, read through the catalogue off the GUI thread).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.offer_cost import OfferCost, cost_advice, expected_cost
from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentOrder, Offer, OrderStatus
from app.ui.common.colours import ADVICE
from app.ui.common.labels import NOTHING, ValueLabel, plain_label
from app.ui.common.task_group import NamedTasks
from app.ui.common.tint import tint
from app.ui.common.tooltips import plain_tooltip
from app.ui.offers.offer_table_model import (
    STATUS_SHADES,
    TYPE_LABELS,
    cost_text,
    price_text,
    status_label,
)
from app.views.text import as_cell
from app.workflows.offer_catalog import OfferCatalog, OfferError

_FIELDS = (
    ("catalogId", "Catalog id"), ("status", "Status"), ("type", "Type"),
    ("price", "Price"), ("cost", "Portal cost"), ("expirationDate", "Expires"),
    ("industries", "Industries"), ("locations", "Locations"),
    ("companies", "Companies"), ("specialOffer", "Special offer"),
    ("targetMarket", "Target market"), ("id", "Offer id"),
    ("description", "Description"),
)  # fmt: skip


#: What the pane says of an offer it keeps showing that the page shown does not hold.
OFF_PAGE = (
    "Not in the list shown: SmartRecruiters lists it on another page, or outside the search "
    "or the status filter. It stays shown here until you choose another offer."
)


def order_line(order: AssessmentOrder) -> str:
    """One order on one line: date, status, candidate, job, company."""
    date = local_time(order.create_date).strftime("%Y-%m-%d") if order.create_date else NOTHING
    # Status early: the line is elided on the right in a narrow pane.
    parts = [date, _order_status(order.status), order.candidate.display_name]
    if order.job and order.job.name:
        parts.append(order.job.name)
    if order.company and order.company.name:
        parts.append(order.company.name)
    # The candidate names themselves: a right-to-left override in the name drew the job and
    # company after it backwards, and a line break cut the line (the list's rows are one line).
    return as_cell(" · ".join(parts))


def _order_status(status: OrderStatus) -> str:
    # The order statuses' own words ("IN_PROGRESS" → "In progress"), without reaching into
    # the Orders room for its table's labels.
    return status.value.replace("_", " ").capitalize()


#: The most of a value the pane lays out: a 1 MB description (the API sets no limit) held the
#: window 2.8 s each time the offer was chosen.
SHOWN_MAX = 5000


def shown(text: str) -> str:
    """``text`` as the pane shows it: whole, or its start and what is left out."""
    if len(text) <= SHOWN_MAX:
        return text
    return f"{text[:SHOWN_MAX]}… ({len(text) - SHOWN_MAX:,} more characters: Edit shows them)"


def _values(offer: Offer, cost: OfferCost | None) -> dict[str, str]:
    values = _whole_values(offer, cost)
    return {key: shown(text) for key, text in values.items()}


def _whole_values(offer: Offer, cost: OfferCost | None) -> dict[str, str]:
    availability = offer.availability
    return {
        "catalogId": offer.catalog_id,
        "status": status_label(offer.status) + (f" ({offer.status.value})" if offer.status else ""),
        "type": TYPE_LABELS[offer.terms.type],
        "price": price_text(offer, "Free (no price)"),
        "cost": cost_text(cost),
        "expirationDate": (availability.expiration_date if availability else None) or "Never",
        "industries": (", ".join(availability.industries or []) if availability else "") or "All",
        "locations": (", ".join(availability.locations or []) if availability else "") or "All",
        "companies": availability.companies_text if availability else "ALL",
        "specialOffer": "Yes" if availability and availability.is_special_offer else "No",
        "targetMarket": str(offer.target_market) if offer.target_market else NOTHING,
        "id": offer.id or NOTHING,
        "description": offer.description,
    }


class OfferDetail(QStackedWidget):
    """The right pane of the Offers tab: a sentence until an offer is chosen, then the offer."""

    #: The recent orders of the shown offer are on screen.
    recent_loaded = Signal()
    #: The coordinator asks to record the Cost the FAQ wants (the offer shown, that Cost).
    cost_fix_requested = Signal(object, object)

    def __init__(self, tasks: NamedTasks | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offerDetail")
        self._catalog: OfferCatalog | None = None
        self._offer: Offer | None = None
        self._tasks = tasks or NamedTasks()  # the room's, so that it can wait for all its work

        self.title = ValueLabel()  # the offer's name, as written (and never wider than the pane)
        self.title.setObjectName("offerTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        # An offer kept shown after a save that the page read since does not hold (created
        # on another page, or moved out of the status filter): said, not left to puzzle over.
        self.off_page = plain_label(OFF_PAGE, name="offerOffPage")
        self.off_page.hide()
        form = self._build_fields()
        self._build_cost_line()
        self._build_recent()

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.off_page)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.cost_warning)
        fix_line = QHBoxLayout()
        fix_line.addWidget(self.cost_fix)
        fix_line.addStretch(1)
        layout.addLayout(fix_line)
        layout.addSpacing(8)
        layout.addWidget(self._recent_heading)
        layout.addWidget(self.recent_state)
        layout.addWidget(self.recent_orders, 1)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop of its own: focused, it showed nothing; Tab goes to what is in it.
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setWidget(body)
        self.placeholder = plain_label(
            "Select an offer to see its fields, its Cost check and its recent orders."
        )
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # No offer, no empty form of dashes: a sentence takes the pane's place.
        self.addWidget(self.placeholder)
        self.addWidget(self._scroll)
        self.setMinimumWidth(320)
        tint(self.cost_warning, ADVICE)

    def _build_fields(self) -> QFormLayout:
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for key, text in _FIELDS:
            # Never wider than the pane: a link of 74 characters in a description made the
            # pane scroll sideways, every wrapped line with it.
            value = ValueLabel()
            value.setObjectName(f"offer_{key}")
            form.addRow(f"{text}:", value)
            self.fields[key] = value
        return form

    def _build_cost_line(self) -> None:
        self.cost_warning = plain_label(name="offerCostWarning")
        self.cost_warning.hide()
        self.cost_fix = QPushButton()
        self.cost_fix.setObjectName("offerCostFix")
        self.cost_fix.hide()
        self.cost_fix.clicked.connect(self._ask_cost_fix)

    def _build_recent(self) -> None:
        self._recent_heading = plain_label("Recent orders", wrap=False)
        heading_font = QFont(self._recent_heading.font())
        heading_font.setBold(True)
        self._recent_heading.setFont(heading_font)
        # At most 20 lines that never grow: a list widget is enough here.
        self.recent_orders = QListWidget()
        self.recent_orders.setObjectName("offerRecentOrders")
        self.recent_orders.setAccessibleName("Recent orders of this offer")
        self.recent_orders.setMinimumHeight(120)
        self.recent_orders.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.recent_orders.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent_orders.setUniformItemSizes(True)
        self.recent_state = plain_label(name="offerRecentState")

    # -- showing --------------------------------------------------------------------------------

    def set_catalog(self, catalog: OfferCatalog | None) -> None:
        self._tasks.cancel("recent")  # a read of the last catalogue has nowhere to go
        self._catalog = catalog

    def offer(self) -> Offer | None:
        return self._offer

    def show_offer(self, offer: Offer | None, cost: OfferCost | None) -> None:
        """Show ``offer`` (None: the placeholder) and read its recent orders again."""
        if offer is None or self._offer is None or offer.id != self._offer.id:
            self._scroll.verticalScrollBar().setValue(0)  # each offer starts at its name
        self._offer = offer
        self._tasks.cancel("recent")
        self.recent_orders.clear()
        self.setCurrentWidget(self.placeholder if offer is None else self._scroll)
        if offer is None:
            self.title.setText("")
            for label in self.fields.values():
                label.setText(NOTHING)
            tint(self.fields["status"], None)
            self._show_cost_warning(None, None)
            self.recent_state.setText("")
            return
        self.title.setText(shown(offer.name))
        for key, text in _values(offer, cost).items():
            self.fields[key].setText(text)
        tint(self.fields["status"], STATUS_SHADES.get(offer.status) if offer.status else None)
        self._show_cost_warning(offer, cost)
        self.recent_state.setText("Loading orders…")
        self.reload_recent()

    def _show_cost_warning(self, offer: Offer | None, cost: OfferCost | None) -> None:
        advice = cost_advice(offer, cost) if offer is not None else None
        self.cost_warning.setText(f"⚠ {advice}" if advice else "")
        self.cost_warning.setVisible(bool(advice))
        self.cost_fix.setVisible(bool(advice))
        if offer is not None and advice:
            wanted = expected_cost(offer)
            self.cost_fix.setText(f"Record the cost as “{wanted}”")
            self.cost_fix.setToolTip(
                f"Once the Partner Portal shows {wanted}, record it here. This changes "
                "nothing on SmartRecruiters."
            )

    def set_off_page(self, off_page: bool) -> None:
        """Say (or stop saying) that the offer shown is on no row of the page shown."""
        self.off_page.setVisible(off_page)

    def cost_warning_text(self) -> str:
        return self.cost_warning.text() if not self.cost_warning.isHidden() else ""

    def _ask_cost_fix(self) -> None:
        offer = self._offer
        if offer is not None and offer.id:
            self.cost_fix_requested.emit(offer, expected_cost(offer))

    # -- recent orders --------------------------------------------------------------------------

    def reload_recent(self) -> None:
        """Read the shown offer's orders again (a newer read supersedes an older one)."""
        if self._offer is not None and self._catalog is not None:
            self._tasks.start(self._load_recent(self._catalog, self._offer), name="recent")

    async def _load_recent(self, catalog: OfferCatalog, offer: Offer) -> None:
        try:
            found = await catalog.recent_orders(offer)
        except OfferError as exc:
            self.recent_state.setText(str(exc))  # a local read: the pane says so, and goes on
            return
        if self._offer is None or self._offer.id != offer.id:
            return
        self.recent_orders.clear()
        for order in found:
            item = QListWidgetItem(order_line(order))
            item.setData(Qt.ItemDataRole.UserRole, order.id)
            item.setToolTip(plain_tooltip(f"Order {order.id}"))
            self.recent_orders.addItem(item)
        if found:
            limit = catalog.recent_limit
            many = f"the {limit} most recent" if len(found) >= limit else "newest first"
            self.recent_state.setText(f"Orders from this offer in the local copy, {many}.")
        else:
            self.recent_state.setText(
                "No order from this offer in the local copy (sync the inbox to update it)."
            )
        self.recent_loaded.emit()

    def recent_order_ids(self) -> list[str]:
        return [
            str(self.recent_orders.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.recent_orders.count())
        ]
