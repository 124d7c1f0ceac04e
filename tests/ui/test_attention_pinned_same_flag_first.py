"""Pins ``FlagsBox._keyboard_back``'s ``same_flag`` rule (app/ui/orders/detail_pane.py): the
keyboard on a flag's fix, which turned off as the box is rebuilt, goes to that flag's own text,
even when another flag now stands where it stood.

Mutant killed: ``usable = same or same_flag or stops`` -> ``usable = same or stops``. It
survived tests/ui/test_attention_box_keyboard.py, whose rebuilds keep each flag at its place:
with a flag added above, the keyboard went to the next flag's fix, where a Space meant for
the greyed "Create, accept and invite…" opened "Create a Berke assessment…" instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from app.domain.attention import Attention, Flag
from app.domain.order_rules import OrderAction
from tests.ui.test_attention_box_keyboard import (
    NO_ASSESSMENT,
    STALE_NEW,
    active_pane,
    button,
    keyboard_on,
    the_action,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

NOT_STARTED = Flag(Attention.NOT_STARTED, "Invited 9 days ago, not started.", None, "Not started")


def test_a_fix_turned_off_as_a_flag_is_added_above_leaves_the_keyboard_on_its_own_flag(
    qtbot: QtBot,
) -> None:
    pane = active_pane(qtbot)
    pane.show_flags([NO_ASSESSMENT, STALE_NEW])
    keyboard_on(qtbot, button(pane.flags, "fix_stale_new"))
    action = the_action(pane, OrderAction.CREATE_ACCEPT_INVITE)
    action.blockSignals(True)  # turned off; the box's buttons have not followed it yet
    action.setEnabled(False)
    action.blockSignals(False)
    pane.show_flags([NOT_STARTED, NO_ASSESSMENT, STALE_NEW])  # a poll adds a flag above
    landed = QApplication.focusWidget()
    assert landed is not None
    assert landed.objectName() == "text_stale_new", landed.objectName()
