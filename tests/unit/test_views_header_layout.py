"""Mutation-audit pins for ``app.views.header_layout`` (each fails on one surviving mutant)."""

from __future__ import annotations

import json

from app.views.header_layout import (
    MAX_WIDTH,
    HeaderLayout,
    arranged,
    layout_from_text,
    layout_to_text,
)

SAVED = HeaderLayout(("a", "b", "c"), {"a": 90}, frozenset({"b"}), ("c", "a", "b"), "a", True, 7)


def edited(**changes: object) -> str:
    saved = json.loads(layout_to_text(SAVED))
    saved.update(changes)
    return json.dumps(saved)


def test_only_widths_a_screen_can_show_are_kept() -> None:
    # H1 (0 accepted), H2 (MAX_WIDTH refused), H3 (true taken for 1), H12 (MAX_WIDTH lowered)
    text = edited(widths={"a": 0, "b": MAX_WIDTH, "c": True})
    layout = layout_from_text(text)
    assert layout is not None
    assert layout.widths == {"b": 20_000}
    wide = layout_from_text(edited(widths={"a": 2_500}))
    assert wide is not None
    assert wide.widths == {"a": 2_500}  # a wide screen's column


def test_a_key_written_twice_is_placed_once() -> None:
    # H6 (duplicates kept): the header was asked to place "b" twice
    assert arranged(HeaderLayout(("a", "b"), order=("b", "a", "b")), ("a", "b")) == ["b", "a"]


def test_a_checksum_or_a_sort_that_is_not_ours_reads_as_none() -> None:
    # H7 (true taken for a checksum), H8 (a descending that is no bool), H9 (a key no text)
    assert layout_from_text(layout_to_text(SAVED)) == SAVED
    assert layout_from_text(edited(state_crc32=True)) is None
    assert layout_from_text(edited(sort={"column": "a", "descending": "yes"})) is None
    assert layout_from_text(edited(order=["a", 2])) is None
    assert layout_from_text(edited(hidden=[None])) is None


def test_the_sort_direction_is_written() -> None:
    # H13 (descending written as False)
    layout = layout_from_text(layout_to_text(SAVED))
    assert layout is not None
    assert layout.descending is True
