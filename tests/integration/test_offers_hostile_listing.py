"""Hostile or buggy SmartRecruiters listings (and a create answer) must never let Save
again take a colleague's look-alike offer as the form's own: what was there before a create
is called known only when the walk provably read the whole catalogue; any doubt leaves it
unknown, and then nothing is taken (the form says so)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app.workflows import offers
from app.workflows.desk import Desk
from app.workflows.offer_catalog import OfferCatalog, OfferError
from tests.integration.test_offers_workflows import (  # noqa: F401  (fixture)
    FREE,
    PAID,
    LenientCatalogue,
    lenient_sandbox,
    new_offer,
    offers_of,
)
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.sandbox import SandboxServer

Listing = dict[str, Any]


class Mangled(LenientCatalogue):
    """The listings' answers rewritten by ``mangle`` while it is set (only the full listing's,
    without ``q``, unless ``searches_too``)."""

    def __init__(self, *, searches_too: bool = False) -> None:
        super().__init__()
        self.mangle: Callable[[Listing], None] | None = None
        self.searches_too = searches_too

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        listing = request.method == "GET" and request.url.path.endswith("/offers")
        searched = bool(request.url.params.get("q"))
        if not listing or self.mangle is None or (searched and not self.searches_too):
            return response
        body = json.loads(await response.aread())
        self.mangle(body)
        return httpx.Response(response.status_code, json=body)


def _respell(listing: Listing, offer_id: str, spelled: str) -> None:
    """The listing gives the offer ``offer_id`` the id ``spelled``."""
    for item in listing["content"]:
        if item["id"] == offer_id:
            item["id"] = spelled


async def save_again_beside_a_look_alike(
    desk: Desk,
    sandbox: SandboxServer,
    network: LenientCatalogue,
    *,
    hostile: Callable[[str], None],
    mended: Callable[[], None] = lambda: None,
) -> OfferError:
    """A colleague's offer made first; ``hostile(its id)`` turns the listing's fault on; the
    form's create is made and its answer lost; ``mended()``; Save again. The colleague's offer
    must never be taken as the form's own, nor its Cost replaced. The lost create's error."""
    catalog = OfferCatalog(desk.session, desk.db)
    offer = new_offer()
    theirs = await offers.create_offer(desk, offer, FREE)  # a colleague's, before
    assert theirs.id is not None
    hostile(theirs.id)
    network.lose = True
    with pytest.raises(OfferError) as lost:
        await catalog.create(offer, PAID)  # made; its answer lost
    assert lost.value.sent is not None
    mended()
    (mine,) = [o for o in offers_of(sandbox, offer.catalog_id) if o["id"] != theirs.id]
    try:
        saved = await catalog.create(offer, PAID, sent_before=[lost.value.sent])
    except OfferError:
        saved = None  # not told apart: nothing taken, said
    assert await offers.get_cost(desk, theirs.id) == FREE, "the colleague's Cost replaced"
    assert saved is None or saved.id == mine["id"], "the colleague's offer taken as ours"
    return lost.value


class OffsetIgnored(LenientCatalogue):
    """The full listing (no ``q``) always answers the first page, whatever its offset."""

    def __init__(self) -> None:
        super().__init__()
        self.ignore_offset = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        listing = request.method == "GET" and request.url.path.endswith("/offers")
        if listing and self.ignore_offset and not request.url.params.get("q"):
            request = httpx.Request(
                request.method,
                request.url.copy_set_param("offset", "0"),
                headers=request.headers,
            )
        return await super().handle_async_request(request)


def test_a_listing_that_ignores_offset_never_makes_there_before_known(
    lenient_sandbox: SandboxServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listing that ignores ``offset`` (a caching proxy keyed without the query, a server bug)
    answers its first page for every offset. The walk before a create (``about_to_create``)
    read that first page again and again until the offset passed ``totalFound`` and called
    what was "there before" complete: a colleague's look-alike, on a page never really read,
    was then taken on Save again as the form's own offer and its recorded Cost replaced.

    Should: a page that brings no offer not already seen (or any id seen twice) means the walk
    is not advancing: what was there before is unknown, nothing is taken on it."""
    monkeypatch.setattr(offers, "LOOKUP_PAGE_SIZE", 2)  # the seeded catalogue holds five
    network = OffsetIgnored()

    async def body(desk: Desk) -> None:
        def hostile(_theirs: str) -> None:
            network.ignore_offset = True

        lost = await save_again_beside_a_look_alike(desk, lenient_sandbox, network, hostile=hostile)
        # The cause: the first page, read over and over, called the whole catalogue.
        assert lost.sent is not None
        sent = await offers.about_to_create(desk, lost.sent.offer)
        assert sent.there_before is None, f"{len(sent.there_before or ())} ids called complete"

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_a_count_short_of_the_catalogue_never_makes_there_before_known(
    lenient_sandbox: SandboxServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listing whose ``totalFound`` counts only what the page holds (a proxy that re-counts
    what it passes on, a server bug) ends the walk before a create after the first page, yet
    what was "there before" is called complete: a colleague's look-alike on a later page is
    then taken on Save again as the form's own offer and its recorded Cost replaced.

    Should: a full page (as many items as asked) is not trusted as the last on the count alone
    when being wrong means taking over another's offer: read on until a short/empty page (or
    call what was there before unknown)."""
    monkeypatch.setattr(offers, "LOOKUP_PAGE_SIZE", 2)  # the seeded catalogue holds five
    network = Mangled()

    def count_the_page_only(listing: Listing) -> None:
        listing["totalFound"] = listing["offset"] + len(listing["content"])

    async def body(desk: Desk) -> None:
        def hostile(_theirs: str) -> None:
            network.mangle = count_the_page_only

        await save_again_beside_a_look_alike(desk, lenient_sandbox, network, hostile=hostile)

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_a_limit_echoed_above_the_asked_one_does_not_end_the_walk(
    lenient_sandbox: SandboxServer,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listing without ``totalFound`` (the reference documents GET /offers as a bare "list")
    whose ``limit`` echoes more than was asked (the service's own maximum): the walk before a
    create read the first page, found it "short" against the echoed limit, and called what was
    there before complete. A colleague's look-alike on the next page was then taken on Save
    again as the form's own offer and its recorded Cost replaced.

    Should: a page is short against what was asked (``min`` of the asked and echoed limit)."""
    monkeypatch.setattr(offers, "LOOKUP_PAGE_SIZE", 2)  # the seeded catalogue holds five
    network = Mangled(searches_too=True)

    def no_count_max_limit(listing: Listing) -> None:
        listing.pop("totalFound")
        listing["limit"] = 100

    async def body(desk: Desk) -> None:
        def hostile(_theirs: str) -> None:
            network.mangle = no_count_max_limit

        await save_again_beside_a_look_alike(desk, lenient_sandbox, network, hostile=hostile)

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_a_look_alike_listed_with_a_blank_id_before_the_create_is_never_taken(
    lenient_sandbox: SandboxServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """An offer listed *readable* with a blank id ("   ", read as "" once stripped) before a
    create went into what was "there before" as "" — whereas the same offer listed unreadable
    with that id makes it unknown (pinned in test_offers_pinned_unreadable_ids_stripped.py).
    Listed with its real id on Save again, the colleague's look-alike was not among them and
    was taken as the form's own offer, its recorded Cost replaced.

    Should: a readable offer whose id is blank counts as one with no id (``there_before``
    unknown), as an unreadable one does."""
    network = Mangled(searches_too=True)

    async def body(desk: Desk) -> None:
        def hostile(theirs: str) -> None:
            network.mangle = lambda listing: _respell(listing, theirs, "   ")

        def mended() -> None:
            network.mangle = None  # listed with its id again

        lost = await save_again_beside_a_look_alike(
            desk, lenient_sandbox, network, hostile=hostile, mended=mended
        )
        assert lost.sent is not None
        assert lost.sent.there_before is None, "an offer with no id called known"

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_a_look_alike_listed_with_its_id_in_capitals_before_the_create_is_never_taken(
    lenient_sandbox: SandboxServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """An offer listed before a create with its id in capitals (SmartRecruiters' ids are UUIDs,
    case-insensitive; a proxy or another of its services may spell them so) went into what was
    "there before" as spelled; listed lowercase on Save again, the colleague's look-alike was
    not among them and was taken as the form's own offer, its recorded Cost replaced.

    Should: ids compared case-insensitively for "there before" (as white space already is
    stripped), so a re-spelled id is still the same offer."""
    network = Mangled(searches_too=True)

    async def body(desk: Desk) -> None:
        def hostile(theirs: str) -> None:
            network.mangle = lambda listing: _respell(listing, theirs, theirs.upper())

        def mended() -> None:
            network.mangle = None  # listed with its id as before

        await save_again_beside_a_look_alike(
            desk, lenient_sandbox, network, hostile=hostile, mended=mended
        )

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_a_create_answer_naming_an_offer_there_before_records_nothing_on_it(
    lenient_sandbox: SandboxServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A create answered with the id of an offer the desk had just listed as there before (the
    service, or a proxy, naming another offer of the same catalogId — the reference never says
    a catalogId is unique): the client checks only the catalogId, so the form's Cost was
    recorded on that other offer (a colleague's, its Cost replaced) and the form closed on it.

    Should: an answer naming an id in ``there_before`` is about another offer — refused like
    one of another catalogId, nothing recorded on it (the create may have gone through: Save
    again then finds the offer it really made)."""
    network = LenientCatalogue()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        theirs = await offers.create_offer(desk, offer, FREE)  # a colleague's, before
        assert theirs.id is not None
        network.change = lambda answer: {**answer, "id": theirs.id}
        with pytest.raises(OfferError) as about_another:
            await catalog.create(offer, PAID)
        network.change = None
        assert about_another.value.may_have_gone_through  # Save again looks for the real one
        assert about_another.value.sent is not None
        assert await offers.get_cost(desk, theirs.id) == FREE, "the colleague's Cost replaced"
        (mine,) = [o for o in offers_of(lenient_sandbox, offer.catalog_id) if o["id"] != theirs.id]
        saved = await catalog.create(offer, PAID, sent_before=[about_another.value.sent])
        assert saved.id == mine["id"], "another's offer taken as the new one"
        assert await offers.get_cost(desk, theirs.id) == FREE, "the colleague's Cost replaced"

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)
