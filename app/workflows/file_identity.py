"""Whether a file may already be in SmartRecruiters although its upload did not say so, and
whether a file dropped again is the very file that went before.

A Cancel can come after the service has the whole file (its answer was slow): the upload said
Cancelled, and the same file dropped again was attached a second time. A file of that name on
the result is no proof (a corrected file under the same name, a recruiter's own file), so the
whole file must have gone out, the file must be the same (its content's fingerprint), and the
attachment must be dated since it went.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.attachments import SNIFF_BYTES, check_content, describe_size
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


def file_fingerprint(path: str | Path) -> str:
    """The file's size and the hash of its content (not its date: a file downloaded again is
    the same file). Blocking I/O."""
    real, info = regular_file(Path(path))
    digest = hashlib.blake2b(digest_size=32)
    with open_regular_file(real, expected=info) as handle:
        if info.st_size <= FULL_HASH_BYTES:
            while chunk := handle.read(READ_BYTES):
                digest.update(chunk)
        else:
            step = info.st_size // SAMPLES
            for offset in [*range(0, step * SAMPLES, step), info.st_size - SAMPLE_BYTES]:
                handle.seek(offset)
                digest.update(handle.read(SAMPLE_BYTES))
    return f"{info.st_size}:{digest.hexdigest()}"


def arrived_copy(
    attachments: Iterable[Attachment], file_name: str, since: datetime | None
) -> Attachment | None:
    """The attachment of that name the service dated since the file went out (its date
    without a zone read as UTC, as the service means it; one without a date does not count).
    Without ``since`` (an upload an older version began), the name alone."""
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


def changed_since_queued(path: str, file_name: str, size: int) -> str | None:
    """Why the file is no longer the one checked when it was dropped, in words; None when it
    still is (its size, and content of the kind its name says). A report dropped on an order
    in progress waits, maybe days, for the order's result: overwritten meanwhile (a download
    saved under its name, a file emptied), it was sent as it then was, under the name checked.
    Blocking I/O."""
    again = "drop it on the order again to send it as it is now"
    try:
        real, info = regular_file(Path(path))
        with open_regular_file(real, expected=info) as handle:
            head = handle.read(SNIFF_BYTES)
    except FileNotFoundError:
        folder = Path(path).parent
        return f"{file_name} is no longer in {folder} (moved or deleted): drop it again."
    except NotRegularFileError:
        return f"{file_name} was replaced by something that is not a file: drop it again."
    except OSError as exc:
        return f"{file_name} cannot be read ({exc.strerror or exc}): try again, or drop it again."
    if info.st_size != size:
        then, now = describe_size(size), describe_size(info.st_size)
        return f"{file_name} changed since it was dropped ({then} then, {now} now): {again}."
    if check_content(file_name, head) is not None:
        return f"{file_name} changed since it was dropped and is not what its name says: {again}."
    return None
