"""Keeping the garbage collector's full collections short.

A full (generation 2) collection walks every object the collector tracks. With thousands of
orders held (pydantic models, view rows, the tables' columns) one takes 40–170 ms, on the GUI
thread, whenever it happens to run: the stalls a coordinator feels. What the app keeps for its
life — modules, the window, the orders read at start-up and by each page of a sync — is frozen
(``gc.freeze``): later collections walk only what was made since. Page by page, because a first
sync of thousands of orders otherwise ran two or three full collections over the pages read
before (80–230 ms each); a settle costs ~1 ms. The young generations are collected first, so
that little garbage is frozen with them (none was, over a 5,000-order sync settled page by
page); an object frozen and later dropped is still freed (reference counting), only a cycle of
such objects would stay.

Start-up makes some 100,000 tracked objects (modules, classes, the window, the first orders)
and nearly all live on: collecting while they load walked them again and again, ~60 ms of
collections by the end of the first sync (measured with ``gc.callbacks``; one full collection
alone 21–28 ms). So the collector is paused from the start (``pause_for_start_up``) until
start-up is over: the first ``settle_heap`` (the first page of orders, or the end of the first
sync), or ``START_UP_SECONDS`` after the first frame at the latest (``settle_start_up``: a long
first sync must not keep it off). What is alive then is frozen without being walked:
start-up's cyclic leftovers, about 300 objects (40 KB), are frozen with it rather than found by
a 25 ms collection.

``bench/ui_lag.py`` measures the stalls with and without it (``enabled``).
"""

from __future__ import annotations

import gc

#: False: leave the collector as Python sets it (the benchmark's comparison).
enabled = True

#: The start-up pause's longest, counted from the first frame.
START_UP_SECONDS = 2.0


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
    """Freeze every object alive, the young generations collected first: after start-up (the
    pause ends there, nothing collected: see the module docstring), after each page of a sync
    that brought orders and after the sync."""
    if not enabled:
        return
    if _pause.on:
        gc.freeze()
        end_pause()
        return
    gc.collect(1)
    gc.freeze()


def settle_start_up() -> None:
    """Start-up's end at the latest (``START_UP_SECONDS`` after the first frame), unless a
    settle ended the pause before."""
    if _pause.on:
        settle_heap()


def end_pause() -> None:
    """The collector back on, whatever happened (a start-up that failed before its first
    frame): never left off."""
    if _pause.on:
        gc.enable()
        _pause.on = False
