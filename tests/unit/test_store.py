"""The SQLite store: WAL, merge de-duplicates, atomic finish, schema version."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.journal import (
    AssessmentLinked,
    CreateAssessmentStep,
    InviteStep,
    LinkedAssessment,
    StepState,
)
from app.domain.smartrecruiters import AssessmentOrder
from app.store.database import SCHEMA_VERSION, Database
from app.store.journal import Journal
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


def test_an_upload_keeps_when_its_bytes_first_began_to_go(tmp_path: Path) -> None:
    """Any try since the first may have reached the service: a late cancel's check looks
    for the file from the first try on. A cancelled upload is not marked sending."""
    from app.domain.attachments import CANCELLABLE, UploadState
    from app.store.results import ResultStore

    db = Database(tmp_path / "desk.sqlite3")
    results = ResultStore(db)
    upload = results.enqueue("order-1", "/tmp/r.pdf", "r.pdf", 10)
    assert upload.sending_since is None
    first = results.start_sending(upload.id, "order-1", "10:1:aa")
    assert first is not None
    assert first.sending_since is not None
    results.set_state(upload.id, UploadState.QUEUED)  # a transient failure: tried again
    second = results.start_sending(upload.id, "order-1", "10:2:bb")
    assert second is not None
    assert (second.sending_since, second.fingerprint) == (first.sending_since, "10:2:bb")
    results.move(upload.id, "order-1", CANCELLABLE, UploadState.CANCELLED)
    assert results.start_sending(upload.id, "order-1", "10:3:cc") is None
    db.close()


def test_migration_7_takes_an_old_upload_as_maybe_sent_since_it_was_queued(
    tmp_path: Path,
) -> None:
    """An older version kept no times: a retry of its upload looks for the file on the result
    (as it did then), from when it was queued."""
    from app.store.database import _MIGRATIONS
    from app.store.results import ResultStore

    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    for version in range(1, 7):
        raw.executescript(_MIGRATIONS[version])
    raw.execute(
        "INSERT INTO uploads (order_id, path, file_name, size, state, created_at, updated_at)"
        " VALUES ('o', '/tmp/r.pdf', 'r.pdf', 10, 'cancelled', '2026-01-01T00:00:00+00:00',"
        " '2026-01-01T00:00:00+00:00')"
    )
    raw.execute("PRAGMA user_version = 6")
    raw.commit()
    raw.close()
    db = Database(path)
    (old,) = ResultStore(db).for_order("o")
    assert (old.sending_since, old.fingerprint) == (None, None)
    assert old.delivered_at == old.created_at
    db.close()
