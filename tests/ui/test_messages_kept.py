"""What a window said is kept for a while, not for the whole day: ``Messages.shown`` grew by
one entry per note and error for as long as the window was open (a long-day soak found it, a
few KB a day, never trimmed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.ui.common.messages import SHOWN_KEPT, Messages

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_what_was_said_is_kept_lately_and_bounded(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    said: list[str] = []
    messages = Messages(parent, status=lambda text, _ms: said.append(text))
    for n in range(5 * SHOWN_KEPT):
        messages.note(f"note {n}")
    assert len(said) == 5 * SHOWN_KEPT  # every note reached the status line
    assert SHOWN_KEPT <= len(messages.shown) <= 2 * SHOWN_KEPT
    assert messages.shown[-1] == ("", f"note {5 * SHOWN_KEPT - 1}")  # the latest kept, in order
    texts = [text for _title, text in messages.shown]
    assert texts == [f"note {n}" for n in range(5 * SHOWN_KEPT - len(texts), 5 * SHOWN_KEPT)]
