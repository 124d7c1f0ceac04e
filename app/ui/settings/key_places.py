"""The settings dialog's keyring work: where each profile's keys are kept, and moving them as
the profiles are saved. Every function here blocks on the keyring (a Secret Service over D-Bus,
KWallet waking up, an unlock prompt waiting to be answered) and on the opted-in key file, so
the dialog runs them with ``asyncio.to_thread``, never on the GUI thread. No Qt here."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import SecretStr

from app.store.credentials import (
    KEY_SERVICES,
    LOCKED_REASON,
    KeyringStatus,
    KeyringUnavailableError,
    KeyStore,
    Storage,
)
from app.workflows.profile_keys import KeyChanges, TypedKey, typed_key

log = logging.getLogger(__name__)
T = TypeVar("T")


class KeyringThread:
    """One thread of its own for the dialog's keyring work, calls served in turn.

    Not the loop's shared executor (``asyncio.to_thread``): a keyring that never answers (an
    unlock prompt left open) held one of its ten threads at each opening of Settings, and with
    all ten held every database call of the desk waited. Here a call that never returns holds
    this thread only, and the next calls wait behind it. A daemon thread: an exit is not held
    by a keyring that does not answer. Nothing is logged of a call (the executor logged its
    arguments at DEBUG, keys typed included)."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[
            tuple[Callable[[], Any], asyncio.AbstractEventLoop, asyncio.Future[Any]]
        ] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[T] = loop.create_future()
        self._calls.put((lambda: call(*args), loop, answer))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="keyring", daemon=True)
                self._thread.start()
        return await answer

    def _serve(self) -> None:
        while True:
            call, loop, answer = self._calls.get()
            try:
                outcome: tuple[object, BaseException | None] = (call(), None)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller, whatever it is
                outcome = (None, exc)
            try:
                loop.call_soon_threadsafe(_settle, answer, *outcome)
            except RuntimeError:  # its loop closed meanwhile (the app quitting): nobody to tell
                continue


def _settle(answer: asyncio.Future[Any], result: object, exc: BaseException | None) -> None:
    if answer.done():  # the caller went (the dialog closed): nobody to tell
        return
    if exc is not None:
        answer.set_exception(exc)
    else:
        answer.set_result(result)


#: The dialog's keyring thread, one for the app (a second dialog's calls wait behind the first's).
KEYRING = KeyringThread()


#: (profile name as stored, service)
Entry = tuple[str, str]


@dataclass(frozen=True)
class KeyPlaces:
    """Where some profiles' keys were found, and the keyring's state, as read together."""

    status: KeyringStatus
    places: Mapping[Entry, Storage] = field(default_factory=dict)
    #: The entries whose stored key is the very one typed for it (the keys themselves are
    #: compared in the keyring's thread, never kept here).
    typed_again: frozenset[Entry] = frozenset()

    def of(self, name: str, service: str) -> Storage:
        return self.places.get((name, service), Storage.NONE)

    def typed_key(self, name: str, service: str) -> TypedKey:
        """What the key typed for ``name`` (one handed to ``read_places_afresh``) is beside
        the one stored under it."""
        if self.of(name, service) is Storage.NONE:
            return TypedKey.FIRST
        return TypedKey.AGAIN if (name, service) in self.typed_again else TypedKey.OTHER


def entries_of(names: Iterable[str]) -> list[Entry]:
    """Both services' entries of each profile named."""
    return [(name, service) for name in names for service in KEY_SERVICES]


def read_places(keys: KeyStore, entries: Iterable[Entry]) -> KeyPlaces:
    """Blocking. The status is read last: a read may find the keyring locked."""
    places = {entry: keys.where(*entry) for entry in entries}
    return KeyPlaces(keys.status, places)


def read_places_afresh(
    keys: KeyStore, entries: Iterable[Entry], typed: Mapping[Entry, SecretStr] | None = None
) -> KeyPlaces:
    """Blocking. ``read_places``, asking a keyring found locked earlier again (the dialog
    opening after it was unlocked); with which of the keys ``typed`` are those stored."""
    keys.look_again()
    places = read_places(keys, entries)
    if not typed:
        return places
    again = frozenset(
        entry
        for entry, secret in typed.items()
        if typed_key(secret.get_secret_value(), keys.get(*entry)) is TypedKey.AGAIN
    )
    return KeyPlaces(places.status, places.places, again)


@dataclass(frozen=True)
class StoredKeys:
    """What a save did to the keys: where they are now, and the ones that could not be stored
    where they belong ((profile, service), and why), kept for this session instead."""

    places: KeyPlaces
    not_stored: list[tuple[Entry, str]] = field(default_factory=list)
    #: Renamed profiles whose stored keys could not be read to move them (a locked keyring):
    #: (new name, old name); their keys stay under the old name.
    not_moved: list[tuple[str, str]] = field(default_factory=list)


def store_keys(keys: KeyStore, changes: KeyChanges) -> StoredKeys:
    """Blocking. Typed keys stored; a renamed profile's keys follow it. Every key that moves is
    read before anything is deleted or written: names may trade places in one save (Acme ↔
    Beta, or Beta → Delta and Acme → Beta), and a key must follow its profile, never its old
    name to another account.

    A key that cannot be written (a full disk under the opted-in file, a keyring failing half
    way) is kept for this session and said, never lost: it had been read, and its old name
    deleted, and it existed only in this call."""
    # Asked afresh, first: the dialog's own reads may have found it locked a moment ago, and
    # a key that then lands in the session must be said, not taken for stored.
    keys.look_again()
    durable = keys.status.usable
    if not changes.file_opt_in:
        try:
            keys.leave_file()  # no plain copy stays behind once not wanted
        except OSError as exc:  # its keys are in the keyring or the session already
            log.warning("The key file could not be removed: %s", exc.strerror or exc)
    keys.file_opt_in = changes.file_opt_in
    to_write: list[tuple[str, str, SecretStr]] = []  # (profile name, service, key)
    not_moved: list[tuple[str, str]] = []
    for profile in changes.profiles:
        renamed = profile.stored_name is not None and profile.stored_name != profile.name
        for service in KEY_SERVICES:
            key: SecretStr | None = profile.typed.get(service)
            if not key and renamed:
                assert profile.stored_name is not None
                key = keys.get(profile.stored_name, service)
                if key is None and durable and not keys.status.usable:  # locked since
                    moved = (profile.name, profile.stored_name)
                    if moved not in not_moved:
                        not_moved.append(moved)
            if key:
                to_write.append((profile.name, service, key))
    for name in changes.gone:
        try:
            keys.delete_profile(name)
        except (OSError, KeyringUnavailableError) as exc:  # left under the old name: the
            # next save's check finds it
            log.warning("The keys of a profile no longer kept could not be deleted: %r", exc)
    not_stored: list[tuple[Entry, str]] = []
    # Where the keyring was usable as the save began, a key that lands in the session instead
    # was refused by it (locked since, its unlock prompt dismissed): said, as a disk's failure
    # is. ``set`` keeps it for the session rather than lose it, and it was taken for stored:
    # the dialog closed, and the next start had no keys.
    for name, service, key in to_write:
        try:
            where = keys.set(name, service, key)
        except (OSError, KeyringUnavailableError) as exc:  # kept for the session, not lost
            keys.keep_for_session(name, service, key)
            not_stored.append(((name, service), _reason(exc)))
            continue
        if where is Storage.SESSION and durable:
            # A few words in the sentence: the keyring's own reason is in the banner above.
            locked = keys.status.reason == LOCKED_REASON
            not_stored.append(
                ((name, service), f"the keyring {'is locked' if locked else 'refused it'}")
            )
    places = read_places(keys, entries_of(p.name for p in changes.profiles))
    return StoredKeys(places, not_stored, not_moved)


def _reason(exc: OSError | KeyringUnavailableError) -> str:
    """Why a key could not be stored, in a few words (never the key: none is in an error)."""
    if isinstance(exc, OSError):
        return str(exc.strerror or type(exc).__name__)
    return str(exc) or type(exc).__name__
