"""The offers' sort: actions for the keyboard (the room's Sort button, and the window's Ctrl+K
palette), and the line that says the sort is within the page shown.

SmartRecruiters' offer listing takes no sort parameter: a sort orders the page shown, and
nothing else. Before, a click on a header sorted the page and said nothing, and the list
looked sorted while the next page started again from "A".
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMenu, QTableView, QToolButton

from app.ui.common.command_palette import add_keywords, set_palette_title
from app.ui.common.sort_directions import direction_actions
from app.ui.offers.offer_table_model import HEADERS, Column


def sort_note(column: int, order: Qt.SortOrder) -> str:
    """What the list says of a sort by ``column`` (-1: none): it is within this page only."""
    if not 0 <= column < len(Column):
        return ""
    way = "A to Z" if order == Qt.SortOrder.AscendingOrder else "Z to A"
    if column == Column.PRICE:
        way = "lowest first" if order == Qt.SortOrder.AscendingOrder else "highest first"
    return (
        f"Sorted by {HEADERS[Column(column)]} ({way}) within this page only: SmartRecruiters "
        "cannot sort its catalogue, so the other pages are not in this order."
    )


class OfferSort(QObject):
    """``by_column``: one action per column; ``unsorted``: SmartRecruiters' own order;
    ``ascending`` / ``descending``. Their checks and ``note`` follow the table's header."""

    def __init__(self, table: QTableView, note: QLabel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.note = note
        header = table.horizontalHeader()
        columns = QActionGroup(self)
        self.unsorted = QAction("&SmartRecruiters' order", columns)
        set_palette_title(self.unsorted, "Show the offers in SmartRecruiters' order (unsorted)")
        self.unsorted.triggered.connect(lambda: table.sortByColumn(-1, Qt.SortOrder.AscendingOrder))
        self.by_column: list[QAction] = []
        for column in Column:
            action = QAction(HEADERS[column], columns)
            set_palette_title(action, f"Sort the offers on this page by {HEADERS[column]}")
            action.triggered.connect(
                lambda _checked=False, c=column: table.sortByColumn(c, header.sortIndicatorOrder())
            )
            self.by_column.append(action)
        self.ascending, self.descending = direction_actions(
            self,
            "the offers on this page",
            # Unsorted, a direction sorts by Name: the column a coordinator looks for first.
            lambda order: table.sortByColumn(
                max(header.sortIndicatorSection(), Column.NAME), order
            ),
        )
        for action in self.actions():
            action.setCheckable(True)
            add_keywords(action, "sort order offers")
        self.menu = QMenu()
        self.menu.addAction(self.unsorted)
        self.menu.addSeparator()
        self.menu.addActions(self.by_column)
        self.menu.addSeparator()
        self.menu.addActions([self.ascending, self.descending])
        self.button = QToolButton()
        self.button.setObjectName("offersSort")
        self.button.setText("&Sort")
        self.button.setAccessibleName("Sort the offers on this page")
        self.button.setToolTip(
            "Sort the offers on this page (SmartRecruiters cannot sort its catalogue)"
        )
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setMenu(self.menu)
        header.sortIndicatorChanged.connect(lambda *_a: self.follow_header())
        self.follow_header()

    def actions(self) -> list[QAction]:
        """Every sort action, as the palette offers them."""
        return [self.unsorted, *self.by_column, self.ascending, self.descending]

    def follow_header(self) -> None:
        """Check what the header shows, and say whether the page is sorted."""
        header = self.table.horizontalHeader()
        section, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        sorted_by = 0 <= section < len(self.by_column)
        (self.by_column[section] if sorted_by else self.unsorted).setChecked(True)
        ascending = order == Qt.SortOrder.AscendingOrder
        (self.ascending if ascending else self.descending).setChecked(True)
        for action in (self.ascending, self.descending):
            action.setEnabled(sorted_by)
        self.note.setText(sort_note(section, order))
        self.note.setVisible(sorted_by)
