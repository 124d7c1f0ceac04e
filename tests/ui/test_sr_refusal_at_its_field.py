"""A SmartRecruiters refusal that names a field is shown under that field. The client never set
``parameter`` for SmartRecruiters, so even the reference's own example, "Please provide
'result' field.", was shown at the bottom of the Complete form (the review, bug 7)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx
import pytest
from PySide6.QtWidgets import QLabel

from app.clients.errors import StateConflictError, ValidationApiError
from app.clients.http import RetryPolicy
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, ResultType
from app.ui.orders.complete_dialog import CompleteDialog

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

NO_RETRY = RetryPolicy(read_retries=0, throttle_retries=0)
#: The reference's example error (/work/shared/api/smartrecruiters.md, "Errors").
EXAMPLE = "Request is incorrect. Please provide 'result' field."
ORDER = AssessmentOrder.model_validate(
    {"id": "o-1", "status": "IN_PROGRESS", "candidate": {"id": "c", "firstName": "A"}}
)


def refusal(message: str, status: int = 400) -> Exception:
    """What ``complete_with_result`` raises when SmartRecruiters answers ``message``."""
    body = {"httpCode": status, "code": "BAD_REQUEST", "message": message}
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json=body))

    async def call() -> Exception:
        async with SmartRecruitersClient(
            "https://sr.test/v1", "k" * 64, transport=transport, retry=NO_RETRY
        ) as sr:
            try:
                await sr.complete_with_result(
                    "o-1", AssessmentResult(result_type=ResultType.DOCUMENT, result="x")
                )
            except Exception as exc:  # noqa: BLE001 - the refusal is what is looked at
                return exc
        raise AssertionError("not refused")

    return asyncio.run(call())


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (EXAMPLE, "result"),
        ("Field 'assessmentURL', when passed, must be an absolute http(s) URL", "assessmentURL"),
        ("Field 'terms.price.amount' must be a decimal string like '20.00'", "terms.price.amount"),
        ("field 'title' must be a string", "title"),
        ("Request is incorrect.", None),
        ("Please provide '' field.", None),
        ("Please provide '" + "x" * 5000 + "' field.", None),  # no name is that long
    ],
)
def test_the_field_a_refusal_names_is_its_parameter(message: str, field: str | None) -> None:
    error = refusal(message)
    assert isinstance(error, ValidationApiError)
    assert error.parameter == field


def test_a_refusal_of_the_orders_state_is_still_a_state_conflict() -> None:
    error = refusal("Cannot change state of an assessment which is completed")
    assert isinstance(error, StateConflictError)


def test_a_refusal_naming_a_field_called_status_is_about_that_field() -> None:
    """An offer's "status" field refused: taken for an order's refused transition, it was
    said as "the order's status does not allow this change", at no field."""
    error = refusal("Field 'status' must be INACTIVE, UNDER_REVIEW or REJECTED")
    assert isinstance(error, ValidationApiError)
    assert not isinstance(error, StateConflictError)
    assert error.parameter == "status"


def test_the_complete_form_shows_the_references_example_under_the_result_field(
    qtbot: QtBot,
) -> None:
    error = refusal(EXAMPLE)
    assert isinstance(error, ValidationApiError)
    form = CompleteDialog(ORDER)
    qtbot.addWidget(form)
    form.show()
    form.show_server_error(str(error), error.parameter)  # as ``_form_call`` does
    under_result = form.findChild(QLabel, "error_result")
    assert under_result is not None
    assert "provide 'result' field" in under_result.text()
    assert under_result.isVisible()
    assert "provide 'result' field" not in form.form_error.text()
