"""Counts as the desk says them: "1 order", "5,000 orders"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str = "") -> str:
    """``count`` and ``noun``, plural (``plural``, or with an "s") unless it is one; thousands
    separated, as every count shown beside it ("Synced 1 orders" and "2750 of 5,000" were)."""
    word = noun if count == 1 else plural or f"{noun}s"
    return f"{count:,} {word}"
