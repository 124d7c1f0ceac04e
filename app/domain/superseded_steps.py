"""A failed step whose job a later step of this desk has done: its Retry is refused.

Sent again, such a step finds the job done and takes this desk's own later step for someone
else's: an old failed "create result" or "complete" said the order was completed elsewhere,
and the order's result was forgotten with the reports queued for it. So is an invitation that
may have gone where Berke gives no count: sent again, it is refused every time. So is one whose
job a step of this desk still waits to do: sent first, an old result completed the order with
its old verdict, and the coordinator's corrected one then failed. One rule, read from the
order's journal, for the workflow that refuses and for the activity list that turns
Retry off (``retry_refused_reason``).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from app.domain.journal import CompleteStep, InviteStep, JournalEntry, ResultRecorded
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.step_kinds import ENDED_UNSENT as _ENDED_UNSENT


class _Job(Enum):
    """What a step does to the order in SmartRecruiters."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RESULT_MADE = "result made"
    COMPLETED = "completed"
    INVITED = "invited"


#: A job done by a later step, and the failed steps' jobs it leaves nothing to do for: a
#: completed order takes neither a result nor a completion; a result made, no second one (a
#: second verdict on the candidate). Strongest first: the first that applies is said.
_LEAVES_NOTHING_FOR: dict[_Job, frozenset[_Job]] = {
    _Job.COMPLETED: frozenset({_Job.COMPLETED, _Job.RESULT_MADE}),
    _Job.RESULT_MADE: frozenset({_Job.RESULT_MADE}),
    _Job.ACCEPTED: frozenset({_Job.ACCEPTED}),
    _Job.REJECTED: frozenset({_Job.REJECTED}),
    _Job.INVITED: frozenset({_Job.INVITED}),
}


def _jobs(entry: JournalEntry) -> frozenset[_Job]:
    step = entry.step
    match entry.action:
        case StepKind.ACCEPT:
            return frozenset({_Job.ACCEPTED})
        case StepKind.REJECT:
            return frozenset({_Job.REJECTED})
        case StepKind.INVITE:  # an invitation or a reminder: the candidate has one since
            return frozenset({_Job.INVITED})
        case StepKind.CREATE_RESULT:
            return frozenset({_Job.RESULT_MADE})
        case StepKind.COMPLETE:
            # The FAQ flow's complete makes the result too; the documented one only completes.
            if isinstance(step, CompleteStep) and step.flow is ResultFlow.FAQ:
                return frozenset({_Job.COMPLETED, _Job.RESULT_MADE})
            return frozenset({_Job.COMPLETED})
    return frozenset()


def _later(other: JournalEntry, entry: JournalEntry) -> bool:
    """Begun after ``entry``, or done after it last failed (an older step retried since)."""
    return other.id > entry.id or _when(other) > _when(entry)


def _when(entry: JournalEntry) -> float:
    # As a timestamp: a date another program wrote without its zone compares too.
    return entry.updated_at.timestamp()


def retry_refused_reason(entry: JournalEntry, timeline: Sequence[JournalEntry]) -> str | None:
    """Why the failed ``entry`` is not retried: a later step did its job
    (``superseded_reason``) or waits to do it (``waiting_reason``), or it is an invitation
    that may have gone with no count to tell (``in_doubt_reason``). None: Retry may send it."""
    return (
        superseded_reason(entry, timeline)
        or waiting_reason(entry, timeline)
        or in_doubt_reason(entry, timeline)
    )


def superseded_reason(entry: JournalEntry, timeline: Sequence[JournalEntry]) -> str | None:
    """Why the failed ``entry`` is not retried: a later step of this desk in the order's
    ``timeline`` did its job (the order completed, its result made, accepted, rejected).
    None: nothing did, and Retry may send it."""
    if entry.state is not StepState.FAILED:
        return None
    wanted = _jobs(entry)
    done_later = [
        other
        for other in timeline
        if other.id != entry.id and other.state is StepState.DONE and _later(other, entry)
    ]
    done_jobs = {job for other in done_later for job in _jobs(other)}
    for job, covers in _LEAVES_NOTHING_FOR.items():
        if job in done_jobs and wanted & covers:
            return _said(job, _result_id(timeline))
    if _Job.INVITED in wanted and any(_may_have_invited(other, entry) for other in timeline):
        return MAY_HAVE_INVITED_SINCE
    return None


#: The step kinds that do the same job in SmartRecruiters or Berke, by kind: one of them
#: waiting, a failed one is not retried. A result and a completion are one Complete (its two
#: steps). A comment has none: two comments are two comments, neither replaces the other;
#: a file has its own Retry (``requeue_upload``).
_SAME_JOB: dict[StepKind, frozenset[StepKind]] = {
    StepKind.CREATE_ASSESSMENT: frozenset({StepKind.CREATE_ASSESSMENT, StepKind.REUSE_ASSESSMENT}),
    StepKind.REUSE_ASSESSMENT: frozenset({StepKind.CREATE_ASSESSMENT, StepKind.REUSE_ASSESSMENT}),
    StepKind.ACCEPT: frozenset({StepKind.ACCEPT}),
    StepKind.REJECT: frozenset({StepKind.REJECT}),
    StepKind.INVITE: frozenset({StepKind.INVITE}),
    StepKind.COMPLETE: frozenset({StepKind.COMPLETE, StepKind.CREATE_RESULT}),
    StepKind.CREATE_RESULT: frozenset({StepKind.COMPLETE, StepKind.CREATE_RESULT}),
}


def waiting_reason(entry: JournalEntry, timeline: Sequence[JournalEntry]) -> str | None:
    """Why the failed ``entry`` is not retried: another step of this desk doing its job waits
    to be sent (a 503, a 429), the coordinator's newer one as a rule. Sent now, the old one
    went first with its old words (a verdict, a URL, a reason), and the waiting one then found
    the job done "elsewhere". Any waiting one counts, however begun: it is sent after the
    Retry. None: none waits."""
    if entry.state is not StepState.FAILED:
        return None
    same = _SAME_JOB.get(entry.action, frozenset())
    for other in timeline:
        if other.id != entry.id and other.state is StepState.PENDING and other.action in same:
            return _waiting_said(other.action, entry.action)
    return None


#: Why a failed step is not retried while another doing its job waits: what waits, and what
#: this one would send first.
_WAITING_STEP: dict[StepKind, tuple[str, str]] = {
    StepKind.CREATE_ASSESSMENT: ("Berke assessment", "names and email"),
    StepKind.REUSE_ASSESSMENT: ("Berke assessment", "names and email"),
    StepKind.ACCEPT: ("accept", "assessment URL and messages"),
    StepKind.REJECT: ("reject", "reason"),
    StepKind.INVITE: ("invitation", "message"),
    StepKind.COMPLETE: ("completion", "result"),
    StepKind.CREATE_RESULT: ("result", "score and verdict"),
}


def _waiting_said(waiting: StepKind, failed: StepKind) -> str:
    what = _WAITING_STEP[waiting][0]
    own = _WAITING_STEP[failed][1]
    return (
        f"Not retried: another {what} for this order is waiting to be sent from this desk (it "
        f"is retried automatically; see the order's activity). Sent now, this step would go "
        f"before it, with its own {own}. Nothing was sent."
    )


#: Why an old failed invitation is not retried after a later one that may have gone.
MAY_HAVE_INVITED_SINCE = (
    "Not retried: the candidate's invitation may have gone from this desk after this step "
    "failed (a later send whose answer was lost, or one still waiting). Invite them again if "
    "they did not get it. Nothing was sent."
)


def _may_have_invited(other: JournalEntry, entry: JournalEntry) -> bool:
    """Whether ``other``, an invitation begun after ``entry``, may have gone: waiting, or
    failed or cancelled after a try whose answer was lost (the resumer does not send it
    again)."""
    return (
        other.id > entry.id
        and _Job.INVITED in _jobs(other)
        and (
            other.state is StepState.PENDING
            or (other.state in _ENDED_UNSENT and other.may_have_gone)
        )
    )


def _result_id(timeline: Sequence[JournalEntry]) -> str | None:
    """The result this desk's latest done step recorded for the order (the timeline in
    whichever order it is shown)."""
    recorded = [
        (_when(entry), entry.id, entry.outcome.result_id)
        for entry in timeline
        if entry.state is StepState.DONE and isinstance(entry.outcome, ResultRecorded)
    ]
    return max(recorded)[2] if recorded else None


def _said(job: _Job, result_id: str | None) -> str:
    result = f" (result {result_id})" if result_id else ""
    match job:
        case _Job.COMPLETED:
            what = f"this order was completed from this desk{result} after this step failed"
        case _Job.RESULT_MADE:
            what = (
                f"this desk made the order's result{result} after this step failed, and a "
                "second result would be a second verdict on the candidate"
            )
        case _Job.ACCEPTED:
            what = "this order was accepted from this desk after this step failed"
        case _Job.REJECTED:
            what = "this order was rejected from this desk after this step failed"
        case _Job.INVITED:
            what = (
                "the candidate's invitation went from this desk after this step failed (send "
                "a reminder if they need it)"
            )
    return f"Not retried: {what}. Nothing was sent."


def in_doubt_reason(entry: JournalEntry, timeline: Sequence[JournalEntry]) -> str | None:
    """Why the failed invitation ``entry`` is not retried: a try of it may have gone, and it
    kept no count of Berke's to tell whether it did (Berke gives none). Sent again, it is
    refused every time (``steps._invite``), so that the candidate does not get it twice. None
    when it may be sent: nothing may have gone, or Berke's count will tell."""
    step = entry.step
    if (
        entry.state is not StepState.FAILED
        or not isinstance(step, InviteStep)
        or not entry.may_have_gone
        or step.invitations_sent_before is not None
    ):
        return None
    invited_before = any(
        other.id != entry.id and other.action is StepKind.INVITE and other.state is StepState.DONE
        for other in timeline
    )
    return MAY_HAVE_GONE_UNCOUNTED.format(
        again="send a reminder" if invited_before else "use Invite (it asks first)"
    )


#: Why an invitation that may have gone, with no count from Berke, is not retried.
MAY_HAVE_GONE_UNCOUNTED = (
    "Not retried: this invitation may have gone before its answer was lost, and Berke does "
    "not say how many it has sent: it is not sent again, so that the candidate does not get "
    "it twice. If they did not get it, {again}. Nothing was sent."
)
