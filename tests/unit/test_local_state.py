"""An order's state as read from the store: its latest result, and no negative news of
comments deleted since they were seen (real SQLite files)."""

from __future__ import annotations

from pathlib import Path

from app.store.database import Database
from app.store.local_state import load_states
from app.store.results import ResultStore


def test_an_orders_state_shows_its_latest_result(tmp_path: Path) -> None:
    """Shown with the older result, files dropped on the board go to a result the order no
    longer uses."""
    db = Database(tmp_path / "desk.sqlite3")
    results = ResultStore(db)
    results.adopt_result("o", "r-old")
    with db.transaction() as conn:
        conn.execute("UPDATE results SET created_at = '2020-01-01T00:00:00.000+00:00'")
    results.adopt_result("o", "r-new")
    assert load_states(db)["o"].result_id == "r-new"
    assert load_states(db, ["o"])["o"].result_id == "r-new"
    db.close()


def test_comments_deleted_since_they_were_seen_are_no_news(tmp_path: Path) -> None:
    from app.store.berke_watch import BerkeWatchStore

    db = Database(tmp_path / "desk.sqlite3")
    watch = BerkeWatchStore(db)
    watch.comments_seen("o", 5)
    assert not watch.comments_polled("o", 3)  # two were deleted
    state = load_states(db).get("o")
    assert state is None or not state.unseen_comments
    db.close()
