"""Mutation-audit pins for app/store/berke_watch.py."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "m"))

from app.domain.berke_progress import BerkeProgress
from app.store.berke_watch import BASELINE_CHECKED_AT, NEVER_POLLED, BerkeWatchStore
from tests.unit.test_watch_rounds import _store

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _notes(store: BerkeWatchStore, order_id: str) -> tuple[int, int, str | None]:
    with store._db.reading() as conn:
        row = conn.execute(
            "SELECT comments_count, comments_seen, comments_checked_at FROM order_notes"
            " WHERE order_id = ?",
            (order_id,),
        ).fetchone()
    return row[0], row[1], row[2]


def test_with_deleted_still_lists_a_deleted_assessment(tmp_path: Path) -> None:
    """Kills berke_watch.py:66 (``with_deleted`` ignored): the watch reads the completions
    listing against ``watched(with_deleted=True)``; a completion of one Berke said was
    deleted (it was not) was dropped, its scores never delivered."""
    store = _store(tmp_path, "DEL-1", "DONE-1", "OPEN-1")
    store.record("DEL-1", BerkeProgress.DELETED)
    store.record("DONE-1", BerkeProgress.COMPLETE, completed_at=T0)
    assert sorted(w.source_candidate_id for w in store.watched(with_deleted=True)) == [
        "DEL-1",
        "OPEN-1",
    ]
    assert [w.source_candidate_id for w in store.watched()] == ["OPEN-1"]


def test_an_assessment_under_two_spellings_is_watched_once_and_ends_for_both(
    tmp_path: Path,
) -> None:
    """Kills berke_watch.py:61 (GROUP BY without COLLATE NOCASE):
    a reused id spelled in two cases was asked about twice, and the spelling whose status
    row did not match stayed watched after it completed."""
    store = _store(tmp_path, "ABC-1", "abc-1")
    assert len(store.watched()) == 1
    store.record("ABC-1", BerkeProgress.COMPLETE, completed_at=T0)
    assert store.watched() == []


def test_the_comments_baseline_leaves_a_polled_order_as_it_was(tmp_path: Path) -> None:
    """Kills berke_watch.py:179 (the WHERE dropped): an order polled already had its
    checked time put back to the baseline's year 1, and was polled again before all others."""
    store = _store(tmp_path)
    store.comments_polled("O-1", 3)
    polled_at = store.comments_checked()["O-1"]
    store.comments_baseline(["O-1", "O-2"])
    assert store.comments_checked() == {"O-1": polled_at, "O-2": BASELINE_CHECKED_AT}
    assert _notes(store, "O-1")[:2] == (3, 3)


def test_a_comment_written_on_a_never_answered_order_keeps_it_never_polled(
    tmp_path: Path,
) -> None:
    """Kills berke_watch.py:206 (the NEVER_POLLED check dropped or inverted): the order's
    first answered poll flagged all its old comments as news."""
    store = _store(tmp_path)
    store.comments_unanswered("O-1")  # asked, no answer: never polled
    store.comment_written_here("O-1")
    assert _notes(store, "O-1")[0] == NEVER_POLLED
    assert store.comments_polled("O-1", 5) is False  # 5 old comments: not news
    # and a polled order counts the comment as it should
    store.comments_polled("O-2", 2)
    store.comment_written_here("O-2", comments_now=3)
    assert _notes(store, "O-2")[:2] == (3, 3)
