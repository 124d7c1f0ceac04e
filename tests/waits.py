"""How long a test may wait for something bound to happen: one hang guard for the whole suite.

Every wait in these tests is for an event — a signal, a condition that becomes true, a task that
ends — and returns the moment it happens. Its limit is never the synchronisation of a passing
test; it only ends a regression that would otherwise hang the run. So there is one limit, far
longer than any correct wait takes even on a starved CI machine (a wait that ran out at 20 s
once cost a whole landing), and the tests do not each guess their own.

``qtbot``'s waits (``waitUntil``, ``waitSignal``…) default to it (``tests/conftest.py``); a wait
with a shorter limit of its own is one whose limit is part of what it checks.
"""

from __future__ import annotations

HANG_GUARD_SECONDS = 60.0
HANG_GUARD_MS = int(HANG_GUARD_SECONDS * 1000)
