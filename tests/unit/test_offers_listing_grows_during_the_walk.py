"""A colleague creating an offer while the walk reads a catalogue of exactly N full pages (the
count exact, nothing wrong with the service) makes ``_listing`` raise "could not be read
whole": the walk had read every offer there was; one more appeared after. Save again then
refuses ("Nothing was sent … could not be read whole (more offers than the 200 it counted)"),
and the walk before a create leaves "there before" unknown, so a later Save again cannot
prove its own offer. An insertion never hides an offer that was there: the walk should go on
(the count was short) and end on a short/empty page, as it does without a count."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

from app.domain.smartrecruiters import Offer, Page
from app.workflows import offers


def _offer(i: int) -> Offer:
    return Offer.model_validate(
        {
            "id": str(uuid.UUID(int=i + 1)),
            "catalogId": f"C-{i}",
            "name": f"Offer {i}",
            "description": "x",
            "terms": {"type": "SKILLS_TEST", "price": {"amount": "20.00", "currencyCode": "USD"}},
        }
    )


class GrowingCatalogue:
    """A sandbox-like listing (insertion order, exact ``totalFound``): 200 offers; a colleague
    creates one right after the walk read the second page."""

    def __init__(self) -> None:
        self.items = [_offer(i) for i in range(2 * offers.LOOKUP_PAGE_SIZE)]
        self.calls = 0

    async def list_offers(self, *, limit: int, offset: int, **_: object) -> Page[Offer]:
        self.calls += 1
        if offset == 2 * offers.LOOKUP_PAGE_SIZE and len(self.items) == offset:
            self.items.append(_offer(10_000))  # the colleague's, made just now
        return Page[Offer].model_validate(
            {
                "limit": limit,
                "offset": offset,
                "totalFound": len(self.items),
                "content": [
                    o.model_dump(by_alias=True, mode="json")
                    for o in self.items[offset : offset + limit]
                ],
            }
        )


def test_an_offer_created_after_a_full_last_page_is_read_not_refused() -> None:
    sr = GrowingCatalogue()
    sources = SimpleNamespace(session=SimpleNamespace(sr=sr))

    async def walk() -> list[Offer]:
        read: list[Offer] = []
        async for page in offers._listing(sources):
            read.extend(page.content)
        return read

    read = asyncio.run(walk())  # raised UnexpectedResponseError "could not be read whole"
    assert len(read) == 201


def test_what_was_there_before_stays_known_when_a_colleague_creates_mid_walk() -> None:
    sr = GrowingCatalogue()
    sources = SimpleNamespace(session=SimpleNamespace(sr=sr))
    sent = asyncio.run(offers.about_to_create(sources, _offer(99_999)))
    assert sent.there_before is not None, "a normal catalogue's walk called untrustworthy"
    assert len(sent.there_before) >= 200
