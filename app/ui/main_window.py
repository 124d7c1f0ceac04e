"""The main window: the inbox of SmartRecruiters assessment orders and the order detail."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QObject,
    QPoint,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.clients.errors import ApiError
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, Attachment, OrderStatus
from app.store.paths import log_dir
from app.ui.attachments_panel import dropped_paths, rows_for
from app.ui.candidates_view import CandidatesView
from app.ui.offers_view import OffersView
from app.ui.order_actions_controller import OrderActionsController
from app.ui.order_detail import OrderDetailPane
from app.ui.order_table_model import (
    ORDER_ROLE,
    STATUS_LABELS,
    Column,
    OrderFilterProxy,
    OrderTableModel,
)
from app.ui.pacing_status import PacingStatus
from app.ui.snapshot_menu import SnapshotMenu
from app.ui.snapshot_mode import SnapshotMode
from app.ui.status_badge import StatusBadgeDelegate
from app.workflows import order_actions as flows
from app.workflows.desk import Desk
from app.workflows.inbox import SyncReport, load_cached, poll_new, sync_all
from app.workflows.outbox import OutboxRunner

log = logging.getLogger(__name__)

APP_TITLE = "Assessment Desk"
DEFAULT_POLL_SECONDS = 60


class MainWindow(QMainWindow):
    """Orders table (and candidates) with search and filter, the detail pane, the actions."""

    sync_finished = Signal(bool)  # True when the sync succeeded
    new_orders_arrived = Signal(list)  # ids of orders seen for the first time by a poll
    closed = Signal()
    settings_requested = Signal()  # File > Settings…; the session host opens the dialog

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self._settings = settings or QSettings()
        # Injectable so tests can see what would be opened (Help > Open log folder).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.desk: Desk | None = None
        self.read_only_title: str | None = None  # set when the window shows a snapshot
        self.snapshot_mode: SnapshotMode | None = None
        self._sync_task: asyncio.Task[bool] | None = None
        self._detail_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._loading = False
        self._load_error: str | None = None
        self._current_id: str | None = None
        self._outbox_task: asyncio.Task[None] | None = None
        self.outbox: OutboxRunner | None = None

        self.model = OrderTableModel(self)
        self.proxy = OrderFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = self._build_table()
        self.message = self._build_state_message()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.message)
        self.candidates = CandidatesView()
        self.candidates.order_selected.connect(self.select_order)
        self.candidates.order_activated.connect(self._show_in_orders)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("inboxTabs")
        self.tabs.addTab(self.stack, "&Orders")
        self.tabs.addTab(self.candidates, "Ca&ndidates")
        self.offers_view = OffersView()
        self.tabs.addTab(self.offers_view, "O&ffers")

        self.search, self.status_filter = self._build_filters()
        self.controller = OrderActionsController(self, self.selected_orders)
        self.controller.order_changed.connect(self._order_changed)
        self.detail = OrderDetailPane(list(self.controller.actions.values()))
        self.detail.comment_submitted.connect(self._add_comment)
        self._wire_attachments()
        self._build_actions_and_menus()

        self.splitter = self._build_central()
        self.connection_label, self.count_label = self._build_status_bar()

        self.poll_timer = QTimer(self)
        self.poll_timer.setObjectName("pollTimer")
        self.poll_timer.timeout.connect(self.request_poll)
        self._tray: QSystemTrayIcon | None = None

        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_counts)
        self._update_counts()
        self.resize(1280, 760)
        self._restore_layout()

    # -- construction ------------------------------------------------------------------------

    def _build_central(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 440])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        return splitter

    def _build_status_bar(self) -> tuple[QLabel, QLabel]:
        connection = QLabel()
        connection.setObjectName("connectionLabel")
        count = QLabel()
        count.setObjectName("countLabel")
        # Permanent widgets: transient messages ("Synced …") must not hide where we are connected.
        self.pacing_status = PacingStatus()
        self.statusBar().addPermanentWidget(connection)
        self.statusBar().addPermanentWidget(self.pacing_status)
        self.statusBar().addPermanentWidget(count)
        return connection, count

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("ordersTable")
        table.setAccessibleName("Assessment orders")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(Column.ORDERED, Qt.SortOrder.DescendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(table))
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(28)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((110, 170, 210, 190, 160, 140, 125, 55)):
            table.setColumnWidth(column, width)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._context_menu)
        return table

    def _build_state_message(self) -> QLabel:
        """Loading, empty and error states take the table's place, in words."""
        message = QLabel()
        message.setObjectName("stateMessage")
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return message

    def _build_filters(self) -> tuple[QLineEdit, QComboBox]:
        search = QLineEdit()
        search.setObjectName("searchField")
        search.setPlaceholderText("Search candidate, email, job, company, requestor…  (Ctrl+F)")
        search.setAccessibleName("Search orders")
        search.setClearButtonEnabled(True)
        search.textChanged.connect(self._on_search)

        status_filter = QComboBox()
        status_filter.setObjectName("statusFilter")
        status_filter.setAccessibleName("Filter by status")
        status_filter.addItem("All statuses", None)
        for status, label in STATUS_LABELS.items():
            status_filter.addItem(label, status)
        status_filter.currentIndexChanged.connect(self._on_status_filter)
        return search, status_filter

    def _build_actions_and_menus(self) -> None:
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.setStatusTip("Fetch the orders from SmartRecruiters now (F5)")
        self.refresh_action.triggered.connect(self.request_sync)
        self.find_action = QAction("&Find", self)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.triggered.connect(self._focus_search)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        about_action = QAction("&About Assessment Desk", self)
        about_action.triggered.connect(self._about)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.setStatusTip("Connection profiles, keys and options")
        self.settings_action.triggered.connect(self.settings_requested)
        self.log_folder_action = QAction("Open &log folder", self)
        self.log_folder_action.triggered.connect(self.open_log_folder)

        toolbar = QToolBar("Inbox")
        toolbar.setObjectName("inboxToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.refresh_action)
        toolbar.addSeparator()
        toolbar.addWidget(self.search)
        toolbar.addWidget(self.status_filter)
        self.addToolBar(toolbar)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.snapshot_menu = SnapshotMenu(self, file_menu, self._settings)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.find_action)
        order_menu = self.menuBar().addMenu("&Order")
        for action in self.controller.actions.values():
            order_menu.addAction(action)
            self.addAction(action)  # shortcuts work wherever the focus is
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.log_folder_action)
        help_menu.addAction(about_action)

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        for action in self.controller.actions.values():
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(position))

    # -- desk, sync and polling --------------------------------------------------------------

    def set_desk(self, desk: Desk, *, poll_seconds: int = DEFAULT_POLL_SECONDS) -> None:
        self.desk = desk
        self.connection_label.setText(desk.session.description)
        self.pacing_status.set_session(desk.session)
        self.controller.set_desk(desk, desk.journal.all_assessments())
        self.offers_view.set_desk(desk)
        self.poll_timer.start(poll_seconds * 1000)
        self._start_outbox(desk)
        self._update_title()
        self._update_counts()

    async def load_cached(self) -> None:
        """Show what the last session saw at once, before the network answers."""
        if self.desk is not None:
            orders = await load_cached(self.desk)
            if orders:
                self._show_orders(orders)

    def request_sync(self) -> None:
        """Start a full sync unless a sync or poll is running (they never overlap)."""
        if self._sync_task is None or self._sync_task.done():
            self._sync_task = asyncio.ensure_future(self.sync())

    def request_poll(self) -> None:
        if self._sync_task is None or self._sync_task.done():
            self._sync_task = asyncio.ensure_future(self.sync(poll=True))

    async def sync(self, *, poll: bool = False) -> bool:
        """Fetch (every order, or the NEW ones when polling), merge, show. Errors in words."""
        desk = self.desk
        if desk is None:
            return False
        self.refresh_action.setEnabled(False)
        self._loading = True
        self._load_error = None
        self._update_counts()
        self.statusBar().showMessage("Checking for new orders…" if poll else "Syncing…")
        ok = False
        try:
            report = await (poll_new(desk) if poll else sync_all(desk))
            self._show_orders(report.orders)
            self._announce(report, poll=poll)
            ok = True
        except ApiError as exc:
            log.warning("Sync failed: %r", exc)
            self._load_error = str(exc)
            self.statusBar().showMessage(f"Sync failed: {exc}", 10000)
        finally:
            self._loading = False
            self.refresh_action.setEnabled(True)
            self._update_counts()
            self.sync_finished.emit(ok)
        return ok

    def _announce(self, report: SyncReport, *, poll: bool) -> None:
        new = len(report.new_ids)
        if poll and new:
            text = f"{new} new assessment order{'s' if new != 1 else ''} arrived"
            self.statusBar().showMessage(text, 15000)
            self._notify(text)
            self.new_orders_arrived.emit(report.new_ids)
        elif not poll:
            self.statusBar().showMessage(f"Synced {len(report.orders)} orders", 5000)

    def _notify(self, text: str) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            QApplication.alert(self)  # the taskbar entry asks for attention instead
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(self.windowIcon(), self)
            self._tray.show()
        self._tray.showMessage(APP_TITLE, text, QSystemTrayIcon.MessageIcon.Information, 8000)

    def _show_orders(self, orders: list[AssessmentOrder]) -> None:
        selected = [o.id for o in self.selected_orders()]
        self.model.set_orders(orders)
        # The same columns the table has just built: the orders are summarised once.
        self.candidates.set_index(self.model.columns(), self.model.order_at)
        self._reselect(selected)

    # -- selection and detail ----------------------------------------------------------------

    def selected_orders(self) -> list[AssessmentOrder]:
        if self.tabs.currentWidget() is self.candidates and self._current_id:
            row = self.model.row_of(self._current_id)
            return [self.model.order_at(row)] if row is not None else []
        rows = self.table.selectionModel().selectedRows()
        return [index.data(ORDER_ROLE) for index in sorted(rows, key=lambda i: i.row())]

    def select_order(self, order_id: str) -> None:
        row = self.model.row_of(order_id)
        if row is None:
            return
        self._current_id = order_id
        if self.tabs.currentWidget() is not self.candidates:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                # Not selectRow(): it toggles when Ctrl is held, and this is not a click.
                flags = self.table.selectionModel().SelectionFlag
                self.table.selectionModel().setCurrentIndex(
                    index, flags.ClearAndSelect | flags.Rows
                )
                self.table.scrollTo(index)
        self._refresh_detail()

    def _show_in_orders(self, order_id: str) -> None:
        self.tabs.setCurrentWidget(self.stack)
        self.search.clear()
        self.status_filter.setCurrentIndex(0)
        self.select_order(order_id)

    def _reselect(self, order_ids: list[str]) -> None:
        selection = QItemSelection()
        for order_id in order_ids:
            row = self.model.row_of(order_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.select(index, index.siblingAtColumn(len(Column) - 1))
        self.table.selectionModel().select(
            selection, self.table.selectionModel().SelectionFlag.ClearAndSelect
        )
        self._refresh_detail()

    def _selection_changed(self, *_args: object) -> None:
        current = self.table.selectionModel().selectedRows()
        self._current_id = current[0].data(ORDER_ROLE).id if len(current) == 1 else None
        self._refresh_detail()

    def _refresh_detail(self) -> None:
        self.controller.update_state()
        order = self._current_order()
        linked = self.controller.link_for(order.id) if order else None
        self.detail.show_order(order, linked)
        if self.snapshot_mode is not None:
            self.snapshot_mode.refresh_detail()  # a snapshot: its own records, no network
            return
        if order is None or self.desk is None:
            return
        self.detail.show_timeline(self.desk.journal.entries(order.id))
        if self._detail_task is not None and not self._detail_task.done():
            self._detail_task.cancel()  # a stale selection's comments are not wanted
        self._detail_task = asyncio.ensure_future(self._load_comments(order))
        self._show_attachments(order, None)

    def _current_order(self) -> AssessmentOrder | None:
        if self._current_id is None:
            return None
        row = self.model.row_of(self._current_id)
        return self.model.order_at(row) if row is not None else None

    async def _load_comments(self, order: AssessmentOrder) -> None:
        assert self.desk is not None
        try:
            comments = await flows.list_comments(self.desk, order)
        except ApiError as exc:
            self.detail.show_comments(None, str(exc))
            return
        if self.detail.order is not None and self.detail.order.id == order.id:
            self.detail.show_comments(comments)

    def _add_comment(self, text: str) -> None:
        order = self._current_order()
        if order is None or self.desk is None:
            return
        desk = self.desk

        async def add() -> None:
            try:
                comment = await flows.add_comment(desk, order, text)
            except ApiError as exc:
                self.detail.comment_failed(str(exc))
                return
            self.detail.comment_added(comment)
            self.detail.show_timeline(desk.journal.entries(order.id))

        self._spawn(add())

    def _order_changed(self, order_id: str) -> None:
        """An action changed an order: take the cached copy into the table and the detail."""
        if self.desk is None:
            return
        updated = self.desk.orders.get(order_id)
        row = self.model.row_of(order_id)
        if updated is not None and row is not None and self.model.order_at(row) != updated:
            self._show_orders(self.desk.orders.all())
        elif order_id == self._current_id:
            self._refresh_detail()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- view state --------------------------------------------------------------------------

    def _on_search(self, text: str) -> None:
        self.proxy.set_search_text(text)
        self._update_counts()

    def _on_status_filter(self, _index: int) -> None:
        status = self.status_filter.currentData()
        self.proxy.set_statuses(frozenset({OrderStatus(status)}) if status else None)
        self._update_counts()

    def _focus_search(self) -> None:
        if self.tabs.currentWidget() is self.candidates:
            self.candidates.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def new_count(self) -> int:
        return self.model.count_status(OrderStatus.NEW)

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        new = self.new_count()
        self.count_label.setText(
            f"{shown} of {total} orders · {new} new"
            if shown != total
            else f"{total} orders · {new} new"
        )
        self._update_title(new)
        if shown:
            self.stack.setCurrentWidget(self.table)
        elif total:
            self._show_message("No orders match the search or the status filter.")
        elif self._loading:
            self._show_message("Loading orders from SmartRecruiters…")
        elif self._load_error:
            self._show_message(
                f"Could not load the orders.\n\n{self._load_error}\n\nPress F5 to try again."
            )
        elif self.desk is None:
            self._show_message("Connecting…")
        else:
            self._show_message("No assessment orders yet. New orders appear here when they arrive.")

    def _update_title(self, new: int | None = None) -> None:
        if self.read_only_title:
            self.setWindowTitle(f"{self.read_only_title} — {APP_TITLE}")
            return
        parts = [APP_TITLE]
        if self.desk is not None and self.desk.session.demo:
            parts.append("Demo mode")
        title = " — ".join(parts)
        self.setWindowTitle(f"({new} new) {title}" if new else title)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def open_log_folder(self) -> bool:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return self.open_url(QUrl.fromLocalFile(str(folder)))

    def _about(self) -> None:
        import platform

        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion
        from PySide6.QtWidgets import QMessageBox

        from app import __version__

        QMessageBox.about(
            self,
            "About Assessment Desk",
            f"<b>Assessment Desk</b> {__version__}<br>For Berke coordinators handling "
            f"SmartRecruiters assessment orders.<br><br>Qt {qVersion()} · PySide6 "
            f"{pyside_version} · Python {platform.python_version()}",
        )

    # -- remembered layout -------------------------------------------------------------------

    def _restore_layout(self) -> None:
        for key, restore in (
            ("mainWindow/geometry", self.restoreGeometry),
            ("mainWindow/state", self.restoreState),
            ("mainWindow/ordersHeader", self.table.horizontalHeader().restoreState),
            ("mainWindow/splitter", self.splitter.restoreState),
        ):
            value = self._settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        # The header remembers its sort indicator; the proxy must be told to sort by it.
        header = self.table.horizontalHeader()
        self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())

    def save_layout(self) -> None:
        self._settings.setValue("mainWindow/geometry", self.saveGeometry())
        self._settings.setValue("mainWindow/state", self.saveState())
        self._settings.setValue(
            "mainWindow/ordersHeader", self.table.horizontalHeader().saveState()
        )
        self._settings.setValue("mainWindow/splitter", self.splitter.saveState())
        self._settings.sync()

    # -- results, attachments and the outbox --------------------------------------------------

    def _wire_attachments(self) -> None:
        panel = self.detail.attachments
        panel.files_dropped.connect(self._files_dropped_on_detail)
        panel.add_files_requested.connect(lambda: self.controller.trigger(OrderAction.ATTACH))
        panel.cancel_requested.connect(
            lambda upload_id: self._spawn(self.controller.cancel_upload(upload_id))
        )
        panel.retry_requested.connect(
            lambda upload_id: self._spawn(self.controller.retry_upload(upload_id))
        )
        self.detail.retry_step_requested.connect(
            lambda entry_id: self._spawn(self.controller.retry_failed_step(entry_id))
        )
        self.controller.upload_progress.connect(panel.model.set_progress)
        # A drop on a row of the table attaches to that row's order (the viewport gets it).
        self.table.setAcceptDrops(True)
        self.table.viewport().setAcceptDrops(True)
        self.table.viewport().installEventFilter(self)

    def _files_dropped_on_detail(self, paths: list[Path]) -> None:
        order = self._current_order()
        if order is not None:
            self._spawn(self.controller.attach_files(order, paths))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and self.desk is not None:
            kind = event.type()
            if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(
                event, QDropEvent
            ):
                if dropped_paths(event) and self._row_order(event) is not None:
                    event.acceptProposedAction()
                else:
                    event.ignore()
                return True
            if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
                order = self._row_order(event)
                paths = dropped_paths(event)
                if order is not None and paths:
                    event.acceptProposedAction()
                    self.select_order(order.id)
                    self._spawn(self.controller.attach_files(order, paths))
                return True
        return super().eventFilter(watched, event)

    def _row_order(self, event: QDropEvent) -> AssessmentOrder | None:
        index = self.table.indexAt(event.position().toPoint())
        return index.data(ORDER_ROLE) if index.isValid() else None

    def _show_attachments(self, order: AssessmentOrder, remote: list[Attachment] | None) -> None:
        if self.desk is None:
            return
        uploads = self.desk.results.for_order(order.id)
        result_id = self.desk.results.result_id_for(order.id)
        self.detail.attachments.show_rows(rows_for(uploads, remote), result_id)
        if remote is None and result_id:
            self._spawn(self._load_attachments(order, result_id))

    async def _load_attachments(self, order: AssessmentOrder, result_id: str) -> None:
        """What SmartRecruiters holds is the truth about what is attached."""
        assert self.desk is not None
        try:
            remote = await self.desk.session.sr.list_attachments(order.id, result_id)
        except ApiError as exc:
            log.info("Could not list attachments: %r", exc)
            return
        if self._current_id == order.id:
            self._show_attachments(order, remote)

    def _start_outbox(self, desk: Desk) -> None:
        """Resume what an earlier run left pending, then keep retrying in the background."""
        if self._outbox_task is not None:
            self._outbox_task.cancel()
        self.outbox = OutboxRunner(desk, on_change=self._order_changed)
        self._outbox_task = asyncio.ensure_future(self.outbox.run_forever())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.poll_timer.stop()
        self.pacing_status.timer.stop()
        for task in (self._sync_task, self._detail_task, self._outbox_task, *self._tasks):
            if task is not None and not task.done():
                task.cancel()
        super().closeEvent(event)
        self.closed.emit()
