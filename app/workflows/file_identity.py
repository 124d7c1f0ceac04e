"""Whether a file may already be in SmartRecruiters although its upload did not say so, and
whether a file dropped again is the very file that went before.

A Cancel can come after the service has the whole file (its answer was slow): the upload said
Cancelled, and the same file dropped again was attached a second time. A file of that name on
the result is no proof (a corrected file under the same name, a recruiter's own file), so the
whole file must have gone out, the file must be the same (its content's fingerprint), and the
attachment must be dated since it went.

A report dropped on an order in progress waits, maybe days, for the order's result: what is
sent then must be the file dropped, not another saved over it since (``FileIdentity``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from app.domain.attachments import SNIFF_BYTES, check_content, describe_size
from app.domain.file_names import shown_in_sentence
from app.domain.smartrecruiters import Attachment
from app.store.paths import NotRegularFileError, open_regular_file, regular_file

#: A file up to this size is hashed whole (reports are a few MB: milliseconds); a bigger one
#: by SAMPLES blocks of SAMPLE_BYTES spread over it and its end.
FULL_HASH_BYTES = 64 * 1024 * 1024
SAMPLES = 64
SAMPLE_BYTES = 64 * 1024
READ_BYTES = 1024 * 1024
#: SmartRecruiters' clock against this machine's: an attachment dated up to this much before
#: the file went may still be that file.
CLOCK_SKEW = timedelta(minutes=5)

log = logging.getLogger(__name__)


def file_fingerprint(path: str | Path) -> str:
    """The file's size and the hash of its content (not its date: a file downloaded again is
    the same file). Blocking I/O."""
    real, info = regular_file(Path(path))
    with open_regular_file(real, expected=info) as handle:
        return _fingerprint_of(handle, info.st_size)


def _fingerprint_of(handle: BinaryIO, size: int) -> str:
    """``file_fingerprint`` of the open file of ``size`` bytes, read from its start."""
    digest = hashlib.blake2b(digest_size=32)
    handle.seek(0)
    if size <= FULL_HASH_BYTES:
        while chunk := handle.read(READ_BYTES):
            digest.update(chunk)
    else:
        step = size // SAMPLES
        for offset in [*range(0, step * SAMPLES, step), size - SAMPLE_BYTES]:
            handle.seek(offset)
            digest.update(handle.read(SAMPLE_BYTES))
    return f"{size}:{digest.hexdigest()}"


def arrived_copy(
    attachments: Iterable[Attachment], file_name: str, since: datetime | None
) -> Attachment | None:
    """The attachment of that name the service dated since the file went out (its date
    without a zone read as UTC, as the service means it; one without a date does not count).
    Without ``since`` (an upload an older version began), the name alone. ``since`` is on the
    service's clock (``MachineTime.on_service_clock``), as its dates are: a machine set an
    hour fast found no copy of its own, and sent the file again."""
    earliest = since - CLOCK_SKEW if since is not None else None
    for attachment in attachments:
        if attachment.file_name != file_name:
            continue
        if earliest is None:
            return attachment
        created = attachment.create_date
        if created is None:
            continue
        if created.tzinfo is None:
            created = created.replace(tzinfo=UTC)
        if created >= earliest:
            return attachment
    return None


class ChangedWhileReadError(OSError):
    """The file was written to while it was being read: what was read is no file's content."""


@dataclass(frozen=True)
class FileIdentity:
    """What a file was when it was queued: its content (SHA-256 of all of it: a report from
    the same template has the same size and the same first bytes), and where and when it was
    on disk. The content decides; the disk's facts only spare reading the file again."""

    sha256: str
    size: int
    device: int
    inode: int
    mtime_ns: int
    ctime_ns: int

    def to_text(self) -> str:
        """As the upload's row keeps it (``ResultStore.queued_identity``)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_text(cls, text: str) -> FileIdentity | None:
        """The identity ``to_text`` wrote; None, logged, for anything else (the file is then
        checked as one queued by an older version: its size and its kind)."""
        try:
            fields = json.loads(text)
            identity = cls(**fields)
        except (ValueError, TypeError) as exc:
            log.warning("A queued file's identity cannot be read (%s): %.80r", exc, text)
            return None
        return identity

    def untouched(self, info: os.stat_result) -> bool:
        """Nothing on disk says the file moved or was written since. Only where the system
        keeps a change time no program can set (POSIX): a write that puts the date back, as
        ``cp -p`` does, still moves it. On Windows ``st_ctime`` is the creation time, so the
        file is always read again there."""
        if os.name != "posix":
            return False
        now = (info.st_size, info.st_dev, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)
        return now == (self.size, self.device, self.inode, self.mtime_ns, self.ctime_ns)


def _disk_facts(info: os.stat_result) -> tuple[int, int, int]:
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


def identify(handle: BinaryIO) -> FileIdentity:
    """The identity of the open regular file, read whole from its start.
    ``ChangedWhileReadError`` when it was written to meanwhile. Blocking I/O (a 200 MB report
    is read whole: call it off the event loop)."""
    before = os.fstat(handle.fileno())
    handle.seek(0)
    digest = hashlib.sha256()
    read = 0
    while chunk := handle.read(READ_BYTES):
        digest.update(chunk)
        read += len(chunk)
    after = os.fstat(handle.fileno())
    if read != before.st_size or _disk_facts(after) != _disk_facts(before):
        raise ChangedWhileReadError("the file was written to while it was being read")
    return FileIdentity(
        sha256=digest.hexdigest(),
        size=before.st_size,
        device=before.st_dev,
        inode=before.st_ino,
        mtime_ns=before.st_mtime_ns,
        ctime_ns=before.st_ctime_ns,
    )


def changed_since_queued(
    path: str, file_name: str, size: int, queued: str | None = None
) -> str | None:
    """Why the file is no longer the one checked when it was dropped, in words; None when it
    still is. A report dropped on an order in progress waits, maybe days, for the order's
    result: overwritten meanwhile (a download saved under its name, a file emptied, another
    candidate's report from the same template), it was sent as it then was, under the name
    checked. ``queued``: its identity when it was queued (``FileIdentity.to_text``), whose
    content it must still have; None (queued by an older version): its size, and content of
    the kind its name says, as then. Blocking I/O."""
    again = "drop it on the order again to send it as it is now"
    identity = FileIdentity.from_text(queued) if queued is not None else None
    content: str | None = None
    try:
        real, info = regular_file(Path(path))
        with open_regular_file(real, expected=info) as handle:
            head = handle.read(SNIFF_BYTES)
            if identity is not None and info.st_size == size and not identity.untouched(info):
                content = identify(handle).sha256
    except FileNotFoundError:
        # Its name may not be UTF-8, and may hold marks that turn the sentence round.
        folder = shown_in_sentence(str(Path(path).parent))
        return f"{file_name} is no longer in {folder} (moved or deleted): drop it again."
    except NotRegularFileError:
        return f"{file_name} was replaced by something that is not a file: drop it again."
    except ChangedWhileReadError:
        return f"{file_name} is being changed right now: {again}, once it is saved."
    except OSError as exc:
        return f"{file_name} cannot be read ({exc.strerror or exc}): try again, or drop it again."
    if info.st_size != size:
        then, now = describe_size(size), describe_size(info.st_size)
        return f"{file_name} changed since it was dropped ({then} then, {now} now): {again}."
    if check_content(file_name, head) is not None:
        return f"{file_name} changed since it was dropped and is not what its name says: {again}."
    if identity is not None and content is not None and content != identity.sha256:
        return (
            f"{file_name} changed since it was dropped (another file of the same size was saved "
            f"under its name, or it was edited): {again}."
        )
    return None


def identity_if_sent(path: str, queued: str | None, fingerprint: str | None) -> FileIdentity | None:
    """The identity of the file at ``path`` now, when its content is still the one sent: the
    SHA-256 it was queued with (which the bytes sent were checked against), or, for a file an
    older version queued, its fingerprint as sent. None when it is another content (a report
    of another candidate downloaded under its name since), or when nothing says what was sent.
    ``OSError`` when it cannot be read (``ChangedWhileReadError``: written to meanwhile).
    Blocking I/O: the file is read whole, unless nothing on disk says it was touched since it
    was queued (a snapshot of many reports reads each once, as it copies it: the copy is
    checked against this identity again)."""
    sent = FileIdentity.from_text(queued) if queued is not None else None
    real, info = regular_file(Path(path))
    if sent is not None and sent.untouched(info):
        return sent
    with open_regular_file(real, expected=info) as handle:
        now = identify(handle)
        if sent is not None:
            same = (now.sha256, now.size) == (sent.sha256, sent.size)
        else:
            same = fingerprint is not None and _fingerprint_of(handle, now.size) == fingerprint
    return now if same else None
