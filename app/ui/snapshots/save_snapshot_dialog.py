"""File > Save snapshot…: which orders, whether to fetch details and files, then progress.

The save runs as a task on the loop (network) and a worker thread (the archive); Cancel stops
it and leaves any previous file at the path untouched.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.clients.errors import ApiError
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.snapshot import SnapshotFilter
from app.store.snapshot_file import SnapshotError
from app.workflows.board import OrderBoard
from app.workflows.snapshots import SavedSnapshot, SaveRequest

log = logging.getLogger(__name__)


class SaveSnapshotDialog(QDialog):
    saved = Signal(object)  # SavedSnapshot

    def __init__(
        self,
        board: OrderBoard,
        path: Path,
        in_view: Sequence[AssessmentOrder],
        all_orders: Sequence[AssessmentOrder],
        view_filter: SnapshotFilter,
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saveSnapshotDialog")
        self.setWindowTitle("Save snapshot")
        self.board = board
        self.path = path
        self._in_view = list(in_view)
        self._all = list(all_orders)
        self._filter = view_filter
        self.task: asyncio.Task[SavedSnapshot] | None = None
        self.result_value: SavedSnapshot | None = None
        self.error: str | None = None

        self.view_choice = QRadioButton(f"The orders in view ({len(self._in_view)})")
        self.all_choice = QRadioButton(f"All orders ({len(self._all)})")
        self.view_choice.setChecked(True)
        self.details = QCheckBox("Fetch comments and results from SmartRecruiters")
        self.details.setChecked(True)
        self.files = QCheckBox("Include report files uploaded from this desk")
        self.progress = QProgressBar()
        self.progress.setObjectName("snapshotProgress")
        self.progress.setVisible(False)
        self.state = QLabel(f"Saving to {path}")
        self.state.setObjectName("snapshotState")
        self.state.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        for widget in (self.view_choice, self.all_choice, self.details, self.files, self.state):
            layout.addWidget(widget)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

    def request(self) -> SaveRequest:
        in_view = self.view_choice.isChecked()
        return SaveRequest(
            orders=self._in_view if in_view else self._all,
            filter=self._filter if in_view else SnapshotFilter(scope="all"),
            fetch_details=self.details.isChecked(),
            include_attachments=self.files.isChecked(),
        )

    def start(self) -> None:
        if self.task is not None and not self.task.done():
            return
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(False)
        for widget in (self.view_choice, self.all_choice, self.details, self.files):
            widget.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.task = asyncio.ensure_future(self._save())

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.state.setText(text)

    async def _save(self) -> SavedSnapshot:
        try:
            saved = await self.board.save_snapshot(self.request(), self.path, self._progress)
        except asyncio.CancelledError:
            self.state.setText("Cancelled: nothing was saved.")
            raise
        except (SnapshotError, ApiError, OSError) as exc:
            log.warning("Saving the snapshot failed: %r", exc)
            self.error = f"The snapshot could not be saved: {exc}"
            self.state.setText(self.error)
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
            raise
        self.result_value = saved
        self.state.setText(f"Saved {saved.order_count} orders to {saved.path.name}.")
        self.saved.emit(saved)
        self.accept()
        return saved

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
        self.reject()


def view_filter(search: str, status: object) -> SnapshotFilter:
    statuses = [OrderStatus(status)] if isinstance(status, str) and status else []
    return SnapshotFilter(scope="view", search=search.strip(), statuses=statuses)
