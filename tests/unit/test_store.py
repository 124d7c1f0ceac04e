"""The SQLite store: WAL, merge de-duplicates, atomic finish, schema version."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal import (
    AssessmentLinked,
    CreateAssessmentStep,
    InviteStep,
    OrderUpdated,
    RejectStep,
    ReuseAssessmentStep,
)
from app.domain.journal_terms import LinkedAssessment, StepKind, StepState
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus, RejectRequest
from app.store.database import SCHEMA_VERSION, Database
from app.store.journal import RESULTS_LEFT_OPEN, Journal
from app.store.journal_rows import dumps
from app.store.local_state import load_states
from app.store.order_cache import OrderCache


def order(order_id: str, status: str = "NEW", name: str = "Zoë") -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": order_id, "status": status, "candidate": {"id": "c", "firstName": name}}
    )


def test_database_is_wal_and_versioned(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.sqlite3")
    with db.reading() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
    raw = sqlite3.connect(tmp_path / "a.sqlite3")
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    with pytest.raises(RuntimeError, match="newer"):
        Database(tmp_path / "a.sqlite3")


def test_the_resumers_look_for_results_left_open_reads_no_whole_journal(tmp_path: Path) -> None:
    """Every resume round asks for results made and not yet followed by a completion; the
    journal is never pruned, and that read went through every step of every order."""
    db = Database(tmp_path / "desk.sqlite3")
    with db.reading() as conn:
        plan = conn.execute(
            f"EXPLAIN QUERY PLAN {RESULTS_LEFT_OPEN}", ("create_result", "complete")
        ).fetchall()
    steps = [row["detail"] for row in plan]
    assert not any(step.startswith("SCAN made") for step in steps), steps
    assert any("journal_by_action" in step for step in steps), steps


def test_merge_deduplicates_and_reports_new_and_changed(tmp_path: Path) -> None:
    cache = OrderCache(Database(tmp_path / "a.sqlite3"))
    first = cache.merge([order("1"), order("2"), order("1")])
    assert sorted(first.new_ids) == ["1", "2"]
    assert first.changed_ids == []
    second = cache.merge([order("1", "IN_PROGRESS"), order("2"), order("3")])
    assert second.new_ids == ["3"]
    assert second.changed_ids == ["1"]
    assert cache.count() == 3
    got = cache.get("1")
    assert got is not None
    assert got.status.value == "IN_PROGRESS"
    assert {o.candidate.first_name for o in cache.all()} == {"Zoë"}


def test_merge_of_many_orders_in_chunks(tmp_path: Path) -> None:
    cache = OrderCache(Database(tmp_path / "a.sqlite3"))
    result = cache.merge([order(str(i)) for i in range(1500)])
    assert len(result.new_ids) == 1500
    assert cache.count() == 1500


def test_finish_records_outcome_and_link_together(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.sqlite3")
    journal = Journal(db)
    request = CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
    step = journal.begin("o1", CreateAssessmentStep(request=request))
    assert [e.state for e in journal.pending()] == [StepState.PENDING]
    link = LinkedAssessment(
        order_id="o1", source_candidate_id="s", invitation_code="C0DE",
        assessment_url="https://a.test/C0DE", created_at=datetime.now(UTC),
    )  # fmt: skip
    journal.finish(step, AssessmentLinked(link=link))
    assert journal.pending() == []
    assert journal.assessment_for("o1") == link
    entry = journal.entries("o1")[0]
    assert entry.state is StepState.DONE
    assert entry.step == CreateAssessmentStep(request=request)
    assert entry.outcome == AssessmentLinked(link=link)
    invite = SendInvitationRequest(source_candidate_id="s", email_address="zoe@example.com")
    failing = journal.begin("o1", InviteStep(request=invite))
    journal.fail(failing, "Berke: refused")
    assert journal.entries("o1")[-1].message == "Berke: refused"


def test_a_steps_answer_never_rewrites_another_order(tmp_path: Path) -> None:
    """The client refuses an answer that names another order; the journal, storing a step's
    outcome, keeps to the step's own order all the same."""
    from app.domain.journal import AcceptStep, OrderUpdated
    from app.domain.smartrecruiters import AcceptRequest, OrderStatus

    db = Database(tmp_path / "a.sqlite3")
    cache, journal = OrderCache(db), Journal(db)
    cache.merge([order("mine"), order("theirs", name="Bo")])
    accept = AcceptStep(request=AcceptRequest(assessment_url="https://a.test/C0DE"))
    step = journal.begin("mine", accept)
    answer = order("theirs", "COMPLETED")
    journal.finish(step, OrderUpdated(status=OrderStatus.IN_PROGRESS, order=answer))
    theirs = cache.get("theirs")
    assert theirs is not None
    assert (theirs.status, theirs.candidate.first_name) == (OrderStatus.NEW, "Bo")


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.sqlite3")

    def insert_then_crash() -> None:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO orders (id, status, data, first_seen_at, synced_at)"
                " VALUES ('x', 'NEW', '{}', '', '')"
            )
            raise RuntimeError("crash in the middle")

    with pytest.raises(RuntimeError):
        insert_then_crash()
    assert OrderCache(db).count() == 0


def test_an_upload_moves_only_from_the_states_asked_and_only_for_its_order(
    tmp_path: Path,
) -> None:
    """Cancel and Retry check and write in one statement: an upload that was sent meanwhile
    is never marked cancelled (a Retry would then send it twice)."""
    from app.domain.attachments import CANCELLABLE, RETRIABLE, UploadState
    from app.store.results import ResultStore

    db = Database(tmp_path / "desk.sqlite3")
    results = ResultStore(db)
    upload = results.enqueue("order-1", "/tmp/r.pdf", "r.pdf", 10)
    assert results.move(upload.id, "order-2", CANCELLABLE, UploadState.CANCELLED) is None
    assert results.move(upload.id, "order-1", RETRIABLE, UploadState.QUEUED) is None
    moved = results.move(upload.id, "order-1", CANCELLABLE, UploadState.CANCELLED, message="x")
    assert moved is not None
    assert (moved.state, moved.message) == (UploadState.CANCELLED, "x")
    results.set_state(upload.id, UploadState.DONE)
    assert results.move(upload.id, "order-1", CANCELLABLE, UploadState.CANCELLED) is None
    assert results.move(upload.id, "order-1", RETRIABLE, UploadState.QUEUED) is None
    assert results.get(upload.id).state is UploadState.DONE  # type: ignore[union-attr]
    db.close()


def test_an_upload_keeps_when_this_trys_bytes_began_to_go(tmp_path: Path) -> None:
    """A try resumed while still sending (the app stopped while it sent) keeps its start: it
    may have reached the service any time since. A try from the queue (a transient failure,
    a Retry) starts its own: kept from Monday, Wednesday's cut-off Retry took a file the
    recruiter attached on Tuesday for this one. A cancelled upload is not marked sending."""
    from app.domain.attachments import CANCELLABLE, UploadState
    from app.store.results import ResultStore

    db = Database(tmp_path / "desk.sqlite3")
    results = ResultStore(db)
    upload = results.enqueue("order-1", "/tmp/r.pdf", "r.pdf", 10)
    assert upload.sending_since is None
    assert results.start_sending(upload.id, "order-1", "10:1:aa") is not None
    monday = (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="milliseconds")
    with db.transaction() as conn:
        conn.execute("UPDATE uploads SET sending_since = ? WHERE id = ?", (monday, upload.id))
    resumed = results.start_sending(upload.id, "order-1", "10:1:aa")  # still "uploading"
    assert resumed is not None
    assert resumed.sending_since == datetime.fromisoformat(monday)
    results.set_state(upload.id, UploadState.QUEUED)  # a transient failure: tried again
    second = results.start_sending(upload.id, "order-1", "10:2:bb")
    assert second is not None
    assert second.sending_since is not None
    assert second.sending_since > datetime.fromisoformat(monday)
    assert second.fingerprint == "10:2:bb"
    results.move(upload.id, "order-1", CANCELLABLE, UploadState.CANCELLED)
    assert results.start_sending(upload.id, "order-1", "10:3:cc") is None
    db.close()


def test_an_uploads_times_keep_the_service_clocks_offset_of_when_they_were_written(
    tmp_path: Path,
) -> None:
    """A try made while the machine was an hour fast, resumed after NTP put the clock right,
    was looked for by its start shifted by SmartRecruiters' offset as it was at the resume:
    an hour after its copy, which was not found, and the file was sent twice. Each time keeps
    the offset of when it was written: a try resumed while still sending keeps its start's, a
    whole file its try's, and a try from the queue takes its own (None: none measured yet)."""
    from app.domain.attachments import UploadState
    from app.domain.uploads import MachineTime
    from app.store.results import ResultStore

    db = Database(tmp_path / "desk.sqlite3")
    results = ResultStore(db)
    upload = results.enqueue("o-1", "/tmp/r.pdf", "r.pdf", 10)
    fast = -timedelta(hours=1)  # SmartRecruiters' clock an hour behind this machine's
    first = results.start_sending(upload.id, "o-1", None, service_ahead=fast)
    assert first is not None
    assert first.sending_clock_offset == fast
    resumed = results.start_sending(upload.id, "o-1", None, service_ahead=timedelta(0))
    assert resumed is not None
    assert resumed.sending_began == first.sending_began  # still "uploading": its start kept
    results.mark_delivered(upload.id)
    results.set_state(upload.id, UploadState.QUEUED)
    again = results.start_sending(upload.id, "o-1", None)  # nothing has answered yet
    assert again is not None
    assert again.sending_began is not None
    assert again.sending_began.service_ahead is None
    assert first.sending_since is not None
    assert again.went_whole == MachineTime(first.sending_since, fast)
    db.close()


def test_a_files_name_is_held_by_one_upload_on_its_way_or_sent(tmp_path: Path) -> None:
    """A drop and a Retry of one report each check the name and queue in one transaction
    (a drop between Retry's check and its move queued both, and both were attached)."""
    from app.domain.attachments import UploadState
    from app.store.results import ResultStore

    db = Database(tmp_path / "desk.sqlite3")
    results = ResultStore(db)
    failed = results.enqueue("order-1", "/usb/r.pdf", "r.pdf", 10)
    results.set_state(failed.id, UploadState.FAILED, message="Cannot read")
    dropped = results.enqueue_if_free("order-1", "/desk/r.pdf", "r.pdf", 10)
    assert not isinstance(dropped, UploadState)  # a failed one holds no name
    assert results.enqueue_if_free("order-1", "/desk/r.pdf", "r.pdf", 10) is UploadState.QUEUED
    assert results.requeue_if_free(failed.id, "order-1") is UploadState.QUEUED
    assert results.get(failed.id).state is UploadState.FAILED  # type: ignore[union-attr]
    results.set_state(dropped.id, UploadState.CANCELLED)
    requeued = results.requeue_if_free(failed.id, "order-1")
    assert not isinstance(requeued, UploadState)
    assert requeued is not None
    assert requeued.state is UploadState.QUEUED
    assert results.requeue_if_free(failed.id, "order-2") is None  # another order's
    db.close()


def _old_file(path: Path, version: int, uploads: list[tuple[int, str, str | None]]) -> None:
    """A file as schema ``version`` wrote it, with uploads (id, state, sending_since) and an
    upload step for each but the last."""
    from app.store.database import _MIGRATIONS

    raw = sqlite3.connect(path)
    for step in range(1, version + 1):
        raw.executescript(_MIGRATIONS[step])
    then = "2026-01-01T00:00:00+00:00"
    for number, (upload_id, state, sending_since) in enumerate(uploads):
        columns = "id, order_id, path, file_name, size, state, created_at, updated_at"
        values: list[object] = [upload_id, "o", "/tmp/r.pdf", "r.pdf", 10, state, then, then]
        if version >= 7:
            columns += ", sending_since"
            values.append(sending_since)
        marks = ", ".join("?" * len(values))
        raw.execute(f"INSERT INTO uploads ({columns}) VALUES ({marks})", values)
        if number < len(uploads) - 1:
            raw.execute(
                "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
                " VALUES ('o', 'upload', 'failed', ?, ?, ?)",
                (f'{{"kind": "upload", "upload_id": {upload_id}}}', then, then),
            )
    raw.execute(f"PRAGMA user_version = {version}")
    raw.commit()
    raw.close()


def test_an_older_versions_upload_that_began_to_send_may_be_on_the_result(
    tmp_path: Path,
) -> None:
    """Schema 8: an upload with a step (a send was tried) may have gone out since it began
    (its Retry looks on the result first, as it did then); one never tried did not."""
    from app.store.results import ResultStore

    path = tmp_path / "old.sqlite3"
    _old_file(path, 6, [(1, "cancelled", None), (2, "done", None), (3, "queued", None)])
    db = Database(path)
    tried, done, never = ResultStore(db).for_order("o")
    assert (tried.sending_since, tried.fingerprint) == (None, None)
    assert tried.delivered_at == tried.created_at
    assert done.delivered_at is None  # sent: nothing to look for
    assert never.delivered_at is None
    db.close()


def test_a_schema_7_file_gains_when_the_whole_file_went(tmp_path: Path) -> None:
    from app.store.results import ResultStore

    path = tmp_path / "seven.sqlite3"
    began = "2026-01-02T10:00:00+00:00"
    _old_file(path, 7, [(1, "failed", began), (2, "queued", None)])
    db = Database(path)
    tried, never = ResultStore(db).for_order("o")
    assert tried.delivered_at == datetime.fromisoformat(began)
    assert never.delivered_at is None
    db.close()


def test_a_schema_14_files_upload_times_are_on_no_known_clock_offset(tmp_path: Path) -> None:
    """Schema 15: an older version kept no offset with its times; its copy is looked for by
    SmartRecruiters' offset at the resume, as it was then."""
    from app.domain.uploads import MachineTime
    from app.store.results import ResultStore

    path = tmp_path / "fourteen.sqlite3"
    began = "2026-01-02T10:00:00+00:00"
    _old_file(path, 14, [(1, "failed", began), (2, "queued", None)])
    db = Database(path)
    tried, never = ResultStore(db).for_order("o")
    assert tried.sending_began == MachineTime(datetime.fromisoformat(began), None)
    assert never.sending_began is None
    assert never.went_whole is None
    db.close()


def test_a_queued_file_keeps_what_it_was_when_it_was_dropped(tmp_path: Path) -> None:
    """Schema 11: the identity recorded at the drop stays with the upload (a Retry sends the
    file dropped, not one saved over it since); a file queued by schema 10 has none, and is
    sent as it was then (checked by its size and kind)."""
    from app.domain.attachments import UploadState
    from app.store.results import ResultStore

    path = tmp_path / "ten.sqlite3"
    _old_file(path, 10, [(1, "queued", None)])
    db = Database(path)
    results = ResultStore(db)
    (older,) = results.for_order("o")
    assert older.state is UploadState.QUEUED
    assert results.queued_identity(older.id) is None
    dropped = results.enqueue_if_free("o", "/desk/s.pdf", "s.pdf", 10, identity='{"sha256": 1}')
    assert not isinstance(dropped, UploadState)
    assert results.queued_identity(dropped.id) == '{"sha256": 1}'
    results.set_state(dropped.id, UploadState.FAILED)
    assert results.requeue_if_free(dropped.id, "o") is not None
    assert results.queued_identity(dropped.id) == '{"sha256": 1}'
    assert results.queued_identity(12345) is None
    db.close()


def test_a_queued_file_whose_name_is_not_utf8_is_kept_as_named_across_a_restart(
    tmp_path: Path,
) -> None:
    """A report unzipped from a legacy code page's archive is named by bytes that are not
    UTF-8 ("Rapor_I\\x9f\\x8dk.pdf"), which Python carries as surrogate escapes. Before, sqlite3
    refused the path (UnicodeEncodeError: it cannot write such a str as text) and the drop
    failed; now its bytes are kept, and a restart reads back the very path queued. A path of
    text is kept as text, as an older version wrote it."""
    from app.domain.attachments import UploadState
    from app.store.local_state import load_states
    from app.store.results import ResultStore

    legacy = os.fsdecode(b"/desk/Rapor_I\x9f\x8dk.pdf")
    path = tmp_path / "ten.sqlite3"
    _old_file(path, 10, [(1, "queued", None)])
    db = Database(path)
    dropped = ResultStore(db).enqueue_if_free("o", legacy, "Rapor_I k.pdf", 10)
    assert not isinstance(dropped, UploadState)
    assert dropped.path == legacy
    db.close()

    db = Database(path)  # the desk started again
    results = ResultStore(db)
    assert [u.path for u in results.unfinished()] == ["/tmp/r.pdf", legacy]
    assert [u.path for u in load_states(db)["o"].uploads] == ["/tmp/r.pdf", legacy]
    with db.reading() as conn:
        kinds = conn.execute("SELECT typeof(path) FROM uploads ORDER BY id").fetchall()
    assert [kind[0] for kind in kinds] == ["text", "blob"]
    db.close()


def test_a_schema_8_file_learns_the_address_each_assessment_was_created_with(
    tmp_path: Path,
) -> None:
    """Schema 9: read back from the order's create step (the form's address), or for a reused
    assessment from the order it was made for; none when neither says."""
    import json

    from app.store.database import _MIGRATIONS
    from app.store.journal import Journal

    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, 9):
        raw.executescript(_MIGRATIONS[step])
    then = "2026-01-01T00:00:00+00:00"
    for order_id in ("made", "reused", "unknown"):
        raw.execute(
            "INSERT INTO assessments (order_id, source_candidate_id, invitation_code,"
            " assessment_url, created_at) VALUES (?, 'AD-1', 'CODE1', 'https://b/CODE1', ?)",
            (order_id, then),
        )
    typed = {"firstName": "Zoë", "lastName": "M", "emailAddress": "zoe@example.com"}
    create = {"kind": "create_assessment", "request": typed}
    reuse = {"kind": "reuse_assessment", "from_order_id": "made", "link": {}}
    for order_id, action, request in (
        ("made", "create_assessment", create),
        ("reused", "reuse_assessment", reuse),
    ):
        raw.execute(
            "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
            " VALUES (?, ?, 'done', ?, ?, ?)",
            (order_id, action, json.dumps(request), then, then),
        )
    raw.execute("PRAGMA user_version = 8")
    raw.commit()
    raw.close()
    db = Database(path)
    with db.reading() as conn:
        rows = conn.execute("SELECT order_id, created_email FROM assessments").fetchall()
    assert dict(map(tuple, rows)) == {
        "made": "zoe@example.com",
        "reused": "zoe@example.com",
        "unknown": None,
    }
    made = Journal(db).assessment_for("made")
    assert made is not None
    assert made.created_email == "zoe@example.com"
    db.close()


def test_a_schema_3_file_keeps_the_berke_job_each_assessment_was_made_for(
    tmp_path: Path,
) -> None:
    """Schema 19: version 4 added the job column and left it empty, so an assessment made
    before it for a chosen job read as made for Berke's default job, and delivery judged the
    order on that one. Read back from the create step that linked it (the latest, if created
    again); a reused assessment stays without one (it is judged on its order's job), and a
    step whose request is not JSON, or that linked another assessment, gives none."""
    from app.store.database import _MIGRATIONS
    from app.store.journal import Journal

    path = tmp_path / "three.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, 4):
        raw.executescript(_MIGRATIONS[step])
    then = "2025-03-01T09:00:00.000+00:00"

    def linked(order_id: str, code: str) -> LinkedAssessment:
        return LinkedAssessment(
            order_id=order_id, source_candidate_id=f"AD-{code}", invitation_code=code,
            assessment_url=f"https://berke.test/a/{code}", created_at=datetime.fromisoformat(then),
        )  # fmt: skip

    def created(order_id: str, code: str, job: str | None, links: str | None = None) -> None:
        request = CreateAssessmentRequest(
            first_name="Zoë", last_name="Müller", email_address="zoe@example.com",
            source_candidate_id=f"AD-{code}", source_job_id=job,
        )  # fmt: skip
        raw.execute(
            "INSERT INTO journal (order_id, action, state, request, outcome, created_at,"
            " updated_at) VALUES (?, 'create_assessment', 'done', ?, ?, ?, ?)",
            (order_id, dumps(CreateAssessmentStep(request=request)),
             dumps(AssessmentLinked(link=linked(order_id, links or code))), then, then),
        )  # fmt: skip

    created("for-a-job", "JOB1", "SALES-REP")
    created("default-job", "DEF1", None)
    created("made-twice", "OLD1", "FIRST-JOB")
    created("made-twice", "NEW1", "SECOND-JOB")
    created("reused", "OWN1", "ITS-OWN-JOB")  # Berke deleted it; the order then reused JOB1
    created("other-link", "ELSE", "NOT-ITS-JOB", links="OTHR")
    reuse = ReuseAssessmentStep(link=linked("reused", "JOB1"), from_order_id="for-a-job")
    raw.execute(
        "INSERT INTO journal (order_id, action, state, request, outcome, created_at,"
        " updated_at) VALUES ('reused', 'reuse_assessment', 'done', ?, ?, ?, ?)",
        (dumps(reuse), dumps(AssessmentLinked(link=reuse.link)), then, then),
    )
    raw.execute(
        "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
        " VALUES ('not-json', 'create_assessment', 'done', '{sourceJobId: X', ?, ?)",
        (then, then),
    )
    for order_id, code in (
        ("for-a-job", "JOB1"), ("default-job", "DEF1"), ("made-twice", "NEW1"),
        ("reused", "JOB1"), ("other-link", "ELSE"), ("not-json", "NJS1"),
    ):  # fmt: skip
        raw.execute(
            "INSERT INTO assessments (order_id, source_candidate_id, invitation_code,"
            " assessment_url, created_at) VALUES (?, ?, ?, ?, ?)",
            (order_id, f"AD-{code}", code, f"https://berke.test/a/{code}", then),
        )
    raw.execute("PRAGMA user_version = 3")
    raw.commit()
    raw.close()

    db = Database(path)
    journal = Journal(db)
    jobs = {order_id: link.source_job_id for order_id, link in journal.all_assessments().items()}
    assert jobs == {
        "for-a-job": "SALES-REP",
        "default-job": None,
        "made-twice": "SECOND-JOB",
        "reused": None,
        "other-link": None,
        "not-json": None,
    }
    db.close()


def test_an_order_held_as_gone_is_not_counted_new_and_any_copy_sent_clears_it(
    tmp_path: Path,
) -> None:
    cache = OrderCache(Database(tmp_path / "desk.sqlite3"))
    cache.merge([order("o1"), order("o2"), order("o3", "IN_PROGRESS")])
    assert set(cache.unlisted({"o2"})) == {"o1", "o3"}

    cache.mark_gone(["o1"], datetime(2026, 11, 30, tzinfo=UTC))

    assert cache.gone_since("o1") == datetime(2026, 11, 30, tzinfo=UTC)
    assert cache.gone_since("o2") is None
    assert cache.unlisted({"o2"}) == ["o3"]  # not asked about again
    listed = [order("o2").model_dump(mode="json", by_alias=True)]
    merged = cache.merge_listing(listed, AssessmentOrder.model_validate, count_new=True)
    assert merged.cached_new == 1  # o2 only: a poll's count leaves o1 out
    assert cache.listed_again({"o2", "o3"}) == []
    assert cache.listed_again({"o1"}) == ["o1"]
    assert cache.gone_since("o1") is None
    cache.mark_gone(["o1"], datetime(2026, 11, 30, tzinfo=UTC))
    cache.merge([order("o1", name="Zoe")])  # a copy SmartRecruiters sent again
    assert cache.gone_since("o1") is None


def test_a_second_going_is_flagged_though_the_first_was_left_alone(tmp_path: Path) -> None:
    from app.store.berke_watch import BerkeWatchStore

    db = Database(tmp_path / "desk.sqlite3")
    cache, notes = OrderCache(db), BerkeWatchStore(db)
    cache.merge([order("o1")])
    cache.mark_gone(["o1"], datetime(2026, 11, 30, tzinfo=UTC))
    notes.dismiss("o1", "gone")
    notes.dismiss("o1", "stale_new")
    cache.listed_again({"o1"})

    cache.mark_gone(["o1"], datetime(2026, 12, 1, tzinfo=UTC))

    with db.reading() as conn:
        left_alone = conn.execute("SELECT dismissed FROM order_notes").fetchone()[0]
    assert json.loads(left_alone) == ["stale_new"]


def test_each_failed_steps_failure_is_marked_anew_when_a_retry_fails_again(
    tmp_path: Path,
) -> None:
    """What "Leave it" on a failed step remembers (``OrderState.failure_marks``): the step and
    when it failed, so that the same step failing again after a Retry is a new failure."""
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    step = journal.begin("o", _reject_step())
    journal.fail(step, "Order is locked.")
    (first,) = load_states(db, ["o"])["o"].failure_marks
    assert first[0] is StepKind.REJECT
    assert first[1].startswith(f"step_failed:{step}@")
    assert load_states(db, ["o"])["o"].failure_marks == {first}  # read again: the same
    journal.reopen(step)  # the coordinator's Retry
    assert load_states(db, ["o"])["o"].failure_marks == frozenset()
    with db.transaction() as conn:  # failed again, a moment later
        conn.execute("UPDATE journal SET state = 'failed', updated_at = ? WHERE id = ?",
                     ("2099-01-01T00:00:00.000+00:00", step))  # fmt: skip
    assert load_states(db, ["o"])["o"].failure_marks == {
        (StepKind.REJECT, f"step_failed:{step}@2099-01-01T00:00:00.000+00:00")
    }
    db.close()


def test_a_failed_step_left_alone_before_the_upgrade_is_the_failures_then_present(
    tmp_path: Path,
) -> None:
    """Schema 21: "Leave it" on a failed step was kept as the flag's kind ("step_failed"),
    which hid every later failure of the order. Read as the failures present at the upgrade
    (what the coordinator saw then, or older), so that a later one is flagged again; the
    other flags left alone are kept as they were."""
    from app.store.berke_watch import BerkeWatchStore
    from app.store.database import _MIGRATIONS

    path = tmp_path / "twenty.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, 21):
        raw.executescript(_MIGRATIONS[step])
    then = "2026-11-30T09:00:00.000+00:00"
    written = dumps(_reject_step())
    rows = ((3, "o", "failed"), (4, "o", "done"), (5, "o", "failed"), (6, "p", "failed"))
    for step_id, order_id, state in rows:
        action = "reject" if step_id != 4 else "accept"
        raw.execute(
            "INSERT INTO journal (id, order_id, action, state, request, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (step_id, order_id, action, state, written, then, then),
        )
    raw.execute("INSERT INTO order_notes (order_id, dismissed) VALUES ('o', ?)",
                ('["stale_new", "step_failed"]',))  # fmt: skip
    raw.execute("INSERT INTO order_notes (order_id, dismissed) VALUES ('p', '[\"gone\"]')")
    raw.execute("INSERT INTO order_notes (order_id, dismissed) VALUES ('q', 'not JSON')")
    raw.execute("PRAGMA user_version = 20")
    raw.commit()
    raw.close()
    db = Database(path)
    states = load_states(db, ["o", "p"])
    # The reject's latest attempt (5) is the failure present; 3 was retried as 5.
    assert states["o"].dismissed == {"stale_new", f"step_failed:5@{then}"}
    assert states["o"].failure_marks == {(StepKind.REJECT, f"step_failed:5@{then}")}
    assert states["p"].dismissed == {"gone"}  # no failure left alone: none taken for one
    with db.reading() as conn:
        damaged = conn.execute("SELECT dismissed FROM order_notes WHERE order_id = 'q'")
        assert damaged.fetchone()[0] == "not JSON"  # left as it was
    # Another failure left alone since: the older one's mark is replaced by the flag's.
    BerkeWatchStore(db).dismiss("o", "step_failed", marks=[f"step_failed:8@{then}"])
    assert load_states(db, ["o"])["o"].dismissed == {"stale_new", f"step_failed:8@{then}"}
    db.close()


def test_a_cached_order_that_no_longer_parses_is_none_to_get_as_to_all(tmp_path: Path) -> None:
    """``all`` left such a row out; ``get`` raised, into the board's refresh and the steps."""
    db = Database(tmp_path / "desk.sqlite3")
    cache = OrderCache(db)
    cache.merge([order("o-1")])
    with db.transaction() as conn:
        conn.execute("UPDATE orders SET data = ? WHERE id = 'o-1'", ('{"id": "o-1"}',))
    assert cache.all() == []
    assert cache.get("o-1") is None


def test_a_file_sent_whole_may_be_there_since_its_own_try_began(tmp_path: Path) -> None:
    """Not since the first try ever: a file that failed on Monday and went whole on Wednesday
    was looked for since Monday, and a recruiter's file of its name attached on Tuesday was
    taken for it (this one never sent). A try that went whole before keeps its date."""
    from app.domain.attachments import UploadState
    from app.store.results import ResultStore

    db = Database(tmp_path / "desk.sqlite3")
    results = ResultStore(db)
    monday, wednesday = "2026-11-30T09:00:00.000+00:00", "2026-12-02T09:00:00.000+00:00"
    failed, whole = (results.enqueue("o-1", f"/r/{n}.pdf", f"{n}.pdf", 10) for n in "ab")

    def one_try(upload_id: int, began: str, *, went_whole: bool) -> None:
        results.start_sending(upload_id, "o-1", None)
        with db.transaction() as conn:
            conn.execute("UPDATE uploads SET sending_since = ? WHERE id = ?", (began, upload_id))
        if went_whole:
            results.mark_delivered(upload_id)
        results.set_state(upload_id, UploadState.QUEUED)  # failed; then its Retry

    one_try(failed.id, monday, went_whole=False)
    one_try(failed.id, wednesday, went_whole=True)
    one_try(whole.id, monday, went_whole=True)
    one_try(whole.id, wednesday, went_whole=True)
    delivered = {u.id: u.delivered_at for u in (results.get(failed.id), results.get(whole.id)) if u}
    assert delivered == {
        failed.id: datetime.fromisoformat(wednesday),
        whole.id: datetime.fromisoformat(monday),
    }


def test_a_schema_12_step_may_have_gone_and_was_asked_when_begun(tmp_path: Path) -> None:
    """Schema 13: an older desk's step did not say whether a try of it went unanswered, so it
    may have (its Retry finds its own change, as before); a step begun now has not, until a
    try of it begins. A Retry marks when the step was last asked for."""
    from app.domain.journal import RejectStep
    from app.domain.journal_terms import StepKind
    from app.domain.smartrecruiters import RejectRequest
    from app.store.database import _MIGRATIONS

    path = tmp_path / "twelve.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, 13):
        raw.executescript(_MIGRATIONS[step])
    then = (datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="milliseconds")
    before_then = (datetime.now(UTC) - timedelta(days=31)).isoformat(timespec="milliseconds")
    raw.execute(
        "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
        " VALUES ('o', 'reject', 'failed', ?, ?, ?)",
        (json.dumps({"kind": "reject", "request": {"message": "No"}}), then, then),
    )
    raw.execute("PRAGMA user_version = 12")
    raw.commit()
    raw.close()
    db = Database(path)
    journal = Journal(db)
    (older,) = journal.entries("o")
    assert older.may_have_gone
    step = journal.begin("o", RejectStep(request=RejectRequest(message="Not now")))

    def may_have_gone() -> bool:
        entry = journal.get(step)
        assert entry is not None
        return entry.may_have_gone

    assert not may_have_gone()
    journal.set_may_have_gone(step, True)  # a try begins
    assert may_have_gone()
    journal.set_may_have_gone(step, False)  # it ended refused
    assert not may_have_gone()
    request = CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
    made = journal.begin("o", CreateAssessmentStep(request=request))
    link = LinkedAssessment(
        order_id="o", source_candidate_id="s", invitation_code="C0DE",
        assessment_url="https://a.test/C0DE", created_at=datetime.now(UTC),
    )  # fmt: skip
    journal.finish(made, AssessmentLinked(link=link))
    with db.transaction() as conn:  # days apart, as steps and a Retry pressed by hand are
        conn.execute("UPDATE journal SET updated_at = ? WHERE id = ?", (then, made))
        conn.execute(
            "UPDATE journal SET created_at = ?, asked_at = ? WHERE id = ?",
            (before_then, before_then, step),
        )
    assert journal.done_after("o", step, [StepKind.CREATE_ASSESSMENT])
    journal.reopen(step)  # the coordinator's Retry, after the other step was done
    assert not journal.done_after("o", step, [StepKind.CREATE_ASSESSMENT])
    db.close()


def test_only_a_pending_step_with_a_date_that_cannot_be_read_is_unreadable(
    tmp_path: Path,
) -> None:
    """A date another program wrote: pending, the step is one this version cannot read (the
    resumer fails it, never sends it), kept as recorded; done or failed, it is still the step
    it was, with its outcome, and says that only its date could not be read."""
    from app.domain.journal import AcceptStep, OrderUpdated, UnreadableStep
    from app.domain.smartrecruiters import AcceptRequest, OrderStatus
    from app.views.activity import activity_line

    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    accept = AcceptStep(request=AcceptRequest(assessment_url="https://a.example/s/ABC"))
    done, failed, pending = (journal.begin("o", accept) for _ in range(3))
    journal.finish(done, OrderUpdated(status=OrderStatus.IN_PROGRESS))
    journal.fail(failed, "SmartRecruiters: Not now.")
    with db.transaction() as conn:
        conn.execute("UPDATE journal SET created_at = '30/11/2026 09:00'")
    entries = {entry.id: entry for entry in journal.entries("o")}
    for step_id in (done, failed):
        entry = entries[step_id]
        assert entry.step == accept
        assert entry.created_at == entry.updated_at
    assert activity_line(entries[done]) == "Accepted with https://a.example/s/ABC"
    note = "The time this step was begun cannot be read: the time shown is when it last changed."
    assert entries[done].message == note
    assert entries[failed].message == f"SmartRecruiters: Not now.\n{note}"
    unreadable = entries[pending].step
    assert isinstance(unreadable, UnreadableStep)
    assert unreadable.data == json.loads(dumps(accept))  # as recorded: the services' names
    # Retried, the failed one is the step it was again: its unreadable date is replaced.
    journal.reopen(failed)
    retried = journal.get(failed)
    assert retried is not None
    assert retried.state is StepState.PENDING
    assert retried.step == accept
    assert retried.message == "SmartRecruiters: Not now."
    db.close()


def test_a_retried_step_whose_date_was_repaired_is_still_a_retried_one(tmp_path: Path) -> None:
    """The repair wrote the Retry's own time as the step's begun time: begun and asked at
    once read as never retried, and an accept done before the Retry counted as done after it
    (the reject refused as "taken on after it was asked")."""
    from app.domain.journal import AcceptStep, OrderUpdated, RejectStep
    from app.domain.journal_terms import StepKind
    from app.domain.smartrecruiters import AcceptRequest, OrderStatus, RejectRequest

    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    reject = journal.begin("o", RejectStep(request=RejectRequest(message="No")))
    journal.fail(reject, "SmartRecruiters: The API key was refused.")
    accept = journal.begin(
        "o", AcceptStep(request=AcceptRequest(assessment_url="https://a.test/s/A"))
    )
    journal.finish(accept, OrderUpdated(status=OrderStatus.IN_PROGRESS))
    three, two = (
        (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")
        for days in (3, 2)
    )
    with db.transaction() as conn:  # the reject failed three days ago, the accept went two
        conn.execute(
            "UPDATE journal SET created_at = '30/11/2026 09:00', updated_at = ? WHERE id = ?",
            (three, reject),
        )
        conn.execute(
            "UPDATE journal SET created_at = ?, updated_at = ? WHERE id = ?", (two, two, accept)
        )
    journal.reopen(reject)  # the coordinator's Retry, now: the accept was there to see
    retried = journal.get(reject)
    assert retried is not None
    assert retried.created_at == datetime.fromisoformat(three)  # the time the timeline showed
    assert not journal.done_after("o", reject, [StepKind.ACCEPT])
    db.close()


def test_a_schema_13_completion_left_waiting_may_have_gone(tmp_path: Path) -> None:
    """Schema 14: version 13 did not mark its completions' tries, and a completion now finds
    its own lost answer only when a try may have gone. One left waiting may have."""
    from app.store.database import _MIGRATIONS

    path = tmp_path / "thirteen.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, 14):
        raw.executescript(_MIGRATIONS[step])
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    complete = json.dumps({"kind": "complete", "flow": "documented"})
    reject = json.dumps({"kind": "reject", "request": {"message": "No"}})
    for order_id, action, state, request in (
        ("waiting", "complete", "pending", complete),
        ("refused", "complete", "failed", complete),
        ("done", "complete", "done", complete),
        ("rejecting", "reject", "pending", reject),
    ):
        raw.execute(
            "INSERT INTO journal (order_id, action, state, request, created_at, updated_at,"
            " may_have_gone) VALUES (?, ?, ?, ?, ?, ?, 0)",
            (order_id, action, state, request, now, now),
        )
    raw.execute("PRAGMA user_version = 13")
    raw.commit()
    raw.close()
    journal = Journal(Database(path))
    gone = {o: journal.entries(o)[0].may_have_gone for o in ("waiting", "refused", "done")}
    assert gone == {"waiting": True, "refused": True, "done": False}
    assert not journal.entries("rejecting")[0].may_have_gone  # marked by 13 already


#: A step of each kind a version began marking the tries of, as an older version wrote it.
_UNMARKED_UNTIL = {
    # Schema 16: an invitation is sent again, where Berke does not count its invitations,
    # only when no try may have gone. Read as never sent, one left waiting emailed the
    # candidate a second time.
    15: ("invite", {"sourceCandidateId": "C-1", "emailAddress": "a@b.test"}),
    # Schema 18: an assessment a create's retry finds in Berke is taken for its own (never
    # invited) only when a try may have gone. Read as refused on every try, its invitation
    # was asked about as another desk's.
    17: (
        "create_assessment",
        {
            "firstName": "Ada",
            "lastName": "Ng",
            "emailAddress": "a@b.test",
            "sourceCandidateId": "C-1",
        },
    ),
}


@pytest.mark.parametrize("version", sorted(_UNMARKED_UNTIL))
def test_a_step_an_older_version_left_waiting_may_have_gone(tmp_path: Path, version: int) -> None:
    """Versions up to ``version`` did not mark the tries of this kind of step: one left
    waiting, or failed, may have gone."""
    from app.store.database import _MIGRATIONS

    action, request = _UNMARKED_UNTIL[version]
    path = tmp_path / "older.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, version + 1):
        raw.executescript(_MIGRATIONS[step])
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    written = json.dumps({"kind": action, "request": request})
    for order_id, state in (("waiting", "pending"), ("failed", "failed"), ("done", "done")):
        raw.execute(
            "INSERT INTO journal (order_id, action, state, request, created_at, updated_at,"
            " may_have_gone) VALUES (?, ?, ?, ?, ?, ?, 0)",
            (order_id, action, state, written, now, now),
        )
    raw.execute(f"PRAGMA user_version = {version}")
    raw.commit()
    raw.close()
    journal = Journal(Database(path))
    gone = {o: journal.entries(o)[0].may_have_gone for o in ("waiting", "failed", "done")}
    assert gone == {"waiting": True, "failed": True, "done": False}


def test_a_schema_16_file_keeps_berkes_side_and_can_say_it_is_not_known(tmp_path: Path) -> None:
    """Schema 17: Berke's status answer may leave out where the assessment stands; recorded
    "not started", a completed assessment could be deleted. What was recorded stays."""
    from app.domain.berke_progress import BerkeProgress
    from app.store.berke_watch import BerkeWatchStore
    from app.store.database import _MIGRATIONS

    path = tmp_path / "sixteen.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, 17):
        raw.executescript(_MIGRATIONS[step])
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    raw.execute(
        "INSERT INTO berke_status (source_candidate_id, progress, completed_at, checked_at,"
        " completed) VALUES ('AD-1', 'complete', ?, ?, '{}')",
        (now, now),
    )
    raw.execute("PRAGMA user_version = 16")
    raw.commit()
    raw.close()
    db = Database(path)
    store = BerkeWatchStore(db)
    assert store.progress("ad-1") is BerkeProgress.COMPLETE  # ids still compared without case
    store.record("AD-1", BerkeProgress.UNKNOWN)
    assert store.progress("AD-1") is BerkeProgress.COMPLETE  # never back from complete
    store.record("AD-2", BerkeProgress.UNKNOWN)
    assert store.progress("AD-2") is BerkeProgress.UNKNOWN
    with db.reading() as conn:
        assert conn.execute("SELECT completed FROM berke_status WHERE source_candidate_id"
                            " = 'AD-1'").fetchone()[0] == "{}"  # fmt: skip
    db.close()


def test_a_berke_completion_kept_without_a_zone_is_read_as_utc(tmp_path: Path) -> None:
    """Kept so before Berke's zoneless times were read as UTC: the inbox read it as UTC, the
    detail pane as local time."""
    from app.store.berke_watch import berke_state

    db = Database(tmp_path / "desk.sqlite3")
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO berke_status (source_candidate_id, progress, completed_at, checked_at)"
            " VALUES ('AD-1', 'complete', '2026-03-29T10:00:00', ?)",
            (datetime.now(UTC).isoformat(),),
        )
    with db.reading() as conn:
        state = berke_state(conn.execute("SELECT * FROM berke_status").fetchone())
    assert state is not None
    assert state.completed_at == datetime(2026, 3, 29, 10, tzinfo=UTC)  # naive: never equal
    db.close()


def _reject_step() -> RejectStep:
    return RejectStep(request=RejectRequest(message="Duplicate order"))


def test_a_waiting_step_is_cancelled_once_and_only_while_it_waits(tmp_path: Path) -> None:
    """The coordinator's cancel is one conditional write: it wins only over a step still
    pending, so a step the resumer finished (or failed) meanwhile is never marked cancelled,
    and a second cancel says it changed nothing. The restart reads it cancelled: never
    pending again, so never resumed."""
    path = tmp_path / "desk.sqlite3"
    db = Database(path)
    journal = Journal(db)
    waiting = journal.begin("o", _reject_step())
    sent = journal.begin("p", _reject_step())
    journal.finish(sent, OrderUpdated(status=OrderStatus.REJECTED))
    assert journal.cancel(waiting, "Cancelled by the coordinator.")
    assert not journal.cancel(waiting, "again")
    assert not journal.cancel(sent, "too late")
    journal.note(waiting, "Try again later.")  # a late note of the resumer's changes nothing
    db.close()

    journal = Journal(Database(path))  # a restart
    (cancelled,) = journal.entries("o")
    assert cancelled.state is StepState.CANCELLED
    assert cancelled.message == "Cancelled by the coordinator."
    assert journal.pending() == []
    assert journal.pending_kinds("o") == set()
    assert journal.entries("p")[0].state is StepState.DONE


def test_a_schema_19_journal_keeps_its_steps_and_their_ids_and_can_hold_a_cancel(
    tmp_path: Path,
) -> None:
    """Schema 20: a step may be 'cancelled' (SQLite changes a CHECK only by building the table
    again). Every step is kept as it was, and a new one never takes an old one's id."""
    from app.store.database import _MIGRATIONS

    path = tmp_path / "nineteen.sqlite3"
    raw = sqlite3.connect(path)
    for step in range(1, 20):
        raw.executescript(_MIGRATIONS[step])
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    written = dumps(_reject_step())
    for step_id, state, gone in ((3, "pending", 1), (7, "done", 0), (9, "failed", 1)):
        raw.execute(
            "INSERT INTO journal (id, order_id, action, state, request, created_at, updated_at,"
            " asked_at, may_have_gone) VALUES (?, 'o', 'reject', ?, ?, ?, ?, ?, ?)",
            (step_id, state, written, now, now, now, gone),
        )
    raw.execute("DELETE FROM journal WHERE id = 9")  # the sequence stays at 9
    raw.execute("PRAGMA user_version = 19")
    raw.commit()
    raw.close()
    db = Database(path)
    journal = Journal(db)
    kept = {(e.id, e.state, e.may_have_gone) for e in journal.entries("o")}
    assert kept == {(3, StepState.PENDING, True), (7, StepState.DONE, False)}
    assert journal.cancel(3, "Cancelled by the coordinator.")
    assert journal.begin("o", _reject_step()) > 9
    with db.reading() as conn:
        indexes = {row[1] for row in conn.execute("PRAGMA index_list(journal)")}
    assert {"journal_by_order", "journal_pending", "journal_by_action"} <= indexes
    db.close()


_DAMAGED_THEN = "2026-03-01T09:00:00.000+00:00"


def _linked_order_with(db: Database, order_id: str, code: str, outcome: str) -> None:
    step = CreateAssessmentStep(
        request=CreateAssessmentRequest(
            first_name="Zoë", last_name="Müller", source_candidate_id=f"AD-{code}"
        )
    )
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO journal (order_id, action, state, request, outcome, created_at,"
            " updated_at) VALUES (?, 'create_assessment', 'done', ?, ?, ?, ?)",
            (order_id, dumps(step), outcome, _DAMAGED_THEN, _DAMAGED_THEN),
        )
        conn.execute(
            "INSERT INTO assessments (order_id, source_candidate_id, invitation_code,"
            " assessment_url, created_at) VALUES (?, ?, ?, ?, ?)",
            (order_id, f"AD-{code}", code, f"https://berke.test/a/{code}", _DAMAGED_THEN),
        )


def test_one_create_step_with_an_outcome_that_is_not_json_does_not_hide_every_order(
    tmp_path: Path,
) -> None:
    """Whether an order's assessment was found in Berke is read by SQLite's json_extract,
    which raised "malformed JSON" on one damaged row: no order's state could be read, and the
    cached inbox did not load. The journal's own reading keeps such a row as unreadable."""
    db = Database(tmp_path / "desk.sqlite3")
    try:
        good = (
            '{"kind": "assessment_linked", "link": {"order_id": "fine", "source_candidate_id":'
            ' "AD-FINE", "invitation_code": "FINE", "assessment_url":'
            ' "https://berke.test/a/FINE", "created_at": "'
            + _DAMAGED_THEN
            + '"}, "recovered": false}'
        )
        _linked_order_with(db, "fine", "FINE", good)
        _linked_order_with(db, "odd", "ODD1", "{not json")  # a damaged row
        # The journal itself reads the odd row, as unreadable, and goes on.
        assert len(Journal(db).entries("odd")) == 1
        states = load_states(db)  # every order's state: the cached inbox at start
        assert states["fine"].link is not None
        assert states["odd"].link is not None
        assert not states["odd"].found_in_berke
        assert load_states(db, ["fine"])["fine"].link is not None
    finally:
        db.close()
