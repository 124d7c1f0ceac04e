"""What needs the coordinator's attention on an order, and the one-click fix for each: where
SmartRecruiters' side and Berke's side of an order disagree, or an order waits too long.

Plain rules over an order and its local state; the views show them, the board offers the fixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.berke_progress import BerkeProgress
from app.domain.failed_steps import failed_to_say, not_done
from app.domain.journal_terms import StepKind
from app.domain.order_rules import OrderAction, deleted_in_berke_reason, gone_reason, why_not
from app.domain.order_state import OrderState
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus


class Attention(StrEnum):
    DELIVER = "deliver"  # Berke complete, the order still in progress
    CANCEL_IN_BERKE = "cancel_in_berke"  # the order ended, the Berke assessment is still open
    NO_ASSESSMENT = "no_assessment"  # in progress without a Berke assessment here
    NOT_INVITED = "not_invited"  # in progress, its assessment's invitation never sent
    STALE_NEW = "stale_new"  # new for too long
    NOT_STARTED = "not_started"  # invited long ago, never started
    NEW_COMMENT = "new_comment"  # a recruiter wrote a comment
    GONE = "gone"  # SmartRecruiters no longer has the order
    DELETED_IN_BERKE = "deleted_in_berke"  # open, and Berke no longer has its assessment
    STEP_FAILED = "step_failed"  # a step failed for good: "Invitation not sent", say


@dataclass(frozen=True)
class Flag:
    kind: Attention
    text: str  # a sentence for the row's tooltip and the detail pane
    fix: OrderAction | None  # what one click does about it (None: just look)
    short: str  # for the inbox column
    #: The events the flag is about, each of which is news (a step's failure): "Leave it"
    #: leaves those alone, and a later one raises the flag again. Empty: the flag is about
    #: how the order stands, left alone for good by its kind.
    about: frozenset[str] = frozenset()

    @property
    def left_alone_as(self) -> frozenset[str]:
        """What "Leave it" keeps (``OrderState.dismissed``); the flag stays down while all of
        it is kept."""
        return self.about or frozenset({self.kind.value})


@dataclass(frozen=True)
class AttentionRules:
    """How long is too long (per connection profile)."""

    stale_new_after: timedelta = timedelta(days=2)
    remind_after: timedelta = timedelta(days=3)


def _days(delta: timedelta) -> str:
    days = max(int(delta.total_seconds() // 86400), 0)
    return "today" if days == 0 else ("1 day" if days == 1 else f"{days} days")


def flags_for(
    order: AssessmentOrder,
    state: OrderState,
    now: datetime,
    rules: AttentionRules,
    *,
    in_use_elsewhere: bool = False,
    invited_elsewhere_at: datetime | None = None,
    invitation_unsure_elsewhere: bool = False,
    delivery_held: str | None = None,
    delivery_held_asked: bool = False,
) -> list[Flag]:
    """The order's flags, most pressing first; those the coordinator left alone are not, nor
    those whose fix a step of theirs waiting to be sent again does or holds back.
    ``in_use_elsewhere``: another open order is linked to the same Berke assessment (no
    flag then asks to cancel it). ``invited_elsewhere_at``: this desk sent that assessment's
    invitation for another order linked to it (the candidate has it), when it last did
    (the time a "not started" counts from). ``invitation_unsure_elsewhere``: its invitation
    for such an order waits, or may have gone (the candidate may have it). ``delivery_held``:
    why automatic delivery did not send the result (it waits for Berke's answer to change);
    ``delivery_held_asked``: it was the coordinator's own delivery that was refused so."""
    if state.gone_since is not None:  # what else the order lacks can no longer be done
        gone = _gone_flag(state.gone_since, state, in_use_elsewhere)
        return [] if gone.left_alone_as <= state.dismissed else [gone]
    flags: list[Flag] = []
    # First: what the coordinator asked for did not happen, and only the Activity column
    # (hidden by default) said so. On an ended order too, where its job can still be done (a
    # report for a completed order's result): the cell says the same (``failed_steps``).
    failed = _failed_flag(state, order.status)
    if failed is not None:
        flags.append(failed)
    berke = state.berke_progress
    link = state.link
    # The coordinator's reject waits to be sent again (a 503, a limit): the board holds back
    # all that takes the order on until it has gone (``HELD_BY_A_WAITING_REJECT``), so no
    # flag asks for that meanwhile (its fix would be refused).
    rejecting = StepKind.REJECT in state.pending
    # Deliver's own rule (in progress, complete, and accepted here with this link): the flag
    # offered a delivery that would complete another coordinator's order (accepted elsewhere).
    deliverable = (
        why_not(OrderAction.DELIVER, order, link, berke, accept_refused=state.accept_refused)
        is None
    )
    if deliverable and not rejecting:
        # A result alone is not a delivery: in the documented flow it is made before the
        # order is completed, and a completion that never began leaves the order in progress.
        completing = bool({StepKind.COMPLETE, StepKind.CREATE_RESULT} & state.pending)
        if not completing and delivery_held and delivery_held_asked:
            flags.append(
                Flag(
                    Attention.DELIVER,
                    "The candidate completed the Berke assessment, but delivering the result "
                    f"was refused: {delivery_held}",
                    OrderAction.DELIVER,
                    "Delivery refused",
                )
            )
        elif not completing and delivery_held:
            flags.append(
                Flag(
                    Attention.DELIVER,
                    "The candidate completed the Berke assessment, but automatic delivery "
                    f"did not send the result: {delivery_held}",
                    OrderAction.DELIVER,
                    "Not delivered automatically",
                )
            )
        elif not completing:
            flags.append(
                Flag(
                    Attention.DELIVER,
                    "The candidate completed the Berke assessment: deliver the result.",
                    OrderAction.DELIVER,
                    "Deliver the result",
                )
            )
    deleted = (
        order.status in (OrderStatus.NEW, OrderStatus.IN_PROGRESS)
        and link is not None
        and berke is BerkeProgress.DELETED
    )
    if deleted:
        assert link is not None
        # Nothing else can be done for it here (``order_rules``): SmartRecruiters ends it.
        flags.append(
            Flag(
                Attention.DELETED_IN_BERKE,
                deleted_in_berke_reason(order, link),
                OrderAction.REJECT,
                "Deleted in Berke",
            )
        )
    if (
        order.status in (OrderStatus.REJECTED, OrderStatus.COMPLETED)
        and link is not None
        and not in_use_elsewhere
        # Known open: one Berke did not say of may be complete (its delete is refused).
        and berke in (BerkeProgress.NOT_STARTED, BerkeProgress.STARTED)
    ):
        ended = "rejected" if order.status is OrderStatus.REJECTED else "completed"
        flags.append(
            Flag(
                Attention.CANCEL_IN_BERKE,
                f"The order was {ended}, but its Berke assessment is still open: cancel it "
                "in Berke, or leave it.",
                OrderAction.DELETE_IN_BERKE,
                "Cancel it in Berke",
            )
        )
    if order.status is OrderStatus.IN_PROGRESS and link is None and not rejecting:
        flags.append(
            Flag(
                Attention.NO_ASSESSMENT,
                "The order is in progress but has no Berke assessment here.",
                OrderAction.CREATE_ASSESSMENT,
                "No Berke assessment",
            )
        )
    if (
        order.status is OrderStatus.IN_PROGRESS
        and link is not None
        # Invite's own rule: never sent, and an address Berke takes where Invite would send
        # it (the one typed in the form counts: the flag was silent for a candidate
        # SmartRecruiters gave none, whom Invite would reach). One Berke refuses was told to
        # give the code instead: the flag stayed for good, its Invite refused.
        and why_not(OrderAction.INVITE, order, link, berke) is None
        and invited_elsewhere_at is None
        and not {StepKind.INVITE, StepKind.REJECT} & state.pending
        # This desk's accept was refused because it was accepted elsewhere: the order points
        # at someone else's assessment (the failed accept says so), not at this one.
        and StepKind.ACCEPT not in state.failed
        # Not known to be started (not asked yet, or Berke's answer did not say).
        and berke in (None, BerkeProgress.NOT_STARTED, BerkeProgress.UNKNOWN)
    ):
        # Accepted, and the candidate was never sent the way in (a batch stopped after the
        # accept, say): the recruiter waits for a result that cannot come.
        flags.append(
            Flag(
                Attention.NOT_INVITED,
                _not_invited_words(state, unsure_elsewhere=invitation_unsure_elsewhere),
                OrderAction.INVITE,
                "Not invited",
            )
        )
    # Its fix, Create, accept and invite, is refused for a deleted assessment: the flag above.
    if (
        order.status is OrderStatus.NEW
        and order.create_date is not None
        and not deleted
        and not rejecting
    ):
        age = now - order.create_date
        if age >= rules.stale_new_after:
            flags.append(
                Flag(
                    Attention.STALE_NEW,
                    f"The order has been new for {_days(age)}.",
                    OrderAction.CREATE_ACCEPT_INVITE,
                    f"New for {_days(age)}",
                )
            )
    # A reused assessment's invitation may have gone with the other order: counted from the
    # latest one sent (a reminder for either order is one for the candidate).
    sent = [t for t in (link.invited_at, invited_elsewhere_at) if t is not None] if link else []
    invited_at = max(sent, default=None)
    if (
        invited_at is not None
        and berke is BerkeProgress.NOT_STARTED  # said so: an UNKNOWN one may be complete
        and order.status is OrderStatus.IN_PROGRESS
        # A reminder (or the invitation) waiting to be sent again is one already sent.
        and not {StepKind.INVITE, StepKind.REJECT} & state.pending
    ):
        waited = now - invited_at
        if waited >= rules.remind_after:
            flags.append(
                Flag(
                    Attention.NOT_STARTED,
                    f"Invited {_days(waited)} ago and not started: send a reminder.",
                    OrderAction.REMIND,
                    "Not started",
                )
            )
    if state.unseen_comments:
        count = state.unseen_comments
        flags.append(
            Flag(
                Attention.NEW_COMMENT,
                # Not "from the recruiter": a colleague's desk writes comments too, and a
                # comment's author (optional, free to set) does not tell the two apart.
                f"{count} new comment{'s' if count != 1 else ''} on the order, not written at "
                "this desk.",
                None,
                "New comment",
            )
        )
    return [flag for flag in flags if not flag.left_alone_as <= state.dismissed]


def _failed_flag(state: OrderState, status: OrderStatus) -> Flag | None:
    """Steps that failed for good, as the order's Activity cell says them ("… not sent", by
    the same rule): an invitation that may have gone is not one of them (the candidate may
    have it; the "Not invited" flag says so). Retry is in the order's activity list, not an
    order action: no fix. About each failure said: "Leave it" leaves these alone, not the
    next (the same step retried and failing again, another step failing)."""
    failed = failed_to_say(
        state.failed, status=status, invitation_in_doubt=state.invitation_in_doubt
    )
    if not failed:
        return None
    marks = dict(state.failure_marks)
    said = not_done(failed)  # the words of the order's Activity list and cell
    them = "it" if len(failed) == 1 else "them"
    return Flag(
        Attention.STEP_FAILED,
        f"{said}, for good: Retry in the order's Activity, or ask for {them} again from the "
        "order's actions.",
        None,
        said,
        # A state not read from the journal (no mark): the kind of step stands for it.
        frozenset(
            marks.get(kind, f"{Attention.STEP_FAILED.value}:{kind.value}") for kind in failed
        ),
    )


def _gone_flag(since: datetime, state: OrderState, in_use_elsewhere: bool) -> Flag:
    """An order SmartRecruiters no longer has: nothing can be sent for it. Its Berke
    assessment, still open and needed by no other order, can be deleted."""
    text = gone_reason(since)
    open_in_berke = state.link is not None and state.berke_progress in (
        BerkeProgress.NOT_STARTED,
        BerkeProgress.STARTED,
    )
    if open_in_berke and not in_use_elsewhere:
        text += " Its Berke assessment is still open: delete it in Berke, or leave it."
        return Flag(Attention.GONE, text, OrderAction.DELETE_IN_BERKE, "Gone from SmartRecruiters")
    return Flag(Attention.GONE, text, None, "Gone from SmartRecruiters")


def _not_invited_words(state: OrderState, *, unsure_elsewhere: bool = False) -> str:
    """The "Not invited" flag's words: never sent from this desk, or (with no count from
    Berke to tell) perhaps sent: a try whose answer was lost (this order's, or the one of the
    candidate's other order on the same assessment), or another desk's assessment or accept
    (Invite then asks before it sends, unless Berke shows none went)."""
    if state.invitation_doubt is not None:
        return (
            "The invitation may have been sent (its answer was lost), and Berke does not say "
            "how many it has sent: if the candidate did not get it, invite them again."
        )
    if unsure_elsewhere:
        return (
            "The invitation may have been sent for the candidate's other order on this "
            "assessment (its answer was lost, or it waits to be sent again): if they did not "
            "get it, invite them."
        )
    if state.found_in_berke:
        return (
            "This desk never sent the candidate the Berke invitation, but the assessment was "
            f"found in Berke, made by another desk: {_ELSEWHERE_INVITE}"
        )
    if not state.accepted_here:
        return (
            "The order is in progress, but this desk never sent the candidate the Berke "
            f"invitation, and it was accepted elsewhere: {_ELSEWHERE_INVITE}"
        )
    return "The order was accepted, but the candidate was never sent the Berke invitation: send it."


#: What Invite does where another desk may have sent the invitation (``order_actions``'s
#: ``_refuse_if_invited_before``): Berke does not say when, or by whom, it was sent.
_ELSEWHERE_INVITE = (
    "the invitation may have gone from another desk. Unless Berke shows none went, Invite "
    "asks before it sends one: send it if the candidate did not get it."
)
