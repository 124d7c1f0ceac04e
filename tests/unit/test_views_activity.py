"""Mutation-audit pins for ``app.views.activity`` (each fails on one surviving mutant)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_text import BerkeParam
from app.domain.journal import (
    AttachmentUploaded,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    InvitationSent,
    InviteStep,
    JournalEntry,
    JournalOutcome,
    JournalStep,
    RejectStep,
    UploadStep,
)
from app.domain.journal_terms import ResultFlow, StepState
from app.domain.smartrecruiters import AssessmentResult, RejectRequest
from app.views.activity import activity_line

WHEN = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def entry(
    step: JournalStep,
    state: StepState = StepState.DONE,
    outcome: JournalOutcome | None = None,
    *,
    may_have_gone: bool = False,
) -> JournalEntry:
    return JournalEntry(
        id=1, order_id="o-1", action=step.action, state=state, step=step, outcome=outcome,
        message="…", may_have_gone=may_have_gone, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip


def invite(email: str = "zoe@example.com") -> InviteStep:
    return InviteStep(
        request=SendInvitationRequest.model_validate(
            {BerkeParam.SOURCE_CANDIDATE_ID: "AD-1F3A", BerkeParam.EMAIL_ADDRESS: email}
        )
    )


def result(**fields: object) -> AssessmentResult:
    return AssessmentResult.model_validate({"resultType": "DOCUMENT", "result": "r.pdf", **fields})


def test_only_an_invitation_that_may_have_gone_is_said_maybe_sent() -> None:
    # A3 (InviteStep check dropped): a failed create step that may have gone (the default for
    # create and complete steps) still says it was not created, not "Invitation to …".
    create = CreateAssessmentStep(
        request=CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
    )
    failed = entry(create, StepState.FAILED, may_have_gone=True)
    assert activity_line(failed) == "Berke assessment not created for Zoë Müller"


def test_a_rejection_without_a_reason_says_so() -> None:
    # A7 (" (no reason given)" -> "")
    step = RejectStep(request=RejectRequest(message=None))
    assert activity_line(entry(step)) == "Rejected (no reason given)"
    assert activity_line(entry(step, StepState.FAILED)) == "Order not rejected (no reason given)"


def test_an_invitation_berke_had_sent_already_says_so() -> None:
    # A8 (" (Berke had sent it already)" dropped): the retry did not email the candidate twice
    again = InvitationSent(email="zoe@example.com", already_sent=True)
    assert activity_line(entry(invite(), outcome=again)) == (
        "Invitation sent to zoe@example.com (Berke had sent it already)"
    )


def test_a_completion_without_a_result_names_what_failed() -> None:
    # A9 ("Order not completed" reworded), A24 (message dropped)
    step = CompleteStep(flow=ResultFlow.DOCUMENTED, message="Report attached")
    assert activity_line(entry(step)) == "Completed: Report attached"
    assert activity_line(entry(step, StepState.FAILED)) == "Order not completed"


def test_an_upload_is_named_by_the_coordinators_file_before_the_services() -> None:
    # A10 (the outcome's name preferred): the file the coordinator chose is named
    done = AttachmentUploaded(upload_id=9, attachment_id="a", file_name="attachment-1.pdf")
    line = activity_line(entry(UploadStep(upload_id=9, file_name="Zoë fit.pdf"), outcome=done))
    assert line == "Report uploaded: Zoë fit.pdf"


def test_a_result_not_passed_says_not_passed() -> None:
    # A15 (passed is not None -> passed): "not passed" vanished from the line
    step = CreateResultStep(result=result(title="Fit", score="Low fit", passed=False))
    assert activity_line(entry(step)) == "Result created: “Fit” (Low fit, not passed)"
    bare = CreateResultStep(result=result(passed=False))
    assert activity_line(entry(bare)) == "Result created: a Document result (not passed)"


def test_a_reason_of_120_characters_is_shown_whole_and_one_more_is_cut() -> None:
    # A17 (SHORT 120 -> 60)
    reason = ("Withdrew " * 14)[:119] + "x"
    assert len(reason) == 120
    assert activity_line(entry(RejectStep(request=RejectRequest(message=reason)))) == (
        f"Rejected: {reason}"
    )
    longer = activity_line(entry(RejectStep(request=RejectRequest(message=reason + "y"))))
    assert longer.endswith("…")
    assert len(longer) == len("Rejected: ") + 120


def test_a_long_comment_is_cut_in_the_line_and_whole_in_the_tooltip() -> None:
    # A19 (the comment's limit ignored): a pasted page of text filled the activity list
    from app.domain.journal import CommentStep

    text = "Called the candidate about timing. " * 20
    step = entry(CommentStep(message=text))
    short = activity_line(step)
    assert short.startswith("Comment added: “Called the candidate")
    assert short.endswith("…”")
    assert len(short) == len("Comment added: “”") + 120
    assert activity_line(step, None) == f"Comment added: “{text.strip()}”"


def test_a_snapshot_step_this_version_cannot_read_says_so() -> None:
    # A23 (the words dropped): the line read "Send Berke invitation" as if it were fine
    from app.domain.journal_terms import StepKind
    from app.domain.snapshot import SnapshotStep

    kept = SnapshotStep(
        id=1, order_id="o-1", action=StepKind.INVITE, state=StepState.DONE,
        request={"nonsense": 1}, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    assert activity_line(kept) == "Send Berke invitation (this version cannot read the step)"
