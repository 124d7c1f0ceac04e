"""Keeping the garbage collector's full collections short.

A full (generation 2) collection walks every object the collector tracks. With thousands of
orders held (pydantic models, view rows, the tables' columns) one takes 40–170 ms, on the GUI
thread, whenever it happens to run: the stalls a coordinator feels. What the app keeps for its
life — modules, the window, the orders read at start-up and by each sync — is frozen
(``gc.freeze``): later collections walk only what was made since. The young generations are
collected first, so that little garbage is frozen with them; an object frozen and later
dropped is still freed (reference counting), only a cycle of such objects would stay.

``bench/ui_lag.py`` measures the stalls with and without it (``enabled``).
"""

from __future__ import annotations

import gc

#: False: leave the collector as Python sets it (the benchmark's comparison).
enabled = True


def settle_heap() -> None:
    """Collect the young generations, then freeze every object alive: after start-up, and
    after a sync brought orders."""
    if not enabled:
        return
    gc.collect(1)
    gc.freeze()
