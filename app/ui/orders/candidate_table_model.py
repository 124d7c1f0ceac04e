"""The candidates table: each candidate's row followed by the rows of their orders, searched
and sorted as groups.

A flat table, not a tree, because Qt's tree view asks the model about every row to lay itself
out — seconds of calls into Python for 100,000 orders — where a table asks only about the rows
it paints. Every candidate's orders stay in sight under its row, as they did in the tree, which
always showed them expanded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain, compress
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QGuiApplication, QPixmap

from app.ui.common.cut_text_tips import TIP_SHOWN
from app.ui.common.tooltips import plain_tooltip
from app.ui.orders.order_table_model import ORDER_ID_ROLE, status_text_colour
from app.views.bulk_summary import counts_text
from app.views.candidate_groups import NO_JOB_NAME, CandidateGroups, Column, SeenCandidate, fold
from app.views.inbox_columns import (
    NO_EMAIL_TIP,
    STATUS_LABELS,
    berke_display,
    gone_tip,
    local_text,
    shown_status,
)
from app.views.order_rows import OrderColumns
from app.views.row_search import RowSearch, locate, pick_in_order
from app.views.text import as_cell, one_line

CANDIDATE_ROLE = Qt.ItemDataRole.UserRole + 2  # the SmartRecruiters candidate id of the row

AnyIndex = QModelIndex | QPersistentModelIndex

HEADERS = {
    Column.NAME: "Candidate / job",
    Column.EMAIL: "Email",
    Column.STATUS: "Orders / status",
    Column.COMPANY: "Company",
    Column.LATEST: "Latest order",
}
INDENT = 22  # pixels an order's job sits right of its candidate's name
_CELL_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)


def grouped(rows: OrderColumns) -> tuple[CandidateGroups, RowSearch]:
    """The candidates of ``rows`` and their search: plain Python on rows no one changes
    meanwhile, so that it may run off the GUI thread (``OrdersRoom`` does, for a change)."""
    groups = CandidateGroups(rows)
    return groups, RowSearch(groups.haystacks)


class CandidateTableModel(QAbstractTableModel):
    """Candidates and their orders; ``set_search_text`` and ``sort`` choose and order the
    groups. A display row is a candidate's (``CANDIDATE_ROLE``) or an order's
    (``ORDER_ID_ROLE``, loaded when asked)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups = CandidateGroups(OrderColumns.of_rows([]))
        self._search = RowSearch([])
        self._words: tuple[str, ...] = ()
        self._sort_column: Column | None = None
        self._descending = False
        self._blocks: list[tuple[int, ...]] = []  # every group's display rows, in sort order
        self._all_rows: list[int] = []
        self._in_sort_order: Callable[[bytes], Sequence[int]] = pick_in_order([])
        # A display row is -(group + 1) for a candidate, the index row for an order.
        self._rows: list[int] = []
        self._mask = 0
        self._bold = QFont()
        self._bold.setBold(True)
        self._indent: QPixmap | None = None  # made when first painted: it needs a display

    # -- data in ---------------------------------------------------------------------------

    def set_rows(self, rows: OrderColumns) -> None:
        """Group these rows (one reset; the view keeps the selected order and the scroll)."""
        self.set_grouped(*grouped(rows))

    def set_grouped(self, groups: CandidateGroups, search: RowSearch) -> None:
        """Show groups made by ``grouped`` (one reset)."""
        self.beginResetModel()
        self._groups, self._search = groups, search
        self._arrange()
        self._rows = self._visible(self._search.find(self._words))
        self.endResetModel()

    def orders_changed(self, index_rows: Sequence[int], *, resort: bool = False) -> None:
        """These orders changed in place, each keeping its group (``keeps_its_group``): their
        rows and their candidates' rows are repainted, not regrouped (~70 ms per change at
        5,000 orders, with the tab shown through a batch). ``resort``: a status changed and
        the orders are sorted by it: put in order again."""
        if resort:
            self._relayout(resort=True)
            return
        shown = {entry: row for row, entry in enumerate(self._rows)}
        last = len(Column) - 1
        for index_row in index_rows:
            row = shown.get(index_row)
            if row is None:
                continue  # not shown: a search hides its candidate
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            row = self._candidate_row_above(row)
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))

    def candidate_count(self) -> int:
        return len(self._groups)

    # -- search and sort ---------------------------------------------------------------------

    def set_search_text(self, text: str) -> None:
        """Every word must be in the candidate's name or email (as any of their orders gives
        it), or in one of their orders' job or company; accents and case do not matter. A
        match shows all the candidate's orders."""
        words = tuple(fold(text).split())
        if words != self._words:
            self._words = words
            self._relayout()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Candidates by their value in ``column``, each one's orders by theirs; -1 for names
        A–Z with orders newest first."""
        self._sort_column = Column(column) if 0 <= column < len(Column) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._relayout(resort=True)

    def sort_column(self) -> Column | None:
        """The column the candidates are sorted by; None for names A–Z."""
        return self._sort_column

    def _arrange(self) -> None:
        groups, self._blocks = self._groups.blocks(self._sort_column, self._descending)
        self._in_sort_order = pick_in_order(groups)
        self._all_rows = list(chain.from_iterable(self._blocks))
        self._mask = -1  # nothing shown is in this order yet

    def _visible(self, mask: int) -> list[int]:
        self._mask = mask
        if mask == self._search.everything:
            return self._all_rows
        if not mask:
            return []
        shown = self._in_sort_order(self._search.mask_bytes(mask))
        return list(chain.from_iterable(compress(self._blocks, shown)))

    def _relayout(self, *, resort: bool = False) -> None:
        """Recompute and tell the views, moving persistent indexes with their rows."""
        mask = self._search.find(self._words)
        if not resort and mask == self._mask:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        entries = [self._entry(i.row()) for i in persistent]
        if resort:
            self._arrange()
        self._rows = self._visible(mask)
        where = locate(self._rows, entries)
        moved = []
        for entry, index in zip(entries, persistent, strict=True):
            row = where.get(entry, -1) if entry is not None else -1
            moved.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _entry(self, row: int) -> int | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- rows --------------------------------------------------------------------------------

    def order_row(self, row: int) -> int | None:
        """The index row of the order shown at ``row``, or None for a candidate's row."""
        entry = self._entry(row)
        return entry if entry is not None and entry >= 0 else None

    def order_id(self, index_row: int) -> str:
        return self._groups.index.id[index_row]

    def order_ids(self) -> list[str]:
        """The orders shown, in the order shown: every order of each candidate the search
        finds (a candidate's orders are always listed under their row)."""
        ids = self._groups.index.id
        return [ids[entry] for entry in self._rows if entry >= 0]

    def order_count(self) -> int:
        """How many orders are listed: every row but the candidates' own, one per candidate
        the search finds (counted from its mask, not row by row: asked at each keystroke)."""
        return len(self._rows) - self._mask.bit_count()

    def row_of_order(self, order_id: str) -> int | None:
        """Where the order is shown, or None if it is not."""
        try:
            index_row = self._groups.index.id.index(order_id)
            return self._rows.index(index_row)
        except ValueError:
            return None

    def _candidate_row_above(self, row: int) -> int:
        """The own row of the candidate whose order is shown at ``row`` (``row`` itself for a
        candidate's row): shown whenever one of its orders is."""
        while row > 0 and self._rows[row] >= 0:
            row -= 1
        return row

    def seen_candidate(self, row: int) -> SeenCandidate | None:
        """The candidate whose own row is shown at ``row`` (None for an order's row), to find
        their row again once regrouped (``candidate_row_again``)."""
        entry = self._entry(row)
        return self._groups.seen(-entry - 1) if entry is not None and entry < 0 else None

    def candidate_row_again(self, seen: SeenCandidate) -> int | None:
        """Where the own row of the candidate ``seen`` is shown now, or None (gone, or hidden
        by the search)."""
        group = self._groups.group_again(seen)
        if group is None:
            return None
        try:
            return self._rows.index(-(group + 1))
        except ValueError:
            return None

    # -- Qt model interface ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)] if 0 <= section < len(Column) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self._entry(index.row())
        if entry is None or not index.isValid():
            return None
        column = Column(index.column())
        if entry < 0:
            value = self._candidate_data(-entry - 1, column, role)
        else:
            value = self._order_data(entry, column, role)
        if role in _CELL_ROLES and isinstance(value, str):
            # One line, no bidirectional controls, cut, as in the inbox: a file's 3 MB company
            # was handed whole to a screen reader.
            return as_cell(value)
        return plain_tooltip(value) if role == Qt.ItemDataRole.ToolTipRole else value

    def _candidate_data(self, group: int, column: Column, role: int) -> Any:
        groups = self._groups
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            count = groups.order_count(group)
            text = (
                groups.names[group],
                groups.emails[group] or "—",
                f"{count} order" if count == 1 else f"{count} orders",
                groups.companies[group],
                local_text(groups.latest[group]),
            )[column]
            if role == Qt.ItemDataRole.DisplayRole:
                return text
            return f"{HEADERS[column]}: {text}"
        if role == Qt.ItemDataRole.FontRole and column == Column.NAME:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            # Marks where a candidate starts, in the palette's own shade (light or dark).
            return QGuiApplication.palette().alternateBase()
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.NAME:
                # None for one sent without an id ("Candidate " said nothing).
                candidate_id = groups.candidate_ids[group]
                return (
                    f"Candidate {one_line(candidate_id, TIP_SHOWN)}"
                    if candidate_id.strip()
                    else None
                )
            if column == Column.EMAIL and not groups.emails[group]:
                return NO_EMAIL_TIP
            if column == Column.STATUS:
                return counts_text(groups.status_counts(group), groups.gone_count(group))
            if column == Column.COMPANY:
                # A list of them is cut in the cell; the tip is cut as a cut cell's is.
                return one_line(groups.companies[group], TIP_SHOWN) or None
            return None
        if role == CANDIDATE_ROLE:
            return groups.candidate_ids[group]
        return None

    def _order_data(self, row: int, column: Column, role: int) -> Any:
        index = self._groups.index
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == Column.NAME:
                text = index.job[row] or NO_JOB_NAME
            elif column == Column.EMAIL:
                text = ""  # the candidate's row right above shows it; repeated it is only noise
            elif column == Column.STATUS:
                # Both sides of the order, as in the inbox: SmartRecruiters', then Berke's.
                text = shown_status(index.status[row], index.gone[row])
                berke = index.berke[row].partition(" · ")[0]
                if berke:
                    text += f" · Berke: {berke.lower()}"
            elif column == Column.COMPANY:
                text = index.company[row]
            else:
                text = local_text(index.created[row])
            if role == Qt.ItemDataRole.DisplayRole:
                return text
            return f"{HEADERS[column]}: {text}"
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NAME:
            if self._indent is None:
                self._indent = QPixmap(INDENT - 4, 1)  # an empty picture: Qt leaves its room
                self._indent.fill(Qt.GlobalColor.transparent)
            return self._indent
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            palette = QGuiApplication.palette()
            return status_text_colour(index.status[row], index.gone[row], palette)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.NAME:
                return f"Order {one_line(index.id[row], TIP_SHOWN)}"
            if column == Column.STATUS:
                # Both sides in full (the cell may cut Berke's), in words, not the API's value.
                berke = index.berke[row]
                status = index.status[row]
                tip = (
                    gone_tip(status)
                    if index.gone[row]
                    else f"SmartRecruiters: {STATUS_LABELS[status]}"
                )
                return f"{tip}\nBerke: {berke_display(berke)}" if berke else tip
            if column == Column.COMPANY:
                # Cut as the cell's own tip is: a file's 3 MB company froze the window at
                # each hover, laid out whole.
                return one_line(index.company[row], TIP_SHOWN) or None
            return None
        if role == ORDER_ID_ROLE:
            return index.id[row]
        if role == CANDIDATE_ROLE:
            return index.candidate_id[row]
        return None
