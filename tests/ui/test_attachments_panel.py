"""The order's files panel on its own: the attachments model, Retry and Cancel upload, and
which drops it takes (each rule here once had a mutant no test saw)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.attachments import UploadState
from app.domain.smartrecruiters import Attachment
from app.domain.uploads import Upload
from app.ui.orders.attachments_panel import (
    DETAILS_COLUMN,
    AttachmentRow,
    AttachmentsPanel,
    AttachmentTableModel,
    rows_for,
)
from tests.ui.test_tooltips import shown

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

AT = datetime(2025, 5, 1, 10, tzinfo=UTC)


def upload(
    n: int, name: str, state: UploadState, message: str = "", attachment_id: str | None = None
) -> Upload:
    return Upload(
        id=n, order_id="o-1", result_id="r-1", path=f"/tmp/{name}", file_name=name, size=1000,
        state=state, message=message or None, created_at=AT, updated_at=AT,
        attachment_id=attachment_id,
    )  # fmt: skip


def test_a_failed_copy_beside_one_on_its_way_cannot_be_retried_and_says_why() -> None:
    rows = rows_for(
        [upload(1, "a.pdf", UploadState.FAILED), upload(2, "a.pdf", UploadState.UPLOADING),
         upload(3, "b.pdf", UploadState.FAILED), upload(4, "b.pdf", UploadState.DONE)],
        None,
    )  # fmt: skip
    assert rows[0].not_again == "Another copy of a.pdf is already on its way for this order."
    assert rows[2].not_again == "Another copy of b.pdf is already sent for this order."
    assert rows[1].not_again == rows[3].not_again == ""


def test_the_services_file_of_a_name_failed_here_is_still_listed() -> None:
    # A file that failed here is not the one of that name SmartRecruiters holds.
    rows = rows_for(
        [upload(1, "a.pdf", UploadState.FAILED)], [Attachment(id="x", file_name="a.pdf")]
    )
    assert [(r.file_name, r.state) for r in rows] == [
        ("a.pdf", UploadState.FAILED),
        ("a.pdf", UploadState.DONE),
    ]
    assert rows[0].not_again == ""


def test_progress_of_an_empty_file_is_whole(qapp: QApplication) -> None:
    model = AttachmentTableModel()
    model.set_rows([AttachmentRow("e.txt", 0, UploadState.QUEUED, upload_id=7)])
    model.set_progress(7, 0, 0)
    assert model.index(0, 2).data() == "Uploading 100 %"


def test_a_file_queued_again_forgets_its_old_percent(qapp: QApplication) -> None:
    model = AttachmentTableModel()
    model.set_rows([AttachmentRow("a.pdf", 10, UploadState.QUEUED, upload_id=7)])
    model.set_progress(7, 5, 10)
    model.set_rows([AttachmentRow("a.pdf", 10, UploadState.FAILED, upload_id=7)])
    model.set_rows([AttachmentRow("a.pdf", 10, UploadState.UPLOADING, upload_id=7)])
    assert model.index(0, 2).data() == "Uploading"  # not the last try's 50 %


def panel_with(qtbot: QtBot, rows: list[AttachmentRow]) -> AttachmentsPanel:
    panel = AttachmentsPanel()
    qtbot.addWidget(panel)
    panel.show_rows(rows, "No result yet.")
    return panel


def choose(panel: AttachmentsPanel, row: int) -> None:
    panel.table.selectRow(row)


def test_retry_is_off_for_a_copy_held_by_another_and_says_why(qtbot: QtBot) -> None:
    why = "Another copy of a.pdf is already sent for this order."
    panel = panel_with(qtbot, [AttachmentRow("a.pdf", 1, UploadState.FAILED, 1, not_again=why)])
    choose(panel, 0)
    assert not panel.retry_button.isEnabled()
    assert panel.retry_button.toolTip() == why


def test_the_services_files_are_told_from_the_desks_by_attachment_id() -> None:
    """Matched by name, a recruiter's report.pdf left the list once the coordinator dropped
    one of that name, and a file attached twice showed once."""
    theirs = Attachment(id="theirs", file_name="report.pdf")
    ours = Attachment(id="ours", file_name="report.pdf")
    twice = [Attachment(id="t1", file_name="cv.pdf"), Attachment(id="t2", file_name="cv.pdf")]

    def listed(uploads: list[Upload], remote: list[Attachment]) -> list[tuple[int | None, str]]:
        return [(r.upload_id, r.attachment_id or r.state.value) for r in rows_for(uploads, remote)]

    # Sent from here: the service's copy of it is that upload's row, theirs a row of its own.
    sent = upload(1, "report.pdf", UploadState.DONE, attachment_id="ours")
    assert listed([sent], [theirs, ours]) == [(1, "done"), (None, "theirs")]
    # Queued or on its way: a row of its own, and the service's file of its name another.
    for state in (UploadState.QUEUED, UploadState.UPLOADING):
        going = upload(1, "report.pdf", state)
        assert listed([going], [theirs]) == [(1, state.value), (None, "theirs")]
    # Two files of one name on the result: two rows.
    assert listed([], twice) == [(None, "t1"), (None, "t2")]
    # An older version kept no id: its sent file stands for one file of its name, no more.
    old = upload(1, "cv.pdf", UploadState.DONE)
    assert listed([old], twice) == [(1, "done"), (None, "t2")]


def test_why_retry_is_off_names_the_file_as_written(qtbot: QtBot) -> None:
    # A dropped "<b>x</b>.pdf": the tooltip said "Another copy of x.pdf", the x in bold.
    rows = rows_for(
        [upload(1, "<b>x</b>.pdf", UploadState.FAILED),
         upload(2, "<b>x</b>.pdf", UploadState.UPLOADING)],
        None,
    )  # fmt: skip
    panel = panel_with(qtbot, rows)
    choose(panel, 0)
    assert not panel.retry_button.isEnabled()
    said = "Another copy of <b>x</b>.pdf is already on its way for this order."
    assert shown(panel.retry_button.toolTip()) == said


def test_retry_and_cancel_are_off_while_the_ask_is_under_way(qtbot: QtBot) -> None:
    panel = panel_with(qtbot, [AttachmentRow("a.pdf", 1, UploadState.UPLOADING, 1)])
    choose(panel, 0)
    assert panel.cancel_button.isEnabled()
    with qtbot.waitSignal(panel.cancel_requested, timeout=1000):
        panel.cancel_button.click()
    assert not panel.cancel_button.isEnabled()
    panel.model.set_progress(1, 5, 10)  # a progress tick does not turn it on again
    assert not panel.cancel_button.isEnabled()
    panel.settle(1)
    assert panel.cancel_button.isEnabled()


def test_a_chosen_file_that_left_the_list_leaves_nothing_chosen(qtbot: QtBot) -> None:
    a = AttachmentRow("a.pdf", 1, UploadState.FAILED, 1)
    b = AttachmentRow("b.pdf", 1, UploadState.FAILED, 2)
    panel = panel_with(qtbot, [a, b])
    choose(panel, 0)
    panel.show_rows([b], "No result yet.")
    assert panel.selected_row() is None
    assert not panel.retry_button.isEnabled()


def enter(widget: QWidget, urls: list[QUrl]) -> bool:
    mime = QMimeData()
    mime.setUrls(urls)
    event = QDragEnterEvent(widget.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def test_a_drag_is_taken_only_with_an_order_shown(qtbot: QtBot, tmp_path: Path) -> None:
    panel = panel_with(qtbot, [])
    url = QUrl.fromLocalFile(str(tmp_path / "r.pdf"))
    assert not enter(panel.table.viewport(), [url])
    panel.set_order_shown(True)
    assert enter(panel.table.viewport(), [url])
    assert enter(panel, [url])


def test_a_remote_url_is_no_file_to_attach(qtbot: QtBot) -> None:
    panel = panel_with(qtbot, [])
    panel.set_order_shown(True)
    assert not enter(panel.table.viewport(), [QUrl("https://example.com/r.pdf")])
    mime = QMimeData()
    mime.setUrls([QUrl("https://example.com/r.pdf")])
    with qtbot.assertNotEmitted(panel.files_dropped):
        QApplication.sendEvent(
            panel.table.viewport(),
            QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier),
        )  # fmt: skip


def test_a_file_dropped_as_a_link_is_listed_by_the_links_name(qapp: QApplication) -> None:
    """A link dropped is queued as the file it points to (what is sent is what was looked
    at), under the link's name: the row showed the target's name ("a1b2c3.pdf"), a name the
    coordinator never dropped and the file is not sent under."""
    linked = upload(1, "report.pdf", UploadState.QUEUED).model_copy(
        update={"path": "/store/blobs/a1b2c3.pdf"}
    )
    model = AttachmentTableModel()
    model.set_rows(rows_for([linked], None))
    assert model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == "report.pdf"


def test_the_details_column_is_shown_only_while_a_file_has_details(qtbot: QtBot) -> None:
    """Empty, it stretched to half the table: the file names beside it, cut to "Berke report
    - Maria…", could not be told apart."""
    sent = AttachmentRow("Berke report - Ana - Data Analyst.pdf", 1000, UploadState.DONE, 1)
    panel = panel_with(qtbot, [sent])
    assert panel.table.isColumnHidden(DETAILS_COLUMN)
    failed = AttachmentRow("b.pdf", 1000, UploadState.FAILED, 2, message="The file is too big.")
    panel.show_rows([sent, failed], "")
    assert not panel.table.isColumnHidden(DETAILS_COLUMN)
    panel.show_rows([sent], "")
    assert panel.table.isColumnHidden(DETAILS_COLUMN)
    assert panel.table.textElideMode() == Qt.TextElideMode.ElideMiddle  # the job and ".pdf" kept
