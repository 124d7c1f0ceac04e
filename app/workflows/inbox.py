"""Reading the inbox: the cached orders at once, then a full sync or a poll for new ones."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.workflows.desk import Desk

if TYPE_CHECKING:  # the clients (httpx) load with the session, not with the first window
    from app.clients.smartrecruiters import SmartRecruitersClient


@dataclass(frozen=True)
class SyncReport:
    orders: list[AssessmentOrder]  # every cached order after the merge
    new_ids: list[str]  # orders seen for the first time
    changed_ids: list[str]


async def fetch_orders(
    sr: SmartRecruitersClient, *, status: OrderStatus | None = None
) -> list[AssessmentOrder]:
    """Every order (of ``status``), de-duplicated by id, newest first."""
    orders = [order async for order in sr.iter_orders(status=status)]
    return sorted(orders, key=lambda o: (o.create_date is not None, o.create_date), reverse=True)


async def sync_all(desk: Desk) -> SyncReport:
    """Fetch every order and merge it into the cache."""
    fetched = await fetch_orders(desk.session.sr)
    return await _merge(desk, fetched)


async def poll_new(desk: Desk) -> SyncReport:
    """Fetch the NEW orders only (what polling is for) and merge them into the cache."""
    fetched = await fetch_orders(desk.session.sr, status=OrderStatus.NEW)
    return await _merge(desk, fetched)


async def _merge(desk: Desk, fetched: list[AssessmentOrder]) -> SyncReport:
    def merge() -> SyncReport:
        result = desk.orders.merge(fetched)
        return SyncReport(desk.orders.all(), result.new_ids, result.changed_ids)

    return await asyncio.to_thread(merge)
