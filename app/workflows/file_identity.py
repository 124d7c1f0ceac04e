"""Whether a file dropped again is the very file a cancelled upload was sending, and whether
SmartRecruiters already has it.

A Cancel can come after the service has the file (its answer was slow): the upload says
Cancelled, and the same file dropped again was attached a second time. A file of that name on
the result is not proof (a corrected file under the same name, a recruiter's file), so the
file must be the same as the one that was going (its fingerprint), and the attachment must be
dated since it began to go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from app.domain.smartrecruiters import Attachment
from app.store.paths import open_regular_file, regular_file

#: Read from each end of the file for its fingerprint: a corrected report differs there (its
#: size, its date, its trailer) without the whole file being read before each upload.
EDGE_BYTES = 64 * 1024
#: SmartRecruiters' clock against this machine's: an attachment dated up to this much before
#: the file began to go may still be that file.
CLOCK_SKEW = timedelta(minutes=5)


def file_fingerprint(path: str | Path) -> str:
    """The file's size, modification time and the hash of both ends. Blocking I/O."""
    real, info = regular_file(Path(path))
    digest = hashlib.sha256()
    with open_regular_file(real, expected=info) as handle:
        digest.update(handle.read(EDGE_BYTES))
        if info.st_size > EDGE_BYTES:
            handle.seek(max(info.st_size - EDGE_BYTES, EDGE_BYTES))
            digest.update(handle.read(EDGE_BYTES))
    return f"{info.st_size}:{info.st_mtime_ns}:{digest.hexdigest()}"


def arrived_copy(
    attachments: Iterable[Attachment], file_name: str, sending_since: datetime | None
) -> Attachment | None:
    """The attachment of that name the service dated since the file began to go (one without
    a date counts: the service did not say). Without ``sending_since`` (a step an older
    version began), the name alone."""
    earliest = sending_since - CLOCK_SKEW if sending_since is not None else None
    for attachment in attachments:
        if attachment.file_name == file_name and (
            earliest is None or attachment.create_date is None or attachment.create_date >= earliest
        ):
            return attachment
    return None
