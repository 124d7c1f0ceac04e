"""What a coordinator reads and types, through the real widgets against the sandbox: the result
of an order completed elsewhere and a report dropped on it, activity lines that name what they
were about, limits said at the field as they are typed, the names Berke holds on the preview and
the slip, and profile problems in words."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.attachments import UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.connection import AppSettings
from app.domain.journal import CommentStep, CreateAssessmentStep, JournalEntry
from app.domain.journal_terms import StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    OrderStatus,
    ResultType,
)
from app.domain.sr_limits import SR_MESSAGE_MAX
from app.store.credentials import KeyStore
from app.ui.main_window import MainWindow
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.detail_pane import OrderDetailPane
from app.ui.orders.order_dialogs import AcceptDialog, RejectDialog
from app.ui.orders.url_preview import UrlPreviewDialog
from app.ui.settings.settings_dialog import SettingsDialog
from tests.integration.helpers import new_order_body
from tests.memory_keyring import memory_keyring
from tests.ui.conftest import connect, make_desk, show_exposed
from tests.ui.contrast import (
    WCAG_MIN,
    app_palette,
    cell_contrast,
    contrast,
    dark_palette,
    painted_contrast,
    text_colour,
)
from tests.ui.test_console_flows import (
    _DESKS,
    Dialogs,
    add_test_order,
    board_of,
    current,
    desk_of,
    finish,
)
from tests.ui.test_results_flow import drop, states

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer


@pytest.fixture(name="window")
def _window(
    qtbot: QtBot,
    qsettings: QSettings,
    sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> Iterator[MainWindow]:
    """The main window on a desk of its own, synced with the sandbox."""
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


def completed_elsewhere(window: MainWindow, qtbot: QtBot, *, with_result: bool) -> str:
    """An order accepted and completed straight in SmartRecruiters, synced and selected."""
    sr = desk_of(window).session.sr
    order = finish(qtbot, sr.create_test_order(new_order_body(first="Olu", last="Adeyemi")))
    finish(qtbot, sr.accept_order(order.id, "https://elsewhere.example.com/a/1"))
    if with_result:
        result = AssessmentResult(
            result_type=ResultType.DOCUMENT,
            result="theirs.pdf",
            title="Fit (other tool)",
            score="64/100",
            passed=True,
        )
        finish(qtbot, sr.complete_with_result(order.id, result))
    else:
        finish(qtbot, sr.complete_with_comment(order.id, message="Done elsewhere"))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    assert current(window, order.id).status is OrderStatus.COMPLETED
    window.orders.select_order(order.id)
    return order.id


def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"r" * 50_000)
    return path


def timeline_texts(window: MainWindow) -> list[str]:
    model = window.orders.detail.timeline
    return [str(model.index(row).data()) for row in range(model.rowCount())]


def test_the_panel_shows_the_result_made_elsewhere_and_a_drop_goes_to_it(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    order_id = completed_elsewhere(window, qtbot, with_result=True)
    panel = window.orders.detail.attachments
    qtbot.waitUntil(
        lambda: panel.result_label.text().startswith("Result: “Fit (other tool)” — 64/100, passed"),
    )
    assert "No result yet" not in panel.result_label.text()
    assert "made outside this desk" in panel.result_label.text()

    drop(panel.table.viewport(), [report(tmp_path)])
    qtbot.waitUntil(lambda: states(window) == {"report.pdf": "done"})
    theirs = finish(qtbot, desk_of(window).session.sr.list_results(order_id))
    assert theirs[0].id is not None
    listed = finish(qtbot, desk_of(window).session.sr.list_attachments(order_id, theirs[0].id))
    assert [a.file_name for a in listed] == ["report.pdf"]
    # The activity list names the file.
    qtbot.waitUntil(
        lambda: any("Report uploaded: report.pdf" in t for t in timeline_texts(window)),
    )


def test_a_drop_on_an_order_completed_without_a_result_is_refused_in_words(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    order_id = completed_elsewhere(window, qtbot, with_result=False)
    panel = window.orders.detail.attachments
    qtbot.waitUntil(lambda: "without a result" in panel.result_label.text())
    drop(panel.table.viewport(), [report(tmp_path)])
    qtbot.waitUntil(
        lambda: any(
            box.isVisible() and "completed outside this desk without a result" in box.text()
            for box in window.findChildren(QMessageBox)
        ),
    )
    assert board_of(window).state(order_id).uploads == ()
    assert all(u.state is not UploadState.QUEUED for u in desk_of(window).results.unfinished())
    order = board_of(window).order(order_id)
    assert order is not None
    (shown,) = [box for box in window.findChildren(QMessageBox) if box.isVisible()]
    assert shown.text().startswith(f"{order.candidate.display_name}: ")  # whom it is about
    for box in window.findChildren(QMessageBox):
        box.close()


def test_reject_says_its_limit_as_it_is_typed_and_the_activity_names_the_reason(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Kai", last="Berg")
    window.orders.controller.actions[OrderAction.REJECT].trigger()
    dialog = dialogs.wait_for(qtbot, RejectDialog)
    assert isinstance(dialog, RejectDialog)
    dialog.reason.setPlainText("x" * 10_828)
    assert len(dialog.reason.toPlainText()) == 10_828  # nothing cut
    assert not dialog.ok.isEnabled()
    assert dialog.reason_limit.isVisible()
    assert dialog.reason_limit.text() == (
        "The reason is too long. At most 2,000 characters: this has 10,828 (8,828 too many). "
        "Shorten it; nothing is cut."
    )
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()  # Ctrl+Enter does not send it either
    dialog.reason.setPlainText("Candidate withdrew")
    assert dialog.reason_limit.text() == "18 / 2,000"
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(lambda: current(window, order.id).status is OrderStatus.REJECTED)
    qtbot.waitUntil(
        lambda: any("Rejected: Candidate withdrew" in t for t in timeline_texts(window)),
    )


def test_a_long_comment_is_never_cut_and_says_its_limit(window: MainWindow, qtbot: QtBot) -> None:
    add_test_order(window, qtbot, first="Noor", last="Haddad")
    detail = window.orders.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.")
    long = "c" * 2_500
    detail.comment_input.setText(long)
    assert detail.comment_input.text() == long  # pasted whole, not cut at 2,000
    assert detail.comment_limit.isVisible()
    assert detail.comment_limit.text().startswith(
        "The comment is too long. At most 2,000 characters: this has 2,500 (500 too many)."
    )
    assert detail.comment_count.text() == "2,500 / 2,000"
    assert not detail.comment_button.isEnabled()
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    assert detail.comments.rowCount() == 0  # Enter does not send it
    detail.comment_input.setText("c" * SR_MESSAGE_MAX)
    assert not detail.comment_limit.isVisible()
    assert detail.comment_button.isEnabled()


def test_the_accept_messages_say_their_limit(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Ada", last="Obi", email="ada@example.com")
    request = CreateAssessmentRequest(first_name="Ada", last_name="Obi")
    finish(qtbot, board_of(window).create_assessment(order.id, request))
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.ACCEPT].trigger()
    dialog = dialogs.wait_for(qtbot, AcceptDialog)
    assert isinstance(dialog, AcceptDialog)
    dialog.to_candidate.setPlainText("m" * 2_001)
    assert not dialog.ok.isEnabled()
    assert dialog.to_candidate_limit.text().startswith("The message to the candidate is too long.")
    dialog.to_candidate.setPlainText("Please take it this week.")
    assert dialog.ok.isEnabled()
    dialog.reject()


def test_the_preview_and_slip_show_the_names_sent_to_berke(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Jon", last="Smyth")
    window.orders.controller.actions[OrderAction.CREATE_ASSESSMENT].trigger()
    form = dialogs.wait_for(qtbot, BerkeAssessmentForm)
    assert isinstance(form, BerkeAssessmentForm)
    # SmartRecruiters misspelled them; the coordinator corrects them in the form.
    form.first_name.setText("Jón")
    form.last_name.setText("Smith-Árnason")
    qtbot.waitUntil(form.can_submit)
    form.create_button.click()
    preview = dialogs.wait_for(qtbot, UrlPreviewDialog)
    assert isinstance(preview, UrlPreviewDialog)
    assert preview.candidate_name == "Jón Smith-Árnason"  # what the printed slip carries
    heading = preview.findChild(QWidget, "candidateHeading")
    assert "Jón Smith-Árnason" in heading.text()  # type: ignore[union-attr]
    assert "Jon Smyth" not in heading.text()  # type: ignore[union-attr]
    assert "Jón Smith-Árnason" in preview.windowTitle()
    (made,) = [e.step for e in desk_of(window).journal.entries(order.id)]
    assert isinstance(made, CreateAssessmentStep)
    assert (made.request.first_name, made.request.last_name) == ("Jón", "Smith-Árnason")
    preview.reject()


def test_a_profile_without_a_name_is_told_so_in_words(
    qtbot: QtBot, tmp_path: Path, qloop: asyncio.AbstractEventLoop
) -> None:
    saved: list[AppSettings] = []
    with memory_keyring():
        dialog = SettingsDialog(AppSettings(), KeyStore(), write=saved.append)
        qtbot.addWidget(dialog)
        dialog.add_profile()
        dialog.name_edit.selectAll()
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Backspace)
        assert qloop.run_until_complete(dialog.save_changes()) is None  # Apply
    assert dialog.error_label.text() == "Give the profile a name."
    assert "should" not in dialog.error_label.text()
    assert saved == []


def test_the_hundredth_comment_is_the_last_and_the_pane_says_so(qtbot: QtBot) -> None:
    """SmartRecruiters' own limit (the reference): at most 100 comments per order."""
    pane = OrderDetailPane([])
    qtbot.addWidget(pane)
    order = AssessmentOrder.model_validate(
        {"id": "o-100", "status": "IN_PROGRESS", "candidate": {"id": "c", "firstName": "Ana"}}
    )
    pane.show_order(order, None)
    pane.show_comments([AssessmentComment(message=f"note {i}") for i in range(99)])
    pane.comment_input.setText("One more")
    assert pane.comment_button.isEnabled()
    pane.comment_added(AssessmentComment(message="One more"))
    assert pane.comment_state.text() == (
        "This order has 100 comments, the most SmartRecruiters allows (100): no more can be added."
    )
    pane.comment_input.setText("And another")
    assert not pane.comment_button.isEnabled()


def _two_orders() -> list[AssessmentOrder]:
    return [
        AssessmentOrder.model_validate(
            {"id": f"o-{n}", "status": "NEW", "candidate": {"id": f"c-{n}", "firstName": first}}
        )
        for n, first in ((1, "Ana"), (2, "Bo"))
    ]


def test_the_reject_dialogs_refusals_and_limit_read_on_a_dark_palette(qtbot: QtBot) -> None:
    """On a dark desktop palette the orders SmartRecruiters refused to reject, and a reason too
    long, were drawn in a fixed dark red (#b3261e) on the dark window: about 2:1, under WCAG's
    3:1. They keep that red on a light palette."""
    orders = _two_orders()
    dialog = RejectDialog(orders)
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    dialog.reason.setPlainText("x" * (SR_MESSAGE_MAX + 1))
    dialog.show_refusals("Ana: SmartRecruiters refused the reject (409).", orders[:1])
    said = [dialog.server_error, dialog.reason_limit]
    assert [text_colour(label) for label in said] == ["#b3261e"] * 2
    with app_palette(qtbot, dark_palette(), dialog):
        for label in said:
            ratio = painted_contrast(label)
            assert ratio >= WCAG_MIN, f"{label.objectName()}: {ratio:.2f}:1"


def test_the_detail_panes_colours_read_on_a_dark_palette(qtbot: QtBot) -> None:
    """On a dark desktop palette the order's status, a comment too long and a failed step were
    drawn in fixed shades picked for a light one: the red and the grey of an order
    SmartRecruiters no longer has read at about 2:1 on the dark pane, under WCAG's 3:1. They
    keep their shades on a light palette, and follow a switch while shown."""
    pane = OrderDetailPane([])
    qtbot.addWidget(pane)
    show_exposed(qtbot, pane)
    order = AssessmentOrder.model_validate(
        {"id": "o-9", "status": "REJECTED", "candidate": {"id": "c", "firstName": "Ana"}}
    )
    pane.show_order(order, None)
    pane.comment_input.setText("c" * (SR_MESSAGE_MAX + 1))
    when = datetime(2025, 5, 1, 10, tzinfo=UTC)
    pane.show_timeline(
        [
            JournalEntry(
                id=1,
                order_id="o-9",
                action=StepKind.COMMENT,
                state=StepState.FAILED,
                step=CommentStep(message="Thanks"),
                message="Access denied",
                created_at=when,
                updated_at=when,
            )
        ]
    )

    def status() -> QColor:
        found = re.search(r"color:(#[0-9a-f]{6})", pane.status.text())
        assert found is not None
        return QColor(found[1])

    def status_contrast() -> float:
        return contrast(status(), pane.status.palette().color(QPalette.ColorRole.Window))

    failed = pane.timeline.index(0)
    assert status().name() == text_colour(pane.comment_limit) == "#b3261e"
    assert QColor(failed.data(Qt.ItemDataRole.ForegroundRole)).name() == "#b3261e"
    pane.show_gone(True)
    assert status().name() == "#6b6b6b"
    with app_palette(qtbot, dark_palette(), pane, pane.timeline_list):
        assert status_contrast() >= WCAG_MIN  # the grey of a gone order, redrawn
        pane.show_order(order, None)
        assert status_contrast() >= WCAG_MIN  # rejected
        pane.scroll_area.ensureWidgetVisible(pane.comment_limit)
        assert painted_contrast(pane.comment_limit) >= WCAG_MIN
        assert cell_contrast(pane.timeline_list, failed) >= WCAG_MIN
    assert status().name() == "#b3261e"
