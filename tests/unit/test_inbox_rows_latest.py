"""The first frame's rows read each order's latest invitation only (real SQLite files)."""

from __future__ import annotations

from pathlib import Path

from app.store.database import Database
from app.store.inbox_rows import read_inbox_rows


def test_only_the_latest_invite_decides_whether_an_invitation_is_in_doubt(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    db = Database(path)
    with db.transaction() as conn:
        for state, gone in (("failed", 1), ("done", 0)):  # a failed try, then one that went
            conn.execute(
                "INSERT INTO journal (order_id, action, state, request, created_at, updated_at,"
                " may_have_gone) VALUES ('o', 'invite', ?, '{}', '2026-03-01T00:00:00+00:00',"
                " '2026-03-01T00:00:00+00:00', ?)",
                (state, gone),
            )
        for state, gone in (("done", 0), ("failed", 1)):  # sent, then a later try in doubt
            conn.execute(
                "INSERT INTO journal (order_id, action, state, request, created_at, updated_at,"
                " may_have_gone) VALUES ('p', 'invite', ?, '{}', '2026-03-01T00:00:00+00:00',"
                " '2026-03-01T00:00:00+00:00', ?)",
                (state, gone),
            )
    db.close()
    rows = read_inbox_rows(path)
    assert rows is not None
    assert not rows.states["o"].invitation_in_doubt
    assert rows.states["p"].invitation_in_doubt
