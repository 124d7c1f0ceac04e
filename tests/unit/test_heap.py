"""The collector's start-up pause: off from the start, back on (with what is alive frozen) when
start-up is over, and never left off. Run in a fresh interpreter: freezing the test process's
own objects would change every test after this one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def _run(code: str, **env: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **env} if env else None,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def test_the_pause_ends_at_the_first_settle_with_everything_alive_frozen() -> None:
    out = _run(
        """
        import gc
        from app.workflows import heap
        heap.pause_for_start_up()
        paused = not gc.isenabled()
        leftovers = [[] for _ in range(3)]
        for a, b in zip(leftovers, leftovers[1:]):
            a.append(b); b.append(a)  # a cycle made while paused
        heap.settle_heap()
        print(paused, gc.isenabled(), gc.get_freeze_count() > 1000)
        heap.settle_heap()  # later settles collect first, as before
        print(gc.isenabled())
        """
    )
    assert out.splitlines() == ["True True True", "True"]


def test_start_up_ends_at_the_latest_after_its_limit() -> None:
    """``settle_start_up`` (``START_UP_SECONDS`` after the first frame) ends a pause nothing
    ended, and leaves alone a collector a settle already turned back on."""
    out = _run(
        """
        import gc
        from app.workflows import heap
        heap.pause_for_start_up()
        heap.settle_start_up()
        print(gc.isenabled(), gc.get_freeze_count() > 1000)
        gc.unfreeze()
        heap.settle_start_up()  # the pause is over: nothing frozen again
        print(gc.get_freeze_count())
        """
    )
    assert out.splitlines() == ["True True", "0"]


def test_the_collector_is_never_left_off() -> None:
    out = _run(
        """
        import gc
        from app.workflows import heap
        heap.pause_for_start_up()
        heap.end_pause()  # start-up failed before its first frame
        print(gc.isenabled(), gc.get_freeze_count())
        heap.end_pause()  # twice: no harm
        print(gc.isenabled())
        """
    )
    assert out.splitlines() == ["True 0", "True"]


def test_no_pause_when_the_heap_is_left_alone() -> None:
    """The benchmark's comparison (``enabled = False``) leaves the collector as Python has it."""
    out = _run(
        """
        import gc
        from app.workflows import heap
        heap.enabled = False
        heap.pause_for_start_up()
        print(gc.isenabled())
        """
    )
    assert out == "True"


def test_the_app_pauses_until_its_first_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``python -m app`` pauses the collector before anything loads and through the first
    frame; its first sync ends the pause (the board settles what the sync brought). Every
    collection it makes runs on its GUI thread; Python's own collector is back at its end."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    out = _run(
        """
        import gc, sys, threading
        import app.ui.application as application
        from app.workflows import heap
        threads = set()
        gc.callbacks.append(lambda phase, info: threads.add(threading.get_ident()))
        seen = {}
        frame = application.StartupTimings.first_frame
        def first_frame(self, *args):
            seen["before the frame"] = heap.paused()
            frame(self, *args)
            seen["after the frame"] = heap.paused()
        application.StartupTimings.first_frame = first_frame
        synced = application.StartupTimings.synced
        def at_sync(self):
            seen["at the first sync"] = heap.paused()
            synced(self)
        application.StartupTimings.synced = at_sync
        from app.__main__ import main
        code = main(["--self-test", "--timings"])
        print(
            code, seen["before the frame"], seen["after the frame"], seen["at the first sync"],
            gc.isenabled(), threads == {threading.main_thread().ident},
        )
        """,
        ASSESSMENT_DESK_HOME=str(tmp_path),
    )
    assert out.splitlines()[-1] == "0 True True False True True"


def test_garbage_is_collected_only_where_collect_due_is_called() -> None:
    """A thread that makes garbage never collects it (Python's own collector would, there);
    ``collect_due`` collects it on its caller's thread, and only once it is due."""
    out = _run(
        """
        import gc, threading
        from app.workflows import heap
        heap.collect_on_one_thread()
        threads = []
        gc.callbacks.append(lambda phase, info: phase == "start" and threads.append(
            threading.get_ident()))
        def churn():
            for _ in range(100_000):
                cycle = []
                cycle.append(cycle)  # garbage only a collection frees
        worker = threading.Thread(target=churn)
        worker.start()
        worker.join()
        print(len(threads), gc.isenabled())
        print(heap.collect_due() >= 100_000, set(threads) == {threading.get_ident()})
        print(heap.collect_due())  # nothing is due just after a collection
        heap.collect_anywhere()
        print(gc.isenabled())
        """
    )
    assert out.splitlines() == ["0 False", "True True", "0", "True"]


def test_nothing_is_collected_during_the_start_up_pause() -> None:
    out = _run(
        """
        import gc
        from app.workflows import heap
        heap.collect_on_one_thread()
        heap.pause_for_start_up()
        for _ in range(10_000):
            cycle = []
            cycle.append(cycle)
        print(heap.collect_due(), gc.isenabled())
        heap.end_pause()  # the pause is over: collections stay on the one thread
        print(heap.collect_due() > 9_000, gc.isenabled())
        """
    )
    assert out.splitlines() == ["0 False", "True False"]


def test_a_full_collection_waits_a_hundred_times_its_own_length() -> None:
    """Each due collection asks for a full one here (thresholds of 1); after one, the next
    full collection waits ``FULL_SPACING`` times its duration (a clock the test moves): the
    ones between are of the middle generation."""
    out = _run(
        """
        import gc
        from app.workflows import heap
        heap.collect_on_one_thread()
        gc.set_threshold(1, 1, 1)
        now = [1000.0]
        heap._last_full.clock = lambda: now[0]
        class Node:  # not a list: lists come back from a free list, uncounted
            pass
        def cycles(n):
            for _ in range(n):
                node = Node()
                node.me = node
        generations = []
        gc.callbacks.append(
            lambda phase, info: phase == "start" and generations.append(info["generation"]))
        def due():
            cycles(50)
            gc.collect(1); gc.collect(1)  # the oldest generation's count past 1
            gc.collect(0); gc.collect(0)  # the middle one's
            cycles(50)
            generations.clear()
            heap.collect_due()
            return generations[-1]
        now[0] += 0; first = due()
        heap._last_full.seconds = 0.5  # as if that one took half a second
        second = due()  # at once: not full
        now[0] += 49; third = due()  # 49 s later: still not (50 s are due)
        now[0] += 2; fourth = due()  # 51 s after it: full
        print(first, second, third, fourth)
        """
    )
    assert out.splitlines()[-1] == "2 1 1 2"


def test_busy_says_when_garbage_outruns_the_timer() -> None:
    out = _run(
        """
        import gc
        from app.workflows import heap
        heap.collect_on_one_thread()
        class Node:
            pass
        print(heap.busy())
        for _ in range(heap.BUSY_FACTOR * gc.get_threshold()[0] + 100):
            node = Node()
            node.me = node
        print(heap.busy())
        heap.collect_due()
        print(heap.busy())
        """
    )
    assert out.splitlines() == ["False", "True", "False"]
