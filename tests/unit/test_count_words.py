"""Counts in words: one order is "1 order", and every count has its thousands separated."""

from __future__ import annotations

from app.domain.count_words import counted


def test_one_is_singular_and_the_rest_plural() -> None:
    assert counted(1, "order") == "1 order"
    assert counted(0, "order") == "0 orders"
    assert counted(2, "new assessment order") == "2 new assessment orders"
    assert counted(3, "match", "matches") == "3 matches"


def test_thousands_are_separated() -> None:
    assert counted(5000, "order") == "5,000 orders"
