"""A main window showing a snapshot: read-only, offline, labelled as such.

The window keeps working as it does for the live inbox (table, search, filters, candidates,
detail); this module feeds it from the snapshot instead of a desk, fills the detail pane from
the snapshot's records (comments, results, timeline, attachments) and disables everything that
would change state, each with a tooltip saying why. Nothing here opens a connection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachments import describe_size
from app.domain.smartrecruiters import AssessmentOrder, Candidate
from app.domain.snapshot import SnapshotAttachment, SnapshotOrder, is_file_note
from app.store.memory import release_freed_memory
from app.store.snapshot_file import Snapshot, SnapshotError

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

READ_ONLY_TIP = "This is a read-only snapshot: nothing can be changed or sent from here."
UrlOpener = Callable[[QUrl], bool]


def snapshot_title(snapshot: Snapshot) -> str:
    return f"Snapshot (read-only) — {snapshot.path.name}"


def banner_text(snapshot: Snapshot) -> str:
    meta = snapshot.meta
    when = meta.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    count = f"{meta.order_count} order" + ("" if meta.order_count == 1 else "s")
    return (
        f"<b>Read-only snapshot</b> of {count}, saved {when} from {meta.source} "
        f"({meta.filter.describe()}). Offline: nothing here changes SmartRecruiters or Berke."
    )


class SnapshotAttachmentsBox(QGroupBox):
    """The files kept with the order; each opens with the system viewer from a temporary copy."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Files in the snapshot", parent)
        self.setObjectName("snapshotAttachments")
        self.list = QListWidget()
        self.list.setObjectName("snapshotAttachmentList")
        self.list.setMaximumHeight(90)
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("openSnapshotAttachment")
        self.open_button.setToolTip("Open a temporary copy with the system viewer")
        self.open_button.setEnabled(False)
        self.left_out = QLabel()
        self.left_out.setObjectName("snapshotFilesLeftOut")
        self.left_out.setWordWrap(True)
        self.left_out.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.left_out)
        self.list.currentItemChanged.connect(
            lambda current, _prev: self.open_button.setEnabled(current is not None)
        )

    def show_attachments(self, attachments: list[SnapshotAttachment], left_out: str = "") -> None:
        """The files held; ``left_out`` says which the service kept and the file does not."""
        self.list.clear()
        for attachment in attachments:
            item = QListWidgetItem(f"{attachment.file_name}  ({describe_size(attachment.size)})")
            item.setData(Qt.ItemDataRole.UserRole, attachment.member)
            self.list.addItem(item)
        self.list.setVisible(bool(attachments))
        self.open_button.setVisible(bool(attachments))
        self.left_out.setText(left_out)
        self.left_out.setVisible(bool(left_out))
        self.setVisible(bool(attachments or left_out))
        if attachments:
            self.list.setCurrentRow(0)

    def current_member(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))


class SnapshotMode(QObject):
    """Puts ``window`` in read-only snapshot mode and keeps its detail pane fed."""

    def __init__(
        self, window: MainWindow, snapshot: Snapshot, *, open_url: UrlOpener | None = None
    ) -> None:
        super().__init__(window)
        self.window = window
        self.snapshot = snapshot
        # Injectable: tests see what would be opened instead of launching a viewer.
        self.open_url: UrlOpener = open_url or QDesktopServices.openUrl
        self.last_error: str | None = None
        self._candidates_loaded = False

        window.snapshot_mode = self
        window.read_only_title = snapshot_title(snapshot)
        window.controller.read_only = READ_ONLY_TIP
        window.controller.update_state()
        self.banner = self._build_banner()
        self._disable_state_changes()
        self.attachments = SnapshotAttachmentsBox()
        self.attachments.open_button.clicked.connect(self.open_current_attachment)
        self._add_to_detail(self.attachments)
        self.attachments.setVisible(False)

        window.connection_label.setText(f"Offline snapshot · {snapshot.meta.source}")
        window.model.set_index(snapshot.index, self._order_at, row_of=snapshot.row_ids())
        # The candidates table is built when its tab is first shown: a large snapshot opens
        # with the orders table alone.
        window.tabs.currentChanged.connect(self._tab_changed)
        window._update_counts()

    # -- construction ------------------------------------------------------------------------

    def _build_banner(self) -> QLabel:
        banner = QLabel(banner_text(self.snapshot))
        banner.setObjectName("snapshotBanner")
        banner.setWordWrap(True)
        banner.setTextFormat(Qt.TextFormat.RichText)
        banner.setStyleSheet(
            "QLabel#snapshotBanner { background: #fff4ce; color: #3b2f00;"
            " border-bottom: 1px solid #e0c97a; padding: 6px 10px; }"
        )
        banner.setAccessibleName("Read-only snapshot")
        # A wrapped label asks for the height of its narrowest layout; two lines are enough.
        banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        banner.setMaximumHeight(banner.fontMetrics().lineSpacing() * 2 + 16)
        central = self.window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, banner)
        return banner

    def _disable_state_changes(self) -> None:
        window = self.window
        for action in (window.refresh_action, *window.snapshot_menu.live_only_actions()):
            action.setEnabled(False)
            action.setToolTip(READ_ONLY_TIP)
            action.setStatusTip(READ_ONLY_TIP)
        window.poll_timer.stop()
        window.setAcceptDrops(False)
        detail = window.detail
        detail.read_only = True
        detail.setAcceptDrops(False)
        for widget in (detail.comment_input, detail.comment_button, detail.attachments):
            widget.setEnabled(False)
            widget.setToolTip(READ_ONLY_TIP)
        detail.retry_step_button.setEnabled(False)
        detail.retry_step_button.setToolTip(READ_ONLY_TIP)
        # The pane re-enables these on its own signals; connected after its slots, this wins.
        detail.timeline_list.selectionModel().selectionChanged.connect(self._keep_disabled)
        detail.timeline.modelReset.connect(self._keep_disabled)
        offers = window.tabs.indexOf(window.offers_view)
        if offers >= 0:
            window.tabs.setTabEnabled(offers, False)
            window.tabs.setTabToolTip(offers, "Offers are not part of a snapshot.")

    def _keep_disabled(self, *_args: object) -> None:
        detail = self.window.detail
        for widget in (detail.comment_input, detail.comment_button, detail.retry_step_button):
            widget.setEnabled(False)

    def _add_to_detail(self, widget: QWidget) -> None:
        panel = self.window.detail.attachments
        body = panel.parentWidget()
        layout = body.layout() if body is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(layout.indexOf(panel) + 1, widget)

    # -- orders ------------------------------------------------------------------------------

    def record(self, order_id: str) -> SnapshotOrder | None:
        row = self.snapshot.row_of(order_id)
        if row is None:
            return None
        try:
            return self.snapshot.record(row)
        except SnapshotError as exc:
            self.last_error = str(exc)
            self.window.statusBar().showMessage(str(exc), 15000)
            return None

    def _order_at(self, row: int) -> AssessmentOrder:
        try:
            return self.snapshot.record(row).order
        except SnapshotError as exc:
            # A damaged record still lists: an order built from the index, said so once.
            self.last_error = str(exc)
            summary = self.snapshot.index.summary(row)
            first, _, last = summary.candidate.partition(" ")
            return AssessmentOrder.model_construct(
                id=summary.id,
                status=summary.status,
                candidate=Candidate.model_construct(
                    id=summary.candidate_id, first_name=first, last_name=last,
                    email=summary.email or None,
                ),
            )  # fmt: skip

    def _tab_changed(self, _index: int) -> None:
        if self.window.tabs.currentWidget() is self.window.candidates:
            self.load_candidates()

    def load_candidates(self) -> None:
        """Group the snapshot's orders by candidate, from its index: an order is parsed only
        when it is shown in detail."""
        if self._candidates_loaded:
            return
        self._candidates_loaded = True
        # Under a second for 100,000 orders (bench/snapshot_scale.py), but a pause all the same.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.window.candidates.set_index(self.snapshot.index, self._order_at)
            release_freed_memory()  # the grouping's working lists
        finally:
            QApplication.restoreOverrideCursor()

    # -- detail ------------------------------------------------------------------------------

    def refresh_detail(self) -> None:
        """The window showed the order; add what only the snapshot knows (assessment,
        comments, timeline, files)."""
        order = self.window.detail.order
        record = self.record(order.id) if order is not None else None
        detail = self.window.detail
        if record is None:
            self.attachments.show_attachments([])
            return
        detail.show_order(record.order, record.linked_assessment)
        detail.show_timeline(record.timeline)
        error = "; ".join(n for n in record.notes if n.startswith("Comments")) or ""
        detail.show_comments(record.comments, error)
        left_out = "; ".join(n for n in record.notes if is_file_note(n))
        self.attachments.show_attachments(record.attachments, left_out)
        self._keep_disabled()

    def open_current_attachment(self) -> Path | None:
        member = self.attachments.current_member()
        if member is None:
            return None
        try:
            copy = self.snapshot.extract_attachment(member)
        except SnapshotError as exc:
            self.window.statusBar().showMessage(str(exc), 15000)
            return None
        self.open_url(QUrl.fromLocalFile(str(copy)))
        return copy
