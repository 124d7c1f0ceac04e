"""The candidates view: a search field over the candidates tree, with an empty state in words."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.smartrecruiters import AssessmentOrder
from app.ui.candidate_tree_model import CandidateFilterProxy, CandidateTreeModel
from app.ui.order_table_model import ORDER_ROLE


class CandidatesView(QWidget):
    """Orders grouped by candidate. Emits the order id when an order row is chosen."""

    #: An order row was activated (double-click or Enter).
    order_activated = Signal(str)
    #: An order row became the current row (click, arrow keys).
    order_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CandidateTreeModel(self)
        self.proxy = CandidateFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setObjectName("candidateSearch")
        self.search.setPlaceholderText("Search candidates…")
        self.search.setAccessibleName("Search candidates")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)

        self.tree = self._build_tree()
        self.empty_label = QLabel()
        self.empty_label.setObjectName("candidatesEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        # The empty state takes the tree's place, so the user never faces a blank grid.
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.stack)

        # Connected after the tree's own slots, so the tree already has the rows expanded here.
        # Every order stays in sight: a reset, or a candidate coming back into a search, would
        # otherwise show collapsed.
        self.proxy.modelReset.connect(self.tree.expandAll)
        self.proxy.rowsInserted.connect(self._expand_inserted)
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved):
            signal.connect(self._update_state)
        self._update_state()

    def _build_tree(self) -> QTreeView:
        tree = QTreeView()
        tree.setObjectName("candidatesTree")
        tree.setAccessibleName("Candidates and their orders")
        tree.setModel(self.proxy)
        tree.setUniformRowHeights(True)  # lets Qt lay out thousands of rows without measuring
        tree.setAlternatingRowColors(True)
        tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # No sort indicator: the model's own order (names A–Z, orders newest first) until the
        # user clicks a header.
        tree.header().setSortIndicatorClearable(True)
        tree.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        tree.setSortingEnabled(True)
        header = tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((260, 230, 120, 180, 130)):
            tree.setColumnWidth(column, width)
        tree.activated.connect(self._on_activated)
        tree.selectionModel().currentRowChanged.connect(self._on_current_changed)
        return tree

    # -- data in ---------------------------------------------------------------------------

    def set_orders(self, orders: list[AssessmentOrder]) -> None:
        self.model.set_orders(orders)

    # -- reactions ---------------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self._update_state()

    def _expand_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        if not parent.isValid():
            for row in range(first, last + 1):
                self.tree.expand(self.proxy.index(row, 0))

    def _update_state(self) -> None:
        if self.proxy.rowCount() > 0:
            self.stack.setCurrentWidget(self.tree)
            return
        if self.model.candidate_count() == 0:
            self.empty_label.setText("No orders yet.")
        else:
            self.empty_label.setText(
                f"No candidate, email, job or company matches “{self.search.text().strip()}”."
            )
        self.stack.setCurrentWidget(self.empty_label)

    @staticmethod
    def _order_id(index: QModelIndex | QPersistentModelIndex) -> str | None:
        order = index.data(ORDER_ROLE)
        return order.id if isinstance(order, AssessmentOrder) else None

    def _on_activated(self, index: QModelIndex) -> None:
        order_id = self._order_id(index)
        if order_id is not None:
            self.order_activated.emit(order_id)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        order_id = self._order_id(current)
        if order_id is not None:
            self.order_selected.emit(order_id)
