"""A working day's first frame reads the cached inbox without the models
(``app.store.inbox_rows``): its rows must be the ones the models' reading gives, for every shape
the cache holds, and whatever it does not read as the models would, it leaves to them."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.domain.attention import Attention, AttentionRules, flags_for
from app.domain.berke import SendInvitationRequest
from app.domain.berke_progress import BerkeProgress
from app.domain.journal import InviteStep
from app.domain.order_state import NO_STATE, NO_STATE_SUMMARY
from app.domain.order_summary import NotAsExpectedError, summarize, summarize_stored
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.step_kinds import ENDED_UNSENT, StepKind, StepState
from app.domain.uploads import UploadState
from app.store.berke_watch import BerkeWatchStore
from app.store.database import Database, utc_now
from app.store.inbox_rows import (
    INVITATIONS_IN_DOUBT,
    INVITATIONS_IN_DOUBT_PARAMETERS,
    InboxRows,
    read_inbox_rows,
)
from app.store.journal import Journal
from app.store.order_cache import OrderCache, listing_json, upsert_order
from app.store.results import ResultStore
from app.views.order_rows import OrderRow, order_row, summary_row
from app.workflows.cached_inbox import read_cached_inbox

#: A failed step, as its row and flag say it ("Invitation not sent").
NOT_DONE = {kind.not_done for kind in StepKind}


def _order(order_id: str, **fields: Any) -> dict[str, Any]:
    return {"id": order_id, "status": "NEW", "candidate": {"id": f"c-{order_id}"}, **fields}


#: Orders as SmartRecruiters' listings give them (and so as the cache keeps them): the models
#: read each of them, and so must the first frame, to the same row.
LISTED = [
    _order(
        "full",
        status="IN_PROGRESS",
        createDate="2026-11-30T14:05:00.123+0000",
        candidate={"id": "c1", "firstName": "Ana", "lastName": "Lima", "email": "ana@x.org"},
        job={"id": "j1", "name": "Welder", "industry": {"id": "i", "label": "Metal"}},
        company={"name": "Acme"},
        requestor={"firstName": "Rui", "email": "rui@acme.org"},
        offer={"catalogId": "cat-1", "name": "Numerical"},
        lastUpdateDate="2026-12-01T08:00:00.000+0000",
    ),
    _order("lowercase status", status="completed"),
    _order("zulu", createDate="2026-11-30T14:05:00Z"),
    _order("offset with colon", createDate="2026-11-30T23:30:00+05:30"),
    _order("no offset", createDate="2026-11-30T14:05:00"),
    _order("no seconds", createDate="2026-11-30T14:05"),
    _order("date only", createDate="2026-11-30"),
    _order("microseconds", createDate="2026-11-30T14:05:00.123456-0300"),
    _order("null date", createDate=None),
    _order("spaces", candidate={"id": " c2 ", "firstName": "\u00a0Bea\u2003", "lastName": " Sá"}),
    _order("unicode control", candidate={"id": "c3", "firstName": "\x1cCy\x1c"}),
    _order("python names", candidate={"id": "c4", "first_name": "Di", "last_name": "Do"}),
    _order("alias wins", candidate={"id": "c5", "firstName": "Ed", "first_name": "Not"}),
    _order("null email", candidate={"id": "c6", "email": None}),
    _order("null job", job=None, company=None, requestor=None),
    _order("empty job", job={}, company={"id": "x"}, requestor={"lastName": "Only"}),
    _order("requestor nulls", requestor={"firstName": None, "lastName": None}),
    _order("unknown fields", somethingNew={"a": [1, 2]}, candidate={"id": "c7", "x": 1}),
    _order("create_date by name", create_date="2026-11-29T10:00:00.000+0000"),
    _order("a day after year 1 began", createDate="0001-01-02T00:00:00Z"),
    _order("a day before year 9999 ends", createDate="9999-12-30T12:00:00+05:00"),
]


def _orders_table(db: Database, listed: list[dict[str, Any]]) -> None:
    """The orders as a listing's merge stores them: their own JSON."""
    with db.transaction() as conn:
        for item in listed:
            order = AssessmentOrder.model_validate(item)
            upsert_order(conn, order, utc_now(), data=listing_json(item))


def _local_state(db: Database) -> None:
    """Links, steps, uploads, Berke's side and a gone order: every part of a row's state."""
    now = utc_now()
    links = [("full", "B-1", "INV-1"), ("zulu", "b-2", "INV-2"), ("spaces", "B-3", "INV-3")]
    steps = [
        ("full", "create_assessment", "done"),
        ("full", "accept", "failed"),
        ("full", "invite", "pending"),
        ("zulu", "accept", "failed"),
        ("zulu", "accept", "done"),  # a Retry finished it: not failed any more
        ("zulu", "upload", "pending"),
        ("no offset", "complete", "failed"),
        ("no offset", "create_result", "failed"),
        ("date only", "a_step_of_a_newer_version", "failed"),
        ("a link without its order", "accept", "pending"),
    ]
    with db.transaction() as conn:
        for order_id, berke_id, code in links:
            conn.execute(
                "INSERT INTO assessments (order_id, source_candidate_id, invitation_code,"
                " assessment_url, created_at) VALUES (?, ?, ?, ?, ?)",
                (order_id, berke_id, code, f"https://berke.example/{code}", now),
            )
        for order_id, action, state in steps:
            conn.execute(
                "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
                " VALUES (?, ?, ?, '{}', ?, ?)",
                (order_id, action, state, now, now),
            )
    results = ResultStore(db)
    uploading = results.enqueue("null job", "/tmp/report.pdf", "report.pdf", 10)
    done = results.enqueue("empty job", "/tmp/report.pdf", "report.pdf", 10)
    results.set_state(done.id, UploadState.DONE)
    results.set_state(uploading.id, UploadState.UPLOADING)
    results.enqueue("microseconds", "/tmp/other.pdf", "other.pdf", 10)  # queued
    watch = BerkeWatchStore(db)
    completed = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    watch.record("B-1", BerkeProgress.COMPLETE, completed_at=completed)
    watch.record("B-2", BerkeProgress.STARTED)  # Berke's id in another case than the link's
    OrderCache(db).mark_gone(["null date"], datetime(2026, 12, 1, tzinfo=UTC))


def _rows_by_models(db: Database) -> dict[str, OrderRow]:
    inbox = read_cached_inbox(db)
    return {o.id: order_row(o, inbox.states.get(o.id, NO_STATE)) for o in inbox.orders}


def _rows_peeked(inbox: InboxRows) -> dict[str, OrderRow]:
    return {o.id: summary_row(o, inbox.states.get(o.id, NO_STATE_SUMMARY)) for o in inbox.orders}


def _failed_flags_by_models(db: Database) -> dict[str, str]:
    """Each order's "Failed: …" flag (its short words), as the order board raises it once the
    models are read; "" without one. The first frame shows no flags (nor does its models'
    reading, ``CachedOrders``): the cell it shows must say what the flag will."""
    inbox = read_cached_inbox(db)
    said = {}
    for o in inbox.orders:
        state = inbox.states.get(o.id, NO_STATE)
        flags = flags_for(o, state, datetime.now(UTC), AttentionRules())
        said[o.id] = next((f.short for f in flags if f.kind is Attention.STEP_FAILED), "")
    return said


def _assert_the_cells_say_the_flags(rows: dict[str, OrderRow], flags: dict[str, str]) -> None:
    for order_id, row in rows.items():
        assert row.attention == ""  # the first frame shows no flags
        first = row.activity.split("; ")[0]
        failed = first if first and set(first.split(", ")) <= NOT_DONE else ""
        assert flags[order_id] == failed, order_id


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    return tmp_path / "assessment-desk-day.sqlite3"


def test_the_first_frame_reads_the_rows_the_models_read(data_file: Path) -> None:
    db = Database(data_file)
    try:
        _orders_table(db, LISTED)
        _local_state(db)
        by_models = _rows_by_models(db)
        flags = _failed_flags_by_models(db)
    finally:
        db.close()
    peeked = read_inbox_rows(data_file)
    assert peeked is not None
    assert peeked.path == data_file
    assert _rows_peeked(peeked) == by_models
    _assert_the_cells_say_the_flags(_rows_peeked(peeked), flags)
    assert flags["no offset"] == "Order not completed, Result not created"
    # The state's every part was read, not only left empty on both sides.
    rows = _rows_peeked(peeked)
    assert rows["full"].activity == "Order not accepted"
    assert rows["full"].berke.startswith("Complete · 2026-11-30T16:00")
    assert (rows["zulu"].assessment, rows["zulu"].activity) == (
        "INV-2",
        "Under way: Upload attachment",
    )
    assert rows["zulu"].berke == "Started"
    assert rows["null job"].activity == "Uploading files"
    assert rows["microseconds"].activity == "Uploading files"
    assert rows["empty job"].activity == ""
    assert rows["null date"].gone
    assert rows["spaces"].candidate == "Bea Sá"


def test_an_invitation_that_may_have_gone_is_not_said_failed_in_the_first_frame(
    data_file: Path,
) -> None:
    """Killed while its invitation went, with no count from Berke, the step failed "may have
    gone" (not sent again). Before, its row said "Failed: Send Berke invitation", in the first
    frame and after, where the pane says it may have been sent."""
    invitation = SendInvitationRequest(source_candidate_id="B-1", email_address="ana@x.org")
    db = Database(data_file)
    try:
        _orders_table(db, [LISTED[0], LISTED[2]])
        journal = Journal(db)
        for order_id, gone in (("full", True), ("zulu", False)):
            step_id = journal.begin(order_id, InviteStep(request=invitation))
            journal.fail(step_id, "Not sent again.", may_have_gone=gone)
        by_models = _rows_by_models(db)
        flags = _failed_flags_by_models(db)
    finally:
        db.close()
    peeked = read_inbox_rows(data_file)
    assert peeked is not None
    assert _rows_peeked(peeked) == by_models
    # No "Failed" flag where it may have gone; one where it never left.
    _assert_the_cells_say_the_flags(_rows_peeked(peeked), flags)
    assert flags == {"full": "", "zulu": "Invitation not sent"}
    assert by_models["full"].activity == "Invitation may have been sent"
    assert by_models["zulu"].activity == "Invitation not sent"  # it never left


def test_an_invitation_cancelled_after_a_try_that_may_have_gone_reads_the_same(
    data_file: Path,
) -> None:
    """A waiting invitation the coordinator cancelled after a try whose answer was lost may
    have gone as much as a failed one: the first frame found failed ones only, and said
    nothing where the models, a moment later, said it may have been sent."""
    invitation = SendInvitationRequest(source_candidate_id="B-1", email_address="ana@x.org")
    db = Database(data_file)
    try:
        _orders_table(db, [LISTED[0], LISTED[2]])
        journal = Journal(db)
        for order_id, gone in (("full", True), ("zulu", False)):
            step_id = journal.begin(order_id, InviteStep(request=invitation))
            journal.note(step_id, "Berke is down: sent later.", may_have_gone=gone)
            assert journal.cancel(step_id, "Cancelled by the coordinator.")
        by_models = _rows_by_models(db)
    finally:
        db.close()
    peeked = read_inbox_rows(data_file)
    assert peeked is not None
    assert _rows_peeked(peeked) == by_models
    assert by_models["full"].activity == "Invitation may have been sent"
    assert by_models["zulu"].activity == ""  # it never left: as before it was asked


def test_the_invitations_in_doubt_query_names_the_models_states(data_file: Path) -> None:
    """The first frame's query finds an invite step that may have gone in the states
    ``step_kinds.ENDED_UNSENT`` names (failed, cancelled: in doubt, not waiting), from that
    constant and not from a copy of its states written in SQL."""
    db = Database(data_file)
    try:
        with db.transaction() as conn:
            now = utc_now()
            for state in StepState:  # one order per state, its one invite step "may have gone"
                conn.execute(
                    "INSERT INTO journal (order_id, action, state, request, created_at,"
                    " updated_at, may_have_gone) VALUES (?, ?, ?, '{}', ?, ?, 1)",
                    (state.value, StepKind.INVITE.value, state.value, now, now),
                )
            found = {
                row[0]
                for row in conn.execute(INVITATIONS_IN_DOUBT, INVITATIONS_IN_DOUBT_PARAMETERS)
            }
    finally:
        db.close()
    assert found == {state.value for state in ENDED_UNSENT}


def test_the_orders_the_desk_writes_itself_read_the_same(data_file: Path) -> None:
    """A state-changing call's answer is stored as the model writes it (``order_json``)."""
    db = Database(data_file)
    try:
        OrderCache(db).merge([AssessmentOrder.model_validate(item) for item in LISTED])
        by_models = _rows_by_models(db)
    finally:
        db.close()
    peeked = read_inbox_rows(data_file)
    assert peeked is not None
    assert _rows_peeked(peeked) == by_models


@pytest.mark.parametrize("item", LISTED, ids=[item["id"] for item in LISTED])
def test_each_listed_shape_is_summarized_as_its_model_is(item: dict[str, Any]) -> None:
    stored = json.loads(listing_json(item))
    assert summarize_stored(stored) == summarize(AssessmentOrder.model_validate(stored))


#: Orders the first frame does not read (the models read some of them, some not at all).
NOT_READ_HERE = [
    _order("a number for a time", createDate=1764511500),
    _order("a space for the T", createDate="2026-11-30 14:05:00"),
    _order("nanoseconds", createDate="2026-11-30T14:05:00.123456789Z"),
    _order("not a date", createDate="2026-13-45T99:00:00Z"),
    # Times a datetime holds but cannot move to UTC or a local zone (OverflowError there): the
    # models refuse them too (app.domain.service_time).
    _order("before year 1 in UTC", createDate="0001-01-01T00:00:00+01:00"),
    _order("after year 9999 in UTC", createDate="9999-12-31T23:59:59-01:00"),
    _order("year 1's first day", createDate="0001-01-01T12:00:00Z"),
    # Offsets fromisoformat reads and pydantic does not (minutes past 59).
    _order("offset of 60 minutes", createDate="2026-11-30T14:05:00+0060"),
    _order("offset of 99 minutes", createDate="2026-11-30T14:05:00+00:99"),
    _order("offset of 12 h 99", createDate="2026-11-30T14:05:00-1299"),
    # Refused by this Python and pydantic; a later Python's fromisoformat may take it.
    _order("hour 24", createDate="2026-11-30T24:00:00Z"),
    # Not in the row, but the models drop an order whose last update they cannot read.
    _order("last update not a time", lastUpdateDate="yesterday"),
    _order("last update out of range", lastUpdateDate="9999-12-31T23:59:59-01:00"),
    _order("unknown status", status="ARCHIVED"),
    _order("status with spaces", status=" NEW "),
    _order("null first name", candidate={"id": "c", "firstName": None}),
    _order("a number for a name", candidate={"id": "c", "lastName": 7}),
    _order("job as text", job="Welder"),
    _order("null job name", job={"name": None}),
    {"id": "no candidate", "status": "NEW"},
    {"status": "NEW", "candidate": {"id": "c"}},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("stored", NOT_READ_HERE, ids=repr)
def test_what_is_not_read_here_is_said_and_left_to_the_models(stored: object) -> None:
    with pytest.raises(NotAsExpectedError):
        summarize_stored(stored)


def test_one_order_not_read_here_leaves_the_whole_inbox_to_the_models(data_file: Path) -> None:
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:3])
        with db.transaction() as conn:  # the models read it: a number is a Unix time to them
            conn.execute(
                "UPDATE orders SET data = ? WHERE id = 'zulu'",
                (json.dumps(_order("zulu", createDate=1764511500)),),
            )
        assert len(read_cached_inbox(db).orders) == 3
    finally:
        db.close()
    assert read_inbox_rows(data_file) is None


@pytest.mark.parametrize("field", ["createDate", "lastUpdateDate"])
@pytest.mark.parametrize(
    "time", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01"]
)
def test_an_order_kept_with_a_time_out_of_range_is_skipped_by_both_readings(
    data_file: Path, field: str, time: str
) -> None:
    """A copy kept before the models refused such times: the models skip it, and the first frame
    leaves the inbox to them rather than raising OverflowError on the way to its rows."""
    with pytest.raises(ValueError, match="out of range"):
        AssessmentOrder.model_validate(_order("old", **{field: time}))
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:2])
        with db.transaction() as conn:
            conn.execute(
                "UPDATE orders SET data = ? WHERE id = 'full'",
                (json.dumps(_order("full", **{field: time})),),
            )
        assert [o.id for o in read_cached_inbox(db).orders] == [LISTED[1]["id"]]
    finally:
        db.close()
    assert read_inbox_rows(data_file) is None


@pytest.mark.parametrize("folder", ["with space", "what?", "hash#tag", "per%20cent", "ümlaut"])
def test_a_data_file_in_a_folder_of_any_name_is_read(tmp_path: Path, folder: str) -> None:
    """The file is opened by a file: URI (read-only): characters a URI gives a meaning to
    must name the file, not a query or a fragment, and must never create another file."""
    data_file = tmp_path / folder / "assessment-desk-day.sqlite3"
    data_file.parent.mkdir()
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:3])
    finally:
        db.close()
    peeked = read_inbox_rows(data_file)
    assert peeked is not None
    assert [o.id for o in peeked.orders] == [item["id"] for item in LISTED[:3]]
    # SQLite's own -wal and -shm beside it are the data file's: nothing else is made.
    made = {p.name.removeprefix(data_file.name) for p in tmp_path.rglob("*") if p.is_file()}
    assert made <= {"", "-wal", "-shm"}


def test_a_data_file_named_relatively_is_read(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:1])
    finally:
        db.close()
    monkeypatch.chdir(data_file.parent)
    peeked = read_inbox_rows(Path(data_file.name))
    assert peeked is not None
    assert [o.id for o in peeked.orders] == ["full"]


def test_a_data_file_of_another_schema_or_none_is_left_to_the_models(data_file: Path) -> None:
    assert read_inbox_rows(data_file) is None
    assert not data_file.exists()  # never created here
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:2])
    finally:
        db.close()
    assert read_inbox_rows(data_file) is not None
    with sqlite3.connect(data_file) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {version - 1}")  # brought up to date by the models
    assert read_inbox_rows(data_file) is None
    data_file.write_bytes(b"not a database, half a copy" * 100)
    assert read_inbox_rows(data_file) is None


def test_a_value_of_another_type_than_its_column_is_left_to_the_models(data_file: Path) -> None:
    """SQLite keeps a BLOB in a TEXT column: no AttributeError out of the first frame's reading
    (another program's write; the desk writes text)."""
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:1])
        _local_state(db)
        with db.transaction() as conn:
            conn.execute("UPDATE assessments SET source_candidate_id = X'4231'")
    finally:
        db.close()
    assert read_inbox_rows(data_file) is None


def test_a_data_file_that_cannot_be_looked_at_is_left_to_the_models(
    data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the desk may not search (EACCES, which ``is_file`` raises rather than answers;
    injected: the tests may run as root)."""

    def refused(self: Path) -> bool:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "is_file", refused)
    assert read_inbox_rows(data_file) is None


def test_the_reading_writes_nothing(data_file: Path, tmp_path: Path) -> None:
    """A data file as a crash left it, its last writes in the WAL beside it: the reading sees
    them and leaves both files as they were. Opened to write, its close would have moved the
    WAL into the file (a checkpoint) and deleted it."""
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:2])
        _orders_table(db, LISTED[2:4])  # small writes stay in the WAL while the desk runs
        crashed = tmp_path / "crash" / data_file.name
        crashed.parent.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{data_file}{suffix}", f"{crashed}{suffix}")
    finally:
        db.close()
    wal = Path(f"{crashed}-wal")
    before = crashed.read_bytes(), wal.read_bytes()
    assert before[1]  # the case at hand: writes not in the file yet
    peeked = read_inbox_rows(crashed)
    assert peeked is not None
    assert [o.id for o in peeked.orders] == [item["id"] for item in LISTED[:4]]
    assert wal.exists(), "the WAL was checkpointed: the file was opened to write"
    assert (crashed.read_bytes(), wal.read_bytes()) == before


def test_a_step_kind_the_rows_name_is_one_the_journal_knows() -> None:
    from app.domain import journal_terms

    assert journal_terms.StepKind is StepKind


def test_berkes_completion_kept_with_a_time_out_of_range_still_shows_its_row(
    data_file: Path,
) -> None:
    """Berke's side is kept as text (``berke_status``): one written before the models refused
    such times shows as written, in both readings, rather than raising OverflowError."""
    db = Database(data_file)
    try:
        _orders_table(db, LISTED[:1])
        _local_state(db)
        with db.transaction() as conn:
            conn.execute(
                "UPDATE berke_status SET completed_at = '0001-01-01T00:00:00+01:00'"
                " WHERE source_candidate_id = 'B-1'"
            )
        by_models = _rows_by_models(db)
    finally:
        db.close()
    peeked = read_inbox_rows(data_file)
    assert peeked is not None
    assert _rows_peeked(peeked) == by_models
    assert by_models["full"].berke.endswith("0001-01-01T00:00:00.000+01:00")
