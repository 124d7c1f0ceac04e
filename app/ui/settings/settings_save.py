"""One save of File > Settings, once the form's own checks passed: where the saved keys are, a
key that would go where it was not saved for, two profiles on one data file, a profile that
needs a data file of its own (asking the coordinator), the settings file written (asking before
saving over another program's change) and the keys stored.

The keyring is read and written from its own thread (``key_places.KEYRING``), the files from a
worker thread: the window stays responsive, the dialog's profiles off meanwhile (``busy``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr
from PySide6.QtWidgets import QWidget

from app.domain.connection import AppSettings, ConnectionProfile, ProfileKind, sharing_a_data_file
from app.store.credentials import KeyStore, Storage
from app.store.settings_file import SettingsChangedElsewhereError
from app.ui.common.async_dialogs import choose, confirm
from app.ui.settings.key_places import (
    KEYRING,
    Entry,
    KeyPlaces,
    StoredKeys,
    entries_of,
    read_places_afresh,
    store_keys,
)
from app.workflows.profile_data import (
    LEFT_UNSENT,
    SAME_ACCOUNT_ASKED,
    AccountData,
    account_data_for,
    account_data_in_words,
    another_account_in_words,
    left_behind_in_words,
    needs_own_data_file,
    refused_for_another_account,
    waiting_for,
    with_own_data_file,
)
from app.workflows.profile_keys import (
    ProfileEdit,
    for_another_account,
    key_changes,
    key_left_behind,
    needs_account_question,
)
from app.workflows.settings_words import not_written_sentence, shared_data_file_sentence

log = logging.getLogger(__name__)


@dataclass
class Draft:
    """A profile being edited: raw values (validated on save), its stored name, typed keys."""

    values: dict[str, Any]
    stored_name: str | None  # the name its keys are stored under; None for a new profile
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> ProfileKind:
        return ProfileKind(self.values.get("kind", ProfileKind.CUSTOM))


@dataclass(frozen=True)
class Saved:
    """A save done: the settings written, the profiles in them (a data file of its own given
    to some), and what became of the keys (None: storing them failed; the log says why)."""

    settings: AppSettings
    profiles: list[ConnectionProfile]
    stored: StoredKeys | None


class SettingsSave:
    """The steps of a save past the form. The dialog shows what they find: ``fail`` puts a
    sentence naming no field on its error line, ``show_profile`` shows the profile at an index,
    ``show_key_refused`` says at a profile's key field (and on the error line, naming the
    profile) why the key may not go there;
    ``busy`` turns the profiles off while the file or the keyring is waited on. ``chosen`` is
    the active profile's name and whether the key file is opted in, as the dialog shows them.
    The questions are asked over ``parent``."""

    def __init__(
        self,
        parent: QWidget,
        keys: KeyStore,
        *,
        write: Callable[[AppSettings], object],
        write_over: Callable[[AppSettings], object] | None,
        busy: Callable[[], AbstractContextManager[None]],
        fail: Callable[[str], None],
        show_profile: Callable[[int], None],
        show_key_refused: Callable[[int, str, str], None],
        chosen: Callable[[], tuple[str, bool]],
    ) -> None:
        self._parent = parent
        self._keys = keys
        self._write = write
        self._write_over = write_over
        self._busy = busy
        self._fail = fail
        self._show_profile = show_profile
        self._show_key_refused = show_key_refused
        self._chosen = chosen

    async def run(
        self, drafts: Sequence[Draft], settings: AppSettings, profiles: list[ConnectionProfile]
    ) -> Saved | None:
        """``profiles`` (``drafts`` validated) saved over ``settings``, the typed keys stored.
        None, and why said, when something must be corrected first or the coordinator keeps
        editing."""
        with self._busy():
            found = await KEYRING.run(
                read_places_afresh,
                self._keys,
                _entries_to_check(settings, profiles),
                _keys_typed_for_saved(drafts),
            )
        if self._key_left_behind(drafts, settings, profiles, found):
            return None
        shared = sharing_a_data_file(profiles)
        if shared is not None:
            self._fail(shared_data_file_sentence(*shared))
            return None
        with self._busy():  # an edit meanwhile would not be saved, nor a profile added
            moved = await self._own_data_files(drafts, settings, profiles)
        if moved is None:
            return None
        with self._busy():
            profiles_now = await self._own_data_files_for_keys(drafts, settings, moved, found)
        if profiles_now is None:
            return None
        profiles = profiles_now
        active, file_opt_in = self._chosen()
        opted_in = file_opt_in and not found.status.usable
        written = AppSettings(
            **(settings.model_extra or {}),  # a newer desk's settings, written back
            active=active or settings.active,
            profiles=profiles,
            keys_file_opt_in=opted_in,
        )
        # What saving ``profiles`` does to the stored keys (``store_keys`` does it).
        changes = key_changes(_edits(drafts, profiles), settings.profiles, opted_in)
        with self._busy():
            # The file first: when it cannot be written (a read-only folder, a full disk)
            # nothing has changed, keys included. Stored first, a renamed profile's keys had
            # moved to a name the file on disk does not know.
            if not await self._write_file(written):
                return None
            try:
                stored: StoredKeys | None = await KEYRING.run(store_keys, self._keys, changes)
            except Exception:  # the file is written: the settings are saved all the same
                log.exception("Storing the keys of a save failed")
                stored = None
        return Saved(written, profiles, stored)

    def _key_left_behind(
        self,
        drafts: Sequence[Draft],
        settings: AppSettings,
        profiles: list[ConnectionProfile],
        found: KeyPlaces,
    ) -> bool:
        """Whether a saved key would go where it was not saved for, with no key typed instead
        (``profile_keys.key_left_behind``): if so, said at its field. ``found``: where the
        entries ``_entries_to_check`` names are kept."""
        left = key_left_behind(
            _edits(drafts, profiles),
            settings.profiles,
            lambda name, service: found.of(name, service) is not Storage.NONE,
        )
        if left is None:
            return False
        self._show_key_refused(left.index, left.service, left.sentence)
        return True

    async def _own_data_files(
        self, drafts: Sequence[Draft], settings: AppSettings, profiles: list[ConnectionProfile]
    ) -> list[ConnectionProfile] | None:
        """``profiles``, each saved one now pointing at another server with a data file of
        its own: the one it had holds the orders and pending steps of the account it pointed
        at, which were shown as the new one's and resumed against it (a create made in
        another company's Berke). A file with work still to send is left only when the
        coordinator says so; None when they keep editing."""
        given = list(profiles)
        for index, (draft, profile) in enumerate(zip(drafts, profiles, strict=True)):
            saved = settings.profile(draft.stored_name) if draft.stored_name else None
            if saved is None or not needs_own_data_file(saved, profile):
                continue
            work = await asyncio.to_thread(waiting_for, saved)
            left_behind = left_behind_in_words(saved, work)
            if left_behind is not None and not await self._leave_waiting_work(left_behind):
                self._show_profile(index)
                return None
            given[index] = with_own_data_file(profile)
        return given

    async def _own_data_files_for_keys(
        self,
        drafts: Sequence[Draft],
        settings: AppSettings,
        profiles: list[ConnectionProfile],
        found: KeyPlaces,
    ) -> list[ConnectionProfile] | None:
        """``profiles``, each saved one whose stored keys were replaced by another account's
        (as the coordinator answers) with a data file of its own: on the same addresses, the
        one it had holds the first account's orders and pending steps, which were shown as
        the new account's and resumed against it (a waiting create failed for good there).
        Asked only where that file holds something: a key renewed on a new profile asks
        nothing. None when they keep editing. ``found``: where the saved keys are kept."""
        given = list(profiles)
        for index, (draft, profile) in enumerate(zip(drafts, profiles, strict=True)):
            saved = settings.profile(draft.stored_name) if draft.stored_name else None
            if saved is None:
                continue
            typed = [found.typed_key(saved.name, s) for s, key in draft.keys.items() if key]
            if not needs_account_question(saved, profile, typed):
                continue
            data = await asyncio.to_thread(account_data_for, saved)
            if data.nothing:
                continue
            another = await self._another_account(saved, data)
            if another is None:
                self._show_profile(index)
                return None
            if not another:
                continue
            own = for_another_account(profile)
            if own is None:
                self._show_profile(index)
                self._fail(
                    refused_for_another_account(
                        profile.name, "Duplicate it and type that account's keys in the copy"
                    )
                )
                return None
            given[index] = own
        return given

    async def _another_account(self, saved: ConnectionProfile, data: AccountData) -> bool | None:
        """Whether the keys typed for ``saved`` are another account's (not the same account's,
        renewed: the common case, the answer Enter gives); None: keep editing."""
        chosen = await choose(
            self._parent,
            "New keys: the same account?",
            f"{account_data_in_words(saved, data)} {SAME_ACCOUNT_ASKED}",
            options=["Same account, renewed keys", "Another account"],
            informative=another_account_in_words(
                data, "Duplicate the profile and type its keys in the copy"
            ),
        )
        return None if chosen is None else chosen == 1

    async def _leave_waiting_work(self, text: str) -> bool:
        return await confirm(
            self._parent,
            "Point the profile at another server?",
            text,
            informative=(
                f"{LEFT_UNSENT} To send them, keep the address until they are; for the new server, "
                "Duplicate the profile and change the copy."
            ),
            ok_text="Change the address",
            cancel_text="Keep editing",
        )

    async def _write_file(self, settings: AppSettings) -> bool:
        """The settings file written; False, and why said, when it was not. A change another
        program made to it since it was read is saved over only when the coordinator says so:
        refused without a choice, every OK and Apply was refused again."""
        write = self._write
        while True:
            try:
                await asyncio.to_thread(write, settings)
                return True
            except SettingsChangedElsewhereError as exc:
                if self._write_over is None or not await confirm(
                    self._parent,
                    "Settings changed elsewhere",
                    "The settings file was changed by another program (assessment-desk "
                    "--configure, or an editor) since this window read it.",
                    informative=(
                        "Save yours over it, and that change is lost. Or keep editing: to see "
                        "that change, close Settings and open it again."
                    ),
                    ok_text="Save mine over it",
                    cancel_text="Keep editing",
                ):
                    self._fail(str(exc))
                    return False
                write = self._write_over
            except OSError as exc:
                self._fail(not_written_sentence(exc))
                return False


def _keys_typed_for_saved(drafts: Sequence[Draft]) -> dict[Entry, SecretStr]:
    """The keys typed for saved profiles, under the names they are stored under: compared
    with the stored ones in the keyring's thread (the same keys typed again are no other
    account's, as ``--configure`` has it)."""
    return {
        (draft.stored_name, service): SecretStr(key)
        for draft in drafts
        if draft.stored_name is not None
        for service, key in draft.keys.items()
        if key
    }


def _entries_to_check(settings: AppSettings, profiles: list[ConnectionProfile]) -> list[Entry]:
    """Where ``_key_left_behind`` may look, read for it beforehand: both keys of every
    profile name saved or typed (a few keyring reads, in the keyring's thread)."""
    names = {p.name for p in [*settings.profiles, *profiles] if not p.is_sandbox}
    return entries_of(sorted(names))


def _edits(drafts: Sequence[Draft], profiles: list[ConnectionProfile]) -> list[ProfileEdit]:
    """Each draft as ``profiles`` validated it, with the name its keys are stored under and
    the keys typed for it."""
    return [
        ProfileEdit(draft.stored_name, profile, draft.keys)
        for draft, profile in zip(drafts, profiles, strict=True)
    ]
