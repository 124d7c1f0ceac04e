"""Progress of "Create, accept and invite" over a selection, cancellable, with outcomes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.ui.common.table_model import RowsTableModel
from app.workflows.batch import Outcome, OutcomeKind

AnyIndex = QModelIndex | QPersistentModelIndex

_KIND_TEXT = {
    OutcomeKind.DONE: "Done",
    OutcomeKind.FAILED: "Failed",
    OutcomeKind.SKIPPED: "Skipped",
}
_KIND_COLOUR = {
    OutcomeKind.DONE: QColor("#2e7d32"),
    OutcomeKind.FAILED: QColor("#b3261e"),
    OutcomeKind.SKIPPED: QColor("#8a6d1f"),
}


class OutcomeTableModel(RowsTableModel[Outcome]):
    HEADERS = ("Candidate", "Outcome", "Details")

    def cell(self, outcome: Outcome, column: int, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (outcome.candidate, _KIND_TEXT[outcome.kind], outcome.detail)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return _KIND_COLOUR[outcome.kind]
        return None


class BatchDialog(QDialog):
    """Shows progress while the batch runs; Cancel asks it to stop after the current order."""

    def __init__(self, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchDialog")
        self.setWindowTitle("Create, accept and invite")
        self.total = total
        self.cancel_requested = False
        self.label = QLabel(f"Working on {total} orders…")
        self.label.setObjectName("batchLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.model = OutcomeTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("batchOutcomes")
        self.table.setAccessibleName("Outcome per order")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 180)
        self.buttons = QDialogButtonBox()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("batchCancel")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("batchClose")
        self.close_button.setEnabled(False)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button.clicked.connect(self.request_cancel)
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(680, 380)

    def request_cancel(self) -> None:
        self.cancel_requested = True
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling after the current order…")

    def reject(self) -> None:
        # Esc or the window's close button mean "cancel" while running, "close" after.
        if self.close_button.isEnabled():
            super().reject()
        else:
            self.request_cancel()

    def add_outcome(self, done: int, outcome: Outcome) -> None:
        self.model.append_row(outcome)
        self.progress.setValue(done)
        if not self.cancel_requested:
            self.label.setText(f"{done} of {self.total} orders…")

    def finished_all(self) -> None:
        counts = {kind: sum(1 for o in self.model.rows if o.kind is kind) for kind in OutcomeKind}
        self.label.setText(
            f"Finished: {counts[OutcomeKind.DONE]} done, {counts[OutcomeKind.FAILED]} failed, "
            f"{counts[OutcomeKind.SKIPPED]} skipped."
        )
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setDefault(True)
