"""Handing freed memory back to the system works where the C library allows it."""

from __future__ import annotations

import platform
import sys

from app.store.memory import release_freed_memory


def test_release_freed_memory_is_safe_to_call_anywhere() -> None:
    garbage = [bytes(1000) for _ in range(20_000)]  # 20 MB freed just below
    del garbage
    released = release_freed_memory()
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert released is glibc
    assert release_freed_memory() is released  # and again, harmless
