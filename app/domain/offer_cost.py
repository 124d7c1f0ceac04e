"""The Partner Portal "Cost" of an offer, and the FAQ's rule about it.

SmartRecruiters' API does not carry the Cost: it is set by hand in the Partner Portal. Yet the
platform reads it to tell free offers from paid ones (FAQ, "Your payment failed"): a free offer
must cost *Flat rate 0*, a paid one *Percentage 70*. The console keeps what the coordinator set
there, next to the offer, and warns about any other combination.

Also the form-level checks the reference states but :class:`Offer` does not carry (a currency
is a three-letter ISO 4217 code), so the form refuses what SmartRecruiters would refuse.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.domain.smartrecruiters import Offer


class CostKind(StrEnum):
    FLAT_RATE = "FLAT_RATE"
    PERCENTAGE = "PERCENTAGE"

    @property
    def label(self) -> str:
        """The Partner Portal's own wording."""
        return "Flat rate" if self is CostKind.FLAT_RATE else "Percentage"


class OfferCost(BaseModel):
    """What the Partner Portal's "Cost" field of one offer is set to."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    kind: CostKind
    # Bounded here too, not only where typed: one stored by an older version as 1E+1000000
    # is then left out where it is read, never shown as a million digits.
    value: Decimal = Field(ge=0, lt=10**9)

    @model_validator(mode="after")
    def _percentage_at_most_100(self) -> OfferCost:
        if self.kind is CostKind.PERCENTAGE and self.value > 100:
            raise ValueError("a percentage is at most 100")
        return self

    def __str__(self) -> str:
        # Decimal("70.00") reads as "70": the Portal shows whole numbers.
        value = self.value.normalize()
        text = f"{value:f}"
        return f"{self.kind.label} {text}"  # the FAQ's own words: "Percentage 70"


#: What the FAQ says a free and a paid offer must cost. Valid as written (a test validates
#: them): constructed, not validated, so that importing the module does not build the model.
FREE_OFFER_COST = OfferCost.model_construct(kind=CostKind.FLAT_RATE, value=Decimal(0))
PAID_OFFER_COST = OfferCost.model_construct(kind=CostKind.PERCENTAGE, value=Decimal(70))

PAYMENT_FAILED = "customers who order it see “Your payment failed”"


def is_free(offer: Offer) -> bool:
    """No price, or a price of 0: the platform treats the offer as free."""
    price = offer.terms.price
    if price is None:
        return True
    try:
        return Decimal(price.amount) == 0
    except InvalidOperation:
        return False


def expected_cost(offer: Offer) -> OfferCost:
    """The Cost the FAQ asks for, given the offer's price."""
    return FREE_OFFER_COST if is_free(offer) else PAID_OFFER_COST


def cost_advice(offer: Offer, cost: OfferCost | None) -> str | None:
    """None when the Cost is what the FAQ asks for; otherwise a warning with the fix.

    An unknown Cost (never recorded here) is warned about too: the console cannot tell it is
    right, and a wrong one only shows when a customer's order fails.
    """
    wanted = expected_cost(offer)
    price = offer.terms.price
    kind = "free" if is_free(offer) else "paid"
    priced = f"{kind} ({price.text})" if price is not None else kind
    if cost is None:
        return (
            f"The Partner Portal Cost of this offer is not recorded here. This offer is "
            f"{priced}: set its Cost to “{wanted}” in the Partner Portal (and record it here), "
            f"otherwise {PAYMENT_FAILED}."
        )
    if cost.kind is wanted.kind and cost.value == wanted.value:
        return None
    return (
        f"The Cost is “{cost}”, but this offer is {priced}: set it to “{wanted}” in the "
        f"Partner Portal, otherwise {PAYMENT_FAILED}."
    )


# -- form-level checks -----------------------------------------------------------------------

_CURRENCY = re.compile(r"[A-Z]{3}")
_COST_DECIMALS = 4
_COST_BELOW = 10**9
_COST_VALUE = re.compile(rf"[0-9]{{1,9}}(?:\.[0-9]{{1,{_COST_DECIMALS}}})?")


def currency_problem(code: str) -> str | None:
    """A sentence when ``code`` is not a three-letter ISO 4217 code such as USD."""
    if not code.strip():
        return "Required with a price (a code such as USD)."
    if not _CURRENCY.fullmatch(code.strip()):
        return "A three-letter ISO 4217 code in capitals, such as USD or EUR."
    return None


def parse_cost(kind: CostKind | None, value: str) -> OfferCost | None:
    """The Cost typed in a form: None when no kind is chosen (not recorded).

    Raises ``ValueError`` with a sentence for people when the value cannot be a Cost.
    """
    if kind is None:
        return None
    text = value.strip().removesuffix("%").strip().replace(",", ".")
    if not text:
        raise ValueError("Required: the number set in the Partner Portal.")
    if text.startswith("-"):
        raise ValueError("Zero or more.")
    # Digits, as the Portal shows them: "1e1000000" was a Decimal, and showing it overflowed
    # (the form stayed busy for good, the window with it).
    if not _COST_VALUE.fullmatch(text):
        raise ValueError(
            "A number such as 0 or 70: digits, at most "
            f"{_COST_DECIMALS} after the point, below {_COST_BELOW:,}."
        )
    number = Decimal(text)
    if kind is CostKind.PERCENTAGE and number > 100:
        raise ValueError("A percentage is at most 100.")
    return OfferCost(kind=kind, value=number)
