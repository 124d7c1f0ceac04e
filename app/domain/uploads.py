"""A file queued for an order's result, as the store keeps it (it survives restarts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from app.domain.attachments import UploadState


@dataclass(frozen=True)
class MachineTime:
    """A moment as this machine's clock gave it, and how far SmartRecruiters' clock was ahead
    of it then (``SmartRecruitersClient.clock_offset``; None: not known: nothing had answered
    yet, or an older version wrote it)."""

    at: datetime
    service_ahead: timedelta | None

    def on_service_clock(self, service_ahead_now: timedelta) -> datetime:
        """The moment on SmartRecruiters' clock: by the offset measured when it was written,
        which a clock put right since (NTP after a sleep) does not change; by
        ``service_ahead_now`` only when none was. Shifted by today's offset, a try made while
        the machine was an hour fast looked for its copy an hour after it went, and sent the
        file again."""
        ahead = self.service_ahead if self.service_ahead is not None else service_ahead_now
        return self.at + ahead


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
    #: How far SmartRecruiters' clock was ahead of this machine's when ``sending_since`` and
    #: ``delivered_at`` were written (None: not known then, or an older version wrote them).
    sending_clock_offset: timedelta | None = None
    delivered_clock_offset: timedelta | None = None

    @property
    def sending_began(self) -> MachineTime | None:
        """``sending_since``, with the clock offset it was written with."""
        if self.sending_since is None:
            return None
        return MachineTime(self.sending_since, self.sending_clock_offset)

    @property
    def went_whole(self) -> MachineTime | None:
        """``delivered_at``, with the clock offset it was written with."""
        if self.delivered_at is None:
            return None
        return MachineTime(self.delivered_at, self.delivered_clock_offset)
