"""A service's refusal keeps the dialog that sent the call on the screen (Accept, Complete,
Send invitation; the Create form alike): its lines free to wrap inside a long word, and at
most ``REFUSAL_LINES`` of them. The clients keep 1,000 characters of it: one long value (an
id, a URL: no space in 1,000 characters) made each dialog about 7,000 px wide; 90 short
lines (a stack trace in the message) about 1,400–1,550 px tall, its buttons off the screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.clients.errors import Service, ValidationApiError
from app.ui.common.screens import available_room
from app.ui.orders.complete_dialog import CompleteDialog
from app.ui.orders.invite_dialog import InviteDialog
from app.ui.orders.order_dialogs import AcceptDialog
from tests.ui.conftest import show_exposed
from tests.ui.test_dialog_keys import link, order

# What the clients keep of a service's message (1,000 characters and "…"): str(exc) is what
# order_actions hands to show_server_error.
ONE_WORD = ValidationApiError(
    Service.SMARTRECRUITERS, service_message="Invalid_value:" + "x" * 986 + "…"
)
MANY_LINES = ValidationApiError(
    Service.SMARTRECRUITERS,
    service_message="\n".join(["at Handler"] * 90),  # 989 characters
)

DIALOGS: dict[str, Callable[[], QDialog]] = {
    "accept": lambda: AcceptDialog(order(), link()),
    "complete": lambda: CompleteDialog(order()),
    "invite": lambda: InviteDialog(order()),
}


@pytest.mark.parametrize("refusal", [ONE_WORD, MANY_LINES], ids=["one-long-word", "many-lines"])
@pytest.mark.parametrize("which", list(DIALOGS))
def test_a_long_refusal_keeps_the_dialog_on_the_screen(
    qtbot: QtBot, which: str, refusal: ValidationApiError
) -> None:
    dialog = DIALOGS[which]()
    qtbot.addWidget(dialog)
    dialog.resize(560, 400)
    show_exposed(qtbot, dialog)
    room = available_room(dialog)
    dialog.show_server_error(str(refusal))  # type: ignore[attr-defined]
    for _ in range(3):  # the layout settles on the next event turns (no sleep)
        QApplication.processEvents()
    geometry = dialog.frameGeometry()
    assert room.contains(geometry), f"{which}: {geometry.getRect()} on {room.getRect()}"
