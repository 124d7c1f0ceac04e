"""The coordinator has tabbed to "Cancel this step…" on a comment left waiting (a 503) and is
deciding. The board's own resumer pass sends the step meanwhile: the Activity reloads, Cancel
turns off under the keyboard, and Qt hands the keyboard on to a tab bar, where the next arrow
meant for the pane switches tabs. Pressing Cancel/Retry hands it to the Activity list
(``_keyboard_to_activity``); the program turning the button off must not do worse."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QTabBar
from pytestqt.qtbot import QtBot

from app.clients.errors import ServerError
from app.domain.journal_terms import StepState
from app.ui.main_window import MainWindow
from tests.ui.test_activity_follows_steps import (
    choose,
    refusing_comments,
    shown_entries,
    shown_state,
)
from tests.ui.test_attention_box_keyboard import keyboard_on
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    add_test_order,
    board_of,
    desk_of,
    finish,
    live_desk,
    window,
)


def test_the_resumer_sending_a_step_leaves_the_keyboard_in_the_activity(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    window.resize(1280, 800)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    order = add_test_order(window, qtbot, first="Ines", last="Moreau")
    board, room = board_of(window), window.orders
    detail = room.detail
    fault = refusing_comments(window, {"first note"})
    with pytest.raises(ServerError):
        finish(qtbot, board.add_comment(order.id, "first note"))
    (step,) = desk_of(window).journal.entries(order.id)
    room.select_order(order.id)
    qtbot.waitUntil(lambda: len(shown_entries(detail)) == 1)
    finish(qtbot, room.wait_idle())
    choose(detail, step.id)
    assert detail.cancel_step_button.isEnabled()
    keyboard_on(qtbot, detail.cancel_step_button)  # tabbed there, not pressed

    fault.refused = set()  # SmartRecruiters takes it now
    finish(qtbot, board.resume())  # the board's own pass, as its timer runs it
    qtbot.waitUntil(lambda: shown_state(detail, step.id) is StepState.DONE)
    finish(qtbot, room.wait_idle())

    landed = QApplication.focusWidget()
    assert not isinstance(landed, QTabBar), (landed, landed and landed.parent())
    assert landed is detail.timeline_list
