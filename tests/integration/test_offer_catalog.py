"""The Offers room's facade over the real sandbox: pages with their Costs, the new last page when
the asked-for one emptied, every refusal as one ``OfferError`` in words that names its field,
and an offer's recent orders from the local copy."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app.clients.http import RetryPolicy
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.offer_cost import CostKind, OfferCost
from app.domain.smartrecruiters import Offer, OfferStatus
from app.workflows import offers
from app.workflows.desk import Desk
from app.workflows.offer_catalog import COST_FIELD, OfferCatalog, OfferError, named_field
from tests.integration.helpers import RealNetwork, sandbox_answering, sync_like_the_app
from tests.integration.test_offers_workflows import OfferAnswers
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def new_offer(**extra: Any) -> Offer:
    body: dict[str, Any] = {
        "catalogId": f"C-{uuid.uuid4().hex[:10]}",
        "name": "Catalogue test offer",
        "description": "Made by the catalogue tests.",
        "terms": {"type": "SKILLS_TEST"},
    }
    body.update(extra)
    return Offer.model_validate(body)


def test_pages_carry_the_recorded_costs(sandbox: SandboxServer, tmp_path: Path) -> None:
    cost = OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(0))

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        created = await catalog.create(new_offer(), cost)
        assert created.id is not None
        page = await catalog.page(query=created.catalog_id)
        assert [o.id for o in page.offers] == [created.id]
        assert page.costs[created.id] == cost
        assert (page.total, page.offset, page.page_size) == (1, 0, offers.PAGE_SIZE)

        await catalog.record_cost(created.id, None)  # forgotten: "not recorded" again
        assert created.id not in (await catalog.page(query=created.catalog_id)).costs

        rejected = await catalog.page(status=OfferStatus.REJECTED)
        assert rejected.offers
        assert {o.status for o in rejected.offers} == {OfferStatus.REJECTED}

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_a_page_past_the_end_becomes_the_last_page(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offers, "PAGE_SIZE", 2)

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        everything = await catalog.page()
        total = everything.total
        assert total is not None
        assert total >= 5
        assert not everything.last
        last = (total - 1) // 2 * 2
        page = await catalog.page(offset=total + 10)  # offers moved away meanwhile
        assert page.offset == last
        assert 1 <= len(page.offers) <= 2
        assert page.page_size == 2
        assert page.last

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def _recounted(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """Every GET /offers answers with the returned ``.count`` as its totalFound, whatever it
    holds (a proxy's count, or a stale one); None: as the service counts."""
    real_call = SmartRecruitersClient._call
    said = SimpleNamespace(count=None)

    async def recounted(self: SmartRecruitersClient, method: str, path: str, **kw: Any) -> Any:
        answer = await real_call(self, method, path, **kw)
        if said.count is not None and method == "GET" and path == "/offers":
            answer["totalFound"] = said.count
        return answer

    monkeypatch.setattr(SmartRecruitersClient, "_call", recounted)
    return said


async def _tagged(catalog: OfferCatalog, how_many: int) -> str:
    tag = f"C{uuid.uuid4().hex[:10]}"
    for n in range(how_many):
        await catalog.create(new_offer(catalogId=f"{tag}-{n}"), None)
    return tag


@pytest.mark.parametrize("asked", [4, 98], ids=["the-next-page", "the-counts-last-page"])
def test_an_empty_page_under_a_count_too_high_gives_the_last_page_with_offers_before_it(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asked: int
) -> None:
    """Before: the count's last page came instead of an empty one, however far past it (98
    of a "100" holding 3), empty too; Previous from it asked 96, and came back to 98."""
    monkeypatch.setattr(offers, "PAGE_SIZE", 2)

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        tag = await _tagged(catalog, 3)
        _recounted(monkeypatch).count = 100
        short = await catalog.page(query=tag, offset=2)
        assert (len(short.offers), short.last) == (1, False)  # the count says more: maybe
        page = await catalog.page(query=tag, offset=asked)
        assert page.offset < asked  # back, never forward
        assert page.offers
        if asked == 4:
            assert (page.offset, page.last, page.ended) == (2, True, True)
            assert (page.count_wrong, page.total_shown) == (True, None)
        else:  # walked back a few pages, then the first: Next leads on from there
            assert (page.offset, page.last) == (0, False)

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_a_full_page_reaching_the_count_leaves_more_to_read(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a full page reaching the count was the last. A count too small (5 offers
    counted 2) left the offers past it out of reach; only an empty page ends the list now,
    read at once after a full page reaching the count (a right count ends there)."""
    monkeypatch.setattr(offers, "PAGE_SIZE", 2)

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        tag = await _tagged(catalog, 5)
        said = _recounted(monkeypatch)
        said.count = 2
        pages = [await catalog.page(query=tag, offset=at) for at in (0, 2, 4)]
        assert [len(p.offers) for p in pages] == [2, 2, 1]
        assert [p.last for p in pages] == [False, False, True]
        assert [p.total_shown for p in pages] == [2, None, None]  # "3–4 of 2" is said by none

        said.count = None
        honest = await _tagged(catalog, 4)  # counted right, a whole number of pages
        full = await catalog.page(query=honest, offset=2)
        # The page after it read at once: the last, and no Next that leads back here.
        assert (len(full.offers), full.last, full.ended, full.total_shown) == (2, True, False, 4)
        after = await catalog.page(query=honest, offset=4)  # asked all the same (a stale Next)
        assert (after.offset, after.last, after.ended, after.total_shown) == (2, True, True, 4)
        assert [o.id for o in after.offers] == [o.id for o in full.offers]

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_refusals_are_offer_errors_naming_their_field(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        created = await catalog.create(new_offer(), None)
        assert created.id is not None

        with pytest.raises(OfferError) as taken:
            await catalog.create(new_offer(catalogId=created.catalog_id, name="Another"), None)
        assert taken.value.field == "catalogId"
        assert "already exists" in str(taken.value)
        assert "SmartRecruiters" in str(taken.value)

        with pytest.raises(OfferError) as active:
            await catalog.update(
                created.id, created.model_copy(update={"status": OfferStatus.ACTIVE}), None
            )
        assert active.value.field == "status"
        assert "partners team" in str(active.value)

        await catalog.submit(created.id)
        with pytest.raises(OfferError, match="UNDER_REVIEW") as twice:
            await catalog.submit(created.id)
        assert twice.value.field is None
        withdrawn = await catalog.withdraw(created.id)
        assert withdrawn.status is OfferStatus.INACTIVE

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


@pytest.mark.parametrize(
    "answer",
    [
        {
            "message": "Request is incorrect.",
            "errors": [{"message": "is already used by another offer", "field": "name"}],
        },
        {  # a later listed message quoting another field than the one at fault
            "errors": [
                {"message": "is already used by another offer", "field": "name"},
                {"message": "Field 'description' is too long"},
            ]
        },
    ],
    ids=["listed-field", "another-quoted-later"],
)
def test_a_refusal_points_the_offer_form_at_the_field_listed(answer: dict[str, Any]) -> None:
    """SmartRecruiters' list of errors names the field at fault. Before, the Offers form
    searched the words alone: the listed field was lost (the refusal at the foot of the
    form), and a later listed message quoting another field pointed the form there."""

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, content=json.dumps(answer).encode())

    async def create() -> OfferError:
        no_retry = RetryPolicy(throttle_retries=0, max_wait_seconds=0, read_retries=0)
        transport = httpx.MockTransport(refuse)
        async with SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64, transport=transport, retry=no_retry
        ) as sr:
            catalog = OfferCatalog(SimpleNamespace(sr=sr), None)  # type: ignore[arg-type]
            with pytest.raises(OfferError) as refused:
                await catalog.create(new_offer(), None)
        return refused.value

    refused = asyncio.run(create())
    assert refused.field == "name"
    assert "is already used by another offer" in str(refused)


def test_a_cost_not_recorded_says_the_offer_went_through(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        desk.db.close()  # the local write after the call fails
        with pytest.raises(OfferError) as failed:
            await catalog.create(offer, None)
        assert failed.value.field == COST_FIELD
        assert f"SmartRecruiters has the offer “{offer.catalog_id}”" in str(failed.value)
        found = await offers.list_offers(desk, q=offer.catalog_id)
        assert [o.catalog_id for o in found.content] == [offer.catalog_id]

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_recent_orders_come_from_the_local_copy(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        fit = (await catalog.page(query="BERKE-FIT")).offers[0]
        assert await catalog.recent_orders(fit) == []  # nothing synced yet
        await sync_like_the_app(desk)
        recent = await catalog.recent_orders(fit)
        assert 0 < len(recent) <= catalog.recent_limit
        assert recent == await offers.recent_orders_for(desk, fit)

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


@pytest.mark.parametrize(
    ("message", "field"),
    [
        ("Field 'terms.price.amount' must be a decimal number", "terms.price.amount"),
        ("An offer with catalogId 'X' already exists", "catalogId"),
        ("Field 'x' " + "a" * 10_000, "x"),
        # The wording SmartRecruiters' reference documents.
        ("Request is incorrect. Please provide 'targetMarket' field.", "targetMarket"),
        ("Please provide 'terms.price.amount' field", "terms.price.amount"),
        ("'" * 10_000 + " field", None),
        ("Something else went wrong", None),
        ("", None),
    ],
)
def test_the_field_a_refusal_names(message: str, field: str | None) -> None:
    assert named_field(message) == field


def test_the_rules_need_no_call() -> None:
    inactive = new_offer(status="INACTIVE")
    assert OfferCatalog.why_not_submit(inactive) is None
    assert (
        OfferCatalog.why_not_withdraw(inactive)
        == "This offer is INACTIVE: there is nothing to withdraw."
    )


def test_saving_again_after_a_save_whose_cost_failed_is_no_conflict(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first save reached SmartRecruiters and its Cost could not be recorded; Save again
    (same form) was told the offer "was changed in SmartRecruiters after you opened it" — by
    that very save."""

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        created = await catalog.create(new_offer(), None)
        assert created.id is not None
        read = await catalog.read(created.id)
        edited = read.model_copy(update={"name": "Edited by me"})
        cost = OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(0))
        real = offers.set_cost

        async def locked(*_args: object, **_kwargs: object) -> None:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(offers, "set_cost", locked)
        with pytest.raises(OfferError, match="could not be recorded"):
            await catalog.update(created.id, edited, cost, read=read)
        monkeypatch.setattr(offers, "set_cost", real)
        saved = await catalog.update(created.id, edited, cost, read=read)
        assert saved.name == "Edited by me"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class CreatedWithoutId(RealNetwork):
    """SmartRecruiters creates the offer but its answer leaves the id out; ``hide_from_search``:
    the catalogue's search does not find it yet either (an index that lags)."""

    def __init__(self, *, hide_from_search: bool) -> None:
        super().__init__()
        self.hide_from_search = hide_from_search

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        created = request.method == "POST"
        if not request.url.path.endswith("/offers") or not (created or self.hide_from_search):
            return response
        body = json.loads(await response.aread())
        if created:
            body.pop("id", None)
        else:
            body.update(content=[], totalFound=0)
        return httpx.Response(response.status_code, json=body)


def test_a_created_offer_answered_without_its_id_keeps_its_cost(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The Cost was recorded only under the answer's id: without one it went nowhere, and the
    form closed as if it had been saved."""
    cost = OfferCost(kind=CostKind.FLAT_RATE, value=Decimal("12.50"))

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        created = await catalog.create(new_offer(), cost)
        assert created.id is not None  # found by its catalogId
        assert (await catalog.page(query=created.catalog_id)).costs == {created.id: cost}

    run_with_desk(
        sandbox, tmp_path / "d.sqlite3", body, transport=CreatedWithoutId(hide_from_search=False)
    )


def test_a_cost_with_no_offer_id_to_go_under_is_said_at_the_cost_and_saved_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    cost = OfferCost(kind=CostKind.FLAT_RATE, value=Decimal("12.50"))
    lagging = CreatedWithoutId(hide_from_search=True)

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        with pytest.raises(OfferError) as failed:
            await catalog.create(offer, cost)
        assert failed.value.field == COST_FIELD
        assert str(failed.value) == (
            f"SmartRecruiters has the offer “{offer.catalog_id}”, but its cost could not be "
            "recorded here (SmartRecruiters' answer did not say the new offer's id). "
            "Save again to record it."
        )
        assert failed.value.may_have_gone_through  # the form keeps that, for its next save
        lagging.hide_from_search = False  # the search finds it now
        # Save again (the same form): taken, and it is this one.
        assert failed.value.sent is not None
        saved = await catalog.create(offer, cost, sent_before=[failed.value.sent])
        assert saved.id is not None
        assert (await catalog.page(query=offer.catalog_id)).costs == {saved.id: cost}

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=lagging)


def test_save_again_after_a_corrected_save_whose_cost_failed_takes_the_same_offer(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Save: offer X made, its Cost not recorded. Corrected, saved again: X taken and
    updated, the Cost failed again, and that save's record was read after X was made (X
    "there before"), holding the corrected content the first record no longer matches. The
    third save took neither, and sent a second create (refused as taken here; a second
    offer where a catalogId is not unique)."""
    cost = OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(0))
    real = offers.set_cost

    async def locked(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        creates = []  # what OfferActions keeps per form (``_unsure_creates``)
        monkeypatch.setattr(offers, "set_cost", locked)
        with pytest.raises(OfferError) as first:
            await catalog.create(offer, cost)
        assert first.value.sent is not None
        creates.append(first.value.sent)
        (made,) = (await offers.list_offers(desk, q=offer.catalog_id)).content

        corrected = offer.model_copy(update={"name": "Catalogue test offer, corrected"})
        with pytest.raises(OfferError) as second:
            await catalog.create(corrected, cost, sent_before=tuple(creates))
        assert second.value.sent is not None
        creates.append(second.value.sent)

        monkeypatch.setattr(offers, "set_cost", real)
        saved = await catalog.create(corrected, cost, sent_before=tuple(creates))
        listed = (await offers.list_offers(desk, q=offer.catalog_id)).content
        assert saved.id == made.id, "a second offer was created for the same form"
        assert [(o.id, o.name) for o in listed] == [(made.id, corrected.name)]
        assert (await catalog.page(query=offer.catalog_id)).costs == {made.id: cost}

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def counting_listings(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The SmartRecruiters offer listings the desk asks for from now on, each as its
    arguments (``q``, ``offset``…), in order."""
    sr = desk.session.sr
    real = sr.list_offers
    calls: list[dict[str, Any]] = []

    async def list_offers(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return await real(**kwargs)

    monkeypatch.setattr(sr, "list_offers", list_offers)
    return calls


@pytest.mark.parametrize("page_size", [100, 0], ids=["short-page", "exactly-one-page"])
def test_a_first_create_reads_a_small_catalogue_in_one_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page_size: int
) -> None:
    """What is there before a create is read in one listing call, when a page holds the
    whole catalogue; exactly a page's worth (a count given) in two: a full last page is
    trusted only with an empty one after it (a count too small, re-counted by a proxy,
    would otherwise hide the rest), and that read is allowed past ``LOOKUP_PAGES``, so a
    catalogue of exactly ``LOOKUP_PAGES`` pages is not read as too long."""

    async def body(desk: Desk) -> None:
        held = (await offers.list_offers(desk)).total_found
        monkeypatch.setattr(offers, "LOOKUP_PAGE_SIZE", page_size or held)
        monkeypatch.setattr(offers, "LOOKUP_PAGES", 1)
        calls = counting_listings(desk, monkeypatch)
        record = offers.CreateRecord()
        made = await offers.create_offer(desk, new_offer(), record=record)
        first = {"limit": page_size or held, "offset": 0}
        assert calls == ([first] if page_size else [first, {"limit": held, "offset": held}])
        assert record.sent is not None
        assert record.sent.there_before is not None  # all read: known
        assert len(record.sent.there_before) == held
        assert made.id not in record.sent.there_before

    with sandbox_answering() as own:
        run_with_desk(own, tmp_path / "d.sqlite3", body)


def test_save_again_that_finds_its_offer_reads_no_listing_before_sending(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Save again found the offer the earlier create made (nothing to send), yet read the
    whole catalogue first as if about to create; and one that found none read it twice."""
    network = OfferAnswers()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        network.lose = True
        with pytest.raises(OfferError) as lost:
            await catalog.create(offer, None)  # made; its answer lost
        assert lost.value.sent is not None
        calls = counting_listings(desk, monkeypatch)
        await catalog.create(offer, None, sent_before=[lost.value.sent])
        assert calls == [{"q": offer.catalog_id, "limit": offers.LOOKUP_PAGE_SIZE}]

        # Nothing made by the earlier one: the listing looked through is what was there
        # before the create, not read a second time.
        other = new_offer(name="Never made")
        never = await offers.about_to_create(desk, other)
        calls.clear()
        await catalog.create(other, None, sent_before=[never])
        assert calls == [
            {"q": other.catalog_id, "limit": offers.LOOKUP_PAGE_SIZE},
            {"q": other.name, "limit": offers.LOOKUP_PAGE_SIZE},
            {"limit": offers.LOOKUP_PAGE_SIZE, "offset": 0},
        ]

    with sandbox_answering() as own:
        run_with_desk(own, tmp_path / "d.sqlite3", body, transport=network)
