"""Every file the desk writes whole (settings, the key file, reports, CSV exports, snapshots)
goes through ``atomic_file``: all or nothing, durable, with the mode it should have."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import paths
from app.store.paths import atomic_file
from app.ui.snapshots.csv_export import write_csv
from tests.snapshot_samples import write_sample

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_027() -> Iterator[None]:
    before = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.usefixtures("umask_027")
def test_a_new_shared_file_gets_the_umasks_mode_and_a_private_one_0600(tmp_path: Path) -> None:
    with atomic_file(tmp_path / "export.csv", private=False) as handle:
        handle.write("a,b\n")
    with atomic_file(tmp_path / "keys.json", private=True) as handle:
        handle.write("{}")
    # Before: an export was 0600 like the temporary file it was written as.
    assert mode(tmp_path / "export.csv") == 0o640
    assert mode(tmp_path / "keys.json") == 0o600


@pytest.mark.usefixtures("umask_027")
def test_a_shared_file_written_again_keeps_the_mode_it_had(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("old")
    path.chmod(0o664)  # the coordinator shared it with their group
    with atomic_file(path, private=False) as handle:
        handle.write("new")
    assert (path.read_text(), mode(path)) == ("new", 0o664)


def test_a_failure_in_the_block_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("old")

    def write_half() -> None:
        with atomic_file(path, private=False) as handle:
            handle.write("half of the new")
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        write_half()
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_a_folder_that_is_gone_is_an_error_not_made_again(tmp_path: Path) -> None:
    chosen = tmp_path / "Exports"  # chosen in a dialog, removed since
    with pytest.raises(FileNotFoundError), atomic_file(chosen / "orders.csv", private=False):
        pass
    assert not chosen.exists()


def test_the_rename_is_made_durable_by_syncing_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with atomic_file(tmp_path / "report.pdf", "wb", private=True) as handle:
        handle.write(b"%PDF-1.7")
    assert synced == ["file", "folder"]  # the data, then the rename


def test_the_umask_is_read() -> None:
    before = os.umask(0o027)
    try:
        assert paths._umask() == 0o027
        assert os.umask(0o027) == 0o027  # still what it was
    finally:
        os.umask(before)


@pytest.mark.usefixtures("umask_027")
def test_an_export_and_a_snapshot_get_the_mode_of_an_ordinary_file(tmp_path: Path) -> None:
    write_csv(tmp_path / "orders.csv", ["Order"], [["o-1"]])
    snapshot = write_sample(tmp_path / "orders.adsnap")
    assert (mode(tmp_path / "orders.csv"), mode(snapshot)) == (0o640, 0o640)


def test_a_folder_that_cannot_be_synced_is_not_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some network and FUSE file systems refuse to sync a folder (EINVAL): the file is
    written and renamed all the same, and the export or snapshot is not reported failed."""
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with atomic_file(tmp_path / "orders.csv", private=False) as handle:
        handle.write("a,b\n")
    assert (tmp_path / "orders.csv").read_text() == "a,b\n"


def test_a_long_file_name_is_not_made_longer_by_its_temporary_file(tmp_path: Path) -> None:
    """Before: the temporary file carried the whole name: one of 242 characters or more went
    past the file system's 255 bytes, and no such file could be saved."""
    path = tmp_path / ("o" * 245 + ".csv")
    with atomic_file(path, private=False) as handle:
        handle.write("kept")
    assert path.read_text() == "kept"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
