"""Pins three pieces of today's quitting guard (app/ui/common/discard_guard.py) that survived
the suite as mutants:

* ``asks_before_closing`` without ``_loop_running()``: with no loop to ask on (the app's has
  ended, or no loop ever ran) a close with typed work was refused and asked about, where the
  docstring promises it goes on as it always did.
* ``typed_work_over`` without ``_over(widget, window)``: a dialog with typed work over ONE
  window refused the close of ANOTHER window (a snapshot window beside the live desk).
* ``DiscardGuard.changed`` without ``if self._unsent_words(): return True``: Settings with only
  a Marketplace value typed (no profile change) let File > Quit close the main window, the app
  ending with the value unsaved and unasked.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from app.ui.common.discard_guard import DiscardGuard, typed_work_over
from app.ui.main_window import MainWindow
from app.ui.orders.order_dialogs import RejectDialog
from tests.ui.conftest import answer
from tests.ui.test_marketplace_config_settings import RESULT_URL
from tests.ui.test_quitting_asks_about_typed_work import (
    DISCARD_QUESTION,
    _opened,
    _order,
    _reject,
    settings_with_a_marketplace_value_typed,
)

# The suite's fixtures (this file lives outside tests/, where its conftest files apply).

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def test_without_a_running_loop_a_close_with_typed_work_goes_on(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Mutant: ``asks_before_closing`` drops ``and _loop_running()``. No loop runs here (as
    after the app's loop ended): nothing could ask, so the close must go on, not be refused
    with a question that never comes."""
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    dialog = RejectDialog([_order()], window)
    with qtbot.waitExposed(dialog):
        dialog.open()
    dialog.reason.setFocus(Qt.FocusReason.OtherFocusReason)
    QTest.keyClicks(dialog.reason, " typed with care")
    guard = dialog.findChild(DiscardGuard)
    assert guard is not None
    assert guard.changed()
    assert not guard.asks_before_closing()
    assert typed_work_over(window) is None
    handle = dialog.windowHandle()
    assert handle is not None
    assert handle.close()  # the close went on
    assert not dialog.isVisible()


def test_typed_work_over_one_window_does_not_stop_another_from_closing(
    qtbot: QtBot,
    window: MainWindow,
    qsettings: QSettings,
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Mutant: ``typed_work_over`` drops the ``_over(widget, window)`` test. A reason typed in
    a Reject dialog over the live desk refused closing a second window (a snapshot window),
    and put the question up over the other window."""
    dialog, _field = _opened(qtbot, _reject, window)
    other = MainWindow(settings=qsettings)
    qtbot.addWidget(other)
    other.show()
    assert typed_work_over(window) is not None
    assert typed_work_over(other) is None
    assert other.close()
    guard = dialog.findChild(DiscardGuard)
    assert guard is not None
    assert not guard.asking
    assert dialog.isVisible()


def test_quit_with_only_a_marketplace_value_typed_in_settings_stops_and_asks(
    qtbot: QtBot, window: MainWindow, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Mutant: ``DiscardGuard.changed`` drops ``if self._unsent_words(): return True``. Only a
    Marketplace value typed in Settings (each is sent by its own Save): File > Quit closed the
    main window, the app ending with the value unsaved and nothing asked."""
    dialog = settings_with_a_marketplace_value_typed(qtbot, window)
    assert dialog.marketplace_page.unsaved()
    assert not window.close()  # refused: the quit stops here
    assert answer(qtbot, dialog, "Keep editing") == DISCARD_QUESTION
    qtbot.waitUntil(lambda: not dialog.discard_guard.asking)
    assert window.isVisible()
    assert dialog.isVisible()
    assert dialog.marketplace_page.editors[RESULT_URL].text() == "https://vendor.example/results"
