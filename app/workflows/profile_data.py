"""A saved profile's data file: what it still has to send (see ``app.store.waiting_work``), and
when a profile moved to another server must leave it for a file of its own. The rules the
settings dialog and ``--configure`` share."""

from __future__ import annotations

from urllib.parse import urlsplit

from app.domain.connection import (
    ConnectionProfile,
    data_file_name,
    new_data_file,
    points_elsewhere,
)
from app.store.database import data_file_path
from app.store.waiting_work import WaitingWork, waiting_in

#: Why what waits is left unsent, said after ``left_behind_in_words``.
LEFT_UNSENT = (
    "With its new address it starts a data file of its own, so that one account's orders and "
    "steps are never shown or sent as another's: these are then never sent."
)


def waiting_for(profile: ConnectionProfile) -> WaitingWork | None:
    """What ``profile``'s data file still has to send; None when it cannot be read. Reads
    the disk: call it off the GUI thread."""
    return waiting_in(data_file_path(data_file_name(profile)))


def needs_own_data_file(saved: ConnectionProfile, now: ConnectionProfile) -> bool:
    """Whether ``now``, the profile saved as ``saved``, must be saved with a data file of its
    own: it points at another server and still has the file that holds the orders and
    pending steps of the account it pointed at, which would be shown as the new account's
    and resumed against it (with its keys)."""
    return saved.data_file == now.data_file and points_elsewhere(saved, now)


def with_own_data_file(profile: ConnectionProfile) -> ConnectionProfile:
    return profile.model_copy(update={"data_file": new_data_file(profile.name)})


def left_behind_in_words(saved: ConnectionProfile, work: WaitingWork | None) -> str | None:
    """What ``saved`` leaves unsent in its data file when it moves to another server, in a
    sentence (``work`` as ``waiting_for`` read it); None when nothing waits there."""
    name, where = saved.name, urlsplit(saved.sr_base_url).netloc or saved.sr_base_url
    if work is None:
        return f"What “{name}” still has to send to {where} could not be read from its file."
    if work.nothing:
        return None
    return f"“{name}” still has {work.in_words()}, for {where}."
