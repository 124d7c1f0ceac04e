"""A fake SmartRecruiters offers listing behind a real ``OfferCatalog``: ``held`` offers, a
count that may be wrong (None: no count given), pages of ``size``, some offers unreadable;
the offsets each page read asked for are kept."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from app.domain.smartrecruiters import Offer, Page
from app.workflows import offers
from app.workflows.offer_catalog import OfferCatalog, OfferPage

if TYPE_CHECKING:
    import pytest

#: Reads one page may make before the walk is taken for one that never ends.
MOST_READS = 20


def listed_offer(n: int) -> Offer:
    return Offer.model_validate(
        {"id": f"o-{n}", "catalogId": f"C-{n}", "name": f"Offer {n}",
         "description": "d", "terms": {"type": "SKILLS_TEST"}}
    )  # fmt: skip


class FakeOfferListing:
    """GET /offers answered from memory; ``catalog`` reads it (no session, no Costs)."""

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        held: int,
        count: int | None,
        size: int = 2,
        unreadable: Collection[int] = (),
    ) -> None:
        self.held, self.count, self.unreadable = held, count, set(unreadable)
        self.reads: list[int] = []
        monkeypatch.setattr(offers, "PAGE_SIZE", size)
        monkeypatch.setattr(offers, "list_offers", self._list)
        monkeypatch.setattr(offers, "all_costs", self._costs)
        self.catalog = object.__new__(OfferCatalog)
        self.catalog._sources = None  # type: ignore[assignment]  # the fakes above need none

    async def _costs(self, _sources: Any) -> dict[str, Any]:
        return {}

    async def _list(self, _sources: Any, *, q: str, status: Any, limit: int, offset: int) -> Page:
        self.reads.append(offset)
        if len(self.reads) > MOST_READS:  # a walk that never ends: failed, not hung
            raise RuntimeError(f"listing read again and again: {self.reads[-5:]}")
        numbers = range(offset, min(offset + limit, self.held))
        body: dict[str, Any] = {
            "limit": limit,
            "offset": offset,
            "content": [listed_offer(n) for n in numbers if n not in self.unreadable],
        }
        if self.count is not None:
            body["totalFound"] = self.count
        page = Page[Offer].model_validate(body)
        page._unreadable.extend(f"offer {n} unreadable" for n in numbers if n in self.unreadable)
        return page

    def page(self, offset: int) -> OfferPage:
        """The catalogue's page at ``offset``, read with no event loop running."""
        self.reads.clear()
        return asyncio.run(self.catalog.page(offset=offset))
