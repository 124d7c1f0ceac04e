"""Client-side pacing: stay just under a service's ceiling so that 429s stay rare.

A sliding window (at most ``max_calls`` starts in any ``window_seconds``) plus a cap on calls in
flight. Waiting is cooperative (``asyncio``); nothing is ever dropped, a caller simply waits its
turn in arrival order. A caller told "too many calls at once" can wait for one of the calls in
flight to end (:meth:`Pacer.wait_for_call_end`) rather than guess with a timer.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PacerState:
    """What a pacer knows, for the status bar. Cheap to take: no waiting, no I/O."""

    calls_left: int
    max_calls: int
    window_seconds: float
    in_flight: int
    queued: int  # calls waiting for their turn (never dropped)
    wait_seconds: float  # a wait the service asked for (429) still running; 0 when none
    daily_limit_until: datetime | None = None  # a daily limit reached, lifting then
    #: A wait the service asked for that is too long to sit out in a call (a 429's
    #: Retry-After of an hour): no call is sent before then (``ServiceHttp``).
    asked_to_wait_until: datetime | None = None
    service_remaining: int | None = None  # the service's own count (SR X-RateLimit-Remaining)
    service_limit: int | None = None


class Pacer:
    def __init__(
        self,
        max_calls: int,
        window_seconds: float,
        max_concurrent: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if max_calls < 1 or window_seconds <= 0 or max_concurrent < 1:
            raise ValueError("a pacer needs at least one call per window and one in flight")
        self.max_calls = max_calls
        self.window_seconds = window_seconds
        self.max_concurrent = max_concurrent
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._turn = asyncio.Lock()  # callers take the window one at a time, in order
        self._in_flight = asyncio.Semaphore(max_concurrent)
        self._blocked_until = 0.0
        self._queued = 0
        self._running = 0
        self._daily_limit_until: datetime | None = None
        self._asked_to_wait_until: datetime | None = None
        self._service_remaining: int | None = None
        self._service_limit: int | None = None
        self._calls_ended = 0
        self._end_waiters: list[asyncio.Future[None]] = []

    @property
    def in_flight(self) -> int:
        """Calls holding a slot now (sent, answer not yet read)."""
        return self._running

    @property
    def calls_ended(self) -> int:
        """How many calls have ended so far: a mark for :meth:`wait_for_call_end`."""
        return self._calls_ended

    async def wait_for_call_end(self, *, after: int) -> None:
        """Return once more than ``after`` calls have ended (at once if that is already so).

        Cancelling the wait is safe: the waiter is simply forgotten.
        """
        while self._calls_ended <= after:
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._end_waiters.append(waiter)
            try:
                await waiter
            finally:
                if waiter in self._end_waiters:
                    self._end_waiters.remove(waiter)

    def _call_ended(self) -> None:
        # Synchronous on purpose: it runs in a ``finally`` that may be unwinding a cancellation.
        self._calls_ended += 1
        waiters, self._end_waiters = self._end_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def calls_left(self) -> int:
        """Calls that could start now without waiting for the window."""
        self._forget_old(self._clock())
        return self.max_calls - len(self._starts)

    def block_for(self, seconds: float) -> None:
        """Hold every call for ``seconds`` (the service said so, e.g. a 429's wait)."""
        self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def note_daily_limit(self, until: datetime) -> None:
        """The service refused calls until ``until`` (a daily limit): kept for the status bar;
        calls are not held, the caller decides (a day is too long to wait silently)."""
        self._daily_limit_until = until

    def note_asked_to_wait(self, until: datetime) -> None:
        """The service asked for a wait too long to sit out in a call, ending ``until``: kept
        for the status bar, as a daily limit is (the client refuses the calls meanwhile).
        Said only on each refused call, nothing on the bar told why nothing moved for an hour."""
        self._asked_to_wait_until = until

    def note_service_counts(self, limit: int | None, remaining: int | None) -> None:
        """The service's own view of the window (SmartRecruiters sends X-RateLimit-*)."""
        self._service_limit = limit
        self._service_remaining = remaining

    def state(self, now_utc: datetime | None = None) -> PacerState:
        now = self._clock()
        daily = self._daily_limit_until
        if daily is not None and now_utc is not None and daily <= now_utc:
            daily = self._daily_limit_until = None
        asked = self._asked_to_wait_until
        if asked is not None and now_utc is not None and asked <= now_utc:
            asked = self._asked_to_wait_until = None
        return PacerState(
            calls_left=self.calls_left(),
            max_calls=self.max_calls,
            window_seconds=self.window_seconds,
            in_flight=self._running,
            queued=self._queued,
            wait_seconds=max(self._blocked_until - now, 0.0),
            daily_limit_until=daily,
            asked_to_wait_until=asked,
            service_remaining=self._service_remaining,
            service_limit=self._service_limit,
        )

    def _forget_old(self, now: float) -> None:
        while self._starts and now - self._starts[0] >= self.window_seconds:
            self._starts.popleft()

    async def _wait_for_window(self) -> None:
        async with self._turn:
            while True:
                now = self._clock()
                if now < self._blocked_until:
                    await self._sleep(self._blocked_until - now)
                    continue
                self._forget_old(now)
                if len(self._starts) < self.max_calls:
                    self._starts.append(now)
                    return
                await self._sleep(self._starts[0] + self.window_seconds - now)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait for a place in the window and in flight; hold it while the call runs."""
        self._queued += 1
        started = False
        try:
            async with self._in_flight:
                await self._wait_for_window()
                self._queued -= 1
                started = True
                self._running += 1
                try:
                    yield
                finally:
                    self._running -= 1
                    self._call_ended()
        finally:
            if not started:  # cancelled while waiting: no longer queued
                self._queued -= 1
