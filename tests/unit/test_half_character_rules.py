"""Mutation-audit pins for app/domain/half_characters.py: every half character is found and
replaced, wherever in an answer it stands (a low half, inside a list)."""

from __future__ import annotations

from app.domain.half_characters import (
    REPLACEMENT,
    has_half_character,
    holds_half_characters,
    whole_characters,
)

HIGH, LOW = "\ud83d", "\ude00"  # the two halves of 😀


def test_the_second_half_of_an_emoji_is_a_half_character_too() -> None:
    """A text cut just after the first half leaves the second at the start of the next:
    SQLite cannot store either."""
    assert has_half_character(f"x{LOW}")
    assert holds_half_characters({"name": f"{LOW}y"})
    assert whole_characters({"name": f"{LOW}y"}) == {"name": f"{REPLACEMENT}y"}


def test_a_half_character_inside_a_list_is_found_and_replaced() -> None:
    """An answer's comments, results or job fits come as lists: one half character in one
    of them stopped the write as surely as one at the top."""
    answer = {"content": [{"id": "a"}, {"message": f"ok {HIGH}"}], "tags": ["t", f"{LOW}"]}
    assert holds_half_characters(answer)
    assert holds_half_characters([[f"{HIGH}"]])
    assert whole_characters(answer) == {
        "content": [{"id": "a"}, {"message": f"ok {REPLACEMENT}"}],
        "tags": ["t", REPLACEMENT],
    }
    assert whole_characters([f"a{HIGH}", 3, None]) == [f"a{REPLACEMENT}", 3, None]


def test_an_answer_without_half_characters_is_kept_as_it_is() -> None:
    """The common case costs no copy: the very same object comes back."""
    answer = {"content": [{"id": "a", "name": "Zoë 😀"}]}
    assert not holds_half_characters(answer)
    assert whole_characters(answer) is answer
