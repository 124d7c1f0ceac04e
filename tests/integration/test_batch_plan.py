"""The batch's plan, against the sandbox: what it says before anything is sent, and that the
run does what it said (the job chosen, one assessment for a candidate's two orders)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_progress import BerkeProgress
from app.domain.journal import CreateAssessmentStep, InviteStep
from app.domain.order_rules import OrderAction
from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.step_kinds import StepState
from app.workflows.batch import OutcomeKind, PlanKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import RETRIED_AUTOMATICALLY, send_invitation
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import (
    RealNetwork,
    RecordingTransport,
    invitations_berke_sent,
    new_order_body,
    unpaced,
)
from tests.integration.test_close_the_loop import with_board

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


async def order_for(desk: Desk, first: str, email: str | None, job: str) -> AssessmentOrder:
    body = new_order_body(first=first, last="Lindqvist", email=email)
    body["job"] = {"name": job}
    return await desk.session.sr.create_test_order(body)


async def ines(desk: Desk, candidate_id: str, email: str | None, job: str) -> AssessmentOrder:
    """Ines Lindqvist's order under a SmartRecruiters candidate id of the test's choosing:
    her orders are one candidate's through the id, or through the email and name."""
    body = new_order_body(first="Ines", last="Lindqvist", email=email)
    body["candidate"]["id"] = candidate_id
    body["job"] = {"name": job}
    return await desk.session.sr.create_test_order(body)


def day(order: AssessmentOrder) -> str:
    """When the order was placed, as the plan names it (the local date and time)."""
    assert order.create_date is not None
    return f"{local_time(order.create_date):%Y-%m-%d %H:%M}"


def created_job(desk: Desk, order_id: str) -> str | None:
    step = next(
        e.step for e in desk.journal.entries(order_id) if isinstance(e.step, CreateAssessmentStep)
    )
    assert isinstance(step, CreateAssessmentStep)
    return step.request.source_job_id


def test_the_plan_says_what_the_run_does(sandbox: SandboxServer, tmp_path: Path) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        matched = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        unmatched = await order_for(desk, "Jon", "jon@example.com", "Data Analyst")
        # The same person's second order, in the same batch: one assessment, reused.
        second = await order_for(desk, "Ines", "ines@example.com", "Staff Accountant")
        rejected = await order_for(desk, "Kai", None, "Registered Nurse")
        await desk.session.sr.reject_order(rejected.id)
        await board.sync()
        ids = [matched.id, unmatched.id, second.id, rejected.id]

        plan = await board.plan_batch(ids)
        by_id = {p.order_id: p for p in plan.orders}
        assert by_id[matched.id].kind is PlanKind.CREATE
        assert by_id[matched.id].matched
        assert by_id[matched.id].job_text == "Registered Nurse"
        assert by_id[matched.id].warning() is None
        assert by_id[unmatched.id].job is None
        assert "Data Analyst" in (by_id[unmatched.id].warning() or "")
        assert by_id[second.id].kind is PlanKind.REUSE
        assert by_id[second.id].reuse_from == matched.id  # made earlier in this batch
        assert by_id[second.id].in_this_batch
        assert by_id[rejected.id].kind is PlanKind.SKIP
        assert "rejected" in by_id[rejected.id].reason.casefold()
        assert board.link(matched.id) is None  # planning sends nothing

        # The coordinator gives Jon a job; the run uses it.
        engineer = next(j for j in plan.jobs if j.source_job_id == "SW-ENG")
        chosen = [p.with_job(engineer) if p.order_id == unmatched.id else p for p in plan.orders]
        outcomes = await board.create_accept_invite(ids, plan=chosen)
        kinds = {o.order_id: o.kind for o in outcomes}
        assert kinds == {
            matched.id: OutcomeKind.DONE,
            unmatched.id: OutcomeKind.DONE,
            second.id: OutcomeKind.DONE,
            rejected.id: OutcomeKind.SKIPPED,
        }
        assert created_job(desk, matched.id) == "NURSE-RN"
        assert created_job(desk, unmatched.id) == "SW-ENG"
        first_link, second_link = board.link(matched.id), board.link(second.id)
        assert first_link is not None
        assert second_link is not None
        assert second_link.source_candidate_id == first_link.source_candidate_id
        # No second invitation for the second order:
        assert invitations_berke_sent(sandbox, first_link.source_candidate_id) == 1
        accepted = board.order(second.id)
        assert accepted is not None
        assert accepted.status is OrderStatus.IN_PROGRESS

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reuse_is_of_the_order_that_sent_the_invitation(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's third order. Before, it reused the second order's link (the newest),
    which had sent no invitation: the plan said it would invite her, and the run asked Berke,
    found one sent, and said "no invitation sent"."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        second = await order_for(desk, "Ines", "ines@example.com", "Staff Accountant")
        await board.sync()
        done = await board.create_accept_invite([first.id, second.id])
        assert [o.kind for o in done] == [OutcomeKind.DONE, OutcomeKind.DONE]
        made = board.link(first.id)
        assert made is not None

        third = await order_for(desk, "Ines", "ines@example.com", "Data Analyst")
        await board.sync()
        (again,) = (await board.plan_batch([third.id])).orders
        assert again.kind is PlanKind.REUSE
        assert again.reuse_from == first.id  # the order it was made and sent for
        assert again.what_happens() == (
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)}, accept; no second invitation"
        )
        (ran,) = await board.create_accept_invite([third.id], plan=[again])
        assert ran.kind is OutcomeKind.DONE
        assert ran.detail == (  # the order the plan named, made that day
            f"Reused the assessment of their Registered Nurse order of {day(first)}; accepted "
            f"with it ({made.invitation_code}), no new invitation."
        )
        assert invitations_berke_sent(sandbox, made.source_candidate_id) == 1

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def invitations_sent(desk: Desk, order_id: str) -> int:
    """How many InviteSteps the journal holds done for an order."""
    return sum(
        1
        for e in desk.journal.entries(order_id)
        if isinstance(e.step, InviteStep) and e.state is StepState.DONE
    )


def test_a_reuse_of_an_assessment_invited_earlier_in_the_batch_promises_no_invitation(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first order's assessment exists, not yet invited: its row invites her. The second
    order's row said "(its invitation has not gone yet), accept, invite …": two invitations
    promised, one sent (the run found the first row's and sent none)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        second = await order_for(desk, "Ines", "ines@example.com", "Staff Accountant")
        await board.sync()
        made = await board.create_assessment(first.id, board.default_request(first.id))
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CARRY_ON, PlanKind.REUSE]
        assert [p.what_happens() for p in plan] == [
            "Already created: accept if needed, invite ines@example.com",
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)}, accept; no second invitation",
        ]
        ran = await board.create_accept_invite([first.id, second.id], plan=plan)
        assert [o.kind for o in ran] == [OutcomeKind.DONE, OutcomeKind.DONE]
        assert ran[0].detail == f"Accepted and invited ({made.invitation_code})."
        assert ran[1].detail.endswith(
            f"accepted with it ({made.invitation_code}), no new invitation."
        )
        assert invitations_berke_sent(sandbox, made.source_candidate_id) == 1

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reuse_in_the_batch_invites_when_the_first_order_had_no_email(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """One candidate, the first order without an email, the second with one: the assessment
    made for the first is invited through the second. Its row said "no second invitation"."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Noa", None, "Registered Nurse")
        second = await order_for(desk, "Noa", "noa@example.com", "Staff Accountant")
        third = await order_for(desk, "Noa", "noa@example.com", "Data Analyst")
        await board.sync()
        plan = (await board.plan_batch([first.id, second.id, third.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CREATE, PlanKind.REUSE, PlanKind.REUSE]
        assert [p.what_happens() for p in plan] == [
            "Create, accept, no email: give the candidate the code",
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)} (in this batch; not invited yet), accept, "
            "invite noa@example.com",
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)} (in this batch), accept; no second invitation",
        ]
        ran = await board.create_accept_invite([first.id, second.id, third.id], plan=plan)
        assert [o.kind for o in ran] == [OutcomeKind.DONE] * 3
        made = board.link(first.id)
        assert made is not None
        assert "no invitation" in ran[0].detail
        assert ran[1].detail.endswith(f"accepted and invited ({made.invitation_code}).")
        assert ran[2].detail.endswith("no new invitation.")
        assert [invitations_sent(desk, o.id) for o in (first, second, third)] == [0, 1, 0]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


@pytest.mark.parametrize("invited", [True, False], ids=["invited", "never-invited"])
def test_an_order_whose_address_was_corrected_is_not_given_the_old_addresss_assessment(
    sandbox: SandboxServer, tmp_path: Path, invited: bool
) -> None:
    """A recruiter mistyped the candidate's address; the assessment was made for it (and its
    invitation sent there). The address corrected on the same candidate, the next order was
    planned and run as a reuse, "no second invitation": the corrected address never got one,
    and whatever the holder of the mistyped one did with the link became the candidate's
    result. Never invited, the reuse's invitation went to the mistyped address all the same.
    The batch leaves it to the coordinator, plan and run alike, and sends nothing."""
    typo, right = "ola.strmo@example.com", "ola.strom@example.com"
    berke = RecordingTransport()

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ola", typo, "Registered Nurse")
        await board.sync()
        request = CreateAssessmentRequest(
            first_name="Ola", last_name="Lindqvist", email_address=typo
        )
        await board.create_assessment(first.id, request)
        await board.accept(first.id)
        if invited:
            await board.invite(first.id)
        second = await order_for(desk, "Ola", right, "Staff Accountant")  # the same candidate id
        await board.sync()
        sent_before = len(_invitations(berke))

        plan = (await board.plan_batch([second.id])).orders
        assert plan[0].kind is PlanKind.SKIP
        assert (
            plan[0]
            .what_happens()
            .startswith("Skipped: The address changed since the assessment was made: check it.")
        )
        assert typo in plan[0].reason
        assert right in plan[0].reason
        ran = await board.create_accept_invite([second.id], plan=plan)
        unplanned = await board.create_accept_invite([second.id])  # its own plan, the same
        for outcome in (*ran, *unplanned):
            assert outcome.kind is OutcomeKind.SKIPPED
            assert outcome.detail == plan[0].reason
        assert board.link(second.id) is None
        assert len(_invitations(berke)) == sent_before

    with_board(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=berke)


def test_a_later_row_for_a_corrected_address_does_not_reuse_what_a_row_above_makes(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate's order with the mistyped address and the one with the corrected address
    in one batch: the second reused what the first row made and invited, the mistyped one."""
    berke = RecordingTransport()

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Per", "per.lindqvst@example.com", "Registered Nurse")
        second = await order_for(desk, "Per", "per.lindqvist@example.com", "Data Analyst")
        await board.sync()
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CREATE, PlanKind.SKIP]
        assert plan[1].reason.startswith("The address changed")
        ran = await board.create_accept_invite([first.id, second.id], plan=plan)
        assert [o.kind for o in ran] == [OutcomeKind.DONE, OutcomeKind.SKIPPED]
        assert _invitations(berke) == ["per.lindqvst@example.com"]

    with_board(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=berke)


def _invitations(berke: RecordingTransport) -> list[str]:
    """The addresses Berke was asked to send an invitation to, in turn."""
    return [
        body["emailAddress"]
        for request, body in zip(berke.requests, berke.json_bodies(), strict=True)
        if request.url.path.endswith("/SendInvitation")
    ]


def test_a_reuse_says_when_the_assessment_was_made_not_when_it_was_reused(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Made for an order without email on one day, reused and invited through another order
    on a later one: a third order reuses it from the order that sent the invitation, and was
    told the assessment was "of" the day of that reuse."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Noa", None, "Registered Nurse")
        await board.sync()
        made = await board.create_assessment(first.id, board.default_request(first.id))
        with desk.db.transaction() as conn:  # made a week ago
            conn.execute(
                "UPDATE assessments SET created_at = ? WHERE order_id = ?",
                ("2026-11-28T09:00:00+00:00", first.id),
            )
        second = await order_for(desk, "Noa", "noa@example.com", "Staff Accountant")
        await board.sync()
        (ran,) = await board.create_accept_invite([second.id])
        assert ran.detail.startswith(
            f"Reused the assessment of their Registered Nurse order of {day(first)} "
            "(made 2026-11-28); "
        )
        assert ran.detail.endswith(f"accepted and invited ({made.invitation_code}).")

        third = await order_for(desk, "Noa", "noa@example.com", "Data Analyst")
        await board.sync()
        (reusable,) = await board.reuse_candidates(third.id)
        assert reusable.from_order_id == second.id  # the order that sent the invitation
        assert f"{reusable.link.created_at:%Y-%m-%d}" == "2026-11-28"
        (ran,) = await board.create_accept_invite([third.id])
        assert ran.detail == (  # the order that sent the invitation; the day it was made
            f"Reused the assessment of their Staff Accountant order of {day(second)} "
            f"(made 2026-11-28); accepted with it ({made.invitation_code}), no new invitation."
        )

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_invited_before_its_accept_is_planned_as_accept_only(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Invite sent by hand on a new order: the batch accepts it and sends nothing. Its row
    said "accept if needed, invite …"."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        await board.sync()
        made = await board.create_assessment(order.id, board.default_request(order.id))
        await board.invite(order.id)
        (row,) = (await board.plan_batch([order.id])).orders
        assert row.kind is PlanKind.CARRY_ON
        assert row.what_happens() == "Already created and invited: accept"
        (ran,) = await board.create_accept_invite([order.id], plan=[row])
        assert ran.kind is OutcomeKind.DONE
        assert ran.detail == f"Accepted ({made.invitation_code}); the invitation was already sent."
        assert invitations_sent(desk, order.id) == 1

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_the_batch_asks_berke_nothing_it_knows(sandbox: SandboxServer, tmp_path: Path) -> None:
    """An assessment the batch created a moment ago has sent no invitation: no status call
    before inviting (the batch keeps to its own calls). One found in Berke instead (another
    desk's) is still asked: test_two_desks_never_invite_one_candidate_twice."""
    from app.clients.berke import BerkeClient
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.domain.smartrecruiters import ContactPerson
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
    from app.store.database import Database
    from app.workflows.session import Session

    berke_calls = RecordingTransport()

    async def main() -> None:
        session = Session(
            sr=SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY),
            berke=BerkeClient(
                sandbox.berke_base_url, DEMO_BERKE_TOKEN, pacer=unpaced(), transport=berke_calls
            ),
            demo=True,
        )
        desk = Desk(session, Database(tmp_path / "desk.sqlite3"), author=ContactPerson())
        board = OrderBoard(desk)
        try:
            await board.load()
            orders = [
                await order_for(desk, name, f"{name}@example.com", "Registered Nurse")
                for name in ("Una", "Vik", "Wes")
            ]
            await board.sync()
            before = len(berke_calls.requests)
            outcomes = await board.create_accept_invite([o.id for o in orders])
            assert [o.kind for o in outcomes] == [OutcomeKind.DONE] * 3
            methods = [r.url.path.rsplit("/", 1)[-1] for r in berke_calls.requests[before:]]
            assert methods.count("CreateAssessment") == 3
            assert methods.count("SendInvitation") == 3
            assert "GetAssessmentStatus" not in methods
        finally:
            await board.stop()
            await session.aclose()
            desk.db.close()

    asyncio.run(main())


def test_a_planned_reuse_with_nothing_to_reuse_fails_rather_than_create(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The plan had the candidate's second order reuse the first's assessment; the first was
    rejected meanwhile, so nothing was made: the second fails in words, with no assessment."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Xena", "xena@example.com", "Registered Nurse")
        second = await order_for(desk, "Xena", "xena@example.com", "Staff Accountant")
        await board.sync()
        plan = await board.plan_batch([first.id, second.id])
        assert [p.kind for p in plan.orders] == [PlanKind.CREATE, PlanKind.REUSE]
        await desk.session.sr.reject_order(first.id)
        await board.sync()
        outcomes = await board.create_accept_invite([first.id, second.id], plan=plan.orders)
        kinds = {o.order_id: (o.kind, o.detail) for o in outcomes}
        assert kinds[first.id][0] is OutcomeKind.SKIPPED
        assert kinds[second.id][0] is OutcomeKind.FAILED
        assert "was to reuse was not made" in kinds[second.id][1]
        assert board.link(second.id) is None

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_too_long_message_to_the_candidates_is_refused_before_anything_is_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Yusuf", "yusuf@example.com", "Registered Nurse")
        await board.sync()
        with pytest.raises(ActionNotAllowedError, match="too long"):
            await board.create_accept_invite([order.id], message_to_candidate="x" * 2_001)
        assert board.link(order.id) is None
        assert desk.journal.entries(order.id) == []

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_pending_invitation_is_not_sent_a_second_time(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An invite that failed for a while stays pending for the resumer: Invite (or the batch's
    Retry) meanwhile is refused, not a second send."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Zara", "zara@example.com", "Registered Nurse")
        await board.sync()
        link = await board.create_assessment(
            order.id,
            CreateAssessmentRequest(
                first_name="Zara", last_name="Lindqvist", email_address="zara@example.com"
            ),
        )
        request = SendInvitationRequest(
            source_candidate_id=link.source_candidate_id, email_address="zara@example.com"
        )
        desk.journal.begin(order.id, InviteStep(request=request, invitations_sent_before=0))
        with pytest.raises(ActionNotAllowedError, match="already under way"):
            await send_invitation(desk, order)
        assert invitations_berke_sent(sandbox, link.source_candidate_id) == 0

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reuse_of_an_assessment_the_batch_does_not_invite_still_invites(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate has two assessments, neither invited: an older one, made for the
    batch's first order, and a newer one for an order outside it. The first row invites the
    older; the second order reuses the newer (the newest), whose invitation has not gone.
    Its row said "no second invitation" (its candidate was invited earlier in the batch)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        outside = await order_for(desk, "Ines", "ines@example.com", "Data Analyst")
        second = await order_for(desk, "Ines", "ines@example.com", "Staff Accountant")
        await board.sync()
        await board.create_assessment(first.id, board.default_request(first.id))
        newer = await board.create_assessment(outside.id, board.default_request(outside.id))
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CARRY_ON, PlanKind.REUSE]
        assert plan[1].reuse_from == outside.id
        assert plan[1].what_happens() == (
            "Reuse the assessment of their Data Analyst order of "
            f"{day(outside)} (not invited yet), accept, invite ines@example.com"
        )
        ran = await board.create_accept_invite([first.id, second.id], plan=plan)
        assert ran[1].detail.endswith(f"accepted and invited ({newer.invitation_code}).")
        assert [invitations_sent(desk, o.id) for o in (first, second)] == [1, 1]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_later_order_reuses_what_an_earlier_row_creates_not_an_older_assessment(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """One person, three orders: an old one, invited (their email, SmartRecruiters id p1);
    the batch's first, with no email under a second id (p2), so nothing of theirs is known
    and its row creates an assessment, uninvited; the second, under p2 with the email. At
    run time the second reuses the newest assessment, the one just made, and sends its
    invitation. Its row named the old, invited one: "no second invitation"."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        old = await ines(desk, "p1", "ines@example.com", "Registered Nurse")
        await board.sync()
        await board.create_accept_invite([old.id])
        first = await ines(desk, "p2", None, "Data Analyst")
        second = await ines(desk, "p2", "ines@example.com", "Staff Accountant")
        await board.sync()
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CREATE, PlanKind.REUSE]
        assert (plan[1].reuse_from, plan[1].in_this_batch) == (first.id, True)  # the row above
        assert plan[1].what_happens() == (
            f"Reuse the assessment of their Data Analyst order of {day(first)} "
            "(in this batch; not invited yet), accept, invite ines@example.com"
        )
        ran = await board.create_accept_invite([first.id, second.id], plan=plan)
        made = board.link(first.id)
        assert made is not None
        assert ran[1].detail.endswith(f"accepted and invited ({made.invitation_code}).")
        assert [invitations_sent(desk, o.id) for o in (first, second)] == [0, 1]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_reusing_by_hand_an_invited_assessment_is_planned_as_accept_only(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """ "Reuse it" in the form, the accept then cancelled: the assessment's invitation went
    for the candidate's other order. The row said "accept if needed, invite …"; the run
    found it sent and sent nothing."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        other = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        order = await order_for(desk, "Ines", "ines@example.com", "Staff Accountant")
        await board.sync()
        await board.create_assessment(other.id, board.default_request(other.id))
        await board.invite(other.id)
        await board.reuse(order.id, other.id)
        (row,) = (await board.plan_batch([order.id])).orders
        assert row.kind is PlanKind.CARRY_ON
        assert row.what_happens() == "Already created and invited: accept"
        (ran,) = await board.create_accept_invite([order.id], plan=[row])
        assert ran.kind is OutcomeKind.DONE
        assert "no invitation sent" in ran.detail
        assert invitations_sent(desk, order.id) == 0

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reuse_of_an_assessment_invited_through_an_order_it_does_not_know(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A made X; B (another id, the same email) reused X by hand and Invite went on B. C
    (A's id, no email) knows A only: its row promised "invite …", and the run found Berke's
    count and sent none ("no invitation sent: Berke has already sent …")."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        a = await ines(desk, "a", "ines@example.com", "Registered Nurse")
        b = await ines(desk, "b", "ines@example.com", "Staff Accountant")
        c = await ines(desk, "a", None, "Data Analyst")
        await board.sync()
        made = await board.create_assessment(a.id, board.default_request(a.id))
        await board.reuse(b.id, a.id)
        await board.invite(b.id)
        (row,) = (await board.plan_batch([c.id])).orders
        assert row.kind is PlanKind.REUSE
        assert row.what_happens() == (
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(a)}, accept; no second invitation"
        )
        (ran,) = await board.create_accept_invite([c.id], plan=[row])
        assert ran.detail.endswith(f"accepted with it ({made.invitation_code}), no new invitation.")
        assert invitations_sent(desk, c.id) == 0

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_the_run_reuses_the_assessment_the_plan_named_not_the_newest_by_then(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A has X, invited; D has Y, newer, not invited. Batch [B (A's email), C (D's email),
    B and C one SmartRecruiters candidate]. B reuses X, its link dated now; C, which knows B
    and D, was planned to reuse Y and invite, but at run time X was its newest: it reused X,
    invited no one, and Y's invitation never went."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        a = await ines(desk, "a", "ines@example.com", "Registered Nurse")
        d = await ines(desk, "d", "ines2@example.com", "Nurse Aide")
        b = await ines(desk, "c", "ines@example.com", "Staff Accountant")
        c = await ines(desk, "c", "ines2@example.com", "Data Analyst")
        await board.sync()
        await board.create_accept_invite([a.id])
        y = await board.create_assessment(d.id, board.default_request(d.id))
        plan = (await board.plan_batch([b.id, c.id])).orders
        assert [(p.kind, p.reuse_from) for p in plan] == [
            (PlanKind.REUSE, a.id),
            (PlanKind.REUSE, d.id),
        ]
        assert plan[1].what_happens().endswith("accept, invite ines2@example.com")
        ran = await board.create_accept_invite([b.id, c.id], plan=plan)
        reused = board.link(c.id)
        assert reused is not None
        assert reused.source_candidate_id == y.source_candidate_id
        assert ran[1].detail.endswith(f"accepted and invited ({y.invitation_code}).")
        assert invitations_sent(desk, c.id) == 1

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reuse_of_what_a_row_above_creates_is_not_outranked_by_a_reuse_in_between(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A has X, invited. Batch [P (no email), B (A's id), C (P's id, B's email)]: P creates
    M, uninvited; B reuses X, its link dated after M; C was planned to reuse M and invite, and
    reused X, the newest by then: M's invitation never went. (B with A's address: an
    assessment made for another is not reused in a batch.)"""

    async def body(board: OrderBoard, desk: Desk) -> None:
        a = await ines(desk, "b", "ines@example.com", "Registered Nurse")
        p = await ines(desk, "p", None, "Nurse Aide")
        b = await ines(desk, "b", "ines@example.com", "Staff Accountant")
        c = await ines(desk, "p", "ines@example.com", "Data Analyst")
        await board.sync()
        await board.create_accept_invite([a.id])
        plan = (await board.plan_batch([p.id, b.id, c.id])).orders
        assert [(r.kind, r.reuse_from) for r in plan] == [
            (PlanKind.CREATE, None),
            (PlanKind.REUSE, a.id),
            (PlanKind.REUSE, p.id),
        ]
        ran = await board.create_accept_invite([p.id, b.id, c.id], plan=plan)
        made, reused = board.link(p.id), board.link(c.id)
        assert made is not None
        assert reused is not None
        assert reused.source_candidate_id == made.source_candidate_id
        assert ran[2].detail.endswith(f"accepted and invited ({made.invitation_code}).")
        assert invitations_sent(desk, c.id) == 1

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reuse_of_what_a_row_above_was_to_create_fails_when_it_was_not_made(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The row above was withdrawn before the run: its assessment was not made. The reuse of
    it took the candidate's older, invited one instead, and sent nothing, where its row had
    promised an invitation."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        old = await ines(desk, "p1", "ines@example.com", "Registered Nurse")
        await board.sync()
        await board.create_accept_invite([old.id])
        first = await ines(desk, "p2", None, "Data Analyst")
        second = await ines(desk, "p2", "ines@example.com", "Staff Accountant")
        await board.sync()
        plan = (await board.plan_batch([first.id, second.id])).orders
        await desk.session.sr.reject_order(first.id)
        await board.sync()
        ran = await board.create_accept_invite([first.id, second.id], plan=plan)
        assert [o.kind for o in ran] == [OutcomeKind.SKIPPED, OutcomeKind.FAILED]
        assert "was to reuse was not made" in ran[1].detail
        assert board.link(second.id) is None

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_whose_assessment_berke_deleted_is_skipped_and_not_reused(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The assessment of Ines's new Nurse order was deleted in Berke by hand, and the watch
    saw it. The batch must not accept that order with a link that no longer works, nor plan
    her Analyst order to reuse it (the run then failed it as "not made"): the Nurse order is
    skipped with the way out (Reject), and the Analyst order gets an assessment of its own."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        nurse = await ines(desk, "a", "ines@example.com", "Registered Nurse")
        analyst = await ines(desk, "a", "ines@example.com", "Data Analyst")
        await board.sync()
        made = await board.create_assessment(nurse.id, board.default_request(nurse.id))
        await desk.session.berke.delete_assessment(made.source_candidate_id)
        await board.watch()
        assert board.state(nurse.id).berke_progress is BerkeProgress.DELETED

        plan = (await board.plan_batch([nurse.id, analyst.id])).orders
        assert [p.kind for p in plan] == [PlanKind.SKIP, PlanKind.CREATE]
        assert f"no longer has this order's assessment ({made.invitation_code})" in plan[0].reason
        assert "Reject the order" in plan[0].reason
        ran = await board.create_accept_invite([nurse.id, analyst.id], plan=plan)
        assert [o.kind for o in ran] == [OutcomeKind.SKIPPED, OutcomeKind.DONE], ran
        assert (await desk.session.sr.get_order(nurse.id)).status is OrderStatus.NEW
        own = desk.journal.assessment_for(analyst.id)
        assert own is not None
        assert own.source_candidate_id != made.source_candidate_id

        # Each way in below the window refuses it too: Accept, Invite, and a reuse by hand.
        with pytest.raises(ActionNotAllowedError, match="link that no longer works"):
            await board.accept(nurse.id)
        with pytest.raises(ActionNotAllowedError, match="no longer has"):
            await send_invitation(desk, nurse)
        third = await ines(desk, "a", "ines@example.com", "Staff Accountant")
        await board.sync()
        assert [r.from_order_id for r in await board.reuse_candidates(third.id)] == [analyst.id]
        with pytest.raises(ActionNotAllowedError, match="deleted there"):
            await board.reuse(third.id, nurse.id)
        assert desk.journal.assessment_for(third.id) is None
        # What is left is Reject, and the inbox flags it with that fix.
        flags = board.flags(nurse.id)
        assert [(f.kind, f.fix) for f in flags] == [
            (Attention.DELETED_IN_BERKE, OrderAction.REJECT)
        ]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_address_longer_than_berke_takes_is_planned_and_run_without_an_invitation(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters' address has 118 characters (well-formed: it takes 254), Berke's
    invitation 100. The assessment was made without it, in the form. The plan said "invite"
    that address for both of the candidate's orders, and the run accepted the first, then
    failed it at the invitation, whose refusal came from inside the workflow."""
    long = "ines." + "l" * 59 + "@" + "b" * 50 + ".co"
    assert len(long) == 118
    said = f"the candidate's address is {len(long)} characters long, more than the 100 Berke"

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ines", long, "Registered Nurse")
        second = await order_for(desk, "Ines", long, "Staff Accountant")
        await board.sync()
        typed = CreateAssessmentRequest(first_name="Ines", last_name="Lindqvist")
        made = await board.create_assessment(first.id, typed)
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CARRY_ON, PlanKind.REUSE]
        instead = f"no invitation ({said} accepts): give the candidate the code"
        assert [p.what_happens() for p in plan] == [
            f"Already created: accept if needed, {instead}",
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)} (not invited yet), accept, {instead}",
        ]
        ran = await board.create_accept_invite([first.id, second.id], plan=plan)
        assert [o.kind for o in ran] == [OutcomeKind.DONE, OutcomeKind.DONE]
        assert ran[0].detail == (
            f"Accepted; no invitation, since {said} accepts: give the code {made.invitation_code}."
        )
        assert ran[1].detail.endswith(
            f"accepted; no invitation, since {said} accepts: give the code {made.invitation_code}."
        )
        for order in (first, second):
            cached = desk.orders.get(order.id)
            assert cached is not None
            assert cached.status is OrderStatus.IN_PROGRESS
        assert invitations_berke_sent(sandbox, made.source_candidate_id) == 0

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def created_request(desk: Desk, order_id: str) -> CreateAssessmentRequest:
    step = next(
        e.step for e in desk.journal.entries(order_id) if isinstance(e.step, CreateAssessmentStep)
    )
    assert isinstance(step, CreateAssessmentStep)
    return step.request


def test_a_new_order_with_an_address_longer_than_berke_takes_is_created_without_it(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """README: such an address "is planned and run as with no address: accepted, no
    invitation, the code to give". For a new order the plan skipped it instead ("Berke would
    refuse its data — email address: At most 100 characters (now 118). Correct it in
    SmartRecruiters."), applying the form's 100-character rule to the whole order, where the
    form lets the coordinator clear the address; and the candidate's second order, reusing
    that assessment, was planned as invited already."""
    long = "ines." + "l" * 59 + "@" + "b" * 50 + ".co"
    assert len(long) == 118  # well-formed (SmartRecruiters takes up to 254)
    said = f"the candidate's address is {len(long)} characters long, more than the 100 Berke"

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ines", long, "Registered Nurse")
        second = await order_for(desk, "Ines", long, "Staff Accountant")
        await board.sync()
        plan = (await board.plan_batch([first.id, second.id])).orders
        assert [p.kind for p in plan] == [PlanKind.CREATE, PlanKind.REUSE], plan[0].reason
        instead = f"no invitation ({said} accepts): give the candidate the code"
        assert [p.what_happens() for p in plan] == [
            f"Create, accept, {instead}",
            "Reuse the assessment of their Registered Nurse order of "
            f"{day(first)} (in this batch; not invited yet), accept, {instead}",
        ]
        ran = await board.create_accept_invite([first.id, second.id], plan=plan)
        assert [o.kind for o in ran] == [OutcomeKind.DONE, OutcomeKind.DONE], ran
        link = board.link(first.id)
        assert link is not None
        code = link.invitation_code
        assert ran[0].detail == (
            f"Accepted; no invitation, since {said} accepts: give the code {code}."
        )
        assert ran[1].detail.endswith(
            f"accepted; no invitation, since {said} accepts: give the code {code}."
        )
        assert created_request(desk, first.id).email_address is None
        for order in (first, second):
            assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.IN_PROGRESS
        assert invitations_berke_sent(sandbox, link.source_candidate_id) == 0

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_a_phone_number_berke_would_refuse_is_left_out_of_a_new_assessment(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters' phone number of 63 characters (Berke takes 50; it is optional, and
    printed only on report covers) skipped the whole order, "Correct it in SmartRecruiters".
    The plan says it is left out, and the run creates, accepts and invites without it."""
    phone = "+46 70 123 45 67 (mobile; evenings only, or ask for the office)"
    assert len(phone) > 50

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_body = new_order_body(first="Ines", last="Lindqvist", email="ines@example.com")
        order_body["candidate"]["phone"] = phone
        order = await desk.session.sr.create_test_order(order_body)
        assert order.candidate.phone == phone
        await board.sync()
        (planned,) = (await board.plan_batch([order.id])).orders
        assert planned.kind is PlanKind.CREATE, planned.reason
        assert planned.what_happens() == (
            "Create (phone number left out: Berke would refuse it), accept, invite ines@example.com"
        )
        (ran,) = await board.create_accept_invite([order.id], plan=[planned])
        link = board.link(order.id)
        assert link is not None
        assert (ran.kind, ran.detail) == (
            OutcomeKind.DONE,
            f"Accepted and invited ({link.invitation_code}).",
        )
        request = created_request(desk, order.id)
        assert request.phone_number is None
        assert request.email_address == "ines@example.com"

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


class BerkeOnPlainHttp(RealNetwork):
    """Berke's answers give its assessment URLs on plain http, on a site of its own."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        text = re.sub(r"http://127\.0\.0\.1:\d+/berke/start/", PLAIN_HTTP_START, response.text)
        return httpx.Response(response.status_code, headers=response.headers, text=text)


PLAIN_HTTP_START = "http://assess.berke.example/start/"


def test_the_batch_leaves_an_accept_the_dialog_would_ask_about_to_the_coordinator(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A URL on plain http (not on this computer): the Accept dialog asks "send it anyway?"
    first, but the batch accepted with it, and invited, unasked."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Ines", "ines@example.com", "Registered Nurse")
        await board.sync()
        (outcome,) = await board.create_accept_invite([order.id])
        link = board.link(order.id)
        assert link is not None
        assert link.assessment_url.startswith(PLAIN_HTTP_START)
        assert outcome.kind is OutcomeKind.SKIPPED
        assert outcome.detail.startswith(f"Berke assessment created ({link.invitation_code}); ")
        assert "starts with http://, not https://" in outcome.detail
        assert "open it and Accept it (Ctrl+Shift+A)" in outcome.detail
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.NEW
        assert invitations_berke_sent(sandbox, link.source_candidate_id) == 0
        (row,) = (await board.plan_batch([order.id])).orders
        assert row.kind is PlanKind.SKIP
        assert "starts with http://" in row.reason
        await board.accept(order.id)  # the coordinator, asked by the dialog, said yes
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.IN_PROGRESS

    with_board(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=BerkeOnPlainHttp())


def test_two_batches_at_once_for_one_candidates_orders_make_one_assessment(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Each planned alone ("Create" for both: neither order had an assessment yet), then run
    at the same time: Berke made two assessments for one person, and she had two emails."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await order_for(desk, "Ana", "ana@example.com", "Registered Nurse")
        second = await order_for(desk, "Ana", "ana@example.com", "Staff Accountant")
        await board.sync()
        plans = [(await board.plan_batch([o.id])).orders for o in (first, second)]
        assert [p.kind for (p,) in plans] == [PlanKind.CREATE, PlanKind.CREATE]
        ran = await asyncio.gather(
            *(board.create_accept_invite([p.order_id], plan=[p]) for (p,) in plans)
        )
        assert [o.kind for (o,) in ran] == [OutcomeKind.DONE, OutcomeKind.DONE]
        links = [board.link(o.id) for o in (first, second)]
        assert links[0] is not None
        assert links[1] is not None
        assert links[0].source_candidate_id == links[1].source_candidate_id
        assert [invitations_sent(desk, o.id) for o in (first, second)] == [1, 0]

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_whose_create_waits_is_planned_as_skipped_not_created(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The order's create waits in the journal for the resumer (a 503, say). Before: the plan
    promised "Create, accept, invite" (it looked for a waiting reject only, where the board's
    menu looks for any step of its own), and the run then failed it "already under way"."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await order_for(desk, "Gus", "gus-p@example.com", "Registered Nurse")
        await board.sync()
        request = CreateAssessmentRequest(
            first_name="Gus", last_name="Lindqvist", email_address="gus-p@example.com"
        )
        desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        await board.refresh([order.id])
        menu = board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [order.id])
        assert menu == RETRIED_AUTOMATICALLY
        (planned,) = (await board.plan_batch([order.id])).orders
        assert (planned.kind, planned.reason) == (PlanKind.SKIP, menu)
        (ran,) = await board.create_accept_invite([order.id])
        assert (ran.kind, ran.detail) == (OutcomeKind.SKIPPED, menu)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
