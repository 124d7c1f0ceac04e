"""Watching Berke's side of every linked assessment, cheaply.

Completions are read with ``GetCompletedAssessments`` (Berke's own method for polling: one
call a page of 50) from a stored watermark; ``GetAssessmentStatus`` is asked only of a few open
assessments a round (those not checked for a while, oldest first), to tell "started" from "not
started". A complete (or deleted) assessment is never asked about again. Everything goes
through the Berke client's pacer, inside the account's limits; the state is stored, so it
survives a restart.

Comments of orders in progress are polled the same way: a few orders a round, within
SmartRecruiters' rate limit, to flag a recruiter's new comment. An order's first poll takes
what is there for old news, unless the order came while the desk watched (arrived after its
first sync, or accepted here: ``BerkeWatchStore.comments_baseline``).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.clients.errors import ApiError, service_wide
from app.domain.berke_progress import BerkeProgress
from app.domain.elapsed import due_again
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.store.berke_watch import WATERMARK_KEY, Watched
from app.workflows.desk import Desk

log = logging.getLogger(__name__)

#: Berke's clock and ours differ: a window starts this much before the last one ended.
CLOCK_MARGIN = timedelta(minutes=10)
#: Status calls a round, at most: the rest wait for the next round.
STATUS_BUDGET = 20
#: An open assessment's status is asked again after this long.
RECHECK_AFTER = timedelta(minutes=30)
#: Orders whose comments are polled a round, at most.
COMMENT_BUDGET = 10
COMMENTS_AFTER = timedelta(minutes=15)


@dataclass
class WatchReport:
    changed_orders: set[str] = field(default_factory=set)
    completed: list[str] = field(default_factory=list)  # source candidate ids
    status_calls: int = 0
    #: What kept part of the round from Berke (the listing, a status): the rest went on.
    problem: ApiError | None = None


async def watch_berke(
    desk: Desk,
    *,
    now: datetime | None = None,
    status_budget: int = STATUS_BUDGET,
    recheck_after: timedelta = RECHECK_AFTER,
) -> WatchReport:
    """One round of watching; returns the orders whose Berke side changed."""
    report = WatchReport()
    store = desk.berke_watch
    # Deleted ones too, for the listing only: one Berke lists as completed was not deleted
    # (a "not found" taken for a deletion), and is complete.
    everyone = await asyncio.to_thread(store.watched, with_deleted=True)
    if not everyone:
        return report
    now = now or datetime.now(UTC)
    listed = {w.source_candidate_id.casefold(): w for w in everyone}
    changed: list[str] = []

    # 1. Completions since the watermark (or since the oldest open assessment was made).
    mark = await asyncio.to_thread(desk.results.meta, WATERMARK_KEY)
    since = datetime.fromisoformat(mark) if mark else min(w.created_at for w in everyone)
    try:
        async for done in desk.session.berke.iter_completed(since - CLOCK_MARGIN, now):
            watch = listed.pop(done.source_candidate_id.casefold(), None)
            if watch is None:
                continue  # someone else's, or one this desk already knows is complete
            await asyncio.to_thread(
                store.record,
                watch.source_candidate_id,
                BerkeProgress.COMPLETE,
                completed_at=done.completed_on_utc,
                completed=done,
            )
            report.completed.append(watch.source_candidate_id)
            changed.append(watch.source_candidate_id)
    except ApiError as exc:
        # The window stays for the next round; the statuses below still catch what they can
        # (unless the whole service failed: then each would fail too, and slowly).
        report.problem = exc
        if service_wide(exc):
            return report
    else:
        # Only once every page was read: a failure leaves the window to the next round.
        await asyncio.to_thread(desk.results.set_meta, WATERMARK_KEY, now.isoformat())

    # 2. A few statuses, to tell started from not started (and to catch what the window
    #    could not: a completion before this desk first watched, a deletion by hand).
    due = [w for w in listed.values() if not _deleted(w) and _due(w, now, recheck_after)]
    due.sort(key=lambda w: w.state.checked_at if w.state else datetime.min.replace(tzinfo=UTC))
    for watch in due[:status_budget]:
        report.status_calls += 1
        try:
            status = await desk.session.berke.get_assessment_status(watch.source_candidate_id)
            # None: Berke no longer knows it (deleted by hand, or by another desk). An answer
            # without its status flag is UNKNOWN, never "not started": it is asked again in
            # turn, and nothing is offered or flagged that only a not-complete one allows.
            progress = BerkeProgress.DELETED if status is None else status.progress
            completed = None
            if progress is BerkeProgress.COMPLETE:
                completed = await desk.session.berke.get_completed_assessment(
                    watch.source_candidate_id
                )
        except ApiError as exc:
            report.problem = report.problem or exc
            if service_wide(exc):
                break  # the next would fail the same way
            # This one's answer: the others are still asked, and it goes to the back of the
            # queue (not asked first every round, taking the others' turns).
            await asyncio.to_thread(store.touch, watch.source_candidate_id)
            continue
        if progress is BerkeProgress.COMPLETE:
            report.completed.append(watch.source_candidate_id)
        before = watch.state.progress if watch.state else None
        await asyncio.to_thread(
            store.record,
            watch.source_candidate_id,
            progress,
            completed_at=status.completed_on_utc if status is not None else None,
            completed=completed,
        )
        # Checked, even if unchanged: the order's row shows when Berke was last asked.
        if progress is not before or before is None:
            changed.append(watch.source_candidate_id)
    report.changed_orders = set(await asyncio.to_thread(store.orders_of, changed))
    return report


def _deleted(watch: Watched) -> bool:
    return watch.state is not None and watch.state.progress is BerkeProgress.DELETED


def _due(watch: Watched, now: datetime, recheck_after: timedelta) -> bool:
    return watch.state is None or due_again(watch.state.checked_at, now, recheck_after)


async def watch_comments(
    desk: Desk,
    orders: list[AssessmentOrder],
    *,
    now: datetime | None = None,
    budget: int = COMMENT_BUDGET,
    again_after: timedelta = COMMENTS_AFTER,
) -> set[str]:
    """Poll the comments of a few orders in progress (those checked longest ago first); the
    orders with a comment not seen yet here."""
    now = now or datetime.now(UTC)
    checked = await asyncio.to_thread(desk.berke_watch.comments_checked)
    candidates = [o for o in orders if o.status is OrderStatus.IN_PROGRESS]

    def last(order: AssessmentOrder) -> datetime:
        when = checked.get(order.id)
        return datetime.fromisoformat(when) if when else datetime.min.replace(tzinfo=UTC)

    due = [o for o in candidates if due_again(last(o), now, again_after)]
    due.sort(key=last)
    flagged: set[str] = set()
    for order in due[:budget]:
        try:
            comments = await desk.session.sr.list_comments(order.id)
        except ApiError as exc:
            if service_wide(exc):  # the rest would fail too: what was found so far is kept
                log.info("Reading new comments did not finish: %s", exc)
                break
            # This order's answer only (gone, refused, unreadable): last in the queue, and
            # the others go on. Asked first each round, it had stopped every comment flag.
            log.info("The comments of order %s could not be read: %s", order.id, exc)
            await asyncio.to_thread(desk.berke_watch.comments_unanswered, order.id)
            continue
        if await asyncio.to_thread(desk.berke_watch.comments_polled, order.id, len(comments)):
            flagged.add(order.id)
    return flagged
