"""The batch's one rule (``batch_rules.batch_refusal``), from plain facts: what the board and
the store each fill in, so that the action's tooltip and the plan cannot say two things."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.berke_progress import BerkeProgress
from app.domain.invitation_doubt import MAY_HAVE_GONE
from app.domain.journal_terms import LinkedAssessment, StepKind
from app.domain.order_rules import gone_reason
from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.batch_rules import (
    ALREADY_INVITED_WITH_THE_OTHER_ORDER,
    OTHER_ORDERS_MAY_HAVE_GONE,
    BatchFacts,
    InvitationElsewhere,
    OtherOrderInvitation,
    accepted_elsewhere_reason,
    batch_refusal,
    invitation_elsewhere,
)
from app.workflows.order_actions import (
    OTHER_CREATE_WAITING,
    OTHER_INVITE_WAITING,
    REJECT_WAITING,
    RETRIED_AUTOMATICALLY,
    URL_NEEDS_A_LOOK,
    URL_NOT_SENT,
)

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
CODE = "ABC123"


def order(status: str = "NEW") -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": "o-1",
            "status": status,
            "candidate": {"id": "c", "firstName": "Ana", "lastName": "Lima", "email": "a@x.org"},
        }
    )


def link(
    url: str = f"https://assess.berke.com/start/{CODE}", *, invited: bool = False
) -> LinkedAssessment:
    return LinkedAssessment(
        order_id="o-1",
        source_candidate_id="S1",
        invitation_code=CODE,
        assessment_url=url,
        created_at=NOW,
        invited_at=NOW if invited else None,
        invited_email="a@x.org" if invited else None,
    )


def accepted(**facts: object) -> BatchFacts:
    """An order this desk accepted, its invitation not sent: what is left is the invite."""
    return BatchFacts(order("IN_PROGRESS"), link(), accepted_here=True, **facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "said"),
    [
        (BatchFacts(order(), None), None),
        (BatchFacts(order(), link()), None),
        (accepted(), None),
        (BatchFacts(order(), None, other_create_waiting=True), OTHER_CREATE_WAITING),
        (BatchFacts(order(), None, pending=frozenset({StepKind.ACCEPT})), RETRIED_AUTOMATICALLY),
        (BatchFacts(order(), None, pending=frozenset({StepKind.REJECT})), REJECT_WAITING),
        (BatchFacts(order("IN_PROGRESS"), link()), accepted_elsewhere_reason(link())),
        (accepted(elsewhere=InvitationElsewhere.SENT), ALREADY_INVITED_WITH_THE_OTHER_ORDER),
        (accepted(elsewhere=InvitationElsewhere.WAITING), OTHER_INVITE_WAITING),
        (accepted(elsewhere=InvitationElsewhere.MAY_HAVE_GONE), OTHER_ORDERS_MAY_HAVE_GONE),
        (accepted(invitation_doubt=True), MAY_HAVE_GONE),
    ],
    ids=[
        "new", "new-with-assessment", "accepted-not-invited", "other-create-waiting",
        "own-step-waiting", "reject-waiting", "accepted-elsewhere", "sent-for-other-order",
        "waiting-for-other-order", "may-have-gone-for-other-order", "own-may-have-gone",
    ],
)  # fmt: skip
def test_each_reason_the_batch_leaves_an_order_alone(facts: BatchFacts, said: str | None) -> None:
    assert batch_refusal(facts) == said


def test_the_order_rules_come_before_what_waits() -> None:
    """A gone order, or one whose assessment Berke deleted, is said so, not "retried
    automatically": the resumer sends nothing for either."""
    waiting = frozenset({StepKind.ACCEPT})
    gone = BatchFacts(order(), link(), gone_since=NOW, pending=waiting)
    assert batch_refusal(gone) == gone_reason(NOW)
    deleted = BatchFacts(order(), link(), berke=BerkeProgress.DELETED, pending=waiting)
    reason = batch_refusal(deleted)
    assert reason is not None
    assert "deleted" in reason


def test_a_url_accept_asks_about_is_left_to_accept() -> None:
    plain = link(f"http://assess.berke.example/start/{CODE}")
    reason = batch_refusal(BatchFacts(order(), plain))
    assert reason is not None
    assert reason.endswith(URL_NEEDS_A_LOOK)
    # On this computer (the sandbox, a test system), plain http is acceptable.
    local = link(f"http://127.0.0.1:8080/start/{CODE}")
    assert batch_refusal(BatchFacts(order(), local, allow_http_loopback=True)) is None
    refused = link(f"https://assess.berke.com@evil.example/start/{CODE}")
    said = batch_refusal(BatchFacts(order(), refused))
    assert said is not None
    assert said.endswith(URL_NOT_SENT)


def test_the_other_orders_invitation_surest_first() -> None:
    sent, waiting = OtherOrderInvitation(sent=True), OtherOrderInvitation(waiting=True)
    maybe = OtherOrderInvitation(may_have_gone=True)
    assert invitation_elsewhere([]) is InvitationElsewhere.NONE
    assert invitation_elsewhere([maybe, waiting, sent]) is InvitationElsewhere.SENT
    assert invitation_elsewhere([maybe, waiting]) is InvitationElsewhere.WAITING
    assert invitation_elsewhere([maybe]) is InvitationElsewhere.MAY_HAVE_GONE
