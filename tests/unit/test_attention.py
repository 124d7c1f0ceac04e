"""What needs the coordinator's attention: each mismatch between SmartRecruiters' side and
Berke's side, and each order left waiting too long, with its fix."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.attention import Attention, AttentionRules, flags_for
from app.domain.berke_progress import BerkeProgress
from app.domain.journal_terms import LinkedAssessment, StepKind
from app.domain.order_rules import OrderAction
from app.domain.order_state import BerkeState, InvitationDoubt, OrderState
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.views.order_rows import activity_text

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
RULES = AttentionRules(stale_new_after=timedelta(days=2), remind_after=timedelta(days=3))


def order(status: OrderStatus, age: timedelta = timedelta(hours=1)) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": "o1", "status": status, "createDate": NOW - age,
         "candidate": {"id": "c1", "firstName": "Zoë", "lastName": "Müller"}}
    )  # fmt: skip


def link(invited: timedelta | None = None) -> LinkedAssessment:
    return LinkedAssessment(
        order_id="o1", source_candidate_id="AD-1", invitation_code="C0DE",
        assessment_url="https://berke.test/a/C0DE", created_at=NOW - timedelta(days=5),
        invited_at=NOW - invited if invited is not None else None,
    )  # fmt: skip


def berke(progress: BerkeProgress) -> BerkeState:
    return BerkeState(progress, checked_at=NOW)


def kinds(state: OrderState, status: OrderStatus, age: timedelta = timedelta(hours=1)) -> list:
    return [f.kind for f in flags_for(order(status, age), state, NOW, RULES)]


def test_berke_complete_and_the_order_in_progress_asks_for_delivery() -> None:
    state = OrderState(link=link(), berke=berke(BerkeProgress.COMPLETE))
    flags = flags_for(order(OrderStatus.IN_PROGRESS), state, NOW, RULES)
    assert [f.kind for f in flags] == [Attention.DELIVER]
    assert flags[0].fix is OrderAction.DELIVER
    # A result made, the order not completed (the documented flow's completion never began):
    # still to deliver. Being delivered (a complete step pending): no flag.
    assert kinds(OrderState(link=link(), berke=berke(BerkeProgress.COMPLETE), result_id="r"),
                 OrderStatus.IN_PROGRESS) == [Attention.DELIVER]  # fmt: skip
    pending = OrderState(
        link=link(), berke=berke(BerkeProgress.COMPLETE), pending=frozenset({StepKind.COMPLETE})
    )
    assert kinds(pending, OrderStatus.IN_PROGRESS) == []


@pytest.mark.parametrize("status", [OrderStatus.REJECTED, OrderStatus.COMPLETED])
@pytest.mark.parametrize("progress", [BerkeProgress.NOT_STARTED, BerkeProgress.STARTED])
def test_an_order_ended_elsewhere_with_berke_open(
    status: OrderStatus, progress: BerkeProgress
) -> None:
    state = OrderState(link=link(), berke=berke(progress))
    flags = flags_for(order(status), state, NOW, RULES)
    assert [f.kind for f in flags] == [Attention.CANCEL_IN_BERKE]
    assert flags[0].fix is OrderAction.DELETE_IN_BERKE
    left_alone = OrderState(
        link=link(), berke=berke(progress), dismissed=frozenset({"cancel_in_berke"})
    )
    assert kinds(left_alone, status) == []
    # Complete or deleted in Berke: nothing to cancel.
    for done in (BerkeProgress.COMPLETE, BerkeProgress.DELETED):
        assert kinds(OrderState(link=link(), berke=berke(done)), status) == []


def test_in_progress_without_an_assessment_here() -> None:
    flags = flags_for(order(OrderStatus.IN_PROGRESS), OrderState(), NOW, RULES)
    assert [(f.kind, f.fix) for f in flags] == [
        (Attention.NO_ASSESSMENT, OrderAction.CREATE_ASSESSMENT)
    ]


def test_a_new_order_older_than_the_rule() -> None:
    assert kinds(OrderState(), OrderStatus.NEW, timedelta(days=1)) == []
    flags = flags_for(order(OrderStatus.NEW, timedelta(days=3)), OrderState(), NOW, RULES)
    assert [f.kind for f in flags] == [Attention.STALE_NEW]
    assert "3 days" in flags[0].text


@pytest.mark.parametrize("status", [OrderStatus.NEW, OrderStatus.IN_PROGRESS])
def test_an_open_order_whose_assessment_berke_deleted_offers_to_reject_it(
    status: OrderStatus,
) -> None:
    """Deleted by hand in Berke, or from another desk: nothing can go on here (no accept
    with its dead link, no invitation), and the order would wait for ever. Not also "new for
    3 days", whose fix (Create, accept and invite) is refused for it."""
    deleted = OrderState(link=link(), berke=berke(BerkeProgress.DELETED))
    flags = flags_for(order(status, timedelta(days=3)), deleted, NOW, RULES)
    assert [(f.kind, f.fix) for f in flags] == [(Attention.DELETED_IN_BERKE, OrderAction.REJECT)]
    assert "Berke no longer has this order's assessment (C0DE)" in flags[0].text
    assert flags[0].short == "Deleted in Berke"
    left_alone = OrderState(
        link=link(), berke=berke(BerkeProgress.DELETED), dismissed=frozenset({"deleted_in_berke"})
    )
    assert kinds(left_alone, status) == []
    # Ended, it is what "Delete in Berke" leaves: nothing to ask.
    for ended in (OrderStatus.REJECTED, OrderStatus.COMPLETED):
        assert kinds(deleted, ended) == []


def test_invited_long_ago_and_never_started_offers_a_reminder() -> None:
    waiting = OrderState(
        link=link(invited=timedelta(days=4)), berke=berke(BerkeProgress.NOT_STARTED)
    )
    flags = flags_for(order(OrderStatus.IN_PROGRESS), waiting, NOW, RULES)
    assert [(f.kind, f.fix) for f in flags] == [(Attention.NOT_STARTED, OrderAction.REMIND)]
    recent = OrderState(
        link=link(invited=timedelta(days=1)), berke=berke(BerkeProgress.NOT_STARTED)
    )
    assert kinds(recent, OrderStatus.IN_PROGRESS) == []
    started = OrderState(link=link(invited=timedelta(days=4)), berke=berke(BerkeProgress.STARTED))
    assert kinds(started, OrderStatus.IN_PROGRESS) == []


def test_berke_not_saying_where_it_stands_flags_nothing_a_completion_would_forbid() -> None:
    """Berke's status without its flag was read "not started": a reminder was suggested, and
    "cancel it in Berke" offered for an assessment that may be complete. What does not need
    it known (the invitation never sent) is still flagged."""
    unknown = berke(BerkeProgress.UNKNOWN)
    invited = OrderState(link=link(invited=timedelta(days=4)), berke=unknown)
    assert kinds(invited, OrderStatus.IN_PROGRESS) == []
    for ended in (OrderStatus.REJECTED, OrderStatus.COMPLETED):
        assert kinds(OrderState(link=link(), berke=unknown), ended) == []
    accepted = order(OrderStatus.IN_PROGRESS).model_copy(deep=True)
    accepted.candidate.email = "zoe@example.com"
    never_invited = flags_for(accepted, OrderState(link=link(), berke=unknown), NOW, RULES)
    assert [f.kind for f in never_invited] == [Attention.NOT_INVITED]


def test_a_recruiters_new_comment() -> None:
    flags = flags_for(order(OrderStatus.IN_PROGRESS), OrderState(link=link(), unseen_comments=2),
                      NOW, RULES)  # fmt: skip
    assert [f.kind for f in flags] == [Attention.NEW_COMMENT]
    assert flags[0].text == "2 new comments on the order, not written at this desk."
    assert flags[0].fix is None


def test_accepted_and_never_invited_asks_for_the_invitation() -> None:
    """A batch stopped after the accept (its invite never began): the candidate has no way
    in, and the recruiter waits for a result that cannot come."""
    accepted = order(OrderStatus.IN_PROGRESS).model_copy(deep=True)
    accepted.candidate.email = "zoe@example.com"
    flags = flags_for(accepted, OrderState(link=link()), NOW, RULES)
    assert [(f.kind, f.fix) for f in flags] == [(Attention.NOT_INVITED, OrderAction.INVITE)]
    # Not when: invited, being invited, no email, started in Berke, or invited by this desk
    # for the candidate's other order whose assessment this one reuses.
    assert flags_for(accepted, OrderState(link=link(invited=timedelta(0))), NOW, RULES) == []
    inviting = OrderState(link=link(), pending=frozenset({StepKind.INVITE}))
    assert flags_for(accepted, inviting, NOW, RULES) == []
    assert kinds(OrderState(link=link()), OrderStatus.IN_PROGRESS) == []  # no email
    started = OrderState(link=link(), berke=berke(BerkeProgress.STARTED))
    assert flags_for(accepted, started, NOW, RULES) == []
    shared = flags_for(accepted, OrderState(link=link()), NOW, RULES, invited_elsewhere_at=NOW)
    assert shared == []


def test_not_started_counts_from_the_latest_invitation_to_the_candidate() -> None:
    """A reused assessment: a reminder sent with the other order a day ago is the latest the
    candidate had, and the order's own invitation 8 days ago is not what counts."""
    state = OrderState(link=link(timedelta(days=8)), berke=berke(BerkeProgress.NOT_STARTED))
    accepted = order(OrderStatus.IN_PROGRESS)
    recently = flags_for(accepted, state, NOW, RULES, invited_elsewhere_at=NOW - timedelta(days=1))
    assert Attention.NOT_STARTED not in [f.kind for f in recently]
    never_here = OrderState(link=link(), berke=berke(BerkeProgress.NOT_STARTED))
    nine_days = NOW - timedelta(days=9)
    long_ago = flags_for(accepted, never_here, NOW, RULES, invited_elsewhere_at=nine_days)
    assert Attention.NOT_STARTED in [f.kind for f in long_ago]


def test_an_order_whose_create_date_has_no_offset_is_flagged_not_a_crash() -> None:
    """A time the service wrote without an offset raised TypeError here, and every inbox row
    with it (the rows are built with the flags)."""
    naive = AssessmentOrder.model_validate(
        {"id": "o1", "status": "NEW", "createDate": "2026-11-20T09:00:00.000",
         "candidate": {"id": "c1", "firstName": "Zoë", "lastName": "Müller"}}
    )  # fmt: skip
    assert [f.kind for f in flags_for(naive, OrderState(), NOW, RULES)] == [Attention.STALE_NEW]


def test_not_invited_is_flagged_when_the_address_was_given_in_the_form() -> None:
    """SmartRecruiters gave no email, the coordinator typed one in the Berke form: Invite
    would reach the candidate, and the flag said nothing of the invitation never sent."""
    no_email = AssessmentOrder.model_validate(
        {"id": "o1", "status": "IN_PROGRESS", "createDate": NOW - timedelta(days=1),
         "candidate": {"id": "c1", "firstName": "Zoë", "lastName": "Müller"}}
    )  # fmt: skip
    typed = link().model_copy(update={"created_email": "zoe@example.com"})
    kinds_now = [f.kind for f in flags_for(no_email, OrderState(link=typed), NOW, RULES)]
    assert Attention.NOT_INVITED in kinds_now
    assert Attention.NOT_INVITED not in [
        f.kind for f in flags_for(no_email, OrderState(link=link()), NOW, RULES)
    ]


def test_not_invited_is_not_flagged_for_an_address_berke_refuses() -> None:
    """ "zoe@example", or 101+ characters: accepted without an invitation (the batch says to give
    the code), then flagged "Not invited" for good, its fix (Invite) refused by the rules."""
    for address in ("zoe@example", f"{'z' * 95}@example.com"):
        accepted = order(OrderStatus.IN_PROGRESS).model_copy(deep=True)
        accepted.candidate.email = address
        assert kinds_of(accepted, OrderState(link=link())) == []
        typed = link().model_copy(update={"created_email": address})
        assert kinds_of(order(OrderStatus.IN_PROGRESS), OrderState(link=typed)) == []


def kinds_of(an_order: AssessmentOrder, state: OrderState) -> list[Attention]:
    return [f.kind for f in flags_for(an_order, state, NOW, RULES)]


REJECTING = frozenset({StepKind.REJECT})


def test_a_waiting_reject_asks_for_nothing_that_takes_the_order_on() -> None:
    """The reject's 503 (or a limit) left it waiting, and the flags still asked to create,
    accept and invite, to deliver, to invite or to remind: each refused by the board while
    the reject waits, so their fix did nothing."""
    old = timedelta(days=3)
    assert kinds(OrderState(pending=REJECTING), OrderStatus.NEW, old) == []
    assert kinds(OrderState(pending=REJECTING), OrderStatus.IN_PROGRESS) == []  # no assessment
    complete = OrderState(link=link(), berke=berke(BerkeProgress.COMPLETE), pending=REJECTING)
    assert kinds(complete, OrderStatus.IN_PROGRESS) == []
    accepted = order(OrderStatus.IN_PROGRESS).model_copy(deep=True)
    accepted.candidate.email = "zoe@example.com"
    assert kinds_of(accepted, OrderState(link=link(), pending=REJECTING)) == []
    not_started = OrderState(
        link=link(invited=timedelta(days=4)),
        berke=berke(BerkeProgress.NOT_STARTED),
        pending=REJECTING,
    )
    assert kinds(not_started, OrderStatus.IN_PROGRESS) == []
    # Still true, its fix (Reject) under way: the pane shows that fix off, saying why.
    deleted = OrderState(link=link(), berke=berke(BerkeProgress.DELETED), pending=REJECTING)
    assert kinds(deleted, OrderStatus.NEW, old) == [Attention.DELETED_IN_BERKE]


def test_a_reminder_waiting_to_be_sent_again_is_not_asked_for_again() -> None:
    """Its 503 left the reminder waiting in the journal, and "Not started: send a reminder"
    stayed, its fix refused ("already under way")."""
    reminding = OrderState(
        link=link(invited=timedelta(days=4)),
        berke=berke(BerkeProgress.NOT_STARTED),
        pending=frozenset({StepKind.INVITE}),
    )
    assert kinds(reminding, OrderStatus.IN_PROGRESS) == []


GONE = NOW - timedelta(days=1)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_an_order_sr_no_longer_has_says_so_and_nothing_else(status: OrderStatus) -> None:
    """Old and new, not invited, a new comment: none of it can be acted on any more."""
    state = OrderState(link=link(), gone_since=GONE, unseen_comments=2)
    flags = flags_for(order(status, timedelta(days=9)), state, NOW, RULES)
    assert [f.kind for f in flags] == [Attention.GONE]
    assert "SmartRecruiters no longer has this order" in flags[0].text
    assert flags[0].fix is None  # Berke's side not known to be open: nothing to delete


def test_a_gone_orders_open_berke_assessment_may_be_deleted_unless_another_order_needs_it() -> None:
    state = OrderState(link=link(), berke=berke(BerkeProgress.STARTED), gone_since=GONE)
    alone = flags_for(order(OrderStatus.IN_PROGRESS), state, NOW, RULES)
    shared = flags_for(order(OrderStatus.IN_PROGRESS), state, NOW, RULES, in_use_elsewhere=True)
    assert alone[0].fix is OrderAction.DELETE_IN_BERKE
    assert shared[0].fix is None
    left_alone = OrderState(link=link(), gone_since=GONE, dismissed=frozenset({"gone"}))
    assert flags_for(order(OrderStatus.NEW), left_alone, NOW, RULES) == []


@pytest.mark.parametrize("kind", [StepKind.COMPLETE, StepKind.CREATE_RESULT])
def test_a_delivery_under_way_is_not_offered_again(kind: StepKind) -> None:
    """Its result being created (or waiting to be sent again) counts as under way as much as
    the completion: "Deliver" offered then would make a second result on the order, and a
    held delivery's "not delivered automatically" would say it was not under way."""
    state = OrderState(link=link(), berke=berke(BerkeProgress.COMPLETE), pending=frozenset({kind}))
    assert kinds(state, OrderStatus.IN_PROGRESS) == []
    held = flags_for(order(OrderStatus.IN_PROGRESS), state, NOW, RULES, delivery_held="over")
    assert held == []


def test_a_held_delivery_not_under_way_is_said_with_its_reason() -> None:
    """What automatic delivery held it for is what the coordinator needs to deliver it."""
    state = OrderState(link=link(), berke=berke(BerkeProgress.COMPLETE))
    flags = flags_for(
        order(OrderStatus.IN_PROGRESS), state, NOW, RULES, delivery_held="over the limit"
    )
    assert [f.kind for f in flags] == [Attention.DELIVER]
    assert "over the limit" in flags[0].text


def test_a_delivery_the_coordinator_asked_for_refused_is_said_as_theirs() -> None:
    """Not "not delivered automatically": the coordinator's "Deliver all" was refused."""
    state = OrderState(link=link(), berke=berke(BerkeProgress.COMPLETE))
    (flag,) = flags_for(
        order(OrderStatus.IN_PROGRESS),
        state,
        NOW,
        RULES,
        delivery_held="not a PDF",
        delivery_held_asked=True,
    )
    assert flag.short == "Delivery refused"
    assert "delivering the result was refused: not a PDF" in flag.text
    assert "automatic" not in flag.text


def test_stale_new_and_not_started_show_at_exactly_their_limits() -> None:
    """The profile says "Flag new orders older than N days" and "Offer a reminder after N
    days": an order new for exactly 2 days, or invited exactly 3 days ago, waited a round
    longer unflagged."""
    at_limit = flags_for(order(OrderStatus.NEW, timedelta(days=2)), OrderState(), NOW, RULES)
    assert [f.kind for f in at_limit] == [Attention.STALE_NEW]
    assert at_limit[0].short == "New for 2 days"
    invited = OrderState(
        link=link(invited=timedelta(days=3)),
        berke=berke(BerkeProgress.NOT_STARTED),
        accepted_here=True,
    )
    flags = flags_for(order(OrderStatus.IN_PROGRESS), invited, NOW, RULES)
    assert [f.kind for f in flags] == [Attention.NOT_STARTED]
    assert flags[0].text == "Invited 3 days ago and not started: send a reminder."


def test_one_day_is_said_as_one_day_not_today() -> None:
    """With the profile's smallest setting (1 day), a day-old order is "New for 1 day", not
    "New today" (which reads as if the flag were wrong)."""
    rules = AttentionRules(stale_new_after=timedelta(days=1), remind_after=timedelta(days=1))
    flags = flags_for(order(OrderStatus.NEW, timedelta(days=1, hours=3)), OrderState(), NOW, rules)
    assert [f.short for f in flags] == ["New for 1 day"]
    assert flags[0].text == "The order has been new for 1 day."


def test_not_invited_for_an_assessment_found_in_berke_says_invite_asks_first() -> None:
    """Accepted here, its assessment found in Berke (another desk made it): the flag said "the
    candidate was never sent the Berke invitation: send it", while Invite asks first, because
    the other desk may have sent it (Berke does not say)."""
    accepted = order(OrderStatus.IN_PROGRESS).model_copy(deep=True)
    accepted.candidate.email = "zoe@example.com"
    found = OrderState(link=link(), accepted_here=True, found_in_berke=True)
    (flag,) = flags_for(accepted, found, NOW, RULES)
    assert (flag.kind, flag.fix) == (Attention.NOT_INVITED, OrderAction.INVITE)
    assert "never sent the Berke invitation: send it" not in flag.text
    assert "found in Berke, made by another desk" in flag.text
    assert "may have gone from another desk" in flag.text
    assert "Invite asks before it sends one" in flag.text
    # This desk's own assessment, accepted here: nobody else can have sent it.
    (own,) = flags_for(accepted, OrderState(link=link(), accepted_here=True), NOW, RULES)
    assert own.text.endswith("never sent the Berke invitation: send it.")


def test_a_step_failed_for_good_is_flagged_as_its_activity_cell_says_it() -> None:
    """A reject refused with a 422 (an accept refused, an invitation Berke refused) was said
    only in the Activity column, hidden by default: no flag, and the "Needs attention" filter
    did not find the order."""
    refused = OrderState(failed=frozenset({StepKind.REJECT}))
    flags = flags_for(order(OrderStatus.NEW), refused, NOW, RULES)
    assert [f.kind for f in flags] == [Attention.STEP_FAILED]
    assert flags[0].short == "Order not rejected" == activity_text(refused, OrderStatus.NEW)
    assert "Retry in the order's Activity, or ask for it again" in flags[0].text
    assert flags[0].fix is None  # Retry is the activity list's, not an order action
    # Several: said in the steps' order, as the cell says them; first, before the rest.
    both = OrderState(failed=frozenset({StepKind.REJECT, StepKind.ACCEPT}))
    flags = flags_for(order(OrderStatus.NEW, timedelta(days=3)), both, NOW, RULES)
    assert [f.kind for f in flags] == [Attention.STEP_FAILED, Attention.STALE_NEW]
    assert (
        flags[0].short
        == "Order not accepted, Order not rejected"
        == activity_text(both, OrderStatus.NEW)
    )


def test_an_invitation_that_may_have_gone_is_no_failed_step() -> None:
    """Its cell says "Invitation may have been sent": the candidate may have it (the "Not
    invited" flag says so), and Retry is refused. One still waiting to be looked at again
    failed for good when an older try did."""
    doubt = InvitationDoubt(at=NOW, waiting=False, counted=False)
    in_doubt = OrderState(link=link(), failed=frozenset({StepKind.INVITE}), invitation_doubt=doubt)
    assert Attention.STEP_FAILED not in kinds(in_doubt, OrderStatus.IN_PROGRESS)
    assert activity_text(in_doubt, OrderStatus.IN_PROGRESS) == "Invitation may have been sent"
    # Another step failed beside it: that one is said, not the invitation.
    both = OrderState(
        link=link(), failed=frozenset({StepKind.INVITE, StepKind.ACCEPT}), invitation_doubt=doubt
    )
    flags = flags_for(order(OrderStatus.IN_PROGRESS), both, NOW, RULES)
    assert flags[0].short == "Order not accepted"
    refused = OrderState(link=link(), failed=frozenset({StepKind.INVITE}))
    flags = flags_for(order(OrderStatus.IN_PROGRESS), refused, NOW, RULES)
    assert (
        flags[0].short == "Invitation not sent" == activity_text(refused, OrderStatus.IN_PROGRESS)
    )


def test_a_failed_step_flag_can_be_left_alone_and_a_gone_order_has_the_gone_flag_only() -> None:
    failed = OrderState(failed=frozenset({StepKind.REJECT}))
    (flag,) = flags_for(order(OrderStatus.NEW), failed, NOW, RULES)
    assert kinds(replace(failed, dismissed=flag.left_alone_as), OrderStatus.NEW) == []
    gone = OrderState(failed=frozenset({StepKind.REJECT}), gone_since=GONE)
    assert kinds(gone, OrderStatus.NEW) == [Attention.GONE]
    # A step retried since and done, or waiting to be sent again, is not failed.
    assert kinds(OrderState(pending=frozenset({StepKind.ACCEPT})), OrderStatus.NEW) == []


def _failures(**marks: str) -> frozenset[tuple[StepKind, str]]:
    """Failed steps' marks (``OrderState.failure_marks``), by the steps' names."""
    return frozenset((StepKind[name.upper()], mark) for name, mark in marks.items())


def test_leaving_a_failed_step_alone_leaves_that_failure_alone_not_the_next_ones() -> None:
    """ "Leave it" was kept as the flag's kind: once one failure was left alone, every later
    one on the order was hidden too (the same step failing again after a Retry, another step
    failing for good next week). The coordinator left *this* failure alone."""
    first = _failures(reject="step_failed:7@2026-12-01T09:00:00.000+00:00")
    failed = OrderState(failed=frozenset({StepKind.REJECT}), failure_marks=first)
    (flag,) = flags_for(order(OrderStatus.NEW), failed, NOW, RULES)
    assert flag.left_alone_as == {"step_failed:7@2026-12-01T09:00:00.000+00:00"}
    left_alone = replace(failed, dismissed=flag.left_alone_as | {"stale_new"})
    assert kinds(left_alone, OrderStatus.NEW) == []
    # Retried, and failed again: a new failure.
    again = _failures(reject="step_failed:7@2026-12-01T11:00:00.000+00:00")
    assert kinds(replace(left_alone, failure_marks=again), OrderStatus.NEW) == [
        Attention.STEP_FAILED
    ]
    # Another step failed beside the one left alone: flagged, both said (as the cell says).
    more = replace(
        left_alone,
        failed=frozenset({StepKind.REJECT, StepKind.ACCEPT}),
        failure_marks=first | _failures(accept="step_failed:9@2026-12-01T10:00:00.000+00:00"),
    )
    (flag,) = flags_for(order(OrderStatus.NEW), more, NOW, RULES)
    assert flag.short == "Order not accepted, Order not rejected"
    # Left alone in turn: both failures, and nothing else.
    assert flag.left_alone_as == {mark for _, mark in more.failure_marks}
    assert kinds(replace(more, dismissed=flag.left_alone_as), OrderStatus.NEW) == []
    # The kind alone (as stored before: the data file's upgrade turned it into the failures
    # then present) leaves no failure alone.
    assert kinds(replace(failed, dismissed=frozenset({"step_failed"})), OrderStatus.NEW) == [
        Attention.STEP_FAILED
    ]


def test_a_flag_left_alone_for_good_is_left_alone_by_its_kind() -> None:
    """The other flags are about the order's standing, not about events: their kind."""
    stale = OrderState()
    (flag,) = flags_for(order(OrderStatus.NEW, timedelta(days=3)), stale, NOW, RULES)
    assert flag.left_alone_as == {"stale_new"}


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize(
    "failed",
    [
        frozenset(),
        frozenset({StepKind.REJECT}),
        frozenset({StepKind.UPLOAD, StepKind.COMPLETE}),
        frozenset({StepKind.COMMENT}),
        frozenset({StepKind.ACCEPT, StepKind.DELETE_ASSESSMENT}),
        frozenset(StepKind),
    ],
)
def test_the_flag_is_raised_exactly_where_the_activity_cell_says_failed(
    status: OrderStatus, failed: frozenset[StepKind]
) -> None:
    """One rule for both (``failed_steps``), on an open order and on an ended one: an ended
    order's cell said "Failed: …" with no flag, a report's upload that failed on a completed
    order among them."""
    state = OrderState(link=link(), failed=failed)
    flags = flags_for(order(status), state, NOW, RULES)
    said = [f.short for f in flags if f.kind is Attention.STEP_FAILED]
    cell = activity_text(state, status)
    assert said == ([cell] if cell and not cell.startswith("Under way") else [])


def test_an_ended_orders_failed_step_is_flagged_where_its_job_can_still_be_done() -> None:
    """A report's upload on a completed order, a comment, a delete in Berke: still to do, and
    Retry may do it. An accept, a reject, an invitation, a completion: the order's end left
    nothing for them, and its cell no longer says "Failed: …" of them (its Activity list
    still shows them, and why)."""
    upload = OrderState(failed=frozenset({StepKind.UPLOAD, StepKind.COMPLETE}))
    (flag,) = flags_for(order(OrderStatus.COMPLETED), upload, NOW, RULES)
    assert flag.kind is Attention.STEP_FAILED
    assert flag.short == "Report not uploaded" == activity_text(upload, OrderStatus.COMPLETED)
    comment = OrderState(failed=frozenset({StepKind.COMMENT, StepKind.REJECT}))
    (flag,) = flags_for(order(OrderStatus.REJECTED), comment, NOW, RULES)
    assert flag.short == "Comment not added" == activity_text(comment, OrderStatus.REJECTED)
    delete = OrderState(failed=frozenset({StepKind.DELETE_ASSESSMENT}))
    assert kinds(delete, OrderStatus.REJECTED) == [Attention.STEP_FAILED]
    # Nothing left to do for them: neither the flag nor the cell.
    moot = OrderState(
        failed=frozenset({StepKind.ACCEPT, StepKind.INVITE, StepKind.COMPLETE, StepKind.UPLOAD})
    )
    assert kinds(moot, OrderStatus.REJECTED) == []
    assert activity_text(moot, OrderStatus.REJECTED) == ""
    # Open, every one of them is said, as before.
    assert activity_text(moot, OrderStatus.IN_PROGRESS).startswith("Order not accepted, ")
