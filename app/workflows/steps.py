"""Journaled steps: every state-changing call is run from its journal entry alone.

A step is written as pending, then executed; its outcome is recorded in the same transaction
that marks it done. Because the entry holds everything the call needs, a step interrupted by a
crash, a network fault or a 5xx can be executed again later. Executed again (``retry=True``),
a step first checks whether the service already applied it, so nothing is done twice:

- create assessment: Berke knows the sourceCandidateId (always sent, so always checkable), and
  an assessment found under it is linked only when it is provably this step's own;
- accept / reject / complete: SmartRecruiters' order already has the target status;
- result: the order already has a result with the same type, value and title;
- invitation: Berke's count of the invitations it sent, where it gives one (the reference's
  status has none); without it, one that may have gone is not sent again;
- upload: the result already has an attachment with the file's name;
- delete: Berke no longer has the assessment (and one it shows complete is never deleted).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import NamedTuple, NoReturn, assert_never

from app.clients.errors import (
    ApiError,
    NetworkError,
    NotFoundError,
    Service,
    StateConflictError,
    ThrottledError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.multipart import FileChangedError, FileChangedSizeError, ProgressCallback
from app.clients.sending import watching_sends
from app.domain.assessment_prefill import is_stable_candidate_id
from app.domain.assessment_url import url_prefix
from app.domain.attachments import CANCELLABLE, RETRIABLE, UploadState
from app.domain.berke import AssessmentStatus, CreateAssessmentRequest, assessment_url_problem
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_text import BerkeParam
from app.domain.invitation_doubt import invitation_doubt, latest_invite
from app.domain.journal import (
    AcceptStep,
    AssessmentDeleted,
    AssessmentLinked,
    AttachmentUploaded,
    AuthoredStep,
    CommentAdded,
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    DeleteAssessmentStep,
    InvitationSent,
    InviteStep,
    JournalEntry,
    JournalOutcome,
    OrderUpdated,
    RejectStep,
    ResultRecorded,
    ReuseAssessmentStep,
    StepOutcome,
    StepPayload,
    UnreadableStep,
    UploadStep,
    authored,
    breaks_current_rules,
)
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepKind, StepState
from app.domain.order_rules import (
    OPEN_STATUSES,
    deleted_in_berke_reason,
    gone_reason,
    still_in_use,
)
from app.domain.smartrecruiters import (
    AssessmentOrder,
    AssessmentResult,
    Attachment,
    ContactPerson,
    OrderStatus,
)
from app.domain.step_cancel import service_of
from app.domain.step_kinds import ENDED_UNSENT
from app.domain.uploads import MachineTime, Upload
from app.workflows.desk import Desk, KeptAnswer, invitation_key, step_key, upload_step_key
from app.workflows.file_identity import (
    FileIdentity,
    arrived_copy,
    changed_since_queued,
    file_fingerprint,
)
from app.workflows.refusals import (
    InvitationNotSentAgainError,
    OrderGoneError,
    OutcomeKeptError,
    StepCancelledError,
    StepDeferredError,
    StepRefusedError,
    not_written_why,
)

log = logging.getLogger(__name__)

BERKE_URL_PREFIX = "berke_url_prefix"  # meta key: assessment URLs are this prefix + the code


@dataclass
class StepContext:
    """What an executor gets besides the entry: where an upload reports its progress; whether
    the caller holds the order's status as SmartRecruiters answered it a moment ago."""

    progress: ProgressCallback | None = None
    #: The order's status is SmartRecruiters' answer to the caller's own accept, a moment ago
    #: (the batch's, in the same run): an invitation sent right after it does not ask again.
    status_just_read: bool = False


def unexpected_failure(exc: BaseException, then: str = "it is tried again later") -> str:
    """A sentence for a failure that is not a service's answer (the log has the traceback);
    ``then``: what happens next, or what to do."""
    return (
        f"Something unexpected went wrong ({type(exc).__name__}); {then}. The log has the details."
    )


# -- the step runner ---------------------------------------------------------------------------


async def run_step(
    desk: Desk,
    order_id: str,
    step: StepPayload,
    context: StepContext | None = None,
) -> JournalOutcome | None:
    """Journal the intent (with the author it goes as), then execute it."""
    step = authored(step, desk.author)
    step_id = await asyncio.to_thread(desk.journal.begin, order_id, step)
    entry = await asyncio.to_thread(desk.journal.get, step_id)
    assert entry is not None
    return await execute(desk, entry, retry=False, context=context)


async def execute(
    desk: Desk, entry: JournalEntry, *, retry: bool, context: StepContext | None = None
) -> JournalOutcome | None:
    """Execute a pending entry and record its outcome; failures are recorded as they deserve:
    a transient one leaves the step pending (to retry), a permanent one marks it failed.

    Returns the outcome recorded. A step finished meanwhile is not sent again: its recorded
    outcome is returned (None when it failed meanwhile, e.g. a cancelled upload).
    """
    key = step_key(entry.id)
    if not desk.claim(key):
        raise StepDeferredError("This step is already being sent.")
    attempt = _Try(desk, entry.id, earlier=True)  # until read: nothing is put back on a doubt
    try:
        # The caller's copy may be stale (the resumer reads its list before working through
        # it): a step finished meanwhile is not sent again.
        current = await asyncio.to_thread(desk.journal.get, entry.id)
        if current is None or current.state is not StepState.PENDING:
            return current.outcome if current is not None else None
        kept = _kept_for(desk, current)
        if kept is not None:
            # An earlier try's answer this computer could not write: written now, never asked
            # for again (a resultId is only in the completion's answer, a link's code only in
            # the create's).
            outcome: StepOutcome = kept
        else:
            attempt = _Try(desk, entry.id, earlier=current.may_have_gone)
            # The journal keeps whether a try may have gone for every step but a file's
            # (whose sending is the upload's own). Accepts, rejects, completions, invitations
            # and creates judge a change found done by it (``_run``'s ``attempt.earlier``; an
            # invitation where Berke does not count what it sent); for a comment or a result
            # it warns a Cancel, which took one whose answer was lost for one never sent.
            watched = not isinstance(current.step, UploadStep)
            with watching_sends(attempt) if watched else contextlib.nullcontext():
                outcome = await _run(desk, entry, retry, context or StepContext(), attempt)
    except ApiError as exc:
        gone = attempt.after(carried_out=_may_have_been_carried_out(exc))
        # A 429 is a wait, never a failure: even a daily limit leaves the step pending, to go
        # when the limit lifts (the client sends nothing before then).
        if exc.is_transient:
            await asyncio.to_thread(desk.journal.note, entry.id, str(exc), may_have_gone=gone)
        else:
            await asyncio.to_thread(desk.journal.fail, entry.id, str(exc), may_have_gone=gone)
        raise
    except StepDeferredError as exc:  # not sent (now, or at all: a refusal)
        gone = attempt.after(carried_out=False)
        await asyncio.to_thread(desk.journal.note, entry.id, str(exc), may_have_gone=gone)
        if gone is not None:  # a refusal failed the step already: the note did not write
            await asyncio.to_thread(desk.journal.set_may_have_gone, entry.id, gone)
        raise
    except Exception as exc:
        # Not a service's answer (those are ApiErrors): a fault of ours or of the machine,
        # maybe after the call went. The step stays pending, to be tried again, and the
        # order says why.
        log.exception("Step %s (%s) failed unexpectedly", entry.id, entry.action)
        gone = attempt.after(carried_out=True)  # put back only if refused
        message = unexpected_failure(exc)
        await asyncio.to_thread(desk.journal.note, entry.id, message, may_have_gone=gone)
        raise
    else:
        await _record(desk, entry, outcome)
        return outcome
    finally:
        desk.release(key)


async def _record(desk: Desk, entry: JournalEntry, outcome: StepOutcome) -> None:
    """Write the step done with the service's answer. Should this computer be unable to
    (another program holding the data file past the busy timeout, a full disk), the answer
    is kept (``Desk.kept_outcomes``) for the step's next run to write, the resumer's next
    pass or a Retry: it was only in hand here, and the step, left pending with nothing
    noted, was sent or looked for again, and a resultId SmartRecruiters lists nowhere else
    was never recorded."""
    try:
        await asyncio.to_thread(_write_answer, desk, entry, outcome)
    except (sqlite3.OperationalError, OSError) as exc:
        why = not_written_why(exc)
        if why is None:
            raise
        desk.kept_outcomes[entry.id] = KeptAnswer.of(entry, outcome)
        log.warning("Step %s (%s) went, its answer kept unwritten: %s", entry.id, entry.action, why)
        raise OutcomeKeptError(entry.action.label, service_of(entry), exc) from exc
    desk.kept_outcomes.pop(entry.id, None)
    await _show_completed(desk, entry.order_id, outcome)


def _kept_for(desk: Desk, entry: JournalEntry) -> StepOutcome | None:
    """The answer kept unwritten for ``entry``, if it is the step it was kept for; one kept
    for another step of that id (in a data file made anew at the path since: its ids start
    again at 1) is dropped, never taken for this one's."""
    kept = desk.kept_outcomes.get(entry.id)
    if kept is None:
        return None
    if kept.answers(entry):
        return kept.outcome
    del desk.kept_outcomes[entry.id]
    log.warning(
        "An answer kept unwritten for step %s (%s of order %s, begun %s) dropped: that step "
        "is not in this data file (step %s is now %s of order %s)",
        entry.id,
        kept.action.value,
        kept.order_id,
        kept.begun_at.isoformat(),
        entry.id,
        entry.action.value,
        entry.order_id,
    )
    return None


def _write_answer(desk: Desk, entry: JournalEntry, outcome: StepOutcome) -> None:
    """Blocking. The step done with the service's answer; a create's with Berke's URL prefix
    (``BERKE_URL_PREFIX``), in hand in that answer alone: written with the link, a kept
    answer's too, so that an assessment recovered from Berke's status (no URL) has its URL."""
    desk.journal.finish(entry.id, outcome)
    if (
        isinstance(entry.step, CreateAssessmentStep)
        and isinstance(outcome, AssessmentLinked)
        and not outcome.recovered
    ):
        link = outcome.link
        try:
            desk.results.set_meta(
                BERKE_URL_PREFIX, url_prefix(link.assessment_url, link.invitation_code)
            )
        except (sqlite3.OperationalError, OSError) as exc:
            if not_written_why(exc) is None:
                raise
            # The link is written, the step done: only a link recovered without its URL is
            # made of the prefix, and the next create writes it.
            log.warning("Berke's URL prefix could not be written: %s", exc)


async def write_kept_answers(desk: Desk) -> None:
    """Before the desk's data file closes (its board stopped): each answer kept unwritten
    (``Desk.kept_outcomes``) is written, if the file can be written now. Those that still
    cannot stay in ``kept_outcomes``, for the next desk on the same data file to take
    (``SessionHost``): dropped with this desk, the step was sent or looked for again, and a
    resultId SmartRecruiters lists nowhere else was never recorded. Never raises: the close
    goes on whatever happens here."""
    for step_id in list(desk.kept_outcomes):
        try:
            entry = await asyncio.to_thread(desk.journal.get, step_id)
            if entry is not None and entry.state is StepState.PENDING:
                outcome = _kept_for(desk, entry)
                if outcome is not None:
                    await asyncio.to_thread(_write_answer, desk, entry, outcome)
        except Exception as exc:
            why = not_written_why(exc)
            if why is None:
                log.exception("Step %s's kept answer could not be written at the close", step_id)
                continue
            # The file still refuses: the others would each wait out the busy timeout too.
            log.warning("Kept answers unwritten at close: %d (%s)", len(desk.kept_outcomes), why)
            return
        desk.kept_outcomes.pop(step_id, None)  # written, or the step no longer waits for it


class _Try:
    """One try of a step, and the journal's "may have gone" for it: set just before its
    request leaves (``sending``, told by the client after any pacing or 429 wait: a stop
    before that sent nothing), put back as soon as an answer shows it was not carried out (a
    429, before the client waits it out; a refusal, before it is looked into). Only ever
    written where ``earlier`` (an earlier try may have been) is False. A ``SendWatcher``;
    it assumes one change request per try (an accept's, a reject's, an invitation's), and any
    other made within the watched call (in a task it starts, too) would count as that request;
    reads do not (a GET, a Berke status look)."""

    def __init__(self, desk: Desk, step_id: int, *, earlier: bool) -> None:
        self._desk = desk
        self._step_id = step_id
        self.earlier = earlier
        self._marked = False  # this try wrote "may have gone", not put back since
        self.refused = False  # the latest request was answered as not carried out

    def _write(self, gone: bool) -> None:
        self._desk.journal.set_may_have_gone(self._step_id, gone)

    async def sending(self) -> None:
        self.refused = False
        if self.earlier or self._marked:
            return
        mark = asyncio.ensure_future(asyncio.to_thread(self._write, True))
        try:
            await asyncio.shield(mark)
        except asyncio.CancelledError:
            # Stopped before the request left (this runs before it): the write goes on in
            # its thread, so it is put back once it has landed.
            with contextlib.suppress(Exception):
                await mark
            await asyncio.to_thread(self._write, False)
            raise
        self._marked = True

    async def none_went(self) -> None:
        """An answer showed no earlier try was carried out (Berke's count did not grow): the
        step may have gone no more, until this try's own request leaves. Left marked, a step
        whose resend was then refused read as an invitation that may have gone, and the
        order was never invited."""
        if self.earlier:
            self.earlier = False
            await asyncio.to_thread(self._write, False)

    def after(self, *, carried_out: bool) -> bool | None:
        """What to write once the try ended: False where this try marked the step and its
        end shows nothing was carried out; None (leave it) otherwise."""
        if self._marked and not (carried_out and not self.refused):
            self._marked = False
            return False
        return None

    async def not_carried_out(self) -> None:
        """The request was denied or refused: not carried out, whatever comes next (the app
        stopping while a 429 is waited out, a 503 on the GET that looks into a 409). Should
        this write fail, ``refused`` has it put back with the try's note."""
        self.refused = True
        if self._marked:
            await asyncio.to_thread(self._write, False)
            self._marked = False


def _may_have_been_carried_out(exc: ApiError) -> bool:
    """Whether the service may have carried out the call that ended with ``exc``: not after
    a 429 (a denied call is not executed), a connection never made, or a refusal (a 4xx)."""
    if isinstance(exc, ThrottledError):
        return False
    if isinstance(exc, NetworkError):
        return exc.request_sent
    return exc.is_transient


async def _run(
    desk: Desk, entry: JournalEntry, retry: bool, context: StepContext, attempt: _Try
) -> StepOutcome:
    """The executor of the entry's kind of step. ``retry``: it was asked before (resumed, or
    the coordinator's Retry), and its service is looked at first. ``attempt.earlier``: a try
    of it may have been carried out without its answer seen; only then does an accept or a
    reject that finds the order already accepted or rejected count that as its own (refused
    on every try, it never went, and the change found is someone else's)."""
    step = entry.step
    order_id = entry.order_id
    problem = breaks_current_rules(step)
    if problem is not None:
        # Recorded before a rule it breaks (a sensitive id, say): kept as history, never sent.
        message = f"This step breaks a rule added since it was recorded ({problem}): not sent."
        await asyncio.to_thread(desk.journal.fail, entry.id, message)
        raise StepRefusedError(message)
    if not isinstance(step, SENT_FOR_GONE_ORDERS):
        await _refuse_if_gone(desk, entry)
    if isinstance(step, NEED_THE_ASSESSMENT):
        await _refuse_if_deleted_in_berke(desk, entry, retry, earlier=attempt.earlier)
    match step:
        case CreateAssessmentStep():
            await _refuse_if_linked(desk, entry)
            # The resumer's (and Retry's) create asks SmartRecruiters first (the order may
            # have been rejected elsewhere since); a first try goes by the cache: Berke emails
            # no one for a create, and the accept that follows is SmartRecruiters' to refuse.
            if (ended := await _ended_order(desk, entry, ask=retry)) is not None:
                return await _create_for_an_ended_order(desk, entry, step, retry, ended)
            return await _create_assessment(desk, order_id, step, attempt, retry=retry)
        case AcceptStep():
            return await _accept(desk, order_id, step, attempt, retry=retry)
        case RejectStep():
            if retry:
                await _refuse_if_overtaken(desk, entry)
            return await _reject(desk, order_id, step, attempt, retry=retry)
        case InviteStep():
            ask = not context.status_just_read
            if (ended := await _ended_order(desk, entry, ask=ask)) is not None:
                return await _invite_for_an_ended_order(
                    desk, entry, step, ended, retry=retry, attempt=attempt
                )
            try:
                return await _invite(desk, entry, step, attempt, retry=retry)
            except ValidationApiError as exc:
                # Deleted by hand in Berke before the watch saw it: said as the watch would
                # have (and the order shows it), not as Berke's "not known" on every try.
                if await _deleted_in_berke_now(desk, step.request.source_candidate_id, exc):
                    await _refuse_if_deleted_in_berke(desk, entry, retry, earlier=attempt.earlier)
                raise
        case CompleteStep():
            return await _complete(desk, order_id, step, attempt, retry=retry)
        case CreateResultStep():
            return await _create_result(desk, order_id, step, retry)
        case UploadStep():
            return await _upload(desk, entry, step, retry, context)
        case CommentStep():
            return await _comment(desk, entry, step, retry)
        case DeleteAssessmentStep():
            return await _delete_assessment(desk, entry, step, retry)
        case ReuseAssessmentStep():
            # Nothing to send: the coordinator's decision, recorded as the link.
            return AssessmentLinked(link=step.link.model_copy(update={"order_id": order_id}))
        case UnreadableStep():
            # Failed, not pending: what it was meant to send is not known for sure.
            message = (
                f"This step cannot be read by this version ({step.problem}), so it is not "
                "sent. Do it again if it is still needed."
            )
            await asyncio.to_thread(desk.journal.fail, entry.id, message)
            raise StepDeferredError(message)
    assert_never(step)


#: Steps that still go for an order SmartRecruiters no longer has: deleting its Berke
#: assessment, and what sends nothing (a reuse recorded, a step this version cannot read).
SENT_FOR_GONE_ORDERS = (DeleteAssessmentStep, ReuseAssessmentStep, UnreadableStep)


async def berke_progress(desk: Desk, linked: LinkedAssessment | None) -> BerkeProgress | None:
    """Where the linked assessment stood when Berke was last asked (None: no link, or not
    asked yet)."""
    if linked is None:
        return None
    return await asyncio.to_thread(desk.berke_watch.progress, linked.source_candidate_id)


#: Steps that send an assessment on (its URL, its invitation, a reuse of it): none goes once
#: Berke no longer has it, the resumer's and Retry's included, which no action rule sees.
NEED_THE_ASSESSMENT = (AcceptStep, InviteStep, ReuseAssessmentStep)


async def _deleted_in_berke_now(
    desk: Desk, source_candidate_id: str, refusal: ValidationApiError
) -> bool:
    """After Berke refused a call about the assessment: whether it refused the assessment's
    id (not another value) because Berke no longer has it, as asked now; if so, recorded for
    the watch so that the order shows it at once. Not known either way (the question failed
    too): False, and the refusal is what is said, not the question's failure."""
    if (refusal.parameter or "").casefold() != BerkeParam.SOURCE_CANDIDATE_ID.casefold():
        return False
    try:
        status = await desk.session.berke.get_assessment_status(source_candidate_id)
    except ApiError as exc:
        log.info("Could not ask Berke whether %s still exists: %s", source_candidate_id, exc)
        return False
    if status is not None:
        return False
    await asyncio.to_thread(desk.berke_watch.record, source_candidate_id, BerkeProgress.DELETED)
    return True


async def _refuse_if_deleted_in_berke(
    desk: Desk, entry: JournalEntry, retry: bool, *, earlier: bool
) -> None:
    """A step recorded before the watch saw its assessment deleted in Berke (an accept left
    pending by a 503, say) fails in words instead of giving SmartRecruiters a dead link. A
    retried accept SmartRecruiters shows in progress goes on to ``_accept`` when the order
    shows its link (this step's: done; another: accepted elsewhere); without one it fails,
    saying it may have gone before or been made elsewhere. The order's flag says what is
    left (Reject)."""
    step = entry.step
    if isinstance(step, ReuseAssessmentStep):
        link: LinkedAssessment | None = step.link
    else:
        link = await asyncio.to_thread(desk.journal.assessment_for, entry.order_id)
    if link is None:
        return
    if await berke_progress(desk, link) is not BerkeProgress.DELETED:
        return
    order = await asyncio.to_thread(desk.orders.get, entry.order_id)
    if isinstance(step, AcceptStep) and retry:
        current = await desk.session.sr.get_order(entry.order_id)
        if current.status is OrderStatus.IN_PROGRESS:
            if current.assessment_url is not None:
                return  # ``_accept`` tells this step's accept from another's by the URL
            # The reference's orders do not show it: an earlier try whose answer was lost,
            # or someone else, accepted it. Said so, not claimed either way; when no earlier
            # try may have been carried out, it was someone else.
            who = (
                "accepted by an earlier try whose answer was lost, or elsewhere"
                if earlier
                else "accepted elsewhere: this desk's accept never went"
            )
            message = (
                f"Not sent: Berke no longer has this order's assessment ({link.invitation_code}): "
                "it was deleted there. SmartRecruiters shows the order in progress already, "
                f"without saying with which link ({who}). Reject the order with a reason, so "
                "that the recruiter can order it again."
            )
            await asyncio.to_thread(desk.journal.fail, entry.id, message)
            raise StepRefusedError(message)
        order = current
    if isinstance(step, ReuseAssessmentStep) or order is None or order.status not in OPEN_STATUSES:
        # Nothing more to ask of the order (a recruiter may have withdrawn it meanwhile).
        message = (
            f"Not sent: Berke no longer has the assessment ({link.invitation_code}); it was "
            "deleted there."
        )
    else:
        message = f"Not sent: {deleted_in_berke_reason(order, link)}"
    await asyncio.to_thread(desk.journal.fail, entry.id, message)
    raise StepRefusedError(message)


async def _refuse_if_gone(desk: Desk, entry: JournalEntry) -> None:
    """The one check every step passes before it goes (the resumer's, Retry's, a queued
    file's, the actions'): nothing is sent for an order SmartRecruiters no longer has. The
    step fails in words, and a file with it."""
    gone_since = await asyncio.to_thread(desk.orders.gone_since, entry.order_id)
    if gone_since is not None:
        await _fail_as_gone(desk, entry, gone_since)


async def _fail_as_gone(desk: Desk, entry: JournalEntry, gone_since: datetime) -> NoReturn:
    """The step fails unsent, said as for an order SmartRecruiters no longer has (and its file
    with it, for an upload)."""
    message = gone_reason(gone_since)
    step = entry.step
    upload = (
        await asyncio.to_thread(desk.results.get, step.upload_id)
        if isinstance(step, UploadStep)
        else None
    )
    if upload is not None:
        await _file_failed(desk, entry, upload, message)
    else:
        await asyncio.to_thread(desk.journal.fail, entry.id, message)
    raise OrderGoneError(message)


async def _ended_order(desk: Desk, entry: JournalEntry, *, ask: bool) -> AssessmentOrder | None:
    """The order, if it was rejected or completed: a create or an invitation (a reminder, one
    waiting to be resumed) must not go for it. ``ask``: SmartRecruiters is asked now (one GET,
    which updates the cache): a colleague's reject at another desk reaches the cache only with
    the full re-sync (``RESYNC_SECONDS``, 15 min; the poll reads NEW orders only), and the
    candidate of the withdrawn order was emailed meanwhile. Not answered, the step does not go
    blind: the error is the step's, and a transient one leaves it waiting, as any other.
    Otherwise the order as last seen; a copy kept that this version cannot read (another
    version's) is asked for again: read as "not ended", the step went for an order rejected
    since. Not found there (removed or erased since the last full sync), the order is held
    gone, as the sync holds one, and the step fails as for a gone order, not with the
    service's "does not know this item" on every Retry."""
    order_id = entry.order_id
    if ask:
        try:
            order: AssessmentOrder | None = await _order_now(desk, order_id)
        except NotFoundError:
            now = datetime.now(UTC)
            await asyncio.to_thread(desk.orders.mark_gone, [order_id], now)
            await _fail_as_gone(desk, entry, now)
    else:
        order = await asyncio.to_thread(desk.orders.get, order_id)
        if order is None and await asyncio.to_thread(desk.orders.holds, order_id):
            order = await _order_now(desk, order_id)
    return order if order is not None and order.status.is_final else None


async def _refuse_if_linked(desk: Desk, entry: JournalEntry) -> None:
    """A create (an old failed one retried, say) for an order that got its assessment since,
    another way (the candidate's other order's, reused): not sent. It made a second Berke
    assessment for the candidate, and its link replaced the order's."""
    linked = await asyncio.to_thread(desk.journal.assessment_for, entry.order_id)
    if linked is not None:
        await _refuse(
            desk,
            entry,
            f"Not sent: the order has its Berke assessment already ({linked.invitation_code}), "
            "so no second one was created.",
        )


def _ended_words(order: AssessmentOrder) -> str:
    return "rejected" if order.status is OrderStatus.REJECTED else "completed"


async def _refuse(desk: Desk, entry: JournalEntry, message: str) -> NoReturn:
    await asyncio.to_thread(desk.journal.fail, entry.id, message)
    raise StepRefusedError(message)


async def _create_for_an_ended_order(
    desk: Desk,
    entry: JournalEntry,
    step: CreateAssessmentStep,
    retry: bool,
    order: AssessmentOrder,
) -> AssessmentLinked:
    """A create waiting for an order rejected or completed since: not sent. One an earlier
    try made before its answer was lost is linked, not lost: the order then offers to delete
    it in Berke."""
    request = step.request
    candidate_id = request.source_candidate_id
    assert candidate_id, "create steps always carry a sourceCandidateId"
    ended = f"Not sent: the order was {_ended_words(order)} in SmartRecruiters before its Berke"
    berke = desk.session.berke
    existing = await berke.get_assessment_status(candidate_id) if retry else None
    if existing is None:
        await _refuse(desk, entry, f"{ended} assessment was created, so none was created.")
    # Berke's copy of the candidate, read as its other words are: a broken or hostile answer
    # may echo the token as a name, and this goes into the journal.
    who = berke.service_text(existing.candidate_label)
    if is_stable_candidate_id(entry.order_id, candidate_id):
        if existing.is_for(request):
            return await _link_from_status(desk, entry.order_id, existing, request)
        # The order's own id (nobody else sends it), with other names or email: made for
        # this order, by another desk or coordinator.
        await _refuse(
            desk,
            entry,
            f"{ended} assessment could be made for it here. Berke has one under this order's "
            f"own id {candidate_id} ({who}), made with other names or "
            "email than this desk's (at another desk or by another coordinator): it was not "
            "linked here. Delete it in Berke if it is no longer needed.",
        )
    # A typed id: Berke's may be this step's (its answer lost) or anyone's, and is never
    # linked on the id's authority. Said, so that it is not left there unknown.
    await _refuse(
        desk,
        entry,
        f"{ended} assessment could be made for it here. Berke has an assessment under the "
        f"id {candidate_id} ({who}), perhaps made by an earlier try whose "
        "answer was lost: it was not linked, since this desk cannot tell it is this order's. "
        "Delete it in Berke if it is.",
    )


async def _invite_for_an_ended_order(
    desk: Desk,
    entry: JournalEntry,
    step: InviteStep,
    order: AssessmentOrder,
    *,
    retry: bool,
    attempt: _Try,
) -> InvitationSent:
    """An invitation waiting for an order rejected or completed since: not sent (a candidate
    whose order was withdrawn is not emailed), unless Berke's count shows an earlier try sent
    it before its answer was lost."""
    request = step.request
    # A reminder when the invitation went earlier (as the activity shows just above it):
    # "the candidate was not invited" said of it was false.
    linked = await asyncio.to_thread(desk.journal.assessment_for, entry.order_id)
    what = "reminder" if linked is not None and linked.invitation_sent else "invitation"
    ended = f"Not sent: the order was {_ended_words(order)} in SmartRecruiters before the"
    went = await _invitation_went(desk, step) if retry else False
    if went:
        return InvitationSent(email=request.email_address, already_sent=True)
    if went is False and retry:
        await attempt.none_went()
    if went is None and attempt.earlier:
        # No count to go by (Berke gives none, or an older desk's step kept none), and a try
        # may have gone: whether it did cannot be told, and is not claimed either way.
        await _refuse(
            desk,
            entry,
            f"{ended} {what} was known to have gone: it is not sent again (whether an "
            "earlier try sent it cannot be told here).",
        )
    if what == "reminder":
        await _refuse(desk, entry, f"{ended} reminder went: it was not sent.")
    await _refuse(desk, entry, f"{ended} invitation went, so the candidate was not invited.")


async def _invitation_went(desk: Desk, step: InviteStep) -> bool | None:
    """Whether Berke's count of the assessment's invitations grew since the step was written:
    only that proves this invitation left (this step's lost answer, or the same assessment's
    for the other order). None when it cannot be told: the step kept no count (an older
    desk's, or Berke gave none) or Berke's status gives none (its reference has no count;
    the sandbox gives one only when a test asks). False when Berke no longer has the
    assessment: an invitation sent then is refused in words."""
    before = step.invitations_sent_before
    if before is None:
        return None
    status = await desk.session.berke.get_assessment_status(step.request.source_candidate_id)
    if status is None:
        return False
    if status.invitations_sent is None:
        return None
    return status.invitations_sent > before


#: Steps that take an order on: one done after a reject was asked means the coordinator went
#: on with the order, and the reject, still waiting, would undo it.
_TAKES_THE_ORDER_ON = (StepKind.ACCEPT, StepKind.INVITE, StepKind.COMPLETE, StepKind.CREATE_RESULT)


async def _refuse_if_overtaken(desk: Desk, entry: JournalEntry) -> None:
    """A reject waiting to be resumed (a 503) is not sent once the order was accepted,
    invited or completed here after it was asked: the actions refuse that now, but a desk
    of an older version, or a race, may have done it."""
    later = await asyncio.to_thread(
        desk.journal.done_after, entry.order_id, entry.id, _TAKES_THE_ORDER_ON
    )
    if later:
        await _refuse(
            desk,
            entry,
            "Not sent: the order was taken on here after this reject was asked (accepted, "
            "invited or completed), and rejecting it now would undo that. Reject it again if "
            "that is still meant.",
        )


# -- executors ---------------------------------------------------------------------------------


async def _create_assessment(
    desk: Desk, order_id: str, step: CreateAssessmentStep, attempt: _Try, *, retry: bool
) -> AssessmentLinked:
    """Create the assessment; link one found under the id only when it is provably this
    order's: the order's own id (``stable_candidate_id``, made from the order id, which nobody
    else sends) with the names and email this step sends. A typed id is never linked on its
    own authority: a candidate's other order, or another desk, may hold it.

    One found where an earlier try of this step may have made it (``attempt.earlier``) is
    taken for that try's (``own_try``): nobody has invited to it. One found after this try
    was refused as taken was there before it: its invitation is asked about first."""
    request = step.request
    berke = desk.session.berke
    candidate_id = request.source_candidate_id
    assert candidate_id, "create steps always carry a sourceCandidateId"
    own_id = is_stable_candidate_id(order_id, candidate_id)
    if retry:
        # The answer of an earlier try may have been lost after Berke created it.
        existing = await berke.get_assessment_status(candidate_id)
        if existing is not None:
            if own_id and existing.is_for(request):
                return await _link_from_status(
                    desk, order_id, existing, request, own_try=attempt.earlier
                )
            raise id_taken_error(
                candidate_id,
                existing,
                request,
                berke.service_text,
                own_id=own_id,
                maybe_ours=True,
            )
    if retry and not own_id:  # a first try was asked before it was journaled (the form's)
        await refuse_if_id_used_here(desk, order_id, candidate_id)
    try:
        response = await berke.create_assessment(request)
    except ValidationApiError as exc:
        if exc.parameter != BerkeParam.SOURCE_CANDIDATE_ID:
            raise
        await attempt.not_carried_out()  # refused: whatever is under the id was there before
        existing = await berke.get_assessment_status(candidate_id)
        if existing is None:
            raise  # refused for its form, not because it is taken
        if own_id and existing.is_for(request):
            # The order's own id, made for this order's candidate: created for this order
            # before this try (at another desk, or by an earlier step whose answer was lost).
            return await _link_from_status(desk, order_id, existing, request)
        raise id_taken_error(
            candidate_id,
            existing,
            request,
            berke.service_text,
            own_id=own_id,
            service_message=exc.service_message,
        ) from None
    # Berke's answer names this order's id; an invitation code another order here holds
    # would have this order accepted with that order's URL.
    await _refuse_if_linked_elsewhere(desk, order_id, response.invitation_code, "Berke gave")
    # Its URL prefix is written with the link (``_write_answer``), or kept with it.
    link = LinkedAssessment(
        order_id=order_id,
        source_candidate_id=response.source_candidate_id,
        invitation_code=response.invitation_code,
        assessment_url=response.assessment_url,
        created_at=datetime.now(UTC),
        source_job_id=request.source_job_id,
        created_email=request.email_address,
    )
    return AssessmentLinked(link=link)


def id_taken_error(
    candidate_id: str,
    holder: AssessmentStatus,
    request: CreateAssessmentRequest,
    service_text: Callable[[str], str],
    *,
    own_id: bool = False,
    maybe_ours: bool = False,
    service_message: str = "",
) -> ValidationApiError:
    """Berke already has an assessment under ``candidate_id`` that this step cannot prove is
    its own: a refusal in words, shown at the id field, never a link to it.

    ``service_text``: the Berke client's (``BerkeClient.service_text``), which reads whom
    ``holder`` names as Berke's text, cut and the token redacted: a broken or hostile answer
    may echo the token as a name, and the refusal goes into a dialog and the journal.
    ``own_id``: the id is the order's own (nothing to clear; only typing another id helps).
    ``maybe_ours``: an earlier try of this very step may have created it before its answer was
    lost; the coordinator decides, this desk does not guess."""
    who = service_text(holder.candidate_label)
    if own_id:
        summary = (
            f"This order's own id {candidate_id} is already used in Berke for {who}, with "
            "other names or email than this form sends — type another id to create a new "
            "assessment."
        )
    elif holder.is_for(request):
        summary = (
            f"This candidate already has a Berke assessment (id {candidate_id}) — reuse it, "
            "or clear the id to create a new one."
        )
        if maybe_ours:
            summary += (
                " It may be the one this step created before its answer was lost; this desk "
                "cannot tell, so it did not link it."
            )
    else:
        summary = (
            f"The id {candidate_id} is already used in Berke for {who} — clear the id to "
            "create a new one, or type another."
        )
    return ValidationApiError(
        Service.BERKE,
        parameter=BerkeParam.SOURCE_CANDIDATE_ID,
        summary=summary,
        service_message=service_message,
    )


async def refuse_if_id_used_here(desk: Desk, order_id: str, candidate_id: str) -> None:
    """A typed id another order's assessment here had (Berke has none under it now, or it
    would have said "taken"): refused, at the id field (``id_used_here_error``)."""
    used = await asyncio.to_thread(desk.journal.orders_with_berke_id, candidate_id)
    others = [other for other in used if other != order_id]
    if others:
        other = await asyncio.to_thread(desk.orders.get, others[0])
        raise id_used_here_error(candidate_id, other)


def id_used_here_error(candidate_id: str, other: AssessmentOrder | None) -> ValidationApiError:
    """A typed id an assessment of another order here had, which Berke has since deleted (it
    would answer "taken" otherwise): refused at the id field. What this desk knows of Berke's
    side (deleted, complete, the scores) is kept by id, so the old order would take the new
    assessment's news, invitation and result for its own."""
    whose = f" ({other.candidate.display_name})" if other is not None else ""
    return ValidationApiError(
        Service.BERKE,
        parameter=BerkeParam.SOURCE_CANDIDATE_ID,
        summary=(
            f"{candidate_id} was the id of another order's assessment here{whose}, "
            "since deleted in Berke. This desk keeps what Berke says by id, so a new "
            "assessment under it would be taken for that one: type another id, or clear it "
            "to use the order's own."
        ),
    )


async def _refuse_if_linked_elsewhere(desk: Desk, order_id: str, code: str, how: str) -> None:
    """Defence in depth: one order never takes an assessment linked to another order here.
    The step stays pending: its retry looks its own id up in Berke again."""
    linked_elsewhere = await asyncio.to_thread(desk.journal.orders_linked_to, code)
    others = [other for other in linked_elsewhere if other != order_id]
    if others:
        raise StepDeferredError(
            f"The assessment {how} ({code}) is already linked to another order here "
            f"({others[0]}); it is not linked to this one."
        )


async def _link_from_status(
    desk: Desk,
    order_id: str,
    status: AssessmentStatus,
    request: CreateAssessmentRequest,
    *,
    own_try: bool = False,
) -> AssessmentLinked:
    code = status.invitation_code
    if not code:
        # Without the code there is no URL to accept with: wait for an answer that has it.
        raise StepDeferredError(
            "The assessment exists in Berke, but Berke did not say its invitation code yet; "
            "it is tried again later."
        )
    await _refuse_if_linked_elsewhere(desk, order_id, code, "found in Berke")
    url = status.assessment_url
    if url and assessment_url_problem(url, code) is not None:
        # Held to the create's own rule: one it would refuse is taken as no URL at all.
        log.warning("Berke's status gave %s an address that is not one (%r)", code, url[:200])
        url = None
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
        order_id=order_id,
        source_candidate_id=status.source_candidate_id,
        invitation_code=code,
        assessment_url=url,
        created_at=datetime.now(UTC),
        source_job_id=request.source_job_id,
        created_email=request.email_address,
    )
    return AssessmentLinked(link=link, recovered=True, own_try=own_try)


def _said(status: OrderStatus) -> str:
    return status.value.replace("_", " ").capitalize()  # "IN_PROGRESS": "In progress"


async def _state_change(
    desk: Desk,
    order_id: str,
    call: Callable[[], Awaitable[AssessmentOrder | None]],
    applied: Callable[[AssessmentOrder], bool],
    elsewhere: Callable[[AssessmentOrder], ApiError | None] = lambda _order: None,
    *,
    expected: OrderStatus,
    attempt: _Try | None = None,
) -> OrderUpdated:
    """Call. A refusal because the order's status does not allow it is looked into: if the
    order already shows this very change (``applied``: an earlier answer was lost) it counts
    as done; ``elsewhere`` may name the failure better (someone else made the change). An
    answer showing the order in another status than ``expected`` is no answer to the call:
    taken as done, an accept answered "NEW" was said "Accepted", and offered again. An
    answer without the order (empty, and not read back) is the change made: shown on the
    copy held, as the order it made."""
    try:
        order = await call()
        if order is None:
            return OrderUpdated(status=expected, order=await _held_as(desk, order_id, expected))
        if order.status is not expected:
            raise UnexpectedResponseError(
                Service.SMARTRECRUITERS,
                summary=(
                    f"SmartRecruiters answered, but showed the order as {_said(order.status)}, "
                    f"not {_said(expected)}: it is asked again later."
                ),
            )
    except StateConflictError:
        # A 409 to a status change is one too, whatever its words (the client's ``_check``):
        # taken for a bad request, the order was never looked at again, and an accept whose
        # answer was lost was failed.
        if attempt is not None:
            await attempt.not_carried_out()  # before the look, which may fail on its own
        current = await _order_now(desk, order_id)
        if applied(current):
            return OrderUpdated(status=current.status, already_applied=True, order=current)
        better = elsewhere(current)
        if better is not None:
            raise better from None
        raise
    return OrderUpdated(status=order.status, order=order)


async def _held_as(desk: Desk, order_id: str, status: OrderStatus) -> AssessmentOrder | None:
    """The copy of the order held, in ``status``; None when none is held."""
    held = await asyncio.to_thread(desk.orders.get, order_id)
    return held.model_copy(update={"status": status}) if held is not None else None


def _author(desk: Desk, step: AuthoredStep) -> ContactPerson | None:
    """Who ``step`` goes as: the result author in force when the coordinator asked for it,
    not the one in force when it is resumed (a restart after the setting changed)."""
    return step.author_or(desk.author)


async def _accept(
    desk: Desk, order_id: str, step: AcceptStep, attempt: _Try, *, retry: bool
) -> OrderUpdated:
    """Accept with the step's URL. Already in progress counts as done only with this step's
    URL; where SmartRecruiters does not show the URL (the reference's order has none), only
    when an earlier try of this step may have been carried out (its answer lost), never on a
    first try nor after tries refused or never sent."""
    request = step.request
    url = request.assessment_url
    # Before it goes: the watch polls an order only once in progress, and its first poll
    # took every comment there for old news (one written while the order was new, or in
    # the minutes before the watch's turn came to it).
    await asyncio.to_thread(desk.berke_watch.comments_baseline, [order_id])

    def applied(current: AssessmentOrder) -> bool:
        if current.status is not OrderStatus.IN_PROGRESS:
            return False
        if current.assessment_url is not None:
            return current.assessment_url == url
        return retry and attempt.earlier

    def elsewhere(current: AssessmentOrder) -> ApiError | None:
        if current.status is OrderStatus.IN_PROGRESS:
            return accepted_elsewhere_error(current, url)
        return None

    return await _state_change(
        desk,
        order_id,
        lambda: desk.session.sr.accept_order(
            order_id,
            url,
            message=request.message,
            message_to_candidate=request.message_to_candidate,
            author=_author(desk, step),
        ),
        applied,
        elsewhere,
        expected=OrderStatus.IN_PROGRESS,
        attempt=attempt,
    )


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


async def _reject(
    desk: Desk, order_id: str, step: RejectStep, attempt: _Try, *, retry: bool
) -> OrderUpdated:
    """Reject with the step's reason. Already rejected counts as done only when an earlier
    try of this step may have been carried out (its answer lost): otherwise it was someone
    else's reject, and this one's reason was never sent."""

    def elsewhere(current: AssessmentOrder) -> ApiError | None:
        if current.status is not OrderStatus.REJECTED:
            return None
        return StateConflictError(
            Service.SMARTRECRUITERS,
            summary=(
                "This order was already rejected elsewhere (another desk or coordinator, or "
                "in SmartRecruiters): this desk's reject, and its reason, were not sent."
            ),
        )

    return await _state_change(
        desk,
        order_id,
        lambda: desk.session.sr.reject_order(
            order_id, message=step.request.message, author=_author(desk, step)
        ),
        lambda current: retry and attempt.earlier and current.status is OrderStatus.REJECTED,
        elsewhere,
        expected=OrderStatus.REJECTED,
        attempt=attempt,
    )


async def _invite(
    desk: Desk, entry: JournalEntry, step: InviteStep, attempt: _Try, *, retry: bool
) -> InvitationSent:
    """Send the invitation. Retried, it counts as sent when Berke's count grew since the step
    was written (``_invitation_went``). Where that cannot be told, it is sent again only when
    no earlier try may have gone (a 429, a connection never made): the candidate gets no
    second email."""
    request = step.request
    if not retry:
        # A first try: ``send_invitation`` holds the assessment's invitation key, and counted.
        await desk.session.berke.send_invitation(request)
        return InvitationSent(email=request.email_address)
    key = invitation_key(request.source_candidate_id)
    if not desk.claim(key):
        # Another order of the candidate is sending this assessment's invitation now: once it
        # went, Berke's count has grown and this step counts as sent.
        raise StepDeferredError(
            "The candidate's invitation is being sent right now for their other order; "
            "it is looked at again later."
        )
    try:
        went = await _invitation_went(desk, step)
        if went:
            return InvitationSent(email=request.email_address, already_sent=True)
        if went is False:
            await attempt.none_went()
        if went is None and attempt.earlier:
            await _refuse(desk, entry, await _may_have_gone_words(desk, entry.order_id))
        since = await asyncio.to_thread(_invited_since, desk, entry, step) if went is None else None
        if since is not None:
            await _refuse(desk, entry, since)
        await desk.session.berke.send_invitation(request)
        return InvitationSent(email=request.email_address)
    finally:
        desk.release(key)


#: Why an old invitation step is not sent again where Berke gives no count to go by.
INVITED_SINCE = (
    "Not sent again: the candidate's invitation to this assessment went from this desk after "
    "this step was asked (for this order or their other one). Send a reminder if they need it."
)


#: Why, where a later one may have gone (its answer lost, or still waiting to be looked at).
MAY_HAVE_GONE_SINCE = (
    "Not sent again: the candidate's invitation to this assessment may have gone from this "
    "desk after this step was asked (a later send whose answer was lost, or one still "
    "waiting), and Berke does not say how many it has sent. Invite them again if they did "
    "not get it."
)


def _invited_since(desk: Desk, entry: JournalEntry, step: InviteStep) -> str | None:
    """Why the old ``entry`` is not sent again: this desk sent the assessment's invitation
    after it was asked (``INVITED_SINCE``), for the order or another linked to it, or began
    one since that may have gone (``MAY_HAVE_GONE_SINCE``: failed after a lost answer, or
    waiting). With no count to go by, a Retry of an old failed step (a refusal, mended since,
    and invited again) emailed the candidate a second time. None: nothing since."""
    candidate_id = step.request.source_candidate_id.casefold()
    may_have_gone = False
    for order_id in {entry.order_id, *desk.journal.orders_with_berke_id(candidate_id)}:
        for other in desk.journal.entries(order_id):
            if (
                other.id == entry.id
                or not isinstance(other.step, InviteStep)
                or other.step.request.source_candidate_id.casefold() != candidate_id
            ):
                continue
            if other.state is StepState.DONE and _since(other, entry):
                return INVITED_SINCE
            if other.id > entry.id and (
                other.state is StepState.PENDING
                or (other.state in ENDED_UNSENT and other.may_have_gone)
            ):
                may_have_gone = True
    return MAY_HAVE_GONE_SINCE if may_have_gone else None


def _since(other: JournalEntry, entry: JournalEntry) -> bool:
    """Whether ``other`` was begun, or done, after ``entry`` was asked. The id decides first:
    the clock may have been set back in between (a time written while it ran ahead)."""
    return other.id > entry.id or other.updated_at >= entry.created_at


async def _may_have_gone_words(desk: Desk, order_id: str) -> str:
    """Why an invitation that may have gone is not sent again, and what the coordinator can do
    (a reminder once the order's invitation is known sent, else Invite)."""
    link = await asyncio.to_thread(desk.journal.assessment_for, order_id)
    again = "send a reminder" if link is not None and link.invitation_sent else "invite them again"
    return (
        "The invitation may have gone before its answer was lost, and Berke does not say how "
        "many it has sent: it is not sent again, so that the candidate does not get it twice. "
        f"If they did not get it, {again}."
    )


async def settle_lost_invitation(desk: Desk, order_id: str, exc: Exception) -> NoReturn:
    """The order's invitation was just tried and ended with ``exc``, its step left waiting.
    Where that try may have gone (its answer lost, ``invitation_doubt``) and Berke gives no
    count to tell (``_invitation_went``: the step kept none, or Berke's status has none, as
    its reference's; the batch's step for an assessment it just made keeps 0 unasked), the
    resumer's pass can only fail it, not sent again (``_invite``): that pass is run on it now.
    Left waiting for the resumer (30 s, up to 5 min while it backs off after failures), its
    Invite was refused as "retried automatically", though the coordinator had just been told
    to invite them again if they did not get it, and nothing was going to send it.

    Raises ``InvitationNotSentAgainError`` with the try's words and the pass's; ``exc``
    itself where there is no such doubt, or the pass did not end the step (SmartRecruiters
    not reachable either, say: the resumer ends it later, as it would have)."""
    entries = await asyncio.to_thread(desk.journal.entries, order_id)
    doubt = invitation_doubt(entries)
    latest = latest_invite(entries)
    if latest is None or doubt is None or not doubt.waiting:
        raise exc
    assert isinstance(latest.step, InviteStep)
    try:
        # A count tells the pass whether it went (and it sends it again if not): its turn.
        counted = doubt.counted and await _invitation_went(desk, latest.step) is not None
    except ApiError:
        counted = True  # Berke not asked now: left to the resumer's pass
    if counted:
        raise exc
    try:
        await execute(desk, latest, retry=True)
    except StepRefusedError as refused:
        raise InvitationNotSentAgainError(f"{_lost_invitation_lead(exc)} {refused}") from exc
    except Exception as still:  # noqa: BLE001 - the try's own failure is what is said
        log.info("The invitation of order %s is left to the resumer: %s", order_id, still)
    raise exc


def _lost_invitation_lead(exc: Exception) -> str:
    """What ended the invitation's try, leading the words that it is not sent again. A
    server's error is said by its status and its own message, without its summary's "trying
    again later usually works": read first, that invited a second email to the candidate."""
    if not isinstance(exc, ApiError):
        return unexpected_failure(exc, "whether Berke got the invitation is not known")
    if exc.http_status is None or exc.http_status < 500:
        return str(exc)  # no answer came (the network's words), or the answer's own words
    try:
        status = f"{exc.http_status}: {HTTPStatus(exc.http_status).phrase}"
    except ValueError:
        status = str(exc.http_status)
    return exc.with_service_words(f"{exc.service.value} did not answer the invitation ({status}).")


def _same_result(listed: AssessmentResult, sent: AssessmentResult) -> bool:
    """Whether a result the order has is the one this step sent. The verdict (score, passed)
    counts where it was sent: the complete dialog's defaults make type, file name and title
    the same on every desk, and another coordinator's result must never pass for this step's.
    A verdict left out is not compared (the service may fill in "passed: false"), nor spaces
    around a score; nor the description (the service may tidy its HTML), nor the author (the
    desk's, added when sent), nor a ``result`` the service left out (it ignores a document's).
    Too strict a match is no safer: a retried documented flow that does not find its own
    result makes a second one."""
    if (listed.result_type, listed.title) != (sent.result_type, sent.title):
        return False
    if listed.result and listed.result != sent.result:
        return False
    if sent.passed is not None and listed.passed != sent.passed:
        return False
    return sent.score is None or (listed.score or "").strip() == sent.score.strip()


def _results_like(
    results: list[AssessmentResult], sent: AssessmentResult
) -> list[AssessmentResult]:
    """The results like the one this step sent, newest first (with or without an id)."""
    matching = [r for r in results if _same_result(r, sent)]
    matching.sort(key=lambda r: r.create_date or datetime.min.replace(tzinfo=UTC), reverse=True)
    return matching


def _id_of_one_like(results: list[AssessmentResult], sent: AssessmentResult) -> str | None:
    """The id of the newest result like the one this step sent, among those with an id."""
    return next((r.id for r in _results_like(results, sent) if r.id), None)


async def _find_result(desk: Desk, order_id: str, sent: AssessmentResult) -> str | None:
    """The id of a result the order already has that matches what we sent (newest first)."""
    return _id_of_one_like(await desk.session.sr.list_results(order_id), sent)


async def _complete(
    desk: Desk, order_id: str, step: CompleteStep, attempt: _Try, *, retry: bool
) -> OrderUpdated | ResultRecorded:
    """Complete the order. An order found completed (documented flow), or a result found like
    this step's (FAQ), counts as this step's only when an earlier try of it may have been
    carried out: one that never reached SmartRecruiters (a refused connection) did not, and
    what is found is another desk's; taken for this one's, its report went there too."""
    sr = desk.session.sr
    if step.flow is ResultFlow.DOCUMENTED:
        try:
            return await _state_change(
                desk,
                order_id,
                lambda: sr.complete_with_comment(
                    order_id, message=step.message, author=_author(desk, step)
                ),
                lambda current: (
                    current.status is OrderStatus.COMPLETED and retry and attempt.earlier
                ),
                expected=OrderStatus.COMPLETED,
                attempt=attempt,
            )
        except StateConflictError:
            current = await asyncio.to_thread(desk.orders.get, order_id)  # as just read
            if current is not None and current.status is OrderStatus.COMPLETED:
                raise await _completed_elsewhere(desk, order_id) from None
            if current is not None and current.status is OrderStatus.REJECTED:
                await _rejected_before_completed(desk, order_id)
            raise
    result = step.result
    assert result is not None, "a FAQ complete carries its result"
    if retry and attempt.earlier:
        current = await sr.get_order(order_id)
        if current.status is OrderStatus.COMPLETED:
            # The FAQ says the resultId is only in the lost answer; GET .../results may list
            # it (the sandbox does).
            results = await sr.list_results(order_id)
            found = _id_of_one_like(results, result)
            if found:
                return ResultRecorded(
                    result_id=found, status=current.status, recovered=True, order=current
                )
            if not results or _results_like(results, result):
                # Listed without its id, as the FAQ has it (or not listed at all): most
                # likely this step's own completion. Sent again, it was refused as completed
                # and said to be someone else's, and so were its reports.
                raise await _completed_by_a_lost_try(desk, current)
    try:
        completed = await sr.complete_with_result(order_id, result)
    except StateConflictError:
        # Completed meanwhile, not by this step (a first try, or a retry that found no
        # result of ours): another desk or coordinator did. The window is shown the order as
        # it is, so Deliver is no longer offered for it.
        current = await _order_now(desk, order_id)
        if current.status is OrderStatus.COMPLETED:
            raise await _completed_elsewhere(desk, order_id) from None
        raise
    # Recorded as it is: an order the answer did not carry readably is asked for once the
    # resultId is recorded (``_show_completed``), never before.
    order = completed.order
    status = order.status if order is not None else OrderStatus.COMPLETED
    return ResultRecorded(result_id=completed.result_id, status=status, order=order)


async def _show_completed(desk: Desk, order_id: str, outcome: StepOutcome) -> None:
    """An order completed by a step whose answer carried no order this version reads (its
    resultId recorded already): asked for, or else the cached copy marked completed, and
    stored. Left in progress, it offered Complete again, and a second Complete said a result
    was waiting to complete it. Never raises: the step is done whatever happens here."""
    if not (
        isinstance(outcome, ResultRecorded)
        and outcome.status is OrderStatus.COMPLETED
        and outcome.order is None
    ):
        return
    try:
        await _order_now(desk, order_id)
        return
    except Exception as exc:  # noqa: BLE001 - see the docstring
        log.info("Completed %s; the order could not be read again: %s", order_id, exc)
    try:
        cached = await asyncio.to_thread(desk.orders.get, order_id)
        if cached is not None:
            completed = cached.model_copy(update={"status": OrderStatus.COMPLETED})
            await asyncio.to_thread(desk.orders.put, completed)
    except Exception:  # the store's own failure: logged, the step stays done
        log.exception("Could not show %s as completed", order_id)


async def _order_now(desk: Desk, order_id: str) -> AssessmentOrder:
    """The order as SmartRecruiters has it now, stored, so that the window shows it so."""
    current = await desk.session.sr.get_order(order_id)
    await asyncio.to_thread(desk.orders.put, current)
    return current


def completed_elsewhere_error() -> StateConflictError:
    """The order was completed by someone else: what this desk meant to send was not sent."""
    return StateConflictError(
        Service.SMARTRECRUITERS,
        summary=(
            "This order was already completed elsewhere (another desk or coordinator). This "
            "desk's result was not sent; its result in SmartRecruiters is the one made there."
        ),
    )


def _completed_here_error() -> StateConflictError:
    """The order was completed from this desk already: the step found it so, and sent nothing
    that changed it."""
    return StateConflictError(
        Service.SMARTRECRUITERS,
        summary=(
            "This order was already completed from this desk (see its activity), so this "
            "step was not carried out; the order keeps its result."
        ),
    )


async def _completed_elsewhere(desk: Desk, order_id: str) -> StateConflictError:
    """``completed_elsewhere_error``; the files queued for this desk's result, which was not
    made, fail with it: they were not for the result made there (the resumer sent them to it
    a round later, as if they were), and a Deliver's report already fails so. Dropped again,
    a file goes to that result, as the coordinator then chooses.

    An order this desk's own complete step completed (an old failed step sent again after
    it) keeps its result and its files: taken for another's, they were forgotten and failed."""
    completed_here = await asyncio.to_thread(
        desk.journal.has_step, order_id, [StepKind.COMPLETE], StepState.DONE
    )
    if completed_here:
        return _completed_here_error()
    error = completed_elsewhere_error()
    message = f"Not sent: {error.summary} Drop it on the order again to attach it to that one."
    # A result this desk made (the documented flow's, its completion refused) is not the
    # order's: its files wait for a completion that will never come, and a file dropped
    # again goes to the order's result, adopted then, not to this one.
    made = await asyncio.to_thread(desk.journal.result_made, order_id)
    own = made[0] if made is not None else None
    await asyncio.to_thread(desk.results.fail_unsent, order_id, message, result_id=own)
    if own is not None:
        await asyncio.to_thread(desk.results.forget_result, order_id, own)
    return error


#: Why a report queued for an order that was then rejected is not sent.
REJECTED_NO_RESULT = (
    "This order was rejected before it was completed, so it has no result to attach a report "
    "to. Nothing was attached."
)


async def _rejected_before_completed(desk: Desk, order_id: str) -> None:
    """The order was rejected between the documented flow's two calls: the result this desk
    made is not one it completes, so the files queued for it fail in words, and it is
    forgotten (the order has no result to show, nor to attach to). Left queued, the resumer
    sent them to a rejected order's result, and they showed Attached."""
    made = await asyncio.to_thread(desk.journal.result_made, order_id)
    own = made[0] if made is not None else None
    await asyncio.to_thread(desk.results.fail_unsent, order_id, REJECTED_NO_RESULT, result_id=own)
    if own is not None:
        await asyncio.to_thread(desk.results.forget_result, order_id, own)


#: A completion (FAQ flow) whose answer, the only place with its resultId, was lost: what the
#: step and the files queued for its result say.
LOST_RESULT_ID = (
    "The order is already completed, most likely by this desk's earlier try whose answer was "
    "lost. That result's id cannot be read back (SmartRecruiters gives it only in that "
    "answer), so no file can be attached to it from this desk: attach the report in "
    "SmartRecruiters by hand, or send it to the recruiter."
)


async def _completed_by_a_lost_try(desk: Desk, current: AssessmentOrder) -> StateConflictError:
    """The step's own completion, most likely, its resultId lost with its answer: the step
    fails saying so, and so do the files queued for its result (they cannot go to it), and
    the window is shown the order completed. An order this desk's own done complete step
    completed says that, as ``_completed_elsewhere`` does."""
    order_id = current.id
    if await asyncio.to_thread(
        desk.journal.has_step, order_id, [StepKind.COMPLETE], StepState.DONE
    ):
        return _completed_here_error()
    await asyncio.to_thread(desk.results.fail_unsent, order_id, f"Not sent: {LOST_RESULT_ID}")
    await asyncio.to_thread(desk.orders.put, current)
    return StateConflictError(Service.SMARTRECRUITERS, summary=LOST_RESULT_ID)


async def _create_result(
    desk: Desk, order_id: str, step: CreateResultStep, retry: bool
) -> ResultRecorded:
    if retry:
        found = await _find_result(desk, order_id, step.result)
        if found:
            return ResultRecorded(result_id=found, recovered=True)
    # SmartRecruiters takes a result for an order completed meanwhile (by another desk): that
    # would be a second verdict on the candidate, so the order is looked at first.
    current = await _order_now(desk, order_id)
    if current.status is not OrderStatus.IN_PROGRESS:
        if current.status is OrderStatus.COMPLETED:
            raise await _completed_elsewhere(desk, order_id)
        raise StateConflictError(Service.SMARTRECRUITERS)
    created = await desk.session.sr.create_result(order_id, step.result)
    assert created.id is not None
    return ResultRecorded(result_id=created.id)


async def _upload(
    desk: Desk, entry: JournalEntry, step: UploadStep, retry: bool, context: StepContext
) -> AttachmentUploaded:
    key = upload_step_key(step.upload_id)
    if not desk.claim(key):
        raise StepDeferredError("This file is already being uploaded.")
    try:
        return await _upload_claimed(desk, entry, step.upload_id, retry, context)
    finally:
        desk.release(key)


async def _upload_claimed(
    desk: Desk, entry: JournalEntry, upload_id: int, retry: bool, context: StepContext
) -> AttachmentUploaded:
    upload = await asyncio.to_thread(desk.results.get, upload_id)
    if upload is None:
        raise StepDeferredError("The queued file is no longer known.")
    if upload.state is UploadState.CANCELLED:
        raise await _cancelled(desk, entry, upload.file_name)
    result_id = upload.result_id or await asyncio.to_thread(
        desk.results.result_id_for, entry.order_id
    )
    if not result_id:
        raise StepDeferredError("The order has no result yet: complete it first.")
    fingerprint = await asyncio.to_thread(_fingerprint, upload.path)
    there = await _copy_already_there(desk, upload, result_id, fingerprint, retry)
    if there is not None:
        return there
    checked = await _refuse_if_changed(desk, entry, upload)
    with desk.starting_to_send(upload_id):  # registered below, with no await between
        sending = await asyncio.to_thread(
            desk.results.start_sending, upload_id, entry.order_id, fingerprint,
            service_ahead=desk.session.sr.measured_clock_offset,
        )  # fmt: skip
    if sending is None:  # cancelled while the attachments were looked at
        raise await _cancelled(desk, entry, upload.file_name)
    progress = _WholeSent(context.progress)
    # Sent in a task of its own, which the coordinator's Cancel stops wherever this step runs
    # (the board's upload, or the background resumer's, which then goes on with the rest).
    sending_task = asyncio.ensure_future(
        desk.session.sr.upload_attachment(
            entry.order_id, result_id, upload.path, file_name=upload.file_name,
            progress=progress, sha256=checked,
        )
    )  # fmt: skip
    desk.sending_started(sending, sending_task)
    try:
        attachment = await sending_task
    except ApiError as exc:
        if progress.whole:  # the answer was lost, or refused after the service read the file
            await asyncio.to_thread(desk.results.mark_delivered, upload_id)
        state = UploadState.QUEUED if exc.is_transient else UploadState.FAILED
        # Only from sending: a Cancel that came with the error stays (written over, the file
        # went back to the queue and was sent again).
        await asyncio.to_thread(
            desk.results.move, upload_id, entry.order_id, _SENDING, state, message=str(exc)
        )
        raise
    except OSError as exc:
        raise await _unreadable_while_sent(desk, entry, upload, exc) from exc
    except asyncio.CancelledError:
        # Synchronous on purpose: a cancelled task should not await again. The coordinator's
        # cancel marks the upload first; any other cancel (closing the app) leaves it queued.
        # Each write is conditional: a late cancel may meanwhile have found the file in
        # SmartRecruiters and marked the upload and its step done (``settle_late_cancel``).
        if progress.whole:
            desk.results.mark_delivered(upload_id)
        current = desk.results.get(upload_id)
        by_coordinator = current is not None and current.state in _ENDED_BY_COORDINATOR
        if by_coordinator:
            desk.journal.fail(entry.id, "Cancelled by the coordinator.", only_pending=True)
        else:
            desk.results.move(upload_id, entry.order_id, _SENDING, UploadState.QUEUED)
        task = asyncio.current_task()
        if by_coordinator and sending_task.cancelled() and not (task and task.cancelling()):
            # Only the sending was stopped: whoever runs this step goes on with its others.
            raise StepCancelledError(f"{upload.file_name} was cancelled.") from None
        raise
    finally:
        desk.sending_ended(upload_id, sending_task)
    return AttachmentUploaded(
        upload_id=upload_id, attachment_id=attachment.id, file_name=attachment.file_name
    )


async def _unreadable_while_sent(
    desk: Desk, entry: JournalEntry, upload: Upload, exc: OSError
) -> StepRefusedError:
    """The file failed while it was sent, said on the upload; the error the step ends with.
    Refused, not deferred: the file and its step are failed here, so nothing sends it again by
    itself (the resumer's pass counted it waiting, "the desk tries again by itself")."""
    again = "drop it on the order again to send it as it is now"
    if isinstance(exc, FileChangedSizeError):
        # The size checked just before it went is not the one read: a Retry would find it
        # changed since it was dropped (_refuse_if_changed) and refuse it.
        message = (
            f"{upload.file_name} changed since it was dropped (its size changed while it was "
            f"sent), and was not attached: {again}."
        )
    elif isinstance(exc, FileChangedError):
        # As a file found changed before it went (_refuse_if_changed): a try again would
        # find it so and refuse it; the file as it is now is another drop.
        message = (
            f"{upload.file_name} changed while it was sent (saved over, or edited), and was "
            f"not attached: {again}."
        )
    else:
        # One argument: the sentence open_for_upload wrote; else the system's words for it.
        # A read that failed may work later (a network drive back): Retry, by hand.
        said = exc.strerror or str(exc)
        message = (
            f"{upload.file_name} could not be read while it was sent ({said}): try again, or "
            "drop it again."
        )
    await _file_failed(desk, entry, upload, message)
    return StepRefusedError(message)


_SENDING = frozenset({UploadState.UPLOADING})
#: A cancel's end states: cancelled, or done when the file was found there after it.
_ENDED_BY_COORDINATOR = frozenset({UploadState.CANCELLED, UploadState.DONE})


async def _refuse_if_changed(desk: Desk, entry: JournalEntry, upload: Upload) -> str | None:
    """What is sent is what was checked when it was dropped (see changed_since_queued). The
    content's SHA-256 then, which the bytes sent must still have: the file is opened again to
    be sent, and may be saved over meanwhile (a 429's wait is up to a minute). None for a file
    queued by an older version, which kept no identity."""
    queued = await asyncio.to_thread(desk.results.queued_identity, upload.id)
    changed = await asyncio.to_thread(
        changed_since_queued, upload.path, upload.file_name, upload.size, queued
    )
    if changed is not None:
        await _file_failed(desk, entry, upload, changed)
        raise StepRefusedError(changed)
    identity = FileIdentity.from_text(queued) if queued is not None else None
    return identity.sha256 if identity is not None else None


async def _file_failed(desk: Desk, entry: JournalEntry, upload: Upload, message: str) -> None:
    """The file, not the service, failed: the upload says why (unless the coordinator's
    Cancel came first), and its step is failed, not pending: Retry re-opens it rather than
    starting a second one."""
    await asyncio.to_thread(
        desk.results.move, upload.id, entry.order_id, CANCELLABLE, UploadState.FAILED,
        message=message,
    )  # fmt: skip
    await asyncio.to_thread(desk.journal.fail, entry.id, message)


def _fingerprint(path: str) -> str | None:
    """The file's fingerprint; None when it cannot be read (the sending says why)."""
    try:
        return file_fingerprint(path)
    except OSError:
        return None


class _WholeSent:
    """An upload's progress, passed on; ``whole`` once the whole file went out in the latest
    try (from then on the service may have it, whatever happens to its answer)."""

    def __init__(self, report: ProgressCallback | None) -> None:
        self._report = report
        self.whole = False

    def __call__(self, sent: int, total: int) -> None:
        # This try's: a try the service denied (a 429) starts again from 0, and what the one
        # before sent whole is not there (a later find of that name would be someone else's).
        self.whole = sent >= total
        if self._report is not None:
            self._report(sent, total)


async def _copy_already_there(
    desk: Desk, upload: Upload, result_id: str, fingerprint: str | None, retry: bool
) -> AttachmentUploaded | None:
    """The step's outcome when the file is found on the result already (see _where_to_look)."""
    lookup = await asyncio.to_thread(_where_to_look, desk, upload, fingerprint, retry)
    if lookup is None:
        return None
    there = await _look_on_the_result(desk, upload, result_id, lookup)
    if there is None:
        return None
    return AttachmentUploaded(
        upload_id=upload.id, attachment_id=there.id, file_name=upload.file_name,
        already_there=True,
    )  # fmt: skip


class _Lookup(NamedTuple):
    """The result is looked at for a copy dated since the earliest of ``since`` (None: the
    name alone)."""

    since: tuple[MachineTime, ...] | None

    def on_service_clock(self, service_ahead_now: timedelta) -> datetime | None:
        if self.since is None:
            return None
        return min(time.on_service_clock(service_ahead_now) for time in self.since)


def _where_to_look(
    desk: Desk, upload: Upload, fingerprint: str | None, retry: bool
) -> _Lookup | None:
    """Whether the file may already be on the result, and since when; None when it cannot.

    - A retry after a try whose end was never seen (the app stopped while it sent: still
      "uploading"): since its bytes began to go, or since an earlier try that sent the whole
      file, if one did (an older version's upload: by name).
    - A retry after a try that failed or was cancelled as this desk saw: only if the whole
      file had gone out (the answer may have been lost).
    - Any try: if this very file (same name and content) was cancelled for the order, or
      failed, after the whole of it had gone out.

    Otherwise a file of that name on the result is someone else's (a recruiter's, another
    desk's, a corrected file's first version), and this one must still be sent.
    """
    if retry and upload.state is UploadState.UPLOADING:
        if upload.sending_began is None:
            return _Lookup(None)
        return _Lookup(tuple(filter(None, (upload.sending_began, upload.went_whole))))
    times = [upload.went_whole] if retry and upload.went_whole is not None else []
    if fingerprint is not None:
        times += [
            other.went_whole
            for other in desk.results.for_order(upload.order_id)
            if other.id != upload.id
            and other.state in RETRIABLE
            and other.file_name == upload.file_name
            and other.fingerprint == fingerprint
            and other.went_whole is not None
        ]
    return _Lookup(tuple(times)) if times else None


async def _look_on_the_result(
    desk: Desk, upload: Upload, result_id: str, lookup: _Lookup
) -> Attachment | None:
    """The copy of the file already on the result, if any. When the attachments cannot be
    listed for good (no permission), the upload fails in words: resumed each round, it would
    only fail again."""
    try:
        existing = await desk.session.sr.list_attachments(upload.order_id, result_id)
    except ApiError as exc:
        if not exc.is_transient:
            if upload.state is UploadState.UPLOADING:  # a try cut off: it may be there
                await asyncio.to_thread(desk.results.mark_delivered, upload.id)
            await asyncio.to_thread(
                desk.results.move, upload.id, upload.order_id, CANCELLABLE, UploadState.FAILED,
                message=f"Could not check whether {upload.file_name} is already there: {exc}",
            )  # fmt: skip
        raise
    # The offset now (the listing's answer said it) only for a time written without one.
    since = lookup.on_service_clock(desk.session.sr.clock_offset)
    return arrived_copy(existing, upload.file_name, since)


async def _cancelled(desk: Desk, entry: JournalEntry, file_name: str) -> StepCancelledError:
    """The coordinator cancelled the file before it was sent: its step fails (Retry re-opens
    it), and the caller is told why."""
    await asyncio.to_thread(desk.journal.fail, entry.id, "Cancelled by the coordinator.")
    return StepCancelledError(f"{file_name} was cancelled.")


async def _delete_assessment(
    desk: Desk, entry: JournalEntry, step: DeleteAssessmentStep, retry: bool
) -> AssessmentDeleted:
    # Checked again when it runs: a delete that failed or waited (Retry, the resumer) may
    # meanwhile have an open order reusing the assessment, which it would leave without one.
    in_use = still_in_use(await _open_orders_on(desk, step.source_candidate_id, entry.order_id))
    if in_use is not None:
        message = f"Not deleted in Berke: {in_use}"
        await asyncio.to_thread(desk.journal.fail, entry.id, message)
        raise StepRefusedError(message)
    berke = desk.session.berke
    # Asked before every try, the first too (the watch may not have seen it yet): a delete
    # left waiting (a 503, Berke's daily limit) went later, after the candidate completed
    # the assessment, and took their results with it. One status call a try.
    status = await berke.get_assessment_status(step.source_candidate_id)
    if status is None:
        # An earlier try's answer was lost, or someone deleted it by hand: it is gone.
        return AssessmentDeleted(source_candidate_id=step.source_candidate_id, already_gone=True)
    if status.progress is BerkeProgress.COMPLETE:
        # Recorded as the watch would (its scores are read when delivered), so the order
        # shows it complete and the button says why at once.
        await asyncio.to_thread(
            desk.berke_watch.record,
            step.source_candidate_id,
            BerkeProgress.COMPLETE,
            completed_at=status.completed_on_utc,
        )
        await _refuse(
            desk,
            entry,
            "Not deleted in Berke: the candidate completed it meanwhile; its results are kept.",
        )
    if status.progress is BerkeProgress.UNKNOWN:
        # No status flag in Berke's answer, or one never defined (a StatusId 3 was read "not
        # started", and deleted): it may be complete, and a delete is for good.
        await asyncio.to_thread(
            desk.berke_watch.record, step.source_candidate_id, BerkeProgress.UNKNOWN
        )
        unknown = status.status_not_known
        why = (
            "Berke's answer did not say whether the candidate has completed the assessment"
            if unknown is None
            # Berke's words, read as its other words are: a status name may quote the token.
            else f"Berke gave a status this desk does not know ({berke.service_text(unknown)}): "
            "the candidate may have completed the assessment"
        )
        await _refuse(
            desk,
            entry,
            f"Not deleted in Berke: {why}, and deleting a completed one would take their "
            "results with it. Check it in Berke, and delete it there if it is not complete.",
        )
    try:
        await berke.delete_assessment(step.source_candidate_id)
    except ValidationApiError as exc:
        # Deleted by hand in Berke before even the first try (the watch had not seen it):
        # the delete's aim is met, once Berke confirms it has no such assessment. Failed,
        # the action stayed offered, and failed again, until the next watch round.
        if not await _deleted_in_berke_now(desk, step.source_candidate_id, exc):
            raise
        return AssessmentDeleted(source_candidate_id=step.source_candidate_id, already_gone=True)
    return AssessmentDeleted(source_candidate_id=step.source_candidate_id)


async def _open_orders_on(desk: Desk, source_candidate_id: str, but: str) -> list[AssessmentOrder]:
    """The open orders, ``but`` this one, linked to the Berke assessment. One open in the
    cache is asked of SmartRecruiters (it may have been completed elsewhere since the last
    sync); one that cannot be asked counts as open. One SmartRecruiters no longer has (held
    as gone, or "not found" now) needs nothing: a candidate erased there takes all their
    orders at once, and their shared assessment is then to be deleted."""

    def cached() -> list[AssessmentOrder]:
        linked = desk.berke_watch.orders_of([source_candidate_id])
        gone = desk.orders.gone()
        orders = (desk.orders.get(i) for i in linked if i != but and i not in gone)
        return [o for o in orders if o is not None and o.status in OPEN_STATUSES]

    still_open: list[AssessmentOrder] = []
    for known in await asyncio.to_thread(cached):
        now = known  # when SmartRecruiters cannot say: it may still need the assessment
        try:
            now = await desk.session.sr.get_order(known.id)
        except NotFoundError:
            continue
        except ApiError:
            pass
        if now.status in OPEN_STATUSES:
            still_open.append(now)
    return still_open


async def _comment(desk: Desk, entry: JournalEntry, step: CommentStep, retry: bool) -> CommentAdded:
    order_id = entry.order_id
    if retry:
        existing = await desk.session.sr.list_comments(order_id)
        same = sum(c.message == step.message for c in existing)
        posted_since = await asyncio.to_thread(_same_words_posted_since, desk, entry, step)
        if same > (step.same_words_before or 0) + posted_since:
            await _written_here(desk, order_id, len(existing))
            return CommentAdded(message=step.message, already_there=True)
    author = _author(desk, step)
    comment = await desk.session.sr.add_comment(order_id, step.message, author=author)
    await _written_here(desk, order_id)
    return CommentAdded(message=comment.message)


def _same_words_posted_since(desk: Desk, entry: JournalEntry, step: CommentStep) -> int:
    """This desk's other comments in the step's words posted since the step counted them:
    the coordinator added the same words again while this one waited, and the one that went
    was taken for this one's, which was never posted."""
    return sum(
        1
        for other in desk.journal.entries(entry.order_id)
        if other.id != entry.id
        and _since(other, entry)
        and isinstance(other.step, CommentStep)
        and other.step.message == step.message
        and isinstance(other.outcome, CommentAdded)
        and not other.outcome.already_there
    )


async def _written_here(desk: Desk, order_id: str, comments_now: int | None = None) -> None:
    """The coordinator's own comment is one more seen: the next poll took it for the
    recruiter's ("1 new comment")."""
    await asyncio.to_thread(desk.berke_watch.comment_written_here, order_id, comments_now)
