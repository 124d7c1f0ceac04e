"""The offers list: the search line and status filter, one page of offers in a table, the
pages below it, and what takes the table's place when there is nothing to show.

It only shows and asks: the room fetches the pages and tells it what to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.offer_cost import OfferCost
from app.domain.smartrecruiters import Offer, OfferStatus
from app.ui.common.colours import ERROR
from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.labels import plain_label
from app.ui.common.row_table import RowTableView
from app.ui.common.tint import tint
from app.ui.offers.offer_sort import OfferSort
from app.ui.offers.offer_table_model import (
    OFFER_ROLE,
    Column,
    OfferFilterProxy,
    OfferTableModel,
    status_label,
)

SEARCH_DELAY_MS = 300
ALL_STATUSES = "All statuses"


@dataclass(frozen=True)
class ListState:
    """Where the list stands: what it would say instead of rows, and the page line."""

    connected: bool = False
    loading: bool = False
    error: str | None = None
    offset: int = 0  # where the page shown starts
    total: int | None = 0  # None: no count to show (none given, or a wrong one)
    last_page: bool = True  # no page comes after the one shown
    ended: bool = False  # the page asked for was empty: the one shown, the last, came instead
    miscount: int | None = None  # SmartRecruiters' count, when the list proves it wrong
    unreadable: tuple[str, ...] = ()  # offers of the page left out, one line each
    wait_until: str | None = None  # SmartRecruiters asked to wait until then (HH:MM)


def unreadable_text(lines: tuple[str, ...]) -> str:
    """What the list says of the offers it left out: how many, and why (the first few)."""
    count = len(lines)
    shown = "; ".join(lines[:3]) + ("; …" if count > 3 else "")
    which = "1 offer on this page" if count == 1 else f"{count} offers on this page"
    return (
        f"{which} could not be read and {'is' if count == 1 else 'are'} left out of the "
        f"list ({shown}). The others are as SmartRecruiters has them."
    )


def end_text(state: ListState) -> str:
    """What the list says when the page asked for was empty and the last one came instead."""
    if state.miscount is None:
        return "These are the last offers: there are none after them."
    return (
        f"These are the last offers: there are none after them, though SmartRecruiters "
        f"counts {state.miscount:,}."
    )


class OfferList(QWidget):
    """The left pane of the Offers tab. ``search`` and ``status_filter`` go in the room's bar."""

    #: The search or the status filter changed: fetch the first page again.
    query_changed = Signal()
    #: The previous (-1) or next (+1) page was asked for.
    page_turned = Signal(int)
    #: The current offer changed (an ``Offer``, or None when nothing is selected).
    current_changed = Signal(object)
    #: An offer was double-clicked, or Enter pressed on it: open it.
    activated = Signal()
    #: The list could not be read, and "Try again" was pressed.
    retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = ListState()
        self._hushed = False  # the current row changes under the model: not told (``_quiet``)
        self.model = OfferTableModel(self)
        self.proxy = OfferFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._query_now)

        self._build_query()
        self._build_table()
        self._build_pages()
        self._build_layout()
        tint(self.error_label, ERROR)
        self.show_state(self._state)

    # -- building ---------------------------------------------------------------------------

    def _build_query(self) -> None:
        self.search = QLineEdit()
        self.search.setObjectName("offerSearch")
        self.search.setPlaceholderText("Search offers (name, catalog id, description)…")
        self.search.setAccessibleName("Search offers")
        self.search.setClearButtonEnabled(True)
        # One search per pause in typing, not one per key.
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.search.returnPressed.connect(self._query_now)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("offerStatusFilter")
        self.status_filter.setAccessibleName("Status filter")
        self.status_filter.addItem(ALL_STATUSES, None)
        for status in OfferStatus:
            self.status_filter.addItem(status_label(status), status)
        self.status_filter.currentIndexChanged.connect(self._on_status_filter)

    def _build_table(self) -> None:
        table = self.table = RowTableView()
        table.setObjectName("offersTable")
        CutTextTips(table)
        table.setAccessibleName("Offers")
        table.setModel(self.proxy)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        # Tab leaves the table, as in every other table of the console: it walked the cells
        # and then the rows, changing the offer shown (and the one the buttons act on).
        table.setTabKeyNavigation(False)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        # Sorted here, within the page: SmartRecruiters takes no sort (``OfferSort`` says so).
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicatorClearable(True)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The name takes what the others leave: at 1280×800 the last column ("Not recorded ⚠")
        # was cut, under a sideways scroll bar.
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column, width in ((Column.STATUS, 95), (Column.CATALOG_ID, 115),
                              (Column.TYPE, 150), (Column.PRICE, 85),
                              (Column.COST, 115)):  # fmt: skip
            table.setColumnWidth(column, width)
        table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        # Enter as well as a double click: the keyboard opened nothing. Not Qt's "activated":
        # where the desktop opens items with a single click, every click meant to select an
        # offer would open its form.
        table.doubleClicked.connect(lambda _i: self.activated.emit())
        table.installEventFilter(self)

        self.sort_note = plain_label(name="offersSortNote")
        self.sorting = OfferSort(table, self.sort_note, self)

        self.state_label = plain_label(name="offersState")
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The empty, loading or failed state takes the table's place: never a blank grid.
        self.stack = QStackedWidget()
        self.stack.addWidget(table)
        self.stack.addWidget(self.state_label)

        # A failed read says why, and can be tried again (as F5 does): before, nothing but a
        # search brought the offers back.
        self.error_label = plain_label(name="offersError")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setObjectName("offersRetry")
        self.retry_button.setToolTip("Read the offers from SmartRecruiters again (F5)")
        self.retry_button.clicked.connect(self.retry_requested)
        self.problem = QWidget()
        self.problem.setObjectName("offersProblem")
        row = QHBoxLayout(self.problem)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.error_label, 1)
        row.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.problem.hide()

        # The page asked for was empty and the last one with offers came instead: said, so
        # that Next going off after a full page, or a count left behind, is no riddle.
        self.end_note = plain_label(name="offersEndNote")
        self.end_note.hide()

    def _build_pages(self) -> None:
        self.prev_button = QPushButton("◀ &Previous")
        self.prev_button.setObjectName("offersPrevious")
        self.next_button = QPushButton("Ne&xt ▶")
        self.next_button.setObjectName("offersNext")
        self.page_label = plain_label(name="offersPage", wrap=False)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prev_button.clicked.connect(lambda: self.page_turned.emit(-1))
        self.next_button.clicked.connect(lambda: self.page_turned.emit(1))

    def _build_layout(self) -> None:
        pages = QHBoxLayout()
        pages.addWidget(self.prev_button)
        pages.addWidget(self.page_label, 1)
        pages.addWidget(self.next_button)
        pages.addWidget(self.sorting.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problem)
        layout.addWidget(self.sort_note)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.end_note)
        layout.addLayout(pages)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and self.table.currentIndex().isValid()
        ):
            self.activated.emit()
            return True
        return super().eventFilter(watched, event)

    # -- the query ----------------------------------------------------------------------------

    def search_text(self) -> str:
        return self.search.text().strip()

    def status_choice(self) -> OfferStatus | None:
        # Qt hands a str-based enum back as a plain str: rebuild the enum.
        data = self.status_filter.currentData()
        return OfferStatus(data) if data else None

    def settle_search(self) -> None:
        """The search typed so far is being fetched now: no second fetch after the pause."""
        self._search_timer.stop()

    def _query_now(self) -> None:
        self.settle_search()
        self.query_changed.emit()

    def _on_status_filter(self, _index: int) -> None:
        self.proxy.set_status(self.status_choice())
        self.query_changed.emit()

    # -- showing --------------------------------------------------------------------------------

    def show_offers(
        self,
        offers: list[Offer],
        costs: dict[str, OfferCost],
        keep: str | None,
        *,
        hold: bool = False,
    ) -> bool:
        """Show one page; select offer ``keep`` if it is on it, else the first row, or with
        ``hold`` no row: ``keep`` stays the offer shown though the page does not hold it
        (the room says so). Returns whether ``keep`` is on the page."""
        with self._quiet():
            self.model.set_offers(offers, costs)
        if keep is not None and self.select_offer(keep):
            return True
        if hold and keep is not None:
            self.select_none()
        elif self.proxy.rowCount() == 0:
            self.current_changed.emit(None)
        else:
            self._select(self.proxy.index(0, 0))
        return False

    def replace(self, offer: Offer, cost: OfferCost | None) -> None:
        """Show a changed offer in its row, without a fetch. One that leaves the status
        filter leaves no row selected, rather than the next one: it stays the offer shown."""
        before = self._current_id()
        with self._quiet():
            self.model.replace(offer, cost)
            if before is not None and self._current_id() != before:
                self.table.selectionModel().clear()

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """The current row changed by the model, not by the coordinator, is not told: the
        room keeps showing the offer it showed."""
        hushed, self._hushed = self._hushed, True
        try:
            yield
        finally:
            self._hushed = hushed

    def select_none(self) -> None:
        """No row selected, and nothing told: the offer shown is on none of them."""
        with self._quiet():
            self.table.selectionModel().clear()

    def _current_id(self) -> str | None:
        current = self.table.currentIndex().data(OFFER_ROLE)
        return current.id if isinstance(current, Offer) else None

    def holds(self, offer_id: str) -> bool:
        """Whether the page shown has a row of the offer."""
        return self.model.row_of(offer_id) is not None

    def cost_of(self, offer_id: str) -> OfferCost | None:
        return self.model.cost_of(offer_id)

    def select_offer(self, offer_id: str) -> bool:
        row = self.model.row_of(offer_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self._select(index)
        return True

    def _select(self, index: QModelIndex) -> None:
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._hushed:
            return
        offer = current.data(OFFER_ROLE)
        self.current_changed.emit(offer if isinstance(offer, Offer) else None)

    def page_text(self) -> str:
        shown = self.model.rowCount()
        if shown == 0:
            return "No offers"
        offset, total = self._state.offset, self._state.total
        span = f"{offset + 1}–{offset + shown}"
        return span if total is None else f"{span} of {total}"

    def show_state(self, state: ListState) -> None:
        """The page line, the paging buttons, and what takes the table's place when empty."""
        self._state = state
        loading, error = state.loading, state.error
        self.page_label.setText("Loading…" if loading else self.page_text())
        on_first = state.offset == 0
        on_last = state.last_page
        self.prev_button.setEnabled(not loading and not on_first)
        self.next_button.setEnabled(not loading and not on_last)
        self.prev_button.setToolTip("This is the first page." if on_first else "Previous page")
        self.next_button.setToolTip("This is the last page." if on_last else "Next page")
        if error:
            self.error_label.setText(f"Could not load offers. {error}")
        elif state.unreadable:
            self.error_label.setText(unreadable_text(state.unreadable))
        self.problem.setVisible(bool(error or state.unreadable) and not loading)
        self.end_note.setText(end_text(state))
        self.end_note.setVisible(state.ended and not (loading or error))
        # Nothing to try while SmartRecruiters asks to wait: the room reads again after.
        self.retry_button.setEnabled(state.wait_until is None)
        self.retry_button.setToolTip(
            "Read the offers from SmartRecruiters again (F5)"
            if state.wait_until is None
            else f"SmartRecruiters asked to wait: the offers are read again at {state.wait_until}"
        )

        if self.proxy.rowCount() > 0:
            self.stack.setCurrentWidget(self.table)
            return
        self.state_label.setText(self._empty_text(state))
        self.stack.setCurrentWidget(self.state_label)

    def _empty_text(self, state: ListState) -> str:
        if not state.connected:
            return "Not connected yet."
        if state.loading:
            return "Loading offers…"
        if state.error:
            return "No offers to show: they could not be loaded (see above)."
        search, status = self.search_text(), self.status_choice()
        if search or status is not None:
            wanted = []
            if search:
                wanted.append(f"matches “{search}”")
            if status is not None:  # in the filter's words, not the API's ("UNDER_REVIEW")
                wanted.append(f"has the status “{status_label(status)}”")
            return f"No offer {' and '.join(wanted)}."
        return "No offers yet. Create the first one with New…"
