"""Where a snapshot goes: refused at once, in words (which folder, why), the system's words
kept as a detail; never an errno or a temporary file's name."""

from __future__ import annotations

import errno
import os
import shutil
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store.snapshot_destination import SnapshotWriteError, check_destination, write_failure
from app.store.snapshot_file import write_snapshot
from tests.locked_folder import locked_folder
from tests.snapshot_samples import meta, records


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    with locked_folder(tmp_path) as folder:
        yield folder


def test_no_permission_names_the_folder_and_keeps_the_system_words(unwritable: Path) -> None:
    with pytest.raises(SnapshotWriteError) as info:
        check_destination(unwritable / "orders.adsnap")
    text = str(info.value)
    assert text == (
        f"The snapshot cannot be saved in the folder {unwritable}: you do not have permission "
        "to write there. Choose another folder."
    )
    assert info.value.detail == "Permission denied"
    assert list(unwritable.glob(".orders.adsnap.*")) == []  # the probe is gone too


def test_a_missing_folder_and_a_file_as_folder(tmp_path: Path) -> None:
    with pytest.raises(SnapshotWriteError, match="the folder does not exist"):
        check_destination(tmp_path / "gone" / "orders.adsnap")
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    with pytest.raises(SnapshotWriteError, match="it is not a folder"):
        check_destination(plain / "orders.adsnap")
    (tmp_path / "taken.adsnap").mkdir()
    with pytest.raises(SnapshotWriteError, match="a folder of that name is there"):
        check_destination(tmp_path / "taken.adsnap")
    check_destination(tmp_path / "fine.adsnap")  # nothing to say, and nothing left there
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.txt", "taken.adsnap"]


def test_not_enough_room_is_said_before_writing(tmp_path: Path) -> None:
    free = shutil.disk_usage(tmp_path).free
    with pytest.raises(SnapshotWriteError, match="the disk is nearly full") as info:
        check_destination(tmp_path / "big.adsnap", needed=free + 10 * 1024**3)
    assert "free, about" in str(info.value)
    assert info.value.detail == os.strerror(errno.ENOSPC)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (errno.EACCES, "you do not have permission to write there"),
        (errno.ENOSPC, "the disk is full"),
        (errno.ENOENT, "the folder does not exist (any more)"),
        (errno.EROFS, "the disk is read-only"),
    ],
)
def test_a_write_failure_reads_as_a_sentence(number: int, why: str) -> None:
    temp = "/data/team/.orders.adsnap.k2j3h4.tmp"
    failure = write_failure(Path("/data/team/orders.adsnap"), OSError(number, "Words", temp))
    assert str(failure) == f"The snapshot cannot be saved in the folder /data/team: {why}. " + (
        "Choose another folder."
    )
    assert failure.detail == "Words"
    assert "Errno" not in str(failure)
    assert ".tmp" not in str(failure) + failure.detail


def test_a_write_failure_names_the_file_and_folder_without_direction_marks() -> None:
    """A right-to-left override in a folder's name (a shared drive's, anyone's) turned the
    rest of the sentence round: "… a folder of that name is there" read backwards."""
    path = Path("/data/\u202eQ3 sredro/orders\u200b.adsnap")
    for number in (errno.EISDIR, errno.EACCES, errno.EBUSY):
        said = str(write_failure(path, OSError(number, "Words")))
        assert "/data/Q3 sredro" in said, said
        assert not [c for c in said if unicodedata.category(c) == "Cf"], said
    assert "saved as orders.adsnap in" in str(write_failure(path, OSError(errno.EISDIR, "W")))


def test_writing_into_a_locked_folder_raises_what_write_failure_words(unwritable: Path) -> None:
    """The writer's own failure (the folder locked after the check) is an OSError that
    ``write_failure`` turns into the same sentence; nothing is left behind."""
    with pytest.raises(PermissionError) as info:
        write_snapshot(unwritable / "late.adsnap", meta(2), records(2))
    failure = write_failure(unwritable / "late.adsnap", info.value)
    assert "you do not have permission to write there" in str(failure)
    assert not (unwritable / "late.adsnap").exists()
