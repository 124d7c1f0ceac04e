"""Where the console keeps its files (platformdirs), overridable for tests and portable use;
how its private files are made, and how a file the user names is opened without hanging."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO

import platformdirs

APP_NAME = "AssessmentDesk"
APP_AUTHOR = "Berke"
HOME_OVERRIDE = "ASSESSMENT_DESK_HOME"  # one folder for everything: tests, portable installs


def _base(kind: str) -> Path:
    override = os.environ.get(HOME_OVERRIDE)
    if override:
        return Path(override) / kind
    return _platform_dir(kind)


def _platform_dir(kind: str) -> Path:
    """The per-user folder the platform gives the app, whatever ``HOME_OVERRIDE`` says."""
    finders: dict[str, Callable[[str, str], str]] = {
        "config": platformdirs.user_config_dir,
        "data": platformdirs.user_data_dir,
        "log": platformdirs.user_log_dir,
        "cache": platformdirs.user_cache_dir,
    }
    return Path(finders[kind](APP_NAME, APP_AUTHOR))


#: The opt-in, unencrypted key file (``app.store.credentials``), beside the settings file.
KEY_FILE_NAME = "keys-unencrypted.json"


def config_dir() -> Path:
    return _base("config")


def default_config_dir() -> Path:
    """The config folder of a desk started without ``HOME_OVERRIDE``."""
    return _platform_dir("config")


def settings_path() -> Path:
    """Where the profiles are saved (``app.store.settings_file`` reads and writes it)."""
    return config_dir() / "settings.json"


def qt_settings_path() -> Path | None:
    """The file Qt's settings (window layout, recent snapshots, the batch's last portal message)
    go to: a desk in its own folder (``HOME_OVERRIDE``) keeps them in its config folder; None for
    the default desk, whose settings stay in Qt's own per-user place, where a layout remembered
    before this file existed is still found. Qt's place is one per user account, not per folder:
    a second desk was offered the first desk's portal message for its own Production account."""
    if os.environ.get(HOME_OVERRIDE):
        return config_dir() / "ui.ini"
    return None


def data_dir() -> Path:
    return _base("data")


def log_dir() -> Path:
    return _base("log")


# -- folders and files that hold candidates' personal data -------------------------------------

#: The database, its WAL and the log hold candidates' names, emails and results: only the user
#: may read them, whatever the umask says.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dir(folder: Path) -> Path:
    """Create ``folder`` (and its parents) and make it 0700; an existing folder is tightened.

    ``mkdir``'s mode is filtered by the umask and ignored for a folder that already exists, so
    the mode is set explicitly. A folder owned by someone else is refused (``PermissionError``):
    it could be a trap laid in a shared place such as /tmp.
    """
    folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if os.name != "posix":
        return folder  # Windows: the per-user profile folders are private already
    info = os.stat(folder)
    if info.st_uid != os.getuid():
        raise PermissionError(f"The folder {folder} belongs to another user.")
    if stat.S_IMODE(info.st_mode) != PRIVATE_DIR_MODE:
        os.chmod(folder, PRIVATE_DIR_MODE)
    return folder


def file_in_the_way(folder: Path) -> bool:
    """Whether the nearest of ``folder`` and its parents that exists is not a folder: making
    it said only "(File exists)" or "(Not a directory)", which names nothing to move."""
    for place in (folder, *folder.parents):
        if place.exists():
            return not place.is_dir()
    return False


def make_private_file(path: Path) -> None:
    """Create ``path`` if missing, and make it 0600 (an existing file is tightened)."""
    # The mode given to open() is filtered by the umask and ignored for an existing file;
    # read-only and non-blocking: creating must not need write access, nor wait on a FIFO.
    flags = os.O_RDONLY | os.O_CREAT | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    os.close(os.open(path, flags, PRIVATE_FILE_MODE))
    tighten_file(path)


def tighten_file(path: Path) -> None:
    """Make an existing ``path`` 0600; a missing one is left missing."""
    if os.name != "posix":
        return
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) != PRIVATE_FILE_MODE:
        os.chmod(path, PRIVATE_FILE_MODE)


# -- files the user hands us ----------------------------------------------------------------------


class NotRegularFileError(OSError):
    """The path is a folder, a device, a FIFO or a socket: reading it could hang or never end."""


def regular_file(path: Path) -> tuple[Path, os.stat_result]:
    """``path`` with its links resolved, and its ``stat``; ``NotRegularFileError`` unless it is a
    regular file (``/dev/zero`` never ends, a FIFO blocks the reader until someone writes)."""
    real = Path(os.path.realpath(path))
    info = os.stat(real)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFileError(errno.EINVAL, f"{path.name} is not a regular file", str(path))
    return real, info


def open_regular_file(path: Path, expected: os.stat_result | None = None) -> BinaryIO:
    """Open ``path`` for reading without ever blocking on it.

    ``O_NONBLOCK`` makes opening a FIFO return at once (a plain open waits for a writer), and
    ``fstat`` on the opened descriptor checks what was really opened: a file swapped for a FIFO
    or a device after it was checked is refused here, not waited on. With ``expected`` (an
    earlier ``stat`` of it) the file must still be that same file.
    """
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(errno.EINVAL, f"{path.name} is not a regular file", str(path))
        if expected is not None and (info.st_dev, info.st_ino) != (
            expected.st_dev,
            expected.st_ino,
        ):
            raise NotRegularFileError(
                errno.ESTALE, f"{path.name} was replaced by another file", str(path)
            )
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # reads of a regular file never block anyway; be plain
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


# How much of a file's name its temporary file beside it carries: the whole of a long name
# (242 characters and more) took the temporary one past the file system's 255 bytes, and no such
# file could be saved at all.
TEMP_NAME_PART = 60


@contextmanager
def atomic_file(
    path: Path, mode: str = "w", *, private: bool, **open_args: Any
) -> Iterator[IO[Any]]:
    """Write ``path`` whole or not at all: into a temporary file beside it, flushed to disk,
    then renamed over it, and the rename made durable too (a crash leaves the old file or
    none, never half of one). ``private`` makes it 0600 from the start, so no other user can
    ever read it; otherwise it gets the mode the file had, or a new file's (the umask's).

    The folder must exist: one the user chose and that has gone since is an error to report,
    not a folder to make again (app-owned folders are made by their owners first). An
    exception in the ``with`` block (a cancel, say) leaves ``path`` as it was."""
    fd, tmp = tempfile.mkstemp(
        prefix=f".{path.name[:TEMP_NAME_PART]}.", suffix=".tmp", dir=path.parent
    )
    try:
        # mkstemp makes it 0600 on POSIX already: private says it rather than relies on it.
        os.chmod(tmp, PRIVATE_FILE_MODE if private else _shared_file_mode(path))
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def _shared_file_mode(path: Path) -> int:
    """The mode ``path`` has, or what a new file gets from the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask. Linux says it in /proc; elsewhere it can only be read by setting
    it, which for a moment gives files other threads create meanwhile no mask at all."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o077)  # the strictest in the meantime, not the loosest
    os.umask(umask)
    return umask


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows has no folder handles to sync. Some network
    and FUSE file systems cannot sync a folder: the file is written and renamed all the same,
    so that is not a failure to report."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _CANNOT_SYNC_FOLDERS:
            raise
    finally:
        os.close(fd)


_CANNOT_SYNC_FOLDERS = frozenset(
    code
    for name in ("EINVAL", "ENOTSUP", "EOPNOTSUPP", "EBADF")
    if (code := getattr(errno, name, None)) is not None
)
