"""The detail pane's "Needs attention" box from the keyboard: its buttons are made afresh for
each change of the order, and the keyboard on one of them was lost with it (nowhere, or on a
tab bar where the next arrow switched tabs); and they came last in the Tab order, after the
Activity, though the box is drawn under the order's title."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QTabBar, QWidget

from app.domain.attention import Attention, Flag
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.main_window import MainWindow
from app.ui.orders.detail_pane import FlagsBox, OrderDetailPane
from tests.ui.conftest import show_exposed
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    board_of,
    finish,
    live_desk,
    window,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

NO_ASSESSMENT = Flag(
    Attention.NO_ASSESSMENT,
    "The order is in progress but has no Berke assessment here.",
    OrderAction.CREATE_ASSESSMENT,
    "No Berke assessment",
)
STALE_NEW = Flag(
    Attention.STALE_NEW,
    "The order has been new for 3 days.",
    OrderAction.CREATE_ACCEPT_INVITE,
    "New for 3 days",
)


def button(box: FlagsBox, name: str) -> QPushButton:
    """The box's button of that name among its rows now (not one of rows going away)."""
    return next(
        b for row in box.rows for b in row.findChildren(QPushButton) if b.objectName() == name
    )


def active_pane(qtbot: QtBot) -> OrderDetailPane:
    actions = []
    for kind in (OrderAction.CREATE_ASSESSMENT, OrderAction.CREATE_ACCEPT_INVITE):
        action = QAction(kind.value)
        action.setObjectName(f"action_{kind.value}")
        actions.append(action)
    pane = OrderDetailPane(actions)
    for action in actions:
        action.setParent(pane)  # alive as long as the pane
    qtbot.addWidget(pane)
    order = {"id": "o-1", "status": "IN_PROGRESS",
             "candidate": {"id": "c", "firstName": "Ana", "lastName": "Silva"}}  # fmt: skip
    pane.show_order(AssessmentOrder.model_validate(order), None)
    show_exposed(qtbot, pane)
    pane.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is pane)
    return pane


def keyboard_on(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def test_the_keyboard_goes_to_the_next_flag_when_its_flag_goes(qtbot: QtBot) -> None:
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    keyboard_on(qtbot, button(pane.flags, "dismiss_no_assessment"))
    pane.show_flags([STALE_NEW])  # left alone
    assert QApplication.focusWidget() is button(pane.flags, "fix_stale_new")


def test_the_keyboard_stays_on_its_button_when_the_box_is_shown_again(qtbot: QtBot) -> None:
    """The box is rebuilt for any change of the order (a poll, a comment read): the keyboard
    on a flag still there stays on that flag's button."""
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    keyboard_on(qtbot, button(pane.flags, "dismiss_stale_new"))
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    assert QApplication.focusWidget() is button(pane.flags, "dismiss_stale_new")


def test_the_keyboard_on_the_last_flag_is_handed_on_when_it_goes(qtbot: QtBot) -> None:
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT])
    keyboard_on(qtbot, button(pane.flags, "fix_no_assessment"))
    with qtbot.waitSignal(pane.flags.keyboard_left, timeout=1000):
        pane.show_flags([])


def test_each_leave_it_names_its_flag(qtbot: QtBot) -> None:
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    names = [
        button(pane.flags, f"dismiss_{flag.kind.value}").accessibleName()
        for flag in (NO_ASSESSMENT, STALE_NEW)
    ]
    assert names == ["Leave it: No Berke assessment", "Leave it: New for 3 days"]


def flagged_no_assessment(window: MainWindow, qtbot: QtBot) -> str:  # noqa: F811
    """An order flagged for want of an assessment, selected in the active window."""
    board = board_of(window)
    order = next(
        o for o in board.orders() if Attention.NO_ASSESSMENT in [f.kind for f in board.flags(o.id)]
    )
    window.resize(1280, 800)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.orders.select_order(order.id)
    finish(qtbot, window.orders.wait_idle())  # its details read (the box shown again)
    box = window.orders.detail.flags
    qtbot.waitUntil(
        lambda: any(b.isVisible() for b in box.findChildren(QPushButton, "dismiss_no_assessment"))
    )
    return order.id


def test_leave_it_from_the_keyboard_keeps_the_keyboard_on_the_orders(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    flagged_no_assessment(window, qtbot)
    room = window.orders
    keyboard_on(qtbot, button(room.detail.flags, "dismiss_no_assessment"))
    leave = QApplication.focusWidget()
    assert leave is not None
    qtbot.keyClick(leave, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not room.detail.flags.isVisible())  # the flag is gone
    finish(qtbot, room.controller.wait_idle())
    landed = QApplication.focusWidget()
    # Not nowhere (every key but the window's shortcuts dropped), nor the Inbox/Candidates
    # tab bar (the next arrow meant for the list switched tabs).
    assert not isinstance(landed, QTabBar)
    assert landed is room.table


def test_a_fix_whose_flag_goes_while_its_dialog_is_open_gives_the_keyboard_to_the_orders(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """A fix ("Create…") opens its dialog, and the flag clears behind it: the window's
    keyboard, for when the dialog closes, was on the deleted button (nowhere)."""
    order_id = flagged_no_assessment(window, qtbot)
    room = window.orders
    keyboard_on(qtbot, button(room.detail.flags, "fix_no_assessment"))
    dialog = QDialog(window)
    show_exposed(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    finish(qtbot, board_of(window).dismiss(order_id, Attention.NO_ASSESSMENT.value))
    qtbot.waitUntil(lambda: not room.detail.flags.isVisible())
    dialog.close()
    window.activateWindow()  # as the window manager does when the dialog goes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is room.table, timeout=5000)


def test_the_needs_attention_buttons_come_before_the_activity_in_tab_order(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    flagged_no_assessment(window, qtbot)
    room = window.orders
    # The box is drawn above the order's actions and its Activity ...
    top = lambda w: w.mapTo(room.detail, w.rect().topLeft()).y()  # noqa: E731
    assert top(room.detail.flags) < top(room.detail.action_buttons[0])
    # ... so Tab from the order list reaches its buttons first.
    keyboard_on(qtbot, room.table)
    order: list[QWidget] = []
    for _ in range(30):
        focus = QApplication.focusWidget()
        assert focus is not None
        order.append(focus)
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
    named = [w.objectName() for w in order]
    fix, leave = named.index("fix_no_assessment"), named.index("dismiss_no_assessment")
    assert leave == fix + 1, named
    first_action = next(b.objectName() for b in room.detail.action_buttons if b.isEnabled())
    assert leave < named.index(first_action), named
    assert leave < named.index("timelineList"), named


def the_action(pane: OrderDetailPane, kind: OrderAction) -> QAction:
    action = pane.findChild(QAction, f"action_{kind.value}")
    assert action is not None
    return action


WAITING = "A step of this order waits to be sent again."


def test_a_fix_greyed_under_the_keyboard_does_not_hand_space_to_leave_it(qtbot: QtBot) -> None:
    """The keyboard on "Create…" as its action turns off while the flag stays (the resumer
    starts sending a waiting step of the order, an automatic delivery holds it): Qt handed it
    to the next button, the same flag's "Leave it", and the Space meant for "Create…" (or
    pressed again, to see why nothing happened) took the flag off for good. It goes to the
    flag's text, which says why the fix is off."""
    pane = active_pane(qtbot)
    dismissed: list[str] = []
    pane.flags.dismiss_requested.connect(dismissed.append)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    keyboard_on(qtbot, button(pane.flags, "fix_no_assessment"))
    action = the_action(pane, OrderAction.CREATE_ASSESSMENT)

    action.setEnabled(False)
    action.setToolTip(WAITING)  # as the order actions give the reason, after turning it off

    landed = QApplication.focusWidget()
    assert landed is not None
    assert landed.objectName() == "text_no_assessment"
    assert landed.accessibleDescription() == WAITING
    qtbot.keyClick(landed, Qt.Key.Key_Space)  # meant for "Create…"
    assert dismissed == []
    # Tab goes on from there as from the fix: to the flag's "Leave it", for one who means it.
    qtbot.keyClick(landed, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is button(pane.flags, "dismiss_no_assessment")


def test_a_box_rebuilt_with_the_fix_greyed_does_not_put_the_keyboard_on_leave_it(
    qtbot: QtBot,
) -> None:
    """A poll or a Berke round rebuilds the box, the flag still there and its fix off: the
    keyboard on the fix went to the first button on, the flag's "Leave it"."""
    pane = active_pane(qtbot)
    dismissed: list[str] = []
    pane.flags.dismiss_requested.connect(dismissed.append)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    keyboard_on(qtbot, button(pane.flags, "fix_no_assessment"))

    the_action(pane, OrderAction.CREATE_ASSESSMENT).setEnabled(False)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])

    landed = QApplication.focusWidget()
    assert landed is not None
    assert landed.objectName() == "text_no_assessment"
    assert pane.flags.rows[0].isAncestorOf(landed)  # the new row's, not one going away
    qtbot.keyClick(landed, Qt.Key.Key_Space)
    assert dismissed == []


def test_a_rebuild_finding_the_fix_off_puts_the_keyboard_on_its_flags_text(qtbot: QtBot) -> None:
    """The rebuild sees the keyboard still on the fix (turned off before any row took it)."""
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    keyboard_on(qtbot, button(pane.flags, "fix_no_assessment"))
    action = the_action(pane, OrderAction.CREATE_ASSESSMENT)
    action.blockSignals(True)  # the box's buttons have not followed it yet
    action.setEnabled(False)
    action.blockSignals(False)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    landed = QApplication.focusWidget()
    assert landed is not None
    assert landed.objectName() == "text_no_assessment"


def test_a_flags_text_takes_the_keyboard_only_while_its_fix_is_off(qtbot: QtBot) -> None:
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT])
    text = pane.flags.rows[0].findChild(QWidget, "text_no_assessment")
    assert text is not None
    assert text.focusPolicy() == Qt.FocusPolicy.NoFocus
    action = the_action(pane, OrderAction.CREATE_ASSESSMENT)
    action.setEnabled(False)
    assert text.focusPolicy() == Qt.FocusPolicy.TabFocus
    action.setEnabled(True)
    assert text.focusPolicy() == Qt.FocusPolicy.NoFocus
    assert text.accessibleDescription() == ""


def test_the_keyboard_goes_back_to_the_fix_when_it_turns_on_again(qtbot: QtBot) -> None:
    """The fix greyed under the keyboard put it on the flag's text; on again (the waiting
    step was sent, the box not rebuilt), it goes back to the fix: left on the text, made
    unfocusable, it showed nowhere and Space did nothing."""
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    fix = button(pane.flags, "fix_no_assessment")
    keyboard_on(qtbot, fix)
    action = the_action(pane, OrderAction.CREATE_ASSESSMENT)
    action.setEnabled(False)
    landed = QApplication.focusWidget()
    assert landed is not None
    assert landed.objectName() == "text_no_assessment"

    action.setEnabled(True)  # the waiting step was sent: Create… is on again

    now = QApplication.focusWidget()
    assert now is fix, f"keyboard left on {now.objectName() if now else None!r} (NoFocus label)"
