"""What a saved profile's data file still has to send (see ``app.store.waiting_work``)."""

from __future__ import annotations

from app.domain.connection import ConnectionProfile, data_file_name
from app.store.database import data_file_path
from app.store.waiting_work import WaitingWork, waiting_in


def waiting_for(profile: ConnectionProfile) -> WaitingWork | None:
    """What ``profile``'s data file still has to send; None when it cannot be read. Reads
    the disk: call it off the GUI thread."""
    return waiting_in(data_file_path(data_file_name(profile)))
