"""Steps waiting to be resumed (a 503, a daily limit) and what the coordinator does meanwhile:
nothing the resumer sends later may undo it, and nothing goes for an order that has ended."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from pydantic import SecretStr

from app.clients.errors import ApiError, StateConflictError
from app.clients.pacing import Pacer
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.assessment_prefill import stable_candidate_id
from app.domain.attachments import UploadState
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.connection import AppSettings, ConnectionProfile, Credentials, data_file_name
from app.domain.journal import (
    AcceptStep,
    CommentStep,
    CreateAssessmentStep,
    InviteStep,
    RejectStep,
)
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AcceptRequest, AssessmentOrder, OrderStatus, RejectRequest
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.database import Database, data_file_path
from app.store.journal import Journal
from app.store.settings_file import load_settings, save_settings
from app.store.waiting_work import WaitingWork, waiting_in
from app.workflows.batch import OutcomeKind, PlanKind
from app.workflows.board import BoardListener, OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import (
    REJECT_WAITING,
    accept_order,
    create_assessment,
    reject_order,
    reuse_assessment,
    send_invitation,
)
from app.workflows.outbox import resume_pending, retry_step
from app.workflows.refusals import REJECT_SENT_AGAIN, ActionNotAllowedError, StepRefusedError
from app.workflows.session import open_session
from app.workflows.steps import execute, run_step
from tests.integration.helpers import (
    RealNetwork,
    invitations_berke_sent,
    new_order_body,
    sandbox_answering,
    sync_like_the_app,
    time_passes,
)
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_workflows import run_with_desk
from tests.memory_keyring import memory_keyring
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

    from app.sandbox import SandboxServer


async def new_order_synced(board: OrderBoard, desk: Desk) -> AssessmentOrder:
    """A NEW order in the sandbox, synced into the board."""
    order = await desk.session.sr.create_test_order(new_order_body(first="Tia", last="Ek"))
    await board.sync()
    return order


class RejectUnavailableOnce(RealNetwork):
    """SmartRecruiters answers the first reject with a 503: the step waits to be resumed."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.method == "POST" and request.url.path.endswith("/reject"):
            self.armed = False
            body = {"httpCode": 503, "code": "UNAVAILABLE", "message": "Try again later."}
            return httpx.Response(503, json=body)
        return await self.inner.handle_async_request(request)


def test_a_waiting_reject_holds_back_everything_that_takes_the_order_on(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The reject's 503 left it waiting, and only Reject was held back: the coordinator
    created, accepted and invited, then the resumer rejected the order under the candidate."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Kai", last="Ito", email="kai@example.com")
        )
        await board.sync()
        failures = await board.reject([order.id], reason="Duplicate order")
        assert len(failures) == 1
        assert failures[0][1].endswith(REJECT_SENT_AGAIN)  # not "try again later" alone
        assert board.state(order.id).pending == {StepKind.REJECT}
        for action in (OrderAction.CREATE_ASSESSMENT, OrderAction.CREATE_ACCEPT_INVITE):
            assert board.why_not(action, [order.id]) == REJECT_WAITING, action
        # Accept is refused by the order's rules first (no assessment yet), as its action
        # refuses it (``order_actions.action_refusal``): the reject holds back the create.
        assert board.why_not(OrderAction.ACCEPT, [order.id]) == (
            "Create the Berke assessment first: accepting sends its URL to SmartRecruiters."
        )
        (row,) = (await board.plan_batch([order.id])).orders
        assert (row.kind, row.reason) == (PlanKind.SKIP, REJECT_WAITING)
        (ran,) = await board.create_accept_invite([order.id])
        assert ran.kind is OutcomeKind.SKIPPED
        request = CreateAssessmentRequest(first_name="Kai", last_name="Ito")
        with pytest.raises(ActionNotAllowedError, match="reject is waiting"):
            await create_assessment(desk, order, request)
        await board.resume()
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.REJECTED
        assert desk.journal.assessment_for(order.id) is None

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


def test_a_waiting_reject_holds_back_reports_for_an_accepted_order(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An accepted order's reject waits (a 503): a report dropped meanwhile was queued for a
    result the reject leaves none for, and failed once it went. Attaching is held back with
    the reject's words, and nothing is queued."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Lea", last="Berg", email="lea@example.com")
        )
        await board.sync()
        (ran,) = await board.create_accept_invite([order.id])
        assert ran.kind is OutcomeKind.DONE
        failures = await board.reject([order.id], reason="Position filled")
        assert len(failures) == 1
        assert board.state(order.id).pending == {StepKind.REJECT}
        assert board.why_not(OrderAction.ATTACH, [order.id]) == REJECT_WAITING
        report = tmp_path / "report.pdf"
        report.write_bytes(b"%PDF-1.4\n%%EOF\n")
        with pytest.raises(ActionNotAllowedError, match="reject is waiting"):
            await board.attach_files(order.id, [report])
        assert desk.results.unfinished() == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


def test_a_waiting_reject_holds_back_a_retried_report_as_a_dropped_one(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A report cancelled before the accepted order's reject waited (a 503): its Retry
    queued it again behind the reject, for a result the reject leaves none for (only a drop
    was held back). A Retry is held back with the reject's words too, the file left as it
    was."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Mia", last="Holm", email="mia@example.com")
        )
        await board.sync()
        (ran,) = await board.create_accept_invite([order.id])
        assert ran.kind is OutcomeKind.DONE
        report = tmp_path / "report.pdf"
        report.write_bytes(b"%PDF-1.4\n%%EOF\n")
        (queued,), refused = await board.attach_files(order.id, [report])
        assert refused == []
        await board.cancel_upload(order.id, queued.id)
        failures = await board.reject([order.id], reason="Position filled")
        assert len(failures) == 1
        assert board.state(order.id).pending == {StepKind.REJECT}
        with pytest.raises(ActionNotAllowedError) as held:
            await board.retry_upload(order.id, queued.id)
        assert str(held.value) == f"Not sent again: {REJECT_WAITING}"
        (upload,) = board.state(order.id).uploads
        assert upload.state is UploadState.CANCELLED

    with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())


def test_a_waiting_reject_is_not_sent_once_the_order_was_taken_on_after_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An older desk, or a race, accepted the order after its reject was asked: the resumer
    does not reject it under the coordinator's later accept."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ada", last="Oki"))
        desk.orders.put(order)
        reject = desk.journal.begin(
            order.id, RejectStep(request=RejectRequest(message="Duplicate order"))
        )
        url = "https://assess.example.com/start/ADA1"
        await run_step(desk, order.id, AcceptStep(request=AcceptRequest(assessment_url=url)))
        await resume_pending(desk)
        entry = desk.journal.get(reject)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert "taken on here after this reject was asked" in (entry.message or "")
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.IN_PROGRESS

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def waiting_create(desk: Desk, order_id: str) -> tuple[int, CreateAssessmentRequest]:
    """A create the journal holds as waiting (Berke answered 503), under the order's own id."""
    request = CreateAssessmentRequest(
        first_name="Rex", last_name="Roe", source_candidate_id=stable_candidate_id(order_id)
    )
    return desk.journal.begin(order_id, CreateAssessmentStep(request=request)), request


def test_a_create_waiting_for_an_order_rejected_since_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Rex", last="Roe"))
        desk.orders.put(order)
        step_id, request = waiting_create(desk, order.id)
        await reject_order(desk, order, reason="Candidate withdrew")
        await resume_pending(desk)
        entry = desk.journal.get(step_id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert entry.message == (
            "Not sent: the order was rejected in SmartRecruiters before its Berke assessment "
            "was created, so none was created."
        )
        assert request.source_candidate_id is not None
        assert await desk.session.berke.get_assessment_status(request.source_candidate_id) is None
        assert desk.journal.assessment_for(order.id) is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_create_waiting_for_an_order_whose_copy_cannot_be_read_asks_for_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The order's copy, kept by another version, no longer read: taken for "not ended", the
    create went for an order rejected since. It is asked for, and kept as it is now."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Rex", last="Roe"))
        desk.orders.put(order)
        step_id, request = waiting_create(desk, order.id)
        await reject_order(desk, order, reason="Candidate withdrew")
        with desk.db.transaction() as conn:
            conn.execute("UPDATE orders SET data = '{\"id\": 7}' WHERE id = ?", (order.id,))
        assert desk.orders.get(order.id) is None
        await resume_pending(desk)
        entry = desk.journal.get(step_id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert request.source_candidate_id is not None
        assert await desk.session.berke.get_assessment_status(request.source_candidate_id) is None
        kept = desk.orders.get(order.id)
        assert kept is not None
        assert kept.status is OrderStatus.REJECTED

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_create_whose_answer_was_lost_is_linked_though_the_order_was_rejected_since(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke made it before its answer was lost: linked, not lost (and not made twice), so
    that the order offers to delete it in Berke."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Rex", last="Roe"))
        desk.orders.put(order)
        step_id, request = waiting_create(desk, order.id)
        made = await desk.session.berke.create_assessment(request)  # the answer lost
        await reject_order(desk, order, reason="Candidate withdrew")
        await resume_pending(desk)
        entry = desk.journal.get(step_id)
        assert entry is not None
        assert entry.state is StepState.DONE
        link = desk.journal.assessment_for(order.id)
        assert link is not None
        assert link.invitation_code == made.invitation_code

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


async def accepted_with_its_invitation_to_send(
    desk: Desk,
) -> tuple[AssessmentOrder, LinkedAssessment, SendInvitationRequest]:
    """Ivy's order, its assessment created and the order accepted, and the invitation it
    would send."""
    order = await desk.session.sr.create_test_order(
        new_order_body(first="Ivy", last="Ng", email="ivy@example.com")
    )
    desk.orders.put(order)
    link = await create_assessment(
        desk,
        order,
        CreateAssessmentRequest(first_name="Ivy", last_name="Ng", email_address="ivy@example.com"),
    )
    order = await accept_order(desk, order)
    request = SendInvitationRequest.model_validate(
        {"sourceCandidateId": link.source_candidate_id, "emailAddress": "ivy@example.com"}
    )
    return order, link, request


def test_an_older_desks_invitation_waiting_for_an_order_rejected_since_claims_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Written without Berke's count before it, the step cannot tell whether an earlier try
    went: it said "the candidate was not invited" all the same."""

    async def body(desk: Desk) -> None:
        order, _link, request = await accepted_with_its_invitation_to_send(desk)
        step_id = desk.journal.begin(order.id, InviteStep(request=request))
        # An older desk did not say whether a try went: read so, it may have.
        desk.journal.set_may_have_gone(step_id, True)
        await reject_order(desk, order, reason="Candidate withdrew")
        await resume_pending(desk)
        entry = desk.journal.get(step_id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert "cannot be told" in (entry.message or "")
        assert "was not invited" not in (entry.message or "")

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


@pytest.fixture(scope="module")
def counted_sandbox() -> Iterator[SandboxServer]:
    """A Berke that counts the invitations it sent (its reference's status does not)."""
    with sandbox_answering(status_counts_invitations=True) as server:
        yield server


@pytest.mark.parametrize("sent_before_its_answer_was_lost", [False, True])
def test_an_invitation_waiting_for_an_order_rejected_since_is_not_sent(
    counted_sandbox: SandboxServer, tmp_path: Path, sent_before_its_answer_was_lost: bool
) -> None:
    """A daily limit held the invitation until tomorrow; the candidate withdrew meanwhile and
    was emailed all the same. One an earlier try sent (Berke's count grew: a Berke that
    counts them) is recorded sent."""

    async def body(desk: Desk) -> None:
        order, link, request = await accepted_with_its_invitation_to_send(desk)
        step_id = desk.journal.begin(
            order.id, InviteStep(request=request, invitations_sent_before=0)
        )
        if sent_before_its_answer_was_lost:
            await desk.session.berke.send_invitation(request)
        await reject_order(desk, order, reason="Candidate withdrew")
        await resume_pending(desk)
        entry = desk.journal.get(step_id)
        assert entry is not None
        status = await desk.session.berke.get_assessment_status(link.source_candidate_id)
        assert status is not None
        if sent_before_its_answer_was_lost:
            assert entry.state is StepState.DONE
            assert status.invitations_sent == 1
        else:
            assert entry.state is StepState.FAILED
            assert entry.message == (
                "Not sent: the order was rejected in SmartRecruiters before the invitation "
                "went, so the candidate was not invited."
            )
            assert not status.invitations_sent

    run_with_desk(counted_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reject_of_an_order_that_ended_while_the_dialog_was_open_says_so(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """It was skipped without a word, and the dialog then asked whether to delete the Berke
    assessment of an order it took for rejected."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Eli", last="Ng"))
        await board.sync()
        await desk.session.sr.reject_order(order.id, message="From another desk")
        await board.sync()
        failures = await board.reject([order.id], reason="Duplicate order")
        assert failures == [
            (order.id, "This order was rejected: SmartRecruiters allows no further change to it.")
        ]
        assert not desk.journal.entries(order.id)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reject_another_desk_made_first_is_not_recorded_as_this_ones(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Not synced yet: SmartRecruiters refuses this desk's reject, and the order shows
    rejected. On a first try that was someone else's, and this one's reason never went: it was
    recorded as done here, without a word."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        await desk.session.sr.reject_order(order.id, message="From another desk")
        failures = await board.reject([order.id], reason="Candidate withdrew")
        assert len(failures) == 1
        assert "already rejected elsewhere" in failures[0][1]
        (entry,) = desk.journal.entries(order.id)
        assert entry.state is StepState.FAILED

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_retried_old_create_makes_no_second_assessment_once_the_order_has_one(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The order's first create failed; it then reused the candidate's assessment of their
    other order. Retry on the old create made a second Berke assessment for the candidate, and
    its link replaced the order's."""

    async def body(desk: Desk) -> None:
        first, second = [
            await desk.session.sr.create_test_order(
                new_order_body(first="Zoe", last="Muller", email="z@example.com")
            )
            for _ in range(2)
        ]
        for order in (first, second):
            desk.orders.put(order)
        made = await create_assessment(
            desk,
            first,
            CreateAssessmentRequest(
                first_name="Zoe", last_name="Muller", email_address="z@example.com"
            ),
        )
        own_id = stable_candidate_id(second.id)
        request = CreateAssessmentRequest(
            first_name="Zoe",
            last_name="Muller",
            email_address="z@example.com",
            source_candidate_id=own_id,
        )
        old = desk.journal.begin(second.id, CreateAssessmentStep(request=request))
        desk.journal.fail(old, "Berke: API disabled (maintenance)")
        await reuse_assessment(desk, second, made, first.id)
        with pytest.raises(StepRefusedError, match="has its Berke assessment already"):
            await retry_step(desk, old)
        assert await desk.session.berke.get_assessment_status(own_id) is None
        link = desk.journal.assessment_for(second.id)
        assert link is not None
        assert link.invitation_code == made.invitation_code

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class AcceptRefusedThenRejectUnavailable(RealNetwork):
    """SmartRecruiters refuses the first accept (403), and answers the first reject 503."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse_accept = True
        self.unavailable_reject = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/accept") and self.refuse_accept:
            self.refuse_accept = False
            body = {"httpCode": 403, "code": "FORBIDDEN", "message": "Not now."}
            return httpx.Response(403, json=body)
        if request.method == "POST" and path.endswith("/reject") and self.unavailable_reject:
            self.unavailable_reject = False
            body = {"httpCode": 503, "code": "UNAVAILABLE", "message": "Try again later."}
            return httpx.Response(503, json=body)
        return await self.inner.handle_async_request(request)


async def accept_refused_then_reject_asked(board: OrderBoard, desk: Desk) -> AssessmentOrder:
    """Kai's order, its assessment made; its accept refused, then a reject asked (what the
    transport answers each is the test's)."""
    order = await desk.session.sr.create_test_order(
        new_order_body(first="Kai", last="Ito", email="kai@example.com")
    )
    await board.sync()
    await board.create_assessment(
        order.id, CreateAssessmentRequest(first_name="Kai", last_name="Ito")
    )
    with pytest.raises(ApiError):
        await board.accept(order.id)
    await board.reject([order.id], reason="Duplicate order")
    return order


def test_a_retry_is_held_back_by_a_waiting_reject_as_its_action_is(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Retry on the failed accept (the activity list's) went while the reject waited; the
    resumer then rejected the order it had accepted."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await accept_refused_then_reject_asked(board, desk)
        (accept,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.ACCEPT]
        with pytest.raises(ActionNotAllowedError, match="reject is waiting"):
            await board.retry_step(accept.id)
        await board.resume()
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.REJECTED
        again = desk.journal.get(accept.id)
        assert again is not None
        assert again.state is StepState.FAILED

    with_board(sandbox, tmp_path / "desk.sqlite3", body, AcceptRefusedThenRejectUnavailable())


def test_a_waiting_reject_is_not_sent_after_an_older_step_done_since(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An accept begun before the reject was asked, and done after it (an older desk's
    Retry): the reject's id is the higher, and it went after the accept all the same."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ode", last="Ek"))
        desk.orders.put(order)
        url = "https://assess.example.com/start/ODE1"
        accept = desk.journal.begin(order.id, AcceptStep(request=AcceptRequest(assessment_url=url)))
        desk.journal.fail(accept, "SmartRecruiters: Not now.")
        reject = desk.journal.begin(
            order.id, RejectStep(request=RejectRequest(message="Duplicate order"))
        )
        desk.journal.reopen(accept)
        reopened = desk.journal.get(accept)
        assert reopened is not None
        await execute(desk, reopened, retry=True)  # as a desk without today's hold did
        await resume_pending(desk)
        entry = desk.journal.get(reject)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.IN_PROGRESS

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_create_under_a_typed_id_for_an_order_rejected_since_says_what_berke_has(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An earlier try under the id the coordinator typed made the assessment, its answer
    lost: the step said "so none was created", and Berke's was left there unknown."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Rex", last="Roe"))
        desk.orders.put(order)
        request = CreateAssessmentRequest(
            first_name="Rex", last_name="Roe", source_candidate_id="HR-REX-7"
        )
        step_id = desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        await desk.session.berke.create_assessment(request)  # the answer lost
        await reject_order(desk, order, reason="Candidate withdrew")
        await resume_pending(desk)
        entry = desk.journal.get(step_id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        message = entry.message or ""
        assert "Berke has an assessment under the id HR-REX-7 (Rex Roe)" in message
        assert "none was created" not in message
        assert desk.journal.assessment_for(order.id) is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_create_under_the_orders_own_id_made_elsewhere_for_an_order_rejected_since(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke has an assessment under the order's own id, made with other names (another
    desk's): the step said "this desk cannot tell it is this order's", though the id is made
    from this order's and nobody else sends it."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Rex", last="Roe"))
        desk.orders.put(order)
        step_id, request = waiting_create(desk, order.id)
        other_desks = request.model_copy(update={"first_name": "Rexford"})
        await desk.session.berke.create_assessment(other_desks)
        await reject_order(desk, order, reason="Candidate withdrew")
        await resume_pending(desk)
        entry = desk.journal.get(step_id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        message = entry.message or ""
        assert f"under this order's own id {request.source_candidate_id}" in message
        assert "Rexford Roe" in message
        assert "cannot tell" not in message
        assert desk.journal.assessment_for(order.id) is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_link_stored_before_accept_refused_its_url_is_not_accepted_with(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke's answer naming a site before an @, stored by an earlier version: the Accept
    dialog refuses it, but the batch planned and ran "accept, invite" with it, and a waiting
    accept step of it went too."""
    path = tmp_path / "desk.sqlite3"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Kai", last="Ito", email="kai@example.com")
        )
        await board.sync()
        link = await board.create_assessment(
            order.id, CreateAssessmentRequest(first_name="Kai", last_name="Ito")
        )
        bad = f"https://assess.berke.example@evil.example/start/{link.invitation_code}"
        with contextlib.closing(sqlite3.connect(path)) as raw, raw:
            raw.execute(
                "UPDATE assessments SET assessment_url = ? WHERE order_id = ?", (bad, order.id)
            )
        await board.refresh([order.id])
        (row,) = (await board.plan_batch([order.id])).orders
        assert row.kind is PlanKind.SKIP
        assert "names a site before an @" in row.reason
        assert "names a site before an @" in (
            board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [order.id]) or ""
        )
        with pytest.raises(ActionNotAllowedError, match="names a site before an @"):
            await accept_order(desk, order)
        waiting = desk.journal.begin(
            order.id, AcceptStep(request=AcceptRequest(assessment_url=bad))
        )
        await resume_pending(desk)
        entry = desk.journal.get(waiting)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.NEW

    with_board(sandbox, path, body)


class ScriptedChanges(RealNetwork):
    """SmartRecruiters' answers to the accepts and rejects, in turn: ``"pass"`` (the real
    answer), ``"lost"`` (done, and answered 503 as if the answer was lost), ``"stopped"``
    (done, and the app stopped before the answer), ``"unreachable"`` (a connection never
    made), ``"throttled"`` (a 429 asking for two hours), or an HTTP status given without
    doing it. Past the script, every call passes."""

    def __init__(self, **script: list[str | int]) -> None:
        super().__init__()
        self.script = script

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        change = request.url.path.rsplit("/", 1)[-1]
        turns = self.script.get(change) if request.method == "POST" else None
        if not turns:
            return await self.inner.handle_async_request(request)
        turn = turns.pop(0)
        if turn == "pass":
            return await self.inner.handle_async_request(request)
        if turn == "lost":
            await self.inner.handle_async_request(request)
            turn = 503
        if turn == "stopped":  # done, and the app stopped before the answer was read
            await self.inner.handle_async_request(request)
            raise asyncio.CancelledError
        if turn == "unreachable":  # never sent
            raise httpx.ConnectError("Connection refused", request=request)
        if turn == "throttled":  # denied, not done: wait two hours
            body = {"httpCode": 429, "code": "TOO_MANY_REQUESTS", "message": "Slow down."}
            return httpx.Response(429, json=body, headers={"Retry-After": "7200"})
        body = {"httpCode": turn, "code": "REFUSED", "message": "Not now."}
        return httpx.Response(int(turn), json=body)


def test_a_retried_reject_that_finds_someone_elses_is_still_not_this_desks(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Refused on its only try, it never went: its Retry ran as a try whose answer may have
    been lost, and recorded the other desk's reject as this one's, with a reason that never
    went."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        await board.reject([order.id], reason="Candidate withdrew")  # refused: a 403
        (entry,) = desk.journal.entries(order.id)
        assert entry.state is StepState.FAILED
        await desk.session.sr.reject_order(order.id, message="From another desk")
        with pytest.raises(StateConflictError, match="already rejected elsewhere"):
            await board.retry_step(entry.id)
        again = desk.journal.get(entry.id)
        assert again is not None
        assert again.state is StepState.FAILED

    with_board(sandbox, tmp_path / "desk.sqlite3", body, ScriptedChanges(reject=[403]))


@pytest.mark.parametrize("first", ["throttled", "unreachable"])
def test_a_waiting_reject_that_never_went_finds_someone_elses_not_its_own(
    sandbox: SandboxServer, tmp_path: Path, first: str
) -> None:
    """Its only try was denied (a 429) or never reached SmartRecruiters: the resumer took the
    reject another desk made meanwhile for this desk's, whose reason never went."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        await board.reject([order.id], reason="Candidate withdrew")
        (entry,) = desk.journal.entries(order.id)
        assert entry.state is StepState.PENDING
        assert not entry.may_have_gone
        time_passes(desk.session.sr, 7200)  # a 429's wait: no call went before its end
        await desk.session.sr.reject_order(order.id, message="From another desk")
        await board.resume()
        after = desk.journal.get(entry.id)
        assert after is not None
        assert after.state is StepState.FAILED
        assert "already rejected elsewhere" in (after.message or "")

    with_board(sandbox, tmp_path / "desk.sqlite3", body, ScriptedChanges(reject=[first]))


@pytest.mark.parametrize("first", ["lost", "stopped"])
def test_a_retried_reject_whose_first_try_went_finds_its_own(
    sandbox: SandboxServer, tmp_path: Path, first: str
) -> None:
    """Its first try went, and its answer was lost (a 503 after SmartRecruiters rejected) or
    never read (the app stopped); the resumer's try was refused (a 403): the order is
    rejected by this desk, and its Retry says so."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        with contextlib.suppress(asyncio.CancelledError):  # "stopped": the app stopped
            await board.reject([order.id], reason="Candidate withdrew")
        (entry,) = desk.journal.entries(order.id)
        assert entry.state is StepState.PENDING
        await board.resume()  # refused: a 403
        failed = desk.journal.get(entry.id)
        assert failed is not None
        assert failed.state is StepState.FAILED
        await board.retry_step(entry.id)
        done = desk.journal.get(entry.id)
        assert done is not None
        assert done.state is StepState.DONE

    network = ScriptedChanges(reject=[first, 403])
    with_board(sandbox, tmp_path / "desk.sqlite3", body, network)


def test_a_reject_retried_after_an_accept_is_sent_when_the_resumer_takes_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Accept and reject both refused; Retry on the accept went, then the coordinator
    pressed Retry on the reject (a 503): the resumer refused it as taken on "after it was
    asked", though it was asked again after the accept."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await accept_refused_then_reject_asked(board, desk)
        steps = {e.action: e for e in desk.journal.entries(order.id)}
        await board.retry_step(steps[StepKind.ACCEPT].id)
        with pytest.raises(ApiError):
            await board.retry_step(steps[StepKind.REJECT].id)  # a 503: left waiting
        await board.resume()
        reject = desk.journal.get(steps[StepKind.REJECT].id)
        assert reject is not None
        assert reject.state is StepState.DONE, reject.message
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.REJECTED

    network = ScriptedChanges(accept=[403], reject=[403, 503])
    with_board(sandbox, tmp_path / "desk.sqlite3", body, network)


class OrdersWithoutTheirUrl(ScriptedChanges):
    """As ``ScriptedChanges``, and SmartRecruiters' orders never show their assessment URL
    (the reference's example has none)."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.method != "GET" or "/assessments" not in request.url.path:
            return response
        await response.aread()
        text = response.text.replace('"assessmentURL"', '"assessmentURLNotShown"')
        return httpx.Response(response.status_code, headers=response.headers, text=text)


def test_a_retried_accept_that_finds_someone_elses_is_still_not_this_desks(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Refused on its only try, and the order then accepted elsewhere with a URL the service
    does not show: the Retry took that accept for this desk's."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ada", last="Oz"))
        await board.sync()
        await board.create_assessment(
            order.id, CreateAssessmentRequest(first_name="Ada", last_name="Oz")
        )
        with pytest.raises(ApiError):
            await board.accept(order.id)  # a 403
        (entry,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.ACCEPT]
        other = "https://assess.example.com/start/OTHER1"
        await desk.session.sr.accept_order(order.id, other)
        assert (await desk.session.sr.get_order(order.id)).assessment_url is None  # not shown
        with pytest.raises(StateConflictError, match="already accepted elsewhere"):
            await board.retry_step(entry.id)
        again = desk.journal.get(entry.id)
        assert again is not None
        assert again.state is StepState.FAILED

    network = OrdersWithoutTheirUrl(accept=[403])
    with_board(sandbox, tmp_path / "desk.sqlite3", body, network)


@pytest.mark.parametrize("action", [StepKind.REJECT, StepKind.ACCEPT])
def test_retrying_a_refused_change_made_again_from_this_desk_sends_nothing(
    sandbox: SandboxServer, tmp_path: Path, action: StepKind
) -> None:
    """Refused once (a 403), then made again from this desk: Retry on the old step said the
    order was already rejected (or, its URL not shown, accepted) "elsewhere". Now it is
    refused in words, and the old step stays failed."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        if action is StepKind.REJECT:
            await board.reject([order.id], reason="Candidate withdrew")  # a 403
            await board.reject([order.id], reason="Candidate withdrew")
        else:
            request = CreateAssessmentRequest(first_name="Tia", last_name="Ek")
            await board.create_assessment(order.id, request)
            with pytest.raises(ApiError):
                await board.accept(order.id)  # a 403
            await board.accept(order.id)
        failed, done = [e for e in desk.journal.entries(order.id) if e.action is action]
        assert (failed.state, done.state) == (StepState.FAILED, StepState.DONE)
        said = "rejected" if action is StepKind.REJECT else "accepted"
        with pytest.raises(ActionNotAllowedError, match=f"was {said} from this desk"):
            await board.retry_step(failed.id)
        again = desk.journal.get(failed.id)
        assert again is not None
        assert again.state is StepState.FAILED

    network = OrdersWithoutTheirUrl(accept=[403], reject=[403])
    with_board(sandbox, tmp_path / "desk.sqlite3", body, network)


class LookFailsAfterARefusal(RealNetwork):
    """After the first accept or reject SmartRecruiters refuses (a 400 or 409), its next three
    answers about the order are 503s: the desk cannot look into the refusal now."""

    def __init__(self, *, hide_url: bool = False) -> None:
        super().__init__()
        self.failing_reads = 0
        self.armed = True
        self.hide_url = hide_url

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "GET" and self.failing_reads and "/assessments/" in path:
            self.failing_reads -= 1
            body = {"httpCode": 503, "code": "UNAVAILABLE", "message": "Try later."}
            return httpx.Response(503, json=body)
        response = await self.inner.handle_async_request(request)
        change = path.rsplit("/", 1)[-1]
        refused = response.status_code in (400, 409)
        if self.armed and request.method == "POST" and change in ("accept", "reject") and refused:
            self.armed = False
            self.failing_reads = 3
        if self.hide_url and request.method == "GET" and "/assessments" in path:
            await response.aread()
            text = response.text.replace('"assessmentURL"', '"assessmentURLNotShown"')
            return httpx.Response(response.status_code, headers=response.headers, text=text)
        return response


@pytest.mark.parametrize("action", [StepKind.REJECT, StepKind.ACCEPT])
def test_a_refused_change_whose_look_failed_finds_someone_elses_later_not_its_own(
    sandbox: SandboxServer, tmp_path: Path, action: StepKind
) -> None:
    """Refused (another desk's change was there), then the GET that looks into it got a 503:
    the try was taken for one that may have gone, and the resumer recorded the other desk's
    reject (or URL-less accept) as this desk's."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        if action is StepKind.REJECT:
            await desk.session.sr.reject_order(order.id, message="From another desk")
            await board.reject([order.id], reason="Candidate withdrew")
        else:
            request = CreateAssessmentRequest(first_name="Tia", last_name="Ek")
            await board.create_assessment(order.id, request)
            await desk.session.sr.accept_order(order.id, "https://assess.example.com/start/O1")
            with pytest.raises(ApiError):
                await board.accept(order.id)
        (entry,) = [e for e in desk.journal.entries(order.id) if e.action is action]
        assert entry.state is StepState.PENDING  # the look failed: looked into later
        assert not entry.may_have_gone
        await board.resume()
        after = desk.journal.get(entry.id)
        assert after is not None
        assert after.state is StepState.FAILED
        assert "elsewhere" in (after.message or "")

    network = LookFailsAfterARefusal(hide_url=action is StepKind.ACCEPT)
    with_board(sandbox, tmp_path / "desk.sqlite3", body, network)


class ThrottledForAWhile(RealNetwork):
    """The first POST to a path ending with ``suffix`` is answered with a 429 asking to wait
    20 s, which the client waits out inside the call; ``denied`` is set once that answer
    left."""

    def __init__(self, suffix: str) -> None:
        super().__init__()
        self.suffix = suffix
        self.denied = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith(self.suffix) and not self.denied.is_set():
            self.denied.set()
            body = {"httpCode": 429, "code": "TOO_MANY_REQUESTS", "message": "Slow down."}
            return httpx.Response(429, json=body, headers={"Retry-After": "20"})
        return await self.inner.handle_async_request(request)


def another_desk_rejects_then_resumes(
    made: list[str],
) -> Callable[[OrderBoard, Desk], Awaitable[None]]:
    """After the restart: another desk rejects the one order ``made``, then the resumer runs.
    This desk's reject never went, so its step fails: it is not counted as this desk's."""

    async def restarted(board: OrderBoard, desk: Desk) -> None:
        (order_id,) = made
        await desk.session.sr.reject_order(order_id, message="From another desk")
        await board.resume()
        (entry,) = desk.journal.entries(order_id)
        assert entry.state is StepState.FAILED
        assert "already rejected elsewhere" in (entry.message or "")

    return restarted


def test_a_reject_stopped_while_a_429_is_waited_out_never_went(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Marked "may have gone" as its try began, a reject the app stopped while the client
    waited out a 429 was taken, after the restart, for one whose answer was lost: the
    resumer recorded another desk's reject as this desk's."""
    path = tmp_path / "desk.sqlite3"
    network = ThrottledForAWhile("/reject")
    made: list[str] = []

    async def stopped(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        made.append(order.id)
        loop = asyncio.get_running_loop()
        put_back = asyncio.Event()  # the denial is in the journal: the client waits now
        recorded = desk.journal.set_may_have_gone

        def recording(step_id: int, gone: bool) -> None:
            recorded(step_id, gone)
            if not gone:
                loop.call_soon_threadsafe(put_back.set)

        desk.journal.set_may_have_gone = recording  # type: ignore[method-assign]
        task = asyncio.ensure_future(board.reject([order.id], reason="Candidate withdrew"))
        await asyncio.wait_for(put_back.wait(), HANG_GUARD_SECONDS)
        assert network.denied.is_set()
        assert not task.done()  # waiting out the 429
        task.cancel()  # the app stops
        with contextlib.suppress(asyncio.CancelledError):
            await task

    with_board(sandbox, path, stopped, network)
    with_board(sandbox, path, another_desk_rejects_then_resumes(made))


def test_an_invitation_stopped_while_a_429_is_waited_out_never_went(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke denied the invitation with a 429, and the app stopped while the client waited it
    out: a denied call is not carried out, so the step is not one that "may have gone", and
    the resumer sends it. Left so, the invitation was held for the coordinator as one that
    may have been emailed (Berke's count cannot tell), and the candidate was never invited."""
    path = tmp_path / "desk.sqlite3"
    network = ThrottledForAWhile("/SendInvitation")
    made: list[tuple[str, str]] = []  # the order, its Berke id
    waiting = asyncio.Event()  # the client waits out the 429 (its pacer holds every call)

    async def wait_out(seconds: float) -> None:  # the pacer's wait: only the stop ends it
        waiting.set()
        await asyncio.Event().wait()

    async def stopped(desk: Desk) -> None:
        order, link, _request = await accepted_with_its_invitation_to_send(desk)
        made.append((order.id, link.source_candidate_id))
        task = asyncio.ensure_future(send_invitation(desk, order))
        await asyncio.wait_for(waiting.wait(), HANG_GUARD_SECONDS)
        assert network.denied.is_set()
        task.cancel()  # the app stops
        with contextlib.suppress(asyncio.CancelledError):
            await task
        invite = desk.journal.entries(order.id)[-1]
        assert (invite.action, invite.state) == (StepKind.INVITE, StepState.PENDING)
        assert not invite.may_have_gone

    async def restarted(desk: Desk) -> None:
        ((order_id, source_id),) = made
        assert (await resume_pending(desk)).settled
        assert desk.journal.entries(order_id)[-1].state is StepState.DONE
        assert invitations_berke_sent(sandbox, source_id) == 1

    pacer = Pacer(max_calls=10_000, window_seconds=1.0, max_concurrent=64, sleep=wait_out)
    run_with_desk(sandbox, path, stopped, berke_pacer=pacer, berke_transport=network)
    run_with_desk(sandbox, path, restarted)


def test_a_reject_stopped_while_its_mark_is_written_never_went(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The mark is written just before the request leaves; the app stopped while that write
    waited for the database, the write landed all the same, and nothing had been sent: after
    the restart the resumer took another desk's reject for this desk's."""
    path = tmp_path / "desk.sqlite3"
    made: list[str] = []

    async def stopped(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        made.append(order.id)
        loop = asyncio.get_running_loop()
        writing = asyncio.Event()
        database_free = threading.Event()  # the database busy (another thread's write)
        recorded = desk.journal.set_may_have_gone

        def busy(step_id: int, gone: bool) -> None:
            if gone:
                loop.call_soon_threadsafe(writing.set)
                database_free.wait(HANG_GUARD_SECONDS)
            recorded(step_id, gone)

        desk.journal.set_may_have_gone = busy  # type: ignore[method-assign]
        task = asyncio.ensure_future(board.reject([order.id], reason="Candidate withdrew"))
        await asyncio.wait_for(writing.wait(), HANG_GUARD_SECONDS)
        task.cancel()  # the app stops; its cancel is delivered before the write can end
        database_free.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        (entry,) = desk.journal.entries(order.id)
        assert not entry.may_have_gone

    with_board(sandbox, path, stopped, ScriptedChanges())
    with_board(sandbox, path, another_desk_rejects_then_resumes(made))


def test_a_refused_reject_whose_put_back_failed_is_put_back_with_its_note(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The write that puts the mark back after a 409 failed (the database locked): the
    error took the refusal's place, the step was noted without the mark put back, and the
    resumer took another desk's reject for this desk's."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await new_order_synced(board, desk)
        await desk.session.sr.reject_order(order.id, message="From another desk")
        recorded = desk.journal.set_may_have_gone
        failed: list[int] = []

        def locked_once(step_id: int, gone: bool) -> None:
            if not gone and not failed:
                failed.append(step_id)
                raise sqlite3.OperationalError("database is locked")
            recorded(step_id, gone)

        desk.journal.set_may_have_gone = locked_once  # type: ignore[method-assign]
        failures = await board.reject([order.id], reason="Candidate withdrew")
        assert failures == [
            (
                order.id,
                "Something unexpected went wrong (OperationalError); see the order's activity. "
                "The log has the details.",
            )
        ]
        desk.journal.set_may_have_gone = recorded  # type: ignore[method-assign]
        (entry,) = desk.journal.entries(order.id)
        assert failed == [entry.id]
        assert entry.state is StepState.PENDING
        assert not entry.may_have_gone
        await board.resume()
        after = desk.journal.get(entry.id)
        assert after is not None
        assert after.state is StepState.FAILED

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


class AcceptHeld(RealNetwork):
    """SmartRecruiters is slow to answer the first accept: it waits until ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path.endswith("/accept") and not self.arrived.is_set():
            self.arrived.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)


def test_a_retried_accept_holds_accept_back_while_it_goes(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A Retry claimed nothing: the Accept dialog opened meanwhile was refused as under way,
    and closed saying its messages would go (they never did)."""
    network = AcceptHeld()

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ivo", last="Ek"))
        await board.sync()
        request = CreateAssessmentRequest(first_name="Ivo", last_name="Ek")
        await board.create_assessment(order.id, request)
        link = board.link(order.id)
        assert link is not None
        accept = AcceptStep(request=AcceptRequest(assessment_url=link.assessment_url))
        step = desk.journal.begin(order.id, accept)
        desk.journal.fail(step, "SmartRecruiters: Not now.")
        await board.refresh([order.id])
        assert board.why_not(OrderAction.ACCEPT, [order.id]) is None
        retry = asyncio.ensure_future(board.retry_step(step))
        await asyncio.wait_for(network.arrived.wait(), HANG_GUARD_SECONDS)
        assert board.why_not(OrderAction.ACCEPT, [order.id]) is not None
        with pytest.raises(ActionNotAllowedError):
            await board.accept(order.id, message_to_candidate="New words")
        network.release.set()
        await asyncio.wait_for(retry, HANG_GUARD_SECONDS)
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.IN_PROGRESS

    with_board(sandbox, tmp_path / "desk.sqlite3", body, network)


def test_a_surprise_rejecting_one_order_does_not_stop_the_others(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three orders rejected at once, the second meeting a fault of ours: the third was not
    rejected, and what became of the first was not said."""
    from app.workflows import order_actions

    real_reject = order_actions.reject_order

    async def body(board: OrderBoard, desk: Desk) -> None:
        made = [
            await desk.session.sr.create_test_order(new_order_body(first=name, last="Moss"))
            for name in ("Ada", "Ben", "Cy")
        ]
        await board.sync()
        unlucky = made[1].id

        async def surprising(
            desk_: Desk, order: AssessmentOrder, *, reason: str
        ) -> AssessmentOrder:
            if order.id == unlucky:
                raise KeyError("a bug of ours")
            return await real_reject(desk_, order, reason=reason)

        monkeypatch.setattr(order_actions, "reject_order", surprising)
        failures = await board.reject([o.id for o in made], reason="Position filled")
        assert failures == [
            (
                unlucky,
                "Something unexpected went wrong (KeyError); reject it again. The log has the "
                "details.",
            )
        ]
        for order in made:
            status = (await desk.session.sr.get_order(order.id)).status
            assert status is (OrderStatus.NEW if order.id == unlucky else OrderStatus.REJECTED)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


class AcceptOddly(RealNetwork):
    """SmartRecruiters' accept answered as a hostile or broken service might: 200 with the
    order still NEW, or a 409 whose words name no state."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/accept") and self.mode:
            if self.mode == "409":
                body = {"code": "CONFLICT", "message": "Assessment order already in progress"}
                return httpx.Response(409, json=body)
            answer = await self.inner.handle_async_request(request)
            await answer.aread()
            return httpx.Response(200, json={**answer.json(), "status": "NEW"})
        return await self.inner.handle_async_request(request)


async def with_an_assessment(desk: Desk, first: str) -> AssessmentOrder:
    """A NEW order of the sandbox, synced, with its Berke assessment created."""
    made = await desk.session.sr.create_test_order(new_order_body(first=first, last="Ro"))
    await sync_like_the_app(desk)
    order = desk.orders.get(made.id)
    assert order is not None
    await create_assessment(desk, order, CreateAssessmentRequest(first_name=first, last_name="Ro"))
    return order


def test_an_accept_answered_with_the_order_still_new_is_not_taken_as_done(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: a 200 showing the order NEW was recorded as accepted and said "Accepted", and
    Accept was offered again. Now it is no answer to the accept: the step waits, in words,
    and its next try finds the order accepted by the first (an earlier try may have gone)."""
    network = AcceptOddly("new")

    async def body(desk: Desk) -> None:
        order = await with_an_assessment(desk, "Cai")
        with pytest.raises(ApiError, match="showed the order as New, not In progress"):
            await accept_order(desk, order)
        (step,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.ACCEPT]
        assert step.state is StepState.PENDING
        network.mode = ""
        await resume_pending(desk)
        again = desk.journal.get(step.id)
        assert again is not None
        assert again.state is StepState.DONE
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.IN_PROGRESS

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, network)


def test_a_409_is_a_conflict_with_the_orders_state_whatever_its_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: a 409 that named no state ("already in progress") was taken for a bad request:
    the order was never looked at again."""

    async def body(desk: Desk) -> None:
        order = await with_an_assessment(desk, "Ben")
        with pytest.raises(StateConflictError):
            await accept_order(desk, order)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, AcceptOddly("409"))


def test_a_step_waiting_for_a_profile_moved_elsewhere_by_configure_is_never_sent_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--configure`` pointed the Custom profile "Acme" at another server and kept its data
    file: at the next start the desk resumed account A's waiting comment against account B's
    SmartRecruiters, with B's key (the settings dialog gives a moved profile a file of its
    own)."""
    from app import configure

    key_a, token_a = "a" * 64, "token-of-account-a"
    key_b, token_b = "b" * 64, "token-of-account-b"
    words = "Internal note for account A's recruiter only"
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path / "home"))
    with (
        memory_keyring(),
        # Two accounts whose orders have the same ids (two sandboxes, seeded alike).
        sandbox_answering(sr_key=key_a, berke_token=token_a, orders=5) as server_a,
        sandbox_answering(sr_key=key_b, berke_token=token_b, orders=5) as server_b,
    ):
        acme = ConnectionProfile(
            name="Acme", sr_base_url=server_a.sr_base_url, berke_base_url=server_a.berke_base_url
        )
        save_settings(AppSettings(profiles=[acme], active="Acme"))
        KeyStore().set("Acme", SR_KEY, SecretStr(key_a))
        KeyStore().set("Acme", BERKE_TOKEN, SecretStr(token_a))

        async def an_order_of_a() -> str:
            client = SmartRecruitersClient(server_a.sr_base_url, key_a)
            try:
                return (await client.list_orders()).content[0].id
            finally:
                await client.aclose()

        order_id = asyncio.run(an_order_of_a())
        old_file = data_file_path(data_file_name(acme))
        db = Database(old_file)
        Journal(db).begin(order_id, CommentStep(message=words, same_words_before=0))
        db.close()

        answers = iter(["Acme", server_b.sr_base_url, server_b.berke_base_url, "", "y"])
        typed = iter([key_b, token_b])
        monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
        monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(typed))
        assert configure.configure_interactively(KeyStore()) == 0

        moved = load_settings().active_profile  # the next start: its session and resumer
        assert moved.sr_base_url == server_b.sr_base_url
        credentials = KeyStore().credentials("Acme")
        assert isinstance(credentials, Credentials)

        async def start_and_resume() -> list[str]:
            session = open_session(moved, credentials)
            desk = Desk(session, Database(data_file_path(data_file_name(moved))))
            try:
                await resume_pending(desk)
                return [c.message for c in await session.sr.list_comments(order_id)]
            finally:
                await session.aclose()
                desk.db.close()

        assert words not in asyncio.run(start_and_resume()), "account A's step sent to B"
        assert moved.data_file != acme.data_file
        assert waiting_in(old_file) == WaitingWork(steps=1)  # left where it was, unsent


class StepsHeard(BoardListener):
    """The orders the board said had their steps moved, each time it said so."""

    def __init__(self) -> None:
        self.moved: list[list[str]] = []

    def steps_changed(self, order_ids: list[str]) -> None:
        self.moved.append(list(order_ids))


class CommentUnavailable(RealNetwork):
    """SmartRecruiters answers 503 to comments while ``down``, with ``words``."""

    def __init__(self) -> None:
        super().__init__()
        self.down = True
        self.words = "Back soon."

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down and request.method == "POST" and request.url.path.endswith("/comments"):
            body = {"httpCode": 503, "code": "UNAVAILABLE", "message": self.words}
            return httpx.Response(503, json=body)
        return await self.inner.handle_async_request(request)


def test_the_board_says_whose_steps_moved_whoever_moved_them(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The window reloaded an order's Activity only when its state read differently: the
    resumer's try that left a step waiting again, with the service's new words, changed the
    journal and not the state, and the Activity kept the old words."""
    network = CommentUnavailable()

    async def body(board: OrderBoard, desk: Desk) -> None:
        heard = StepsHeard()
        board.listener = heard
        order = await new_order_synced(board, desk)
        other = await desk.session.sr.create_test_order(new_order_body(first="Al", last="Bo"))
        await board.sync()
        assert heard.moved == []  # synced: no step of any order moved
        with pytest.raises(ApiError):
            await board.add_comment(order.id, "Called her")
        assert heard.moved == [[order.id]]
        network.words = "Down for maintenance."
        await board.resume()  # waits again: the same state, new words
        assert board.state(order.id).pending == {StepKind.COMMENT}
        assert heard.moved[1:] == [[order.id]]
        heard.moved.clear()
        await board.mark_comments_seen(order.id, 0)  # its state read again, no step moved
        await board.refresh([order.id, other.id])
        assert heard.moved == []
        network.down = False
        await board.resume()  # the board's own pass sends it
        assert heard.moved == [[order.id]]
        (entry,) = desk.journal.entries(order.id)
        assert entry.state is StepState.DONE

    with_board(sandbox, tmp_path / "desk.sqlite3", body, network)


def test_a_create_waiting_for_a_profile_given_another_accounts_keys_by_configure_stays_unsent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--configure`` put account B's keys on "Acme" (same addresses), whose data file kept
    account A's cached order and waiting create: the next start showed A's order on B's board
    and resumed the create against B, where it failed for good ("SmartRecruiters no longer
    has this order"). Answered "another account", the profile starts a file of its own."""
    from app import configure
    from app.store.order_cache import OrderCache

    key_b, token_b = "b" * 64, "token-of-account-b"
    monkeypatch.setenv("ASSESSMENT_DESK_HOME", str(tmp_path / "home"))
    with memory_keyring(), sandbox_answering(sr_key=key_b, berke_token=token_b) as server:
        acme = ConnectionProfile(
            name="Acme", sr_base_url=server.sr_base_url, berke_base_url=server.berke_base_url
        )
        save_settings(AppSettings(profiles=[acme], active="Acme"))
        KeyStore().set("Acme", SR_KEY, SecretStr("a" * 64))
        KeyStore().set("Acme", BERKE_TOKEN, SecretStr("token-of-account-a"))
        old_file = data_file_path(data_file_name(acme))
        db = Database(old_file)
        order = {"id": "order-of-account-a", "status": "NEW",
                 "candidate": {"id": "c1", "firstName": "Ana", "lastName": "Lind",
                               "email": "ana.lind@example.com"}}  # fmt: skip
        OrderCache(db).merge([AssessmentOrder.model_validate(order)])
        step_id = Journal(db).begin(
            "order-of-account-a",
            CreateAssessmentStep(request=CreateAssessmentRequest(
                first_name="Ana", last_name="Lind", email_address="ana.lind@example.com",
            )),
        )  # fmt: skip
        db.close()

        answers = iter(["Acme", "", "", "", "another"])
        typed = iter([key_b, token_b])
        monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
        monkeypatch.setattr(configure.getpass, "getpass", lambda _prompt: next(typed))
        assert configure.configure_interactively(KeyStore()) == 0

        now = load_settings().active_profile  # the next start: its session and resumer
        credentials = KeyStore().credentials("Acme")
        assert isinstance(credentials, Credentials)

        async def start_and_resume() -> set[str]:
            session = open_session(now, credentials)
            desk = Desk(session, Database(data_file_path(data_file_name(now))))
            try:
                await resume_pending(desk)
                return {o.id for o in OrderCache(desk.db).all()}
            finally:
                await session.aclose()
                desk.db.close()

        assert "order-of-account-a" not in asyncio.run(start_and_resume())
        db = Database(old_file)
        try:
            entry = Journal(db).get(step_id)
        finally:
            db.close()
        assert entry is not None
        assert entry.state is StepState.PENDING  # account A's, waiting in A's file
