"""Reading the order listing: a poll with nothing new asks for one page, never misses a new
order, and an unchanged sync parses nothing; a refresh read before never undoes what a sync
(or another refresh) brought (a listing served by a mock transport)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import app.workflows.board as board_module
from app.clients.berke import BerkeClient
from app.clients.errors import UnexpectedResponseError
from app.clients.smartrecruiters import SmartRecruitersClient, read_order_page
from app.domain.attention import Attention
from app.domain.listing_walk import STALE_PAGES_AT_MOST
from app.domain.order_state import OrderState
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.store.database import Database
from app.store.local_state import load_states
from app.workflows.board import BoardListener, OrderBoard, SyncOutcome
from app.workflows.desk import Desk
from app.workflows.order_sync import fetch_changes, left_out_text
from app.workflows.session import Session
from tests.integration.helpers import unpaced
from tests.waits import HANG_GUARD_SECONDS

START = datetime(2026, 11, 1, tzinfo=UTC)


def stamp(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


class Listing:
    """SmartRecruiters' GET /assessments over ``orders``, newest first unless told otherwise;
    counts the requests."""

    def __init__(self, count: int) -> None:
        self.orders = [self.make(i) for i in range(count)]
        self.requests = 0
        self.newest_first = True
        self.hidden_total = 0  # orders the service counts but does not list (an odd service)

    @staticmethod
    def make(i: int, status: str = "NEW") -> dict[str, Any]:
        return {
            "id": f"o{i:05d}",
            "status": status,
            "createDate": stamp(i),
            "lastUpdateDate": stamp(i),
            "candidate": {"id": f"c{i}", "firstName": "Ana", "lastName": f"N{i}"},
        }

    def add(self, i: int) -> dict[str, Any]:
        item = self.make(i)
        self.orders.append(item)
        return item

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        status = request.url.params.get("status")
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        chosen = [o for o in self.orders if status is None or o["status"] == status]
        chosen.sort(key=lambda o: o["createDate"], reverse=self.newest_first)
        page = chosen[offset : offset + limit]
        total = len(chosen) + self.hidden_total
        body = {"limit": limit, "offset": offset, "totalFound": total, "content": page}
        return httpx.Response(200, content=json.dumps(body).encode())


@pytest.fixture
def listing() -> Listing:
    return Listing(250)


@pytest.fixture
def desk(listing: Listing, tmp_path: Path) -> Iterator[Desk]:
    session = Session(
        sr=SmartRecruitersClient(
            "https://sr.test/v1",
            "k" * 64,
            transport=httpx.MockTransport(listing.handle),
            pacer=unpaced(),
        ),
        berke=BerkeClient("https://berke.test/api", "token"),
        demo=False,
    )
    made = Desk(session, Database(tmp_path / "desk.sqlite3"))
    yield made
    asyncio.run(session.aclose())
    made.db.close()


def test_a_poll_with_nothing_new_asks_for_one_page(desk: Desk, listing: Listing) -> None:
    first = asyncio.run(fetch_changes(desk, poll=False))
    assert (len(first.new), first.pages) == (250, 3)
    listing.requests = 0
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert listing.requests == 1
    assert (polled.new, polled.changed, polled.complete) == ([], [], False)


def test_a_poll_finds_new_orders_at_the_top_and_stops_after_them(
    desk: Desk, listing: Listing
) -> None:
    asyncio.run(fetch_changes(desk, poll=False))
    arrived = [listing.add(i)["id"] for i in range(300, 303)]
    listing.requests = 0
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert sorted(o.id for o in polled.new) == arrived
    assert listing.requests == 2  # the page with them, then one with nothing unknown


def test_a_poll_reads_every_page_when_the_service_counts_more_new_orders(
    desk: Desk, listing: Listing
) -> None:
    asyncio.run(fetch_changes(desk, poll=False))
    # An order deep in the listing that the cache does not hold (say, one listed late).
    with desk.db.transaction() as conn:
        conn.execute("DELETE FROM orders WHERE id = 'o00010'")
    listing.requests = 0
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert [o.id for o in polled.new] == ["o00010"]
    assert listing.requests == 3


def test_a_poll_reads_every_page_of_a_listing_not_newest_first(
    desk: Desk, listing: Listing
) -> None:
    asyncio.run(fetch_changes(desk, poll=False))
    listing.newest_first = False  # oldest first: a new order is on the last page
    arrived = listing.add(400)
    listing.orders[0]["status"] = "IN_PROGRESS"  # and one left: the counts are equal
    listing.requests = 0
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert [o.id for o in polled.new] == [arrived["id"]]
    assert listing.requests == 3


def test_orders_that_left_new_elsewhere_do_not_force_a_full_read(
    desk: Desk, listing: Listing
) -> None:
    asyncio.run(fetch_changes(desk, poll=False))
    for item in listing.orders[:5]:  # accepted by another desk: fewer NEW on the service
        item["status"] = "IN_PROGRESS"
    listing.requests = 0
    asyncio.run(fetch_changes(desk, poll=True))
    assert listing.requests == 1


def test_an_unchanged_sync_parses_nothing(
    desk: Desk, listing: Listing, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(fetch_changes(desk, poll=False))
    parsed: list[str] = []
    real = desk.session.sr.parse_listed_order

    def counting(item: dict[str, Any]) -> AssessmentOrder:
        parsed.append(item["id"])
        return real(item)

    monkeypatch.setattr(desk.session.sr, "parse_listed_order", counting)
    listing.orders[7]["candidate"]["firstName"] = "Anna"  # one order changed
    listing.orders[7]["lastUpdateDate"] = stamp(10_000)
    again = asyncio.run(fetch_changes(desk, poll=False))
    assert parsed == ["o00007"]
    assert [o.id for o in again.changed] == ["o00007"]
    assert again.unchanged == 249


def serve(desk: Desk, handle: Callable[[httpx.Request], httpx.Response]) -> None:
    """The listing answered by ``handle`` from now on (what the sandbox cannot do)."""
    desk.session.sr._http.http._transport = httpx.MockTransport(handle)


def test_a_burst_of_new_orders_during_a_sync_does_not_end_it_early(
    desk: Desk, listing: Listing
) -> None:
    """100 orders arriving between two requests push page 1 down whole: page 2 repeats it.
    That page, with nothing new, ended the sync, said complete, 250 orders never read."""

    def handle(request: httpx.Request) -> httpx.Response:
        if listing.requests == 1:  # between page 1 and page 2
            for i in range(1000, 1100):
                listing.add(i)
        return listing.handle(request)

    before = [o["id"] for o in listing.orders]
    serve(desk, handle)
    found = asyncio.run(fetch_changes(desk, poll=False))
    held = {o.id for o in desk.orders.all()}
    assert [order_id for order_id in before if order_id not in held] == []
    assert (found.complete, found.cut_short) == (True, None)
    # Those that arrived above the pages already read are the next poll's.
    serve(desk, listing.handle)
    asyncio.run(fetch_changes(desk, poll=True))
    assert desk.orders.count() == 350


@pytest.mark.parametrize("without_an_id", [False, True], ids=["ids", "one-without-an-id"])
def test_a_service_repeating_one_page_is_left_after_a_few_and_said(
    desk: Desk, listing: Listing, without_an_id: bool
) -> None:
    """A service that answers page 1 whatever the offset, counting far more orders, is not
    asked for ever, and the sync says it did not read everything; an order without an id on
    that page is said once (counted fresh on each page, it kept the walk going for 10,000)."""
    listing.hidden_total = 10**6
    if without_an_id:
        del listing.orders[-1]["id"]

    def handle(request: httpx.Request) -> httpx.Response:
        return listing.handle(httpx.Request("GET", request.url.copy_set_param("offset", "0")))

    serve(desk, handle)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert found.pages == 1 + STALE_PAGES_AT_MOST
    assert not found.complete
    assert found.cut_short is not None
    assert "after 400 of 1,000,250" in found.cut_short
    said = left_out_text(found)
    assert said is not None
    assert "pages in a row with orders already read" in said
    assert found.unreadable == (["an order without an id"] if without_an_id else [])


def test_a_page_without_total_found_is_not_taken_as_the_whole_listing(
    desk: Desk, listing: Listing
) -> None:
    """Without ``totalFound`` (a proxy, another version), a full page may have more after it:
    the sync read 100 of 250 and said it was complete."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(listing.handle(request).content)
        del body["totalFound"]
        return httpx.Response(200, content=json.dumps(body).encode())

    serve(desk, handle)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert (desk.orders.count(), found.pages, found.complete) == (250, 3, True)


def test_a_proxy_holding_pages_to_fewer_than_asked_without_a_count_is_read_to_its_end(
    desk: Desk,
) -> None:
    """Without ``totalFound``, 50 orders a page where the desk asks for 100: the first page
    was "shorter than asked", and the sync ended there, complete, 70 of 120 never read."""
    listing = Listing(120)

    def pages_of_50(request: httpx.Request) -> httpx.Response:
        url = request.url
        if "limit" in url.params:
            url = url.copy_set_param("limit", str(min(50, int(url.params["limit"]))))
        body = json.loads(listing.handle(httpx.Request("GET", url)).content)
        body.pop("totalFound", None)
        return httpx.Response(200, content=json.dumps(body).encode())

    serve(desk, pages_of_50)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert (desk.orders.count(), found.pages, found.complete) == (120, 3, True)


def test_one_short_page_without_a_count_is_the_whole_listing_once_the_next_is_empty(
    desk: Desk,
) -> None:
    """The first page alone cannot tell a short listing from a proxy's page size: one more
    request, empty, ends it."""
    small = Listing(30)

    def one_short_page(request: httpx.Request) -> httpx.Response:
        body = json.loads(small.handle(request).content)
        del body["totalFound"]
        return httpx.Response(200, content=json.dumps(body).encode())

    serve(desk, one_short_page)
    again = asyncio.run(fetch_changes(desk, poll=False))
    assert (again.listed, again.pages, again.complete) == (30, 2, True)


def test_one_order_listed_twice_on_a_page_keeps_the_newer_copy(
    desk: Desk, listing: Listing
) -> None:
    newer = dict(Listing.make(1, status="IN_PROGRESS"), lastUpdateDate=stamp(500))
    older = Listing.make(1)  # NEW, last updated at stamp(1)
    for first, second in ((newer, older), (older, newer)):
        listing.orders = [Listing.make(0), first, second, Listing.make(2)]
        with desk.db.transaction() as conn:
            conn.execute("DELETE FROM orders")
        asyncio.run(fetch_changes(desk, poll=False))
        held = desk.orders.get("o00001")
        assert held is not None
        assert held.status is OrderStatus.IN_PROGRESS


def test_one_unreadable_order_is_left_out_and_said_not_every_other_order(
    desk: Desk, listing: Listing
) -> None:
    """An order in a shape the desk cannot read (a candidate erased: ``null``) failed every
    sync and every poll, and nothing of its page, nor of the pages after it, was kept."""
    listing.orders[-6]["candidate"] = None  # on the first page (newest first)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert desk.orders.count() == 249
    assert desk.orders.get(listing.orders[-6]["id"]) is None
    assert len(found.unreadable) == 1
    said = left_out_text(found)
    assert said is not None
    assert said.startswith("1 order SmartRecruiters listed could not be read")
    # What was wrong, in the desk's words: not pydantic's "candidate: Input should be a valid
    # dictionary or instance of Candidate".
    assert f"“{listing.orders[-6]['id']}”: the order's candidate was empty" in said
    assert "Traceback" not in said
    assert "validation error" not in said


def test_an_order_dated_where_a_datetime_ends_is_left_out_and_said(
    desk: Desk, listing: Listing
) -> None:
    """Year 1 at +01:00 parsed, was kept, then raised OverflowError in every inbox row and
    snapshot that showed it (moved to UTC or the local zone)."""
    listing.orders[-6]["createDate"] = "0001-01-01T00:00:00.000+0100"
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert desk.orders.count() == 249
    assert desk.orders.get(listing.orders[-6]["id"]) is None
    said = left_out_text(found)
    assert said is not None
    assert f"“{listing.orders[-6]['id']}”: the order's createDate: the time is out" in said
    assert "out of range" in said


def test_one_odd_new_order_does_not_hide_the_other_new_orders_from_the_poll(
    desk: Desk, listing: Listing
) -> None:
    asyncio.run(fetch_changes(desk, poll=False))
    good = listing.add(500)
    listing.add(501)["candidate"] = None
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert [o.id for o in polled.new] == [good["id"]]
    assert len(polled.unreadable) == 1


def test_an_unreadable_copy_of_a_held_order_leaves_the_held_copy(
    desk: Desk, listing: Listing
) -> None:
    asyncio.run(fetch_changes(desk, poll=False))
    listing.orders[3]["candidate"] = "erased"
    listing.orders[3]["lastUpdateDate"] = stamp(9_000)
    again = asyncio.run(fetch_changes(desk, poll=False))
    held = desk.orders.get(listing.orders[3]["id"])
    assert held is not None
    assert held.candidate.first_name == "Ana"
    assert len(again.unreadable) == 1
    assert again.unchanged == 249


def test_a_poll_with_nothing_new_asks_one_page_beside_an_unreadable_new_order(
    desk: Desk, listing: Listing
) -> None:
    """An order the desk cannot read is counted by the service, never by the cache: every
    poll read every page of NEW orders, each minute (the review)."""
    listing.orders[-6]["candidate"] = None
    asyncio.run(fetch_changes(desk, poll=False))
    listing.requests = 0
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert polled.new == []
    assert listing.requests == 1


def test_an_offers_recent_orders_skip_a_row_that_no_longer_parses_for_the_next(
    desk: Desk, listing: Listing
) -> None:
    for item in listing.orders:
        item["offer"] = {"catalogId": "cat-1"}
    asyncio.run(fetch_changes(desk, poll=False))
    newest = listing.orders[-1]["id"]
    with desk.db.transaction() as conn:
        broken = json.loads(
            conn.execute("SELECT data FROM orders WHERE id = ?", (newest,)).fetchone()[0]
        )
        broken["candidate"] = None  # still the offer's, no longer an order
        conn.execute("UPDATE orders SET data = ? WHERE id = ?", (json.dumps(broken), newest))
    recent = desk.orders.recent_for_offer("CAT-1", 5)
    assert [o.id for o in recent] == [o["id"] for o in listing.orders[-2:-7:-1]]


def answering_one_order_as_unknown(
    listing: Listing, asked: list[str]
) -> Callable[[httpx.Request], httpx.Response]:
    """The listing, and ``GET /assessments/{id}`` answered 404 (what SmartRecruiters says of
    an id it does not have), each id asked recorded in ``asked``."""

    def handle(request: httpx.Request) -> httpx.Response:
        if "limit" not in request.url.params:
            asked.append(request.url.path.rsplit("/", 1)[-1])
            body = {"httpCode": 404, "code": "NOT_FOUND", "message": "Not found"}
            return httpx.Response(404, content=json.dumps(body).encode())
        return listing.handle(request)

    return handle


def test_an_order_id_with_white_space_around_it_is_left_out_not_new_nor_gone_each_sync(
    desk: Desk, listing: Listing
) -> None:
    """The model stripped " o-1 " to "o-1", the listing kept " o-1 ": the order was new at
    every poll, asked for as "o-1" (not found) and marked Gone after every full sync."""
    spaced, blank, no_break = listing.orders[-1], listing.orders[-2], listing.orders[-3]
    spaced["id"] = f" {spaced['id']} "
    blank["id"] = "   "
    no_break["id"] = f"\u00a0{no_break['id']}\u00a0"
    asked: list[str] = []
    serve(desk, answering_one_order_as_unknown(listing, asked))
    for _ in range(2):
        found = asyncio.run(fetch_changes(desk, poll=False))
        assert (found.gone, asked, desk.orders.gone()) == ([], [], {})
        assert len(found.unreadable) == 3
        assert all(": the order id " in line for line in found.unreadable)
    assert desk.orders.count() == 247
    assert {spaced["id"].strip(), "", no_break["id"].strip()} & {
        o.id for o in desk.orders.all()
    } == set()
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert polled.new == []
    said = left_out_text(found)
    assert said is not None
    assert "white space around it" in said


def test_a_service_repeating_page_one_within_its_count_is_said_cut_short_and_marks_none_gone(
    desk: Desk, listing: Listing
) -> None:
    """A service (or a caching proxy) that answers page 1 whatever the offset, counting 250:
    three pages reach the count before the stale-pages rule, and the sync ended complete, 150
    orders never read, nothing said, and those held would have been asked for as gone."""
    asyncio.run(fetch_changes(desk, poll=False))  # all 250 held
    asked: list[str] = []
    listed = answering_one_order_as_unknown(listing, asked)

    def page_one(request: httpx.Request) -> httpx.Response:
        if "offset" in request.url.params:
            request = httpx.Request("GET", request.url.copy_set_param("offset", "0"))
        return listed(request)

    serve(desk, page_one)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert (found.listed, found.complete) == (100, False)
    assert found.cut_short is not None
    assert "counted 250 orders but its pages held 100 different ones" in found.cut_short
    said = left_out_text(found)
    assert said is not None
    assert "the rest were not read." in said
    assert (found.gone, asked, desk.orders.gone()) == ([], [], {})


def test_a_proxy_holding_pages_to_fewer_than_asked_and_repeating_page_one_is_cut_short(
    desk: Desk,
) -> None:
    """A proxy that answers page 1 whatever the offset, 50 orders a page where the desk asks
    for 100: every page was "short", so none counted as a whole page of orders read before,
    and the sync said complete with 70 of 120 never read."""
    listing = Listing(120)

    def page_one_of_50(request: httpx.Request) -> httpx.Response:
        url = request.url
        if "offset" in url.params:
            url = url.copy_set_param("offset", "0").copy_set_param("limit", "50")
        return listing.handle(httpx.Request("GET", url))

    serve(desk, page_one_of_50)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert (found.listed, found.complete) == (50, False)
    assert found.cut_short is not None
    assert "counted 120 orders but its pages held 50 different ones" in found.cut_short


def test_orders_arriving_while_the_pages_are_read_do_not_cut_the_listing_short(
    desk: Desk, listing: Listing
) -> None:
    """Fewer different orders than the last count is no cut when the count rose by those that
    arrived (above the pages read, they are the next poll's)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if listing.requests == 1:  # one order arrives between page 1 and page 2
            listing.add(1000)
        return listing.handle(request)

    serve(desk, handle)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert (found.listed, found.complete, found.cut_short) == (250, True, None)


def test_an_order_arriving_and_one_erased_between_pages_do_not_cut_the_listing_short(
    desk: Desk,
) -> None:
    """One order arrives at the top and one is erased below between page 2 and page 3 (201
    orders): the last page holds one order read before, the count unchanged. The sync said
    "the rest were not read", and did not ask for the erased order (it stayed held)."""
    listing = Listing(201)
    serve(desk, listing.handle)
    asyncio.run(fetch_changes(desk, poll=False))
    erased = min(listing.orders, key=lambda o: o["createDate"])
    listing.requests = 0

    def handle(request: httpx.Request) -> httpx.Response:
        if "limit" not in request.url.params:  # GET /assessments/{id}: erased, not found
            body = b'{"httpCode": 404, "code": "NOT_FOUND", "message": "Not found"}'
            return httpx.Response(404, content=body)
        if listing.requests == 2 and erased in listing.orders:  # between pages 2 and 3
            listing.add(1000)
            listing.orders.remove(erased)
        return listing.handle(request)

    serve(desk, handle)
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert (found.cut_short, found.complete) == (None, True)
    assert found.gone == [erased["id"]]


def test_an_unreadable_order_with_a_long_id_is_said_with_its_id_cut(
    desk: Desk, listing: Listing
) -> None:
    """An id of any length was read and quoted whole: 5,000 characters made the window
    36,842 px wide. Now such an order is unreadable, and its line shows 40 characters."""
    long_id = "a" * 5000
    listing.orders[-1]["id"] = long_id
    found = asyncio.run(fetch_changes(desk, poll=False))
    assert desk.orders.count() == 249
    assert found.unreadable == [f"“{'a' * 40}…”: the order id is longer than 255 characters"]
    # Cut also when the order is unreadable for another reason.
    listing.orders[-1]["id"] = "b" * 200
    listing.orders[-1]["candidate"] = None
    again = asyncio.run(fetch_changes(desk, poll=False))
    assert [line[:44] for line in again.unreadable] == [f"“{'b' * 40}…”:"]


def test_orders_listed_without_a_text_id_are_left_out_and_said_not_the_page(
    desk: Desk, listing: Listing
) -> None:
    """Before: one listed order whose id was a number, null or missing refused its whole page
    ("an order of the page had no id"): every sync and every poll failed for as long as
    SmartRecruiters listed it, and no new order reached the desk."""
    asyncio.run(fetch_changes(desk, poll=False))
    odd = [Listing.make(700), Listing.make(701), Listing.make(702)]
    odd[0]["id"] = 700
    odd[1]["id"] = None
    del odd[2]["id"]
    listing.orders += odd
    fresh = listing.add(703)
    for poll in (True, False):
        found = asyncio.run(fetch_changes(desk, poll=poll))
        assert found.complete or poll  # a poll stops once nothing new is left
        assert found.unreadable == [
            "an order without an id",
            "an order without an id",
            "an order whose id is not text (700)",
        ]  # newest first: 702, 701, 700
        said = left_out_text(found)
        assert said is not None
        assert said.startswith("3 orders SmartRecruiters listed could not be read")
        assert desk.orders.get(fresh["id"]) is not None
    assert desk.orders.count() == 251
    # Counted by the service and never held: a poll with nothing new still asks one page.
    listing.requests = 0
    polled = asyncio.run(fetch_changes(desk, poll=True))
    assert polled.new == []
    assert listing.requests == 1


HALF = "\ud83d"  # an emoji cut in half: JSON writes it "\\ud83d", json.loads keeps it


@pytest.mark.parametrize(
    "where", ["extra-field", "extra-key", "candidate-name", "order-id"]
)  # fmt: skip
def test_an_order_with_half_a_character_is_left_out_and_said_not_every_sync(
    desk: Desk, listing: Listing, where: str
) -> None:
    """Before: one listed order holding a lone surrogate (valid JSON, kept by json.loads) in
    any text stopped every sync with UnicodeEncodeError where SQLite was asked to take it (the
    cache's look for its id, or its text stored): no order of its page, nor of any later page,
    was kept, and the bar said "Something unexpected went wrong (UnicodeEncodeError)"."""
    asyncio.run(fetch_changes(desk, poll=False))
    held = listing.orders[-3]  # on the first page (newest first)
    good = listing.orders[-3]["id"]
    if where == "order-id":
        odd = listing.add(700)
        odd["id"] = "o-" + HALF
    else:
        odd = held
        odd["lastUpdateDate"] = stamp(9_000)
        if where == "extra-field":
            odd["note"] = f"Great fit {HALF}"
        elif where == "extra-key":
            odd[f"note{HALF}"] = "Great fit"
        else:
            odd["candidate"]["firstName"] = f"Ana {HALF}"
    fresh = listing.add(701)
    for poll in (False, True):
        found = asyncio.run(fetch_changes(desk, poll=poll))
        assert desk.orders.get(fresh["id"]) is not None  # every other order synced
        if where == "order-id":
            assert found.unreadable == ['an order whose id holds half of a character ("o-\\ud83d")']
        else:
            assert found.unreadable == [
                f"“{good}”: a text in the order holds half of a character, which cannot be stored"
            ]
            kept = desk.orders.get(good)  # the copy held stays
            assert kept is not None
            assert kept.candidate.first_name == "Ana"
        said = left_out_text(found)
        assert said is not None
        said.encode("utf-8")  # shown, logged and kept: no half character in it
    assert desk.orders.count() == 251


@pytest.mark.parametrize("total", [-1, -100, True, "300", 1.5])
def test_a_page_whose_total_is_not_a_count_is_refused(total: object) -> None:
    """Before (a negative totalFound taken), the walk ended at the first page, its offset
    already past the "total", and said the listing complete with every later page unread."""
    page = {"totalFound": total, "limit": 100, "offset": 0, "content": [{"id": "o-1"}]}
    with pytest.raises(UnexpectedResponseError, match="totalFound"):
        read_order_page(json.dumps(page).encode())


def test_a_page_item_that_is_not_an_order_is_said_and_the_others_read() -> None:
    body = {
        "totalFound": 3,
        "content": [{"id": "o1"}, "an order", {"id": {"nested": "x" * 100}}],
    }
    page = read_order_page(json.dumps(body).encode())
    assert page.items == [{"id": "o1"}]
    lines = list(page.unkeyed.values())
    assert lines[0] == "an item that is not an order"
    assert lines[1].startswith('an order whose id is not text ({"nested": "xxx')
    assert lines[1].endswith("x…)")
    assert len(lines[1]) < 80
    assert page.size == 3


@pytest.mark.parametrize(
    "odd_answer",
    [
        httpx.Response(200, content=b'{"id": "o00000", "status": "NEW"}'),  # candidate erased
        httpx.Response(503, content=b"<html>busy</html>"),
    ],
    ids=["unreadable", "server-error"],
)
def test_one_unlisted_order_whose_answer_fails_keeps_no_other_from_being_asked(
    desk: Desk, listing: Listing, odd_answer: httpx.Response
) -> None:
    """Before: the answer about one unlisted order that could not be read (or a 5xx for it)
    ended the round without moving that order back: the next sync asked it first again, the
    orders behind it were never asked, and one erased in SmartRecruiters stayed NEW here."""
    asyncio.run(fetch_changes(desk, poll=False))
    listing.orders = [o for o in listing.orders if o["id"] not in ("o00000", "o00001")]
    asked: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if "limit" in request.url.params:
            return listing.handle(request)
        order_id = request.url.path.rsplit("/", 1)[1]
        asked.append(order_id)
        if order_id == "o00000":
            return odd_answer
        return httpx.Response(404, content=b'{"message": "Not found"}')

    serve(desk, handle)
    for _ in range(2):
        asyncio.run(fetch_changes(desk, poll=False))
    assert asked[0] == "o00000"  # the order whose answer failed came first...
    assert "o00001" in desk.orders.gone()  # ...and the one behind it was asked all the same
    assert "o00000" not in desk.orders.gone()


class _Heard(BoardListener):
    def __init__(self) -> None:
        self.arrived: list[list[str]] = []
        self.started = 0
        self.finished: list[SyncOutcome] = []

    def orders_arrived(self, order_ids: list[str]) -> None:
        self.arrived.append(order_ids)

    def sync_started(self, *, poll: bool) -> None:
        self.started += 1

    def sync_finished(self, report: SyncOutcome) -> None:
        self.finished.append(report)


def test_new_orders_are_said_whichever_sync_finds_them_first(desk: Desk, listing: Listing) -> None:
    """Before: only a poll that worked said its new orders. One the 15-minute re-sync (or
    F5) found first was never said (the next poll knew it), nor those of a poll's first
    page when a later page failed. The first sync's are not said: they arrived while the
    desk was closed."""
    heard = _Heard()

    async def body() -> None:
        board = OrderBoard(desk, listener=heard)
        await board.sync()
        assert heard.arrived == []
        listing.add(900)
        # New to the desk, but not waiting for it: no order arriving.
        listing.orders += [Listing.make(898, "COMPLETED"), Listing.make(899, "REJECTED")]
        await board.sync()  # the re-sync
        await board.sync(poll=True)  # the next poll knows it
        assert heard.arrived == [["o00900"]]

        for i in range(901, 1002):  # more than a page (a Monday morning)
            listing.add(i)

        def later_pages_busy(request: httpx.Request) -> httpx.Response:
            if int(request.url.params["offset"]) > 0:
                return httpx.Response(503, content=b"<html>busy</html>")
            return listing.handle(request)

        serve(desk, later_pages_busy)
        failed = await board.sync(poll=True)
        assert not failed.ok
        assert len(heard.arrived[-1]) == 100  # the first page's, said though the poll failed
        serve(desk, listing.handle)
        await board.sync(poll=True)
        assert heard.arrived[-1] == ["o00901"]  # the oldest, on the second page
        assert sum(len(ids) for ids in heard.arrived) == 102

    asyncio.run(body())


def test_a_sync_that_cannot_keep_what_it_read_ends_and_says_why(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a store failure (a full disk) escaped the sync after it had started: the window
    stayed on "Syncing…" with F5 off, and no word of why."""
    heard = _Heard()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(desk.orders, "merge_listing", disk_full)
    outcome = asyncio.run(OrderBoard(desk, listener=heard).sync(poll=True))
    assert heard.started == 1
    assert heard.finished == [outcome]
    assert not outcome.ok
    assert outcome.error == (
        "The orders read could not be kept on this computer (“database or disk is full”). "
        "Free some space on the disk, or check that the data folder may be written; the next "
        "sync tries again."
    )


class HeldReading:
    """The board's first reading of local state (a refresh's) is taken from the store at once
    and handed back only after ``release``: what a busy disk or a starved thread does. Later
    readings go through."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.taken = threading.Event()
        self.release = threading.Event()
        self._first = True
        monkeypatch.setattr(board_module, "load_states", self._load)

    def _load(self, db: Database, order_ids: Iterable[str]) -> dict[str, OrderState]:
        first, self._first = self._first, False
        states = load_states(db, order_ids)
        if first:
            self.taken.set()
            self.release.wait(HANG_GUARD_SECONDS)
        return states

    async def wait_taken(self) -> None:
        assert await asyncio.to_thread(self.taken.wait, HANG_GUARD_SECONDS)


def test_a_refresh_read_before_a_sync_leaves_the_copy_the_sync_merged(
    desk: Desk, listing: Listing, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a refresh (the end of an action, a watch round) whose reading began before a
    sync merged a newer copy of the order landed after it and put the older copy back: an
    order withdrawn showed new again, and no later sync said it changed (the cache had the
    newer copy), until restart."""

    async def body() -> None:
        board = OrderBoard(desk)
        await board.sync()
        held = HeldReading(monkeypatch)
        refreshing = asyncio.ensure_future(board.refresh(["o00007"]))
        await held.wait_taken()  # it holds the order as it was: new
        listing.orders[7].update(status="REJECTED", lastUpdateDate=stamp(900))
        await board.sync()
        assert board.order("o00007").status is OrderStatus.REJECTED  # type: ignore[union-attr]
        held.release.set()
        await refreshing
        await board.sync()
        assert board.order("o00007").status is OrderStatus.REJECTED  # type: ignore[union-attr]

    asyncio.run(body())


def test_of_two_refreshes_of_one_order_the_later_reading_is_what_stays(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a refresh whose reading began first and landed last put back the state it had
    read over the newer one: a flag the coordinator had just left alone ("Leave it") came
    back."""

    async def body() -> None:
        board = OrderBoard(desk)
        await board.sync()
        held = HeldReading(monkeypatch)
        refreshing = asyncio.ensure_future(board.refresh(["o00003"]))
        await held.wait_taken()  # it holds the order's state with no flag left alone
        await board.dismiss("o00003", Attention.STALE_NEW.value)  # its own refresh lands
        assert board.state("o00003").dismissed == {Attention.STALE_NEW.value}
        held.release.set()
        await refreshing
        assert board.state("o00003").dismissed == {Attention.STALE_NEW.value}

    asyncio.run(body())
