"""Workflows over the real sandbox and a real SQLite file: journal first, outcome recorded."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.errors import ValidationApiError
from app.clients.pacing import Pacer
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_text import AS_RECORDED, BerkeParam
from app.domain.invitation import InvitationText
from app.domain.journal import (
    AcceptStep,
    AssessmentLinked,
    CreateAssessmentStep,
    InviteStep,
    OrderUpdated,
    RejectStep,
    SentAs,
)
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import (
    AcceptRequest,
    AssessmentOrder,
    ContactPerson,
    OrderStatus,
    RejectRequest,
)
from app.store.database import Database
from app.workflows.batch import OutcomeKind, run_batch
from app.workflows.board import BoardListener, BoardOptions, OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import (
    ActionNotAllowedError,
    accept_order,
    add_comment,
    create_assessment,
    list_comments,
    reject_order,
    send_invitation,
)
from app.workflows.outbox import resume_pending
from app.workflows.session import Session
from tests.integration.helpers import new_order_body
from tests.waits import HANG_GUARD_SECONDS

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

T = TypeVar("T")


def run_with_desk(
    sandbox: SandboxServer,
    path: Path,
    body: Callable[[Desk], Awaitable[T]],
    transport: httpx.AsyncBaseTransport | None = None,
    *,
    berke_pacer: Pacer | None = None,
    berke_transport: httpx.AsyncBaseTransport | None = None,
    author: ContactPerson | None = None,
) -> T:
    """Run ``body`` with a desk on the sandbox and a real SQLite file, on a fresh loop
    (``transport``: SmartRecruiters'; ``author``: the profile's result author, Cora's by
    default)."""
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    async def main() -> T:
        session = Session(
            sr=SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY, transport=transport),
            berke=BerkeClient(
                sandbox.berke_base_url,
                DEMO_BERKE_TOKEN,
                pacer=berke_pacer,
                transport=berke_transport,
            ),
            demo=True,
        )
        who = author or ContactPerson(first_name="Cora")
        desk = Desk(session, Database(path), author=who)
        try:
            return await body(desk)
        finally:
            await session.aclose()
            desk.db.close()

    return asyncio.run(main())


def req(order: AssessmentOrder) -> CreateAssessmentRequest:
    return CreateAssessmentRequest(
        first_name=order.candidate.first_name,
        last_name=order.candidate.last_name,
        email_address=order.candidate.email,
    )


async def new_order(desk: Desk, email: str | None = "zoe@example.com") -> AssessmentOrder:
    return await desk.session.sr.create_test_order(new_order_body(email=email))


def test_create_accept_invite_step_by_step(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        link = await create_assessment(desk, order, req(order))
        assert link.assessment_url.endswith(link.invitation_code)
        assert desk.journal.assessment_for(order.id) == link
        with pytest.raises(ActionNotAllowedError, match="already exists"):
            await create_assessment(desk, order, req(order))  # never a second assessment
        accepted = await accept_order(desk, order, message_to_candidate="Good luck")
        assert accepted.status is OrderStatus.IN_PROGRESS
        cached = desk.orders.get(order.id)
        assert cached is not None
        assert cached.status is OrderStatus.IN_PROGRESS
        invited = await send_invitation(
            desk, accepted, invitation=InvitationText(message="See you")
        )
        assert invited.invitation_sent
        assert invited.invited_email == "zoe@example.com"
        timeline = desk.journal.entries(order.id)
        assert [(e.action, e.state) for e in timeline] == [
            (StepKind.CREATE_ASSESSMENT, StepState.DONE),
            (StepKind.ACCEPT, StepState.DONE),
            (StepKind.INVITE, StepState.DONE),
        ]
        assert timeline[0].outcome == AssessmentLinked(link=link)
        assert isinstance(timeline[0].step, CreateAssessmentStep)
        assert "apiToken" not in timeline[0].step.model_dump_json(by_alias=True)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_links_survive_a_restart(sandbox: SandboxServer, tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"

    async def first(desk: Desk) -> tuple[str, str]:
        order = await new_order(desk)
        link = await create_assessment(desk, order, req(order))
        return order.id, link.invitation_code

    order_id, code = run_with_desk(sandbox, path, first)

    async def second(desk: Desk) -> None:
        link = desk.journal.assessment_for(order_id)
        assert link is not None
        assert link.invitation_code == code

    run_with_desk(sandbox, path, second)


def test_an_already_applied_accept_is_recognised(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        stale = await new_order(desk)
        link = await create_assessment(desk, stale, req(stale))
        # The accept was journaled and reached SmartRecruiters, but its answer was lost:
        step = desk.journal.begin(
            stale.id, AcceptStep(request=AcceptRequest(assessment_url=link.assessment_url))
        )
        desk.journal.set_may_have_gone(step, True)  # its try began, as execute marks it
        await desk.session.sr.accept_order(stale.id, link.assessment_url)
        report = await resume_pending(desk)
        assert report.done
        accepted = desk.orders.get(stale.id)
        assert accepted is not None
        assert accepted.status is OrderStatus.IN_PROGRESS
        last = desk.journal.entries(stale.id)[-1]
        assert last.state is StepState.DONE
        assert last.outcome == OrderUpdated(status=OrderStatus.IN_PROGRESS, already_applied=True)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_pending_step_recorded_before_a_newer_rule_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A wave-1 create with an SSN as its id, still pending: resumed, it fails in words and
    Berke never sees it."""

    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        params = req(order).to_params() | {BerkeParam.SOURCE_CANDIDATE_ID: "123-45-6789"}
        recorded = CreateAssessmentRequest.model_validate(params, context=AS_RECORDED)
        entry_id = desk.journal.begin(order.id, CreateAssessmentStep(request=recorded))
        report = await resume_pending(desk)
        assert not report.done
        assert report.failed == [entry_id]  # failed, not waiting: no backing off for it
        entry = desk.journal.get(entry_id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert "rule added since" in (entry.message or "")
        assert await desk.session.berke.get_assessment_status("123-45-6789") is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_reject_and_the_rules_after_it(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        rejected = await reject_order(desk, order, reason="Candidate withdrew")
        assert rejected.status is OrderStatus.REJECTED
        step = desk.journal.entries(order.id)[-1].step
        assert step == RejectStep(
            request=RejectRequest(message="Candidate withdrew"),
            author=SentAs(person=ContactPerson(first_name="Cora")),  # the desk's, recorded
        )
        with pytest.raises(ActionNotAllowedError, match="rejected"):
            await create_assessment(desk, rejected, req(rejected))
        with pytest.raises(ActionNotAllowedError, match="rejected"):
            await reject_order(desk, rejected, reason="again")

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_no_invitation_without_email(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await new_order(desk, email=None)
        await create_assessment(desk, order, req(order))
        with pytest.raises(ActionNotAllowedError, match="no email"):
            await send_invitation(desk, order)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_refused_call_is_journaled_with_the_service_message(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        bad = req(order).model_copy(update={"source_job_id": "NO-SUCH-JOB"})
        with pytest.raises(ValidationApiError):
            await create_assessment(desk, order, bad)
        entry = desk.journal.entries(order.id)[-1]
        assert entry.state is StepState.FAILED
        assert entry.message is not None
        assert "sourceJobId" in entry.message
        assert desk.journal.assessment_for(order.id) is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_comments(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        order = await new_order(desk)
        await add_comment(desk, order, "Called the candidate")
        assert [c.message for c in await list_comments(desk, order)][-1] == "Called the candidate"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_batch_outcomes_and_cancel(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        with_email = await new_order(desk)
        without_email = await new_order(desk, email=None)
        rejected = await reject_order(desk, await new_order(desk), reason="x")
        seen: list[int] = []
        outcomes = await run_batch(
            desk, [with_email, without_email, rejected], req,
            progress=lambda done, total, _o: seen.append(done),
        )  # fmt: skip
        assert [o.kind for o in outcomes] == [
            OutcomeKind.DONE, OutcomeKind.DONE, OutcomeKind.SKIPPED,
        ]  # fmt: skip
        assert "invited" in outcomes[0].detail
        assert "no email" in outcomes[1].detail
        assert seen == [1, 2, 3]
        link = desk.journal.assessment_for(with_email.id)
        assert link is not None
        assert link.invitation_sent
        # Running it again does nothing twice: both are in progress now, so skipped.
        again = await run_batch(desk, [with_email], req)
        assert again[0].kind is OutcomeKind.SKIPPED
        cancelled = asyncio.Event()
        cancelled.set()
        fresh = await new_order(desk)
        stopped = await run_batch(desk, [fresh], req, cancelled=cancelled)
        assert stopped[0].kind is OutcomeKind.SKIPPED
        assert stopped[0].detail == "Cancelled."
        assert desk.journal.assessment_for(fresh.id) is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_sync_and_poll_report_new_orders_once(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(desk: Desk) -> None:
        board = OrderBoard(desk, BoardOptions(poll_seconds=3600))
        try:
            first = await board.sync()
            assert (first.ok, first.left_out) == (True, None)
            assert len(board.orders()) == len(first.new_ids) == first.fetched >= 200
            again = await board.sync(poll=True)
            assert (again.ok, again.new_ids) == (True, ())
            arrived = await new_order(desk)
            polled = await board.sync(poll=True)
            assert polled.new_ids == (arrived.id,)
            assert (await board.sync(poll=True)).new_ids == ()
        finally:
            await board.stop()

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


class _Polled(BoardListener):
    def __init__(self) -> None:
        self.polled = asyncio.Event()
        self.watched = asyncio.Event()

    def sync_started(self, *, poll: bool) -> None:
        if poll:
            self.polled.set()

    def berke_watched(self, problem: str | None, *, local: bool = False) -> None:
        self.watched.set()


def test_a_shorter_poll_interval_applies_without_waiting_out_the_old_one(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: "Check for new orders every", lowered in File > Settings (an hour to a
    minute), applied "from now" without reconnecting, but the poll loop slept the old hour
    out first: the next check for new orders came up to an hour later."""

    async def body(desk: Desk) -> None:
        polls = _Polled()
        board = OrderBoard(desk, BoardOptions(poll_seconds=3600), polls)
        board.start()
        try:
            # The watch's first round is over, so the poll loop (started before it) is in
            # its hour's wait.
            await asyncio.wait_for(polls.watched.wait(), HANG_GUARD_SECONDS)
            assert not polls.polled.is_set()
            # 1 s (the Settings' floor is 15 s) keeps the test short; the hour is far longer
            # than the hang guard: a poll seen at all came without waiting for it.
            board.set_options(dataclasses.replace(board.options, poll_seconds=1))
            await asyncio.wait_for(polls.polled.wait(), HANG_GUARD_SECONDS)
        finally:
            await board.stop()

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_the_invitation_goes_to_the_address_berke_was_given(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The form corrected SmartRecruiters' address: Berke's email goes to the corrected one."""

    async def body(desk: Desk) -> None:
        order = await new_order(desk, email="zoe@exmaple.com")  # a typo in SmartRecruiters
        request = req(order).model_copy(update={"email_address": "zoe@example.com"})
        await create_assessment(desk, order, request)
        order = await accept_order(desk, order)
        await send_invitation(desk, order)
        invite = desk.journal.entries(order.id)[-1].step
        assert isinstance(invite, InviteStep)
        assert invite.request.email_address == "zoe@example.com"

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)
