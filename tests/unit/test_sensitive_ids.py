"""Sensitive ids are refused as sourceCandidateId, precisely: real-shaped national ids, bank
accounts and card numbers are; badge and HRIS numbers never are."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.domain.assessment_prefill import stable_candidate_id
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_text import BerkeParam
from app.domain.field_errors import field_errors
from app.domain.sensitive_ids import looks_like_sensitive_id

# (value, what it is; None for an id Berke may be given)
TABLE: list[tuple[str, str | None]] = [
    # US social security numbers, written out, in the ranges ever issued.
    ("123-45-6789", "social security"),
    ("078-05-1120", "social security"),
    ("123 45 6789", "social security"),
    ("000-12-3456", None),  # area 000 is never issued
    ("666-12-3456", None),
    ("900-12-3456", None),
    ("123-00-4567", None),  # group 00
    ("123-45-0000", None),  # serial 0000
    ("123-45 6789", None),  # mixed separators: not how an SSN is written
    # IBANs: the country's length and the mod-97 checksum.
    ("DE89370400440532013000", "IBAN"),
    ("GB82 WEST 1234 5698 7654 32", "IBAN"),
    ("NO9386011117947", "IBAN"),
    ("fr1420041010050500013m02606", "IBAN"),
    ("DE00370400440532013000", None),  # wrong checksum
    ("GB81WEST12345698765432", None),  # remainder 0, not 1: an ordinary id of that shape
    ("DE8937040044053201300", None),  # a German IBAN one character short
    # Payment cards: a network's prefix and length, and Luhn.
    ("4111111111111111", "payment card"),
    ("4111 1111 1111 1111", "payment card"),
    ("5555-5555-5555-4444", "payment card"),
    ("378282246310005", "payment card"),
    ("6011111111111117", "payment card"),
    ("3530111333300000", "payment card"),
    ("2221000000000009", "payment card"),  # Mastercard's 2-series (2221–2720)
    ("4111111111111112", None),  # fails Luhn
    ("9999999999999995", None),  # passes Luhn, but no card network starts with 99
    ("1234567812345670", None),  # likewise: an HRIS-style 16-digit number
    # Nordic identity numbers.
    ("15078512323", "Norwegian"),  # fødselsnummer: a date and two check digits
    ("45078512346", "Norwegian"),  # D-number: the day plus 40
    ("41019010110", "Norwegian"),  # a D-number for the 1st (day 41)
    ("15078512325", None),  # a check digit off
    ("811228-9874", "Swedish"),  # personnummer: a date and Luhn
    ("19811228-9874", "Swedish"),
    ("198112289874", "Swedish"),
    ("900161-1004", "Swedish"),  # a coordination number: the day plus 60
    ("121212+1006", "Swedish"),  # "+": a Swede over 100
    ("171201011002", None),  # twelve digits, but born in 1712: no personnummer
    ("811228-9875", None),  # fails Luhn
    ("131052-308T", "Finnish"),  # henkilötunnus: the official example
    ("010594Y9032", "Finnish"),  # the century signs added in 2023 (Y, E, …)
    ("020502E902X", "Finnish"),
    ("131052-308U", None),  # wrong check character
    ("070761-4286", "Danish"),  # a CPR number as Danes write it
    ("290200-1234", "Danish"),  # born on 29 February
    ("073161-4286", None),  # no month 31
    # Turkish identity numbers (T.C. Kimlik No): 11 digits, the first not 0, two check digits.
    ("10000000146", "Turkish"),
    ("38472910510", "Turkish"),
    ("52738194650", "Turkish"),
    ("11111111110", "Turkish"),
    ("38472910511", None),  # the 11th digit off
    ("38472910521", None),  # the 10th digit off (the 11th right for it)
    ("03847291082", None),  # both right, but a leading 0: no T.C. Kimlik No starts so
    ("384 729 105 10", None),  # in groups: how an HRIS number may be written, not this one
    ("TC38472910510", None),
    # Norway's check digits off by one, Turkey's right: one such number in a hundred.
    ("15078512324", "Turkish"),
    # Badge and HRIS numbers, never flagged, whatever their length.
    ("123456789", None),  # nine bare digits: an employee number as often as an SSN
    ("8112289874", None),  # ten bare digits
    ("12345678901", None),  # eleven digits that are no Norwegian number
    ("00012345678", None),
    ("1000000000000007", None),
    ("HRIS-00042", None),
    ("badge 7781", None),
    ("E-1029384", None),
    ("EMP 2024 0042", None),
    ("c-2d0f6a", None),
    ("AD-3F2A9C41B7E0D5C6A1F8", None),  # the desk's own ids
]


@pytest.mark.parametrize(("value", "kind"), TABLE)
def test_the_check_is_precise(value: str, kind: str | None) -> None:
    found = looks_like_sensitive_id(value)
    if kind is None:
        assert found is None, f"{value!r} flagged as {found}"
    else:
        assert found is not None
        assert kind in found


@pytest.mark.parametrize(("value", "kind"), TABLE)
def test_a_match_is_refused_with_the_seeds_reason(value: str, kind: str | None) -> None:
    params = {
        BerkeParam.FIRST_NAME: "Zoë",
        BerkeParam.LAST_NAME: "Müller",
        BerkeParam.SOURCE_CANDIDATE_ID: value,
    }
    if kind is None:
        request = CreateAssessmentRequest.model_validate(params)
        assert request.source_candidate_id == value
        assert all(a.field != BerkeParam.SOURCE_CANDIDATE_ID for a in request.advice())
        return
    with pytest.raises(ValidationError) as info:
        CreateAssessmentRequest.model_validate(params)
    message = field_errors(info.value)[BerkeParam.SOURCE_CANDIDATE_ID]
    assert message.startswith("Looks like a")
    assert kind in message
    assert "Do not use Social Security Numbers, bank IDs or other highly sensitive" in message
    assert "badge or HRIS id" in message


def test_the_desks_own_ids_are_never_refused() -> None:
    """An id the desk makes (an order's own, sent when the coordinator types none) is sent
    without asking: one refused would leave the order no way to an assessment."""
    for n in range(5000):
        for order_id in (f"{n}", f"{n:011d}", f"order-{n}", f"{10**10 + n}"):
            own = stable_candidate_id(order_id)
            assert looks_like_sensitive_id(own) is None, f"{own} (order {order_id}) refused"
    params = {BerkeParam.FIRST_NAME: "Ayşe", BerkeParam.LAST_NAME: "Kılıç"}
    own = stable_candidate_id("10000000146")
    request = CreateAssessmentRequest.model_validate(params | {BerkeParam.SOURCE_CANDIDATE_ID: own})
    assert request.source_candidate_id == own


def test_no_pattern_backtracks_over_a_long_value() -> None:
    # Whatever is pasted into the field is checked in linear time.
    for value in ("1 " * 5000, "1-" * 5000 + "x", "A" * 10_000, "9" * 10_000):
        assert looks_like_sensitive_id(value) is None
