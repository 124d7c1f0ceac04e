"""Pins the repeat check of ``app/workflows/offers.py::_listing`` (today's change), which
survived the whole offers suite as a mutant:

* ``if ids and (len(set(ids)) < len(ids) or not seen.isdisjoint(ids))`` removed, or either
  half of it removed. The only test of a repeating listing (offset ignored) is caught by the
  confirming read after the count instead, so no test needs the repeat check itself.

A listing that shifts between two reads (an offer made at the front meanwhile, a colleague's
look-alike) lists one offer again and passes over another: the walk reaches the count and
calls what was there before known without the offer it never saw, which Save again could
then take as the form's own. A page naming one id twice passes over one the same way.
What was there before must then be unknown (None)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from app.domain.smartrecruiters import Offer, Page
from app.workflows import offers


def _offer(offer_id: str) -> Offer:
    return Offer.model_validate(
        {
            "id": offer_id,
            "catalogId": f"C-{offer_id}",
            "name": "Pinned offer",
            "description": "Listed.",
            "terms": {"type": "SKILLS_TEST", "price": {"amount": "20.00", "currencyCode": "USD"}},
        }
    )


class _Listing:
    """SmartRecruiters' GET /offers answering the pages given, by offset."""

    def __init__(self, pages: dict[int, tuple[list[str], int]]) -> None:
        self.pages = pages
        self.asked: list[int] = []

    async def list_offers(self, *, limit: int, offset: int, **_: Any) -> Page[Offer]:
        self.asked.append(offset)
        ids, total = self.pages.get(offset, ([], 0))
        return Page[Offer](
            limit=limit, offset=offset, total_found=total, content=[_offer(i) for i in ids]
        )


def _there_before(listing: _Listing) -> frozenset[str] | None:
    sources = SimpleNamespace(session=SimpleNamespace(sr=listing))
    sent = asyncio.run(offers.about_to_create(sources, _offer("new")))
    return sent.there_before


def test_a_listing_that_shifts_between_pages_leaves_what_was_there_before_unknown(
    monkeypatch: Any,
) -> None:
    """Mutants: the ``not seen.isdisjoint(ids)`` half (or the whole repeat check) removed.
    "x" is made at the front after the first page was read: the second page lists "b"
    again, and "x" is never seen. Mutated, there_before = {a, b, c, d, e}, without "x"."""
    monkeypatch.setattr(offers, "LOOKUP_PAGE_SIZE", 2)
    listing = _Listing(
        {
            0: (["a", "b"], 5),
            2: (["b", "c"], 6),  # "x" made meanwhile, at the front: all shift by one
            4: (["d", "e"], 6),
            6: ([], 6),
        }
    )
    assert _there_before(listing) is None


def test_a_page_naming_one_offer_twice_leaves_what_was_there_before_unknown(
    monkeypatch: Any,
) -> None:
    """Mutants: the ``len(set(ids)) < len(ids)`` half (or the whole repeat check) removed. A
    page lists "a" twice where "b" stands: the walk moves on by two, "b" never seen.
    Mutated, there_before = {a, c}."""
    monkeypatch.setattr(offers, "LOOKUP_PAGE_SIZE", 2)
    listing = _Listing({0: (["a", "a"], 3), 2: (["c"], 3)})
    assert _there_before(listing) is None


def test_a_listing_read_whole_is_known() -> None:
    """The control: the same walk, nothing repeated, gives every id."""
    listing = _Listing({0: (["a", "b", "c"], 3)})
    assert _there_before(listing) == {"a", "b", "c"}
