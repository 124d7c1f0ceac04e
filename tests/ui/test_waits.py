"""The suite's one hang guard (``tests/waits.py``) is what ``qtbot``'s waits default to."""

from __future__ import annotations

import ast
import time
from pathlib import Path

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


#: qtbot's waits that are context managers: called as a statement of their own, they return at
#: once and wait for nothing (24 ``qtbot.waitExposed(window)`` did, their windows not yet shown).
CONTEXT_WAITS = frozenset(
    {"waitExposed", "waitActive", "waitSignal", "waitSignals", "assertNotEmitted", "waitCallback"}
)


def test_no_wait_is_called_where_it_waits_for_nothing() -> None:
    root = Path(__file__).resolve().parents[2]
    bare = []
    for path in sorted([*(root / "tests").rglob("*.py"), *(root / "bench").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Expr)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr in CONTEXT_WAITS
            ):
                bare.append(f"{path.relative_to(root)}:{node.lineno}")
    assert bare == []
