"""Typed journal steps and outcomes: what they keep, what they record, and the journal's first
form (untyped dicts) read and written back without losing a key."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_text import BerkeParam
from app.domain.journal import (
    AcceptStep,
    AssessmentDeleted,
    AssessmentLinked,
    AttachmentUploaded,
    CommentAdded,
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    DeleteAssessmentStep,
    InvitationSent,
    InviteStep,
    JournalEntry,
    JournalStep,
    OrderUpdated,
    RejectStep,
    ResultRecorded,
    ReuseAssessmentStep,
    StepOutcome,
    StepPayload,
    UnreadableOutcome,
    UnreadableStep,
    UploadStep,
    breaks_current_rules,
)
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepKind, StepState
from app.domain.journal_v1 import outcome_from_v1, outcome_to_v1, step_from_v1, step_to_v1
from app.domain.smartrecruiters import (
    AcceptRequest,
    AssessmentOrder,
    AssessmentResult,
    OrderStatus,
    RejectRequest,
    ResultType,
)
from app.domain.snapshot import SnapshotStep
from app.domain.superseded_steps import (
    MAY_HAVE_GONE_UNCOUNTED,
    retry_refused_reason,
    superseded_reason,
)
from app.store.journal_rows import dumps, read_outcome, read_step
from app.views.activity import activity_line

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
CREATE = CreateAssessmentRequest(
    first_name="Zoë",
    last_name="Müller",
    email_address="zoe@example.com",
    source_candidate_id="HR-1234",
    on_assessment_complete_action=5,
    email_report_to_list="hr@example.com",
)
INVITE = SendInvitationRequest(
    source_candidate_id="HR-1234", email_address="zoe@example.com", message="See you"
)
RESULT = AssessmentResult(
    result_type=ResultType.DOCUMENT, result="result.pdf", title="Job fit", passed=True, score="81%"
)
URL = "https://berke.test/a/C0DE"

#: (action, request) exactly as the code before typed steps journaled them.
V1_REQUESTS: list[tuple[StepKind, dict[str, Any]]] = [
    (StepKind.CREATE_ASSESSMENT, CREATE.to_params()),
    (StepKind.ACCEPT, {"assessmentURL": URL}),
    (StepKind.ACCEPT, {"assessmentURL": URL, "message": "Hi", "messageToCandidate": "Good luck"}),
    (StepKind.REJECT, {"message": "Candidate withdrew"}),
    (StepKind.INVITE, {**INVITE.to_params(), "invitationsSentBefore": 0}),
    (StepKind.INVITE, {**INVITE.to_params(), "invitationsSentBefore": 2}),
    (StepKind.COMPLETE, {"flow": "faq", **RESULT.to_body()}),
    (StepKind.COMPLETE, {"flow": "documented", "message": "Done"}),
    (StepKind.COMPLETE, {"flow": "documented"}),
    (StepKind.CREATE_RESULT, RESULT.to_body()),
    (StepKind.UPLOAD, {"uploadId": 7, "fileName": "report.pdf"}),
    (StepKind.UPLOAD, {"uploadId": 7}),
    (StepKind.COMMENT, {"message": "Called the candidate"}),
    # Kinds born after the first form, which snapshot format 1 keeps in it all the same.
    (StepKind.DELETE_ASSESSMENT, {"sourceCandidateId": "HR-1234"}),
    (StepKind.REUSE_ASSESSMENT,
     {"sourceCandidateId": "HR-1234", "invitationCode": "C0DE", "assessmentUrl": URL,
      "fromOrderId": "o0"}),
    (StepKind.REUSE_ASSESSMENT,
     {"sourceCandidateId": "HR-1234", "invitationCode": "C0DE", "assessmentUrl": URL}),
]  # fmt: skip

#: (action, request, outcome) exactly as the code before typed steps recorded them.
V1_OUTCOMES: list[tuple[StepKind, dict[str, Any], dict[str, Any]]] = [
    (StepKind.CREATE_ASSESSMENT, CREATE.to_params(),
     {"sourceCandidateId": "HR-1234", "invitationCode": "C0DE", "assessmentUrl": URL}),
    (StepKind.CREATE_ASSESSMENT, CREATE.to_params(),
     {"sourceCandidateId": "HR-1234", "invitationCode": "C0DE", "assessmentUrl": URL,
      "recovered": True}),
    (StepKind.ACCEPT, {"assessmentURL": URL}, {"status": "IN_PROGRESS"}),
    (StepKind.ACCEPT, {"assessmentURL": URL}, {"status": "IN_PROGRESS", "alreadyApplied": True}),
    (StepKind.REJECT, {"message": "no"}, {"status": "REJECTED"}),
    (StepKind.INVITE, INVITE.to_params(), {"emailAddress": "zoe@example.com"}),
    (StepKind.INVITE, INVITE.to_params(), {"emailAddress": "zoe@example.com", "alreadySent": True}),
    (StepKind.COMPLETE, {"flow": "faq", **RESULT.to_body()},
     {"resultId": "r1", "status": "COMPLETED"}),
    (StepKind.COMPLETE, {"flow": "faq", **RESULT.to_body()},
     {"resultId": "r1", "status": "COMPLETED", "recovered": True}),
    (StepKind.COMPLETE, {"flow": "documented"}, {"status": "COMPLETED"}),
    (StepKind.COMPLETE, {"flow": "documented"}, {"status": "COMPLETED", "alreadyApplied": True}),
    (StepKind.CREATE_RESULT, RESULT.to_body(), {"resultId": "r2"}),
    (StepKind.CREATE_RESULT, RESULT.to_body(), {"resultId": "r2", "recovered": True}),
    (StepKind.UPLOAD, {"uploadId": 7}, {"attachmentId": "a1", "fileName": "report.pdf"}),
    (StepKind.UPLOAD, {"uploadId": 7},
     {"attachmentId": "a1", "fileName": "report.pdf", "alreadyThere": True}),
    (StepKind.COMMENT, {"message": "Hi"}, {"message": "Hi"}),
    (StepKind.COMMENT, {"message": "Hi"}, {"message": "Hi", "alreadyThere": True}),
    # As snapshot format 1 keeps the later kinds' outcomes.
    (StepKind.DELETE_ASSESSMENT, {"sourceCandidateId": "HR-1234"},
     {"sourceCandidateId": "HR-1234"}),
    (StepKind.DELETE_ASSESSMENT, {"sourceCandidateId": "HR-1234"},
     {"sourceCandidateId": "HR-1234", "alreadyGone": True}),
    (StepKind.REUSE_ASSESSMENT,
     {"sourceCandidateId": "HR-1234", "invitationCode": "C0DE", "assessmentUrl": URL},
     {"sourceCandidateId": "HR-1234", "invitationCode": "C0DE", "assessmentUrl": URL}),
]  # fmt: skip


def _v1_step(action: StepKind, request: dict[str, Any]) -> StepPayload:
    return step_from_v1(action, request, order_id="o1", begun_at=AT)


@pytest.mark.parametrize(("action", "request_"), V1_REQUESTS)
def test_a_first_form_request_reads_typed_and_writes_back_the_same(
    action: StepKind, request_: dict[str, Any]
) -> None:
    step = _v1_step(action, request_)
    assert step.kind == action.value
    assert step.action is action
    assert step_to_v1(step) == request_
    # And the typed form survives the store.
    assert read_step(action, dumps(step)) == step


def test_the_first_forms_private_keys_leave_the_service_bodies() -> None:
    # "idCheckedFree" once let a resumed create link a typed id; no longer: it is dropped.
    create = _v1_step(StepKind.CREATE_ASSESSMENT, {**CREATE.to_params(), "idCheckedFree": True})
    assert create == CreateAssessmentStep(request=CREATE)
    invite = _v1_step(StepKind.INVITE, {**INVITE.to_params(), "invitationsSentBefore": 3})
    assert invite == InviteStep(request=INVITE, invitations_sent_before=3)
    complete = _v1_step(StepKind.COMPLETE, {"flow": "faq", **RESULT.to_body()})
    assert complete == CompleteStep(flow=ResultFlow.FAQ, result=RESULT)
    documented = _v1_step(StepKind.COMPLETE, {"flow": "documented", "message": "Done"})
    assert documented == CompleteStep(flow=ResultFlow.DOCUMENTED, message="Done")
    old_upload = _v1_step(StepKind.UPLOAD, {"uploadId": 7})
    assert old_upload == UploadStep(upload_id=7)


@pytest.mark.parametrize(("action", "request_", "outcome"), V1_OUTCOMES)
def test_a_first_form_outcome_reads_typed_and_writes_back_the_same(
    action: StepKind, request_: dict[str, Any], outcome: dict[str, Any]
) -> None:
    step = _v1_step(action, request_)
    typed = outcome_from_v1(step, outcome, order_id="o1", finished_at=AT)
    assert outcome_to_v1(typed) == outcome
    assert read_outcome(dumps(typed)) == typed


def test_first_form_outcomes_keep_what_they_said() -> None:
    create = _v1_step(StepKind.CREATE_ASSESSMENT, CREATE.to_params())
    linked = outcome_from_v1(
        create,
        {"sourceCandidateId": "HR-1234", "invitationCode": "C0DE", "assessmentUrl": URL,
         "recovered": True},
        order_id="o1",
        finished_at=AT,
    )  # fmt: skip
    assert linked == AssessmentLinked(
        link=LinkedAssessment(
            order_id="o1", source_candidate_id="HR-1234", invitation_code="C0DE",
            assessment_url=URL, created_at=AT,
        ),
        recovered=True,
    )  # fmt: skip
    upload = outcome_from_v1(
        UploadStep(upload_id=7), {"attachmentId": "a1", "fileName": "r.pdf"}, order_id="o1",
        finished_at=AT,
    )  # fmt: skip
    assert upload == AttachmentUploaded(upload_id=7, attachment_id="a1", file_name="r.pdf")
    faq = _v1_step(StepKind.COMPLETE, {"flow": "faq", **RESULT.to_body()})
    done = outcome_from_v1(faq, {"resultId": "r1", "status": "COMPLETED"}, order_id="o1",
                           finished_at=AT)  # fmt: skip
    assert done == ResultRecorded(result_id="r1", status=OrderStatus.COMPLETED)


def test_a_first_form_request_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValidationError):
        _v1_step(StepKind.CREATE_ASSESSMENT, {"firstName": "Zoë"})
    with pytest.raises(KeyError):
        _v1_step(StepKind.UPLOAD, {"fileName": "report.pdf"})
    with pytest.raises(KeyError):
        outcome_from_v1(UploadStep(upload_id=1), {"message": "?"}, order_id="o", finished_at=AT)
    # An upload's outcome names its upload through the step: an unreadable step has none.
    unreadable = UnreadableStep(action=StepKind.UPLOAD, data={}, problem="?")
    with pytest.raises(ValueError, match="keys"):
        outcome_from_v1(unreadable, {"attachmentId": "a", "fileName": "f"}, order_id="o",
                        finished_at=AT)  # fmt: skip


def test_the_typed_step_keeps_the_services_spellings() -> None:
    step = CreateAssessmentStep(request=CREATE)
    stored = dumps(step)
    assert '"firstName": "Zoë"' in stored
    assert "null" not in stored  # absent, not empty
    accept = dumps(AcceptStep(request=AcceptRequest(assessment_url=URL)))
    assert '"assessmentURL"' in accept


def test_a_stored_step_that_cannot_be_read_is_kept_not_lost() -> None:
    step = read_step(StepKind.INVITE, '{"kind": "invite", "request": {"emailAddress": "x"}}')
    assert isinstance(step, UnreadableStep)
    assert step.action is StepKind.INVITE
    assert step.data == {"kind": "invite", "request": {"emailAddress": "x"}}
    assert "request" in step.problem
    garbled = read_step(StepKind.COMMENT, "{not json")
    assert isinstance(garbled, UnreadableStep)
    assert garbled.data == "{not json"
    # A step whose kind disagrees with the action it was journaled as is not trusted either.
    mismatched = read_step(StepKind.ACCEPT, dumps(CommentStep(message="hi")))
    assert isinstance(mismatched, UnreadableStep)
    assert read_outcome('{"kind": "surprise"}') == UnreadableOutcome(data={"kind": "surprise"})
    assert read_outcome(None) is None


def test_an_entry_agrees_with_its_step() -> None:
    fields: dict[str, Any] = {
        "id": 1, "order_id": "o1", "state": StepState.PENDING, "created_at": AT, "updated_at": AT,
    }  # fmt: skip
    step = CommentStep(message="hi")
    assert JournalEntry(action=StepKind.COMMENT, step=step, **fields).step == step
    with pytest.raises(ValidationError, match="comment step recorded as accept"):
        JournalEntry(action=StepKind.ACCEPT, step=step, **fields)
    unreadable = UnreadableStep(action=StepKind.ACCEPT, data={}, problem="?")
    assert JournalEntry(action=StepKind.ACCEPT, step=unreadable, **fields).step == unreadable


def test_a_faq_complete_needs_a_result_and_a_documented_one_none() -> None:
    with pytest.raises(ValidationError, match="FAQ flow"):
        CompleteStep(flow=ResultFlow.FAQ)
    with pytest.raises(ValidationError, match="FAQ flow"):
        CompleteStep(flow=ResultFlow.DOCUMENTED, result=RESULT)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def link(self, link: LinkedAssessment) -> None:
        self.calls.append(("link", link.invitation_code))

    def invited(self, email: str) -> None:
        self.calls.append(("invited", email))

    def result_id(self, result_id: str) -> None:
        self.calls.append(("result_id", result_id))

    def order(self, order: AssessmentOrder) -> None:
        self.calls.append(("order", order.id))

    def upload_done(self, upload_id: int, attachment_id: str) -> None:
        self.calls.append(("upload_done", (upload_id, attachment_id)))

    def berke_deleted(self, source_candidate_id: str) -> None:
        self.calls.append(("berke_deleted", source_candidate_id))


ORDER = AssessmentOrder.model_validate(
    {"id": "o1", "status": "COMPLETED", "candidate": {"id": "c", "firstName": "Zoë"}}
)
LINK = LinkedAssessment(
    order_id="o1", source_candidate_id="HR-1234", invitation_code="C0DE", assessment_url=URL,
    created_at=AT,
)  # fmt: skip


@pytest.mark.parametrize(
    ("outcome", "calls"),
    [
        (AssessmentLinked(link=LINK), [("link", "C0DE")]),
        (OrderUpdated(status=OrderStatus.COMPLETED, order=ORDER), [("order", "o1")]),
        (OrderUpdated(status=OrderStatus.COMPLETED), []),  # as read back from the journal
        (InvitationSent(email="zoe@example.com"), [("invited", "zoe@example.com")]),
        (
            ResultRecorded(result_id="r1", status=OrderStatus.COMPLETED, order=ORDER),
            [("result_id", "r1"), ("order", "o1")],
        ),
        (ResultRecorded(result_id="r2"), [("result_id", "r2")]),
        (
            AttachmentUploaded(upload_id=7, attachment_id="a1", file_name="r.pdf"),
            [("upload_done", (7, "a1"))],
        ),
        (CommentAdded(message="hi"), []),
        (AssessmentDeleted(source_candidate_id="AD-1"), [("berke_deleted", "AD-1")]),
    ],
)
def test_an_outcome_records_what_it_produced(
    outcome: StepOutcome, calls: list[tuple[str, object]]
) -> None:
    recorder = Recorder()
    outcome.record(recorder)
    assert recorder.calls == calls


def test_the_order_an_outcome_carries_is_not_journaled() -> None:
    # The order holds the candidate's personal data; its one place is the order cache.
    stored = dumps(OrderUpdated(status=OrderStatus.COMPLETED, order=ORDER))
    assert "Zoë" not in stored
    assert read_outcome(stored) == OrderUpdated(status=OrderStatus.COMPLETED)


def test_every_step_kind_is_an_action() -> None:
    steps: list[JournalStep] = [
        CreateAssessmentStep(request=CREATE),
        AcceptStep(request=AcceptRequest(assessment_url=URL)),
        RejectStep(request=RejectRequest(message="no")),
        InviteStep(request=INVITE),
        CompleteStep(result=RESULT),
        CreateResultStep(result=RESULT),
        UploadStep(upload_id=1),
        CommentStep(message="hi"),
        DeleteAssessmentStep(source_candidate_id="AD-1"),
        ReuseAssessmentStep(link=LINK, from_order_id="order-1"),
    ]
    assert {step.action for step in steps} == set(StepKind)
    assert all(step.kind == step.action.value for step in steps)


def test_a_step_recorded_before_a_newer_rule_is_read_but_never_sent() -> None:
    """The sensitive-id and email rules came after wave 1: its records stay readable history,
    and a pending one breaking them is refused before it goes."""
    stored = json.loads(dumps(CreateAssessmentStep(request=CREATE)))
    stored["request"][BerkeParam.SOURCE_CANDIDATE_ID] = "123-45-6789"  # a US SSN, written out
    stored["request"][BerkeParam.EMAIL_ADDRESS] = "zoë@example.com"  # not ASCII
    step = read_step(StepKind.CREATE_ASSESSMENT, json.dumps(stored))
    assert isinstance(step, CreateAssessmentStep)
    assert step.request.source_candidate_id == "123-45-6789"
    problem = breaks_current_rules(step)
    assert problem is not None
    assert "email" in problem.casefold() or "sourceCandidateId" in problem
    assert breaks_current_rules(CreateAssessmentStep(request=CREATE)) is None
    assert breaks_current_rules(InviteStep(request=INVITE)) is None
    with pytest.raises(ValidationError):  # and nothing new can be made that way
        CreateAssessmentRequest.model_validate(stored["request"])


def _entry(
    number: int, state: StepState, step: JournalStep, outcome: StepOutcome | None = None
) -> JournalEntry:
    return JournalEntry(
        id=number, order_id="order-1", action=step.action, state=state, step=step,
        outcome=outcome, created_at=AT, updated_at=AT,
    )  # fmt: skip


DOCUMENTED_COMPLETE = CompleteStep(flow=ResultFlow.DOCUMENTED)


@pytest.mark.parametrize(
    ("failed", "later", "said"),
    [
        # The documented flow's result made, its completion refused: Retry of that completion
        # is how the order gets completed with it ("Retry its failed Complete order step").
        (DOCUMENTED_COMPLETE, CreateResultStep(result=RESULT), None),
        (CreateResultStep(result=RESULT), CreateResultStep(result=RESULT), "made the order's"),
        (CompleteStep(result=RESULT), CreateResultStep(result=RESULT), "made the order's"),
        (CreateResultStep(result=RESULT), DOCUMENTED_COMPLETE, "was completed from this desk"),
        (DOCUMENTED_COMPLETE, CompleteStep(result=RESULT), "was completed from this desk"),
        (AcceptStep(request=AcceptRequest(assessment_url=URL)), CommentStep(message="hi"), None),
    ],
)
def test_a_failed_step_is_not_retried_once_a_later_one_did_its_job(
    failed: JournalStep, later: JournalStep, said: str | None
) -> None:
    """Retried, an old failed completion took this desk's own later one for another desk's
    ("completed elsewhere"), and forgot the order's result. Only a step whose job is done is
    refused, not one that does what the later step left to do."""
    outcome = ResultRecorded(result_id="r-2") if isinstance(later, CreateResultStep) else None
    timeline = [_entry(1, StepState.FAILED, failed), _entry(2, StepState.DONE, later, outcome)]
    reason = superseded_reason(timeline[0], timeline)
    if said is None:
        assert reason is None
    else:
        assert reason is not None
        assert said in reason
        assert reason.startswith("Not retried: ")
        assert reason.endswith(" Nothing was sent.")
    assert superseded_reason(timeline[0], timeline[:1]) is None  # nothing later: retried


ACCEPT = AcceptStep(request=AcceptRequest(assessment_url=URL))
REJECT = RejectStep(request=RejectRequest(message="Duplicate."))


@pytest.mark.parametrize(
    ("failed", "waiting", "said"),
    [
        (CreateResultStep(result=RESULT), CreateResultStep(result=RESULT), "another result"),
        (DOCUMENTED_COMPLETE, CreateResultStep(result=RESULT), "another result"),
        (CreateResultStep(result=RESULT), DOCUMENTED_COMPLETE, "another completion"),
        (CompleteStep(result=RESULT), CompleteStep(result=RESULT), "another completion"),
        (ACCEPT, ACCEPT, "assessment URL and messages"),
        (REJECT, REJECT, "another reject"),
        (CreateAssessmentStep(request=CREATE), CreateAssessmentStep(request=CREATE), "Berke"),
        # Two comments are two comments: one waiting replaces no other.
        (CommentStep(message="hi"), CommentStep(message="hi again"), None),
        (ACCEPT, CommentStep(message="hi"), None),
    ],
)
def test_a_failed_step_is_not_retried_while_another_doing_its_job_waits(
    failed: JournalStep, waiting: JournalStep, said: str | None
) -> None:
    """Retried while the coordinator's newer step of its job waited (a 503), an old failed
    result went first and completed the order with its old verdict; the newer one then
    failed. A comment waiting holds back no other step."""
    timeline = [_entry(1, StepState.FAILED, failed), _entry(2, StepState.PENDING, waiting)]
    reason = retry_refused_reason(timeline[0], timeline)
    if said is None:
        assert reason is None
        return
    assert reason is not None
    assert said in reason
    assert reason.startswith("Not retried: ")
    assert reason.endswith(" Nothing was sent.")
    # Failed too, or done by nothing in SmartRecruiters: not waiting, so not this reason.
    ended = [timeline[0], _entry(2, StepState.FAILED, waiting)]
    assert retry_refused_reason(ended[0], ended) is None


@pytest.mark.parametrize(
    ("count", "may_have_gone", "refused"),
    [(None, True, True), (3, True, False), (None, False, False)],
    ids=["may-have-gone-uncounted", "may-have-gone-counted", "never-left"],
)
def test_an_invitation_that_may_have_gone_is_retried_only_where_berke_counts(
    count: int | None, may_have_gone: bool, refused: bool
) -> None:
    """A failed invitation whose answer was lost, where Berke gives no count: Retry was on
    ("Send a failed step again") and every press was refused again ("it is not sent again").
    It is off, saying what to do. With Berke's count kept, or no try that may have gone, the
    Retry can send it: it stays on."""
    step = InviteStep(request=INVITE, invitations_sent_before=count)
    failed = _entry(2, StepState.FAILED, step).model_copy(update={"may_have_gone": may_have_gone})
    reason = retry_refused_reason(failed, [failed])
    if not refused:
        assert reason is None
        return
    assert reason == MAY_HAVE_GONE_UNCOUNTED.format(again="use Invite (it asks first)")
    # A reminder, after the invitation went: a reminder is what to send.
    sent = _entry(1, StepState.DONE, InviteStep(request=INVITE))
    reason = retry_refused_reason(failed, [sent, failed])
    assert reason == MAY_HAVE_GONE_UNCOUNTED.format(again="send a reminder")


def _found_create(own_try: bool | None) -> JournalEntry:
    """A create step done with an assessment found in Berke (``own_try`` as it says)."""
    now = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
    request = CreateAssessmentRequest(
        first_name="Lia",
        last_name="Lost",
        email_address="lia.lost@example.com",
        source_candidate_id="AD-order-1",
    )
    link = LinkedAssessment(
        order_id="order-1",
        source_candidate_id="AD-order-1",
        invitation_code="CODE1234",
        assessment_url="https://assess.example/CODE1234",
        created_at=now,
    )
    return JournalEntry(
        id=1,
        order_id="order-1",
        action=StepKind.CREATE_ASSESSMENT,
        state=StepState.DONE,
        step=CreateAssessmentStep(request=request),
        outcome=AssessmentLinked(link=link, recovered=True, own_try=own_try),
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize(
    ("own_try", "said"),
    [
        (True, "(found in Berke after an answer was lost)"),
        (False, "(found in Berke under the order's own id, made before this step)"),
        (None, "(found in Berke under the order's own id)"),  # found before version 18
    ],
)
def test_a_snapshot_says_what_the_desk_says_of_a_create_found_in_berke(
    own_try: bool | None, said: str
) -> None:
    """A snapshot keeps steps in the journal's first form, which dropped ``own_try``: a create
    whose own lost answer made the assessment read, there, as another desk's. And one found
    before the desk told the two apart is said as neither."""
    entry = _found_create(own_try)
    live = activity_line(entry, None)
    assert live.endswith(said)
    assert activity_line(SnapshotStep.of(entry), None) == live


def test_a_cancelled_step_is_kept_in_a_snapshot_as_every_desk_reads_it() -> None:
    """A step the coordinator cancelled while it waited is kept as "failed" with a mark: a
    desk before the cancel knew no state "cancelled", and said the whole order "damaged" at
    it. This desk reads it back as cancelled, and says it as the journal does."""
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    entry = JournalEntry(
        id=7,
        order_id="o-1",
        action=StepKind.REJECT,
        state=StepState.CANCELLED,
        step=RejectStep(request=RejectRequest(message="Duplicate order")),
        message="Cancelled by the coordinator: it will not be sent.",
        created_at=now,
        updated_at=now,
        may_have_gone=False,
    )
    written = json.loads(SnapshotStep.of(entry).model_dump_json(by_alias=True))
    assert (written["state"], written["cancelled"]) == ("failed", True)
    read = SnapshotStep.model_validate(written)
    assert read.state is StepState.CANCELLED
    assert activity_line(read, None) == activity_line(entry, None)
    assert "cancelled" not in json.loads(  # a step not cancelled is written as before
        SnapshotStep.of(entry.model_copy(update={"state": StepState.FAILED})).model_dump_json()
    )


@pytest.mark.parametrize("state", [StepState.FAILED, StepState.CANCELLED])
def test_a_snapshot_says_an_invitation_may_have_gone_as_the_desk_says_it(
    state: StepState,
) -> None:
    """An invitation not sent again after a try whose answer was lost may be in the
    candidate's mailbox: the desk says "may have been sent". A snapshot read offline says the
    same, not "failed" (which a reader would take as a reason to invite them again)."""
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    entry = JournalEntry(
        id=3,
        order_id="o-1",
        action=StepKind.INVITE,
        state=state,
        step=InviteStep(request=INVITE),
        message="The answer was lost.",
        created_at=now,
        updated_at=now,
        may_have_gone=True,
    )
    written = json.loads(SnapshotStep.of(entry).model_dump_json(by_alias=True))
    assert written["may_have_gone"] is True
    read = SnapshotStep.model_validate(written)
    live = activity_line(entry, None)
    assert "may have" in live
    assert activity_line(read, None) == live


def test_a_snapshot_writes_no_doubt_for_a_step_done_or_never_in_doubt() -> None:
    """A step done was carried out, whatever a try before it did; a step whose every answer
    came is in no doubt: neither is written with the mark (a file as an older desk wrote)."""
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    entry = JournalEntry(
        id=3,
        order_id="o-1",
        action=StepKind.INVITE,
        state=StepState.DONE,
        step=InviteStep(request=INVITE),
        created_at=now,
        updated_at=now,
        may_have_gone=True,
    )
    assert "may_have_gone" not in json.loads(SnapshotStep.of(entry).model_dump_json())
    failed = entry.model_copy(update={"state": StepState.FAILED, "may_have_gone": False})
    assert "may_have_gone" not in json.loads(SnapshotStep.of(failed).model_dump_json())
    assert "may have" not in activity_line(SnapshotStep.of(failed), None)
