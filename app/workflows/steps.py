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

This module runs a step and records its outcome; the checks every step passes before it goes
are in ``step_guards``, and each kind's executor in its own ``step_*`` module.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from dataclasses import dataclass
from typing import assert_never

from app.clients.errors import ApiError, NetworkError, ThrottledError, ValidationApiError
from app.clients.multipart import ProgressCallback
from app.clients.sending import watching_sends
from app.domain.assessment_url import url_prefix
from app.domain.journal import (
    AcceptStep,
    AssessmentLinked,
    CommentStep,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    DeleteAssessmentStep,
    InviteStep,
    JournalEntry,
    JournalOutcome,
    RejectStep,
    ReuseAssessmentStep,
    StepOutcome,
    StepPayload,
    UnreadableStep,
    UploadStep,
    authored,
    breaks_current_rules,
)
from app.domain.journal_terms import StepState
from app.domain.step_cancel import service_of
from app.workflows.desk import Desk, KeptAnswer, step_key
from app.workflows.refusals import (
    OutcomeKeptError,
    StepDeferredError,
    StepRefusedError,
    not_written_why,
)
from app.workflows.step_comment import add_comment
from app.workflows.step_complete import complete, create_result, show_completed
from app.workflows.step_create import BERKE_URL_PREFIX, create_assessment, create_for_an_ended_order
from app.workflows.step_delete import delete_assessment
from app.workflows.step_guards import (
    deleted_in_berke_now,
    ended_order,
    refuse_if_deleted_in_berke,
    refuse_if_gone,
    refuse_if_linked,
    refuse_if_overtaken,
)
from app.workflows.step_invite import invite, invite_for_an_ended_order
from app.workflows.step_status import accept, reject
from app.workflows.step_upload import upload_file

log = logging.getLogger(__name__)


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
    await show_completed(desk, entry.order_id, outcome)


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
        await refuse_if_gone(desk, entry)
    if isinstance(step, NEED_THE_ASSESSMENT):
        await refuse_if_deleted_in_berke(desk, entry, retry, earlier=attempt.earlier)
    match step:
        case CreateAssessmentStep():
            await refuse_if_linked(desk, entry)
            # The resumer's (and Retry's) create asks SmartRecruiters first (the order may
            # have been rejected elsewhere since); a first try goes by the cache: Berke emails
            # no one for a create, and the accept that follows is SmartRecruiters' to refuse.
            if (ended := await ended_order(desk, entry, ask=retry)) is not None:
                return await create_for_an_ended_order(desk, entry, step, retry, ended)
            return await create_assessment(desk, order_id, step, attempt, retry=retry)
        case AcceptStep():
            return await accept(desk, order_id, step, attempt, retry=retry)
        case RejectStep():
            if retry:
                await refuse_if_overtaken(desk, entry)
            return await reject(desk, order_id, step, attempt, retry=retry)
        case InviteStep():
            ask = not context.status_just_read
            if (ended := await ended_order(desk, entry, ask=ask)) is not None:
                return await invite_for_an_ended_order(
                    desk, entry, step, ended, retry=retry, attempt=attempt
                )
            try:
                return await invite(desk, entry, step, attempt, retry=retry)
            except ValidationApiError as exc:
                # Deleted by hand in Berke before the watch saw it: said as the watch would
                # have (and the order shows it), not as Berke's "not known" on every try.
                if await deleted_in_berke_now(desk, step.request.source_candidate_id, exc):
                    await refuse_if_deleted_in_berke(desk, entry, retry, earlier=attempt.earlier)
                raise
        case CompleteStep():
            return await complete(desk, order_id, step, attempt, retry=retry)
        case CreateResultStep():
            return await create_result(desk, order_id, step, retry)
        case UploadStep():
            return await upload_file(desk, entry, step, retry, context.progress)
        case CommentStep():
            return await add_comment(desk, entry, step, retry)
        case DeleteAssessmentStep():
            return await delete_assessment(desk, entry, step, retry)
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


#: Steps that send an assessment on (its URL, its invitation, a reuse of it): none goes once
#: Berke no longer has it, the resumer's and Retry's included, which no action rule sees.
NEED_THE_ASSESSMENT = (AcceptStep, InviteStep, ReuseAssessmentStep)
