"""Two coordinators at two desks (two databases) on one SmartRecruiters account."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.errors import NetworkError, ServerError, StateConflictError
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import AcceptStep, JournalEntry, OrderUpdated
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import AcceptRequest, OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.batch import Outcome, OutcomeKind, create_accept_invite
from app.workflows.board import BoardOptions, OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order, create_assessment
from app.workflows.outbox import resume_pending
from app.workflows.refusals import OrderGoneError, StepRefusedError
from tests.integration.helpers import (
    FailsOnce,
    RealNetwork,
    invitations_berke_sent,
    new_order_body,
)
from tests.integration.test_delivery_races import board_on, desk_of
from tests.integration.test_gone_orders import erase_in_sr
from tests.integration.test_workflows import run_with_desk


@pytest.fixture(scope="module")
def url_sandbox() -> Any:
    """A SmartRecruiters that shows the URL an order was accepted with (the reference's order
    shape does not have it; the default sandbox leaves it out)."""
    config = SandboxConfig(sr_rate_per_second=0, berke_burst=100_000, accept_url_on_order=True)
    with SandboxServer(config) as server:
        yield server


def test_an_accept_with_another_desks_url_is_a_failure_that_says_so(
    url_sandbox: SandboxServer, tmp_path: Path
) -> None:
    sandbox = url_sandbox

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
        assert (last.action, last.state) == (StepKind.ACCEPT, StepState.FAILED)
        assert last.outcome is None  # never counted as done

    run_with_desk(sandbox, tmp_path / "b.sqlite3", second_desk)


@pytest.mark.parametrize("shows_url", [True, False])
def test_a_resumed_accept_counts_as_done(
    sandbox: SandboxServer, url_sandbox: SandboxServer, tmp_path: Path, shows_url: bool
) -> None:
    """A lost answer: with the order's URL shown, it must be this step's; without it (the
    reference's shape), a step that may have been sent counts as done."""
    if shows_url:
        sandbox = url_sandbox

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Lea"))
        link = await create_assessment(
            desk, order, CreateAssessmentRequest(first_name="Lea", last_name="Müller")
        )
        request = AcceptRequest(assessment_url=link.assessment_url)
        step = desk.journal.begin(order.id, AcceptStep(request=request))
        desk.journal.set_may_have_gone(step, True)  # its try began, as execute marks it
        await desk.session.sr.accept_order(order.id, link.assessment_url)  # the answer is lost
        report = await resume_pending(desk)
        assert step in report.done
        entry = desk.journal.get(step)
        assert entry is not None
        assert entry.outcome == OrderUpdated(status=OrderStatus.IN_PROGRESS, already_applied=True)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_without_the_url_a_first_accept_refused_as_in_progress_is_a_failure(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters as documented shows no URL on the order: an accept that was never sent
    before and finds the order in progress was beaten by someone else."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ida"))
        link = await create_assessment(
            desk, order, CreateAssessmentRequest(first_name="Ida", last_name="Müller")
        )
        await desk.session.sr.accept_order(order.id, "https://elsewhere.example/a/XYZ")
        with pytest.raises(StateConflictError, match="does not say with which assessment URL"):
            await accept_order(desk, order)
        assert link.assessment_url  # this desk's assessment was not sent

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body)


def test_two_desks_never_invite_one_candidate_twice(
    url_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Both desks run the batch on one order: the second links the first's assessment (the
    order's own id), counts the accept as done (same URL), and sends no second invitation."""

    async def make(desk: Desk) -> str:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Rui", email="rui@example.com")
        )
        return order.id

    order_id = run_with_desk(url_sandbox, tmp_path / "setup.sqlite3", make)

    async def batch(desk: Desk) -> tuple[OutcomeKind, str, int]:
        order = await desk.session.sr.get_order(order_id)
        stale = order.model_copy(update={"status": OrderStatus.NEW, "assessment_url": None})
        request = CreateAssessmentRequest(
            first_name="Rui", last_name="Müller", email_address="rui@example.com"
        )
        outcome = await create_accept_invite(desk, stale, lambda _order: request)
        link = desk.journal.assessment_for(order_id)
        assert link is not None
        return (
            outcome.kind,
            outcome.detail,
            invitations_berke_sent(url_sandbox, link.source_candidate_id),
        )

    first = run_with_desk(url_sandbox, tmp_path / "a.sqlite3", batch)
    second = run_with_desk(url_sandbox, tmp_path / "b.sqlite3", batch)
    assert first[0] is OutcomeKind.DONE
    assert "invited" in first[1]
    assert second[0] is OutcomeKind.DONE
    assert "no invitation sent" in second[1]
    assert second[2] == 1, "Berke sent the invitation once"


class OrderReadsDown(RealNetwork):
    """SmartRecruiters' transport: while ``down``, a GET of one order never connects (the
    service unreachable); every other request passes."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.order_reads = 0  # GETs of one order that left, down or not

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and ORDER_PATH.search(request.url.path):
            self.order_reads += 1
            if self.down:
                raise httpx.ConnectError("Connection refused", request=request)
        return await self.inner.handle_async_request(request)


#: A GET of one order (``/assessments/{id}``), not of the listing nor of an order's parts.
ORDER_PATH = re.compile(r"/assessments/[^/]+$")


async def accepted_at(board: OrderBoard, first: str, *, invited: bool = False) -> str:
    """A candidate's order that ``board``'s desk created, accepted and (``invited``) invited."""
    email = f"{first.lower()}@example.com"
    order = await desk_of(board).session.sr.create_test_order(
        new_order_body(first=first, last="Sandoval", email=email)
    )
    await board.sync()
    request = CreateAssessmentRequest(first_name=first, last_name="Sandoval", email_address=email)
    await board.create_assessment(order.id, request)
    await board.accept(order.id)
    if invited:
        await board.invite(order.id)
    return order.id


async def rejected_at(colleague: OrderBoard, board: OrderBoard, order_id: str) -> None:
    """The candidate withdraws, and ``colleague``'s desk rejects the order; ``board``'s poll
    (NEW orders only: the others are read again by the full sync, every 15 minutes) leaves its
    copy of it in progress."""
    await colleague.sync()
    assert await colleague.reject([order_id], reason="The candidate withdrew.") == []
    await board.sync(poll=True)
    shown = board.order(order_id)
    assert shown is not None
    assert shown.status is OrderStatus.IN_PROGRESS


@pytest.mark.parametrize("action", ["invite", "remind"])
def test_nothing_is_sent_for_an_order_a_colleague_rejected(
    sandbox: SandboxServer, tmp_path: Path, action: str
) -> None:
    """Desk A rejects an order; desk B's copy of it still says in progress. Before, B's
    Invite (on an order it accepted and had not invited) and its Remind (offered by the "Not
    started" flag) went by that copy, and Berke emailed the candidate who had withdrawn. Now
    SmartRecruiters is asked first: nothing is sent, B says why and shows the order rejected."""
    first = "Wanda" if action == "invite" else "Willa"

    async def body() -> tuple[int, OrderStatus | None]:
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(sandbox, tmp_path / "b.sqlite3") as b,
        ):
            b.set_options(BoardOptions(invite_cooldown=timedelta(0)))  # Remind may go now
            order_id = await accepted_at(b, first, invited=action == "remind")
            await b.watch()  # Berke: not started
            await rejected_at(a, b, order_id)
            send = b.remind if action == "remind" else b.invite
            with pytest.raises(StepRefusedError, match="rejected in SmartRecruiters"):
                await send(order_id)
            link = b.link(order_id)
            assert link is not None
            shown = b.order(order_id)
            return invitations_berke_sent(sandbox, link.source_candidate_id), (
                shown.status if shown is not None else None
            )

    sent, shown = asyncio.run(body())
    assert sent == (1 if action == "remind" else 0), "Berke emailed the withdrawn candidate"
    assert shown is OrderStatus.REJECTED


class InvitationNeverLeavesOnce(RealNetwork):
    """Berke's transport: the first SendInvitation never connects (no route to the host)."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.url.path.endswith("/SendInvitation"):
            self.armed = False
            raise httpx.ConnectError("no route to host", request=request)
        return await self.inner.handle_async_request(request)


def test_the_resumer_sends_no_waiting_invitation_for_an_order_a_colleague_rejected(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Desk B's invitation never left (no route to Berke) and waits for its resumer; desk A
    rejects the order meanwhile. Before, the resumer went by B's copy (in progress) and
    emailed the candidate some 30 seconds later. The README promises otherwise."""

    async def body() -> tuple[int, JournalEntry]:
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(
                sandbox, tmp_path / "b.sqlite3", berke_transport=InvitationNeverLeavesOnce()
            ) as b,
        ):
            order_id = await accepted_at(b, "Ruth")
            with pytest.raises(NetworkError):
                await b.invite(order_id)  # waits for the resumer
            await rejected_at(a, b, order_id)
            await b.resume()
            link = b.link(order_id)
            assert link is not None
            (invite,) = (await b.timeline(order_id))[-1:]
            return invitations_berke_sent(sandbox, link.source_candidate_id), invite

    sent, invite = asyncio.run(body())
    assert sent == 0, "the resumer invited the candidate of an order rejected at desk A"
    assert (invite.action, invite.state) == (StepKind.INVITE, StepState.FAILED)
    assert "rejected in SmartRecruiters" in (invite.message or "")


def test_an_invitation_waits_while_smartrecruiters_cannot_say_how_the_order_stands(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The order cannot be read fresh before the invitation (SmartRecruiters unreachable):
    nothing is sent blind; the step waits, as after any transient failure, and goes once
    SmartRecruiters answers (the order still in progress)."""
    network = OrderReadsDown()

    async def body() -> tuple[int, int, JournalEntry]:
        async with board_on(sandbox, tmp_path / "b.sqlite3", network) as b:
            order_id = await accepted_at(b, "Sina")
            link = b.link(order_id)
            assert link is not None
            network.down = True
            with pytest.raises(NetworkError):
                await b.invite(order_id)
            while_down = invitations_berke_sent(sandbox, link.source_candidate_id)
            assert StepKind.INVITE in b.state(order_id).pending
            network.down = False
            await b.resume()
            (invite,) = (await b.timeline(order_id))[-1:]
            return while_down, invitations_berke_sent(sandbox, link.source_candidate_id), invite

    while_down, after, invite = asyncio.run(body())
    assert while_down == 0, "the invitation went without SmartRecruiters' word on the order"
    assert after == 1
    assert (invite.action, invite.state) == (StepKind.INVITE, StepState.DONE)


def test_the_batch_asks_again_only_for_orders_it_did_not_accept_itself(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The batch's cost: an order it accepts in the run is in progress by that accept, and
    its invitation goes without a second read of it (200 orders, 200 calls saved). An order
    accepted before, by hand, is read again: a colleague rejected it at desk A, and before,
    the batch invited its candidate."""
    network = OrderReadsDown()

    async def body() -> tuple[list[Outcome], int, int, int]:
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(sandbox, tmp_path / "b.sqlite3", network) as b,
        ):
            withdrawn = await accepted_at(b, "Vida")
            fresh = await desk_of(b).session.sr.create_test_order(
                new_order_body(first="Xena", last="Sandoval", email="xena@example.com")
            )
            await rejected_at(a, b, withdrawn)  # B's poll brings the new order
            plan = await b.plan_batch([fresh.id, withdrawn])
            reads_before = network.order_reads
            outcomes = await b.create_accept_invite([fresh.id, withdrawn], plan=plan.orders)
            links = [b.link(i) for i in (fresh.id, withdrawn)]
            assert None not in links
            sent = [invitations_berke_sent(sandbox, ln.source_candidate_id) for ln in links if ln]
            return outcomes, network.order_reads - reads_before, sent[0], sent[1]

    (fresh, withdrawn), reads, fresh_sent, withdrawn_sent = asyncio.run(body())
    assert fresh.kind is OutcomeKind.DONE, fresh.detail
    assert fresh_sent == 1
    assert withdrawn_sent == 0, "the batch invited the candidate of an order rejected at desk A"
    assert withdrawn.kind is OutcomeKind.SKIPPED  # not a failure: a Retry cannot mend it
    assert "rejected in SmartRecruiters" in withdrawn.detail
    assert reads == 1, "the batch read again the order it had just accepted"


def test_the_resumer_creates_no_waiting_assessment_for_an_order_a_colleague_rejected(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Desk B's create waits for its resumer (Berke answered 503); desk A rejects the order
    meanwhile, and B's copy still says new. Before, the resumer made the assessment for the
    withdrawn order; now it asks SmartRecruiters first, and says why none was made."""

    async def body() -> tuple[JournalEntry, OrderStatus | None]:
        busy = FailsOnce("/CreateAssessment", 503, {"message": "gateway"})
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(sandbox, tmp_path / "b.sqlite3", berke_transport=busy) as b,
        ):
            order = await desk_of(b).session.sr.create_test_order(
                new_order_body(first="Cleo", last="Sandoval", email="cleo@example.com")
            )
            await b.sync()
            request = CreateAssessmentRequest(
                first_name="Cleo", last_name="Sandoval", email_address="cleo@example.com"
            )
            with pytest.raises(ServerError):
                await b.create_assessment(order.id, request)  # waits for the resumer
            await a.sync()
            assert await a.reject([order.id], reason="The candidate withdrew.") == []
            await b.sync(poll=True)  # NEW orders only: B's copy still says new
            await b.resume()
            (create,) = (await b.timeline(order.id))[-1:]
            shown = b.order(order.id)
            return create, shown.status if shown is not None else None

    create, shown = asyncio.run(body())
    assert (create.action, create.state) == (StepKind.CREATE_ASSESSMENT, StepState.FAILED)
    assert "rejected in SmartRecruiters" in (create.message or "")
    assert shown is OrderStatus.REJECTED


def test_a_reminder_refused_for_an_order_a_colleague_rejected_says_only_the_reminder_was_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The invitation went (the activity shows it just above); the reminder's refusal said "before
    the invitation went, so the candidate was not invited"."""

    async def body() -> tuple[str, list[tuple[StepKind, StepState]]]:
        async with (
            board_on(sandbox, tmp_path / "a.sqlite3") as a,
            board_on(sandbox, tmp_path / "b.sqlite3") as b,
        ):
            b.set_options(BoardOptions(invite_cooldown=timedelta(0)))
            order_id = await accepted_at(b, "Remy", invited=True)
            await b.watch()  # Berke: not started, so Remind is offered
            await rejected_at(a, b, order_id)
            with pytest.raises(StepRefusedError) as refused:
                await b.remind(order_id)
            timeline = await b.timeline(order_id)
            invites: list[tuple[StepKind, StepState]] = [
                (e.action, e.state) for e in timeline if e.action is StepKind.INVITE
            ]
            return str(refused.value), invites

    message, invites = asyncio.run(body())
    assert invites[0] == (StepKind.INVITE, StepState.DONE)
    assert message == (
        "Not sent: the order was rejected in SmartRecruiters before the reminder went: it was "
        "not sent."
    )


def test_an_invitation_for_an_order_removed_in_smartrecruiters_holds_it_gone(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Asked before the invitation, SmartRecruiters answered 404: the step failed with its
    "does not know this item", Retry stayed offered and failed alike, and the order was shown
    live until the next full sync, where every other read of a 404 holds the order gone."""

    async def body() -> tuple[BaseException, object]:
        async with board_on(sandbox, tmp_path / "b.sqlite3") as b:
            order_id = await accepted_at(b, "Erin")
            await erase_in_sr(sandbox, order_id)
            with pytest.raises(OrderGoneError) as failed:
                await b.invite(order_id)
            return failed.value, b.state(order_id).gone_since

    error, gone_since = asyncio.run(body())
    assert str(error).startswith("SmartRecruiters no longer has this order")
    assert gone_since is not None
