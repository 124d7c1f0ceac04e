"""Connection profiles as a small JSON file in the config folder. Never a secret in it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from itertools import count
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from app.domain.connection import AppSettings
from app.store.paths import (
    KEY_FILE_NAME,
    atomic_file,
    make_private_dir,
    open_regular_file,
    settings_path,
)
from app.store.settings_peek import MAX_SETTINGS_BYTES

log = logging.getLogger(__name__)


class SettingsRead(NamedTuple):
    settings: AppSettings
    problem: str | None  # what could not be read, for the window; None when all of it was


class SettingsChangedElsewhereError(Exception):
    """The file changed since this desk read it: writing its copy would undo that change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"Nothing was saved: the settings file ({path}) was changed by another program "
            "(assessment-desk --configure, or an editor) since this window read it. Close "
            "Settings and open it again to see that change, then make yours."
        )


_UNREADABLE = "unreadable"  # what was seen of a file that could not be opened


class SettingsFile:
    """The settings file as this desk last read or wrote it.

    A save over a change made since by another program is refused: the desk's copy is older,
    and writing it back undid the change — after ``--configure`` moved a profile to a new
    address with a new key, the desk's next OK put the old address back under the new key.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self._seen: str | None = None  # the digest of the file as last read or written
        # Last read, the file could not be opened, or was too large to read: no copy of it was
        # kept (none can be made of what cannot be read), so the next write moves it aside.
        self._unread_whole = False

    def read(self) -> SettingsRead:
        try:
            raw = _read_bytes(self.path)
        except OSError as exc:
            log.warning("Could not read %s (%s)", self.path, type(exc).__name__)
            self._seen = _UNREADABLE
            self._unread_whole = True
            return _unreadable(self.path, None, "it could not be opened")
        self._seen = _digest(raw)
        self._unread_whole = raw is not None and len(raw) > MAX_SETTINGS_BYTES
        return _settings_from(self.path, raw)

    def changed_elsewhere(self) -> bool:
        try:
            return _digest(_read_bytes(self.path)) != self._seen
        except OSError:
            return self._seen != _UNREADABLE

    def write(self, settings: AppSettings, *, over_changes: bool = False) -> Path:
        """``SettingsChangedElsewhereError`` when the file is not as last read or written,
        unless ``over_changes``: the coordinator chose to save theirs over that change."""
        if not over_changes and self.changed_elsewhere():
            raise SettingsChangedElsewhereError(self.path)
        # Written over, every profile it holds was lost: renamed, it is kept whole (a rename
        # needs no permission to read it). When it cannot be, nothing is written; when the
        # write then fails (a full disk), it is put back: else no settings file was left.
        aside = _set_aside(self.path) if self._unread_whole else None
        try:
            write_private_file(self.path, _settings_text(settings), private=False)
        except BaseException:
            if aside is not None:
                _put_back(aside, self.path)
            raise
        self._unread_whole = False
        # What is on disk, not the text: Windows writes its line ends, and a digest of the
        # text made every next save look like another program's change.
        self._seen = _digest(_read_bytes(self.path))
        return self.path


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes (at most one more than a settings file may hold); None: no file."""
    try:
        # Never waits on it: a FIFO there hung the start, with no window and no word.
        with open_regular_file(path) as handle:
            return handle.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        return None


def _digest(raw: bytes | None) -> str | None:
    return None if raw is None else hashlib.blake2b(raw, digest_size=16).hexdigest()


def load_settings(path: Path | None = None) -> AppSettings:
    """The saved profiles; the built-in ones (sandbox active) when there are none."""
    return read_settings(path).settings


def read_settings(path: Path | None = None) -> SettingsRead:
    """The saved profiles, and what of them could not be read, in words.

    What cannot be read is left out rather than stopping the app, and a copy of the file as it
    was is kept beside it (the next save rewrites the file): one value this version refuses
    loses that profile for now, not every profile, and not for good.
    """
    return SettingsFile(path).read()


def _settings_from(path: Path, raw: bytes | None) -> SettingsRead:
    if raw is None:
        return SettingsRead(AppSettings(), None)
    if len(raw) > MAX_SETTINGS_BYTES:
        return _unreadable(path, None, "it is far larger than a settings file")
    try:
        return SettingsRead(AppSettings.model_validate_json(raw), None)
    except ValidationError:
        pass
    from app.domain.saved_settings import read_partly

    try:
        data = json.loads(raw.decode("utf-8-sig"))  # a byte order mark from a Windows editor
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _unreadable(path, raw, "it is not a settings file")
    if not isinstance(data, dict):
        return _unreadable(path, raw, "it holds no settings")
    partly = read_partly(data)
    settings = partly.settings
    if not partly.opt_in_read:
        settings = _opt_in_from_key_file(settings, path)
    if not partly.left_out:  # only a byte order mark
        return SettingsRead(settings, None)
    copy = _keep_a_copy(path, raw)
    log.warning("Left out of %s: %s", path, "; ".join(partly.left_out))
    return SettingsRead(
        settings,
        "Part of the settings could not be read and is left out: "
        f"{'; '.join(partly.left_out)}.{_kept(copy)}",
    )


def _unreadable(path: Path, raw: bytes | None, why: str) -> SettingsRead:
    copy = _keep_a_copy(path, raw) if raw is not None else None
    log.warning("Could not read %s (%s); using the built-in profiles", path, why)
    settings = _opt_in_from_key_file(AppSettings(), path)
    # No copy of what could not be read: the next save renames the file (SettingsFile.write).
    kept = _kept(copy) if raw is not None else _kept_on_save(path)
    return SettingsRead(
        settings,
        f"The settings file could not be read ({why}): the built-in profiles are used." + kept,
    )


def _opt_in_from_key_file(settings: AppSettings, path: Path) -> AppSettings:
    # The key file is only ever written after the user opted in, and removed when they opt out:
    # when the choice itself is lost, the file says what it was. Taken as "no", the next OK in
    # the settings dialog would move its keys to this session's memory and delete it.
    if (path.parent / KEY_FILE_NAME).exists():
        return settings.model_copy(update={"keys_file_opt_in": True})
    return settings


def _keep_a_copy(path: Path, raw: bytes) -> Path | None:
    """A copy of ``raw`` beside ``path``, never over another: the one kept earlier may be the
    only one of a profile left out then, or a whole file a save set aside. One that holds
    these bytes already is used as it is (every start reads the file again)."""
    try:
        copy = _copy_name(path, holding=raw)
        if not copy.exists():
            with atomic_file(copy, "wb", private=True) as handle:
                handle.write(raw)
    except OSError as exc:
        log.warning("Could not keep a copy of %s (%s)", path, type(exc).__name__)
        return None
    return copy


def _copy_name(path: Path, holding: bytes | None = None) -> Path:
    """Where a copy of the settings file at ``path`` goes: ``settings.unreadable.json``, then
    ``settings.unreadable-2.json`` and on, the first name not taken yet; or a copy that holds
    ``holding`` already (no second copy of the same file)."""
    names = (f"{path.stem}.unreadable{f'-{n}' if n > 1 else ''}{path.suffix}" for n in count(1))
    return next(
        copy
        for copy in map(path.with_name, names)
        if not copy.exists() or (holding is not None and _holds(copy, holding))
    )


def _holds(copy: Path, raw: bytes) -> bool:
    try:
        if copy.stat().st_size != len(raw):
            return False  # a file set aside whole may be large: not read to find it differs
        with open_regular_file(copy) as handle:
            return handle.read(len(raw) + 1) == raw
    except OSError:
        return False  # there, but not readable: taken all the same


def _kept(copy: Path | None) -> str:
    return f" The file as it was is kept at {copy}." if copy is not None else ""


def _kept_on_save(path: Path) -> str:
    return (
        f" Saving settings keeps it in its folder, renamed {path.stem}.unreadable{path.suffix} "
        "(or a numbered name), rather than writing over it."
    )


def _put_back(aside: Path, path: Path) -> None:
    """The file set aside back in its place; a failure logged, not raised over the save's."""
    try:
        os.rename(aside, path)
    except OSError:
        log.exception("The settings file set aside could not be put back from %s", aside)


def _set_aside(path: Path) -> Path | None:
    """``path`` renamed as the copies of unreadable files are named, under a name not taken
    yet (a copy kept before may be the only one of its profiles); that name, or None when
    the file is gone. OSError when it cannot be renamed."""
    aside = _copy_name(path)
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return None  # gone meanwhile: nothing to keep
    log.warning("The settings file could not be read: it was renamed %s", aside)
    return aside


def save_settings(settings: AppSettings, path: Path | None = None) -> Path:
    """Write atomically: a crash mid-write leaves the previous file whole."""
    path = path or settings_path()
    write_private_file(path, _settings_text(settings), private=False)
    return path


def _settings_text(settings: AppSettings) -> str:
    return settings.model_dump_json(indent=2)


def write_private_file(path: Path, text: str, *, private: bool) -> None:
    """Atomic write (temp file + fsync + replace); ``private`` makes it 0600 from the start,
    so that there is no moment where another user could read it. The folder is the app's
    own (the profiles and the opt-in key file): made if missing, and only the user's (0700),
    so that another user cannot even list which profiles and key file it holds."""
    make_private_dir(path.parent)
    with atomic_file(path, private=private, encoding="utf-8") as handle:
        handle.write(text)
