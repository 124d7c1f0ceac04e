"""What this desk knows about one order besides SmartRecruiters' own copy: its Berke assessment,
the steps under way or failed, its result and its queued files. Plain data, read from the store
by the order board and shown by the views; nothing here knows where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from app.domain.attachments import UploadState
from app.domain.berke_progress import BerkeProgress
from app.domain.step_kinds import StepKind  # plain enums, without pydantic

if TYPE_CHECKING:  # types only: the inbox's first frame shows states without pydantic
    from app.domain.journal_terms import LinkedAssessment
    from app.domain.uploads import Upload


@dataclass(frozen=True)
class BerkeState:
    """Berke's side of the order's assessment, as last seen (stored: it survives a restart)."""

    progress: BerkeProgress
    checked_at: datetime
    completed_at: datetime | None = None


@dataclass(frozen=True)
class InvitationDoubt:
    """The order's latest invitation (or reminder) step may have gone, its answer lost: Berke
    may have emailed the candidate though this desk never saw it do so."""

    #: When it was last tried (what the reminder cooldown counts from).
    at: datetime
    #: Still waiting in the journal (the resumer looks at it again); False: it failed, and
    #: was not sent again so that the candidate does not get it twice.
    waiting: bool
    #: The step kept Berke's invitation count from before it, so the resumer can tell whether
    #: it went; False where Berke gives none: the resumer does not send it again.
    counted: bool


@dataclass(frozen=True)
class OrderState:
    link: LinkedAssessment | None = None
    #: Steps written but not finished: being sent, or waiting to be resumed.
    pending: frozenset[StepKind] = frozenset()
    #: Steps whose latest attempt failed (shown with Retry).
    failed: frozenset[StepKind] = frozenset()
    #: Each of those failures (kind, ``failed_steps.failure_mark``): what "Leave it" on the
    #: failed-step flag remembers, so that a later failure is flagged again.
    failure_marks: frozenset[tuple[StepKind, str]] = frozenset()
    #: This desk accepted the order: its latest accept step is done. An order in progress
    #: without it was accepted by someone else (another desk or coordinator), whose
    #: assessment SmartRecruiters' order points at, not necessarily this order's link.
    accepted_here: bool = False
    result_id: str | None = None
    uploads: tuple[Upload, ...] = field(default=())
    #: Berke's side, once the assessment has been watched (None: not yet, or no assessment).
    berke: BerkeState | None = None
    #: Comments on the order not yet seen here, nor written here (the recruiter's, or a
    #: colleague's at another desk: a comment's author does not tell which).
    unseen_comments: int = 0
    #: How many of the order's comments were seen here when the watch last counted them (kept
    #: with ``unseen_comments``): the first unseen one's place in the list, oldest first.
    #: Comments that came after that count are not flagged yet, so counting ``unseen_comments``
    #: back from a list read later lands past the ones the flag was about.
    comments_seen: int = 0
    #: Attention flags the coordinator chose to leave alone ("Leave it"): a flag's kind, or
    #: for the failed-step flag the failures left alone (``Flag.left_alone_as``).
    dismissed: frozenset[str] = frozenset()
    #: Since when SmartRecruiters no longer has the order (None: it has it): a complete sync
    #: did not list it, and asking for it was answered "not found". Nothing is sent for it.
    gone_since: datetime | None = None
    #: The order's latest invitation step may have gone without its answer seen (None: not
    #: so). Where Berke gives no count, only this tells the candidate may have it.
    invitation_doubt: InvitationDoubt | None = None
    #: The order's assessment was found in Berke where this desk's create was refused as
    #: taken (``link_origin``): another desk made it, and may have invited to it, which Berke
    #: does not say. Invite asks first; the flag and the batch's plan say so.
    found_in_berke: bool = False

    @property
    def berke_progress(self) -> BerkeProgress | None:
        return self.berke.progress if self.berke is not None else None

    @property
    def accept_refused(self) -> bool:
        """This desk's accept failed and it never accepted the order (SmartRecruiters said it
        was accepted elsewhere, say): the order points at someone else's assessment, not at
        this desk's link (a reuse links before it accepts), so its result is not this
        order's."""
        return not self.accepted_here and StepKind.ACCEPT in self.failed

    @property
    def uploading(self) -> bool:
        return any(u.state in (UploadState.QUEUED, UploadState.UPLOADING) for u in self.uploads)

    @property
    def invitation_in_doubt(self) -> bool:
        """The latest invitation failed after a try that may have gone, and is not sent again:
        the candidate may have it (``StateSummary.invitation_in_doubt``)."""
        doubt = self.invitation_doubt
        return doubt is not None and not doubt.waiting


NO_STATE = OrderState()


@dataclass(frozen=True)
class StateSummary:
    """What an order's row shows of its local state (``OrderState``), read without the
    journal's models: a working day's first frame (``app.store.inbox_rows``)."""

    invitation_code: str = ""  # the link's, "" without one
    source_candidate_id: str = ""
    pending: frozenset[StepKind] = frozenset()
    failed: frozenset[StepKind] = frozenset()
    uploading: bool = False
    berke: BerkeState | None = None
    gone: bool = False
    #: The latest invitation failed after a try that may have gone (``OrderState``'s
    #: ``invitation_doubt``, not waiting): the candidate may have it.
    invitation_in_doubt: bool = False


NO_STATE_SUMMARY = StateSummary()
