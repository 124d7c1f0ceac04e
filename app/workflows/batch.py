"""Create, accept and invite in one go, for one order or a selection of them.

Pacing comes from the clients' own pacers (SmartRecruiters 10/s and 8 at once, Berke's burst
limit), so a long selection goes as fast as both services allow and no faster. Orders run one
after another: a coordinator can read the outcome list as it grows, and cancelling stops
cleanly between two calls' worth of work.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from enum import StrEnum

from pydantic import ValidationError

from app.clients.errors import ApiError, Service, StateConflictError, ThrottledError
from app.domain.assessment_prefill import match_job, prefill_from_order
from app.domain.berke import BerkeJob, CreateAssessmentRequest
from app.domain.berke_jobs import no_match_warning
from app.domain.berke_text import BerkeParam
from app.domain.field_errors import FORM_LEVEL, field_errors
from app.domain.invitation import InvitationText
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.order_rules import (
    unsendable_address,
)
from app.domain.same_candidate import IdentityKeys, candidate_keys
from app.domain.service_time import local_time
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.workflows.batch_rules import (
    BatchFacts,
    OtherOrderInvitation,
    batch_refusal,
    invitation_elsewhere,
)
from app.workflows.desk import Desk
from app.workflows.order_actions import (
    ActionNotAllowedError,
    AlreadyInvitedError,
    accept_order,
    assessment_found_in_berke,
    check_message,
    create_assessment_outcome,
    create_waiting_for_candidate,
    http_assessment_urls_allowed,
    invitation_went_or_may_have,
    linked_assessment,
    own_invitation_doubt,
    reuse_assessment,
    send_invitation,
    url_needs_a_look,
)
from app.workflows.refusals import OtherInviteWaitingError, StepDeferredError, StepRefusedError
from app.workflows.steps import unexpected_failure

log = logging.getLogger(__name__)


class OutcomeKind(StrEnum):
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Outcome:
    order_id: str
    candidate: str
    kind: OutcomeKind
    detail: str
    #: Skipped before it began (the batch was cancelled, or a service's daily limit was
    #: reached before it): may be run later.
    not_run: bool = False
    #: The service whose daily limit this order's call ran into: the rest are not run.
    daily_limit: Service | None = None


#: Why an order a Cancel stopped before it began was not run.
CANCELLED = "Cancelled."


def daily_limit_reached(service: Service) -> str:
    """Why the batch did not run the orders after one that hit ``service``'s daily limit:
    each would queue a call that goes unasked when the limit lifts, and show Failed."""
    return f"Not run: the daily limit of {service} calls is reached. Run it once the limit lifts."


RequestFactory = Callable[[AssessmentOrder], CreateAssessmentRequest]


def default_request(order: AssessmentOrder, jobs: list[BerkeJob]) -> CreateAssessmentRequest:
    """The request the form would start with: the order's candidate (less the optional data
    Berke would refuse, which the form shows to be cleared), its matching Berke job, and no
    typed id (so the order's own id is sent)."""
    return request_for_job(order, match_job(order, jobs))


def request_for_job(order: AssessmentOrder, job: BerkeJob | None) -> CreateAssessmentRequest:
    """The form's defaults for the order's candidate, for ``job`` (None: Berke's default),
    without the optional data Berke would refuse (``request_and_left_out``)."""
    return request_and_left_out(order, job)[0]


def request_and_left_out(
    order: AssessmentOrder, job: BerkeJob | None
) -> tuple[CreateAssessmentRequest, bool]:
    """``request_for_job``, and whether the order's phone number was left out of it.

    The batch cannot clear a field as the form's coordinator can, and a coordinator usually
    cannot correct SmartRecruiters' data: an optional value Berke would refuse is left out
    rather than the order skipped. An address Berke will not take (101 to 254 characters:
    well-formed for SmartRecruiters, but Berke takes 100) is sent as none, as the invitation
    step treats it: accepted, no invitation, the code to give. A phone number is printed
    only on report covers: one Berke would refuse (over 50 characters) is left out, and the
    plan says so. A name it would refuse still makes no request (ValueError): there is none
    to make without it."""
    params: dict[str, object] = dict(prefill_from_order(order))
    email = order.candidate.email
    if email and unsendable_address(email) is not None:
        params[BerkeParam.EMAIL_ADDRESS] = ""
    if job is not None:
        params[BerkeParam.SOURCE_JOB_ID] = job.source_job_id
    try:
        return CreateAssessmentRequest.model_validate(params), False
    except ValidationError as exc:
        if BerkeParam.PHONE_NUMBER not in field_errors(exc):
            raise
    params[BerkeParam.PHONE_NUMBER] = ""
    return CreateAssessmentRequest.model_validate(params), True


class PlanKind(StrEnum):
    CREATE = "create"  # a new Berke assessment, then accept and invite
    REUSE = "reuse"  # the candidate's existing assessment, then accept (no new invitation)
    CARRY_ON = "carry_on"  # the assessment exists already: what is left of accept and invite
    SKIP = "skip"  # nothing can be done (``reason``)


@dataclass(frozen=True)
class PlannedOrder:
    """What the batch will do to one order, shown before it runs."""

    order: AssessmentOrder
    kind: PlanKind
    #: The Berke job a new assessment is created for; None: Berke's default job of the account.
    job: BerkeJob | None = None
    #: The job was found from the order's job title (False: the default, or chosen by hand).
    matched: bool = False
    #: The order whose assessment is reused: the run reuses that one (the rows above may have
    #: made another the newest). With ``in_this_batch``, a row above makes or links it.
    reuse_from: str | None = None
    in_this_batch: bool = False
    #: That order in words, for the coordinator to know which assessment is meant: "their
    #: Registered Nurse order of 2026-12-03 09:30" ("" when not known).
    reuse_from_words: str = ""
    reason: str = ""
    #: Where the invitation goes when the assessment exists already (CARRY_ON, or REUSE of one
    #: whose invitation has not gone): the address it was created with (typed in the form),
    #: else SmartRecruiters'.
    invite_to: str | None = None
    #: The assessment's invitation went already, or an earlier row of this batch sends it
    #: (the candidate's other order): none is sent for this order. For REUSE, False means the
    #: other order stopped before its invitation (or had no address), so this one sends it.
    invited_already: bool = False
    #: Not invited from this desk, but the assessment was found in Berke, made by another desk
    #: (``assessment_found_in_berke``), which may have invited to it: the run sends no
    #: invitation unless Berke shows none went, as Invite asks first.
    invited_elsewhere_maybe: bool = False
    #: CREATE: the order's phone number is left out of the new assessment, Berke would refuse
    #: it (``request_and_left_out``).
    without_phone: bool = False

    @property
    def order_id(self) -> str:
        return self.order.id

    @property
    def job_text(self) -> str:
        if self.kind is not PlanKind.CREATE:
            return "—"
        if self.job is None:
            return "Berke's default job"
        return self.job.name or self.job.source_job_id

    @property
    def invites_unless_sent_elsewhere(self) -> bool:
        """Whether the run's invitation goes only if Berke shows none went (another desk made
        the assessment): not an order with no address to invite, which gets none anyway."""
        email = self.invite_to if self.invite_to is not None else self.order.candidate.email
        return self.invited_elsewhere_maybe and not self.invited_already and _can_invite(email)

    def what_happens(self) -> str:
        """The steps, in words ("Create, accept, invite zoe@example.com")."""
        email = self.invite_to if self.invite_to is not None else self.order.candidate.email
        invite = _invite_in_words(email)
        if self.invites_unless_sent_elsewhere:
            invite = MAY_HAVE_GONE_ELSEWHERE_STEP
        match self.kind:
            case PlanKind.SKIP:
                return f"Skipped: {self.reason}"
            case PlanKind.REUSE:
                # "Reuse the assessment of their Nurse order of 2026-12-03 09:30 (in this batch)":
                # short enough for the plan's two lines (the tooltip has it whole).
                which = (
                    f"the assessment of {self.reuse_from_words}"
                    if self.reuse_from_words
                    else "the candidate's Berke assessment"
                )
                notes = ["in this batch"] if self.in_this_batch and self.reuse_from_words else []
                if self.invited_already:
                    said = f" ({notes[0]})" if notes else ""
                    return f"Reuse {which}{said}, accept; no second invitation"
                yet = "found in Berke" if self.invited_elsewhere_maybe else "not invited yet"
                said = f" ({'; '.join([*notes, yet])})"
                return f"Reuse {which}{said}, accept, {invite}"
            case PlanKind.CARRY_ON:
                if self.invited_already:  # invited before it was accepted (Invite, by hand)
                    return "Already created and invited: accept"
                if self.order.status is OrderStatus.IN_PROGRESS:
                    return f"Already created and accepted: {invite}"
                return f"Already created: accept if needed, {invite}"
        if self.without_phone:
            return f"Create ({PHONE_LEFT_OUT}), accept, {invite}"
        return f"Create, accept, {invite}"

    def warning(self) -> str | None:
        """What the coordinator should look at before running, or None."""
        if self.kind is not PlanKind.CREATE:
            return None
        if self.job is None:
            title = self.order.job.name if self.order.job else ""
            return (
                f"No Berke job matches “{title}”: Berke's default job is used unless you "
                "choose one."
                if title
                else "The order names no job: Berke's default job is used unless you choose one."
            )
        return no_match_warning(self.job, self.order)

    def job_in_words(self) -> str:
        """The Berke job as the plan's column says it: the job and how it was chosen, or,
        marked ⚠, why to check it ("⚠ Personality only (no match score)"): the colour alone
        told neither a colour-blind coordinator nor a screen reader which row was meant."""
        check = self._why_check_the_job()
        if check:
            # Not also how it was chosen: three lines, cut in the column (``job_warning``).
            return f"⚠ {self.job_text} ({check})"
        return self.job_text + (" (chosen from the order's job)" if self.matched else "")

    def job_warning(self) -> str | None:
        """``warning`` whole, with how the job was chosen, which its cell has no room for."""
        warning = self.warning()
        if warning and self.matched:
            return f"{warning} It was chosen from the order's job."
        return warning

    def _why_check_the_job(self) -> str | None:
        """``warning`` in a few words, short enough for the plan's Berke job column."""
        if self.kind is not PlanKind.CREATE:
            return None
        if self.job is None:
            named = self.order.job is not None and bool(self.order.job.name)
            return "no job matched" if named else "order names no job"
        return "no match score" if no_match_warning(self.job, self.order) else None

    def with_job(self, job: BerkeJob | None) -> PlannedOrder:
        return replace(self, job=job, matched=False)


#: The plan's note on a new assessment made without the order's phone number (it is printed
#: only on report covers): what a coordinator would have cleared in the form.
PHONE_LEFT_OUT = "phone number left out: Berke would refuse it"

#: The plan's last step for an order whose assessment another desk made (found in Berke): the
#: run's invitation step sends none where Berke does not say how many went (its reference
#: gives no count), and one where it shows none.
MAY_HAVE_GONE_ELSEWHERE_STEP = (
    "no invitation unless Berke shows none went (another desk made the assessment, and may "
    "have sent it)"
)


def plan_summary(plan: Sequence[PlannedOrder]) -> str:
    """The plan in one sentence: how many run, how many are skipped, how many another desk
    may have invited (counted apart: they are accepted, not invited), how many jobs to check."""
    runnable = sum(1 for p in plan if p.kind is not PlanKind.SKIP)
    text = f"{runnable} of {len(plan)} selected orders will be run"
    skipped = len(plan) - runnable
    if skipped:
        text += f"; {skipped} skipped (the list says why)"
    elsewhere = sum(
        1 for p in plan if p.kind is not PlanKind.SKIP and p.invites_unless_sent_elsewhere
    )
    if elsewhere:
        text += (
            f". {elsewhere} {'has an assessment' if elsewhere == 1 else 'have assessments'} "
            "another desk made, and may have invited to: no invitation goes for "
            f"{'it' if elsewhere == 1 else 'them'} unless Berke shows none went (Invite asks "
            "first)"
        )
    warned = sum(1 for p in plan if p.warning())
    if warned:
        text += f". Check the Berke job of {warned} (marked ⚠; double-click to change it)"
    return text + ". Nothing is sent until you run it."


async def why_not_in_batch(
    desk: Desk, order: AssessmentOrder, linked: LinkedAssessment | None
) -> str | None:
    """Why the batch leaves ``order`` alone (``batch_rules.batch_refusal``), from the store's
    latest state; None when it takes it."""
    return batch_refusal(await asyncio.to_thread(stored_batch_facts, desk, order, linked))


def stored_batch_facts(
    desk: Desk, order: AssessmentOrder, linked: LinkedAssessment | None
) -> BatchFacts:
    """``BatchFacts`` of the order as the store has them (the board fills them in from its
    memory: ``OrderBoard._batch_facts``). Blocking: run it in a thread."""
    journal = desk.journal
    facts = BatchFacts(
        order,
        linked,
        berke=desk.berke_watch.progress(linked.source_candidate_id) if linked else None,
        gone_since=desk.orders.gone_since(order.id),
        pending=frozenset(journal.pending_kinds(order.id)),
        allow_http_loopback=http_assessment_urls_allowed(desk),
    )
    if linked is None:
        waiting = journal.orders_with_pending(StepKind.CREATE_ASSESSMENT)
        made_elsewhere = create_waiting_for_candidate(order, waiting, desk.orders.get)
        return replace(facts, other_create_waiting=made_elsewhere)
    return replace(
        facts,
        accepted_here=journal.has_step(order.id, [StepKind.ACCEPT], StepState.DONE),
        invitation_doubt=own_invitation_doubt(desk, order.id) is not None,
        elsewhere=invitation_elsewhere(_other_orders_invitations(desk, linked)),
    )


def _other_orders_invitations(
    desk: Desk, linked: LinkedAssessment
) -> Iterator[OtherOrderInvitation]:
    """The invitation as each other order linked to ``linked``'s assessment has it."""
    for other in set(desk.journal.orders_linked_to(linked.invitation_code)) - {linked.order_id}:
        link = desk.journal.assessment_for(other)
        if link is None:
            continue
        doubt = own_invitation_doubt(desk, other)
        yield OtherOrderInvitation(
            sent=link.invitation_sent,
            waiting=desk.journal.has_pending(other, StepKind.INVITE),
            may_have_gone=doubt is not None and not doubt.waiting,
        )


def not_valid_for_berke(exc: ValueError) -> str:
    """Why an order's data makes no valid CreateAssessment, in words (not pydantic's report):
    "Berke would refuse its data — first name: At most 100 characters (now 101). …"."""
    if isinstance(exc, ValidationError):
        problems = " ".join(
            sentence if field == FORM_LEVEL else f"{_words(field)}: {sentence}"
            for field, sentence in field_errors(exc).items()
        )
    else:
        problems = str(exc)
    return f"Berke would refuse its data — {problems} Correct it in SmartRecruiters."


def _words(field: str) -> str:
    """A field's name as words: "firstName" and "first_name" are "first name"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", field).replace("_", " ").lower()


class CandidateKeys:
    """``candidate_keys`` of each order, worked out once per copy of the order (a sync or a
    step replaces the copy): folding the names of 5,000 orders took 40 ms, for each batch
    planned and run and each form opened."""

    def __init__(self) -> None:
        self._known: dict[str, tuple[AssessmentOrder, IdentityKeys]] = {}
        # Indexes are built in worker threads, and two may overlap (a batch's plan, a form's
        # offer to reuse): forgetting walks the entries while the other one adds some.
        self._lock = threading.Lock()

    def of(self, order: AssessmentOrder) -> IdentityKeys:
        with self._lock:
            known = self._known.get(order.id)
        if known is not None and known[0] is order:
            return known[1]
        keys = candidate_keys(order)
        with self._lock:
            self._known[order.id] = (order, keys)
        return keys

    def forget_all_but(self, order_ids: Iterable[str]) -> None:
        """Keep the keys of these orders only (the others left the inbox)."""
        kept = set(order_ids)
        with self._lock:
            self._known = {i: known for i, known in self._known.items() if i in kept}


class OrdersByCandidate:
    """Orders by ``candidate_keys``, built in one pass: a batch asks for each of its orders,
    and a scan of every order per question grows with the inbox."""

    def __init__(
        self,
        orders: Iterable[AssessmentOrder],
        keys_of: Callable[[AssessmentOrder], IdentityKeys] = candidate_keys,
    ) -> None:
        self._keys_of = keys_of
        self._ids: dict[str, list[str]] = {}  # own key -> the orders filed under it
        self._place: dict[str, int] = {}  # order id -> where it was given
        for place, order in enumerate(orders):
            self._place[order.id] = place
            for key in keys_of(order).own:
                self._ids.setdefault(key, []).append(order.id)

    def others(self, order: AssessmentOrder) -> list[str]:
        """The candidate's other orders, in the order they were given."""
        sought = self._keys_of(order).sought
        found = {i for key in sought for i in self._ids.get(key, ())} - {order.id}
        # Found under several keys, in no particular order (a set's).
        return sorted(found, key=self._place.__getitem__)


@dataclass(frozen=True)
class _Assessment:
    """An assessment as the plan follows it through its rows."""

    #: Its Berke candidate id (casefolded), or "new:<order id>" for one a row creates.
    name: str
    #: The order whose link names it when the run comes to a later row: the run reuses that.
    order_id: str
    #: The address it was made with, or its invitation went to ("": none), as
    #: ``address_changed`` compares it.
    address: str


class _EarlierRows:
    """What the rows above a row of the plan do to each candidate's assessments, by candidate
    key: filed under a row's own keys, found by a later row's sought ones."""

    def __init__(self) -> None:
        self._made: dict[str, _Assessment] = {}  # candidate key -> the one a row creates
        self._went_on: dict[str, _Assessment] = {}  # candidate key -> an existing one a row uses
        #: Assessments whose invitation went, or that a row above sends: an order reusing one
        #: sends none (the run finds it sent), and its row must not promise one.
        self.invited: set[str] = set()

    def made_for(self, keys: IdentityKeys) -> _Assessment | None:
        return next((self._made[key] for key in keys.sought if key in self._made), None)

    def went_on_for(self, keys: IdentityKeys) -> _Assessment | None:
        return next((self._went_on[key] for key in keys.sought if key in self._went_on), None)

    def made(self, keys: IdentityKeys, assessment: _Assessment, *, invited: bool) -> None:
        self._made.update(dict.fromkeys(keys.own, assessment))
        if invited:
            self.invited.add(assessment.name)

    def went_on_with(self, keys: IdentityKeys, assessment: _Assessment, *, invited: bool) -> None:
        self._went_on.update(dict.fromkeys(keys.own, assessment))
        if invited:
            self.invited.add(assessment.name)


async def plan_batch(  # noqa: PLR0915 - one kind of row after the other
    desk: Desk,
    orders: list[AssessmentOrder],
    jobs: list[BerkeJob],
    reuse: ReuseFinder | None = None,
) -> list[PlannedOrder]:
    """What ``run_batch`` would do to each order, from the store's latest state: skipped ones
    with the reason, the Berke job each new assessment gets (matched from the order's job, or
    Berke's default), and reuse of the candidate's assessment, including one this batch makes
    for the candidate's earlier order. Each reuse names the order whose assessment it takes,
    and the run takes that one (``reuse_from``), whatever the rows above did to the dates."""
    plan: list[PlannedOrder] = []
    earlier = _EarlierRows()
    rows_above: dict[str, AssessmentOrder] = {}
    for listed in orders:
        order = await asyncio.to_thread(desk.orders.get, listed.id) or listed
        rows_above[order.id] = order
        linked = await linked_assessment(desk, order.id)
        reason = await why_not_in_batch(desk, order, linked)
        keys = candidate_keys(order)
        if reason:
            plan.append(PlannedOrder(order, PlanKind.SKIP, reason=reason))
            continue
        if linked is not None:
            address = linked.invitation_address(order.candidate.email)
            assessment = _Assessment(
                linked.source_candidate_id.casefold(), order.id, linked.invited_email or address
            )
            invited = linked.invitation_sent or await _invited_by_then(desk, linked, earlier)
            elsewhere = not invited and await asyncio.to_thread(
                assessment_found_in_berke, desk, order.id
            )
            plan.append(
                PlannedOrder(
                    order,
                    PlanKind.CARRY_ON,
                    invite_to=address,
                    invited_already=invited,
                    invited_elsewhere_maybe=elsewhere,
                )
            )
            earlier.went_on_with(keys, assessment, invited=invited or _can_invite(address))
            continue
        # One an earlier row makes (the freshest), else the newest now, else one an earlier
        # row links to an order of theirs (through which this order knows it: nothing of
        # theirs is linked yet).
        made = earlier.made_for(keys) if reuse is not None else None
        existing = await reuse(order) if reuse is not None and made is None else None
        linked_by_then = made or (earlier.went_on_for(keys) if reuse is not None else None)
        # Not one made for another address than the order's (a mistyped one, corrected since).
        if existing is not None:
            then = made_for_address(existing[1])
        else:
            then = linked_by_then.address if linked_by_then is not None else ""
        changed = address_changed(then, order.candidate.email)
        if changed is not None:
            plan.append(PlannedOrder(order, PlanKind.SKIP, reason=changed))
            continue
        if existing is not None:
            from_order_id, source = existing
            address = source.invitation_address(order.candidate.email)
            assessment = _Assessment(
                source.source_candidate_id.casefold(),
                from_order_id,
                source.invited_email or address,
            )
            invited = source.invitation_sent or await _invited_by_then(desk, source, earlier)
            # The reuse follows the source's link back (``assessment_found_in_berke``).
            elsewhere = not invited and await asyncio.to_thread(
                assessment_found_in_berke, desk, from_order_id
            )
            plan.append(
                PlannedOrder(
                    order,
                    PlanKind.REUSE,
                    reuse_from=from_order_id,
                    reuse_from_words=order_in_words(
                        rows_above.get(from_order_id)
                        or await asyncio.to_thread(desk.orders.get, from_order_id)
                    ),
                    invite_to=address,
                    invited_already=invited,
                    invited_elsewhere_maybe=elsewhere,
                )
            )
            earlier.went_on_with(keys, assessment, invited=invited or _can_invite(address))
            continue
        if linked_by_then is not None:
            # Made from an order that may have had no address: then this one's gets it.
            if not linked_by_then.address and order.candidate.email:
                linked_by_then = replace(linked_by_then, address=order.candidate.email)
            invited = linked_by_then.name in earlier.invited
            plan.append(
                PlannedOrder(
                    order,
                    PlanKind.REUSE,
                    reuse_from=linked_by_then.order_id,
                    in_this_batch=True,
                    reuse_from_words=order_in_words(rows_above.get(linked_by_then.order_id)),
                    invited_already=invited,
                )
            )
            invites = invited or _can_invite(order.candidate.email)
            if made is not None:
                earlier.made(keys, made, invited=invites)
            else:
                earlier.went_on_with(keys, linked_by_then, invited=invites)
            continue
        job = match_job(order, jobs)
        try:
            request, without_phone = request_and_left_out(order, job)
        except ValueError as exc:  # the order's data does not make a valid request
            plan.append(PlannedOrder(order, PlanKind.SKIP, reason=not_valid_for_berke(exc)))
            continue
        plan.append(
            PlannedOrder(
                order,
                PlanKind.CREATE,
                job=job,
                matched=job is not None,
                without_phone=without_phone,
            )
        )
        # Made with the address the request carries (none for one Berke will not take), and
        # invited only where Berke takes the order's: as the run's invitation step decides.
        made = _Assessment(f"new:{order.id}", order.id, request.email_address or "")
        earlier.made(keys, made, invited=_can_invite(order.candidate.email))
    return plan


def made_for_address(link: LinkedAssessment) -> str:
    """The address an assessment's invitation went to, else the one it was made with (Berke
    reminds there): "" for none."""
    return link.invited_email or link.created_email or ""


def address_changed(then: str, now: str | None) -> str | None:
    """Why an order does not reuse, in a batch, the candidate's assessment made for another
    address than the order's (``then``; ``now`` the order's): a recruiter corrected a mistyped
    one, and its holder, someone else or no one, has the link or gets Berke's reminders and
    report. Sent to the order's address, the same assessment could still be taken by them,
    its result delivered as the candidate's; only the coordinator can tell a new mailbox from
    a mistake. None when the two agree, or either is missing (the order's invitation then
    goes to the one there is)."""
    if not then or not now or then.casefold() == now.casefold():
        return None
    return (
        f"The address changed since the assessment was made: check it. The candidate's "
        f"assessment was made for {then}, this order says {now}: if both are theirs, reuse it "
        "from the order's form; if not, create a new one there."
    )


def _can_invite(address: str | None) -> bool:
    """Whether Berke would send an invitation to ``address``: there is one, and it takes it."""
    return bool(address) and unsendable_address(address or "") is None


def _invite_in_words(address: str | None) -> str:
    """The plan's last step: "invite zoe@example.com", or why none can go, and what instead."""
    if not address:
        return "no email: give the candidate the code"
    problem = unsendable_address(address)
    if problem is not None:  # 101 to 254 characters: well-formed, but Berke takes 100
        return f"no invitation ({problem}): give the candidate the code"
    return f"invite {address}"


#: The most of a job's name the plan's words take (a recruiter's title may run to hundreds).
JOB_IN_WORDS = 36


def order_in_words(order: AssessmentOrder | None) -> str:
    """ "their Registered Nurse order of 2026-12-03 09:30": which of a candidate's orders is
    meant ("" when the order is not known here). The time is there because a candidate's two
    orders for one job are often placed the same day (a recruiter's second try), and then the
    day alone named both."""
    if order is None:
        return ""
    name = " ".join((order.job.name or "").split()) if order.job else ""
    if len(name) > JOB_IN_WORDS:  # the plan's row keeps room for what it will do
        name = name[: JOB_IN_WORDS - 1].rstrip() + "…"
    job = f"{name} " if name else ""
    day = f" of {local_time(order.create_date):%Y-%m-%d %H:%M}" if order.create_date else ""
    return f"their {job}order{day}"


async def _invited_by_then(desk: Desk, link: LinkedAssessment, earlier: _EarlierRows) -> bool:
    """Whether the assessment's invitation went by the time the run reaches a row: a row
    above sends it, or it was sent for another order linked to it (reused by hand, perhaps
    one this order's candidate keys do not reach): the run finds it sent."""
    if link.source_candidate_id.casefold() in earlier.invited:
        return True
    return await asyncio.to_thread(invitation_went_or_may_have, desk, link)


ProgressCallback = Callable[[int, int, Outcome], None]  # (done so far, total, latest outcome)
#: Claims an order's actions while the batch works on it (raises ActionNotAllowedError).
OrderGuard = Callable[[str], AbstractContextManager[None]]
#: The candidate's existing assessment to reuse for an order: (the order it was made for, its
#: link), or None to create one.
ReuseFinder = Callable[[AssessmentOrder], Awaitable[tuple[str, LinkedAssessment] | None]]


async def create_accept_invite(
    desk: Desk,
    order: AssessmentOrder,
    make_request: RequestFactory,
    *,
    message_to_candidate: str | None = None,
    reuse: ReuseFinder | None = None,
    invitation: InvitationText | None = None,
    reuse_only: bool = False,
) -> Outcome:
    """The whole first half of an order's life. Steps already done are not repeated. A
    candidate already assessed here (``reuse``) keeps that assessment: no second one, no
    second invitation. ``reuse_only``: the plan said so; with nothing to reuse (the
    candidate's other order failed), it fails rather than create a second assessment.
    ``make_request`` is asked only when an assessment is to be created: an order that has one
    (or reuses one) needs no valid create request."""
    name = order.candidate.full_name
    # The selection may be stale (a step done since the view last refreshed): use the cache.
    cached = await asyncio.to_thread(desk.orders.get, order.id)
    order = cached or order
    linked = await linked_assessment(desk, order.id)
    reason = await why_not_in_batch(desk, order, linked)
    if reason:
        return Outcome(order.id, name, OutcomeKind.SKIPPED, reason)
    try:
        reused = ""
        invited_with_source = False
        created = False
        if linked is None:
            existing = await reuse(order) if reuse is not None else None
            if existing is not None:
                from_order_id, source = existing
                changed = address_changed(made_for_address(source), order.candidate.email)
                if changed is not None:  # as the plan said
                    return Outcome(order.id, name, OutcomeKind.SKIPPED, changed)
                linked = await reuse_assessment(desk, order, source, from_order_id)
                reused = await _reused_words(desk, from_order_id, source)
                # Its invitation went out for the other order (or another linked to it),
                # unless that order stopped before it (its accept failed, say): then this
                # order sends it.
                invited_with_source = await asyncio.to_thread(
                    invitation_went_or_may_have, desk, source
                )
            elif reuse_only:
                return Outcome(
                    order.id, name, OutcomeKind.FAILED,
                    "The candidate's assessment it was to reuse was not made (their other "
                    "order did not get one), was deleted in Berke, or is being deleted: start "
                    "Create, accept and invite again to plan it afresh (Retry keeps this "
                    "plan), or create one for it on its own.",
                )  # fmt: skip
            else:
                try:
                    request = make_request(order)
                except ValueError as exc:  # as the plan said: a retry cannot mend the data
                    return Outcome(
                        order.id, name, OutcomeKind.SKIPPED, f"Skipped: {not_valid_for_berke(exc)}"
                    )
                made = await create_assessment_outcome(desk, order, request)
                linked, created = made.link, not made.recovered
        was_new = order.status is OrderStatus.NEW
        if was_new:  # in progress already: only the invitation is left
            look = url_needs_a_look(desk, linked)
            if look is not None:  # the Accept dialog asks first; a batch cannot
                code = linked.invitation_code
                so_far = f"Berke assessment created ({code}); " if created else f"Kept {code}; "
                return Outcome(order.id, name, OutcomeKind.SKIPPED, f"{reused or so_far}{look}")
            order = await accept_order(desk, order, message_to_candidate=message_to_candidate)
        if invited_with_source:
            return Outcome(
                order.id, name, OutcomeKind.DONE,
                f"{reused}accepted with it ({linked.invitation_code}), no new invitation.",
            )  # fmt: skip
        accepted = "Accepted" if was_new else "Accepted before"  # by an earlier run
        if reused:
            accepted = f"{reused}accepted"
        detail = await _invitation_step(
            desk, order, linked, accepted, was_new=was_new, created=created, invitation=invitation
        )
    except StateConflictError as exc:
        # The order's own assessment (made now or by an earlier run), not one it reuses.
        own = linked if linked is not None and not reused else None
        ended = await _ended_meanwhile(desk, order.id, own)
        if ended is not None:
            return Outcome(order.id, name, OutcomeKind.SKIPPED, ended)
        return Outcome(order.id, name, OutcomeKind.FAILED, str(exc))
    except ThrottledError as exc:
        limited = exc.service if exc.is_daily_limit else None
        return Outcome(order.id, name, OutcomeKind.FAILED, str(exc), daily_limit=limited)
    except StepRefusedError as exc:
        return await _refused(desk, order.id, name, exc)
    except (ApiError, ActionNotAllowedError, StepDeferredError) as exc:
        return Outcome(order.id, name, OutcomeKind.FAILED, str(exc))
    except Exception as exc:  # one order's surprise must not stop the others
        log.exception("Unexpected failure in the batch on order %s", order.id)
        return Outcome(order.id, name, OutcomeKind.FAILED, unexpected_failure(exc))
    return Outcome(order.id, name, OutcomeKind.DONE, detail)


async def _refused(desk: Desk, order_id: str, name: str, exc: StepRefusedError) -> Outcome:
    """A step failed unsent, in words. For an order SmartRecruiters showed rejected or
    completed when asked just before the invitation (a colleague's reject): skipped, as an
    accept refused for that is, since a Retry cannot mend it. Otherwise a failure."""
    now = await asyncio.to_thread(desk.orders.get, order_id)
    ended = now is not None and now.status.is_final
    return Outcome(order_id, name, OutcomeKind.SKIPPED if ended else OutcomeKind.FAILED, str(exc))


async def _invitation_step(
    desk: Desk,
    order: AssessmentOrder,
    linked: LinkedAssessment,
    accepted: str,
    *,
    was_new: bool,
    created: bool,
    invitation: InvitationText | None,
) -> str:
    """The last of "create, accept, invite": the invitation sent unless it went already or
    cannot go. The outcome's words, which start with ``accepted`` ("Accepted", …)."""
    address = linked.invitation_address(order.candidate.email)
    if linked.invitation_sent:
        return f"{accepted} ({linked.invitation_code}); the invitation was already sent."
    if not address:
        return f"{accepted}; no email, so no invitation: give the code {linked.invitation_code}."
    unsendable = unsendable_address(address)
    if unsendable is not None:  # as with no address: the order goes on, the code is given
        return (
            f"{accepted}; no invitation, since {unsendable}: give the code "
            f"{linked.invitation_code}."
        )
    try:
        # An order accepted by this run a moment ago is in progress by that accept: its
        # status is not asked again (any other is, before Berke emails the candidate).
        await send_invitation(
            desk, order, invitation=invitation, just_created=created, just_accepted=was_new
        )
    except AlreadyInvitedError as exc:
        return f"{accepted} ({linked.invitation_code}); no invitation sent: {exc}"
    except OtherInviteWaitingError as exc:
        # Where Berke gives no count, the other order's send that waits holds this one back.
        # The order's own work is done: failed, it read as if this order's send would be
        # retried, which nothing does (the other order's is, or is failed "may have gone").
        return f"{accepted} ({linked.invitation_code}); no invitation sent: {exc}"
    if was_new:
        return f"{accepted} and invited ({linked.invitation_code})."
    return f"Invited ({linked.invitation_code}); the order was accepted before."


async def _reused_words(desk: Desk, from_order_id: str, source: LinkedAssessment) -> str:
    """ "Reused the assessment of their Nurse order of 2026-12-03 09:30 (made 2026-11-28); ": the
    order as the plan named it, and the day the assessment was made when that differs."""
    made = f"{local_time(source.created_at):%Y-%m-%d}"
    order = await asyncio.to_thread(desk.orders.get, from_order_id)
    words = order_in_words(order)
    if order is None or not words:
        return f"Reused the candidate's assessment of {made}; "
    if order.create_date and f"{local_time(order.create_date):%Y-%m-%d}" == made:
        return f"Reused the assessment of {words}; "
    return f"Reused the assessment of {words} (made {made}); "


async def _ended_meanwhile(desk: Desk, order_id: str, own: LinkedAssessment | None) -> str | None:
    """Why the order was skipped after all, when SmartRecruiters refused its accept because
    a recruiter withdrew (or completed) it since the plan; None when it is still open. The
    refused call stored the order as it is now. Not a failure: Retry cannot mend it."""
    now = await asyncio.to_thread(desk.orders.get, order_id)
    if now is None or now.status in (OrderStatus.NEW, OrderStatus.IN_PROGRESS):
        return None
    said = f"{now.status.value.replace('_', ' ').capitalize()} in SmartRecruiters meanwhile: "
    if own is None:
        return said + "not accepted."
    return said + (
        f"not accepted. Its Berke assessment ({own.invitation_code}) was made before that "
        "was known: unless another order of the candidate uses it, Delete in Berke removes it."
    )


async def run_batch(
    desk: Desk,
    orders: list[AssessmentOrder],
    make_request: RequestFactory,
    *,
    progress: ProgressCallback | None = None,
    cancelled: asyncio.Event | None = None,
    message_to_candidate: str | None = None,
    reuse: ReuseFinder | None = None,
    invitation: InvitationText | None = None,
    reuse_only: frozenset[str] = frozenset(),
    skipped: Mapping[str, str] | None = None,
    guard: OrderGuard | None = None,
) -> list[Outcome]:
    """Every order in turn; after a cancel, or once a service's daily limit is reached, the
    rest are reported as not run, none half-done.

    ``reuse_only``: the orders the plan has reusing the candidate's assessment; ``skipped``:
    those it skips, with why. They are reported so and not run, even if they could run by
    now (data corrected meanwhile): the plan gave them no job, and promised nothing sent.
    ``guard`` claims an order's actions while it runs (a second click, or Invite on the
    same order, is refused meanwhile)."""
    # One text for every order: refused once, before anything is sent.
    check_message("The message to the candidates", message_to_candidate)
    outcomes: list[Outcome] = []
    limited: Service | None = None  # a daily limit reached: the rest wait for it to lift
    for order in orders:
        if cancelled is not None and cancelled.is_set():
            outcome = Outcome(
                order.id, order.candidate.full_name, OutcomeKind.SKIPPED, CANCELLED,
                not_run=True,
            )  # fmt: skip
        elif limited is not None:
            outcome = Outcome(
                order.id, order.candidate.full_name, OutcomeKind.SKIPPED,
                daily_limit_reached(limited), not_run=True,
            )  # fmt: skip
        elif skipped and order.id in skipped:
            outcome = Outcome(
                order.id, order.candidate.full_name, OutcomeKind.SKIPPED, skipped[order.id]
            )
        else:
            try:
                with guard(order.id) if guard is not None else nullcontext():
                    outcome = await create_accept_invite(
                        desk,
                        order,
                        make_request,
                        message_to_candidate=message_to_candidate,
                        reuse=reuse,
                        invitation=invitation,
                        reuse_only=order.id in reuse_only,
                    )
            except ActionNotAllowedError as exc:  # the guard: under way already
                outcome = Outcome(
                    order.id, order.candidate.full_name, OutcomeKind.SKIPPED, str(exc)
                )
        limited = limited or outcome.daily_limit
        outcomes.append(outcome)
        if progress is not None:
            progress(len(outcomes), len(orders), outcome)
    return outcomes
