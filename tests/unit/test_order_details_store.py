"""Orders' details kept with the lastUpdateDate they are true for (migration 5)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.order_details import OrderDetails
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
    first = order(1, lastUpdateDate="2025-03-01T09:00:00.000+0000")
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
    same = order(1, lastUpdateDate="2025-03-01T10:00:00.000+0100")
    assert list(store.current([same])) == [first.id]
    # A comment (or result, or file) moves the order's lastUpdateDate: no longer current.
    assert store.current([order(1, lastUpdateDate=MOVED)]) == {}
    db.close()


def test_parts_fetched_later_join_those_kept_and_a_stale_row_is_replaced(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.sqlite3")
    store = OrderDetailStore(db)
    at = datetime(2025, 3, 1, 9, tzinfo=UTC)
    current = order(1, lastUpdateDate="2025-03-01T09:00:00.000+0000")
    store.keep(current.id, OrderDetails(at, comments("a"), None))  # results failed
    store.keep(current.id, OrderDetails(at, None, [], {"r1": [Attachment(id="f1")]}))
    kept = store.current([current])[current.id]
    assert [c.message for c in kept.comments or []] == ["a"]
    assert kept.results == []
    assert kept.files == {"r1": [Attachment(id="f1")]}

    later = at + timedelta(days=4, hours=1)
    store.keep(current.id, OrderDetails(later, comments("b"), None))
    moved = order(1, lastUpdateDate=MOVED)
    replaced = store.current([moved])[moved.id]
    assert [c.message for c in replaced.comments or []] == ["b"]
    assert replaced.results is None  # the older results were for another lastUpdateDate
    assert replaced.files is None
    db.close()


def test_a_row_that_no_longer_reads_is_asked_again(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.sqlite3")
    current = order(1, lastUpdateDate="2025-03-01T09:00:00.000+0000")
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO order_details VALUES (?, ?, ?, ?, NULL, ?)",
            (current.id, "2025-03-01T09:00:00.000+00:00", "not json", "[]", "x"),
        )
        conn.execute(
            "INSERT INTO order_details VALUES ('order-002', 'garbage', '[]', '[]', NULL, 'x')"
        )
    kept = OrderDetailStore(db).current([current, order(2, lastUpdateDate=MOVED)])
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
    current = order(1, lastUpdateDate="2025-03-01T09:00:00.000+0000")
    assert current.last_update_date is not None
    store = OrderDetailStore(db)
    store.keep(current.id, OrderDetails(current.last_update_date, comments("c"), []))
    assert list(store.current([current])) == [current.id]
    db.close()
