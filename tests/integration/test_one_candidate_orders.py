"""One candidate, several orders, one Berke assessment between them: nothing done to one order
takes the assessment from another that uses it, and another person is never taken for the
candidate (an audit's findings, each failing before its fix)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_progress import BerkeProgress
from app.domain.journal import DeleteAssessmentStep
from app.domain.journal_terms import StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import StepRefusedError
from tests.integration.helpers import finish_in_sandbox, new_order_body
from tests.integration.test_close_the_loop import finished, invited_order, with_board


def current(board: OrderBoard, order_id: str) -> AssessmentOrder:
    order = board.order(order_id)
    assert order is not None
    return order


async def another_order(board: OrderBoard, desk: Desk, first: str) -> str:
    """The same candidate's next order (same name and email), synced in: its id."""
    made = await desk.session.sr.create_test_order(
        new_order_body(first=first, last="Sandoval", email=f"{first.lower()}@example.com")
    )
    await board.sync()
    return made.id


async def reusing(board: OrderBoard, desk: Desk, first: str, from_order_id: str) -> str:
    """The candidate's next order, accepted with the assessment of ``from_order_id``."""
    order_id = await another_order(board, desk, first)
    await board.reuse(order_id, from_order_id)
    await board.accept(order_id)
    return order_id


@pytest.fixture(scope="module")
def loop_sandbox() -> Any:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


def test_retry_of_a_failed_delete_never_deletes_an_assessment_another_order_reused(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Ravi", "ravi@example.com")
        await board.watch()
        await board.reject([first], reason="Another job.")
        link = board.link(first)
        assert link is not None
        # Deleting it in Berke failed for good (Berke refused it, say): a failed step, Retry.
        step = desk.journal.begin(
            first, DeleteAssessmentStep(source_candidate_id=link.source_candidate_id)
        )
        desk.journal.fail(step, "Berke refused it.")
        await board.refresh([first])
        # The candidate's next order comes in.
        second = await another_order(board, desk, "Ravi")
        assert await board.reuse_candidates(second) == []  # being deleted: not offered
        # Linked all the same (a batch planned before the delete failed): Retry must not
        # take the assessment from it.
        await board.reuse(second, first)
        await board.accept(second)
        # The coordinator clicks Retry on the first order's failed step: refused in words.
        with pytest.raises(StepRefusedError, match="Not deleted in Berke: Another open order"):
            await board.retry_step(step)
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id), (
            "Retry on the rejected order deleted the assessment the open order uses"
        )

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reused_order_is_flagged_when_the_candidate_never_starts(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Lena", "lena@example.com")
        second = await reusing(board, desk, "Lena", first)
        await board.watch()
        assert board.state(second).berke_progress is BerkeProgress.NOT_STARTED
        await board.reject([first], reason="Another job.")
        link = board.link(first)
        assert link is not None
        assert link.invited_at is not None
        later = link.invited_at + board.options.attention.remind_after * 3
        kinds = [f.kind for f in board.flags(first, later)] + [
            f.kind for f in board.flags(second, later)
        ]
        assert current(board, second).status is OrderStatus.IN_PROGRESS
        assert Attention.NOT_STARTED in kinds, f"nothing says the candidate never started: {kinds}"
        # and its fix, a reminder, is offered there (before: "not sent yet")
        assert board.why_not(OrderAction.REMIND, [second]) is None

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_leaving_a_shared_assessment_open_is_asked_once(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Ugo", "ugo@example.com")
        second = await reusing(board, desk, "Ugo", first)
        await board.watch()
        await board.reject([first, second], reason="Withdrew.")
        assert [f.kind for f in board.flags(first)] == [Attention.CANCEL_IN_BERKE]
        await board.dismiss(first, Attention.CANCEL_IN_BERKE.value)  # "Leave it"
        assert board.flags(first) == []
        assert board.flags(second) == [], "the same assessment still asks to be cancelled"

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_another_person_sharing_an_email_is_not_given_the_first_ones_assessment(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two SmartRecruiters candidates (other ids, other names) with one family address."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        from app.workflows.batch import PlanKind

        alice = await invited_order(board, desk, "Alice", "family@example.com")
        bob = await desk.session.sr.create_test_order(
            new_order_body(first="Bob", last="Sandoval", email="Family@Example.com")
        )
        await board.sync()
        assert current(board, bob.id).candidate.id != current(board, alice).candidate.id
        plan = await board.plan_batch([bob.id])
        assert plan.orders[0].kind is not PlanKind.REUSE, (
            f"Bob's order is planned to reuse Alice's assessment: {plan.orders[0].what_happens()}"
        )

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_two_people_sent_without_names_sharing_an_email_are_two_candidates(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two SmartRecruiters candidates sharing a family address, sent without their names,
    were matched on the address alone: Bob's order was planned to reuse Alice's assessment
    (accepted with her URL, her result delivered for him)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        from app.workflows.batch import PlanKind

        ids = []
        for first in ("Alice", "Bob"):
            made = await desk.session.sr.create_test_order(
                new_order_body(first=first, last="Okafor", email="okafor@example.com")
            )
            candidate = loop_sandbox.app.state.sr.orders[made.id].document["candidate"]
            del candidate["firstName"], candidate["lastName"]  # sent without a name
            ids.append(made.id)
        alice, bob = ids
        await board.sync()
        assert current(board, bob).candidate.full_name == ""
        request = CreateAssessmentRequest(
            first_name="Alice", last_name="Okafor", email_address="okafor@example.com"
        )
        await board.create_assessment(alice, request)  # her name typed in the form
        await board.accept(alice)

        assert await board.reuse_candidates(bob) == []
        plan = (await board.plan_batch([bob])).orders
        assert plan[0].kind is not PlanKind.REUSE, plan[0].what_happens()

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_brothers_whose_names_differ_only_by_accents_are_two_candidates(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Nguyễn Văn Hùng and Nguyễn Văn Hưng share the family's address: compared with every
    accent dropped ("hung" both), the second brother's order was planned and run as a reuse
    of the first one's assessment, and his brother's result delivered for him."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        from app.workflows.batch import PlanKind

        family = "nguyen.family@example.com"
        hung = await desk.session.sr.create_test_order(
            new_order_body(first="Văn Hùng", last="Nguyễn", email=family)
        )
        await board.sync()
        await board.create_assessment(hung.id, board.default_request(hung.id))
        await board.accept(hung.id)
        await board.invite(hung.id)
        hung_too = await desk.session.sr.create_test_order(
            new_order_body(first="Văn Hưng", last="Nguyễn", email=family)
        )
        await board.sync()
        assert current(board, hung_too.id).candidate.id != current(board, hung.id).candidate.id

        assert await board.reuse_candidates(hung_too.id) == []
        plan = (await board.plan_batch([hung_too.id])).orders
        assert plan[0].kind is not PlanKind.REUSE, plan[0].what_happens()
        await board.create_accept_invite([hung_too.id], plan=plan)
        mine, his = board.link(hung_too.id), board.link(hung.id)
        assert mine is not None
        assert his is not None
        assert mine.invitation_code != his.invitation_code

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_another_companys_order_is_not_given_the_first_companys_assessment(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An order of another SmartRecruiters company (another customer), for a candidate
    record of its own carrying the same name and email, was planned and run as a reuse of
    the first company's assessment, and delivered at once: company B was sent the report
    made for company A (its recruiter typed the name and email; no one checks them)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        from app.workflows.batch import PlanKind

        acme = await invited_order(board, desk, "Alicia", "alicia.sandoval@example.com")
        link = board.link(acme)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        await board.watch()
        other = new_order_body(first="Alicia", last="Sandoval", email="alicia.sandoval@example.com")
        other["candidate"]["id"] = "globex-candidate-0001"
        other["company"] = {"id": "globex", "name": "Globex Corp"}
        globex = (await desk.session.sr.create_test_order(other)).id
        await board.sync()

        assert await board.reuse_candidates(globex) == []
        plan = (await board.plan_batch([globex])).orders
        assert plan[0].kind is not PlanKind.REUSE, plan[0].what_happens()
        await board.create_accept_invite([globex], plan=plan)
        theirs = board.link(globex)
        assert theirs is not None
        assert theirs.invitation_code != link.invitation_code
        assert current(board, globex).status is OrderStatus.IN_PROGRESS  # nothing delivered

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_an_assessment_being_deleted_is_not_offered_for_reuse(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Pia", "pia@example.com")
        await board.watch()
        await board.reject([first], reason="Another job.")
        link = board.link(first)
        assert link is not None
        # Delete in Berke chosen; the network dropped: the step waits for the resumer.
        desk.journal.begin(
            first, DeleteAssessmentStep(source_candidate_id=link.source_candidate_id)
        )
        await board.refresh([first])
        second = await another_order(board, desk, "Pia")
        assert await board.reuse_candidates(second) == []  # being deleted: not offered
        await board.reuse(second, first)  # linked all the same (a batch planned before)
        await board.accept(second)
        resumed = await board.resume()
        (delete,) = [
            e for e in desk.journal.entries(first) if e.action is StepKind.DELETE_ASSESSMENT
        ]
        assert delete.state is StepState.FAILED
        assert (delete.message or "").startswith("Not deleted in Berke: Another open order")
        assert delete.id in resumed.failed  # failed, not waiting: no backing off for it
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id), (
            "the reused assessment was deleted by the resumer under the open order"
        )

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_reused_orders_reminder_is_refused_once_the_assessment_is_complete(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Offered on an order whose assessment went with the other order, the reminder kept
    the rules' other checks: a finished assessment gets none (review: one was sent)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Kim", "kim@example.com")
        second = await reusing(board, desk, "Kim", first)
        await board.watch()
        assert board.why_not(OrderAction.REMIND, [second]) is None
        await finished(board, loop_sandbox, first)
        assert board.why_not(OrderAction.REMIND, [second]) == (
            "The candidate has already completed the assessment."
        )

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_a_delete_refused_for_an_open_order_leaves_the_assessment_to_reuse(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The refusal fails the delete step; the assessment, in use, is still offered to the
    candidate's next order (review: it was hidden as "being deleted")."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Noa", "noa@example.com")
        await board.watch()
        await board.reject([first], reason="Another job.")
        link = board.link(first)
        assert link is not None
        step = desk.journal.begin(
            first, DeleteAssessmentStep(source_candidate_id=link.source_candidate_id)
        )
        desk.journal.fail(step, "Berke refused it.")
        await reusing(board, desk, "Noa", first)  # the open order that uses it
        with pytest.raises(StepRefusedError, match="Not deleted in Berke"):
            await board.retry_step(step)
        third = await another_order(board, desk, "Noa")
        offered = await board.reuse_candidates(third)
        assert [r.link.source_candidate_id for r in offered] == [link.source_candidate_id]

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_an_order_completed_elsewhere_since_the_last_sync_does_not_block_the_delete(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The only order still using the assessment was completed in SmartRecruiters by
    someone else, and this desk has not synced since: the delete asks SmartRecruiters and
    goes ahead (review: the stale copy refused it)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        first = await invited_order(board, desk, "Ebba", "ebba@example.com")
        await board.watch()
        await board.reject([first], reason="Another job.")
        link = board.link(first)
        assert link is not None
        second = await reusing(board, desk, "Ebba", first)
        await desk.session.sr.complete_with_comment(second, message="Done elsewhere.")
        assert current(board, second).status is OrderStatus.IN_PROGRESS  # not synced
        step = desk.journal.begin(
            first, DeleteAssessmentStep(source_candidate_id=link.source_candidate_id)
        )
        desk.journal.fail(step, "The network dropped.")
        await board.retry_step(step)
        assert await desk.session.berke.get_assessment_status(link.source_candidate_id) is None

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)
