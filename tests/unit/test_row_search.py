"""RowSearch answers exactly what testing every row would, whatever was searched before."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.views import row_search
from app.views.row_search import RowSearch, locate, pick_in_order

# A small alphabet makes words that match some rows and miss others, repeats, and substrings.
ALPHABET = "abcmüł-é1"
texts_strategy = st.lists(st.text(ALPHABET + " ", max_size=12), max_size=40)
words_strategy = st.lists(st.text(ALPHABET, min_size=1, max_size=4), max_size=3)


def expected(texts: list[str], words: list[str]) -> list[int]:
    return [row for row, text in enumerate(texts) if all(word in text for word in words)]


@settings(max_examples=300, deadline=None)
@given(texts=texts_strategy, queries=st.lists(words_strategy, min_size=1, max_size=8))
def test_every_query_finds_exactly_the_rows_holding_every_word(
    texts: list[str], queries: list[list[str]]
) -> None:
    search = RowSearch(texts)
    for words in queries:
        assert search.rows(search.find(words)) == expected(texts, words)


@settings(max_examples=100, deadline=None)
@given(texts=texts_strategy, words=words_strategy)
def test_cold_and_warm_searches_agree(texts: list[str], words: list[str]) -> None:
    assert RowSearch(texts, warm=False).find(words) == RowSearch(texts).find(words)


def test_typing_on_and_backspacing_reuse_earlier_results() -> None:
    texts = [f"müller{n} acme" if n % 3 else f"smith{n} globex" for n in range(300)]
    search = RowSearch(texts)
    typed = ["m", "mü", "mül", "müll", "müller", "müller a", "müller ac"]
    masks = [search.find(text.split()) for text in typed]
    assert search.rows(masks[-1]) == expected(texts, ["müller", "ac"])
    # Backspacing finds the kept results: the same objects, nothing searched again.
    for text, mask in zip(reversed(typed), reversed(masks), strict=True):
        assert search.find(text.split()) is mask


def test_a_narrower_query_starts_from_the_closest_kept_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = ["anna berg"] * 50 + ["anna smith"] * 50 + ["ann berg"] * 100 + ["bob"] * 50
    search = RowSearch(texts, warm=False)
    search.find(["anna"])
    tested: list[int] = []
    test = search._test

    def counting(mask: int, word: str) -> int:
        tested.append(mask.bit_count())
        return test(mask, word)

    monkeypatch.setattr(search, "_test", counting)
    assert search.rows(search.find(["anna", "berg"])) == expected(texts, ["anna", "berg"])
    # "berg" was tested only among the 100 rows that hold "anna", not among the 150 rows
    # holding its letters.
    assert tested
    assert max(tested) <= 100


def test_masks_combine_with_flags_in_row_order() -> None:
    search = RowSearch(["x", "y", "xy", ""])
    odd = search.mask_where(row % 2 == 1 for row in range(4))
    assert search.rows(search.find(["y"]) & odd) == [1]
    assert search.rows(search.everything) == [0, 1, 2, 3]
    assert search.find([]) == search.everything
    assert search.find(["", ""]) == search.everything


def test_an_empty_table_finds_nothing() -> None:
    search = RowSearch([])
    assert search.rows(search.find(["a"])) == []
    assert search.rows(search.everything) == []


def test_kept_results_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_search, "KEPT_RESULTS", 4)
    search = RowSearch([f"row {n}" for n in range(50)])
    for n in range(20):
        search.find([str(n)])
    assert len(search._results) == 4
    assert search.rows(search.find(["7"])) == [7, 17, 27, 37, 47]


def test_warming_builds_the_common_characters_only() -> None:
    texts = ["common a"] * 90 + ["rare z"] * 10
    search = RowSearch(texts)
    assert {"c", "o", "m", "n", "a"} <= set(search._chars)
    assert "z" not in search._chars  # one row in ten: cheaper to test than to scan for
    assert " " not in search._chars


def test_pick_in_order_leaves_bytes_already_in_order() -> None:
    flags = bytes([1, 0, 1])
    assert pick_in_order(None) is bytes
    assert pick_in_order([0, 1, 2]) is bytes
    assert list(pick_in_order([2, 0, 1])(flags)) == [1, 1, 0]
    assert list(pick_in_order([0])(b"\x01")) == [1]


def test_locate_finds_each_row_once_few_or_many() -> None:
    shown = [7, 3, 9, 1]
    assert locate(shown, [3, 3, None, 5, 1]) == {3: 1, 1: 3}  # 5 is no longer shown
    many = list(range(20))
    assert locate(shown[::-1] + many[10:], many) == {n: n - 6 for n in range(10, 20)} | {
        1: 0, 9: 1, 3: 2, 7: 3,
    }  # fmt: skip
