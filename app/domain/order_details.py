"""An order's details as SmartRecruiters last gave them, and whether they are still current.

Comments, results and a result's files are three more calls per order (``GET .../comments``,
``.../results``, ``.../results/{id}/attachments``), paced at 10 a second: 200 orders cost over
40 s. Each change to them moves the order's ``lastUpdateDate`` (a comment, a result, a file:
the sandbox, written from the reference, does so), so details fetched at one
``lastUpdateDate`` stay true as long as the order still carries it. An order without one
cannot be shown unchanged: its details are always fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    Attachment,
)


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

    def is_current_for(self, order: AssessmentOrder) -> bool:
        """Whether these details are still the order's: its lastUpdateDate has not moved."""
        return order.last_update_date is not None and same_moment(
            order.last_update_date, self.as_of
        )

    def lacks(self, *, files: bool) -> tuple[bool, bool, bool]:
        """Which of comments, results and (with ``files``) files still have to be asked."""
        return (self.comments is None, self.results is None, files and self.files is None)

    def merged_over(self, older: OrderDetails | None) -> OrderDetails:
        """These details, with what ``older`` knew at the same ``as_of`` filling the gaps; an
        older copy of another ``lastUpdateDate`` is stale and left out."""
        if older is None or not same_moment(older.as_of, self.as_of):
            return self
        return replace(
            self,
            comments=self.comments if self.comments is not None else older.comments,
            results=self.results if self.results is not None else older.results,
            files=self.files if self.files is not None else older.files,
        )


def listable_results(results: list[AssessmentResult]) -> list[str]:
    """The results whose files can be listed (SmartRecruiters lists them by result id)."""
    return [r.id for r in results if r.id is not None]
