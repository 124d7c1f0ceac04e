"""Everything a workflow needs: the session's clients and the local store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.domain.smartrecruiters import ContactPerson
from app.store.database import Database
from app.store.journal import Journal
from app.store.order_cache import OrderCache
from app.store.results import ResultStore
from app.workflows.session import Session


@dataclass
class Desk:
    session: Session
    db: Database
    author: ContactPerson | None = None
    orders: OrderCache = field(init=False)
    journal: Journal = field(init=False)
    results: ResultStore = field(init=False)

    def __post_init__(self) -> None:
        self.orders = OrderCache(self.db)
        self.journal = Journal(self.db)
        self.results = ResultStore(self.db)


def demo_database_path(base: Path) -> Path:
    """Demo mode keeps its own file: sandbox orders never mix with a real account's."""
    return base / "demo.sqlite3"
