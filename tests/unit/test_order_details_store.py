"""Orders' details kept with the lastUpdateDate they are true for and when they were read
(migration 5): standing for a completed or rejected order only, for ``KEPT_FOR``."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.order_details import KEPT_FOR, OrderDetails
from app.domain.smartrecruiters import AssessmentComment, AssessmentResult, Attachment
from app.store.database import _MIGRATIONS, SCHEMA_VERSION, Database
from app.store.order_details import OrderDetailStore
from tests.snapshot_samples import order

MOVED = "2025-03-05T10:00:00.000+0000"


def comments(*texts: str) -> list[AssessmentComment]:
    return [AssessmentComment(message=t) for t in texts]


def test_details_are_current_until_the_order_moves(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.sqlite3")
    store = OrderDetailStore(db)
    first = order(1, status="COMPLETED", lastUpdateDate="2025-03-01T09:00:00.000+0000")
    other = order(2)  # no lastUpdateDate: never shown unchanged
    assert first.last_update_date is not None
    result = AssessmentResult(id="r1", result_type="DOCUMENT", result="report")
    store.keep(first.id, OrderDetails(first.last_update_date, comments("hi"), [result]))
    store.keep(other.id, OrderDetails(datetime(2025, 1, 1, tzinfo=UTC), comments("x"), []))
    kept = store.current([first, other])
    assert list(kept) == [first.id]
    assert [c.message for c in kept[first.id].comments or []] == ["hi"]
    assert kept[first.id].results == [result]
    assert kept[first.id].files is None  # never listed: asked when files are saved

    # The same instant in another offset is the same lastUpdateDate.
    same = order(1, status="COMPLETED", lastUpdateDate="2025-03-01T10:00:00.000+0100")
    assert list(store.current([same])) == [first.id]
    # The order changed (rejected after all, completed again): no longer current.
    assert store.current([order(1, status="COMPLETED", lastUpdateDate=MOVED)]) == {}
    db.close()


def test_an_open_orders_details_are_never_taken_as_still_its_own(tmp_path: Path) -> None:
    """An unchanged lastUpdateDate was taken to mean unchanged comments and results, as only
    the sandbox makes it: a recruiter's comment need not move it (the reference makes
    comments a resource of their own), and every later snapshot showed the comments of the
    first. An open order, where comments and results come, is asked each time."""
    db = Database(tmp_path / "d.sqlite3")
    store = OrderDetailStore(db)
    stamp = "2025-03-01T09:00:00.000+0000"
    for status in ("NEW", "IN_PROGRESS", "COMPLETED", "REJECTED"):
        held = order(1, status=status, lastUpdateDate=stamp)
        assert held.last_update_date is not None
        store.keep(held.id, OrderDetails(held.last_update_date, comments("hi"), []))
        assert bool(store.current([held])) is held.status.is_final, status
    db.close()


def test_a_final_orders_details_stand_only_for_a_while(tmp_path: Path) -> None:
    """A completed order may still be commented on: what was read stands for it only for
    ``KEPT_FOR``, from the earlier read of its parts."""
    db = Database(tmp_path / "d.sqlite3")
    store = OrderDetailStore(db)
    done = order(1, status="COMPLETED", lastUpdateDate="2025-03-01T09:00:00.000+0000")
    assert done.last_update_date is not None
    read = (datetime.now(UTC) - timedelta(minutes=5)).replace(microsecond=0)
    store.keep(done.id, OrderDetails(done.last_update_date, comments("a"), None, read_at=read))
    assert list(store.current([done])) == [done.id]
    assert store.current([done], read + KEPT_FOR) == {}
    assert store.current([done], read - timedelta(seconds=1)) == {}  # a clock put back
    # The results, read later, join comments read at ``read``: together, as old as those.
    store.keep(done.id, OrderDetails(done.last_update_date, None, [], read_at=datetime.now(UTC)))
    kept = store.current([done])[done.id]
    assert (kept.comments, kept.results, kept.read_at) == (comments("a"), [], read)
    assert store.current([done], read + KEPT_FOR) == {}
    db.close()


def test_parts_fetched_later_join_those_kept_and_a_stale_row_is_replaced(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.sqlite3")
    store = OrderDetailStore(db)
    at = datetime(2025, 3, 1, 9, tzinfo=UTC)
    current = order(1, status="COMPLETED", lastUpdateDate="2025-03-01T09:00:00.000+0000")
    store.keep(current.id, OrderDetails(at, comments("a"), None))  # results failed
    store.keep(current.id, OrderDetails(at, None, [], {"r1": [Attachment(id="f1")]}))
    kept = store.current([current])[current.id]
    assert [c.message for c in kept.comments or []] == ["a"]
    assert kept.results == []
    assert kept.files == {"r1": [Attachment(id="f1")]}

    later = at + timedelta(days=4, hours=1)
    store.keep(current.id, OrderDetails(later, comments("b"), None))
    moved = order(1, status="COMPLETED", lastUpdateDate=MOVED)
    replaced = store.current([moved])[moved.id]
    assert [c.message for c in replaced.comments or []] == ["b"]
    assert replaced.results is None  # the older results were for another lastUpdateDate
    assert replaced.files is None
    db.close()


def test_a_row_that_no_longer_reads_is_asked_again(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.sqlite3")
    current = order(1, status="COMPLETED", lastUpdateDate="2025-03-01T09:00:00.000+0000")
    now = datetime.now(UTC).isoformat()
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO order_details VALUES (?, ?, ?, ?, NULL, ?)",
            (current.id, "2025-03-01T09:00:00.000+00:00", "not json", "[]", now),
        )
        conn.execute(
            "INSERT INTO order_details VALUES ('order-002', 'garbage', '[]', '[]', NULL, ?)",
            (now,),
        )
        # Read at a time that does not read: of any age, so of no use.
        conn.execute(
            "INSERT INTO order_details VALUES ('order-003', ?, '[]', '[]', NULL, 'x')",
            (MOVED.replace("+0000", "+00:00"),),
        )
    later = [order(2, lastUpdateDate=MOVED), order(3, lastUpdateDate=MOVED)]
    kept = OrderDetailStore(db).current([current, *later])
    assert list(kept) == [current.id]
    assert kept[current.id].comments is None  # unreadable: fetched again
    assert kept[current.id].results == []
    db.close()


def test_migration_5_upgrades_a_version_4_file(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    for version in range(1, 5):  # the file as schema 4 wrote it
        raw.executescript(_MIGRATIONS[version])
    raw.execute("INSERT INTO orders VALUES ('o1', 'NEW', '{}', 'then', 'then')")
    raw.execute("PRAGMA user_version = 4")
    raw.commit()
    raw.close()
    db = Database(path)
    with db.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 5
        assert conn.execute("SELECT id FROM orders").fetchall()[0][0] == "o1"  # kept
    current = order(1, status="COMPLETED", lastUpdateDate="2025-03-01T09:00:00.000+0000")
    assert current.last_update_date is not None
    store = OrderDetailStore(db)
    store.keep(current.id, OrderDetails(current.last_update_date, comments("c"), []))
    assert list(store.current([current])) == [current.id]
    db.close()
