"""Mutation-audit pins for the data file's put-back (``app.store.database``) and the folder
lock's retake (``app.store.instance_lock``): each passes on the real code and fails on a
small plausible bug the existing tests let through (named in each docstring)."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from app.store import database
from app.store.instance_lock import AlreadyRunningError, InstanceLock
from tests.integration.test_data_file_put_back import (
    after_a_restart,
    data_path,
    opened,
    theirs_aside_ours_kept,
)


def test_the_data_folder_removed_a_second_time_is_put_back_again(tmp_path: Path) -> None:
    """A clean-up tool that runs every night removes the folder again after the desk put it
    back: the second removal must be caught as the first was. (Mutant: the files opened not
    noted again after the put-back, ``database.py`` ``self._opened = self._open_files()``:
    the watch stopped, and every later write went into the unlinked file, lost.)"""
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-1", "result-1")
    shutil.rmtree(path.parent)
    results.adopt_result("order-2", "result-2")  # put back
    shutil.rmtree(path.parent)  # the next night
    results.adopt_result("order-3", "result-3")
    db.close()

    again = after_a_restart(path)
    assert [again.result_id_for(f"order-{n}") for n in (1, 2, 3)] == [
        "result-1",
        "result-2",
        "result-3",
    ]
    assert len(said) == 2


def test_a_data_file_that_cannot_be_looked_at_is_not_taken_for_one_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``stat`` that fails for another reason than "not there" (a network folder's ESTALE or
    EIO, a folder made unreadable) says nothing about the file: the write goes on into the file
    opened, nothing is moved aside, and nothing is said. (Mutant: ``_keep_file`` without
    ``now == _UNKNOWN``: the desk's own live file was moved aside as "another file put in its
    place", and a false alarm shown.)"""
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-before", "result-before")
    real_stat = os.stat

    def flaky_stat(target: object, *args: object, **kwargs: object) -> os.stat_result:
        if Path(str(target)) == path:
            raise OSError(errno.ESTALE, "Stale file handle")
        return real_stat(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database.os, "stat", flaky_stat)
    results.adopt_result("order-after", "result-after")
    monkeypatch.undo()
    db.close()

    assert said == []
    assert list(path.parent.glob("*found-in-its-place*")) == []
    again = after_a_restart(path)
    assert again.result_id_for("order-before") == "result-before"
    assert again.result_id_for("order-after") == "result-after"


def test_a_file_put_in_place_with_its_own_wal_is_moved_aside_with_it(tmp_path: Path) -> None:
    """Another program's data file at the path with its WAL beside it (a desk killed there, a
    sync client restoring both): the WAL holds that file's latest rows, and SQLite pairs a
    file with its WAL by name. Both go aside together; the desk's file put back is not read
    with that WAL. (Mutant: ``_move_aside`` looking at the file alone, ``("",)`` for
    ``("", *_COMPANION_SUFFIXES)``: the other file's rows in its WAL were lost, and the WAL
    was left beside the desk's own data.)"""
    path = data_path(tmp_path)
    db, results = opened(path)
    results.adopt_result("order-before", "result-before")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)

    # The other file as a process killed while writing leaves it: rows in its WAL only.
    elsewhere = tmp_path / "other" / "assessment-desk.sqlite3"
    elsewhere.parent.mkdir()
    other = sqlite3.connect(elsewhere, isolation_level=None)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("PRAGMA wal_autocheckpoint=0")
    other.execute("CREATE TABLE kept (what TEXT)")
    other.execute("INSERT INTO kept VALUES ('theirs')")
    shutil.copyfile(elsewhere, path)
    shutil.copyfile(f"{elsewhere}-wal", f"{path}-wal")
    other.close()

    results.adopt_result("order-after", "result-after")
    db.close()

    theirs_aside_ours_kept(path)


def test_a_second_put_back_in_the_same_second_finds_a_free_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name set aside is stamped to the second: a second file found within it (or one
    left by an earlier put-back at that time) takes a numbered name, not a refusal.
    (Mutant: ``_aside_name`` without its "-2", "-3"…: "No free name", nothing written.)"""
    frozen = datetime(2026, 3, 2, 9, 30, 0)
    monkeypatch.setattr(database, "local_time", lambda _now: frozen)
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-before", "result-before")
    taken = path.with_name("assessment-desk.found-in-its-place-2026-03-02-093000.sqlite3")
    taken.write_bytes(b"an earlier one")
    path.unlink()
    path.write_bytes(b"someone else's file")  # put at the path

    results.adopt_result("order-after", "result-after")
    db.close()

    assert taken.read_bytes() == b"an earlier one"
    numbered = path.with_name("assessment-desk.found-in-its-place-2026-03-02-093000-2.sqlite3")
    assert numbered.read_bytes() == b"someone else's file"
    assert after_a_restart(path).result_id_for("order-after") == "result-after"


def test_a_put_back_that_fails_leaves_no_copy_of_the_data_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy made for the put-back holds every candidate's data: when it cannot be renamed
    into place it is removed, not left beside as a hidden file, one more at each write that
    tries again. (Mutant: no ``copy.unlink`` when ``os.replace`` fails.)"""
    path = data_path(tmp_path)
    db, results = opened(path)
    results.adopt_result("order", "result")
    shutil.rmtree(path.parent)

    def refused(*_args: object) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(database.os, "replace", refused)
    for _ in range(2):
        with pytest.raises(sqlite3.OperationalError):
            results.adopt_result("order-2", "result-2")
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".put-back")] == []
    monkeypatch.undo()
    db.close()


def test_the_data_file_alone_replaced_is_put_back_while_the_folder_lock_is_held(
    tmp_path: Path,
) -> None:
    """The desk always holds its folder's lock. Another file put at the data file's path (the
    folder and its lock file left as they were): the lock is still this desk's, and the data
    goes back. (Mutant: ``retake`` without ``_is_locked_file``: the lock file, still the one
    held, was locked anew through a second handle, which ``flock`` refuses even to its own
    process: "another Assessment Desk has started", and nothing written again.)"""
    path = data_path(tmp_path)
    with InstanceLock(path.parent) as lock:
        said: list[str] = []
        db, results = opened(path, said)
        results.adopt_result("order-before", "result-before")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.write_bytes(b"someone else's file")

        results.adopt_result("order-after", "result-after")  # no refusal
        assert len(said) == 1
        assert lock.held
        db.close()
    again = after_a_restart(path)
    assert again.result_id_for("order-after") == "result-after"


def test_the_lock_is_retaken_once_the_desk_started_meanwhile_has_closed(tmp_path: Path) -> None:
    """A second desk started on the removed folder and was refused our data; when it closes,
    the put-back goes on, and the folder is this desk's again: a third desk is refused.
    (Mutant: ``retake`` not keeping its old handle when the retake is refused, ``self._fd =
    old``: the lock was then taken for not held, never taken again, and a third desk started
    on the same data as this one, the two sending the same steps.)"""
    path = data_path(tmp_path)
    with InstanceLock(path.parent):
        db, results = opened(path)
        results.adopt_result("order-before", "result-before")
        shutil.rmtree(path.parent)
        second = InstanceLock(path.parent)
        second.acquire()
        with pytest.raises(sqlite3.OperationalError):
            results.adopt_result("order-after", "result-after")
        second.release()

        results.adopt_result("order-after", "result-after")  # put back now
        with pytest.raises(AlreadyRunningError):
            InstanceLock(path.parent).acquire()  # a third desk
        db.close()


def test_a_copy_put_back_that_could_not_be_read_yet_is_set_up_at_the_next_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy opened, the old connection closed, then the copy's first read refused (an
    I/O error of a moment): the desk goes on with the copy, and sets it up before its next
    write. (Mutant: ``transaction`` without ``_finish_opening``: written without its
    settings, foreign keys unchecked.)"""
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-before", "result-before")
    shutil.rmtree(path.parent)
    real_set_up = database._set_up
    refused: list[sqlite3.Connection] = []

    def refused_once(conn: sqlite3.Connection) -> None:
        if not refused:
            refused.append(conn)
            raise sqlite3.OperationalError("disk I/O error")
        real_set_up(conn)

    monkeypatch.setattr(database, "_set_up", refused_once)
    with pytest.raises(sqlite3.OperationalError, match="could not be read there yet"):
        results.adopt_result("order-during", "result-during")
    results.adopt_result("order-after", "result-after")
    with db.reading() as conn:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()

    assert said == []  # said as not read yet, not as put back
    again = after_a_restart(path)
    assert again.result_id_for("order-before") == "result-before"
    assert again.result_id_for("order-after") == "result-after"
