"""Keeping the garbage collector's full collections short.

A full (generation 2) collection walks every object the collector tracks. With thousands of
orders held (pydantic models, view rows, the tables' columns) one takes 40–170 ms, on the GUI
thread, whenever it happens to run: the stalls a coordinator feels. What the app keeps for its
life — modules, the window, the orders read at start-up and by each sync — is frozen
(``gc.freeze``): later collections walk only what was made since. The young generations are
collected first, so that little garbage is frozen with them; an object frozen and later
dropped is still freed (reference counting), only a cycle of such objects would stay.

Start-up creates some 130,000 tracked objects (modules, classes, the window) that all live on:
collecting while they load walked them over and over, about 45 ms before the first frame
(measured with ``gc.callbacks``). So the collector is paused from the start
(``pause_for_start_up``) until the first frame, and what is alive then is frozen without
being walked: its cyclic leftovers, about a thousand objects (0.3 MB) at start-up's end, are
frozen with it rather than found by a 57 ms collection.

``bench/ui_lag.py`` measures the stalls with and without it (``enabled``).
"""

from __future__ import annotations

import gc

#: False: leave the collector as Python sets it (the benchmark's comparison).
enabled = True


class _Pause:
    """Whether ``pause_for_start_up`` turned the collector off (until the next settle)."""

    on = False


_pause = _Pause()


def pause_for_start_up() -> None:
    """No collections until start-up's first ``settle_heap`` (or ``end_pause``)."""
    if enabled and gc.isenabled():
        gc.disable()
        _pause.on = True


def settle_heap() -> None:
    """Freeze every object alive, the young generations collected first: after start-up's
    first frame (the pause ends there, nothing collected: see the module docstring), after
    start-up, and after a sync brought orders."""
    if not enabled:
        return
    if _pause.on:
        gc.freeze()
        end_pause()
        return
    gc.collect(1)
    gc.freeze()


def end_pause() -> None:
    """The collector back on, whatever happened (a start-up that failed before its first
    frame): never left off."""
    if _pause.on:
        gc.enable()
        _pause.on = False
