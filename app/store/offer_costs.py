"""The Partner Portal "Cost" of each offer, kept locally because SmartRecruiters' API has no
field for it (the coordinator copies it from the Portal, and the FAQ rule is checked on it)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from app.domain.offer_cost import CostKind, OfferCost
from app.store.database import Database, utc_now


class OfferCostStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, offer_id: str) -> OfferCost | None:
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT kind, value FROM offer_costs WHERE offer_id = ?", (offer_id,)
            ).fetchone()
        return _cost(row["kind"], row["value"]) if row else None

    def set(self, offer_id: str, cost: OfferCost | None) -> None:
        """Record ``cost`` for the offer; None forgets it (back to "not recorded")."""
        with self._db.transaction() as conn:
            if cost is None:
                conn.execute("DELETE FROM offer_costs WHERE offer_id = ?", (offer_id,))
                return
            conn.execute(
                "INSERT INTO offer_costs (offer_id, kind, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (offer_id) DO UPDATE SET"
                " kind = excluded.kind, value = excluded.value, updated_at = excluded.updated_at",
                (offer_id, cost.kind.value, str(cost.value), utc_now()),
            )

    def all(self) -> dict[str, OfferCost]:
        """Every recorded Cost by offer id; a row that no longer parses is skipped."""
        with self._db.reading() as conn:
            rows = conn.execute("SELECT offer_id, kind, value FROM offer_costs").fetchall()
        found: dict[str, OfferCost] = {}
        for row in rows:
            cost = _cost(row["kind"], row["value"])
            if cost is not None:
                found[row["offer_id"]] = cost
        return found


def _cost(kind: str, value: str) -> OfferCost | None:
    try:
        return OfferCost(kind=CostKind(kind), value=Decimal(value))
    except (ValueError, InvalidOperation):
        return None
