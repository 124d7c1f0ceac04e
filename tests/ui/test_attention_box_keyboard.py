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
