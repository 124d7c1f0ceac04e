"""API keys per profile and service: in the OS keyring, and nowhere else unless the user says so.

Where no usable keyring exists (a headless Linux without a secret service, a locked-down
machine), keys are kept in memory for this session only. A file is used only after the user
opted in, in the settings dialog, to a plain file readable by their own account (0600): that is
weaker than a keyring (backups, other programs running as the user, a stolen unencrypted disk
can read it), and it is never chosen silently. ``keyrings.alt`` was not used: its plaintext
backend is base64 (no better, and it looks safer than it is), and its encrypted one asks for a
password on every start, which a desktop console cannot do from a background keyring call.

keyring is imported lazily: it costs start-up time and the demo mode never needs it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pydantic import SecretStr

from app.domain.connection import Credentials
from app.store.paths import KEY_FILE_NAME, config_dir, default_config_dir, open_regular_file
from app.store.settings_file import write_private_file

log = logging.getLogger(__name__)

#: The keyring service of the desk in the platform's own config folder: the name every key
#: was stored under before desks in other folders had their own, so those keys are still found.
DEFAULT_KEYRING_SERVICE = "assessment-desk"
SR_KEY = "smartrecruiters"
BERKE_TOKEN = "berke"
#: Every key a profile keeps, one per service.
KEY_SERVICES = (SR_KEY, BERKE_TOKEN)


#: A key file holds a few profiles' keys: a few KB. More is not a key file.
MAX_KEY_FILE_BYTES = 1024 * 1024


class KeyringUnavailableError(RuntimeError):
    """No usable keyring on this machine (e.g. a headless Linux without a secret service)."""


#: A keyring that is there but locked, with no one able to unlock it from here (no desktop to
#: show the unlock prompt on): as good as none for this session.
LOCKED_REASON = (
    "The system keyring is locked and could not be unlocked from here (log in to the desktop "
    "to unlock it)."
)


class Storage(StrEnum):
    KEYRING = "keyring"
    FILE = "file"  # only after the user opted in
    SESSION = "session"  # memory: gone when the app closes
    NONE = "none"


@dataclass(frozen=True)
class KeyringStatus:
    usable: bool
    backend: str
    reason: str = ""  # a sentence when not usable


def entry_name(profile: str, service: str) -> str:
    """One keyring entry per profile and service, e.g. ``Production/smartrecruiters``."""
    return f"{profile}/{service}"


def _same_folder_key(folder: Path) -> str:
    """``folder`` as one spelling: links resolved, a trailing slash or ``..`` gone, and on
    Windows one case (its file names are case-blind)."""
    return os.path.normcase(os.path.realpath(folder))


def keyring_service(folder: Path | None = None) -> str:
    """The keyring service a desk keeps its keys under, from its config folder (``folder``,
    by default this desk's: ``ASSESSMENT_DESK_HOME`` or the platform's).

    The keyring is one per user account, not per folder: with one service for every desk, a
    second desk (``ASSESSMENT_DESK_HOME``) wrote over the first desk's keys for a profile of
    the same name, or deleted them with it. A desk in another folder gets a service of its
    own, named by a hash of its folder's resolved path. Not a random id kept in the folder's
    settings: a folder copied for a throwaway try would carry the id, and share the keys
    again, and a settings file set aside as unreadable would lose them. The cost: a folder
    moved or renamed finds no keys (its profiles ask for them again) rather than another
    desk's."""
    folder_key = _same_folder_key(config_dir() if folder is None else folder)
    if folder_key == _same_folder_key(default_config_dir()):
        return DEFAULT_KEYRING_SERVICE
    digest = hashlib.blake2b(os.fsencode(folder_key), digest_size=8).hexdigest()
    return f"{DEFAULT_KEYRING_SERVICE}:{digest}"


def keyring_status() -> KeyringStatus:
    """Whether the OS keyring can keep keys. The "fail" and "null" backends cannot, nor can a
    chainer with nothing behind it; any import or backend error counts as "no keyring"."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001 - any failure here means: no keyring
        return KeyringStatus(
            False, "none", f"The keyring could not be loaded ({type(exc).__name__})."
        )
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring | null.Keyring) or (
        isinstance(backend, chainer.ChainerBackend) and not backend.backends
    ):
        return KeyringStatus(
            False,
            name,
            "This computer has no usable keyring (no secret service is running).",
        )
    return KeyringStatus(True, name)


def _unreachable(backend: str, exc: Exception) -> KeyringStatus:
    """The keyring as unusable for this session after its backend raised what keyring does
    not wrap: secretstorage's SecretServiceNotAvailableException once the D-Bus session is
    gone, jeepney's DBusErrorResponse, pywin32-ctypes' error. Escaping, it ended the start and
    left Settings "checking the keyring…"; taken as a locked keyring is, keys fall back to the
    session. Only the type is named: a backend's message may quote what it was given."""
    log.warning("The keyring could not be reached (%s)", type(exc).__name__)
    return KeyringStatus(
        False, backend, f"The keyring could not be reached ({type(exc).__name__})."
    )


class KeyStore:
    """Keys per (profile, service). One instance lives as long as the app, so that keys kept
    for the session survive a profile switch. ``service``: the keyring service its entries
    go under, by default this desk's folder's (``keyring_service``)."""

    def __init__(
        self,
        *,
        file_opt_in: bool = False,
        file_path: Path | None = None,
        status: KeyringStatus | None = None,
        service: str | None = None,
    ) -> None:
        self.file_opt_in = file_opt_in
        self.service = service if service is not None else keyring_service()
        self._file_path = file_path
        self._status = status
        self._found = status  # as first found: what ``look_again`` goes back to
        self._session: dict[str, str] = {}

    @property
    def file_path(self) -> Path:
        return self._file_path or config_dir() / KEY_FILE_NAME

    @property
    def status(self) -> KeyringStatus:
        if self._status is None:
            self._status = self._found = keyring_status()
        return self._status

    def look_again(self) -> None:
        """A keyring found usable, then locked or refusing, is asked again from now on: the
        coordinator may have unlocked it, as the settings asked. Once locked, it was never
        asked again in this run: a profile switch said "no keys" (demo mode), and new keys
        stayed in the session. One that asks again and is still locked says so again."""
        if self._found is not None and self._found.usable:
            self._status = self._found

    def get(self, profile: str, service: str) -> SecretStr | None:
        name = entry_name(profile, service)
        if name in self._session:
            return SecretStr(self._session[name])
        if self.status.usable:
            value = self._keyring_get(name)
            if value:
                return SecretStr(value)
        if self.file_opt_in:
            value = (self._read_file() or {}).get(name)
            if value:
                return SecretStr(value)
        return None

    def where(self, profile: str, service: str) -> Storage:
        name = entry_name(profile, service)
        if name in self._session:
            return Storage.SESSION
        if self.status.usable and self._keyring_get(name):
            return Storage.KEYRING
        if self.file_opt_in and name in (self._read_file() or {}):
            return Storage.FILE
        return Storage.NONE

    def set(self, profile: str, service: str, secret: SecretStr | str | None) -> Storage:
        """Store (or, for None/empty, forget) a key; returns where it went."""
        value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        value = (value or "").strip()
        name = entry_name(profile, service)
        if not value:
            self.delete(profile, service)
            return Storage.NONE
        self._session.pop(name, None)
        if self.status.usable:
            try:
                self._keyring_set(name, value)
            except KeyringUnavailableError as exc:
                log.warning("Keyring refused the key for %s: %s", name, exc)
                self._status = KeyringStatus(False, self.status.backend, str(exc))
            else:
                self._forget_in_file(name)  # kept safely now: no plain copy left behind
                return Storage.KEYRING
        if self.file_opt_in:
            keys = self._read_file()
            if keys is None:  # rewritten, its other profiles' keys would be gone: kept aside
                self._set_unreadable_file_aside()
                keys = {}
            keys[name] = value
            self._write_file(keys)
            return Storage.FILE
        self._forget_in_file(name)
        self._session[name] = value
        return Storage.SESSION

    def keep_for_session(self, profile: str, service: str, secret: SecretStr) -> None:
        """Keep a key for this session only: one that could not be stored where it belongs
        (the caller says so), rather than lost."""
        value = secret.get_secret_value().strip()
        if value:
            self._session[entry_name(profile, service)] = value

    def leave_file(self) -> None:
        """The unencrypted file is no longer wanted (opted out, or a keyring works now): it
        goes, and its keys move to the keyring where one works, else they are kept for this
        session only."""
        keys = self._read_file()
        if keys is None:
            # Not readable as keys: deleting it would lose them without a word. It stays.
            log.warning("The key file could not be read; it was left in place")
            return
        if not self.file_path.exists():  # no file: nothing to leave
            return
        for name, value in keys.items():
            if name in self._session:
                continue
            if self.status.usable:
                try:
                    self._keyring_set(name, value)
                    continue
                except KeyringUnavailableError as exc:
                    log.warning("Keyring refused the key for %s: %s", name, exc)
            self._session[name] = value
        self.file_path.unlink(missing_ok=True)

    def _forget_in_file(self, name: str) -> None:
        keys = self._read_file()  # an unreadable file is left as it is
        if keys is not None and keys.pop(name, None) is not None:
            self._write_file(keys)

    def delete(self, profile: str, service: str) -> None:
        name = entry_name(profile, service)
        self._session.pop(name, None)
        if self.status.usable:
            self._keyring_delete(name)
        self._forget_in_file(name)

    def delete_profile(self, profile: str) -> None:
        for service in KEY_SERVICES:
            self.delete(profile, service)

    def credentials(self, profile: str) -> Credentials | None:
        """Both keys of ``profile``, or None when either is missing. Blocking; asks a keyring
        locked earlier again (a session opening after it was unlocked)."""
        self.look_again()
        sr_key = self.get(profile, SR_KEY)
        token = self.get(profile, BERKE_TOKEN)
        if sr_key is None or token is None:
            return None
        return Credentials(sr_partner_key=sr_key, berke_api_token=token)

    def store_credentials(self, profile: str, credentials: Credentials) -> Storage:
        self.set(profile, SR_KEY, credentials.sr_partner_key)
        return self.set(profile, BERKE_TOKEN, credentials.berke_api_token)

    # -- the keyring -------------------------------------------------------------------------

    def _keyring_get(self, name: str) -> str | None:
        import keyring
        from keyring.errors import KeyringError, KeyringLocked

        try:
            value: str | None = keyring.get_password(self.service, name)
        except KeyringLocked:
            # Say so (the settings dialog shows the reason) rather than "no keys", and keep
            # new keys for the session instead of asking the locked keyring again.
            log.info("The keyring is locked")
            self._status = KeyringStatus(False, self.status.backend, LOCKED_REASON)
            return None
        except (KeyringError, RuntimeError, OSError) as exc:
            # Refusing is not "no key": said as a locked keyring is (a switch said "No keys…
            # Enter them" of keys the keyring holds), and asked again at the next open.
            log.info("The keyring could not be read (%s)", type(exc).__name__)
            self._status = KeyringStatus(
                False, self.status.backend, f"The keyring did not answer ({type(exc).__name__})."
            )
            return None
        except Exception as exc:  # noqa: BLE001 - see _unreachable
            self._status = _unreachable(self.status.backend, exc)
            return None
        return value

    @property
    def unread_because(self) -> str | None:
        """Why keys the keyring may hold could not be read now (a keyring usable when first
        asked, since locked, refusing or gone), in a sentence; None when it answers, or was
        never usable (then there are simply none in it)."""
        status = self.status
        if status.usable:
            return None
        found_usable = self._found is not None and self._found.usable
        return status.reason if found_usable or status.reason == LOCKED_REASON else None

    def _keyring_set(self, name: str, value: str) -> None:
        import keyring
        from keyring.errors import KeyringError, KeyringLocked, NoKeyringError

        try:
            keyring.set_password(self.service, name, value)
        except KeyringLocked:
            raise KeyringUnavailableError(LOCKED_REASON) from None
        except NoKeyringError:
            raise KeyringUnavailableError(
                "This computer has no usable keyring to keep the keys safely."
            ) from None
        except (KeyringError, RuntimeError, OSError) as exc:
            raise KeyringUnavailableError(
                f"The keyring refused to store the key ({type(exc).__name__})."
            ) from None
        except Exception as exc:  # noqa: BLE001 - see _unreachable
            raise KeyringUnavailableError(_unreachable(self.status.backend, exc).reason) from None

    def _keyring_delete(self, name: str) -> None:
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.delete_password(self.service, name)
        except (KeyringError, RuntimeError, OSError):
            pass  # nothing stored (PasswordDeleteError) or no keyring: nothing to forget
        except Exception as exc:  # noqa: BLE001 - see _unreachable
            self._status = _unreachable(self.status.backend, exc)

    # -- the opted-in file -------------------------------------------------------------------

    def _read_file(self) -> dict[str, str] | None:
        """The keys the file holds ({} without a file); None when it is there but cannot be
        read as keys. Never waits on it (a FIFO there hung the start), and takes the byte
        order mark Windows Notepad writes."""
        try:
            with open_regular_file(self.file_path) as handle:
                raw = handle.read(MAX_KEY_FILE_BYTES + 1)
            if len(raw) > MAX_KEY_FILE_BYTES:
                raise ValueError("far larger than a key file")
            data = json.loads(raw.decode("utf-8-sig"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("The key file could not be read (%s)", type(exc).__name__)
            return None
        if not isinstance(data, dict):
            log.warning("The key file holds no keys")
            return None
        return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}

    def _set_unreadable_file_aside(self) -> None:
        """Under a name not taken yet: one set aside before may hold keys too."""
        stem, suffix = self.file_path.stem, self.file_path.suffix
        names = (f"{stem}.unreadable{f'-{n}' if n > 1 else ''}{suffix}" for n in range(1, 1000))
        try:
            aside = next(p for p in map(self.file_path.with_name, names) if not p.exists())
            os.rename(self.file_path, aside)
        except (OSError, StopIteration) as exc:
            raise KeyringUnavailableError(
                f"The key file {self.file_path} could not be read, nor set aside "
                f"({type(exc).__name__}): move it away to store keys in a new one."
            ) from None
        log.warning("The key file could not be read: it was set aside as %s", aside)

    def _write_file(self, keys: dict[str, str]) -> None:
        if not keys:
            self.file_path.unlink(missing_ok=True)
            return
        write_private_file(self.file_path, json.dumps(keys, indent=2), private=True)
        if os.name == "posix":
            os.chmod(self.file_path, 0o600)
