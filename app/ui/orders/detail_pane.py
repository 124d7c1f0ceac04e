"""The order detail pane: who, what, where, the linked Berke assessment, comments, activity."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachments import describe_size
from app.domain.journal import LinkedAssessment, StepKind, StepState
from app.domain.smartrecruiters import AssessmentComment, AssessmentOrder
from app.domain.snapshot import SnapshotAttachment
from app.ui.orders.attachments_panel import AttachmentsPanel, dropped_paths
from app.ui.orders.order_table_model import STATUS_COLOURS
from app.views.inbox_columns import STATUS_LABELS

AnyIndex = QModelIndex | QPersistentModelIndex
NOTHING = "—"
RETRY_TIP = "Send a failed step again (it is checked first)"


def _local(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else NOTHING


class CommentListModel(QAbstractListModel):
    """Comments of one order, oldest first, as "author · date" over the message."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._comments: list[AssessmentComment] = []

    def set_comments(self, comments: list[AssessmentComment]) -> None:
        self.beginResetModel()
        self._comments = list(comments)
        self.endResetModel()

    def append(self, comment: AssessmentComment) -> None:
        row = len(self._comments)
        self.beginInsertRows(QModelIndex(), row, row)
        self._comments.append(comment)
        self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._comments)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._comments):
            return None
        comment = self._comments[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            who = comment.author.full_name if comment.author else ""
            when = _local(comment.create_date) if comment.create_date else ""
            head = " · ".join(p for p in (who, when) if p)
            return f"{head}\n{comment.message}" if head else comment.message
        if role == Qt.ItemDataRole.UserRole:
            return comment
        return None


class TimelineEntry(Protocol):
    """What the activity list shows of a step: the journal's entries and a snapshot's copies
    of them both have it."""

    @property
    def id(self) -> int: ...
    @property
    def action(self) -> StepKind: ...
    @property
    def state(self) -> StepState: ...
    @property
    def message(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...


class TimelineModel(QAbstractListModel):
    """The steps of one order: what, when, how it ended, and the message."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[TimelineEntry] = []

    def set_entries(self, entries: list[TimelineEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            state = {StepState.DONE: "done", StepState.PENDING: "in progress",
                     StepState.FAILED: "failed"}[entry.state]  # fmt: skip
            text = f"{_local(entry.created_at)}  {entry.action.label} — {state}"
            if entry.message:
                text += f"\n{entry.message}"
            return text
        if role == Qt.ItemDataRole.ForegroundRole and entry.state is StepState.FAILED:
            return STATUS_COLOURS[_REJECTED]
        if role == Qt.ItemDataRole.UserRole:
            return entry
        return None


_REJECTED = next(s for s in STATUS_COLOURS if s.value == "REJECTED")


def _value_label() -> QLabel:
    label = QLabel(NOTHING)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class OrderDetailPane(QWidget):
    """Shows one order. Actions are the window's QActions, mirrored by buttons here."""

    comment_submitted = Signal(str)
    retry_step_requested = Signal(int)

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.setAccessibleName("Order details")
        self.setAcceptDrops(True)  # a report dropped anywhere on the pane goes to its result
        self.order: AssessmentOrder | None = None
        self.read_only = False  # a snapshot: comments are shown, never added
        self._read_only_reason: str | None = None

        self.title = QLabel("Select an order to see its details.")
        self.title.setObjectName("detailTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("detailStatus")

        self.fields: dict[str, QLabel] = {}
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.title)
        body_layout.addWidget(self.status)
        body_layout.addLayout(self._action_row(actions))
        for title, names in _SECTIONS:
            body_layout.addWidget(self._section(title, names))
        self.attachments = AttachmentsPanel()
        body_layout.addWidget(self.attachments)
        self.snapshot_files = SnapshotFilesBox()
        body_layout.addWidget(self.snapshot_files)
        body_layout.addWidget(self._comments_box())
        body_layout.addWidget(self._timeline_box())
        body_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.show_order(None, None)

    # -- construction ------------------------------------------------------------------------

    def _action_row(self, actions: list[QAction]) -> QGridLayout:
        # A grid, not a row: the pane is narrow and five buttons would scroll sideways.
        grid = QGridLayout()
        self.action_buttons: list[QToolButton] = []
        for position, action in enumerate(actions):
            button = QToolButton()
            button.setDefaultAction(action)  # enabled state and tooltip follow the action
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.action_buttons.append(button)
            grid.addWidget(button, position // 3, position % 3)
        return grid

    def _section(self, title: str, names: list[tuple[str, str]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label in names:
            value = _value_label()
            value.setObjectName(f"detail_{key}")
            value.setAccessibleName(label)
            if key == "assessmentUrl":
                value.setOpenExternalLinks(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            self.fields[key] = value
            form.addRow(f"{label}:", value)
        return box

    def _comments_box(self) -> QGroupBox:
        box = QGroupBox("Comments")
        layout = QVBoxLayout(box)
        self.comments = CommentListModel(self)
        self.comment_list = QListView()
        self.comment_list.setObjectName("commentList")
        self.comment_list.setAccessibleName("Comments")
        self.comment_list.setModel(self.comments)
        self.comment_list.setWordWrap(True)
        self.comment_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.comment_list.setMinimumHeight(90)
        self.comment_state = QLabel()
        self.comment_state.setObjectName("commentState")
        self.comment_input = QLineEdit()
        self.comment_input.setObjectName("commentInput")
        self.comment_input.setPlaceholderText("Add a comment for the recruiter…")
        self.comment_input.setAccessibleName("New comment")
        self.comment_input.setMaxLength(2000)
        self.comment_button = QPushButton("Add comment")
        self.comment_button.setObjectName("commentButton")
        self.comment_button.setEnabled(False)
        self.comment_input.textChanged.connect(
            lambda text: self.comment_button.setEnabled(
                bool(text.strip()) and self.order is not None and not self.read_only
            )
        )
        self.comment_input.returnPressed.connect(self._submit_comment)
        self.comment_button.clicked.connect(self._submit_comment)
        row = QHBoxLayout()
        row.addWidget(self.comment_input, 1)
        row.addWidget(self.comment_button)
        layout.addWidget(self.comment_list)
        layout.addWidget(self.comment_state)
        layout.addLayout(row)
        return box

    def _timeline_box(self) -> QGroupBox:
        box = QGroupBox("Activity")
        layout = QVBoxLayout(box)
        self.timeline = TimelineModel(self)
        self.timeline_list = QListView()
        self.timeline_list.setObjectName("timelineList")
        self.timeline_list.setAccessibleName("Activity on this order")
        self.timeline_list.setModel(self.timeline)
        self.timeline_list.setWordWrap(True)
        self.timeline_list.setMinimumHeight(70)
        self.retry_step_button = QPushButton("Retry this step")
        self.retry_step_button.setObjectName("retryStepButton")
        self.retry_step_button.setToolTip(RETRY_TIP)
        self.retry_step_button.setEnabled(False)
        self.timeline_list.selectionModel().selectionChanged.connect(self._timeline_selection)
        self.timeline.modelReset.connect(self._timeline_selection)
        self.retry_step_button.clicked.connect(self._retry_selected_step)
        layout.addWidget(self.timeline_list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.retry_step_button)
        layout.addLayout(row)
        return box

    def selected_entry(self) -> TimelineEntry | None:
        rows = self.timeline_list.selectionModel().selectedRows()
        return rows[0].data(Qt.ItemDataRole.UserRole) if rows else None

    def _timeline_selection(self, *_args: object) -> None:
        entry = self.selected_entry()
        failed = entry is not None and entry.state is StepState.FAILED
        self.retry_step_button.setEnabled(failed and not self.read_only)

    def _retry_selected_step(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.state is StepState.FAILED:
            self.retry_step_button.setEnabled(False)
            self.retry_step_requested.emit(entry.id)

    def _submit_comment(self) -> None:
        text = self.comment_input.text().strip()
        if text and self.order is not None and self.comment_button.isEnabled():
            self.comment_button.setEnabled(False)
            self.comment_submitted.emit(text)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.order is not None and dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if self.order is not None and paths:
            event.acceptProposedAction()
            self.attachments.files_dropped.emit(paths)

    # -- content -----------------------------------------------------------------------------

    def show_order(self, order: AssessmentOrder | None, linked: LinkedAssessment | None) -> None:
        previous = self.order.id if self.order else None
        self.order = order
        if order is None:
            self.title.setText("Select an order to see its details.")
            self.status.clear()
            for value in self.fields.values():
                value.setText(NOTHING)
            self.comments.set_comments([])
            self.timeline.set_entries([])
            self.comment_input.setEnabled(False)
            return
        self.comment_input.setEnabled(not self.read_only)
        if previous != order.id:
            self.comments.set_comments([])
            self.comment_state.setText("Loading comments…")
            self.comment_input.clear()
        self.title.setText(order.candidate.full_name or "(no name)")
        colour = STATUS_COLOURS[order.status].name()
        self.status.setText(
            f'<span style="color:{colour}; font-weight:600">{STATUS_LABELS[order.status]}</span>'
            f" · ordered {_local(order.create_date)} · updated {_local(order.last_update_date)}"
        )
        for key, text in _order_fields(order).items():
            self.fields[key].setText(text or NOTHING)
        self.show_assessment(linked)

    def show_assessment(self, linked: LinkedAssessment | None) -> None:
        if linked is None:
            values = {"invitationCode": "Not created yet", "assessmentUrl": NOTHING,
                      "assessmentCreated": NOTHING, "invitation": NOTHING}  # fmt: skip
        else:
            url = linked.assessment_url
            invited = (
                f"Sent to {linked.invited_email} on {_local(linked.invited_at)}"
                if linked.invitation_sent
                else "Not sent"
            )
            values = {
                "invitationCode": linked.invitation_code,
                "assessmentUrl": f'<a href="{url}">{url}</a>',
                "assessmentCreated": _local(linked.created_at),
                "invitation": invited,
            }
        for key, text in values.items():
            self.fields[key].setText(text)

    def show_comments(self, comments: list[AssessmentComment] | None, error: str = "") -> None:
        if comments is None:
            self.comment_state.setText(f"Could not load the comments. {error}")
            return
        self.comments.set_comments(comments)
        self.comment_state.setText("" if comments else "No comments yet.")

    def comment_added(self, comment: AssessmentComment) -> None:
        self.comments.append(comment)
        self.comment_state.clear()
        self.comment_input.clear()

    def comment_failed(self, error: str) -> None:
        self.comment_state.setText(error)
        self.comment_button.setEnabled(bool(self.comment_input.text().strip()))

    def show_timeline(self, entries: list[TimelineEntry]) -> None:
        self.timeline.set_entries(entries)
        self._keep_read_only()

    # -- read-only (a snapshot) ----------------------------------------------------------------

    def set_read_only(self, reason: str | None) -> None:
        """Nothing can be changed from here, and every control that would says why."""
        self.read_only = reason is not None
        self._read_only_reason = reason
        self.setAcceptDrops(reason is None)
        for widget in (self.comment_input, self.comment_button, self.attachments):
            widget.setEnabled(reason is None and (widget is not self.comment_button))
            widget.setToolTip(reason or "")
        self.retry_step_button.setToolTip(
            reason or "Send a failed step again (it is checked first)"
        )
        self._keep_read_only()

    def _keep_read_only(self, *_args: object) -> None:
        if self.read_only:
            for widget in (self.comment_input, self.comment_button, self.retry_step_button):
                widget.setEnabled(False)

    # -- files kept in a snapshot --------------------------------------------------------------

    def show_snapshot_files(self, attachments: list[SnapshotAttachment], left_out: str) -> None:
        """The files a snapshot holds for the order, and those the service kept instead."""
        self.snapshot_files.show_attachments(attachments, left_out)


_SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    ("Candidate", [("candidateEmail", "Email"), ("candidatePhone", "Phone"),
                   ("candidateAddress", "Address"), ("candidateId", "SmartRecruiters id")]),
    ("Job", [("jobName", "Job"), ("jobIndustry", "Industry"), ("jobFunction", "Function"),
             ("jobExperience", "Experience level"), ("jobLocation", "Location")]),
    ("Order", [("company", "Company"), ("requestor", "Requestor"), ("offer", "Offer"),
               ("orderId", "Order id")]),
    ("Berke assessment", [("invitationCode", "Invitation code"), ("assessmentUrl", "URL"),
                          ("assessmentCreated", "Created"), ("invitation", "Invitation")]),
]  # fmt: skip


def _order_fields(order: AssessmentOrder) -> dict[str, str]:
    candidate = order.candidate
    job = order.job
    requestor = order.requestor
    requestor_text = ""
    if requestor is not None:
        contact = ", ".join(p for p in (requestor.email, requestor.phone) if p)
        requestor_text = f"{requestor.full_name} ({contact})" if contact else requestor.full_name
    offer = order.offer
    return {
        "candidateEmail": candidate.email or "No email: give the invitation code or print a slip",
        "candidatePhone": candidate.phone or "",
        "candidateAddress": candidate.address_line or "",
        "candidateId": candidate.id,
        "jobName": job.name if job else "",
        "jobIndustry": job.industry.label if job and job.industry else "",
        "jobFunction": job.function.label if job and job.function else "",
        "jobExperience": job.experience_level.label if job and job.experience_level else "",
        "jobLocation": str(job.location) if job and job.location else "",
        "company": order.company.name if order.company else "",
        "requestor": requestor_text,
        "offer": (offer.name or offer.catalog_id or "") if offer else "",
        "orderId": order.id,
    }


class SnapshotFilesBox(QGroupBox):
    """The files a snapshot keeps with the order; "Open" asks for a temporary copy to be
    opened with the system viewer (``open_requested`` with the archive member)."""

    open_requested = Signal(str)

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
        self.open_button.clicked.connect(self._open)
        self.setVisible(False)

    def show_attachments(self, attachments: list[SnapshotAttachment], left_out: str = "") -> None:
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

    def _open(self) -> None:
        member = self.current_member()
        if member is not None:
            self.open_requested.emit(member)
