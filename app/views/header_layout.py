"""A table header's remembered layout told by column key: which columns it was saved for, their
widths, which are hidden, their order left to right, and the sort.

Qt's own header state says all of this by position, and its reader trusts the bytes: after a
version added a column, every width and shown/hidden choice landed on its neighbour; a damaged
state crashed the desk at every start. This description is kept beside Qt's state, with a
checksum of it, so that Qt's state is handed back to Qt only when it is intact and for the same
columns (``app.ui.common.remembered_header``), and this is applied by key otherwise.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeGuard

#: Wider than any screen: a width beyond it is damage, and the column keeps its default.
MAX_WIDTH = 20_000


@dataclass(frozen=True)
class HeaderLayout:
    """``columns``: the header's column keys, in the model's order, when it was saved.
    ``widths``: the columns' widths as sized (a hidden one's only when known; never the last
    one shown, which stretches to the table's edge). ``order``: the columns left to right.
    ``state_crc32``: the checksum of Qt's state saved with it (None: none was)."""

    columns: tuple[str, ...]
    widths: Mapping[str, int] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    sort_column: str | None = None
    descending: bool = False
    state_crc32: int | None = None


def state_checksum(state: bytes) -> int:
    return zlib.crc32(state)


def arranged(layout: HeaderLayout, columns: Sequence[str]) -> list[str]:
    """``columns`` left to right as ``layout`` had them; a column it did not know comes right
    after the one before it in ``columns`` (where the version that added it put it)."""
    known = [key for key in layout.order if key in columns]
    order = list(dict.fromkeys(known))  # a key twice (a hand edit): its first place
    for position, key in enumerate(columns):
        if key not in order:
            order.insert(order.index(columns[position - 1]) + 1 if position else 0, key)
    return order


def layout_to_text(layout: HeaderLayout) -> str:
    return json.dumps(
        {
            "columns": list(layout.columns),
            "widths": dict(layout.widths),
            "hidden": sorted(layout.hidden),
            "order": list(layout.order),
            "sort": {"column": layout.sort_column, "descending": layout.descending},
            "state_crc32": layout.state_crc32,
        }
    )


def layout_from_text(text: object) -> HeaderLayout | None:
    """The layout ``layout_to_text`` wrote; None for anything else (missing, damaged, edited
    into another shape): what can be trusted of it is not worth guessing at."""
    if not isinstance(text, str):
        return None
    try:
        saved = json.loads(text)
    except (ValueError, RecursionError):  # a hand edit, a cut write; deep nesting
        return None
    if not isinstance(saved, dict):
        return None
    columns = _keys(saved.get("columns"))
    order = _keys(saved.get("order"))
    hidden = _keys(saved.get("hidden"))
    widths = saved.get("widths")
    sort = saved.get("sort")
    crc = saved.get("state_crc32")
    if columns is None or order is None or hidden is None or not isinstance(widths, dict):
        return None
    if not isinstance(sort, dict) or not isinstance(crc, int | None) or isinstance(crc, bool):
        return None
    sort_column = sort.get("column")
    descending = sort.get("descending")
    if not isinstance(sort_column, str | None) or not isinstance(descending, bool):
        return None
    return HeaderLayout(
        columns=tuple(columns),
        widths={key: width for key, width in widths.items() if usable_width(width)},
        hidden=frozenset(hidden),
        order=tuple(order),
        sort_column=sort_column,
        descending=descending,
        state_crc32=crc,
    )


def usable_width(width: object) -> TypeGuard[int]:
    return isinstance(width, int) and not isinstance(width, bool) and 0 < width <= MAX_WIDTH


def _keys(value: object) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(key, str) for key in value):
        return None
    return value
