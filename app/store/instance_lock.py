"""One desk per data folder: a lock that a second process on the same folder cannot take.

Pending steps and queued uploads are resumed by whoever holds the journal; two processes on one
database would both resume them and send each other's work twice. An in-process "in flight" set
cannot see another process, so the folder is locked with the operating system's own file lock
(``flock`` / ``LockFileEx``): the kernel drops it when the holder exits or is killed, so a lock
is never stale, and a crashed desk never locks the next one out. The holder's process id is
written into the file only to name it in the refusal.

A lock is held on the file, not on its name: a folder removed while the desk runs (a clean-up
tool) took the lock file with it, and a second desk could then start there. The data file's
keeper (``app.store.database``) makes the folder again and calls ``retake_held``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sys
import weakref
from pathlib import Path
from types import TracebackType

from app.store.paths import file_in_the_way, make_private_dir

LOCK_FILE_NAME = "assessment-desk.lock"


class AlreadyRunningError(RuntimeError):
    """Another process holds the folder; the message says so in one sentence."""

    def __init__(self, folder: Path, holder: str | None, role: str = "") -> None:
        self.folder = folder
        self.holder = holder
        self.role = role  # "": a desk (a window to turn to)
        who = f" (process {holder})" if holder else ""
        if role:  # not a desk: no window to turn to
            super().__init__(
                f"{role} is using this data folder{who}: let it finish, then try again. The "
                f"folder is {folder}."
            )
            return
        super().__init__(
            f"Assessment Desk is already running with this data folder{who}: use that window, "
            f"or close it first. The folder is {folder}."
        )


class LockUnavailableError(RuntimeError):
    """The folder's lock could not be taken at all (a file system without locks, no right to
    write there): not "already running", and said as such."""

    def __init__(self, folder: Path, cause: OSError) -> None:
        self.folder = folder
        # A file where the folder should be said only "(File exists)": say what is wrong, and
        # how another folder is chosen.
        why = (
            "a file is where that folder, or one above it, should be"
            if file_in_the_way(folder)
            else cause.strerror or str(cause)
        )
        super().__init__(
            f"Assessment Desk cannot lock its data folder {folder} ({why}), so it cannot make "
            "sure it runs only once there. Choose a local folder (the ASSESSMENT_DESK_HOME "
            "environment variable sets another), or check its permissions."
        )


#: The locks this process holds, by which ``retake_held`` finds those of a folder made again.
_HELD_HERE: weakref.WeakSet[InstanceLock] = weakref.WeakSet()


def retake_held(folder: Path) -> None:
    """Take again, at its path, each lock this process holds on ``folder`` whose file there is
    no longer the one locked (the folder, or the file, was removed). ``AlreadyRunningError``:
    another process started there meanwhile, and holds it."""
    for lock in list(_HELD_HERE):
        if _same_place(lock.folder, folder):
            lock.retake()


def _same_place(one: Path, other: Path) -> bool:
    """Whether two names are of one folder, which may not exist (so not ``samefile``)."""
    return os.path.normcase(os.path.abspath(one)) == os.path.normcase(os.path.abspath(other))


# What the lock calls answer when another process holds the lock (and only then).
_HELD = frozenset({errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, getattr(errno, "EDEADLOCK", -1)})


class InstanceLock:
    """``acquire()`` takes the folder's lock or raises ``AlreadyRunningError``; ``release()``
    (or leaving the ``with`` block, or the process ending) gives it back."""

    def __init__(self, folder: Path, role: str = "") -> None:
        """``role``: what holds the lock when it is not a desk ("assessment-desk --configure"),
        named to whoever is refused it."""
        self.folder = folder
        self.path = folder / LOCK_FILE_NAME
        self.role = role
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock: ``AlreadyRunningError`` when another process holds it,
        ``LockUnavailableError`` when it cannot be taken at all."""
        if self._fd is not None:
            return
        try:
            make_private_dir(self.folder)  # the app's data folder: only the user's (0700)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise LockUnavailableError(self.folder, exc) from exc
        try:
            _lock(fd)
        except OSError as exc:
            holder, role = _read_holder(fd) if exc.errno in _HELD else (None, "")
            os.close(fd)
            if exc.errno in _HELD:
                raise AlreadyRunningError(self.folder, holder, role) from None
            raise LockUnavailableError(self.folder, exc) from exc
        self._fd = fd
        _HELD_HERE.add(self)
        self._write_holder()

    def retake(self) -> None:
        """Hold the lock at its path again when the file there is not the one locked (removed
        with its folder, or replaced): the old one, gone from the folder, stopped no one.
        ``AlreadyRunningError``/``LockUnavailableError`` as ``acquire``; the old file is then
        kept, so that ``release`` still lets go of it."""
        old = self._fd
        if old is None or _is_locked_file(self.path, old):
            return
        self._fd = None
        try:
            self.acquire()
        except BaseException:
            self._fd = old
            raise
        _unlock(old)
        os.close(old)

    def hold_as(self, role: str) -> None:
        """Go on holding the lock as ``role`` (see ``__init__``): a desk closing its window
        while its work ends is no longer one to turn to."""
        self.role = role
        self._write_holder()

    def _write_holder(self) -> None:
        """Who holds it, for a second start's sentence: best effort (on a full disk it cannot
        be written, and the lock alone decides who runs)."""
        if self._fd is None:
            return
        holder = f"{os.getpid()}@{socket.gethostname()}\n{self.role[:100]}\n".encode()
        with contextlib.suppress(OSError):
            # From the start (the lock's call on Windows left the offset 1 GiB in), then cut
            # to its length: emptied first, a start reading in between found no role.
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.write(self._fd, holder)
            os.ftruncate(self._fd, len(holder))

    def release(self) -> None:
        fd, self._fd = self._fd, None
        _HELD_HERE.discard(self)
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        _unlock(fd)
        os.close(fd)

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _is_locked_file(path: Path, fd: int) -> bool:
    """Whether ``path`` names the file open as ``fd``; True when that cannot be told (a folder
    that may not be read): only a file known to be another is locked anew."""
    try:
        here, held = os.stat(path), os.fstat(fd)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)


def _read_holder(fd: int) -> tuple[str | None, str]:
    """Who holds the lock (its process, and the host when another) and its role ("": a
    desk), as it wrote them."""
    try:
        # Not os.pread: Windows has none, and there every refusal said "use that window".
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 400).decode("utf-8", "replace")
    except OSError:  # the sentence goes without it
        return None, ""
    first, _, rest = text.partition("\n")
    role = " ".join(rest.split())[:100]
    pid, _, host = first.strip().partition("@")
    if not pid.isdigit():
        return None, role
    return (pid if host == socket.gethostname() else f"{pid} on {host}"), role


if sys.platform == "win32":
    import msvcrt

    def _lock(fd: int) -> None:
        # One byte far past any content: locking it does not stop reading the holder's pid.
        os.lseek(fd, 1 << 30, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 1 << 30, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
