"""Whatever one step raises, the batch and the background resumer go on with the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from app.clients.berke import BerkeClient
from app.domain.assessment_prefill import stable_candidate_id
from app.domain.berke import CreateAssessmentRequest, CreateAssessmentResponse
from app.domain.journal import CreateAssessmentStep
from app.domain.journal_terms import StepKind, StepState
from app.sandbox import SandboxServer
from app.workflows.batch import OutcomeKind, run_batch
from app.workflows.desk import Desk
from app.workflows.outbox import resume_pending
from tests.integration.helpers import new_order_body
from tests.integration.test_workflows import req, run_with_desk

Create = Callable[[CreateAssessmentRequest], Awaitable[CreateAssessmentResponse]]


def explode_for(desk: Desk, last_name: str) -> None:
    """A fault no service answer can cause any more: the code itself raises (a bug, a
    RecursionError in a parser). Injected here because the sandbox cannot produce it."""
    real: Create = desk.session.berke.create_assessment

    async def create(request: CreateAssessmentRequest) -> CreateAssessmentResponse:
        if request.last_name == last_name:
            raise RecursionError("maximum recursion depth exceeded")
        return await real(request)

    desk.session.berke.create_assessment = create  # type: ignore[method-assign]


def test_the_batch_goes_on_after_an_unexpected_error(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        orders = [
            await desk.session.sr.create_test_order(new_order_body(last=name))
            for name in ("Ahn", "Boom", "Cruz")
        ]
        explode_for(desk, "Boom")
        outcomes = await run_batch(desk, orders, req)
        assert [o.kind for o in outcomes] == [
            OutcomeKind.DONE, OutcomeKind.FAILED, OutcomeKind.DONE,
        ]  # fmt: skip
        assert "Something unexpected went wrong (RecursionError)" in outcomes[1].detail
        # The step stays pending with the reason, to be tried again.
        step = desk.journal.entries(orders[1].id)[-1]
        assert (step.action, step.state) == (StepKind.CREATE_ASSESSMENT, StepState.PENDING)
        assert step.message is not None
        assert "RecursionError" in step.message

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_the_resumer_goes_on_after_an_unexpected_error(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        steps = []
        for name in ("Boom", "Dahl", "Eze"):
            order = await desk.session.sr.create_test_order(new_order_body(last=name))
            request = req(order).model_copy(
                update={"last_name": name, "source_candidate_id": stable_candidate_id(order.id)}
            )
            steps.append(desk.journal.begin(order.id, CreateAssessmentStep(request=request)))
        explode_for(desk, "Boom")
        report = await resume_pending(desk)
        assert report.waiting == [steps[0]]
        assert report.done == steps[1:]

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_daily_limit_leaves_the_step_pending_not_failed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke's daily limit is a wait until the time it gives: the step waits, the order is not
    marked failed, and the resumer does not count it as a refusal."""
    daily = {
        "status": "error", "response": "Daily limit reached", "responseCode": "429",
        "isDailyLimit": True, "estimatedMillisecondsToNextAllowedCall": 3_600_000,
    }  # fmt: skip

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json=daily)

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(last="Limit"))
        await desk.session.berke.aclose()
        desk.session.berke = BerkeClient(
            "http://127.0.0.1:9/berke", "token-for-the-mock",
            transport=httpx.MockTransport(answer),
        )  # fmt: skip
        request = req(order).model_copy(
            update={"source_candidate_id": stable_candidate_id(order.id)}
        )
        step = desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        report = await resume_pending(desk)
        assert report.waiting == [step]
        assert report.failed == []
        entry = desk.journal.get(step)
        assert entry is not None
        assert entry.state is StepState.PENDING
        assert entry.message is not None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
