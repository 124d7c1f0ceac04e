"""The journal's first form: a step's request and outcome as untyped dicts.

Rows written before typed steps (database schema 1 and 2) hold it, and snapshot format 1 keeps
it in each order's timeline, so a snapshot reads the same whichever journal made it. In this
form the desk's own keys sat beside the service's spellings in the request: ``flow``,
``invitationsSentBefore``, ``idCheckedFree``, ``uploadId``, ``fileName`` and (a reuse's)
``fromOrderId``.

``step_to_v1(step_from_v1(a, d)) == d`` for every dict that form ever held, and likewise for
outcomes: the tests hold both directions to that.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_text import AS_RECORDED, BerkeParam
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
    JournalOutcome,
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
)
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepKind
from app.domain.smartrecruiters import AcceptRequest, AssessmentResult, RejectRequest

FLOW = "flow"
SENT_BEFORE = "invitationsSentBefore"
CHECKED_FREE = "idCheckedFree"
UPLOAD_ID = "uploadId"
FILE_NAME = "fileName"
MESSAGE = "message"
STATUS = "status"
RESULT_ID = "resultId"
ASSESSMENT_URL = "assessmentUrl"
ATTACHMENT_ID = "attachmentId"
RECOVERED = "recovered"
OWN_TRY = "ownTry"  # added later: whether a link found in Berke was this step's own try's
ALREADY_APPLIED = "alreadyApplied"
ALREADY_SENT = "alreadySent"
ALREADY_THERE = "alreadyThere"
ALREADY_GONE = "alreadyGone"
FROM_ORDER_ID = "fromOrderId"


def step_from_v1(
    action: StepKind, request: Mapping[str, Any], *, order_id: str, begun_at: datetime
) -> StepPayload:
    """The typed step of a first-form request; ``order_id`` and ``begun_at`` (the step's row
    keeps them, the request does not) place the link a reuse makes. Raises ValueError
    (pydantic's ValidationError is one), KeyError or TypeError when ``request`` is not a step
    of that action."""
    params = dict(request)
    match action:
        case StepKind.CREATE_ASSESSMENT:
            # "Checked free" once let a resumed create link a typed id; no longer: dropped.
            params.pop(CHECKED_FREE, None)
            return CreateAssessmentStep(
                request=CreateAssessmentRequest.model_validate(params, context=AS_RECORDED)
            )
        case StepKind.ACCEPT:
            return AcceptStep(request=AcceptRequest.model_validate(params))
        case StepKind.REJECT:
            return RejectStep(request=RejectRequest.model_validate(params))
        case StepKind.INVITE:
            before = params.pop(SENT_BEFORE, None)
            return InviteStep(
                request=SendInvitationRequest.model_validate(params, context=AS_RECORDED),
                invitations_sent_before=before,
            )
        case StepKind.COMPLETE:
            flow = ResultFlow(params.pop(FLOW, ResultFlow.FAQ))
            if flow is ResultFlow.DOCUMENTED:
                return CompleteStep(flow=flow, message=params.get(MESSAGE))
            return CompleteStep(flow=flow, result=AssessmentResult.model_validate(params))
        case StepKind.CREATE_RESULT:
            return CreateResultStep(result=AssessmentResult.model_validate(params))
        case StepKind.UPLOAD:
            return UploadStep(upload_id=params[UPLOAD_ID], file_name=params.get(FILE_NAME))
        case StepKind.COMMENT:
            return CommentStep(message=params[MESSAGE])
        # Kinds born after the journal's first form, which snapshot format 1 keeps all the
        # same (``step_to_v1``): a snapshot's timeline holds them.
        case StepKind.DELETE_ASSESSMENT:
            return DeleteAssessmentStep(source_candidate_id=params[BerkeParam.SOURCE_CANDIDATE_ID])
        case StepKind.REUSE_ASSESSMENT:
            link = LinkedAssessment(
                order_id=order_id,
                source_candidate_id=params[BerkeParam.SOURCE_CANDIDATE_ID],
                invitation_code=params[BerkeParam.INVITATION_CODE],
                assessment_url=params[ASSESSMENT_URL],
                created_at=begun_at,
            )
            return ReuseAssessmentStep(link=link, from_order_id=params.get(FROM_ORDER_ID))


def step_to_v1(step: JournalStep) -> dict[str, Any]:
    """The first-form request of ``step``: what older journals and snapshot format 1 hold."""
    match step:
        case CreateAssessmentStep():
            return step.request.to_params()
        case AcceptStep() | RejectStep():
            return step.request.to_body()
        case InviteStep():
            params = step.request.to_params()
            before = step.invitations_sent_before
            return params if before is None else {**params, SENT_BEFORE: before}
        case CompleteStep():
            body = step.result.to_body() if step.result is not None else {}
            if step.message:
                body[MESSAGE] = step.message
            return {FLOW: step.flow.value, **body}
        case CreateResultStep():
            return step.result.to_body()
        case UploadStep():
            upload: dict[str, Any] = {UPLOAD_ID: step.upload_id}
            if step.file_name is not None:
                upload[FILE_NAME] = step.file_name
            return upload
        case CommentStep():
            return {MESSAGE: step.message}
        case DeleteAssessmentStep():
            return {BerkeParam.SOURCE_CANDIDATE_ID: step.source_candidate_id}
        case ReuseAssessmentStep():
            return {
                BerkeParam.SOURCE_CANDIDATE_ID: step.link.source_candidate_id,
                BerkeParam.INVITATION_CODE: step.link.invitation_code,
                ASSESSMENT_URL: step.link.assessment_url,
                **({FROM_ORDER_ID: step.from_order_id} if step.from_order_id else {}),
            }
        case UnreadableStep():
            return dict(step.data) if isinstance(step.data, dict) else {}


def outcome_from_v1(
    step: JournalStep, outcome: Mapping[str, Any], *, order_id: str, finished_at: datetime
) -> StepOutcome:
    """The typed outcome of a first-form one; ``finished_at`` dates a link the outcome names
    (the first form did not keep when it was made). Raises as ``step_from_v1``."""
    o = dict(outcome)
    match step.action:
        case StepKind.CREATE_ASSESSMENT | StepKind.REUSE_ASSESSMENT:
            link = LinkedAssessment(
                order_id=order_id,
                source_candidate_id=o[BerkeParam.SOURCE_CANDIDATE_ID],
                invitation_code=o[BerkeParam.INVITATION_CODE],
                assessment_url=o[ASSESSMENT_URL],
                # A reuse links when it is decided (its step's link), a create once it is made.
                created_at=(
                    step.link.created_at if isinstance(step, ReuseAssessmentStep) else finished_at
                ),
            )
            own_try = o.get(OWN_TRY)
            return AssessmentLinked(
                link=link,
                recovered=bool(o.get(RECOVERED)),
                own_try=own_try if isinstance(own_try, bool) else None,
            )
        case StepKind.ACCEPT | StepKind.REJECT:
            return OrderUpdated(status=o[STATUS], already_applied=bool(o.get(ALREADY_APPLIED)))
        case StepKind.COMPLETE | StepKind.CREATE_RESULT if RESULT_ID in o:
            return ResultRecorded(
                result_id=o[RESULT_ID], status=o.get(STATUS), recovered=bool(o.get(RECOVERED))
            )
        case StepKind.COMPLETE:  # the documented flow: completed with a comment
            return OrderUpdated(status=o[STATUS], already_applied=bool(o.get(ALREADY_APPLIED)))
        case StepKind.INVITE:
            return InvitationSent(
                email=o[BerkeParam.EMAIL_ADDRESS], already_sent=bool(o.get(ALREADY_SENT))
            )
        case StepKind.UPLOAD if isinstance(step, UploadStep):
            return AttachmentUploaded(
                upload_id=step.upload_id,
                attachment_id=o[ATTACHMENT_ID],
                file_name=o[FILE_NAME],
                already_there=bool(o.get(ALREADY_THERE)),
            )
        case StepKind.COMMENT:
            return CommentAdded(message=o[MESSAGE], already_there=bool(o.get(ALREADY_THERE)))
        case StepKind.DELETE_ASSESSMENT:
            return AssessmentDeleted(
                source_candidate_id=o[BerkeParam.SOURCE_CANDIDATE_ID],
                already_gone=bool(o.get(ALREADY_GONE)),
            )
    raise ValueError(f"no first-form outcome of a {step.kind} step has these keys: {sorted(o)}")


def _flag(name: str, value: bool) -> dict[str, Any]:
    # The first form wrote its "already" markers only when they were true.
    return {name: True} if value else {}


def outcome_to_v1(outcome: JournalOutcome) -> dict[str, Any]:
    """The first-form outcome: what older journals and snapshot format 1 hold."""
    match outcome:
        case AssessmentLinked():
            link = outcome.link
            return {
                BerkeParam.SOURCE_CANDIDATE_ID: link.source_candidate_id,
                BerkeParam.INVITATION_CODE: link.invitation_code,
                ASSESSMENT_URL: link.assessment_url,
                **_flag(RECOVERED, outcome.recovered),
                **({OWN_TRY: outcome.own_try} if outcome.own_try is not None else {}),
            }
        case OrderUpdated():
            return {
                STATUS: outcome.status.value,
                **_flag(ALREADY_APPLIED, outcome.already_applied),
            }
        case ResultRecorded():
            status = {STATUS: outcome.status.value} if outcome.status is not None else {}
            return {RESULT_ID: outcome.result_id, **status, **_flag(RECOVERED, outcome.recovered)}
        case InvitationSent():
            return {
                BerkeParam.EMAIL_ADDRESS: outcome.email,
                **_flag(ALREADY_SENT, outcome.already_sent),
            }
        case AttachmentUploaded():
            return {
                ATTACHMENT_ID: outcome.attachment_id,
                FILE_NAME: outcome.file_name,
                **_flag(ALREADY_THERE, outcome.already_there),
            }
        case CommentAdded():
            return {MESSAGE: outcome.message, **_flag(ALREADY_THERE, outcome.already_there)}
        case AssessmentDeleted():
            return {
                BerkeParam.SOURCE_CANDIDATE_ID: outcome.source_candidate_id,
                **_flag(ALREADY_GONE, outcome.already_gone),
            }
        case UnreadableOutcome():
            return dict(outcome.data) if isinstance(outcome.data, dict) else {}
