"""What the batch asks Berke to create for a new order: the form's defaults, without the
optional data Berke would refuse (the form's coordinator clears such a field; the batch
cannot, and a coordinator usually cannot correct SmartRecruiters' data)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.batch import not_valid_for_berke, request_and_left_out, request_for_job

LONG_ADDRESS = "ines." + "l" * 59 + "@" + "b" * 50 + ".co"  # 118: SmartRecruiters takes 254
LONG_PHONE = "+46 70 123 45 67 (mobile; evenings only, or ask for the office)"


def order(**candidate: Any) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": "o1",
            "status": "NEW",
            "candidate": {
                "id": "c1",
                "firstName": "Ines",
                "lastName": "Lindqvist",
                "email": "ines@example.com",
                "phone": "+46 70 123 45 67",
                **candidate,
            },
        }
    )


def test_an_order_berke_takes_whole_is_sent_whole() -> None:
    request, without_phone = request_and_left_out(order(), None)
    assert (request.email_address, request.phone_number) == ("ines@example.com", "+46 70 123 45 67")
    assert not without_phone


@pytest.mark.parametrize(
    "address",
    [LONG_ADDRESS, "mette.kjær22@mail.example.org"],
    ids=["101 to 254 characters", "not well-formed for Berke"],
)
def test_an_address_berke_will_not_take_is_sent_as_none(address: str) -> None:
    """As the invitation step treats it: accepted, no invitation, the code to give."""
    request, without_phone = request_and_left_out(order(email=address), None)
    assert request.email_address is None
    assert request.phone_number == "+46 70 123 45 67"
    assert not without_phone  # the plan says it in its invitation step


def test_a_phone_number_berke_would_refuse_is_left_out_and_said() -> None:
    request, without_phone = request_and_left_out(order(phone=LONG_PHONE), None)
    assert request.phone_number is None
    assert request.email_address == "ines@example.com"
    assert without_phone
    assert request_for_job(order(phone=LONG_PHONE), None) == request


def test_a_name_berke_would_refuse_still_makes_no_request() -> None:
    """A required value cannot be left out: the plan skips the order, naming it (and not the
    phone number, which would be left out)."""
    with pytest.raises(ValidationError, match="at most 100 characters") as raised:
        request_and_left_out(order(firstName="X" * 101, phone=LONG_PHONE), None)
    said = not_valid_for_berke(raised.value)
    assert "first name: At most 100 characters (now 101)." in said
    assert "phone" not in said
