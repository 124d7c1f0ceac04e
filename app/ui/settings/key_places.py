"""The settings dialog's keyring work: where each profile's keys are kept, and moving them as
the profiles are saved. Every function here blocks on the keyring (a Secret Service over D-Bus,
KWallet waking up, an unlock prompt waiting to be answered) and on the opted-in key file, so
the dialog runs them with ``asyncio.to_thread``, never on the GUI thread. No Qt here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import SecretStr

from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyringStatus, KeyStore, Storage

SERVICES = (SR_KEY, BERKE_TOKEN)

#: (profile name as stored, service)
Entry = tuple[str, str]


@dataclass(frozen=True)
class KeyPlaces:
    """Where some profiles' keys were found, and the keyring's state, as read together."""

    status: KeyringStatus
    places: Mapping[Entry, Storage] = field(default_factory=dict)

    def of(self, name: str, service: str) -> Storage:
        return self.places.get((name, service), Storage.NONE)


def entries_of(names: Iterable[str]) -> list[Entry]:
    """Both services' entries of each profile named."""
    return [(name, service) for name in names for service in SERVICES]


def read_places(keys: KeyStore, entries: Iterable[Entry]) -> KeyPlaces:
    """Blocking. The status is read last: a read may find the keyring locked."""
    places = {entry: keys.where(*entry) for entry in entries}
    return KeyPlaces(keys.status, places)


@dataclass(frozen=True)
class SavedProfile:
    """A profile with keys (not the sandbox) as it is saved: the name its keys were stored
    under (None for a new one), its name now, and the keys typed for it in the dialog.

    The typed keys are ``SecretStr`` and out of the repr: qasync's thread executor logs the
    arguments of every call it runs (at DEBUG), and these are handed to it."""

    stored_name: str | None
    name: str
    typed: Mapping[str, SecretStr] = field(repr=False)


@dataclass(frozen=True)
class KeyChanges:
    """What one save does to the stored keys."""

    profiles: list[SavedProfile]
    gone: list[str]  # stored names no profile keeps (removed, or moved to another name)
    file_opt_in: bool  # the unencrypted file stays (or becomes) where keys are kept


def store_keys(keys: KeyStore, changes: KeyChanges) -> KeyPlaces:
    """Blocking. Typed keys stored; a renamed profile's keys follow it. Every key that moves is
    read before anything is deleted or written: names may trade places in one save (Acme ↔
    Beta, or Beta → Delta and Acme → Beta), and a key must follow its profile, never its old
    name to another account. Returns where the saved profiles' keys are now."""
    if not changes.file_opt_in:
        keys.leave_file()  # no plain copy stays behind once not wanted
    keys.file_opt_in = changes.file_opt_in
    to_write: list[tuple[str, str, SecretStr]] = []  # (profile name, service, key)
    for profile in changes.profiles:
        renamed = profile.stored_name is not None and profile.stored_name != profile.name
        for service in SERVICES:
            key: SecretStr | None = profile.typed.get(service)
            if not key and renamed:
                assert profile.stored_name is not None
                key = keys.get(profile.stored_name, service)
            if key:
                to_write.append((profile.name, service, key))
    for name in changes.gone:
        keys.delete_profile(name)
    for name, service, key in to_write:
        keys.set(name, service, key)
    return read_places(keys, entries_of(p.name for p in changes.profiles))
