"""A failure of the disk under the desk's files (full, read-only) is said as what to do about
it, not as a bug: a drop on a full disk, or any action whose journal write failed, showed
"Something unexpected went wrong" with a traceback."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from app.ui.common.error_dialog import error_text
from app.workflows.notifier import report_for
from app.workflows.refusals import not_written


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("attempt to write a readonly database"),
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EROFS, "Read-only file system"),
    ],
    ids=str,
)
def test_the_disk_refusing_a_write_is_said_with_its_own_words(exc: BaseException) -> None:
    said = not_written(exc)
    assert said is not None
    why = exc.strerror if isinstance(exc, OSError) else str(exc)
    assert f"(“{why}”)" in said
    assert "Free some space on the disk" in said


@pytest.mark.parametrize(
    "exc",
    [
        sqlite3.IntegrityError("UNIQUE constraint failed: steps.id"),
        OSError(errno.ENOENT, "No such file or directory"),
        ValueError("no"),
    ],
    ids=str,
)
def test_anything_else_is_not_the_disks(exc: BaseException) -> None:
    assert not_written(exc) is None


def test_the_error_box_says_what_to_do_about_a_full_disk() -> None:
    report = report_for(sqlite3.OperationalError("database or disk is full"), where="task")
    text, informative = error_text(report, None)
    assert text.startswith("This computer could not keep what the desk writes")
    assert "Something unexpected" not in text
    assert informative == "No log file is written."
    text, _ = error_text(report_for(ValueError("no"), where="task"), None)
    assert text.startswith("Something unexpected went wrong")


def test_a_data_file_that_could_not_be_put_back_is_said_in_its_own_words() -> None:
    """Its sentence says what happened and what to do (another desk to close, a folder to
    make writable): not wrapped in "free some space", which would be the wrong way out."""
    from app.store import database

    sentence = (
        "The data file /d/assessment-desk.sqlite3 was removed (its folder deleted, or the file "
        "alone) while the desk was open, and another Assessment Desk has started on that folder "
        "since: …"
    )
    exc = database.DataFileLostError(sentence)
    assert not_written(exc) == sentence
    text, _ = error_text(report_for(exc, where="task"), None)
    assert text == sentence
