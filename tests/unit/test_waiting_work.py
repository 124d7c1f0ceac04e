"""What a profile's data file still has to send (asked before the profile is removed)."""

from __future__ import annotations

from pathlib import Path

from app.domain.journal import CommentStep, UploadStep
from app.store.database import Database
from app.store.journal import Journal
from app.store.results import ResultStore
from app.store.waiting_work import WaitingWork, waiting_in


def test_pending_steps_and_files_on_their_way_are_counted_without_changing_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "desk.sqlite3"
    db = Database(path)
    journal, results = Journal(db), ResultStore(db)
    journal.begin("o-1", CommentStep(message="Called the candidate"))
    done = journal.begin("o-1", CommentStep(message="Sent"))
    journal.fail(done, "SmartRecruiters: Not now.")  # failed: the coordinator's to retry
    queued = results.enqueue("o-1", "/r/a.pdf", "a.pdf", 10)
    journal.begin("o-1", UploadStep(upload_id=queued.id))  # counted as its file
    sent = results.enqueue("o-1", "/r/b.pdf", "b.pdf", 10)
    results.start_sending(sent.id, "o-1", None)
    db.close()
    before = path.read_bytes()
    work = waiting_in(path)
    assert work == WaitingWork(steps=1, files=2)
    assert work.in_words() == "1 step waiting to be sent and 2 files queued for SmartRecruiters"
    assert path.read_bytes() == before


def test_no_file_has_nothing_waiting_and_a_file_that_is_no_data_file_is_said_unknown(
    tmp_path: Path,
) -> None:
    assert waiting_in(tmp_path / "none.sqlite3") == WaitingWork()
    assert WaitingWork().nothing
    assert WaitingWork().in_words() == ""
    other = tmp_path / "other.sqlite3"
    other.write_bytes(b"%PDF-1.4 not a database")
    assert waiting_in(other) is None
