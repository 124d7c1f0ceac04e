"""Which of an order's failed steps are said to have failed: its row's Activity cell
("Invitation not sent", as the order's Activity list says it) and its "Needs attention"
flag read this one rule, so they never disagree.

Without pydantic: a working day's first frame says them too (``app.store.inbox_rows``).
"""

from __future__ import annotations

from collections.abc import Collection

from app.domain.order_status import OrderStatus
from app.domain.step_kinds import StepKind

_STEP_ORDER = list(StepKind)

#: The failed steps whose job an ended order still takes, as ``order_rules.why_not`` allows
#: their actions there: a comment (in every status), a report (on a completed order's result),
#: deleting the Berke assessment. Retry may still do them, so they still need attention. The
#: others (accept, reject, invite, complete, create result, …) SmartRecruiters refuses once the
#: order ended: nothing is left to send for them, and neither the cell nor the flag says them
#: (the order's Activity list still shows each, with why it failed).
_STILL_TO_DO_ONCE_ENDED = {
    OrderStatus.COMPLETED: frozenset(
        {StepKind.COMMENT, StepKind.UPLOAD, StepKind.DELETE_ASSESSMENT}
    ),
    OrderStatus.REJECTED: frozenset({StepKind.COMMENT, StepKind.DELETE_ASSESSMENT}),
}


def failed_to_say(
    failed: Collection[StepKind], *, status: OrderStatus, invitation_in_doubt: bool
) -> list[StepKind]:
    """``failed`` (the steps whose latest attempt failed) as said on an order in ``status``,
    in the steps' order. ``invitation_in_doubt``: the invitation failed after a try whose
    answer was lost, and is not sent again: the candidate may have it, so it is not said to
    have failed."""
    still = _STILL_TO_DO_ONCE_ENDED.get(status)
    said = (
        kind
        for kind in failed
        if not (invitation_in_doubt and kind is StepKind.INVITE)
        and (still is None or kind in still)
    )
    return sorted(said, key=_STEP_ORDER.index)


def labels(kinds: Collection[StepKind]) -> str:
    """The steps in words, in the steps' order: "Accept order, Reject order"."""
    return ", ".join(kind.label for kind in sorted(kinds, key=_STEP_ORDER.index))


def not_done(kinds: Collection[StepKind]) -> str:
    """Failed steps in words, in the steps' order, as the Activity list leads each one's line
    (``StepKind.not_done``): "Order not accepted, Invitation not sent"."""
    return ", ".join(kind.not_done for kind in sorted(kinds, key=_STEP_ORDER.index))


def failure_mark(entry_id: int, failed_at: str) -> str:
    """One failure of a journal step, as "Leave it" on the failed-step flag remembers it
    (``OrderState.failure_marks``): the step, and when it failed (its ``updated_at`` as
    stored), so that the same step failing again after a Retry is another failure. The data
    file's upgrade to schema 21 (``app.store.database``) writes the same words in SQL."""
    return f"step_failed:{entry_id}@{failed_at}"
