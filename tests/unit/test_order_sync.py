"""Reading the order listing: a poll with nothing new asks for one page, never misses a new
order, and an unchanged sync parses nothing (a listing served by a mock transport)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import AssessmentOrder
from app.store.database import Database
from app.workflows.desk import Desk
from app.workflows.order_sync import fetch_changes
from app.workflows.session import Session
from tests.integration.helpers import unpaced

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
