"""The queue of files for results: what holds a name, what is queued again or resumed, and
which order's result a file goes to (real SQLite files); a gone order keeps its first date."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.domain.attachments import UploadState
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.uploads import Upload
from app.store.database import Database
from app.store.order_cache import OrderCache
from app.store.results import ResultStore


def _held(results: ResultStore, upload_id: int) -> Upload:
    upload = results.get(upload_id)
    assert upload is not None
    return upload


def _store(tmp_path: Path) -> tuple[Database, ResultStore]:
    db = Database(tmp_path / "desk.sqlite3")
    return db, ResultStore(db)


def test_an_attached_file_holds_its_name(tmp_path: Path) -> None:
    """A report attached already is not queued again under its name (sent twice)."""
    db, results = _store(tmp_path)
    results.adopt_result("o", "r")
    sent = results.enqueue_if_free("o", "/a/report.pdf", "report.pdf", 1)
    assert not isinstance(sent, UploadState)
    results.set_state(sent.id, UploadState.DONE, attachment_id="att")
    again = results.enqueue_if_free("o", "/b/report.pdf", "report.pdf", 1)
    assert again is UploadState.DONE
    assert len(results.for_order("o")) == 1
    db.close()


def test_a_done_upload_is_never_queued_again_by_retry(tmp_path: Path) -> None:
    db, results = _store(tmp_path)
    results.adopt_result("o", "r")
    up = results.enqueue("o", "/a/report.pdf", "report.pdf", 1)
    results.set_state(up.id, UploadState.DONE, attachment_id="att")
    assert results.requeue_if_free(up.id, "o") is None
    assert _held(results, up.id).state is UploadState.DONE
    assert results.unfinished() == []
    db.close()


def test_fail_unsent_fails_queued_files_for_that_result_or_none_and_leaves_the_rest(
    tmp_path: Path,
) -> None:
    db, results = _store(tmp_path)
    results.adopt_result("o", "r-mine")
    results.enqueue("o", "/a/1.pdf", "1.pdf", 1)
    sending = results.enqueue("o", "/a/2.pdf", "2.pdf", 1)
    assert results.start_sending(sending.id, "o", "fp") is not None
    results.forget_result("o", "r-mine")
    results.adopt_result("o", "r-theirs")
    theirs = results.enqueue("o", "/a/4.pdf", "4.pdf", 1)
    results.forget_result("o", "r-theirs")
    loose = results.enqueue("o", "/a/3.pdf", "3.pdf", 1)
    assert loose.result_id is None
    assert theirs.result_id == "r-theirs"
    results.fail_unsent("o", "completed elsewhere", result_id="r-mine")
    states = {u.file_name: u.state for u in results.for_order("o")}
    assert states == {
        "1.pdf": UploadState.FAILED,  # for the result this desk made and lost
        "2.pdf": UploadState.UPLOADING,  # on its way: its own step decides
        "3.pdf": UploadState.FAILED,  # waited for a result that will not come
        "4.pdf": UploadState.QUEUED,  # another result's: goes there
    }
    db.close()


def test_an_upload_interrupted_while_sending_is_resumed(tmp_path: Path) -> None:
    db, results = _store(tmp_path)
    results.adopt_result("o", "r")
    up = results.enqueue("o", "/a/1.pdf", "1.pdf", 1)
    results.start_sending(up.id, "o", "fp")
    db.close()
    results = ResultStore(Database(tmp_path / "desk.sqlite3"))  # a restart
    assert [u.id for u in results.unfinished()] == [up.id]


def test_the_latest_result_wins_and_forgetting_one_keeps_the_other(tmp_path: Path) -> None:
    db, results = _store(tmp_path)
    results.adopt_result("o", "r-old")
    with db.transaction() as conn:  # made a second later
        conn.execute("UPDATE results SET created_at = '2020-01-01T00:00:00.000+00:00'")
    results.adopt_result("o", "r-new")
    assert results.result_id_for("o") == "r-new"
    assert results.enqueue("o", "/a/1.pdf", "1.pdf", 1).result_id == "r-new"
    results.forget_result("o", "r-new")
    assert results.result_id_for("o") == "r-old"
    db.close()


def test_adopting_a_result_fills_only_that_orders_waiting_files(tmp_path: Path) -> None:
    db, results = _store(tmp_path)
    other = results.enqueue("p", "/a/1.pdf", "1.pdf", 1)
    results.adopt_result("o", "r-o")
    assert _held(results, other.id).result_id is None  # never sent to another order's result
    db.close()


def test_a_second_going_keeps_the_first_date(tmp_path: Path) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    cache = OrderCache(db)
    cache.merge(
        [AssessmentOrder.model_validate({"id": "o", "status": "NEW", "candidate": {"id": "c"}})]
    )
    first = datetime(2026, 3, 1, tzinfo=UTC)
    cache.mark_gone(["o"], first)
    cache.mark_gone(["o"], datetime(2026, 4, 1, tzinfo=UTC))
    assert cache.gone_since("o") == first
    db.close()
