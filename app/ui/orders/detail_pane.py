"""The order detail pane: who, what, where, the linked Berke assessment, comments, activity."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QVBoxLayout,
    QWidget,
)

from app.domain.attachments import describe_size
from app.domain.order_state import BerkeState, InvitationDoubt
from app.domain.service_time import local_time
from app.domain.sr_limits import (
    MAX_COMMENTS,
    SR_MESSAGE_MAX,
    is_absolute_http_url,
    message_count,
    message_too_long,
)
from app.ui.common.action_button import ActionButton
from app.ui.common.colours import RED
from app.ui.common.file_drops import let_files_past
from app.ui.common.labels import NOTHING, ValueLabel, plain_label, rich_label
from app.ui.common.tint import tint
from app.ui.common.tooltips import plain_tooltip
from app.ui.orders.attachments_panel import AttachmentsPanel, dropped_paths
from app.ui.orders.order_table_model import status_text_colour
from app.views.inbox_columns import GONE_LABEL, STATUS_LABELS
from app.views.text import PART_SHOWN, as_block, as_cell, one_line

if TYPE_CHECKING:  # the journal's and the API's shapes (pydantic) load after the first frame
    from app.domain.attention import Flag
    from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
    from app.domain.smartrecruiters import AssessmentComment, AssessmentOrder
    from app.domain.snapshot import SnapshotAttachment

AnyIndex = QModelIndex | QPersistentModelIndex
RETRY_TIP = "Send a failed step again (it is checked first)"
CANCEL_STEP_TIP = "Cancel a step that waits to be sent, so that it is never sent (it asks first)"


def _local(value: Any) -> str:
    return local_time(value).strftime("%Y-%m-%d %H:%M") if value is not None else NOTHING


#: How far the time a comment went, on SmartRecruiters' clock as the desk knows it (an
#: answer's ``Date``, to the second), may be after SmartRecruiters' own date of it: a listed
#: comment of the same words dated after the desk's was sent, less this, may be that one.
CLOCK_SLACK = timedelta(minutes=2)
BERKE_NOT_IN_SNAPSHOT = "Not kept in a snapshot (open the desk to see it)"


@dataclass(frozen=True)
class _AddedHere:
    """A comment the desk posted to the order shown, and when it was sent (before the post,
    on SmartRecruiters' clock as far as it is known)."""

    comment: AssessmentComment
    sent_at: datetime

    def is_copy(self, listed: AssessmentComment) -> bool:
        """Whether ``listed`` may be this comment as SmartRecruiters lists it: its words, and
        no date before it was sent. An older comment of the same words ("Called, no answer")
        is another one. SmartRecruiters' own date of it, when its answer gave one, decides:
        this machine's clock may be minutes off SmartRecruiters'."""
        sent = self.comment.create_date or self.sent_at
        return listed.message == self.comment.message and (
            listed.create_date is None or listed.create_date >= sent - CLOCK_SLACK
        )


def _with_added_here(
    listed: list[AssessmentComment], added: list[_AddedHere]
) -> list[AssessmentComment]:
    """``listed``, and after it each comment ``added`` here that it does not hold: a list read
    before the comment went. Each listed comment stands for one added at most, so the same
    words added twice are matched twice."""
    free = list(listed)
    missing = []
    for one in added:
        copy = next((i for i, c in enumerate(free) if one.is_copy(c)), None)
        if copy is None:
            missing.append(one.comment)
        else:
            del free[copy]
    return [*listed, *missing]


def _comment_text(comment: AssessmentComment) -> str:
    """A comment as the list shows it: the author on one line, the message indented under it.
    A name ending in a right-to-left override drew the whole comment backwards, and a
    message's line "Maria Boss · 2025-05-02 09:00" passed for another author's comment."""
    who = one_line(comment.author.full_name, PART_SHOWN) if comment.author else ""
    when = _local(comment.create_date) if comment.create_date else ""
    head = " · ".join(p for p in (who, when) if p)
    message = as_block(comment.message)
    return f"{head}\n{message}" if head else message


class CommentListModel(QAbstractListModel):
    """Comments of one order, oldest first, as "author · date" over the message."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._comments: list[AssessmentComment] = []
        # Each comment's text, made once: the view asks for it at every paint and size hint,
        # and a long comment formatted at each call kept the window busy for seconds.
        self._texts: list[str] = []

    def set_comments(self, comments: list[AssessmentComment]) -> None:
        self.beginResetModel()
        self._comments = list(comments)
        self._texts = [_comment_text(c) for c in self._comments]
        self.endResetModel()

    def comments(self) -> list[AssessmentComment]:
        return list(self._comments)

    def append(self, comment: AssessmentComment) -> None:
        row = len(self._comments)
        self.beginInsertRows(QModelIndex(), row, row)
        self._comments.append(comment)
        self._texts.append(_comment_text(comment))
        self.endInsertRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._comments)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._comments):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return self._comments[index.row()]
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

    def retry_refused(self, entry: TimelineEntry) -> str | None:
        """Why a failed step is not retried, as the board's Retry refuses it
        (``retry_refusal``: a step waiting holds it back, a later step did or waits to do its
        job, an invitation that may have gone); None for a snapshot's copies, which are never
        retried."""
        # Loaded already: the entries are the journal's, or a snapshot's.
        from app.domain.journal import JournalEntry
        from app.workflows.order_actions import retry_refusal

        if not isinstance(entry, JournalEntry):
            return None
        steps = [e for e in self._entries if isinstance(e, JournalEntry)]
        return retry_refusal(entry, steps)

    @staticmethod
    def cancellable(entry: TimelineEntry) -> bool:
        """Whether the step waits to be sent and is not a file's (a file has its own Cancel):
        the journal's only, never a snapshot's copy."""
        from app.domain.journal import JournalEntry
        from app.domain.step_cancel import cancel_refused

        return isinstance(entry, JournalEntry) and cancel_refused(entry) is None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            # Loaded already: the entries are the journal's, or a snapshot's.
            from app.domain.journal import JournalEntry
            from app.domain.snapshot import SnapshotStep
            from app.views.activity import SHORT, activity_line

            # What the step was about (the file, the recipient, the reason), in a sentence;
            # the tooltip has a long reason or comment whole.
            limit = SHORT if role == Qt.ItemDataRole.DisplayRole else None
            if isinstance(entry, JournalEntry | SnapshotStep):
                line = activity_line(entry, limit)
            else:
                line = entry.action.label
            text = f"{_local(entry.created_at)}  {line}"
            if entry.message:  # a service's words, as a comment's (``CommentListModel``)
                text += f"\n{as_block(entry.message)}"
            return text if role == Qt.ItemDataRole.DisplayRole else plain_tooltip(text)
        if role == Qt.ItemDataRole.ForegroundRole and _failed(entry):
            return RED.on(QGuiApplication.palette())
        if role == Qt.ItemDataRole.UserRole:
            return entry
        return None


def _failed(entry: TimelineEntry) -> bool:
    # Asked only of an entry, so the journal's module is loaded already.
    from app.domain.journal_terms import StepState

    return entry.state is StepState.FAILED


# The most of a candidate's name the pane's title shows: a real name is far shorter; a name of
# 200,000 characters took the window seconds to lay out.
TITLE_SHOWN = 300


def _value_label() -> QLabel:
    return ValueLabel()


#: Said under an assessment URL shown as text, before why it is not a link.
NOT_A_LINK = "Not a link:"


def _link(url: str, invitation_code: str = "") -> str:
    """An http(s) URL as a link, escaped; anything else as plain (escaped) text. So is a URL
    the desk never sends (``accept_refusal``: a site named before an @, hidden marks), with
    why under it: a snapshot's "https://site.berkeassessment.com@evil.example/…" opened
    evil.example on one click."""
    shown = html.escape(url)
    if not is_absolute_http_url(url):
        return shown
    # Loaded with the link's own shapes (the journal uses it): not in the first frame.
    from app.domain.assessment_url import accept_refusal

    refused = accept_refusal(url, invitation_code)
    if refused is not None:
        return f"{shown}<br>{NOT_A_LINK} {html.escape(refused)}"
    return f'<a href="{html.escape(url, quote=True)}">{shown}</a>'


class OrderDetailPane(QWidget):
    """Shows one order. Actions are the window's QActions, mirrored by buttons here."""

    comment_submitted = Signal(str)
    #: The assessment's link was clicked (or Enter pressed on it): the window opens it.
    link_opened = Signal(QUrl)
    retry_step_requested = Signal(int)
    cancel_step_requested = Signal(object)  # the JournalEntry waiting to be sent

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderDetail")
        self.setAccessibleName("Order details")
        self.setAcceptDrops(True)  # a report dropped anywhere on the pane goes to its result
        self.order: AssessmentOrder | None = None
        # Counts each change of the order shown: an answer that arrives later can tell whether
        # the pane it was asked from is still the one on screen (not merely the same order).
        self.showings = 0
        self.read_only = False  # a snapshot: comments are shown, never added

        # Sized as the values are: a name of one long word (a hostile file, a pasted string)
        # widened the pane's content thousands of pixels past its edge, buttons with it.
        self.title = ValueLabel()
        self.title.setObjectName("detailTitle")
        self.title.setText("Select an order to see its details.")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        # Our own markup (the status in its colour) around dates and counts: nothing from outside.
        self.status = rich_label(name="detailStatus")
        self._status_gone = False  # whether the status shown is of an order SR no longer has

        self.fields: dict[str, QLabel] = {}
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(self.title)
        body_layout.addWidget(self.status)
        self.flags = FlagsBox(actions)
        body_layout.addWidget(self.flags)
        body_layout.addLayout(self._action_row(actions))
        self.selection_box = SelectionBox()
        body_layout.addWidget(self.selection_box)
        body_layout.addWidget(self._order_part())
        body_layout.addStretch(1)

        scroll = self.scroll_area = QScrollArea()
        scroll.setObjectName("detailScroll")
        scroll.setAccessibleName("Order details")  # what Tab reaches of the pane: it is heard
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.body = body
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        # Never narrower than its content: the splitter stops there instead of cutting it.
        bar = scroll.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(body.minimumSizeHint().width() + bar + 2 * scroll.frameWidth())
        self.show_order(None, None)

    # -- construction ------------------------------------------------------------------------

    def _order_part(self) -> QWidget:
        """One order's details; hidden while several orders are selected."""
        self.order_part = QWidget()
        part = QVBoxLayout(self.order_part)
        part.setContentsMargins(0, 0, 0, 0)
        for title, names in _SECTIONS:
            part.addWidget(self._section(title, names))
        self.attachments = AttachmentsPanel()
        part.addWidget(self.attachments)
        self.snapshot_files = SnapshotFilesBox()
        part.addWidget(self.snapshot_files)
        part.addWidget(self._comments_box())
        part.addWidget(self._timeline_box())
        return self.order_part

    def _action_row(self, actions: list[QAction]) -> QGridLayout:
        # A grid with short texts (the menu has the long ones, the tooltips say why not): the
        # pane is narrow, and it wraps rather than scrolling sideways. "All three" leads.
        grid = QGridLayout()
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
        self.action_buttons: list[ActionButton] = []
        by_kind = {action.objectName().removeprefix("action_"): action for action in actions}
        lead = by_kind.pop("create_accept_invite", None)
        by_kind.pop("show_code", None)  # the Order menu's and the palette's: the grid is full
        if lead is not None:
            button = ActionButton(lead, _BUTTON_TEXT["create_accept_invite"])
            self.action_buttons.append(button)
            grid.addWidget(button, 0, 0, 1, 3)
        for position, (kind, action) in enumerate(by_kind.items()):
            button = ActionButton(action, _BUTTON_TEXT.get(kind, action.text()))
            self.action_buttons.append(button)
            grid.addWidget(button, 1 + position // 3, position % 3)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        return grid

    def _section(self, title: str, names: list[tuple[str, str]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # A long value (an id, an address) goes under its label rather than off the pane.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key, label in names:
            value = _value_label()
            value.setObjectName(f"detail_{key}")
            value.setAccessibleName(label)
            if key == "assessmentUrl":
                value.setTextFormat(Qt.TextFormat.RichText)  # escaped by _link
                # Opened by the window (``open_url``), not by the label straight to the
                # desktop: what opens links is one path, which tests and checks can see.
                value.setOpenExternalLinks(False)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
                value.linkActivated.connect(lambda link: self.link_opened.emit(QUrl(link)))
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
        self.comment_state = plain_label(name="commentState")
        # A failure's sentence can be long ("Could not load the comments. SmartRecruiters: …"):
        # unwrapped it widened the pane past its viewport, buttons and all.
        self.comment_state.setWordWrap(True)
        self._comment_refused: str | None = None  # why no comment can go (refuse_comments)
        self.comment_input = QLineEdit()
        self.comment_input.setObjectName("commentInput")
        self.comment_input.setPlaceholderText("Add a comment for the recruiter…")
        self.comment_input.setAccessibleName("New comment")
        # A report let go over the box goes to the result, as anywhere on the pane: not typed
        # into the comment as its path (a file manager's drag carries that as text too).
        let_files_past(self.comment_input)
        # Not setMaxLength: a long paste would be cut without a word. The limit is said here,
        # as it is typed, and Add stays off until the comment fits.
        self.comment_input.setToolTip(f"Up to {SR_MESSAGE_MAX:,} characters")
        self.comment_limit = plain_label(name="commentLimit")
        tint(self.comment_limit, RED)
        self.comment_limit.hide()
        self.comment_count = plain_label(name="commentCount", wrap=False)
        self._comments_full = False
        self._comments_unread = False  # the order's comments could not be loaded
        # The order's list has been scrolled to its news once: its next lists (a poll's) keep
        # the coordinator's scroll.
        self._comments_placed = False
        # Comments added here to the order shown: a list read before one of them went, and
        # answered after it, must not take it off the pane (see ``_with_added_here``).
        self._added_here: list[_AddedHere] = []
        # The comment that waits to go by itself (its text) and what the pane said of it.
        self._waiting_comment: tuple[str, str] | None = None
        self.comment_button = QPushButton("Add comment")
        self.comment_button.setObjectName("commentButton")
        self.comment_button.setEnabled(False)
        self.comment_input.textChanged.connect(self._comment_edited)
        self.comment_input.returnPressed.connect(self._submit_comment)
        self.comment_button.clicked.connect(self._submit_comment)
        row = QHBoxLayout()
        row.addWidget(self.comment_input, 1)
        row.addWidget(self.comment_count)
        row.addWidget(self.comment_button)
        layout.addWidget(self.comment_list)
        layout.addWidget(self.comment_state)
        layout.addLayout(row)
        layout.addWidget(self.comment_limit)
        return box

    def _comment_edited(self, text: str) -> None:
        problem = message_too_long(text)
        self.comment_count.setText(message_count(text) if text.strip() else "")
        self.comment_limit.setText(f"The comment is too long. {problem}" if problem else "")
        self.comment_limit.setVisible(problem is not None)
        self.comment_button.setEnabled(self._comment_ready())

    def _comment_ready(self) -> bool:
        text = self.comment_input.text()
        return (
            bool(text.strip())
            and message_too_long(text) is None
            and self.order is not None
            and not self.read_only
            and not self._comments_full
            and self._comment_refused is None
        )

    def _show_status(self, order: AssessmentOrder, *, gone: bool) -> None:
        label = STATUS_LABELS[order.status]
        self._status_gone = gone
        colour = status_text_colour(order.status, gone, self.palette()).name()
        said = f"{GONE_LABEL} from SmartRecruiters (last: {label})" if gone else label
        self.status.setText(
            f'<span style="color:{colour}; font-weight:600">{said}</span>'
            f" · ordered {_local(order.create_date)} · updated {_local(order.last_update_date)}"
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The status's colour was chosen for the palette it was first written on.
        if event.type() == QEvent.Type.PaletteChange and self.order is not None:
            self._show_status(self.order, gone=self._status_gone)

    def show_gone(self, gone: bool) -> None:
        """Whether SmartRecruiters no longer has the order shown (asked after ``show_order``)."""
        if self.order is not None and gone:
            self._show_status(self.order, gone=True)

    def refuse_comments(self, reason: str | None) -> None:
        """No comment can go for the order shown (SmartRecruiters no longer has it), and why;
        None: it can. Asked after each ``show_order``."""
        self._comment_refused = reason
        if self.read_only or self.order is None:
            return
        self.comment_input.setEnabled(reason is None)
        self.comment_input.setToolTip(reason or f"Up to {SR_MESSAGE_MAX:,} characters")
        self.comment_button.setEnabled(self._comment_ready())

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
        # Beside Retry, as a file's Cancel is beside its Retry: for a step left waiting (a
        # 503, a daily limit) that the coordinator no longer wants sent.
        self.cancel_step_button = QPushButton("Cancel this step…")
        self.cancel_step_button.setObjectName("cancelStepButton")
        self.cancel_step_button.setToolTip(CANCEL_STEP_TIP)
        self.cancel_step_button.setEnabled(False)
        self.cancel_step_button.clicked.connect(self._cancel_selected_step)
        layout.addWidget(self.timeline_list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_step_button)
        row.addWidget(self.retry_step_button)
        layout.addLayout(row)
        return box

    def selected_entry(self) -> TimelineEntry | None:
        rows = self.timeline_list.selectionModel().selectedRows()
        return rows[0].data(Qt.ItemDataRole.UserRole) if rows else None

    def _timeline_selection(self, *_args: object) -> None:
        entry = self.selected_entry()
        failed = entry is not None and _failed(entry)
        refused = self.timeline.retry_refused(entry) if failed and entry is not None else None
        retry = failed and not self.read_only and refused is None
        waiting = entry is not None and self.timeline.cancellable(entry)
        cancel = waiting and not self.read_only
        # Turned off under the keyboard (the resumer sent the step meanwhile): it stays in the
        # Activity, not handed on by Qt to the tab bar, where an arrow changed rooms.
        for button, on in ((self.retry_step_button, retry), (self.cancel_step_button, cancel)):
            if not on:
                self._keyboard_to_activity(button)
            button.setEnabled(on)
        if not self.read_only:  # read-only, it says why nothing can be changed
            self.retry_step_button.setToolTip(refused or RETRY_TIP)

    def _retry_selected_step(self) -> None:
        entry = self.selected_entry()
        if entry is not None and _failed(entry):
            self._keyboard_to_activity(self.retry_step_button)
            self.retry_step_button.setEnabled(False)
            self.retry_step_requested.emit(entry.id)

    def _cancel_selected_step(self) -> None:
        entry = self.selected_entry()
        if entry is not None and self.timeline.cancellable(entry) and not self.read_only:
            self._keyboard_to_activity(self.cancel_step_button)
            self.cancel_step_button.setEnabled(False)  # until the answer shows the timeline
            self.cancel_step_requested.emit(entry)

    def _keyboard_to_activity(self, button: QPushButton) -> None:
        """The keyboard on ``button``, about to be turned off, goes to the Activity list, where
        the step pressed is (as the order actions' ``_focus_after`` sends it to the orders).
        Left to Qt, it went on to the next widget: the failed-step flag's "Leave it", which a
        second Space pressed unasked, or a tab bar. The list stays through the reload and
        the confirmation, which gives the keyboard back to it."""
        if button.hasFocus():
            self.timeline_list.setFocus(Qt.FocusReason.OtherFocusReason)

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

    def show_selection(self, title: str, counts: str, lines: list[str]) -> None:
        """Several orders selected: what the actions that take them all would do."""
        self.show_order(None, None)
        self.title.setText(title)
        self.status.setText(html.escape(counts))
        self.selection_box.show_lines(lines)
        self.order_part.setVisible(False)

    def show_order(self, order: AssessmentOrder | None, linked: LinkedAssessment | None) -> None:
        previous = self.order.id if self.order else None
        if (order.id if order else None) != previous:
            self.showings += 1
        self.order = order
        self.attachments.set_order_shown(order is not None)
        self.selection_box.setVisible(False)
        self.order_part.setVisible(True)
        if order is None:
            self.title.setText("Select an order to see its details.")
            self.status.clear()
            for value in self.fields.values():
                value.setText(NOTHING)
            self.comments.set_comments([])
            self.comment_state.clear()
            self.timeline.set_entries([])
            # Its files too: their Cancel and Retry would act on an order no longer shown.
            self.attachments.show_rows([], "")
            self.comment_input.setEnabled(False)
            return
        self.comment_input.setEnabled(not self.read_only)
        if previous != order.id:
            self.scroll_area.verticalScrollBar().setValue(0)  # each order starts at its name
            # Nothing of the last order stays under this one's name while its own loads: a
            # failed step left in the list would offer Retry for the other order's step.
            self.timeline.set_entries([])
            self.comments.set_comments([])
            self.comment_state.setText("Loading comments…")
            self._comments_full = False
            self._comments_unread = False
            self._comments_placed = False
            self._added_here = []
            self._waiting_comment = None
            self.comment_input.clear()
        self.title.setText(one_line(order.candidate.full_name, TITLE_SHOWN) or "(no name)")
        self._show_status(order, gone=False)
        for key, text in _order_fields(order).items():
            self.fields[key].setText(text or NOTHING)
        self.show_assessment(linked)

    def show_berke(self, berke: BerkeState | None, linked: bool) -> None:
        """Berke's side, beside SmartRecruiters' status in the title."""
        if berke is None:
            # A snapshot keeps SmartRecruiters' side alone: "Not watched yet" read as if
            # Berke had never been asked.
            unknown = BERKE_NOT_IN_SNAPSHOT if self.read_only else "Not watched yet"
            text = unknown if linked else NOTHING
        else:
            text = berke.progress.label
            if berke.completed_at is not None:
                text += f" on {_local(berke.completed_at)}"
            text += f" (checked {_local(berke.checked_at)})"
        self.fields["berkeStatus"].setText(text)

    def show_flags(self, flags: list[Flag]) -> None:
        self.flags.show_flags([] if self.read_only else flags)

    def show_assessment(self, linked: LinkedAssessment | None) -> None:
        if linked is None:
            values = {"invitationCode": "Not created yet", "assessmentUrl": NOTHING,
                      "assessmentCreated": NOTHING, "invitation": NOTHING}  # fmt: skip
        else:
            url = linked.assessment_url
            invited = _invitation_words(linked, None)
            values = {
                "invitationCode": linked.invitation_code,
                "assessmentUrl": _link(url, linked.invitation_code),
                "assessmentCreated": _local(linked.created_at),
                "invitation": invited,
            }
        for key, text in values.items():
            self.fields[key].setText(text)

    def show_invitation(
        self, linked: LinkedAssessment | None, doubt: InvitationDoubt | None
    ) -> None:
        """The invitation's line with what the journal knows besides the link: a send whose
        answer was lost is not "Not sent"."""
        if linked is not None:
            self.fields["invitation"].setText(_invitation_words(linked, doubt))

    def show_comments(
        self,
        comments: list[AssessmentComment] | None,
        error: str = "",
        *,
        first_unseen: int | None = None,
    ) -> None:
        """The order's comments, oldest first; ``first_unseen``: the place of the first one
        the coordinator has not seen yet (None: none is news)."""
        self._comments_unread = comments is None
        if comments is None:
            self.comment_state.setText(f"Could not load the comments. {error}")
            return
        comments = _with_added_here(comments, self._added_here)
        bar = self.comment_list.verticalScrollBar()
        scroll, at_end = bar.value(), bar.value() == bar.maximum()
        self.comments.set_comments(comments)
        self._set_comments_full(len(comments))
        waiting = self._waiting_comment
        if waiting is not None and any(c.message == waiting[0] for c in comments):
            waiting = self._waiting_comment = None  # it went: the list shows it
        if not self._comments_full:
            # A comment that waits to go keeps its words through a reload of the list (one
            # follows every comment sent): "No comments yet." read as if it had been lost.
            self.comment_state.setText(
                waiting[1] if waiting is not None else "" if comments else "No comments yet."
            )
        if not comments:
            return
        if not self._comments_placed:
            # Opened at the news, not at the oldest: opening the order marks its new comments
            # seen, and the one a "New comment" flag was about sat below the list's edge.
            self._comments_placed = True
            if first_unseen is not None and first_unseen < len(comments):
                # By the seen count, not back from the end: comments that came after the
                # watch's count are not the flag's, and would push its first one out of view.
                first_new = self.comments.index(max(0, first_unseen))
                self.comment_list.scrollTo(first_new, QAbstractItemView.ScrollHint.PositionAtTop)
            else:
                self.comment_list.scrollToBottom()
        elif at_end:
            self.comment_list.scrollToBottom()  # reading the newest: a newer one comes in view
        else:
            bar.setValue(scroll)  # a poll's list: where the coordinator was reading

    def show_comments_not_kept(self, why: str) -> None:
        """A snapshot holds none of the order's comments: why, in its words (not "No
        comments yet.", which an order saved without them may well have)."""
        self._comments_unread = True
        self.comments.set_comments([])
        self.comment_state.setText(why)

    def _set_comments_full(self, count: int) -> None:
        """SmartRecruiters takes at most ``MAX_COMMENTS`` per order: said, and Add turned off."""
        self._comments_full = count >= MAX_COMMENTS
        if self._comments_full:
            self.comment_state.setText(
                f"This order has {count} comments, the most SmartRecruiters allows "
                f"({MAX_COMMENTS}): no more can be added."
            )
        self.comment_button.setEnabled(self._comment_ready())

    def comment_added(self, comment: AssessmentComment, sent_at: datetime | None = None) -> None:
        """``comment`` was added to the order shown; ``sent_at``: when it was sent, on
        SmartRecruiters' clock as far as it is known (None: now)."""
        self._added_here.append(_AddedHere(comment, sent_at or datetime.now(UTC)))
        self._waiting_comment = None
        listed = self.comments.comments()
        if len(_with_added_here(listed, self._added_here)) > len(listed):
            self.comments.append(comment)  # not in a list read after it went
        self.comment_input.clear()
        if self._comments_unread:
            # The list shows this one alone: it must not read as the order's only comment.
            self.comment_state.setText(
                "Your comment was added; the order's other comments could not be loaded."
            )
            self.comment_button.setEnabled(self._comment_ready())
            return
        self.comment_state.clear()
        self._set_comments_full(self.comments.rowCount())

    def comment_failed(self, error: str) -> None:
        self.comment_state.setText(error)
        self.comment_button.setEnabled(self._comment_ready())

    def comment_waiting(self, text: str, said: str) -> None:
        """The comment ``text`` waits to go by itself: out of the box (Add again would post a
        second copy), and said so."""
        # ``text`` is what was sent: the box's words stripped, as ``_submit_comment`` sends.
        if self.comment_input.text().strip() == text:
            self.comment_input.clear()
        self._waiting_comment = (text, said)
        self.comment_state.setText(said)
        self.comment_button.setEnabled(self._comment_ready())

    def show_timeline(self, entries: list[TimelineEntry]) -> None:
        """The order's steps, the one chosen kept chosen (its Retry with it) when it is
        among them again."""
        chosen = self.selected_entry()
        self.timeline.set_entries(entries)
        if chosen is not None:
            row = next((i for i, e in enumerate(entries) if e.id == chosen.id), None)
            if row is not None:  # its selection tells Retry (``_timeline_selection``)
                self.timeline_list.setCurrentIndex(self.timeline.index(row))
        self._keep_read_only()

    # -- read-only (a snapshot) ----------------------------------------------------------------

    def set_read_only(self, reason: str | None) -> None:
        """Nothing can be changed from here, and every control that would says why."""
        self.read_only = reason is not None
        self.setAcceptDrops(reason is None)
        for widget in (self.comment_input, self.comment_button, self.attachments):
            widget.setEnabled(reason is None and (widget is not self.comment_button))
            widget.setToolTip(reason or "")
        self.retry_step_button.setToolTip(reason or RETRY_TIP)
        self.cancel_step_button.setToolTip(reason or CANCEL_STEP_TIP)
        self._keep_read_only()

    def _keep_read_only(self, *_args: object) -> None:
        if self.read_only:
            for widget in (
                self.comment_input,
                self.comment_button,
                self.retry_step_button,
                self.cancel_step_button,
            ):
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
    ("Berke assessment", [("berkeStatus", "Berke status"), ("invitationCode", "Invitation code"),
                          ("assessmentUrl", "URL"), ("assessmentCreated", "Created"),
                          ("invitation", "Invitation")]),
]  # fmt: skip


def _order_fields(order: AssessmentOrder) -> dict[str, str]:
    """Each value on one line, without bidirectional controls: a requestor's name ending in a
    right-to-left override drew the email and phone after it backwards."""
    candidate = order.candidate
    job = order.job
    requestor = order.requestor
    requestor_text = ""
    if requestor is not None:
        contact = ", ".join(p for p in (requestor.email, requestor.phone) if p)
        requestor_text = f"{requestor.full_name} ({contact})" if contact else requestor.full_name
    offer = order.offer
    fields = {
        "candidateEmail": candidate.email
        or "No email: give the invitation code or print a slip (Order > Show code and slip…)",
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
    return {key: one_line(text, None) for key, text in fields.items()}


class SnapshotFilesBox(QGroupBox):
    """The files a snapshot keeps with the order; "Open" asks for a temporary copy to be
    opened with the system viewer (``open_requested`` with the attachment listed)."""

    open_requested = Signal(object)  # the SnapshotAttachment

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
        self.left_out = plain_label(name="snapshotFilesLeftOut")  # the file's own notes
        self.left_out.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.left_out)
        self.list.currentItemChanged.connect(
            lambda current, _prev: self.open_button.setEnabled(current is not None)
        )
        self.open_button.clicked.connect(self._open)
        self.list.itemActivated.connect(lambda _item: self._open())  # Enter, as elsewhere
        self.setVisible(False)

    def show_attachments(self, attachments: list[SnapshotAttachment], left_out: str = "") -> None:
        self.list.clear()
        for attachment in attachments:
            # The name as the file writes it, on one line as a cell's: a line break in it
            # listed a second file, and a right-to-left override drew the size backwards.
            # The tooltip has it whole.
            shown = as_cell(attachment.file_name)
            item = QListWidgetItem(f"{shown}  ({describe_size(attachment.size)})")
            item.setToolTip(plain_tooltip(attachment.file_name))
            item.setData(Qt.ItemDataRole.UserRole, attachment)
            self.list.addItem(item)
        self.list.setVisible(bool(attachments))
        self.open_button.setVisible(bool(attachments))
        self.left_out.setText(left_out)
        self.left_out.setVisible(bool(left_out))
        self.setVisible(bool(attachments or left_out))
        if attachments:
            self.list.setCurrentRow(0)

    def current_attachment(self) -> SnapshotAttachment | None:
        item = self.list.currentItem()
        if item is None:
            return None
        attachment: SnapshotAttachment = item.data(Qt.ItemDataRole.UserRole)
        return attachment

    def _open(self) -> None:
        attachment = self.current_attachment()
        if attachment is not None:
            self.open_requested.emit(attachment)


class SelectionBox(QGroupBox):
    """For several orders: one line per action that takes them all, saying which it would do
    and why not the others."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("What the actions would do", parent)
        self.setObjectName("selectionBox")
        self.text = plain_label(name="selectionLines")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        self.setVisible(False)

    def show_lines(self, lines: list[str]) -> None:
        self.text.setText("\n\n".join(lines))
        self.setVisible(True)


class FlagsBox(QGroupBox):
    """What needs attention on the order, each with its fix one click away, and "Leave it".
    A fix is its order action's button: off, and saying why, when the action is (a step of
    the order waits to be sent again, say); a fix that was always on did nothing then."""

    dismiss_requested = Signal(str)  # an Attention value
    # The keyboard was on a button that went with its flag, and no flag is left to take it:
    # the room gives it to the orders (as the order actions' ``focus_home``).
    keyboard_left = Signal()

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__("Needs attention", parent)
        self.setObjectName("attentionBox")
        self._layout = QVBoxLayout(self)
        self.rows: list[QWidget] = []
        self._fixes = {action.objectName().removeprefix("action_"): action for action in actions}
        self.setVisible(False)

    def show_flags(self, flags: list[Flag]) -> None:
        # The window's keyboard, even while a dialog has it (a fix's: it comes back on close).
        # Left on a deleted button, it was nowhere; on a hidden one, Qt gave it to a tab bar.
        focused = self.window().focusWidget()
        held = focused if focused is not None and self.isAncestorOf(focused) else None
        held_at = next((i for i, row in enumerate(self.rows) if held and row.isAncestorOf(held)), 0)
        held_flag = self.rows[held_at].objectName() if held is not None else ""
        gone, self.rows = self.rows, [self._row(flag) for flag in flags]
        for row in self.rows:
            self._layout.addWidget(row)
        self._chain_stops()
        if held is not None:
            self._keyboard_back(held.objectName(), held_flag, held_at)
        for row in gone:
            row.hide()  # now: no longer drawn, nor in the Tab order, until it is deleted
            row.deleteLater()  # not at once: a click of one of its buttons may be under way
        self.setVisible(bool(flags))

    def _row(self, flag: Flag) -> QWidget:
        row = QWidget()
        row.setObjectName(f"flag_{flag.kind.value}")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        text = plain_label(flag.text, f"text_{flag.kind.value}")
        line.addWidget(text, 1)
        fix_kind = flag.fix.value if flag.fix is not None else ""
        if fix_kind in self._fixes:
            fix = ActionButton(self._fixes[fix_kind], _FIX_TEXT.get(fix_kind, "Fix…"))
            fix.setObjectName(f"fix_{flag.kind.value}")
            fix.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            fix.turning.connect(lambda on, t=text, f=fix: self._fix_turning(t, f, on))
            self._fix_turning(text, fix, fix.isEnabled())
            line.addWidget(fix)
        if flag.kind.value in _DISMISSIBLE:
            leave = QPushButton("Leave it")
            leave.setObjectName(f"dismiss_{flag.kind.value}")
            # Several in one box read alike: each says which flag it leaves.
            leave.setAccessibleName(f"Leave it: {flag.short}")
            leave.setToolTip(_LEAVE_IT_TIP.get(flag.kind.value, _LEAVE_IT))
            leave.clicked.connect(
                lambda _c=False, k=flag.kind.value: self.dismiss_requested.emit(k)
            )
            line.addWidget(leave)
        return row

    def _fix_turning(self, text: QLabel, fix: ActionButton, on: bool) -> None:
        """While a flag's fix is off, its text takes the fix's place in the Tab order, saying
        why it is off: the keyboard on the fix as it turns off is put there, not left to Qt,
        which handed it to the next button, the flag's "Leave it" (a Space meant for the fix
        took the flag off for good), or another flag's fix."""
        if on:
            if text.hasFocus():
                # Back to the fix whose place it took: left on the text, made unfocusable
                # below, the keyboard showed nowhere and Space did nothing. The button takes
                # the action's state just after this; taken first, it can take the keyboard.
                fix.setEnabled(True)
                fix.setFocus(Qt.FocusReason.OtherFocusReason)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            text.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            text.setAccessibleDescription("")
            return
        took = text.focusPolicy() == Qt.FocusPolicy.NoFocus
        # Selectable by keyboard: a caret shows where the keyboard is, and Space does nothing.
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        text.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click on the text leaves it be
        text.setAccessibleDescription(fix.action.toolTip())  # the reason, while it is off
        if took and text.parentWidget() in self.rows:
            self._chain_stops()  # Qt chains only widgets that take the focus
        if fix.isEnabled() and fix.window().focusWidget() is fix:
            text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _stops(self, rows: list[QWidget]) -> list[QWidget]:
        """Where the keyboard may rest in ``rows``, in Tab order: each flag's text (while its
        fix is off), its fix, its "Leave it"."""
        only = Qt.FindChildOption.FindDirectChildrenOnly
        return [
            widget
            for row in rows
            for widget in row.findChildren(QWidget, options=only)
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        ]

    def _chain_stops(self) -> None:
        """Tab reaches the flags' buttons (and the text of one whose fix is off) where the box
        is drawn (after the order's title, before its actions): made afresh per order, Qt put
        them last, after the Activity."""
        # The box holds their place in the pane's chain; Qt chains only widgets that take the
        # focus, so they follow the last such before it (the order's title), never the
        # buttons of rows going away.
        before = self.previousInFocusChain()
        while (
            before is not None
            and before is not self
            and (before.focusPolicy() == Qt.FocusPolicy.NoFocus or self.isAncestorOf(before))
        ):
            before = before.previousInFocusChain()
        if before is None:
            return
        for stop in self._stops(self.rows):
            QWidget.setTabOrder(before, stop)
            before = stop

    def _keyboard_back(self, name: str, flag: str, at: int) -> None:
        """The keyboard, on a widget of the rows just replaced (``name``, in the row of
        ``flag``, the ``at``-th): to the same widget if its flag is still there (the box is
        rebuilt for any change of the order) and it takes the keyboard, else to that flag's
        text or fix (its fix turned off meanwhile, or back on), else to the next flag's first,
        else to the orders. Never to the same flag's "Leave it" in place of its fix."""
        if not self.rows:
            self.keyboard_left.emit()
            return
        at = min(at, len(self.rows) - 1)
        stops = [s for s in self._stops(self.rows[at:] + self.rows[:at]) if _takes_keyboard(s)]
        same = [s for s in stops if s.objectName() == name]
        mine = next((row for row in self.rows if row.objectName() == flag), None)
        same_flag = [
            s for s in stops if s.parent() is mine and not s.objectName().startswith("dismiss_")
        ]
        usable = same or same_flag or stops
        if usable:
            usable[0].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.keyboard_left.emit()


def _takes_keyboard(widget: QWidget) -> bool:
    return widget.isEnabled() and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


#: The pane's buttons: the menu's words, shortened to fit three abreast.
_BUTTON_TEXT = {
    "create_accept_invite": "Create, accept and invite…",
    "create_assessment": "Create…",
    "accept": "Accept…",
    "reject": "Reject…",
    "invite": "Invite…",
    "complete": "Complete…",
    "attach": "Attach report…",
    "deliver": "Deliver result…",
    "remind": "Remind…",
    "delete_in_berke": "Delete in Berke…",
}

_FIX_TEXT = {
    "deliver": "Deliver…",
    "delete_in_berke": "Delete in Berke…",
    "create_assessment": "Create…",
    "create_accept_invite": "Create, accept, invite…",
    "remind": "Send reminder…",
    "reject": "Reject…",
    "invite": "Invite…",
}
# What can be left alone: the others clear themselves when the order moves on. A gone order
# never moves on (its "Leave it" is forgotten if it comes back and goes again); a failed
# step's is that failure's, not the next one's (``Flag.left_alone_as``).
_DISMISSIBLE = frozenset(
    {
        "cancel_in_berke",
        "stale_new",
        "not_started",
        "no_assessment",
        "deleted_in_berke",
        "gone",
        "step_failed",
    }
)


_LEAVE_IT = "Leave this alone: the order is no longer flagged for it."
_LEAVE_IT_TIP = {
    "step_failed": "Leave these failures alone: the order is flagged again only if a step "
    "fails again.",
}


def _invitation_words(linked: LinkedAssessment, doubt: InvitationDoubt | None) -> str:
    if linked.invitation_sent:
        return f"Sent to {linked.invited_email} on {_local(linked.invited_at)}"
    if doubt is not None and not doubt.waiting:
        return f"May have been sent (its answer was lost) on {_local(doubt.at)}; not sent again"
    return "Not sent"
