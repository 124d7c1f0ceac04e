"""Milliseconds since this process started, as the operating system counts them.

Counted from the kernel's own record of the process's start (Linux: field 22 of
``/proc/self/stat``, in clock ticks since boot), not from the first line of Python that runs: the
interpreter's own start-up and every import are part of what a user waits for. Any program can
measure itself the same way, so ``bench/startup.py`` compares the app with a bare Qt window
measured by this very file (it loads it by path, without importing ``app``).

Standard library only, and nothing of the app: it must cost nothing and distort nothing.
"""

from __future__ import annotations

import os
import time

#: Where /proc is missing (macOS, Windows): the time this module was first imported, which
#: leaves out the interpreter's start-up (say so when comparing across platforms).
_IMPORTED_AT = time.monotonic()


def _kernel_start_seconds() -> float | None:
    """The process's start in seconds on the boot-time clock, or None without /proc."""
    try:
        with open("/proc/self/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces or parentheses itself:
    # the fields after it start after the *last* ")". starttime is field 22, the 20th after it.
    fields = stat[stat.rindex(b")") + 2 :].split()
    return int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _boot_clock() -> float:
    # Linux counts a process's start on the boot-time clock (suspend included).
    clock = getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)
    return time.clock_gettime(clock)


def since_start_ms() -> float:
    """Milliseconds since the process started (see the module docstring)."""
    started = _kernel_start_seconds()
    if started is None:
        return (time.monotonic() - _IMPORTED_AT) * 1000
    return (_boot_clock() - started) * 1000
