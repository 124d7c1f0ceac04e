"""Cancelling a step that waits to be sent (left waiting by a 503, a daily limit…): which
steps may be, and what the coordinator is told will then not be sent.

A file's upload is not among them: it has its own Cancel, on the order's files, which also
stops it while it goes. Every other waiting step is cancelled in the journal alone (it is not
under way: the resumer sends it later), so the words say what will not reach which service.
"""

from __future__ import annotations

from app.domain.journal import (
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    InviteStep,
    JournalEntry,
)
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.line_text import SHORT, one_line

#: The journal's message on a step the coordinator cancelled (the activity list's second line).
CANCELLED_BY_COORDINATOR = "Cancelled by the coordinator: it will not be sent."

#: Refused: the resumer (or a Retry) is sending it this moment.
BEING_SENT = (
    "This step is being sent right now, so it cannot be cancelled. Look at the order again "
    "once it has gone through."
)

FILE_HAS_ITS_OWN_CANCEL = "A file is cancelled from the order's files, with its own Cancel."

#: The documented flow's second half: the order's result is already in SmartRecruiters. Not
#: sent, the order stayed in progress with it for good: Complete refuses a second result, and
#: the desk completes only a result with no completion begun after it.
RESULT_ALREADY_SENT = (
    "The order's result is already in SmartRecruiters: this step only completes the order "
    "with it, so it cannot be cancelled (the order would stay in progress, and a second "
    "result cannot be sent)."
)

#: A result whose answer was lost may be in SmartRecruiters already: cancelled, it stayed there
#: unknown to the desk, and completing the order again made a second one. Sent again, the step
#: looks for it first and takes it as the order's.
RESULT_MAY_BE_MADE = (
    "An earlier try may have made this result in SmartRecruiters (its answer was lost), so it "
    "is not cancelled: sent again, it looks for that result first and takes it, rather than "
    "leave it unknown here and make a second one."
)

_NOT_WAITING = {
    StepState.DONE: "This step was already sent: there is nothing to cancel.",
    StepState.FAILED: "This step failed and is not sent again unless you retry it: "
    "there is nothing to cancel.",
    StepState.CANCELLED: "This step was already cancelled.",
}

_BERKE_STEPS = frozenset({StepKind.CREATE_ASSESSMENT, StepKind.INVITE, StepKind.DELETE_ASSESSMENT})


def cancel_refused(entry: JournalEntry) -> str | None:
    """Why ``entry`` cannot be cancelled from the order's activity, in words; None when it can
    (it waits to be sent, and is not a file's upload). Whether it is being sent this moment
    is the workflow's to say (``BEING_SENT``)."""
    # By its kind, not its type: an upload step this version cannot read (a newer desk's)
    # still has its file queued, which its own Cancel takes out, and the resumer sends.
    if entry.action is StepKind.UPLOAD:
        return FILE_HAS_ITS_OWN_CANCEL
    if entry.state is not StepState.PENDING:
        return _NOT_WAITING[entry.state]
    if isinstance(entry.step, CompleteStep) and entry.step.flow is ResultFlow.DOCUMENTED:
        return RESULT_ALREADY_SENT
    if entry.action is StepKind.CREATE_RESULT and entry.may_have_gone:
        return RESULT_MAY_BE_MADE
    return None


def service_of(entry: JournalEntry) -> str:
    """The service the step would be sent to."""
    return "Berke" if entry.action in _BERKE_STEPS else "SmartRecruiters"


def what_will_not_be_sent(entry: JournalEntry) -> str:
    """The confirmation's sentence: what will not be sent, and to which service."""
    step = entry.step
    match entry.action:
        case StepKind.CREATE_ASSESSMENT:
            name = step.request.full_name if isinstance(step, CreateAssessmentStep) else ""
            whose = f" for {name}" if name else " for this order"
            return f"The Berke assessment{whose} will not be created."
        case StepKind.ACCEPT:
            return "The accept of this order will not be sent to SmartRecruiters."
        case StepKind.REJECT:
            return "The reject of this order will not be sent to SmartRecruiters."
        case StepKind.INVITE:
            to = f" to {step.request.email_address}" if isinstance(step, InviteStep) else ""
            return f"The invitation{to} will not be sent by Berke."
        case StepKind.COMPLETE:
            return "The completion of this order will not be sent to SmartRecruiters."
        case StepKind.CREATE_RESULT:
            return (
                "The result of this order will not be sent to SmartRecruiters, nor the "
                "completion that was to follow it."
            )
        case StepKind.COMMENT:
            # Its words are gone from the Comments box (cleared when it was left waiting):
            # quoted, the coordinator knows which comment it is, and can type it again.
            words = f" “{one_line(step.message, SHORT)}”" if isinstance(step, CommentStep) else ""
            return f"The comment{words} will not be added to this order in SmartRecruiters."
        case StepKind.DELETE_ASSESSMENT:
            return "The order's Berke assessment will not be deleted."
        case StepKind.REUSE_ASSESSMENT:
            return "The candidate's other Berke assessment will not be linked to this order."
        case StepKind.UPLOAD:
            return "The file will not be sent to SmartRecruiters."
    return f"“{entry.action.label}” will not be sent."


def after_cancel(entry: JournalEntry, *, assessment_linked: bool) -> str:
    """What stays as it is, and what to do instead; said under the confirmation's question.
    ``assessment_linked``: the order has its Berke assessment (kept: it is never lost)."""
    lines = []
    if entry.may_have_gone:
        lines.append(
            f"An earlier try may have reached {service_of(entry)} before its answer was lost: "
            "look at the order there."
        )
    if entry.action is StepKind.ACCEPT and assessment_linked:
        lines.append("The order keeps its Berke assessment: Accept sends the accept again with it.")
    elif entry.action in (StepKind.COMPLETE, StepKind.CREATE_RESULT):
        lines.append("Reports queued for its result wait until the order is completed.")
    elif entry.action is StepKind.COMMENT:  # no action adds one: the pane's Comments box does
        lines.append("Type it again in the order's Comments box to add it later.")
    elif (action := ASKED_AGAIN_BY.get(entry.action)) is not None:
        lines.append(f"“{action}” can be asked again later, from the order's actions.")
    else:  # a reuse: Create offers the candidate's assessment again
        lines.append("Create offers the candidate's other assessment again, later.")
    return "\n\n".join(lines)


#: The order's action (as its menu names it) that asks a step of each kind again: the step's
#: own label ("Send Berke invitation") named no menu entry or button the coordinator could find.
ASKED_AGAIN_BY = {
    StepKind.CREATE_ASSESSMENT: "Create Berke assessment",
    StepKind.ACCEPT: "Accept order",
    StepKind.REJECT: "Reject order",
    StepKind.INVITE: "Send invitation",
    StepKind.DELETE_ASSESSMENT: "Delete in Berke",
}


def cancel_button_text(entry: JournalEntry) -> str:
    """The confirmation's button: what it cancels, named."""
    return _BUTTONS.get(entry.action, "Cancel the step")


_BUTTONS = {
    StepKind.CREATE_ASSESSMENT: "Cancel the create",
    StepKind.ACCEPT: "Cancel the accept",
    StepKind.REJECT: "Cancel the reject",
    StepKind.INVITE: "Cancel the invitation",
    StepKind.COMPLETE: "Cancel the completion",
    StepKind.CREATE_RESULT: "Cancel the result",
    StepKind.COMMENT: "Cancel the comment",
    StepKind.DELETE_ASSESSMENT: "Cancel the delete",
}
