"""File > Save snapshot…: which orders, whether to fetch details and files, then progress.

The folder is checked as soon as the dialog opens (and again by the save), so a folder that
cannot take the file is said at once, with a way to choose another. The save runs as a task
on the loop (network) and a worker thread (the archive); progress says about how long is
left. Cancel, Esc and closing the dialog all cancel it: the dialog closes once the work has
really stopped, leaving any previous file at the path untouched. Every expected failure is
shown here in words; nothing is left for the loop to report.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.clients.errors import ApiError
from app.domain.file_names import shown_in_sentence
from app.domain.order_details import KEPT_FOR
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.snapshot import SnapshotFilter
from app.store.snapshot_destination import SnapshotWriteError
from app.store.snapshot_file import SnapshotError
from app.ui.common.colours import ERROR
from app.ui.common.labels import plain_label
from app.ui.common.remembered_size import RememberedSize
from app.ui.common.task_group import NamedTasks
from app.ui.common.tint import tint
from app.ui.orders.orders_room import NEEDS_ATTENTION
from app.workflows.snapshots import SavedSnapshot, SaveRequest, check_snapshot_destination

if TYPE_CHECKING:
    from app.workflows.board import OrderBoard

log = logging.getLogger(__name__)

PathChooser = Callable[[], Path | None]


def failure_texts(exc: BaseException) -> tuple[str, str]:
    """An expected failure of a save as (the sentence, the system's or service's own words)."""
    if isinstance(exc, SnapshotWriteError):
        return exc.sentence, f"The system said: “{exc.detail}”." if exc.detail else ""
    if isinstance(exc, SnapshotError):
        return f"The snapshot could not be saved: {exc}", ""
    if isinstance(exc, OSError):  # not the destination's (that is a SnapshotWriteError)
        return "The snapshot could not be saved.", f"The system said: “{exc.strerror or exc}”."
    return f"The snapshot could not be saved: {exc}", ""


class SaveSnapshotDialog(QDialog):
    saved = Signal(object)  # SavedSnapshot

    def __init__(
        self,
        board: OrderBoard,
        path: Path,
        in_view: Callable[[], Sequence[AssessmentOrder]],
        all_orders: Callable[[], Sequence[AssessmentOrder]],
        view_filter: SnapshotFilter,
        *,
        choose_path: PathChooser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("saveSnapshotDialog")
        self.setWindowTitle("Save snapshot")
        RememberedSize(self, "SaveSnapshotDialog")
        self.setMinimumWidth(480)  # the progress line and a refusal read in two or three lines
        self.board = board
        self.path = path
        # Read when Save is pressed: a sync while the dialog is open (a colleague's reject)
        # must be in the file, which is dated when it is written.
        self._in_view = in_view
        self._all = all_orders
        self._recount = QTimer(self, singleShot=True, interval=200)  # a sync's rows, once
        self._recount.timeout.connect(self.count_orders)
        self._filter = view_filter
        self._choose_path = choose_path
        self.tasks = NamedTasks(self)
        self.task: asyncio.Task[Any] | None = None
        self.result_value: SavedSnapshot | None = None
        self.error: str | None = None
        self._closing = False  # Cancel, Esc or close while saving: close once it has stopped
        self._writable = True

        self.view_choice = QRadioButton()
        self.all_choice = QRadioButton()
        self.count_orders()
        self.view_choice.setChecked(True)
        # Another choice needs other room: checked again (a refusal for all may pass for the
        # orders in view, and the other way round).
        self.view_choice.toggled.connect(self._choice_changed)
        self.details = QCheckBox("Fetch comments and results from SmartRecruiters")
        self.details.setToolTip(
            "Open orders are always asked. A completed or rejected order whose details were "
            f"fetched in the last {KEPT_FOR.total_seconds() / 60:.0f} minutes, and which has "
            "not changed since, is not asked again."
        )
        self.details.setChecked(True)
        self.files = QCheckBox("Include report files uploaded from this desk")
        self.where = plain_label(f"Saving to {path}", "snapshotPath")
        self.change_path = QPushButton("Choose another file…")
        self.change_path.setObjectName("snapshotChangePath")
        self.change_path.setVisible(choose_path is not None)
        self.change_path.clicked.connect(self.choose_another_path)
        self.progress = QProgressBar()
        self.progress.setObjectName("snapshotProgress")
        self.progress.setVisible(False)
        self.state = plain_label(name="snapshotState")
        self.detail = plain_label(name="snapshotErrorDetail")
        self.detail.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()

    def _lay_out(self) -> None:
        where = QHBoxLayout()
        where.addWidget(self.where, 1)
        where.addWidget(self.change_path)
        layout = QVBoxLayout(self)
        for widget in (self.view_choice, self.all_choice, self.details, self.files):
            layout.addWidget(widget)
        layout.addLayout(where)
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        layout.addWidget(self.detail)
        layout.addWidget(self.buttons)

    # -- the destination ---------------------------------------------------------------------

    @property
    def save_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def check_destination(self) -> asyncio.Task[Any]:
        """Check the folder now (no network): a refusal is shown before Save is pressed."""
        return self.tasks.start(self._check(self.path), name="check")

    def _chosen(self) -> Sequence[AssessmentOrder]:
        return self._in_view() if self.view_choice.isChecked() else self._all()

    async def _check(self, path: Path) -> None:
        # The room for the orders chosen, as the save itself checks: all orders counted,
        # Save was off for the ten in view, on a disk with room for fifty.
        try:
            await check_snapshot_destination(path, len(self._chosen()))
        except SnapshotError as exc:
            if path == self.path and not self.is_saving:
                self._writable = False
                self._show_failure(exc)
                self.save_button.setEnabled(False)
            return
        if path == self.path and not self.is_saving:
            self._writable = True
            self._clear_failure()
            self.save_button.setEnabled(True)

    def _choice_changed(self, _checked: bool) -> None:
        # Checked again for the orders now chosen, unless a save's failure is shown that is
        # not the folder's (a service's answer, which no choice here changes): its words stay.
        if not self.is_saving and (self.error is None or not self._writable):
            self.check_destination()

    def choose_another_path(self) -> None:
        if self._choose_path is None or self.is_saving:
            return
        path = self._choose_path()
        if path is None:
            return
        self.path = path
        self.where.setText(f"Saving to {path}")
        self._clear_failure()
        self.check_destination()

    def count_orders(self) -> None:
        self.view_choice.setText(f"The orders in view ({len(self._in_view())})")
        self.all_choice.setText(f"All orders ({len(self._all())})")

    def orders_changed(self, *_args: object) -> None:
        """The inbox's rows changed (a sync): the counts follow, a moment later."""
        self._recount.start()

    # -- saving ------------------------------------------------------------------------------

    @property
    def is_saving(self) -> bool:
        return self.task is not None and not self.task.done()

    def request(self) -> SaveRequest:
        in_view = self.view_choice.isChecked()
        return SaveRequest(
            orders=list(self._chosen()),
            filter=self._filter if in_view else SnapshotFilter(scope="all"),
            fetch_details=self.details.isChecked(),
            include_attachments=self.files.isChecked(),
        )

    def start(self) -> None:
        if self.is_saving or not self._writable:
            return
        self.tasks.cancel("check")  # the save checks the folder itself, first
        self._set_choosing(enabled=False)
        self._clear_failure()
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.state.setText("Starting…")
        self.task = self.tasks.start(self._save(), name="save")
        self.task.add_done_callback(self._ended)

    def _set_choosing(self, *, enabled: bool) -> None:
        self.save_button.setEnabled(enabled)
        for widget in (self.view_choice, self.all_choice, self.details, self.files):
            widget.setEnabled(enabled)
        self.change_path.setEnabled(enabled)

    def _progress(self, done: int, total: int, text: str) -> None:
        if self._closing:
            return  # "Cancelling…" stays until the work has stopped
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.state.setText(text)

    async def _save(self) -> None:
        """The save, every expected failure shown here: what reaches the task is a bug (and
        goes the one way bugs go) or the cancel."""
        try:
            saved = await self.board.save_snapshot(self.request(), self.path, self._progress)
        except asyncio.CancelledError:
            self.state.setText("Cancelled: nothing was saved.")
            raise
        except (SnapshotError, ApiError, OSError) as exc:
            log.warning("Saving the snapshot failed: %r", exc)
            self._show_failure(exc)
            self.progress.setVisible(False)
            self._set_choosing(enabled=True)
            if isinstance(exc, SnapshotWriteError):
                self.save_button.setEnabled(False)  # the same place would fail again
                self._writable = False
            return
        self.result_value = saved
        saved_as = shown_in_sentence(saved.path.name)  # a direction mark turned it round
        self.state.setText(f"Saved {saved.order_count} orders to {saved_as}.")
        self.saved.emit(saved)
        if not self._closing:
            self.accept()

    def _show_failure(self, exc: BaseException) -> None:
        sentence, detail = failure_texts(exc)
        self.error = sentence
        self.state.setText(sentence)
        tint(self.state, ERROR)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))

    def _clear_failure(self) -> None:
        self.error = None
        self.state.setText("")
        tint(self.state, None)
        self.detail.clear()
        self.detail.setVisible(False)

    def _ended(self, _task: asyncio.Task[Any]) -> None:
        if self._closing and self.isVisible():
            QDialog.reject(self)  # the work has stopped: now the dialog may go

    # -- closing -----------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel, Esc and the window's close button: a save under way is cancelled, and the
        dialog stays (saying so) until it has stopped, then closes."""
        if self.is_saving:
            assert self.task is not None
            self._closing = True
            self.state.setText("Cancelling…")
            self.buttons.setEnabled(False)
            self.task.cancel()
            return
        self.tasks.cancel("check")
        super().reject()

    def cancel(self) -> None:
        self.reject()


def view_filter(search: str, status: object) -> SnapshotFilter:
    """The inbox's view: its search, and its status filter's choice (a status, "Needs
    attention", or none: ``None``)."""
    if status == NEEDS_ATTENTION:
        return SnapshotFilter(scope="view", search=search.strip(), attention=True)
    statuses = [OrderStatus(status)] if isinstance(status, str) and status else []
    return SnapshotFilter(scope="view", search=search.strip(), statuses=statuses)


def candidates_filter(search: str) -> SnapshotFilter:
    """The Candidates tab's view: the orders of the candidates its own search finds."""
    return SnapshotFilter(scope="view", tab="candidates", search=search.strip())
