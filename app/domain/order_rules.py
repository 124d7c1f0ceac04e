"""Which actions an order allows now, and why not: one place for buttons, menus and workflows."""

from __future__ import annotations

from enum import StrEnum

from app.domain.journal import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus


class OrderAction(StrEnum):
    """What a coordinator may do to an order (a button, a menu entry). Each is carried out by
    one or more journaled steps (``journal.StepKind``)."""

    CREATE_ASSESSMENT = "create_assessment"
    ACCEPT = "accept"
    REJECT = "reject"
    INVITE = "invite"
    CREATE_ACCEPT_INVITE = "create_accept_invite"
    COMPLETE = "complete"
    ATTACH = "attach"
    COMMENT = "comment"


def _final_reason(order: AssessmentOrder) -> str | None:
    if order.status is OrderStatus.COMPLETED:
        return "This order is completed: SmartRecruiters allows no further change to it."
    if order.status is OrderStatus.REJECTED:
        return "This order was rejected: SmartRecruiters allows no further change to it."
    return None


def why_not(
    action: OrderAction, order: AssessmentOrder, linked: LinkedAssessment | None
) -> str | None:
    """None when ``action`` is allowed on ``order`` now; otherwise the reason, for a tooltip."""
    if action is OrderAction.COMMENT:
        return None  # comments are welcome in every status
    if action is OrderAction.ATTACH:
        # Reports are attached to the result, which exists once the order is completed (or is
        # created when completing it); a rejected or new order has nowhere to put them.
        if order.status in (OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED):
            return None
        return "Reports are attached to the result of an accepted or completed order."
    final = _final_reason(order)
    if final:
        return final
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
        if not order.candidate.email:
            return (
                "The candidate has no email address: give them the invitation code, "
                "or print an invitation slip."
            )
        return None
    if action is OrderAction.CREATE_ACCEPT_INVITE:
        if order.status is not OrderStatus.NEW:
            return "Only new orders can be created, accepted and invited in one go."
        return None
    if action is OrderAction.COMPLETE:
        if order.status is not OrderStatus.IN_PROGRESS:
            return "Only an order in progress can be completed: accept it first."
        return None
    return None
