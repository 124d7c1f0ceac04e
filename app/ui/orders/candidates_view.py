"""The candidates view: a search field over the candidates table, with an empty state in words."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.labels import plain_label
from app.ui.common.row_table import RowTableView
from app.ui.common.search_keys import SearchKeys, give_list_the_keyboard
from app.ui.common.table_header import header_apart_from_selection
from app.ui.orders.candidate_table_model import CandidateTableModel, grouped
from app.views.candidate_groups import CandidateGroups
from app.views.order_rows import OrderColumns
from app.views.row_search import RowSearch

#: Candidate / job, email, orders / status, company; "Latest order" takes the rest.
COLUMN_WIDTHS = (200, 170, 200, 120)


class CandidatesView(QWidget):
    """Orders grouped by candidate. Emits the order id when an order row is chosen."""

    #: An order row was activated (double-click or Enter).
    order_activated = Signal(str)
    #: An order row became the current row (click, arrow keys).
    order_selected = Signal(str)
    #: No order is current any more: a candidate's own row was chosen, or a search hid it.
    order_deselected = Signal()
    #: A right-click on an order's row: the order, and where (global) to show its actions.
    order_menu_requested = Signal(str, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CandidateTableModel(self)
        self._quiet = False  # selecting from code: no order_selected for it
        self._no_orders_text = "No orders yet."

        self.search = QLineEdit()
        self.search.setObjectName("candidateSearch")
        self.search.setPlaceholderText("Search candidates…")
        self.search.setAccessibleName("Search candidates")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)

        self.table = self._build_table()
        SearchKeys(self.search, lambda: give_list_the_keyboard(self.table))
        self.empty_label = plain_label(name="candidatesEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The empty state takes the table's place, so the user never faces a blank grid.
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.stack)

        self.model.modelReset.connect(self._update_state)
        self._update_state()

    def _build_table(self) -> QTableView:
        table = RowTableView()
        table.setObjectName("candidatesTable")
        CutTextTips(table)
        table.setAccessibleName("Candidates and their orders")
        table.setModel(self.model)
        header_apart_from_selection(table)  # as the inbox's: no header drawn selected
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        # The font's own height, so that large or scaled system fonts are never cut off.
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setTabKeyNavigation(False)  # Tab leaves the list; it never moves to another order
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # No sort indicator: names A–Z, orders newest first, until the user clicks a header.
        header = table.horizontalHeader()
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Within the list's 820 px at 1280×800 (920 put "Latest order" behind a scroll bar),
        # and room for both sides of an order's status ("In progress · Berke: not started").
        for column, width in enumerate(COLUMN_WIDTHS):
            table.setColumnWidth(column, width)
        table.activated.connect(self._on_activated)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_context_menu)
        table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        return table

    # -- data in ---------------------------------------------------------------------------

    def set_rows(self, rows: OrderColumns) -> None:
        """Group these rows; the row selected (an order's or a candidate's own) and the scroll
        position stay where they were."""
        self.set_grouped(*grouped(rows))

    def set_grouped(self, groups: CandidateGroups, search: RowSearch) -> None:
        """Show groups made by ``grouped``, keeping the row selected and the scroll."""
        index = self.table.currentIndex()
        current = self._order_id(index)
        # A candidate's own row is found again by who they are (``group_again``), not by the
        # order under it: a poll may have given that order to someone else.
        seen = self.model.seen_candidate(index.row()) if index.isValid() else None
        scroll = self.table.verticalScrollBar().value()
        self.model.set_grouped(groups, search)
        if current is not None:
            self.select_order(current, scroll_to=False)
            if self.current_order_id() is None:
                # The search hides it now (a corrected name, say), or it left: the pane must
                # not go on showing an order the tab no longer does, as after a search.
                self.order_deselected.emit()
        elif seen is not None:
            self._select_row(self.model.candidate_row_again(seen))
        self.table.verticalScrollBar().setValue(scroll)

    def _select_row(self, row: int | None) -> None:
        if row is None:
            return
        selection = self.table.selectionModel()
        self._quiet = True
        try:
            flags = selection.SelectionFlag
            selection.setCurrentIndex(self.model.index(row, 0), flags.ClearAndSelect | flags.Rows)
        finally:
            self._quiet = False

    def select_order(self, order_id: str, *, scroll_to: bool = True) -> None:
        """Make the order's row the current one (no signal: the caller knows)."""
        row = self.model.row_of_order(order_id)
        if row is None:
            return
        self._select_row(row)
        if scroll_to:
            self.table.scrollTo(self.model.index(row, 0))

    # -- reactions ---------------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.model.set_search_text(text)
        self._update_state()
        if self.current_order_id() is None:
            self.order_deselected.emit()

    def set_no_orders_text(self, text: str) -> None:
        """What to say while there are no orders at all: loading, failed, none yet."""
        if text != self._no_orders_text:
            self._no_orders_text = text
            self._update_state()

    def _update_state(self) -> None:
        if self.model.rowCount() > 0:
            self.stack.setCurrentWidget(self.table)
            return
        if self.model.candidate_count() == 0:
            self.empty_label.setText(self._no_orders_text)
        else:
            self.empty_label.setText(
                f"No candidate, email, job or company matches “{self.search.text().strip()}”."
            )
        self.stack.setCurrentWidget(self.empty_label)

    def _order_id(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        row = self.model.order_row(index.row())
        return None if row is None else self.model.order_id(row)

    def on_candidates_own_row(self) -> bool:
        """Whether the current row is a candidate's own (their name, no order), not an order."""
        index = self.table.currentIndex()
        return index.isValid() and self._order_id(index) is None

    def current_order_id(self) -> str | None:
        """The order of the current row (None on a candidate's own row, or none)."""
        index = self.table.currentIndex()
        return self._order_id(index) if index.isValid() else None

    def _on_activated(self, index: QModelIndex) -> None:
        order_id = self._order_id(index)
        if order_id is not None:
            self.order_activated.emit(order_id)

    def _on_context_menu(self, position: QPoint) -> None:
        """An order's actions on its row; nothing on a candidate's own row (no order action
        applies to a candidate) nor below the rows. A mouse's press made the row current; the
        menu key acts on the current row too."""
        order_id = self.current_order_id()
        if self.table.indexAt(position).isValid() and order_id is not None:
            self.order_menu_requested.emit(order_id, self.table.viewport().mapToGlobal(position))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        order_id = self._order_id(current)
        if order_id is not None:
            self.order_selected.emit(order_id)
        else:
            self.order_deselected.emit()
