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
such objects would stay. A window or dialog may be open at a settle: the dialogs keep no
bound method of their own and their helpers hold them weakly, so a closed one is freed; a
snapshot window, still a cycle, lets go of its snapshot as it closes (``MainWindow.closeEvent``).

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

Collections run on one thread only, the GUI thread (``collect_on_one_thread``, then
``collect_due`` on a timer there). Python collects in whichever thread happens to allocate:
a worker reading a page of orders, the built-in sandbox's thread. A collection there that
frees a Qt object's wrapper calls into Qt (a disconnect) on that thread, which took Qt's
connection lock and then waited for the GIL, while the GUI thread held the GIL and waited
for that lock: both hung for good (seen once in the test suite, 2026-12-04).
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: False: leave the collector as Python sets it (the benchmark's comparison).
enabled = True

#: The start-up pause's longest, counted from the first frame.
START_UP_SECONDS = 2.0

#: How often the GUI thread collects what is due (``collect_due``): Python's own collector
#: looks at each allocation; a tenth of a second keeps the young generation small.
COLLECT_EVERY_MS = 100

#: ... unless workers make garbage faster than that: a young generation found this many times
#: over its threshold (a worker churning cycles grew it to ~900,000 objects in 100 ms, and
#: one collection of them took up to 300 ms) is looked at again sooner, ``BUSY_EVERY_MS``.
BUSY_FACTOR = 20
BUSY_EVERY_MS = 10

#: A full collection walks everything not frozen: one waits until this many times the last
#: one's duration has passed (at most ~1 % of the time), in place of Python's own rule (a
#: full collection only once a quarter more objects reached the oldest generation), which
#: no public API shows.
FULL_SPACING = 100

# Python 3.14's collector is incremental: no third threshold, and ``gc.collect(1)`` is a young
# collection with an increment of the old generation, which is what it would do itself.
_INCREMENTAL = sys.version_info >= (3, 14)


class _Pause:
    """Whether ``pause_for_start_up`` turned the collector off (until the next settle)."""

    on = False


_pause = _Pause()


class _OneThread:
    """Whether collections are left to ``collect_due`` (``collect_on_one_thread``)."""

    on = False


_one_thread = _OneThread()


class _LastFull:
    """When the last full collection by ``collect_due`` ended, and how long it took."""

    ended = float("-inf")
    seconds = 0.0
    clock: Callable[[], float] = time.monotonic


_last_full = _LastFull()


def collect_on_one_thread() -> None:
    """From now on the collector runs only where ``collect_due`` is called, never on its own
    in whichever thread allocates (see the module docstring)."""
    gc.disable()
    _one_thread.on = True


def collect_anywhere() -> None:
    """Python's own collections again, in any thread (the app's end; tests)."""
    _one_thread.on = False
    if not _pause.on:
        gc.enable()


@contextmanager
def collections_on_this_thread() -> Iterator[None]:
    """``collect_on_one_thread`` for the block, then as before it (a test process that
    already collects on one thread keeps doing so)."""
    was = _one_thread.on
    collect_on_one_thread()
    try:
        yield
    finally:
        if not was:
            collect_anywhere()


def paused() -> bool:
    """Whether the start-up pause is on: no collections at all."""
    return _pause.on


def collect_due() -> int:
    """Close to what Python's own collector would have collected by now, collected on this
    thread: the young generation once it holds more than its threshold, the older ones with
    it when theirs are passed (``gc.get_threshold``), a full collection no sooner than
    ``FULL_SPACING`` times the last one's duration after it. Nothing during the start-up
    pause. Returns what was freed."""
    if not _one_thread.on or _pause.on:
        return 0
    young, middle, old = gc.get_count()
    young_limit, middle_limit, old_limit = gc.get_threshold()
    if young <= young_limit:
        return 0
    if _INCREMENTAL:
        return gc.collect(1)
    generation = 0
    if middle > middle_limit:
        generation = 2 if old > old_limit and _full_collection_may_run() else 1
    if generation < 2:
        return gc.collect(generation)
    started = _last_full.clock()
    freed = gc.collect(2)
    _last_full.ended = _last_full.clock()
    _last_full.seconds = _last_full.ended - started
    return freed


def _full_collection_may_run() -> bool:
    return _last_full.clock() - _last_full.ended >= FULL_SPACING * _last_full.seconds


def busy() -> bool:
    """Whether the young generation is far past its threshold: garbage made faster than
    ``COLLECT_EVERY_MS`` keeps up with (the GUI thread then looks every ``BUSY_EVERY_MS``)."""
    return gc.get_count()[0] > BUSY_FACTOR * gc.get_threshold()[0]


def pause_for_start_up() -> None:
    """No collections until start-up's first ``settle_heap`` (or ``end_pause``)."""
    if enabled and (gc.isenabled() or _one_thread.on):
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
    frame): never left off. Where collections are left to one thread, they are back on
    there (``collect_due``)."""
    if _pause.on:
        _pause.on = False
        if not _one_thread.on:
            gc.enable()
