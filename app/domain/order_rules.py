"""Which actions an order allows now, and why not: one place for buttons, menus and workflows."""

from __future__ import annotations

from datetime import datetime

from app.domain.berke_progress import BerkeProgress
from app.domain.email_rule import BERKE_ADDRESS_MAX, is_well_formed_email
from app.domain.journal_terms import LinkedAssessment
from app.domain.order_action import OrderAction
from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus

#: Orders still to be worked on: one of them needs its Berke assessment.
OPEN_STATUSES = frozenset({OrderStatus.NEW, OrderStatus.IN_PROGRESS})


def still_in_use(sharing: list[AssessmentOrder]) -> str | None:
    """Why a Berke assessment may not be deleted: ``sharing``, the other open orders linked
    to it (a candidate's second order reuses the first's assessment), still need it."""
    if not sharing:
        return None
    other = sharing[0]
    job = f" for {other.job.name}" if other.job and other.job.name else ""
    more = f" and {len(sharing) - 1} more" if len(sharing) > 1 else ""
    return (
        f"Another open order uses this Berke assessment ({other.candidate.display_name}{job}"
        f"{more}): deleting it would leave that order without one."
    )


#: What may still be done for an order SmartRecruiters no longer has: nothing is sent to it,
#: but its assessment's code may be shown again, and its open Berke assessment deleted.
GONE_ORDER_ACTIONS = frozenset({OrderAction.SHOW_CODE, OrderAction.DELETE_IN_BERKE})


def gone_reason(since: datetime) -> str:
    """Why nothing is sent for an order SmartRecruiters no longer has, in words."""
    day = local_time(since).strftime("%Y-%m-%d")
    return (
        f"SmartRecruiters no longer has this order (gone since {day}: removed or erased "
        "there): nothing can be sent for it."
    )


def _final_reason(order: AssessmentOrder) -> str | None:
    if order.status is OrderStatus.COMPLETED:
        return "This order is completed: SmartRecruiters allows no further change to it."
    if order.status is OrderStatus.REJECTED:
        return "This order was rejected: SmartRecruiters allows no further change to it."
    return None


def why_not(
    action: OrderAction,
    order: AssessmentOrder,
    linked: LinkedAssessment | None,
    berke: BerkeProgress | None = None,
    *,
    gone_since: datetime | None = None,
    accept_refused: bool = False,
) -> str | None:
    """None when ``action`` is allowed on ``order`` now; otherwise the reason, for a tooltip.
    ``berke`` is where its Berke assessment stands, when known; ``gone_since``, since when
    SmartRecruiters no longer has the order (``OrderState.gone_since``); ``accept_refused``,
    this desk's accept failed and it never accepted it (``OrderState.accept_refused``)."""
    if gone_since is not None and action not in GONE_ORDER_ACTIONS:
        return gone_reason(gone_since)
    if action is OrderAction.COMMENT:
        return None  # comments are welcome in every status
    if action is OrderAction.SHOW_CODE:  # nothing is sent: in every status
        if linked is None:
            return "The order has no Berke assessment yet."
        if berke is BerkeProgress.DELETED:
            # The dialog hands the code, URL and slip to the candidate, and none works now;
            # the code stays in the order's row and details for the coordinator's questions.
            return (
                "The Berke assessment is already deleted: its code and link no longer work, "
                "so they are not given to the candidate again."
            )
        return None
    if action is OrderAction.DELETE_IN_BERKE:
        return _why_not_delete(order, linked, berke, ended=gone_since is not None)
    if action is OrderAction.ATTACH:
        # Reports are attached to the result, which exists once the order is completed (or is
        # created when completing it); a rejected or new order has nowhere to put them.
        if order.status in (OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED):
            return None
        return "Reports are attached to the result of an accepted or completed order."
    final = _final_reason(order)
    if final:
        return final
    if linked is not None and berke is BerkeProgress.DELETED and action in _NEED_THE_ASSESSMENT:
        return deleted_in_berke_reason(order, linked)
    if action is OrderAction.CREATE_ASSESSMENT:
        if linked is not None:
            return f"A Berke assessment already exists for this order ({linked.invitation_code})."
        return None
    if action is OrderAction.ACCEPT:
        if order.status is not OrderStatus.NEW:
            return "Only a new order can be accepted; this one is already in progress."
        if linked is None:
            return "Create the Berke assessment first: accepting sends its URL to SmartRecruiters."
        return None
    if action is OrderAction.REJECT:
        return None  # NEW and IN_PROGRESS can both be rejected
    if action is OrderAction.INVITE:
        if linked is None:
            return "Create the Berke assessment first."
        if linked.invitation_sent:
            return "The invitation was sent already: send a reminder instead."
        return _no_address(order, linked)
    if action is OrderAction.CREATE_ACCEPT_INVITE:
        if order.status is OrderStatus.NEW or _invitation_left(order, linked):
            return None
        return "Only new orders can be created, accepted and invited in one go."
    if action is OrderAction.COMPLETE:
        if order.status is not OrderStatus.IN_PROGRESS:
            return "Only an order in progress can be completed: accept it first."
        return None
    if action is OrderAction.DELIVER:
        if order.status is not OrderStatus.IN_PROGRESS:
            return "Only an order in progress can be given its result: accept it first."
        if linked is None:
            return "The order has no Berke assessment to deliver."
        if accept_refused and order.assessment_url != linked.assessment_url:
            # Accepted by someone else while this desk's link waited for its accept (a
            # reuse links first): delivering would complete their order with this result.
            # Unless SmartRecruiters shows it accepted with this link (this desk's accept
            # refused for another reason, then made by hand with it): that order is this one.
            return (
                f"{accepted_elsewhere(linked)}: this desk's result is not delivered to it. "
                "Check with whoever accepted it."
            )
        if berke is BerkeProgress.UNKNOWN:
            return "Berke's answer did not say whether the candidate completed the assessment."
        if berke is not BerkeProgress.COMPLETE:
            return "The candidate has not completed the Berke assessment yet."
        return None
    if action is OrderAction.REMIND:
        if linked is None:
            return "Create the Berke assessment first."
        if not linked.invitation_address(order.candidate.email):
            return "The candidate has no email address: a reminder cannot be sent."
        if (unsendable := _no_address(order, linked)) is not None:
            return unsendable
        if not linked.invitation_sent:
            return "The invitation has not been sent yet: send it first."
        if berke is BerkeProgress.COMPLETE:
            return "The candidate has already completed the assessment."
        return None
    return None


#: What an open order cannot do once Berke no longer has its assessment: each would send its
#: dead link to SmartRecruiters, or an invitation Berke cannot send.
_NEED_THE_ASSESSMENT = frozenset(
    {
        OrderAction.CREATE_ASSESSMENT,  # refused anyway (it has one): the words say why
        OrderAction.ACCEPT,
        OrderAction.INVITE,
        OrderAction.REMIND,
        OrderAction.CREATE_ACCEPT_INVITE,
    }
)


def accepted_elsewhere(linked: LinkedAssessment) -> str:
    """An order in progress that this desk did not accept with ``linked``, in words (its
    accept was refused): what the batch and Deliver say before what they do not do."""
    return (
        "Accepted in SmartRecruiters elsewhere (another desk or coordinator), not with this "
        f"desk's assessment ({linked.invitation_code})"
    )


def deleted_in_berke_reason(order: AssessmentOrder, linked: LinkedAssessment) -> str:
    """Why an open order whose Berke assessment is gone can go no further here. Its link
    stays (the code, and the order it was made for, are what the coordinator asks about),
    so no second assessment is made for the order: SmartRecruiters ends it."""
    gone = (
        f"Berke no longer has this order's assessment ({linked.invitation_code}): it was "
        "deleted there, by hand or from another desk."
    )
    if order.status is OrderStatus.NEW:
        return (
            f"{gone} Accepting would give SmartRecruiters a link that no longer works. Reject "
            "the order with a reason, so that the recruiter can order it again."
        )
    return (
        f"{gone} The link SmartRecruiters has no longer works, and no invitation or reminder "
        "can go. Reject the order with a reason, so that the recruiter can order it again."
    )


def _why_not_delete(
    order: AssessmentOrder,
    linked: LinkedAssessment | None,
    berke: BerkeProgress | None,
    *,
    ended: bool = False,
) -> str | None:
    if linked is None:
        return "The order has no Berke assessment to delete."
    if berke is BerkeProgress.DELETED:
        return "The Berke assessment is already deleted."
    if berke is BerkeProgress.COMPLETE:
        return "The assessment is complete: its results are kept, not deleted."
    if not ended and order.status not in (OrderStatus.REJECTED, OrderStatus.COMPLETED):
        return "Delete a Berke assessment only once its order has ended (rejected or completed)."
    return None


def _invitation_left(order: AssessmentOrder, linked: LinkedAssessment | None) -> bool:
    """Accepted with its assessment, but the candidate was never sent its invitation (the
    batch stopped after the accept): what is left of "create, accept, invite" is the invite."""
    return (
        order.status is OrderStatus.IN_PROGRESS
        and linked is not None
        and not linked.invitation_sent
        and _no_address(order, linked) is None
    )


def _no_address(order: AssessmentOrder, linked: LinkedAssessment) -> str | None:
    """Why the invitation has nowhere to go, or None. The address is the one Berke was given
    when the assessment was made (typed in the form when SmartRecruiters had none), else
    SmartRecruiters'."""
    address = linked.invitation_address(order.candidate.email)
    if not address:
        return (
            "The candidate has no email address: give them the invitation code, "
            "or print an invitation slip."
        )
    problem = unsendable_address(address)
    if problem is not None:
        said = f"{problem[0].upper()}{problem[1:]}"
        return f"{said}: give them the invitation code, or print an invitation slip."
    return None


def unsendable_address(address: str) -> str | None:
    """Why Berke would refuse to send an invitation to ``address`` ("the candidate's address
    is 118 characters long, …"), or None. The plan and the batch say it too: an address is
    well-formed up to 254 characters, but SendInvitation takes 100."""
    if len(address) > BERKE_ADDRESS_MAX:
        return (
            f"the candidate's address is {len(address)} characters long, more than the "
            f"{BERKE_ADDRESS_MAX} Berke accepts"
        )
    if not is_well_formed_email(address):
        return f"the candidate's address “{address}” is not one Berke accepts"
    return None
