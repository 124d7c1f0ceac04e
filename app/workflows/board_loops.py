"""The order board's background work: the loops that run all day, and the tasks it keeps.

Four loops run from ``OrderBoard.start`` until the connection closes: the poll of the NEW
orders (every ``poll_interval_seconds`` of the profile), the resumer of the steps left waiting
(backing off while the services are unwell), the watch of Berke's side, and the full re-sync
now and then. Each loop's failures are logged, and said once a streak (``FailureStreaks``).
The tasks the board starts besides (``spawn``) are kept here too, so that a close waits for
them.

What each round does is the board's (``OrderBoard.sync``, ``resume``, ``watch``): it hands
them to ``start`` (and ``watch_now``) as a ``LoopWork``, which only the loops' tasks hold. Kept
here, it would tie the board to itself in a cycle, and a closed board is freed by reference
counting alone (the heap is frozen: ``app.workflows.heap``); its tasks end when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from app.clients.errors import ApiError
from app.workflows.failure_streaks import FailureStreaks
from app.workflows.outbox import ResumeReport

log = logging.getLogger(__name__)

# Berke's side is watched this often; every order (not only NEW ones) is re-synced at RESYNC.
WATCH_SECONDS = 120
# The demo's candidates finish 45 s after their invitation: a look every 15 s shows it soon
# enough, and leaves Berke's burst budget to the coordinator's own batch.
DEMO_WATCH_SECONDS = 15
RESYNC_SECONDS = 15 * 60
RESUME_SECONDS = 30.0
MAX_RESUME_BACKOFF = 300.0


@dataclass(frozen=True)
class LoopWork:
    """What the loops run, the board's. See the module docstring."""

    #: A sync: of the NEW orders when its argument (``poll``) is True, else of every order.
    sync: Callable[[bool], Awaitable[object]]
    resume: Callable[[], Awaitable[ResumeReport]]  # a pass of the resumer
    watch: Callable[[], Awaitable[object]]  # a round of watching Berke
    poll_seconds: Callable[[], float]  # the poll interval in force
    demo: Callable[[], bool]  # the demo's session: watched more often
    #: A watch round failed on this computer (a full disk, or a bug), logged already: to say.
    watch_failed_here: Callable[[Exception], None]


class BoardLoops:
    """The board's loops and the tasks it keeps. See the module docstring."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._wake_watch = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._wake_resumer = asyncio.Event()
        self._wake_poll = asyncio.Event()  # the poll interval changed: its wait is measured again
        self._failures = FailureStreaks()  # the loops' unexpected failures, said once a streak

    def start(self, work: LoopWork, *, closing: bool) -> None:
        """Run the poll schedule and the background resumer until ``stop_loops``; never once
        the connection is ``closing``."""
        if closing:
            raise RuntimeError("this board's connection closed: a new session has its own board")
        if self._loops:
            return
        self._loops = [
            asyncio.ensure_future(self._poll_forever(work)),
            asyncio.ensure_future(self._resume_forever(work)),
            asyncio.ensure_future(self._watch_forever(work)),
            asyncio.ensure_future(self._resync_forever(work)),
        ]

    async def stop_loops(self) -> None:
        """Cancel the loops, and wait until they ended."""
        loops, self._loops = self._loops, []
        for task in loops:
            task.cancel()
        await asyncio.gather(*loops, return_exceptions=True)

    def poll_interval_changed(self) -> None:
        """The poll waits the interval in force now: else the old one ran out first (an
        hour, say)."""
        self._wake_poll.set()

    def wake_resumer(self) -> None:
        """The resumer's next pass, at once."""
        self._wake_resumer.set()

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run ``coro`` as a task kept (and waited for on close)."""
        task: asyncio.Task[Any] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait_idle(self) -> None:
        """Wait for every task started through ``spawn``."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _poll_forever(self, work: LoopWork) -> None:
        while True:
            await self._wait_poll_interval(work)
            await self._sync_round(work, poll=True, failed="Polling for new orders failed")

    async def _wait_poll_interval(self, work: LoopWork) -> None:
        """Until the poll interval in force has passed since the last poll ended (the start,
        before the first). One changed meanwhile counts from there too: a shorter one already
        past polls at once."""
        loop = asyncio.get_running_loop()
        since = loop.time()
        while True:
            self._wake_poll.clear()
            left = since + work.poll_seconds() - loop.time()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(self._wake_poll.wait(), timeout=left)
            except TimeoutError:
                return

    async def _resume_forever(self, work: LoopWork) -> None:
        """Resume what an earlier run left pending, then keep retrying, backing off while the
        services are unwell."""
        delay = RESUME_SECONDS
        while True:
            try:
                report = await work.resume()
            except Exception as exc:
                # This computer's failure (the journal could not be read or written) or a
                # bug: logged alone, the steps waited with nothing said; said once a streak.
                log.exception("Resuming pending work failed")
                self._failures.failed("Resuming pending work failed", exc)
                report = ResumeReport(waiting=[0])
            else:
                self._failures.worked("Resuming pending work failed")
            delay = RESUME_SECONDS if report.settled else min(delay * 2, MAX_RESUME_BACKOFF)
            self._wake_resumer.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake_resumer.wait(), timeout=delay)

    async def _watch_forever(self, work: LoopWork) -> None:
        while True:
            self._wake_watch.clear()  # before the round: a Try again during it asks another
            await self._watch_round(work)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake_watch.wait(), DEMO_WATCH_SECONDS if work.demo() else WATCH_SECONDS
                )

    async def _watch_round(self, work: LoopWork) -> None:
        """A round of ``watch``, its failures said: Berke's by the round itself, this
        computer's (a full disk: Berke's answers not kept) on the same bar, until a round
        works (``watch_failed_here``). Logged alone, the desk looked healthy while nothing
        finished showed complete and nothing was delivered."""
        try:
            await work.watch()
        except ApiError as exc:  # Berke's own failures are said by the round, on its bar
            log.info("A watch round did not finish: %s", exc)
        except (sqlite3.Error, OSError) as exc:
            log.exception("Watching Berke failed: what it read could not be kept")
            work.watch_failed_here(exc)
        except Exception as exc:
            log.exception("Watching Berke failed")
            self._failures.failed("Watching Berke failed", exc)
            work.watch_failed_here(exc)
        else:
            self._failures.worked("Watching Berke failed")

    def watch_now(self, work: LoopWork, *, closing: bool) -> None:
        """A round soon (the Berke bar's Try again): the running loop's next one, at once; a
        board not started runs one of its own, unless its connection is ``closing``. Never two
        rounds at once (``watch``)."""
        if self._loops:
            self._wake_watch.set()
        elif not closing:
            self.spawn(self._watch_round(work))

    async def _resync_forever(self, work: LoopWork) -> None:
        """Every order now and then, not only the NEW ones: an order completed or rejected
        in SmartRecruiters by someone else shows so here."""
        while True:
            await asyncio.sleep(RESYNC_SECONDS)
            await self._sync_round(work, poll=False, failed="Re-syncing the orders failed")

    async def _sync_round(self, work: LoopWork, *, poll: bool, failed: str) -> None:
        """One sync of a loop's. Its failures are said by the sync bar; what it did not expect
        is logged, and said once a streak (``failed``: how)."""
        try:
            await work.sync(poll)
        except Exception as exc:
            log.exception(failed)
            self._failures.failed(failed, exc)
        else:
            self._failures.worked(failed)
