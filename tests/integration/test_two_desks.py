"""Two coordinators at two desks (two databases) on one SmartRecruiters account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.clients.errors import StateConflictError
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import AcceptStep, OrderUpdated
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import AcceptRequest, OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.batch import OutcomeKind, create_accept_invite
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order, create_assessment
from app.workflows.outbox import resume_pending
from tests.integration.helpers import invitations_berke_sent, new_order_body
from tests.integration.test_workflows import run_with_desk


@pytest.fixture(scope="module")
def url_sandbox() -> Any:
    """A SmartRecruiters that shows the URL an order was accepted with (the reference's order
    shape does not have it; the default sandbox leaves it out)."""
    config = SandboxConfig(sr_rate_per_second=0, berke_burst=100_000, accept_url_on_order=True)
    with SandboxServer(config) as server:
        yield server


def test_an_accept_with_another_desks_url_is_a_failure_that_says_so(
    url_sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox = url_sandbox

    async def first_desk(desk: Desk) -> tuple[str, str]:
        order = await desk.session.sr.create_test_order(new_order_body(first="Nora"))
        link = await create_assessment(
            desk, order, CreateAssessmentRequest(first_name="Nora", last_name="Müller")
        )
        await accept_order(desk, order)
        return order.id, link.assessment_url

    order_id, first_url = run_with_desk(sandbox, tmp_path / "a.sqlite3", first_desk)

    async def second_desk(desk: Desk) -> None:
        # The second desk still sees the order as NEW (its cache is older), and made its own
        # assessment for it under a typed id.
        order = await desk.session.sr.get_order(order_id)
        stale = order.model_copy(update={"status": OrderStatus.NEW, "assessment_url": None})
        await create_assessment(
            desk, stale,
            CreateAssessmentRequest(first_name="Nora", last_name="Müller",
                                    source_candidate_id=f"B-{order_id[:12]}"),
        )  # fmt: skip
        with pytest.raises(StateConflictError) as info:
            await accept_order(desk, stale)
        message = str(info.value)
        assert "already accepted elsewhere" in message
        assert first_url in message
        last = desk.journal.entries(order_id)[-1]
        assert (last.action, last.state) == (StepKind.ACCEPT, StepState.FAILED)
        assert last.outcome is None  # never counted as done

    run_with_desk(sandbox, tmp_path / "b.sqlite3", second_desk)


@pytest.mark.parametrize("shows_url", [True, False])
def test_a_resumed_accept_counts_as_done(
    sandbox: SandboxServer, url_sandbox: SandboxServer, tmp_path: Path, shows_url: bool
) -> None:
    """A lost answer: with the order's URL shown, it must be this step's; without it (the
    reference's shape), a step that may have been sent counts as done."""
    if shows_url:
        sandbox = url_sandbox

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Lea"))
        link = await create_assessment(
            desk, order, CreateAssessmentRequest(first_name="Lea", last_name="Müller")
        )
        request = AcceptRequest(assessment_url=link.assessment_url)
        step = desk.journal.begin(order.id, AcceptStep(request=request))
        desk.journal.set_may_have_gone(step, True)  # its try began, as execute marks it
        await desk.session.sr.accept_order(order.id, link.assessment_url)  # the answer is lost
        report = await resume_pending(desk)
        assert step in report.done
        entry = desk.journal.get(step)
        assert entry is not None
        assert entry.outcome == OrderUpdated(status=OrderStatus.IN_PROGRESS, already_applied=True)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_without_the_url_a_first_accept_refused_as_in_progress_is_a_failure(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters as documented shows no URL on the order: an accept that was never sent
    before and finds the order in progress was beaten by someone else."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ida"))
        link = await create_assessment(
            desk, order, CreateAssessmentRequest(first_name="Ida", last_name="Müller")
        )
        await desk.session.sr.accept_order(order.id, "https://elsewhere.example/a/XYZ")
        with pytest.raises(StateConflictError, match="does not say with which assessment URL"):
            await accept_order(desk, order)
        assert link.assessment_url  # this desk's assessment was not sent

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_two_desks_never_invite_one_candidate_twice(
    url_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Both desks run the batch on one order: the second links the first's assessment (the
    order's own id), counts the accept as done (same URL), and sends no second invitation."""

    async def make(desk: Desk) -> str:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Rui", email="rui@example.com")
        )
        return order.id

    order_id = run_with_desk(url_sandbox, tmp_path / "setup.sqlite3", make)

    async def batch(desk: Desk) -> tuple[OutcomeKind, str, int]:
        order = await desk.session.sr.get_order(order_id)
        stale = order.model_copy(update={"status": OrderStatus.NEW, "assessment_url": None})
        request = CreateAssessmentRequest(
            first_name="Rui", last_name="Müller", email_address="rui@example.com"
        )
        outcome = await create_accept_invite(desk, stale, lambda _order: request)
        link = desk.journal.assessment_for(order_id)
        assert link is not None
        return (
            outcome.kind,
            outcome.detail,
            invitations_berke_sent(url_sandbox, link.source_candidate_id),
        )

    first = run_with_desk(url_sandbox, tmp_path / "a.sqlite3", batch)
    second = run_with_desk(url_sandbox, tmp_path / "b.sqlite3", batch)
    assert first[0] is OutcomeKind.DONE
    assert "invited" in first[1]
    assert second[0] is OutcomeKind.DONE
    assert "no invitation sent" in second[1]
    assert second[2] == 1, "Berke sent the invitation once"
