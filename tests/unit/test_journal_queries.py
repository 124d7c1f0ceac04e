"""The journal's queries that decide what is resumed, what a result or a link belongs to, and
what a file is waiting for (real SQLite files): each rule here once had a mutant no test saw."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.domain.journal import (
    AssessmentLinked,
    AttachmentUploaded,
    CompleteStep,
    CreateResultStep,
    RejectStep,
    ResultRecorded,
    UploadStep,
)
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepKind, StepState
from app.domain.smartrecruiters import AssessmentOrder, AssessmentResult, RejectRequest, ResultType
from app.domain.uploads import Upload
from app.store.database import Database
from app.store.journal import Journal
from app.store.order_cache import OrderCache
from app.store.results import ResultStore


def _held(results: ResultStore, upload_id: int) -> Upload:
    upload = results.get(upload_id)
    assert upload is not None
    return upload


def _order(order_id: str, status: str = "NEW") -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": order_id, "status": status, "candidate": {"id": "c", "firstName": "Zoë"}}
    )


def _create_result(title: str = "Report") -> CreateResultStep:
    return CreateResultStep(
        result=AssessmentResult(result_type=ResultType.DOCUMENT, result="report", title=title)
    )


def _made(journal: Journal, order_id: str, result_id: str, title: str = "Report") -> int:
    step = journal.begin(order_id, _create_result(title))
    journal.finish(step, ResultRecorded(result_id=result_id))
    return step


def _link(order_id: str, berke_id: str, code: str) -> LinkedAssessment:
    return LinkedAssessment(
        order_id=order_id,
        source_candidate_id=berke_id,
        invitation_code=code,
        assessment_url=f"https://berke.example/{code}",
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
    )


def test_results_left_open_are_exactly_those_not_followed_by_their_own_orders_completion(
    tmp_path: Path,
) -> None:
    """The resumer finishes the documented flow for these: one missing is a result never
    completed; one too many is a completion sent twice, or for an order that is over."""
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    OrderCache(db).merge([_order("over", "REJECTED"), _order("done-sr", "COMPLETED")])
    # Completed after its result: nothing left open.
    _made(journal, "closed", "r-closed")
    journal.begin("closed", CompleteStep(flow=ResultFlow.DOCUMENTED))
    # Another order's completion does not close this one.
    _made(journal, "open", "r-open")
    journal.begin("other", CompleteStep(flow=ResultFlow.DOCUMENTED))
    # A completion begun *before* the result was made does not close it.
    journal.begin("again", CompleteStep(flow=ResultFlow.DOCUMENTED))
    _made(journal, "again", "r-again")
    # A create still waiting (or failed) made no result.
    journal.begin("waiting", _create_result())
    failed = journal.begin("failed", _create_result())
    journal.fail(failed, "refused")
    # Orders known to be over are left alone.
    _made(journal, "over", "r-over")
    _made(journal, "done-sr", "r-done")

    open_ = [entry.order_id for entry in journal.results_left_open()]
    assert open_ == ["open", "again"]
    db.close()


def test_a_result_id_fills_only_the_queued_files_that_had_none(tmp_path: Path) -> None:
    """A file already queued for another result (an adopted one) keeps it."""
    db = Database(tmp_path / "desk.sqlite3")
    journal, results = Journal(db), ResultStore(db)
    results.adopt_result("o", "r-theirs")
    theirs = results.enqueue("o", "/tmp/a.pdf", "a.pdf", 1)
    results.forget_result("o", "r-theirs")
    waiting = results.enqueue("o", "/tmp/b.pdf", "b.pdf", 1)
    assert waiting.result_id is None
    _made(journal, "o", "r-mine")
    assert _held(results, theirs.id).result_id == "r-theirs"
    assert _held(results, waiting.id).result_id == "r-mine"
    db.close()


def test_a_new_link_replaces_the_one_held(tmp_path: Path) -> None:
    """A create after a deleted assessment links the new one (kept, the old link sent the
    candidate to an assessment that is gone)."""
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    for code in ("OLD", "NEW"):
        step = journal.begin("o", RejectStep(request=RejectRequest(message="x")))
        journal.finish(step, AssessmentLinked(link=_link("o", "B-1", code)))
    linked = journal.assessment_for("o")
    assert linked is not None
    assert linked.invitation_code == "NEW"
    db.close()


def test_a_failure_with_only_pending_never_undoes_a_done_step(tmp_path: Path) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    step = _made(journal, "o", "r-1")
    journal.fail(step, "late time-out", only_pending=True)
    entry = journal.get(step)
    assert entry is not None
    assert entry.state is StepState.DONE
    journal.fail(step, "forced")  # without only_pending it is failed
    entry = journal.get(step)
    assert entry is not None
    assert entry.state is StepState.FAILED
    db.close()


def test_orders_with_pending_names_only_orders_whose_step_waits(tmp_path: Path) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    journal.begin("waits", _create_result())
    _made(journal, "sent", "r-1")
    failed = journal.begin("failed", _create_result())
    journal.fail(failed, "no")
    assert journal.orders_with_pending(StepKind.CREATE_RESULT) == ["waits"]
    db.close()


def test_done_after_counts_only_done_steps_and_not_the_step_itself_begun_at_once(
    tmp_path: Path,
) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    first = journal.begin("o", _create_result())
    later = journal.begin("o", _create_result())
    assert not journal.done_after("o", first, [StepKind.CREATE_RESULT])  # pending: no
    journal.fail(later, "refused")
    assert not journal.done_after("o", first, [StepKind.CREATE_RESULT])  # failed: no
    journal.finish(later, ResultRecorded(result_id="r"))
    assert journal.done_after("o", first, [StepKind.CREATE_RESULT])
    # A done step begun before this one (asked at its creation) is not "after" it.
    assert not journal.done_after("o", later, [StepKind.CREATE_RESULT])
    db.close()


def test_result_made_is_the_latest_done_create_result(tmp_path: Path) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    _made(journal, "o", "r-first", "First")
    _made(journal, "o", "r-second", "Second")
    made = journal.result_made("o")
    assert made is not None
    assert made[0] == "r-second"
    assert made[1].title == "Second"
    db.close()


def test_result_made_is_none_when_the_latest_done_create_recorded_no_result(
    tmp_path: Path,
) -> None:
    """An older create's result is not this desk's latest: taken, a completion went out with
    a result the order no longer has."""
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    _made(journal, "o", "r-first")
    step = journal.begin("o", _create_result())
    journal.finish(step, AssessmentLinked(link=_link("x", "B", "C")))  # not a ResultRecorded
    assert journal.result_made("o") is None
    db.close()


def test_orders_with_berke_id_match_as_berke_compares_ids(tmp_path: Path) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    step = journal.begin("o", RejectStep(request=RejectRequest(message="x")))
    journal.finish(step, AssessmentLinked(link=_link("o", "ÉMP-7", "C1")))
    assert journal.orders_with_berke_id("émp-7") == ["o"]
    db.close()


def test_an_uploaded_files_outcome_marks_its_upload_done(tmp_path: Path) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal, results = Journal(db), ResultStore(db)
    results.adopt_result("o", "r")
    upload = results.enqueue("o", "/tmp/a.pdf", "a.pdf", 1)
    step = journal.begin("o", UploadStep(upload_id=upload.id, file_name="a.pdf"))
    journal.finish(
        step, AttachmentUploaded(upload_id=upload.id, attachment_id="att", file_name="a.pdf")
    )
    done = results.get(upload.id)
    assert done is not None
    assert done.state.value == "done"
    assert done.attachment_id == "att"
    assert results.unfinished() == []
    db.close()


def test_each_write_of_an_orders_steps_is_counted_for_that_order_alone(tmp_path: Path) -> None:
    """What the board tells the window by (``steps_changed``): a step waiting again with new
    words, or cancelled, moved the order's Activity without changing its state."""
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    step = journal.begin("o1", RejectStep(request=RejectRequest(message="Duplicate.")))
    assert journal.writes(["o1", "o2"]) == {"o1": 1, "o2": 0}
    journal.note(step, "503: back soon")
    journal.set_may_have_gone(step, True)
    assert journal.writes(["o1"]) == {"o1": 3}
    assert journal.cancel(step, "Cancelled by the coordinator.")
    assert journal.writes(["o1"]) == {"o1": 4}
    # Nothing written: a note or a cancel of a step no longer waiting changes nothing.
    journal.note(step, "too late")
    assert not journal.cancel(step, "again")
    journal.fail(step, "late failure", only_pending=True)
    assert journal.writes(["o1"]) == {"o1": 4}
    journal.fail(step, "failed")
    journal.reopen(step)
    journal.finish(step, ResultRecorded(result_id="r1"))
    assert journal.writes(["o1", "o2"]) == {"o1": 7, "o2": 0}
    db.close()
