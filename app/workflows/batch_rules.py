"""Which orders "Create, accept and invite" takes, and why it leaves the others alone: one rule.

The board asks it from its memory (the action's enabling and tooltip, a selection's summary),
the batch from the store (its plan, and each order again as the run reaches it). Each fills in
``BatchFacts``, and ``batch_refusal`` decides: written out twice, the two drifted, and the
board offered orders the plan then skipped. No store and no desk here: plain facts in, words
out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.assessment_url import accept_refusal
from app.domain.berke_progress import BerkeProgress
from app.domain.invitation_doubt import MAY_HAVE_GONE
from app.domain.journal_terms import LinkedAssessment, StepKind
from app.domain.order_rules import OrderAction, accepted_elsewhere
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.workflows.order_actions import (
    OTHER_CREATE_WAITING,
    OTHER_INVITE_WAITING,
    URL_NOT_SENT,
    action_refusal,
    url_problem_to_look_at,
)

#: Why an accepted order whose shared assessment was sent for another order is left alone.
ALREADY_INVITED_WITH_THE_OTHER_ORDER = (
    "The candidate was sent this assessment's invitation for their other order: nothing is "
    "left to do here."
)
#: Why it is left alone when that invitation only may have gone (its answer was lost).
OTHER_ORDERS_MAY_HAVE_GONE = (
    "This assessment's invitation may have gone for the candidate's other order (its answer "
    "was lost, and Berke does not say how many it has sent): ask the candidate; Invite sends "
    "it again if they did not get it."
)


def accepted_elsewhere_reason(linked: LinkedAssessment) -> str:
    """Why the batch does not invite to ``linked`` for an order this desk did not accept."""
    return (
        f"{accepted_elsewhere(linked)}: the candidate is not invited to it. Check with whoever "
        "accepted it; Invite sends it if it is the one to use."
    )


@dataclass(frozen=True)
class OtherOrderInvitation:
    """The invitation of the order's assessment as another order linked to it (a reuse)
    stands: this desk sent it for that order, its send waits in the journal, or its send
    failed after a try that may have gone (its answer lost, and not sent again)."""

    sent: bool = False
    waiting: bool = False
    may_have_gone: bool = False


class InvitationElsewhere(StrEnum):
    """What the candidate may already have of the assessment's invitation through the other
    orders linked to it, the surest first."""

    NONE = "none"
    SENT = "sent"  # known sent, for one of them
    WAITING = "waiting"  # a send of it waits in the journal (the resumer finishes it)
    MAY_HAVE_GONE = "may_have_gone"  # one may have gone, its answer lost


def invitation_elsewhere(others: Iterable[OtherOrderInvitation]) -> InvitationElsewhere:
    """``others`` (each other order linked to the assessment) as one answer, the surest
    first: one known sent outweighs one that waits, which outweighs one that may have gone."""
    seen = list(others)
    if any(other.sent for other in seen):
        return InvitationElsewhere.SENT
    if any(other.waiting for other in seen):
        return InvitationElsewhere.WAITING
    if any(other.may_have_gone for other in seen):
        return InvitationElsewhere.MAY_HAVE_GONE
    return InvitationElsewhere.NONE


_ELSEWHERE_REASONS = {
    InvitationElsewhere.SENT: ALREADY_INVITED_WITH_THE_OTHER_ORDER,
    InvitationElsewhere.WAITING: OTHER_INVITE_WAITING,
    InvitationElsewhere.MAY_HAVE_GONE: OTHER_ORDERS_MAY_HAVE_GONE,
}


@dataclass(frozen=True)
class BatchFacts:
    """What the batch's rule needs to know of one order, as the board or the store has it.
    The facts about the order's invitation (``accepted_here`` on) matter only once it has an
    assessment: without one, a filler may leave them as they are."""

    order: AssessmentOrder
    link: LinkedAssessment | None
    #: Where its Berke assessment stood when Berke was last asked (None: not asked, no link).
    berke: BerkeProgress | None = None
    #: Since when SmartRecruiters no longer has the order (None: it has it).
    gone_since: datetime | None = None
    #: The kinds of its steps waiting in the journal to be resumed.
    pending: frozenset[StepKind] = frozenset()
    #: A create waits in the journal for another order of the same candidate
    #: (``order_actions.create_waiting_for_candidate``).
    other_create_waiting: bool = False
    #: Assessment URLs on plain http are acceptable from this Berke's own computer
    #: (``order_actions.http_assessment_urls_allowed``).
    allow_http_loopback: bool = False
    #: This desk accepted the order (its accept step is done).
    accepted_here: bool = False
    #: The order's own latest invitation may have gone without its answer seen.
    invitation_doubt: bool = False
    #: The invitation as the other orders linked to the assessment have it.
    elsewhere: InvitationElsewhere = InvitationElsewhere.NONE


def batch_refusal(facts: BatchFacts) -> str | None:
    """Why the batch leaves the order alone, in words; None when it takes it.

    The order's rules first (``why_not``: ended, gone, its assessment deleted in Berke), as
    the run would refuse it whatever waits; then a step of its own waiting (the plan would
    promise "Create, accept, invite" and the run fail it as under way), or a waiting reject
    (the resumer's reject would follow the batch's accept). Without an assessment: another
    order of the candidate's create waiting (made now, a second assessment and invitation).
    A new order: a stored URL that Accept refuses, or asks about first (a batch cannot ask).
    An order in progress: only the invitation is left, and only where this desk accepted it
    with this assessment, and the candidate has not got it (or may have) another way."""
    order, link = facts.order, facts.link
    action = OrderAction.CREATE_ACCEPT_INVITE
    reason = action_refusal(
        action, order, link, facts.berke, gone_since=facts.gone_since, pending=facts.pending
    )
    if reason is not None:
        return reason
    if link is None:
        return OTHER_CREATE_WAITING if facts.other_create_waiting else None
    if order.status is OrderStatus.NEW:
        refused = accept_refusal(link.assessment_url, link.invitation_code)
        if refused is not None:  # a link stored before Accept refused it
            return f"{refused} {URL_NOT_SENT}"
        return url_problem_to_look_at(link, allow_http_loopback=facts.allow_http_loopback)
    if not facts.accepted_here:
        # Accepted elsewhere: SmartRecruiters' order points at someone else's assessment,
        # and the candidate would get two.
        return accepted_elsewhere_reason(link)
    elsewhere = _ELSEWHERE_REASONS.get(facts.elsewhere)
    if elsewhere is not None:
        # Known sent there, or only maybe: a "was sent, nothing left to do" for the latter
        # left the candidate perhaps never invited.
        return elsewhere
    if not link.invitation_sent and facts.invitation_doubt:
        # The resumer did not send it again (the candidate may have it): nor does the batch.
        return MAY_HAVE_GONE
    return None
