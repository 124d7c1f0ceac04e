"""The orders are indexed by candidate off the event loop's thread: a batch's plan and run
and the form's reuse offer each indexed every order on the GUI thread (40 ms at 5,000 orders:
the batch's one long stall)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from app.domain.same_candidate import IdentityKeys
from app.domain.smartrecruiters import AssessmentOrder
from app.workflows import batch
from app.workflows import board as board_module
from app.workflows.batch import OrdersByCandidate, PlanKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from tests.integration.helpers import new_order_body
from tests.integration.test_close_the_loop import with_board

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def test_batches_and_forms_index_the_orders_off_the_loops_thread(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    indexed_in: list[threading.Thread] = []

    class Watched(OrdersByCandidate):
        def __init__(self, *args: Any) -> None:
            indexed_in.append(threading.current_thread())
            super().__init__(*args)

    monkeypatch.setattr(board_module, "OrdersByCandidate", Watched)

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await desk.session.sr.create_test_order(
            new_order_body(first="Ines", last="Lindqvist", email="ines@example.com")
        )
        second = await desk.session.sr.create_test_order(
            new_order_body(first="Ines", last="Lindqvist", email="ines@example.com")
        )
        await board.sync()
        plan = await board.plan_batch([first.id, second.id])
        assert [p.kind for p in plan.orders] == [PlanKind.CREATE, PlanKind.REUSE]
        await board.create_accept_invite([first.id])
        found = await board.reuse_candidates(second.id)
        assert [r.from_order_id for r in found] == [first.id]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert len(indexed_in) == 3  # the plan, the run, the form's offer
    assert threading.main_thread() not in indexed_in


def test_an_unchanged_sync_keeps_the_keys_worked_out(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worked_out: list[str] = []
    candidate_keys = batch.candidate_keys

    def counted(order: AssessmentOrder) -> IdentityKeys:
        worked_out.append(order.id)
        return candidate_keys(order)

    monkeypatch.setattr(batch, "candidate_keys", counted)

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Jon"))
        await board.sync()
        await board.reuse_candidates(order.id)
        first = len(worked_out)
        assert first >= len(board.orders())
        await board.sync()  # nothing changed
        await board.reuse_candidates(order.id)
        assert len(worked_out) == first  # none worked out again

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
