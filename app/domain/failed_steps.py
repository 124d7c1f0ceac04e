"""Which of an order's failed steps are said to have failed: its row's Activity cell
("Failed: …") and its "Needs attention" flag read this one rule, so they never disagree.

Without pydantic: a working day's first frame says them too (``app.store.inbox_rows``).
"""

from __future__ import annotations

from collections.abc import Collection

from app.domain.step_kinds import StepKind

_STEP_ORDER = list(StepKind)


def failed_to_say(failed: Collection[StepKind], *, invitation_in_doubt: bool) -> list[StepKind]:
    """``failed`` (the steps whose latest attempt failed) as said, in the steps' order.
    ``invitation_in_doubt``: the invitation failed after a try whose answer was lost, and is
    not sent again: the candidate may have it, so it is not said to have failed."""
    said = (kind for kind in failed if not (invitation_in_doubt and kind is StepKind.INVITE))
    return sorted(said, key=_STEP_ORDER.index)


def labels(kinds: Collection[StepKind]) -> str:
    """The steps in words, in the steps' order: "Accept order, Reject order"."""
    return ", ".join(kind.label for kind in sorted(kinds, key=_STEP_ORDER.index))
