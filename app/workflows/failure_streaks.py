"""The board's background loops' failures, reported once a streak.

The loops (poll, watch, resume, re-sync) run all day, every minute or so: a failure of this
computer's, or a bug, repeats each round. Only logged, nothing on screen said that the desk
had stopped doing its work; reported each round, it would bury the window in boxes. The first
failure of a streak goes the one way every error goes (the loop's exception handler, which
reports to the notifier: a full disk is said as what to do about it); the log keeps each one;
a round that works ends the streak.
"""

from __future__ import annotations

import asyncio


class FailureStreaks:
    """Which loops are failing, each by what the log says of it ("Watching Berke failed")."""

    def __init__(self) -> None:
        self._failing: set[str] = set()

    def failed(self, what: str, exc: Exception) -> None:
        """A round failed with ``exc`` (logged already): reported, unless its streak was."""
        if what not in self._failing:
            self._failing.add(what)
            asyncio.get_running_loop().call_exception_handler({"message": what, "exception": exc})

    def worked(self, what: str) -> None:
        """A round of the loop ``what`` names worked: its next failure is reported again."""
        self._failing.discard(what)
