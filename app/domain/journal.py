"""What the console did and is doing to remote state: journal entries and linked assessments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict


class Action(StrEnum):
    CREATE_ASSESSMENT = "create_assessment"
    ACCEPT = "accept"
    REJECT = "reject"
    INVITE = "invite"
    COMPLETE = "complete"
    CREATE_RESULT = "create_result"
    UPLOAD = "upload"
    COMMENT = "comment"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Action.CREATE_ASSESSMENT: "Create Berke assessment",
    Action.ACCEPT: "Accept order",
    Action.REJECT: "Reject order",
    Action.INVITE: "Send Berke invitation",
    Action.COMPLETE: "Complete order",
    Action.CREATE_RESULT: "Create result",
    Action.UPLOAD: "Upload attachment",
    Action.COMMENT: "Add comment",
}


class StepState(StrEnum):
    PENDING = "pending"  # written before the call; still pending after a crash means "resume"
    DONE = "done"
    FAILED = "failed"


class JournalEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    order_id: str
    action: Action
    state: StepState
    request: dict[str, Any]
    outcome: dict[str, Any] | None = None
    message: str | None = None
    created_at: datetime
    updated_at: datetime


class LinkedAssessment(BaseModel):
    """The Berke assessment created for an SR order."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    source_candidate_id: str
    invitation_code: str
    assessment_url: str
    created_at: datetime
    invited_email: str | None = None
    invited_at: datetime | None = None

    @property
    def invitation_sent(self) -> bool:
        return self.invited_at is not None
