"""Complete an order and drop report files on the real widgets: progress, cancel, retry."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_from_bytes

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.clients.errors import ApiError
from app.domain.attachments import UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, Attachment, OrderStatus
from app.domain.step_kinds import StepState
from app.ui.common.screens import available_room
from app.ui.main_window import MainWindow
from app.ui.orders.attachments_panel import dropped_paths
from app.ui.orders.complete_dialog import CompleteDialog
from app.ui.orders.order_actions import TYPED_NOT_SENT
from app.ui.orders.order_table_model import ORDER_ID_ROLE
from app.ui.orders.orders_room import not_attached_without_order
from app.workflows.desk import Desk
from app.workflows.refusals import COMPLETE_SENT_AGAIN, ActionNotAllowedError
from app.workflows.results import check_file, complete_order
from tests.integration.helpers import new_order_body
from tests.ui.conftest import connect, data_file_held_once, make_desk, show_exposed
from tests.ui.contrast import WCAG_MIN, app_palette, cell_contrast, dark_palette
from tests.ui.test_console_flows import (
    _DESKS,
    Dialogs,
    answer_once,
    board_of,
    closed,
    closed_box,
    current,
    desk_of,
    finish,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer


posix_only = pytest.mark.skipif(os.name != "posix", reason="byte file names are POSIX")


@pytest.fixture
def window(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> Iterator[MainWindow]:
    desk = make_desk(sandbox, tmp_path / "desk.sqlite3")
    made = MainWindow(settings=qsettings)
    qtbot.addWidget(made)
    made.show()
    # Not started: the tests drive sync, resume and watch; a background round at a moment
    # of its choosing would race them (a slow test crosses the demo's 15 s watch).
    board = connect(made, desk, start=False)
    _DESKS[id(made)] = desk
    with qtbot.waitSignal(made.sync_finished):
        made.request_sync()
    yield made
    stopping = asyncio.ensure_future(board.stop())
    qtbot.waitUntil(stopping.done)
    _DESKS.pop(id(made), None)
    closing = asyncio.ensure_future(desk.session.aclose())
    qtbot.waitUntil(closing.done)
    desk.db.close()


def in_progress_order(window: MainWindow, qtbot: QtBot) -> AssessmentOrder:
    """A new order, created and accepted through the board (as the buttons would)."""
    desk, board = desk_of(window), board_of(window)
    order = finish(
        qtbot, desk.session.sr.create_test_order(new_order_body(first="Ana", last="Lima"))
    )
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()

    async def prepare() -> AssessmentOrder:
        await board.create_assessment(
            order.id, CreateAssessmentRequest(first_name="Ana", last_name="Lima")
        )
        return await board.accept(order.id)

    accepted = finish(qtbot, prepare())
    window.orders.select_order(order.id)
    return accepted


def drop(widget: QWidget, paths: list[Path], at: QPoint | None = None) -> None:
    """What a drag from the file manager delivers: enter, then drop, on ``widget``."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    drop_mime(widget, mime, at)


def drop_mime(widget: QWidget, mime: QMimeData, at: QPoint | None = None) -> None:
    """A drag of ``mime`` entering ``widget``, taken, then dropped there."""
    point = QPointF(at if at is not None else widget.rect().center())
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, event)


def states(window: MainWindow) -> dict[str, str]:
    """Each file's state by its name: the desk's own upload's where it has one. The service's
    copy of a file on its way is listed as a row of its own until the upload's answer is
    recorded (its attachment id), and read by name it said "done" while the upload was
    still "uploading": the test then read the store a moment too early (failed once in CI)."""
    model = window.orders.detail.attachments.model
    theirs_first = sorted(model.rows, key=lambda row: row.upload_id is not None)
    return {row.file_name: row.state.value for row in theirs_first}


def files(tmp_path: Path) -> list[Path]:
    big = tmp_path / "Berke report.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"r" * 3_000_000)
    small = tmp_path / "notes.txt"
    small.write_text("Calm, structured, on time.\n" * 40, encoding="utf-8")
    return [big, small]


def test_complete_then_drop_files_with_progress(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    dialogs = Dialogs(window)
    order = in_progress_order(window, qtbot)
    complete = window.orders.controller.actions[OrderAction.COMPLETE]
    assert complete.isEnabled()
    complete.trigger()
    dialog = dialogs.wait_for(qtbot, CompleteDialog)
    assert isinstance(dialog, CompleteDialog)
    dialog.score.setText("87/100")
    dialog.passed.setCurrentIndex(1)
    dialog.description.setPlainText("<p>Fine</p><script>x</script>")
    assert not dialog.ok.isEnabled()
    assert dialog.errors() == {
        "description": "SmartRecruiters does not allow <script> in a description."
    }
    dialog.description.setPlainText("<p><strong>High</strong> fit</p>")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    board = board_of(window)
    qtbot.waitUntil(lambda: board.state(order.id).result_id is not None)
    qtbot.waitUntil(
        lambda: (
            "Result: “Berke assessment” — 87/100, passed"
            in window.orders.detail.attachments.result_label.text()
        ),
    )

    progress: list[tuple[int, int, int]] = []
    assert window.signals is not None
    window.signals.upload_progress.connect(lambda u, s, t: progress.append((u, s, t)))
    drop(window.orders.detail.attachments.table.viewport(), files(tmp_path))
    qtbot.waitUntil(lambda: states(window) == {"Berke report.pdf": "done", "notes.txt": "done"})
    assert any(s == t and t > 1_000_000 for _u, s, t in progress)  # the big one reached 100 %
    assert len([p for p in progress if p[2] > 1_000_000]) >= 3  # in steps, not all at once
    result_id = board.state(order.id).result_id
    assert result_id is not None
    remote = finish(qtbot, desk_of(window).session.sr.list_attachments(order.id, result_id))
    assert sorted(a.file_name for a in remote) == ["Berke report.pdf", "notes.txt"]


def stall_uploads(desk: Desk) -> tuple[asyncio.Event, list[str]]:
    """Uploads that report their first bytes and then hang (a stalled network, the one fault
    the sandbox cannot make on demand): what the coordinator cancels. Returns the event that
    says the stall began and the list of files that reached it."""
    stalled = asyncio.Event()
    reached: list[str] = []

    async def upload(
        order_id: str,
        result_id: str,
        path: object,
        *,
        file_name: str | None = None,
        progress: object = None,
        sha256: str | None = None,
    ) -> Attachment:
        reached.append(file_name or "")
        if callable(progress):
            progress(1, 2)
        stalled.set()
        await asyncio.Event().wait()  # until cancelled
        raise AssertionError("a stalled upload never ends by itself")

    desk.session.sr.upload_attachment = upload  # type: ignore[method-assign]
    return stalled, reached


def large_report(tmp_path: Path) -> Path:
    """A 2 MB report: on its way long enough for a Cancel to find it there."""
    big = tmp_path / "large report.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"z" * 2_000_000)
    return big


def stuck_on_its_way(
    window: MainWindow, qtbot: QtBot, order: AssessmentOrder, report: Path
) -> tuple[Any, list[str]]:
    """``order`` completed and shown, ``report`` attached and on its way, stuck there. Returns
    the real upload call (to put back) and the names that reached the stalled one."""
    from app.domain.smartrecruiters import AssessmentResult, ResultType

    desk, board = desk_of(window), board_of(window)
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
    finish(qtbot, board.complete(order.id, result))
    window.orders.select_order(order.id)
    real_upload = desk.session.sr.upload_attachment
    stalled, reached = stall_uploads(desk)
    finish(qtbot, window.orders.controller.attach_files(order.id, [report]))
    qtbot.waitUntil(stalled.is_set)
    qtbot.waitUntil(lambda: states(window).get(report.name) == "uploading")
    return real_upload, reached


def test_cancel_one_upload_then_retry_it(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    order = in_progress_order(window, qtbot)
    desk = desk_of(window)
    big = large_report(tmp_path)
    real_upload, reached = stuck_on_its_way(window, qtbot, order, big)
    panel = window.orders.detail.attachments
    panel.table.selectRow(0)
    assert panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: states(window).get(big.name) == "cancelled")
    assert reached == [big.name]
    # The cancelled upload is not resumed by the background resumer.
    assert desk.results.unfinished() == []
    desk.session.sr.upload_attachment = real_upload  # type: ignore[method-assign]
    panel.table.selectRow(0)
    # On once the Cancel call has ended (``settle``), a moment after the row says so.
    qtbot.waitUntil(panel.retry_button.isEnabled)
    assert not panel.cancel_button.isEnabled()
    panel.retry_button.click()
    qtbot.waitUntil(lambda: states(window).get(big.name) == "done")
    upload = desk.results.for_order(order.id)[0]
    assert upload.state is UploadState.DONE
    assert upload.result_id is not None
    remote = finish(qtbot, desk.session.sr.list_attachments(order.id, upload.result_id))
    assert [a.file_name for a in remote] == [big.name]  # attached exactly once


def test_the_cancelled_file_stays_chosen_until_its_cancel_has_ended(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each showing of the order's files (the board's refresh, the pane's reload) reset the
    table and unselected the file: when the Cancel call ended after the reload, Retry never
    came on (``test_cancel_one_upload_then_retry_it`` failed now and then on a busy machine)."""
    import app.workflows.board_uploads as board_module

    call_may_end = asyncio.Event()
    real_settle = board_module.settle_late_cancel

    async def settle_late(desk: Desk, upload_id: int) -> bool:
        await call_may_end.wait()  # the Cancel call's last look at the database, slow
        return await real_settle(desk, upload_id)

    monkeypatch.setattr(board_module, "settle_late_cancel", settle_late)
    order = in_progress_order(window, qtbot)
    big = large_report(tmp_path)
    stuck_on_its_way(window, qtbot, order, big)
    panel = window.orders.detail.attachments
    panel.table.selectRow(0)
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: states(window).get(big.name) == "cancelled")
    finish(qtbot, window.orders.tasks.wait_idle())  # the pane's reload has ended
    assert panel.selected_row() is not None, "the cancelled file is no longer chosen"
    assert not panel.retry_button.isEnabled()  # the Cancel call is still under way
    call_may_end.set()
    finish(qtbot, window.orders.wait_idle())
    assert panel.selected_row() is not None
    assert panel.retry_button.isEnabled()


def test_the_chosen_file_stays_chosen_when_its_order_is_shown_again(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """The coordinator chose a cancelled file to send it again; another file of the order
    ended and the order's files were shown again, as a reset: the file was unselected and
    Retry went grey under the pointer."""
    order = in_progress_order(window, qtbot)
    big = large_report(tmp_path)
    real_upload, _ = stuck_on_its_way(window, qtbot, order, big)
    panel = window.orders.detail.attachments
    panel.table.selectRow(0)
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: states(window).get(big.name) == "cancelled")
    finish(qtbot, window.orders.wait_idle())
    panel.table.selectRow(0)
    assert panel.retry_button.isEnabled()
    desk_of(window).session.sr.upload_attachment = real_upload  # type: ignore[method-assign]
    notes = tmp_path / "notes.txt"
    notes.write_text("Called the candidate.", encoding="utf-8")
    finish(qtbot, board_of(window).attach_files(order.id, [notes]))
    qtbot.waitUntil(lambda: states(window).get(notes.name) == "done")
    finish(qtbot, window.orders.wait_idle())
    chosen = panel.selected_row()
    assert chosen is not None, "the chosen file is no longer chosen"
    assert chosen.file_name == big.name
    assert panel.retry_button.isEnabled()


def test_a_chosen_file_that_leaves_the_list_leaves_nothing_chosen(qtbot: QtBot) -> None:
    """The rows are updated in place, and a table with one choice moves it to a neighbour
    when the chosen row goes: Retry must not come on for a file nobody picked."""
    from app.ui.orders.attachments_panel import AttachmentRow, AttachmentsPanel

    panel = AttachmentsPanel()
    qtbot.addWidget(panel)
    failed = AttachmentRow("notes.txt", 10, UploadState.FAILED, upload_id=1)
    on_file = AttachmentRow("report.pdf", None, UploadState.DONE)  # known only from the service
    panel.show_rows([failed, on_file], "")
    panel.table.selectRow(1)
    assert not panel.retry_button.isEnabled()
    # The file of that name, sent from here, now stands for it.
    panel.show_rows([failed, AttachmentRow("report.pdf", 20, UploadState.DONE, upload_id=2)], "")
    assert panel.selected_row() is None
    assert not panel.retry_button.isEnabled()


def test_a_second_quick_click_on_cancel_is_not_refused_in_a_box(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """The buttons stayed on until the rows were shown again: a second quick click on
    Cancel, after the first had worked, said "nothing to cancel" in a box."""
    order = in_progress_order(window, qtbot)
    big = large_report(tmp_path)
    stuck_on_its_way(window, qtbot, order, big)
    panel = window.orders.detail.attachments
    panel.table.selectRow(0)
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    panel.cancel_button.click()
    assert not panel.cancel_button.isEnabled()  # at once, until the call has ended
    assert not panel.retry_button.isEnabled()
    panel.cancel_button.click()  # the second click finds it off
    qtbot.waitUntil(lambda: states(window).get(big.name) == "cancelled")
    finish(qtbot, window.orders.controller.wait_idle())
    assert messages.shown[shown:] == []
    panel.table.selectRow(0)
    assert panel.retry_button.isEnabled()  # back with the file as it is now


def test_a_file_of_an_order_rejected_elsewhere_is_not_offered_again(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """The order was rejected in SmartRecruiters with a file queued: the file failed, and
    Retry put it back to Queued without a word, to fail again, with Retry offered for ever.
    Now Retry is off and says why; asked all the same (the board), it is refused in words."""
    from app.workflows.step_complete import REJECTED_NO_RESULT

    order = in_progress_order(window, qtbot)
    desk, board = desk_of(window), board_of(window)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 1_000)
    queued, _ = finish(qtbot, board.attach_files(order.id, [report]))  # waits for a result
    window.orders.select_order(order.id)
    finish(qtbot, desk.session.sr.reject_order(order.id, message="Position filled"))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    finish(qtbot, board.resume())
    qtbot.waitUntil(lambda: states(window) == {"report.pdf": "failed"})
    panel = window.orders.detail.attachments
    assert panel.model.rows[0].message == REJECTED_NO_RESULT
    panel.table.selectRow(0)
    assert not panel.retry_button.isEnabled()
    assert "accepted or completed order" in panel.retry_button.toolTip()
    (upload,) = queued
    with pytest.raises(ActionNotAllowedError, match=r"^Not sent again: "):
        finish(qtbot, board.retry_upload(order.id, upload.id))
    assert states(window) == {"report.pdf": "failed"}


def test_a_stalled_file_stays_on_its_way_when_the_orders_files_are_shown_again(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """A file whose bytes began to go, then stalled after its one progress report, is shown on
    its way however often the order's files are shown again (a poll, the order shown again,
    its result's attachments read late), its progress with it: the board's state says
    "uploading" from the moment its bytes go. It said "queued" until the file ended, and a
    late showing put the stalled file back to "queued" for good (found as a flaky test)."""
    order = in_progress_order(window, qtbot)
    board = board_of(window)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 10_000)
    stuck_on_its_way(window, qtbot, order, report)
    qtbot.waitUntil(
        lambda: [u.state for u in board.state(order.id).uploads] == [UploadState.UPLOADING]
    )
    window.orders._show_attachments(order.id, None)  # as the late reading of its result does
    assert states(window) == {report.name: "uploading"}
    assert [row.percent for row in window.orders.detail.attachments.model.rows] == [50]


def detail_read(window: MainWindow) -> bool:
    """Whether the shown order's comments and result have been read (none is being read)."""
    task = window.orders.tasks.latest("detail")
    return task is None or task.done()


def test_a_files_way_does_not_ask_smartrecruiters_for_the_order_again(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """A file of the order shown, queued, on its way and sent, shows each step in the panel
    without the order's comments and result asked of SmartRecruiters again: each step began
    another reading of them (two calls of SmartRecruiters' 10 a second, beside the files')."""
    from app.domain.smartrecruiters import AssessmentResult, ResultType

    order = in_progress_order(window, qtbot)
    desk, board = desk_of(window), board_of(window)
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
    finish(qtbot, board.complete(order.id, result))
    window.orders.select_order(order.id)
    qtbot.waitUntil(lambda: detail_read(window))
    asked: list[str] = []
    real = desk.session.sr.list_comments

    async def list_comments(order_id: str) -> Any:
        asked.append(order_id)
        return await real(order_id)

    desk.session.sr.list_comments = list_comments  # type: ignore[method-assign]
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 10_000)
    finish(qtbot, window.orders.controller.attach_files(order.id, [report]))
    qtbot.waitUntil(lambda: states(window) == {report.name: "done"})
    qtbot.waitUntil(lambda: detail_read(window))
    assert asked == []


def test_cancel_and_retry_act_only_on_a_file_of_the_order_shown(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Nothing of an order stays in the pane once no order is shown, and the board refuses a
    Cancel or Retry of another order's file, or a Retry of a file already sent (it would be
    attached twice)."""
    order = in_progress_order(window, qtbot)
    other = in_progress_order(window, qtbot)
    desk, board = desk_of(window), board_of(window)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 10_000)
    real_upload, _ = stuck_on_its_way(window, qtbot, order, report)
    upload = desk.results.for_order(order.id)[0]
    panel = window.orders.detail.attachments
    with pytest.raises(ActionNotAllowedError, match="not one of this order's"):
        finish(qtbot, board.cancel_upload(other.id, upload.id))
    assert board.uploading() == [upload.id]  # still on its way
    finish(qtbot, board.cancel_upload(order.id, upload.id))
    assert desk.results.get(upload.id).state is UploadState.CANCELLED  # type: ignore[union-attr]

    panel.table.selectRow(0)
    assert panel.retry_button.isEnabled()
    window.orders.table.clearSelection()  # no order shown: its files go with it
    qtbot.waitUntil(lambda: window.orders.detail.order is None)
    assert panel.model.rowCount() == 0
    assert not panel.retry_button.isEnabled()
    assert not panel.cancel_button.isEnabled()

    desk.session.sr.upload_attachment = real_upload  # type: ignore[method-assign]
    with pytest.raises(ActionNotAllowedError, match="not one of this order's"):
        finish(qtbot, board.retry_upload(other.id, upload.id))
    assert desk.results.get(upload.id).state is UploadState.CANCELLED  # type: ignore[union-attr]
    finish(qtbot, board.retry_upload(order.id, upload.id))
    finish(qtbot, board.wait_uploads())
    assert desk.results.get(upload.id).state is UploadState.DONE  # type: ignore[union-attr]
    sent = r"report\.pdf was already sent: "
    with pytest.raises(ActionNotAllowedError, match=sent + "it is not sent again"):
        finish(qtbot, board.retry_upload(order.id, upload.id))
    with pytest.raises(ActionNotAllowedError, match=sent + "there is nothing to cancel"):
        finish(qtbot, board.cancel_upload(order.id, upload.id))
    result_id = desk.results.get(upload.id).result_id  # type: ignore[union-attr]
    assert result_id is not None
    remote = finish(qtbot, desk.session.sr.list_attachments(order.id, result_id))
    assert [a.file_name for a in remote] == [report.name]  # attached exactly once


def test_the_question_after_a_drop_names_the_order_it_is_about(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """A file dropped on a table row need not be for the order the pane shows: the question
    that follows names the candidate."""
    order = in_progress_order(window, qtbot)  # accepted, no result yet
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 1_000)
    task = asyncio.ensure_future(window.orders.controller.attach_files(order.id, [report]))

    def question() -> QMessageBox | None:
        return next(
            (b for b in window.findChildren(QMessageBox) if b.isVisible() and "result" in b.text()),
            None,
        )

    qtbot.waitUntil(lambda: question() is not None)
    box = question()
    assert box is not None
    assert box.text() == (
        f"{order.candidate.full_name}’s order has no result yet: reports are attached to a result."
    )
    box.reject()
    qtbot.waitUntil(task.done)
    assert [u.file_name for u in desk_of(window).results.for_order(order.id)] == [report.name]


def test_complete_is_not_offered_after_the_drop_for_an_order_that_ended_meanwhile(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """While "Complete the order first?" was open the order was rejected (withdrawn in
    SmartRecruiters, and synced): its "Complete order…" still opened the Complete dialog,
    the verdict typed there refused. Now it says why not, as the action would."""
    dialogs = Dialogs(window)
    order = in_progress_order(window, qtbot)  # accepted, no result yet
    board = board_of(window)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 1_000)
    flow = asyncio.ensure_future(window.orders.controller.attach_files(order.id, [report]))

    def question() -> QMessageBox | None:
        return next(
            (b for b in window.findChildren(QMessageBox) if b.isVisible() and "result" in b.text()),
            None,
        )

    qtbot.waitUntil(lambda: question() is not None)
    finish(qtbot, desk_of(window).session.sr.reject_order(order.id, message="Withdrawn."))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    why = board.why_not(OrderAction.COMPLETE, [order.id])
    assert why is not None
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    box = question()
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Complete order…").click()

    def completes() -> list[CompleteDialog]:
        return [d for d in dialogs.opened if isinstance(d, CompleteDialog) and not closed(d)]

    qtbot.waitUntil(lambda: flow.done() or bool(completes()))
    opened = completes()
    for dialog in opened:
        dialog.reject()  # the flow ends either way
    qtbot.waitUntil(flow.done)
    assert len(opened) == 0, "the Complete dialog opened for an order rejected meanwhile"
    assert messages.shown[shown:] == [("Complete order", why)]


def test_a_closing_connection_offers_no_action_and_starts_no_upload(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Between a profile switch (or quitting) and the session's end, what is under way
    finishes and nothing new starts: the actions say why, the coordinator's own calls are
    refused in words, and a file queued before waits for this connection's next session
    instead of racing its close."""
    from app.domain.smartrecruiters import AssessmentResult, ResultType
    from app.workflows.board import CLOSING

    order = in_progress_order(window, qtbot)
    desk, board = desk_of(window), board_of(window)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 1_000)
    queued, _ = finish(qtbot, board.attach_files(order.id, [report]))  # no result yet: waits
    window.orders.select_order(order.id)
    complete = window.orders.controller.actions[OrderAction.COMPLETE]
    assert complete.isEnabled()

    board.begin_closing()
    window.orders.controller.update_state()
    assert board.why_not(OrderAction.COMPLETE, [order.id]) == CLOSING
    assert not complete.isEnabled()
    assert complete.toolTip() == CLOSING
    for call in (
        board.attach_files(order.id, [report]),
        board.add_comment(order.id, "A note"),
        board.retry_upload(order.id, queued[0].id),
    ):
        with pytest.raises(ActionNotAllowedError, match="connection is closing"):
            finish(qtbot, call)
    outcome = finish(qtbot, board.sync())
    assert not outcome.ok
    assert outcome.error == CLOSING
    with pytest.raises(RuntimeError, match="closed"):
        board.start()

    # A completion under way when the close began finishes; its queued file is not started.
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
    finish(qtbot, board.complete(order.id, result))
    assert board.state(order.id).result_id is not None
    assert board.uploading() == []
    assert desk.results.get(queued[0].id).state is UploadState.QUEUED  # type: ignore[union-attr]


def test_the_size_of_a_dropped_file_is_not_cut(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """At 1280×800 the Size column stayed as wide as its title, and each size read "1… b…" /
    "2.…": it fits its contents, but was measured again only when the columns changed, not
    when rows came or were updated in place."""
    window.resize(1280, 800)
    in_progress_order(window, qtbot)
    notes = tmp_path / "notes.txt"
    notes.write_text("Calm, structured, on time.\n" * 40, encoding="utf-8")
    report = tmp_path / "Berke report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"r" * 3_000_000)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(notes)), QUrl.fromLocalFile(str(report))])
    detail = window.orders.detail
    table = detail.attachments.table
    drop_mime(table.viewport(), mime)
    qtbot.waitUntil(lambda: table.model().rowCount() == 2)
    detail.scroll_area.ensureWidgetVisible(detail.attachments)
    show_exposed(qtbot, window)
    metrics = table.fontMetrics()
    margin = 2 * table.style().pixelMetric(table.style().PixelMetric.PM_FocusFrameHMargin)
    for row in range(2):
        text = table.model().index(row, 1).data()
        needed = metrics.horizontalAdvance(text) + margin
        assert table.columnWidth(1) >= needed, (
            f"{text!r} needs {needed} px; the Size column is {table.columnWidth(1)} px"
        )


def test_drop_on_a_table_row_and_refusals(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    order = in_progress_order(window, qtbot)
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ")
    model = window.orders.model
    index = window.orders.proxy.mapFromSource(model.index(model.row_of(order.id) or 0, 0))
    at = window.orders.table.visualRect(index).center()
    drop(window.orders.table.viewport(), [exe], at)
    qtbot.waitUntil(
        lambda: any(b.isVisible() and "setup.exe cannot be attached" in b.text()
                    for b in window.findChildren(QMessageBox)),
    )  # fmt: skip
    assert desk_of(window).results.for_order(order.id) == []
    assert board_of(window).state(order.id).uploads == ()


def drag_enter(widget: QWidget, paths: list[Path]) -> bool:
    """Whether ``widget`` takes a drag of ``paths`` from the file manager (the cursor says
    "copy")."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(widget.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, enter)
    return enter.isAccepted()


def test_a_drag_on_the_pane_with_no_order_shown_is_refused(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: with no order shown (the selection cleared), the "Result and attachments" panel
    took the drag and the drop under its "Drop report files here", and the files went nowhere,
    without a word."""
    order = in_progress_order(window, qtbot)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"r" * 1_000)
    panel = window.orders.detail.attachments
    window.orders.table.clearSelection()
    qtbot.waitUntil(lambda: window.orders.detail.order is None)
    assert not drag_enter(panel.table.viewport(), [report])
    assert not drag_enter(panel, [report])
    window.orders.select_order(order.id)
    qtbot.waitUntil(lambda: window.orders.detail.order is not None)
    assert drag_enter(panel.table.viewport(), [report])


def test_a_drop_after_the_order_left_the_pane_is_said_in_words(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: a drop that arrived once the pane showed no order (a search or a sync took it
    away during the drag) was taken, and nothing was queued or said."""
    order = in_progress_order(window, qtbot)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"r" * 1_000)
    viewport = window.orders.detail.attachments.table.viewport()
    assert drag_enter(viewport, [report])
    window.orders.table.clearSelection()
    qtbot.waitUntil(lambda: window.orders.detail.order is None)
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(report))])
    dropped = QDropEvent(QPointF(viewport.rect().center()), Qt.DropAction.CopyAction, mime,
                         Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(viewport, dropped)
    assert messages.shown[shown:] == [
        (
            "Attach report",
            "No order was shown, so report.pdf was not attached. "
            "Select the order the report is for, then drop it again.",
        )
    ]
    assert desk_of(window).results.for_order(order.id) == []


def test_a_drop_before_the_desk_connects_is_said_in_words(
    window: MainWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a report dropped on an order of the saved inbox, shown before the session
    opens (no board yet), was taken, and nothing was queued or said."""
    order = in_progress_order(window, qtbot)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"r" * 1_000)
    controller = window.orders.controller
    board = controller.board
    monkeypatch.setattr(controller, "board", None)  # as before the session opens
    messages = controller.messages
    shown = len(messages.shown)
    window.orders.detail.attachments.files_dropped.emit([report])
    assert messages.shown[shown:] == [
        (
            "Attach report",
            "The desk is not connected to the services yet, so report.pdf was not attached. "
            "Drop it again once the orders are synced.",
        )
    ]
    assert board is not None
    assert board.state(order.id).uploads == ()


#: "Rapor_Işık.pdf" as Turkish Windows' "Send to > Compressed folder" names it (CP857, no
#: UTF-8 flag in the zip), unzipped on Linux: bytes that are not UTF-8.
LEGACY_NAME = b"Rapor_I\x9f\x8dk.pdf"


def legacy_report(folder: Path) -> bytes:
    """A report of that name in ``folder``: its path, as bytes (skips where names are UTF-8)."""
    raw = os.fsencode(folder) + b"/" + LEGACY_NAME
    try:
        with open(raw, "wb") as handle:
            handle.write(b"%PDF-1.4\n" + b"r" * 1_000)
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    return raw


def mime_of_bytes(raw_path: bytes) -> QMimeData:
    """What a file manager puts on the clipboard for that file: its bytes, percent-encoded."""
    mime = QMimeData()
    mime.setData("text/uri-list", b"file://" + quote_from_bytes(raw_path).encode() + b"\r\n")
    return mime


@posix_only
def test_a_drop_names_the_file_dropped_though_its_name_is_not_utf8(
    qapp: QApplication, tmp_path: Path
) -> None:
    """Before: ``toLocalFile`` read the name's bytes as UTF-8, with U+FFFD for the rest, and the
    report sitting in the folder was refused "cannot be read: No such file or directory"."""
    raw = legacy_report(tmp_path)
    mime = mime_of_bytes(raw)
    event = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    paths = dropped_paths(event)
    assert paths == [Path(os.fsdecode(raw))]
    assert check_file(paths[0]) == 1_009


@posix_only
def test_a_report_named_in_a_legacy_code_page_is_queued_as_dropped(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """The file queued is the one dropped (its path kept in the data file as its bytes: SQLite
    takes no undecodable name as text), sent under a name of words the service can keep."""
    order = in_progress_order(window, qtbot)
    raw = legacy_report(tmp_path)
    viewport = window.orders.detail.attachments.table.viewport()
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    drop_mime(viewport, mime_of_bytes(raw))
    desk = desk_of(window)
    qtbot.waitUntil(lambda: len(desk.results.for_order(order.id)) == 1)
    (upload,) = desk.results.for_order(order.id)
    assert upload.path == os.fsdecode(raw)
    assert upload.file_name == "Rapor_I k.pdf"
    qtbot.waitUntil(lambda: states(window) == {"Rapor_I k.pdf": "queued"})
    assert messages.shown[shown:] == []


@posix_only
def test_a_report_named_in_a_legacy_code_page_is_listed_as_file_managers_name_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """The README: it is "named on screen as file managers name it (� for each byte that
    cannot be read)". Its row read "Rapor_I k.pdf" (the name it is sent under), shown nowhere
    else, while the desk's messages for the same file name it "Rapor_I��k.pdf"."""
    window.resize(1280, 800)
    order = in_progress_order(window, qtbot)
    table = window.orders.detail.attachments.table
    drop_mime(table.viewport(), mime_of_bytes(legacy_report(tmp_path)))
    desk = desk_of(window)
    qtbot.waitUntil(lambda: len(desk.results.for_order(order.id)) == 1)
    model = table.model()
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    shown = model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    assert shown == "Rapor_I\ufffd\ufffdk.pdf"
    # Still sent under words the service can keep.
    assert window.orders.detail.attachments.model.row(0).file_name == "Rapor_I k.pdf"


def test_a_name_that_is_not_utf8_is_said_with_the_mark_file_managers_show() -> None:
    """Before: Qt dropped the name's undecodable bytes without a trace, and the words named
    "Rapor_Ik.pdf", a file nowhere."""
    dropped = Path(os.fsdecode(b"/home/ana/" + LEGACY_NAME))
    assert not_attached_without_order([dropped]).startswith(
        "No order was shown, so Rapor_I\ufffd\ufffdk.pdf was not attached."
    )


def test_a_name_with_a_direction_mark_does_not_turn_its_sentence_round() -> None:
    """A right-to-left override in a dropped file's name turned the rest of the sentence
    round on screen ("…not attached. Select the order…" read backwards)."""
    dropped = Path("/home/ana/\u202efdp.exe")
    said = not_attached_without_order([dropped])
    assert said.startswith("No order was shown, so fdp.exe was not attached.")


def test_attach_is_disabled_on_new_orders(window: MainWindow) -> None:
    new = next(o for o in board_of(window).orders() if o.status is OrderStatus.NEW)
    window.orders.select_order(new.id)
    attach = window.orders.controller.actions[OrderAction.ATTACH]
    assert not attach.isEnabled()
    assert "accepted or completed" in attach.toolTip()
    # The panel's "Add files…" too: it was on, and did nothing without a word.
    add = window.orders.detail.attachments.add_button
    assert not add.isEnabled()
    assert add.toolTip() == attach.toolTip()
    accepted = next(o for o in board_of(window).orders() if o.status is OrderStatus.IN_PROGRESS)
    window.orders.select_order(accepted.id)
    assert add.isEnabled()


def test_a_long_failure_sentence_never_widens_the_detail_pane(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Before: "Could not load the comments. SmartRecruiters: The service could not be reached
    …" did not wrap, and the pane's content grew to 1,187 px in a 409 px viewport, pushing the
    action buttons off the edge with no way to scroll to them."""
    window.resize(1280, 800)
    in_progress_order(window, qtbot)
    detail = window.orders.detail
    sentence = "SmartRecruiters: The service could not be reached; check the connection. " * 4
    detail.show_comments(None, sentence)
    area = detail.scroll_area
    qtbot.waitUntil(lambda: detail.comment_state.text().endswith(sentence))
    # What the line needs at the least: more than the pane's viewport widens the content.
    assert detail.comment_state.minimumSizeHint().width() <= area.viewport().width()


def test_order_shortcuts_do_nothing_while_the_orders_are_out_of_sight(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Before: on the Offers tab, Ctrl+Shift+R opened "Reject …" for the order still selected
    in the hidden Orders tab."""
    from app.ui.main_window import ORDERS_OUT_OF_SIGHT

    new = next(o for o in board_of(window).orders() if o.status is OrderStatus.NEW)
    window.orders.select_order(new.id)
    reject = window.orders.controller.actions[OrderAction.REJECT]
    assert reject.isEnabled()
    window.rooms.setCurrentIndex(window.rooms.indexOf(window.offers))
    assert not reject.isEnabled()
    assert reject.toolTip() == ORDERS_OUT_OF_SIGHT
    opened: list[QWidget] = []
    window.orders.controller.dialog_opened = opened.append
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)  # fmt: skip
    assert opened == []
    window.rooms.setCurrentWidget(window.orders)
    assert reject.isEnabled()


def test_the_attachments_table_fits_the_pane_without_sideways_scrolling(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Before: fixed column widths overflowed the pane at 1280×800; the Details column (where
    a failed upload says why) was off to the right."""
    window.resize(1280, 800)
    in_progress_order(window, qtbot)
    table = window.orders.detail.attachments.table
    qtbot.waitUntil(lambda: table.viewport().width() > 0)
    assert table.horizontalHeader().length() <= table.viewport().width()


def test_the_order_shown_stays_in_sight_after_a_sort(window: MainWindow, qtbot: QtBot) -> None:
    """Before: sorting by Candidate moved the selected order to row 169 and left the view
    scrolled where it was: the order the pane showed was nowhere in sight."""
    from app.views.inbox_columns import INBOX

    table = window.orders.table
    first = table.model().index(0, 0).data(ORDER_ID_ROLE)
    window.orders.select_order(first)
    for column in ("candidate", "job", "company"):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            table.sortByColumn(INBOX.index(column), order)
            current = table.currentIndex()
            assert current.data(ORDER_ID_ROLE) == first
            assert table.visualRect(current).intersects(table.viewport().rect())


def progress_texts(window: MainWindow) -> list[str]:
    model = window.orders.detail.attachments.model
    return [str(model.index(row, 2).data()) for row in range(model.rowCount())]


def test_a_file_on_its_way_keeps_its_progress_when_its_order_is_shown_again(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: "Uploading None %" and no bar, once the order was shown again (another order
    clicked and this one again, a poll), until the file's next progress, if ever."""
    order = in_progress_order(window, qtbot)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 100_000)
    stuck_on_its_way(window, qtbot, order, report)
    assert progress_texts(window) == ["Uploading 50 %"]
    finish(qtbot, board_of(window).refresh([order.id]))
    window.orders.table.clearSelection()
    qtbot.waitUntil(lambda: window.orders.detail.order is None)
    window.orders.select_order(order.id)
    qtbot.waitUntil(lambda: window.orders.detail.order is not None)
    assert progress_texts(window) == ["Uploading 50 %"]


def test_a_file_the_resumer_sends_after_a_restart_shows_its_progress(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """After a restart a queued file is sent by the background resumer. Before: it said
    Queued, without a bar, all the way."""
    from app.domain.smartrecruiters import AssessmentResult, ResultType

    order = in_progress_order(window, qtbot)
    desk, board = desk_of(window), board_of(window)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"z" * 100_000)
    finish(qtbot, board.attach_files(order.id, [report]))  # waits for the order's result
    # Completed by the desk that then stopped (the workflow alone: no upload is started).
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
    finish(qtbot, complete_order(desk, order, result))
    finish(qtbot, board.refresh([order.id]))
    assert progress_texts(window) == ["Queued"]
    stalled, _ = stall_uploads(desk)
    resuming = asyncio.ensure_future(board.resume())
    qtbot.waitUntil(stalled.is_set)
    qtbot.waitUntil(lambda: progress_texts(window) == ["Uploading 50 %"])
    resuming.cancel()
    qtbot.waitUntil(resuming.done)


def test_a_file_the_service_holds_shows_beside_a_failed_one_of_its_name() -> None:
    """A failed or cancelled file here is not the one of that name SmartRecruiters holds (a
    recruiter's, another desk's): before, that one was hidden behind it."""
    from datetime import UTC, datetime

    from app.domain.uploads import Upload
    from app.ui.orders.attachments_panel import rows_for

    now = datetime.now(UTC)

    def upload(upload_id: int, state: UploadState) -> Upload:
        return Upload(id=upload_id, order_id="o", result_id="r", path="/r.pdf",
                      file_name="report.pdf", size=10, state=state, created_at=now,
                      updated_at=now)  # fmt: skip

    remote = [Attachment(id="a1", file_name="report.pdf")]
    shown = rows_for([upload(1, UploadState.FAILED)], remote)
    assert [(r.state, r.upload_id) for r in shown] == [
        (UploadState.FAILED, 1),
        (UploadState.DONE, None),
    ]
    # Sent from here: the service's copy is that one, shown once.
    shown = rows_for([upload(1, UploadState.FAILED), upload(2, UploadState.DONE)], remote)
    assert [r.upload_id for r in shown] == [1, 2]


def test_a_failed_file_whose_name_another_copy_holds_offers_no_retry(qtbot: QtBot) -> None:
    """The same report dropped again after it failed, and sent: the failed one's Retry stayed
    on, and each click was refused in a box ("Another copy … is already sent")."""
    from datetime import UTC, datetime

    from app.domain.uploads import Upload
    from app.ui.orders.attachments_panel import AttachmentsPanel, rows_for

    now = datetime.now(UTC)

    def upload(upload_id: int, state: UploadState, name: str = "report.pdf") -> Upload:
        return Upload(id=upload_id, order_id="o", result_id="r", path=f"/{name}",
                      file_name=name, size=10, state=state, created_at=now,
                      updated_at=now)  # fmt: skip

    panel = AttachmentsPanel()
    qtbot.addWidget(panel)
    for holder, said in ((UploadState.DONE, "sent"), (UploadState.QUEUED, "on its way")):
        uploads = [
            upload(1, UploadState.FAILED),
            upload(2, holder),
            upload(3, UploadState.CANCELLED, "notes.pdf"),
        ]
        panel.show_rows(rows_for(uploads, None), "")
        panel.table.selectRow(0)
        assert not panel.retry_button.isEnabled()
        assert panel.retry_button.toolTip() == (
            f"Another copy of report.pdf is already {said} for this order."
        )
        panel.table.selectRow(2)  # a name no other copy holds
        assert panel.retry_button.isEnabled()
        assert panel.retry_button.toolTip() == ""


def open_complete(window: MainWindow, qtbot: QtBot) -> CompleteDialog:
    dialogs = Dialogs(window)
    window.orders.controller.actions[OrderAction.COMPLETE].trigger()
    form = dialogs.wait_for(qtbot, CompleteDialog)
    assert isinstance(form, CompleteDialog)
    return form


def test_a_completion_smartrecruiters_refuses_keeps_the_dialog_and_what_was_typed(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Before: Complete closed the dialog at once; SmartRecruiters' refusal came after, in a
    box, and the score, title and notes typed were gone. A refusal the next try may pass
    stays in the dialog, all kept."""
    order = in_progress_order(window, qtbot)
    form = open_complete(window, qtbot)
    form.score.setText("87/100")
    form.description.setPlainText("<p>Long, careful notes typed by the coordinator</p>")
    answer_once(desk_of(window), "sr", 400, "/complete")
    form.ok.click()
    qtbot.waitUntil(form.form_error.isVisible)
    assert "Not now." in form.form_error.text()
    assert form.isVisible()
    assert not form.is_busy()
    assert form.ok.isEnabled()
    assert form.score.text() == "87/100"
    assert "careful notes" in form.description.toPlainText()
    assert board_of(window).state(order.id).result_id is None
    form.ok.click()
    qtbot.waitUntil(lambda: closed(form))
    assert current(window, order.id).status is OrderStatus.COMPLETED


@pytest.mark.parametrize("elsewhere", ["completed", "rejected"])
def test_a_completion_no_retry_can_fix_closes_its_dialog_saying_why(
    window: MainWindow, qtbot: QtBot, elsewhere: str
) -> None:
    """Another coordinator completed (or rejected) the order while the dialog was open: the
    refusal showed in the dialog, which offered Complete again, refused every time."""
    from app.domain.smartrecruiters import AssessmentResult, ResultType

    order = in_progress_order(window, qtbot)
    form = open_complete(window, qtbot)
    form.score.setText("87/100")
    sr = desk_of(window).session.sr
    if elsewhere == "completed":
        theirs = AssessmentResult(result_type=ResultType.DOCUMENT, result="theirs.pdf")
        finish(qtbot, sr.complete_with_result(order.id, theirs))
    else:
        finish(qtbot, sr.reject_order(order.id, message="Withdrawn"))
    title, said = closed_box(window, qtbot, form, form.ok)
    assert title == "Complete order"
    why = board_of(window).why_not(OrderAction.COMPLETE, [order.id])
    assert why is not None
    assert said.startswith("Ana Lima: ")
    assert said.endswith(why)
    if elsewhere == "completed":
        assert "already completed elsewhere" in said
    assert board_of(window).state(order.id).result_id is None


def test_a_completion_left_waiting_closes_its_dialog_saying_it_goes_by_itself(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A 503: the completion waits, and the resumer sends it with the result typed. The
    dialog offered Complete (refused: under way) and Cancel, which cancelled nothing."""
    board = board_of(window)
    order = in_progress_order(window, qtbot)
    form = open_complete(window, qtbot)
    form.score.setText("55/100")
    answer_once(desk_of(window), "sr", 503, "/complete")
    title, said = closed_box(window, qtbot, form, form.ok)
    assert title == "Complete order"
    assert said.startswith("Ana Lima: ")
    assert said.endswith(COMPLETE_SENT_AGAIN)
    finish(qtbot, board.resume())
    assert current(window, order.id).status is OrderStatus.COMPLETED
    result_id = board.state(order.id).result_id
    assert result_id is not None
    (result,) = finish(qtbot, desk_of(window).session.sr.list_results(order.id))
    assert result.score == "55/100"


def test_a_completion_whose_answer_is_kept_closes_its_dialog_without_sent_again(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It went through, its answer kept to be written (the data file held): the box said
    "no need to do it again", then "is sent again automatically", which it is not."""
    board, desk = board_of(window), desk_of(window)
    order = in_progress_order(window, qtbot)
    form = open_complete(window, qtbot)
    form.score.setText("55/100")
    data_file_held_once(desk, monkeypatch)  # another program holds the file
    title, said = closed_box(window, qtbot, form, form.ok)
    assert title == "Complete order"
    assert said.startswith("Ana Lima: “Complete order” went through in SmartRecruiters")
    assert said.endswith("there is no need to do it again.")
    assert COMPLETE_SENT_AGAIN not in said
    finish(qtbot, board.resume())  # the kept answer is written: the resultId with it
    assert board.state(order.id).result_id is not None


def test_a_completion_while_a_delivery_holds_the_order_stays_in_its_dialog(
    window: MainWindow, qtbot: QtBot
) -> None:
    """An automatic delivery held the order a moment as Complete was pressed: the dialog
    closed, and the result typed was lost, though Complete was offered again at once."""
    order = in_progress_order(window, qtbot)
    form = open_complete(window, qtbot)
    form.score.setText("87/100")
    board = board_of(window)
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    with board._claimed(order.id, OrderAction.DELIVER, OrderAction.COMPLETE):  # as deliver()
        form.ok.click()
        qtbot.waitUntil(lambda: form.form_error.isVisible() and not form.is_busy())
    assert "already being sent" in form.form_error.text()
    assert form.score.text() == "87/100"
    assert messages.shown[shown:] == []
    form.ok.click()
    qtbot.waitUntil(lambda: closed(form))
    assert current(window, order.id).status is OrderStatus.COMPLETED


def test_a_completion_refused_for_another_waiting_one_says_what_was_typed_did_not_go(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Another flow's completion waits to go (SmartRecruiters could not take it): this one
    is refused as under way, and the box said "sent again automatically, with the result
    typed", though the result typed here was never recorded."""
    from app.domain.smartrecruiters import AssessmentResult, ResultType

    order = in_progress_order(window, qtbot)
    form = open_complete(window, qtbot)
    form.score.setText("87/100")
    board = board_of(window)
    answer_once(desk_of(window), "sr", 503, "/complete")
    theirs = AssessmentResult(result_type=ResultType.DOCUMENT, result="berke.pdf", score="12/100")
    with pytest.raises(ApiError):
        finish(qtbot, board.complete(order.id, theirs))
    _title, said = closed_box(window, qtbot, form, form.ok)
    assert said.endswith(f"retried automatically. {TYPED_NOT_SENT}")
    assert COMPLETE_SENT_AGAIN not in said


def test_a_result_made_but_not_completed_closes_the_dialog_and_offers_complete_no_more(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The documented flow: the result was made, its completion refused. Every later
    Complete was refused as a second result, with the dialog still offering it."""
    import dataclasses

    from app.domain.journal_terms import ResultFlow

    board = board_of(window)
    board.set_options(dataclasses.replace(board.options, result_flow=ResultFlow.DOCUMENTED))
    order = in_progress_order(window, qtbot)
    form = open_complete(window, qtbot)
    form.score.setText("70/100")
    answer_once(desk_of(window), "sr", 400, "/complete")  # after the result is made
    _title, said = closed_box(window, qtbot, form, form.ok)
    assert "Not now." in said
    assert "already has a result in SmartRecruiters" in said
    assert "Retry its failed “Complete order” step" in said
    assert board.state(order.id).result_id is not None
    why = board.why_not(OrderAction.COMPLETE, [order.id])
    assert why is not None
    assert "already has a result" in why
    complete = window.orders.controller.actions[OrderAction.COMPLETE]
    window.orders.controller.update_state()
    assert not complete.isEnabled()
    # The way it says: Retry the failed completion, which completes with that result.
    entries = desk_of(window).journal.entries(order.id)
    (failed,) = [e for e in entries if e.state is StepState.FAILED]
    finish(qtbot, board.retry_step(failed.id))
    assert current(window, order.id).status is OrderStatus.COMPLETED


def test_a_completion_closes_its_dialog_once_smartrecruiters_has_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialogs = Dialogs(window)
    order = in_progress_order(window, qtbot)
    window.orders.controller.actions[OrderAction.COMPLETE].trigger()
    form = dialogs.wait_for(qtbot, CompleteDialog)
    assert isinstance(form, CompleteDialog)
    with qtbot.waitSignal(form.accepted):
        form.ok.click()
    assert board_of(window).state(order.id).result_id is not None
    assert current(window, order.id).status is OrderStatus.COMPLETED


def test_a_folder_of_wrong_files_dropped_is_refused_in_a_box_that_fits_the_screen(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """Before: one line per file, a box 1,736 px tall on a 1280×800 screen, its OK below the
    bottom edge."""
    order = in_progress_order(window, qtbot)
    paths = []
    for day in range(60):
        path = tmp_path / f"Screenshot from 2026-11-{day:02d} 10-11-12.gif"
        path.write_bytes(b"GIF89a")
        paths.append(path)
    finish(qtbot, window.orders.controller.attach_files(order.id, paths))
    box = next(b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox")
    qtbot.waitUntil(box.isVisible)
    screen = available_room(window)
    qtbot.waitUntil(lambda: screen.contains(box.frameGeometry()))
    assert box.windowTitle() == "60 files were not attached"
    assert "… and 49 more: Show Details… lists them all." in box.text()
    assert box.detailedText().count("\n") == 59  # every file, in the details
    box.close()


def test_a_file_name_from_the_service_is_shown_on_one_line_without_overrides(
    qtbot: QtBot,
) -> None:
    """A file already on SmartRecruiters' result was shown by the name it gave, as written:
    an override (U+202E) drew it backwards ("fdp.tropeR"), a line break cut it short."""
    from app.ui.orders.attachments_panel import AttachmentTableModel, rows_for

    model = AttachmentTableModel()
    model.set_rows(rows_for([], [Attachment(id="a1", file_name="\u202eReport\nfinal.pdf")]))
    assert model.index(0, 0).data() == "Report final.pdf"


def test_a_remembered_percent_is_forgotten_with_its_connection(qtbot: QtBot) -> None:
    """Upload ids are a database's: another profile's file 7 is not this one's file 7."""
    from app.ui.orders.attachments_panel import AttachmentRow, AttachmentTableModel

    model = AttachmentTableModel()
    going = AttachmentRow("report.pdf", 10, UploadState.UPLOADING, upload_id=7)
    model.set_rows([going])
    model.set_progress(7, 1, 2)
    model.set_rows([going])
    assert model.index(0, 2).data() == "Uploading 50 %"
    model.forget_progress()
    model.set_rows([going])
    assert model.index(0, 2).data() == "Uploading"


def test_cancel_stays_off_through_progress_until_the_cancel_has_ended(qtbot: QtBot) -> None:
    """Before: the next chunk's progress, arriving while the Cancel was under way, turned
    Cancel on again, and a second click was refused in a box ("nothing to cancel")."""
    from app.ui.orders.attachments_panel import AttachmentRow, AttachmentsPanel

    panel = AttachmentsPanel()
    qtbot.addWidget(panel)
    asked: list[int] = []
    panel.cancel_requested.connect(asked.append)
    row = AttachmentRow("report.pdf", 30_000_000, UploadState.UPLOADING, 7, percent=10)
    panel.show_rows([row], "")
    panel.table.selectRow(0)
    panel.cancel_button.click()
    panel.model.set_progress(7, 4_000_000, 30_000_000)  # the next chunk, meanwhile
    assert not panel.cancel_button.isEnabled()
    assert not panel.retry_button.isEnabled()
    panel.cancel_button.click()
    assert asked == [7]

    # Another file's call under way meanwhile: each file is unlocked by its own call's end.
    other = AttachmentRow("notes.pdf", 10, UploadState.FAILED, 8)
    panel.show_rows([row, other], "")
    retried: list[int] = []
    panel.retry_requested.connect(retried.append)
    panel.table.selectRow(1)
    panel.retry_button.click()
    panel.settle(7)
    assert not panel.retry_button.isEnabled()  # 8's Retry still under way
    panel.table.selectRow(0)
    assert panel.cancel_button.isEnabled()
    panel.settle(8)
    panel.table.selectRow(1)
    assert panel.retry_button.isEnabled()
    assert retried == [8]


def test_a_failed_upload_reads_on_a_dark_palette(qtbot: QtBot) -> None:
    """On a dark desktop palette a failed upload was drawn in a fixed dark red (#b3261e) on
    the list's dark base: about 2.4:1, under WCAG's 3:1. It keeps that red on a light
    palette, and follows a switch while shown."""
    from app.ui.orders.attachments_panel import AttachmentRow, AttachmentsPanel

    panel = AttachmentsPanel()
    qtbot.addWidget(panel)
    show_exposed(qtbot, panel)
    panel.show_rows([AttachmentRow("report.pdf", 10, UploadState.FAILED, 8, "Access denied")], "")
    failed = panel.model.index(0, 3)

    def ink() -> str:
        return QColor(failed.data(Qt.ItemDataRole.ForegroundRole)).name()

    assert ink() == "#b3261e"
    with app_palette(qtbot, dark_palette(), panel.table):
        assert cell_contrast(panel.table, failed) >= WCAG_MIN
    assert ink() == "#b3261e"


@contextmanager
def disk_full() -> Iterator[None]:
    """No byte more may be written to any file by this process (its file size limit at 0,
    SIGXFSZ ignored): SQLite's own write fails with "database or disk is full"."""
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)


def test_a_drop_on_a_full_disk_is_said_in_words(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    """A report dropped while the data folder's disk was full ended in the crash box
    ("Something unexpected went wrong", a traceback), nothing saying the file was not queued
    nor what to do; a sync says the same disk problem in words."""
    order = in_progress_order(window, qtbot)
    report = tmp_path / "Berke report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"r" * 5000)
    controller = window.orders.controller
    shown_before = len(controller.messages.shown)
    with desk_of(window).db.reading() as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write must reach the file
    with disk_full():
        task = asyncio.ensure_future(controller.attach_files(order.id, [report]))
        qtbot.waitUntil(task.done)
    assert task.exception() is None
    ((title, said),) = controller.messages.shown[shown_before:]
    assert title == "Attach report"
    assert said.startswith(f"{order.candidate.display_name}: This computer could not keep")
    assert "Free some space on the disk" in said
    assert board_of(window).state(order.id).uploads == ()


def test_tab_leaves_the_attachments_table_without_choosing_another_file(qtbot: QtBot) -> None:
    """Before: each Tab in the "Result and attachments" table moved to the next cell, and so
    selected the next file (the one Cancel upload and Retry act on), before the keyboard
    reached what follows in the pane."""
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    from app.ui.orders.attachments_panel import AttachmentRow, AttachmentsPanel

    host = QDialog()
    qtbot.addWidget(host)
    panel = AttachmentsPanel(host)
    after = QLineEdit(host)  # what comes next in the pane (the comment box)
    layout = QVBoxLayout(host)
    layout.addWidget(panel)
    layout.addWidget(after)
    panel.show_rows(
        [AttachmentRow(name, 10, UploadState.FAILED, upload_id=n) for n, name in enumerate("abc")],
        "",
    )
    show_exposed(qtbot, host)
    host.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is host)
    panel.table.setFocus()
    panel.table.selectRow(0)  # the coordinator chose "a", to Retry it
    qtbot.keyClick(panel.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not panel.table
    chosen = panel.selected_row()
    assert chosen is not None
    assert chosen.file_name == "a"
