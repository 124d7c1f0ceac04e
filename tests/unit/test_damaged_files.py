"""The desk's own files when they are not what they should be: a FIFO where the settings, the
keys or the log go, a key file it cannot read, a data file that is not one (or is held by
another program), a full disk at the lock, a folder whose name is not UTF-8. Each test failed
before its fix (an audit of the environment and the disk)."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyringStatus, KeyStore
from app.store.database import Database, DataFileError
from app.store.instance_lock import InstanceLock
from app.store.logs import LOG_FILE_NAME, setup_logging
from app.store.settings_file import SettingsFile
from tests.fifo_guard import call_near_fifo
from tests.waits import HANG_GUARD_SECONDS

ROOT = Path(__file__).resolve().parents[2]

NO_KEYRING = KeyringStatus(False, "none", "no keyring here")


def key_store(path: Path) -> KeyStore:
    return KeyStore(file_opt_in=True, file_path=path, status=NO_KEYRING)


def test_a_settings_file_that_is_a_fifo_is_unreadable_not_waited_on(tmp_path: Path) -> None:
    """A FIFO there hung the start, with no window and no word; a second start was then told
    to use a window that did not exist."""
    path = tmp_path / "settings.json"
    os.mkfifo(path)
    read = call_near_fifo(path, SettingsFile(path).read)
    assert read.problem is not None
    assert "could not be read" in read.problem


def test_a_key_file_that_is_a_fifo_gives_no_keys_and_is_not_waited_on(tmp_path: Path) -> None:
    path = tmp_path / "keys-unencrypted.json"
    os.mkfifo(path)
    assert call_near_fifo(path, lambda: key_store(path).credentials("Production")) is None


def test_a_log_file_that_is_a_fifo_leaves_the_desk_on_stderr_not_waiting(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / LOG_FILE_NAME)  # the logging set up is put back: tests/conftest.py
    assert call_near_fifo(tmp_path / LOG_FILE_NAME, lambda: setup_logging(
        directory=tmp_path)) is None  # fmt: skip


def test_a_key_file_saved_by_notepad_is_read(tmp_path: Path) -> None:
    """Windows Notepad saves UTF-8 with a byte order mark: the keys did not load."""
    path = tmp_path / "keys-unencrypted.json"
    keys = {"Acme/smartrecruiters": "acme-sr-key-0123456789", "Acme/berke": "acme-token-0123"}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(keys).encode())
    found = key_store(path).credentials("Acme")
    assert found is not None
    assert found.berke_api_token.get_secret_value() == "acme-token-0123"


def test_a_key_file_it_cannot_read_is_set_aside_not_overwritten(tmp_path: Path) -> None:
    """The next key stored rewrote the file with that key alone: every other profile's keys
    were gone, without a word."""
    path = tmp_path / "keys-unencrypted.json"
    damaged = b'{"Acme/smartrecruiters": "acme-sr-key-0123456789", "Acme/berke": '  # cut short
    path.write_bytes(damaged)
    store = key_store(path)
    store.set("Beta", SR_KEY, "beta-sr-key-0123456789")
    store.set("Beta", BERKE_TOKEN, "beta-token-0123456789")
    aside = tmp_path / "keys-unencrypted.unreadable.json"
    assert aside.read_bytes() == damaged
    assert store.credentials("Beta") is not None
    store.delete_profile("Beta")  # forgetting keys never touches a file it cannot read
    assert aside.read_bytes() == damaged
    # Another file it cannot read later is set aside beside the first, never over it.
    path.write_bytes(b'{"Gamma/smartrecruiters": "gamma-sr-')
    store.set("Delta", SR_KEY, "delta-sr-key-0123456789")
    assert aside.read_bytes() == damaged
    assert (tmp_path / "keys-unencrypted.unreadable-2.json").read_bytes().startswith(b'{"Gamma')


@pytest.mark.parametrize("kind", ["text", "folder", "locked"])
def test_a_data_file_that_cannot_be_used_is_named_with_the_way_out(
    tmp_path: Path, kind: str
) -> None:
    """SQLite's own "file is not a database" (or "database is locked", "Is a directory")
    ended the start, naming no file and no way out."""
    path = tmp_path / "assessment-desk.sqlite3"
    holder: sqlite3.Connection | None = None
    if kind == "text":
        path.write_bytes(b"this is not a database, it is a text file\n" * 200)
    elif kind == "folder":
        path.mkdir()
    else:
        holder = sqlite3.connect(path, isolation_level=None, timeout=0)
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO t VALUES (1)")
    before = path.read_bytes() if kind == "text" else None
    try:
        with pytest.raises(DataFileError) as refused:
            Database(path, busy_seconds=0.1)
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    said = str(refused.value)
    assert str(path) in said
    way_out = {"text": "Move it aside", "folder": "Move it aside", "locked": "Close that program"}
    assert way_out[kind] in said
    assert "file is not a database" not in said
    if before is not None:
        assert path.read_bytes() == before  # never changed: it may hold steps not yet sent


OPEN_WITHOUT_SPACE = """
import resource, signal, sys
from pathlib import Path
from app.store.database import Database, DataFileError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))  # not a byte more may be written
try:
    Database(Path(sys.argv[1]))
except DataFileError as exc:
    print(exc)
"""


def test_a_sound_data_file_on_a_full_disk_is_not_called_damaged(tmp_path: Path) -> None:
    """Every SQLite error but "locked" was "damaged: move it aside", a disk I/O error too:
    the wrong advice for a file that may hold steps not yet sent (the review)."""
    path = tmp_path / "assessment-desk.sqlite3"
    Database(path).close()
    said = subprocess.run(
        [sys.executable, "-c", OPEN_WITHOUT_SPACE, str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=HANG_GUARD_SECONDS,
    ).stdout  # fmt: skip
    assert str(path) in said
    assert "Free some space" in said
    assert "damaged" not in said
    assert "Move it aside" not in said


def test_a_full_disk_at_the_lock_still_takes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing who holds the lock failed on a full disk, and the start died with a raw
    traceback and no box: the lock alone decides who runs."""
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        if fd > 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr("app.store.instance_lock.os.write", full_disk)
    lock = InstanceLock(tmp_path / "data")
    lock.acquire()
    try:
        assert lock.held
    finally:
        lock.release()


def test_a_folder_whose_name_is_not_utf8_has_a_name_for_its_desk(tmp_path: Path) -> None:
    """A Latin-1 folder name (an old share, a USB disk) failed str.encode(), and every start
    in that folder with it."""
    from app.ui.single_instance import server_name

    folder = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))
    folder.mkdir()
    assert server_name(folder).startswith("assessment-desk-")
    assert server_name(tmp_path) == server_name(Path(str(tmp_path)))
