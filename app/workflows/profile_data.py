"""A saved profile's data file: what it still has to send (see ``app.store.waiting_work``), and
when a profile moved to another server must leave it for a file of its own. The rules the
settings dialog and ``--configure`` share."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from app.domain.connection import (
    ConnectionProfile,
    data_file_name,
    new_data_file,
    points_elsewhere,
)
from app.store.database import data_file_path
from app.store.waiting_work import WaitingWork, orders_in, waiting_in

#: Why a profile that reaches another account starts a data file of its own.
_ACCOUNTS_APART = "so that one account's orders and steps are never shown or sent as another's"
#: Why what waits is left unsent, said after ``left_behind_in_words``.
LEFT_UNSENT = (
    f"With its new address it starts a data file of its own, {_ACCOUNTS_APART}: these are "
    "then never sent."
)
#: The same, for another account's keys typed for the profile.
LEFT_UNSENT_FOR_KEYS = (
    f"With another account's keys it starts a data file of its own, {_ACCOUNTS_APART}: these "
    "are then never sent."
)
#: Another account's keys for a profile whose data file holds orders only.
KEPT_APART_FOR_KEYS = (
    f"With another account's keys it starts a data file of its own, {_ACCOUNTS_APART}: the "
    "orders stay in the old one."
)
#: Asked after ``account_data_in_words`` when new keys are typed for the profile.
SAME_ACCOUNT_ASKED = "Are the keys typed for it that account's, renewed, or another account's?"


@dataclass(frozen=True)
class AccountData:
    """What a profile's data file keeps of the account it used: its cached orders and what
    it still has to send (None: that could not be read)."""

    orders: int | None
    work: WaitingWork | None

    @property
    def nothing(self) -> bool:
        return self.orders == 0 and self.work is not None and self.work.nothing

    @property
    def waits(self) -> bool:
        """Whether something may still wait there to be sent (unreadable: it may)."""
        return self.work is None or not self.work.nothing


def waiting_for(profile: ConnectionProfile) -> WaitingWork | None:
    """What ``profile``'s data file still has to send; None when it cannot be read. Reads
    the disk: call it off the GUI thread."""
    return waiting_in(data_file_path(data_file_name(profile)))


def account_data_for(profile: ConnectionProfile) -> AccountData:
    """What ``profile``'s data file keeps of its account. Reads the disk: call it off the GUI
    thread."""
    path = data_file_path(data_file_name(profile))
    return AccountData(orders_in(path), waiting_in(path))


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


def account_data_in_words(saved: ConnectionProfile, data: AccountData) -> str:
    """What ``saved``'s data file keeps of the account it used, in a sentence."""
    name, where = saved.name, urlsplit(saved.sr_base_url).netloc or saved.sr_base_url
    if data.orders is None or data.work is None:
        return (
            f"What “{name}” keeps of the account it used at {where} (its orders, steps to "
            "send) could not be read from its file."
        )
    parts = [f"{data.orders:,} order{'s' if data.orders != 1 else ''}"] if data.orders else []
    if not data.work.nothing:
        parts.append(data.work.in_words())
    return f"“{name}” keeps {' and '.join(parts)} of the account it used at {where}."


def another_account_in_words(data: AccountData, way_out: str) -> str:
    """What each answer to ``SAME_ACCOUNT_ASKED`` does with the data file ``data`` describes;
    ``way_out``: how to reach the other account and keep the waiting work sendable (Duplicate
    in the settings dialog, another name in ``--configure``)."""
    said = "Renewed keys of the same account go on with its orders and steps. "
    if not data.waits:
        return said + KEPT_APART_FOR_KEYS
    return (
        f"{said}{LEFT_UNSENT_FOR_KEYS} To send them, keep the old keys until they are; for the "
        f"other account, {way_out}."
    )


def refused_for_another_account(name: str, way_out: str) -> str:
    """Why ``name``, a Production profile, takes no other account's keys: it keeps the desk's
    own data file whatever its settings say, which the other account would share."""
    return (
        f"“{name}” keeps the desk's own data file, with the orders and steps of the account it "
        f"used: for another account, {way_out} (it starts a data file of its own)."
    )
