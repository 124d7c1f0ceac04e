"""An assessment deleted in Berke by hand, or from another desk, while its order is open:
nothing sends its dead link or an invitation to it, not the resumer nor Retry either; and an
id freed by a deletion and typed again for a new assessment is that one's, not "deleted"."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.domain.berke_progress import BerkeProgress
from app.domain.journal import AcceptStep
from app.domain.smartrecruiters import OrderStatus
from app.domain.step_kinds import StepKind, StepState
from app.workflows.batch import OutcomeKind, PlanKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError, StepRefusedError
from tests.integration.helpers import RealNetwork, new_order_body
from tests.integration.test_batch_plan import ines
from tests.integration.test_close_the_loop import with_board

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


class AcceptsFail(RealNetwork):
    """SmartRecruiters' transport: every accept gets a 503 while ``failing`` (the step stays
    pending, for the resumer)."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.method == "POST" and request.url.path.endswith("/accept"):
            return httpx.Response(503, json={"message": "Busy"}, request=request)
        return await self.inner.handle_async_request(request)


def test_a_pending_accept_is_not_sent_once_its_assessment_is_deleted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The accept waits for the resumer (a 503); meanwhile the assessment is deleted in Berke.
    Before, the resumer sent the accept: SmartRecruiters had the order in progress with a
    link that no longer works. Now the step fails in words, and Retry refuses it too."""
    sr = AcceptsFail()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Nils", last="Ek", email="nils@example.com")
        )
        await board.sync()
        made = await board.create_assessment(order.id, board.default_request(order.id))
        with pytest.raises(Exception, match="Busy"):
            await board.accept(order.id)
        assert desk.journal.has_pending(order.id, StepKind.ACCEPT)
        await desk.session.berke.delete_assessment(made.source_candidate_id)
        await board.watch()
        sr.failing = False

        await board.resume()
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.NEW
        (accept,) = [e for e in desk.journal.entries(order.id) if isinstance(e.step, AcceptStep)]
        assert accept.state is StepState.FAILED
        assert accept.message is not None
        assert accept.message.startswith("Not sent: Berke no longer has this order's assessment")
        with pytest.raises(StepRefusedError, match="link that no longer works"):
            await board.retry_step(accept.id)
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.NEW

    with_board(sandbox, tmp_path / "desk.sqlite3", body, sr)


def test_an_id_freed_by_a_deletion_and_typed_again_is_the_new_assessments(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """EMP-77 was the rejected order's assessment, deleted by this desk; Berke takes the id
    again for another order's new assessment. Before, the old one's "deleted" stayed on the
    id: the new order was refused its accept and flagged to be rejected, for good."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await ines(desk, "a", "ines@example.com", "Registered Nurse")
        second = await ines(desk, "b", "ines2@example.com", "Data Analyst")
        await board.sync()
        typed = board.default_request(first.id).model_copy(update={"source_candidate_id": "EMP-77"})
        await board.create_assessment(first.id, typed)
        await board.reject([first.id], reason="Withdrawn")
        await board.delete_in_berke(first.id)
        assert board.state(first.id).berke_progress is BerkeProgress.DELETED

        again = board.default_request(second.id).model_copy(
            update={"source_candidate_id": "emp-77"}
        )
        await board.create_assessment(second.id, again)
        await board.watch()
        assert board.state(second.id).berke_progress is BerkeProgress.NOT_STARTED
        assert board.flags(second.id) == []
        await board.accept(second.id)
        assert (await desk.session.sr.get_order(second.id)).status is OrderStatus.IN_PROGRESS

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_planned_reuse_of_an_assessment_deleted_before_the_run_says_so(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        nurse = await ines(desk, "a", "ines@example.com", "Registered Nurse")
        analyst = await ines(desk, "a", "ines@example.com", "Data Analyst")
        await board.sync()
        made = await board.create_assessment(nurse.id, board.default_request(nurse.id))
        await board.accept(nurse.id)
        await board.invite(nurse.id)
        plan = (await board.plan_batch([analyst.id])).orders
        assert [p.kind for p in plan] == [PlanKind.REUSE]
        await desk.session.berke.delete_assessment(made.source_candidate_id)
        await board.watch()
        (ran,) = await board.create_accept_invite([analyst.id], plan=plan)
        assert ran.kind is OutcomeKind.FAILED
        assert "was deleted in Berke" in ran.detail
        assert desk.journal.assessment_for(analyst.id) is None
        with pytest.raises(ActionNotAllowedError, match="deleted there"):
            await board.reuse(analyst.id, nurse.id)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
