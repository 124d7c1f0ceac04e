"""Pins ``DiscardGuard.open_question`` (app/ui/common/discard_guard.py) mutants that survived the
quitting tests:

* ``open_question`` ignoring ``isVisible()``: a question box already answered (hidden, its
  deletion still pending) or any hidden modal child was taken for a question up: Esc / the
  quit "raised" an invisible box and neither closed the dialog nor asked.
* ``open_question`` ignoring ``isModal()``: a non-modal window over the dialog was taken for
  its question, and Esc with nothing typed no longer closed the dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QMessageBox

from app.ui.common.discard_guard import DiscardGuard
from app.ui.main_window import MainWindow
from app.ui.orders.order_dialogs import RejectDialog
from tests.ui.test_quitting_asks_about_typed_work import _order

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def _shown_reject(qtbot: QtBot, window: MainWindow) -> tuple[RejectDialog, DiscardGuard]:
    dialog = RejectDialog([_order()], window)
    with qtbot.waitExposed(dialog):
        dialog.open()
    guard = dialog.findChild(DiscardGuard)
    assert guard is not None
    assert not guard.changed()
    return dialog, guard


def test_a_hidden_box_over_the_dialog_is_no_question(
    qtbot: QtBot,
    window: MainWindow,
) -> None:
    """Mutant: ``open_question`` drops ``box.isVisible()``. A modal box over the dialog that
    is no longer shown (answered, its deletion pending) must not stop Esc closing it."""
    dialog, guard = _shown_reject(qtbot, window)
    answered = QMessageBox(QMessageBox.Icon.Question, "Asked", "Answered already.", parent=dialog)
    answered.setModal(True)
    assert not answered.isVisible()
    assert guard.open_question() is None
    guard.request_close()  # Esc, nothing typed
    assert not dialog.isVisible()


def test_a_non_modal_window_over_the_dialog_is_no_question(
    qtbot: QtBot,
    window: MainWindow,
) -> None:
    """Mutant: ``open_question`` drops ``box.isModal()``. A non-modal window of the dialog's
    (shown beside it) is not a question it waits on: Esc with nothing typed closes it."""
    dialog, guard = _shown_reject(qtbot, window)
    beside = QDialog(dialog)
    beside.setModal(False)
    with qtbot.waitExposed(beside):
        beside.show()
    assert not beside.isModal()
    assert guard.open_question() is None
    guard.request_close()
    assert not dialog.isVisible()
