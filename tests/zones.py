"""A test living in another time zone for a while (``TZ``, as the coordinator's machine has it)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.views.inbox_columns import local_text, parse_utc


def _forget_cached_times() -> None:
    # The app never changes its zone while it runs: the cells' local times are cached by the
    # time alone, and are forgotten on both sides of the change.
    local_text.cache_clear()
    parse_utc.cache_clear()


@contextmanager
def living_in(monkeypatch: pytest.MonkeyPatch, zone: str) -> Iterator[None]:
    """Within the block, this process's local time is ``zone``'s."""
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    _forget_cached_times()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()
        _forget_cached_times()
