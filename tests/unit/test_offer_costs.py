"""The Partner Portal Cost kept per offer in SQLite (migration 2)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from app.domain.offer_cost import CostKind, OfferCost
from app.store.database import _MIGRATIONS, SCHEMA_VERSION, Database
from app.store.offer_costs import OfferCostStore


def test_costs_are_kept_updated_and_forgotten(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.sqlite3")
    store = OfferCostStore(db)
    assert store.get("o1") is None
    store.set("o1", OfferCost(kind=CostKind.PERCENTAGE, value=Decimal("70.00")))
    store.set("o2", OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(0)))
    store.set("o1", OfferCost(kind=CostKind.FLAT_RATE, value=Decimal("2.5")))
    assert store.get("o1") == OfferCost(kind=CostKind.FLAT_RATE, value=Decimal("2.5"))
    assert set(store.all()) == {"o1", "o2"}
    store.set("o2", None)
    assert store.get("o2") is None
    db.close()
    # It survives a restart, value exact (stored as text, not a float).
    again = Database(tmp_path / "d.sqlite3")
    assert OfferCostStore(again).get("o1") == OfferCost(
        kind=CostKind.FLAT_RATE, value=Decimal("2.5")
    )
    again.close()


def test_migration_2_upgrades_a_version_1_file(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    raw = sqlite3.connect(path)
    raw.executescript(_MIGRATIONS[1])  # the file as schema 1 wrote it
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    db = Database(path)
    with db.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
    OfferCostStore(db).set("x", OfferCost(kind=CostKind.FLAT_RATE, value=Decimal(0)))
    db.close()


def test_unreadable_rows_are_skipped(tmp_path: Path) -> None:
    db = Database(tmp_path / "d.sqlite3")
    with db.transaction() as conn:
        conn.execute("INSERT INTO offer_costs VALUES ('bad', 'PERCENTAGE', 'lots', '2024-01-01')")
        # Stored by an older version, whose form took it: shown, it was a million digits.
        conn.execute("INSERT INTO offer_costs VALUES ('huge', 'FLAT_RATE', '1E+1000000', '')")
    store = OfferCostStore(db)
    assert store.get("bad") is None
    assert store.get("huge") is None
    assert store.all() == {}
    db.close()
