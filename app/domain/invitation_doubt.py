"""Whether an order's invitation may have gone without this desk seeing it go: its latest
invite step failed, or waits, after a try whose answer was lost. Where Berke gives no count of
the invitations it sent (its reference's status has none), this is all the desk knows, and
everything that would send the invitation, or says it was never sent, asks it here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from app.domain.journal import InviteStep, JournalEntry, JournalStep
from app.domain.journal_terms import StepState
from app.domain.order_state import InvitationDoubt

#: Said where an invitation that may have gone is not sent again unasked (the batch, Invite).
MAY_HAVE_GONE = (
    "Its invitation may have gone (its answer was lost), and Berke does not say how many it "
    "has sent: use Invite if the candidate did not get it."
)


def doubt_of(
    state: StepState, may_have_gone: bool, updated_at: datetime, step: JournalStep
) -> InvitationDoubt | None:
    """The doubt over an order's latest invite step, from its journal row; None when there is
    none (done, or no try of it may have gone)."""
    if state is StepState.DONE or not may_have_gone or not isinstance(step, InviteStep):
        return None
    at = updated_at if updated_at.tzinfo is not None else updated_at.replace(tzinfo=UTC)
    return InvitationDoubt(
        at=at,
        waiting=state is StepState.PENDING,
        counted=step.invitations_sent_before is not None,
    )


def latest_invite(timeline: Sequence[JournalEntry]) -> JournalEntry | None:
    """The order's latest invite step (``timeline``: its journal entries), if any."""
    invites = [entry for entry in timeline if isinstance(entry.step, InviteStep)]
    return max(invites, key=lambda entry: entry.id) if invites else None


def invitation_doubt(timeline: Sequence[JournalEntry]) -> InvitationDoubt | None:
    """The doubt over the order's invitation (``timeline``: its journal entries)."""
    latest = latest_invite(timeline)
    if latest is None:
        return None
    return doubt_of(latest.state, latest.may_have_gone, latest.updated_at, latest.step)
