"""Journaled steps: every state-changing call is run from its journal entry alone.

A step is written as pending, then executed; its outcome is recorded in the same transaction
that marks it done. Because the entry holds everything the call needs, a step interrupted by a
crash, a network fault or a 5xx can be executed again later. Executed again (``retry=True``),
a step first checks whether the service already applied it, so nothing is done twice:

- create assessment: Berke knows the sourceCandidateId (always sent, so always checkable), and
  an assessment found under it is linked only when it is provably this step's own;
- accept / reject / complete: SmartRecruiters' order already has the target status;
- result: the order already has a result with the same type, value and title;
- invitation: Berke counts the invitations it sent;
- upload: the result already has an attachment with the file's name.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.clients.errors import (
    ApiError,
    Service,
    StateConflictError,
    ThrottledError,
    ValidationApiError,
)
from app.clients.multipart import ProgressCallback
from app.domain.assessment_prefill import is_stable_candidate_id
from app.domain.attachments import UploadState
from app.domain.berke import AssessmentStatus, CreateAssessmentRequest, P, SendInvitationRequest
from app.domain.journal import Action, JournalEntry, LinkedAssessment, StepState
from app.domain.smartrecruiters import (
    AssessmentOrder,
    AssessmentResult,
    ContactPerson,
    OrderStatus,
)
from app.workflows.desk import Desk

log = logging.getLogger(__name__)

BERKE_URL_PREFIX = "berke_url_prefix"  # meta key: assessment URLs are this prefix + the code
SENT_BEFORE = "invitationsSentBefore"  # kept with an INVITE step, not sent to Berke
# Kept with a CREATE step whose typed id was looked up in Berke and free just before the step:
# then whatever holds the id later is this step's own. Not sent to Berke.
CHECKED_FREE = "idCheckedFree"


class StepDeferredError(Exception):
    """The step cannot run yet (e.g. something it needs is not known); it stays pending."""


@dataclass
class StepResult:
    outcome: dict[str, Any]
    link: LinkedAssessment | None = None
    invited_email: str | None = None
    result_id: str | None = None
    upload: tuple[int, str] | None = None
    order: AssessmentOrder | None = None


@dataclass
class StepContext:
    """What an executor gets besides the entry: progress for uploads, a cancel flag."""

    progress: ProgressCallback | None = None


Executor = Callable[[Desk, JournalEntry, bool, StepContext], Awaitable[StepResult]]


def unexpected_failure(exc: BaseException) -> str:
    """A sentence for a failure that is not a service's answer (the log has the traceback)."""
    return (
        f"Something unexpected went wrong ({type(exc).__name__}); it is tried again later. "
        "The log has the details."
    )


# -- the step runner ---------------------------------------------------------------------------


async def run_step(
    desk: Desk,
    order_id: str,
    action: Action,
    request: dict[str, Any],
    context: StepContext | None = None,
) -> StepResult:
    """Journal the intent, then execute it."""
    step_id = await asyncio.to_thread(desk.journal.begin, order_id, action, request)
    entry = await asyncio.to_thread(desk.journal.get, step_id)
    assert entry is not None
    return await execute(desk, entry, retry=False, context=context)


async def execute(
    desk: Desk, entry: JournalEntry, *, retry: bool, context: StepContext | None = None
) -> StepResult:
    """Execute a pending entry and record its outcome; failures are recorded as they deserve:
    a transient one leaves the step pending (to retry), a permanent one marks it failed."""
    executor = EXECUTORS[entry.action]
    key = f"step:{entry.id}"
    if not desk.claim(key):
        raise StepDeferredError("This step is already being sent.")
    try:
        # The caller's copy may be stale (the resumer reads its list before working through
        # it): a step finished meanwhile is not sent again.
        current = await asyncio.to_thread(desk.journal.get, entry.id)
        if current is None or current.state is not StepState.PENDING:
            outcome = current.outcome if current is not None else None
            return StepResult(dict(outcome or {}, alreadyDone=True))
        result = await executor(desk, entry, retry, context or StepContext())
    except ApiError as exc:
        # A 429 is a wait, never a failure: even a daily limit leaves the step pending, to go
        # when the limit lifts (the client sends nothing before then).
        if exc.is_transient or isinstance(exc, ThrottledError):
            await asyncio.to_thread(desk.journal.note, entry.id, str(exc))
        else:
            await asyncio.to_thread(desk.journal.fail, entry.id, str(exc))
        raise
    except StepDeferredError as exc:
        await asyncio.to_thread(desk.journal.note, entry.id, str(exc))
        raise
    except Exception as exc:
        # Not a service's answer (those are ApiErrors): a fault of ours or of the machine.
        # The step stays pending, to be tried again, and the order says why.
        log.exception("Step %s (%s) failed unexpectedly", entry.id, entry.action)
        await asyncio.to_thread(desk.journal.note, entry.id, unexpected_failure(exc))
        raise
    else:
        await asyncio.to_thread(
            desk.journal.finish,
            entry.id,
            result.outcome,
            link=result.link,
            invited_email=result.invited_email,
            result_id=result.result_id,
            upload=result.upload,
            order=result.order,
        )
        return result
    finally:
        desk.release(key)


# -- executors ---------------------------------------------------------------------------------


async def _create_assessment(
    desk: Desk, entry: JournalEntry, retry: bool, _context: StepContext
) -> StepResult:
    params = dict(entry.request)
    checked_free = bool(params.pop(CHECKED_FREE, False))
    request = CreateAssessmentRequest.model_validate(params)
    berke = desk.session.berke
    candidate_id = request.source_candidate_id
    assert candidate_id, "create steps always carry a sourceCandidateId"
    own_id = is_stable_candidate_id(entry.order_id, candidate_id)
    if retry:
        # The answer of an earlier try may have been lost after Berke created it. What is found
        # under the id is this step's own only if nobody else could have held the id before
        # the step: the order's own id, or a typed id that was looked up and free.
        existing = await berke.get_assessment_status(candidate_id)
        if existing is not None:
            if (own_id or checked_free) and existing.is_for(request):
                return await _link_from_status(desk, entry, existing)
            raise id_taken_error(candidate_id, existing, request)
    try:
        response = await berke.create_assessment(request)
    except ValidationApiError as exc:
        if exc.parameter != P.SOURCE_CANDIDATE_ID:
            raise
        existing = await berke.get_assessment_status(candidate_id)
        if existing is None:
            raise  # refused for its form, not because it is taken
        if own_id and existing.is_for(request):
            # The order's own id, made for this order's candidate: created for this order
            # (at another desk, or by a try this desk lost).
            return await _link_from_status(desk, entry, existing)
        raise id_taken_error(candidate_id, existing, request, exc.service_message) from None
    prefix = response.assessment_url[: -len(response.invitation_code)]
    await asyncio.to_thread(desk.results.set_meta, BERKE_URL_PREFIX, prefix)
    link = LinkedAssessment(
        order_id=entry.order_id,
        source_candidate_id=response.source_candidate_id,
        invitation_code=response.invitation_code,
        assessment_url=response.assessment_url,
        created_at=datetime.now(UTC),
    )
    return StepResult(response.model_dump(by_alias=True), link=link)


def id_taken_error(
    candidate_id: str,
    holder: AssessmentStatus,
    request: CreateAssessmentRequest,
    service_message: str = "",
) -> ValidationApiError:
    """Berke already has an assessment under ``candidate_id`` that is not this step's: a
    refusal in words, shown at the id field, never a link to somebody else's assessment."""
    if holder.is_for(request):
        summary = (
            f"This candidate already has a Berke assessment (id {candidate_id}) — reuse it, "
            "or clear the id to create a new one."
        )
    else:
        summary = (
            f"The id {candidate_id} is already used in Berke for {holder.holder} — clear the "
            "id to create a new one, or type another."
        )
    return ValidationApiError(
        Service.BERKE,
        parameter=P.SOURCE_CANDIDATE_ID,
        summary=summary,
        service_message=service_message,
    )


async def _link_from_status(
    desk: Desk, entry: JournalEntry, status: AssessmentStatus
) -> StepResult:
    candidate_id = status.source_candidate_id
    code = status.invitation_code or ""
    url = status.assessment_url
    if not url:
        # Without the URL in the status, every URL is the account's prefix + the code.
        prefix = await asyncio.to_thread(desk.results.meta, BERKE_URL_PREFIX)
        if not prefix:
            raise StepDeferredError(
                "The assessment exists in Berke, but its URL is not known yet; "
                "it is recovered after the next assessment is created."
            )
        url = prefix + code
    link = LinkedAssessment(
        order_id=entry.order_id,
        source_candidate_id=candidate_id,
        invitation_code=code,
        assessment_url=url,
        created_at=datetime.now(UTC),
    )
    outcome = {P.SOURCE_CANDIDATE_ID: candidate_id, P.INVITATION_CODE: code,
               "assessmentUrl": url, "recovered": True}  # fmt: skip
    return StepResult(outcome, link=link)


async def _state_change(
    desk: Desk,
    entry: JournalEntry,
    applied: OrderStatus,
    call: Callable[[], Awaitable[AssessmentOrder]],
) -> StepResult:
    """Call; a refusal because the change is already applied (an earlier answer was lost)
    counts as done."""
    try:
        order = await call()
    except StateConflictError:
        current = await desk.session.sr.get_order(entry.order_id)
        if current.status is applied:
            return StepResult(
                {"status": current.status.value, "alreadyApplied": True}, order=current
            )
        await asyncio.to_thread(desk.orders.put, current)
        raise
    return StepResult({"status": order.status.value}, order=order)


def _author(desk: Desk) -> ContactPerson | None:
    return desk.author


async def _accept(desk: Desk, entry: JournalEntry, retry: bool, _c: StepContext) -> StepResult:
    body = entry.request
    url = body["assessmentURL"]
    try:
        order = await desk.session.sr.accept_order(
            entry.order_id,
            url,
            message=body.get("message"),
            message_to_candidate=body.get("messageToCandidate"),
            author=_author(desk),
        )
    except StateConflictError:
        current = await desk.session.sr.get_order(entry.order_id)
        await asyncio.to_thread(desk.orders.put, current)
        if current.status is OrderStatus.IN_PROGRESS and current.assessment_url == url:
            # An earlier try's answer was lost: SmartRecruiters has this step's URL.
            return StepResult(
                {"status": current.status.value, "alreadyApplied": True}, order=current
            )
        if current.status is OrderStatus.IN_PROGRESS:
            raise accepted_elsewhere_error(current, url) from None
        raise
    return StepResult({"status": order.status.value}, order=order)


def accepted_elsewhere_error(order: AssessmentOrder, url: str) -> StateConflictError:
    """The order is in progress, but not (provably) with this step's URL: another desk or
    coordinator accepted it. A failure that says with what, never "already done"."""
    if order.assessment_url:
        said = f"with the assessment URL {order.assessment_url}"
    else:
        said = "and SmartRecruiters does not say with which assessment URL"
    return StateConflictError(
        Service.SMARTRECRUITERS,
        summary=(
            f"This order was already accepted elsewhere (another desk or coordinator) {said}. "
            f"This desk's assessment ({url}) was not sent; check with whoever accepted it "
            "before inviting the candidate."
        ),
    )


async def _reject(desk: Desk, entry: JournalEntry, retry: bool, _c: StepContext) -> StepResult:
    return await _state_change(
        desk,
        entry,
        OrderStatus.REJECTED,
        lambda: desk.session.sr.reject_order(
            entry.order_id, message=entry.request.get("message"), author=_author(desk)
        ),
    )


async def _invite(desk: Desk, entry: JournalEntry, retry: bool, _c: StepContext) -> StepResult:
    params = dict(entry.request)
    sent_before = params.pop(SENT_BEFORE, None)
    request = SendInvitationRequest.model_validate(params)
    if retry and sent_before is not None:
        # Only a count that went up since the step was written proves this invitation left.
        status = await desk.session.berke.get_assessment_status(request.source_candidate_id)
        if status is not None and (status.invitations_sent or 0) > int(sent_before):
            return StepResult(
                {"emailAddress": request.email_address, "alreadySent": True},
                invited_email=request.email_address,
            )
    await desk.session.berke.send_invitation(request)
    return StepResult({"emailAddress": request.email_address}, invited_email=request.email_address)


def _same_result(a: AssessmentResult, b: AssessmentResult) -> bool:
    return (a.result_type, a.result, a.title) == (b.result_type, b.result, b.title)


async def _find_result(desk: Desk, order_id: str, sent: AssessmentResult) -> str | None:
    """The id of a result the order already has that matches what we sent (newest first)."""
    results = await desk.session.sr.list_results(order_id)
    matching = [r for r in results if r.id and _same_result(r, sent)]
    matching.sort(key=lambda r: r.create_date or datetime.min.replace(tzinfo=UTC), reverse=True)
    return matching[0].id if matching else None


async def _complete(desk: Desk, entry: JournalEntry, retry: bool, _c: StepContext) -> StepResult:
    sr = desk.session.sr
    body = dict(entry.request)
    if body.pop("flow", "faq") == "documented":
        return await _state_change(
            desk,
            entry,
            OrderStatus.COMPLETED,
            lambda: sr.complete_with_comment(
                entry.order_id, message=body.get("message"), author=_author(desk)
            ),
        )
    result = AssessmentResult.model_validate(body)
    if retry:
        current = await sr.get_order(entry.order_id)
        if current.status is OrderStatus.COMPLETED:
            # The FAQ says the resultId is only in the lost answer; GET .../results has it too.
            found = await _find_result(desk, entry.order_id, result)
            if found:
                return StepResult(
                    {"resultId": found, "status": "COMPLETED", "recovered": True},
                    result_id=found,
                    order=current,
                )
    completed = await sr.complete_with_result(entry.order_id, result)
    return StepResult(
        {"resultId": completed.result_id, "status": completed.order.status.value},
        result_id=completed.result_id,
        order=completed.order,
    )


async def _create_result(
    desk: Desk, entry: JournalEntry, retry: bool, _c: StepContext
) -> StepResult:
    result = AssessmentResult.model_validate(entry.request)
    if retry:
        found = await _find_result(desk, entry.order_id, result)
        if found:
            return StepResult({"resultId": found, "recovered": True}, result_id=found)
    created = await desk.session.sr.create_result(entry.order_id, result)
    assert created.id is not None
    return StepResult({"resultId": created.id}, result_id=created.id)


async def _upload(desk: Desk, entry: JournalEntry, retry: bool, context: StepContext) -> StepResult:
    upload_id = int(entry.request["uploadId"])
    key = f"upload:{upload_id}"
    if not desk.claim(key):
        raise StepDeferredError("This file is already being uploaded.")
    try:
        return await _upload_claimed(desk, entry, upload_id, retry, context)
    finally:
        desk.release(key)


async def _upload_claimed(
    desk: Desk, entry: JournalEntry, upload_id: int, retry: bool, context: StepContext
) -> StepResult:
    upload = await asyncio.to_thread(desk.results.get, upload_id)
    if upload is None:
        raise StepDeferredError("The queued file is no longer known.")
    if upload.state is UploadState.CANCELLED:
        await asyncio.to_thread(desk.journal.fail, entry.id, "Cancelled by the coordinator.")
        raise StepDeferredError(f"{upload.file_name} was cancelled.")
    result_id = upload.result_id or await asyncio.to_thread(
        desk.results.result_id_for, entry.order_id
    )
    if not result_id:
        raise StepDeferredError("The order has no result yet: complete it first.")
    sr = desk.session.sr
    if retry:
        existing = await sr.list_attachments(entry.order_id, result_id)
        same = [a for a in existing if a.file_name == upload.file_name]
        if same:
            return StepResult(
                {"attachmentId": same[0].id, "fileName": upload.file_name, "alreadyThere": True},
                upload=(upload_id, same[0].id),
            )
    await asyncio.to_thread(desk.results.set_state, upload_id, UploadState.UPLOADING)
    try:
        attachment = await sr.upload_attachment(
            entry.order_id, result_id, upload.path, file_name=upload.file_name,
            progress=context.progress,
        )  # fmt: skip
    except ApiError as exc:
        state = UploadState.QUEUED if exc.is_transient else UploadState.FAILED
        await asyncio.to_thread(desk.results.set_state, upload_id, state, message=str(exc))
        raise
    except OSError as exc:
        await asyncio.to_thread(
            desk.results.set_state, upload_id, UploadState.FAILED, message=f"Cannot read: {exc}"
        )
        # Failed, not pending: Retry re-opens this step rather than starting a second one.
        await asyncio.to_thread(desk.journal.fail, entry.id, f"Cannot read the file: {exc}")
        raise StepDeferredError(f"{upload.file_name} cannot be read: {exc}") from exc
    except asyncio.CancelledError:
        # Synchronous on purpose: a cancelled task should not await again. The coordinator's
        # cancel marks the upload first; any other cancel (closing the app) leaves it queued.
        current = desk.results.get(upload_id)
        if current is not None and current.state is UploadState.CANCELLED:
            desk.journal.fail(entry.id, "Cancelled by the coordinator.")
        else:
            desk.results.set_state(upload_id, UploadState.QUEUED)
        raise
    return StepResult(
        {"attachmentId": attachment.id, "fileName": attachment.file_name},
        upload=(upload_id, attachment.id),
    )


async def _comment(desk: Desk, entry: JournalEntry, retry: bool, _c: StepContext) -> StepResult:
    if retry:
        existing = await desk.session.sr.list_comments(entry.order_id)
        if any(c.message == entry.request["message"] for c in existing):
            return StepResult({"message": entry.request["message"], "alreadyThere": True})
    comment = await desk.session.sr.add_comment(
        entry.order_id, entry.request["message"], author=_author(desk)
    )
    return StepResult({"message": comment.message})


EXECUTORS: dict[Action, Executor] = {
    Action.CREATE_ASSESSMENT: _create_assessment,
    Action.ACCEPT: _accept,
    Action.REJECT: _reject,
    Action.INVITE: _invite,
    Action.COMPLETE: _complete,
    Action.CREATE_RESULT: _create_result,
    Action.UPLOAD: _upload,
    Action.COMMENT: _comment,
}
