"""Snapshot files handed to us by anyone: only regular files are read, and no file — a device,
a FIFO, a zip bomb, a huge but compressible archive — can take more than ``MEMORY_BUDGET``.

The memory of each hostile file is measured in a fresh process, as the peak of its resident
memory (``VmHWM``; it counts what pydantic's Rust parser allocates, which ``tracemalloc`` cannot
see, and unlike ``ru_maxrss`` it is not inherited from the parent across ``exec``).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.domain.snapshot import (
    INDEX_MEMBER,
    META_MEMBER,
    OrderSummary,
    SnapshotAttachment,
    orders_member,
)
from app.store import snapshot_file
from app.store.snapshot_file import (
    CHUNK_CACHE_BYTES,
    MAX_CENTRAL_DIRECTORY_BYTES,
    MAX_INDEX_BYTES,
    MAX_ORDER_LINE_BYTES,
    MAX_ORDERS,
    MEMORY_BUDGET,
    SnapshotError,
    load_snapshot,
    open_snapshot,
    write_snapshot,
)
from tests.fifo_guard import call_near_fifo
from tests.snapshot_samples import meta, record, records, write_sample

ROOT = Path(__file__).resolve().parents[2]
posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def rezip(path: Path, contents: dict[str, bytes], level: int = 6) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in contents.items():
            zf.writestr(name, data)
    return path


def meta_json(order_count: int, **changes: Any) -> bytes:
    data = json.loads(meta(order_count).model_dump_json())
    data.update(changes)
    return json.dumps(data).encode()


# -- only regular files ------------------------------------------------------------------------


def run_capped(script: str, *args: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh process whose address space is capped at 3 GB: a reader that
    regresses into reading /dev/zero fails there (MemoryError) instead of taking the machine."""
    capped = "import resource\nresource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))\n"
    return subprocess.run(
        [sys.executable, "-c", capped + textwrap.dedent(script), *args],
        cwd=ROOT,
        env={**os.environ, "ASSESSMENT_DESK_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard only: the refusal takes a fraction of a second
        check=False,
    )


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    # Before: zipfile read /dev/zero to its end (it has none) until the memory ran out.
    link = tmp_path / "looks fine.adsnap"
    link.symlink_to("/dev/zero")
    script = """
        import sys
        from pathlib import Path
        from app.store.snapshot_file import SnapshotError, open_snapshot
        for name in sys.argv[1:]:
            try:
                open_snapshot(Path(name), temp_root=Path(sys.argv[-1]).parent / "tmp")
            except SnapshotError as exc:
                print(exc)
        """
    done = run_capped(script, "/dev/zero", str(link), home=tmp_path / "home")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "zero is not a regular file: a snapshot is a file saved by Assessment Desk, not a "
        "folder, a device or a pipe.",
        "looks fine.adsnap is not a regular file: a snapshot is a file saved by Assessment "
        "Desk, not a folder, a device or a pipe.",
    ]


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    # Before: open() of a FIFO waited for a writer, for ever.
    fifo = tmp_path / "pipe.adsnap"
    os.mkfifo(fifo)
    with pytest.raises(SnapshotError, match=r"pipe\.adsnap is not a regular file"):
        call_near_fifo(fifo, lambda: open_snapshot(fifo, temp_root=tmp_path))
    link = tmp_path / "link.adsnap"
    link.symlink_to(fifo)
    with pytest.raises(SnapshotError, match="not a regular file"):
        call_near_fifo(fifo, lambda: open_snapshot(link, temp_root=tmp_path))


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="not a regular file"):
        open_snapshot(tmp_path, temp_root=tmp_path / "tmp")


def test_a_link_to_a_snapshot_opens(tmp_path: Path) -> None:
    target = write_sample(tmp_path / "real.adsnap")
    link = tmp_path / "link.adsnap"
    link.symlink_to(target)
    assert len(load_snapshot(link, temp_root=tmp_path / "tmp")) == 6


@posix_only
def test_a_fifo_swapped_in_after_opening_is_refused_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "s.adsnap"
    write_snapshot(path, meta(6, orders_per_chunk=2), records(6))
    snapshot = open_snapshot(path, temp_root=tmp_path / "tmp")
    assert snapshot.record(0).order.id == "order-005"
    path.unlink()
    os.mkfifo(path)
    # Row 4 sits in a chunk not read yet: the file is opened again for it.
    with pytest.raises(SnapshotError, match="can no longer be read"):
        call_near_fifo(path, lambda: snapshot.record(4))


def test_a_snapshot_rewritten_while_open_is_named(tmp_path: Path) -> None:
    path = tmp_path / "s.adsnap"
    write_snapshot(path, meta(6, orders_per_chunk=2), records(6))
    snapshot = open_snapshot(path, temp_root=tmp_path / "tmp")
    write_snapshot(path, meta(4, orders_per_chunk=2), records(4))  # atomic: a new file
    # Said with what to do, not as an errno and a path.
    with pytest.raises(SnapshotError, match=r"changed on disk since it was opened: open it again"):
        snapshot.record(5)


@posix_only
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_the_command_line_refuses_a_device_before_starting_the_window(tmp_path: Path) -> None:
    """``--snapshot /dev/zero`` ends with a sentence and status 2, in a process whose memory is
    capped: the old reader ran out of it instead (MemoryError at the cap)."""
    script = """
        import sys
        from app.__main__ import main
        sys.exit(main(["--snapshot", "/dev/zero"]))
        """
    done = run_capped(script, home=tmp_path / "home")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "zero is not a regular file" in done.stderr


# -- the format version ------------------------------------------------------------------------


@pytest.mark.parametrize("version", [True, 1.0, "1", None, [1]])
def test_only_the_integer_1_is_version_1(tmp_path: Path, version: object) -> None:
    contents = members(write_sample(tmp_path / "valid.adsnap", records(2)))
    data = json.loads(contents[META_MEMBER])
    data["version"] = version
    contents[META_MEMBER] = json.dumps(data).encode()
    path = rezip(tmp_path / "bad.adsnap", contents)
    with pytest.raises(SnapshotError, match="unknown format version"):
        load_snapshot(path, temp_root=tmp_path / "tmp")


def test_the_model_itself_refuses_a_boolean_or_float_version() -> None:
    from pydantic import ValidationError

    from app.domain.snapshot import SnapshotMeta

    good = json.loads(meta(0).model_dump_json())
    for version in (True, 1.0):
        with pytest.raises(ValidationError, match="integer 1"):
            SnapshotMeta.model_validate({**good, "version": version})
    assert SnapshotMeta.model_validate(good).version == 1


# -- zip bombs and declared sizes --------------------------------------------------------------


def test_an_entry_that_lies_about_its_size_is_read_no_further(tmp_path: Path) -> None:
    """A bomb declaring 200 bytes whose data inflates to 50 MB: exactly 200 bytes are read,
    and the CRC names it damaged."""
    contents = members(write_sample(tmp_path / "valid.adsnap", records(2)))
    contents["attachments/o/1_bomb.txt"] = b"\0" * 50_000_000
    path = rezip(tmp_path / "bomb.adsnap", contents, level=9)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("attachments/o/1_bomb.txt")
    # The uncompressed size sits at offset 22 of the local header and 24 of the central one.
    local = info.header_offset
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"attachments/o/1_bomb.txt") + 1)
    for where in (local + 22, central + 24):
        data[where : where + 4] = (200).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    snapshot = open_snapshot(path, temp_root=tmp_path / "tmp")
    with pytest.raises(SnapshotError, match="damaged or truncated"):
        snapshot.extract_attachment(
            SnapshotAttachment(file_name="1_bomb.txt", member="attachments/o/1_bomb.txt", size=200)
        )
    assert list((tmp_path / "tmp").rglob("1_bomb.txt")) == []  # the partial copy is removed


def test_a_huge_list_of_entries_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """A central directory over its cap is refused by size, before zipfile builds an object
    per entry (a 4 GB list would have been read whole)."""
    path = tmp_path / "entries.adsnap"
    name_length = 200
    count = MAX_CENTRAL_DIRECTORY_BYTES // (46 + name_length) + 10
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(count):
            zf.writestr(f"attachments/{i:0{name_length - 12}d}", b"")
    with pytest.raises(SnapshotError, match="lists more entries than a snapshot may hold"):
        open_snapshot(path, temp_root=tmp_path / "tmp")


@pytest.mark.parametrize("target", [orders_member(0), INDEX_MEMBER, META_MEMBER])
def test_deep_nesting_is_a_sentence_not_a_crash(tmp_path: Path, target: str) -> None:
    contents = members(write_sample(tmp_path / "valid.adsnap", records(1)))
    document = json.loads(contents[target])
    key = "notes" if target == orders_member(0) else "job" if target == INDEX_MEMBER else "filter"
    document[key] = "@@"
    deep = json.dumps(document).replace('"@@"', "[" * 100_000 + "]" * 100_000)
    contents[target] = deep.encode() + (b"\n" if target == orders_member(0) else b"")
    path = rezip(tmp_path / "deep.adsnap", contents)
    with pytest.raises(SnapshotError) as refused:
        load_snapshot(path, temp_root=tmp_path / "tmp")
    assert str(refused.value).endswith(".")


# -- memory --------------------------------------------------------------------------------------

COLUMNS = OrderSummary._fields
#: Reading the hostile file in a fresh process: peak resident memory added, in bytes.
MEASURE = textwrap.dedent(
    """
    import gc, json, sys
    from pathlib import Path
    from app.store.snapshot_file import SnapshotError, open_snapshot

    def peak():
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) * 1024

    gc.collect()
    before = peak()
    outcome = "opened"
    try:
        snapshot = open_snapshot(Path(sys.argv[1]), temp_root=Path(sys.argv[2]))
        step = 1 if len(snapshot) <= 1000 else 997  # every order of a small one
        rows = sorted({*range(0, len(snapshot), step), len(snapshot) - 1} - {-1})
        for row in rows:
            try:
                snapshot.record(row)
            except SnapshotError as exc:
                if outcome == "opened":  # the first refusal says what was wrong
                    outcome = "opened, order refused: " + str(exc)
    except SnapshotError as exc:
        outcome = "refused: " + str(exc)
    after = peak()
    print(json.dumps({"added": after - before, "outcome": outcome}))  # noqa: T201
    """
)


def measure(path: Path, temp_root: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(temp_root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a hang guard only
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return int(result["added"]), str(result["outcome"])


def _noise(rng: random.Random, size: int, alphabet: bytes) -> bytes:
    """``size`` bytes drawn from ``alphabet``: compressible, but far from a zip bomb's ratio."""
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    return rng.randbytes(size).translate(table)


def index_flood(rng: random.Random) -> dict[str, bytes]:
    """40 MB of two-letter strings in one column of an index said to list 150,000 orders:
    8 million values (the old reader's pydantic parse took 1.2 GB)."""
    count = (MAX_INDEX_BYTES - 1000) // 5
    values = bytearray(b'"ab",' * count)
    values[1::5] = _noise(rng, count, b"abcdefgh")  # random letters: no zip bomb
    values[2::5] = _noise(rng, count, b"abcdefgh")
    columns = {name: b"[]" for name in COLUMNS}
    columns["job"] = b"[" + bytes(values[:-1]) + b"]"
    index = b"{" + b",".join(b'"%s":%s' % (n.encode(), c) for n, c in columns.items()) + b"}"
    assert len(index) <= MAX_INDEX_BYTES
    return {META_MEMBER: meta_json(MAX_ORDERS), INDEX_MEMBER: index}


def index_wide_strings(rng: random.Random) -> dict[str, bytes]:
    """The worst index that is valid — 150,000 orders, 40 MB of text in which every string
    but the times holds an emoji (so Python keeps it at 4 bytes a character) — with chunks as
    large as allowed, each read."""
    # The times: each its own, with its offset (the reader refuses any other).
    times = [
        f"2025-03-01T{row // 3600 % 24:02d}:{row // 60 % 60:02d}:{row % 60:02d}."
        f"{row % 1_000_000:06d}+00:00"
        for row in range(MAX_ORDERS)
    ]
    # Each other value: up to 6 digits, the emoji (4 bytes in UTF-8), the tail, quotes and a
    # comma.
    fixed = (len(b'"NEW",') + len(times[0]) + 3) * MAX_ORDERS
    room = MAX_INDEX_BYTES - fixed - 1000
    per_value = room // (MAX_ORDERS * (len(COLUMNS) - 2)) - (6 + 4 + 3)
    columns: dict[str, list[str]] = {}
    for name in COLUMNS:
        if name == "status":
            columns[name] = ["NEW"] * MAX_ORDERS
            continue
        if name == "created":
            columns[name] = times
            continue
        tails = _noise(rng, per_value * MAX_ORDERS, b"abcdefghijklmnop").decode()
        columns[name] = [
            f"{row}😀{tails[row * per_value : (row + 1) * per_value]}" for row in range(MAX_ORDERS)
        ]
    index = json.dumps(columns, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(index) <= MAX_INDEX_BYTES
    per_chunk = 100_000
    line = snapshot_file.MAX_CHUNK_BYTES // per_chunk - 1
    chunks = {}
    for chunk in range(-(-MAX_ORDERS // per_chunk)):
        lines = min(per_chunk, MAX_ORDERS - chunk * per_chunk)
        data = bytearray(_noise(rng, lines * (line + 1), b"abcdefghijklmnop"))
        data[line :: line + 1] = b"\n" * lines
        chunks[orders_member(chunk)] = bytes(data)
    return {
        META_MEMBER: meta_json(MAX_ORDERS, orders_per_chunk=per_chunk),
        INDEX_MEMBER: index,
        **chunks,
    }


def order_line_flood(rng: random.Random) -> dict[str, bytes]:
    """One 4 MB order line whose notes are two million digits, not text (the old reader built
    a pydantic error for each: 1.8 GB)."""
    line = json.loads(record(0).model_dump_json(by_alias=True))
    line["notes"] = "@@"
    text = json.dumps(line).encode()
    count = (MAX_ORDER_LINE_BYTES - len(text) - 8) // 2
    digits = bytearray(b"0," * count)
    digits[0::2] = _noise(rng, count, b"0123456789")
    flood = b"[" + bytes(digits[:-1]) + b"]"
    contents = members_of([record(0)])
    contents[orders_member(0)] = text.replace(b'"@@"', flood) + b"\n"
    return contents


def chunk_of_short_lines(rng: random.Random) -> dict[str, bytes]:
    """A 64 MB chunk of 16 million short lines for an index of 150,000 orders (the old reader
    noted where each line starts before counting them, and re-read the chunk for each order)."""
    contents = index_of(MAX_ORDERS, per_chunk=100_000)
    noise = _noise(rng, snapshot_file.MAX_CHUNK_BYTES - 1024, b"abc\n")
    contents[orders_member(0)] = noise
    contents[orders_member(1)] = b"{}\n" * 50_000
    return contents


def many_large_orders(rng: random.Random) -> dict[str, bytes]:
    """40 chunks of one valid 3.5 MB order each, every one read: the caches stay in budget
    (the old ones kept 8 chunks and 256 orders, whatever their size)."""
    items = []
    for i in range(40):
        item = record(i)
        item.notes.append(_noise(rng, 3_500_000, b"abcdefghijklmnopqrstuvwxyz ").decode())
        items.append(item)
    path_contents = members_of(items, per_chunk=1)
    assert sum(len(v) for k, v in path_contents.items() if k.startswith("orders/")) > (
        2 * CHUNK_CACHE_BYTES
    )
    return path_contents


def members_of(items: list[Any], per_chunk: int = 1000) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.adsnap"
        write_snapshot(path, meta(len(items), orders_per_chunk=per_chunk), items)
        return members(path)


def index_of(count: int, per_chunk: int) -> dict[str, bytes]:
    columns: dict[str, list[str]] = {name: [""] * count for name in COLUMNS}
    columns["id"] = [f"o{i}" for i in range(count)]
    columns["status"] = ["NEW"] * count
    return {
        META_MEMBER: meta_json(count, orders_per_chunk=per_chunk),
        INDEX_MEMBER: json.dumps(columns).encode(),
    }


HOSTILE: dict[str, tuple[Callable[[random.Random], dict[str, bytes]], str]] = {
    "index flood": (index_flood, "refused: The snapshot's index is invalid: it holds more"),
    "index of wide strings, large chunks": (index_wide_strings, "opened, order refused"),
    "order line flood": (
        order_line_flood,
        "opened, order refused: Order order-000 in the snapshot is damaged: it is too large",
    ),
    "chunk of short lines": (
        chunk_of_short_lines,
        "opened, order refused: The snapshot entry 'orders/00000.jsonl' holds",
    ),
    "many large orders": (many_large_orders, "opened"),
}


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="measured with Linux's VmHWM")
@pytest.mark.parametrize("case", list(HOSTILE))
def test_no_file_takes_more_than_the_memory_budget(tmp_path: Path, case: str) -> None:
    build, expected = HOSTILE[case]
    contents = build(random.Random(12))
    path = rezip(tmp_path / "hostile.adsnap", contents, level=1)
    with zipfile.ZipFile(path) as zf:  # a compressible file, but no zip bomb by ratio
        for info in zf.infolist():
            if info.file_size > snapshot_file.RATIO_FLOOR:
                assert info.file_size <= snapshot_file.MAX_RATIO * info.compress_size
    added, outcome = measure(path, tmp_path / "tmp")
    assert outcome.startswith(expected), outcome
    assert added <= MEMORY_BUDGET, f"{case}: {added / 2**20:.0f} MB added"
