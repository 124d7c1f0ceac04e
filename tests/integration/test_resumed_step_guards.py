"""What a resumed create or invitation checks before it counts as done or is sent: an
invitation whose assessment was deleted in Berke is not "already sent", and a create with a
typed id never takes an assessment it did not make (real sandbox; each test once had a
mutant of the step executors, then in app/workflows/steps.py, that no test saw, named in it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.clients.errors import ApiError
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import CreateAssessmentStep
from app.domain.journal_terms import StepState
from app.workflows.desk import Desk
from app.workflows.order_actions import create_assessment, send_invitation
from app.workflows.outbox import resume_pending
from tests.integration.helpers import FailsOnce, new_order_body, sandbox_answering
from tests.integration.test_invitation_count_unknown import accepted_order, invite_step
from tests.integration.test_workflows import run_with_desk


@pytest.fixture(scope="module")
def counted_sandbox() -> Iterator[Any]:
    with sandbox_answering(status_counts_invitations=True) as server:
        yield server


def _request(first: str, email: str, typed_id: str) -> CreateAssessmentRequest:
    return CreateAssessmentRequest.model_validate(
        {"firstName": first, "lastName": "Ng", "emailAddress": email, "sourceCandidateId": typed_id}
    )


def test_resumed_invitation_for_an_assessment_deleted_in_berke_is_not_counted_sent(
    counted_sandbox: Any, tmp_path: Path
) -> None:
    """Mutant S13 (step_invite.py invitation_went: `if status is None: return False` -> True):
    the invitation's first try never reached Berke (a 503 before it), then the assessment
    was deleted in Berke: resumed, the step must fail, not be recorded "already sent"."""

    async def body(desk: Desk) -> None:
        order, link = await accepted_order(desk, "Delia")
        with pytest.raises(ApiError):  # the 503, before Berke had it
            await send_invitation(desk, order)
        assert invite_step(desk, order.id).state is StepState.PENDING
        await desk.session.berke.delete_assessment(link.source_candidate_id)
        await resume_pending(desk)
        entry = invite_step(desk, order.id)
        assert entry.state is StepState.FAILED, (entry.state, entry.outcome)
        assert entry.outcome is None or not getattr(entry.outcome, "already_sent", False)

    network = FailsOnce("/SendInvitation", 503, {"message": "gateway"}, carried_out=False)
    run_with_desk(counted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)


def test_resumed_create_with_a_typed_id_never_links_berkes_assessment_under_it(
    counted_sandbox: Any, tmp_path: Path
) -> None:
    """Mutant S15 (step_create.py create_assessment retry: `if own_id and existing.is_for(request)`
    -> `if existing.is_for(request)`): a typed id Berke holds (same names and email, made
    elsewhere) is never linked on the id's authority when the create is resumed."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Tia", last="Ng", email="tia@example.com")
        )
        desk.orders.put(order)
        request = _request("Tia", "tia@example.com", "TYPED-TIA-1")
        await desk.session.berke.create_assessment(request)  # someone else's, under the id
        entry_id = desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        await resume_pending(desk)
        entry = desk.journal.get(entry_id)
        assert entry is not None
        assert entry.state is StepState.FAILED, (entry.state, entry.outcome)
        assert desk.journal.assessment_for(order.id) is None

    run_with_desk(counted_sandbox, tmp_path / "desk.sqlite3", body)


def test_resumed_create_with_an_id_another_order_here_had_is_refused(
    counted_sandbox: Any, tmp_path: Path
) -> None:
    """Mutant S16 (step_create.py create_assessment: `if retry and not own_id:` ->
    `if False:`): an id another order's assessment here had (deleted in Berke since) is
    refused when a typed-id create is resumed; created, the old order took the new one's news."""

    async def body(desk: Desk) -> None:
        first = await desk.session.sr.create_test_order(
            new_order_body(first="Ola", last="Ng", email="ola@example.com")
        )
        desk.orders.put(first)
        typed = "TYPED-OLA-1"
        await create_assessment(desk, first, _request("Ola", "ola@example.com", typed))
        await desk.session.berke.delete_assessment(typed)
        second = await desk.session.sr.create_test_order(
            new_order_body(first="Pia", last="Ng", email="pia@example.com")
        )
        desk.orders.put(second)
        request = _request("Pia", "pia@example.com", typed)
        entry_id = desk.journal.begin(second.id, CreateAssessmentStep(request=request))
        await resume_pending(desk)
        entry = desk.journal.get(entry_id)
        assert entry is not None
        assert entry.state is StepState.FAILED, (entry.state, entry.outcome)
        assert desk.journal.assessment_for(second.id) is None
        assert await desk.session.berke.get_assessment_status(typed) is None

    run_with_desk(counted_sandbox, tmp_path / "desk.sqlite3", body)
