"""The batch when a candidate's order stops half-way: nobody is left accepted and never
invited, and what the plan and the outcome say is what happened.

Found by testing the batch as a coordinator would: an order rejected in SmartRecruiters by
someone else between the plan and the run, a 503 on an accept, a candidate with two SmartRecruiters
ids and one email, an assessment reused earlier by hand.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.errors import Service
from app.domain.attention import Attention
from app.domain.journal_terms import StepKind
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.sandbox import SandboxServer
from app.workflows.batch import (
    OutcomeKind,
    PlanKind,
    daily_limit_reached,
    request_for_job,
)
from app.workflows.batch_rules import accepted_elsewhere_reason
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import OTHER_CREATE_WAITING
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import (
    FailsOnce,
    RealNetwork,
    finish_in_sandbox,
    new_order_body,
    sandbox_answering,
)
from tests.integration.test_batch_plan import day
from tests.integration.test_candidate_with_two_orders import sandbox_assessments
from tests.integration.test_close_the_loop import with_board


async def order_for(
    desk: Desk, first: str, email: str, job: str, candidate_id: str | None = None
) -> AssessmentOrder:
    body = new_order_body(first=first, last="Okafor", email=email)
    body["job"] = {"name": job}
    if candidate_id is not None:
        body["candidate"]["id"] = candidate_id
    return await desk.session.sr.create_test_order(body)


@pytest.fixture(scope="module")
def counted_sandbox() -> Iterator[SandboxServer]:
    """A Berke whose status counts the invitations it sent (its reference's does not)."""
    with sandbox_answering(status_counts_invitations=True) as server:
        yield server


def invitations_to(server: SandboxServer, email: str) -> list[int]:
    """How many invitations Berke sent, for each of its assessments for ``email``."""
    return [
        int(a.get("invitationsSent") or 0)
        for a in sandbox_assessments(server)
        if (a.get("emailAddress") or "").casefold() == email
    ]


def test_a_reused_assessment_whose_invitation_never_went_is_sent_for_the_second_order(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's first order got the assessment, but its accept failed (rejected in
    SmartRecruiters meanwhile); the second reuses the assessment. Before: "Done… no new
    invitation", and the candidate was never invited."""
    email = "xena-reuse@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Xena", email, "Registered Nurse")
        second = await order_for(desk, "Xena", email, "Staff Accountant")
        await board.sync()
        plan = await board.plan_batch([first.id, second.id])
        assert [p.kind for p in plan.orders] == [PlanKind.CREATE, PlanKind.REUSE]
        await desk.session.sr.reject_order(first.id)  # by someone else; not synced here
        withdrawn, done = await board.create_accept_invite([first.id, second.id], plan=plan.orders)
        assert withdrawn.kind is OutcomeKind.SKIPPED
        assert withdrawn.detail.startswith("Rejected in SmartRecruiters meanwhile")
        assert done.kind is OutcomeKind.DONE
        assert "invited" in done.detail
        link = board.link(second.id)
        assert link is not None
        assert link.invitation_sent

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert invitations_to(sandbox, email) == [1]


class FailOneAccept(RealNetwork):
    """SmartRecruiters' transport; its first accept is answered 503 (nothing applied)."""

    def __init__(self) -> None:
        super().__init__()
        self.left = 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.left and request.method == "POST" and request.url.path.endswith("/accept"):
            self.left -= 1
            body: dict[str, Any] = {"code": "UNAVAILABLE", "message": "Try later"}
            return httpx.Response(503, json=body, request=request)
        return await self.inner.handle_async_request(request)


def test_an_order_accepted_by_the_resumer_is_flagged_and_the_batch_finishes_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A 503 on the accept: the resumer accepts the order later, but the batch's invitation
    was never begun. Before: no flag, and running the batch again said "Only new orders"."""
    email = "omar-accept@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Omar", email, "Registered Nurse")
        await board.sync()
        (outcome,) = await board.create_accept_invite([order.id])
        assert outcome.kind is OutcomeKind.FAILED
        assert (await board.resume()).settled  # the accept goes through now
        assert [f.kind for f in board.flags(order.id)] == [Attention.NOT_INVITED]
        plan = await board.plan_batch([order.id])
        (planned,) = plan.orders
        assert planned.kind is PlanKind.CARRY_ON
        assert planned.what_happens() == f"Already created and accepted: invite {email}"
        (outcome,) = await board.create_accept_invite([order.id], plan=plan.orders)
        assert outcome.kind is OutcomeKind.DONE, outcome.detail
        assert outcome.detail.startswith("Invited (")
        assert outcome.detail.endswith("the order was accepted before.")
        assert board.flags(order.id) == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body, FailOneAccept())
    assert invitations_to(sandbox, email) == [1]


def test_the_plan_follows_a_reuse_to_the_candidates_next_order(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """One SmartRecruiters candidate with two orders (no email on the later one), after
    another candidate's order with the first email: the plan said "create" for the third,
    and the run reused. (Not a new email on the later one: an assessment made for another
    address is not reused in a batch, ``address_changed``.)"""

    async def body(board: OrderBoard, desk: Desk) -> None:
        a = await order_for(desk, "Ann", "ann-chain@example.com", "Registered Nurse", "chain-1")
        b = await order_for(desk, "Ann", "ann-chain@example.com", "Staff Accountant", "chain-2")
        c = await order_for(desk, "Ann", "", "Data Analyst", "chain-2")
        await board.sync()
        ids = [a.id, b.id, c.id]
        plan = await board.plan_batch(ids)
        assert [p.kind for p in plan.orders] == [PlanKind.CREATE, PlanKind.REUSE, PlanKind.REUSE]
        outcomes = await board.create_accept_invite(ids, plan=plan.orders)
        assert [o.kind for o in outcomes] == [OutcomeKind.DONE] * 3
        assert "Reused" in outcomes[2].detail

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_invitation_sent_here_for_the_other_order_is_not_called_someone_elses(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    email = "ida-shared@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ida", email, "Registered Nurse")
        second = await order_for(desk, "Ida", email, "Staff Accountant")
        await board.sync()
        await board.create_accept_invite([first.id])
        await board.reuse(second.id, first.id)  # the coordinator's Reuse, from the form
        (outcome,) = await board.create_accept_invite([second.id])
        assert outcome.kind is OutcomeKind.DONE
        assert "by this desk, for the candidate's other order" in outcome.detail
        assert "not from this desk" not in outcome.detail

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert invitations_to(sandbox, email) == [1]


def test_an_order_whose_data_berke_would_refuse_is_skipped_in_words_as_planned(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the plan said "Skipped", the run said "Failed" (offering a Retry that could
    never work) with pydantic's report."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "X" * 101, "long-name@example.com", "Registered Nurse")
        await board.sync()
        plan = await board.plan_batch([order.id])
        (planned,) = plan.orders
        assert planned.kind is PlanKind.SKIP
        (outcome,) = await board.create_accept_invite([order.id], plan=plan.orders)
        assert outcome.kind is OutcomeKind.SKIPPED
        for said in (planned.what_happens(), outcome.detail):
            assert "first name: At most 100 characters (now 101)." in said
            assert "pydantic" not in said
        assert board.link(order.id) is None

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_withdrawn_after_the_plan_is_skipped_in_words_not_failed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The recruiter rejected the order in SmartRecruiters between the plan and Run. Before:
    "Failed" with the service's status words and a Retry that could never work, and no word
    of the Berke assessment made for it."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Rae", "rae-gone@example.com", "Registered Nurse")
        await board.sync()
        plan = await board.plan_batch([order.id])
        await desk.session.sr.reject_order(order.id, message="Withdrawn")
        (outcome,) = await board.create_accept_invite([order.id], plan=plan.orders)
        assert outcome.kind is OutcomeKind.SKIPPED
        link = board.link(order.id)
        assert link is not None  # made before SmartRecruiters said: named, with the way out
        assert outcome.detail == (
            "Rejected in SmartRecruiters meanwhile: not accepted. Its Berke assessment "
            f"({link.invitation_code}) was made before that was known: unless another order "
            "of the candidate uses it, Delete in Berke removes it."
        )
        assert board.why_not(OrderAction.DELETE_IN_BERKE, [order.id]) is None

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_withdrawn_orders_assessment_made_before_the_run_is_named_too(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The assessment came from the form (or an earlier run whose accept failed): the
    outcome names it all the same, with the way to remove it."""
    from app.domain.berke import CreateAssessmentRequest

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Ike", "ike-gone@example.com", "Registered Nurse")
        await board.sync()
        request = CreateAssessmentRequest(first_name="Ike", last_name="Okafor")
        link = await board.create_assessment(order.id, request)
        plan = await board.plan_batch([order.id])
        await desk.session.sr.reject_order(order.id, message="Withdrawn")
        (outcome,) = await board.create_accept_invite([order.id], plan=plan.orders)
        assert outcome.kind is OutcomeKind.SKIPPED
        assert f"Its Berke assessment ({link.invitation_code}) was made" in outcome.detail

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


class HeldFirstAccept(RealNetwork):
    """SmartRecruiters' transport; the first accept waits until ``release`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        accepting = request.method == "POST" and request.url.path.endswith("/accept")
        if accepting and not self.arrived.is_set():
            self.arrived.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)


def test_a_batch_stops_before_its_next_order_when_the_connection_closes(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The window closed (or another profile applied) during a batch. Before: every remaining
    order was still created, accepted and invited, and quitting waited for all of them."""
    transport = HeldFirstAccept()

    async def body(board: OrderBoard, desk: Desk) -> None:
        orders = [
            await order_for(desk, name, f"{name.lower()}-closing@example.com", "Registered Nurse")
            for name in ("Ada", "Bo", "Cy")
        ]
        await board.sync()
        ids = [o.id for o in orders]
        running = asyncio.ensure_future(board.create_accept_invite(ids))
        await transport.arrived.wait()  # the first order is being accepted
        board.begin_closing()
        transport.release.set()
        outcomes = await running
        assert [o.kind for o in outcomes] == [
            OutcomeKind.DONE, OutcomeKind.SKIPPED, OutcomeKind.SKIPPED
        ]  # fmt: skip
        assert [board.link(i) is not None for i in ids] == [True, False, False]

    with_board(sandbox, tmp_path / "desk.sqlite3", body, transport)


def test_an_action_waiting_to_be_resumed_is_not_offered_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A create left pending (a 503, a crash): before, Create and Create-accept-invite stayed
    offered, and the coordinator filled the whole form to be told "already under way"."""
    from app.domain.assessment_prefill import stable_candidate_id
    from app.domain.journal import CreateAssessmentStep
    from app.domain.order_action import OrderAction
    from app.workflows.order_actions import RETRIED_AUTOMATICALLY

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Pia", "pia-pending@example.com", "Registered Nurse")
        await board.sync()
        request = request_for_job(order, None).model_copy(  # what the batch sends
            update={"source_candidate_id": stable_candidate_id(order.id)}
        )
        desk.journal.begin(order.id, CreateAssessmentStep(request=request))  # left pending
        await board.refresh([order.id])
        for action in (OrderAction.CREATE_ASSESSMENT, OrderAction.CREATE_ACCEPT_INVITE):
            assert board.why_not(action, [order.id]) == RETRIED_AUTOMATICALLY
        assert board.why_not(OrderAction.REJECT, [order.id]) is None  # other actions stay
        assert (await board.resume()).settled  # the create goes through
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [order.id]) is None  # the rest

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_only_a_create_needs_the_orders_data_to_suit_berke(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An order whose name Berke would refuse, created with a name corrected in the form and
    accepted, then never invited; and a second order of the same candidate that reuses the
    first's assessment. Neither needs a create request: before, the run skipped both for
    data it did not need."""
    from app.domain.assessment_prefill import prefill_from_order
    from app.domain.berke import CreateAssessmentRequest

    email = "long-name-reuse@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "A" * 101, "long-name@example.com", "Registered Nurse")
        first = await order_for(desk, "Anna", email, "Registered Nurse")
        # The address of the assessment it reuses (another is not reused in a batch).
        second = await order_for(desk, "A" * 101, "long-name@example.com", "Staff Accountant")
        await board.sync()
        corrected = {**prefill_from_order(order), "firstName": "Anna"}
        await board.create_assessment(order.id, CreateAssessmentRequest.model_validate(corrected))
        await board.accept(order.id)
        plan = await board.plan_batch([order.id, first.id, second.id])
        assert [p.kind for p in plan.orders] == [
            PlanKind.CARRY_ON, PlanKind.CREATE, PlanKind.REUSE
        ]  # fmt: skip
        outcomes = await board.create_accept_invite(
            [order.id, first.id, second.id], plan=plan.orders
        )
        assert [o.kind for o in outcomes] == [OutcomeKind.DONE] * 3, outcomes

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_accepted_with_a_reused_assessment_already_sent_is_not_offered_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate has the invitation (sent for their other order): before, Create, accept
    and invite was offered again for the second order and planned as "invite"."""
    from app.domain.order_action import OrderAction
    from app.workflows.batch_rules import ALREADY_INVITED_WITH_THE_OTHER_ORDER

    email = "reuse-again@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Anna", email, "Registered Nurse")
        second = await order_for(desk, "Anna", email, "Staff Accountant")
        await board.sync()
        plan = await board.plan_batch([first.id, second.id])
        await board.create_accept_invite([first.id, second.id], plan=plan.orders)
        assert board.flags(second.id) == []
        batch = OrderAction.CREATE_ACCEPT_INVITE
        assert board.why_not(batch, [second.id]) == ALREADY_INVITED_WITH_THE_OTHER_ORDER
        (again,) = (await board.plan_batch([second.id])).orders
        assert again.kind is PlanKind.SKIP

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert invitations_to(sandbox, email) == [1]


def test_an_order_accepted_elsewhere_is_not_invited_to_this_desks_assessment(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Another desk accepted the order with its own assessment after the plan: this desk's
    accept is refused and says so. Before, "Retry the failed" then took the order for one
    whose invitation was left, and invited the candidate to this desk's assessment, which
    SmartRecruiters' order does not point at (and the order was flagged "Not invited")."""
    email = "eva-elsewhere@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Eva", email, "Registered Nurse")
        await board.sync()
        plan = await board.plan_batch([order.id])
        await desk.session.sr.accept_order(order.id, "https://elsewhere.example/a/OTHER1")
        (first,) = await board.create_accept_invite([order.id], plan=plan.orders)
        assert first.kind is OutcomeKind.FAILED
        assert "already accepted elsewhere" in first.detail
        link = board.link(order.id)
        assert link is not None
        # Not "Not invited: send it"; its Activity says "Order not accepted", and so does it.
        assert [f.short for f in board.flags(order.id)] == ["Order not accepted"]
        elsewhere = accepted_elsewhere_reason(link)
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [order.id]) == elsewhere
        (replanned,) = (await board.plan_batch([order.id])).orders
        assert (replanned.kind, replanned.reason) == (PlanKind.SKIP, elsewhere)
        # The batch dialog's "Retry the failed" runs the first plan again.
        (again,) = await board.create_accept_invite([order.id], plan=plan.orders)
        assert (again.kind, again.detail) == (OutcomeKind.SKIPPED, elsewhere)
        link = board.link(order.id)
        assert link is not None
        assert not link.invitation_sent
        # The coordinator's own decision, once they checked, is still theirs to make.
        assert board.why_not(OrderAction.INVITE, [order.id]) is None

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert invitations_to(sandbox, email) == [0]


class SecondCreateAnsweredWithTheFirst(RealNetwork):
    """Berke's transport: a second CreateAssessment is answered with the first one's
    invitation code and URL (under the id it was sent), a duplicate no real answer should
    hold."""

    def __init__(self) -> None:
        super().__init__()
        self.first: dict[str, Any] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/CreateAssessment"):
            return response
        body = json.loads(await response.aread())
        made = body["assessment"]
        if self.first is None:
            self.first = dict(made)
        else:
            made["invitationCode"] = self.first["invitationCode"]
            made["assessmentUrl"] = self.first["assessmentUrl"]
        return httpx.Response(response.status_code, json=body, request=request)


def test_a_created_assessment_another_order_holds_is_not_linked(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before, Bob's order was linked to Ann's assessment and accepted with its URL: only a
    recovery (``_link_from_status``) looked for another order holding the code."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        ann = await order_for(desk, "Ann", "ann.dup@example.com", "Registered Nurse")
        bob = await order_for(desk, "Bob", "bob.dup@example.com", "Registered Nurse")
        await board.sync()
        plan = await board.plan_batch([ann.id, bob.id])
        done, refused = await board.create_accept_invite([ann.id, bob.id], plan=plan.orders)
        assert done.kind is OutcomeKind.DONE
        anns = board.link(ann.id)
        assert anns is not None
        assert refused.kind is OutcomeKind.FAILED
        assert f"({anns.invitation_code}) is already linked to another order" in refused.detail
        assert board.link(bob.id) is None
        assert desk.journal.orders_linked_to(anns.invitation_code) == [ann.id]
        still = await desk.session.sr.get_order(bob.id)
        assert still.status is OrderStatus.NEW  # not accepted with Ann's URL
        # The create stays pending: its retry looks Bob's own id up, never Ann's code.
        assert desk.journal.has_pending(bob.id, StepKind.CREATE_ASSESSMENT)

    with_board(
        sandbox, tmp_path / "desk.sqlite3", body, berke_transport=SecondCreateAnsweredWithTheFirst()
    )


@pytest.mark.parametrize("blank", ["", "  "])
def test_two_people_sent_without_a_candidate_id_are_not_one_candidate(
    sandbox: SandboxServer, tmp_path: Path, blank: str
) -> None:
    """Before, a blank SmartRecruiters id was a key of its own: Bob's order reused Ann's
    assessment, and was accepted with it."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        ann = await order_for(desk, "Ann", "ann.blank@example.com", "Nurse", candidate_id=blank)
        bob = await order_for(desk, "Bob", "bob.blank@example.com", "Nurse", candidate_id=blank)
        await board.sync()
        plan = await board.plan_batch([ann.id, bob.id])
        assert [p.kind for p in plan.orders] == [PlanKind.CREATE, PlanKind.CREATE]
        outcomes = await board.create_accept_invite([ann.id, bob.id], plan=plan.orders)
        assert [o.kind for o in outcomes] == [OutcomeKind.DONE] * 2, outcomes
        anns, bobs = board.link(ann.id), board.link(bob.id)
        assert anns is not None
        assert bobs is not None
        assert anns.invitation_code != bobs.invitation_code

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_the_plan_skips_is_not_run_even_if_it_could_be_by_then(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A skipped row has no job in the plan: run as it was, it was created on Berke's default
    job (its data corrected in SmartRecruiters while the plan was open, say)."""
    email = "sam-skipped@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Sam", email, "Registered Nurse")
        await board.sync()
        (planned,) = (await board.plan_batch([order.id])).orders
        assert planned.kind is PlanKind.CREATE  # runnable now; skipped when it was planned:
        skipped = replace(planned, kind=PlanKind.SKIP, job=None, reason="Berke would refuse…")
        (outcome,) = await board.create_accept_invite([order.id], plan=[skipped])
        assert (outcome.kind, outcome.detail) == (OutcomeKind.SKIPPED, "Berke would refuse…")
        assert board.link(order.id) is None
        assert desk.journal.entries(order.id) == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert invitations_to(sandbox, email) == []


class HeldInvitations(RealNetwork):
    """Berke's transport: the next ``fail_invites`` SendInvitation get a 503 (nothing sent);
    once ``hold`` is set, the next GetAssessmentStatus waits for ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_invites = 0
        self.hold = False
        self.held = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = request.url.path.rsplit("/", 1)[-1]
        if self.fail_invites and call == "SendInvitation":
            self.fail_invites -= 1
            return httpx.Response(503, text="Busy", request=request)
        if self.hold and call == "GetAssessmentStatus":
            self.hold = False
            self.held.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)


# TODO(reference): without Berke's count (its reference's status), the plan below says
# "(not invited yet), accept, invite", and the run accepts the second order and sends no
# invitation while the first order's waits (the resumer then fails that one "may have gone,
# not sent again" after its 503): the plan cannot know that Berke will give no count.
def test_one_assessments_invitation_is_sent_once_when_both_orders_send_it_at_once(
    counted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's first order's invitation waits for the resumer (a 503); their second
    order reuses the assessment and sends it itself. Before, the resumer retried the first
    one's while the second counted Berke's invitations: both read 0, both sent. Where Berke
    counts them (a sandbox opted in)."""
    email = "xavi-race@example.com"
    berke = HeldInvitations()

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Xavi", email, "Registered Nurse")
        second = await order_for(desk, "Xavi", email, "Staff Accountant")
        await board.sync()
        berke.fail_invites = 1
        (failed,) = await board.create_accept_invite([first.id])
        assert failed.kind is OutcomeKind.FAILED
        assert desk.journal.has_pending(first.id, StepKind.INVITE)
        plan = await board.plan_batch([second.id])
        assert plan.orders[0].kind is PlanKind.REUSE
        # Said as the run does it: the reused assessment's invitation has not gone, so it goes.
        assert plan.orders[0].what_happens() == (
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)} (not invited yet), accept, invite {email}"
        )
        berke.hold = True
        batch = asyncio.create_task(board.create_accept_invite([second.id], plan=plan.orders))
        try:
            await berke.held.wait()  # the second order counts the assessment's invitations…
            report = await board.resume()  # …while the resumer would retry the first order's
        finally:
            berke.release.set()
            (sent,) = await batch
        assert report.done == []
        assert len(report.waiting) == 1, report
        assert sent.kind is OutcomeKind.DONE, sent
        assert "invited" in sent.detail
        # Berke's count grew: the first order's invitation counts as the one sent.
        assert (await board.resume()).settled
        assert not desk.journal.has_pending(first.id, StepKind.INVITE)
        for order_id in (first.id, second.id):
            link = board.link(order_id)
            assert link is not None
            assert link.invitation_sent

    with_board(counted_sandbox, tmp_path / "desk.sqlite3", body, berke_transport=berke)
    assert invitations_to(counted_sandbox, email) == [1]


def test_a_reused_assessment_of_an_order_accepted_elsewhere_is_not_delivered_to_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The batch links the candidate's assessment to her second order before accepting it;
    another coordinator accepted that order meanwhile, so the accept is refused and the link
    stays. Before: once she finished the assessment (for her first order), the second was
    flagged "Deliver the result" and automatic delivery completed the other coordinator's
    order with this desk's result."""
    email = "quinn-else@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Quinn", email, "Registered Nurse")
        await board.sync()
        (done,) = await board.create_accept_invite([first.id])
        assert done.kind is OutcomeKind.DONE, done.detail
        second = await order_for(desk, "Quinn", email, "Staff Accountant")
        await board.sync()
        plan = await board.plan_batch([second.id])
        assert [p.kind for p in plan.orders] == [PlanKind.REUSE]
        await desk.session.sr.accept_order(second.id, "https://other-desk.example/a/OTHER123")
        (refused,) = await board.create_accept_invite([second.id], plan=plan.orders)
        assert refused.kind is OutcomeKind.FAILED
        assert "accepted elsewhere" in refused.detail
        link = board.link(second.id)
        assert link is not None
        finish_in_sandbox(sandbox, link.invitation_code)
        board.set_options(replace(board.options, auto_deliver=True))
        await board.watch()  # sees it complete; delivers what is deliverable
        assert [f.kind for f in board.flags(first.id)] == []  # delivered: hers, accepted here
        assert (await desk.session.sr.get_order(first.id)).status is OrderStatus.COMPLETED
        assert (await desk.session.sr.get_order(second.id)).status is OrderStatus.IN_PROGRESS
        assert Attention.DELIVER not in [f.kind for f in board.flags(second.id)]
        reason = board.why_not(OrderAction.DELIVER, [second.id])
        assert reason is not None
        assert reason.startswith("Accepted in SmartRecruiters elsewhere")

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


#: Berke busy (nothing done), and a gateway that lost the answer: faults the sandbox never makes.
BERKE_BUSY = {"status": "error", "responseCode": "503"}
GATEWAY = {"message": "gateway"}


def test_an_order_waits_while_the_candidates_other_order_waits_for_its_create(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A 503 leaves the create of the candidate's first order waiting in the journal. Before:
    a batch on her second order saw nothing to reuse and made her a second assessment; the
    resumer then made the first one too, and its batch invited her a second time. The
    single-order Create is refused the same way."""
    email = "ivy-two@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ivy", email, "Registered Nurse")
        second = await order_for(desk, "Ivy", email, "Staff Accountant")
        await board.sync()
        (failed,) = await board.create_accept_invite([first.id])
        assert failed.kind is OutcomeKind.FAILED
        (planned,) = (await board.plan_batch([second.id])).orders
        assert planned.kind is PlanKind.SKIP
        assert planned.reason == OTHER_CREATE_WAITING
        (skipped,) = await board.create_accept_invite([second.id])
        assert (skipped.kind, skipped.detail) == (OutcomeKind.SKIPPED, OTHER_CREATE_WAITING)
        assert board.why_not(OrderAction.CREATE_ASSESSMENT, [second.id]) == OTHER_CREATE_WAITING
        # Nor is the batch offered for it (its plan would only skip it).
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [second.id]) == OTHER_CREATE_WAITING
        with pytest.raises(ActionNotAllowedError, match="still being created"):
            await board.create_assessment(second.id, board.default_request(second.id))
        assert board.link(second.id) is None
        assert (await board.resume()).settled  # the first order's create goes now
        await board.create_accept_invite([first.id])
        (planned,) = (await board.plan_batch([second.id])).orders
        assert planned.kind is PlanKind.REUSE
        (reused,) = await board.create_accept_invite([second.id], plan=[planned])
        assert reused.kind is OutcomeKind.DONE, reused.detail

    with_board(
        sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=FailsOnce(
            "/CreateAssessment", 503, {"status": "error", "responseCode": "503"}
        ),
    )
    assert invitations_to(sandbox, email) == [1]


class DailyLimitAfter(RealNetwork):
    """Berke's transport: after ``after`` POSTs to a path ending with ``suffix``, each is
    answered with Berke's daily limit."""

    def __init__(self, suffix: str, after: int) -> None:
        super().__init__()
        self.suffix, self.after = suffix, after

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith(self.suffix):
            if self.after <= 0:
                body = {
                    "status": "error",
                    "responseCode": "429",
                    "isDailyLimit": True,
                    "estimatedMillisecondsToNextAllowedCall": 3_600_000,
                }
                return httpx.Response(429, json=body, request=request)
            self.after -= 1
        return await self.inner.handle_async_request(request)


def test_the_rest_of_a_batch_is_not_run_once_berkes_daily_limit_is_reached(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Berke's daily limit on the second order's invitation. Before: each order after it was
    tried, had its create queued and shown Failed, then failed "already under way" on Retry,
    and was created unasked when the limit lifted. Now they are not run, as after a Cancel,
    for the coordinator to run once the limit lifts."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        ids = [
            (await order_for(desk, n, f"{n.lower()}-dl@example.com", "Nurse", f"c-dl-{n}")).id
            for n in ("Ann", "Bob", "Cid", "Dee")
        ]
        await board.sync()
        plan = await board.plan_batch(ids)
        outcomes = await board.create_accept_invite(ids, plan=plan.orders)
        assert [o.kind for o in outcomes] == [
            OutcomeKind.DONE,
            OutcomeKind.FAILED,
            OutcomeKind.SKIPPED,
            OutcomeKind.SKIPPED,
        ]
        assert [o.not_run for o in outcomes] == [False, False, True, True]
        assert outcomes[2].detail == daily_limit_reached(Service.BERKE)
        assert [board.state(i).pending for i in ids[2:]] == [frozenset(), frozenset()]
        assert [board.link(i) for i in ids[2:]] == [None, None]

    with_board(
        sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=DailyLimitAfter("/SendInvitation", after=1),
    )


# Without Berke's count: test_invitation_count_unknown's
# test_the_batchs_second_order_is_done_while_the_first_orders_invitation_waits.
def test_an_invitation_waiting_to_be_checked_for_the_other_order_is_not_called_someone_elses(
    counted_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first order's invitation went but its answer was lost (its send waits to be
    checked); the second order reuses the assessment. Before, it said Berke had sent the
    invitation "though not from this desk": it was this desk, for her other order. Where
    Berke counts them (a sandbox opted in)."""
    email = "vera-lost@example.com"

    async def body(board: OrderBoard, desk: Desk) -> None:
        a = await order_for(desk, "Vera", email, "Registered Nurse")
        b = await order_for(desk, "Vera", email, "Staff Accountant")
        await board.sync()
        plan = await board.plan_batch([a.id, b.id])
        first, second = await board.create_accept_invite([a.id, b.id], plan=plan.orders)
        assert first.kind is OutcomeKind.FAILED
        assert StepKind.INVITE in board.state(a.id).pending
        assert second.kind is OutcomeKind.DONE, second.detail
        assert "not from this desk" not in second.detail
        assert "by this desk, for the candidate's other order" in second.detail

    with_board(
        counted_sandbox,
        tmp_path / "desk.sqlite3",
        body,
        berke_transport=FailsOnce("/SendInvitation", 502, {"message": "gateway"}, carried_out=True),
    )
    assert invitations_to(counted_sandbox, email) == [1]
