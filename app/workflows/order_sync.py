"""Reading SmartRecruiters' order listing into the cache: every order (a sync), or the NEW ones
(a poll), page by page.

The GUI thread only asks for pages. Each page's bytes go to a worker thread, which reads the
JSON, and where the cache compares every order's text with the one it holds and parses
(pydantic) only those that differ (``OrderCache.merge_listing``): a re-sync of 5,000 unchanged
orders costs string comparisons off the GUI thread, and no order is written again.

A poll is there to notice new orders, and reading every NEW order each minute to find none is
what it must not do. SmartRecruiters documents ``GET /assessments?limit&offset&status`` with a
``totalFound``, and lists orders newest first. So a poll reads NEW orders page by page and stops
at the first page that holds no order unknown to the cache, once

- the orders read so far were listed newest first (their ``createDate`` never increases: a new
  order arrives at the top, so it would have been on a page already read), and
- the service counts no more NEW orders than the cache holds (``totalFound``): an unknown NEW
  order further down would count one more. Orders that left NEW meanwhile (accepted here or
  elsewhere) only lower the service's count, so they never force a full read.

When either cannot be shown (no createDate, a listing in another order, more NEW orders on the
service than here), the poll reads every page, as a sync does. The board's periodic full sync
(``BoardLoops._resync_forever``) remains the backstop for any order a poll could not see.

An order SmartRecruiters stops having (a candidate erased, an order removed there) leaves its
listing; nothing else says so. After a complete sync, each held order it did not list is asked
for (``MAX_UNLISTED_ASKED`` a sync): "not found" holds it as gone (``OrderState.gone_since``:
kept to be read, nothing sent for it); an answer means the listing missed it, and it is merged.
Any copy SmartRecruiters sends again ends the mark.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from app.clients.errors import ApiError, NotFoundError, UnexpectedResponseError, service_wide
from app.domain.listing_walk import ListingWalk
from app.domain.order_freshness import listed_moment
from app.domain.order_rules import OPEN_STATUSES
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.store.order_cache import ListingMerge, ParseOrder
from app.workflows.desk import Desk

if TYPE_CHECKING:  # the clients (httpx) load with the session, not with the first window
    from app.clients.smartrecruiters import OrderPage

#: SmartRecruiters' largest page.
PAGE_SIZE = 100
#: Held orders a sync no longer listed, asked about one request each, at most this many per
#: sync (the rest at the next): a listing that lost its orders must not become a flood.
MAX_UNLISTED_ASKED = 20

log = logging.getLogger(__name__)


@dataclass
class FetchedOrders:
    """What one sync or poll found, in the cache's terms."""

    poll: bool
    new: list[AssessmentOrder] = field(default_factory=list)  # never seen before
    changed: list[AssessmentOrder] = field(default_factory=list)  # newer than the copy held
    kept_ids: list[str] = field(default_factory=list)  # listed copies older than the one held
    listed: int = 0  # distinct orders read from the listing
    unchanged: int = 0  # orders whose text was the one held (not parsed)
    pages: int = 0  # requests made
    complete: bool = True  # every page was read (a poll may stop early)
    cut_short: str | None = None  # why the listing was left before its end, in words
    unreadable: list[str] = field(default_factory=list)  # orders left out, a line each
    #: Held orders a complete sync no longer listed and SmartRecruiters no longer knows.
    gone: list[str] = field(default_factory=list)
    back: list[str] = field(default_factory=list)  # held as gone, and listed again


#: Told each page's new and changed orders, once they are in the cache.
PageTaken = Callable[[list[AssessmentOrder], list[AssessmentOrder]], None]


async def fetch_changes(
    desk: Desk,
    *,
    poll: bool,
    page_size: int = PAGE_SIZE,
    on_page: PageTaken | None = None,
    watching: bool = False,
) -> FetchedOrders:
    """Read the listing (every order, or the NEW ones when ``poll``) into the cache and say
    what changed (see the module docstring); ``on_page`` hears it page by page. Raises
    ``ApiError`` when the service fails; the pages merged before stay merged (they are true).
    ``watching``: a sync of this run worked before, so an open order new to the cache
    arrived while the desk watched, and every comment its first poll finds is news."""
    sr = desk.session.sr
    status = OrderStatus.NEW if poll else None
    found = FetchedOrders(poll=poll)
    listing = _Listing(
        desk,
        sr.read_order_page,
        _said(sr.parse_listed_order),
        count_new=poll,
        note_arrivals=watching,
    )
    walk = ListingWalk(page_size)
    unreadable_unheld = 0
    while True:
        body = await sr.order_page(status=status, limit=page_size, offset=walk.offset)
        page = await asyncio.to_thread(listing.take, body)
        merged = page.merged
        if on_page is not None and (merged.new or merged.changed):
            on_page(merged.new, merged.changed)
        found.new += merged.new
        found.changed += merged.changed
        found.kept_ids += merged.kept_ids
        found.unchanged += merged.unchanged
        found.unreadable += merged.unreadable + page.unkeyed
        # Never held (no id to hold them by), and counted by the service.
        unreadable_unheld += merged.unreadable_unheld + len(page.unkeyed)
        if not walk.take(page.items, page.fresh, page.total_found):
            found.complete = walk.cut_short is None
            break
        if (
            poll
            and not merged.new
            and listing.newest_first
            and merged.cached_new is not None
            and page.total_found is not None
            # An order the desk cannot read is counted by the service, never by the cache.
            and page.total_found <= merged.cached_new + unreadable_unheld
        ):
            found.complete = False
            break
    found.pages = walk.pages
    found.cut_short = walk.cut_short
    found.listed = len(listing.seen)
    found.back = await asyncio.to_thread(desk.orders.listed_again, listing.seen)
    # A listing of nothing says more about the service than about every order held.
    if not poll and found.complete and listing.seen:
        await _ask_about_unlisted(desk, listing.seen, found, on_page)
    return found


async def _ask_about_unlisted(
    desk: Desk, listed: set[str], found: FetchedOrders, on_page: PageTaken | None
) -> None:
    """The held orders a complete listing did not hold: each is asked for (a few per sync, the
    longest unasked first). "Not found" means SmartRecruiters no longer has it (erased, or
    removed there): it is held as gone. An answer means the listing missed it (an order
    removed meanwhile moves the rest up a place, past a page's edge): it is merged as read.
    Another refusal leaves that order for a later sync, and the next one is asked; a service
    that is down or busy ends the round."""
    sr = desk.session.sr
    unlisted = await asyncio.to_thread(desk.orders.unlisted, listed)
    asked: list[str] = []
    for order_id in unlisted[:MAX_UNLISTED_ASKED]:
        try:
            order = await sr.get_order(order_id)
        except NotFoundError:
            found.gone.append(order_id)
            continue
        except ApiError as exc:
            log.info("Could not ask SmartRecruiters about unlisted order %s: %r", order_id, exc)
            # To the back of the queue whatever the failure: asked first again, an answer
            # that cannot be read (an erased candidate) kept every order behind it unasked,
            # and an order erased there shown as NEW for ever.
            asked.append(order_id)
            if service_wide(exc):
                break  # the next would fail the same way
            continue
        asked.append(order_id)
        merged = await asyncio.to_thread(desk.orders.merge, [order])
        if merged.changed_ids:
            found.changed.append(order)
            if on_page is not None:
                on_page([], [order])
    now = datetime.now(UTC)
    if asked:
        await asyncio.to_thread(desk.orders.asked_about, asked, now)
    if found.gone:
        await asyncio.to_thread(desk.orders.mark_gone, found.gone, now)


def left_out_text(found: FetchedOrders) -> str | None:
    """What a sync or poll that worked left out, in a coordinator's words (None: nothing):
    the orders it could not read (the first three), and where the listing was cut short."""
    parts = []
    count = len(found.unreadable)
    if count:
        shown = "; ".join(found.unreadable[:3]) + ("; …" if count > 3 else "")
        which = "1 order" if count == 1 else f"{count} orders"
        they = ("is", "it was") if count == 1 else ("are", "they were")
        parts.append(
            f"{which} SmartRecruiters listed could not be read, and {they[0]} left out or "
            f"shown as {they[1]} before ({shown})."
        )
    if found.cut_short is not None:
        parts.append(f"{found.cut_short}.")
    return " ".join(parts) or None


def _said(parse: ParseOrder) -> ParseOrder:
    """``parse``, its refusal of an order as a ``ValueError`` saying what was wrong with it
    (what ``OrderCache.merge_listing`` says of an order it leaves out): the client's finding,
    in the desk's words ("the order's candidate was empty")."""

    def said(item: dict[str, Any]) -> AssessmentOrder:
        try:
            return parse(item)
        except ApiError as exc:
            problem = exc.problem if isinstance(exc, UnexpectedResponseError) else ""
            raise ValueError(problem or exc.summary) from None

    return said


@dataclass(frozen=True)
class _PageTaken:
    total_found: int | None
    items: int  # on the page, read or not
    fresh: int  # not seen on an earlier page of this listing
    merged: ListingMerge
    #: Items left out for want of an id and not met on an earlier page, a line each.
    unkeyed: list[str]


class _Listing:
    """One listing's pages, read and merged one at a time in a worker thread (never two at
    once: the coroutine waits for each)."""

    def __init__(
        self,
        desk: Desk,
        read: Callable[[bytes], OrderPage],
        parse: ParseOrder,
        *,
        count_new: bool = False,
        note_arrivals: bool = False,
    ) -> None:
        self._desk = desk
        self._read = read
        self._parse = parse
        self._count_new = count_new
        self._note_arrivals = note_arrivals
        self.seen: set[str] = set()
        self._unkeyed: set[str] = set()  # the texts of the items without an id, read so far
        self._order = _NewestFirst()

    @property
    def newest_first(self) -> bool:
        return self._order.holds

    def take(self, body: bytes) -> _PageTaken:
        page = self._read(body)
        # Orders move between pages while they are read (new ones arrive first): an id
        # seen on an earlier page counts once.
        fresh = [item for item in page.items if item["id"] not in self.seen]
        self.seen.update(item["id"] for item in fresh)
        self._order.follow(fresh)
        merged = self._desk.orders.merge_listing(fresh, self._parse, count_new=self._count_new)
        if self._note_arrivals:
            # Here, before the board holds them: a watch round between this page and the
            # sync's end polled one first, and took its comments for old news. One first
            # seen in progress was accepted elsewhere since this desk last looked: its
            # comments too came while the desk watched, and were never shown here.
            arrived = [order.id for order in merged.new if order.status in OPEN_STATUSES]
            if arrived:
                self._desk.berke_watch.comments_baseline(arrived)
        # Told apart by their text: counted as fresh, one on a page served again and again
        # kept the walk from ever seeing the repeat (10,000 pages instead of 4).
        unkeyed = [line for text, line in page.unkeyed.items() if text not in self._unkeyed]
        self._unkeyed.update(page.unkeyed)
        return _PageTaken(page.total_found, page.size, len(fresh), merged, unkeyed)


class _NewestFirst:
    """Whether the items followed so far were listed newest first (by ``createDate``)."""

    def __init__(self) -> None:
        self.holds = True
        self._last: datetime | None = None

    def follow(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            if not self.holds:
                return
            created = listed_moment(item.get("createDate"))
            if created is None or (self._last is not None and created > self._last):
                self.holds = False
                return
            self._last = created
