"""Cancelling, from the order's Activity, a step left waiting to be sent (a 503): asked first
in plain words, Keep by default, and then never sent; the order's row and actions come back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.clients.errors import ServerError
from app.domain.journal_terms import StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import OrderStatus
from app.domain.step_cancel import ASKED_AGAIN_BY
from app.ui.main_window import MainWindow
from app.ui.orders.order_actions import _SPECS
from app.workflows.refusals import COMMENT_SENT_AGAIN
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    add_test_order,
    answer_once,
    board_of,
    desk_of,
    finish,
    live_desk,
    refusing_reject,
    window,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def the_box(shown: MainWindow) -> QMessageBox | None:
    boxes = [b for b in shown.findChildren(QMessageBox) if b.isVisible()]
    return boxes[-1] if boxes else None


def step_state(shown: MainWindow, order_id: str) -> StepState:
    (step,) = desk_of(shown).journal.entries(order_id)
    return step.state


def test_a_waiting_reject_is_cancelled_from_the_activity_and_never_sent(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Before, only a file could be cancelled: a reject left waiting by a 503 went once
    SmartRecruiters was back, whatever the coordinator had decided since."""
    order = add_test_order(window, qtbot, first="Mia", last="Lund")
    refusing_reject(window, [order.id], 503, ServerError)
    assert len(finish(qtbot, board_of(window).reject([order.id], reason="Duplicate."))) == 1
    assert board_of(window).state(order.id).pending == {StepKind.REJECT}
    room = window.orders
    room.select_order(order.id)
    detail = room.detail
    reject = room.controller.actions[OrderAction.REJECT]
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 1)
    assert not detail.cancel_step_button.isEnabled()  # nothing chosen yet
    # By keyboard: the step chosen in the list, then the button reached and pressed.
    detail.timeline_list.setFocus()
    detail.timeline_list.setCurrentIndex(detail.timeline.index(0))
    assert detail.cancel_step_button.isEnabled()
    assert not detail.retry_step_button.isEnabled()
    assert detail.cancel_step_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert not reject.isEnabled()  # the reject waits: not offered again

    qtbot.keyClick(detail.cancel_step_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: the_box(window) is not None)
    box = the_box(window)
    assert box is not None
    assert "Mia Lund: The reject of this order will not be sent to SmartRecruiters." in box.text()
    assert box.defaultButton().text() == "Keep it waiting"
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default: nothing is cancelled
    qtbot.waitUntil(lambda: the_box(window) is None)
    qtbot.waitUntil(detail.cancel_step_button.isEnabled)
    assert step_state(window, order.id) is StepState.PENDING

    detail.cancel_step_button.click()
    qtbot.waitUntil(lambda: the_box(window) is not None)
    box = the_box(window)
    assert box is not None
    (cancel,) = [b for b in box.buttons() if b.text() == "Cancel the reject"]
    cancel.click()
    qtbot.waitUntil(lambda: step_state(window, order.id) is StepState.CANCELLED)

    def shown_cancelled() -> bool:
        entry = detail.timeline.index(0).data(Qt.ItemDataRole.UserRole)
        return entry is not None and entry.state is StepState.CANCELLED

    qtbot.waitUntil(shown_cancelled)
    assert "(cancelled" in detail.timeline.data(detail.timeline.index(0))
    assert not detail.cancel_step_button.isEnabled()
    assert not detail.retry_step_button.isEnabled()  # a cancel is not undone by Retry
    model = room.model
    assert model.row(model.row_of(order.id) or 0).activity == ""  # neither under way nor failed
    qtbot.waitUntil(reject.isEnabled)  # the order's own actions are back

    finish(qtbot, board_of(window).resume())
    order_now = finish(qtbot, desk_of(window).session.sr.get_order(order.id))
    assert order_now.status is OrderStatus.NEW
    assert step_state(window, order.id) is StepState.CANCELLED
    finish(qtbot, room.controller.wait_idle())


def test_the_cancel_of_a_waiting_comment_quotes_it_and_says_where_to_type_it_again(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """It said "“Add comment” can be asked again later, from the order's actions": no order
    action adds a comment (the Order menu, the pane's buttons and Ctrl+K have none), and the
    words are gone from the Comments box, cleared when the comment was left waiting."""
    window.resize(1280, 800)
    add_test_order(window, qtbot, first="Rosa", last="Lind")
    room = window.orders
    detail = room.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.")
    answer_once(desk_of(window), "sr", 503, "/comments")
    detail.comment_input.setText("Called the candidate about timing")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.comment_state.text() == COMMENT_SENT_AGAIN)
    assert detail.comment_input.text() == ""
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 1)
    detail.timeline_list.setCurrentIndex(detail.timeline.index(0))
    detail.cancel_step_button.click()
    qtbot.waitUntil(lambda: the_box(window) is not None)
    box = the_box(window)
    assert box is not None
    assert "The comment “Called the candidate about timing” will not be added" in box.text()
    said = box.informativeText()
    assert said.endswith("Type it again in the order's Comments box to add it later.")
    keep = next(b for b in box.buttons() if b.text() == "Keep it waiting")
    keep.click()
    qtbot.waitUntil(lambda: the_box(window) is None)
    finish(qtbot, room.controller.wait_idle())
    actions = [a.text().replace("&", "") for a in room.controller.actions.values()]
    assert not any("comment" in text.lower() for text in actions)  # as the words say


def test_the_action_a_cancel_points_to_is_one_the_order_menu_has() -> None:
    """The cancel's words quoted the step's own label as the action to use again ("“Send
    Berke invitation” can be asked again…"): the menu says "Send invitation", and "Delete
    Berke assessment" is "Delete in Berke…"."""
    menu = {text.replace("&", "").rstrip("…") for _action, text, _keys in _SPECS}
    assert set(ASKED_AGAIN_BY.values()) <= menu


def test_space_on_cancel_this_step_leaves_the_keyboard_in_the_activity(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Space on "Cancel this step…" turns it off: Qt handed the focus on to a tab bar, where
    it stayed after "Keep it waiting", and the arrow keys then switched tabs instead of moving
    in the order's Activity."""
    window.activateWindow()
    order = add_test_order(window, qtbot, first="Mia", last="Lund")
    refusing_reject(window, [order.id], 503, ServerError)
    finish(qtbot, board_of(window).reject([order.id], reason="Duplicate."))
    room = window.orders
    detail = room.detail
    room.select_order(order.id)
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 1)
    detail.timeline_list.setFocus()
    detail.timeline_list.setCurrentIndex(detail.timeline.index(0))
    qtbot.keyClick(detail.timeline_list, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is detail.cancel_step_button
    qtbot.keyClick(detail.cancel_step_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: the_box(window) is not None)
    box = the_box(window)
    assert box is not None
    qtbot.keyClick(box, Qt.Key.Key_Return)  # "Keep it waiting", the default
    qtbot.waitUntil(lambda: the_box(window) is None)
    finish(qtbot, room.controller.wait_idle())
    qtbot.waitUntil(detail.cancel_step_button.isEnabled)
    assert step_state(window, order.id) is StepState.PENDING
    assert window.focusWidget() is detail.timeline_list
