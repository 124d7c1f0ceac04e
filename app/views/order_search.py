"""What search-as-you-type looks in for each order row, and the search over it.

Plain Python with no Qt, so that a worker thread can build it: for a 100,000-order snapshot the
texts and the search's first masks cost about 0.3 s, which File › Open used to spend on the GUI
thread with the window frozen.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.text_fold import fold
from app.views.columns import Columns, as_text
from app.views.order_rows import OrderColumns, OrderRow
from app.views.row_search import RowSearch


def haystack(spec: Columns, row: OrderRow) -> str:
    """The text a search looks in: every searchable column, folded (``fold``: "zoe muller"
    finds Zoë Müller, as the Candidates tab and the palette do)."""
    parts = []
    for column in spec.searchable():
        assert column.search is not None
        parts.append(column.search(getattr(row, column.field)))
    return fold("\n".join(parts))


def haystacks(spec: Columns, rows: OrderColumns) -> list[str]:
    """``haystack`` of every row, column by column with map() (in C) rather than row by row."""
    texts = []
    for column in spec.searchable():
        assert column.search is not None
        values = rows.column(column.field)
        texts.append(values if column.search is as_text else map(column.search, values))
    return [fold("\n".join(parts)) for parts in zip(*texts, strict=True)]


@dataclass(frozen=True)
class PreparedSearch:
    """``rows``' texts under ``spec`` and a search over them, built ahead of showing the rows.
    The search owns ``texts`` (it changes them as rows change)."""

    spec: Columns
    rows: OrderColumns
    texts: list[str]
    search: RowSearch

    @classmethod
    def of(cls, spec: Columns, rows: OrderColumns) -> PreparedSearch:
        texts = haystacks(spec, rows)
        return cls(spec, rows, texts, RowSearch(texts))

    def fits(self, spec: Columns, rows: OrderColumns) -> bool:
        """Built for these very rows, under these columns."""
        return self.spec is spec and self.rows is rows
