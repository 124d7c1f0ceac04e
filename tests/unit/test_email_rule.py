"""One email rule: the app (form, batch, client models) and the sandbox's Berke admit exactly
the same addresses, those of one table; and the demo data holds only addresses it admits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_text import BerkeParam
from app.domain.email_rule import is_well_formed_email
from app.sandbox import berke_params
from app.sandbox.berke_render import BerkeError
from app.sandbox.data import seed_offers, seed_orders
from tests.email_rule_table import EMAIL_TABLE


@pytest.mark.parametrize(("address", "admitted"), EMAIL_TABLE)
def test_the_app_admits_exactly_the_table(address: str, admitted: bool) -> None:
    assert is_well_formed_email(address) is admitted


@pytest.mark.parametrize(("address", "admitted"), EMAIL_TABLE)
def test_the_sandbox_admits_exactly_the_table(address: str, admitted: bool) -> None:
    assert berke_params.is_email(address) is admitted
    # As the simulated Berke reads a parameter: refused with "Invalid email address".
    params: berke_params.Params = {"senderEmail": address}
    if admitted:
        assert berke_params.email(params, "senderEmail", 1000) == address
    else:
        with pytest.raises(BerkeError, match="Invalid email address"):
            berke_params.email(params, "senderEmail", 1000)


@pytest.mark.parametrize(
    ("address", "admitted"),
    [(a, ok) for a, ok in EMAIL_TABLE if len(a) <= 100 and a == a.strip()],
)
def test_the_form_and_the_batch_models_apply_the_rule(address: str, admitted: bool) -> None:
    """The request models (what the form and the batch build) refuse before anything is sent
    exactly what the sandbox's Berke would refuse after."""

    def valid(params: dict[str, Any], model: type[Any]) -> bool:
        try:
            model.model_validate(params)
        except ValidationError:
            return False
        return True

    names = {BerkeParam.FIRST_NAME: "Mette", BerkeParam.LAST_NAME: "Kjær"}
    assert valid({**names, BerkeParam.EMAIL_ADDRESS: address}, CreateAssessmentRequest) is admitted
    report_to = {
        **names,
        BerkeParam.ON_COMPLETE_ACTION: 5,
        BerkeParam.EMAIL_REPORT_TO_LIST: address,
    }
    if "," not in address:
        assert valid(report_to, CreateAssessmentRequest) is admitted
    invitation = {BerkeParam.SOURCE_CANDIDATE_ID: "HR-1", BerkeParam.EMAIL_ADDRESS: "a@b.co"}
    assert valid({**invitation, BerkeParam.SENDER_EMAIL: address}, SendInvitationRequest) is (
        admitted
    )


def _addresses(value: object) -> Iterator[str]:
    """Every e-mail address in a seeded document, wherever it sits."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and "email" in key.lower() and item:
                yield item
            else:
                yield from _addresses(item)
    elif isinstance(value, list):
        for item in value:
            yield from _addresses(item)


@pytest.mark.parametrize("seed", [1, 2, 3, 7, 42])
def test_the_demo_data_holds_only_addresses_the_rule_admits(seed: int) -> None:
    orders = seed_orders(seed, 500, seed_offers())
    found = [address for order in orders for address in _addresses(order.document)]
    assert len(found) > 500  # candidates and requestors
    refused = sorted(
        {a for a in found if not (is_well_formed_email(a) and berke_params.is_email(a))}
    )
    assert refused == []
