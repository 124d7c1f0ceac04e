"""A table header's layout kept in QSettings so that it survives a damaged settings file and a
version that adds, removes or reorders a column.

Under ``key``, Qt's own state, as before (an older desk still reads it); under ``key`` +
``BY_COLUMN``, what it belongs to and what it says by column key (``HeaderLayout``), with the
checksum of Qt's state. Qt's state goes back to Qt only when the checksum matches and the
columns are the same: Qt 6 crashed on a cut one, and applied one by position to the wrong
columns after a column was added. Otherwise the layout is applied by key; a state saved
before the description existed is read in Python (``read_qt_header_state``), never by Qt.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QHeaderView

from app.views.header_layout import (
    HeaderLayout,
    arranged,
    layout_from_text,
    layout_to_text,
    state_checksum,
)
from app.views.qt_header_state import read_qt_header_state

BY_COLUMN = "ByColumn"


def save_header(settings: QSettings, key: str, header: QHeaderView, columns: Sequence[str]) -> None:
    """Keep ``header``'s layout; ``columns`` are its model's column keys, in order."""
    state = header.saveState()
    settings.setValue(key, state)
    layout = _layout_of(header, tuple(columns), state_checksum(bytes(state.data())))
    settings.setValue(key + BY_COLUMN, layout_to_text(layout))


def restore_header(
    settings: QSettings, key: str, header: QHeaderView, columns: Sequence[str]
) -> None:
    """Give ``header`` the layout ``save_header`` kept, as far as it holds for ``columns``;
    a column it does not know keeps the default it was built with."""
    columns = tuple(columns)
    value = settings.value(key)
    state = bytes(value.data()) if isinstance(value, QByteArray) else None
    layout = layout_from_text(settings.value(key + BY_COLUMN))
    same_save = layout is not None and layout.state_crc32 == state_checksum(state or b"")
    if state is not None and same_save and layout is not None and layout.columns == columns:
        header.restoreState(value)  # Qt's own, intact, for these very columns
        return
    if state is not None and not same_save:
        # Qt's state alone, or not the one the description was kept with: kept before there
        # was one, or by an older desk since (which writes Qt's alone: its layout is the
        # newer), or damaged. Read here, never by Qt; the description when it does not read.
        layout = read_qt_header_state(state, columns) or layout
    if layout is not None:
        _apply(header, layout, columns)


def _layout_of(header: QHeaderView, columns: tuple[str, ...], crc32: int) -> HeaderLayout:
    hidden = frozenset(key for i, key in enumerate(columns) if header.isSectionHidden(i))
    order = tuple(columns[header.logicalIndex(place)] for place in range(len(columns)))
    shown = [key for key in order if key not in hidden]
    # The last column shown fills the table's width: that is no width the coordinator chose.
    stretched = shown[-1] if header.stretchLastSection() and shown else None
    # A hidden column's width is Qt's alone to know: it comes back at its default if shown.
    widths = {
        key: header.sectionSize(i)
        for i, key in enumerate(columns)
        if key not in hidden and key != stretched
    }
    sorted_by = header.sortIndicatorSection()
    return HeaderLayout(
        columns=columns,
        widths=widths,
        hidden=hidden,
        order=order,
        sort_column=columns[sorted_by] if 0 <= sorted_by < len(columns) else None,
        descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        state_crc32=crc32,
    )


def _apply(header: QHeaderView, layout: HeaderLayout, columns: tuple[str, ...]) -> None:
    index = {key: i for i, key in enumerate(columns)}
    for place, key in enumerate(arranged(layout, columns)):
        header.moveSection(header.visualIndex(index[key]), place)
    for key in layout.columns:  # a column it did not know: shown or hidden by default
        if key in index:
            header.setSectionHidden(index[key], key in layout.hidden)
    for key, width in layout.widths.items():
        if key in index:
            header.resizeSection(index[key], width)
    sorted_by = index.get(layout.sort_column or "")
    if sorted_by is not None:  # a column gone since: the default sort stays
        order = Qt.SortOrder.DescendingOrder if layout.descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicator(sorted_by, order)
