"""An order's details as SmartRecruiters last gave them, and whether they may stand for now.

Comments, results and a result's files are three more calls per order (``GET .../comments``,
``.../results``, ``.../results/{id}/attachments``), paced at 10 a second: 200 orders cost over
40 s. They are resources of their own: the reference never says a change to them (a
recruiter's comment, a colleague's result) moves the order's ``lastUpdateDate`` (only the
sandbox's own choice), so an unchanged ``lastUpdateDate`` proves nothing about them. Details
kept from before stand only for a completed or rejected order (an open one is where comments
and results come: always asked again), whose ``lastUpdateDate`` has not moved, and only for
``KEPT_FOR`` after they were read: the reference lets a comment come even then. An order
without a ``lastUpdateDate`` is always asked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    Attachment,
)

#: How long details read from SmartRecruiters stand for a completed or rejected order: long
#: enough for a save cancelled or failed to be saved again, or saved again with another
#: choice, without its calls; short enough that a comment added since is not missed for long.
KEPT_FOR = timedelta(minutes=10)


def same_moment(a: datetime, b: datetime) -> bool:
    """Whether two timestamps name the same instant; a naive one is read as UTC."""
    return _aware(a) == _aware(b)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class OrderDetails:
    """What SmartRecruiters said of one order while its ``lastUpdateDate`` was ``as_of``.
    ``None`` is "not asked" (or the asking failed), never "none": an empty list is an answer."""

    as_of: datetime
    comments: list[AssessmentComment] | None = None
    results: list[AssessmentResult] | None = None
    #: The files on each result (result id → its files); asked only when files are saved.
    files: dict[str, list[Attachment]] | None = None
    #: When SmartRecruiters was asked (of parts asked at two times, the earlier); None: just
    #: now, not yet kept.
    read_at: datetime | None = None

    def is_current_for(self, order: AssessmentOrder, now: datetime) -> bool:
        """Whether these details may stand for the order's at ``now``: it is completed or
        rejected, its lastUpdateDate has not moved, and they were read less than
        ``KEPT_FOR`` before."""
        return (
            order.status.is_final
            and order.last_update_date is not None
            and same_moment(order.last_update_date, self.as_of)
            and self.read_at is not None
            and timedelta(0) <= _aware(now) - _aware(self.read_at) < KEPT_FOR
        )

    def lacks(self, *, files: bool) -> tuple[bool, bool, bool]:
        """Which of comments, results and (with ``files``) files still have to be asked."""
        return (self.comments is None, self.results is None, files and self.files is None)

    def merged_over(self, older: OrderDetails | None) -> OrderDetails:
        """These details, with what ``older`` knew at the same ``as_of`` filling the gaps (read
        when the older was); an older copy of another ``lastUpdateDate`` is stale and left
        out."""
        if older is None or not same_moment(older.as_of, self.as_of):
            return self
        gaps = (self.comments is None, self.results is None, self.files is None)
        filled = (older.comments is not None, older.results is not None, older.files is not None)
        read_at = self.read_at
        if any(gap and fill for gap, fill in zip(gaps, filled, strict=True)):
            read_at = _earlier(self.read_at, older.read_at)
        return replace(
            self,
            comments=self.comments if self.comments is not None else older.comments,
            results=self.results if self.results is not None else older.results,
            files=self.files if self.files is not None else older.files,
            read_at=read_at,
        )


def _earlier(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier of two read times (None: not known, so not the earlier)."""
    if a is None or b is None:
        return a or b
    return a if _aware(a) <= _aware(b) else b


def listable_results(results: list[AssessmentResult]) -> list[str]:
    """The results whose files can be listed (SmartRecruiters lists them by result id)."""
    return [r.id for r in results if r.id is not None]
