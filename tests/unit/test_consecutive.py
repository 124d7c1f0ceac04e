"""Ascending numbers as blocks of neighbours (the proxy's inserted rows, text_fold's marks)."""

from __future__ import annotations

from app.domain.consecutive import consecutive_runs


def test_neighbours_make_one_block_and_a_gap_starts_another() -> None:
    assert consecutive_runs([]) == []
    assert consecutive_runs([4]) == [(4, 4)]
    assert consecutive_runs([1, 2, 3, 7, 9, 10]) == [(1, 3), (7, 7), (9, 10)]
