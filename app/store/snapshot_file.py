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
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
import threading
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from app.domain.snapshot import (
    ATTACHMENTS_FOLDER,
    FORMAT_NAME,
    FORMAT_VERSION,
    INDEX_MEMBER,
    META_MEMBER,
    ORDERS_FOLDER,
    OrderSummary,
    SnapshotIndex,
    SnapshotMeta,
    SnapshotOrder,
    orders_member,
    summarize,
    utc_text,
)

#: Limits that keep a hostile archive from filling the memory or the disk.
MAX_ARCHIVE_BYTES = 4 * 1024**3
MAX_META_BYTES = 1024 * 1024
MAX_INDEX_BYTES = 512 * 1024**2
MAX_CHUNK_BYTES = 256 * 1024**2
MAX_ATTACHMENT_BYTES = 100 * 1024**2
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_ENTRIES = 200_000
#: JSON of orders compresses ~20:1; a ratio far beyond that is a zip bomb, not data.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small members may compress as well as they like

_KNOWN_MEMBERS = {META_MEMBER, INDEX_MEMBER}
_CHUNK_NAME = re.compile(r"^orders/\d{5}\.jsonl$")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")

ProgressCallback = Callable[[int, int], None]


class SnapshotError(Exception):
    """A snapshot cannot be read or written; the message says why, in a sentence."""


# -- writing -------------------------------------------------------------------------------------


def attachment_member(order_id: str, number: int, file_name: str) -> str:
    """Where an attachment goes in the archive: plain characters only, never a path."""
    folder = _UNSAFE_NAME_CHARS.sub("_", order_id)[:80] or "order"
    name = _UNSAFE_NAME_CHARS.sub("_", PurePosixPath(file_name.replace("\\", "/")).name)
    name = name.lstrip(".")[:120] or "file"
    return f"{ATTACHMENTS_FOLDER}{folder}/{number}_{name}"


def write_snapshot(
    path: Path,
    meta: SnapshotMeta,
    records: Iterable[SnapshotOrder],
    files: Mapping[str, Path] | None = None,
    *,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> None:
    """Write ``records`` (and ``files``: archive member → file on disk) to ``path`` atomically.

    The orders are written newest first, the order the table shows them in unless asked
    otherwise, so that a reader of 100,000 orders shows them without reordering every search
    result (measured: bench/snapshot_scale.py). ``meta.order_count`` must match the records.
    ``cancelled`` is polled between orders; a cancelled or failed write leaves ``path`` as it
    was.
    """
    records = sorted(records, key=lambda r: utc_text(r.order.create_date), reverse=True)
    if meta.order_count != len(records):
        raise ValueError("meta.order_count does not match the records")
    files = dict(files or {})
    path = Path(path)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, renamed or removed
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temp = Path(handle.name)
    try:
        with handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr(META_MEMBER, meta.model_dump_json(indent=2))
            summaries: list[OrderSummary] = []
            total = len(records) + len(files)
            per_chunk = meta.orders_per_chunk
            for chunk, start in enumerate(range(0, len(records), per_chunk)):
                if cancelled is not None and cancelled():
                    raise SnapshotCancelledError("The snapshot was not saved (cancelled).")
                part = records[start : start + per_chunk]
                lines = [record.model_dump_json(by_alias=True).encode() for record in part]
                zf.writestr(orders_member(chunk), b"\n".join(lines) + b"\n")
                summaries.extend(summarize(record.order) for record in part)
                if progress is not None:
                    progress(start + len(part), total)
            zf.writestr(INDEX_MEMBER, SnapshotIndex.of(summaries).model_dump_json())
            for done, (member, source) in enumerate(sorted(files.items()), len(records) + 1):
                if cancelled is not None and cancelled():
                    raise SnapshotCancelledError("The snapshot was not saved (cancelled).")
                zf.write(source, member)
                if progress is not None:
                    progress(done, total)
            zf.fp.flush()  # type: ignore[union-attr]
            os.fsync(handle.fileno())
        temp.chmod(_file_mode(path))
        os.replace(temp, path)
        _fsync_folder(path.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total, total)


class SnapshotCancelledError(SnapshotError):
    """The user cancelled the save; nothing was written."""


def _file_mode(path: Path) -> int:
    """The mode the file had, or what a new file gets (the temporary file is 0600)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- reading -------------------------------------------------------------------------------------


def app_temp_root() -> Path:
    """The app's own temporary folder: the only place a snapshot's files are ever extracted."""
    root = (
        Path(tempfile.gettempdir())
        / f"assessment-desk-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    )
    root.mkdir(mode=0o700, exist_ok=True)
    return root


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


def _check_entries(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    if len(infos) > MAX_ENTRIES:
        raise SnapshotError(f"The snapshot holds too many entries ({len(infos)}).")
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
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise SnapshotError(
                f"The snapshot entry {name!r} would expand {ratio:,} times: it looks like a zip "
                "bomb, not a snapshot."
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise SnapshotError("The snapshot declares more data in total than is allowed.")
        by_name[name] = info
    return by_name


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, never more than it declared (and its CRC checked by zipfile)."""
    try:
        with zf.open(info) as handle:
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:  # fmt: skip
        raise SnapshotError(
            f"The snapshot entry {info.filename!r} is damaged or truncated ({_reason(exc)})."
        ) from exc
    if len(data) != info.file_size:
        raise SnapshotError(f"The snapshot entry {info.filename!r} is damaged or truncated.")
    return data


def _reason(exc: BaseException) -> str:
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


def _load_json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise SnapshotError(f"The snapshot's {what} is not valid JSON.") from exc


def _check_meta(raw: Any) -> SnapshotMeta:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise SnapshotError("This file is not an Assessment Desk snapshot (wrong format name).")
    version = raw.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise SnapshotError(
            f"This snapshot was written by a newer Assessment Desk (format version {version}); "
            f"this one reads version {FORMAT_VERSION}."
        )
    if version != FORMAT_VERSION:
        raise SnapshotError(f"This snapshot has an unknown format version ({version!r}).")
    try:
        return SnapshotMeta.model_validate(raw)
    except ValidationError as exc:
        raise SnapshotError(f"The snapshot's description is invalid: {_first_error(exc)}.") from exc


class Snapshot:
    """An opened snapshot: its metadata, the index of its orders, each order on demand.

    Orders sit in chunks of ``meta.orders_per_chunk`` lines; a chunk is decompressed when one
    of its orders is asked for (a few are cached), so memory holds the index, not the orders.
    """

    def __init__(  # noqa: PLR0917 - built by open_snapshot only
        self,
        path: Path,
        meta: SnapshotMeta,
        index: SnapshotIndex,
        chunks: list[zipfile.ZipInfo],
        attachments: dict[str, zipfile.ZipInfo],
        temp_root: Path,
    ) -> None:
        self.path = path
        self.meta = meta
        self.index = index
        self._chunks = chunks
        self._attachments = attachments
        self._temp_root = temp_root
        self._row_of = {order_id: row for row, order_id in enumerate(index.id)}
        self._extract_dir: Path | None = None
        self._lock = threading.Lock()
        self._chunk_lines = lru_cache(maxsize=8)(self._read_chunk)
        self.record = lru_cache(maxsize=256)(self._record)

    def __len__(self) -> int:
        return len(self.index)

    def row_of(self, order_id: str) -> int | None:
        return self._row_of.get(order_id)

    def row_ids(self) -> dict[str, int]:
        return self._row_of

    def _read_chunk(self, chunk: int) -> tuple[bytes, array[int]]:
        info = self._chunks[chunk]
        per_chunk = self.meta.orders_per_chunk
        expected = min(per_chunk, len(self.index) - chunk * per_chunk)
        try:
            with zipfile.ZipFile(self.path) as zf:
                data = _read_member(zf, info)
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            raise SnapshotError(
                f"The snapshot file can no longer be read ({_reason(exc)})."
            ) from exc
        offsets = _line_offsets(data)
        if len(offsets) - 1 != expected:
            raise SnapshotError(
                f"The snapshot entry {info.filename!r} holds {len(offsets) - 1} orders "
                f"instead of {expected}."
            )
        return data, offsets

    def _record(self, row: int) -> SnapshotOrder:
        """The full record of the order at ``row``; a damaged one raises ``SnapshotError``."""
        if not 0 <= row < len(self.index):
            raise SnapshotError(f"The snapshot has no order at row {row}.")
        chunk, line_no = divmod(row, self.meta.orders_per_chunk)
        with self._lock:  # lru_cache may otherwise decompress the same chunk twice
            data, offsets = self._chunk_lines(chunk)
        line = data[offsets[line_no] : offsets[line_no + 1]]
        order_id = self.index.id[row]
        try:
            record = SnapshotOrder.model_validate_json(line)
        except ValidationError as exc:
            raise SnapshotError(
                f"Order {order_id} in the snapshot is damaged: {_first_error(exc)}."
            ) from exc
        if record.order.id != order_id:
            raise SnapshotError(
                f"The snapshot's index and its orders disagree at order {order_id}."
            )
        for attachment in record.attachments:
            if attachment.member not in self._attachments:
                raise SnapshotError(
                    f"Order {order_id} names an attachment the snapshot does not hold "
                    f"({attachment.member!r})."
                )
        return record

    def records(self) -> Iterator[SnapshotOrder]:
        for row in range(len(self)):
            yield self._record(row)

    def validate_all(self, progress: ProgressCallback | None = None) -> None:
        """Parse and check every order (the self-test, a comparison, the fuzz tests)."""
        total = len(self)
        for row in range(total):
            self._record(row)
            if progress is not None and row % 1000 == 0:
                progress(row, total)

    def extract_attachment(self, member: str, zf_path: Path | None = None) -> Path:
        """A temporary copy of an attachment, in the app's temporary folder only."""
        info = self._attachments.get(member)
        if info is None:
            raise SnapshotError(f"The snapshot holds no attachment {member!r}.")
        if self._extract_dir is None:
            self._temp_root.mkdir(parents=True, exist_ok=True)
            self._extract_dir = Path(tempfile.mkdtemp(prefix="snapshot-", dir=self._temp_root))
        name = _UNSAFE_NAME_CHARS.sub("_", PurePosixPath(member).name).lstrip(".") or "file"
        target = self._extract_dir / name
        try:
            with zipfile.ZipFile(zf_path or self.path) as zf:
                data = _read_member(zf, info)
        except (OSError, zipfile.BadZipFile) as exc:
            raise SnapshotError(
                f"The snapshot file can no longer be read ({_reason(exc)})."
            ) from exc
        target.write_bytes(data)
        target.chmod(stat.S_IRUSR)  # a copy to look at: changes would be lost anyway
        return target


def _duplicate(ids: list[str]) -> str:
    seen: set[str] = set()
    for order_id in ids:
        if order_id in seen:
            return order_id
        seen.add(order_id)
    return ""


def _line_offsets(data: bytes) -> array[int]:
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
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SnapshotError(f"The snapshot {path.name} cannot be opened ({_reason(exc)}).") from exc
    if size > MAX_ARCHIVE_BYTES:
        raise SnapshotError(f"The snapshot {path.name} is too large to open ({size:,} bytes).")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise SnapshotError(
            f"{path.name} is not a snapshot, or it is truncated (not a readable zip archive)."
        ) from exc
    except (OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise SnapshotError(f"The snapshot {path.name} cannot be read ({_reason(exc)}).") from exc
    with zf:
        try:
            infos = zf.infolist()
        except (ValueError, RuntimeError) as exc:
            raise SnapshotError(f"The snapshot {path.name} is damaged ({_reason(exc)}).") from exc
        members = _check_entries(infos)
        for required in (META_MEMBER, INDEX_MEMBER):
            if required not in members:
                if required == META_MEMBER:
                    raise SnapshotError(
                        f"{path.name} is not an Assessment Desk snapshot (no {META_MEMBER})."
                    )
                raise SnapshotError(f"The snapshot is incomplete: it has no {required}.")
        meta = _check_meta(_load_json(_read_member(zf, members[META_MEMBER]), META_MEMBER))
        index_data = _read_member(zf, members[INDEX_MEMBER])
    try:
        index = SnapshotIndex.model_validate_json(index_data)
    except ValidationError as exc:
        raise SnapshotError(f"The snapshot's index is invalid: {_first_error(exc)}.") from exc
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
        temp_root or app_temp_root(),
    )


def _intern_columns(index: SnapshotIndex) -> None:
    """One string object per distinct job, company, requestor — and candidate, whose every
    order repeats them: megabytes at 100,000 orders."""
    for name in ("job", "company", "requestor", "candidate_id", "candidate", "email"):
        column: list[str] = getattr(index, name)
        shared: dict[str, str] = {}
        column[:] = [shared.setdefault(value, value) for value in column]


def load_snapshot(path: Path | str, *, temp_root: Path | None = None) -> Snapshot:
    """Open ``path`` and validate every order now (small files, checks, comparisons)."""
    snapshot = open_snapshot(path, temp_root=temp_root)
    snapshot.validate_all()
    return snapshot
