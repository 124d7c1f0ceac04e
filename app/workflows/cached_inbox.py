"""The inbox as the cache holds it: every cached order and its local state, read at once.

Read before the session opens (keys, clients, the network), so that a window can show the
cached orders in its first frame; the order board then starts from the same reading
(``OrderBoard.load``) rather than reading it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app.domain.order_state import OrderState
from app.domain.smartrecruiters import AssessmentOrder
from app.store.database import Database, unreadable_data_file
from app.store.local_state import load_states
from app.store.order_cache import OrderCache

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedInbox:
    orders: list[AssessmentOrder]
    states: dict[str, OrderState]


def read_cached_inbox(db: Database) -> CachedInbox:
    """Every cached order and every order's local state (blocking: call it off the GUI thread,
    or before the first frame). ``DataFileError`` when a data file holds what this reading
    cannot take: said, and the file left as it is, rather than a start that fails each time."""
    try:
        return CachedInbox(OrderCache(db).all(), load_states(db))
    except Exception as exc:
        if db.path == ":memory:":
            raise  # demo mode's own store: nobody else writes it, so a bug
        log.exception("The data file %s could not be read", db.path)
        raise unreadable_data_file(Path(db.path), exc) from exc


def open_cached_inbox(path: Path) -> tuple[Database, CachedInbox]:
    """Open the database at ``path`` (created if new) and read its inbox."""
    db = Database(path)
    try:
        return db, read_cached_inbox(db)
    except BaseException:
        db.close()
        raise
