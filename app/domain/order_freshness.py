"""Which of two copies of one SmartRecruiters order is the newer.

A listing is read over seconds (page after page, paced) while this desk keeps acting: an order
accepted a moment ago may come back from a listing fetched before the accept, still NEW. Such a
copy must never replace the newer one the accept returned ("a poll never undoes newer local
state").

Its status decides first: an order only moves forward (NEW → IN_PROGRESS → COMPLETED or
REJECTED, and a final status never goes back), so a copy whose status is further along is the
newer one, whatever the dates say. The order's own ``lastUpdateDate`` decides only between
copies at the same stage, when both have one and they differ: the date alone let one copy
dated ahead (a service node's clock, a bad copy dated 2099) keep an order in an older status
through every sync. Equal in both: neither is older, and the fetched copy (the service's word)
is taken.
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.domain.smartrecruiters import AssessmentOrder, OrderStatus

#: How far along an order's life each status is: never backwards.
STATUS_STAGE = {
    OrderStatus.NEW: 0,
    OrderStatus.IN_PROGRESS: 1,
    OrderStatus.REJECTED: 2,
    OrderStatus.COMPLETED: 2,
}


def is_older(candidate: AssessmentOrder, current: AssessmentOrder) -> bool:
    """Whether ``candidate`` is an older copy of the order than ``current`` (see the module
    docstring): then ``current`` is kept."""
    stage, held_stage = STATUS_STAGE[candidate.status], STATUS_STAGE[current.status]
    if stage != held_stage:
        return stage < held_stage
    fetched, held = candidate.last_update_date, current.last_update_date
    if fetched is not None and held is not None and fetched != held:
        return _comparable(fetched) < _comparable(held)
    return False


def _comparable(value: datetime) -> float:
    """A timestamp as seconds; a naive one (no offset given) is read as UTC."""
    moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.timestamp()


def listed_moment(value: object) -> datetime | None:
    """A date as a listing or the cache holds it (SmartRecruiters' ``…+0000``, or any ISO
    form) in UTC; None for anything else. Read without parsing the whole order."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
