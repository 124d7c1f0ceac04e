"""How long a long piece of work still takes, in words ("about 40 s left").

Work counted in units done at a steady pace (calls to a paced service, orders written): until
a few units are done the estimate is the expected pace (a service's documented rate), then the
pace measured so far. No clock of its own: the caller passes ``now`` (tests pass numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Units done before the measured pace replaces the expected one.
MEASURED_AFTER = 5


@dataclass
class TimeLeft:
    """The time left of work that began at ``started`` (seconds on any monotonic clock)."""

    started: float
    expected_per_unit: float  # seconds a unit is expected to take before any is measured
    #: The least a unit can take (a service's rate limit): a burst the limit lets through at
    #: the start is not the pace of the rest ("a few seconds left" of a minute's work).
    fastest_per_unit: float = 0.0

    def seconds_left(self, done: int, total: int, now: float) -> float:
        remaining = max(total - done, 0)
        if remaining == 0:
            return 0.0
        elapsed = max(now - self.started, 0.0)
        if done >= MEASURED_AFTER and elapsed > 0:
            return remaining * max(elapsed / done, self.fastest_per_unit)
        return remaining * self.expected_per_unit

    def describe(self, done: int, total: int, now: float) -> str:
        return describe_time_left(self.seconds_left(done, total, now))


def describe_time_left(seconds: float) -> str:
    """Rounded as a person would say it: "a few seconds left", "about 45 s left",
    "about 3 min left", "about 1 h 10 min left"."""
    if seconds < 5:
        return "a few seconds left"
    if seconds < 60:
        return f"about {max(5, round(seconds / 5) * 5)} s left"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min left"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes} min left" if minutes else f"about {hours} h left"
