"""Ascending whole numbers as blocks of neighbours: rows that arrive, or leave, together."""

from __future__ import annotations

from collections.abc import Iterable


def consecutive_runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Ascending ``numbers`` as blocks of neighbours, each (first, last): 1 2 3 7 gives
    (1, 3) and (7, 7)."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
