"""An assessment deleted in Berke by hand, or from another desk, while its order is open:
nothing sends its dead link or an invitation to it, not the resumer nor Retry either; and an
id freed by a deletion is not typed again for another order's new assessment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.clients.errors import ValidationApiError
from app.domain.attention import Attention
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_text import BerkeParam
from app.domain.journal import AcceptStep, CreateAssessmentStep
from app.domain.journal_terms import LinkedAssessment
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.step_kinds import StepKind, StepState
from app.workflows.batch import OutcomeKind, PlanKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError, StepRefusedError
from tests.integration.helpers import RealNetwork, new_order_body, time_passes
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


async def accept_waiting_then_deleted(
    board: OrderBoard, desk: Desk, first: str
) -> tuple[AssessmentOrder, LinkedAssessment]:
    """A new order with its assessment, whose accept got a 503 (the transport's), then the
    assessment deleted in Berke and seen by the watch."""
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last="Ek", email=f"{first.lower()}@example.com")
    )
    await board.sync()
    made = await board.create_assessment(order.id, board.default_request(order.id))
    with pytest.raises(Exception, match="Busy"):
        await board.accept(order.id)
    assert desk.journal.has_pending(order.id, StepKind.ACCEPT)
    await desk.session.berke.delete_assessment(made.source_candidate_id)
    await board.watch()
    return order, made


def test_a_pending_accept_is_not_sent_once_its_assessment_is_deleted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The accept waits for the resumer (a 503); meanwhile the assessment is deleted in Berke.
    Before, the resumer sent the accept: SmartRecruiters had the order in progress with a
    link that no longer works. Now the step fails in words, and Retry refuses it too."""
    sr = AcceptsFail()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order, _made = await accept_waiting_then_deleted(board, desk, "Nils")
        # Not "retried automatically": that retry is refused, and the button says why.
        for action in (OrderAction.ACCEPT, OrderAction.CREATE_ACCEPT_INVITE):
            said = board.why_not(action, [order.id])
            assert said is not None
            assert "Accepting would give SmartRecruiters a link that no longer works" in said
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


def test_a_pending_accept_of_a_deleted_assessment_on_an_order_withdrawn_meanwhile(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The recruiter withdrew the order while its accept waited: the step's words do not ask
    to reject an order that is rejected already."""
    sr = AcceptsFail()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order, made = await accept_waiting_then_deleted(board, desk, "Nils")
        await desk.session.sr.reject_order(order.id)
        sr.failing = False
        await board.resume()
        (accept,) = [e for e in desk.journal.entries(order.id) if isinstance(e.step, AcceptStep)]
        assert accept.state is StepState.FAILED
        assert accept.message == (
            f"Not sent: Berke no longer has the assessment ({made.invitation_code}); it was "
            "deleted there."
        )

    with_board(sandbox, tmp_path / "desk.sqlite3", body, sr)


@pytest.mark.parametrize(("first_id", "typed_again"), [("EMP-77", "emp-77"), ("ÉMP-77", "émp-77")])
def test_an_id_freed_by_a_deletion_is_not_typed_again_for_another_order(
    sandbox: SandboxServer, tmp_path: Path, first_id: str, typed_again: str
) -> None:
    """EMP-77 was the rejected order's assessment, since deleted; Berke would take the id again
        for another order's new assessment. What this desk knows of Berke's side is kept by id:
        the old order, or one still open on it, would take the new one's news, invitation and
        result (a first try dropped the old "deleted", and another candidate's report went to the
        old order). So the id is refused at its field, before anything is sent: in any case, as
    Berke compares ids (SQLite's NOCASE let "émp-77" past "ÉMP-77")."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await ines(desk, "a", "ines@example.com", "Registered Nurse")
        second = await ines(desk, "b", "ines2@example.com", "Data Analyst")
        await board.sync()
        typed = board.default_request(first.id).model_copy(update={"source_candidate_id": first_id})
        await board.create_assessment(first.id, typed)
        await board.reject([first.id], reason="Withdrawn")
        await board.delete_in_berke(first.id)
        assert board.state(first.id).berke_progress is BerkeProgress.DELETED

        again = board.default_request(second.id).model_copy(
            update={"source_candidate_id": typed_again}
        )
        with pytest.raises(ValidationApiError) as refused:
            await board.create_assessment(second.id, again)
        assert refused.value.parameter == BerkeParam.SOURCE_CANDIDATE_ID
        said = f"{typed_again} was the id of another order's assessment here (Ines Lindqvist)"
        assert said in str(refused.value)
        assert desk.journal.assessment_for(second.id) is None
        assert desk.journal.entries(second.id) == []  # refused before a step was recorded
        assert await desk.session.berke.get_assessment_status(first_id) is None  # none sent
        # The order's own id (the form's empty field) still makes one.
        await board.create_assessment(second.id, board.default_request(second.id))
        assert board.state(first.id).berke_progress is BerkeProgress.DELETED

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_create_recorded_before_an_id_was_freed_is_not_sent_under_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A create under EMP-77 waits in the journal (recorded by an earlier version, or failed
    as "taken" and Retried); the other order's assessment under that id is then deleted. The
    resumer's try asks here too: before, it made a new assessment under the id, which read
    "deleted" for good."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await ines(desk, "a", "ines@example.com", "Registered Nurse")
        second = await ines(desk, "b", "ines2@example.com", "Data Analyst")
        await board.sync()
        typed = board.default_request(first.id).model_copy(update={"source_candidate_id": "EMP-77"})
        await board.create_assessment(first.id, typed)
        await board.reject([first.id], reason="Withdrawn")
        await board.delete_in_berke(first.id)
        again = board.default_request(second.id).model_copy(
            update={"source_candidate_id": "EMP-77"}
        )
        desk.journal.begin(second.id, CreateAssessmentStep(request=again))
        await board.resume()
        assert desk.journal.assessment_for(second.id) is None
        (create,) = desk.journal.entries(second.id)
        assert create.state is StepState.FAILED
        assert create.message is not None
        assert "EMP-77 was the id of another order's assessment here" in create.message
        assert await desk.session.berke.get_assessment_status("EMP-77") is None

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


class AcceptAnswerLost(AcceptsFail):
    """SmartRecruiters applies the accept, and its answer is lost (a 503 instead)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.method == "POST" and request.url.path.endswith("/accept"):
            await self.inner.handle_async_request(request)
            return httpx.Response(503, json={"message": "Busy"}, request=request)
        return await self.inner.handle_async_request(request)


def test_an_accept_perhaps_gone_before_its_assessment_was_deleted_says_both(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The accept reached SmartRecruiters, its answer was lost, then the assessment was
    deleted. The step said only "Not sent", while SmartRecruiters had the order in progress.
    SmartRecruiters does not say with which link, so it may be this try's or someone else's:
    the step says so, claims neither, and sends nothing; the flag says what is left."""
    sr = AcceptAnswerLost()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order, _made = await accept_waiting_then_deleted(board, desk, "Hana")
        sr.failing = False
        await board.resume()
        (accept,) = [e for e in desk.journal.entries(order.id) if isinstance(e.step, AcceptStep)]
        assert accept.state is StepState.FAILED
        assert accept.message is not None
        assert "shows the order in progress already" in accept.message
        assert "answer was lost, or elsewhere" in accept.message
        await board.sync()
        # Its Activity says "Order not accepted": so does its flag.
        flags = [f.kind for f in board.flags(order.id)]
        assert flags == [Attention.STEP_FAILED, Attention.DELETED_IN_BERKE]

    with_board(sandbox, tmp_path / "desk.sqlite3", body, sr)


class AcceptsDenied(AcceptsFail):
    """SmartRecruiters denies every accept while ``failing``: a 429 asking for two hours (not
    carried out, and not waited out within the call)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.method == "POST" and request.url.path.endswith("/accept"):
            body = {"httpCode": 429, "code": "TOO_MANY_REQUESTS", "message": "Busy"}
            return httpx.Response(429, json=body, headers={"Retry-After": "7200"})
        return await self.inner.handle_async_request(request)


def test_an_accept_that_never_went_before_its_assessment_was_deleted_says_elsewhere(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Its only try was denied (a 429), so the order in progress is someone else's doing:
    the step said it may have been "an earlier try whose answer was lost"."""
    sr = AcceptsDenied()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order, _made = await accept_waiting_then_deleted(board, desk, "Hana")
        sr.failing = False
        time_passes(desk.session.sr, 7200)  # the wait asked for: no call went before
        await desk.session.sr.accept_order(order.id, "https://assess.example.com/start/ELSE1")
        assert (await desk.session.sr.get_order(order.id)).assessment_url is None  # not shown
        await board.resume()
        (accept,) = [e for e in desk.journal.entries(order.id) if isinstance(e.step, AcceptStep)]
        assert accept.state is StepState.FAILED
        assert accept.message is not None
        assert "(accepted elsewhere: this desk's accept never went)" in accept.message

    with_board(sandbox, tmp_path / "desk.sqlite3", body, sr)


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
