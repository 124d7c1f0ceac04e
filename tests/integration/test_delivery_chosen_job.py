"""Mutation-audit pin for ``plan_delivery``'s ``judged_on_default_job`` line
(app/workflows/delivery.py): an assessment made for its own order with a Berke job the
coordinator chose is never judged on Berke's default (primary) job.

Mutant killed: ``link.on_default_job or (not reused and not link.source_job_id)`` ->
``link.on_default_job or not reused``. It survived test_close_the_loop.py: when Berke had no
fit for the chosen job (unassigned since, not computed yet), the primary job's fit was given
as the order's verdict (Passed / Not passed) on a job nobody chose for it."""

from __future__ import annotations

from pathlib import Path

from app.domain.berke_results import CompletedAssessment
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from tests.integration.test_close_the_loop import (
    _answers_changed,
    analyst_order_judged_on,
    with_board,
)


def _without_the_chosen_job(done: CompletedAssessment) -> CompletedAssessment:
    """Berke's answer with no fit for SW-ENG, one of the others flagged primary."""
    others = [fit for fit in done.job_fits if fit.source_job_id.casefold() != "sw-eng"]
    assert others
    if not any(fit.is_primary_job for fit in others):
        others[0] = others[0].model_copy(update={"is_primary_job": True})
    return done.model_copy(update={"job_fits": tuple(others)})


def test_an_order_made_with_a_chosen_job_gets_no_verdict_on_the_primary_job(
    tmp_path: Path,
) -> None:
    """Made for "Data Analyst" with the Berke job SW-ENG chosen for it; Berke's answer has no
    SW-ENG fit: the result says neither passed nor failed, rather than the primary job's."""
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: OrderBoard, desk: Desk) -> None:
            order_id = await analyst_order_judged_on(board, desk, server, "Pia", "SW-ENG")
            _answers_changed(desk, _without_the_chosen_job)
            plan = await board.preview_delivery(order_id)
            assert plan.fit is not None
            assert plan.fit.is_primary_job
            assert plan.result.passed is None
            assert "Berke has no fit for this order's job (Data Analyst)" in (
                plan.result.description or ""
            )

        with_board(server, tmp_path / "desk.sqlite3", body)
