"""The local copy of SmartRecruiters orders: shown at once on start, merged on every sync."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from pydantic import ValidationError

from app.domain.smartrecruiters import AssessmentOrder
from app.store.database import Database, utc_now


@dataclass(frozen=True)
class MergeResult:
    new_ids: list[str]  # ids never seen before this merge
    changed_ids: list[str]  # ids whose content changed


class OrderCache:
    def __init__(self, db: Database) -> None:
        self._db = db

    def merge(self, orders: list[AssessmentOrder]) -> MergeResult:
        """Upsert ``orders`` (de-duplicated by id, the last one wins) in one transaction."""
        unique = {order.id: order for order in orders}
        now = utc_now()
        new_ids: list[str] = []
        changed: list[str] = []
        with self._db.transaction() as conn:
            known = {
                row["id"]: row["data"]
                for row in select_in(conn, "SELECT id, data FROM orders WHERE id IN", list(unique))
            }
            for order_id, order in unique.items():
                data = order_json(order)
                if order_id not in known:
                    new_ids.append(order_id)
                elif known[order_id] != data:
                    changed.append(order_id)
                else:
                    continue
                upsert_order(conn, order, now, data)
        return MergeResult(new_ids, changed)

    def put(self, order: AssessmentOrder) -> None:
        """Store one order as a state-changing call returned it."""
        self.merge([order])

    def all(self) -> list[AssessmentOrder]:
        """Every cached order; rows that no longer parse are skipped rather than fatal."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT data FROM orders").fetchall()
        orders = []
        for row in rows:
            try:
                orders.append(AssessmentOrder.model_validate_json(row["data"]))
            except ValidationError:
                continue
        return orders

    def get(self, order_id: str) -> AssessmentOrder | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT data FROM orders WHERE id = ?", (order_id,)).fetchone()
        return AssessmentOrder.model_validate_json(row["data"]) if row else None

    def count(self) -> int:
        with self._db.reading() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])


def order_json(order: AssessmentOrder) -> str:
    return json.dumps(order.to_body(), sort_keys=True, ensure_ascii=False)


def upsert_order(
    conn: sqlite3.Connection, order: AssessmentOrder, now: str, data: str | None = None
) -> None:
    """Insert or update one order inside the caller's transaction."""
    conn.execute(
        "INSERT INTO orders (id, status, data, first_seen_at, synced_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data,"
        " synced_at = excluded.synced_at",
        (order.id, order.status.value, data or order_json(order), now, now),
    )


def select_in(
    conn: sqlite3.Connection, prefix: str, ids: list[str], chunk: int = 500, suffix: str = ""
) -> list[sqlite3.Row]:
    """``prefix (?, ?, …) suffix`` in chunks: SQLite caps the number of parameters of a
    statement. Each chunk is in ``suffix``'s order (an ``ORDER BY``), not the whole."""
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        marks = ", ".join("?" * len(part))
        rows.extend(conn.execute(f"{prefix} ({marks}) {suffix}", part).fetchall())
    return rows
