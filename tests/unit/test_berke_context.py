"""What the form and the invite dialog say around the request: the job's length and match
score, which user and department apply, and the invitation's text and advice."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.domain.berke import BerkeJob
from app.domain.berke_jobs import job_label, length_minutes, no_match_warning, result_needs_fit
from app.domain.berke_text import BerkeParam
from app.domain.berke_user import UserContext
from app.domain.connection import ConnectionProfile
from app.domain.field_errors import field_errors
from app.domain.invitation import InvitationText, advice_by_field
from app.domain.smartrecruiters import AssessmentOrder


def job(**fields: Any) -> BerkeJob:
    return BerkeJob.model_validate({BerkeParam.SOURCE_JOB_ID: "J1", "name": "Nurse", **fields})


def order(status: str = "NEW") -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": "o1", "status": status, "candidate": {"id": "c1", "firstName": "Zoë"}}
    )


@pytest.mark.parametrize(
    ("fields", "minutes", "label"),
    [
        ({"lengthSeconds": 2700, "matchEnabled": True}, 45, "Nurse — 45 min · match score"),
        ({"length": "00:30:00", "matchEnabled": "false"}, 30, "Nurse — 30 min · no match score"),
        ({"length": "1:05"}, 65, "Nurse — 65 min"),
        ({"lengthSeconds": 20}, 1, "Nurse — 1 min"),
        ({"length": "about an hour"}, None, "Nurse"),
        ({"lengthSeconds": 0, "matchEnabled": True}, None, "Nurse — match score"),
        ({}, None, "Nurse"),
    ],
)
def test_a_job_shows_its_length_and_match(
    fields: dict[str, Any], minutes: int | None, label: str
) -> None:
    assert length_minutes(job(**fields)) == minutes
    assert job_label(job(**fields)) == label


def test_a_job_without_match_is_warned_about_while_the_order_awaits_a_result() -> None:
    without = job(matchEnabled=False)
    assert result_needs_fit(order("NEW"))
    assert result_needs_fit(order("IN_PROGRESS"))
    assert not result_needs_fit(order("COMPLETED"))
    warning = no_match_warning(without, order())
    assert warning is not None
    assert "cannot generate match scores" in warning
    assert no_match_warning(without, order("REJECTED")) is None
    assert no_match_warning(job(matchEnabled=True), order()) is None
    assert no_match_warning(job(), order()) is None  # Berke did not say: no guess
    assert no_match_warning(None, order()) is None  # the company default job


@pytest.mark.parametrize(
    ("typed", "profile", "department", "user", "says"),
    [
        ("lars", "hanna", None, "lars", "Berke user “lars” (typed here)"),
        ("  ", "hanna", None, "hanna", "“hanna”, this connection's Berke user"),
        (None, None, None, None, "the API's default user"),
    ],
)
def test_the_user_context(
    typed: str | None, profile: str | None, department: str | None, user: str | None, says: str
) -> None:
    context = UserContext.of(typed, profile, department)
    assert context.user == user
    assert says in context.user_text()
    assert "Manager Name" in context.user_text()
    assert says in context.report_recipient_text()
    if user is None:
        assert context.report_recipient_text().startswith("No Berke user is set")
        assert "department of the API's default user" in context.department_text()
    else:
        assert f"department of “{user}”" in context.department_text()
    assert UserContext.of(typed, profile, " D-7 ").department_text() == (
        "Department “D-7” (typed here)."
    )


def test_the_invitation_text_and_its_advice() -> None:
    text = InvitationText.model_validate(
        {
            BerkeParam.INVITATION_MESSAGE: "  Welcome TO THE TEAM!  ",
            BerkeParam.SENDER_NAME: "",
            BerkeParam.SENDER_EMAIL: "talent@example.com",
        }
    )
    assert text.to_params() == {
        BerkeParam.INVITATION_MESSAGE: "Welcome TO THE TEAM!",
        BerkeParam.SENDER_EMAIL: "talent@example.com",
    }
    said = [a.message for a in text.advice()]
    assert any("Exclamation" in m for m in said)
    assert any("TO THE TEAM" in m for m in said)
    assert InvitationText().is_empty
    assert InvitationText().to_params() == {}
    for message, expected in (
        (".", "sends no message"),
        ("Default", "account's default invitation message"),
        ("Hi <b>you</b>", "HTML as text"),
    ):
        assert any(expected in a.message for a in InvitationText(message=message).advice())
    assert [a.field for a in InvitationText(sender_name="Talent").advice()] == [
        BerkeParam.SENDER_EMAIL
    ]
    with pytest.raises(ValidationError) as info:
        InvitationText.model_validate(
            {
                BerkeParam.INVITATION_MESSAGE: "m" * 1001,
                BerkeParam.SENDER_NAME: "n" * 101,
                BerkeParam.SENDER_EMAIL: "nope",
            }
        )
    assert set(field_errors(info.value)) == {
        BerkeParam.INVITATION_MESSAGE,
        BerkeParam.SENDER_NAME,
        BerkeParam.SENDER_EMAIL,
    }


def test_the_profile_keeps_a_valid_default_invitation() -> None:
    assert ConnectionProfile(name="P").default_invitation is None
    profile = ConnectionProfile(name="P", invitation_sender_name=" Talent team ")
    assert profile.default_invitation == InvitationText(sender_name="Talent team")
    with pytest.raises(ValidationError, match="well-formed"):
        ConnectionProfile(name="P", invitation_sender_email="mette.kjær@example.com")
    with pytest.raises(ValidationError):
        ConnectionProfile(name="P", invitation_message="m" * 1001)


def test_a_message_alone_is_not_warned_about_a_sender_email() -> None:
    """The sender left to Berke (no name, no email) is what the coordinator chose: only a
    sender name without its email is worth a word."""
    assert InvitationText(message="Welcome to the assessment.").advice() == []
    advice = InvitationText(message="Welcome.", sender_name="Ana Ruiz").advice()
    assert [a.field for a in advice] == [BerkeParam.SENDER_EMAIL]


def test_no_advice_under_a_field_that_shows_an_error() -> None:
    """A sender email the form refuses ("is not a well-formed email address") would also get
    "Without a sender email, Berke sends it from the hiring manager's address" under it, as
    if it were empty."""
    params: dict[str, object] = {
        BerkeParam.INVITATION_MESSAGE: "Welcome.",
        BerkeParam.SENDER_NAME: "Ana Ruiz",
        BerkeParam.SENDER_EMAIL: "ana@",
    }
    errors = {BerkeParam.SENDER_EMAIL: "is not a well-formed email address"}
    assert advice_by_field(params, errors) == {}
