"""The Offers view: the vendor's Marketplace catalogue, searched and paged on SmartRecruiters,
with a detail pane (fields, the FAQ's Cost warning, the offer's recent orders) and the moves a
partner may make: create, edit, submit for review, withdraw. ACTIVE is never offered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.clients.errors import ApiError
from app.clients.smartrecruiters import ActiveOfferRefusedError
from app.domain.offer_cost import OfferCost, cost_advice, expected_cost
from app.domain.smartrecruiters import AssessmentOrder, Offer, OfferStatus
from app.ui.async_dialogs import confirm, show_error
from app.ui.berke_form import status_colours
from app.ui.offer_form import STATUS, OfferForm, field_key_for
from app.ui.offer_table_model import (
    OFFER_ROLE,
    STATUS_COLOURS,
    TYPE_LABELS,
    Column,
    OfferFilterProxy,
    OfferTableModel,
    cost_text,
    price_text,
    status_label,
)
from app.ui.order_table_model import STATUS_LABELS as ORDER_STATUS_LABELS
from app.workflows import offers
from app.workflows.desk import Desk

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 300
NOTHING = "—"
ALL_STATUSES = "All statuses"

_TIPS = {
    "new": "Create an offer in your SmartRecruiters catalogue (it starts INACTIVE)",
    "edit": "Change the selected offer (sent to SmartRecruiters as a POST)",
    "submit": "Ask SmartRecruiters' partners team to review and activate the offer",
    "withdraw": "Take the offer back to INACTIVE (off the Marketplace, out of review)",
}


def _order_line(order: AssessmentOrder) -> str:
    date = order.create_date.astimezone().strftime("%Y-%m-%d") if order.create_date else NOTHING
    # Status early: the line is elided on the right in a narrow pane.
    parts = [
        date,
        ORDER_STATUS_LABELS[order.status],
        order.candidate.full_name or order.candidate.id,
    ]
    if order.job and order.job.name:
        parts.append(order.job.name)
    if order.company and order.company.name:
        parts.append(order.company.name)
    return " · ".join(parts)


class OffersView(QWidget):
    """The Offers tab. ``set_desk`` connects it and starts the first fetch."""

    #: A fetch of the list ended (True when it succeeded); tests and the window listen.
    loaded = Signal(bool)
    #: The recent orders of the shown offer are on screen.
    detail_loaded = Signal()
    #: An offer changed on SmartRecruiters (created, saved, submitted, withdrawn): its id.
    offer_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offersView")
        self.desk: Desk | None = None
        self.form: OfferForm | None = None
        self.dialog_opened: Any = lambda _dialog: None  # a hook for tests
        self._offset = 0
        self._total = 0
        self._loading = False
        self._load_error: str | None = None
        self._list_task: asyncio.Task[None] | None = None
        self._detail_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight: set[str] = set()  # offer ids with a call under way
        self._shown: Offer | None = None

        self.model = OfferTableModel(self)
        self.proxy = OfferFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._search_now)

        self._build_toolbar()
        self._build_list()
        self._build_detail()
        self._build_layout()
        self._apply_colours()
        self._update_state()
        self._update_actions()

    # -- building ---------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("offerSearch")
        self.search.setPlaceholderText("Search offers (name, catalog id, description)…")
        self.search.setAccessibleName("Search offers")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("offerStatusFilter")
        self.status_filter.setAccessibleName("Status filter")
        self.status_filter.addItem(ALL_STATUSES, None)
        for status in OfferStatus:
            self.status_filter.addItem(status_label(status), status)
        self.status_filter.currentIndexChanged.connect(self._on_status_filter)

        self.new_button = QPushButton("&New…")
        self.new_button.setObjectName("newOffer")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setObjectName("editOffer")
        self.submit_button = QPushButton("Submit for re&view")
        self.submit_button.setObjectName("submitOffer")
        self.withdraw_button = QPushButton("&Withdraw")
        self.withdraw_button.setObjectName("withdrawOffer")
        self.new_button.clicked.connect(self.new_offer)
        self.edit_button.clicked.connect(self.edit_offer)
        self.submit_button.clicked.connect(self.submit_offer)
        self.withdraw_button.clicked.connect(self.withdraw_offer)

    def _build_list(self) -> None:
        table = self.table = QTableView()
        table.setObjectName("offersTable")
        table.setAccessibleName("Offers")
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicatorClearable(True)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((Column.STATUS, 95), (Column.NAME, 190),
                              (Column.CATALOG_ID, 115), (Column.TYPE, 150),
                              (Column.PRICE, 85)):  # fmt: skip
            table.setColumnWidth(column, width)
        table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        table.doubleClicked.connect(lambda _i: self.edit_offer())

        self.state_label = QLabel()
        self.state_label.setObjectName("offersState")
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setWordWrap(True)
        # The empty, loading or failed state takes the table's place: never a blank grid.
        self.stack = QStackedWidget()
        self.stack.addWidget(table)
        self.stack.addWidget(self.state_label)

        self.error_label = QLabel()
        self.error_label.setObjectName("offersError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        self.prev_button = QPushButton("◀ &Previous")
        self.prev_button.setObjectName("offersPrevious")
        self.next_button = QPushButton("Ne&xt ▶")
        self.next_button.setObjectName("offersNext")
        self.page_label = QLabel()
        self.page_label.setObjectName("offersPage")
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)

    def _build_detail(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("offerTitle")
        self.title.setWordWrap(True)
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)

        form = self._build_fields()
        self._build_cost_line()

        heading = QLabel("Recent orders")
        heading_font = QFont(heading.font())
        heading_font.setBold(True)
        heading.setFont(heading_font)
        # At most 20 lines that never grow: a list widget is enough here.
        self.recent_orders = QListWidget()
        self.recent_orders.setObjectName("offerRecentOrders")
        self.recent_orders.setAccessibleName("Recent orders of this offer")
        self.recent_orders.setMinimumHeight(120)
        self.recent_orders.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.recent_orders.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent_orders.setUniformItemSizes(True)
        self.recent_state = QLabel()
        self.recent_state.setObjectName("offerRecentState")
        self.recent_state.setWordWrap(True)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self.cost_warning)
        fix_line = QHBoxLayout()
        fix_line.addWidget(self.cost_fix)
        fix_line.addStretch(1)
        layout.addLayout(fix_line)
        layout.addSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(self.recent_state)
        layout.addWidget(self.recent_orders, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.detail_placeholder = QLabel(
            "Select an offer to see its fields, its Cost check and its recent orders."
        )
        self.detail_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_placeholder.setWordWrap(True)
        # No offer, no empty form of dashes: a sentence takes the pane's place.
        self.detail = QStackedWidget()
        self.detail.setObjectName("offerDetail")
        self.detail.addWidget(self.detail_placeholder)
        self.detail.addWidget(scroll)
        self.detail.setMinimumWidth(320)
        self._detail_scroll = scroll

    def _build_fields(self) -> QFormLayout:
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for key, text in (
            ("catalogId", "Catalog id"), ("status", "Status"), ("type", "Type"),
            ("price", "Price"), ("cost", "Portal cost"), ("expirationDate", "Expires"),
            ("industries", "Industries"), ("locations", "Locations"),
            ("companies", "Companies"), ("specialOffer", "Special offer"),
            ("targetMarket", "Target market"), ("id", "Offer id"),
            ("description", "Description"),
        ):  # fmt: skip
            value = QLabel(NOTHING)
            value.setObjectName(f"offer_{key}")
            value.setWordWrap(True)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            form.addRow(f"{text}:", value)
            self.fields[key] = value
        return form

    def _build_cost_line(self) -> None:
        self.cost_warning = QLabel()
        self.cost_warning.setObjectName("offerCostWarning")
        self.cost_warning.setWordWrap(True)
        self.cost_warning.hide()
        self.cost_fix = QPushButton()
        self.cost_fix.setObjectName("offerCostFix")
        self.cost_fix.hide()
        self.cost_fix.clicked.connect(self.record_expected_cost)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addSpacing(12)
        for button in (self.new_button, self.edit_button, self.submit_button,
                       self.withdraw_button):  # fmt: skip
            bar.addWidget(button)

        pages = QHBoxLayout()
        pages.addWidget(self.prev_button)
        pages.addWidget(self.page_label, 1)
        pages.addWidget(self.next_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.error_label)
        left_layout.addWidget(self.stack, 1)
        left_layout.addLayout(pages)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        outer = QVBoxLayout(self)
        outer.addLayout(bar)
        outer.addWidget(self.splitter, 1)

    # -- desk and fetching ------------------------------------------------------------------

    def set_desk(self, desk: Desk) -> None:
        """Connect to ``desk`` and fetch the first page (when an event loop is there to run it)."""
        self.desk = desk
        self._offset = 0
        self._update_actions()
        try:
            asyncio.get_event_loop()
        except RuntimeError:
            return  # no loop yet (a bare test): the caller awaits refresh() itself
        self._spawn(self.refresh())

    def search_text(self) -> str:
        return self.search.text().strip()

    def status_choice(self) -> OfferStatus | None:
        # Qt hands a str-based enum back as a plain str: rebuild the enum.
        data = self.status_filter.currentData()
        return OfferStatus(data) if data else None

    async def refresh(self) -> None:
        """Fetch the current page (search, status, offset). A newer refresh cancels this one:
        only the latest search may fill the table."""
        if self._list_task is not None and not self._list_task.done():
            self._list_task.cancel()
        task = asyncio.ensure_future(self._load_page())
        self._list_task = task
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # we were cancelled ourselves, not superseded
            # Superseded by a newer search: that one shows its answer.

    async def _load_page(self) -> None:
        desk = self.desk
        if desk is None:
            return
        self._loading = True
        self._update_state()
        ok = False
        try:
            page = await offers.list_offers(
                desk, q=self.search_text(), status=self.status_choice(),
                limit=offers.PAGE_SIZE, offset=self._offset,
            )  # fmt: skip
            if not page.content and page.total_found and self._offset:
                # The last page emptied (offers moved away): show the new last page instead.
                self._offset = max(0, (page.total_found - 1) // offers.PAGE_SIZE) * (
                    offers.PAGE_SIZE
                )
                page = await offers.list_offers(
                    desk, q=self.search_text(), status=self.status_choice(),
                    limit=offers.PAGE_SIZE, offset=self._offset,
                )  # fmt: skip
            costs = await offers.all_costs(desk)
        except ApiError as exc:
            log.warning("Listing offers failed: %r", exc)
            self._load_error = str(exc)
        else:
            self._load_error = None
            self._total = page.total_found
            self._show_page(page.content, costs)
            ok = True
        finally:
            # A superseded fetch leaves the state to its successor.
            if asyncio.current_task() is self._list_task:
                self._loading = False
                self._update_state()
                self.loaded.emit(ok)

    def _show_page(self, page: list[Offer], costs: dict[str, OfferCost]) -> None:
        keep = self._shown.id if self._shown is not None else None
        self.model.set_offers(page, costs)
        if self.proxy.rowCount() == 0:
            self._show_detail(None)
            return
        row = self.model.row_of(keep) if keep else None
        index = (
            self.proxy.mapFromSource(self.model.index(row, 0))
            if row is not None
            else self.proxy.index(0, 0)
        )
        if not index.isValid():
            index = self.proxy.index(0, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)  # keep a reference: a task without one may be collected
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Wait for every running fetch and action (tests, and a tidy close)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- search, filter, pages --------------------------------------------------------------

    def _search_now(self) -> None:
        self._search_timer.stop()
        self._offset = 0
        self._spawn(self.refresh())

    def _on_status_filter(self, _index: int) -> None:
        self.proxy.set_status(self.status_choice())
        self._offset = 0
        self._spawn(self.refresh())

    def next_page(self) -> None:
        if self._offset + offers.PAGE_SIZE < self._total:
            self._offset += offers.PAGE_SIZE
            self._spawn(self.refresh())

    def previous_page(self) -> None:
        if self._offset > 0:
            self._offset = max(0, self._offset - offers.PAGE_SIZE)
            self._spawn(self.refresh())

    def page_text(self) -> str:
        shown = self.model.rowCount()
        if self._total == 0 or shown == 0:
            return "No offers"
        first = self._offset + 1
        return f"{first}–{self._offset + shown} of {self._total}"

    def _update_state(self) -> None:
        """The page line, the paging buttons, and what takes the table's place when empty."""
        self.page_label.setText("Loading…" if self._loading else self.page_text())
        on_first = self._offset == 0
        on_last = self._offset + self.model.rowCount() >= self._total
        self.prev_button.setEnabled(not self._loading and not on_first)
        self.next_button.setEnabled(not self._loading and not on_last)
        self.prev_button.setToolTip("This is the first page." if on_first else "Previous page")
        self.next_button.setToolTip("This is the last page." if on_last else "Next page")
        self.error_label.setText(
            f"Could not load offers. {self._load_error}" if self._load_error else ""
        )
        self.error_label.setVisible(bool(self._load_error) and self.proxy.rowCount() > 0)

        if self.proxy.rowCount() > 0:
            self.stack.setCurrentWidget(self.table)
            return
        if self.desk is None:
            text = "Not connected yet."
        elif self._loading:
            text = "Loading offers…"
        elif self._load_error:
            text = f"Could not load offers.\n\n{self._load_error}"
        elif self.search_text() or self.status_choice() is not None:
            wanted = []
            if self.search_text():
                wanted.append(f"matches “{self.search_text()}”")
            if self.status_choice() is not None:
                wanted.append(f"is {self.status_choice()}")
            text = f"No offer {' and '.join(wanted)}."
        else:
            text = "No offers yet. Create the first one with New…"
        self.state_label.setText(text)
        self.stack.setCurrentWidget(self.state_label)

    # -- selection and detail ---------------------------------------------------------------

    def selected_offer(self) -> Offer | None:
        return self._shown

    def select_offer(self, offer_id: str) -> bool:
        row = self.model.row_of(offer_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        offer = current.data(OFFER_ROLE)
        self._show_detail(offer if isinstance(offer, Offer) else None)

    def _show_detail(self, offer: Offer | None) -> None:
        self._shown = offer
        self._update_actions()
        if self._detail_task is not None and not self._detail_task.done():
            self._detail_task.cancel()
        self.recent_orders.clear()
        self.detail.setCurrentWidget(self.detail_placeholder if offer is None else
                                     self._detail_scroll)  # fmt: skip
        if offer is None:
            self.title.setText("")
            for label in self.fields.values():
                label.setText(NOTHING)
                label.setStyleSheet("")
            self._show_cost_warning(None)
            self.recent_state.setText("")
            return
        availability = offer.availability
        cost = self.model.cost_of(offer.id or "")
        values = {
            "catalogId": offer.catalog_id,
            "status": status_label(offer.status)
            + (f" ({offer.status.value})" if offer.status else ""),
            "type": TYPE_LABELS[offer.terms.type],
            "price": price_text(offer, "Free (no price)"),
            "cost": cost_text(cost),
            "expirationDate": (availability.expiration_date if availability else None) or "Never",
            "industries": ", ".join(availability.industries or []) if availability else "",
            "locations": ", ".join(availability.locations or []) if availability else "",
            "companies": availability.companies_text if availability else "ALL",
            "specialOffer": "Yes" if availability and availability.is_special_offer else "No",
            "targetMarket": str(offer.target_market) if offer.target_market else NOTHING,
            "id": offer.id or NOTHING,
            "description": offer.description,
        }
        values["industries"] = values["industries"] or "All"
        values["locations"] = values["locations"] or "All"
        self.title.setText(offer.name)
        for key, text in values.items():
            self.fields[key].setText(text)
        colour = STATUS_COLOURS.get(offer.status) if offer.status else None
        self.fields["status"].setStyleSheet(f"color: {colour.name()};" if colour else "")
        self._show_cost_warning(offer, cost)
        self.recent_state.setText("Loading orders…")
        if self.desk is not None:
            self._detail_task = asyncio.ensure_future(self._load_recent(self.desk, offer))

    def _show_cost_warning(self, offer: Offer | None, cost: OfferCost | None = None) -> None:
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

    def cost_warning_text(self) -> str:
        return self.cost_warning.text() if not self.cost_warning.isHidden() else ""

    async def _load_recent(self, desk: Desk, offer: Offer) -> None:
        try:
            found = await offers.recent_orders_for(desk, offer)
        except Exception as exc:  # noqa: BLE001 - a local read; the pane says it and carries on
            log.warning("Reading the orders of offer %s failed: %r", offer.id, exc)
            self.recent_state.setText(f"Could not read the local orders: {exc}")
            return
        if self._shown is None or self._shown.id != offer.id:
            return
        self.recent_orders.clear()
        for order in found:
            item = QListWidgetItem(_order_line(order))
            item.setData(Qt.ItemDataRole.UserRole, order.id)
            item.setToolTip(f"Order {order.id}")
            self.recent_orders.addItem(item)
        if found:
            many = "the 20 most recent" if len(found) >= offers.RECENT_ORDERS else "newest first"
            self.recent_state.setText(f"Orders from this offer in the local copy, {many}.")
        else:
            self.recent_state.setText(
                "No order from this offer in the local copy (sync the inbox to update it)."
            )
        self.detail_loaded.emit()

    def recent_order_ids(self) -> list[str]:
        return [
            str(self.recent_orders.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.recent_orders.count())
        ]

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Orders may have synced while another tab was shown: re-read this offer's list.
        if self._shown is not None and self.desk is not None:
            self._detail_task = asyncio.ensure_future(self._load_recent(self.desk, self._shown))

    # -- actions ----------------------------------------------------------------------------

    def why_not(self, action: str) -> str | None:
        """None when ``action`` (new, edit, submit, withdraw) is allowed now, else why not."""
        if self.desk is None:
            return "Not connected yet."
        if action == "new":
            return None
        offer = self._shown
        if offer is None:
            return "Select an offer first."
        if offer.id in self._in_flight:
            return "A call for this offer is under way."
        if action == "submit":
            return offers.why_not_submit(offer)
        if action == "withdraw":
            return offers.why_not_withdraw(offer)
        return None

    def _update_actions(self) -> None:
        for action, button in (("new", self.new_button), ("edit", self.edit_button),
                               ("submit", self.submit_button),
                               ("withdraw", self.withdraw_button)):  # fmt: skip
            reason = self.why_not(action)
            button.setEnabled(reason is None)
            button.setToolTip(reason or _TIPS[action])

    def new_offer(self) -> None:
        if self.why_not("new") is None:
            self._open_form(None, None)

    def edit_offer(self) -> None:
        offer = self._shown
        if offer is not None and self.why_not("edit") is None:
            self._open_form(offer, self.model.cost_of(offer.id or ""))

    def _open_form(self, offer: Offer | None, cost: OfferCost | None) -> None:
        form = OfferForm(offer, cost, parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.submitted.connect(
            lambda sent, sent_cost: self._spawn(self._save(form, offer, sent, sent_cost))
        )
        form.destroyed.connect(lambda _o=None: self._forget_form(form))
        self.form = form
        form.open()
        self.dialog_opened(form)

    def _forget_form(self, form: OfferForm) -> None:
        if self.form is form:
            self.form = None

    async def _save(
        self, form: OfferForm, original: Offer | None, offer: Offer, cost: OfferCost | None
    ) -> None:
        desk = self.desk
        if desk is None:
            form.show_server_error("Not connected.")
            return
        try:
            if original is None or original.id is None:
                saved = await offers.create_offer(desk, offer, cost)
            else:
                saved = await offers.update_offer(desk, original.id, offer, cost)
        except ActiveOfferRefusedError as exc:
            form.show_server_error(str(exc), STATUS)
            return
        except ApiError as exc:
            log.warning("Saving offer failed: %r", exc)
            form.show_server_error(str(exc), field_key_for(exc.service_message))
            return
        form.set_busy(False)
        form.accept()
        if saved.id is not None:
            self._shown = saved  # keep it selected across the refetch
            self.offer_changed.emit(saved.id)
        await self.refresh()

    def submit_offer(self) -> None:
        offer = self._shown
        if offer is not None and offer.id and self.why_not("submit") is None:
            self._spawn(self._move(offer, "submit"))

    def withdraw_offer(self) -> None:
        offer = self._shown
        if offer is not None and offer.id and self.why_not("withdraw") is None:
            self._spawn(self._move(offer, "withdraw"))

    async def _move(self, offer: Offer, how: str) -> None:
        desk = self.desk
        assert desk is not None
        assert offer.id is not None
        title = "Submit offer for review" if how == "submit" else "Withdraw offer"
        if (
            how == "withdraw"
            and offer.status is OfferStatus.ACTIVE
            and not await confirm(
                self,
                title,
                f"Withdraw “{offer.name}” from the Marketplace?",
                informative="Customers can no longer order it. To list it again it has to be "
                "submitted and reviewed by SmartRecruiters' partners team.",
                ok_text="Withdraw",
            )
        ):
            return
        self._in_flight.add(offer.id)
        self._update_actions()
        try:
            call = offers.submit_offer if how == "submit" else offers.withdraw_offer
            moved = await call(desk, offer.id)
        except ApiError as exc:
            log.warning("%s failed: %r", title, exc)
            show_error(self, title, str(exc))
            return
        finally:
            self._in_flight.discard(offer.id)
            self._update_actions()
        self.model.replace(moved, self.model.cost_of(offer.id))
        if self._shown is not None and self._shown.id == moved.id:
            self._show_detail(moved)
        self.offer_changed.emit(offer.id)
        await self.refresh()

    def record_expected_cost(self) -> None:
        """Record the Cost the FAQ asks for (after the coordinator set it in the Portal)."""
        offer = self._shown
        if offer is not None and offer.id and self.desk is not None:
            self._spawn(self._record_cost(self.desk, offer, expected_cost(offer)))

    async def _record_cost(self, desk: Desk, offer: Offer, cost: OfferCost) -> None:
        assert offer.id is not None
        await offers.set_cost(desk, offer.id, cost)
        self.model.replace(offer, cost)
        if self._shown is not None and self._shown.id == offer.id:
            self._show_detail(offer)

    # -- look -------------------------------------------------------------------------------

    def _apply_colours(self) -> None:
        error, advice = status_colours(self.palette())
        self.error_label.setStyleSheet(f"color: {error};")
        self.cost_warning.setStyleSheet(f"color: {advice};")
