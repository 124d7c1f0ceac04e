"""Berke's copy of a candidate (the names and email it sent back) in a refusal is Berke's text:
redacted and cut as its other words are, in the message shown and in the journal.

Before: a create refused because Berke holds an assessment under the id named whoever Berke
said it was for as Berke wrote it: a broken or hostile Berke echoing the API token as a name
put the token into the dialog and into the step's note in the journal (real sandbox: the
assessment under the id is made with the token for a first name)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.clients.errors import ValidationApiError
from app.domain.assessment_prefill import stable_candidate_id
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import CreateAssessmentStep
from app.domain.journal_terms import StepState
from app.domain.smartrecruiters import AssessmentOrder
from app.sandbox import DEMO_BERKE_TOKEN, SandboxConfig, SandboxServer
from app.workflows.desk import Desk
from app.workflows.order_actions import create_assessment
from app.workflows.outbox import resume_pending
from tests.integration.helpers import new_order_body
from tests.integration.test_workflows import run_with_desk

REDACTED = "«redacted»"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    config = SandboxConfig(orders=0, sr_rate_per_second=0, berke_burst=100_000)
    with SandboxServer(config) as server:
        yield server


def _request(first: str, email: str, candidate_id: str) -> CreateAssessmentRequest:
    return CreateAssessmentRequest.model_validate(
        {
            "firstName": first,
            "lastName": "Ng",
            "emailAddress": email,
            "sourceCandidateId": candidate_id,
        }
    )


async def _order(desk: Desk, first: str) -> AssessmentOrder:
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last="Ng", email=f"{first.lower()}@example.com")
    )
    await asyncio.to_thread(desk.orders.put, order)
    return order


async def _held_under_the_token(desk: Desk, candidate_id: str) -> None:
    """Berke holds an assessment under ``candidate_id`` whose first name is the API token."""
    held = _request(DEMO_BERKE_TOKEN, "someone@example.com", candidate_id)
    await desk.session.berke.create_assessment(held)


def _no_token_in(said: str) -> None:
    assert DEMO_BERKE_TOKEN not in said, said
    assert REDACTED in said, said


def test_a_create_refused_for_a_typed_id_berke_holds_never_shows_the_token(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await _order(desk, "Tia")
        await _held_under_the_token(desk, "TYPED-TIA-1")
        with pytest.raises(ValidationApiError) as refused:
            await create_assessment(desk, order, _request("Tia", "tia@example.com", "TYPED-TIA-1"))
        _no_token_in(str(refused.value))
        assert "already used in Berke for" in str(refused.value)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_resumed_create_refused_for_a_typed_id_berke_holds_never_journals_the_token(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await _order(desk, "Ola")
        await _held_under_the_token(desk, "TYPED-OLA-1")
        request = _request("Ola", "ola@example.com", "TYPED-OLA-1")
        entry_id = desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        await resume_pending(desk)
        entry = desk.journal.get(entry_id)
        assert entry is not None
        assert entry.state is StepState.FAILED, (entry.state, entry.message)
        _no_token_in(entry.message or "")

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


@pytest.mark.parametrize("own_id", [False, True], ids=["typed-id", "the-orders-own-id"])
def test_a_create_for_an_ended_order_never_journals_the_token(
    sandbox: SandboxServer, tmp_path: Path, own_id: bool
) -> None:
    """A create waiting for an order rejected since: Berke's assessment under its id is named
    in the refusal (whoever it is for), its names read as Berke's words."""

    async def body(desk: Desk) -> None:
        order = await _order(desk, "Pia")
        candidate_id = stable_candidate_id(order.id) if own_id else "TYPED-PIA-1"
        await _held_under_the_token(desk, candidate_id)
        await desk.session.sr.reject_order(order.id, message="The position was filled")
        request = _request("Pia", "pia@example.com", candidate_id)
        entry_id = desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        await resume_pending(desk)
        entry = desk.journal.get(entry_id)
        assert entry is not None
        assert entry.state is StepState.FAILED, (entry.state, entry.message)
        assert "Not sent: the order was rejected" in (entry.message or "")
        _no_token_in(entry.message or "")

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
