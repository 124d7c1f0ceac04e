"""What search-as-you-type looks in for each order row, and the search over it.

Plain Python with no Qt, so that a worker thread can build it: for a 100,000-order snapshot the
texts and the search's first masks cost about 0.3 s, which File › Open used to spend on the GUI
thread with the window frozen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.text_fold import fold, folded_name
from app.views.columns import Column, Columns, as_text
from app.views.inbox_columns import shown_status
from app.views.order_rows import OrderColumns, OrderRow
from app.views.row_search import RowSearch


def _shows_gone(column: Column) -> bool:
    """Whether the column is the status: it says "Gone" for an order SmartRecruiters no longer
    has (``shown_status``), and is searched for what it says. Searched by its last status,
    such an order was found by "new" (the "New" filter and count leave it out), not by "gone"."""
    return column.key == "status"


def haystack(spec: Columns, row: OrderRow) -> str:
    """The text a search looks in: every searchable column folded (``fold``), as what is typed
    is: "zoe muller" finds Zoë Müller, as the Candidates tab and the palette do, and an email
    or an order id is found as it is shown, accents and all, or without them. Only the names
    were folded, so an accented email, typed exactly, lost its accents and found nothing."""
    parts = []
    for column in spec.searchable():
        assert column.search is not None
        if _shows_gone(column):
            text = shown_status(row.status, row.gone)
        else:
            text = column.search(getattr(row, column.field))
        parts.append(folded_name(text) if column.names else text)
    return fold("\n".join(parts))


def haystacks(spec: Columns, rows: OrderColumns) -> list[str]:
    """``haystack`` of every row, column by column with map() (in C) rather than row by row;
    a name is folded once however many orders it has (100,000 rows' names folded one by one
    took a snapshot's opening from 0.9 to 1.9 s). The row's text is then folded whole, in one
    call (``fold`` only lower-cases ASCII): about a third more than lower-casing it, in the
    worker thread, for the bench's snapshot, whose emails half carry accents."""
    texts: list[Iterable[object]] = []
    for column in spec.searchable():
        assert column.search is not None
        if _shows_gone(column):
            texts.append(map(shown_status, rows.status, rows.gone))  # a call a row, as before
            continue
        values = rows.column(column.field)
        searched = values if column.search is as_text else map(column.search, values)
        texts.append(map(folded_name, searched) if column.names else searched)
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
