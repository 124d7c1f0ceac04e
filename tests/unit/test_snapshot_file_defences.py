"""Mutation-audit pins for app/store/snapshot_file.py's defences against a hostile snapshot."""

from __future__ import annotations

import errno
import os
import sys
import unicodedata
import warnings
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "m"))

from app.domain.snapshot import META_MEMBER
from app.store import snapshot_file
from app.store.snapshot_file import SnapshotError, load_snapshot, open_snapshot
from tests.snapshot_samples import records, write_sample


def _valid(tmp_path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(write_sample(tmp_path / "valid.adsnap", records(3))) as zf:
        return [(info, zf.read(info)) for info in zf.infolist()]


def _rezip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


def _with(tmp_path: Path, *extra: tuple[str | zipfile.ZipInfo, bytes]) -> Path:
    entries = [(info.filename, data) for info, data in _valid(tmp_path)]
    return _rezip(tmp_path / "bad.adsnap", [*entries, *extra])


def _refused(path: Path, words: str, tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match=words):
        load_snapshot(path, temp_root=tmp_path / "tmp")


def test_the_valid_sample_opens(tmp_path: Path) -> None:
    load_snapshot(_with(tmp_path), temp_root=tmp_path / "tmp")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("attachments/./order-001/1_report.pdf", "climbs out"),  # :543 "." dropped
        ("attachments/order-001/..\\..\\evil.pdf", "backslash path"),  # :541 dropped
        ("\\evil.pdf", "absolute path"),  # :539 "\\" dropped
    ],
)
def test_hostile_entry_names_are_refused(tmp_path: Path, name: str, words: str) -> None:
    _refused(_with(tmp_path, (name, b"%PDF-")), words, tmp_path)


def test_an_encrypted_entry_is_refused_on_opening(tmp_path: Path) -> None:
    """:561 dropped: the file opened, and only Open on the report said "damaged"."""
    name = b"attachments/order-001/1_report.pdf"
    path = _with(tmp_path, (name.decode(), b"%PDF-"))
    raw = bytearray(path.read_bytes())
    for signature, flags_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = raw.find(signature)
        while raw[at + name_at : at + name_at + len(name)] != name:
            at = raw.find(signature, at + 1)
        raw[at + flags_at] |= 0x1  # zipfile's writer clears flag_bits: set on disk
    path.write_bytes(bytes(raw))
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo(name.decode()).flag_bits & 0x1
    _refused(path, "is encrypted", tmp_path)


def test_an_entry_in_another_compression_is_refused(tmp_path: Path) -> None:
    """:563 widened: LZMA/BZIP2 entries (decompressor memory and time not bounded here)."""
    info = zipfile.ZipInfo("attachments/order-001/1_report.pdf")
    info.compress_type = zipfile.ZIP_LZMA
    _refused(_with(tmp_path, (info, b"%PDF-")), "unsupported compression", tmp_path)


def test_an_entry_one_byte_over_its_limit_is_refused(tmp_path: Path) -> None:
    """:566 ``>`` -> ``> limit + 1``. snapshot.json stored (no ratio), exactly at the limit
    read; one byte more refused by its size."""
    entries = [(info.filename, data) for info, data in _valid(tmp_path)]
    meta = next(data for name, data in entries if name == META_MEMBER)
    rest = [(n, d) for n, d in entries if n != META_MEMBER]
    for extra, ok in ((0, True), (1, False)):
        info = zipfile.ZipInfo(META_MEMBER)
        info.compress_type = zipfile.ZIP_STORED
        padded = meta + b" " * (snapshot_file.MAX_META_BYTES - len(meta) + extra)
        path = _rezip(tmp_path / f"meta{extra}.adsnap", [(info, padded), *rest])
        if ok:
            load_snapshot(path, temp_root=tmp_path / "tmp")
        else:
            _refused(path, "more than the", tmp_path)


def test_one_entry_over_the_count_is_refused(tmp_path: Path) -> None:
    """:593 ``>`` -> ``> MAX_ENTRIES + 1``."""
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        (info.filename, data) for info, data in _valid(tmp_path)
    ]
    fill = snapshot_file.MAX_ENTRIES + 1 - len(entries)
    entries += [(f"attachments/x/{n}.pdf", b"") for n in range(fill)]
    path = _rezip(tmp_path / "many.adsnap", entries)
    with pytest.raises(SnapshotError, match="too many entries"):
        open_snapshot(path, temp_root=tmp_path / "tmp")


def test_an_entry_held_twice_is_refused(tmp_path: Path) -> None:
    """:602 dropped: two entries of one name, the last silently taken (another reader may
    show the first: one file, two contents)."""
    name = "attachments/order-001/1_report.pdf"
    _refused(_with(tmp_path, (name, b"%PDF-a"), (name, b"%PDF-b")), "twice", tmp_path)


def test_a_file_one_byte_over_the_archive_limit_is_not_opened(tmp_path: Path) -> None:
    """:507 ``>`` -> ``> MAX_ARCHIVE_BYTES + 1`` (a sparse file: no disk used)."""
    path = tmp_path / "huge.adsnap"
    with path.open("wb") as handle:
        handle.truncate(snapshot_file.MAX_ARCHIVE_BYTES + 1)
    _refused(path, "too large to open", tmp_path)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (errno.ENOENT, "is no longer there: it was moved, renamed or deleted."),
        (errno.EACCES, "cannot be opened: you do not have permission to read it."),
        (errno.EBUSY, f"cannot be opened: the system said “{os.strerror(errno.EBUSY)}”."),
    ],
)
def test_a_file_the_system_will_not_open_is_said_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, words: str
) -> None:
    """As a save says its failures (``write_failure``): before, "… cannot be opened ([Errno 2]
    No such file or directory: '/home/…/q3.adsnap')", a number and the whole path again."""
    path = tmp_path / "q3.adsnap"

    def refused(_path: Path) -> object:
        raise OSError(number, os.strerror(number), str(path))

    monkeypatch.setattr(snapshot_file, "regular_file", refused)
    with pytest.raises(SnapshotError) as raised:
        open_snapshot(path)
    assert str(raised.value) == f"The snapshot q3.adsnap {words}"
    # File › Recent snapshots takes such a one off its list (it was moved or deleted).
    gone = type(raised.value).__name__ == "SnapshotGoneError"
    assert gone == (number == errno.ENOENT)


def test_a_snapshot_that_went_while_its_window_was_open_says_so_in_words(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "q3.adsnap", records(3))
    snapshot = open_snapshot(path)
    path.unlink()
    with pytest.raises(SnapshotError) as raised:
        snapshot.record(0)
    assert str(raised.value) == (
        "The snapshot file q3.adsnap can no longer be read: it was moved, renamed or deleted."
    )


def _marks(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if unicodedata.category(c) == "Cf"]


@pytest.mark.parametrize("content", [None, b"not a zip"], ids=["gone", "damaged"])
def test_a_snapshots_name_in_a_sentence_holds_no_direction_marks(
    tmp_path: Path, content: bytes | None
) -> None:
    """A snapshot is a file from anyone: one named "Q3 \u202eweiv.adsnap" turned "… is no
    longer there: it was moved, renamed or deleted." round in the error dialog, as a folder's
    name did before (``shown_in_sentence``)."""
    path = tmp_path / "Q3 \u202eweiv.adsnap"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SnapshotError) as refused:
        open_snapshot(path, temp_root=tmp_path / "tmp")
    said = str(refused.value)
    assert "Q3 weiv.adsnap " in said, said
    assert _marks(said) == [], said
