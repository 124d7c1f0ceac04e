"""Hands memory freed after a large, short-lived load back to the operating system.

Parsing a 100,000-order snapshot allocates far more than it keeps (the JSON text, the parser's
own structures). Freed, that memory stays resident in the C allocator's heap, scattered among
the objects kept, until ``malloc_trim`` returns its free pages: 20 MB on that snapshot
(measured: bench/snapshot_scale.py). Only glibc has it; elsewhere this does nothing.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any


@cache
def _libc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    # Loaded when first needed: the first window imports this module, and needs neither.
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None  # musl has none
    except OSError:
        return None


def release_freed_memory() -> bool:
    """Return the heap's free pages to the system; True if it could."""
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
