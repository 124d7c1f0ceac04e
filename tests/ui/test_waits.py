"""The suite's one hang guard (``tests/waits.py``) is what ``qtbot``'s waits default to."""

from __future__ import annotations

import time

import pytest
from pytestqt.exceptions import TimeoutError as WaitTimeoutError
from pytestqt.qtbot import QtBot

from tests.waits import HANG_GUARD_MS


@pytest.mark.parametrize(
    "name", ["waitUntil", "waitSignal", "waitSignals", "waitCallback", "waitExposed", "waitActive"]
)
def test_every_wait_defaults_to_the_hang_guard(qtbot: QtBot, name: str) -> None:
    assert getattr(qtbot, name).keywords == {"timeout": HANG_GUARD_MS}


def test_a_limit_given_in_the_call_still_wins(qtbot: QtBot) -> None:
    began = time.monotonic()
    with pytest.raises(WaitTimeoutError):
        qtbot.waitUntil(lambda: False, timeout=50)
    assert time.monotonic() - began < HANG_GUARD_MS / 1000 / 2
