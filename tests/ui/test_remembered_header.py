"""A header's remembered layout by column key (``remembered_header``, ``header_layout``) and
Qt's own state read in Python (``qt_header_state``), never handed to Qt unchecked."""

from __future__ import annotations

from collections.abc import Sequence, Set
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QHeaderView, QTableView
from pytestqt.qtbot import QtBot

from app.ui.common.remembered_header import BY_COLUMN, restore_header, save_header
from app.ui.main_window import MainWindow
from app.ui.orders.orders_room import HEADER_KEY
from app.views.header_layout import HeaderLayout, arranged, layout_from_text, layout_to_text
from app.views.inbox_columns import DEFAULT_SHOWN, INBOX
from app.views.qt_header_state import read_qt_header_state

KEY = "test/columns"


def table_of(qtbot: QtBot, columns: Sequence[str], width: int = 80) -> QTableView:
    """A table set up as the desk's are: sortable, sized by hand, its last column stretched."""
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(QStandardItemModel(0, len(columns), table))
    table.setSortingEnabled(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for position in range(len(columns)):
        table.setColumnWidth(position, width)
    return table


def widths_of(table: QTableView, columns: Sequence[str]) -> dict[str, int]:
    header = table.horizontalHeader()
    return {key: header.sectionSize(i) for i, key in enumerate(columns)}


def test_qt_state_reads_by_position_and_every_damage_reads_as_none_or_a_layout(
    qtbot: QtBot,
) -> None:
    """Qt 6 read past the end of a cut state and crashed: the reader here takes any bytes."""
    columns = ("a", "b", "c", "d", "e")
    table = table_of(qtbot, columns)
    header = table.horizontalHeader()
    table.setColumnWidth(1, 111)
    table.setColumnWidth(3, 133)
    header.setSectionHidden(3, True)
    header.moveSection(2, 0)
    table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    state = bytes(header.saveState().data())
    layout = read_qt_header_state(state, columns)
    assert layout is not None
    assert layout.order == ("c", "a", "b", "d", "e")
    assert layout.hidden == {"d"}
    assert (layout.widths["b"], layout.widths["d"]) == (111, 133)  # hidden: Qt's kept width
    assert "e" not in layout.widths  # stretched to the table's edge: no width chosen
    assert (layout.sort_column, layout.descending) == ("e", True)
    assert read_qt_header_state(state, columns[:4]) is None  # another header's
    for cut in range(len(state)):  # where a cut write leaves it
        read_qt_header_state(state[:cut], columns)
    for at in range(len(state)):  # a byte damaged anywhere
        damaged = bytearray(state)
        damaged[at] ^= 0x5A
        found = read_qt_header_state(bytes(damaged), columns)
        assert found is None or set(found.order) == set(columns)


def test_a_description_that_is_not_ours_reads_as_none() -> None:
    saved = HeaderLayout(("a", "b"), {"a": 90}, frozenset({"b"}), ("b", "a"), "a", True, 7)
    assert layout_from_text(layout_to_text(saved)) == saved
    for text in (None, 3, "", "not json", "[1, 2]", '{"columns": "ab"}', "[" * 100_000):
        assert layout_from_text(text) is None
    assert layout_from_text(layout_to_text(saved).replace("90", "99999999")).widths == {}  # type: ignore[union-attr]


def test_a_new_column_comes_next_to_the_one_before_it() -> None:
    saved = HeaderLayout(("a", "b", "c"), order=("c", "a", "b"))
    # "y" follows "c", wherever the coordinator put "c".
    assert arranged(saved, ("new", "a", "b", "x", "c", "y")) == ["new", "c", "y", "a", "b", "x"]
    assert arranged(saved, ("a", "c")) == ["c", "a"]  # b removed


def test_a_layout_saved_for_other_columns_is_applied_by_key(qtbot: QtBot, tmp_path: Path) -> None:
    """A version added "x" before "c": before, every width and hidden flag from "c" on
    landed on the column to its left."""
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    before = ("a", "b", "c", "d")
    old = table_of(qtbot, before)
    old.setColumnWidth(2, 150)
    old.horizontalHeader().setSectionHidden(1, True)
    old.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    save_header(settings, KEY, old.horizontalHeader(), before)
    after = ("a", "b", "x", "c", "d")
    new = table_of(qtbot, after, width=60)  # built with its defaults, "x" hidden
    new.horizontalHeader().setSectionHidden(2, True)
    restore_header(settings, KEY, new.horizontalHeader(), after)
    header = new.horizontalHeader()
    assert [header.isSectionHidden(i) for i in range(5)] == [False, True, True, False, False]
    assert widths_of(new, after)["c"] == 150
    assert widths_of(new, after)["a"] == 80
    assert header.sortIndicatorSection() == after.index("c")
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder


def test_a_damaged_state_falls_back_to_what_was_said_by_key(qtbot: QtBot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    columns = ("a", "b", "c")
    first = table_of(qtbot, columns)
    first.setColumnWidth(0, 140)
    first.horizontalHeader().setSectionHidden(1, True)
    save_header(settings, KEY, first.horizontalHeader(), columns)
    state = settings.value(KEY)
    assert isinstance(state, QByteArray)
    settings.setValue(KEY, QByteArray(state.data()[:40]))  # cut: its checksum no longer holds
    again = table_of(qtbot, columns)
    restore_header(settings, KEY, again.horizontalHeader(), columns)
    assert widths_of(again, columns)["a"] == 140
    assert again.horizontalHeader().isSectionHidden(1)
    settings.setValue(KEY + BY_COLUMN, "{damaged")  # and the description too: the defaults
    third = table_of(qtbot, columns)
    restore_header(settings, KEY, third.horizontalHeader(), columns)
    assert widths_of(third, columns)["a"] == 80
    assert not third.horizontalHeader().isSectionHidden(1)


def test_columns_chosen_in_an_older_desk_since_are_kept(qtbot: QtBot, tmp_path: Path) -> None:
    """An older desk (the default desk shares Qt's settings place with it) writes Qt's state
    alone, over the one the description was kept with: the description, older, won, and what
    the coordinator chose in the older desk meanwhile was lost."""
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    columns = ("a", "b", "c")
    first = table_of(qtbot, columns)
    first.setColumnWidth(0, 140)
    save_header(settings, KEY, first.horizontalHeader(), columns)
    older = table_of(qtbot, columns)  # as the older desk saves: Qt's state only
    older.setColumnWidth(0, 190)
    older.horizontalHeader().setSectionHidden(1, True)
    settings.setValue(KEY, older.horizontalHeader().saveState())
    again = table_of(qtbot, columns)
    restore_header(settings, KEY, again.horizontalHeader(), columns)
    assert widths_of(again, columns)["a"] == 190
    assert again.horizontalHeader().isSectionHidden(1)


def saved_by_the_version_before(
    qtbot: QtBot, settings: QSettings, columns: list[str], shown: Set[str], width: int
) -> None:
    """The inbox layout a desk whose inbox had only ``columns`` saved: Requestor ``width``
    wide, sorted by it."""
    table = table_of(qtbot, columns)
    header = table.horizontalHeader()
    for position, key in enumerate(columns):
        table.setColumnWidth(position, INBOX[INBOX.index(key)].width)
        header.setSectionHidden(position, key not in shown)
    table.setColumnWidth(columns.index("requestor"), width)
    table.sortByColumn(columns.index("requestor"), Qt.SortOrder.AscendingOrder)
    save_header(settings, HEADER_KEY, header, columns)


@pytest.mark.parametrize("added", ["attention", "activity"])
def test_a_remembered_layout_keeps_to_its_columns_after_a_column_is_added(
    qtbot: QtBot, qsettings: QSettings, added: str
) -> None:
    """The layout was Qt's state alone, applied by position: after a version added "Needs
    attention", Requestor (shown by the coordinator) was hidden and Candidate email shown in
    its place; a column added at the end came shown whether shown by default or not."""
    before = [column.key for column in INBOX.all if column.key != added]
    # Order id shown too: Requestor is not the last column shown, which stretches.
    chosen = (DEFAULT_SHOWN - {added}) | {"requestor", "order_id"}
    saved_by_the_version_before(qtbot, qsettings, before, chosen, 171)
    window = MainWindow(settings=qsettings)  # the new version's first start
    qtbot.addWidget(window)
    header = window.orders.table.horizontalHeader()
    shown = {column.key for i, column in enumerate(INBOX.all) if not header.isSectionHidden(i)}
    assert shown == DEFAULT_SHOWN | {"requestor", "order_id"}  # the new one as by default
    requestor = INBOX.index("requestor")
    assert header.sectionSize(requestor) == 171
    assert window.orders.proxy.sortColumn() == requestor
    new = INBOX.index(added)
    header.setSectionHidden(new, False)
    assert header.sectionSize(new) == INBOX[new].width  # its own, not Qt's default
