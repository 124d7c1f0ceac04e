"""What this desk knows about one order besides SmartRecruiters' own copy: its Berke assessment,
the steps under way or failed, its result and its queued files. Plain data, read from the store
by the order board and shown by the views; nothing here knows where it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.attachments import Upload, UploadState
from app.domain.journal import LinkedAssessment, StepKind


@dataclass(frozen=True)
class OrderState:
    link: LinkedAssessment | None = None
    #: Steps written but not finished: being sent, or waiting to be resumed.
    pending: frozenset[StepKind] = frozenset()
    #: Steps whose latest attempt failed (shown with Retry).
    failed: frozenset[StepKind] = frozenset()
    result_id: str | None = None
    uploads: tuple[Upload, ...] = field(default=())

    @property
    def uploading(self) -> bool:
        return any(u.state in (UploadState.QUEUED, UploadState.UPLOADING) for u in self.uploads)


NO_STATE = OrderState()
