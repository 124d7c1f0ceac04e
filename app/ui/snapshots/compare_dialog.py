"""File > Compare snapshots…: the orders added, removed and changed, filterable, as CSV."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.snapshot_diff import ChangeKind, OrderChange, SnapshotDiff
from app.domain.text_fold import fold
from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.enter_key import EnterPressesFocusedButton
from app.ui.common.filter_compat import RowsFilterProxy
from app.ui.common.labels import rich_label
from app.ui.common.messages import plain_box
from app.ui.common.table_header import header_apart_from_selection
from app.ui.common.tooltips import plain_tooltip
from app.ui.snapshots.csv_export import csv_failure, write_csv
from app.views.snapshot_changes import describe_change
from app.views.text import PART_SHOWN, as_cell, one_line, whole_line

AnyIndex = QModelIndex | QPersistentModelIndex
CHANGE_ROLE = Qt.ItemDataRole.UserRole
HEADERS = ("Change", "Order id", "Candidate", "What changed (old → new)")
KIND_LABELS = {
    ChangeKind.ADDED: "Added",
    ChangeKind.REMOVED: "Removed",
    ChangeKind.CHANGED: "Changed",
}
KIND_COLOURS = {
    ChangeKind.ADDED: QColor("#2e7d32"),
    ChangeKind.REMOVED: QColor("#b3261e"),
    ChangeKind.CHANGED: QColor("#c27c0e"),
}


def change_texts(change: OrderChange) -> tuple[str, str, str, str]:
    """The row's texts, each on one line without bidirectional controls (the files' names,
    ids and values are drawn otherwise as written: an override reversed the rest of the row),
    and whole: the cell cuts a long one, its tooltip and the CSV export keep it."""
    kind, order_id, candidate, changed = (
        KIND_LABELS[change.kind], change.order_id, change.candidate, describe_change(change)
    )  # fmt: skip
    return kind, whole_line(order_id), whole_line(candidate), whole_line(changed)


class DiffTableModel(QAbstractTableModel):
    def __init__(self, diff: SnapshotDiff, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.changes = list(diff.changes)
        self._texts = [change_texts(c) for c in self.changes]
        self._hay = [fold("\n".join(t)) for t in self._texts]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.changes)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.changes):
            return None
        change = self.changes[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._texts[index.row()][index.column()]
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip("\n".join(text.split("; "))) if index.column() == 3 else None
            return as_cell(text)  # cut as the tables' cells are
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return KIND_COLOURS[change.kind]
        if role == CHANGE_ROLE:
            return change
        return None

    def haystack(self, row: int) -> str:
        return self._hay[row]


class DiffFilterProxy(RowsFilterProxy):
    """A few hundred or thousand changes: Qt's proxy is fast enough here."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: tuple[str, ...] = ()
        self._kind: ChangeKind | None = None

    def set_search_text(self, text: str) -> None:
        self._begin_filter_change()
        self._words = tuple(fold(text).split())
        self._end_filter_change()

    def set_kind(self, kind: ChangeKind | None) -> None:
        self._begin_filter_change()
        self._kind = kind
        self._end_filter_change()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, DiffTableModel):
            return True
        if self._kind is not None and model.changes[source_row].kind is not self._kind:
            return False
        hay = model.haystack(source_row)
        return all(word in hay for word in self._words)


class CompareDialog(QDialog):
    def __init__(  # noqa: PLR0915 - one widget after the other
        self, diff: SnapshotDiff, old_label: str, new_label: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle("Compare snapshots")
        self.resize(1000, 560)
        self.diff = diff
        self.model = DiffTableModel(diff, self)
        self.proxy = DiffFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        # Injectable: tests give a path instead of answering a file dialog.
        self.choose_csv_path = self._ask_csv_path

        # The labels hold the files' names: shown as written, inside our own <b> tags.
        # Cut: two file names of 200 characters made the dialog wider than a 1280 px screen.
        old_label, new_label = (
            html.escape(one_line(n, PART_SHOWN)) for n in (old_label, new_label)
        )
        summary = rich_label(
            f"From <b>{old_label}</b> to <b>{new_label}</b>: "
            f"{diff.count(ChangeKind.CHANGED)} changed, {diff.count(ChangeKind.ADDED)} added, "
            f"{diff.count(ChangeKind.REMOVED)} removed."
            if not diff.is_empty
            else f"No differences between <b>{old_label}</b> and <b>{new_label}</b>.",
            "compareSummary",
        )
        self.search = QLineEdit()
        self.search.setObjectName("compareSearch")
        self.search.setPlaceholderText("Filter by candidate, order id or field…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search_text)
        self.kind = QComboBox()
        self.kind.setObjectName("compareKind")
        self.kind.addItem("All changes", None)
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.table = QTableView()
        self.table.setObjectName("compareTable")
        CutTextTips(self.table)
        self.table.setModel(self.proxy)
        header_apart_from_selection(self.table)
        # The diff's own order (changed, added, removed; by name) until a header is clicked.
        self.table.horizontalHeader().setSortIndicatorClearable(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((90, 150, 200)):
            self.table.setColumnWidth(column, width)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("compareExport")
        self.export_button.clicked.connect(self.export_csv)
        # No button is the default: Enter in the filter opened Export's file chooser (and,
        # with that mended, closed the dialog and its filter). Enter on a button presses it.
        self.export_button.setAutoDefault(False)
        EnterPressesFocusedButton(self, no_default=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.kind)
        bottom = QHBoxLayout()
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def _kind_changed(self, _index: int) -> None:
        data = self.kind.currentData()  # Qt hands the StrEnum back as a plain str
        self.proxy.set_kind(ChangeKind(data) if data else None)

    def _ask_csv_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the comparison", "comparison.csv", "CSV files (*.csv)"
        )
        return Path(name) if name else None

    def rows_in_view(self) -> list[tuple[str, str, str, str]]:
        rows = []
        for row in range(self.proxy.rowCount()):
            change = self.proxy.index(row, 0).data(CHANGE_ROLE)
            rows.append(change_texts(change))
        return rows

    def export_csv(self) -> int:
        path = self.choose_csv_path()
        if path is None:
            return 0
        try:
            return write_csv(path, HEADERS, self.rows_in_view())
        except OSError as exc:  # a folder that cannot be written: said, not the crash dialog
            box = plain_box(QMessageBox.Icon.Warning, "Export CSV", csv_failure(path, exc), self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return 0
