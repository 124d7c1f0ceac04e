"""One desk per data folder: the lock another process cannot take, and that dies with its holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.instance_lock import AlreadyRunningError, InstanceLock

HOLD = """
import sys, time
from pathlib import Path
from app.store.instance_lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]), role=sys.argv[2])
lock.acquire()
print("held", flush=True)
time.sleep(600)
"""


def hold_in_child(folder: Path, role: str = "") -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), role], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"  # blocks until the child holds it
    return child


def test_a_second_process_is_refused_with_a_sentence(tmp_path: Path) -> None:
    child = hold_in_child(tmp_path)
    try:
        with pytest.raises(AlreadyRunningError) as info:
            InstanceLock(tmp_path).acquire()
        message = str(info.value)
        assert "already running with this data folder" in message
        assert f"process {child.pid}" in message
        assert str(tmp_path) in message
    finally:
        child.kill()
        child.wait()


def test_a_holder_that_is_not_a_desk_is_named_not_taken_for_one(tmp_path: Path) -> None:
    """Before: a desk started while ``--configure`` waited for answers said "use that window",
    and there was none."""
    child = hold_in_child(tmp_path, "assessment-desk --configure")
    try:
        with pytest.raises(AlreadyRunningError) as info:
            InstanceLock(tmp_path).acquire()
        message = str(info.value)
        assert message.startswith(
            f"assessment-desk --configure is using this data folder (process {child.pid}): "
            "let it finish, then try again."
        )
        assert "window" not in message
    finally:
        child.kill()
        child.wait()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    child = hold_in_child(tmp_path)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with InstanceLock(tmp_path) as lock:  # the kernel dropped the dead holder's lock
        assert lock.held
        assert (tmp_path / "assessment-desk.lock").read_text().startswith(f"{os.getpid()}@")


def test_released_lock_can_be_taken_again_and_the_file_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    first = InstanceLock(folder)
    first.acquire()
    first.acquire()  # taking what one holds is a no-op
    assert (folder / "assessment-desk.lock").stat().st_mode & 0o777 == 0o600
    with pytest.raises(AlreadyRunningError):
        InstanceLock(folder).acquire()  # even in one process: the lock is per open file
    first.release()
    first.release()
    with InstanceLock(folder):
        pass


def test_a_folder_that_cannot_be_locked_is_not_called_already_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file system without locks (NFS without lockd) answers ENOLCK: that is not a second
    desk, and the sentence says what it is."""
    import errno

    from app.store import instance_lock

    def no_locks(fd: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(instance_lock, "_lock", no_locks)
    with pytest.raises(instance_lock.LockUnavailableError, match="cannot lock its data folder"):
        InstanceLock(tmp_path).acquire()
    # A folder that cannot even be made: the same kind of sentence, not a traceback.
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.undo()
    with pytest.raises(instance_lock.LockUnavailableError):
        InstanceLock(blocked / "data").acquire()


@pytest.mark.skipif(os.name != "posix", reason="folder modes are POSIX's")
def test_the_folder_it_makes_is_the_users_only(tmp_path: Path) -> None:
    """Before: a demo start made the data folder with the umask's 0755 (it holds the lock and,
    with a real profile, the candidates' data)."""
    import stat

    folder = tmp_path / "data"
    with InstanceLock(folder):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_the_holder_named_follows_what_it_holds_the_lock_as(tmp_path: Path) -> None:
    with InstanceLock(tmp_path) as lock:
        lock.hold_as("An Assessment Desk that is closing")
        written = (tmp_path / "assessment-desk.lock").read_text()
        assert written.startswith(f"{os.getpid()}@")
        assert written.splitlines()[1] == "An Assessment Desk that is closing"
        with pytest.raises(AlreadyRunningError) as info:
            InstanceLock(tmp_path).acquire()  # another open file: refused as another process
        assert str(info.value).startswith(
            f"An Assessment Desk that is closing is using this data folder (process "
            f"{os.getpid()}): let it finish, then try again."
        )


@pytest.mark.parametrize("below", ["", "data"], ids=["the-folder", "one-above"])
def test_a_file_where_the_data_folder_should_be_is_said_so(tmp_path: Path, below: str) -> None:
    """Before: "(File exists)", and nothing said how to choose another folder."""
    from app.store.instance_lock import LockUnavailableError

    in_the_way = tmp_path / "AssessmentDesk"
    in_the_way.write_text("not a folder")
    with pytest.raises(LockUnavailableError) as refused:
        InstanceLock(in_the_way / below if below else in_the_way).acquire()
    assert "a file is where that folder, or one above it, should be" in str(refused.value)
    assert "ASSESSMENT_DESK_HOME" in str(refused.value)
