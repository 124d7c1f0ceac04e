"""What a coordinator does to one order: create the Berke assessment, accept, reject, invite,
comment. Each checks the rules, then runs as a journaled step (see ``steps``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import UTC, datetime

from pydantic import ValidationError

from app.clients.errors import ApiError
from app.domain.assessment_prefill import is_stable_candidate_id, stable_candidate_id
from app.domain.assessment_url import accept_check, accept_refusal
from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_text import BerkeParam
from app.domain.invitation import InvitationText
from app.domain.invitation_doubt import invitation_doubt
from app.domain.journal import (
    AcceptStep,
    AssessmentLinked,
    CommentAdded,
    CommentStep,
    CreateAssessmentStep,
    DeleteAssessmentStep,
    InviteStep,
    JournalEntry,
    OrderUpdated,
    RejectStep,
    ReuseAssessmentStep,
)
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.link_origin import LinkOrigin, found_in_berke, link_origin
from app.domain.order_rules import OrderAction, why_not
from app.domain.order_state import InvitationDoubt
from app.domain.reused_job import reused_job_id, reused_on_default_job
from app.domain.same_candidate import IdentityKeys, candidate_keys
from app.domain.smartrecruiters import (
    AcceptRequest,
    AssessmentComment,
    AssessmentOrder,
    OrderStatus,
    RejectRequest,
)
from app.domain.sr_limits import message_too_long
from app.domain.superseded_steps import retry_refused_reason
from app.domain.urls import host_of, is_loopback_host
from app.workflows.desk import Desk, invitation_key
from app.workflows.lost_invitation import settle_lost_invitation
from app.workflows.refusals import (
    MAY_HAVE_BEEN_ELSEWHERE,
    MAY_HAVE_BEEN_FOR_ANOTHER_ORDER,
    MAY_HAVE_BEEN_HERE,
    ActionNotAllowedError,
    AlreadyInvitedError,
    OtherInviteWaitingError,
    StepDeferredError,
)
from app.workflows.step_create import id_taken_error, refuse_if_id_used_here
from app.workflows.step_guards import berke_progress
from app.workflows.steps import StepContext, run_step

log = logging.getLogger(__name__)


def check_message(what: str, text: str | None) -> None:
    """Refuse a text SmartRecruiters would get too long (``SR_MESSAGE_MAX``): never cut it."""
    problem = message_too_long(text)
    if problem is not None:
        raise ActionNotAllowedError(f"{what} is too long. {problem}")


async def linked_assessment(desk: Desk, order_id: str) -> LinkedAssessment | None:
    return await asyncio.to_thread(desk.journal.assessment_for, order_id)


async def assessment_request(desk: Desk, order_id: str) -> CreateAssessmentRequest | None:
    """The CreateAssessment request that made the order's Berke assessment, from the journal:
    the names and email Berke holds, which the form may have changed from SmartRecruiters'.
    For a reused assessment, the request of the order it was made for. None: not made here."""
    seen: set[str] = set()
    while order_id not in seen:
        seen.add(order_id)
        entries = await asyncio.to_thread(desk.journal.entries, order_id)
        made = next(
            (
                e.step
                for e in reversed(entries)
                if e.state is StepState.DONE
                and isinstance(e.step, CreateAssessmentStep | ReuseAssessmentStep)
            ),
            None,
        )
        if isinstance(made, CreateAssessmentStep):
            return made.request
        if not isinstance(made, ReuseAssessmentStep) or made.from_order_id is None:
            return None
        order_id = made.from_order_id
    return None


async def invitation_email(desk: Desk, order: AssessmentOrder) -> str:
    """Where Berke's invitation goes: the address the assessment was created with (the form
    may have corrected SmartRecruiters'), else SmartRecruiters' ("" when there is none)."""
    linked = await linked_assessment(desk, order.id)
    return _invitation_address(linked, order)


def _invitation_address(linked: LinkedAssessment | None, order: AssessmentOrder) -> str:
    """The rules' answer (``LinkedAssessment.invitation_address``), for an order without a
    link too."""
    if linked is None:
        return order.candidate.email or ""
    return linked.invitation_address(order.candidate.email)


#: Why an action is refused while a step of its kind waits in the journal to be resumed.
RETRIED_AUTOMATICALLY = (
    "This step is already under way for this order; it is retried automatically (see the "
    "order's activity)."
)

#: The journal steps an action makes: one of them pending (waiting to be resumed), the action
#: is refused here and not offered by the board.
STEPS_OF_ACTION: dict[OrderAction, frozenset[StepKind]] = {
    OrderAction.CREATE_ASSESSMENT: frozenset({StepKind.CREATE_ASSESSMENT}),
    OrderAction.ACCEPT: frozenset({StepKind.ACCEPT}),
    OrderAction.REJECT: frozenset({StepKind.REJECT}),
    OrderAction.INVITE: frozenset({StepKind.INVITE}),
    OrderAction.REMIND: frozenset({StepKind.INVITE}),
    OrderAction.CREATE_ACCEPT_INVITE: frozenset(
        {StepKind.CREATE_ASSESSMENT, StepKind.ACCEPT, StepKind.INVITE}
    ),
    OrderAction.COMPLETE: frozenset({StepKind.COMPLETE, StepKind.CREATE_RESULT}),
    OrderAction.DELIVER: frozenset({StepKind.COMPLETE, StepKind.CREATE_RESULT}),
}


#: What a reject waiting to be resumed holds back: everything that takes the order on. Sent
#: meanwhile, the resumer's reject would go after it (an order accepted and its candidate
#: invited, then rejected).
HELD_BY_A_WAITING_REJECT = frozenset(
    {
        OrderAction.CREATE_ASSESSMENT,
        OrderAction.ACCEPT,
        OrderAction.INVITE,
        OrderAction.REMIND,
        OrderAction.CREATE_ACCEPT_INVITE,
        OrderAction.COMPLETE,
        OrderAction.DELIVER,
        OrderAction.ATTACH,  # its files wait for a result the reject leaves none for
    }
)

#: Why one of those is refused.
REJECT_WAITING = (
    "This order's reject is waiting to be sent to SmartRecruiters; it is retried "
    "automatically (see the order's activity). Nothing that takes the order on can go before it."
)

#: Why a reject is refused while the order's completion waits (it would go first, and a
#: completed order cannot be rejected).
COMPLETION_WAITING = (
    "This order's completion is waiting to be sent to SmartRecruiters; it is retried "
    "automatically (see the order's activity), and a completed order cannot be rejected."
)


def refused_while_waiting(action: OrderAction, pending: Collection[StepKind]) -> str | None:
    """Why ``action`` is refused while the order's ``pending`` steps wait to be resumed: one
    of its own kind (a second would be sent twice), or one it would cross in SmartRecruiters
    (the resumer sends the older step after the newer action)."""
    if not pending:
        return None  # most orders: asked of each of thousands selected
    if STEPS_OF_ACTION.get(action, frozenset()) & set(pending):
        return RETRIED_AUTOMATICALLY
    if StepKind.REJECT in pending and action in HELD_BY_A_WAITING_REJECT:
        return REJECT_WAITING
    if action is OrderAction.REJECT and {StepKind.COMPLETE, StepKind.CREATE_RESULT} & set(pending):
        return COMPLETION_WAITING
    return None


def action_refusal(
    action: OrderAction,
    order: AssessmentOrder,
    linked: LinkedAssessment | None,
    berke: BerkeProgress | None,
    *,
    gone_since: datetime | None,
    pending: Collection[StepKind],
    accept_refused: bool = False,
) -> str | None:
    """Why ``action`` is refused on the order, in words; None when it may run. The order's
    rules first (``why_not``: ended, gone from SmartRecruiters, its assessment deleted in
    Berke), which a step waiting cannot change (its retry is refused for them too); then a
    step waiting (``refused_while_waiting``). The action's own check and the board's enabling
    and tooltip ask this one function: asked in two orders, the tooltip said a gone order's
    waiting step was "retried automatically" where the action refused it as gone."""
    reason = why_not(
        action, order, linked, berke, gone_since=gone_since, accept_refused=accept_refused
    )
    return reason or refused_while_waiting(action, pending)


#: After why an assessment URL is refused: what happened, and what to do.
URL_NOT_SENT = (
    "The order was not accepted: check the assessment in Berke (delete it there and create "
    "it again), or reject the order."
)

#: Said where the batch leaves an accept to the coordinator: the URL has a problem the
#: Accept dialog asks about (plain http, a code it does not end with, lookalike letters).
URL_NEEDS_A_LOOK = (
    "The batch did not accept the order: open it and Accept it (Ctrl+Shift+A) to send this "
    "URL anyway, or reject the order."
)


def http_assessment_urls_allowed(desk: Desk) -> bool:
    """Assessment URLs on plain http are acceptable only from a Berke on this computer (the
    built-in sandbox, a test system)."""
    session = desk.session
    return session.demo or is_loopback_host(host_of(session.berke.base_url))


def url_needs_a_look(desk: Desk, linked: LinkedAssessment) -> str | None:
    """``url_problem_to_look_at`` for this desk's Berke."""
    return url_problem_to_look_at(linked, allow_http_loopback=http_assessment_urls_allowed(desk))


def url_problem_to_look_at(linked: LinkedAssessment, *, allow_http_loopback: bool) -> str | None:
    """Why the batch does not accept with ``linked``'s URL although Accept may send it: a
    problem the Accept dialog asks the coordinator about first, which a batch cannot ask.
    None when the URL has none."""
    check = accept_check(
        linked.assessment_url, linked.invitation_code, allow_http_loopback=allow_http_loopback
    )
    if not check.needs_acknowledgement:
        return None
    return f"{' '.join(check.texts)} {URL_NEEDS_A_LOOK}"


#: The action whose rules a step's Retry passes (what it would send, as that action sends it).
ACTION_OF_STEP: dict[StepKind, OrderAction] = {
    StepKind.CREATE_ASSESSMENT: OrderAction.CREATE_ASSESSMENT,
    StepKind.ACCEPT: OrderAction.ACCEPT,
    StepKind.REJECT: OrderAction.REJECT,
    StepKind.INVITE: OrderAction.INVITE,
    StepKind.COMPLETE: OrderAction.COMPLETE,
    StepKind.CREATE_RESULT: OrderAction.COMPLETE,
}


def retry_refused_while_waiting(step: StepKind, pending: Collection[StepKind]) -> str | None:
    """Why a failed step's Retry is refused while the order's ``pending`` steps wait: what
    holds its action back holds its Retry (an accept retried while the order's reject waited
    went, and the reject after it). Its own kinds waiting are left to ``retry_refused_reason``,
    which says which step waits to do its job rather than call it this one."""
    action = ACTION_OF_STEP.get(step)
    if action is None:
        return None
    others = set(pending) - STEPS_OF_ACTION.get(action, frozenset())
    return refused_while_waiting(action, others)


def retry_refusal(entry: JournalEntry, timeline: Sequence[JournalEntry]) -> str | None:
    """Why the failed ``entry``'s Retry is refused, read from the order's ``timeline`` (its
    journal): a step waiting holds it back (``retry_refused_while_waiting``), or a later step
    did or waits to do its job (``retry_refused_reason``). The board's Retry and the
    Activity's button both ask this, so that the button is never on for a Retry the board
    refuses. None: Retry may send it."""
    pending = {e.action for e in timeline if e.state is StepState.PENDING and e.id != entry.id}
    return retry_refused_while_waiting(entry.action, pending) or retry_refused_reason(
        entry, timeline
    )


async def _check(
    desk: Desk,
    action: OrderAction,
    order: AssessmentOrder,
    linked: LinkedAssessment | None = None,
) -> LinkedAssessment | None:
    """The order's link after the rules and the journal allow ``action`` (``linked``: the
    link already read)."""
    if linked is None:
        linked = await linked_assessment(desk, order.id)
    gone_since = await asyncio.to_thread(desk.orders.gone_since, order.id)
    berke = await berke_progress(desk, linked)
    pending = await asyncio.to_thread(desk.journal.pending_kinds, order.id)
    reason = action_refusal(action, order, linked, berke, gone_since=gone_since, pending=pending)
    if reason:
        raise ActionNotAllowedError(reason)
    return linked


#: Why an order waits while the candidate's other order's create waits in the journal: made
#: now, theirs would be made too when it is retried (two assessments, two invitations).
OTHER_CREATE_WAITING = (
    "The candidate's other order's Berke assessment is still being created (it is retried "
    "automatically): run this once it is, so that this order reuses it rather than make the "
    "candidate a second assessment and a second invitation."
)


def other_create_waiting(desk: Desk, order: AssessmentOrder) -> str | None:
    """``OTHER_CREATE_WAITING`` when a create waits in the journal for another order of the
    candidate (``same_candidate``): the reuse, which sees linked assessments only, would not
    find it. None otherwise. Blocking: run it in a thread."""
    waiting = desk.journal.orders_with_pending(StepKind.CREATE_ASSESSMENT)
    if create_waiting_for_candidate(order, waiting, desk.orders.get):
        return OTHER_CREATE_WAITING
    return None


def create_waiting_for_candidate(
    order: AssessmentOrder,
    waiting: Iterable[str],
    order_of: Callable[[str], AssessmentOrder | None],
    keys_of: Callable[[AssessmentOrder], IdentityKeys] = candidate_keys,
) -> bool:
    """Whether one of the ``waiting`` orders (those whose create waits in the journal) is
    another order of ``order``'s candidate: the store's answer and the board's (from its
    memory, with its cached keys) are this one."""
    others = set(waiting) - {order.id}
    if not others:
        return False
    mine = keys_of(order)
    for other_id in others:
        other = order_of(other_id)
        if other is not None and mine.matches(keys_of(other)):
            return True
    return False


async def has_pending_step(desk: Desk, order_id: str, *actions: StepKind) -> bool:
    """Whether a step of one of ``actions`` is pending for the order."""
    return await asyncio.to_thread(desk.journal.has_pending, order_id, *actions)


async def create_assessment(
    desk: Desk, order: AssessmentOrder, request: CreateAssessmentRequest
) -> LinkedAssessment:
    """Create the Berke assessment for ``order`` and link it; never a second one per order.

    Without a typed id the order's own id is sent. A typed id is looked up first: one Berke
    already holds is refused in words (``ValidationApiError`` on sourceCandidateId) before
    anything is journaled or sent.
    """
    return (await create_assessment_outcome(desk, order, request)).link


async def create_assessment_outcome(
    desk: Desk, order: AssessmentOrder, request: CreateAssessmentRequest
) -> AssessmentLinked:
    """``create_assessment``, with whether the link was made by this step or found in Berke
    after an answer was lost (``recovered``: another desk may have made, and invited, it)."""
    await _check(desk, OrderAction.CREATE_ASSESSMENT, order)
    waiting = await asyncio.to_thread(other_create_waiting, desk, order)
    if waiting is not None:
        raise ActionNotAllowedError(waiting)
    candidate_id = request.source_candidate_id
    if candidate_id is None:
        # Always send an id: it is what makes an interrupted create detectable.
        request = request.model_copy(update={"source_candidate_id": stable_candidate_id(order.id)})
    elif not is_stable_candidate_id(order.id, candidate_id):
        existing = await desk.session.berke.get_assessment_status(candidate_id)
        if existing is not None:
            raise id_taken_error(candidate_id, existing, request, desk.session.berke.service_text)
        # Asked before the step is journaled: a refused id leaves no failed step behind.
        await refuse_if_id_used_here(desk, order.id, candidate_id)
    step = CreateAssessmentStep(request=request)
    outcome = await run_step(desk, order.id, step)
    assert isinstance(outcome, AssessmentLinked)
    return outcome


async def accept_order(
    desk: Desk,
    order: AssessmentOrder,
    *,
    message: str | None = None,
    message_to_candidate: str | None = None,
) -> AssessmentOrder:
    """Accept with the linked assessment's URL: NEW → IN_PROGRESS."""
    check_message("The message to the recruiter", message)
    check_message("The message to the candidate", message_to_candidate)
    linked = await _check(desk, OrderAction.ACCEPT, order)
    assert linked is not None  # the rules require it
    refused = accept_refusal(linked.assessment_url, linked.invitation_code)
    if refused is not None:  # a link stored before Accept refused it (the batch's, say)
        raise ActionNotAllowedError(f"{refused} {URL_NOT_SENT}")
    try:
        request = AcceptRequest(
            assessment_url=linked.assessment_url,
            # An empty message is no message: absent from the body, not sent empty.
            message=message or None,
            message_to_candidate=message_to_candidate or None,
        )
    except ValidationError:
        # A link stored before Berke's answers were held to a web address: said, not a bug.
        raise ActionNotAllowedError(
            "The assessment URL Berke gave is not a web address SmartRecruiters takes: the "
            "order was not accepted. Delete the assessment in Berke and create it again."
        ) from None
    outcome = await run_step(desk, order.id, AcceptStep(request=request))
    assert isinstance(outcome, OrderUpdated)
    return _as_updated(order, outcome)


async def reject_order(desk: Desk, order: AssessmentOrder, *, reason: str) -> AssessmentOrder:
    """Reject with a reason (never an assessment URL): the customer gets a credit back."""
    check_message("The reason", reason)
    await _check(desk, OrderAction.REJECT, order)
    step = RejectStep(request=RejectRequest(message=reason))
    outcome = await run_step(desk, order.id, step)
    assert isinstance(outcome, OrderUpdated)
    return _as_updated(order, outcome)


def _as_updated(order: AssessmentOrder, outcome: OrderUpdated) -> AssessmentOrder:
    """The order as the step left it: as SmartRecruiters answered, or (an empty answer, the
    order neither read back nor held) ``order`` in the status the step gave it."""
    if outcome.order is not None:
        return outcome.order
    return order.model_copy(update={"status": outcome.status})


def default_invitation(desk: Desk) -> InvitationText | None:
    """The connection profile's invitation message and sender, if it keeps any."""
    profile = desk.session.profile
    return profile.default_invitation if profile is not None else None


async def send_invitation(
    desk: Desk,
    order: AssessmentOrder,
    *,
    invitation: InvitationText | None = None,
    resend: bool = False,
    just_created: bool = False,
    just_accepted: bool = False,
) -> LinkedAssessment:
    """Berke emails the candidate the invitation; recorded on the link. An invitation Berke
    counts but this desk never sent is not repeated unless ``resend``. Nothing goes for an
    order SmartRecruiters shows rejected or completed: it is asked first (a colleague's reject
    reaches the cached copy only with the full sync), unless ``just_accepted``.

    ``invitation`` is the message and sender to send; None means the profile's default (an
    empty ``InvitationText`` means Berke's own account default). ``just_created``: the caller
    created the assessment itself a moment ago (the batch), so Berke has sent nothing yet.
    ``just_accepted``: the caller accepted the order itself a moment ago (the batch, in the
    same run), so SmartRecruiters' answer to that accept is the status to go by: asked again,
    a batch of 200 orders would make 200 more calls for statuses a moment old."""
    linked = await linked_assessment(desk, order.id)
    # Once this desk has sent it, sending again is a reminder (its own rules); before that a
    # resend is the coordinator overriding Berke's count of an invitation sent elsewhere.
    reminding = resend and linked is not None and linked.invitation_sent
    # A pending invite step is the resumer's to retry: a second send would be a second one.
    linked = await _check(
        desk, OrderAction.REMIND if reminding else OrderAction.INVITE, order, linked
    )
    assert linked is not None
    email = _invitation_address(linked, order)  # the link in hand: the journal is not read again
    text = invitation if invitation is not None else default_invitation(desk)
    request = SendInvitationRequest.model_validate(
        {
            BerkeParam.SOURCE_CANDIDATE_ID: linked.source_candidate_id,
            BerkeParam.EMAIL_ADDRESS: email,
            **(text.to_params() if text is not None else {}),
        }
    )
    # A resend while their other order's send of this assessment's invitation waits (its
    # answer lost, or Berke busy): it may have gone, and neither the cooldown (sends known to
    # have gone) nor Berke's count (a reminder expects one already) can tell. A first send
    # waits only where Berke gives no count: the count below finds the other's, if it went.
    if resend and await asyncio.to_thread(other_invite_waiting, desk, linked):
        raise OtherInviteWaitingError(OTHER_INVITE_WAITING)
    # Counted and sent as one move per assessment: the candidate's other order (its Invite,
    # its batch, or the resumer retrying its invitation) may be sending the same one.
    key = invitation_key(linked.source_candidate_id)
    if not desk.claim(key):
        raise StepDeferredError(
            "The candidate's invitation to this Berke assessment is being sent right now, for "
            "their other order: look again in a moment."
        )
    lost: Exception | None = None
    try:
        # How many Berke had sent before: a retry counts this invitation as sent only if it
        # grew. One created by the same call a moment ago (the batch) has sent none. None:
        # Berke does not say (its reference's status has no count, nor by default the sandbox's),
        # and a retry goes by whether an earlier try of it may have gone.
        sent_before: int | None = 0
        if not just_created:
            status = await desk.session.berke.get_assessment_status(linked.source_candidate_id)
            sent_before = status.invitations_sent if status is not None else 0
        if not linked.invitation_sent and not resend:
            await _refuse_if_invited_before(desk, linked, sent_before)
        step = InviteStep(request=request, invitations_sent_before=sent_before)
        try:
            await run_step(desk, order.id, step, StepContext(status_just_read=just_accepted))
        except Exception as exc:  # noqa: BLE001 - raised again, below
            lost = exc  # looked into once the key is let go: the resumer's pass claims it
    finally:
        desk.release(key)
    if lost is not None:
        await settle_lost_invitation(desk, order.id, lost)
    refreshed = await linked_assessment(desk, order.id)
    assert refreshed is not None
    return refreshed


async def _refuse_if_invited_before(
    desk: Desk, linked: LinkedAssessment, sent_before: int | None
) -> None:
    """A first invitation Berke sent already (``AlreadyInvitedError``). Where Berke gives no
    count, only this desk's journal can tell: the other order's send of it that waits (it may
    have gone; the count would have shown it) holds this one back, and one that went refuses
    it; so does one that may have gone (this order's, or the other's), or an assessment found
    in Berke or an order accepted elsewhere (another desk may have sent it): the coordinator
    is asked."""
    if sent_before:
        shared = await asyncio.to_thread(invited_for_another_order, desk, linked)
        raise AlreadyInvitedError(sent_before, sent_here_for_another_order=shared)
    if sent_before is not None:
        return
    if await asyncio.to_thread(other_invite_waiting, desk, linked):
        raise OtherInviteWaitingError(OTHER_INVITE_WAITING)
    if await asyncio.to_thread(invited_for_another_order, desk, linked):
        sent = await asyncio.to_thread(sent_for_another_order, desk, linked)
        maybe = None if sent else MAY_HAVE_BEEN_FOR_ANOTHER_ORDER
        raise AlreadyInvitedError(None, sent_here_for_another_order=True, may_have_been=maybe)
    if await asyncio.to_thread(own_invitation_doubt, desk, linked.order_id) is not None:
        raise AlreadyInvitedError(None, may_have_been=MAY_HAVE_BEEN_HERE)
    if await asyncio.to_thread(_link_from_elsewhere, desk, linked.order_id):
        raise AlreadyInvitedError(None, may_have_been=MAY_HAVE_BEEN_ELSEWHERE)


def _link_from_elsewhere(desk: Desk, order_id: str) -> bool:
    """Whether the order's assessment, or its accept, may be another desk's: the link was
    found in Berke (``assessment_found_in_berke``), or the order is in progress without this
    desk's accept. That desk may have invited to it. Blocking: run it in a thread."""
    if assessment_found_in_berke(desk, order_id):
        return True
    timeline = desk.journal.entries(order_id)
    order = desk.orders.get(order_id)
    accepted = any(e.action is StepKind.ACCEPT and e.state is StepState.DONE for e in timeline)
    return order is not None and order.status is OrderStatus.IN_PROGRESS and not accepted


def assessment_found_in_berke(desk: Desk, order_id: str) -> bool:
    """Whether the order's assessment was found in Berke where this desk's create was refused
    as taken (made before it, under the order's own id: not one a lost answer of its own
    made), for this order or, followed back through its reuses (``from_order_id``, as
    ``assessment_request`` follows them), the order it was found for: the invitation is the
    same one (``link_origin.found_in_berke``). Looking at the order's own link only, a reuse
    of a colleague's assessment was taken for this desk's own, and its Invite (and the batch)
    emailed the candidate the same invitation again, unasked. Blocking: run it in a thread."""

    def origin_of(other: str) -> LinkOrigin | None:
        linked = [
            (entry.step, entry.outcome)
            for entry in desk.journal.entries(other)
            if isinstance(entry.outcome, AssessmentLinked)
        ]
        if not linked:
            return None
        step, outcome = linked[-1]
        reused_from = step.from_order_id if isinstance(step, ReuseAssessmentStep) else None
        return link_origin(outcome.recovered, outcome.own_try, reused_from)

    return found_in_berke(order_id, origin_of)


def own_invitation_doubt(desk: Desk, order_id: str) -> InvitationDoubt | None:
    """Whether the order's own invitation may have gone without this desk seeing it go
    (``invitation_doubt``). Blocking: run it in a thread."""
    return invitation_doubt(desk.journal.entries(order_id))


def invitation_went_or_may_have(desk: Desk, linked: LinkedAssessment) -> bool:
    """Whether the assessment's invitation went, or may have gone, from this desk for the
    order of ``linked`` or another linked to it: a reuse of it sends none unasked. One still
    waiting is not counted here: where Berke counts, the send finds it by the count (and
    where it does not, it waits for it). Blocking: run it in a thread."""
    if linked.invitation_sent or _invitation_may_have_gone(desk, linked.order_id):
        return True
    return invited_for_another_order(desk, linked)


#: Why an invitation or a reminder waits while the candidate's other order's send of the same
#: assessment's invitation waits in the journal: sent now, the candidate may get it twice.
OTHER_INVITE_WAITING = (
    "The invitation or reminder sent for the candidate's other order is waiting to be "
    "confirmed (its answer was lost, or Berke was busy), so it is not sent a second time "
    "meanwhile: that order's activity says what became of it."
)


def _other_orders_on(desk: Desk, linked: LinkedAssessment) -> set[str]:
    """The other orders linked to ``linked``'s assessment (the candidate's, reusing it)."""
    return set(desk.journal.orders_linked_to(linked.invitation_code)) - {linked.order_id}


def other_invite_waiting(desk: Desk, linked: LinkedAssessment) -> bool:
    """Whether an invite step waits in the journal for another order linked to the same
    assessment. Blocking: run it in a thread."""
    others = _other_orders_on(desk, linked)
    return any(desk.journal.has_pending(other, StepKind.INVITE) for other in others)


def invited_for_another_order(desk: Desk, linked: LinkedAssessment) -> bool:
    """Whether this desk sent the assessment's invitation for another order linked to it
    (the candidate's other order, whose assessment this one reuses), or its send waits there
    to be checked and retried (its answer was lost): Berke's count of it is this desk's, not
    "another desk's", and the resumer finishes it."""
    others = _other_orders_on(desk, linked)
    for other in others:
        link = desk.journal.assessment_for(other)
        if link is not None and link.invitation_sent:
            return True
        if link is not None and desk.journal.has_pending(other, StepKind.INVITE):
            return True
        if link is not None and _invitation_may_have_gone(desk, other):
            return True
    return False


def _invitation_may_have_gone(desk: Desk, order_id: str) -> bool:
    """Whether the order's latest invitation failed after a try that may have gone (its
    answer lost where Berke gives no count, so it was not sent again): the candidate may have
    it, and their other order's Invite sent it a second time unasked."""
    doubt = own_invitation_doubt(desk, order_id)
    return doubt is not None and not doubt.waiting


def sent_for_another_order(desk: Desk, linked: LinkedAssessment) -> bool:
    """Whether this desk is known to have sent the assessment's invitation for another order
    linked to it (not only may have)."""
    others = _other_orders_on(desk, linked)
    return any(
        (link := desk.journal.assessment_for(other)) is not None and link.invitation_sent
        for other in others
    )


def last_invitation_text(desk: Desk, linked: LinkedAssessment) -> InvitationText | None:
    """The message and sender of the latest invitation this desk sent of the assessment (for
    any order linked to it), or None when it sent none: what a reminder sends again. The
    profile's default, sent instead, was not what the candidate got when the coordinator had
    typed their own words (or changed the default since)."""
    orders = {linked.order_id, *desk.journal.orders_linked_to(linked.invitation_code)}
    sent = [
        entry
        for order_id in orders
        for entry in desk.journal.entries(order_id)
        if entry.state is StepState.DONE
        and isinstance(entry.step, InviteStep)
        and entry.step.request.source_candidate_id.casefold()
        == linked.source_candidate_id.casefold()
    ]
    if not sent:
        return None
    latest = max(sent, key=lambda entry: (entry.updated_at, entry.id)).step
    assert isinstance(latest, InviteStep)
    try:
        return InvitationText(
            message=latest.request.message,
            sender_name=latest.request.sender_name,
            sender_email=latest.request.sender_email,
        )
    except ValidationError:  # one an older version let through: the default goes instead
        return None


async def delete_in_berke(desk: Desk, order: AssessmentOrder, linked: LinkedAssessment) -> None:
    """DeleteAssessment for the order's assessment, journaled (the order ended elsewhere)."""
    if await has_pending_step(desk, order.id, StepKind.DELETE_ASSESSMENT):
        raise ActionNotAllowedError("Deleting it is already under way; it is retried.")
    step = DeleteAssessmentStep(source_candidate_id=linked.source_candidate_id)
    await run_step(desk, order.id, step)


async def reuse_assessment(
    desk: Desk, order: AssessmentOrder, source: LinkedAssessment, from_order_id: str
) -> LinkedAssessment:
    """Link the candidate's existing assessment to ``order`` instead of creating one: accept
    then sends its URL, and its result (once complete) is delivered for this order's job."""
    await _check(desk, OrderAction.CREATE_ASSESSMENT, order)
    if await berke_progress(desk, source) is BerkeProgress.DELETED:
        raise ActionNotAllowedError(
            f"Berke no longer has the candidate's assessment ({source.invitation_code}): it "
            "was deleted there. Create a new one for this order instead."
        )
    source_order = await asyncio.to_thread(desk.orders.get, from_order_id)
    source_reused = await asyncio.to_thread(
        desk.journal.has_step, from_order_id, [StepKind.REUSE_ASSESSMENT], StepState.DONE
    )
    link = source.model_copy(
        update={
            "order_id": order.id,
            "created_at": datetime.now(UTC),
            # The invitation belongs to the assessment; this order has not been sent one.
            "invited_email": None,
            "invited_at": None,
            # Its result is this order's job's fit: the job chosen for the other order when
            # it is a re-order of the same job, else the fit for this job's name. Decided
            # here and kept in the step's link, so a step resumed after a crash links the same.
            "source_job_id": reused_job_id(order, source_order, source),
            "on_default_job": reused_on_default_job(
                order, source_order, source, source_reused=source_reused
            ),
        }
    )
    step = ReuseAssessmentStep(link=link, from_order_id=from_order_id)
    outcome = await run_step(desk, order.id, step)
    assert isinstance(outcome, AssessmentLinked)
    return outcome.link


async def list_comments(desk: Desk, order: AssessmentOrder) -> list[AssessmentComment]:
    return await desk.session.sr.list_comments(order.id)


async def add_comment(desk: Desk, order: AssessmentOrder, message: str) -> AssessmentComment:
    check_message("The comment", message)
    await _check(desk, OrderAction.COMMENT, order)  # an order SR no longer has takes none
    # Counted before the first try: a retry takes a comment in the same words for its own
    # only if there are more of them now (a recruiter's "OK", a reminder noted twice).
    same_before: int | None = None
    try:
        existing = await desk.session.sr.list_comments(order.id)
        same_before = sum(c.message == message for c in existing)
    except ApiError as exc:
        # Not counted, still sent: a busy listing must not lose the comment (the window says
        # a transient failure "goes by itself"). A retry then takes any in its words.
        log.info("The comments of order %s could not be counted: %s", order.id, exc)
    step = CommentStep(message=message, same_words_before=same_before)
    outcome = await run_step(desk, order.id, step)
    assert isinstance(outcome, CommentAdded)
    return AssessmentComment(message=outcome.message, author=desk.author)
