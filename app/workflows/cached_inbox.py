"""The inbox as the cache holds it: every cached order and its local state, read at once.

Read before the session opens (keys, clients, the network), so that a window can show the
cached orders in its first frame; the order board then starts from the same reading
(``OrderBoard.load``) rather than reading it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.domain.order_state import OrderState
from app.domain.smartrecruiters import AssessmentOrder
from app.store.database import Database
from app.store.local_state import load_states
from app.store.order_cache import OrderCache


@dataclass(frozen=True)
class CachedInbox:
    orders: list[AssessmentOrder]
    states: dict[str, OrderState]


def read_cached_inbox(db: Database) -> CachedInbox:
    """Every cached order and every order's local state (blocking: call it off the GUI thread,
    or before the first frame)."""
    return CachedInbox(OrderCache(db).all(), load_states(db))


def open_cached_inbox(path: Path) -> tuple[Database, CachedInbox]:
    """Open the database at ``path`` (created if new) and read its inbox."""
    db = Database(path)
    try:
        return db, read_cached_inbox(db)
    except BaseException:
        db.close()
        raise
