"""The local copy of SmartRecruiters orders: shown at once on start, merged on every sync.

A merge never undoes newer local state: a fetched copy older than the one held (an order this
desk accepted after the listing was read) is left out (``app.domain.order_freshness``).

Orders from a listing are stored as the service wrote them (``listing_json``: its JSON with
sorted keys), so that the next listing is compared with them as text, before any parsing: an
unchanged re-sync of thousands of orders costs string comparisons, not pydantic models.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from app.domain.attention import Attention
from app.domain.order_freshness import is_older, listed_moment
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.store.database import Database, select_in, utc_now


@dataclass(frozen=True)
class MergeResult:
    new_ids: list[str]  # ids never seen before this merge
    changed_ids: list[str]  # ids whose content changed
    kept_ids: list[str] = field(default_factory=list)  # fetched copies older than the one held


@dataclass(frozen=True)
class ListingMerge:
    """What merging one page of a listing did (``OrderCache.merge_listing``)."""

    new: list[AssessmentOrder]  # orders never seen before, parsed
    changed: list[AssessmentOrder]  # orders whose listed text changed and were newer, parsed
    unchanged: int  # orders whose text was the one held: not parsed, not written
    kept_ids: list[str]  # fetched copies older than the one held (left out)
    cached_new: int | None  # NEW orders in the cache after the merge, when asked for
    unreadable: list[str] = field(default_factory=list)  # orders left out, a line each
    #: Of those, the ones the cache holds no copy of (so not among ``cached_new``).
    unreadable_unheld: int = 0


#: Parses one order as a listing gave it; raises ``ValueError`` (pydantic's ValidationError is
#: one) for an item that is not a valid order, its words the problem.
ParseOrder = Callable[[dict[str, Any]], AssessmentOrder]


#: One attention flag taken out of an order's flags left alone ("Leave it").
_FORGET_LEFT_ALONE = (
    "UPDATE order_notes SET dismissed = (SELECT json_group_array(value) FROM"
    " json_each(order_notes.dismissed) WHERE value <> ?) WHERE order_id = ?"
    " AND json_valid(dismissed)"
)


class OrderCache:
    def __init__(self, db: Database) -> None:
        self._db = db

    def merge(self, orders: list[AssessmentOrder]) -> MergeResult:
        """Upsert ``orders`` (de-duplicated by id, the last one wins) in one transaction,
        except a copy older than the one held (see the module docstring)."""
        unique = {order.id: order for order in orders}
        now = utc_now()
        new_ids: list[str] = []
        changed: list[str] = []
        kept: list[str] = []
        with self._db.transaction() as conn:
            known = {
                row["id"]: row["data"]
                for row in select_in(conn, "SELECT id, data FROM orders WHERE id IN", list(unique))
            }
            for order_id, order in unique.items():
                data = order_json(order)
                if order_id not in known:
                    new_ids.append(order_id)
                elif known[order_id] == data:
                    continue
                elif _held_is_newer(order, known[order_id]):
                    kept.append(order_id)
                    continue
                else:
                    changed.append(order_id)
                upsert_order(conn, order, now, data)
        return MergeResult(new_ids, changed, kept)

    def merge_listing(
        self, items: Iterable[dict[str, Any]], parse: ParseOrder, *, count_new: bool = False
    ) -> ListingMerge:
        """Merge one page of a listing, in one transaction: an order whose text is the one
        held is neither parsed nor written; the others are parsed with ``parse`` and stored as
        listed, unless the copy held is newer. One that does not parse is left out, said in
        ``unreadable`` (the copy held, if any, stays): one odd order stopped every sync.
        Items must be objects with a string ``id``; an id repeated on the page counts once, as
        its newer copy. ``count_new``: also count the NEW orders held (a scan of the table:
        only a poll, which may stop early, needs it)."""
        listed = _newest_of_each(items, parse)
        unreadable: list[str] = []
        unheld = 0
        now = utc_now()
        new: list[AssessmentOrder] = []
        changed: list[AssessmentOrder] = []
        kept: list[str] = []
        unchanged = 0
        with self._db.transaction() as conn:
            known = {
                row["id"]: row["data"]
                for row in select_in(conn, "SELECT id, data FROM orders WHERE id IN", list(listed))
            }
            for order_id, (item, parsed) in listed.items():
                data = listing_json(item)
                held = known.get(order_id)
                if held == data:
                    unchanged += 1
                    continue
                try:
                    order = parsed if parsed is not None else parse(item)
                except ValueError as exc:
                    unreadable.append(_unreadable_line(order_id, exc))
                    if held is None:
                        unheld += 1
                    continue
                if held is None:
                    new.append(order)
                elif _held_is_newer(order, held):
                    kept.append(order_id)
                    continue
                else:
                    changed.append(order)
                upsert_order(conn, order, now, data)
            cached_new = (
                int(
                    conn.execute(
                        "SELECT COUNT(*) FROM orders WHERE status = ? AND gone_since IS NULL",
                        (OrderStatus.NEW.value,),
                    ).fetchone()[0]
                )
                if count_new
                else None
            )
        return ListingMerge(new, changed, unchanged, kept, cached_new, unreadable, unheld)

    def listed_again(self, listed: set[str]) -> list[str]:
        """Of the ``listed`` ids, those held as gone: no longer (SmartRecruiters lists them)."""
        with self._db.reading() as conn:
            gone = conn.execute("SELECT id FROM orders WHERE gone_since IS NOT NULL").fetchall()
        back = [row["id"] for row in gone if row["id"] in listed]
        if back:
            with self._db.transaction() as conn:
                conn.executemany(
                    "UPDATE orders SET gone_since = NULL WHERE id = ?", [(i,) for i in back]
                )
        return back

    def unlisted(self, listed: set[str]) -> list[str]:
        """The orders held (and not held as gone) that are not among ``listed``: what a
        complete listing no longer holds, the longest unheard of first (``asked_about``)."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT id FROM orders WHERE gone_since IS NULL ORDER BY synced_at, id"
            ).fetchall()
        return [row["id"] for row in rows if row["id"] not in listed]

    def asked_about(self, order_ids: Iterable[str], when: datetime) -> None:
        """SmartRecruiters was asked about these orders ``when`` (whatever it answered): they
        go to the back of ``unlisted``, so that a few orders never answered hide no other."""
        at = when.astimezone(UTC).isoformat(timespec="milliseconds")
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE orders SET synced_at = ? WHERE id = ?", [(at, i) for i in order_ids]
            )

    def mark_gone(self, order_ids: Iterable[str], since: datetime) -> None:
        """SmartRecruiters no longer has these orders (see ``OrderState.gone_since``): their
        last copy stays, to be read, and nothing is sent for them. A "Leave it" on an earlier
        going (the order came back since) is forgotten: this one is news."""
        ids = list(order_ids)
        at = since.astimezone(UTC).isoformat(timespec="seconds")
        with self._db.transaction() as conn:
            conn.executemany(
                "UPDATE orders SET gone_since = ? WHERE id = ? AND gone_since IS NULL",
                [(at, i) for i in ids],
            )
            conn.executemany(_FORGET_LEFT_ALONE, [(Attention.GONE.value, i) for i in ids])

    def gone(self) -> dict[str, datetime]:
        """Every order SmartRecruiters no longer has, with since when."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT id, gone_since FROM orders WHERE gone_since IS NOT NULL"
            ).fetchall()
        return {row["id"]: datetime.fromisoformat(row["gone_since"]) for row in rows}

    def gone_since(self, order_id: str) -> datetime | None:
        """Since when SmartRecruiters no longer has the order (None: it has it, or unknown)."""
        with self._db.reading() as conn:
            row = conn.execute("SELECT gone_since FROM orders WHERE id = ?", (order_id,)).fetchone()
        return datetime.fromisoformat(row[0]) if row is not None and row[0] else None

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

    def recent_for_offer(self, catalog_id: str, limit: int) -> list[AssessmentOrder]:
        """The orders placed for the offer ``catalog_id`` (matched regardless of case), newest
        first, at most ``limit``: only those are parsed. A selection in the Offers room
        parsed every order held, in a thread that kept the window's own 282 ms from it at
        5,000 orders."""
        wanted = catalog_id.casefold()
        if limit <= 0:
            return []
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT id, json_extract(data, '$.offer.catalogId') AS catalog,"
                " json_extract(data, '$.createDate') AS created FROM orders"
                " WHERE catalog IS NOT NULL"
            ).fetchall()
            mine = [
                (listed_moment(row["created"]), row["id"])
                for row in rows
                if isinstance(row["catalog"], str) and row["catalog"].casefold() == wanted
            ]
            mine.sort(key=lambda pair: (pair[0] is not None, pair[0] or _NEVER), reverse=True)
            newest = [order_id for _, order_id in mine]
            orders: list[AssessmentOrder] = []
            # A row that no longer parses is skipped, and the next one taken in its place.
            for start in range(0, len(newest), limit):
                part = newest[start : start + limit]
                data = {
                    row["id"]: row["data"]
                    for row in select_in(conn, "SELECT id, data FROM orders WHERE id IN", part)
                }
                for order_id in part:
                    with contextlib.suppress(ValidationError):
                        orders.append(AssessmentOrder.model_validate_json(data[order_id]))
                    if len(orders) == limit:
                        return orders
        return orders

    def get(self, order_id: str) -> AssessmentOrder | None:
        """The cached order; None when there is none, or its row no longer parses (as
        ``all`` leaves it out: an error here reached the board's refresh and the steps)."""
        with self._db.reading() as conn:
            row = conn.execute("SELECT data FROM orders WHERE id = ?", (order_id,)).fetchone()
        if row is None:
            return None
        try:
            return AssessmentOrder.model_validate_json(row["data"])
        except ValidationError:
            return None

    def holds(self, order_id: str) -> bool:
        """Whether a row is kept for the order, readable or not (``get``'s None is both)."""
        with self._db.reading() as conn:
            row = conn.execute("SELECT 1 FROM orders WHERE id = ?", (order_id,)).fetchone()
        return row is not None

    def count(self) -> int:
        with self._db.reading() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0])


def _newest_of_each(
    items: Iterable[dict[str, Any]], parse: ParseOrder
) -> dict[str, tuple[dict[str, Any], AssessmentOrder | None]]:
    """The page's items by id, each with its order when it was parsed here: an id listed
    twice keeps its newer readable copy (``is_older``; the later one when neither is), not
    merely the last one, which had shown an order in progress as NEW again."""
    copies: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        copies.setdefault(item["id"], []).append(item)
    chosen: dict[str, tuple[dict[str, Any], AssessmentOrder | None]] = {}
    for order_id, listed in copies.items():
        if len(listed) == 1:
            chosen[order_id] = (listed[0], None)
            continue
        best: tuple[dict[str, Any], AssessmentOrder | None] = (listed[-1], None)
        for copy in listed:
            try:
                order = parse(copy)
            except ValueError:
                continue  # another copy may be read; if none is, the last is said unreadable
            if best[1] is None or not is_older(order, best[1]):
                best = (copy, order)
        chosen[order_id] = best
    return chosen


#: The most of an order id that the line of an unreadable order quotes (then "…"): enough to
#: tell SmartRecruiters' ids apart (UUIDs, 36 characters). A 5,000-character id quoted whole
#: made the sync bar, and the window with it, 36,842 px wide.
ID_SHOWN = 40


def _unreadable_line(order_id: str, problem: ValueError) -> str:
    shown = order_id if len(order_id) <= ID_SHOWN else f"{order_id[:ID_SHOWN]}…"
    return f"“{shown}”: {problem}"


_NEVER = datetime.min.replace(tzinfo=UTC)


def order_json(order: AssessmentOrder) -> str:
    return json.dumps(order.to_body(), sort_keys=True, ensure_ascii=False)


def listing_json(item: dict[str, Any]) -> str:
    """An order as a listing gave it, as the text it is stored and compared as."""
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _held_is_newer(fetched: AssessmentOrder, held_data: str) -> bool:
    """Whether the copy held (its stored JSON) is newer than ``fetched``; a held copy that no
    longer parses is never preferred."""
    try:
        held = AssessmentOrder.model_validate_json(held_data)
    except ValidationError:
        return False
    return is_older(fetched, held)


def upsert_order(
    conn: sqlite3.Connection, order: AssessmentOrder, now: str, data: str | None = None
) -> None:
    """Insert or update one order inside the caller's transaction (a copy SmartRecruiters sent:
    it has the order, whatever was held of it)."""
    conn.execute(
        "INSERT INTO orders (id, status, data, first_seen_at, synced_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data,"
        " synced_at = excluded.synced_at, gone_since = NULL",  # a copy sent: it has it
        (order.id, order.status.value, data or order_json(order), now, now),
    )
