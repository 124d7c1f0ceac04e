"""Which actions an order allows, and why not: one table, every action against every status,
with and without a Berke assessment, with and without an email."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.domain.berke_progress import BerkeProgress
from app.domain.journal_terms import LinkedAssessment
from app.domain.order_rules import OrderAction, still_in_use, why_not
from app.domain.smartrecruiters import AssessmentOrder, Job, OrderStatus

NEW, IN_PROGRESS, REJECTED, COMPLETED = (
    OrderStatus.NEW, OrderStatus.IN_PROGRESS, OrderStatus.REJECTED, OrderStatus.COMPLETED,
)  # fmt: skip
A = OrderAction
OK = None  # allowed


def order(status: OrderStatus, *, email: bool = True) -> AssessmentOrder:
    candidate: dict[str, Any] = {"id": "c1", "firstName": "Zoë", "lastName": "Müller"}
    if email:
        candidate["email"] = "zoe@example.com"
    return AssessmentOrder.model_validate({"id": "o1", "status": status, "candidate": candidate})


LINK = LinkedAssessment(
    order_id="o1", source_candidate_id="AD-1", invitation_code="C0DE",
    assessment_url="https://berke.test/a/C0DE", created_at=datetime(2026, 1, 1, tzinfo=UTC),
)  # fmt: skip

# (action, status, linked, email) -> a word the reason must hold, or OK. Berke's side (for the
# actions that depend on it) is in BERKE_TABLE below.
TABLE: list[tuple[OrderAction, OrderStatus, bool, bool, str | None]] = [
    (A.CREATE_ASSESSMENT, NEW, False, True, OK),
    (A.CREATE_ASSESSMENT, NEW, True, True, "already exists"),
    (A.CREATE_ASSESSMENT, IN_PROGRESS, False, True, OK),  # accepted elsewhere, none here yet
    (A.CREATE_ASSESSMENT, COMPLETED, False, True, "completed"),
    (A.CREATE_ASSESSMENT, REJECTED, False, True, "rejected"),
    (A.ACCEPT, NEW, False, True, "Create the Berke assessment first"),
    (A.ACCEPT, NEW, True, True, OK),
    (A.ACCEPT, IN_PROGRESS, True, True, "already in progress"),
    (A.ACCEPT, COMPLETED, True, True, "completed"),
    (A.ACCEPT, REJECTED, True, True, "rejected"),
    (A.REJECT, NEW, False, True, OK),
    (A.REJECT, IN_PROGRESS, True, True, OK),
    (A.REJECT, COMPLETED, True, True, "completed"),
    (A.REJECT, REJECTED, False, True, "rejected"),
    (A.INVITE, NEW, False, True, "Create the Berke assessment first"),
    (A.INVITE, NEW, True, True, OK),
    (A.INVITE, IN_PROGRESS, True, True, OK),
    (A.INVITE, IN_PROGRESS, True, False, "no email"),
    (A.INVITE, COMPLETED, True, True, "completed"),
    (A.CREATE_ACCEPT_INVITE, NEW, False, True, OK),
    (A.CREATE_ACCEPT_INVITE, NEW, True, False, OK),  # a slip instead of an email
    # Accepted and never invited (a batch stopped after the accept): the invitation is left.
    (A.CREATE_ACCEPT_INVITE, IN_PROGRESS, True, True, OK),
    (A.CREATE_ACCEPT_INVITE, IN_PROGRESS, True, False, "Only new orders"),
    (A.CREATE_ACCEPT_INVITE, IN_PROGRESS, False, True, "Only new orders"),
    (A.CREATE_ACCEPT_INVITE, REJECTED, False, True, "rejected"),
    (A.COMPLETE, NEW, True, True, "accept it first"),
    (A.COMPLETE, IN_PROGRESS, True, True, OK),
    (A.COMPLETE, COMPLETED, True, True, "completed"),
    (A.COMPLETE, REJECTED, True, True, "rejected"),
    (A.ATTACH, NEW, True, True, "accepted or completed"),
    (A.ATTACH, IN_PROGRESS, True, True, OK),
    (A.ATTACH, COMPLETED, True, True, OK),  # a report for a result already there
    (A.ATTACH, REJECTED, False, True, "accepted or completed"),
    (A.COMMENT, NEW, False, True, OK),
    (A.COMMENT, COMPLETED, True, True, OK),  # comments are welcome in every status
    (A.COMMENT, REJECTED, False, False, OK),
]


@pytest.mark.parametrize(("action", "status", "linked", "email", "reason"), TABLE)
def test_why_not(
    action: OrderAction, status: OrderStatus, linked: bool, email: bool, reason: str | None
) -> None:
    said = why_not(action, order(status, email=email), LINK if linked else None)
    if reason is None:
        assert said is None
    else:
        assert said is not None
        assert reason in said
        assert said.endswith(".")  # a sentence, for a tooltip


NS, ST, CO, DEL = (
    BerkeProgress.NOT_STARTED, BerkeProgress.STARTED, BerkeProgress.COMPLETE,
    BerkeProgress.DELETED,
)  # fmt: skip

# (action, status, linked, email, Berke's side) -> a word of the reason, or OK.
BERKE_TABLE: list[tuple[OrderAction, OrderStatus, bool, bool, BerkeProgress | None, str | None]] = [
    (A.DELIVER, IN_PROGRESS, True, True, CO, OK),
    (A.DELIVER, IN_PROGRESS, True, True, ST, "not completed"),
    (A.DELIVER, IN_PROGRESS, True, True, None, "not completed"),  # not watched yet
    (A.DELIVER, IN_PROGRESS, False, True, CO, "no Berke assessment"),
    (A.DELIVER, NEW, True, True, CO, "accept it first"),
    (A.DELIVER, COMPLETED, True, True, CO, "completed"),
    (A.REMIND, IN_PROGRESS, True, True, NS, "not been sent"),  # LINK is not invited
    (A.REMIND, IN_PROGRESS, True, False, NS, "no email"),
    (A.REMIND, IN_PROGRESS, False, True, NS, "Create the Berke assessment first"),
    (A.REMIND, REJECTED, True, True, NS, "rejected"),
    (A.DELETE_IN_BERKE, REJECTED, True, True, NS, OK),
    (A.DELETE_IN_BERKE, COMPLETED, True, True, ST, OK),
    (A.DELETE_IN_BERKE, REJECTED, True, True, CO, "results are kept"),
    (A.DELETE_IN_BERKE, REJECTED, True, True, DEL, "already deleted"),
    (A.DELETE_IN_BERKE, IN_PROGRESS, True, True, NS, "only once its order has ended"),
    (A.DELETE_IN_BERKE, REJECTED, False, True, NS, "no Berke assessment"),
    # The code, URL and slip again (nothing is sent): whatever the status, once linked.
    (A.SHOW_CODE, IN_PROGRESS, True, False, NS, OK),
    (A.SHOW_CODE, COMPLETED, True, True, CO, OK),
    (A.SHOW_CODE, NEW, False, True, None, "no Berke assessment"),
    # Berke no longer has an open order's assessment (deleted by hand, or from another desk):
    # nothing may send its dead link or an invitation to it; Reject is what is left.
    (A.ACCEPT, NEW, True, True, DEL, "Accepting would give SmartRecruiters a link"),
    (A.CREATE_ACCEPT_INVITE, NEW, True, True, DEL, "no longer has this order's assessment"),
    (A.CREATE_ASSESSMENT, NEW, True, True, DEL, "no longer has this order's assessment"),
    (A.INVITE, IN_PROGRESS, True, True, DEL, "no invitation or reminder can go"),
    (A.REMIND, IN_PROGRESS, True, True, DEL, "no invitation or reminder can go"),
    (A.CREATE_ACCEPT_INVITE, IN_PROGRESS, True, True, DEL, "no longer works"),
    (A.REJECT, NEW, True, True, DEL, OK),
    (A.REJECT, IN_PROGRESS, True, True, DEL, OK),
    (A.SHOW_CODE, NEW, True, True, DEL, "already deleted"),  # its slip would not work
    (A.ACCEPT, REJECTED, True, True, DEL, "rejected"),  # ended: the usual words
]


@pytest.mark.parametrize(("action", "status", "linked", "email", "berke", "reason"), BERKE_TABLE)
def test_why_not_with_berkes_side(  # noqa: PLR0917 - one parameter per column of the table
    action: OrderAction,
    status: OrderStatus,
    linked: bool,
    email: bool,
    berke: BerkeProgress | None,
    reason: str | None,
) -> None:
    said = why_not(action, order(status, email=email), LINK if linked else None, berke)
    if reason is None:
        assert said is None
    else:
        assert said is not None
        assert reason in said
        assert said.endswith(".")


def test_berke_not_saying_whether_it_is_complete_is_said_so() -> None:
    """Berke's status without its flag: Deliver is not offered, and not said "not completed"
    either; Delete in Berke is offered, and its step asks Berke first (and refuses while it
    does not say)."""
    unknown = BerkeProgress.UNKNOWN
    said = why_not(A.DELIVER, order(IN_PROGRESS), LINK, unknown)
    assert said == "Berke's answer did not say whether the candidate completed the assessment."
    assert why_not(A.DELETE_IN_BERKE, order(REJECTED), LINK, unknown) is None


def test_a_reminder_needs_a_first_invitation_and_no_completion() -> None:
    invited = LINK.model_copy(update={"invited_at": datetime(2026, 1, 2, tzinfo=UTC)})
    assert "send a reminder" in (why_not(A.INVITE, order(IN_PROGRESS), invited) or "")
    assert why_not(A.REMIND, order(IN_PROGRESS), invited, NS) is None
    assert why_not(A.REMIND, order(IN_PROGRESS), invited, ST) is None
    assert "already completed" in (why_not(A.REMIND, order(IN_PROGRESS), invited, CO) or "")


def test_every_action_is_in_a_table() -> None:
    assert {row[0] for row in TABLE} | {row[0] for row in BERKE_TABLE} == set(OrderAction)


def test_an_order_in_progress_and_invited_has_nothing_left_of_create_accept_invite() -> None:
    invited = LINK.model_copy(update={"invited_at": datetime(2026, 1, 2, tzinfo=UTC)})
    said = why_not(A.CREATE_ACCEPT_INVITE, order(IN_PROGRESS), invited)
    assert said is not None
    assert "Only new orders" in said


GONE_SINCE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "action", [a for a in OrderAction if a not in (A.SHOW_CODE, A.DELETE_IN_BERKE)]
)
@pytest.mark.parametrize("status", [NEW, IN_PROGRESS])
def test_nothing_is_sent_for_an_order_sr_no_longer_has(
    action: OrderAction, status: OrderStatus
) -> None:
    reason = why_not(action, order(status), LINK, BerkeProgress.STARTED, gone_since=GONE_SINCE)
    assert reason is not None
    assert "no longer has this order (gone since 2026-11-3" in reason  # the local day


def test_a_gone_orders_code_is_shown_and_its_open_assessment_may_be_deleted() -> None:
    gone = order(IN_PROGRESS)
    assert why_not(A.SHOW_CODE, gone, LINK, gone_since=GONE_SINCE) is OK
    assert (
        why_not(A.DELETE_IN_BERKE, gone, LINK, BerkeProgress.STARTED, gone_since=GONE_SINCE) is OK
    )
    # Not while SmartRecruiters still has it in progress, nor once Berke's side is complete.
    assert why_not(A.DELETE_IN_BERKE, gone, LINK, BerkeProgress.STARTED) is not OK
    complete = why_not(A.DELETE_IN_BERKE, gone, LINK, BerkeProgress.COMPLETE, gone_since=GONE_SINCE)
    assert complete is not OK


@pytest.mark.parametrize("gone_since", [None, GONE_SINCE])
@pytest.mark.parametrize("status", [NEW, IN_PROGRESS, REJECTED])
def test_no_code_or_slip_is_offered_once_the_assessment_is_deleted_in_berke(
    status: OrderStatus, gone_since: datetime | None
) -> None:
    """Show code and slip hands the candidate a code, URL and printed slip that no longer
    work once Berke has deleted the assessment (the code stays in the order's row)."""
    said = why_not(A.SHOW_CODE, order(status), LINK, DEL, gone_since=gone_since)
    assert said is not None
    assert said.startswith("The Berke assessment is already deleted: its code and link")


def test_invite_and_remind_are_not_offered_for_an_address_longer_than_berke_takes() -> None:
    """Well-formed up to 254 characters, but SendInvitation takes 100: an assessment made
    without an address (the form refused SmartRecruiters' long one) fell back to it, Invite
    was offered, and Berke's refusal came from inside the workflow, at no field."""
    long = "a" * 64 + "@" + "b" * 50 + ".co"  # 118 characters, well-formed
    candidate = {"id": "c1", "firstName": "Zoë", "lastName": "Müller", "email": long}
    body: dict[str, Any] = {"id": "o1", "status": IN_PROGRESS, "candidate": candidate}
    long_order = AssessmentOrder.model_validate(body)
    reason = why_not(A.INVITE, long_order, LINK)
    assert reason is not None
    assert "118 characters long, more than the 100 Berke accepts" in reason
    sent = LINK.model_copy(update={"invited_at": datetime(2026, 1, 2, tzinfo=UTC)})
    assert why_not(A.REMIND, long_order, sent) == reason
    at_most = "a" * 64 + "@" + "b" * 32 + ".co"  # 100: taken
    candidate["email"] = at_most
    assert why_not(A.INVITE, AssessmentOrder.model_validate(body), LINK) is None


@pytest.mark.parametrize(
    ("accepted_with", "allowed"),
    [(LINK.assessment_url, True), ("https://other.test/a/X", False), (None, False)],
    ids=["this-link", "another-link", "link-not-shown"],
)
def test_deliver_after_a_refused_accept_needs_the_order_accepted_with_this_link(
    accepted_with: str | None, allowed: bool
) -> None:
    """This desk's accept was refused and someone accepted the order: with this desk's link
    (made by hand after a 403, say) the result is this order's; with another, or where
    SmartRecruiters does not say which, it may be someone else's, and is not delivered."""
    shown = order(IN_PROGRESS).model_copy(update={"assessment_url": accepted_with})
    reason = why_not(A.DELIVER, shown, LINK, BerkeProgress.COMPLETE, accept_refused=True)
    assert (reason is None) is allowed


def test_a_refused_delete_names_an_order_still_on_the_assessment_and_counts_the_rest() -> None:
    """With two other open orders on the assessment, naming one and saying nothing of the
    other would let the coordinator think the one named was all there was to sort out."""

    def sharing(order_id: str, job: str) -> AssessmentOrder:
        return order(IN_PROGRESS).model_copy(update={"id": order_id, "job": Job(name=job)})

    assert still_in_use([]) is OK
    one = still_in_use([sharing("o2", "Nurse")])
    assert one is not None
    assert "(Zoë Müller for Nurse)" in one
    two = still_in_use([sharing("o2", "Nurse"), sharing("o3", "Welder")])
    assert two is not None
    assert "(Zoë Müller for Nurse and 1 more)" in two
