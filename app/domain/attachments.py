"""Which files may be attached to a SmartRecruiters result, checked before anything is sent."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from pathlib import PurePath

from pydantic import BaseModel, ConfigDict

#: The report formats recruiters can open; anything else is refused up front.
ALLOWED_EXTENSIONS = frozenset(
    {".pdf", ".doc", ".docx", ".rtf", ".txt", ".html", ".htm", ".png", ".jpg", ".jpeg"}
)
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def describe_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_attachment(file_name: str, size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """None when the file may be uploaded; otherwise why not, in a sentence."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        allowed = "PDF, DOC, DOCX, RTF, TXT, HTML, PNG or JPG"
        return f"{file_name} cannot be attached: results take {allowed} files only."
    if size <= 0:
        return f"{file_name} is empty."
    if size > max_bytes:
        return (
            f"{file_name} is {describe_size(size)}; the limit is {describe_size(max_bytes)} "
            "(change it in the settings)."
        )
    return None


class UploadState(StrEnum):
    QUEUED = "queued"
    UPLOADING = "uploading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Upload(BaseModel):
    """One file queued for an order's result; survives restarts."""

    model_config = ConfigDict(frozen=True)

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
