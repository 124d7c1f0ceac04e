"""``OfferCatalog.page`` over a fake listing: a page of unreadable offers is a page, an
emptied listing ends on its empty first page, and a page says it is the end only when it is
(with the count said only when the list proves it wrong). Pinned by the mutation audit."""

from __future__ import annotations

import pytest

from tests.fake_offer_listing import MOST_READS, FakeOfferListing


def test_a_page_whose_offers_are_all_unreadable_is_shown_not_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page holding only offers that could not be read was taken for an empty one and
    walked back from (``_listed`` counting only the readable offers): the coordinator never
    saw "2 offers could not be read", and Next from the page before came back to it: the
    offers after it were out of reach."""
    listing = FakeOfferListing(monkeypatch, held=6, count=6, unreadable={2, 3})
    page = listing.page(2)
    assert page.offset == 2
    assert page.offers == []
    assert len(page.unreadable) == 2
    assert (page.last, page.ended) == (False, False)
    assert [o.id for o in listing.page(4).offers] == ["o-4", "o-5"]


def test_a_page_asked_of_a_listing_emptied_meanwhile_ends_on_the_empty_first_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the walk back not stopping at the first page, every offer gone (a search whose
    offers were withdrawn meanwhile), Next's page read the first page again and again, for
    ever: the Offers tab said "Loading…" while the desk called SmartRecruiters in a loop
    (the fake listing fails after ``MOST_READS`` reads)."""
    listing = FakeOfferListing(monkeypatch, held=0, count=None)
    page = listing.page(4)
    assert (page.offset, page.offers, page.last) == (0, [], True)
    assert len(listing.reads) <= 4 < MOST_READS


def test_an_empty_listing_says_no_end_and_offers_no_next(monkeypatch: pytest.MonkeyPatch) -> None:
    """An emptied listing, Next's page asked, could say "These are the last offers: there
    are none after them" over "No offer matches" (``ended`` without ``bool(listed)``); and
    with the empty first page not the last, Next stayed on under an empty list, and led back
    to it."""
    listing = FakeOfferListing(monkeypatch, held=0, count=None)
    asked_past = listing.page(4)
    assert (asked_past.offset, asked_past.last, asked_past.ended) == (0, True, False)
    first = listing.page(0)
    assert (first.offers, first.last, first.ended) == ([], True, False)


@pytest.mark.parametrize(
    ("held", "count", "asked"),
    [(3, 100, 98), (10, 3, 20)],
    ids=["walked-back-to-the-first", "count-too-small"],
)
def test_a_page_walked_back_to_that_is_not_the_last_says_no_end(
    monkeypatch: pytest.MonkeyPatch, held: int, count: int, asked: int
) -> None:
    """With ``ended`` not asking for ``last``, a page come back to that has pages after it
    (the first page after a long walk back, or one a count too small put first) said "These
    are the last offers: there are none after them" with Next on, and offers after it."""
    page = FakeOfferListing(monkeypatch, held=held, count=count).page(asked)
    assert page.offers
    assert page.last is False
    assert page.ended is False


def test_a_last_page_ending_in_an_unreadable_offer_keeps_its_right_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the offers that could not be read left out of those reached, 6 offers counted
    6, the last one unreadable, had their count taken for wrong: "5–6 of 6" lost its
    "of 6"."""
    page = FakeOfferListing(monkeypatch, held=6, count=6, unreadable={5}).page(4)
    assert (len(page.offers), len(page.unreadable), page.last) == (1, 1, True)
    assert page.count_wrong is False
    assert page.total_shown == 6
