"""The inbox's columns as actions: show or hide each one, and sort by each one.

One set of actions for the View menu (and so the Ctrl+K palette) and the header's right-click
menu: before, only the header's menu (a mouse's) chose the columns, and only a click on a
header sorted them.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QTableView

from app.ui.common.command_palette import add_keywords, set_palette_title
from app.ui.common.sort_directions import direction_actions
from app.views.columns import Columns

#: Why the columns that say which order a row is cannot be hidden.
ALWAYS_SHOWN_TIP = "Always shown: the status and the candidate say which order a row is."
#: Why a snapshot's window cannot show the desk's own columns (``SNAPSHOT_EMPTY_FIELDS``).
NOT_IN_SNAPSHOT_TIP = (
    "A snapshot does not keep this column: select an order to see its Berke assessment."
)


class ColumnActions(QObject):
    """``toggles``: one checkable action per column, in the columns' order; ``sort_by``: one
    per column, and ``ascending`` / ``descending``. Their checks follow the header."""

    def __init__(
        self,
        table: QTableView,
        columns: Columns,
        always_shown: frozenset[str],
        reset: Callable[[], None],
        parent: QObject | None = None,
        *,
        default_sort: tuple[int, Qt.SortOrder],
    ) -> None:
        """``default_sort``: the table's own sort (a column, a direction), the one taken when
        the column sorted by is hidden as empty."""
        super().__init__(parent)
        self.table = table
        self.columns = columns
        self.always_shown = always_shown
        self.default_sort = default_sort
        #: Columns the rows leave empty (a snapshot's), hidden; and whether each was shown.
        self._empty: dict[int, bool] = {}
        header = table.horizontalHeader()
        self.toggles: list[QAction] = []
        self.sort_by: list[QAction] = []
        by_column = QActionGroup(self)
        for position, column in enumerate(columns.all):
            toggle = QAction(column.header, self)
            toggle.setCheckable(True)
            if column.key in always_shown:
                toggle.setEnabled(False)
                toggle.setToolTip(ALWAYS_SHOWN_TIP)
            toggle.toggled.connect(lambda shown, i=position: header.setSectionHidden(i, not shown))
            # In the palette the toggle says what Enter does ("Job" alone did not).
            toggle.toggled.connect(lambda shown, a=toggle: _title_toggle(a, shown))
            self.toggles.append(toggle)
            sort = QAction(column.header, by_column)
            sort.setCheckable(True)
            set_palette_title(sort, f"Sort the inbox by {column.header}")
            sort.triggered.connect(
                lambda _checked, i=position: table.sortByColumn(i, header.sortIndicatorOrder())
            )
            self.sort_by.append(sort)
        self.default_columns = QAction("&Default columns", self)
        set_palette_title(self.default_columns, "Show the default inbox columns")
        add_keywords(self.default_columns, "reset column")
        self.default_columns.triggered.connect(reset)
        self.ascending, self.descending = direction_actions(
            self,
            "the inbox",
            lambda order: table.sortByColumn(header.sortIndicatorSection(), order),
        )
        header.sortIndicatorChanged.connect(lambda *_a: self.follow_header())
        self.follow_header()

    def set_empty_fields(self, fields: frozenset[str], why: str) -> None:
        """Hide the columns of ``fields`` (the source leaves them empty), their toggles off
        and saying ``why``; the columns of an earlier call not among them come back as they
        were. An empty column shown said nothing, and read as "nothing to do".

        Sorting by them goes too: the rows sorted by a hidden, empty column were in no order
        the window showed, and no header said by what. The default sort is taken instead."""
        header = self.table.horizontalHeader()
        empty = {i for i, column in enumerate(self.columns.all) if column.field in fields}
        for position in set(self._empty) - empty:
            header.setSectionHidden(position, not self._empty.pop(position))
            toggle = self.toggles[position]
            toggle.setEnabled(self.columns.all[position].key not in self.always_shown)
            toggle.setToolTip("")
            self.sort_by[position].setEnabled(True)
            self.sort_by[position].setToolTip("")
        for position in empty - set(self._empty):
            self._empty[position] = not header.isSectionHidden(position)
            header.setSectionHidden(position, True)
            self.toggles[position].setEnabled(False)
            self.toggles[position].setToolTip(why)
            self.sort_by[position].setEnabled(False)
            self.sort_by[position].setToolTip(why)
        if header.sortIndicatorSection() in self._empty:
            self.table.sortByColumn(*self.default_sort)
        self.follow_header()

    def hide_empty(self) -> None:
        """The empty columns hidden again (after the default columns were put back)."""
        header = self.table.horizontalHeader()
        for position in self._empty:
            header.setSectionHidden(position, True)

    def follow_header(self) -> None:
        """Check what the header shows: after a click on it, a remembered layout, or the
        default columns (Qt says nothing when a section is hidden)."""
        header = self.table.horizontalHeader()
        for position, toggle in enumerate(self.toggles):
            toggle.setChecked(not header.isSectionHidden(position))
            _title_toggle(toggle, toggle.isChecked())  # toggled is not sent when unchanged
        section = header.sortIndicatorSection()
        if 0 <= section < len(self.sort_by):
            self.sort_by[section].setChecked(True)
        ascending = header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
        (self.ascending if ascending else self.descending).setChecked(True)

    def add_submenus(self, menu: QMenu) -> None:
        """Inbox columns and Sort the inbox by, at the end of ``menu`` (the View menu)."""
        menu.addSeparator()
        self.fill_columns_menu(menu.addMenu("Inbox &columns"))
        self.fill_sort_menu(menu.addMenu("&Sort the inbox by"))

    def fill_columns_menu(self, menu: QMenu) -> QMenu:
        """The toggles and "Default columns": the View menu's and the header's menu alike."""
        menu.setToolTipsVisible(True)  # why Status and Candidate are greyed
        menu.addActions(self.toggles)
        menu.addSeparator()
        menu.addAction(self.default_columns)
        return menu

    def fill_sort_menu(self, menu: QMenu) -> QMenu:
        menu.setToolTipsVisible(True)  # why a snapshot's empty columns are greyed
        menu.addActions(self.sort_by)
        menu.addSeparator()
        menu.addActions([self.ascending, self.descending])
        return menu


def _title_toggle(toggle: QAction, shown: bool) -> None:
    set_palette_title(toggle, f"{'Hide' if shown else 'Show'} the {toggle.text()} column")
