"""The order's activity list in words: each journaled step as a sentence that names what it was
about — the file, the recipient, the reason — rather than the kind of call ("Upload attachment
— done").

The journal's own entries (typed steps) and a snapshot's copies (the first form's dicts) read
the same. A step this version cannot read still gets a line: its kind.
"""

from __future__ import annotations

from typing import assert_never

from app.domain.journal import (
    AcceptStep,
    AssessmentDeleted,
    AssessmentLinked,
    AttachmentUploaded,
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    DeleteAssessmentStep,
    InvitationSent,
    InviteStep,
    JournalEntry,
    JournalOutcome,
    JournalStep,
    OrderUpdated,
    RejectStep,
    ReuseAssessmentStep,
    UnreadableStep,
    UploadStep,
)
from app.domain.journal_terms import StepKind, StepState
from app.domain.journal_v1 import outcome_from_v1, step_from_v1
from app.domain.line_text import SHORT  # the cancel's words cut a comment alike
from app.domain.order_result import result_part
from app.domain.smartrecruiters import AssessmentResult
from app.domain.snapshot import SnapshotStep
from app.views.text import one_line


def typed(entry: JournalEntry | SnapshotStep) -> tuple[JournalStep | None, JournalOutcome | None]:
    """The entry's step and outcome, typed (a snapshot keeps the first form's dicts)."""
    if isinstance(entry, JournalEntry):
        return entry.step, entry.outcome
    try:
        step: JournalStep = step_from_v1(
            entry.action, entry.request, order_id=entry.order_id, begun_at=entry.created_at
        )
    except (ValueError, KeyError, TypeError):
        return None, None
    outcome: JournalOutcome | None = None
    if entry.outcome is not None:
        try:
            outcome = outcome_from_v1(
                step, entry.outcome, order_id=entry.order_id, finished_at=entry.updated_at
            )
        except (ValueError, KeyError, TypeError):
            outcome = None
    return step, outcome


def activity_line(entry: JournalEntry | SnapshotStep, limit: int | None = SHORT) -> str:
    """What the step did (done), is doing (pending), failed to do or was cancelled before doing,
    in one sentence; texts the coordinator typed are cut to ``limit`` characters (None:
    whole)."""
    step, outcome = typed(entry)
    if step is None:
        return f"{entry.action.label} (this version cannot read the step)"
    done, doing, failed = _phrases(step, outcome, limit)
    if entry.state is StepState.DONE:
        return done
    if entry.state is StepState.PENDING:
        return doing
    if entry.state is StepState.CANCELLED:
        if entry.may_have_gone:
            # Cancelled after a try whose answer was lost: that try may have been carried out.
            return f"{failed} (cancelled; an earlier try may have gone, its answer lost)"
        return f"{failed} (cancelled before it was sent)"
    if isinstance(step, InviteStep) and entry.may_have_gone:
        # Not sent again after a try whose answer was lost: the candidate may have it.
        return (
            f"Invitation to {step.request.email_address} may have been sent (its answer was lost)"
        )
    return failed


def _result_words(result: AssessmentResult | None) -> str:
    if result is None:
        return ""
    facts = [result_part(result.score or "")]
    if result.passed is not None:
        facts.append("passed" if result.passed else "not passed")
    shown = ", ".join(f for f in facts if f)
    title = (
        f"“{result_part(result.title)}”" if result.title else f"a {result.result_type.label} result"
    )
    return f"{title} ({shown})" if shown else title


def _phrases(
    step: JournalStep, outcome: JournalOutcome | None, limit: int | None
) -> tuple[str, str, str]:
    """(done, under way, failed) for ``step``."""
    match step:
        case CreateAssessmentStep():
            name = step.request.full_name
            code = outcome.link.invitation_code if isinstance(outcome, AssessmentLinked) else ""
            done = f"Berke assessment created for {name}" + (f": code {code}" if code else "")
            if isinstance(outcome, AssessmentLinked) and outcome.recovered:
                done += {
                    True: " (found in Berke after an answer was lost)",
                    False: " (found in Berke under the order's own id, made before this step)",
                    None: " (found in Berke under the order's own id)",  # an older desk's
                }[outcome.own_try]
            return (
                done,
                f"Creating the Berke assessment for {name}…",
                f"{StepKind.CREATE_ASSESSMENT.not_done} for {name}",
            )
        case AcceptStep():
            url = step.request.assessment_url
            again = isinstance(outcome, OrderUpdated) and outcome.already_applied
            return (
                f"Accepted with {url}" + (" (SmartRecruiters already had it)" if again else ""),
                f"Accepting with {url}…",
                StepKind.ACCEPT.not_done,
            )
        case RejectStep():
            reason = one_line(step.request.message or "", limit)
            said = f": {reason}" if reason else " (no reason given)"
            return f"Rejected{said}", f"Rejecting{said}…", f"{StepKind.REJECT.not_done}{said}"
        case InviteStep():
            email = step.request.email_address
            again = isinstance(outcome, InvitationSent) and outcome.already_sent
            return (
                f"Invitation sent to {email}" + (" (Berke had sent it already)" if again else ""),
                f"Sending the invitation to {email}…",
                f"{StepKind.INVITE.not_done} to {email}",
            )
        case CompleteStep():
            if step.result is not None:
                what = _result_words(step.result)
                return (
                    f"Completed with the result {what}",
                    f"Completing with the result {what}…",
                    f"{StepKind.COMPLETE.not_done} with the result {what}",
                )
            message = one_line(step.message or "", limit)
            said = f": {message}" if message else ""
            return f"Completed{said}", f"Completing{said}…", StepKind.COMPLETE.not_done
        case CreateResultStep():
            what = _result_words(step.result)
            return (
                f"Result created: {what}",
                f"Creating the result {what}…",
                f"{StepKind.CREATE_RESULT.not_done}: {what}",
            )
        case UploadStep():
            # Steps of older versions may lack the name; the outcome has the service's.
            uploaded = outcome.file_name if isinstance(outcome, AttachmentUploaded) else None
            name = step.file_name or uploaded or "a file"
            there = isinstance(outcome, AttachmentUploaded) and outcome.already_there
            return (
                # Found on the result when it was tried again (an earlier try's answer lost).
                f"Report already on the result: {name}" if there else f"Report uploaded: {name}",
                f"Uploading report: {name}…",
                f"{StepKind.UPLOAD.not_done}: {name}",
            )
        case CommentStep():
            text = f"“{one_line(step.message, limit)}”"
            return (
                f"Comment added: {text}",
                f"Adding comment: {text}…",
                f"{StepKind.COMMENT.not_done}: {text}",
            )
        case DeleteAssessmentStep():
            which = step.source_candidate_id
            gone = isinstance(outcome, AssessmentDeleted) and outcome.already_gone
            return (
                f"Berke assessment {which} deleted" + (" (it was already gone)" if gone else ""),
                f"Deleting Berke assessment {which}…",
                f"{StepKind.DELETE_ASSESSMENT.not_done}: {which}",
            )
        case ReuseAssessmentStep():
            code = step.link.invitation_code
            other = f" of order {step.from_order_id}" if step.from_order_id else ""
            return (
                f"Reused the candidate's Berke assessment {code}{other}",
                f"Reusing the candidate's Berke assessment {code}{other}…",
                f"{StepKind.REUSE_ASSESSMENT.not_done}: {code}{other}",
            )
        case UnreadableStep():
            line = f"{step.action.label} (this version cannot read the step)"
            return line, line, line
    assert_never(step)
