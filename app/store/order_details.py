"""Orders' comments, results and result files as last fetched, with the ``lastUpdateDate`` they
were fetched at and when (``app.domain.order_details``): what a snapshot saved again soon after
need not ask for."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from app.domain.build_when_used import BUILD_WHEN_USED
from app.domain.order_details import OrderDetails
from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    Attachment,
)
from app.store.database import Database, select_in, utc_now

log = logging.getLogger(__name__)
_comments = TypeAdapter(list[AssessmentComment], config=BUILD_WHEN_USED)
_results = TypeAdapter(list[AssessmentResult], config=BUILD_WHEN_USED)
_files = TypeAdapter(dict[str, list[Attachment]], config=BUILD_WHEN_USED)


class OrderDetailStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def current(
        self, orders: Iterable[AssessmentOrder], now: datetime | None = None
    ) -> dict[str, OrderDetails]:
        """The stored details that may stand for each order's at ``now`` (by default, now):
        a completed or rejected order, its lastUpdateDate unmoved, read less than
        ``KEPT_FOR`` ago (``OrderDetails.is_current_for``); other orders are left out."""
        at = now or datetime.now(UTC)
        wanted = {o.id: o for o in orders if o.last_update_date is not None and o.status.is_final}
        ids = list(wanted)
        found: dict[str, OrderDetails] = {}
        with self._db.reading() as conn:
            rows = select_in(
                conn,
                "SELECT order_id, as_of, comments, results, files, fetched_at"
                " FROM order_details WHERE order_id IN",
                ids,
            )
        for row in rows:
            details = _details(row)
            if details is not None and details.is_current_for(wanted[row["order_id"]], at):
                found[row["order_id"]] = details
        return found

    def keep(self, order_id: str, details: OrderDetails) -> bool:
        """Store what was fetched, over what was known at the same ``as_of`` (a stale row is
        replaced), with when it was read (``details.read_at``; None: now). Nothing fetched,
        nothing stored. This is a cache: a database that cannot take the row (a full disk)
        costs the calls again next time, and fails nothing now; False then."""
        if details.comments is None and details.results is None and details.files is None:
            return False
        try:
            self._write(order_id, details)
        except sqlite3.Error as exc:
            log.warning("The details of order %s were not kept: %s", order_id, exc)
            return False
        return True

    def _write(self, order_id: str, details: OrderDetails) -> None:
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT order_id, as_of, comments, results, files, fetched_at"
                " FROM order_details WHERE order_id = ?",
                (order_id,),
            ).fetchone()
            merged = details.merged_over(_details(row) if row is not None else None)
            conn.execute(
                "INSERT INTO order_details (order_id, as_of, comments, results, files,"
                " fetched_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (order_id) DO UPDATE SET as_of = excluded.as_of,"
                " comments = excluded.comments, results = excluded.results,"
                " files = excluded.files, fetched_at = excluded.fetched_at",
                (
                    order_id,
                    _utc(merged.as_of),
                    _dump(_comments, merged.comments),
                    _dump(_results, merged.results),
                    _dump(_files, merged.files),
                    _utc(merged.read_at) if merged.read_at is not None else utc_now(),
                ),
            )


def _utc(value: datetime) -> str:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds")


def _dump(adapter: TypeAdapter[Any], value: object | None) -> str | None:
    return None if value is None else adapter.dump_json(value, by_alias=True).decode()


def _load(adapter: TypeAdapter[Any], text: str | None) -> Any:
    """A stored part back; one that no longer reads (a hand edit, an older shape) counts as
    not fetched, so it is asked again rather than failing the save."""
    if text is None:
        return None
    try:
        return adapter.validate_json(text)
    except ValidationError:
        return None


def _details(row: sqlite3.Row) -> OrderDetails | None:
    """The row's details; None when its times do not read (then it is of no use: its parts
    could be of any age)."""
    try:
        as_of = datetime.fromisoformat(row["as_of"])
        read_at = datetime.fromisoformat(row["fetched_at"])
    except (TypeError, ValueError):
        return None
    return OrderDetails(
        as_of=as_of,
        comments=_load(_comments, row["comments"]),
        results=_load(_results, row["results"]),
        files=_load(_files, row["files"]),
        read_at=read_at,
    )
