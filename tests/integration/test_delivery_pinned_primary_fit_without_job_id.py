"""Pins ``_check_job_id``'s primary-job exception (app/workflows/delivery.py): a fit without a
job id is still delivered when it is Berke's primary job's (asked without a job, Berke sends
the primary job's report: the right one).

Mutant killed: ``if not fit.source_job_id and not fit.is_primary_job:`` ->
``if not fit.source_job_id:``. It survived tests/integration/test_delivery_guards.py and
test_close_the_loop.py (every fit without a job id in them is a non-primary one): every order
whose own fit is the primary job's, named without a job id, would be refused "Berke names no
job id", its result never delivered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.domain.berke_results import CompletedAssessment, JobFit
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from tests.integration.test_close_the_loop import (
    _answers_changed,
    finished,
    nurse_order,
    with_board,
)
from tests.integration.test_delivery_guards import _fits


def _nurse_primary_without_job_id(done: CompletedAssessment) -> CompletedAssessment:
    def change(fit: JobFit) -> dict[str, Any]:
        if fit.source_job_id == "NURSE-RN":
            return {"is_primary_job": True, "source_job_id": ""}
        return {"is_primary_job": False}

    return _fits(done, change)


def test_the_primary_jobs_fit_without_a_job_id_is_delivered(tmp_path: Path) -> None:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: OrderBoard, desk: Desk) -> None:
            order_id = await nurse_order(board, desk, "Prim", "prim@example.com")
            await finished(board, server, order_id)
            _answers_changed(desk, _nurse_primary_without_job_id)
            plan = await board.preview_delivery(order_id)
            assert plan.fit is not None
            assert plan.fit.is_primary_job
            assert not plan.fit.source_job_id
            assert plan.fit.job
            assert plan.fit.job.startswith("Regist")

        with_board(server, tmp_path / "d.sqlite3", body)
