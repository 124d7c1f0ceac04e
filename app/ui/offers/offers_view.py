"""The Offers tab: the vendor's Marketplace catalogue, searched and paged on SmartRecruiters.

The room puts its three parts together and fetches the pages: the list (``OfferList``), the
detail pane (``OfferDetail``) and the moves (``OfferActions``). Everything it knows of the
catalogue comes through an ``OfferCatalog``; it never sees a client, a store or a ``Desk``.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from time import time as wall_clock
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QSplitter, QVBoxLayout, QWidget

from app.domain.offer_cost import OfferCost
from app.domain.smartrecruiters import Offer
from app.ui.common.messages import Messages
from app.ui.common.task_group import NamedTasks
from app.ui.offers.offer_actions import OfferActions
from app.ui.offers.offer_detail import OfferDetail
from app.ui.offers.offer_form import OfferForm
from app.ui.offers.offer_list import ListState, OfferList
from app.workflows.offer_catalog import OfferCatalog, OfferError

PAGE = "page"  # the name of the page fetch: a newer one cancels the one still running
#: The longest wait for SmartRecruiters' limit the room keeps a timer for (a daily limit).
MAX_THROTTLE_WAIT_S = 24 * 3600
#: The offers shown are read again on coming back to the tab once they are this old: a
#: colleague's desk, or SmartRecruiters' review, may have moved them (nothing polls them).
STALE_AFTER_S = 5 * 60


class OffersView(QWidget):
    """The Offers tab. ``set_catalog`` connects it and starts the first fetch; expected
    problems go to ``messages`` (the window's sink; a box over this tab when none is given)."""

    #: A fetch of the list ended (True when it succeeded); tests and the window listen.
    loaded = Signal(bool)
    #: The recent orders of the shown offer are on screen.
    detail_loaded = Signal()
    #: An offer changed on SmartRecruiters (created, saved, submitted, withdrawn): its id.
    offer_changed = Signal(str)

    def __init__(self, messages: Messages | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offersView")
        self.catalog: OfferCatalog | None = None
        self._offset = 0  # where the page shown starts
        # Where the page to read starts: the one asked for last, shown once it is read (a
        # failed read leaves the page shown, and Try again asks for this one again).
        self._wanted = 0
        self._page_size = 0
        self._total: int | None = 0  # None: no count to show (none given, or a wrong one)
        self._last_page = True
        self._ended = False  # the page asked for was empty: the last with offers came instead
        self._miscount: int | None = None  # SmartRecruiters' count, when the list proves it wrong
        self._loading = False
        self._load_error: str | None = None
        self._read_at: float | None = None  # when the page shown was read (wall_clock)
        # SmartRecruiters asked to wait (a 429 the client does not wait out): no read before
        # this timer ends, and one read when it does.
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.timeout.connect(self.refresh)
        self._wait_until = ""  # when the timer ends, as the list says it (HH:MM)
        self._unreadable: tuple[str, ...] = ()  # offers of the page that could not be read
        self._shown: Offer | None = None
        self._shown_cost: OfferCost | None = None
        # The offer shown was just saved or moved: it stays shown across the reads of the page
        # shown that follow, even when that page does not hold it, until the coordinator
        # chooses another offer, page or search.
        self._hold = False
        self._tasks = NamedTasks(self)

        self.offer_list = OfferList()
        self.detail = OfferDetail(self._tasks)
        self.moves = OfferActions(messages or Messages(self), self._tasks)
        self._expose_parts()
        self._connect_parts()
        self._build_layout()
        self._show_state()

    def _expose_parts(self) -> None:
        # What a coordinator (and a test) reaches for, under the names the tab always had.
        parts = self.offer_list
        self.search = parts.search
        self.status_filter = parts.status_filter
        self.model = parts.model
        self.proxy = parts.proxy
        self.stack = parts.stack
        self.state_label = parts.state_label
        self.prev_button = parts.prev_button
        self.next_button = parts.next_button
        self.page_label = parts.page_label
        self.title = self.detail.title
        self.fields = self.detail.fields
        self.cost_fix = self.detail.cost_fix
        self.detail_placeholder = self.detail.placeholder
        self.recent_orders = self.detail.recent_orders
        self.recent_state = self.detail.recent_state
        self.new_button = self.moves.new_button
        self.edit_button = self.moves.edit_button
        self.submit_button = self.moves.submit_button
        self.withdraw_button = self.moves.withdraw_button

    def _connect_parts(self) -> None:
        self.offer_list.query_changed.connect(self._search_now)
        self.offer_list.page_turned.connect(self._turn_page)
        self.offer_list.current_changed.connect(self._chosen)
        self.offer_list.activated.connect(self.moves.edit_offer)
        self.offer_list.retry_requested.connect(self.refresh)
        self.detail.recent_loaded.connect(self.detail_loaded)
        self.detail.cost_fix_requested.connect(self.moves.record_cost)
        self.moves.saved.connect(self._saved)
        self.moves.moved.connect(self._moved)
        self.moves.cost_recorded.connect(self._cost_recorded)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.status_filter)
        bar.addSpacing(12)
        bar.addWidget(self.moves)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.offer_list)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        outer = QVBoxLayout(self)
        outer.addLayout(bar)
        outer.addWidget(self.splitter, 1)

    # -- the catalogue and fetching -----------------------------------------------------------

    def set_catalog(self, catalog: OfferCatalog | None) -> None:
        """Connect to ``catalog`` and fetch the first page (when an event loop is there to run
        it); None disconnects. Reads of the last catalogue are dropped; a save or a move under
        way finishes (``wait_idle`` waits for it)."""
        self._tasks.cancel(PAGE)
        self._throttle.stop()  # another account: its own limits
        self.catalog = catalog
        self.detail.set_catalog(catalog)
        self.moves.set_catalog(catalog)
        self._hold = False
        self.detail.set_off_page(False)
        if self._shown is not None:
            self._show(None)  # another account's offer is never the one the buttons act on
        self._offset = self._wanted = self._total = 0
        self._last_page, self._ended, self._miscount = True, False, None
        self._load_error = None
        self._read_at = None
        self._unreadable = ()
        self._loading = False
        if catalog is None:
            self.offer_list.show_offers([], {}, None)  # nothing of a closed session stays
            self._show_state()
            return
        self._show_state()
        try:
            asyncio.get_event_loop()
        except RuntimeError:
            return  # no loop yet (a bare test): the caller calls refresh() once there is one
        self.refresh()

    @property
    def _list_task(self) -> asyncio.Task[Any] | None:
        return self._tasks.latest(PAGE)

    def refresh(self) -> None:
        """Fetch the current page (search, status, offset). A newer fetch cancels the one
        still running: only the latest search may fill the table. While SmartRecruiters asks
        to wait, nothing is sent: the page is read when the wait ends."""
        if self._throttle.isActive():
            return
        self._tasks.start(self._load_page(), name=PAGE)

    async def _load_page(self) -> None:
        catalog = self.catalog
        if catalog is None:
            return
        self._loading = True
        self._show_state()
        ok = False
        try:
            page = await catalog.page(
                query=self.offer_list.search_text(),
                status=self.offer_list.status_choice(),
                offset=self._wanted,
            )
        except OfferError as exc:
            self._load_error = str(exc)
            self._unreadable = ()
            if exc.wait_seconds:
                wait = min(exc.wait_seconds, MAX_THROTTLE_WAIT_S)
                at = (datetime.now() + timedelta(seconds=wait)).strftime("%H:%M")
                self._load_error += f" The offers will be read again at {at}."
                self._throttle.start(int(wait * 1000))
                self._wait_until = at
        else:
            self._load_error = None
            self._unreadable = page.unreadable
            self._offset = self._wanted = page.offset
            self._total, self._page_size, self._last_page = (
                page.total_shown,
                page.page_size,
                page.last,
            )
            self._ended, self._miscount = page.ended, page.total if page.count_wrong else None
            keep = self._shown.id if self._shown is not None else None
            hold = self._hold and keep is not None
            on_page = self.offer_list.show_offers(page.offers, page.costs, keep, hold=hold)
            self.detail.set_off_page(hold and not on_page)
            self._read_at = wall_clock()
            ok = True
        finally:
            # A superseded fetch leaves the state to its successor.
            if self._tasks.is_latest(PAGE, asyncio.current_task()):
                self._loading = False
                self._show_state()
                self.loaded.emit(ok)

    async def wait_idle(self) -> None:
        """Wait for every running fetch and action (tests, and a tidy close)."""
        await self._tasks.wait_idle()

    # -- search, filter, pages --------------------------------------------------------------

    def _search_now(self) -> None:
        self._hold = False  # another search: its first offer is shown
        self.offer_list.settle_search()
        self._wanted = 0
        self.refresh()

    def _turn_page(self, step: int) -> None:
        wanted = max(0, self._offset + step * self._page_size)
        if self._page_size and wanted != self._offset and (step < 0 or not self._last_page):
            self._hold = False  # another page: its first offer is shown
            self._wanted = wanted
            self.refresh()

    def _show_state(self) -> None:
        self.offer_list.show_state(
            ListState(
                connected=self.catalog is not None,
                loading=self._loading,
                error=self._load_error,
                offset=self._offset,
                total=self._total,
                last_page=self._last_page,
                ended=self._ended,
                miscount=self._miscount,
                unreadable=self._unreadable,
                wait_until=self._wait_until if self._throttle.isActive() else None,
            )
        )

    def focus_search(self) -> None:
        """Ctrl+F on this tab: its own search, what was typed selected to be typed over."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- selection and detail ---------------------------------------------------------------

    def selected_offer(self) -> Offer | None:
        return self._shown

    def select_offer(self, offer_id: str) -> bool:
        return self.offer_list.select_offer(offer_id)

    def _chosen(self, offer: Offer | None) -> None:
        """The list's current offer changed (the coordinator chose it, or a page read did)."""
        self._hold = False
        self.detail.set_off_page(False)
        self._show(offer)

    def _show(self, offer: Offer | None, cost: OfferCost | None = None) -> None:
        """Show ``offer`` in the pane, with ``cost`` (None: the Cost its row holds, or with
        no row of it on the page, the Cost shown with it already)."""
        if offer is not None and cost is None:
            if self.offer_list.holds(offer.id or ""):
                cost = self.offer_list.cost_of(offer.id or "")
            elif self._shown is not None and self._shown.id == offer.id:
                cost = self._shown_cost
        self._shown, self._shown_cost = offer, cost
        self.moves.set_offer(offer, cost)
        self.detail.show_offer(offer, cost)

    def cost_warning_text(self) -> str:
        return self.detail.cost_warning_text()

    def recent_order_ids(self) -> list[str]:
        return self.detail.recent_order_ids()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Orders may have synced while another tab was shown: re-read this offer's list.
        self.detail.reload_recent()
        # A read that failed while the room was out of sight is tried again on coming back,
        # and offers read long ago are read again.
        # The wall clock, not a monotonic one: that stops while the laptop sleeps, and a desk
        # woken in the morning showed the evening's offers for five minutes more. Either way
        # round: a clock set back is no reason to trust what was read.
        stale = self._read_at is None or abs(wall_clock() - self._read_at) > STALE_AFTER_S
        reading = self._list_task is not None and not self._list_task.done()
        if (self._load_error is not None or stale) and not reading and self.catalog is not None:
            self.refresh()  # unless SmartRecruiters asked to wait: then when the wait ends

    # -- after a move ---------------------------------------------------------------------------

    @property
    def form(self) -> OfferForm | None:
        """The offer form open now, if any."""
        return self.moves.form

    def _saved(self, saved: Offer, cost: OfferCost | None) -> None:
        if saved.id is not None:
            # Shown at once, with the Cost just recorded (the fetch that follows may fail: the
            # pane said "Not recorded", and the next edit erased the Cost), and kept selected
            # across that fetch: the pane and its moves never follow a different offer from
            # the one the view says is shown, even when the page shown does not hold it (a
            # new offer listed on another page, or outside the status filter).
            self.offer_list.replace(saved, cost)
            if not self.offer_list.select_offer(saved.id):
                self.offer_list.select_none()  # not the row of the offer shown before
            self._show(saved, cost)
            self._hold = True
            self.offer_changed.emit(saved.id)
        self._refresh_page_shown()

    def _moved(self, moved: Offer) -> None:
        if moved.id is None:
            return
        if self._shown is not None and self._shown.id == moved.id:
            self._hold = True  # out of the status filter now, perhaps: still the one shown
        self.offer_list.replace(moved, self.offer_list.cost_of(moved.id))
        if self._shown is not None and self._shown.id == moved.id:
            self._show(moved)
        self.offer_changed.emit(moved.id)
        self._refresh_page_shown()

    def _refresh_page_shown(self) -> None:
        """Read again the page shown, not one a failed turn asked for: after a save, that
        page's read took the offer just saved off the list, and selected another."""
        self._wanted = self._offset
        self.refresh()

    def _cost_recorded(self, offer: Offer, cost: OfferCost | None) -> None:
        self.offer_list.replace(offer, cost)
        if self._shown is not None and self._shown.id == offer.id:
            self._show(offer, cost)
