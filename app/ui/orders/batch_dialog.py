"""Progress of "Create, accept and invite" over a selection, cancellable, with outcomes.

The outcome list names each order's Berke job and wraps its failure text; the failed ones can
be retried from it. It stays reachable after Close (Order > Last batch…) until the next batch.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.count_words import counted
from app.ui.common.colours import GREEN, OCHRE, RED
from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.labels import plain_label
from app.ui.common.local_repaint_table import LocalRepaintTableView
from app.ui.common.remembered_size import RememberedSize
from app.ui.common.rows_fitted_in_view import RowsFittedInView
from app.ui.common.screens import available_room
from app.ui.common.table_model import RowsTableModel
from app.workflows.batch import CANCELLED, Outcome, OutcomeKind

AnyIndex = QModelIndex | QPersistentModelIndex

_KIND_TEXT = {
    OutcomeKind.DONE: "Done",
    OutcomeKind.FAILED: "Failed",
    OutcomeKind.SKIPPED: "Skipped",
}
_KIND_SHADE = {
    OutcomeKind.DONE: GREEN,
    OutcomeKind.FAILED: RED,
    OutcomeKind.SKIPPED: OCHRE,
}


class OutcomeTableModel(RowsTableModel[Outcome]):
    HEADERS = ("Candidate", "Berke job", "Outcome", "Details")

    def __init__(self, jobs: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jobs = jobs  # order id → the Berke job it was planned with

    def cell(self, outcome: Outcome, column: int, role: int) -> Any:
        # No tooltip of its own: CutTextTips shows a cell's whole text, when it is cut.
        if role == Qt.ItemDataRole.DisplayRole:
            job = self.jobs.get(outcome.order_id, "—")
            return (outcome.candidate, job, _KIND_TEXT[outcome.kind], outcome.detail)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return _KIND_SHADE[outcome.kind].on(QGuiApplication.palette())
        return None

    def put(self, outcomes: list[Outcome]) -> None:
        """Add each order's outcome, or replace its earlier one (a retry): the new ones land
        as one block of rows, the replaced ones as one change."""
        positions = {known.order_id: position for position, known in enumerate(self.rows)}
        new: dict[str, Outcome] = {}
        replaced: list[int] = []
        for outcome in outcomes:
            position = positions.get(outcome.order_id)
            if position is None:
                new[outcome.order_id] = outcome
            else:
                self.rows[position] = outcome
                replaced.append(position)
        if replaced:
            last_column = len(self.HEADERS) - 1
            self.dataChanged.emit(
                self.index(min(replaced), 0), self.index(max(replaced), last_column)
            )
        self.append_rows(list(new.values()))


class BatchDialog(QDialog):
    """Shows progress while the batch runs; Cancel asks it to stop after the current order;
    "Retry the failed" asks for another run of the orders that failed, and of those a Cancel
    stopped before they began."""

    retry_requested = Signal(list)  # the ids of the orders to run again
    cancel_asked = Signal()  # Cancel, Esc or the close button while it runs

    def __init__(
        self, total: int, jobs: dict[str, str] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("batchDialog")
        RememberedSize(self, "BatchDialog")
        self.setWindowTitle("Create, accept and invite")
        self.setSizeGripEnabled(True)
        self.total = total
        self.cancel_requested = False
        self.label = plain_label(f"Working on {counted(total, 'order')}…", "batchLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("batchProgress")
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self._done = 0
        self._reported: list[Outcome] = []  # reported, not shown yet
        self._show_reported_soon = QTimer(self)
        self._show_reported_soon.setSingleShot(True)
        self._show_reported_soon.setInterval(0)
        self._show_reported_soon.timeout.connect(self.show_reported)
        self.model = OutcomeTableModel(jobs or {}, self)
        self.table = self._outcome_table()
        self.buttons = QDialogButtonBox()
        self.retry_button = QPushButton("Retry the failed")
        self.retry_button.setObjectName("batchRetry")
        self.retry_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("batchCancel")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("batchClose")
        self.close_button.setEnabled(False)
        self.buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button.clicked.connect(self.request_cancel)
        self.close_button.clicked.connect(self.accept)
        self.retry_button.clicked.connect(self._retry)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        screen = available_room(self)
        self.resize(min(960, screen.width() - 40), min(480, int(screen.height() * 0.8)))

    def _outcome_table(self) -> LocalRepaintTableView:
        # Rows added below those in view repaint nothing (a plain QTableView repainted every
        # row shown for each, ~8 ms).
        table = LocalRepaintTableView()
        table.setObjectName("batchOutcomes")
        CutTextTips(table)
        table.setTabKeyNavigation(False)  # Tab goes on to Close and Retry, not cell to cell
        table.setAccessibleName("Outcome per order")
        table.setModel(self.model)
        table.setWordWrap(True)
        table.verticalHeader().setVisible(False)
        # Rows grow to their wrapped text: a failure is read in full, not in a tooltip. Only
        # the rows in view are measured: measuring every row on every change cost ~40 ms per
        # outcome late in a batch of 200.
        RowsFittedInView(table)
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(0, 170)
        table.setColumnWidth(1, 170)
        table.setColumnWidth(2, 80)
        return table

    @property
    def running(self) -> bool:
        return not self.close_button.isEnabled()

    # The ids below are of the outcomes shown: finished_all shows every one reported.

    def failed_ids(self) -> list[str]:
        return [o.order_id for o in self.model.rows if o.kind is OutcomeKind.FAILED]

    def not_run_ids(self) -> list[str]:
        """The orders a Cancel (or a daily limit) stopped before they began (they are run
        again with Retry)."""
        return [o.order_id for o in self.model.rows if o.not_run]

    def request_cancel(self) -> None:
        self.cancel_requested = True
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling after the current order…")
        self.cancel_asked.emit()

    def reject(self) -> None:
        # Esc or the window's close button mean "cancel" while running, "close" after.
        if self.running:
            self.request_cancel()
        else:
            super().reject()

    def start_run(self, total: int) -> None:
        """A run (the first, or a retry) of ``total`` orders begins."""
        self.show_reported()  # the last run's outcomes, counted against the last run's total
        self.total = total
        self.cancel_requested = False
        self._done = 0
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.label.setText(f"Working on {counted(total, 'order')}…")
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)
        self.retry_button.setEnabled(False)

    def add_outcome(self, done: int, outcome: Outcome) -> None:
        # Shown once per turn of the loop: a Cancel reports every order not begun in one turn
        # (170 rows inserted one by one, with the bar repainting itself at once for each new
        # value, held the window for 0.4 s).
        self._reported.append(outcome)
        self._done = done
        if not self._show_reported_soon.isActive():
            self._show_reported_soon.start()

    def show_reported(self) -> None:
        """The outcomes reported since the last turn of the loop, and the progress, shown."""
        self._show_reported_soon.stop()
        reported, self._reported = self._reported, []
        self.model.put(reported)
        self.progress.setValue(self._done)
        if not self.cancel_requested:
            self.label.setText(f"{self._done} of {self.total} orders…")

    def finished_all(self) -> None:
        self.show_reported()
        counts = {kind: sum(1 for o in self.model.rows if o.kind is kind) for kind in OutcomeKind}
        self.label.setText(
            f"Finished: {counts[OutcomeKind.DONE]} done, {counts[OutcomeKind.FAILED]} failed, "
            f"{counts[OutcomeKind.SKIPPED]} skipped. Each order's activity keeps its steps; "
            "this list stays under Order > Last batch… until the next batch."
        )
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
        self.close_button.setDefault(True)
        failed, not_run = len(self.failed_ids()), len(self.not_run_ids())
        self.retry_button.setEnabled(failed + not_run > 0)
        # Not run after a daily limit is not "cancelled": the coordinator cancelled nothing.
        stopped = "cancelled" if self._all_not_run_cancelled() else "rest"
        if failed and not_run:
            text = f"Retry the failed and {stopped} ({failed + not_run})"
        elif not_run:
            text = f"Run the {stopped} ({not_run})"
        else:
            text = f"Retry the failed ({failed})" if failed else "Retry the failed"
        self.retry_button.setText(text)

    def _all_not_run_cancelled(self) -> bool:
        return all(o.detail == CANCELLED for o in self.model.rows if o.not_run)

    def _retry(self) -> None:
        again = self.failed_ids() + self.not_run_ids()
        if again and not self.running:
            self.retry_button.setEnabled(False)  # a second click must not start a second run
            self.close_button.setEnabled(False)
            self.retry_requested.emit(again)
