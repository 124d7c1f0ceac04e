"""Rolling-window rate limits: SmartRecruiters' per-credential limits and Berke's burst limit."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class SrDecision:
    allowed: bool
    headers: dict[str, str]
    retry_after_s: int = 0


@dataclass
class _SrBucket:
    calls: deque[float] = field(default_factory=deque)
    in_flight: int = 0


class SrRateLimiter:
    """At most ``per_second`` calls in any rolling second and ``concurrency`` in flight.

    A zero limit is off and its headers are left out, so a client cannot lean on figures that
    would not exist.
    """

    def __init__(self, per_second: int, concurrency: int, clock: Callable[[], float]) -> None:
        self._per_second = per_second
        self._concurrency = concurrency
        self._clock = clock
        self._buckets: dict[str, _SrBucket] = {}

    def acquire(self, credential: str) -> SrDecision:
        bucket = self._buckets.setdefault(credential, _SrBucket())
        now = self._clock()
        while bucket.calls and round(now - bucket.calls[0], 6) >= 1.0:
            bucket.calls.popleft()
        over_rate = self._per_second > 0 and len(bucket.calls) >= self._per_second
        over_concurrency = self._concurrency > 0 and bucket.in_flight >= self._concurrency
        if over_rate or over_concurrency:
            wait = bucket.calls[0] + 1.0 - now if over_rate else 0.0
            retry_after = max(1, math.ceil(round(wait, 6)))
            return SrDecision(False, self._headers(bucket), retry_after)
        bucket.calls.append(now)
        bucket.in_flight += 1
        return SrDecision(True, self._headers(bucket))

    def release(self, credential: str) -> None:
        self._buckets[credential].in_flight -= 1

    def _headers(self, bucket: _SrBucket) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self._per_second > 0:
            headers["X-RateLimit-Limit"] = str(self._per_second)
            headers["X-RateLimit-Remaining"] = str(max(0, self._per_second - len(bucket.calls)))
        if self._concurrency > 0:
            headers["X-RateLimit-Concurrent-Limit"] = str(self._concurrency)
            headers["X-RateLimit-Concurrent-Remaining"] = str(
                max(0, self._concurrency - bucket.in_flight)
            )
        return headers


@dataclass(frozen=True)
class BurstDenial:
    """The figures Berke reports in a 429 body."""

    denied_at: datetime
    first_denied_at: datetime
    count_exceeded: int
    wait_ms: int
    maximum: int
    window_ms: int


@dataclass
class _BurstState:
    calls: deque[float] = field(default_factory=deque)
    denied: int = 0
    first_denied_at: datetime | None = None


class BurstLimiter:
    """More than ``burst`` calls per company within ``window_ms`` are denied until the oldest
    call leaves the window; denied calls do not count, and an allowed call ends the episode."""

    def __init__(
        self, burst: int, window_ms: int, clock: Callable[[], float], wall: Callable[[], datetime]
    ) -> None:
        self._burst = burst
        self._window = window_ms / 1000.0
        self._window_ms = window_ms
        self._clock = clock
        self._wall = wall
        self._companies: dict[str, _BurstState] = {}

    def check(self, company: str) -> BurstDenial | None:
        state = self._companies.setdefault(company, _BurstState())
        now = self._clock()
        # Rounded to the microsecond so a call leaves exactly when the announced wait is over.
        while state.calls and round(now - state.calls[0], 6) >= self._window:
            state.calls.popleft()
        if len(state.calls) < self._burst:
            state.calls.append(now)
            state.denied = 0
            state.first_denied_at = None
            return None
        wall_now = self._wall()
        state.denied += 1
        if state.first_denied_at is None:
            state.first_denied_at = wall_now
        # Rounded first so float noise (0.15000000001 s) does not add a millisecond.
        wait_ms = max(1, math.ceil(round((state.calls[0] + self._window - now) * 1000, 6)))
        return BurstDenial(
            denied_at=wall_now,
            first_denied_at=state.first_denied_at,
            count_exceeded=state.denied,
            wait_ms=wait_ms,
            maximum=self._burst,
            window_ms=self._window_ms,
        )
