"""The data folder removed (a clean-up tool, a coordinator tidying ~/.local/share) or another
file put at the data file's path while the desk runs: SQLite went on writing to the unlinked
file, every write "succeeded", nothing was said, and all of it (resultIds, queued uploads,
steps waiting to be sent) was gone at the next start, which made a new, empty file. The open
connection still holds every row: the desk writes them back at the path, and says so.

Real files, real SQLite: the removal is a real ``rmtree``, the restart a new ``Database``."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from app.store import database
from app.store.database import Database
from app.store.instance_lock import AlreadyRunningError, InstanceLock
from app.store.results import ResultStore


def data_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "assessment-desk.sqlite3"


def opened(path: Path, said: list[str] | None = None) -> tuple[Database, ResultStore]:
    db = Database(path)
    if said is not None:
        db.on_put_back = said.append
    return db, ResultStore(db)


def after_a_restart(path: Path) -> ResultStore:
    return ResultStore(Database(path))


def ours_kept(path: Path) -> ResultStore:
    """After a restart, the results written before and after the data file went are there."""
    again = after_a_restart(path)
    assert again.result_id_for("order-before") == "result-before"
    assert again.result_id_for("order-after") == "result-after"
    return again


def ours_kept_and_aside_holds(path: Path, theirs: str) -> Path:
    """``ours_kept``, and the data file found in its place, moved aside, holds its own result
    for ``theirs`` (and ours does not); where it was moved."""
    assert ours_kept(path).result_id_for(theirs) is None
    [aside] = path.parent.glob("assessment-desk.found-in-its-place-*.sqlite3")
    assert after_a_restart(aside).result_id_for(theirs) == "its-result"
    return aside


def theirs_aside_ours_kept(path: Path) -> None:
    """The other program's file, moved aside, still holds its table; ``ours_kept``."""
    [aside] = path.parent.glob("assessment-desk.found-in-its-place-*.sqlite3")
    with sqlite3.connect(aside) as copy:
        assert copy.execute("SELECT what FROM kept").fetchall() == [("theirs",)]
    copy.close()
    ours_kept(path)


def test_a_result_id_kept_while_the_data_folder_was_removed_is_there_after_a_restart(
    tmp_path: Path,
) -> None:
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-before", "result-before")
    shutil.rmtree(path.parent)  # removed while the window is open

    results.adopt_result("order-after", "result-after")  # the next completion's answer
    db.close()  # the coordinator quits, and starts the desk again

    again = after_a_restart(path)
    assert again.result_id_for("order-before") == "result-before"
    assert again.result_id_for("order-after") == "result-after"
    assert said == [
        f"The data file {path} was removed (its folder deleted, or the file alone) while the "
        "desk was open. Nothing was lost: the desk has written back there everything it held "
        "(orders, results, steps and files waiting to be sent)."
    ]
    if os.name == "posix":  # made again as private as the desk first made them
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []


def test_the_data_is_put_back_when_the_desk_closes_with_no_write_after_the_removal(
    tmp_path: Path,
) -> None:
    path = data_path(tmp_path)
    db, results = opened(path)
    results.adopt_result("order", "result")
    shutil.rmtree(path.parent)
    db.close()  # the connection was the rows' last holder
    assert after_a_restart(path).result_id_for("order") == "result"


def test_a_file_put_in_the_data_files_place_is_moved_aside_and_the_desks_data_written_back(
    tmp_path: Path,
) -> None:
    """Another program (a sync client restoring an older copy, say) put another file at the
    path: the desk's writes went on into the unlinked old file, lost the same way. That file
    is someone's: kept, under a name that says what it is, not written over."""
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-before", "result-before")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    other, other_results = opened(path)  # an older copy's place: a valid data file
    other_results.adopt_result("order-of-the-other", "its-result")
    other.close()

    results.adopt_result("order-after", "result-after")
    db.close()

    aside = ours_kept_and_aside_holds(path, "order-of-the-other")
    assert len(said) == 1
    assert said[0].startswith(f"The data file {path} was replaced by another file while the desk")
    assert said[0].endswith(
        f"What had been put in its place was moved aside, not deleted: {aside}."
    )


def test_the_desks_own_wal_is_not_taken_for_the_other_files(tmp_path: Path) -> None:
    """Only the data file replaced (renamed over it): the WAL beside it is still the desk's,
    and moved with the other file it would be read as that file's (a damaged copy)."""
    path = data_path(tmp_path)
    db, results = opened(path)
    results.adopt_result("order-before", "result-before")
    elsewhere = tmp_path / "older.sqlite3"
    other = sqlite3.connect(elsewhere)
    other.execute("CREATE TABLE kept (what TEXT)")
    other.execute("INSERT INTO kept VALUES ('theirs')")
    other.commit()
    other.close()
    os.replace(elsewhere, path)

    results.adopt_result("order-after", "result-after")
    db.close()

    theirs_aside_ours_kept(path)


def test_the_folder_lock_is_taken_again_where_the_removed_folder_is_put_back(
    tmp_path: Path,
) -> None:
    """The lock file went with the folder: a second desk could start on the same data and
    send this one's steps again. Put back, the folder is this desk's again."""
    path = data_path(tmp_path)
    with InstanceLock(path.parent):
        db, results = opened(path)
        shutil.rmtree(path.parent)
        results.adopt_result("order", "result")

        with pytest.raises(AlreadyRunningError):
            InstanceLock(path.parent).acquire()  # a second desk, started now
        db.close()


def test_a_desk_started_on_the_folder_meanwhile_is_not_written_over(tmp_path: Path) -> None:
    """Another desk started while the folder was gone, and holds it: nothing is written (the
    two would send each other's steps), and that desk's file is left alone, until it closes;
    then this one's data goes back, that file kept aside."""
    path = data_path(tmp_path)
    with InstanceLock(path.parent):
        db, results = opened(path)
        results.adopt_result("order-before", "result-before")
        shutil.rmtree(path.parent)
        second_lock = InstanceLock(path.parent)
        second_lock.acquire()
        second, second_results = opened(path)
        second_results.adopt_result("order-of-the-second", "its-result")

        with pytest.raises(sqlite3.OperationalError) as refused:  # said as a disk failure is
            results.adopt_result("order-after", "result-after")
        assert "another Assessment Desk has started on that folder since" in str(refused.value)
        assert f"(process {os.getpid()})" in str(refused.value)
        assert "Close the other Assessment Desk, not this one" in str(refused.value)
        assert second_results.result_id_for("order-of-the-second") == "its-result"

        second.close()
        second_lock.release()
        results.adopt_result("order-after", "result-after")
        db.close()

    ours_kept_and_aside_holds(path, "order-of-the-second")


def test_reads_do_not_look_only_writes_do(tmp_path: Path) -> None:
    """The check runs once per write transaction, not per query: reads never look."""
    path = data_path(tmp_path)
    db, results = opened(path)
    shutil.rmtree(path.parent)
    assert results.result_id_for("order") is None  # a read: nothing put back yet
    assert not path.parent.exists()
    results.adopt_result("order", "result")
    assert path.exists()
    db.close()


def test_a_put_back_whose_copy_another_program_holds_as_it_opens_goes_on_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The put-back closed the old connection, then opened the copy; another program (a
    backup, a database viewer) holding the new file's write lock in that moment made the
    open fail, and the desk was left on a closed connection: every later write a
    ``ProgrammingError`` (not the ``OperationalError`` a service's answer is kept for), for
    the rest of the session, though the file was free again."""
    path = data_path(tmp_path)
    db = Database(path, busy_seconds=0.1)
    results = ResultStore(db)
    results.adopt_result("order-before", "result-before")
    shutil.rmtree(path.parent)  # a clean-up tool
    other: list[sqlite3.Connection] = []
    real_sync = database.fsync_folder

    def another_program_holds_the_new_file(folder: Path) -> None:
        real_sync(folder)
        conn = sqlite3.connect(path, isolation_level=None, timeout=0)
        conn.execute("BEGIN IMMEDIATE")
        other.append(conn)

    monkeypatch.setattr(database, "fsync_folder", another_program_holds_the_new_file)
    with pytest.raises(sqlite3.OperationalError):
        results.adopt_result("order-during", "result-during")
    monkeypatch.undo()
    other[0].execute("ROLLBACK")
    other[0].close()  # the other program is done: the file is free

    results.adopt_result("order-after", "result-after")
    db.close()
    ours_kept(path)


def test_a_put_back_removed_again_as_it_is_opened_is_not_made_anew_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy was opened by name, which makes a missing file, and brought up to date (an
    empty schema) after the only connection holding the rows was closed: removed again in
    that moment (the clean-up tool, a sync client mirroring the deletion), the desk went on
    with an empty data file, said "Nothing was lost", and every row was gone."""
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-before", "result-before")
    shutil.rmtree(path.parent)
    real_sync = database.fsync_folder

    def removed_again(folder: Path) -> None:
        real_sync(folder)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    monkeypatch.setattr(database, "fsync_folder", removed_again)
    with pytest.raises(sqlite3.OperationalError, match="could not be written back"):
        results.adopt_result("order-during", "result-during")
    monkeypatch.undo()
    assert said == []
    assert not path.exists()
    assert results.result_id_for("order-before") == "result-before"  # still held

    results.adopt_result("order-after", "result-after")  # the next change puts it back
    db.close()
    assert len(said) == 1
    ours_kept(path)


def test_a_dangling_link_where_the_wal_goes_is_moved_aside(tmp_path: Path) -> None:
    """The folder made again by another program with a dangling symbolic link at the WAL's
    name (a sync or backup tool's placeholder): looked at with ``stat``, it was taken for
    nothing and left, SQLite refused to open the copy's WAL through it, and the desk was
    left on a closed connection for the rest of the session."""
    path = data_path(tmp_path)
    said: list[str] = []
    db, results = opened(path, said)
    results.adopt_result("order-before", "result-before")
    shutil.rmtree(path.parent)
    path.parent.mkdir(mode=0o700)
    link = Path(f"{path}-wal")
    link.symlink_to(tmp_path / "nowhere" / "wal")

    results.adopt_result("order-after", "result-after")
    db.close()

    ours_kept(path)
    [aside] = path.parent.glob("assessment-desk.found-in-its-place-*.sqlite3-wal")
    assert aside.is_symlink()
    assert said[0].endswith(
        f"What had been put in its place was moved aside, not deleted: {aside}."
    )


def test_a_file_where_the_data_folder_was_is_named_as_what_is_in_the_way(tmp_path: Path) -> None:
    """The data folder replaced by a file of its name (a sync tool's conflict copy, a script
    writing to the folder's path): the put-back said "(File exists) … check that the folder
    may be written and that the disk has space", which names nothing to move."""
    path = data_path(tmp_path)
    db, results = opened(path)
    results.adopt_result("order-before", "result-before")
    shutil.rmtree(path.parent)
    path.parent.write_bytes(b"not a folder")

    with pytest.raises(sqlite3.OperationalError) as told:
        results.adopt_result("order-after", "result-after")
    assert str(told.value) == (
        f"The data file {path} was removed (its folder deleted, or the file alone) while the "
        f"desk was open, and could not be written back (a file is where the folder "
        f"{path.parent}, or one above it, should be). Nothing is lost while the desk stays "
        "open: move that file, and the next change writes the data back. Closing the desk "
        "before that loses what it holds."
    )
    path.parent.unlink()  # moved
    results.adopt_result("order-after", "result-after")
    db.close()
    ours_kept(path)
