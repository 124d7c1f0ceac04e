"""Pins for text_fold ``_NOT_DRAWN`` / ``visible`` (mutation audit): every character drawn as
nothing is left out of what names are compared by, at each edge of its range; the characters
next to them, which are drawn (or are letters of their scripts), are kept."""

from __future__ import annotations

import pytest

from app.domain.text_fold import fold, fold_case, visible

NOT_DRAWN = [
    0x00AD, 0x034F, 0x061C, 0x180B, 0x180C, 0x180D, 0x180F, 0x200B, 0x200D, 0x200E, 0x200F,
    0x202A, 0x202E, 0x2060, 0x2064, 0x2066, 0x2069, 0x206A, 0x206F, 0xFEFF, 0xFE00, 0xFE0F,
    0xE0001, 0xE0020, 0xE007F, 0xE0100, 0xE01EF,
]  # fmt: skip


@pytest.mark.parametrize("code", NOT_DRAWN, ids=lambda c: f"U+{c:04X}")
def test_a_character_drawn_as_nothing_leaves_a_name_as_it_reads(code: int) -> None:
    """Pasted into a name ("Ste\u2069fan"), it is not compared: the same person under a
    second id is one candidate, and "stefan" finds them."""
    name = f"Ste{chr(code)}fan Weber"
    assert visible(name) == "Stefan Weber"
    assert fold(name) == fold("Stefan Weber")
    assert fold_case(f"Ayşe{chr(code)}") == fold_case("Ayşe")


@pytest.mark.parametrize(
    "code", [0x200C, 0x180E, 0x202F, 0x2070, 0xFE10, 0x115F, 0x2027], ids=lambda c: f"U+{c:04X}"
)
def test_the_characters_next_to_them_are_kept(code: int) -> None:
    """The zero-width non-joiner separates two parts of a Persian word; the others are drawn
    or are letters: kept."""
    assert visible(f"a{chr(code)}ö") == f"a{chr(code)}ö"
