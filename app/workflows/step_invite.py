"""The invitation step: Berke's invitation sent to the candidate, never twice (Berke's count
of what it sent, where it gives one; else what this desk sent since)."""

from __future__ import annotations

import asyncio

from app.domain.journal import InvitationSent, InviteStep, JournalEntry
from app.domain.journal_terms import StepState
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.step_kinds import ENDED_UNSENT
from app.workflows.desk import Desk, invitation_key
from app.workflows.refusals import StepDeferredError
from app.workflows.step_base import Attempt, refuse, since_asked
from app.workflows.step_guards import ended_words


async def invite(
    desk: Desk, entry: JournalEntry, step: InviteStep, attempt: Attempt, *, retry: bool
) -> InvitationSent:
    """Send the invitation. Retried, it counts as sent when Berke's count grew since the step
    was written (``invitation_went``). Where that cannot be told, it is sent again only when
    no earlier try may have gone (a 429, a connection never made): the candidate gets no
    second email."""
    request = step.request
    if not retry:
        # A first try: ``send_invitation`` holds the assessment's invitation key, and counted.
        await desk.session.berke.send_invitation(request)
        return InvitationSent(email=request.email_address)
    key = invitation_key(request.source_candidate_id)
    if not desk.claim(key):
        # Another order of the candidate is sending this assessment's invitation now: once it
        # went, Berke's count has grown and this step counts as sent.
        raise StepDeferredError(
            "The candidate's invitation is being sent right now for their other order; "
            "it is looked at again later."
        )
    try:
        went = await invitation_went(desk, step)
        if went:
            return InvitationSent(email=request.email_address, already_sent=True)
        if went is False:
            await attempt.none_went()
        if went is None and attempt.earlier:
            await refuse(desk, entry, await _may_have_gone_words(desk, entry.order_id))
        since = await asyncio.to_thread(_invited_since, desk, entry, step) if went is None else None
        if since is not None:
            await refuse(desk, entry, since)
        await desk.session.berke.send_invitation(request)
        return InvitationSent(email=request.email_address)
    finally:
        desk.release(key)


async def invite_for_an_ended_order(
    desk: Desk,
    entry: JournalEntry,
    step: InviteStep,
    order: AssessmentOrder,
    *,
    retry: bool,
    attempt: Attempt,
) -> InvitationSent:
    """An invitation waiting for an order rejected or completed since: not sent (a candidate
    whose order was withdrawn is not emailed), unless Berke's count shows an earlier try sent
    it before its answer was lost."""
    request = step.request
    # A reminder when the invitation went earlier (as the activity shows just above it):
    # "the candidate was not invited" said of it was false.
    linked = await asyncio.to_thread(desk.journal.assessment_for, entry.order_id)
    what = "reminder" if linked is not None and linked.invitation_sent else "invitation"
    ended = f"Not sent: the order was {ended_words(order)} in SmartRecruiters before the"
    went = await invitation_went(desk, step) if retry else False
    if went:
        return InvitationSent(email=request.email_address, already_sent=True)
    if went is False and retry:
        await attempt.none_went()
    if went is None and attempt.earlier:
        # No count to go by (Berke gives none, or an older desk's step kept none), and a try
        # may have gone: whether it did cannot be told, and is not claimed either way.
        await refuse(
            desk,
            entry,
            f"{ended} {what} was known to have gone: it is not sent again (whether an "
            "earlier try sent it cannot be told here).",
        )
    if what == "reminder":
        await refuse(desk, entry, f"{ended} reminder went: it was not sent.")
    await refuse(desk, entry, f"{ended} invitation went, so the candidate was not invited.")


async def invitation_went(desk: Desk, step: InviteStep) -> bool | None:
    """Whether Berke's count of the assessment's invitations grew since the step was written:
    only that proves this invitation left (this step's lost answer, or the same assessment's
    for the other order). None when it cannot be told: the step kept no count (an older
    desk's, or Berke gave none) or Berke's status gives none (its reference has no count;
    the sandbox gives one only when a test asks). False when Berke no longer has the
    assessment: an invitation sent then is refused in words."""
    before = step.invitations_sent_before
    if before is None:
        return None
    status = await desk.session.berke.get_assessment_status(step.request.source_candidate_id)
    if status is None:
        return False
    if status.invitations_sent is None:
        return None
    return status.invitations_sent > before


#: Why an old invitation step is not sent again where Berke gives no count to go by.
INVITED_SINCE = (
    "Not sent again: the candidate's invitation to this assessment went from this desk after "
    "this step was asked (for this order or their other one). Send a reminder if they need it."
)


#: Why, where a later one may have gone (its answer lost, or still waiting to be looked at).
MAY_HAVE_GONE_SINCE = (
    "Not sent again: the candidate's invitation to this assessment may have gone from this "
    "desk after this step was asked (a later send whose answer was lost, or one still "
    "waiting), and Berke does not say how many it has sent. Invite them again if they did "
    "not get it."
)


def _invited_since(desk: Desk, entry: JournalEntry, step: InviteStep) -> str | None:
    """Why the old ``entry`` is not sent again: this desk sent the assessment's invitation
    after it was asked (``INVITED_SINCE``), for the order or another linked to it, or began
    one since that may have gone (``MAY_HAVE_GONE_SINCE``: failed after a lost answer, or
    waiting). With no count to go by, a Retry of an old failed step (a refusal, mended since,
    and invited again) emailed the candidate a second time. None: nothing since."""
    candidate_id = step.request.source_candidate_id.casefold()
    may_have_gone = False
    for order_id in {entry.order_id, *desk.journal.orders_with_berke_id(candidate_id)}:
        for other in desk.journal.entries(order_id):
            if (
                other.id == entry.id
                or not isinstance(other.step, InviteStep)
                or other.step.request.source_candidate_id.casefold() != candidate_id
            ):
                continue
            if other.state is StepState.DONE and since_asked(other, entry):
                return INVITED_SINCE
            if other.id > entry.id and (
                other.state is StepState.PENDING
                or (other.state in ENDED_UNSENT and other.may_have_gone)
            ):
                may_have_gone = True
    return MAY_HAVE_GONE_SINCE if may_have_gone else None


async def _may_have_gone_words(desk: Desk, order_id: str) -> str:
    """Why an invitation that may have gone is not sent again, and what the coordinator can do
    (a reminder once the order's invitation is known sent, else Invite)."""
    link = await asyncio.to_thread(desk.journal.assessment_for, order_id)
    again = "send a reminder" if link is not None and link.invitation_sent else "invite them again"
    return (
        "The invitation may have gone before its answer was lost, and Berke does not say how "
        "many it has sent: it is not sent again, so that the candidate does not get it twice. "
        f"If they did not get it, {again}."
    )
