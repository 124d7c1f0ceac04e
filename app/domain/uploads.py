"""A file queued for an order's result, as the store keeps it (it survives restarts)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.domain.attachments import UploadState


class Upload(BaseModel):
    """One file queued for an order's result; survives restarts."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    id: int
    order_id: str
    result_id: str | None
    path: str
    file_name: str
    size: int
    state: UploadState
    attachment_id: str | None = None
    message: str | None = None
    created_at: datetime
    updated_at: datetime
    #: When its bytes first began to go (None: never); when the whole file first went out
    #: (None: never: the service cannot have it); the content's fingerprint as last sent.
    sending_since: datetime | None = None
    delivered_at: datetime | None = None
    fingerprint: str | None = None
