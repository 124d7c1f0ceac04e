"""Every message a sentence a coordinator understands: activity lines that name the file, the
recipient and the reason; an address list that says what is wrong with it; a profile problem in
words; Berke's refusals; a text too long for SmartRecruiters; what the result panel says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from app.domain.attention import Attention, AttentionRules, flags_for
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_refusals import refusal_summary, says_no_such_assessment
from app.domain.berke_text import BerkeParam
from app.domain.connection import ConnectionProfile
from app.domain.field_errors import field_errors
from app.domain.journal import (
    AcceptStep,
    AssessmentDeleted,
    AssessmentLinked,
    AttachmentUploaded,
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    DeleteAssessmentStep,
    InvitationSent,
    InviteStep,
    JournalEntry,
    JournalOutcome,
    JournalStep,
    RejectStep,
    ReuseAssessmentStep,
    UploadStep,
)
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.order_result import (
    RESULT_PART_SHOWN,
    ResultOnFile,
    describe_result,
    result_panel_text,
    saved_result_text,
)
from app.domain.order_state import InvitationDoubt, OrderState
from app.domain.profile_problems import profile_problem
from app.domain.smartrecruiters import (
    AcceptRequest,
    AssessmentOrder,
    AssessmentResult,
    OrderStatus,
    RejectRequest,
    ResultType,
)
from app.domain.snapshot import SnapshotStep
from app.domain.sr_limits import message_count, message_too_long
from app.views.activity import activity_line, typed
from app.views.order_rows import activity_text

WHEN = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def entry(
    step: JournalStep,
    state: StepState = StepState.DONE,
    outcome: JournalOutcome | None = None,
    message: str | None = None,
    *,
    may_have_gone: bool = False,
) -> JournalEntry:
    return JournalEntry(
        id=1, order_id="o-1", action=step.action, state=state, step=step, outcome=outcome,
        message=message, may_have_gone=may_have_gone, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip


ATTENTION_RULES = AttentionRules(stale_new_after=timedelta(days=2), remind_after=timedelta(days=3))


def an_order(status: OrderStatus) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": "o-1", "status": status, "createDate": WHEN,
         "candidate": {"id": "c1", "firstName": "Zoë", "lastName": "Müller"}}
    )  # fmt: skip


LINK = LinkedAssessment(
    order_id="o-1",
    source_candidate_id="AD-1F3A",
    invitation_code="K7Q2M",
    assessment_url="https://berke.example.com/start/K7Q2M",
    created_at=WHEN,
)


ACTIVITY_LINES = [
    (
        UploadStep(upload_id=3, file_name="report.pdf"),
        AttachmentUploaded(upload_id=3, attachment_id="a1", file_name="report.pdf"),
        "Report uploaded: report.pdf",
        "Uploading report: report.pdf…",
        "Report not uploaded: report.pdf",
    ),
    (
        InviteStep(
            request=SendInvitationRequest.model_validate(
                {
                    BerkeParam.SOURCE_CANDIDATE_ID: "AD-1F3A",
                    BerkeParam.EMAIL_ADDRESS: "zoe@example.com",
                }
            )
        ),
        InvitationSent(email="zoe@example.com"),
        "Invitation sent to zoe@example.com",
        "Sending the invitation to zoe@example.com…",
        "Invitation not sent to zoe@example.com",
    ),
    (
        RejectStep(request=RejectRequest(message="Candidate withdrew")),
        None,
        "Rejected: Candidate withdrew",
        "Rejecting: Candidate withdrew…",
        "Order not rejected: Candidate withdrew",
    ),
    (
        CreateAssessmentStep(request=CreateAssessmentRequest(first_name="Zoë", last_name="Müller")),
        AssessmentLinked(link=LINK),
        "Berke assessment created for Zoë Müller: code K7Q2M",
        "Creating the Berke assessment for Zoë Müller…",
        "Berke assessment not created for Zoë Müller",
    ),
    (
        AcceptStep(request=AcceptRequest(assessment_url=LINK.assessment_url)),
        None,
        f"Accepted with {LINK.assessment_url}",
        f"Accepting with {LINK.assessment_url}…",
        "Order not accepted",
    ),
    (
        CompleteStep(
            result=AssessmentResult(
                result_type=ResultType.DOCUMENT,
                result="r.pdf",
                title="Job fit",
                score="High fit (92 %)",
                passed=True,
            )
        ),
        None,
        "Completed with the result “Job fit” (High fit (92 %), passed)",
        "Completing with the result “Job fit” (High fit (92 %), passed)…",
        "Order not completed with the result “Job fit” (High fit (92 %), passed)",
    ),
    (
        CommentStep(message="Called about timing"),
        None,
        "Comment added: “Called about timing”",
        "Adding comment: “Called about timing”…",
        "Comment not added: “Called about timing”",
    ),
    # The kinds born after the journal's first form: a snapshot keeps them in it, and its
    # window said "Delete Berke assessment (this version cannot read the step)".
    (
        DeleteAssessmentStep(source_candidate_id="AD-1F3A"),
        AssessmentDeleted(source_candidate_id="AD-1F3A", already_gone=True),
        "Berke assessment AD-1F3A deleted (it was already gone)",
        "Deleting Berke assessment AD-1F3A…",
        "Berke assessment not deleted: AD-1F3A",
    ),
    (
        ReuseAssessmentStep(link=LINK, from_order_id="o-0"),
        AssessmentLinked(link=LINK),
        "Reused the candidate's Berke assessment K7Q2M of order o-0",
        "Reusing the candidate's Berke assessment K7Q2M of order o-0…",
        "Berke assessment not reused: K7Q2M of order o-0",
    ),
]


@pytest.mark.parametrize(("step", "outcome", "done", "pending", "failed"), ACTIVITY_LINES)
def test_activity_lines_name_what_the_step_was_about(
    step: JournalStep, outcome: JournalOutcome | None, done: str, pending: str, failed: str
) -> None:
    assert activity_line(entry(step, StepState.DONE, outcome)) == done
    assert activity_line(entry(step, StepState.PENDING)) == pending
    assert activity_line(entry(step, StepState.FAILED, message="SmartRecruiters: …")) == failed
    # A snapshot keeps the journal's first form: it reads the same, and reads back whole.
    live = entry(step, StepState.DONE, outcome)
    kept = SnapshotStep.of(live)
    assert activity_line(kept) == done
    assert typed(kept) == (step, outcome)


@pytest.mark.parametrize(("step", "outcome", "done", "pending", "failed"), ACTIVITY_LINES)
def test_a_failed_step_is_named_alike_in_the_activity_list_its_row_and_its_flag(
    step: JournalStep, outcome: JournalOutcome | None, done: str, pending: str, failed: str
) -> None:
    """The flag said "A step failed for good (Send Berke invitation)" and the row "Failed:
    Send Berke invitation", where the Activity list said "Invitation to … not sent": two
    names for one failure. The list's line now leads with what the row and flag say."""
    state = OrderState(failed=frozenset({step.action}))
    status = OrderStatus.IN_PROGRESS
    flags = flags_for(an_order(status), state, WHEN, ATTENTION_RULES)
    (flag,) = [f for f in flags if f.kind is Attention.STEP_FAILED]
    line = activity_line(entry(step, StepState.FAILED, message="SmartRecruiters: …"))
    assert flag.short == activity_text(state, status) == step.action.not_done
    assert line.startswith(step.action.not_done)
    assert flag.text.startswith(f"{step.action.not_done}, for good: Retry")


def test_a_long_reason_is_cut_in_the_line_and_whole_in_the_tooltip() -> None:
    reason = "The candidate withdrew. " * 40
    step = entry(RejectStep(request=RejectRequest(message=reason)))
    short = activity_line(step)
    assert short.startswith("Rejected: The candidate withdrew.")
    assert short.endswith("…")
    assert len(short) < 140
    assert activity_line(step, None) == "Rejected: " + reason.strip()


def test_an_upload_written_without_its_name_takes_the_services() -> None:
    line = activity_line(
        entry(
            UploadStep(upload_id=9),
            outcome=AttachmentUploaded(upload_id=9, attachment_id="a", file_name="fit.pdf"),
        )
    )
    assert line == "Report uploaded: fit.pdf"


def test_an_upload_found_on_the_result_says_so() -> None:
    """A retry that finds the file there did not send it: the line does not claim it did."""
    found = AttachmentUploaded(
        upload_id=9, attachment_id="a", file_name="fit.pdf", already_there=True
    )
    line = activity_line(entry(UploadStep(upload_id=9, file_name="fit.pdf"), outcome=found))
    assert line == "Report already on the result: fit.pdf"


def list_error(value: str) -> str:
    with pytest.raises(ValidationError) as refused:
        CreateAssessmentRequest.model_validate(
            {
                BerkeParam.FIRST_NAME: "A",
                BerkeParam.LAST_NAME: "B",
                BerkeParam.ON_COMPLETE_ACTION: 5,
                BerkeParam.EMAIL_REPORT_TO_LIST: value,
            }
        )
    return field_errors(refused.value)[BerkeParam.EMAIL_REPORT_TO_LIST]


def test_a_semicolon_list_is_told_to_use_commas() -> None:
    assert list_error("a@x.com;b@y.org") == "Separate the addresses with commas, not semicolons."
    assert list_error("a@x.com; b@y.org; c@z.net") == (
        "Separate the addresses with commas, not semicolons."
    )


def test_a_list_of_500_bad_addresses_says_what_is_wrong_not_only_its_length() -> None:
    value = ",".join(f"person{i}-at-example" for i in range(500))
    text = list_error(value)
    assert text.startswith(
        "Has 500 addresses that are not well-formed: “person0-at-example”, "
        "“person1-at-example”, “person2-at-example” and 497 more"
    )
    assert f"the list is also {len(value):,} characters, over Berke's 500" in text
    # A well-formed list that is only too long still says its length.
    long_but_good = ",".join(["a" * 37 + "@example.com"] * 11)
    assert list_error(long_but_good).startswith("At most 500 characters")


def test_one_bad_address_is_named() -> None:
    assert list_error("a@x.com,nobody") == "Has an address that is not well-formed: “nobody”."


@pytest.mark.parametrize("value", ["a@x.com,,b@y.org", "a@x.com,", ",a@x.com", "a@x.com, ,b@y.org"])
def test_a_list_with_an_empty_entry_says_what_to_fix(value: str) -> None:
    """A doubled or trailing comma would be an empty address “” that "is not well-formed",
    which does not tell the coordinator what to fix."""
    assert list_error(value) == "Has an empty entry: separate the addresses with single commas."


def profile_error(**values: object) -> str:
    with pytest.raises(ValidationError) as refused:
        ConnectionProfile.model_validate(values)
    return profile_problem(refused.value)[1]


def test_profile_problems_in_words() -> None:
    assert profile_error(name="") == "Give the profile a name."
    assert profile_error(name="   ") == "Give the profile a name."
    assert profile_error(name="n" * 61) == (
        "A profile name takes at most 60 characters; this one has 61."
    )
    assert profile_error(name="P", poll_interval_seconds=5) == (
        "“Check for new orders every” takes 15 s to 3,600 s."
    )
    assert profile_error(name="P", invitation_sender_email="talent at example") == (
        "Sender email is not a well-formed email address."
    )
    for text in (profile_error(name=""), profile_error(name="P", berke_burst=0)):
        assert "should" not in text  # pydantic's "String should have at least 1 character"


def test_berke_refusals_are_sentences() -> None:
    assert refusal_summary(
        BerkeParam.SOURCE_CANDIDATE_ID, "sourceCandidateId must be unique", "HR-1"
    ) == (
        "Another Berke assessment already has the candidate id “HR-1”: give this one "
        "another id, or leave the id empty to use the order's own."
    )
    assert refusal_summary(
        BerkeParam.SOURCE_DEPARTMENT_ID, "sourceDepartmentId not found", "D9"
    ) == ("The department id “D9” is not known to Berke.")
    assert refusal_summary(BerkeParam.USERNAME, "username is inactive", "cora") == (
        "The Berke user “cora” is not active in Berke."
    )
    assert refusal_summary("somethingNew", "bad", None) == "SomethingNew was not accepted."
    assert refusal_summary(None) == "The request was not accepted."


#: Berke's ways of saying it has no assessment under an id: the sandbox's, the reference's
#: for an unknown id ("Unknown sourceJobId") and for a removed one, and the plain ones.
NO_SUCH_ASSESSMENT_WORDS = [
    "sourceCandidateId was not found",
    "Unknown sourceCandidateId",
    "SourceCandidateId no longer exists in system",
    "sourceCandidateId no longer exist",
    "sourceCandidateId does not exist",
    "SOURCECANDIDATEID NOT FOUND",
]


@pytest.mark.parametrize("words", NO_SUCH_ASSESSMENT_WORDS)
def test_berke_saying_it_has_no_such_assessment_is_read_in_any_of_its_words(words: str) -> None:
    """Only the sandbox's "was not found" meant "none" before: against a Berke saying
    "Unknown sourceCandidateId" no typed id could be created, a lost delete failed on every
    retry, and an assessment deleted by hand was never noticed."""
    said = f"{words}, sourceCandidateId=[EMP-4711]"
    assert says_no_such_assessment(BerkeParam.SOURCE_CANDIDATE_ID, said)
    assert says_no_such_assessment("SOURCECANDIDATEID", said)
    assert refusal_summary(BerkeParam.SOURCE_CANDIDATE_ID, words, "EMP-4711") == (
        "The candidate id “EMP-4711” is not known to Berke."
    )


def test_only_an_unknown_candidate_id_is_no_such_assessment() -> None:
    """Another value refused, no value named (a proxy's "404 Not Found"), or the id refused
    for another reason (its value only reading "unknown") is not "Berke has none"."""
    assert not says_no_such_assessment(
        BerkeParam.SOURCE_JOB_ID, "Unknown sourceJobId, sourceJobId=[J-1]"
    )
    assert not says_no_such_assessment(None, "404 Not Found")
    assert not says_no_such_assessment(
        BerkeParam.SOURCE_CANDIDATE_ID,
        "sourceCandidateId is invalid, sourceCandidateId=[UNKNOWN-7]",
    )
    assert not says_no_such_assessment(
        BerkeParam.SOURCE_CANDIDATE_ID, "sourceCandidateId already exists, sourceCandidateId=[A]"
    )


@pytest.mark.parametrize(
    "words", ["sourceCandidateId must be unique", "sourceCandidateId already exists"]
)
def test_a_taken_candidate_id_is_still_read_as_taken(words: str) -> None:
    """ "no longer exists" is read as not known before "exists" is read as taken; "already
    exists" still says taken."""
    assert refusal_summary(BerkeParam.SOURCE_CANDIDATE_ID, words, "HR-1").startswith(
        "Another Berke assessment already has the candidate id “HR-1”"
    )
    assert refusal_summary(BerkeParam.EMAIL_ADDRESS, "emailAddress already exists", "a@b.c") == (
        "The email address “a@b.c” is already taken: another value is needed."
    )


def test_a_text_too_long_for_smartrecruiters_says_by_how_much() -> None:
    assert message_too_long("x" * 2000) is None
    assert message_too_long("x" * 10_828) == (
        "At most 2,000 characters: this has 10,828 (8,828 too many). Shorten it; nothing is cut."
    )
    assert message_count("  hello  ") == "5 / 2,000"


def test_a_result_title_of_a_megabyte_is_cut_wherever_it_is_said() -> None:
    """Before: a result made by another tool with a title of a megabyte was laid out whole on
    the order's result panel, holding the window for a second and a half at each resize."""
    huge = AssessmentResult(
        result_type=ResultType.DOCUMENT,
        result="t.pdf",
        title="lorem ipsum\n" * 80_000,
        score="9" * 50_000,
        passed=True,
    )
    panel = describe_result(huge)
    assert panel.startswith("“lorem ipsum lorem ipsum")
    assert "…” — 999" in panel
    assert panel.endswith("…, passed (a document)")
    assert len(panel) < 2 * RESULT_PART_SHOWN + 40
    line = activity_line(entry(CompleteStep(result=huge)), None)
    assert line.startswith("Completed with the result “lorem ipsum")
    assert len(line) < 2 * RESULT_PART_SHOWN + 40


def result(**fields: object) -> AssessmentResult:
    return AssessmentResult.model_validate({"resultType": "DOCUMENT", "result": "r.pdf", **fields})


def test_the_result_panel_says_passed_or_not_passed() -> None:
    """A candidate who did not pass must never be said to have passed."""
    assert describe_result(result(title="Fit", score="Low fit", passed=False)) == (
        "“Fit” — Low fit, not passed (a document)"
    )
    assert describe_result(result(title="Fit", score="High fit", passed=True)) == (
        "“Fit” — High fit, passed (a document)"
    )


def test_a_title_of_exactly_the_shown_length_is_not_cut() -> None:
    title = "t" * RESULT_PART_SHOWN
    assert describe_result(result(title=title)) == f"“{title}” (a document)"


def test_a_snapshot_shows_the_newest_result() -> None:
    """The panel of a snapshot would show the order's oldest result, not the one the recruiter
    sees now."""
    old = result(title="First try", createDate="2026-01-02T10:00:00.000+0000")
    new = result(title="Second try", createDate="2026-03-04T10:00:00.000+0000")
    assert "Second try" in saved_result_text([old, new])
    assert "Second try" in saved_result_text([new, old])


def test_the_panel_names_the_result_smartrecruiters_has() -> None:
    """A result SmartRecruiters has (made elsewhere, not listed in full) would go unsaid, and
    the panel would say the order was completed without this desk's result instead."""
    text = result_panel_text(OrderStatus.COMPLETED, None, ResultOnFile(result_id="R-7"))
    assert text == "The order has its result (id R-7); reports dropped here go to it."


def test_a_completed_order_not_yet_asked_about_says_it_was_completed_elsewhere() -> None:
    """Not "Reports are attached to the result of an accepted or completed order", as if the
    order were neither."""
    text = result_panel_text(OrderStatus.COMPLETED, None, None)
    assert text.startswith("This order was completed outside this desk")


def test_an_invitation_that_may_have_gone_is_not_said_not_sent() -> None:
    """An invitation failed after a try whose answer was lost (not sent again where Berke
    gives no count): before, its line said "Invitation to … not sent"."""
    step = InviteStep(
        request=SendInvitationRequest.model_validate(
            {BerkeParam.SOURCE_CANDIDATE_ID: "AD-1F3A", BerkeParam.EMAIL_ADDRESS: "zoe@example.com"}
        )
    )
    failed = entry(step, StepState.FAILED, message="Not sent again", may_have_gone=True)
    assert activity_line(failed) == (
        "Invitation to zoe@example.com may have been sent (its answer was lost)"
    )


def test_an_invitation_that_may_have_gone_is_not_said_failed_in_its_row() -> None:
    """Its inbox row said "Failed: Send Berke invitation" where the pane and its activity
    line say it may have been sent. A failure beside it is still said; one still waiting is
    under way."""
    failed = frozenset({StepKind.ACCEPT, StepKind.INVITE})
    doubt = InvitationDoubt(at=WHEN, waiting=False, counted=False)
    in_doubt = OrderState(failed=frozenset({StepKind.INVITE}), invitation_doubt=doubt)
    assert activity_text(in_doubt, OrderStatus.IN_PROGRESS) == "Invitation may have been sent"
    both = OrderState(failed=failed, invitation_doubt=doubt)
    assert (
        activity_text(both, OrderStatus.IN_PROGRESS)
        == "Order not accepted; invitation may have been sent"
    )
    waiting = InvitationDoubt(at=WHEN, waiting=True, counted=False)
    pending = OrderState(pending=frozenset({StepKind.INVITE}), invitation_doubt=waiting)
    assert activity_text(pending, OrderStatus.IN_PROGRESS) == "Under way: Send Berke invitation"
