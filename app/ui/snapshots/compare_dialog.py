"""File > Compare snapshots…: the orders added, removed and changed, filterable, as CSV."""

from __future__ import annotations

import html
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
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
from app.ui.common.colours import AMBER, GREEN, RED
from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.enter_key import EnterPressesFocusedButton
from app.ui.common.filter_compat import RowsFilterProxy
from app.ui.common.labels import rich_label
from app.ui.common.messages import plain_box
from app.ui.common.remembered_size import RememberedSize
from app.ui.common.row_table import RowTableView
from app.ui.common.table_header import header_apart_from_selection
from app.ui.common.task_group import NamedTasks
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
KIND_SHADES = {ChangeKind.ADDED: GREEN, ChangeKind.REMOVED: RED, ChangeKind.CHANGED: AMBER}


def change_texts(change: OrderChange) -> tuple[str, str, str, str]:
    """The row's texts, each on one line without bidirectional controls (the files' names,
    ids and values are drawn otherwise as written: an override reversed the rest of the row),
    and whole: the cell cuts a long one, its tooltip and the CSV export keep it."""
    kind, order_id, candidate, changed = (
        KIND_LABELS[change.kind], change.order_id, change.candidate, describe_change(change)
    )  # fmt: skip
    return kind, whole_line(order_id), whole_line(candidate), whole_line(changed)


@dataclass(frozen=True)
class DiffRows:
    """A comparison's rows as the dialog shows and searches them: made in a worker thread
    (``diff_rows``), since 150,000 changes took the GUI thread 3 s to word."""

    changes: list[OrderChange]
    texts: list[tuple[str, str, str, str]]
    hay: list[str]


def diff_rows(diff: SnapshotDiff) -> DiffRows:
    """The rows' texts and search folds; plain Python, safe to run off the GUI thread."""
    changes = list(diff.changes)
    texts = [change_texts(c) for c in changes]
    return DiffRows(changes, texts, [fold("\n".join(t)) for t in texts])


class DiffTableModel(QAbstractTableModel):
    """The comparison's rows, sorted here by precomputed keys: Qt's proxy sorted 150,000 rows
    by calling ``data`` for each comparison, 16 s frozen after a click on a header."""

    def __init__(
        self, diff: SnapshotDiff, parent: QObject | None = None, rows: DiffRows | None = None
    ) -> None:
        super().__init__(parent)
        rows = rows if rows is not None else diff_rows(diff)
        self._changes, self._all_texts, self._all_hay = rows.changes, rows.texts, rows.hay
        #: Shown row -> row of the diff (the diff's own order until a header is clicked).
        self._order: list[int] = list(range(len(self._changes)))
        self._sort_keys: dict[int, list[str]] = {}

    @property
    def changes(self) -> list[OrderChange]:
        """The changes in the order shown."""
        return [self._changes[i] for i in self._order]

    def texts(self, row: int) -> tuple[str, str, str, str]:
        """Row ``row``'s texts, whole (what the CSV export writes)."""
        return self._all_texts[self._order[row]]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted by ``column``'s folded text (the kind's label for the first), the diff's
        own order for ties; a column of -1 (the indicator cleared) is the diff's own order."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        at = [(self._order[i.row()], i.column()) for i in persistent]
        if 0 <= column < len(HEADERS):
            keys = self._sort_keys.get(column)
            if keys is None:
                keys = self._sort_keys[column] = [fold(t[column]) for t in self._all_texts]
            descending = order == Qt.SortOrder.DescendingOrder
            self._order = sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)
        else:
            self._order = list(range(len(self._changes)))
        shown_at = {row: position for position, row in enumerate(self._order)}
        self.changePersistentIndexList(
            persistent, [self.index(shown_at[row], column) for row, column in at]
        )
        self.layoutChanged.emit()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        row = self._order[index.row()]
        change = self._changes[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._all_texts[row][index.column()]
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip("\n".join(text.split("; "))) if index.column() == 3 else None
            return as_cell(text)  # cut as the tables' cells are
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return KIND_SHADES[change.kind].on(QGuiApplication.palette())
        if role == CHANGE_ROLE:
            return change
        return None

    def clear(self) -> None:
        """No rows: the comparison is let go of (``CompareDialog.done``)."""
        self.beginResetModel()
        self._changes, self._all_texts, self._all_hay = [], [], []
        self._order, self._sort_keys = [], {}
        self.endResetModel()

    def haystack(self, row: int) -> str:
        return self._all_hay[self._order[row]]

    def kind(self, row: int) -> ChangeKind:
        return self._changes[self._order[row]].kind


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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The model sorts itself, by keys made once (``DiffTableModel.sort``); the proxy only
        filters, keeping the model's order."""
        model = self.sourceModel()
        if isinstance(model, DiffTableModel):
            model.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if self._kind is None and not self._words:
            return True  # every row, at each of a large comparison's layouts
        model = self.sourceModel()
        if not isinstance(model, DiffTableModel):
            return True
        if self._kind is not None and model.kind(source_row) is not self._kind:
            return False
        hay = model.haystack(source_row)
        return all(word in hay for word in self._words)


class CompareDialog(QDialog):
    def __init__(  # noqa: PLR0915 - one widget after the other
        self,
        diff: SnapshotDiff,
        old_label: str,
        new_label: str,
        parent: QWidget | None = None,
        *,
        rows: DiffRows | None = None,
    ) -> None:
        """``rows``: the diff's rows made in a worker thread (else made here)."""
        super().__init__(parent)
        self.setObjectName("compareDialog")
        self.setWindowTitle("Compare snapshots")
        self.resize(1000, 560)  # the first time; then as the coordinator left it
        RememberedSize(self, "CompareDialog")
        self.diff = diff
        self.model = DiffTableModel(diff, self, rows)
        self.proxy = DiffFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        # Injectable: tests give a path instead of answering a file dialog. None: the file
        # dialog, looked up when asked (a bound method kept here made the dialog a reference
        # cycle, which a poll's ``settle_heap`` froze with its whole diff for good).
        self.choose_csv_path: Callable[[], Path | None] | None = None
        self.tasks = NamedTasks(self)  # the CSV export, cancelled if the dialog goes first

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
        self.search.setAccessibleName("Filter the changes")
        self.search.textChanged.connect(self.proxy.set_search_text)
        self.kind = QComboBox()
        self.kind.setObjectName("compareKind")
        self.kind.addItem("All changes", None)
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.table = RowTableView()
        self.table.setObjectName("compareTable")
        CutTextTips(self.table)
        # Tab goes on to Export and Close: cell by cell, it never got there on a long comparison.
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName("Changes between the snapshots")
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

    def done(self, result: int) -> None:
        """Closed, and deleted by the menu (``SnapshotMenu._forget``): the comparison is let
        go of now, whatever may still hold the dialog (a reference cycle that a poll's
        ``settle_heap`` froze is never collected, app.workflows.heap)."""
        super().done(result)
        self.model.clear()
        self.diff = SnapshotDiff(())

    def _kind_changed(self, _index: int) -> None:
        data = self.kind.currentData()  # Qt hands the StrEnum back as a plain str
        self.proxy.set_kind(ChangeKind(data) if data else None)

    def _ask_csv_path(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export the comparison", "comparison.csv", "CSV files (*.csv)"
        )
        return Path(name) if name else None

    def rows_in_view(self) -> list[tuple[str, str, str, str]]:
        """The rows shown, in the order shown, their texts whole. The proxy keeps the model's
        order and only filters: its filter is asked here directly (a ``mapToSource`` per row
        took 0.4 s at 100,000)."""
        model, accepts, root = self.model, self.proxy.filterAcceptsRow, QModelIndex()
        return [model.texts(row) for row in range(model.rowCount()) if accepts(row, root)]

    def export_csv(self) -> None:
        path = (self.choose_csv_path or self._ask_csv_path)()
        if path is not None:
            self.tasks.start(self.export_csv_to(path))

    def export_csv_to(self, path: Path) -> Coroutine[Any, Any, int]:
        """The rows in view as they are now, written in a worker thread (the coroutine
        returned): the window stays usable while a large comparison is written."""
        return self._write_csv(path, self.rows_in_view())

    async def _write_csv(self, path: Path, rows: list[tuple[str, str, str, str]]) -> int:
        import asyncio

        try:
            return await asyncio.to_thread(write_csv, path, HEADERS, rows)
        except OSError as exc:  # a folder that cannot be written: said, not the crash dialog
            box = plain_box(QMessageBox.Icon.Warning, "Export CSV", csv_failure(path, exc), self)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return 0
