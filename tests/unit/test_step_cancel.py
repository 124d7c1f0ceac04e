"""What the coordinator is told when cancelling a step that waits to be sent, and which steps
may be: words that name what will not be sent, to which service, and what stays."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.berke import SendInvitationRequest
from app.domain.journal import (
    AcceptStep,
    CommentStep,
    CompleteStep,
    InviteStep,
    JournalEntry,
    JournalStep,
    RejectStep,
    ReuseAssessmentStep,
    UnreadableStep,
    UploadStep,
)
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepState
from app.domain.smartrecruiters import AcceptRequest, RejectRequest
from app.domain.step_cancel import (
    FILE_HAS_ITS_OWN_CANCEL,
    RESULT_ALREADY_SENT,
    after_cancel,
    cancel_button_text,
    cancel_refused,
    what_will_not_be_sent,
)
from app.domain.step_kinds import StepKind
from app.store.database import Database, utc_now
from app.store.journal import Journal
from app.store.results import ResultStore

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
REJECT = RejectStep(request=RejectRequest(message="Duplicate order"))


def waiting(
    step: JournalStep, *, state: StepState = StepState.PENDING, gone: bool = False
) -> JournalEntry:
    return JournalEntry(
        id=1, order_id="o-1", action=step.action, state=state, step=step,
        may_have_gone=gone, created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def test_a_waiting_reject_says_what_will_not_be_sent_and_how_to_ask_again() -> None:
    entry = waiting(REJECT)
    assert cancel_refused(entry) is None
    assert what_will_not_be_sent(entry) == (
        "The reject of this order will not be sent to SmartRecruiters."
    )
    assert after_cancel(entry, assessment_linked=False) == (
        "“Reject order” can be asked again later, from the order's actions."
    )
    assert cancel_button_text(entry) == "Cancel the reject"


def test_a_waiting_comment_is_quoted_and_sent_back_to_the_comments_box() -> None:
    """No order action adds a comment: "can be asked again later, from the order's actions"
    sent the coordinator to look for one. Its words, cleared from the box, are quoted."""
    entry = waiting(CommentStep(message="Called the candidate\nabout timing"))
    assert what_will_not_be_sent(entry) == (
        "The comment “Called the candidate about timing” will not be added to this order in "
        "SmartRecruiters."
    )
    assert after_cancel(entry, assessment_linked=False) == (
        "Type it again in the order's Comments box to add it later."
    )
    long = what_will_not_be_sent(waiting(CommentStep(message="word " * 100)))
    assert f"“{('word ' * 24)[:119].rstrip()}…”" in long  # cut as the activity line cuts it


def test_an_invitation_names_its_address_and_berke() -> None:
    step = InviteStep(
        request=SendInvitationRequest(source_candidate_id="AD-1", email_address="mia@x.org")
    )
    assert what_will_not_be_sent(waiting(step)) == (
        "The invitation to mia@x.org will not be sent by Berke."
    )
    said = after_cancel(waiting(step, gone=True), assessment_linked=True)
    assert said.startswith("An earlier try may have reached Berke before its answer was lost")


def test_an_accept_keeps_its_assessment() -> None:
    step = AcceptStep(request=AcceptRequest(assessment_url="https://berke.test/a/1"))
    assert "keeps its Berke assessment" in after_cancel(waiting(step), assessment_linked=True)


@pytest.mark.parametrize(
    ("entry", "why"),
    [
        (waiting(UploadStep(upload_id=3, file_name="r.pdf")), FILE_HAS_ITS_OWN_CANCEL),
        (waiting(REJECT, state=StepState.DONE), "This step was already sent"),
        (waiting(REJECT, state=StepState.CANCELLED), "This step was already cancelled."),
        (
            waiting(CompleteStep(flow=ResultFlow.DOCUMENTED, message="Report attached")),
            RESULT_ALREADY_SENT,
        ),
    ],
)
def test_what_is_not_cancelled_says_why(entry: JournalEntry, why: str) -> None:
    refused = cancel_refused(entry)
    assert refused is not None
    assert refused.startswith(why)


def test_an_invitation_points_to_send_invitation_and_a_reuse_to_create() -> None:
    step = InviteStep(
        request=SendInvitationRequest(source_candidate_id="AD-1", email_address="mia@x.org")
    )
    assert after_cancel(waiting(step), assessment_linked=True).endswith(
        "“Send invitation” can be asked again later, from the order's actions."
    )
    link = LinkedAssessment(
        order_id="o-0", source_candidate_id="AD-0", invitation_code="C0",
        assessment_url="https://berke.test/a/C0", created_at=NOW,
    )  # fmt: skip
    reuse = ReuseAssessmentStep(from_order_id="o-0", link=link)
    assert after_cancel(waiting(reuse), assessment_linked=False) == (
        "Create offers the candidate's other assessment again, later."
    )


def test_a_waiting_upload_step_this_version_cannot_read_keeps_its_files_own_cancel(
    tmp_path: Path,
) -> None:
    """An upload step a newer desk wrote (read here as a step this version cannot read) still
    has its file queued, which the resumer sends: the Activity offers no Cancel that would say
    "the file will not be sent" and leave it queued. The file's own Cancel takes it out."""
    db = Database(tmp_path / "desk.sqlite3")
    journal, results = Journal(db), ResultStore(db)
    upload = results.enqueue("o-1", str(tmp_path / "r.pdf"), "r.pdf", 10)
    now = utc_now()
    with db.transaction() as conn:  # as a newer version wrote it: not readable here
        step_id = conn.execute(
            "INSERT INTO journal (order_id, action, state, request, created_at, updated_at,"
            " asked_at, may_have_gone) VALUES ('o-1', 'upload', 'pending', ?, ?, ?, ?, 0)",
            (f'{{"kind": "upload", "upload_id": "u{upload.id}", "file_name": "r.pdf"}}',
             now, now, now),
        ).lastrowid  # fmt: skip
    entry = journal.get(int(step_id or 0))
    assert entry is not None
    assert (entry.action, type(entry.step)) == (StepKind.UPLOAD, UnreadableStep)
    assert cancel_refused(entry) == FILE_HAS_ITS_OWN_CANCEL
    db.close()
