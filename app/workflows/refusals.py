"""What the board refuses with: the failures a coordinator is told in words, not as a crash.

Kept apart from the workflows that raise them (and free of the domain's models) so that the
window can catch them without loading the board before its first frame.
"""

from __future__ import annotations

import errno
import sqlite3
from datetime import datetime

from app.clients.errors import ApiError
from app.domain.date_words import time_on_day
from app.domain.service_time import local_time


class ActionNotAllowedError(Exception):
    """The rules refuse the action before anything is sent; the message says why."""


class AlreadyInvitedError(ActionNotAllowedError):
    """Berke has sent this assessment's invitation before, but not from this desk's journal
    (another desk, or a colleague in Berke): sending again is the coordinator's call.
    ``count``: Berke's count of it; None where Berke gives none, and only this desk's journal
    knows it went (for the candidate's other order). ``may_have_been``: why it may have been
    sent, where nothing shows that it was (one of the ``MAY_HAVE_BEEN_*`` below)."""

    def __init__(
        self,
        count: int | None,
        *,
        sent_here_for_another_order: bool = False,
        may_have_been: str | None = None,
    ) -> None:
        self.count = count
        if may_have_been is not None:
            super().__init__(
                f"This invitation may have been sent already, {may_have_been}, and Berke does "
                "not say how many it has sent. Send it again only if the candidate did not "
                "get it."
            )
            return
        times = "" if count is None else " once" if count == 1 else f" {count} times"
        where = (
            "by this desk, for the candidate's other order that shares this assessment"
            if sent_here_for_another_order
            else "though not from this desk (another desk, or someone in Berke)"
        )
        super().__init__(
            f"Berke has already sent this invitation{times}, {where}. Send it again only if "
            "the candidate asks."
        )


#: Why an invitation may have been sent (``AlreadyInvitedError``): this order's own try went
#: and its answer was lost; the candidate's other order's did; another desk made or accepted.
MAY_HAVE_BEEN_HERE = "by an earlier try of it whose answer was lost"
MAY_HAVE_BEEN_FOR_ANOTHER_ORDER = (
    "by this desk for the candidate's other order that shares this assessment (its answer was lost)"
)
MAY_HAVE_BEEN_ELSEWHERE = (
    "from another desk (the assessment was found in Berke, or the order accepted, elsewhere)"
)


#: What the Remind confirmation says under its question. Berke's reference gives no time of
#: the last invitation or reminder (GetAssessmentStatus answers "the assessment's identity and
#: status", GetCompletedAssessment completion and fit times only), so the wait between two
#: invitations (``CooldownError``) counts this desk's sends alone: another desk's are not known.
REMINDER_INFORMATIVE = (
    "Berke sends its invitation email once more; the assessment and its code stay the same. "
    "Reminders sent from another desk are not known here (Berke does not say when it last "
    "emailed the candidate): the wait between two invitations counts this desk's only."
)


class CooldownError(ActionNotAllowedError):
    """An invitation went to this person a short while ago (the profile's cooldown), or may
    have (``may_have_gone``: its answer was lost)."""

    def __init__(self, last: datetime, ready_at: datetime, *, may_have_gone: bool = False) -> None:
        self.last = last
        self.ready_at = ready_at
        local = local_time(ready_at)
        when = time_on_day(local_time(last))
        went = (
            f"An invitation may have been sent to this person at {when} (its answer was lost)"
            if may_have_gone
            else f"This person was sent an invitation at {when}"
        )
        super().__init__(
            f"{went}; another one is due from {time_on_day(local)}. Send it anyway only if "
            "the candidate asks for it."
        )


class NothingToDeliverError(ActionNotAllowedError):
    """Berke's answer gives nothing to deliver (no fit, no score, no job id for the fit), or
    its report cannot be attached (over the upload limit, not kept on this computer): refused
    the same way until something changes, so automatic delivery holds the order."""


class StepDeferredError(Exception):
    """The step cannot run yet (e.g. something it needs is not known); it stays pending."""


class OtherInviteWaitingError(StepDeferredError):
    """The invitation waits for the candidate's other order's send of the same assessment's
    invitation, itself waiting to be confirmed: sent now, the candidate may get it twice."""


class StepRefusedError(StepDeferredError):
    """The step was failed, in words, without being sent: sending it now would do harm (a
    delete of an assessment an open order uses). Not a wait: Retry, later, is the way."""


class OrderGoneError(StepRefusedError, ActionNotAllowedError):
    """SmartRecruiters no longer has the order: a step for it was failed, in words, without
    being sent (``OrderState.gone_since``). Refused as an action is, and final as a refusal."""


class InvitationNotSentAgainError(StepRefusedError):
    """An invitation's try may have gone, its answer lost, where Berke gives no count: its step
    failed at once as the resumer's pass would have failed it (it is not sent again, so that
    the candidate does not get it twice). Nothing is left to try in the Invite dialog; the
    message says what the coordinator can do (``lost_invitation.settle_lost_invitation``)."""


class OutcomeKeptError(StepDeferredError):
    """The service carried the step out, but this computer could not write its answer (the
    data file held by another program, a full disk): the step stays pending, its answer kept
    in memory (``Desk.kept_outcomes``), and the step's next run writes it before anything is
    sent or asked again (``steps.execute``)."""

    def __init__(self, label: str, service: str, cause: BaseException) -> None:
        went = f"“{label}” went through in {service}, but this computer could not write the answer"
        lost = _lost_file_words(cause)
        if lost is not None:
            # Its own sentence says why and what to do: not wrapped in another way out.
            super().__init__(f"{went}. {lost} The answer is kept; there is no need to do it again.")
            return
        super().__init__(
            f"{went} (“{not_written_why(cause) or cause}”): another program may be holding the "
            "desk's data file, or the disk may be full. The answer is kept, and the desk writes "
            "it by itself once the file can be written again; there is no need to do it again."
        )


class StepCancelledError(StepDeferredError):
    """The coordinator cancelled the step's file: the step failed (Retry re-opens it). Not a
    wait: nothing is wrong with the services, and the resumer does not back off for it."""


#: After an accept SmartRecruiters could not take now (a 503, a time-out): it waits, and goes.
ACCEPT_SENT_AGAIN = (
    "The accept is sent again automatically, with the messages typed (see the order's activity)."
)


#: After a reject SmartRecruiters could not take now (a 503, a 429): it waits, and goes.
REJECT_SENT_AGAIN = (
    "The reject is sent again automatically (see the order's activity); until it has gone, "
    "nothing that takes the order on can be done."
)


#: After a create, an invitation or a completion the service could not take now (a 503, a
#: time-out): each waits in the journal and goes by itself, with what was typed. Said as the
#: dialog closes: left open, it offered a button refused as under way.
CREATE_SENT_AGAIN = (
    "The assessment is created automatically, with what was typed (see the order's activity); "
    "then “Show code and slip…” shows its code and URL."
)
INVITE_SENT_AGAIN = (
    "The invitation is sent again automatically, with the message typed (see the order's activity)."
)
#: After an invitation whose try may have gone where Berke gives no count: the resumer cannot
#: tell whether it went, and does not send it again (the candidate would get two).
INVITE_MAY_HAVE_GONE = (
    "Berke may have sent the invitation before its answer was lost, and it does not say how "
    "many it has sent: it is not sent again automatically, so that the candidate does not get "
    "it twice (see the order's activity). If they did not get it, invite them again."
)
COMPLETE_SENT_AGAIN = (
    "The completion is sent again automatically, with the result typed (see the order's activity)."
)

COMMENT_SENT_AGAIN = "The comment is sent again automatically (see the order's activity)."
DELIVER_SENT_AGAIN = (
    "The delivery goes again automatically: the order is completed with Berke's result, and "
    "its report attached (see the order's activity)."
)

#: What a board call may fail with that the coordinator is told in words.
EXPECTED_ERRORS = (ApiError, ActionNotAllowedError, StepDeferredError)


#: An OSError that says this computer's disk or folder refused a write, not a bug.
_DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
)


def not_written_why(exc: BaseException) -> str | None:
    """What the system said when this computer could not keep a write (``not_written``);
    None for any other failure."""
    if isinstance(exc, sqlite3.OperationalError):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        return exc.strerror or str(exc)
    return None


def not_written(exc: BaseException) -> str | None:
    """The sentence for a failure of this computer to keep what the desk writes (a full disk,
    a folder made read-only, another program holding the data file, the data folder removed
    and not put back); None for anything else.

    SQLite's operational errors are of that kind here: the desk's statements are its own,
    and what fails as they run is the file under them."""
    lost = _lost_file_words(exc)
    if lost is not None:  # its own sentence says what to do
        return lost
    why = not_written_why(exc)
    if why is None:
        return None
    return (
        f"This computer could not keep what the desk writes (“{why}”). Free some space on the "
        "disk, or check that the data folder may be written, then try again; what was written "
        "before is kept."
    )


def _lost_file_words(exc: BaseException) -> str | None:
    """The sentence of a data file removed and not put back (``DataFileLostError``), which
    says itself what to do; None for any other failure."""
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    # Loaded with the first write (raised by it): not for the window's first frame.
    from app.store.database import DataFileLostError

    return str(exc) if isinstance(exc, DataFileLostError) else None
