"""A table's columns, declared: header, the field a column shows, how it reads, sorts and is
searched, and its width. The Qt models are generic over such a list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.text_fold import sort_text
from app.views.text import as_cell


def as_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Column:
    """One column: ``field`` names the list of rows it reads (``OrderColumns``).

    ``display`` turns a value into the cell's text; ``search`` into the text a search looks in
    (None: not searched), case and accents aside (``order_search``); ``names`` when its values
    repeat across orders (names, jobs, companies), folded once each; ``sort`` into
    the sort key (None: the value itself; text on one line as its cell shows it, folded).
    ``descending_first`` flips the sort (Age: the youngest is the newest). Names sort accents
    aside (``sort_text``), as the Candidates tab sorts them.
    """

    key: str
    header: str
    field: str
    width: int = 120
    display: Callable[[Any], str] = as_cell
    search: Callable[[Any], str] | None = as_text
    sort: Callable[[Any], Any] | None = None
    descending_first: bool = False
    names: bool = False
    tooltip: Callable[[Any], str | None] | None = None
    #: What a screen reader says before the value; the header unless given.
    spoken: str | None = None

    def sort_keys(self, values: Sequence[Any]) -> list[Any]:
        if self.sort is not None:
            return list(map(self.sort, values))
        if values and isinstance(values[0], str):
            # On one line, as the cell shows it: a name with line breaks ("Ana\n\nMaria Silva",
            # shown "Ana Maria Silva") sorted by its raw text came before every other "Ana …".
            # Not by ``display``, whose placeholders ("—" for no email) would sort among text.
            key = sort_text if self.names else str.casefold
            return [key(as_cell(value)) for value in values]
        return list(values)


class Columns:
    """An ordered list of columns with lookup by key (what tests and settings name them by)."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.all: tuple[Column, ...] = tuple(columns)
        self._by_key = {column.key: position for position, column in enumerate(self.all)}
        if len(self._by_key) != len(self.all):
            raise ValueError("two columns share a key")

    def __len__(self) -> int:
        return len(self.all)

    def __getitem__(self, position: int) -> Column:
        return self.all[position]

    def index(self, key: str) -> int:
        return self._by_key[key]

    def searchable(self) -> list[Column]:
        return [column for column in self.all if column.search is not None]
