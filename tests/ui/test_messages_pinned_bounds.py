"""Pins ``Messages._said``'s bounds (app/ui/common/messages.py): "its latest, and up to as
many before them" — at every moment at most ``2 * SHOWN_KEPT`` kept, and never fewer than the
latest ``SHOWN_KEPT`` (once that many were said). The existing test only looks after 1000
notes, where off-by-one mutants happen to land inside the bounds. Mutants caught here:

* ``len(self.shown) > 2 * SHOWN_KEPT + 1`` (trims one late): 2 * SHOWN_KEPT + 1 kept;
* ``del self.shown[:-SHOWN_KEPT + 1]`` (trims one too many): only SHOWN_KEPT - 1 kept;
* never trimming, trimming to nothing, keeping the oldest instead of the latest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from app.ui.common.messages import SHOWN_KEPT, Messages

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_what_was_said_stays_within_its_bounds_at_every_message(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    messages = Messages(parent)
    for n in range(5 * SHOWN_KEPT):
        messages.note(f"said {n}")
        kept = len(messages.shown)
        assert kept <= 2 * SHOWN_KEPT, (n, kept)
        assert kept >= min(n + 1, SHOWN_KEPT), (n, kept)
        assert messages.shown[-1][1] == f"said {n}"
        assert [text for _t, text in messages.shown] == [
            f"said {k}" for k in range(n + 1 - kept, n + 1)
        ]
