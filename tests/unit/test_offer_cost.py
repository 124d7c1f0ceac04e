"""The FAQ's Cost rule: free offers cost Flat rate 0, paid ones Percentage 70."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.domain.offer_cost import (
    FREE_OFFER_COST,
    PAID_OFFER_COST,
    CostKind,
    OfferCost,
    cost_advice,
    currency_problem,
    expected_cost,
    is_free,
    parse_cost,
)
from app.domain.smartrecruiters import PRICE_SHOWN_MAX, Offer, Price


def offer(amount: str | None) -> Offer:
    terms: dict[str, object] = {"type": "SKILLS_TEST"}
    if amount is not None:
        terms["price"] = {"amount": amount, "currencyCode": "USD"}
    return Offer.model_validate({"catalogId": "C", "name": "N", "description": "D", "terms": terms})


FLAT_0 = OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(0))
PCT_70 = OfferCost(kind=CostKind.PERCENTAGE, value=Decimal("70.00"))


@pytest.mark.parametrize(("amount", "free"), [(None, True), ("0", True), ("0.00", True),
                                              ("20.00", False), ("0.01", False)])  # fmt: skip
def test_free_means_no_price_or_zero(amount: str | None, free: bool) -> None:
    assert is_free(offer(amount)) is free
    assert expected_cost(offer(amount)) == (FREE_OFFER_COST if free else PAID_OFFER_COST)


def test_the_right_cost_gives_no_warning() -> None:
    assert cost_advice(offer(None), FLAT_0) is None
    assert cost_advice(offer("0.00"), FLAT_0) is None
    assert cost_advice(offer("20.00"), PCT_70) is None  # 70.00 equals 70


@pytest.mark.parametrize(
    ("amount", "cost", "fix"),
    [
        ("20.00", FLAT_0, "Percentage 70"),
        ("20.00", OfferCost(kind=CostKind.PERCENTAGE, value=Decimal(30)), "Percentage 70"),
        ("20.00", OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(70)), "Percentage 70"),
        (None, PCT_70, "Flat rate 0"),
        ("0.00", OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(5)), "Flat rate 0"),
        (None, OfferCost(kind=CostKind.PERCENTAGE, value=Decimal(0)), "Flat rate 0"),
    ],
)
def test_any_other_combination_warns_with_fix_and_consequence(
    amount: str | None, cost: OfferCost, fix: str
) -> None:
    advice = cost_advice(offer(amount), cost)
    assert advice is not None
    assert fix in advice
    assert "Your payment failed" in advice
    assert str(cost) in advice


def test_an_unrecorded_cost_warns_too() -> None:
    advice = cost_advice(offer("20.00"), None)
    assert advice is not None
    assert "not recorded" in advice
    assert "Percentage 70" in advice
    assert "Your payment failed" in advice


def test_cost_reads_as_the_portal_writes_it() -> None:
    assert str(FLAT_0) == "Flat rate 0"
    assert str(PCT_70) == "Percentage 70"
    assert str(OfferCost(kind=CostKind.FLAT_RATE, value=Decimal("2.50"))) == "Flat rate 2.5"


def test_parse_cost_from_form_text() -> None:
    assert parse_cost(None, "whatever") is None
    assert parse_cost(CostKind.PERCENTAGE, " 70 % ") == PCT_70
    assert parse_cost(CostKind.FLAT_RATE, "0,00") == FLAT_0
    for kind, text, words in [
        (CostKind.FLAT_RATE, "", "Required"),
        (CostKind.FLAT_RATE, "abc", "number"),
        (CostKind.FLAT_RATE, "-1", "Zero or more"),
        (CostKind.PERCENTAGE, "101", "at most 100"),
        (CostKind.FLAT_RATE, "NaN", "number"),
    ]:
        with pytest.raises(ValueError, match=words):
            parse_cost(kind, text)


def test_the_faqs_costs_are_valid_costs() -> None:
    """They are constructed without validation (see the module): validated, they are equal."""
    for cost in (FREE_OFFER_COST, PAID_OFFER_COST):
        # By type too: a kind given as its text would equal the enum, and break `is` checks.
        assert type(cost.kind) is CostKind
        assert type(cost.value) is Decimal
        assert OfferCost.model_validate(cost.model_dump()) == cost


def test_model_refuses_impossible_costs() -> None:
    with pytest.raises(ValueError, match="greater than or equal"):
        OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(-1))
    with pytest.raises(ValueError, match="at most 100"):
        OfferCost(kind=CostKind.PERCENTAGE, value=Decimal(120))


@pytest.mark.parametrize(("code", "ok"), [("USD", True), ("EUR", True), ("usd", False),
                                          ("US", False), ("", False), ("U$D", False)])  # fmt: skip
def test_currency_is_an_iso_code(code: str, ok: bool) -> None:
    assert (currency_problem(code) is None) is ok


def test_the_advice_cuts_a_price_however_long() -> None:
    """Before: the warning held the whole amount (1,000,000 digits: a word-wrapped label that
    took 4 s to lay out). Read from the service it is refused now; one built past the rules
    (``model_construct``) is still cut."""
    huge = Price.model_construct(amount="9" * 1_000_000, currency_code="USD")
    paid = offer("20.00")
    paid = paid.model_copy(update={"terms": paid.terms.model_copy(update={"price": huge})})
    advice = cost_advice(paid, None)
    assert advice is not None
    assert "Percentage 70" in advice
    assert len(advice) < 400
    assert len(huge.text) == PRICE_SHOWN_MAX + 1  # its start, and "…"
    assert Price(amount="20.5", currency_code="USD").text == "20.50 USD"
