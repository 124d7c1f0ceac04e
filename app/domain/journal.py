"""What the console did and is doing to remote state: journal entries, their steps and outcomes.

A journal entry holds a typed *step* (what is about to be sent: the service's request model,
plus what this desk needs to prove on a retry that the call already went through) and, once
done, a typed *outcome* that knows what to store of itself (a link, a resultId, an order…).
The steps and outcomes are discriminated by ``kind``; a step's kind is its ``StepKind``'s value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.domain.assessment_url import accept_refusal
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepKind, StepState
from app.domain.smartrecruiters import (
    AcceptRequest,
    AssessmentOrder,
    AssessmentResult,
    ContactPerson,
    OrderStatus,
    RejectRequest,
)

# -- steps: what is about to be sent -----------------------------------------------------------


class _Step(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")


class SentAs(BaseModel):
    """Who a SmartRecruiters step goes as (its ``author``), as the profile had it when the
    coordinator asked for the step; ``person`` None: it had none."""

    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")
    person: ContactPerson | None = None


class AuthoredStep(_Step):
    """A step SmartRecruiters shows with an author. Sent after a restart with the author in
    force then, a step asked under one result author went out under the next one's name."""

    #: Recorded when it is journaled (``authored``); None: a step an older desk journaled,
    #: sent as the desk's author now, as it always was.
    author: SentAs | None = None

    def author_or(self, current: ContactPerson | None) -> ContactPerson | None:
        """The author to send it as: the one recorded with it, else ``current``."""
        return self.author.person if self.author is not None else current


class CreateAssessmentStep(_Step):
    kind: Literal["create_assessment"] = "create_assessment"
    action: ClassVar[StepKind] = StepKind.CREATE_ASSESSMENT
    request: CreateAssessmentRequest


class AcceptStep(AuthoredStep):
    """The request's ``author`` stays empty: the step's own (``author_or``) is added when it
    is sent."""

    kind: Literal["accept"] = "accept"
    action: ClassVar[StepKind] = StepKind.ACCEPT
    request: AcceptRequest


class RejectStep(AuthoredStep):
    """As for accept, the step's author is added when it is sent."""

    kind: Literal["reject"] = "reject"
    action: ClassVar[StepKind] = StepKind.REJECT
    request: RejectRequest


class InviteStep(_Step):
    kind: Literal["invite"] = "invite"
    action: ClassVar[StepKind] = StepKind.INVITE
    request: SendInvitationRequest
    #: How many invitations Berke had sent before the step: a retry counts this one as sent
    #: only if the count grew. Never sent to Berke.
    invitations_sent_before: int | None = None


class CompleteStep(AuthoredStep):
    """FAQ flow: complete with ``result`` (its author is the result's own). Documented flow:
    the result was created by its own step, and completing carries only a comment
    (``message``), sent as the step's author."""

    kind: Literal["complete"] = "complete"
    action: ClassVar[StepKind] = StepKind.COMPLETE
    flow: ResultFlow = ResultFlow.FAQ
    result: AssessmentResult | None = None
    message: str | None = None

    @model_validator(mode="after")
    def _result_for_faq_only(self) -> CompleteStep:
        if (self.flow is ResultFlow.FAQ) != (self.result is not None):
            raise ValueError("the FAQ flow completes with a result, the documented one without")
        return self


class CreateResultStep(AuthoredStep):
    """Documented flow, first half: the result. The completion that follows carries
    ``message`` as ``author``; kept here so that a create resumed or retried later is
    followed by it."""

    kind: Literal["create_result"] = "create_result"
    action: ClassVar[StepKind] = StepKind.CREATE_RESULT
    result: AssessmentResult
    message: str | None = None


class UploadStep(_Step):
    """The file itself is in the upload queue (``upload_id``); the name is for the timeline
    (steps written by older versions may lack it)."""

    kind: Literal["upload"] = "upload"
    action: ClassVar[StepKind] = StepKind.UPLOAD
    upload_id: int
    file_name: str | None = None


class CommentStep(AuthoredStep):
    kind: Literal["comment"] = "comment"
    action: ClassVar[StepKind] = StepKind.COMMENT
    message: str
    #: How many of the order's comments carried these exact words before the step: a retry
    #: counts this one as posted only if that number grew ("OK" is said more than once).
    #: None: an older desk's step, which takes any comment in the same words for its own.
    same_words_before: int | None = None


class DeleteAssessmentStep(_Step):
    """DeleteAssessment: the order ended elsewhere and the coordinator chose to cancel it."""

    kind: Literal["delete_assessment"] = "delete_assessment"
    action: ClassVar[StepKind] = StepKind.DELETE_ASSESSMENT
    source_candidate_id: str = Field(min_length=1)


class ReuseAssessmentStep(_Step):
    """The coordinator links the candidate's existing Berke assessment (made for another
    order) to this order instead of creating a new one. No call: a record of the decision."""

    kind: Literal["reuse_assessment"] = "reuse_assessment"
    action: ClassVar[StepKind] = StepKind.REUSE_ASSESSMENT
    link: LinkedAssessment
    from_order_id: str | None = None  # the order whose assessment it was


class UnreadableStep(_Step):
    """A stored step this version cannot read (kept as it was, ``data``): shown on the
    timeline, never sent; executing it fails it with ``problem`` in words."""

    kind: Literal["unreadable"] = "unreadable"
    action: StepKind
    data: Any = None
    problem: str


#: What a step that is begun can be.
_Steps = (
    CreateAssessmentStep
    | AcceptStep
    | RejectStep
    | InviteStep
    | CompleteStep
    | CreateResultStep
    | UploadStep
    | CommentStep
    | DeleteAssessmentStep
    | ReuseAssessmentStep
)
StepPayload = Annotated[_Steps, Field(discriminator="kind")]

#: What a journal entry can hold: a step, or one that could not be read.
JournalStep = Annotated[_Steps | UnreadableStep, Field(discriminator="kind")]


def authored(step: StepPayload, author: ContactPerson | None) -> StepPayload:
    """``step`` as journaled: with ``author`` (the desk's now) recorded, where SmartRecruiters
    shows one and none is recorded yet (a completion that follows its result's step carries
    that step's)."""
    if isinstance(step, AuthoredStep) and step.author is None:
        return step.model_copy(update={"author": SentAs(person=author)})
    return step


def breaks_current_rules(step: JournalStep) -> str | None:
    """Why a step read back from the journal (leniently, see ``berke_text.AS_RECORDED``) may not be
    sent under today's rules, in words; None when it may."""
    request = getattr(step, "request", None)
    if isinstance(request, AcceptRequest):
        # A link that opens another site than it names, recorded before Accept refused it.
        return accept_refusal(request.assessment_url, "")
    if not isinstance(request, CreateAssessmentRequest | SendInvitationRequest):
        return None
    try:
        type(request).model_validate(request.model_dump(by_alias=True, exclude_none=True))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return f"{where} {first['msg']}" if where else str(first["msg"])
    return None


# -- outcomes: what came back, and what of it is stored ----------------------------------------


class OutcomeRecorder(Protocol):
    """Where an outcome stores what it produced. The store implements it inside the
    transaction that marks the step done, so nothing is ever half-recorded."""

    def link(self, link: LinkedAssessment) -> None: ...

    def invited(self, email: str) -> None: ...

    def result_id(self, result_id: str) -> None: ...

    def order(self, order: AssessmentOrder) -> None: ...

    def upload_done(self, upload_id: int, attachment_id: str) -> None: ...

    def berke_deleted(self, source_candidate_id: str) -> None: ...


class _Outcome(BaseModel):
    model_config = ConfigDict(defer_build=True, frozen=True, extra="forbid")

    def record(self, recorder: OutcomeRecorder) -> None:
        """Store what the step produced besides the outcome itself (nothing, by default)."""


class AssessmentLinked(_Outcome):
    kind: Literal["assessment_linked"] = "assessment_linked"
    link: LinkedAssessment
    #: Found in Berke under the order's own id, not created by this try.
    recovered: bool = False
    #: Found where an earlier try of this very step may have created it (its answer lost):
    #: this desk's own assessment, never invited. False: this step was refused as taken, so
    #: it was made by another desk or an earlier step, which may have invited to it. None:
    #: not known (found before version 18 said), taken as the latter.
    own_try: bool | None = None

    def record(self, recorder: OutcomeRecorder) -> None:
        recorder.link(self.link)


class OrderUpdated(_Outcome):
    kind: Literal["order_updated"] = "order_updated"
    status: OrderStatus
    #: SmartRecruiters already had the change (an earlier try's answer was lost).
    already_applied: bool = False
    #: The order as the call returned it (or, answered without it, the copy held changed as
    #: the call changed it), for the cache. Not journaled: the order holds the candidate's
    #: personal data, which has its one place in the order cache.
    order: AssessmentOrder | None = Field(default=None, exclude=True)

    def record(self, recorder: OutcomeRecorder) -> None:
        if self.order is not None:
            recorder.order(self.order)


class InvitationSent(_Outcome):
    kind: Literal["invitation_sent"] = "invitation_sent"
    email: str
    #: Berke's count had grown: an earlier try sent it.
    already_sent: bool = False

    def record(self, recorder: OutcomeRecorder) -> None:
        recorder.invited(self.email)


class ResultRecorded(_Outcome):
    """The resultId, which exists only in the answer that created the result."""

    kind: Literal["result_recorded"] = "result_recorded"
    result_id: str
    status: OrderStatus | None = None  # when the step also completed the order
    #: Found among the order's results after an earlier try's answer was lost.
    recovered: bool = False
    order: AssessmentOrder | None = Field(default=None, exclude=True)  # as in OrderUpdated

    def record(self, recorder: OutcomeRecorder) -> None:
        recorder.result_id(self.result_id)
        if self.order is not None:
            recorder.order(self.order)


class AttachmentUploaded(_Outcome):
    kind: Literal["attachment_uploaded"] = "attachment_uploaded"
    upload_id: int
    attachment_id: str
    file_name: str
    #: The result already had a file of that name (an earlier try's answer was lost).
    already_there: bool = False

    def record(self, recorder: OutcomeRecorder) -> None:
        recorder.upload_done(self.upload_id, self.attachment_id)


class CommentAdded(_Outcome):
    kind: Literal["comment_added"] = "comment_added"
    message: str
    already_there: bool = False


class AssessmentDeleted(_Outcome):
    kind: Literal["assessment_deleted"] = "assessment_deleted"
    source_candidate_id: str
    #: Berke no longer knew it (deleted by an earlier try whose answer was lost, or by hand).
    already_gone: bool = False

    def record(self, recorder: OutcomeRecorder) -> None:
        recorder.berke_deleted(self.source_candidate_id)


class UnreadableOutcome(_Outcome):
    """A stored outcome this version cannot read, kept as it was."""

    kind: Literal["unreadable"] = "unreadable"
    data: Any = None


#: What a finished step can record.
_Outcomes = (
    AssessmentLinked
    | OrderUpdated
    | InvitationSent
    | ResultRecorded
    | AttachmentUploaded
    | CommentAdded
    | AssessmentDeleted
)
StepOutcome = Annotated[_Outcomes, Field(discriminator="kind")]

#: What a journal entry can hold as its outcome.
JournalOutcome = Annotated[_Outcomes | UnreadableOutcome, Field(discriminator="kind")]


# -- entries -----------------------------------------------------------------------------------


class JournalEntry(BaseModel):
    """One step of an order. ``action`` is what the timeline shows; it always agrees with the
    step's kind."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    id: int
    order_id: str
    action: StepKind
    state: StepState
    step: JournalStep
    outcome: JournalOutcome | None = None
    message: str | None = None
    #: Whether a try of it may have gone without its answer seen (so the service may have
    #: done it); an older desk's step did not say, so it may have.
    may_have_gone: bool = True
    created_at: datetime
    updated_at: datetime

    @model_validator(mode="after")
    def _action_is_the_steps(self) -> JournalEntry:
        if self.action is not self.step.action:
            raise ValueError(f"a {self.step.kind} step recorded as {self.action.value}")
        return self
