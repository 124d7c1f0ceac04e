"""Complete an order and drop report files on the real widgets: progress, cancel, retry."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.domain.attachments import UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.ui.complete_dialog import CompleteDialog
from app.ui.main_window import MainWindow
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order, create_assessment
from tests.integration.helpers import new_order_body
from tests.ui.conftest import make_desk
from tests.ui.test_console_flows import Dialogs, finish

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer


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
    made.set_desk(desk)
    with qtbot.waitSignal(made.sync_finished, timeout=10_000):
        made.request_sync()
    yield made
    made.poll_timer.stop()
    closing = asyncio.ensure_future(desk.session.aclose())
    qtbot.waitUntil(closing.done, timeout=5000)
    desk.db.close()


def in_progress_order(window: MainWindow, qtbot: QtBot) -> AssessmentOrder:
    desk: Desk = window.desk  # type: ignore[assignment]

    async def prepare() -> AssessmentOrder:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ana", last="Lima"))
        await create_assessment(
            desk, order, CreateAssessmentRequest(first_name="Ana", last_name="Lima")
        )
        return await accept_order(desk, order)

    order = finish(qtbot, prepare())
    with qtbot.waitSignal(window.sync_finished, timeout=10_000):
        window.request_sync()
    window.controller.set_desk(desk, desk.journal.all_assessments())
    window.select_order(order.id)
    return order


def drop(widget: QWidget, paths: list[Path], at: QPoint | None = None) -> None:
    """What a drag from the file manager delivers: enter, then drop, on ``widget``."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(at if at is not None else widget.rect().center())
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, event)


def states(window: MainWindow) -> dict[str, str]:
    model = window.detail.attachments.model
    return {row.file_name: row.state.value for row in model.rows}


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
    complete = window.controller.actions[OrderAction.COMPLETE]
    assert complete.isEnabled()
    complete.trigger()
    dialog = dialogs.wait_for(qtbot, CompleteDialog)
    assert isinstance(dialog, CompleteDialog)
    dialog.score.setText("87/100")
    dialog.passed.setCurrentIndex(1)
    dialog.description.setPlainText("<p>Fine</p><script>x</script>")
    assert not dialog.ok.isEnabled()
    assert "script" in dialog.error.text()
    dialog.description.setPlainText("<p><strong>High</strong> fit</p>")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    assert window.desk is not None
    qtbot.waitUntil(lambda: window.desk.results.result_id_for(order.id) is not None, timeout=10_000)  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: "Result id" in window.detail.attachments.result_label.text(), timeout=5000
    )

    progress: list[tuple[int, int, int]] = []
    window.controller.upload_progress.connect(lambda u, s, t: progress.append((u, s, t)))
    drop(window.detail.attachments.table.viewport(), files(tmp_path))
    qtbot.waitUntil(
        lambda: states(window) == {"Berke report.pdf": "done", "notes.txt": "done"}, timeout=20_000
    )
    assert any(s == t and t > 1_000_000 for _u, s, t in progress)  # the big one reached 100 %
    assert len([p for p in progress if p[2] > 1_000_000]) >= 3  # in steps, not all at once
    result_id = window.desk.results.result_id_for(order.id)
    remote = finish(qtbot, window.desk.session.sr.list_attachments(order.id, result_id))  # type: ignore[arg-type]
    assert sorted(a.file_name for a in remote) == ["Berke report.pdf", "notes.txt"]


def test_cancel_one_upload_then_retry_it(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    order = in_progress_order(window, qtbot)
    desk: Desk = window.desk  # type: ignore[assignment]
    from app.domain.smartrecruiters import AssessmentResult, ResultType
    from app.workflows.results import complete_order

    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf")
    finish(
        qtbot,
        complete_order(desk, window.model.order_at(window.model.row_of(order.id) or 0), result),
    )
    window.select_order(order.id)
    big = tmp_path / "large report.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"z" * 12_000_000)
    cancelled: list[int] = []
    cancelling: list[asyncio.Future[None]] = []

    def cancel_on_first_progress(upload_id: int, sent: int, total: int) -> None:
        if sent and not cancelled:
            cancelled.append(upload_id)
            cancelling.append(asyncio.ensure_future(window.controller.cancel_upload(upload_id)))

    window.controller.upload_progress.connect(cancel_on_first_progress)
    finish(qtbot, window.controller.attach_files(order, [big]))
    qtbot.waitUntil(lambda: states(window).get(big.name) == "cancelled", timeout=20_000)
    window.controller.upload_progress.disconnect(cancel_on_first_progress)
    # The cancelled upload is not resumed by the background resumer.
    assert desk.results.unfinished() == []
    panel = window.detail.attachments
    panel.table.selectRow(0)
    assert panel.retry_button.isEnabled()
    assert not panel.cancel_button.isEnabled()
    panel.retry_button.click()
    qtbot.waitUntil(lambda: states(window).get(big.name) == "done", timeout=30_000)
    upload = desk.results.for_order(order.id)[0]
    assert upload.state is UploadState.DONE
    remote = finish(qtbot, desk.session.sr.list_attachments(order.id, upload.result_id))  # type: ignore[arg-type]
    assert [a.file_name for a in remote] == [big.name]  # attached exactly once


def test_drop_on_a_table_row_and_refusals(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    order = in_progress_order(window, qtbot)
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ")
    index = window.proxy.mapFromSource(window.model.index(window.model.row_of(order.id) or 0, 0))
    at = window.table.visualRect(index).center()
    drop(window.table.viewport(), [exe], at)
    qtbot.waitUntil(
        lambda: any(b.isVisible() and "setup.exe cannot be attached" in b.text()
                    for b in window.findChildren(QMessageBox)),
        timeout=5000,
    )  # fmt: skip
    assert window.desk is not None
    assert window.desk.results.for_order(order.id) == []


def test_attach_is_disabled_on_new_orders(window: MainWindow) -> None:
    new = next(o for o in window.model.orders() if o.status is OrderStatus.NEW)
    window.select_order(new.id)
    attach = window.controller.actions[OrderAction.ATTACH]
    assert not attach.isEnabled()
    assert "accepted or completed" in attach.toolTip()
