"""Two coordinators at two desks (two databases) on one SmartRecruiters account."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.clients.errors import StateConflictError
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import Action, StepState
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxServer
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order, create_assessment
from app.workflows.outbox import resume_pending
from tests.integration.helpers import new_order_body
from tests.integration.test_workflows import run_with_desk


def test_an_accept_with_another_desks_url_is_a_failure_that_says_so(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
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
        assert (last.action, last.state) == (Action.ACCEPT, StepState.FAILED)
        assert last.outcome is None  # never counted as done

    run_with_desk(sandbox, tmp_path / "b.sqlite3", second_desk)


def test_a_resumed_accept_with_its_own_url_counts_as_done(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Lea"))
        link = await create_assessment(
            desk, order, CreateAssessmentRequest(first_name="Lea", last_name="Müller")
        )
        step = desk.journal.begin(order.id, Action.ACCEPT, {"assessmentURL": link.assessment_url})
        await desk.session.sr.accept_order(order.id, link.assessment_url)  # the answer is lost
        report = await resume_pending(desk)
        assert step in report.done
        entry = desk.journal.get(step)
        assert entry is not None
        assert entry.outcome == {"status": "IN_PROGRESS", "alreadyApplied": True}

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
