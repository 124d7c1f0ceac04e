"""The order's result attachments: the upload queue with progress, and what SmartRecruiters
already holds. Files dropped on the panel (or picked with "Add files…") are offered upward."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFocusEvent, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachments import (
    CANCELLABLE,
    RETRIABLE,
    UploadState,
    attachment_name,
    describe_size,
)
from app.domain.file_names import path_from_file_url, shown_file_name
from app.ui.common.colours import RED
from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.labels import plain_label
from app.ui.common.row_table import RowTableView
from app.ui.common.table_model import RowsTableModel
from app.ui.common.tooltips import plain_tooltip
from app.views.text import as_cell

if TYPE_CHECKING:  # types only: the panel is in the first frame, before pydantic
    from app.domain.smartrecruiters import Attachment
    from app.domain.uploads import Upload

AnyIndex = QModelIndex | QPersistentModelIndex
UPLOAD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2

_STATE_TEXT = {
    UploadState.QUEUED: "Queued",
    UploadState.UPLOADING: "Uploading",
    UploadState.DONE: "Attached",
    UploadState.FAILED: "Failed",
    UploadState.CANCELLED: "Cancelled",
}


@dataclass(frozen=True)
class AttachmentRow:
    file_name: str
    size: int | None
    state: UploadState
    upload_id: int | None = None  # None for an attachment known only from the service
    message: str = ""
    percent: int | None = None
    # Why this failed or cancelled file cannot be sent again ("" when it can): another copy
    # of its name is on its way or attached, and the board refuses a second (both would go).
    not_again: str = ""
    # The name on screen when it is not ``file_name``: a file queued here is named as its file
    # manager names it (``shown_file_name``), as the desk's messages name it, not by the name
    # it is sent under ("Rapor_I k.pdf" for a name that is not UTF-8: a name shown nowhere).
    shown_name: str = ""
    # The service's id of a file known only from it (two of one name are two rows).
    attachment_id: str | None = None


def _own_name(upload: Upload) -> str:
    """The queued file's own name as file managers show it, where it is the one the file is
    sent under (``attachment_name`` of it): not a link's target, named by the link dropped."""
    own = Path(upload.path).name
    return shown_file_name(own) if attachment_name(own) == upload.file_name else ""


def rows_for(uploads: list[Upload], remote: list[Attachment] | None) -> list[AttachmentRow]:
    """The local queue first (it knows progress and failures), then what only SR knows."""
    # The names Retry finds taken (``_held_by_another``): a failed or cancelled file holds none.
    local = {u.file_name: u.state for u in uploads if u.state not in RETRIABLE}
    rows = [
        AttachmentRow(
            u.file_name,
            u.size,
            u.state,
            u.id,
            u.message or "",
            100 if u.state is UploadState.DONE else None,
            _held_by_another(u, local),
            _own_name(u),
        )
        for u in uploads
    ]
    rows.extend(_only_there(uploads, remote or []))
    return rows


def _only_there(uploads: list[Upload], remote: list[Attachment]) -> list[AttachmentRow]:
    """SmartRecruiters' files that are none of this desk's uploads. A file sent from here is
    known by the attachment id its upload recorded, not by its name: matched by name, a
    recruiter's (or a colleague's) report.pdf left the list once the coordinator dropped one
    of that name, and a file attached twice showed once. A file queued or on its way is a row
    of its own until it is sent; one an older version sent, which kept no id, stands for one
    file of its name."""
    ours = {u.attachment_id for u in uploads if u.attachment_id}
    sent_unknown = Counter(
        u.file_name for u in uploads if u.state is UploadState.DONE and not u.attachment_id
    )
    rows = []
    for attachment in remote:
        if attachment.id in ours:
            continue
        if sent_unknown[attachment.file_name] > 0:
            sent_unknown[attachment.file_name] -= 1
            continue
        rows.append(
            AttachmentRow(
                attachment.file_name, None, UploadState.DONE, percent=100,
                attachment_id=attachment.id,
            )
        )  # fmt: skip
    return rows


def _held_by_another(upload: Upload, held: dict[str, UploadState]) -> str:
    """Why Retry cannot send ``upload`` again, as the board would say it (``requeue_upload``):
    another copy of its name is on its way or attached. "" when it can, or it is not failed."""
    holder = held.get(upload.file_name)
    if upload.state not in RETRIABLE or holder is None:
        return ""
    where = "sent" if holder is UploadState.DONE else "on its way"
    return f"Another copy of {upload.file_name} is already {where} for this order."


def _same_file(row: AttachmentRow) -> tuple[int | None, str | None, str]:
    """One file across redraws: its upload, or the service's file (by its id)."""
    return row.upload_id, row.attachment_id, row.file_name


#: Where a file's failure (or why it cannot be sent again) is said.
DETAILS_COLUMN = 3


class AttachmentTableModel(RowsTableModel[AttachmentRow]):
    HEADERS = ("File", "Size", "Progress", "Details")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # The last percent of each file on its way, whichever order is shown: the rows come
        # again without it (a poll, another order shown and this one again), and the file's
        # next progress may be a while (a slow line) or never (a stalled one).
        self._percent: dict[int, int] = {}

    def set_rows(self, rows: list[AttachmentRow]) -> None:
        """The files as they are now, updated in place: the file a coordinator chose stays
        chosen when the order's files are shown again (a poll, another file ending)."""
        for row in rows:  # ended, or queued again: its percent is old
            if row.upload_id in self._percent and row.state is not UploadState.UPLOADING:
                del self._percent[row.upload_id]
        self.update_rows([self._with_percent(row) for row in rows], key=_same_file)

    def _with_percent(self, row: AttachmentRow) -> AttachmentRow:
        if row.state is not UploadState.UPLOADING or row.percent is not None:
            return row
        known = self._percent.get(row.upload_id) if row.upload_id is not None else None
        return replace(row, percent=known) if known is not None else row

    def forget_progress(self) -> None:
        """Another connection's orders are shown: its upload ids are another database's."""
        self._percent.clear()
        super().set_rows([])  # nor is a file chosen among them one of this database's

    def set_progress(self, upload_id: int, sent: int, total: int) -> None:
        percent = int(sent * 100 / total) if total else 100
        self._percent[upload_id] = percent
        for i, row in enumerate(self.rows):
            if row.upload_id == upload_id:
                self.replace_row(i, replace(row, state=UploadState.UPLOADING, percent=percent))
                return

    def cell(self, row: AttachmentRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:  # the file's own name, or SmartRecruiters' for its file: one line
                return as_cell(row.shown_name or row.file_name)
            if column == 1:
                return describe_size(row.size) if row.size is not None else ""
            if column == 2:
                state = _STATE_TEXT[row.state]
                if row.state is UploadState.UPLOADING and row.percent is not None:
                    return f"{state} {row.percent} %"
                return state
            return row.message
        if role == Qt.ItemDataRole.ToolTipRole and row.message:
            return row.message
        if role == Qt.ItemDataRole.ForegroundRole and row.state is UploadState.FAILED:
            return RED.on(QGuiApplication.palette())
        if role == UPLOAD_ID_ROLE:
            return row.upload_id
        if role == PROGRESS_ROLE:
            return row.percent
        return None


class ProgressDelegate(QStyledItemDelegate):
    """A progress bar in the Progress column while a file is on its way."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        percent = index.data(PROGRESS_ROLE)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if percent is None or not str(text).startswith(_STATE_TEXT[UploadState.UPLOADING]):
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)
        bar.minimum, bar.maximum, bar.progress = 0, 100, int(percent)
        bar.text = f"{percent} %"
        bar.textVisible = True
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


def _fit_columns(table: QTableView) -> None:
    """Fitted to the pane's width (narrow at 1280×800): the name and the details share what is
    left, elided, in full in the row's tooltip; no sideways scrolling hides a failure's
    reason. The Details column is shown only while a row has some (``_show_details``)."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
    header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
    table.setColumnWidth(2, 90)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # One line, cut in the middle: the desk's reports are all "Berke report - <candidate> -
    # <job>.pdf", and cut at the end (or wrapped, the first line kept) every one read
    # "Berke report - Maria Fernanda…". Their job and type are what tell them apart.
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideMiddle)


def local_path(url: QUrl) -> Path:
    """The file a local ``file:`` URL names. On POSIX a name is bytes, which ``toLocalFile``
    reads as UTF-8, putting U+FFFD for the rest: a report named in a legacy code page
    ("Rapor_I%9F%8Dk.pdf", unzipped from a Turkish Windows archive) became a name nothing has,
    and was refused "No such file or directory". Its bytes are taken as they are instead."""
    if os.name == "posix" and not url.host():
        encoded = url.path(QUrl.ComponentFormattingOption.FullyEncoded)
        return Path(path_from_file_url(encoded))
    return Path(url.toLocalFile())  # Windows names are UTF-16, a host a share: Qt's own way


def dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    """Local files carried by a drag (folders and remote URLs are not files to attach)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [local_path(url) for url in mime.urls() if url.isLocalFile()]


class AttachmentsPanel(QGroupBox):
    files_dropped = Signal(list)  # list[Path]
    add_files_requested = Signal()
    cancel_requested = Signal(int)
    retry_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Result and attachments", parent)
        self.setObjectName("attachmentsPanel")
        self.setAcceptDrops(True)
        self.result_label = plain_label("No result yet.", "resultLabel")  # a title, as written
        self._retry_refused: str | None = None  # ``refuse_retry``
        self._order_shown = False  # ``set_order_shown``: with none, a drop has nowhere to go
        self._asked: set[int] = set()  # the files a Cancel or Retry is under way for
        self.model = AttachmentTableModel(self)
        self.table = RowTableView()
        self.table.setObjectName("attachmentsTable")
        CutTextTips(self.table)
        self.table.setAccessibleName("Attachments of the result")
        # Tab leaves the table: cell by cell, it selected the next file (the one Cancel upload
        # and Retry act on).
        self.table.setTabKeyNavigation(False)
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(2, ProgressDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        _fit_columns(self.table)
        self.table.setMinimumHeight(90)
        self.table.viewport().setAcceptDrops(True)
        self.table.viewport().installEventFilter(self)  # a drop lands on the viewport
        self.table.installEventFilter(self)  # the keyboard coming in (``_chosen_by_tab``)
        self.hint = plain_label(
            "Drop report files here (PDF, DOC, DOCX, RTF, TXT, HTML, PNG, JPG).", "dropHint"
        )
        self.add_button = QPushButton("Add files…")
        self.add_button.setObjectName("addFilesButton")
        self.cancel_button = QPushButton("Cancel upload")
        self.cancel_button.setObjectName("cancelUploadButton")
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("retryUploadButton")
        self.add_button.clicked.connect(self.add_files_requested)
        self.cancel_button.clicked.connect(lambda: self._emit_for_selection(self.cancel_requested))
        self.retry_button.clicked.connect(lambda: self._emit_for_selection(self.retry_requested))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.dataChanged.connect(self._update_buttons)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved,
                       self.model.dataChanged):  # fmt: skip
            signal.connect(self._show_details)
        self._show_details()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.result_label)
        layout.addWidget(self.table)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self._update_buttons()

    def show_rows(self, rows: list[AttachmentRow], result_text: str) -> None:
        """The files, and ``result_text``: the order's result, or why it has none
        (``order_result.result_panel_text``)."""
        chosen = self.selected_row()
        self.model.set_rows(rows)  # in place: the chosen file stays chosen
        # The Size column fits its contents, but Qt measures it again only when the columns
        # change: rows inserted or updated in place left it as wide as "Size" ("1… b…").
        self.table.horizontalHeader().resizeSections()
        now = self.selected_row()
        if chosen is not None and now is not None and _same_file(now) != _same_file(chosen):
            # The chosen file left the list and the table moved the choice to a neighbour
            # (Qt's single selection does): Retry would act on a file nobody picked.
            self.table.clearSelection()
        self.result_label.setText(result_text)

    def _show_details(self, *_args: object) -> None:
        """The Details column only while a file has some: empty, it stretched to half the
        table and left the file names too little room to be told apart."""
        empty = not any(row.message for row in self.model.rows)
        if self.table.isColumnHidden(DETAILS_COLUMN) != empty:
            self.table.setColumnHidden(DETAILS_COLUMN, empty)

    def _chosen_by_tab(self, event: QEvent) -> None:
        """Tab into the table with no file chosen chooses the one it lands on (Qt makes it
        current, framed, without choosing it): Cancel upload and Retry follow the chosen file
        alone, so they stayed off, and Tab went past them. Only Space chose it."""
        if not isinstance(event, QFocusEvent) or event.reason() not in (
            Qt.FocusReason.TabFocusReason,
            Qt.FocusReason.BacktabFocusReason,
        ):
            return
        if self.model.rowCount() == 0 or self.table.selectionModel().hasSelection():
            return
        current = self.table.currentIndex()
        self.table.selectRow(current.row() if current.isValid() else 0)

    def selected_row(self) -> AttachmentRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _emit_for_selection(self, signal: Any) -> None:
        row = self.selected_row()
        if row is not None and row.upload_id is not None:
            # Off until the call has ended (``settle``): a second quick click was refused
            # in a box ("already on its way") after the first had worked.
            self._asked.add(row.upload_id)
            self._update_buttons()
            signal.emit(row.upload_id)

    def settle(self, upload_id: int) -> None:
        """A Cancel or Retry of the file ``upload_id`` has ended: its buttons follow it again."""
        self._asked.discard(upload_id)
        self._update_buttons()

    def refuse_retry(self, reason: str | None) -> None:
        """Why no file of the order may be sent again now (None: they may): the order can
        no longer take a report (rejected, gone). Retry is off, and says why."""
        self._retry_refused = reason
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        row = self.selected_row()
        # The file a Cancel or Retry is under way for stays without either until it ends: its
        # next progress tick turned Cancel on again, and a second click was refused in a box.
        active = row is not None and row.upload_id is not None and row.upload_id not in self._asked
        cancellable = active and row.state in CANCELLABLE  # type: ignore[union-attr]
        retriable = active and row.state in RETRIABLE  # type: ignore[union-attr]
        refused = self._retry_refused or (row.not_again if row is not None else "")
        for button, on in (
            (self.cancel_button, cancellable),
            (self.retry_button, retriable and not refused),
        ):
            if not on and button.hasFocus():
                # Turned off under the keyboard (the file went, or failed): it stays with the
                # files, not handed on by Qt to the comments below.
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            button.setEnabled(on)
        # It names the file: a dropped "<b>x</b>.pdf" was shown bold.
        self.retry_button.setToolTip(plain_tooltip(refused) if retriable else "")

    # -- drag and drop -----------------------------------------------------------------------

    def set_order_shown(self, shown: bool) -> None:
        """Whether the pane shows an order, the one dropped files would be for. With none, a
        drag is refused: taken, the files went nowhere."""
        self._order_shown = shown

    def _takes(self, event: QDropEvent | QDragEnterEvent) -> bool:
        return self._order_shown and self.isEnabled() and bool(dropped_paths(event))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._takes(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        # Asked again while the drag lasts: the order may have left the pane meanwhile.
        if self._takes(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.FocusIn:
            self._chosen_by_tab(event)
        # By type, not isinstance: a QDragMoveEvent is a QDropEvent too.
        if watched is self.table.viewport():
            kind = event.type()
            if kind == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
                self.dragEnterEvent(event)
                return True
            if kind == QEvent.Type.DragMove and isinstance(event, QDropEvent):
                self.dragMoveEvent(event)
                return True
            if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
                self.dropEvent(event)
                return True
        return super().eventFilter(watched, event)
