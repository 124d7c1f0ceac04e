"""Pins for lost_invitation.settle_lost_invitation / _lost_invitation_lead (mutation audit):
when the resumer's pass is run at once on an invitation that may have gone, and the words that
lead "it is not sent again"."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from app.clients.errors import ApiError, NetworkError, NotFoundError, ServerError, Service
from app.domain.journal import InviteStep, JournalEntry
from app.domain.journal_terms import StepState
from app.workflows import lost_invitation
from app.workflows.refusals import StepRefusedError
from tests.unit.test_journal_steps import INVITE

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _invite(state: StepState, *, counted: int | None) -> JournalEntry:
    step = InviteStep(request=INVITE, invitations_sent_before=counted)
    return JournalEntry(
        id=1, order_id="o", action=step.action, state=state, step=step, outcome=None,
        created_at=AT, updated_at=AT, may_have_gone=True,
    )  # fmt: skip


def _settle(
    monkeypatch: pytest.MonkeyPatch, entry: JournalEntry, exc: Exception, *, went: Any = None,
    passes: Exception | None = None,
) -> tuple[BaseException, list[JournalEntry]]:  # fmt: skip
    ran: list[JournalEntry] = []

    async def execute(desk: object, latest: JournalEntry, *, retry: bool = False) -> None:
        ran.append(latest)
        if passes is not None:
            raise passes

    async def invitation_went(desk: object, step: InviteStep) -> bool | None:
        if isinstance(went, Exception):
            raise went
        return went

    monkeypatch.setattr(lost_invitation, "execute", execute)
    monkeypatch.setattr(lost_invitation, "invitation_went", invitation_went)
    desk = SimpleNamespace(journal=SimpleNamespace(entries=lambda order_id: [entry]))
    with pytest.raises(BaseException) as raised:  # noqa: PT011 - whichever it raises is read
        asyncio.run(lost_invitation.settle_lost_invitation(desk, "o", exc))  # type: ignore[arg-type]
    return raised.value, ran


def _lost() -> ServerError:
    return ServerError(Service.BERKE, http_status=503)


def test_an_invitation_no_longer_waiting_is_left_as_it_ended(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its try failed for good (not waiting): no pass is run on it, the try's error is said."""
    exc = _lost()
    raised, ran = _settle(monkeypatch, _invite(StepState.FAILED, counted=None), exc)
    assert raised is exc
    assert ran == []


def test_berke_not_answering_for_the_count_leaves_the_invitation_to_the_resumer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A count kept, and Berke not asked now (its status call failed): left waiting for the
    resumer's pass, which asks again; not failed at once as uncounted."""
    exc = _lost()
    entry = _invite(StepState.PENDING, counted=2)
    raised, ran = _settle(monkeypatch, entry, exc, went=ServerError(Service.BERKE, http_status=502))
    assert raised is exc
    assert ran == []


def test_a_pass_that_fails_unexpectedly_says_the_tries_own_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pass run at once breaks on something not a service's answer: logged, and the
    invitation's own failure is what is raised (the resumer ends the step later)."""
    exc = _lost()
    entry = _invite(StepState.PENDING, counted=None)
    raised, ran = _settle(monkeypatch, entry, exc, passes=RuntimeError("disk full"))
    assert raised is exc
    assert ran == [entry]


def test_a_pass_that_refuses_says_what_failed_then_why_it_is_not_sent_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exc = _lost()
    entry = _invite(StepState.PENDING, counted=None)
    raised, _ran = _settle(monkeypatch, entry, exc, passes=StepRefusedError("Not sent again."))
    assert str(raised) == (
        "Berke did not answer the invitation (503: Service Unavailable). Not sent again."
    )


@pytest.mark.parametrize(
    ("exc", "lead"),
    [
        (ServerError(Service.BERKE, http_status=500),
         "Berke did not answer the invitation (500: Internal Server Error)."),
        (ServerError(Service.BERKE, http_status=599),
         "Berke did not answer the invitation (599)."),
        (ServerError(Service.BERKE, http_status=502, service_message="Gateway down"),
         "Berke did not answer the invitation (502: Bad Gateway). "
         "The service said: “Gateway down”"),
    ],
    ids=["500", "unknown-5xx", "with-service-words"],
)  # fmt: skip
def test_a_servers_error_leads_by_its_status_without_try_again(exc: ApiError, lead: str) -> None:
    """A 5xx is said by its status and the service's own words, never with the summary's
    "trying again later usually works" (read first, it invited a second email)."""
    said = lost_invitation._lost_invitation_lead(exc)
    assert said == lead
    assert "trying again" not in said


@pytest.mark.parametrize(
    "exc",
    [NotFoundError(Service.BERKE, http_status=404), NetworkError(Service.BERKE)],
    ids=["4xx", "no-answer"],
)
def test_an_answer_below_500_or_none_leads_by_its_own_words(exc: ApiError) -> None:
    assert lost_invitation._lost_invitation_lead(exc) == str(exc)


def test_a_failure_not_a_services_says_it_is_not_known_whether_berke_got_it() -> None:
    said = lost_invitation._lost_invitation_lead(ValueError("boom"))
    assert said == (
        "Something unexpected went wrong (ValueError); whether Berke got the invitation is not "
        "known. The log has the details."
    )
