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
from app.workflows.inbox import sync_all
from app.workflows.offer_catalog import COST_FIELD, OfferCatalog, OfferError, named_field
from tests.integration.helpers import RealNetwork
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
        await sync_all(desk)
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
