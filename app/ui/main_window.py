"""The main window: a shell around the rooms (Orders, Offers), with the menus, the status bar
and the remembered layout.

It is built the same way for the live inbox and for a snapshot: ``connect_board`` feeds the
Orders room from the order board, ``open_snapshot_window`` makes a window whose Orders room reads
a snapshot and is read-only. Rooms own their widgets; the window only places them.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QFont,
    QFontMetrics,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSystemTrayIcon,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.count_words import counted
from app.store.memory import release_freed_memory
from app.store.paths import log_dir
from app.ui.common.command_palette import add_keywords
from app.ui.common.labels import plain_label, rich_label, without_mnemonic
from app.ui.common.messages import Messages
from app.ui.common.platform_keys import documented_and_platform_keys
from app.ui.common.screens import TITLE_BAR, available_room
from app.ui.common.status_line import StatusLine
from app.ui.common.tooltips import plain_tooltip
from app.ui.desk_settings import desk_settings
from app.ui.orders.orders_room import OrdersRoom
from app.ui.orders.sources import LiveOrders
from app.ui.pacing_status import PacingStatus
from app.ui.snapshots.snapshot_menu import SnapshotMenu

if TYPE_CHECKING:  # loaded when first needed: not part of the first frame
    import asyncio  # loads after the first frame (app.ui.application)

    from PySide6.QtGui import QSessionManager

    from app.domain.snapshot import SnapshotAttachment
    from app.ui.common.command_palette import CommandPalette
    from app.ui.common.shortcuts_dialog import ShortcutsDialog
    from app.ui.offers import OffersView
    from app.ui.orders.board_signals import BoardSignals
    from app.ui.snapshots.snapshot_source import ReadSnapshot, SnapshotOrders
    from app.workflows.board import OrderBoard, SyncOutcome
    from app.workflows.offer_catalog import OfferCatalog
    from app.workflows.resume_news import ResumeNews

log = logging.getLogger(__name__)

#: The rooms' tabs: Alt+D and Alt+R, clear of the menus' Alt+F, V, O and H.
OFFERS_TAB = "Offe&rs"
#: Why the order actions are off while another room is shown.
ORDERS_OUT_OF_SIGHT = "The orders are not shown: switch to the Orders tab (Alt+D) first."

APP_TITLE = "Assessment Desk"
# The connection label's share of the window's width, and its least (the rest of the status
# bar is for messages, the pacing and the counts).
WHERE_SHARE = 0.3
MIN_WHERE_WIDTH = 240
# The banner's padding, each side (its style sheet), and a few pixels more: the bold head and
# the rich text's layout are not measured to the pixel.
BANNER_SIDES = 2 * 10 + 8


def _new_orders(count: int) -> str:
    return counted(count, "new assessment order")


def synced_text(fetched: int, arrived: int, gone: int, *, left_out: bool) -> str:
    """The status bar's line when a full sync ends: "Synced 203 orders · 3 new · 1 gone from
    SmartRecruiters". Short: at 1280×800 the bar has about 550 px left of its labels, and the
    sentences it had ("…; 1 is no longer in SmartRecruiters, marked “Gone from
    SmartRecruiters”") were cut mid-word."""
    parts = [f"Synced {counted(fetched, 'order')}"]
    if arrived:
        parts.append(f"{arrived:,} new")
    if left_out:
        parts.append("some left out (see above the orders)")
    if gone:
        parts.append(f"{gone:,} gone from SmartRecruiters")
    return " · ".join(parts)


class MainWindow(QMainWindow):
    """Menus, status bar and the rooms. ``orders`` is the Orders room, ``offers`` the Offers."""

    sync_finished = Signal(bool)  # True when the sync succeeded
    new_orders_arrived = Signal(list)  # ids of orders seen for the first time by a sync
    closed = Signal()
    settings_requested = Signal()  # File > Settings…; the session host opens the dialog

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self._settings = settings or desk_settings()
        #: Where the dialogs opened over this window keep their sizes (RememberedSize).
        self.dialog_settings = self._settings
        # Injectable so tests can see what would be opened (Help > Open log folder).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.board: OrderBoard | None = None
        self.signals: BoardSignals | None = None
        self.read_only_title: str | None = None  # set when the window shows a snapshot
        self._sync_task: asyncio.Task[bool] | None = None
        self._tray: QSystemTrayIcon | None = None
        self._closing_for_good = False  # the app ends: typed work over it stops nothing

        self.status_line = StatusLine(self.statusBar())
        self.messages = Messages(self, self.status_line.say, self.status_line)
        self.orders = OrdersRoom(self.messages)
        self.orders.controller.open_url = self._open_with_desktop  # reports and assessment URLs
        self._offers: OffersView | None = None
        self._syncing = False  # the orders' sync is under way
        self._arrived = 0  # how many new orders the sync under way said, for its end
        self._offer_catalog: OfferCatalog | None = None  # given to the room when it is built
        self._offers_page = QWidget()  # the Offers room's place until it is first needed
        self.rooms = QTabWidget()
        self.rooms.setObjectName("rooms")
        self.rooms.setDocumentMode(True)
        self.rooms.addTab(self.orders, "Or&ders")
        self.rooms.addTab(self._offers_page, OFFERS_TAB)
        self.rooms.currentChanged.connect(self._room_changed)
        self.banner = self._build_banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.rooms)
        self.setCentralWidget(central)

        self._build_actions_and_menus()
        self.connection_label, self.count_label = self._build_status_bar()
        self._where = ""  # the connection label's whole text
        self._demo_line: str | None = None  # demo mode's line (``show_demo_line``)
        self._demo_one_line = False  # cut to one line of the banner, the whole in its tooltip
        self.orders.counts_changed.connect(self._counts_changed)
        self.orders.sync_problem.retry_requested.connect(self.request_sync)
        self.orders.set_source(None)
        self._first_size()
        self._restore_layout()

    # -- construction ------------------------------------------------------------------------

    def _first_size(self) -> None:
        """1280×760, or the screen's room where there is less (1366×768 at 125 % leaves
        1093×614: the status bar and the last rows were off the screen on a first start).
        A remembered layout then wins."""
        room = available_room(self)
        self.resize(min(1280, room.width()), min(760, room.height() - TITLE_BAR))

    @property
    def offers(self) -> OffersView:
        """The Offers room, built when first shown or given a catalogue: its modules (and the
        SmartRecruiters client they use) are not needed for the first frame."""
        if self._offers is None:
            from app.ui.offers import OffersView

            view = OffersView(self.messages)
            index = self.rooms.indexOf(self._offers_page)
            current = self.rooms.currentIndex()
            enabled, tip = self.rooms.isTabEnabled(index), self.rooms.tabToolTip(index)
            blocked = self.rooms.blockSignals(True)
            self.rooms.removeTab(index)
            self.rooms.insertTab(index, view, OFFERS_TAB)
            self.rooms.setTabEnabled(index, enabled)
            self.rooms.setTabToolTip(index, tip)
            self.rooms.setCurrentIndex(current)
            self.rooms.blockSignals(blocked)
            self._offers_page.deleteLater()
            self._offers = view
            # Sorted from the Ctrl+K palette too (a keyboard's way), on the Offers tab.
            for action in view.offer_list.sorting.actions():
                action.triggered.connect(lambda _c=False, v=view: self.rooms.setCurrentWidget(v))
                self.addAction(action)
            if self._offer_catalog is not None:
                view.set_catalog(self._offer_catalog)
        return self._offers

    def set_offer_catalog(self, catalog: OfferCatalog | None) -> None:
        """The Offers room's catalogue (None: not connected), handed to the room now if it is
        built, or when it is (first shown): a session does not build it."""
        self._offer_catalog = catalog
        if self._offers is not None:
            self._offers.set_catalog(catalog)

    async def wait_offers_idle(self) -> None:
        if self._offers is not None:
            await self._offers.wait_idle()

    def _room_changed(self, index: int) -> None:
        if self._offers is None and self.rooms.widget(index) is self._offers_page:
            _ = self.offers  # shown for the first time: build it now
        elsewhere = self.rooms.widget(index) is not self.orders
        self.orders.controller.set_out_of_sight(ORDERS_OUT_OF_SIGHT if elsewhere else None)
        self._update_refresh()

    def _build_banner(self) -> QLabel:
        """A line above the rooms: a snapshot's "read-only", or demo mode's way out (hidden
        for a real profile's inbox)."""
        banner = rich_label(name="snapshotBanner")  # banner_text escapes the file's words
        banner.setStyleSheet(
            "QLabel#snapshotBanner { background: #fff4ce; color: #3b2f00;"
            " border-bottom: 1px solid #e0c97a; padding: 6px 10px; }"
        )
        banner.setAccessibleName("Read-only snapshot")
        banner.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        banner.setMaximumHeight(banner.fontMetrics().lineSpacing() * 2 + 16)
        banner.setVisible(False)
        return banner

    def _build_status_bar(self) -> tuple[QLabel, QLabel]:
        connection = plain_label(name="connectionLabel", wrap=False)  # a profile's words
        count = plain_label(name="countLabel", wrap=False)
        # Permanent widgets: transient messages ("Synced …") must not hide where we are connected.
        self.pacing_status = PacingStatus()
        # Beside "Delivering 3 of 25…", while it runs: Order › Stop delivering, at hand.
        stop = self.orders.controller.stop_delivering_action
        self.stop_delivering_button = QToolButton()
        self.stop_delivering_button.setObjectName("stopDeliveringButton")
        self.stop_delivering_button.setDefaultAction(stop)  # named by its iconText, "Stop"
        self.stop_delivering_button.setAccessibleName("Stop delivering")  # not just "Stop"
        self.stop_delivering_button.setVisible(stop.isEnabled())
        stop.enabledChanged.connect(self.stop_delivering_button.setVisible)
        self.statusBar().addPermanentWidget(self.stop_delivering_button)
        self.statusBar().addPermanentWidget(connection)
        self.statusBar().addPermanentWidget(self.pacing_status)
        self.statusBar().addPermanentWidget(count)
        return connection, count

    def _build_actions_and_menus(self) -> None:
        self.refresh_action = QAction("&Refresh", self)
        self.refresh_action.setShortcuts(
            documented_and_platform_keys("F5", QKeySequence.StandardKey.Refresh)
        )
        self.refresh_action.setStatusTip(
            "Fetch the orders, or on the Offers tab the offers, from SmartRecruiters now (F5)"
        )
        self.refresh_action.triggered.connect(self.refresh_room)
        self.find_action = QAction("&Find", self)
        self.find_action.setShortcuts(
            documented_and_platform_keys("Ctrl+F", QKeySequence.StandardKey.Find)
        )
        self.find_action.triggered.connect(self._focus_search)
        self.palette_action = QAction("&Go to…", self)
        self.palette_action.setObjectName("action_palette")
        self.palette_action.setShortcuts([QKeySequence("Ctrl+K"), QKeySequence("Ctrl+Shift+P")])
        self.palette_action.setStatusTip(
            "Find any action, or any order by name, email, code or id (Ctrl+K)"
        )
        self.palette_action.triggered.connect(self.open_palette)
        quit_action = QAction("&Quit", self)
        # Not StandardKey.Quit: it is empty on Windows and on some Linux desktops.
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.setObjectName("action_quit")
        # The window's own (Qt's default context), not the application's: with a snapshot
        # window open beside this one, two application-wide Ctrl+Q were ambiguous to Qt, and
        # neither ran.
        quit_action.triggered.connect(self.close)
        self.quit_action = quit_action
        self.settings_action = QAction("Se&ttings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.setStatusTip("Connection profiles, keys and options")
        self.settings_action.triggered.connect(self.settings_requested)
        # Words the palette finds them by besides their names (the status bar says "sync").
        for action, words in (
            (self.refresh_action, "sync synchronise fetch reload update"),
            (self.find_action, "search filter look up"),
            (quit_action, "exit close"),
            (self.settings_action, "preferences options profile keys connection"),
        ):
            add_keywords(action, words)

        toolbar = QToolBar("Inbox")
        toolbar.setObjectName("inboxToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.refresh_action)
        self.addToolBar(toolbar)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        self.snapshot_menu = SnapshotMenu(
            self,
            self.orders,
            file_menu,
            settings=self._settings,
            messages=self.messages,
            open_window=lambda path, read: open_snapshot_window(path, self._settings, read),
        )
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.palette_action)
        self.orders.column_actions.add_submenus(view_menu)
        order_menu = self.menuBar().addMenu("&Order")
        # A greyed entry's reason, where the coordinator is looking (the status bar cut it).
        order_menu.setToolTipsVisible(True)
        for action in self.orders.order_actions():
            order_menu.addAction(action)
            self.addAction(action)  # shortcuts work wherever the focus is
        # ... and one that is off says why wherever the focus is (not only in the Orders room).
        self.orders.controller.watch_keys(self)
        self._build_help_menu()

    def _build_help_menu(self) -> None:
        self.shortcuts_action = QAction("&Keyboard shortcuts…", self)
        self.shortcuts_action.setStatusTip("Every key of the window, in one list")
        self.shortcuts_action.triggered.connect(self.show_keyboard_shortcuts)
        add_keywords(self.shortcuts_action, "keys hotkeys keyboard help")
        self.log_folder_action = QAction("Open &log folder", self)
        self.log_folder_action.triggered.connect(self.open_log_folder)
        add_keywords(self.log_folder_action, "logs diagnostics support")
        about_action = QAction("&About Assessment Desk", self)
        about_action.triggered.connect(self._about)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.log_folder_action)
        help_menu.addAction(about_action)

    def open_palette(self) -> CommandPalette:
        """Ctrl+K: every action of the window, and every order, one search away."""
        from app.ui.common.command_palette import CommandPalette, reachable_actions

        palette = CommandPalette(
            lambda: [
                a
                for a in reachable_actions(self.menuBar(), self.actions())
                if a is not self.palette_action
            ],
            self.orders.find_orders,
            self,
            order_known=self.orders.has_order,
        )
        palette.order_chosen.connect(self._go_to_order)
        palette.finished.connect(palette.deleteLater)
        palette.open()
        return palette

    def show_keyboard_shortcuts(self) -> ShortcutsDialog:
        """Help › Keyboard shortcuts…: the keys of the actions the palette reaches, then those
        no action holds (the tabs', a search field's, a form's)."""
        from app.ui.common.command_palette import reachable_actions
        from app.ui.common.shortcuts_dialog import (
            ShortcutsDialog,
            action_rows,
            keys_without_actions,
            tab_rows,
        )

        actions = reachable_actions(self.menuBar(), self.actions())
        if self.read_only_title is not None:
            # A snapshot's window: what is off there stays off, and its keys do nothing and
            # say nothing (Save snapshot, Settings, Refresh). The order actions say why they
            # are off when pressed: listed.
            said = list(self.orders.controller.actions.values())
            actions = [action for action in actions if action.isEnabled() or action in said]
        orders_room = without_mnemonic(self.rooms.tabText(self.rooms.indexOf(self.orders)))
        rows = [
            *action_rows(actions),
            *tab_rows(self.rooms),
            *tab_rows(self.orders.tabs, room=orders_room),
            *keys_without_actions(),
        ]
        dialog = ShortcutsDialog(rows, self)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _go_to_order(self, order_id: str) -> None:
        self.rooms.setCurrentWidget(self.orders)
        self.orders.reveal(order_id)

    # -- what the window shows ---------------------------------------------------------------

    def connect_board(self, board: OrderBoard | None, signals: BoardSignals | None) -> None:
        """Show ``board``'s orders (None: not connected), and follow its syncs."""
        if self.signals is not None:
            self.signals.sync_started.disconnect(self._sync_started)
            self.signals.sync_finished.disconnect(self._sync_done)
            self.signals.orders_arrived.disconnect(self._orders_arrived)
            self.signals.resume_ended.disconnect(self._resume_ended)
        if board is not self.board:
            # What the board before said, waiting its turn behind a weighty line (its
            # resumer's news), is not said under this one; nor does its sync, stopped with it,
            # hold back this one's first.
            self.status_line.forget_waiting()
            self._sync_task = None
        self.board, self.signals = board, signals
        if board is None or signals is None:
            self.orders.set_source(None)
            self.show_demo_line(None)
            self._show_where("")
            self.pacing_status.set_pacers([])
            self._update_title()
            return
        signals.sync_started.connect(self._sync_started)
        signals.sync_finished.connect(self._sync_done)
        signals.orders_arrived.connect(self._orders_arrived)
        signals.resume_ended.connect(self._resume_ended)
        self.orders.set_source(LiveOrders(board, signals))
        self._show_where(board.description)
        self.pacing_status.set_pacers(board.pacing())
        self._update_title()

    def show_snapshot(self, source: SnapshotOrders) -> None:
        """Read-only and offline: the snapshot's orders, every change disabled with a reason."""
        from app.ui.snapshots.snapshot_source import banner_text

        reason = source.read_only_reason
        self.read_only_title = source.title
        self.banner.setText(banner_text(source.snapshot))
        self.banner.setAccessibleName("Read-only snapshot")
        self.banner.setVisible(True)
        self.orders.set_source(source)
        self.snapshot_menu.set_read_only(reason)
        # Settings too: a snapshot window has no session to open them for (the menu item did
        # nothing there).
        self.quit_action.setText("&Close")  # this window: the desk beside it stays
        for action in (self.refresh_action, self.settings_action):
            action.setEnabled(False)
            action.setToolTip(reason or "")
            action.setStatusTip(reason or "")
        offers = self.rooms.indexOf(self._offers or self._offers_page)
        self.rooms.setTabEnabled(offers, False)
        self.rooms.setTabToolTip(offers, "Offers are not part of a snapshot.")
        self._show_where(source.description)
        self.orders.detail.snapshot_files.open_requested.connect(
            lambda attachment: self.orders.tasks.start(self._open_snapshot_file(source, attachment))
        )
        self._update_title()

    async def _open_snapshot_file(
        self, source: SnapshotOrders, attachment: SnapshotAttachment
    ) -> Path | None:
        """A temporary copy of a file the snapshot keeps, opened with the system viewer."""
        from app.store.snapshot_file import SnapshotError

        try:
            copy = await source.extract(attachment)
        except SnapshotError as exc:
            self.messages.note(str(exc), 15000)
            return None
        self.open_url(QUrl.fromLocalFile(str(copy)))
        return copy

    # -- sync --------------------------------------------------------------------------------

    def _update_refresh(self) -> None:
        """F5 waits while the orders sync, on the Orders tab only: the offers are read apart."""
        if self.read_only_title is not None:
            return  # a snapshot: nothing to fetch (show_snapshot says so on the action)
        on_offers = self._offers is not None and self.rooms.currentWidget() is self._offers
        self.refresh_action.setEnabled(on_offers or not self._syncing)

    def refresh_room(self) -> None:
        """F5: read again what the room in front of the coordinator shows."""
        if self._offers is not None and self.rooms.currentWidget() is self._offers:
            self._offers.refresh()
        else:
            self.request_sync()

    def request_sync(self) -> None:
        """Start a full sync unless one is running (the board never overlaps them)."""
        if self.board is not None and (self._sync_task is None or self._sync_task.done()):
            import asyncio

            self._sync_task = asyncio.ensure_future(self.sync())

    def request_poll(self) -> None:
        if self.board is not None and (self._sync_task is None or self._sync_task.done()):
            import asyncio

            self._sync_task = asyncio.ensure_future(self.sync(poll=True))

    async def wait_sync_idle(self) -> None:
        """Until the sync ``request_sync`` or ``request_poll`` started (if any) has ended."""
        import asyncio

        task = self._sync_task
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def sync(self, *, poll: bool = False) -> bool:
        """Fetch (every order, or the NEW ones when polling) and merge; True when it worked."""
        if self.board is None:
            return False
        return (await self.board.sync(poll=poll)).ok

    def _sync_started(self, poll: bool) -> None:
        self._syncing = True
        self._update_refresh()
        self.orders.set_loading(True)
        if poll:
            # Not over a failure still said: a poll queued behind a failing sync starts the
            # moment it ends, and its routine line replaced "Sync failed: …" at once.
            # Nor over what the resumer did, said a moment before.
            if not self.status_line.weighty_showing():
                self.status_line.say("Checking for new orders…", 3000, kept=False)
        elif not self.status_line.waited_line_showing():
            # A failure still said goes: this sync is what comes of it. What the resumer did
            # stays (the orders say they are loading): it was not said again.
            self.status_line.say("Syncing…", kept=False)

    def _sync_done(self, outcome: SyncOutcome) -> None:
        self._syncing = False
        self._update_refresh()
        self.orders.set_loading(False, outcome.error, left_out=outcome.left_out, poll=outcome.poll)
        # Said just before the sync ended: kept in what replaces it on the status bar.
        arrived, self._arrived = self._arrived, 0
        if outcome.stopped:
            pass  # the connection closing said so already ("Closing …")
        elif not outcome.ok:
            also = f" ({_new_orders(arrived)} arrived before it failed)" if arrived else ""
            self.status_line.say(f"Sync failed: {outcome.error}{also}", 10000, weighty=True)
        elif not outcome.poll:
            gone = len(outcome.gone_ids)  # the rows keep their flag; this says it happened
            self.status_line.say_after(
                synced_text(outcome.fetched, arrived, gone, left_out=bool(outcome.left_out)),
                15000 if gone else 5000,
            )
        self.sync_finished.emit(outcome.ok)

    def _resume_ended(self, news: ResumeNews) -> None:
        """What the resumer sent: at start, the first sync's "Synced 203 orders" ends a moment
        later and waits for it; it waits itself while a sync's failure is said."""
        self.status_line.say_after(news.text, 15000 if news.failed else 8000, weighty=True)

    def _orders_arrived(self, order_ids: list[str]) -> None:
        self._arrived = len(order_ids)
        text = f"{_new_orders(self._arrived)} arrived"
        self.status_line.say(text, 15000)
        self._notify(text)
        self.new_orders_arrived.emit(order_ids)

    def _notify(self, text: str) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            QApplication.alert(self)  # the taskbar entry asks for attention instead
            return
        if self._tray is None:
            self._tray = QSystemTrayIcon(self.windowIcon(), self)
            self._tray.show()
        self._tray.showMessage(APP_TITLE, text, QSystemTrayIcon.MessageIcon.Information, 8000)

    # -- view state --------------------------------------------------------------------------

    def _focus_search(self) -> None:
        """Ctrl+F: the search of the room in front, as F5 reads that room again. On the
        Offers tab it jumped to the Orders tab's search, leaving the offers being read."""
        if self._offers is not None and self.rooms.currentWidget() is self._offers:
            self._offers.focus_search()
            return
        self.rooms.setCurrentWidget(self.orders)
        self.orders.focus_search()

    def show_demo_line(self, text: str | None, *, one_line: bool = False) -> None:
        """Demo mode's line above the rooms and in the connection label's tooltip: that the
        orders are made up, and the way to the real services (None: hidden, a real profile's
        inbox). A first start said "Demo mode" in the title only, and nowhere how to leave it.
        ``one_line``: a line that may be long (why a profile fell back to demo mode), cut to
        one line of the banner, the whole in its tooltip."""
        if self.read_only_title is not None:
            return  # a snapshot's window: its banner says what it shows
        self._demo_line, self._demo_one_line = text, one_line
        self._fit_demo_line()
        self.banner.setVisible(text is not None)
        self._show_where(self._where)

    def _fit_demo_line(self) -> None:
        """The demo line in the banner, cut to the window's width when it is kept to one line
        (the banner spans the window)."""
        text = self._demo_line
        self.banner.setToolTip(plain_tooltip(text) if text and self._demo_one_line else "")
        if text is None:
            return
        head, _, rest = text.partition(":")
        if self._demo_one_line:
            bold = QFont(self.banner.font())
            bold.setBold(True)
            room = self.width() - BANNER_SIDES - QFontMetrics(bold).horizontalAdvance(f"{head}:")
            rest = self.banner.fontMetrics().elidedText(
                rest, Qt.TextElideMode.ElideRight, max(room, 0)
            )
        self.banner.setText(f"<b>{html.escape(head)}:</b>{html.escape(rest)}")
        self.banner.setAccessibleName(head)

    def settings_keys(self) -> str:
        """File › Settings…'s shortcut, as the platform writes it ("Ctrl+,")."""
        return self.settings_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

    def _counts_changed(self, text: str) -> None:
        self.count_label.setText(text)
        self._update_title()

    def _show_where(self, text: str) -> None:
        """Where the orders come from, in the status bar: cut to a share of its width (the whole
        in the tooltip). Two full addresses and a profile's name left a refusal's sentence
        300 px of a 1280 px bar, cut mid-word."""
        self._where = text
        tip = text if self._demo_line is None else f"{text}\n\n{self._demo_line}"
        self.connection_label.setToolTip(plain_tooltip(tip))
        room = max(MIN_WHERE_WIDTH, int(self.width() * WHERE_SHARE))
        self.connection_label.setText(
            self.connection_label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room)
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show_where(self._where)
        if self._demo_one_line and self.read_only_title is None:
            self._fit_demo_line()

    def _update_title(self) -> None:
        if self.read_only_title:
            self.setWindowTitle(f"{self.read_only_title} — {APP_TITLE}")
            return
        parts = [APP_TITLE]
        if self.board is not None and self.board.demo:
            parts.append("Demo mode")
        title = " — ".join(parts)
        new = self.orders.new_count()
        self.setWindowTitle(f"({new} new) {title}" if new else title)

    def _open_with_desktop(self, url: QUrl) -> bool:
        """``open_url`` as it is when called: tests replace it once the window is made."""
        return self.open_url(url)

    def open_log_folder(self) -> bool:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return self.open_url(QUrl.fromLocalFile(str(folder)))

    def _about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, "About Assessment Desk", about_text())

    # -- remembered layout -------------------------------------------------------------------

    def _restore_layout(self) -> None:
        for key, restore in (
            ("mainWindow/geometry", self.restoreGeometry),
            ("mainWindow/state", self.restoreState),
        ):
            value = self._settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        self.orders.restore_layout(self._settings)

    def save_layout(self) -> None:
        if self.read_only_title is not None:
            # A snapshot window starts from the desk's layout and keeps none of its own:
            # saved over the desk's, the next start of the desk took the snapshot's.
            return
        self._settings.setValue("mainWindow/geometry", self.saveGeometry())
        self._settings.setValue("mainWindow/state", self.saveState())
        self.orders.save_layout(self._settings)
        self._settings.sync()

    def close_for_good(self) -> None:
        """The app's own end (``_run_desk``: a failed start, the loop done): the window closes,
        its work ends with it (layout saved, ``closed``), and nothing is asked. The dialogs
        over it close unasked: a question put up now was torn down with the loop unanswered,
        and refused, the close skipped that work. A dialog that sends refuses to close, and
        its send is let finish (``SessionHost.close``)."""
        from app.ui.common.discard_guard import guards_over

        self._closing_for_good = True
        for guard in guards_over(self):
            dialog = guard.parent()
            if not isinstance(dialog, QWidget) or not dialog.isVisible():
                continue  # closed already: its rejection is not said again
            if guard.asks_before_closing():
                log.warning(
                    "The app is ending: what was typed in %s is dropped",
                    type(guard.parent()).__name__,
                )
            # Its own question answered "no" first (Invite's "Send again?": nothing sent):
            # left up, a window of its own, it outlived the dialog, and its flow waited on
            # it as the session closed, or sent from a form thrown away.
            question = guard.open_question()
            if question is not None:
                question.reject()
            guard.discard()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # File > Quit (Cmd+Q and the Dock's Quit on the Mac) closes this window, and the app
        # ends with it: a dialog over it with something typed asks first, the quit refused.
        from app.ui.common.discard_guard import typed_work_over  # not part of the first frame

        typed = None if self._closing_for_good else typed_work_over(self)
        if typed is not None:
            event.ignore()
            typed.request_close()
            return
        self.save_layout()
        self.pacing_status.timer.stop()
        if self._sync_task is not None and not self._sync_task.done():
            self._sync_task.cancel()
        self.orders.cancel_tasks()
        if self.read_only_title is not None:
            # Closed for good (deleted on close): the snapshot and the comparisons over it go
            # now. The window is a reference cycle (its Messages, its menu): frozen by a poll's
            # ``settle_heap`` while open (app.workflows.heap), it is never collected, and it
            # kept the snapshot's index and search, ~1 MB per 2,000 orders.
            self.snapshot_menu.close_dialogs()
            self.orders.set_source(None)
        super().closeEvent(event)
        self.closed.emit()


def keep_typed_work_on_logout(window: QWidget, manager: QSessionManager) -> None:
    """``commitDataRequest``: a logout or shutdown (Windows, Linux) asks the app to keep its
    work, and Qt 6 closes no window for it: a dialog's typed work was lost with the app. A
    dialog over ``window`` holding some stops the logout, when the session lets the app ask,
    and asks "Discard what you typed?" (the coordinator logs out again after answering)."""
    from app.ui.common.discard_guard import typed_work_over

    typed = typed_work_over(window)
    if typed is not None and manager.allowsInteraction():
        manager.cancel()
        manager.release()  # done with the session: the question waits in the dialog, as Esc's
        typed.request_close()


def open_snapshot_window(
    path: Path, settings: QSettings | None = None, read: ReadSnapshot | None = None
) -> MainWindow:
    """A new main window showing the snapshot at ``path`` (raises ``SnapshotError``); ``read``
    is the file already read (``read_snapshot``, in a worker thread), else it is read here."""
    from app.ui.snapshots.snapshot_source import SnapshotOrders, read_snapshot

    read = read or read_snapshot(path)
    window = MainWindow(settings=settings)
    window.show_snapshot(SnapshotOrders(read.snapshot, read.prepared))
    release_freed_memory()  # what reading the file needed and no longer does
    return window


def about_text() -> str:
    """Help > About: the version, and where the desk keeps its settings, data and logs (a
    coordinator asked for the log, or moving to a new computer, had to be told)."""
    import platform

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from app import __version__
    from app.store.paths import data_dir, log_dir, settings_path

    places = "<br>".join(
        f"{what}: {html.escape(str(where))}"
        for what, where in (
            ("Settings", settings_path()),
            ("Data", data_dir()),
            ("Logs", log_dir()),
        )
    )
    return (
        f"<b>Assessment Desk</b> {__version__}<br>For Berke coordinators handling "
        f"SmartRecruiters assessment orders.<br><br>{places}<br>(demo mode keeps its orders "
        f"in memory only)<br><br>Qt {qVersion()} · PySide6 {pyside_version} · Python "
        f"{platform.python_version()}"
    )
