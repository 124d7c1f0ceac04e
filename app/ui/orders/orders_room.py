"""The Orders room: its own toolbar (search, status filter), the inbox and candidates tables,
and the order detail pane, fed by an ``OrderSource`` (the live board, or a snapshot).

It keeps no copy of any order's state: the rows come from the source, and when the source
says some rows changed, only those rows are updated (selection and scroll stay put).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, cast

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QObject,
    QPoint,
    QRect,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QDropEvent, QKeyEvent, QMouseEvent, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.clients.errors import ApiError
from app.domain.count_words import counted
from app.domain.file_names import shown_in_sentence
from app.domain.order_action import OrderAction
from app.domain.order_state import OrderState
from app.domain.order_status import OrderStatus
from app.domain.text_fold import fold
from app.ui.common.command_palette import OrderHit
from app.ui.common.cut_text_tips import CutTextTips
from app.ui.common.labels import plain_label
from app.ui.common.local_repaint_table import LocalRepaintTableView
from app.ui.common.messages import Messages
from app.ui.common.remembered_header import restore_header, save_header
from app.ui.common.search_keys import SearchKeys, give_list_the_keyboard
from app.ui.common.tab_order import chain_tab_order
from app.ui.common.table_header import header_apart_from_selection
from app.ui.common.task_group import NamedTasks
from app.ui.orders.attachments_panel import dropped_paths, rows_for
from app.ui.orders.candidate_table_model import grouped
from app.ui.orders.candidates_view import CandidatesView
from app.ui.orders.column_actions import NOT_IN_SNAPSHOT_TIP, ColumnActions
from app.ui.orders.detail_pane import OrderDetailPane
from app.ui.orders.order_actions import CANDIDATE_ROW, NO_ORDER_SELECTED, OrderActionsController
from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import ORDER_ID_ROLE, OrderTableModel, RowsUpdated
from app.ui.orders.selection_keeper import SelectionKeeper
from app.ui.orders.sources import LiveOrders, OrderSource
from app.ui.orders.status_badge import StatusBadgeDelegate
from app.ui.orders.sync_problem import BerkeWatchBar, SyncProblemBar
from app.views.bulk_summary import BulkLine, bulk_summary, status_counts
from app.views.candidate_groups import Column, keeps_its_group
from app.views.inbox_columns import DEFAULT_SHOWN, INBOX, STATUS_LABELS
from app.views.order_rows import OrderColumns, OrderRow
from app.views.text import one_line
from app.workflows.refusals import COMMENT_SENT_AGAIN, EXPECTED_ERRORS, OutcomeKeptError

if TYPE_CHECKING:  # the API's shapes (pydantic) load after the first frame
    from app.domain.attention import Flag
    from app.domain.journal import JournalEntry
    from app.domain.order_result import ResultOnFile
    from app.domain.smartrecruiters import AssessmentOrder
    from app.ui.orders.detail_pane import TimelineEntry
    from app.workflows.board import OrderBoard

log = logging.getLogger(__name__)


class _Place(NamedTuple):
    """Where the coordinator is in the inbox: the orders selected, the one the keyboard is on,
    and the first order in view and where it is drawn (``_top_row_in_view``)."""

    selected: list[str]
    current: str | None
    top: tuple[str, int] | None


def _same_orders(previous: OrderSource | None, source: OrderSource | None) -> bool:
    """Whether ``source`` shows the orders ``previous`` did: those of one data file (the
    cached inbox shown while connecting, then the live one)."""
    if previous is None or source is None:
        return False
    return previous.data_file is not None and previous.data_file == source.data_file


def not_attached_without_order(paths: list[Path]) -> str:
    """Why files dropped on the pane were not attached: it showed no order to attach them to."""
    return (
        f"No order was shown, so {_named(paths)} not attached. "
        "Select the order the report is for, then drop it again."
    )


def not_attached_before_connecting(paths: list[Path]) -> str:
    """Why files dropped on an order of the saved inbox were not attached: the desk has not
    connected yet (or could not), and nothing can be queued without it."""
    return (
        f"The desk is not connected to the services yet, so {_named(paths)} not attached. "
        "Drop it again once the orders are synced."
    )


def _named(paths: list[Path]) -> str:
    names = ", ".join(shown_in_sentence(path.name) for path in paths)
    return f"{names} {'was' if len(paths) == 1 else 'were'}"


class _Shown(NamedTuple):
    """What the order pane shows of the current order (compared to see what changed)."""

    order: AssessmentOrder | None
    state: OrderState
    flags: tuple[Flag, ...]


# The keys wave 1 used: a user's layout survives the upgrade.
SETTINGS_PREFIX = "mainWindow"
#: The inbox header's state (widths, order, hidden columns, sort). The columns were reordered
#: in wave 2: an older state would put widths on the wrong columns, so it has a new key. Since
#: then the columns it is for are kept beside it (``remembered_header``): a column added or
#: moved needs no new key.
HEADER_KEY = f"{SETTINGS_PREFIX}/inboxColumns2"
CANDIDATES_HEADER_KEY = f"{SETTINGS_PREFIX}/candidateColumns"
#: The columns' keys, in the models' order: what a remembered layout names them by.
INBOX_KEYS = tuple(column.key for column in INBOX.all)
CANDIDATE_KEYS = tuple(column.name.lower() for column in Column)
ALWAYS_SHOWN = frozenset({"status", "candidate"})
#: The inbox's sort until the coordinator chooses another: the newest order first.
DEFAULT_SORT = (INBOX.index("ordered"), Qt.SortOrder.DescendingOrder)
SUMMARY_DELAY_MS = 200
#: The summary of several orders asks the board about each order for each action: this many
#: orders at once, more (Ctrl+A over thousands) a slice at a time between turns of the loop.
#: All 2,750 of a worked desk's new orders at once held the window ~35 ms on top of the
#: selection's own work.
SUMMARY_SLICE = 500
SUMMARY_TASK = "summary"
WORKING_OUT = "Working out what each action would do…"
# The status filter's entry for flagged orders.
NEEDS_ATTENTION = "attention"
NO_ATTENTION_IN_SNAPSHOT = "A snapshot does not keep what needs attention."
# Rows whose flags depend on time ("new for 3 days") are rebuilt this often.
RECHECK_MS = 5 * 60 * 1000
AGE_REPAINT_MS = 60 * 1000  # ages are shown to the minute
REGROUP_TASK = "candidates"  # the Candidates tab's grouping, off the GUI thread
#: The shown order's Activity read again, its steps moved (``_reload_activity``).
ACTIVITY_TASK = "activity"
#: At most one grouping a second while changes keep coming (a sync's pages, 10 a second): the
#: first at once, the rest gathered.
REGROUP_GAP_SECONDS = 1.0


class OrdersRoom(QWidget):
    """See the module docstring. ``counts_changed`` carries the status-bar text."""

    counts_changed = Signal(str)
    #: The Candidates tab's groups being made in a worker thread; the rows being changed
    #: (counted once after, the tab told first). Class defaults: set in passing, never kept.
    _grouping = False
    _changing_rows = False
    #: The Candidates tab's groups are of the rows the model holds (grouped since they were
    #: set): shown again after a change, the tab shows them while they are made again.
    _candidates_of_rows = False
    #: The orders whose summary the pane shows, and its lines: kept while a poll's changes are
    #: summarised again, rather than "Working out…" at every poll.
    _summary_shown: tuple[frozenset[str], list[str]] | None = None
    #: The order whose Activity ``ACTIVITY_TASK`` reads (with its source), and whether its
    #: steps moved since that task's last reading began: it reads once more.
    _activity_of: tuple[OrderSource, str] | None = None
    _activity_stale = False
    #: Readings of an order's Activity begun, by the pane being shown (``_load_detail``) or by
    #: its steps moving (``_reload_activity``): the two may run side by side, and only the
    #: newest may paint, whichever lands last.
    _timeline_readings = 0

    def __init__(self, messages: Messages, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ordersRoom")
        self.messages = messages
        self.source: OrderSource | None = None
        self.tasks = NamedTasks(self)
        self._detail_shown: _Shown | None = None
        # The result's files last read for an order shown (its id, them): its files shown
        # again without asking SmartRecruiters again.
        self._found: tuple[str, ResultOnFile] | None = None
        self._current_id: str | None = None
        # How many comments each order showed when last marked seen: marked again only when
        # that changes (each selection would write and refresh the order).
        self._comments_shown: dict[str, int] = {}
        self._loading = False
        self._load_error: str | None = None
        self._connected = False
        self._list_focused = False  # the keyboard was given to the list once (at start)
        self._pressed_on_list = False  # a mouse button is down on the list (keep_shown waits)
        # The rows are replaced by the same orders' (``set_source``): the selection they reset
        # is put back, not followed away.
        self._returning = False

        self.model = OrderTableModel(self)
        self.proxy = OrderFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = self._build_table()
        self.message = self._build_state_message()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.message)
        self.candidates = self._build_candidates()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("inboxTabs")
        self.tabs.addTab(self.stack, "&Inbox")
        self.tabs.addTab(self.candidates, "Ca&ndidates")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._candidates_stale = True
        self._last_regroup = float("-inf")  # when the last grouping off the GUI thread began

        self.search, self.status_filter = self._build_filters()
        SearchKeys(self.search, lambda: give_list_the_keyboard(self.table))
        self.controller = OrderActionsController(self, self.selected_ids, messages)
        self.controller.nothing_selected = self._nothing_selected
        self.controller.focus_home = self._focus_orders
        self.detail = OrderDetailPane(list(self.controller.actions.values()))
        self._wire_detail()

        self.sync_problem = SyncProblemBar()
        self.berke_problem = BerkeWatchBar()
        self.berke_problem.retry_requested.connect(self._watch_berke_now)
        self.splitter = self._lay_out()
        # As seen: the filters, the sync problems' buttons (when shown), the tabs, the list,
        # then the pane of the order (once laid out in one window: Qt refuses to chain widgets
        # of different windows). Left out, the buttons came after the orders.
        chain_tab_order(
            [
                self.search,
                self.status_filter,
                self.sync_problem.retry_button,
                self.berke_problem.retry_button,
                self.tabs,
                self.table,
                self.detail,
            ]
        )

        self._start_timers()
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_counts)
        # The Candidates tab's own search and groupings change what it lists.
        for signal in (self.candidates.model.modelReset, self.candidates.model.layoutChanged):
            signal.connect(self._update_counts)
        for signal in (self.proxy.rowsRemoved, self.proxy.modelReset, self.proxy.layoutChanged):
            signal.connect(self._selection_follows_rows)
        self._update_counts()

    # -- construction ------------------------------------------------------------------------

    def _start_timers(self) -> None:
        # Several orders selected: their summary follows changes, once per burst of them.
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(SUMMARY_DELAY_MS)
        self._summary_timer.timeout.connect(self._refresh_summary)
        # Flags that depend on time ("new for 3 days") come due without any event.
        self.recheck_timer = QTimer(self)
        self.recheck_timer.setInterval(RECHECK_MS)
        self.recheck_timer.timeout.connect(self._recheck)
        self.recheck_timer.start()
        # The Age column is worked out when painted: an idle list said "0 min" for an hour.
        self.age_timer = QTimer(self)
        self.age_timer.setInterval(AGE_REPAINT_MS)
        self.age_timer.timeout.connect(self._repaint_ages)
        self.age_timer.start()

    def _repaint_ages(self) -> None:
        """Only the Age column's cells: the clock changes no other (the whole list, each
        minute, was a repaint of every cell shown, each answered by Python: 9–20 ms)."""
        table = self.table
        column = INBOX.index("age")
        if table.isColumnHidden(column):
            return
        viewport = table.viewport()
        left = table.columnViewportPosition(column)
        viewport.update(QRect(left, 0, table.columnWidth(column), viewport.height()))

    def _build_candidates(self) -> CandidatesView:
        """The Candidates tab: choosing an order there shows it in the pane, as in the inbox."""
        candidates = CandidatesView()
        candidates.order_selected.connect(self.select_order)
        candidates.order_deselected.connect(self._candidate_deselected)
        candidates.order_activated.connect(self._show_in_orders)
        candidates.order_menu_requested.connect(self._candidates_order_menu)
        return candidates

    def _build_table(self) -> QTableView:
        table = LocalRepaintTableView()
        table.setObjectName("ordersTable")
        CutTextTips(table)
        table.setAccessibleName("Assessment orders")
        # Before the view has the proxy: its slots then run before the selection model's.
        self._selection_keeper = SelectionKeeper(table, self.proxy)
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(*DEFAULT_SORT)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Tab leaves the list for the pane: moving cell by cell it went on to the next order,
        # and every shortcut with it.
        table.setTabKeyNavigation(False)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setItemDelegateForColumn(INBOX.index("status"), StatusBadgeDelegate(table))
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(28)
        header = table.horizontalHeader()
        # After a sort (the view's own slot has sorted by then) the order the pane shows stays
        # in sight: it may have moved from row 3 to row 169.
        header.sortIndicatorChanged.connect(lambda *_a: self._keep_current_in_sight())
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        header_apart_from_selection(table)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        for position, column in enumerate(INBOX.all):
            table.setColumnWidth(position, column.width)
            header.setSectionHidden(position, column.key not in DEFAULT_SHOWN)
        # Shown, hidden and sorted from the View menu too (a keyboard's way), or a right-click.
        self.column_actions = ColumnActions(
            table, INBOX, ALWAYS_SHOWN, self.reset_columns, self, default_sort=DEFAULT_SORT
        )
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.setToolTip("Right-click to choose the columns (or View › Inbox columns)")
        self._selected_rows_known: list[int] | None = None
        self._forget_selected_rows_on_changes(table)  # before the slots that read them
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        # A drop on a row of the table attaches to that row's order (the viewport gets it).
        table.setAcceptDrops(True)
        table.viewport().setAcceptDrops(True)
        table.viewport().installEventFilter(self)
        table.installEventFilter(self)  # the keys (``_select_current_first``)
        return table

    def _select_current_first(self, event: QKeyEvent) -> bool:
        """With nothing selected, the first Up or Down selects the row the focus frame is on
        (the newest order, at start) rather than the one after it: the newest was skipped,
        and the order shortcuts had done nothing, without a word, until then."""
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier,
        )  # fmt: skip
        if event.key() not in (Qt.Key.Key_Down, Qt.Key.Key_Up) or not plain:
            return False
        current, selection = self.table.currentIndex(), self.table.selectionModel()
        if not current.isValid() or selection.hasSelection():
            return False
        flags = QItemSelectionModel.SelectionFlag
        selection.select(current, flags.ClearAndSelect | flags.Rows)
        self.table.scrollTo(current)  # the list may have been scrolled away from it
        return True

    def _build_state_message(self) -> QLabel:
        """Loading, empty and error states take the table's place, in words."""
        message = plain_label(name="stateMessage")
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return message

    def _build_filters(self) -> tuple[QLineEdit, QComboBox]:
        search = QLineEdit()
        search.setObjectName("searchField")
        search.setPlaceholderText(
            "Search name, email, job, company, requestor, Berke code or id, order id…  (Ctrl+F)"
        )
        search.setAccessibleName("Search orders")
        search.setClearButtonEnabled(True)
        search.textChanged.connect(self._on_search)

        status_filter = QComboBox()
        status_filter.setObjectName("statusFilter")
        status_filter.setAccessibleName("Filter by status")
        status_filter.addItem("All statuses", None)
        status_filter.addItem("Needs attention", NEEDS_ATTENTION)
        for status, label in STATUS_LABELS.items():
            status_filter.addItem(label, status)
        status_filter.currentIndexChanged.connect(self._on_status_filter)
        return search, status_filter

    def _lay_out(self) -> QSplitter:
        """The filters, the sync problem (if any), then the list and the pane side by side."""
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([840, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._filter_row())
        layout.addWidget(self.sync_problem)
        layout.addWidget(self.berke_problem)
        layout.addWidget(splitter, 1)  # every spare pixel to the orders, none to the filters
        return splitter

    def _filter_row(self) -> QWidget:
        """The inbox's search and status filter (the Candidates tab has a search of its own:
        this row is hidden there, where it filtered nothing)."""
        self.filter_bar = QWidget()
        self.filter_bar.setObjectName("inboxFilters")
        self.filter_bar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        row = QHBoxLayout(self.filter_bar)
        row.setContentsMargins(6, 4, 6, 0)
        row.addWidget(self.search, 1)
        row.addWidget(self.status_filter)
        return self.filter_bar

    def _open_link(self, url: QUrl) -> None:
        """The pane's assessment link, opened as the controller opens any (its ``open_url`` as
        it is now: the window sets it after the room is made, tests replace it)."""
        self.controller.open_url(url)

    def _wire_detail(self) -> None:
        detail = self.detail
        detail.comment_submitted.connect(self._add_comment)
        detail.link_opened.connect(self._open_link)
        panel = detail.attachments
        panel.files_dropped.connect(self._files_dropped_on_detail)
        panel.add_files_requested.connect(lambda: self.controller.trigger(OrderAction.ATTACH))
        attach = self.controller.actions[OrderAction.ATTACH]

        def follow_attach() -> None:
            # On, and its tooltip, as Order > Attach report: on a new order it did nothing,
            # without a word, while the menu's item was off and said why.
            panel.add_button.setEnabled(attach.isEnabled())
            panel.add_button.setToolTip(attach.toolTip())
            # A file of an order that can no longer take one is not offered again either.
            panel.refuse_retry(None if attach.isEnabled() else attach.toolTip())

        attach.changed.connect(follow_attach)
        follow_attach()
        panel.cancel_requested.connect(lambda upload_id: self._upload_button(upload_id, False))
        panel.retry_requested.connect(lambda upload_id: self._upload_button(upload_id, True))
        detail.retry_step_requested.connect(
            lambda entry_id: self.controller.spawn(self._retry_step(entry_id))
        )
        detail.cancel_step_requested.connect(
            lambda entry: self.controller.spawn(self._cancel_step(entry))
        )
        detail.flags.dismiss_requested.connect(self._dismiss)
        detail.flags.keyboard_left.connect(self._focus_orders)

    def order_actions(self) -> list[QAction]:
        """The order actions, for the window's menu and shortcuts."""
        controller = self.controller
        listed: list[QAction] = []
        for kind, action in controller.actions.items():
            listed.append(action)
            if kind is OrderAction.DELIVER:  # beside what it stops
                listed.append(controller.stop_delivering_action)
        return [*listed, controller.last_batch_action]

    def _header_menu(self, position: QPoint) -> None:
        """Right-click on the header: show or hide each column (remembered with the layout)."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("columnsMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # one per right-click, not kept
        self.column_actions.fill_columns_menu(menu)  # the View menu's actions, not copies
        menu.popup(header.viewport().mapToGlobal(position))

    def reset_columns(self) -> None:
        header = self.table.horizontalHeader()
        for position, column in enumerate(INBOX.all):
            header.setSectionHidden(position, column.key not in DEFAULT_SHOWN)
            header.moveSection(header.visualIndex(position), position)
            self.table.setColumnWidth(position, column.width)
        self.column_actions.hide_empty()
        self.column_actions.follow_header()

    def _context_menu(self, position: QPoint) -> None:
        """Right-click on the inbox: the order actions, for the orders selected."""
        self._order_menu(self.table.viewport().mapToGlobal(position))

    def _candidates_order_menu(self, order_id: str, at: QPoint) -> None:
        """Right-click on an order of the Candidates tab: the inbox's menu, for that order,
        shown in the pane first (the actions act on the order the pane shows)."""
        if order_id != self._current_id:
            self.select_order(order_id)
        if self._current_id == order_id:
            self._order_menu(at)

    def _order_menu(self, at: QPoint) -> None:
        """The order actions (the Order menu's own QActions) as a menu at ``at``, global."""
        menu = QMenu(self)
        menu.setObjectName("orderContextMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # A greyed entry's reason, as in the Order menu: Qt never makes a disabled entry
        # current, so its status tip was shown nowhere.
        menu.setToolTipsVisible(True)
        for action in self.controller.actions.values():
            menu.addAction(action)
        menu.popup(at)

    # -- the source --------------------------------------------------------------------------

    def set_source(self, source: OrderSource | None) -> None:
        """Show ``source``'s orders (None: nothing yet). A snapshot makes the room read-only.
        The same orders from another source (the cached inbox, then the live one) keep their
        selection, pane and scroll: the order read while connecting was dropped, pane and all,
        as the session opened. Another profile's or a snapshot's start afresh."""
        previous = self.source
        place = self._place() if _same_orders(previous, source) else None
        if previous is not None:
            previous.rows_changed.disconnect(self._rows_changed)
            if isinstance(previous, LiveOrders):
                previous.signals.upload_progress.disconnect(
                    self.detail.attachments.model.set_progress
                )
                previous.signals.berke_watched.disconnect(self._berke_watched)
                previous.signals.steps_changed.disconnect(self._steps_changed)
        self.source = source
        self._comments_shown.clear()  # another connection's orders
        self._found = None
        self.detail.attachments.model.forget_progress()
        self.sync_problem.clear()
        self.berke_problem.clear()
        self.tasks.cancel("detail")
        self.tasks.cancel(ACTIVITY_TASK)
        reason = source.read_only_reason if source is not None else None
        self.controller.set_board(source.board if isinstance(source, LiveOrders) else None)
        self.controller.set_read_only(reason)
        self.detail.set_read_only(reason)
        self._follow_empty_fields(source.empty_fields if source is not None else frozenset())
        if source is None:
            self.model.set_rows(OrderColumns.of_rows([]))
        else:
            rows, row_of = source.all_rows()
            self._returning = place is not None
            try:
                self.model.set_rows(rows, row_of=row_of, prepared=source.prepared_search())
            finally:
                self._returning = False
            if place is not None:
                self._return_to(place)
            source.rows_changed.connect(self._rows_changed)
            if isinstance(source, LiveOrders):
                source.signals.upload_progress.connect(self.detail.attachments.model.set_progress)
                source.signals.berke_watched.connect(self._berke_watched)
                source.signals.steps_changed.connect(self._steps_changed)
        self._candidates_stale = True
        self._candidates_of_rows = False
        # No source: emptied now, not when next shown; the tab's groups held every order of
        # the last source (a closed snapshot window's, 10 MB at 20,000 orders).
        if source is None or self.tabs.currentWidget() is self.candidates:
            self._refresh_candidates()
        self._connected = source is not None
        self._update_counts()
        if place is not None and not self.candidates_in_view():
            self._selection_changed()  # the orders selected again, shown as they are now
        else:
            self._refresh_detail()

    def _follow_empty_fields(self, fields: frozenset[str]) -> None:
        """Columns the source leaves empty are hidden, and so is the filter on them: a
        snapshot keeps no attention flags, and "Needs attention" listed none of its orders."""
        self.column_actions.set_empty_fields(fields, NOT_IN_SNAPSHOT_TIP)
        attention = self.status_filter.findData(NEEDS_ATTENTION)
        item = cast(QStandardItemModel, self.status_filter.model()).item(attention)
        kept = "attention" not in fields
        item.setEnabled(kept)
        item.setToolTip("" if kept else NO_ATTENTION_IN_SNAPSHOT)
        if not kept and self.status_filter.currentIndex() == attention:
            self.status_filter.setCurrentIndex(0)

    def _place(self) -> _Place:
        current = self.table.currentIndex()
        return _Place(
            self.proxy.order_ids_at(self._selected_rows()),
            current.data(ORDER_ID_ROLE) if current.isValid() else None,
            self._top_row_in_view(set()),
        )

    def _return_to(self, place: _Place) -> None:
        """The orders of ``place`` selected again among the rows just set, the keyboard on
        the same one, the list scrolled as it was (quietly: ``set_source`` follows them)."""
        row_of = self.model.row_of
        selected = {row for row in map(row_of, place.selected) if row is not None}
        self._selection_keeper.select_source_rows(selected)
        self._forget_selected_rows()
        current = row_of(place.current) if place.current is not None else None
        if current is not None:
            index = self.proxy.mapFromSource(self.model.index(current, 0))
            if index.isValid():
                flags = QItemSelectionModel.SelectionFlag.NoUpdate
                self.table.selectionModel().setCurrentIndex(index, flags)
        if place.top is not None:
            self._put_back(*place.top)

    def _rows_changed(self, rows: list[OrderRow]) -> None:
        """Only these rows changed (or are new): update them, not the rest."""
        current = self._current_id
        anchor = self._top_row_in_view({row.id for row in rows})
        self._changing_rows = True  # counted once below, the Candidates tab told first
        try:
            updated = self.model.update_rows(rows)
        finally:
            self._changing_rows = False
        if anchor is not None:
            self._put_back(*anchor)
        # The Candidates tab first: counted on it, its groups may be going out of date.
        self._candidates_follow(updated)
        # A status change the view only repaints (no row leaves or moves) still changes the
        # counts: the "N new" of the status bar and the window title.
        self._update_counts()
        if any(row.id == current for row in rows) and self._shown_changed():
            if self._only_files_changed():
                self._show_files_again()
            else:
                self._refresh_detail()
        else:
            self.controller.update_state()
            if self._several_selected():
                # Several selected: their summary follows, once per burst of changes (a
                # batch changes a row several times a second).
                self._summary_timer.start()

    def _top_row_in_view(self, changing: set[str]) -> tuple[str, int] | None:
        """The first order in view that is not ``changing``, and where it is drawn, when the
        list is scrolled down: rows sorted in above it (a poll's new orders) must not move what
        the coordinator is reading, or about to click. An order that changes may move (sorted
        by status, its accept takes it elsewhere): the rows around it stay. At the very top,
        what arrives comes into view."""
        table = self.table
        if table.verticalScrollBar().value() == 0:
            return None
        top = table.indexAt(QPoint(0, 0))
        if not top.isValid():
            return None
        for row in range(top.row(), self.proxy.rowCount()):
            y = table.rowViewportPosition(row)
            if y >= table.viewport().height():
                return None  # every order in view changes
            order_id = self.proxy.index(row, 0).data(ORDER_ID_ROLE)
            if isinstance(order_id, str) and order_id not in changing:
                return order_id, y
        return None

    def _put_back(self, order_id: str, y: int) -> None:
        source_row = self.model.row_of(order_id)
        if source_row is None:
            return
        row = self.proxy.mapFromSource(self.model.index(source_row, 0)).row()
        if row < 0:
            return  # filtered out meanwhile: nothing to hold in place
        self.table.updateGeometries()  # the scroll range of the new length
        moved = self.table.rowViewportPosition(row) - y
        if moved == 0:
            return
        bar = self.table.verticalScrollBar()
        if self.table.verticalScrollMode() is QAbstractItemView.ScrollMode.ScrollPerItem:
            moved = round(moved / max(1, self.table.rowHeight(row)))
        bar.setValue(bar.value() + moved)

    def _berke_watched(self, problem: str | None, local: bool) -> None:
        if problem is None:
            self.berke_problem.synced()
        elif local:
            self.berke_problem.failed_here(problem)
        else:
            self.berke_problem.failed(problem, orders_shown=True)

    def _watch_berke_now(self) -> None:
        """The Berke bar's Try again: the board's next round now (its answer updates the bar);
        the board's own, so that closing stops it and two clicks make one round."""
        if isinstance(self.source, LiveOrders):
            self.source.board.watch_now()

    def _recheck(self) -> None:
        if isinstance(self.source, LiveOrders):
            self.source.recheck()

    def set_loading(
        self,
        loading: bool,
        error: str | None = None,
        *,
        left_out: str | None = None,
        poll: bool = False,
    ) -> None:
        """What the state message says when there are no rows: loading, or why it failed;
        ``left_out``: what a sync that worked did not read, in words."""
        self._loading = loading
        self._load_error = error
        self._update_counts()
        if not loading:
            if error is not None:
                self.sync_problem.failed(error, orders_shown=self.model.rowCount() > 0, poll=poll)
            elif left_out is not None and not poll:
                self.sync_problem.left_out(left_out)
            else:
                self.sync_problem.synced(poll=poll)

    # -- selection and detail ----------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        if self.tabs.currentWidget() is self.candidates:
            return [self._current_id] if self._current_id else []
        return self.proxy.order_ids_at(self._selected_rows())

    def _nothing_selected(self) -> str:
        """Why no order is selected, for an action's refusal."""
        if self.tabs.currentWidget() is self.candidates and self.candidates.on_candidates_own_row():
            return CANDIDATE_ROW
        return NO_ORDER_SELECTED

    def _selected_rows(self) -> list[int]:
        """The selected rows of the table, in order, read from the selection's ranges (rows
        are selected whole). Not selectedRows(): that asks the proxy, in Python, about every
        cell of every selected row: ~10 ms for 100 rows, run on every change of a row during
        a batch, and seconds for Ctrl+A over 100,000 (bench/ui_lag.py, snapshot_scale.py).
        Kept until the selection or the rows shown change: ``selection()`` itself checks each
        range through the Python proxy, 15 ms for a batch's 200 scattered orders, and was asked
        for three times on each change of an order during the batch."""
        if self._selected_rows_known is None:
            selection = self.table.selectionModel().selection()
            parts = (selection.at(i) for i in range(selection.count()))
            rows = {row for part in parts for row in range(part.top(), part.bottom() + 1)}
            self._selected_rows_known = sorted(rows)
        return list(self._selected_rows_known)

    def _forget_selected_rows_on_changes(self, table: QTableView) -> None:
        """The rows selected are asked for again once the selection changes, or rows come, go
        or move (the selection model keeps the same orders selected then, at other rows,
        without a signal of its own). Forgotten before and after each such change of the
        proxy: connected after the selection model's own slots, these run after it moved its
        ranges."""
        proxy = self.proxy
        for signal in (
            table.selectionModel().selectionChanged,
            proxy.rowsAboutToBeInserted,
            proxy.rowsInserted,
            proxy.rowsAboutToBeRemoved,
            proxy.rowsRemoved,
            proxy.rowsAboutToBeMoved,
            proxy.rowsMoved,
            proxy.layoutAboutToBeChanged,
            proxy.layoutChanged,
            proxy.modelAboutToBeReset,
            proxy.modelReset,
        ):
            signal.connect(self._forget_selected_rows)

    def _forget_selected_rows(self, *_args: object) -> None:
        self._selected_rows_known = None

    def _order_id_at(self, row: int) -> str:
        order_id: str = self.proxy.index(row, 0).data(ORDER_ID_ROLE)
        return order_id

    def current_order(self) -> AssessmentOrder | None:
        if self._current_id is None or self.source is None:
            return None
        return self.source.order(self._current_id)

    def select_order(self, order_id: str) -> None:
        row = self.model.row_of(order_id)
        if row is None:
            return
        self._current_id = order_id
        if self.tabs.currentWidget() is self.candidates:
            self.candidates.select_order(order_id)  # quietly: the row the pane shows, lit
        else:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                # Not selectRow(): it toggles when Ctrl is held, and this is not a click.
                flags = self.table.selectionModel().SelectionFlag
                self.table.selectionModel().setCurrentIndex(
                    index, flags.ClearAndSelect | flags.Rows
                )
                # Where it is now: orders kept shown above it may have left as it was selected,
                # and ``index`` still says its row before that.
                self.table.scrollTo(self.table.currentIndex())
        self._refresh_detail()

    def find_orders(self, query: str, limit: int) -> list[OrderHit]:
        """Orders whose row holds every word of ``query`` (what the search field would find,
        whatever filter is on), for the command palette."""
        words = fold(query).split()
        if not words:
            return []
        search = self.model.row_search()
        rows = search.rows(search.find(words))[:limit]
        code, status = INBOX.index("assessment"), INBOX.index("status")
        job, company = INBOX.index("job"), INBOX.index("company")
        hits = []
        for row in rows:
            facts = [self.model.text(row, column) for column in (status, job, company, code)]
            hits.append(
                OrderHit(
                    self.model.order_id(row),
                    self.model.text(row, INBOX.index("candidate")) or "(no name)",
                    " · ".join(fact for fact in facts if fact),
                )
            )
        return hits

    def has_order(self, order_id: str) -> bool:
        """Whether ``order_id`` is among the orders shown (whatever search or filter)."""
        return self.model.row_of(order_id) is not None

    def reveal(self, order_id: str) -> None:
        """Select the order in the inbox, clearing a search or filter that hides it."""
        row = self.model.row_of(order_id)
        if row is None:
            return
        shown = self.proxy.mapFromSource(self.model.index(row, 0)).isValid()
        if shown and self.tabs.currentWidget() is not self.candidates:
            self.select_order(order_id)
        else:
            self._show_in_orders(order_id)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_in_orders(self, order_id: str) -> None:
        """The order in the inbox; its search and filter cleared only if they hide it."""
        self.tabs.setCurrentWidget(self.stack)
        row = self.model.row_of(order_id)
        if row is None or not self.proxy.mapFromSource(self.model.index(row, 0)).isValid():
            self.search.clear()
            self.status_filter.setCurrentIndex(0)
        self.select_order(order_id)

    def reselect(self, order_ids: list[str]) -> None:
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for order_id in order_ids:
            row = self.model.row_of(order_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.select(index, index.siblingAtColumn(last))
        self.table.selectionModel().select(
            selection, self.table.selectionModel().SelectionFlag.ClearAndSelect
        )
        self._refresh_detail()

    def _selection_changed(self, *_args: object) -> None:
        current = self._selected_rows()
        self._current_id = self._order_id_at(current[0]) if len(current) == 1 else None
        self._keep_selection_shown(current)
        self._refresh_detail()

    def _keep_selection_shown(self, rows: list[int] | None = None) -> None:
        """The orders worked on stay in the list when a step takes them out of the filter
        (Accept under "New"); those before leave now, if they no longer pass. Not while a
        mouse button is down: rows leaving then moved the one under the pointer (a click on
        the order below selected the one below that), so they leave when it is released."""
        selected = self.proxy.order_ids_at(self._selected_rows() if rows is None else rows)
        held = QApplication.mouseButtons() & Qt.MouseButton.LeftButton
        if self._pressed_on_list and held:
            self.proxy.keep_shown(self.proxy.kept_ids() | set(selected))
        else:
            self.proxy.keep_shown(selected)

    def _selection_follows_rows(self, *_args: object) -> None:
        """A search or filter that hides the selected order takes its selection with it: the
        pane and the actions must not go on showing it."""
        if self.tabs.currentWidget() is self.candidates or self._returning:
            return
        current = self._selected_rows()
        if len(current) > 1:
            # Still several: the summary follows once per burst (a search removes rows one
            # signal at a time).
            self.controller.update_state()
            self._summary_timer.start()
            return
        shown = self._order_id_at(current[0]) if current else None
        # None selected now, the summary of several still shown: a search that hid them all
        # left "3 orders selected" in the pane, the actions off.
        summary_left = not current and self.detail.selection_box.isVisibleTo(self.detail)
        if shown != self._current_id or summary_left:
            self._selection_changed()
        else:
            self.controller.update_state()

    def _several_selected(self) -> bool:
        return self.tabs.currentWidget() is not self.candidates and len(self._selected_rows()) > 1

    def _refresh_summary(self) -> None:
        if self._several_selected():
            self._show_selection()

    def _show_selection(self) -> None:
        """Several orders: their statuses, and what each action that takes them all would do.
        Read from the rows (a snapshot's 100,000 selected orders are never parsed for it)."""
        source = self.source
        if source is None:
            return
        self.tasks.cancel(SUMMARY_TASK)  # what it would show is older than this
        ids = self.selected_ids()
        statuses, gone = self.model.statuses(), self.model.rows().gone
        rows = [row for row in map(self.model.row_of, ids) if row is not None]
        counts = status_counts(
            (statuses[row] for row in rows if not gone[row]), sum(gone[row] for row in rows)
        )
        title = f"{counted(len(rows), 'order')} selected"
        if not isinstance(source, LiveOrders):
            lines = ["A snapshot is read-only: no action changes these orders."]
            self.detail.show_selection(title, counts, lines)
            return
        board = source.board
        orders = [o for o in map(board.order, ids) if o is not None]
        selected = frozenset(ids)
        if len(orders) <= SUMMARY_SLICE:
            self._show_summary(title, counts, selected, bulk_summary(orders, board.why_not_each))
            return
        # Until they are worked out, the lines shown stay if they are these orders' (a poll
        # while they are selected): "Working out…" at every poll would blink.
        shown = self._summary_shown
        in_view = self.detail.selection_box.isVisibleTo(self.detail)
        kept = shown[1] if shown is not None and shown[0] == selected and in_view else None
        self.detail.show_selection(title, counts, kept or [WORKING_OUT])
        summary = self._summarise(board, orders, title, counts, selected)
        self.tasks.start(summary, name=SUMMARY_TASK)

    async def _summarise(
        self,
        board: OrderBoard,
        orders: list[AssessmentOrder],
        title: str,
        counts: str,
        selected: frozenset[str],
    ) -> None:
        """``_show_selection``'s lines for many orders, a slice at a time."""
        import asyncio

        lines: list[BulkLine] = []
        for start in range(0, len(orders), SUMMARY_SLICE):
            await asyncio.sleep(0)  # the window's turn, between slices
            part = bulk_summary(orders[start : start + SUMMARY_SLICE], board.why_not_each)
            lines = [a.joined(b) for a, b in zip(lines, part, strict=True)] if lines else part
        self._show_summary(title, counts, selected, lines)

    def _show_summary(
        self, title: str, counts: str, selected: frozenset[str], lines: list[BulkLine]
    ) -> None:
        texts = [line.text() for line in lines]
        self._summary_shown = (selected, texts)
        self.detail.show_selection(title, counts, texts)

    async def _retry_step(self, entry_id: int) -> None:
        await self.controller.retry_failed_step(entry_id)
        # Refused again, the order's state is as it was, and nothing else reloads the pane:
        # it kept the last refusal's words, and Retry stayed off.
        self._refresh_detail()

    async def _cancel_step(self, entry: JournalEntry) -> None:
        """Cancel on a step of the shown order waiting to be sent (the board checks it is
        that order's, and that it still waits)."""
        order = self.detail.order
        if order is not None and entry.order_id == order.id:
            await self.controller.cancel_waiting_step(order.id, entry)
        # Cancelled, kept or refused: the pane shows the step as it is now, and its Cancel
        # follows (it was turned off when pressed).
        self._refresh_detail()

    def _shown_now(self) -> _Shown | None:
        source, order_id = self.source, self._current_id
        if source is None or order_id is None:
            return None
        return _Shown(source.order(order_id), source.state(order_id), tuple(source.flags(order_id)))

    def _shown_changed(self) -> bool:
        """Whether the shown order, its state or its flags differ from what the pane shows:
        an action being claimed, or the periodic recheck, sends the same order again, and
        its comments and result are not fetched again for that."""
        return self._shown_now() != self._detail_shown

    def _only_files_changed(self) -> bool:
        """Whether the shown order changed in its files alone (one queued, on its way, sent,
        failed): each file dropped changes it two or three times, and the order's comments
        and result need not be asked of SmartRecruiters again for that."""
        shown, now = self._detail_shown, self._shown_now()
        if shown is None or now is None:
            return False
        return (
            shown.order == now.order
            and shown.flags == now.flags
            and replace(shown.state, uploads=()) == replace(now.state, uploads=())
        )

    def _show_files_again(self) -> None:
        """The shown order's files, as they are now (with the result's, as last read), and
        its activity, which names each file sent (read here, not of SmartRecruiters)."""
        order_id, source = self._current_id, self.source
        if order_id is None or source is None:
            return
        self._detail_shown = self._shown_now()
        self.controller.update_state()
        found = self._found[1] if self._found is not None and self._found[0] == order_id else None
        self._show_attachments(order_id, found)
        if source.records_at_hand(order_id) is None:
            self._reload_activity(source, order_id)

    def _steps_changed(self, order_ids: list[str]) -> None:
        """The board says these orders' steps moved (the resumer sent one, a batch or a
        delivery went on, a step failed for good): the shown order's Activity is read again,
        and its Retry / Cancel this step follow. Before, it was read again only when the
        order's row changed, or when this window asked for something: a step the resumer
        sent beside another still waiting said "Waiting…" for good, its Cancel on."""
        order_id, source = self._current_id, self.source
        shown = self.detail.order
        if (
            order_id is None
            or source is None
            or order_id not in order_ids
            or shown is None
            or shown.id != order_id
        ):
            return  # not shown: read when it is
        self._reload_activity(source, order_id)

    def _reload_activity(self, source: OrderSource, order_id: str) -> None:
        """Read the order's Activity again, off the GUI thread: one reading at a time, and one
        more after it for whatever moved meanwhile, however many changes came (a batch's
        burst queued one reading each)."""
        self._activity_stale = True
        reading = self.tasks.latest(ACTIVITY_TASK)
        if reading is not None and not reading.done() and self._activity_of == (source, order_id):
            return  # it reads (again) once its reading under way ends
        self._activity_of = (source, order_id)
        self.tasks.start(self._read_activity(source, order_id), name=ACTIVITY_TASK)

    async def _read_activity(self, source: OrderSource, order_id: str) -> None:
        while self._activity_stale:
            self._activity_stale = False
            timeline = await self._read_timeline(source, order_id)
            if self._current_id != order_id or self.source is not source:
                return
            if timeline is not None:
                self.detail.show_timeline(timeline)

    async def _read_timeline(
        self, source: OrderSource, order_id: str
    ) -> list[TimelineEntry] | None:
        """The order's Activity, or None when a later reading began meanwhile: that one paints.
        Older, this one would put back the words of a step since moved ("Back soon." over the
        "Maintenance." the resumer's last try got)."""
        self._timeline_readings += 1
        reading = self._timeline_readings
        timeline = await source.timeline(order_id)
        return timeline if reading == self._timeline_readings else None

    def _refresh_detail(self) -> None:
        """Show the current order: what the source knows at once, the rest when it comes."""
        self.tasks.cancel(SUMMARY_TASK)  # a summary being worked out is not what is shown now
        # Its Activity is read below (or shown at hand): a reading begun before is older.
        self.tasks.cancel(ACTIVITY_TASK)
        self._detail_shown = self._shown_now()
        self.controller.update_state()
        order = self.current_order()
        source = self.source
        self.detail.show_order(order, source.link(order.id) if order and source else None)
        if order is None or source is None:
            self.detail.show_snapshot_files([], "")
            self.detail.show_flags([])
            self.detail.show_berke(None, linked=False)
            if self._several_selected():
                self._show_selection()  # whoever asked: several orders show their summary
            return
        board = self.controller.board
        self.detail.refuse_comments(
            board.why_not(OrderAction.COMMENT, [order.id]) if board is not None else None
        )
        state = source.state(order.id)
        self.detail.show_gone(state.gone_since is not None)
        self.detail.show_berke(state.berke, linked=state.link is not None)
        self.detail.show_invitation(state.link, state.invitation_doubt)
        self.detail.show_flags(source.flags(order.id))
        files = source.snapshot_files(order.id)
        if files is not None:
            self.detail.show_snapshot_files(files.attachments, files.left_out)
        self._show_attachments(order.id, None)
        at_hand = source.records_at_hand(order.id)
        if at_hand is not None:
            self.tasks.cancel("detail")
            self.detail.show_timeline(at_hand.timeline)
            if at_hand.comments.not_kept:
                self.detail.show_comments_not_kept(at_hand.comments.not_kept)
            else:
                self.detail.show_comments(at_hand.comments.comments, at_hand.comments.error)
            if at_hand.comments.comments is None and at_hand.comments.error:
                # The record could not be read (a snapshot replaced on disk): said where it
                # is seen, not only far down the pane, which shows what the index knows.
                self.controller.messages.note(at_hand.comments.error, 15000)
            return
        # A stale selection's comments, timeline or files are never shown: one named task.
        self.tasks.start(self._load_detail(source, order.id), name="detail")

    async def _load_detail(self, source: OrderSource, order_id: str) -> None:
        timeline = await self._read_timeline(source, order_id)
        if self._current_id != order_id:
            return
        if timeline is not None:
            self.detail.show_timeline(timeline)
        comments = await source.comments(order_id)
        if self._current_id != order_id:
            return
        shown = comments.comments
        state = source.state(order_id)
        first_unseen = (
            state.comments_seen
            if isinstance(source, LiveOrders) and state.unseen_comments
            else None
        )
        self.detail.show_comments(shown, comments.error, first_unseen=first_unseen)
        # Shown to the coordinator: a recruiter's new comment is no longer news. Whatever the
        # order's flags: a note read on a new order, then accepted, was flagged "1 new comment"
        # by the first poll after (an order accepted here has its comments watched from zero).
        if (
            isinstance(source, LiveOrders)
            and shown is not None
            and (
                source.state(order_id).unseen_comments
                or self._comments_shown.get(order_id) != len(shown)
            )
        ):
            await source.board.mark_comments_seen(order_id, len(shown))
            self._comments_shown[order_id] = len(shown)  # once written: a cancel marks again
        try:
            found = await source.result_on_file(order_id)
        except Exception as exc:  # noqa: BLE001 - a listing is a nicety: say so and go on
            log.info("Could not read the order's result: %r", exc)
            return
        if found is not None and self._current_id == order_id:
            self._show_attachments(order_id, found)

    def _show_attachments(self, order_id: str, found: ResultOnFile | None) -> None:
        source = self.source
        order = source.order(order_id) if source is not None else None
        if source is None or order is None:
            return
        if found is not None:
            self._found = (order_id, found)
        state = source.state(order_id)
        remote = found.attachments if found is not None else None
        from app.domain.order_result import result_panel_text

        if source.read_only_reason is not None:
            # A snapshot cannot look anything up: its result as saved, its files listed apart.
            saved = source.result_as_saved(order_id)
            text = f"{saved} {source.read_only_reason}" if saved else source.read_only_reason
        else:
            text = result_panel_text(order.status, state.result_id, found)
        self.detail.attachments.show_rows(rows_for(list(state.uploads), remote), text)

    def _dismiss(self, kind: str) -> None:
        order = self.current_order()
        source = self.source
        if order is not None and isinstance(source, LiveOrders):
            self.controller.spawn(source.board.dismiss(order.id, kind))

    def _add_comment(self, text: str) -> None:
        order = self.current_order()
        source = self.source
        if order is None or not isinstance(source, LiveOrders):
            return
        showing = self.detail.showings

        async def add() -> None:
            sent_at = datetime.now(UTC)
            try:
                comment = await source.board.add_comment(order.id, text)
            except EXPECTED_ERRORS as exc:
                kept = isinstance(exc, OutcomeKeptError)
                if kept or (isinstance(exc, ApiError) and exc.is_transient):
                    # Its step waits and goes by itself (or went, its answer kept to be
                    # written, which the words say): said so, the box emptied. Left as a
                    # failure, with the text and Add on, a second Add posted it twice.
                    said = str(exc) if kept else COMMENT_SENT_AGAIN
                    name = order.candidate.display_name
                    whole = said if kept else f"{exc} {said}"
                    self.controller.messages.note(f"Comment on {name}’s order: {whole}", 15000)
                    if self.detail.showings == showing:
                        self.detail.comment_waiting(text, said)
                    return
                if self.detail.showings == showing:
                    self.detail.comment_failed(str(exc))
                else:  # the box it was typed in went with the order: the words come back here
                    name = order.candidate.display_name
                    self.controller.messages.error(
                        "Add comment",
                        f"The comment on {name}’s order was not added: “{text}”. {exc}",
                    )
                return
            if self.detail.showings == showing:
                # On SmartRecruiters' clock, as its dates are: this one may be minutes off it.
                self.detail.comment_added(comment, source.board.on_sr_clock(sent_at))
            elif self._current_id == order.id:
                # Left and shown again meanwhile: its comments were read afresh, perhaps before
                # this one arrived. Read them again rather than add it (it may be there twice).
                self._refresh_detail()

        self.controller.spawn(add())

    def _upload_button(self, upload_id: int, retry: bool) -> None:
        """Cancel or Retry on a file of the shown order (the board checks it is that order's)."""
        order = self.detail.order
        if order is None or self.controller.board is None:
            return
        controller = self.controller
        call = controller.retry_upload if retry else controller.cancel_upload
        panel = self.detail.attachments

        async def run() -> None:
            try:
                await call(order.id, upload_id)  # a refusal is said by the controller
            finally:
                panel.settle(upload_id)  # whatever the end: its buttons are not left off

        controller.spawn(run())

    def _files_dropped_on_detail(self, paths: list[Path]) -> None:
        order = self.current_order()
        if order is None:
            # The order left the pane during the drag (a search, a sync): the coordinator let
            # go believing the report attached.
            self.controller.messages.error("Attach report", not_attached_without_order(paths))
            return
        if self.controller.board is None:
            # The saved inbox, shown before the session opens: taken in silence, the drop was
            # lost.
            self.controller.messages.error("Attach report", not_attached_before_connecting(paths))
            return
        self.controller.spawn(self.controller.attach_files(order.id, paths))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        table = getattr(self, "table", None)  # events come while building, too
        if (
            table is not None
            and watched is table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            return self._select_current_first(event)
        if table is not None and watched is table.viewport():
            kind = event.type()
            if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
                # The left button only: a right-click's menu takes the release, and the flag
                # stayed up (every order worked on then stayed listed).
                self._pressed_on_list = event.button() == Qt.MouseButton.LeftButton
            elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.ContextMenu):
                # The orders kept while the button was down leave once it is up (the view's
                # own handling of the release comes first).
                self._pressed_on_list = False
                QTimer.singleShot(0, self._keep_selection_shown)
        controller = getattr(self, "controller", None)
        if watched is self.table.viewport() and controller is not None and controller.board:
            kind = event.type()
            if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
                event, QDropEvent
            ):
                if dropped_paths(event) and self._row_order_id(event) is not None:
                    event.acceptProposedAction()
                else:
                    event.ignore()
                return True
            if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
                order_id = self._row_order_id(event)
                paths = dropped_paths(event)
                if order_id is not None and paths:
                    event.acceptProposedAction()
                    self.select_order(order_id)
                    self.controller.spawn(self.controller.attach_files(order_id, paths))
                return True
        return super().eventFilter(watched, event)

    def _row_order_id(self, event: QDropEvent) -> str | None:
        index = self.table.indexAt(event.position().toPoint())
        return index.data(ORDER_ID_ROLE) if index.isValid() else None

    # -- view state --------------------------------------------------------------------------

    def _tab_changed(self, _index: int) -> None:
        # The pane and the actions follow the tab shown: each tab has its own current order.
        self.filter_bar.setVisible(self.tabs.currentWidget() is not self.candidates)
        if self.tabs.currentWidget() is self.candidates:
            self._refresh_candidates()
            self._current_id = self.candidates.current_order_id()
            self._refresh_detail()
        else:
            self._selection_changed()
        self._update_counts()  # the status bar counts what the tab shown lists

    def candidates_in_view(self) -> bool:
        """Whether the Candidates tab is the one shown: "the orders in view" are its orders,
        not those of the inbox (hidden, with its own search and status filter)."""
        return self.tabs.currentWidget() is self.candidates

    def rows_in_view(self) -> list[int]:
        """The rows (of ``model``) of the orders the tab shown lists, in its order."""
        if not self.candidates_in_view():
            return self.proxy.source_rows()
        row_of = self.model.row_of
        return [r for i in self.candidates.model.order_ids() if (r := row_of(i)) is not None]

    def _candidate_deselected(self) -> None:
        """The Candidates tab chose no order (a candidate's own row, or a search hid it): the
        pane and the actions no longer show one, as in the inbox."""
        if self.tabs.currentWidget() is self.candidates and self._current_id is not None:
            self._current_id = None
            self._refresh_detail()

    def _candidates_follow(self, updated: RowsUpdated) -> None:
        """The Candidates tab after a change of rows. Its groups read the rows in place, so a
        change that leaves every order with its candidate (``keeps_its_group``: a status,
        Berke's side) is only repainted, and only while the tab is shown; other changes (a new
        order, a corrected name) group again: when the tab is next shown, or at once off the
        GUI thread if it is."""
        if not (updated.positions or updated.added):
            return
        shown = self.tabs.currentWidget() is self.candidates
        if (
            self._candidates_stale
            or updated.added
            or not all(keeps_its_group(*pair) for pair in updated.replaced)
        ):
            self._candidates_stale = True
            if shown:
                self._regroup_in_background()
            return
        resort = self.candidates.model.sort_column() == Column.STATUS and any(
            (old.status, old.gone) != (new.status, new.gone) for old, new in updated.replaced
        )
        if shown:
            self.candidates.model.orders_changed(updated.positions, resort=resort)
        elif resort:
            self._candidates_stale = True  # put in order when next shown

    def _refresh_candidates(self) -> None:
        """Group the rows by candidate when the tab is shown and something changed: a large
        snapshot opens with the orders table alone. Grouped here only when the tab has no
        groups of these rows yet; otherwise it shows those while the rows are grouped again
        off the GUI thread (a poll's order, then the tab shown: 110–275 ms at 5,000 here)."""
        if not self._candidates_stale:
            return
        if self._candidates_of_rows:
            self._regroup_in_background()
            return
        self.tasks.cancel(REGROUP_TASK)  # what it would show is older than this
        self._candidates_stale = False
        self.candidates.set_rows(self.model.rows())
        self._candidates_of_rows = True

    def _regroup_in_background(self) -> None:
        """Group again, off the GUI thread, orders that changed while the tab is shown, or
        before it was shown again (new orders, page after page of a sync: ~70 ms a time at
        5,000 orders on the GUI thread). The tab shows the groups it has until then; changes
        meanwhile are grouped next."""
        running = self.tasks.latest(REGROUP_TASK)
        # One cancelled (the tab shown again grouped at once) may not have ended yet.
        if running is None or running.done() or running.cancelling():
            self.tasks.start(self._regroup(), name=REGROUP_TASK)

    async def _regroup(self) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        while self._candidates_stale and self.tabs.currentWidget() is self.candidates:
            wait = self._last_regroup + REGROUP_GAP_SECONDS - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
                continue  # the tab may have been left, or shown (and grouped) again
            self._last_regroup = loop.time()
            self._candidates_stale = False
            live = self.model.rows()
            # A copy: the model changes its rows in place while the grouping runs.
            self._grouping = True
            try:
                groups, search = await asyncio.to_thread(grouped, live.copy())
            except Exception:
                self._candidates_stale = True  # grouped again next time, not left behind
                raise
            finally:
                self._grouping = False
            if self._candidates_stale:
                continue  # another change came meanwhile: the newer rows are grouped next
            # The rows are as they were copied but for what the groups do not read (a status):
            # the groups read those from the live rows, as a change in place updates them.
            groups.index = live
            self.candidates.set_grouped(groups, search)
            self._candidates_of_rows = True

    def _on_search(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self._update_counts()
        self._keep_current_in_sight()

    def _on_status_filter(self, _index: int) -> None:
        choice = self.status_filter.currentData()
        attention = choice == NEEDS_ATTENTION
        self.proxy.set_attention_only(attention)
        status = None if attention or not choice else OrderStatus(choice)
        self.proxy.set_statuses(frozenset({status}) if status else None)
        self._update_counts()
        self._keep_current_in_sight()

    def _no_match_text(self) -> str:
        """Why the list is empty while there are orders, and the key or choice that clears it."""
        searched = one_line(self.search.text(), 40)
        chosen = self.status_filter.currentText() if self.status_filter.currentIndex() > 0 else ""
        if searched and chosen:
            return (
                f"No orders match “{searched}” under “{chosen}”: press Esc in the search to "
                "clear it, or choose All statuses."
            )
        if searched:
            return f"No orders match “{searched}”: press Esc in the search to clear it."
        return f"No orders under “{chosen}”: choose All statuses to see the others."

    def _keep_current_in_sight(self) -> None:
        """The order the pane shows, where a sort, a cleared search or another filter put it
        (row 150, say, with the list scrolled to the top): in sight, highlighted."""
        current = self.table.currentIndex()
        if current.isValid():
            # The list's scroll range follows its new length only once laid out: before, the
            # scroll stopped at the old length's end (the top, after a search of one row).
            self.table.updateGeometries()
            self.table.scrollTo(current)

    def _focus_list_at_start(self) -> None:
        """The first time the orders are listed, the keyboard goes to them, unless the
        coordinator went somewhere meanwhile: Qt starts it on the Orders/Offers tab bar, where
        Up, Down and the order shortcuts do nothing."""
        if self._list_focused:
            return
        self._list_focused = True
        focus = QApplication.focusWidget()
        if focus is None or isinstance(focus, QTabBar) or not focus.isVisible():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _focus_orders(self) -> None:
        """The keyboard back on the orders: the table, or the Candidates tab's."""
        # The Candidates tab's table, not the tab: focused, the tab itself took no arrow key.
        on_candidates = self.tabs.currentWidget() is self.candidates
        shown = self.candidates.table if on_candidates else self.table
        shown.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        if self.tabs.currentWidget() is self.candidates:
            self.candidates.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_count(self) -> int:
        return self.model.count_status(OrderStatus.NEW)

    def _update_counts(self) -> None:
        if self._changing_rows:
            return
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        # What the tab shown lists: on the Candidates tab, the inbox's search and filter are
        # out of sight and filter nothing, and "1 of 10 orders" counted them.
        listed = self.candidates.model.order_count() if self.candidates_in_view() else shown
        new = self.new_count()
        # While the tab's groups are being made again, they lag the rows: "10 of 11 orders"
        # flickered at each poll. Its settled count follows as the groups land (modelReset).
        if not (self.candidates_in_view() and self._regrouping()):
            self.counts_changed.emit(
                f"{listed:,} of {counted(total, 'order')} · {new:,} new"
                if listed != total
                else f"{counted(total, 'order')} · {new:,} new"
            )
        if shown:
            if self.stack.currentWidget() is not self.table:
                self.stack.setCurrentWidget(self.table)
                self._focus_list_at_start()
        elif total:
            self._show_message(self._no_match_text())
        else:
            self._show_message(self._no_orders_text())
        # The Candidates tab says the same when there are no orders (not "No orders yet."
        # while they load, or after they failed to).
        self.candidates.set_no_orders_text(self._no_orders_text())

    def _regrouping(self) -> bool:
        """Whether the Candidates tab's groups are out of date, or being made again."""
        return self._candidates_stale or self._grouping

    def _no_orders_text(self) -> str:
        if self._loading:
            return "Loading orders from SmartRecruiters…"
        if self._load_error:
            return f"Could not load the orders.\n\n{self._load_error}\n\nPress F5 to try again."
        if not self._connected:
            return "Connecting…"
        return "No assessment orders yet. New orders appear here when they arrive."

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    # -- remembered layout -------------------------------------------------------------------

    def restore_layout(self, settings: QSettings) -> None:
        candidates = self.candidates.table
        restore_header(settings, HEADER_KEY, self.table.horizontalHeader(), INBOX_KEYS)
        restore_header(
            settings, CANDIDATES_HEADER_KEY, candidates.horizontalHeader(), CANDIDATE_KEYS
        )
        splitter = settings.value(f"{SETTINGS_PREFIX}/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        self._mend_columns()
        # A header remembers its sort indicator; the model must be told to sort by it.
        for table in (self.table, candidates):
            header = table.horizontalHeader()
            table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.column_actions.follow_header()

    def _mend_columns(self) -> None:
        """A remembered layout that Qt takes (hand-edited, or another table's) may hide the
        columns that say which order a row is, or every column: the header, and with it the
        only way to choose columns, was gone. Those are shown again; the candidates' table,
        with none left, shows all of its own."""
        header = self.table.horizontalHeader()
        for position, column in enumerate(INBOX.all):
            if column.key in ALWAYS_SHOWN:
                header.setSectionHidden(position, False)
                if header.sectionSize(position) < header.minimumSectionSize():
                    self.table.setColumnWidth(position, column.width)
        candidates = self.candidates.table.horizontalHeader()
        if candidates.hiddenSectionCount() >= candidates.count():
            for position in range(candidates.count()):
                candidates.setSectionHidden(position, False)

    def save_layout(self, settings: QSettings) -> None:
        save_header(settings, HEADER_KEY, self.table.horizontalHeader(), INBOX_KEYS)
        candidates = self.candidates.table.horizontalHeader()
        save_header(settings, CANDIDATES_HEADER_KEY, candidates, CANDIDATE_KEYS)
        settings.setValue(f"{SETTINGS_PREFIX}/splitter", self.splitter.saveState())

    async def wait_idle(self) -> None:
        await self.controller.wait_idle()
        await self.tasks.wait_idle()

    def cancel_tasks(self) -> None:
        self.tasks.cancel("detail")
        self.tasks.cancel(ACTIVITY_TASK)
        self.recheck_timer.stop()
        self.age_timer.stop()
