"""``assessment-desk --configure``: set up a connection profile from a terminal.

The same as the settings dialog, for a machine reached over ssh or a first start without the
window: the addresses go to the settings file, the two keys to the OS keyring and nowhere else.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import NamedTuple

from pydantic import SecretStr, ValidationError

from app.clients.errors import Service
from app.domain.connection import (
    PRODUCTION_PROFILE,
    AppSettings,
    ConnectionProfile,
    ProfileKind,
    berke_token_problem,
    sr_key_problem,
)
from app.domain.urls import require_secure_base_url
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore, Storage
from app.store.instance_lock import AlreadyRunningError, InstanceLock, LockUnavailableError
from app.store.paths import data_dir
from app.store.settings_file import SettingsFile
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
    for_another_account,
    needs_account_question,
    profile_named,
    typed_key,
)


def _ask(prompt: str, default: str) -> str:
    answer = input(f"{prompt} [{default}]: ").strip()
    return answer or default


def configure_interactively(keys: KeyStore | None = None) -> int:
    # A desk running on this data folder holds its settings in memory, and its connection
    # would go on with the old address under the new key: it is closed first (or changed in
    # its own File > Settings).
    lock = InstanceLock(data_dir(), role="assessment-desk --configure")
    try:
        lock.acquire()
    except AlreadyRunningError as exc:
        desk = "" if exc.role else " Its File > Settings changes profiles too."
        print(f"{exc}{desk}")
        return 1
    except LockUnavailableError as exc:
        print(exc)
        return 1
    try:
        return _configure(keys or KeyStore())
    finally:
        lock.release()


class _Answers(NamedTuple):
    profile: ConnectionProfile
    sr_key: str
    berke_token: str


def _ask_answers(settings: AppSettings, keys: KeyStore) -> _Answers | int:
    """The profile and its two keys, as typed and checked; or the exit status when an answer
    was refused (and why said). Nothing is stored here: an answer not given (Ctrl+D, Ctrl+C)
    changes nothing."""
    name = _ask("Profile name", PRODUCTION_PROFILE)
    # Names that differ only in capitals are one name, as the settings dialog has it.
    saved = profile_named(settings.profiles, name)
    if saved is not None and saved.name != name:
        print(
            f"“{name}” is the profile “{saved.name}”: names that differ only in their "
            "capitals are one name (Windows' keyring cannot tell them apart)."
        )
    if saved is not None and saved.is_sandbox:
        print("The built-in sandbox needs no configuration.")
        return 2
    try:
        current = saved or ConnectionProfile(name=name)
        if current.kind is ProfileKind.PRODUCTION:
            sr_url, berke_url = current.sr_base_url, current.berke_base_url
        else:
            sr_url = require_secure_base_url(
                _ask("SmartRecruiters API address", current.sr_base_url), Service.SMARTRECRUITERS
            )
            berke_url = require_secure_base_url(
                _ask("Berke API address", current.berke_base_url), Service.BERKE
            )
        username = input("Berke user (optional, Enter for the API's default user): ").strip()
        profile = ConnectionProfile.model_validate(
            {
                **current.model_dump(),
                "sr_base_url": sr_url,
                "berke_base_url": berke_url,
                "berke_username": username or None,
            }
        )
    except (ValueError, ValidationError) as exc:
        print(exc)
        return 2
    if saved is not None and needs_own_data_file(saved, profile):
        if not _leave_waiting_work(saved):
            print("Nothing was changed.")
            return 1
        profile = with_own_data_file(profile)
    sr_key = getpass.getpass("SmartRecruiters partner API key (64 characters, hidden): ").strip()
    token = getpass.getpass("Berke API token (1–50 characters, hidden): ").strip()
    if not sr_key or not token:
        print("Both keys are needed; nothing was changed.")
        return 2
    for title, problem in (
        ("SmartRecruiters partner API key", sr_key_problem(sr_key)),
        ("Berke API token", berke_token_problem(token)),
    ):
        if problem is not None:  # before anything is stored: a wrong key never reaches it
            print(f"{title}: {problem} Nothing was changed.")
            return 2
    if saved is not None:
        for_keys = _data_file_for_keys(saved, profile, keys, {SR_KEY: sr_key, BERKE_TOKEN: token})
        if for_keys is None:
            print("Nothing was changed.")
            return 1
        profile = for_keys
    return _Answers(profile, sr_key, token)


def _leave_waiting_work(saved: ConnectionProfile) -> bool:
    """Whether ``saved``, moved to another server, may leave its data file: yes when nothing
    waits there to be sent, else as the coordinator answers (as the settings dialog asks)."""
    left_behind = left_behind_in_words(saved, waiting_for(saved))
    if left_behind is None:
        return True
    print(
        f"{left_behind} {LEFT_UNSENT} To send them, keep the address until they are; for the "
        "new server, configure a profile of another name."
    )
    return input("Change the address anyway? [y/N]: ").strip().lower() in ("y", "yes")


def _data_file_for_keys(
    saved: ConnectionProfile, profile: ConnectionProfile, keys: KeyStore, typed: dict[str, str]
) -> ConnectionProfile | None:
    """``profile`` (saved as ``saved``) with the data file the keys ``typed`` for it need:
    ``saved``'s holds the orders and waiting steps of the account its stored keys reach,
    which another account's keys would be shown and resumed against (a waiting create failed
    for good there). Another account's, as the coordinator answers, start a file of their
    own; None when that is refused (Production), and why said. As the settings dialog."""
    compared = [typed_key(key, keys.get(saved.name, service)) for service, key in typed.items()]
    if not needs_account_question(saved, profile, compared):
        return profile
    data = account_data_for(saved)
    if data.nothing or not _another_account(saved, data):
        return profile
    own = for_another_account(profile)
    if own is None:
        print(
            refused_for_another_account(
                profile.name, "configure a profile of another name with that account's keys"
            )
        )
    return own


def _another_account(saved: ConnectionProfile, data: AccountData) -> bool:
    """Whether the keys typed for ``saved`` are another account's, as the coordinator
    answers; Enter: the same account's, renewed (the common case)."""
    print(
        f"{account_data_in_words(saved, data)} {SAME_ACCOUNT_ASKED} "
        + another_account_in_words(data, "configure a profile of another name with its keys")
    )
    while True:
        answer = input("Same account, renewed keys, or another account? [S/a]: ").strip().lower()
        if answer in ("", "s", "same"):
            return False
        if answer in ("a", "another"):
            return True
        print("Answer s for the same account, a for another account.")


def _configure(keys: KeyStore) -> int:
    if not keys.status.usable:
        # What File > Settings offers then, both ways: the README says the same.
        print(
            f"{keys.status.reason} Start the desk and use File > Settings instead: it keeps the "
            "keys for this session only or, if you opt in, in a file on this computer (not "
            "encrypted)."
        )
        return 1
    # Read and written through one SettingsFile: a file it could not read is then renamed,
    # not written over with the built-in profiles and this one.
    file = SettingsFile()
    settings, problem = file.read()
    if problem is not None:  # saying so before the save below writes what was read
        print(problem)
    try:
        answers = _ask_answers(settings, keys)
    except (EOFError, KeyboardInterrupt):  # Ctrl+D or Ctrl+C at a prompt
        print("\nNothing was changed.")
        return 1
    if isinstance(answers, int):  # an answer was refused, and the reason said
        return answers
    profile, sr_key, token = answers
    others = [p for p in settings.profiles if p.name != profile.name]
    new_settings = settings.model_copy(
        update={"profiles": [*others, profile], "active": profile.name}
    )
    # The keys the profile had, put back when its new ones cannot all be saved: half a save
    # left account B's key beside the data file (and token) of account A, its key gone.
    before = {service: keys.get(profile.name, service) for service in (SR_KEY, BERKE_TOKEN)}
    # Where each key went, as the store says it (the keyring may take one and refuse the next).
    stored = {
        SR_KEY: keys.set(profile.name, SR_KEY, SecretStr(sr_key)),
        BERKE_TOKEN: keys.set(profile.name, BERKE_TOKEN, SecretStr(token)),
    }
    # The keyring may refuse at the last moment (locked, say): the keys would then be kept by
    # this process only, which ends now, and saying "saved" would be untrue.
    taken = [service for service, where in stored.items() if where is Storage.KEYRING]
    if len(taken) < len(stored):
        why = keys.status.reason or "The keyring refused them."
        if _put_back(keys, profile.name, before, taken):
            partly = (
                " (It took the new SmartRecruiters key, then refused the Berke token: that "
                "key was taken back, the profile's keys are as they were.)"
                if taken
                else ""
            )
            print(
                f"The keyring did not keep the keys: {why}{partly} The profile was not saved. "
                "Unlock or install a keyring, or use the settings dialog, then try again."
            )
            return 1
        # The keyring holds the new SmartRecruiters key and will not give the old one back:
        # the settings follow the key, so that it never meets the old account's data file.
        path = _write(file, new_settings)
        if path is None:
            print(
                "The keyring kept the new SmartRecruiters key but refused the Berke token "
                "and the old key, and the settings file could not be written either: do not "
                "start the desk on this profile before configuring it again."
            )
            return 1
        print(
            f"The keyring kept the new SmartRecruiters key but refused the Berke token: {why} "
            f"It would not take the old key back either, so profile “{profile.name}” was "
            f"saved to {path} with the new key. Unlock the keyring, then configure it again "
            "to store the token."
        )
        return 1
    path = _write(file, new_settings)
    if path is None:
        if not _put_back(keys, profile.name, before, taken):
            print(
                "The keyring would not take the profile's old keys back: it keeps the new "
                "ones. Configure the profile again before starting the desk on it."
            )
        return 1
    print(
        f"Saved profile “{profile.name}” to {path} and its keys to the system keyring; "
        "it is the active profile now."
    )
    return 0


def _write(file: SettingsFile, settings: AppSettings) -> Path | None:
    """The settings file written, and where; None, and why said, when it could not be."""
    try:
        return file.write(settings, over_changes=True)  # no desk runs (the lock); read just now
    except OSError as exc:
        where = f" to {exc.filename}" if exc.filename else ""
        print(
            f"The settings could not be saved{where}: “{exc.strerror or exc}”. The profile "
            "was not saved; check that the folder can be written, then try again."
        )
        return None


def _put_back(
    keys: KeyStore, name: str, before: dict[str, SecretStr | None], taken: list[str]
) -> bool:
    """Whether the keys of ``taken`` are as ``before`` again in the keyring (a key there was
    not, forgotten). A keyring that refused one key is asked again: it may take these."""
    keys.look_again()
    for service in taken:
        old = before[service]
        if old is None:
            keys.delete(name, service)
            if not keys.status.usable or keys.get(name, service) is not None:
                return False
        elif keys.set(name, service, old) is not Storage.KEYRING:
            return False
    return True
