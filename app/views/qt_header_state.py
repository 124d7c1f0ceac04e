"""Read a table header's state as Qt's ``QHeaderView.saveState`` wrote it, in Python.

For the layouts saved before the desk kept its own description beside them
(``app.views.header_layout``): Qt 6's ``restoreState`` reads past the end of a cut state and
crashes the process, so a state nothing vouches for is never handed to Qt. It is read here
instead, every count checked against the columns and against Qt's own totals, and anything
that does not add up is no layout at all (the columns keep their defaults).

The format (``QHeaderViewPrivate::write``, QDataStream big-endian): a marker and a version,
the orientation, the sort indicator, each column's place and each place's column (none when
none was moved), the hidden places as bits (none when none is hidden), the hidden columns'
widths, the total length, the column count, five flags, six numbers, then each place's size
and resize mode; Qt adds more after those, not read here.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from app.views.header_layout import HeaderLayout, usable_width

_MARKER = 0xFF  # QHeaderViewPrivate::VersionMarker
_HORIZONTAL = 1  # Qt::Horizontal
_DESCENDING = 1  # Qt::DescendingOrder
_INT = struct.Struct(">i")


class _NotAHeaderError(ValueError):
    """The state does not read as a header of these columns."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self._data = data
        self._at = 0

    def int32(self) -> int:
        if self._at + 4 > len(self._data):
            raise _NotAHeaderError
        (value,) = _INT.unpack_from(self._data, self._at)
        self._at += 4
        return int(value)

    def flag(self) -> bool:
        if self._at >= len(self._data) or self._data[self._at] > 1:
            raise _NotAHeaderError
        self._at += 1
        return self._data[self._at - 1] == 1

    def count(self, most: int) -> int:
        # Bounded by the columns: a damaged count of two billion is not a list to read.
        value = self.int32()
        if not 0 <= value <= most:
            raise _NotAHeaderError
        return value

    def ints(self, most: int) -> list[int]:
        return [self.int32() for _ in range(self.count(most))]

    def bits(self, most: int) -> list[bool]:
        size = self.count(most)
        end = self._at + (size + 7) // 8
        if end > len(self._data):
            raise _NotAHeaderError
        packed = self._data[self._at : end]
        self._at = end
        return [bool(packed[i // 8] >> (i % 8) & 1) for i in range(size)]


def read_qt_header_state(state: bytes, columns: Sequence[str]) -> HeaderLayout | None:
    """The layout in ``state``, a header of ``columns`` (its columns by position, the only
    way such a state names them); None unless it reads whole as a header of that many."""
    try:
        return _read(_Reader(state), tuple(columns))
    except _NotAHeaderError:
        return None


def _read(read: _Reader, columns: tuple[str, ...]) -> HeaderLayout:
    count = len(columns)
    if (read.int32(), read.int32(), read.int32()) != (_MARKER, 0, _HORIZONTAL):
        raise _NotAHeaderError
    sort_order = read.int32()
    sort_section = read.int32()
    read.flag()  # the sort indicator shown
    place_of = read.ints(count)  # each column's place; empty when none was moved
    column_at = read.ints(count)  # each place's column
    hidden_at = read.bits(count)  # each place's; empty when none is hidden
    hidden_widths = dict((read.int32(), read.int32()) for _ in range(read.count(count)))
    length = read.int32()
    section_count = read.int32()
    if sort_order not in (0, _DESCENDING) or section_count != count:
        raise _NotAHeaderError
    if not place_of:
        place_of = column_at = list(range(count))
    if not hidden_at and not hidden_widths:
        hidden_at = [False] * count
    if len(hidden_at) != count:
        raise _NotAHeaderError
    if sorted(place_of) != list(range(count)) or len(column_at) != count:
        raise _NotAHeaderError
    if any(column_at[place] != column for column, place in enumerate(place_of)):
        raise _NotAHeaderError
    if not set(hidden_widths) <= set(range(count)):
        raise _NotAHeaderError
    for _ in range(3):  # movable, clickable, highlighted
        read.flag()
    stretch_last = read.flag()
    read.flag()  # cascading resizes
    for _ in range(6):  # stretched and fitted counts, default and least size, alignment, mode
        read.int32()
    if read.count(count) != count:
        raise _NotAHeaderError
    sizes = []
    for _ in range(count):
        size, span = read.int32(), read.int32()
        read.int32()  # the resize mode: the desk sets its own
        if span != 1 or size < 0:
            raise _NotAHeaderError
        sizes.append(size)
    if sum(sizes) != length:  # Qt's own check: the sizes add up to the header's length
        raise _NotAHeaderError
    shown_places = [place for place in range(count) if not hidden_at[place]]
    stretched = shown_places[-1] if stretch_last and shown_places else None
    widths: dict[str, int] = {}
    for place, column in enumerate(column_at):
        width = hidden_widths.get(column) if hidden_at[place] else sizes[place]
        if place != stretched and usable_width(width):
            widths[columns[column]] = width
    return HeaderLayout(
        columns=columns,
        widths=widths,
        hidden=frozenset(columns[column_at[place]] for place in range(count) if hidden_at[place]),
        order=tuple(columns[column] for column in column_at),
        sort_column=columns[sort_section] if 0 <= sort_section < count else None,
        descending=sort_order == _DESCENDING,
    )
