"""Search-as-you-type over many rows of text, answered in bulk rather than row by row.

A set of rows is a *mask*: a Python ``int`` whose big-endian bytes hold one byte per row, 1 when
the row is in the set. Sets then combine with ``&`` and count with ``int.bit_count`` in C, in
microseconds for 100,000 rows. Each character typed has a mask (the rows holding it), built with
one pass in C and kept; a word narrows the rows to those holding all its characters, and only
the rows left in doubt are tested for the word itself. Results are kept too, so typing on from
"mü" to "mül" tests only the rows "mü" found, and backspacing costs nothing.

Measured on 100,000 orders (bench/snapshot_scale.py): testing every row's text one by one cost
8 ms for a letter and 20 ms for two, per keystroke, before Qt lays out and paints anything.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from itertools import compress, repeat
from operator import contains, itemgetter

#: Results kept for backspacing and typing on: each costs one byte per row.
KEPT_RESULTS = 32
#: Character masks built up front, for the characters most rows hold (they are what the first
#: keystrokes of a word type, and a missing one costs a pass over every row mid-typing).
WARM_CHARACTERS = 40
_SAMPLE_ROWS = 2000


class RowSearch:
    """Which rows' texts hold every word. ``texts`` must already be folded (casefolded, say)
    the way the words will be. A row's text changes, and rows are added, only through
    ``replace`` and ``extend`` (which keep the masks right); ``texts`` is then a list this
    search owns."""

    def __init__(self, texts: Sequence[str], *, warm: bool = True) -> None:
        self._texts = texts
        self.size = len(texts)
        # compress() over a list hands out the ints already made instead of making one per row.
        self._row_numbers = list(range(self.size))
        self.everything = int.from_bytes(b"\x01" * self.size, "big")
        self._chars: dict[str, int] = {}
        self._results: OrderedDict[tuple[str, ...], int] = OrderedDict()
        self._last_rows: tuple[int, list[int]] = (self.everything, self._row_numbers)
        if warm:
            self._warm()

    # -- changes -----------------------------------------------------------------------------

    def replace(self, row: int, text: str) -> None:
        """Row ``row`` now reads ``text``: only that row's byte changes in each kept mask."""
        texts = self._texts
        assert isinstance(texts, list), "a search over a list it owns can change"
        texts[row] = text
        bit = 1 << (8 * (self.size - 1 - row))
        for char, mask in self._chars.items():
            self._chars[char] = (mask | bit) if char in text else (mask & ~bit)
        self._forget_results()

    def extend(self, texts: Sequence[str]) -> None:
        """Rows added at the end (a poll's new orders)."""
        if not texts:
            return
        own = self._texts
        assert isinstance(own, list), "a search over a list it owns can change"
        added = len(texts)
        own.extend(texts)
        shift = 8 * added
        for char, mask in self._chars.items():
            tail = int.from_bytes(bytes(char in text for text in texts), "big")
            self._chars[char] = (mask << shift) | tail
        self.size += added
        self._row_numbers.extend(range(self.size - added, self.size))
        self.everything = int.from_bytes(b"\x01" * self.size, "big")
        self._forget_results()

    def _forget_results(self) -> None:
        self._results.clear()
        self._last_rows = (self.everything, self._row_numbers)

    # -- masks -------------------------------------------------------------------------------

    def mask_where(self, flags: Iterable[bool]) -> int:
        """The rows whose flag is true, one flag per row in row order."""
        return int.from_bytes(bytes(flags), "big")

    def rows_mask(self, rows: Iterable[int]) -> int:
        """The mask of these rows (in one pass: a mask per row, OR-ed, is quadratic)."""
        flags = bytearray(self.size)
        for row in rows:
            flags[row] = 1
        return int.from_bytes(flags, "big")

    def mask_bytes(self, mask: int) -> bytes:
        """One byte per row, 1 for the rows in ``mask``: what ``itertools.compress`` takes."""
        return mask.to_bytes(self.size, "big")

    def rows(self, mask: int) -> list[int]:
        """The rows in ``mask``, in row order."""
        return list(self._rows_of(mask))

    def _rows_of(self, mask: int) -> list[int]:
        # Typing on tests the rows the last keystroke found: they are at hand, not gathered
        # again from every row.
        last_mask, last_rows = self._last_rows
        if mask != last_mask:
            last_rows = list(compress(self._row_numbers, self.mask_bytes(mask)))
            self._last_rows = (mask, last_rows)
        return last_rows

    # -- search ------------------------------------------------------------------------------

    def find(self, words: Iterable[str]) -> int:
        """The rows whose text holds every word."""
        wanted = tuple(dict.fromkeys(word for word in words if word))
        if not wanted:
            return self.everything
        mask = self._results.get(wanted)
        if mask is not None:
            self._results.move_to_end(wanted)
            return mask
        done, mask = self._closest_result(wanted)
        # The longest word first: it usually leaves the fewest rows for the others to test.
        for word in sorted(wanted, key=len, reverse=True):
            if word not in done:
                mask = self._narrow(mask, word)
            if not mask:
                break
        self._results[wanted] = mask
        while len(self._results) > KEPT_RESULTS:
            self._results.popitem(last=False)
        return mask

    def _closest_result(self, wanted: tuple[str, ...]) -> tuple[tuple[str, ...], int]:
        """The smallest kept result that must hold every row ``wanted`` finds: one whose every
        word is part of one of the wanted words ("mü" for "mül", "acme" for "acme ana")."""
        best: tuple[tuple[str, ...], int] = ((), self.everything)
        best_count = self.size + 1
        # Newest first: of equal results, the latest has the most words already applied.
        for words, mask in reversed(self._results.items()):
            if all(any(word in other for other in wanted) for word in words):
                count = mask.bit_count()
                if count < best_count:
                    best, best_count = (words, mask), count
        return best

    def _narrow(self, mask: int, word: str) -> int:
        """The rows of ``mask`` whose text holds ``word``."""
        count = mask.bit_count()
        exact = len(word) == 1
        for char in dict.fromkeys(word):
            char_mask = self._chars.get(char)
            if char_mask is None and count > self.size // 8:
                # A pass over every row for the character, in C, is cheaper than testing this
                # many rows for the word one by one — and it is kept for the next keystrokes.
                char_mask = self._chars[char] = self._scan(char)
            if char_mask is None:
                exact = False
            else:
                mask &= char_mask
                count = mask.bit_count()
            if not count:
                return 0
        return mask if exact else self._test(mask, word)

    def _scan(self, char: str) -> int:
        return int.from_bytes(bytes(map(contains, self._texts, repeat(char))), "big")

    def _test(self, mask: int, word: str) -> int:
        """The rows of ``mask`` whose text holds ``word``, tested one by one (in C)."""
        in_doubt = self._rows_of(mask)
        holds = bytes(map(contains, map(self._texts.__getitem__, in_doubt), repeat(word)))
        if 0 not in holds:
            return mask
        rows = list(compress(in_doubt, holds))
        found = bytearray(self.size)
        deque(map(found.__setitem__, rows, repeat(1)), maxlen=0)
        mask = int.from_bytes(found, "big")
        self._last_rows = (mask, rows)
        return mask

    def _warm(self) -> None:
        """Build the masks of the characters most rows hold, judged on a sample of rows."""
        if not self.size:
            return
        step = max(1, self.size // _SAMPLE_ROWS)
        seen: Counter[str] = Counter()
        for text in self._texts[::step]:
            seen.update(set(text))
        sampled = len(range(0, self.size, step))
        for char, rows in seen.most_common():
            if len(self._chars) >= WARM_CHARACTERS or rows * 8 < sampled:
                break  # a character in fewer than one row in eight narrows well by testing
            if not char.isspace():  # words never hold whitespace
                self._chars[char] = self._scan(char)


def pick_in_order(order: list[int] | None) -> Callable[[bytes], Sequence[int]]:
    """A function that takes a mask's bytes (``RowSearch.mask_bytes``) and gives them in
    ``order`` (the rows as displayed), gathering in C. None, or the rows' own order: the bytes
    as they are."""
    if order is None or order == list(range(len(order))):
        return bytes
    if len(order) < 2:  # itemgetter of one item returns the item, not a tuple
        return lambda flags: [flags[row] for row in order]
    return itemgetter(*order)


def locate(shown: list[int], wanted: Iterable[int | None]) -> dict[int, int]:
    """Where each wanted row now is in ``shown`` (absent: not shown). A selected row has an
    entry per column: each distinct row is looked up once, by a search in C while they are
    few (the current row, a selection), through a dictionary when they are many."""
    distinct = [row for row in dict.fromkeys(wanted) if row is not None]
    if len(distinct) > 8:
        position = dict(zip(shown, range(len(shown)), strict=True))
        return {row: position[row] for row in distinct if row in position}
    found: dict[int, int] = {}
    for row in distinct:
        with suppress(ValueError):  # not shown any more
            found[row] = shown.index(row)
    return found
