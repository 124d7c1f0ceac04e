"""The detail pane's Activity: Retry and Cancel this step offered only where they can work
(never read-only, never on a snapshot's copy), failed steps in red."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.journal import CommentStep, JournalEntry
from app.domain.journal_terms import StepState
from app.domain.smartrecruiters import AssessmentComment, AssessmentOrder
from app.ui.orders.detail_pane import OrderDetailPane
from tests.ui.screen_reader import heard

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

WHEN = datetime(2025, 5, 1, 10, tzinfo=UTC)


def step(number: int, state: StepState, payload: Any = None, message: str = "") -> JournalEntry:
    payload = payload or CommentStep(message=f"Note {number}")
    at = WHEN + timedelta(minutes=number)
    return JournalEntry(
        id=number, order_id="o-1", action=payload.action, state=state, step=payload,
        message=message or None, created_at=at, updated_at=at,
    )  # fmt: skip


class Copy:
    """A step as a snapshot holds it: not the journal's own (duck-typed TimelineEntry)."""

    def __init__(self, entry: JournalEntry) -> None:
        self.id, self.action, self.state = entry.id, entry.action, entry.state
        self.message, self.created_at = entry.message, entry.created_at


def pane_showing_an_order(qtbot: QtBot) -> OrderDetailPane:
    pane = OrderDetailPane([])
    qtbot.addWidget(pane)
    order = {"id": "o-1", "status": "IN_PROGRESS",
             "candidate": {"id": "c", "firstName": "Ana", "lastName": "Silva"}}  # fmt: skip
    pane.show_order(AssessmentOrder.model_validate(order), None)
    return pane


def choose(pane: OrderDetailPane, row: int) -> None:
    pane.timeline_list.setCurrentIndex(pane.timeline.index(row))


def test_read_only_pane_never_offers_cancel_of_a_waiting_step(qtbot: QtBot) -> None:
    pane = pane_showing_an_order(qtbot)
    pane.set_read_only("A snapshot cannot be changed.")
    pane.show_timeline([step(1, StepState.PENDING)])
    choose(pane, 0)
    assert not pane.cancel_step_button.isEnabled()
    assert pane.cancel_step_button.toolTip() == "A snapshot cannot be changed."


def test_read_only_pane_never_offers_retry_of_a_failed_step(qtbot: QtBot) -> None:
    pane = pane_showing_an_order(qtbot)
    pane.show_timeline([step(1, StepState.FAILED, message="503")])
    choose(pane, 0)
    assert pane.retry_step_button.isEnabled()
    pane.set_read_only("A snapshot cannot be changed.")
    assert not pane.retry_step_button.isEnabled()
    assert pane.retry_step_button.toolTip() == "A snapshot cannot be changed."
    pane.show_timeline([step(1, StepState.FAILED, message="503")])  # shown again
    assert not pane.retry_step_button.isEnabled()


def test_a_snapshots_copy_of_a_waiting_step_is_not_cancellable(qtbot: QtBot) -> None:
    pane = pane_showing_an_order(qtbot)
    pane.show_timeline([Copy(step(1, StepState.PENDING))])
    choose(pane, 0)
    assert not pane.cancel_step_button.isEnabled()


def test_a_snapshots_copy_of_a_failed_step_has_no_retry_refusal(qtbot: QtBot) -> None:
    pane = pane_showing_an_order(qtbot)
    copy = Copy(step(1, StepState.FAILED))
    pane.timeline.set_entries([copy])
    assert pane.timeline.retry_refused(copy) is None


def test_the_chosen_step_stays_chosen_when_the_timeline_comes_again(qtbot: QtBot) -> None:
    pane = pane_showing_an_order(qtbot)
    failed = step(2, StepState.FAILED, message="503")
    pane.show_timeline([step(1, StepState.DONE), failed])
    choose(pane, 1)
    pane.show_timeline([step(1, StepState.DONE), failed, step(3, StepState.DONE)])
    assert pane.selected_entry() == failed
    assert pane.retry_step_button.isEnabled()


def test_only_a_failed_step_is_painted_red(qtbot: QtBot) -> None:
    pane = pane_showing_an_order(qtbot)
    pane.show_timeline([step(1, StepState.DONE), step(2, StepState.FAILED)])
    model = pane.timeline
    assert model.index(0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_the_pane_tab_reaches_is_heard_by_its_name(qtbot: QtBot) -> None:
    """Tab reaches the pane's scroll area, which a screen reader read out as nothing."""
    pane = pane_showing_an_order(qtbot)
    assert heard(pane.scroll_area).startswith("Order details")


def test_a_comment_waiting_to_go_keeps_its_words_through_a_reload_of_the_list(
    qtbot: QtBot,
) -> None:
    """A comment that could not go now is sent by itself later; the list is read again after
    every comment sent, and that read set "No comments yet.": the coordinator read the
    comment as lost. Its words stay until the list shows it."""
    pane = pane_showing_an_order(qtbot)
    pane.show_comments([])
    said = "SmartRecruiters was busy: the comment goes by itself once it answers."
    pane.comment_waiting("Called the candidate.", said)
    pane.show_comments([])  # the read after the send: not there yet
    assert pane.comment_state.text() == said
    pane.show_comments([AssessmentComment(message="Called the candidate.")])  # it went
    assert pane.comment_state.text() == ""
    pane.show_comments([])
    assert pane.comment_state.text() == "No comments yet."


def drag_over(widget: QWidget, mime: QMimeData) -> None:
    """A drag entering ``widget`` and let go there, as Qt delivers it (up to the widget that
    takes it)."""
    point = QPointF(widget.rect().center())
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, enter)
    drop = QDropEvent(point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(widget, drop)


def test_a_report_dropped_on_the_comment_box_goes_to_the_result(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A file manager's drag carries the file's URL and its location as plain text (GNOME
    Files' NAUTILUS_ICON_DND_TEXT_TYPE): let go over the comment box, the box took it as text,
    the path was typed into the comment (which Add comment sends to the recruiter), and
    nothing was attached. A report dropped anywhere on the pane goes to its result."""
    pane = pane_showing_an_order(qtbot)
    pane.show()
    report = tmp_path / "Berke report - Ana Silva.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"r" * 100)
    dropped: list[list[Path]] = []
    pane.attachments.files_dropped.connect(dropped.append)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(report))])
    mime.setText(str(report))

    drag_over(pane.comment_input, mime)

    assert pane.comment_input.text() == ""
    assert dropped == [[report]]
    # Text dragged from elsewhere (a web page's link is no file) is still typed there.
    words = QMimeData()
    words.setUrls([QUrl("https://example.com/brief")])
    words.setText("Called the candidate.")
    drag_over(pane.comment_input, words)
    assert pane.comment_input.text() == "Called the candidate."
    assert dropped == [[report]]
