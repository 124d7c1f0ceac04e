"""Offer workflows over the real sandbox: list, search, pages, create, update (POST), submit,
withdraw, the Cost kept locally, and every refusal surfaced as an error in words."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest

from app.clients.errors import (
    NetworkError,
    StateConflictError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.smartrecruiters import ActiveOfferRefusedError
from app.domain.offer_cost import CostKind, OfferCost, parse_cost
from app.domain.smartrecruiters import AssessmentOrder, Offer, OfferStatus
from app.workflows import offers
from app.workflows.desk import Desk
from tests.integration.helpers import (
    RealNetwork,
    RecordingTransport,
    new_order_body,
    sync_like_the_app,
)
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

T = TypeVar("T")


def new_offer(**extra: Any) -> Offer:
    """A fresh offer with a catalog id no other test uses (the sandbox lives for the run)."""
    body: dict[str, Any] = {
        "catalogId": f"T-{uuid.uuid4().hex[:10]}",
        "name": "Workflow test offer",
        "description": "Made by the offers workflow tests.",
        "terms": {"type": "SKILLS_TEST", "price": {"amount": "20.00", "currencyCode": "USD"}},
    }
    body.update(extra)
    return Offer.model_validate(body)


def test_list_with_search_status_and_pages(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        everything = await offers.list_offers(desk)
        assert everything.total_found >= 5
        statuses = {o.status for o in everything.content}
        assert statuses >= {OfferStatus.ACTIVE, OfferStatus.INACTIVE, OfferStatus.REJECTED}

        found = await offers.list_offers(desk, q="  personality JOB ")
        assert [o.catalog_id for o in found.content] == ["BERKE-FIT"]
        active = await offers.list_offers(desk, status=OfferStatus.ACTIVE)
        assert active.content
        assert {o.status for o in active.content} == {OfferStatus.ACTIVE}
        both = await offers.list_offers(desk, q="berke", status=OfferStatus.REJECTED)
        assert [o.catalog_id for o in both.content] == ["BERKE-REF"]

        first = await offers.list_offers(desk, limit=2, offset=0)
        second = await offers.list_offers(desk, limit=2, offset=2)
        assert len(first.content) == len(second.content) == 2
        assert first.total_found == everything.total_found
        assert {o.id for o in first.content}.isdisjoint({o.id for o in second.content})

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_create_update_submit_withdraw(sandbox: SandboxServer, tmp_path: Path) -> None:
    transport = RecordingTransport()
    cost = OfferCost(kind=CostKind.PERCENTAGE, value=Decimal(70))

    async def body(desk: Desk) -> None:
        created = await offers.create_offer(desk, new_offer(), cost)
        assert created.id
        assert created.status is OfferStatus.INACTIVE
        assert await offers.get_cost(desk, created.id) == cost
        assert (await offers.get_offer(desk, created.id)).name == "Workflow test offer"

        changed = created.model_copy(update={"name": "Renamed offer", "status": None})
        updated = await offers.update_offer(desk, created.id, changed, None)
        assert updated.name == "Renamed offer"
        assert await offers.get_cost(desk, created.id) is None  # forgotten when cleared
        assert transport.requests[-1].method == "POST"  # an update is a POST, not a PUT
        assert transport.requests[-1].url.path.endswith(f"/offers/{created.id}")
        sent = transport.json_bodies()[-1]
        assert "id" not in sent
        assert "status" not in sent

        submitted = await offers.submit_offer(desk, created.id)
        assert submitted.status is OfferStatus.UNDER_REVIEW
        withdrawn = await offers.withdraw_offer(desk, created.id)
        assert withdrawn.status is OfferStatus.INACTIVE

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport)


def test_active_is_refused_before_sending(sandbox: SandboxServer, tmp_path: Path) -> None:
    transport = RecordingTransport()

    async def body(desk: Desk) -> None:
        with pytest.raises(ActiveOfferRefusedError, match="partners team"):
            await offers.create_offer(desk, new_offer(status="ACTIVE"))
        seeded = (await offers.list_offers(desk, q="BERKE-LEAD")).content[0]
        assert seeded.id
        with pytest.raises(ActiveOfferRefusedError):
            await offers.update_offer(
                desk, seeded.id, seeded.model_copy(update={"status": OfferStatus.ACTIVE})
            )

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport)
    assert not [r for r in transport.requests if r.method == "POST"]


def test_refusals_are_errors_in_words(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        created = await offers.create_offer(desk, new_offer())
        assert created.id
        # Not under review, active or rejected: nothing to withdraw.
        with pytest.raises(StateConflictError) as refused:
            await offers.withdraw_offer(desk, created.id)
        assert "Cannot move an offer from INACTIVE" in str(refused.value)
        await offers.submit_offer(desk, created.id)
        with pytest.raises(StateConflictError, match="UNDER_REVIEW"):
            await offers.submit_offer(desk, created.id)
        # Another offer with the same catalog id: the service's own sentence comes through.
        # (The same offer again is an earlier save whose answer was lost: taken, below.)
        with pytest.raises(ValidationApiError, match="already exists"):
            await offers.create_offer(desk, new_offer(catalogId=created.catalog_id, name="B"))

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_a_raw_active_refusal_gets_the_faq_explanation(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the client's own check (as an older client might be): the service's bare
    # "unauthorized to access resource" is given the FAQ's meaning, its words kept.
    monkeypatch.setattr("app.clients.smartrecruiters._refuse_active", lambda _offer: None)

    async def body(desk: Desk) -> None:
        with pytest.raises(ValidationApiError) as refused:
            await offers.create_offer(desk, new_offer(status="ACTIVE"))
        text = str(refused.value)
        assert "never ACTIVE" in text
        assert "partners team" in text
        assert "unauthorized to access resource" in text

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_recent_orders_come_from_the_cache(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        created = await offers.create_offer(desk, new_offer())
        ref = {"catalogId": created.catalog_id, "name": created.name}
        for first in ("Ada", "Ben", "Cy"):
            await desk.session.sr.create_test_order({**new_order_body(first=first), "offer": ref})
            await asyncio.sleep(0.005)  # distinct creation times: the order is asserted
        assert await offers.recent_orders_for(desk, created) == []  # not synced yet
        await sync_like_the_app(desk)
        recent = await offers.recent_orders_for(desk, created)
        assert [o.candidate.first_name for o in recent] == ["Cy", "Ben", "Ada"]
        fit = (await offers.list_offers(desk, q="BERKE-FIT")).content[0]
        from_fit = await offers.recent_orders_for(desk, fit)
        assert 0 < len(from_fit) <= offers.RECENT_ORDERS
        dates = [o.create_date for o in from_fit]
        assert dates == sorted(dates, key=lambda d: (d is not None, d), reverse=True)

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_an_offers_recent_orders_parse_only_the_orders_shown(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each selection in the Offers room read every order held, parsed, in a thread that
    kept the window's own thread from running: heartbeats 282 ms late at 5,000 orders."""

    async def body(desk: Desk) -> None:
        await sync_like_the_app(desk)
        fit = (await offers.list_offers(desk, q="BERKE-FIT")).content[0]
        expected = sorted(
            (o for o in desk.orders.all() if o.offer and o.offer.catalog_id == "BERKE-FIT"),
            key=lambda o: o.create_date or datetime.min.replace(tzinfo=UTC),
            reverse=True,
        )[: offers.RECENT_ORDERS]
        assert expected
        parsed: list[str] = []
        real = AssessmentOrder.model_validate_json

        def counting(data: str | bytes, **kwargs: Any) -> AssessmentOrder:
            order = real(data, **kwargs)
            parsed.append(order.id)
            return order

        monkeypatch.setattr(AssessmentOrder, "model_validate_json", counting)
        shown = await offers.recent_orders_for(
            desk, fit.model_copy(update={"catalog_id": "berke-fit"})
        )
        assert [o.id for o in shown] == [o.id for o in expected]  # matched whatever the case
        assert sorted(parsed) == sorted(o.id for o in expected)

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_why_not_rules() -> None:
    base = new_offer()
    for status, submit, withdraw in [
        (OfferStatus.INACTIVE, True, False),
        (OfferStatus.UNDER_REVIEW, False, True),
        (OfferStatus.ACTIVE, False, True),
        (OfferStatus.REJECTED, False, True),
    ]:
        offer = base.model_copy(update={"status": status})
        assert (offers.why_not_submit(offer) is None) is submit
        assert (offers.why_not_withdraw(offer) is None) is withdraw
    assert offers.why_not_submit(None) == "Select an offer first."


@pytest.mark.parametrize(
    ("typed", "sent"),
    [("20.00", "20.00"), ("20.5", "20.50"), ("20", "20"), ("٢٠.٠٠", None), ("２０.００", None),
     ("20.", None), ("20.123", None), ("9" * 15 + ".99", "9" * 15 + ".99"), ("1" * 16, None)],
)  # fmt: skip
def test_the_form_rule_for_a_price_is_the_services(
    sandbox: SandboxServer, tmp_path: Path, typed: str, sent: str | None
) -> None:
    """What the offer form lets through, SmartRecruiters accepts (before: "20.5" and Arabic
    or full-width digits passed the form and were refused by the service)."""
    from app.ui.offers.offer_form import check_offer

    offer_body = new_offer().to_body()
    offer_body["terms"] = {"type": "SKILLS_TEST", "price": {"amount": typed, "currencyCode": "USD"}}
    offer, errors = check_offer(offer_body)
    if sent is None:
        assert offer is None
        assert "terms.price.amount" in errors
        return
    assert offer is not None, errors

    async def body(desk: Desk) -> None:
        created = await offers.create_offer(desk, offer)
        assert created.terms.price is not None
        assert created.terms.price.amount == sent

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class OfferAnswers(RealNetwork):
    """The sandbox, with the answer to an offer's save rewritten by ``change``, or the
    connection lost once the sandbox applied it (``lose``): what the sandbox cannot do."""

    def __init__(self) -> None:
        super().__init__()
        self.change: Callable[[dict[str, Any]], dict[str, Any]] | None = None
        self.lose = False
        self.unreachable = False  # the next offer save: no connection, nothing sent

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable and "/offers" in request.url.path and request.method == "POST":
            self.unreachable = False
            raise httpx.ConnectError("[Errno 111] Connection refused")
        response = await self.inner.handle_async_request(request)
        if "/offers" not in request.url.path or request.method != "POST":
            return response
        if response.status_code >= 300:
            return response
        if self.lose:
            self.lose = False
            await response.aread()
            raise httpx.ReadError("connection lost after the request was applied")
        if self.change is not None:
            body = self.change(json.loads(await response.aread()))
            return httpx.Response(response.status_code, json=body)
        return response


LEAD = "6f1c2b9e-3d4a-4c1e-9a7b-0d2e4f6a8b04"  # the seeded BERKE-LEAD, INACTIVE
PAID = OfferCost(kind=CostKind.PERCENTAGE, value=Decimal(70))
FREE = OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(0))


def test_an_answer_about_another_offer_is_refused_and_records_nothing_on_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A create or an edit answered with another offer's id: its Cost was recorded on that
    offer, and the room then showed it and acted on it."""
    network = OfferAnswers()

    async def body(desk: Desk) -> None:
        await offers.set_cost(desk, LEAD, FREE)
        network.change = lambda answer: {**answer, "id": LEAD, "catalogId": "BERKE-LEAD"}
        with pytest.raises(UnexpectedResponseError, match="another offer"):
            await offers.create_offer(desk, new_offer(), PAID)
        network.change = None
        mine = await offers.create_offer(desk, new_offer())
        assert mine.id is not None
        for move in (
            lambda: offers.update_offer(desk, str(mine.id), mine, PAID),
            lambda: offers.submit_offer(desk, str(mine.id)),
            lambda: offers.withdraw_offer(desk, str(mine.id)),
        ):
            network.change = lambda answer: {**answer, "id": LEAD}
            with pytest.raises(UnexpectedResponseError, match=f"another offer \\({LEAD}\\)"):
                await move()
        assert await offers.get_cost(desk, LEAD) == FREE

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_saving_again_after_a_create_whose_answer_was_lost_takes_that_create(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The create went through, its answer was lost: Save again said "already exists" under
    the Catalog id, for good, and Cancel threw the Cost away."""
    network = OfferAnswers()

    async def body(desk: Desk) -> None:
        offer = new_offer()
        sent = await offers.about_to_create(desk, offer)
        network.lose = True
        with pytest.raises(NetworkError):
            await offers.create_offer(desk, offer, PAID)
        # Save again, the same form: it knows its create may have gone through.
        made = await offers.create_offer(desk, offer, PAID, sent_before=[sent])
        assert made.id is not None
        assert made.catalog_id == offer.catalog_id
        assert await offers.get_cost(desk, made.id) == PAID
        # Another offer holding that catalogId is still refused, in words.
        other = offer.model_copy(update={"name": "Another offer"})
        with pytest.raises(ValidationApiError, match="already exists"):
            await offers.create_offer(
                desk, other, FREE, sent_before=[await offers.about_to_create(desk, other)]
            )
        assert await offers.get_cost(desk, made.id) == PAID

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


class LenientCatalogue(OfferAnswers):
    """``OfferAnswers`` on a SmartRecruiters as the reference describes it, where nothing says
    a catalogId is unique (the sandbox's own check switched off by the fixture), and, with
    ``search_blind``, its ``q`` finds none of the offers (it may search something else), or,
    with ``listing_down``, its listing cannot be reached."""

    def __init__(self) -> None:
        super().__init__()
        self.search_blind = False
        self.listing_down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        listing = request.method == "GET" and request.url.path.endswith("/offers")
        if listing and self.listing_down:
            raise httpx.ConnectError("[Errno 111] Connection refused")
        response = await super().handle_async_request(request)
        if listing and self.search_blind and request.url.params.get("q"):
            await response.aread()
            return httpx.Response(200, json={"limit": 100, "offset": 0, "totalFound": 0,
                                             "content": []})  # fmt: skip
        return response


@pytest.fixture
def lenient_sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    """A sandbox of the test's own that takes a second offer of a catalogId: the reference
    says only that a catalogId has at most 255 characters."""
    from app.sandbox import SandboxConfig, SandboxServer
    from app.sandbox.smartrecruiters import SmartRecruitersApi

    monkeypatch.setattr(SmartRecruitersApi, "_unique_catalog_id", lambda *_args: None)
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


def offers_of(sandbox: SandboxServer, catalog_id: str) -> list[dict[str, Any]]:
    """The sandbox's offers of ``catalog_id``, as it holds them."""
    held = sandbox.app.state.sr.offers.values()
    return [o for o in held if o["catalogId"] == catalog_id]


@pytest.mark.parametrize("search_blind", [False, True], ids=["searched", "listed"])
def test_saving_again_after_a_lost_create_answer_makes_no_second_offer(
    lenient_sandbox: SandboxServer, tmp_path: Path, search_blind: bool
) -> None:
    """Save again sent a second create first, and took the first offer only when
    SmartRecruiters refused the second as "already exists": a refusal only the sandbox made.
    Where a catalogId is not unique, the catalogue then held two identical offers. Now the
    first is looked for before anything is sent, through the whole listing when the search
    does not find it."""
    network = LenientCatalogue()
    network.search_blind = search_blind

    async def body(desk: Desk) -> None:
        offer = new_offer()
        sent = await offers.about_to_create(desk, offer)
        network.lose = True
        with pytest.raises(NetworkError):
            await offers.create_offer(desk, offer, PAID)  # made; its answer lost
        (first,) = offers_of(lenient_sandbox, offer.catalog_id)
        made = await offers.create_offer(desk, offer, PAID, sent_before=[sent])
        assert [o["id"] for o in offers_of(lenient_sandbox, offer.catalog_id)] == [first["id"]]
        assert made.id == first["id"]
        assert await offers.get_cost(desk, first["id"]) == PAID
        # Nothing to find: created, once.
        other = new_offer()
        sent = await offers.about_to_create(desk, other)
        made = await offers.create_offer(desk, other, FREE, sent_before=[sent])
        assert [o["id"] for o in offers_of(lenient_sandbox, other.catalog_id)] == [made.id]

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_saving_again_corrected_after_a_lost_create_updates_the_offer_that_create_made(
    lenient_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The form corrected (a typo, the catalogId itself) before Save again: the look-up took
    only an offer holding the corrected content, and sent a second create (two offers where
    a catalogId is not unique). Now the offer is found by what the first send held, and
    updated to the corrected form."""
    network = LenientCatalogue()

    async def body(desk: Desk) -> None:
        first_sent = new_offer(description="Teh test")
        sent = await offers.about_to_create(desk, first_sent)
        network.lose = True
        with pytest.raises(NetworkError):
            await offers.create_offer(desk, first_sent, PAID)  # made; its answer lost
        (first,) = offers_of(lenient_sandbox, first_sent.catalog_id)
        corrected = first_sent.model_copy(
            update={"description": "The test", "catalog_id": f"{first_sent.catalog_id}-B"}
        )
        made = await offers.create_offer(desk, corrected, PAID, sent_before=[sent])
        assert made.id == first["id"]
        assert offers_of(lenient_sandbox, first_sent.catalog_id) == []
        (held,) = offers_of(lenient_sandbox, corrected.catalog_id)
        assert (held["id"], held["description"]) == (first["id"], "The test")
        assert await offers.get_cost(desk, first["id"]) == PAID

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_an_edit_whose_answer_was_lost_is_its_own_starting_point_on_save_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters holding what this edit sent before (its answer lost) is not a
    colleague's change; holding anything else still is."""
    network = OfferAnswers()

    async def body(desk: Desk) -> None:
        read = await offers.create_offer(desk, new_offer())
        assert read.id is not None
        first = read.model_copy(update={"name": "Renamed"})
        network.lose = True
        with pytest.raises(NetworkError):
            await offers.update_offer(desk, read.id, first, read=read)
        second = first.model_copy(update={"description": "corrected"})
        with pytest.raises(offers.OfferChangedError):  # as if another's: not told it was ours
            await offers.update_offer(desk, read.id, second, read=read)
        saved = await offers.update_offer(desk, read.id, second, read=read, sent_before=[first])
        assert (saved.name, saved.description) == ("Renamed", "corrected")
        theirs = saved.model_copy(update={"name": "A colleague's"})
        await offers.update_offer(desk, read.id, theirs)
        with pytest.raises(offers.OfferChangedError):
            await offers.update_offer(desk, read.id, second, read=read, sent_before=[first, second])

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_saving_again_sends_nothing_while_the_catalogue_cannot_be_looked_through(
    lenient_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """What Save again does when the earlier create cannot be looked for: nothing is sent
    (a create could make a second offer), and the form says so; once the catalogue answers,
    Save again takes the offer that create made."""
    from app.workflows.offer_catalog import OfferCatalog, OfferError

    network = LenientCatalogue()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        network.lose = True
        with pytest.raises(OfferError) as lost:
            await catalog.create(offer, PAID)
        assert lost.value.may_have_gone_through
        assert lost.value.sent is not None
        sent = [lost.value.sent]
        network.listing_down = True
        with pytest.raises(OfferError) as unchecked:
            await catalog.create(offer, PAID, sent_before=sent)
        assert str(unchecked.value).startswith(
            "Nothing was sent: it could not be checked whether SmartRecruiters already has "
            f"the offer “{offer.catalog_id}” from the earlier save ("
        )
        assert str(unchecked.value).endswith("Save again to check again.")
        assert unchecked.value.may_have_gone_through  # the form stays unsure
        assert len(offers_of(lenient_sandbox, offer.catalog_id)) == 1
        network.listing_down = False
        made = await catalog.create(offer, PAID, sent_before=sent)
        assert [o["id"] for o in offers_of(lenient_sandbox, offer.catalog_id)] == [made.id]
        assert made.id is not None
        assert await offers.get_cost(desk, made.id) == PAID

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_a_create_refused_as_taken_never_takes_over_an_offer_made_elsewhere(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: any create refused as taken was taken for an earlier save of the same form
    when the content matched, even a form's first: "saved", and the existing offer's
    recorded Cost replaced by the form's (here: forgotten)."""

    async def body(desk: Desk) -> None:
        offer = new_offer()
        existing = await offers.create_offer(desk, offer, PAID)  # long ago, its Cost recorded
        assert existing.id is not None
        # Another "New offer" form, the same content, the Cost left "Not recorded".
        with pytest.raises(ValidationApiError, match="already exists"):
            await offers.create_offer(desk, offer, None)
        with pytest.raises(ValidationApiError, match="already exists"):
            await offers.create_offer(desk, offer, FREE)
        assert await offers.get_cost(desk, existing.id) == PAID

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


def test_the_catalogue_says_which_failed_creates_may_have_gone_through(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """What the form keeps to allow a take-over on its next save: only a create that left
    and whose answer was lost, never a refusal or one that could not connect."""
    from app.workflows.offer_catalog import OfferCatalog, OfferError

    network = OfferAnswers()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        network.unreachable = True
        with pytest.raises(OfferError) as unreachable:
            await catalog.create(offer, PAID)
        assert not unreachable.value.may_have_gone_through
        assert "may have created" not in str(unreachable.value)
        assert (await offers.list_offers(desk, q=offer.catalog_id)).content == []

        network.lose = True
        with pytest.raises(OfferError) as lost:
            await catalog.create(offer, PAID)
        assert lost.value.may_have_gone_through
        assert "may have created the offer all the same" in str(lost.value)
        assert lost.value.sent is not None
        made = await catalog.create(offer, PAID, sent_before=[lost.value.sent])
        assert made.id is not None
        assert await offers.get_cost(desk, made.id) == PAID

        with pytest.raises(OfferError, match="already exists") as taken:
            await catalog.create(offer, FREE)  # another form: refused, in words
        assert not taken.value.may_have_gone_through
        assert taken.value.field == "catalogId"
        assert await offers.get_cost(desk, made.id) == PAID

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_an_edit_whose_answer_was_lost_says_it_may_have_been_saved_and_saves_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters applied the edit and its answer was lost. Before: "could not be
    reached" alone; the coordinator read "not saved" and Cancelled, and the Cost typed with
    the edit was never recorded."""
    from app.workflows.offer_catalog import OfferCatalog, OfferError

    network = OfferAnswers()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        made = await catalog.create(new_offer(), PAID)  # 20.00 USD, Percentage 70
        assert made.id is not None
        read = await catalog.read(made.id)
        # The edit: made free, its Cost Flat rate 0.
        edited = read.model_copy(
            update={"terms": read.terms.model_copy(update={"price": None}), "status": None}
        )
        network.lose = True
        with pytest.raises(OfferError) as lost:
            await catalog.update(made.id, edited, FREE, read=read)
        assert lost.value.may_have_gone_through
        assert "may have saved the edit all the same: Save again, unchanged" in str(lost.value)
        assert (await catalog.read(made.id)).terms.price is None  # SmartRecruiters made it
        assert await offers.get_cost(desk, made.id) == PAID
        # Save again, unchanged: it is the form's own earlier save, and the Cost is recorded.
        await catalog.update(made.id, edited, FREE, read=read)
        assert await offers.get_cost(desk, made.id) == FREE

        network.unreachable = True  # nothing sent: said so, nothing more
        with pytest.raises(OfferError) as unreachable:
            await catalog.update(made.id, edited, PAID, read=read)
        assert not unreachable.value.may_have_gone_through
        assert "may have saved" not in str(unreachable.value)

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_saving_again_an_edit_that_left_a_field_out_is_not_called_a_colleagues_change(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An edit with the Target market emptied (the form sends none: SmartRecruiters keeps
    "GLOBAL"), its answer lost. Before: Save again, unchanged, was refused as "changed by a
    colleague": SmartRecruiters' copy held the kept Target market, the form's did not."""
    from app.workflows.offer_catalog import OfferCatalog, OfferError

    network = OfferAnswers()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        made = await catalog.create(new_offer(), PAID)
        assert made.id is not None
        read = await catalog.read(made.id)
        assert read.target_market == "GLOBAL"  # filled in by SmartRecruiters
        edited = read.model_copy(update={"name": "Renamed", "target_market": None, "status": None})
        network.lose = True
        with pytest.raises(OfferError):
            await catalog.update(made.id, edited, FREE, read=read)
        saved = await catalog.update(made.id, edited, FREE, read=read)
        assert (saved.name, saved.target_market) == ("Renamed", "GLOBAL")
        assert await offers.get_cost(desk, made.id) == FREE

        # A colleague's change to a field the form sends is still not undone unasked.
        theirs = saved.model_copy(update={"description": "Theirs", "status": None})
        await desk.session.sr.update_offer(made.id, theirs)
        with pytest.raises(offers.OfferChangedError):
            await offers.update_offer(desk, made.id, edited, FREE, read=read)

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


@pytest.mark.parametrize("typed", ["1e1000000", "1e3", "1000000000", "12.34567", "٧٠"])
def test_a_cost_is_digits_within_bounds(typed: str) -> None:
    """ "1e1000000" was a Decimal: showing it overflowed, and the form stayed busy for good."""
    with pytest.raises(ValueError, match="digits"):
        parse_cost(CostKind.FLAT_RATE, typed)


class LostBeforeApplied(LenientCatalogue):
    """With ``drop``, the next offer save leaves and times out before SmartRecruiters
    applies it: the desk cannot tell it from an answer lost after."""

    def __init__(self) -> None:
        super().__init__()
        self.drop = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.drop and request.method == "POST" and request.url.path.endswith("/offers"):
            self.drop = False
            raise httpx.ReadTimeout("no answer", request=request)
        return await super().handle_async_request(request)


def test_a_create_refused_as_taken_on_the_second_look_keeps_the_other_offer_as_it_was(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first create never reached the catalogue; a colleague took its catalogId since,
    with other content. Save again finds nothing of its own, its create is refused as
    taken: said at the Catalog id in SmartRecruiters' words, and the colleague's offer and
    its recorded Cost are left as they were."""
    from app.workflows.offer_catalog import CATALOG_ID_FIELD, OfferCatalog, OfferError

    network = LostBeforeApplied()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        network.drop = True
        with pytest.raises(OfferError) as lost:
            await catalog.create(offer, PAID)
        assert lost.value.sent is not None
        theirs = await catalog.create(offer.model_copy(update={"name": "Theirs"}), FREE)
        assert theirs.id is not None
        corrected = offer.model_copy(update={"description": "corrected"})
        with pytest.raises(OfferError, match="already exists") as taken:
            await catalog.create(corrected, PAID, sent_before=[lost.value.sent])
        assert taken.value.field == CATALOG_ID_FIELD
        assert not taken.value.may_have_gone_through
        assert taken.value.sent is None  # refused: nothing more to look for next time
        (held,) = offers_of(sandbox, offer.catalog_id)
        assert (held["id"], held["name"], held["description"]) == (
            theirs.id, "Theirs", offer.description,
        )  # fmt: skip
        assert await offers.get_cost(desk, theirs.id) == FREE

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


@pytest.mark.parametrize("search_blind", [False, True], ids=["searched", "not-searched"])
def test_a_catalogue_longer_than_the_look_up_is_never_called_checked(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, search_blind: bool
) -> None:
    """More offers than ``LOOKUP_PAGES`` pages: what was there before the create cannot be
    all read, nor, when the search misses it, the offer that create made. Save again
    (corrected) sends nothing (no second create, no update of an offer it cannot tell from
    a look-alike) and says why."""
    from app.workflows.offer_catalog import OfferCatalog, OfferError

    monkeypatch.setattr(offers, "LOOKUP_PAGE_SIZE", 2)
    monkeypatch.setattr(offers, "LOOKUP_PAGES", 1)  # the seeded catalogue holds five
    network = LenientCatalogue()
    network.search_blind = search_blind

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        network.lose = True
        with pytest.raises(OfferError) as lost:
            await catalog.create(offer, PAID)
        assert lost.value.sent is not None
        (first,) = offers_of(sandbox, offer.catalog_id)
        corrected = offer.model_copy(update={"description": "corrected"})
        with pytest.raises(OfferError) as unsure:
            await catalog.create(corrected, PAID, sent_before=[lost.value.sent])
        said = str(unsure.value)
        assert said.startswith("Nothing was sent")
        if search_blind:
            assert "its catalogue holds more than 2 offers" in said
        else:
            assert f"id {first['id']}" in said
            assert "could not be told whether that save made it" in said
        assert unsure.value.may_have_gone_through  # still looked for at the next save
        assert offers_of(sandbox, offer.catalog_id) == [first]
        assert first["description"] == offer.description
        assert await offers.get_cost(desk, first["id"]) is None

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)


class GarblesOne(LenientCatalogue):
    """``LenientCatalogue`` listing the offer ``garbled`` (an id) without its description:
    an offer the desk cannot read (left out of the page, said as unreadable)."""

    def __init__(self) -> None:
        super().__init__()
        self.garbled: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        listing = request.method == "GET" and request.url.path.endswith("/offers")
        if not listing or self.garbled is None:
            return response
        body = json.loads(await response.aread())
        for item in body["content"]:
            if item["id"] == self.garbled:
                del item["description"]
        return httpx.Response(response.status_code, json=body)


def test_a_look_alike_listed_unreadable_before_the_create_is_never_taken(
    lenient_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A colleague's offer alike to the form was listed in a shape the desk could not read
    when the form's create was about to be sent: left out of what was there before, it was
    taken (updated, its Cost replaced) on Save again once it read well, for the form's own."""
    from app.workflows.offer_catalog import OfferCatalog, OfferError

    network = GarblesOne()

    async def body(desk: Desk) -> None:
        catalog = OfferCatalog(desk.session, desk.db)
        offer = new_offer()
        theirs = await offers.create_offer(desk, offer, FREE)  # made elsewhere, before
        assert theirs.id is not None
        network.garbled = theirs.id
        network.lose = True
        with pytest.raises(OfferError) as lost:
            await catalog.create(offer, PAID)  # made; its answer lost
        assert lost.value.sent is not None
        network.garbled = None  # read well again (corrected meanwhile)
        (mine,) = [o for o in offers_of(lenient_sandbox, offer.catalog_id) if o["id"] != theirs.id]
        saved = await catalog.create(offer, PAID, sent_before=[lost.value.sent])
        assert saved.id == mine["id"]
        assert await offers.get_cost(desk, theirs.id) == FREE
        assert await offers.get_cost(desk, mine["id"]) == PAID

    run_with_desk(lenient_sandbox, tmp_path / "d.sqlite3", body, transport=network)


def test_an_offer_listed_without_an_id_leaves_what_was_there_before_unknown(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An offer listed with no id to know it by, unreadable or not, cannot be told later from
    one the create made: what was there before is then not known (nothing is taken on it)."""
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.smartrecruiters import Page

    async def body(desk: Desk) -> None:
        offer = new_offer()
        page = Page[Offer](limit=100, offset=0, total_found=1, content=[])
        page.unreadable.append("number 1: description: Field required")
        page.unreadable_ids.append(None)

        async def listed(self: SmartRecruitersClient, **_kwargs: Any) -> Page[Offer]:
            return page

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(SmartRecruitersClient, "list_offers", listed)
            assert (await offers.about_to_create(desk, offer)).there_before is None
            page.unreadable_ids[0] = "an-id"
            assert (await offers.about_to_create(desk, offer)).there_before == {"an-id"}
            page.content.append(offer)  # read, but without an id
            assert (await offers.about_to_create(desk, offer)).there_before is None

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)
