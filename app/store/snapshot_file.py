"""Reading and writing snapshot files (``*.adsnap``): a zip described in
``docs/snapshot-format.md``.

Writing is atomic: the archive is written to a temporary file in the same folder, flushed to
disk, then renamed over the target, so a crash mid-save leaves the previous file intact.

Reading treats the file as hostile: it may come from a colleague, a mail attachment or a full
disk. Every problem — not a zip, truncated, a newer format, wrong types, entries with ``..`` or
absolute paths, declared sizes fit for a zip bomb, duplicate orders — ends in a ``SnapshotError``
whose message names it in a sentence. Nothing is extracted except an attachment the user opens,
and that only into the app's own temporary folder.

Orders are parsed lazily: the table comes from the index, each order's details are validated
when first asked for (``record``) or all at once (``validate_all``), because validating 100,000
orders up front costs seconds and hundreds of megabytes the list does not need.

Memory is bounded whatever the file holds (``MEMORY_BUDGET``, measured by
tests/unit/test_snapshot_limits.py): only a regular file is opened (``/dev/zero`` never ends, a
FIFO blocks), the central directory, each entry, the count of orders and the count of JSON
values are capped before anything is parsed, and the caches of decompressed chunks and parsed
orders are bounded in bytes, not in items.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import zipfile
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, Generic, TypeVar, cast

from pydantic import ValidationError
from pydantic_core import from_json

from app.domain.attachments import ALLOWED_EXTENSIONS
from app.domain.count_words import counted
from app.domain.file_names import shown_in_sentence
from app.domain.order_summary import summarize, utc_text
from app.domain.smartrecruiters import OrderStatus
from app.domain.snapshot import (
    ATTACHMENTS_FOLDER,
    INDEX_MEMBER,
    META_MEMBER,
    ORDERS_FOLDER,
    OrderSummary,
    SnapshotAttachment,
    SnapshotIndex,
    SnapshotMeta,
    SnapshotOrder,
    orders_member,
    with_texts_cut,
)
from app.domain.snapshot_format import FORMAT_NAME, FORMAT_VERSION
from app.store.paths import (
    NotRegularFileError,
    atomic_file,
    make_private_dir,
    open_regular_file,
    regular_file,
)

log = logging.getLogger(__name__)

#: Limits that keep a hostile archive from filling the memory or the disk (the reasons for each
#: figure are in docs/snapshot-format.md, "Limits"). The writer keeps to them too: a file this
#: app writes is always one it can read.
MAX_ARCHIVE_BYTES = 4 * 1024**3
#: The zip's list of entries, read whole by ``zipfile`` before any entry can be looked at.
MAX_CENTRAL_DIRECTORY_BYTES = 8 * 1024**2
MAX_ENTRIES = 20_000
MAX_META_BYTES = 1024 * 1024
#: 1.5 times the 100,000 orders measured by bench/snapshot_scale.py.
MAX_ORDERS = 150_000
#: ~270 bytes for each of MAX_ORDERS orders: 100,000 orders with SmartRecruiters' UUID ids and
#: longer job titles take 22 MB of index (bench/snapshot_scale.py's shorter ones: 16 MB).
MAX_INDEX_BYTES = 40 * 1024**2
#: A chunk is decompressed whole when one of its orders is shown (~0.7 MB per 1,000 orders).
MAX_CHUNK_BYTES = 64 * 1024**2
#: One order with everything the detail pane shows is a few KB.
MAX_ORDER_LINE_BYTES = 4 * 1024**2
#: JSON values in one order line: parsing and (worse) reporting every invalid value of a line
#: cost ~1.4 KB each; a real order holds a few hundred.
MAX_ORDER_LINE_VALUES = 20_000
MAX_ATTACHMENT_BYTES = 100 * 1024**2
MAX_TOTAL_BYTES = 4 * 1024**3
#: JSON of orders compresses ~20:1; a ratio far beyond that is a zip bomb, not data.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small members may compress as well as they like
#: Decompressed chunks kept for the next order shown, and parsed orders (counted by the size
#: of their JSON line): bounded in bytes, so a file of few, huge chunks cannot multiply them.
CHUNK_CACHE_BYTES = 64 * 1024**2
CHUNK_CACHE_ITEMS = 8
RECORD_CACHE_BYTES = 4 * 1024**2
RECORD_CACHE_ITEMS = 1024
#: What opening and reading any snapshot may add to the process, at most (the limits above
#: keep it there; tests/unit/test_snapshot_limits.py measures the worst files it can think of).
MEMORY_BUDGET = 512 * 1024**2

#: Pieces an entry is decompressed or copied in.
_READ_PIECE = 1024 * 1024

_KNOWN_MEMBERS = {META_MEMBER, INDEX_MEMBER}
_CHUNK_NAME = re.compile(r"^orders/\d{5}\.jsonl$")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")

ProgressCallback = Callable[[int, int], None]


class SnapshotError(Exception):
    """A snapshot cannot be read or written; the message says why, in a sentence."""


class SnapshotGoneError(SnapshotError):
    """The snapshot is no longer where it was asked for (moved, renamed or deleted): File ›
    Recent snapshots may still name it."""


# -- writing -------------------------------------------------------------------------------------


def attachment_member(order_id: str, number: int, file_name: str) -> str:
    """Where an attachment goes in the archive: plain characters only, never a path. The
    folder is the order's own: its id cleaned and cut is not ("a/b" and "a_b", or two ids of
    the same first 80 characters, shared one, and one order's record opened the other's
    report), so a hash of the whole id follows it, as ``ReportFiles.path_for`` does. A reader
    takes the names the records give, never recomputes them: older files open as they were."""
    slot = hashlib.sha256(order_id.encode()).hexdigest()[:16]
    folder = f"{_UNSAFE_NAME_CHARS.sub('_', order_id)[:80] or 'order'}-{slot}"
    return f"{ATTACHMENTS_FOLDER}{folder}/{number}_{_plain_name(file_name)}"


def _plain_name(file_name: str) -> str:
    """``file_name`` as a file of ours is named: plain characters only, never a path."""
    name = _UNSAFE_NAME_CHARS.sub("_", PurePosixPath(file_name.replace("\\", "/")).name)
    name = name.lstrip(".") or "file"
    if len(name) > _MEMBER_NAME_CHARS:  # shortened, its type kept: a copy is opened by it
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: _MEMBER_NAME_CHARS - len(suffix)] + suffix
    return name


_MEMBER_NAME_CHARS = 120


@dataclass(frozen=True)
class KeptFile:
    """A report to keep in a snapshot, and the content it was checked to have (the file that
    was sent): the bytes copied must be exactly those, or the save fails rather than keep
    another file under its name (one saved over it between the check and the copy)."""

    path: Path
    sha256: str
    size: int


def write_snapshot(
    path: Path,
    meta: SnapshotMeta,
    records: Iterable[SnapshotOrder],
    files: Mapping[str, Path | KeptFile] | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
    gone: Mapping[str, datetime] | None = None,
) -> None:
    """Write ``records`` (and ``files``: archive member → file on disk, or a ``KeptFile`` whose
    content is checked as it is copied) to ``path`` atomically. ``gone``: since when
    SmartRecruiters no longer has each order of these it no longer has (the index says so).

    The orders are written newest first, the order the table shows them in unless asked
    otherwise, so that a reader of 100,000 orders shows them without reordering every search
    result (measured: bench/snapshot_scale.py). ``meta.order_count`` must match the records.
    ``cancelled`` is polled between chunks of orders, between files and pieces of a file, and
    once more before the rename; a cancelled or failed write leaves ``path`` as it was and no
    temporary file. An ``OSError`` of the destination (no permission, disk full) comes out as
    it is: ``app.store.snapshot_destination.write_failure`` says it in words.
    """
    records = sorted(records, key=lambda r: utc_text(r.order.create_date), reverse=True)
    if meta.order_count != len(records):
        raise ValueError("meta.order_count does not match the records")
    files = dict(files or {})
    _check_writable(len(records), meta.orders_per_chunk, len(files))
    # An entry that compresses so well (a comment of 300 KB of "-") that a reader takes it
    # for a zip bomb stops the write as soon as it is written; the file is written again with
    # it stored as it is. Each pass stores one more entry or more, so this ends.
    stored: frozenset[str] = frozenset()
    forward = _never_backwards(progress)
    while True:
        try:
            _write_archive(
                Path(path), meta, records, files, progress=forward, cancelled=cancelled,
                stored=stored, gone=gone or {},
            )  # fmt: skip
            return
        except _StoreAsIs as again:
            if again.names <= stored:  # cannot happen: a stored entry is never smaller
                raise SnapshotError("The snapshot could not be written.") from again
            stored = again.names


def _never_backwards(progress: ProgressCallback | None) -> ProgressCallback | None:
    """``progress`` as a second pass reports it: never fewer done than said before."""
    if progress is None:
        return None
    said = 0

    def forward(done: int, total: int) -> None:
        nonlocal said
        if done >= said:
            said = done
            progress(done, total)

    return forward


class _StoreAsIs(Exception):  # noqa: N818  (not an error: a second pass with these stored)
    def __init__(self, names: frozenset[str]) -> None:
        super().__init__(sorted(names))
        self.names = names


def _stop_if_too_packed(zf: zipfile.ZipFile, stored: frozenset[str]) -> None:
    """The entry just written, checked as a reader will: one it would refuse starts the file
    again, with that entry stored."""
    last = zf.infolist()[-1]
    if last.filename not in stored and _looks_like_a_bomb(last):
        raise _StoreAsIs(stored | {last.filename})


def _looks_like_a_bomb(info: zipfile.ZipInfo) -> bool:
    """The reader's rule, and so the writer's: a large entry that expands over MAX_RATIO."""
    return info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1)


def _write_archive(
    path: Path,
    meta: SnapshotMeta,
    records: list[SnapshotOrder],
    files: dict[str, Path | KeptFile],
    *,
    progress: ProgressCallback | None,
    cancelled: Callable[[], bool] | None,
    stored: frozenset[str] = frozenset(),
    gone: Mapping[str, datetime],
) -> None:
    """``write_snapshot``'s archive, the entries named in ``stored`` not compressed."""

    def kind(name: str) -> int:
        return zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED

    with (
        atomic_file(path, "wb", private=False) as handle,
        zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
    ):
        zf.writestr(META_MEMBER, meta.model_dump_json(indent=2), compress_type=kind(META_MEMBER))
        _stop_if_too_packed(zf, stored)
        summaries: list[OrderSummary] = []
        total = len(records) + len(files)
        per_chunk = meta.orders_per_chunk
        for chunk, start in enumerate(range(0, len(records), per_chunk)):
            if cancelled is not None and cancelled():
                raise SnapshotCancelledError("The snapshot was not saved (cancelled).")
            part = records[start : start + per_chunk]
            lines = [_order_line(record) for record in part]
            data = b"\n".join(lines) + b"\n"
            if len(data) > MAX_CHUNK_BYTES:
                raise SnapshotError(
                    f"Orders {start + 1:,}–{start + len(part):,} take {len(data):,} bytes, "
                    f"more than the {MAX_CHUNK_BYTES:,} a snapshot reader allows per chunk: "
                    "save fewer orders per chunk."
                )
            zf.writestr(orders_member(chunk), data, compress_type=kind(orders_member(chunk)))
            _stop_if_too_packed(zf, stored)
            summaries.extend(summarize(record.order) for record in part)
            if progress is not None:
                progress(start + len(part), total)
        gone_since = [utc_text(gone.get(s.id)) for s in summaries]
        # Without the columns that say nothing (``gone``, when no order is gone).
        index = SnapshotIndex.of(summaries, gone_since).model_dump_json(exclude_none=True).encode()
        if len(index) > MAX_INDEX_BYTES:
            raise SnapshotError(
                f"The list of these orders takes {len(index):,} bytes, more than the "
                f"{MAX_INDEX_BYTES:,} a snapshot may hold: save fewer orders."
            )
        zf.writestr(INDEX_MEMBER, index, compress_type=kind(INDEX_MEMBER))
        _stop_if_too_packed(zf, stored)
        written = 0
        for done, member in enumerate(sorted(files), len(records) + 1):
            if cancelled is not None and cancelled():
                raise SnapshotCancelledError("The snapshot was not saved (cancelled).")
            source = files[member]
            kept, where = (
                (source, source.path) if isinstance(source, KeptFile) else (None, Path(source))
            )
            written += _write_attachment(zf, member, where, cancelled, kind(member), kept=kept)
            _stop_if_too_packed(zf, stored)
            if written > MAX_TOTAL_BYTES:
                raise SnapshotError(
                    "The reports kept with these orders are larger in total than a snapshot "
                    f"may hold ({MAX_TOTAL_BYTES:,} bytes)."
                )
            if progress is not None:
                progress(done, total)
        if cancelled is not None and cancelled():  # the last chance: nothing renamed yet
            raise SnapshotCancelledError("The snapshot was not saved (cancelled).")
    if progress is not None:
        progress(total, total)


def _check_writable(orders: int, per_chunk: int, files: int) -> None:
    """Refuse up front what the reader would refuse: a file written is a file that opens."""
    if orders > MAX_ORDERS:
        raise SnapshotError(
            f"A snapshot holds at most {MAX_ORDERS:,} orders; these are {orders:,}. "
            "Save the orders in view (search or filter them) instead."
        )
    entries = 2 + -(-orders // per_chunk) + files
    if entries > MAX_ENTRIES:
        raise SnapshotError(
            f"A snapshot holds at most {MAX_ENTRIES:,} files; these orders and their reports "
            f"would need {entries:,}."
        )


def _json_values(data: bytes | bytearray) -> int:
    """At least as many as the JSON values in ``data``, counted without parsing it: every value
    but the first of an array or object follows a comma, and the first opens one. Commas in
    strings count too (an over-estimate); C speed, no memory."""
    return data.count(b",") + data.count(b"[") + data.count(b"{") + 1


def _order_line(record: SnapshotOrder) -> bytes:
    line = record.model_dump_json(by_alias=True).encode()
    if len(line) > MAX_ORDER_LINE_BYTES or _json_values(line) > MAX_ORDER_LINE_VALUES:
        raise SnapshotError(
            f"Order {record.order.id} is too large to keep in a snapshot ({len(line):,} bytes)."
        )
    return line


def _write_attachment(
    zf: zipfile.ZipFile,
    member: str,
    source: Path,
    cancelled: Callable[[], bool] | None = None,
    compress_type: int = zipfile.ZIP_DEFLATED,
    *,
    kept: KeptFile | None = None,
) -> int:
    """Copy ``source`` into the archive in pieces; its size. Only a regular file is read: a
    report replaced by a FIFO since it was uploaded would otherwise hang the save. A failure
    to read the report is said as such; one to write the archive (a full disk) is not the
    report's and comes out as the ``OSError`` it is. With ``kept``, the bytes copied are
    hashed: any other content than the one checked fails the save (the file written is then
    removed), so that no other file is ever kept under the report's name."""

    def unreadable(exc: OSError) -> SnapshotError:
        return SnapshotError(f"The report {_named(source)} cannot be read ({_reason(exc)}).")

    changed = SnapshotError(
        f"The report {_named(source)} changed while the snapshot was saved: save it again."
    )
    try:
        real, info = regular_file(source)
        if kept is not None and info.st_size != kept.size:
            raise changed
        if info.st_size > MAX_ATTACHMENT_BYTES:
            raise SnapshotError(
                f"The report {_named(source)} is {info.st_size:,} bytes, more than the "
                f"{MAX_ATTACHMENT_BYTES:,} a snapshot may keep of one file."
            )
        zinfo = zipfile.ZipInfo.from_file(real, member)
        zinfo.compress_type = compress_type
        reader = open_regular_file(real, expected=info)
    except OSError as exc:
        raise unreadable(exc) from exc
    digest = hashlib.sha256()
    with reader, zf.open(zinfo, "w") as writer:
        copied = 0
        while True:
            if cancelled is not None and cancelled():
                raise SnapshotCancelledError("The snapshot was not saved (cancelled).")
            try:
                piece = reader.read(_READ_PIECE)
            except OSError as exc:
                raise unreadable(exc) from exc
            if not piece:
                break
            copied += len(piece)
            if copied > MAX_ATTACHMENT_BYTES:
                raise SnapshotError(f"The report {_named(source)} grew while it was saved.")
            digest.update(piece)
            writer.write(piece)
    if kept is not None and (copied, digest.hexdigest()) != (kept.size, kept.sha256):
        raise changed
    return copied


class SnapshotCancelledError(SnapshotError):
    """The user cancelled the save; nothing was written."""


# -- reading -------------------------------------------------------------------------------------


def app_temp_root() -> Path:
    """The app's own temporary folder: the only place a snapshot's files are ever extracted.

    0700 and ours: in a shared /tmp, a folder of that name made by someone else is refused
    rather than written into.
    """
    root = (
        Path(tempfile.gettempdir())
        / f"assessment-desk-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    )
    try:
        return make_private_dir(root)
    except OSError as exc:
        raise SnapshotError(
            f"The temporary folder {root} cannot be used ({_reason(exc)})."
        ) from exc


class _CappedReads:
    """The archive as ``zipfile`` sees it: while ``cap`` is set, no read may ask for more.

    ``zipfile`` reads the whole central directory (the list of entries) at the size the
    archive declares, and builds an object per entry, before any entry can be checked: a
    hostile list of gigabytes would be read whole. Capping the reads while the archive is
    opened refuses it instead; afterwards the entries' own limits apply.
    """

    def __init__(self, raw: BinaryIO, cap: int) -> None:
        self._raw = raw
        self.cap: int | None = cap

    def read(self, size: int | None = -1) -> bytes:
        if self.cap is not None:
            if size is None or size < 0:
                data = self._raw.read(self.cap + 1)
                if len(data) > self.cap:
                    raise _TooLargeDirectoryError
                return data
            if size > self.cap:
                raise _TooLargeDirectoryError
        return self._raw.read(-1 if size is None else size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()


class _TooLargeDirectoryError(Exception):
    pass


def _open_zip(handle: BinaryIO, name: str) -> zipfile.ZipFile:
    """``handle`` as a zip archive; ``SnapshotError`` with a sentence for any problem."""
    reader = _CappedReads(handle, MAX_CENTRAL_DIRECTORY_BYTES)
    try:
        zf = zipfile.ZipFile(cast(IO[bytes], reader))
    except _TooLargeDirectoryError as exc:
        raise SnapshotError(
            f"The snapshot {name} lists more entries than a snapshot may hold (its list of "
            f"entries is over {MAX_CENTRAL_DIRECTORY_BYTES:,} bytes)."
        ) from exc
    except zipfile.BadZipFile as exc:
        raise SnapshotError(
            f"{name} is not a snapshot, or it is truncated (not a readable zip archive)."
        ) from exc
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise SnapshotError(f"The snapshot {name} cannot be read ({_reason(exc)}).") from exc
    reader.cap = None
    return zf


def check_snapshot_path(path: Path) -> tuple[Path, os.stat_result]:
    """``path`` with its links resolved and its ``stat``, or ``SnapshotError`` unless it is a
    regular file small enough to be a snapshot: ``/dev/zero`` would be read for ever and a FIFO
    would block the reader until someone writes to it (``--snapshot`` and File > Open)."""
    try:
        real, info = regular_file(path)
    except NotRegularFileError as exc:
        raise SnapshotError(
            f"{_named(path)} is not a regular file: a snapshot is a file saved by Assessment "
            "Desk, not a folder, a device or a pipe."
        ) from exc
    except OSError as exc:
        raise _cannot_open(path, exc) from exc
    if info.st_size > MAX_ARCHIVE_BYTES:
        raise SnapshotError(
            f"The snapshot {_named(path)} is too large to open ({info.st_size:,} bytes)."
        )
    return real, info


@contextmanager
def _archive(path: Path, real: Path, expected: os.stat_result) -> Iterator[zipfile.ZipFile]:
    """The zip at ``real``, opened without blocking, refused unless it is still the very file
    ``expected`` describes (same file, size and time: not a FIFO or a newer save put in its
    place); the file is closed with the archive."""
    changed = f"The snapshot {_named(path)} changed on disk since it was opened: open it again."
    try:
        handle = open_regular_file(real, expected=expected)
    except OSError as exc:
        if exc.errno == errno.ESTALE:  # another file in its place (a newer save of its name)
            raise SnapshotError(changed) from exc
        raise SnapshotError(
            f"The snapshot file {_named(path)} can no longer be read: {_read_failure(exc)}."
        ) from exc
    with handle:
        found = os.fstat(handle.fileno())
        if (found.st_size, found.st_mtime_ns) != (expected.st_size, expected.st_mtime_ns):
            raise SnapshotError(changed)
        with _open_zip(handle, _named(path)) as zf:
            yield zf


def _check_member_name(name: str) -> None:
    if not name or "\x00" in name:
        raise SnapshotError("The snapshot holds an entry with an empty or invalid name.")
    if name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name):
        raise SnapshotError(f"The snapshot holds an entry with an absolute path ({name!r}).")
    if "\\" in name:
        raise SnapshotError(f"The snapshot holds an entry with a backslash path ({name!r}).")
    if any(part in ("..", ".") for part in name.split("/")):
        raise SnapshotError(
            f"The snapshot holds an entry that climbs out of its folder ({name!r})."
        )


def _limit_for(name: str) -> int:
    if name.startswith(ORDERS_FOLDER):
        return MAX_CHUNK_BYTES
    return {META_MEMBER: MAX_META_BYTES, INDEX_MEMBER: MAX_INDEX_BYTES}.get(
        name, MAX_ATTACHMENT_BYTES
    )


def _check_entry(info: zipfile.ZipInfo) -> None:
    """What one entry must be before it is read: not encrypted, compressed in a way read
    here, within its size limit and no zip bomb."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise SnapshotError(f"The snapshot entry {name!r} is encrypted.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise SnapshotError(f"The snapshot entry {name!r} uses an unsupported compression.")
    limit = _limit_for(name)
    if info.file_size > limit:
        raise SnapshotError(
            f"The snapshot entry {name!r} declares {info.file_size:,} bytes, more than the "
            f"{limit:,} allowed."
        )
    if _looks_like_a_bomb(info):
        ratio = info.file_size // max(info.compress_size, 1)
        raise SnapshotError(
            f"The snapshot entry {name!r} would expand {ratio:,} times: it looks like a zip "
            "bomb, not a snapshot."
        )


def _read_meta(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], name: str) -> SnapshotMeta:
    """``snapshot.json``, checked and read before the other entries are looked at: a newer
    format may hold entries this one does not know, or lack ones it needs, and was refused as
    "unexpected entry" or "incomplete" instead of as made by a newer Assessment Desk."""
    found = [info for info in infos if info.filename == META_MEMBER]
    if not found:
        raise SnapshotError(f"{name} is not an Assessment Desk snapshot (no {META_MEMBER}).")
    if len(found) > 1:
        raise SnapshotError(f"The snapshot holds the entry {META_MEMBER!r} twice.")
    _check_entry(found[0])
    return _check_meta(_load_json(_read_member(zf, found[0]), META_MEMBER))


def _check_entries(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > MAX_ENTRIES:
        raise SnapshotError(
            f"The snapshot holds too many entries ({len(infos):,}; at most {MAX_ENTRIES:,})."
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        _check_member_name(name)
        if name in by_name:
            raise SnapshotError(f"The snapshot holds the entry {name!r} twice.")
        if info.is_dir():
            continue
        known = name in _KNOWN_MEMBERS or _CHUNK_NAME.match(name)
        if not known and not name.startswith(ATTACHMENTS_FOLDER):
            raise SnapshotError(f"The snapshot holds an unexpected entry ({name!r}).")
        _check_entry(info)
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise SnapshotError("The snapshot declares more data in total than is allowed.")
        by_name[name] = info
    return by_name


def _holds_as_listed(info: zipfile.ZipInfo, attachment: SnapshotAttachment) -> bool:
    """Whether the entry ``info`` is the file ``attachment`` lists: of its size, and of its
    type (the copy, named as listed, is opened by it), as the writer names entries."""
    listed = PurePosixPath(_plain_name(attachment.file_name)).suffix.lower()
    return (
        PurePosixPath(info.filename).suffix.lower() == listed and info.file_size == attachment.size
    )


def _damaged(info: zipfile.ZipInfo, exc: BaseException | None = None) -> SnapshotError:
    why = f" ({_reason(exc)})" if exc is not None else ""
    return SnapshotError(f"The snapshot entry {info.filename!r} is damaged or truncated{why}.")


_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                    NotImplementedError, RuntimeError)  # fmt: skip


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytearray:
    """The member's bytes: exactly the size it declared (checked against its limits before),
    read into one buffer of that size — never more, whatever the compressed data expands to —
    and its CRC checked by zipfile at the end."""
    data = bytearray(info.file_size)
    view = memoryview(data)
    filled = 0
    try:
        with cast(zipfile.ZipExtFile, zf.open(info)) as handle:
            while filled < info.file_size:
                got = handle.readinto(view[filled : filled + _READ_PIECE])
                if not got:
                    break
                filled += got
            extra = handle.read(1)  # reaching the end makes zipfile check the CRC
    except _ZIP_READ_ERRORS as exc:
        raise _damaged(info, exc) from exc
    finally:
        view.release()
    if filled != info.file_size or extra:
        raise _damaged(info)
    return data


def _named(path: Path) -> str:
    """``path``'s name as a sentence says it: a byte that is not UTF-8 (a name unzipped from a
    Windows archive) as file managers show it, not dropped by Qt nor refused by a terminal;
    without direction marks (a snapshot, a file from anyone, named "Q3 \u202eweiv.adsnap"
    turned "is no longer there: …" round)."""
    return shown_in_sentence(path.name)


#: What the system's refusals to read a snapshot mean, in words (as ``snapshot_destination``
#: says a save's): Python's own text put "[Errno 2]" and the whole path in the sentence.
_READ_WHY = {
    errno.ENOENT: "it was moved, renamed or deleted",
    errno.EACCES: "you do not have permission to read it",
    errno.EPERM: "you do not have permission to read it",
    errno.ENOTDIR: "a name on its way is a file, not a folder",
    errno.ENAMETOOLONG: "its name is too long",
    errno.ELOOP: "its links lead round in a circle",
    errno.EIO: "the disk could not read it",
}


def _read_failure(exc: OSError) -> str:
    """Why ``exc`` kept a snapshot from being read, in words; else the system's own (without
    its number or the path)."""
    return _READ_WHY.get(exc.errno or 0) or f"the system said “{_reason(exc)}”"


def _cannot_open(path: Path, exc: OSError) -> SnapshotError:
    """The sentence for a snapshot that could not be opened at all."""
    if exc.errno == errno.ENOENT:  # a recent one tidied away, most often
        return SnapshotGoneError(
            f"The snapshot {_named(path)} is no longer there: {_READ_WHY[errno.ENOENT]}."
        )
    return SnapshotError(f"The snapshot {_named(path)} cannot be opened: {_read_failure(exc)}.")


def _reason(exc: BaseException) -> str:
    """``exc`` in a few words: the system's words of an ``OSError`` (not "[Errno 2] … '/path'",
    a number and a path the sentence around it names already), else its text, cut."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip()
    return text[:200] if text else type(exc).__name__


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False, include_input=False)
    if not errors:
        return "invalid data"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "top level"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


def _load_json(data: bytes | bytearray, what: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise SnapshotError(f"The snapshot's {what} is not valid JSON.") from exc


def _check_meta(raw: Any) -> SnapshotMeta:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise SnapshotError("This file is not an Assessment Desk snapshot (wrong format name).")
    version = raw.get("version")
    unknown = SnapshotError(f"This snapshot has an unknown format version ({version!r}).")
    if type(version) is not int:  # True and 1.0 equal 1 in Python, but are not version 1
        raise unknown
    if version > FORMAT_VERSION:
        raise SnapshotError(
            f"This snapshot was written by a newer Assessment Desk (format version {version}); "
            f"this one reads version {FORMAT_VERSION}."
        )
    if version != FORMAT_VERSION:
        raise unknown
    try:
        meta = SnapshotMeta.model_validate(raw)
    except ValidationError as exc:
        raise SnapshotError(f"The snapshot's description is invalid: {_first_error(exc)}.") from exc
    if meta.order_count > MAX_ORDERS:
        raise SnapshotError(
            f"The snapshot says it holds {meta.order_count:,} orders; a snapshot holds at most "
            f"{MAX_ORDERS:,}."
        )
    return meta


_STATUSES = {status.value: status for status in OrderStatus}
#: Index columns added to format 1 later, written only when they say something: a file
#: without them (an older one) is read as if they said nothing.
LATER_INDEX_COLUMNS = ("gone",)


def _index_problem(text: str) -> SnapshotError:
    return SnapshotError(f"The snapshot's index is invalid: {text}.")


def _zoned_time(value: str) -> bool:
    """``value`` is "" (no date) or ISO 8601 with its offset, as ``utc_text`` writes it. One
    without ("2025-03-01") opened, and the Age column compared it with the time now at every
    paint: TypeError, a crash."""
    if not value:
        return True
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _parse_index(data: bytes | bytearray, order_count: int) -> SnapshotIndex:
    """``index.json``, checked column by column, stopping at the first problem.

    Not ``SnapshotIndex.model_validate_json``: pydantic parses the whole document into its own
    tree first and then reports every invalid value (8 MB of ``[],`` cost 4 GB). Here the count
    of JSON values is bounded before parsing (two per column and order, for the commas inside
    names), the parser makes plain Python objects (sharing equal short strings), and the first
    wrong value ends it. The columns added to format 1 later (``LATER_INDEX_COLUMNS``) may be
    missing.
    """
    required = OrderSummary._fields
    allowed = 2 * (len(required) + len(LATER_INDEX_COLUMNS)) * order_count + 64
    if _json_values(data) > allowed:
        raise _index_problem(f"it holds more values than its {order_count:,} orders need")
    try:
        raw = from_json(data, cache_strings=True)
    except (ValueError, RecursionError) as exc:
        raise SnapshotError("The snapshot's index is not valid JSON.") from exc
    if not isinstance(raw, dict):
        raise _index_problem("it is not an object of columns")
    missing = [name for name in required if name not in raw]
    if missing:
        raise _index_problem(f"it has no column {missing[0]!r}")
    columns = required + tuple(name for name in LATER_INDEX_COLUMNS if name in raw)
    unknown = sorted(str(name) for name in raw if name not in columns)
    if unknown:
        raise _index_problem(f"it has an unknown column {unknown[0]!r}")
    for name in columns:
        column = raw[name]
        if type(column) is not list:
            raise _index_problem(f"the column {name!r} is not a list")
        if not set(map(type, column)) <= {str}:  # map and set: C speed on 100,000 rows
            raise _index_problem(f"the column {name!r} holds a value that is not text")
    if len({len(raw[name]) for name in columns}) > 1:
        raise _index_problem("the index columns have different lengths")
    statuses = list(map(_STATUSES.get, raw["status"]))
    if None in statuses:
        value = raw["status"][statuses.index(None)]
        raise _index_problem(f"{value[:40]!r} is not an order status")
    for name in ("created", "gone"):
        times = raw.get(name, ())
        if not all(map(_zoned_time, times)):  # ~25 ms for 100,000 orders
            value = next(v for v in times if not _zoned_time(v))
            raise _index_problem(f"{value[:40]!r} is not a time with its offset from UTC")
    raw["status"] = statuses
    # Every value checked above: nothing left for pydantic to do.
    return SnapshotIndex.model_construct(None, **raw)


K = TypeVar("K")
V = TypeVar("V")


class _ByteBoundedCache(Generic[K, V]):
    """Least recently used values, at most ``budget`` bytes (as their callers count them) and
    ``max_items`` of them. Not thread-safe: the snapshot's lock guards it."""

    def __init__(self, budget: int, max_items: int) -> None:
        self.budget = budget
        self.max_items = max_items
        self.used = 0
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        self._items.move_to_end(key)
        return found[0]

    def make_room(self, cost: int) -> None:
        """Forget the oldest values until one of ``cost`` bytes fits (or nothing is left)."""
        while self._items and (
            self.used + cost > self.budget or len(self._items) >= self.max_items
        ):
            _key, (_value, old_cost) = self._items.popitem(last=False)
            self.used -= old_cost

    def put(self, key: K, value: V, cost: int) -> None:
        if cost > self.budget:
            return  # too large to keep: computed again when asked again
        self.make_room(cost)
        self._items[key] = (value, cost)
        self.used += cost


#: A decompressed chunk and where each of its lines starts.
_Chunk = tuple[bytearray, "array[int]"]


class Snapshot:
    """An opened snapshot: its metadata, the index of its orders, each order on demand.

    Orders sit in chunks of ``meta.orders_per_chunk`` lines; a chunk is decompressed when one
    of its orders is asked for (recent ones are kept, up to ``CHUNK_CACHE_BYTES``), so memory
    holds the index, not the orders. The file is opened again for each chunk, and must still be
    the very file that was opened (not a FIFO or another snapshot put in its place).
    """

    def __init__(  # noqa: PLR0917 - built by open_snapshot only
        self,
        path: Path,
        meta: SnapshotMeta,
        index: SnapshotIndex,
        chunks: list[zipfile.ZipInfo],
        attachments: dict[str, zipfile.ZipInfo],
        temp_root: Path | None,
        *,
        real: Path,
        identity: os.stat_result,
    ) -> None:
        self.path = path
        self.meta = meta
        self.index = index
        self._chunks = chunks
        self._attachments = attachments
        self._temp_root = temp_root
        self._real = real  # links resolved: a link changed later does not change the file
        self._identity = identity  # the file as opened: reading another is refused
        self._row_of = {order_id: row for row, order_id in enumerate(index.id)}
        self._extract_dir: Path | None = None
        self._copies: dict[tuple[str, str], Path] = {}  # (entry, name) → the copy made
        self._lock = threading.Lock()
        self._chunk_cache: _ByteBoundedCache[int, _Chunk] = _ByteBoundedCache(
            CHUNK_CACHE_BYTES, CHUNK_CACHE_ITEMS
        )
        self._record_cache: _ByteBoundedCache[int, SnapshotOrder] = _ByteBoundedCache(
            RECORD_CACHE_BYTES, RECORD_CACHE_ITEMS
        )
        #: Chunks found damaged, and why: asking again for one of their orders must not
        #: decompress up to 64 MB again to fail the same way.
        self._chunk_errors: dict[int, SnapshotError] = {}

    def __len__(self) -> int:
        return len(self.index)

    def row_of(self, order_id: str) -> int | None:
        return self._row_of.get(order_id)

    def row_ids(self) -> dict[str, int]:
        return self._row_of

    def _read_chunk(self, chunk: int) -> _Chunk:
        info = self._chunks[chunk]
        per_chunk = self.meta.orders_per_chunk
        expected = min(per_chunk, len(self.index) - chunk * per_chunk)
        self._chunk_cache.make_room(info.file_size)  # the cache and the new chunk: one budget
        with _archive(self.path, self._real, self._identity) as zf:
            data = _read_member(zf, info)
        # Count the lines before noting where each starts: 64 MB of newlines would otherwise
        # be an array of 64 million offsets.
        lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        if lines != expected:
            raise SnapshotError(
                f"The snapshot entry {info.filename!r} holds {counted(lines, 'order')} "
                f"instead of {expected:,}."
            )
        return data, _line_offsets(data)

    def _chunk_lines(self, chunk: int) -> _Chunk:
        found = self._chunk_cache.get(chunk)
        if found is None:
            known = self._chunk_errors.get(chunk)
            if known is not None:
                raise SnapshotError(str(known))
            try:
                found = self._read_chunk(chunk)
            except SnapshotError as exc:
                self._chunk_errors[chunk] = exc
                raise
            self._chunk_cache.put(chunk, found, len(found[0]))
        return found

    def record(self, row: int) -> SnapshotOrder:
        """The full record of the order at ``row``; a damaged one raises ``SnapshotError``."""
        with self._lock:
            cached = self._record_cache.get(row)
        if cached is not None:
            return cached
        record, cost = self._record(row)
        with self._lock:
            self._record_cache.put(row, record, cost)
        return record

    def _record(self, row: int) -> tuple[SnapshotOrder, int]:
        if not 0 <= row < len(self.index):
            raise SnapshotError(f"The snapshot has no order at row {row}.")
        chunk, line_no = divmod(row, self.meta.orders_per_chunk)
        with self._lock:  # one chunk decompressed at a time, and never twice
            data, offsets = self._chunk_lines(chunk)
        line = data[offsets[line_no] : offsets[line_no + 1]]
        order_id = self.index.id[row]
        if len(line) > MAX_ORDER_LINE_BYTES or _json_values(line) > MAX_ORDER_LINE_VALUES:
            raise SnapshotError(
                f"Order {order_id} in the snapshot is damaged: it is too large "
                f"({len(line):,} bytes) to be an order."
            )
        try:
            record = SnapshotOrder.model_validate_json(line)
        except ValidationError as exc:
            raise SnapshotError(
                f"Order {order_id} in the snapshot is damaged: {_first_error(exc)}."
            ) from exc
        # The list is read from the index, the pane from the order: a file whose index says
        # "Completed, Someone Else" for John Smith's rejected order would show both.
        if record.order.id != order_id or summarize(record.order) != self.index.summary(row):
            raise SnapshotError(
                f"The snapshot's index and its orders disagree at order {order_id}."
            )
        for attachment in record.attachments:
            info = self._attachments.get(attachment.member)
            if info is None:
                raise SnapshotError(
                    f"Order {order_id} names an attachment the snapshot does not hold "
                    f"({attachment.member!r})."
                )
            # The list shows the record's name and size, Open copies the entry: a file
            # listed as "Assessment report.pdf (8 bytes)" opened a 40 KB web page.
            if not _holds_as_listed(info, attachment):
                raise SnapshotError(
                    f"Order {order_id} in the snapshot is damaged: its file "
                    f"{attachment.file_name!r} ({attachment.size:,} bytes) is kept as "
                    f"{PurePosixPath(info.filename).name!r} ({info.file_size:,} bytes)."
                )
        # Kept as the window shows it: a comment of 300,000 lines, within every limit above,
        # was laid out whole each time its order was selected.
        return with_texts_cut(record), len(line)

    def records(self) -> Iterator[SnapshotOrder]:
        for row in range(len(self)):
            yield self._record(row)[0]

    def validate_all(self, progress: ProgressCallback | None = None) -> None:
        """Parse and check every order (the self-test, a comparison, the fuzz tests)."""
        total = len(self)
        for row in range(total):
            self._record(row)
            if progress is not None and row % 1000 == 0:
                progress(row, total)

    def extract_attachment(
        self, attachment: SnapshotAttachment, zf_path: Path | None = None
    ) -> Path:
        """A temporary copy of a record's attachment, in the app's temporary folder only,
        named as the list shows it (the record's ``file_name``, made plain); copied in
        pieces, never held whole in memory."""
        member = attachment.member
        info = self._attachments.get(member)
        if info is None:
            raise SnapshotError(f"The snapshot holds no attachment {member!r}.")
        name = _plain_name(attachment.file_name)
        # The system opens the copy by its name's type, whatever the list shows: a file
        # named "report.pdf.desktop" (or .exe, .lnk) would be run, not read.
        if PurePosixPath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
            raise SnapshotError(
                f"{name} is not a report file (PDF, DOC, DOCX, RTF, TXT, HTML, PNG or JPG): "
                "it is not opened."
            )
        key = (member, name)
        earlier = self._copies.get(key)
        if earlier is not None and earlier.is_file() and earlier.stat().st_size == info.file_size:
            return earlier  # opened before from this window: the same copy, still whole
        target = self._entry_folder() / name
        if zf_path is None:
            opened = _archive(self.path, self._real, self._identity)
        else:
            opened = _archive(zf_path, *check_snapshot_path(zf_path))
        try:
            with opened as zf:
                _copy_member(zf, info, target)
        except BaseException:
            target.unlink(missing_ok=True)
            with suppress(OSError):
                target.parent.rmdir()  # the entry's own folder, empty again
            raise
        target.chmod(stat.S_IRUSR)  # a copy to look at: changes would be lost anyway
        self._copies[key] = target
        return target

    def _entry_folder(self) -> Path:
        """A new folder for one entry's copy, in this window's folder of copies: two orders'
        "1_report.pdf" never meet (the second was taken for the first, another candidate's
        report). The window's folder is made again when another window removed it as a day
        old (the window stayed open overnight): ``mkdtemp`` raised FileNotFoundError."""
        try:
            try:
                return Path(tempfile.mkdtemp(prefix="entry-", dir=self._copies_folder()))
            except FileNotFoundError:  # removed between the look and the copy: made again
                self._extract_dir = None
                return Path(tempfile.mkdtemp(prefix="entry-", dir=self._copies_folder()))
        except OSError as exc:
            raise SnapshotError(
                f"The report cannot be copied to the temporary folder ({_reason(exc)})."
            ) from exc

    def _copies_folder(self) -> Path:
        """This window's folder of copies, made when first needed or when it is gone."""
        if self._extract_dir is not None and self._extract_dir.is_dir():
            return self._extract_dir
        root = self._temp_root if self._temp_root is not None else app_temp_root()
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        _remove_old_copies(root)
        self._extract_dir = Path(tempfile.mkdtemp(prefix=EXTRACTED_PREFIX, dir=root))
        return self._extract_dir


#: The folders of copies a snapshot window opened (in ``app_temp_root``); those older than
#: ``OLD_COPIES_SECONDS`` are removed: a viewer may still hold today's, nobody last week's.
EXTRACTED_PREFIX = "snapshot-"
OLD_COPIES_SECONDS = 24 * 3600


def _remove_old_copies(root: Path, now: float | None = None) -> None:
    """Remove the copies of candidates' reports left by earlier snapshot windows, a day on."""
    now = time.time() if now is None else now
    try:
        folders = [p for p in root.iterdir() if p.name.startswith(EXTRACTED_PREFIX)]
    except OSError:
        return
    for folder in folders:
        try:
            if folder.is_symlink() or not folder.is_dir():
                continue
            if now - folder.stat().st_mtime < OLD_COPIES_SECONDS:
                continue
            shutil.rmtree(folder, onerror=_writable_then_again)
        except OSError as exc:  # in use, or no longer there: tried again next time
            log.info("Old snapshot copies in %s left: %s", folder, type(exc).__name__)


def _writable_then_again(
    function: Callable[[str], object], path: str, info: tuple[type, BaseException, object]
) -> None:
    """A read-only copy (Windows will not delete one) made writable, then removed; any other
    failure is left as it was (the folder is tried again next time)."""
    if function not in (os.remove, os.unlink):
        raise info[1]
    os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
    function(path)


def _copy_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """``info``'s bytes into a new file ``target`` (0600), exactly its declared size."""
    copied = 0
    try:
        fd = os.open(
            target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
        )
        with os.fdopen(fd, "wb") as out, zf.open(info) as handle:
            while piece := handle.read(_READ_PIECE):
                copied += len(piece)
                if copied > info.file_size:
                    break
                out.write(piece)
    except _ZIP_READ_ERRORS as exc:
        raise _damaged(info, exc) from exc
    if copied != info.file_size:
        raise _damaged(info)


def _duplicate(ids: list[str]) -> str:
    seen: set[str] = set()
    for order_id in ids:
        if order_id in seen:
            return order_id
        seen.add(order_id)
    return ""


def _line_offsets(data: bytes | bytearray) -> array[int]:
    offsets = array("Q", [0])
    find = data.find
    position = find(b"\n")
    while position != -1:
        offsets.append(position + 1)
        position = find(b"\n", position + 1)
    if offsets[-1] != len(data):
        offsets.append(len(data))  # a last line without its newline
    return offsets


def open_snapshot(path: Path | str, *, temp_root: Path | None = None) -> Snapshot:
    """Open and check ``path``; the orders are validated lazily (see ``Snapshot.record``)."""
    path = Path(path)
    real, identity = check_snapshot_path(path)
    with _archive(path, real, identity) as zf:
        try:
            infos = zf.infolist()
        except (ValueError, RuntimeError) as exc:
            raise SnapshotError(
                f"The snapshot {_named(path)} is damaged ({_reason(exc)})."
            ) from exc
        meta = _read_meta(zf, infos, _named(path))  # the format and version first
        members = _check_entries(infos)
        if INDEX_MEMBER not in members:
            raise SnapshotError(f"The snapshot is incomplete: it has no {INDEX_MEMBER}.")
        index_data = _read_member(zf, members[INDEX_MEMBER])
    index = _parse_index(index_data, meta.order_count)
    del index_data
    if len(index) != meta.order_count:
        raise SnapshotError(
            f"The snapshot says it holds {meta.order_count} orders but lists {len(index)}."
        )
    if len(set(index.id)) != len(index):
        raise SnapshotError(f"The snapshot holds the order {_duplicate(index.id)} more than once.")
    chunk_count = -(-len(index) // meta.orders_per_chunk)
    chunk_names = {n for n in members if n.startswith(ORDERS_FOLDER)}
    expected = [orders_member(i) for i in range(chunk_count)]
    if chunk_names != set(expected):
        missing = sorted(set(expected) - chunk_names)
        raise SnapshotError(
            f"The snapshot is incomplete: it lacks {missing[0]}."
            if missing
            else "The snapshot holds order records its index does not list."
        )
    _intern_columns(index)
    attachments = {n: i for n, i in members.items() if n.startswith(ATTACHMENTS_FOLDER)}
    return Snapshot(
        path,
        meta,
        index,
        [members[name] for name in expected],
        attachments,
        temp_root,
        real=real,
        identity=identity,
    )


def _intern_columns(index: SnapshotIndex) -> None:
    """One string object per distinct candidate, whose every order repeats them: megabytes at
    100,000 orders. The parser's string cache already shares the few jobs, companies and
    requestors; it has too few slots for tens of thousands of candidates."""
    for name in ("candidate_id", "candidate", "email"):
        column: list[str] = getattr(index, name)
        shared: dict[str, str] = {}
        column[:] = [shared.setdefault(value, value) for value in column]


def load_snapshot(path: Path | str, *, temp_root: Path | None = None) -> Snapshot:
    """Open ``path`` and validate every order now (small files, checks, comparisons)."""
    snapshot = open_snapshot(path, temp_root=temp_root)
    snapshot.validate_all()
    return snapshot
