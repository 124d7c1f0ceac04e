"""Where a snapshot is saved: checked before anything is fetched, and a failure to write there
said in a sentence a coordinator understands (which folder, and why), with the system's own
words kept apart as a detail rather than an errno and a temporary file's name."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

from app.domain.file_names import shown_in_sentence
from app.store.paths import TEMP_NAME_PART
from app.store.snapshot_file import SnapshotError

#: Room a snapshot is assumed to need at least, and per order (its JSON, compressed, with
#: comments and results, is well under this): a rough floor, not a promise.
BASE_BYTES = 256 * 1024
BYTES_PER_ORDER = 4 * 1024

_HINT = "Choose another folder."
_WHY = {
    errno.EACCES: "you do not have permission to write there",
    errno.EPERM: "you do not have permission to write there",
    errno.ENOSPC: "the disk is full",
    errno.ENOENT: "the folder does not exist (any more)",
    errno.EROFS: "the disk is read-only",
    errno.ENOTDIR: "it is not a folder",
    errno.ENAMETOOLONG: "the file name is too long for that disk",
}
if hasattr(errno, "EDQUOT"):  # not on every platform
    _WHY[errno.EDQUOT] = "your share of the disk (quota) is used up"


class SnapshotWriteError(SnapshotError):
    """The snapshot cannot be written where it was asked to go. ``str()`` is the sentence;
    ``detail`` keeps what the system said ("Permission denied"), without paths or numbers."""

    def __init__(self, sentence: str, detail: str = "") -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.detail = detail

    def in_words(self) -> str:
        """The sentence, with what the system said after it in brackets."""
        return f"{self.sentence} ({self.detail})" if self.detail else self.sentence


def write_failure(path: Path, exc: OSError, what: str = "snapshot") -> SnapshotWriteError:
    """``exc`` (raised while checking or writing ``path``) as a sentence naming the folder;
    ``what`` names the file ("snapshot", "CSV file")."""
    path = Path(path)
    # Named without direction marks, as every sentence names a file or a folder
    # (``shown_in_sentence``): one in a folder's name turned the rest of the sentence round.
    name, folder = shown_in_sentence(path.name), shown_in_sentence(str(path.parent))
    detail = exc.strerror or type(exc).__name__
    if exc.errno == errno.EISDIR:
        return SnapshotWriteError(
            f"The {what} cannot be saved as {name} in the folder {folder}: a folder of "
            "that name is there. Choose another file name.",
            detail,
        )
    why = _WHY.get(exc.errno or 0)
    if why is None:
        return SnapshotWriteError(
            f"The {what} cannot be saved in the folder {folder}: the system refused to "
            f"write it there. {_HINT}",
            detail,
        )
    return SnapshotWriteError(
        f"The {what} cannot be saved in the folder {folder}: {why}. {_HINT}", detail
    )


def needed_bytes(orders: int, files: int = 0) -> int:
    """A rough floor of the room a snapshot of ``orders`` orders and ``files`` bytes of
    reports takes on disk."""
    return BASE_BYTES + BYTES_PER_ORDER * orders + files


def check_destination(path: Path, needed: int = BASE_BYTES) -> None:
    """Refuse, with ``SnapshotWriteError``, a destination the snapshot could not be written
    to: a folder that is missing, not a folder, not writable (a file is made there and removed
    again: permissions, ACLs and read-only disks all show), or without ``needed`` bytes free.
    Fast, and before anything is fetched, so the coordinator learns it at once."""
    path = Path(path).absolute()
    folder = path.parent
    try:
        info = folder.stat()
    except OSError as exc:
        raise write_failure(path, exc) from exc
    if not stat.S_ISDIR(info.st_mode):
        raise write_failure(path, _os_error(errno.ENOTDIR))
    try:
        if stat.S_ISDIR(path.stat().st_mode):
            raise write_failure(path, _os_error(errno.EISDIR))
    except FileNotFoundError:
        pass  # a new file: nothing there yet
    except OSError as exc:
        raise write_failure(path, exc) from exc
    try:
        handle, probe = tempfile.mkstemp(
            dir=folder, prefix=f".{path.name[:TEMP_NAME_PART]}.", suffix=".probe"
        )
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise write_failure(path, exc) from exc
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return  # the platform cannot say: the write itself will tell
    if free < needed:
        raise SnapshotWriteError(
            f"The snapshot cannot be saved in the folder {folder}: the disk is nearly full "
            f"({_size(free)} free, about {_size(needed)} needed). Free some space there, or "
            "choose another folder.",
            os.strerror(errno.ENOSPC),
        )


def _os_error(number: int) -> OSError:
    return OSError(number, os.strerror(number))


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{max(count, 0) // 1024:,} KB"
    return f"{count / (1024 * 1024):,.1f} MB"
