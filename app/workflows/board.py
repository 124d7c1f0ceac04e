"""The order board: each order's whole state, below the UI, and everything done to orders.

It owns, per order, the SmartRecruiters order (the cached copy), this desk's local state of it
(``OrderState``: the Berke assessment, steps under way or failed, the result, queued files), and
the one in-flight registry (``Desk.claim``) that keeps a click, the background resumer and the
poll from doing one thing twice. It runs the poll schedule and the resumer (``board_loops``),
sends the files dropped on orders (``board_uploads``), reads and writes the store off the GUI
thread, and tells its listener *which orders changed* — never "everything".

Reading (``order``, ``state``, ``orders``) is synchronous and in memory: a view may ask on every
paint. Acting is async and goes through the workflows, which journal first.

No Qt here: ``app.ui`` wraps a listener into signals.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.clients.errors import ApiError
from app.clients.pacing import Pacer
from app.domain.attachments import DEFAULT_MAX_BYTES, check_attachment
from app.domain.attention import Attention, AttentionRules, Flag, flags_for
from app.domain.berke import BerkeJob, CreateAssessmentRequest, CreateAssessmentResponse
from app.domain.berke_progress import BerkeProgress
from app.domain.berke_results import FitLevel, fit_job_name
from app.domain.connection import ConnectionProfile, data_file_name
from app.domain.invitation import InvitationText
from app.domain.journal import JournalEntry
from app.domain.journal_terms import LinkedAssessment, ResultFlow, StepKind
from app.domain.order_result import ResultOnFile
from app.domain.order_rules import (
    OrderAction,
    gone_reason,
    why_not,
)
from app.domain.order_state import NO_STATE, BerkeState, OrderState
from app.domain.reused_job import reused_job_id
from app.domain.service_time import local_time
from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    ContactPerson,
    OrderStatus,
)
from app.domain.snapshot import SnapshotOrder
from app.domain.step_cancel import BEING_SENT
from app.domain.uploads import Upload
from app.store.local_state import load_states
from app.workflows import order_actions as actions
from app.workflows.batch import (
    OrdersByCandidate,
    Outcome,
    PlanKind,
    PlannedOrder,
    ReuseFinder,
    default_request,
    plan_batch,
    request_for_job,
    run_batch,
)
from app.workflows.board_loops import BoardLoops, LoopWork
from app.workflows.board_memory import BoardMemory
from app.workflows.board_rules import NO_ORDER, OrderRules
from app.workflows.board_uploads import BoardUploads, OrderAccess
from app.workflows.cached_inbox import CachedInbox, read_cached_inbox
from app.workflows.delivery import DeliveryPlan, deliver, plan_delivery
from app.workflows.desk import COMPLETING, Desk, action_key
from app.workflows.heap import settle_heap
from app.workflows.held_deliveries import HeldDeliveries
from app.workflows.order_sync import PageTaken, fetch_changes, left_out_text
from app.workflows.outbox import ResumeReport, is_permanent, resume_pending, retry_step
from app.workflows.refusals import (
    EXPECTED_ERRORS,
    REJECT_SENT_AGAIN,
    ActionNotAllowedError,
    CooldownError,
    NothingToDeliverError,
)
from app.workflows.results import (
    ResultAlreadyMadeError,
    complete_order,
    result_on_file,
)
from app.workflows.resume_news import ResumeNews, resume_news
from app.workflows.snapshots import SavedSnapshot, SaveProgress, SaveRequest, save_snapshot
from app.workflows.snapshots import live_records as gather_live_records
from app.workflows.steps import unexpected_failure
from app.workflows.waiting_steps import cancel_waiting_step
from app.workflows.watch import WatchReport, watch_berke, watch_comments

log = logging.getLogger(__name__)

CLOSING = (
    "This connection is closing (the connection settings changed, or the app is quitting): "
    "what was under way finishes first."
)

DEFAULT_POLL_SECONDS = 60


#: What can go wrong in an action in a way the coordinator should read (a sentence each).
class BoardListener:
    """What the board tells the UI. Every method does nothing here: override what you need."""

    def orders_changed(self, order_ids: list[str]) -> None:
        """These orders (or their local state) changed; new orders are among them."""

    def steps_changed(self, order_ids: list[str]) -> None:
        """These orders' steps (their journal: a step begun, sent, waiting again with new
        words, failed, cancelled) changed, whoever moved them: the resumer, a batch, a
        delivery, a file, the coordinator. Told before ``orders_changed`` of the same reading;
        an order whose journal did not move is not among them."""

    def orders_arrived(self, order_ids: list[str]) -> None:
        """A sync or poll found orders never seen before (already reported by
        ``orders_changed``); not the first that worked (what arrived while the desk was
        closed)."""

    def sync_started(self, *, poll: bool) -> None: ...

    def sync_finished(self, report: SyncOutcome) -> None: ...

    def upload_progress(self, upload_id: int, sent: int, total: int) -> None: ...

    def resume_ended(self, news: ResumeNews) -> None:
        """A pass of the resumer sent (or failed to send) steps that were waiting: in words
        (a pass with nothing to say says nothing)."""

    def berke_watched(self, problem: str | None, *, local: bool = False) -> None:
        """A round of watching Berke ended: None when Berke answered, else why not;
        ``local``: the round failed on this computer (what Berke answered could not be kept,
        or a bug), not for Berke's doing."""


@dataclass(frozen=True)
class SyncOutcome:
    poll: bool
    ok: bool
    fetched: int = 0  # orders the service listed
    new_ids: tuple[str, ...] = ()
    changed_ids: tuple[str, ...] = ()
    error: str | None = None  # in words, when not ok
    #: What a sync that worked left out, in words (None: nothing): orders it could not read,
    #: or the listing's pages it did not reach.
    left_out: str | None = None
    gone_ids: tuple[str, ...] = ()  # held orders this sync found SmartRecruiters no longer has
    #: Ended by this connection closing (``OrderBoard.stop``): nothing failed, nothing to say.
    stopped: bool = False


@dataclass(frozen=True)
class BoardOptions:
    """The connection profile's options that the board applies."""

    result_flow: ResultFlow = ResultFlow.FAQ
    max_upload_bytes: int = DEFAULT_MAX_BYTES
    poll_seconds: int = DEFAULT_POLL_SECONDS
    #: Deliver complete assessments unattended (each one logged in its order's activity).
    auto_deliver: bool = False
    pass_level: FitLevel = FitLevel.MEDIUM
    attention: AttentionRules = field(default_factory=AttentionRules)
    invite_cooldown: timedelta = timedelta(hours=24)
    #: The profile's default invitation message and sender (None: it keeps none, so Berke's
    #: account default), as saved now: the session's profile is the one it opened with.
    invitation: InvitationText | None = None

    @classmethod
    def of(cls, profile: ConnectionProfile) -> BoardOptions:
        return cls(
            result_flow=ResultFlow(profile.result_flow),
            max_upload_bytes=profile.max_upload_bytes,
            poll_seconds=profile.poll_interval_seconds,
            auto_deliver=profile.delivery == "automatic",
            pass_level=FitLevel[profile.pass_level.upper()],
            attention=AttentionRules(
                stale_new_after=timedelta(days=profile.stale_new_days),
                remind_after=timedelta(days=profile.remind_after_days),
            ),
            invite_cooldown=timedelta(hours=profile.invite_cooldown_hours),
            invitation=profile.default_invitation,
        )


def _delivery_settings(options: BoardOptions) -> tuple[object, ...]:
    """The options a delivery is judged by: a held delivery is tried again when one changes."""
    return (options.result_flow, options.max_upload_bytes, options.pass_level)


def _lasting(exc: Exception) -> bool:
    """Whether a delivery refused with ``exc`` would be refused again unchanged: Berke's answer
    or report (``NothingToDeliverError``), or what the resumer too counts as permanent (a
    service's refusal that is not a wait, a step refused or cancelled)."""
    return isinstance(exc, NothingToDeliverError) or is_permanent(exc)


def _not_kept(
    exc: sqlite3.Error | OSError,
    what: str = "The orders read",
    then: str = "the next sync tries again",
) -> str:
    """A failure to keep ``what`` was read (a sync's, by default), in words (a full disk, a
    folder made read-only, another program holding the data file); ``then``: what next."""
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return (
        f"{what} could not be kept on this computer (“{why}”). Free some space on the disk, "
        f"or check that the data folder may be written; {then}."
    )


class OrderBoard:
    """Orders, their local state, and the actions on them. See the module docstring."""

    def __init__(
        self,
        desk: Desk,
        options: BoardOptions | None = None,
        listener: BoardListener | None = None,
    ) -> None:
        self._desk = desk
        if options is None:  # the session's profile's (the window passes the saved ones)
            profile = desk.session.profile
            options = BoardOptions.of(profile) if profile is not None else BoardOptions()
        self.options = options
        self.listener = listener or BoardListener()
        self._memory = BoardMemory()
        self._rules = OrderRules(self._memory, desk)
        #: Each order's journal writes (``Journal.writes``) as of its last reading: a reading
        #: that finds more tells ``steps_changed``.
        self._steps_seen: dict[str, int] = {}
        self._jobs: list[BerkeJob] | None = None
        self._held = HeldDeliveries()  # automatic deliveries refused until Berke says more
        self._sync_lock = asyncio.Lock()
        self._sync_walk: asyncio.Task[SyncOutcome] | None = None  # the sync's reading, if any
        self._synced_once = False  # a sync worked: the new orders of the next are said
        # A full sync read the whole listing: an order new to the desk after it arrived while
        # the desk watched (its comments are news). Not any sync that worked: after a failed
        # start-up sync, a poll of the NEW orders worked, and the next full sync took every
        # order in progress it read for the first time for one arrived, all its old comments
        # flagged.
        self._listed_whole = False
        self._closing = False  # set when the session begins to close: nothing new starts
        self._batches: set[asyncio.Event] = set()  # each running batch's stop
        self._one_batch = asyncio.Lock()  # batches run one after the other
        self._watching = asyncio.Lock()
        self._resumed_once = False  # the first pass's steps were left waiting from before
        #: The last watch round failed on this computer: its words stay on the Berke bar until
        #: a whole round works (cleared when Berke answered, they blinked every round).
        self._watch_failed_here = False
        self.last_sync: SyncOutcome | None = None
        self._background = BoardLoops()
        self._uploader = BoardUploads(desk)
        self._uploader.show_sending(self._order_access())

    def _loop_work(self) -> LoopWork:
        """What this board's loops run (``board_loops``): made for the loops' tasks, which
        alone hold it (held by the board, it would keep a closed board alive)."""
        return LoopWork(
            sync=lambda poll: self.sync(poll=poll),
            resume=self.resume,
            watch=self.watch,
            poll_seconds=lambda: self.options.poll_seconds,
            demo=lambda: self.demo,
            watch_failed_here=self._watch_failed_locally,
        )

    def _order_access(self) -> OrderAccess:
        """What the files (``board_uploads``) ask of this board's orders: made for each call,
        which alone holds it (held by the board, it would keep a closed board alive)."""
        return OrderAccess(
            state=self.state,
            set_state=self._memory.set_state,
            changed=self._changed,
            refresh=self.refresh,
            require=self._require,
            gone_since=self._memory.gone_since,
            closing=lambda: self._closing,
            refuse_if_closing=self._refuse_if_closing,
            max_bytes=lambda: self.options.max_upload_bytes,
            listener=lambda: self.listener,
        )

    # -- what it is connected to ---------------------------------------------------------------

    @property
    def description(self) -> str:
        """Where the orders come from, for the status bar (never a key)."""
        return self._desk.session.description

    @property
    def demo(self) -> bool:
        return self._desk.session.demo

    @property
    def data_file(self) -> Path | None:
        """The data file its orders are kept in (None: in memory, as the demo's are)."""
        path = self._desk.db.path
        return None if path == ":memory:" else Path(path)

    @property
    def author(self) -> ContactPerson | None:
        return self._desk.author

    @property
    def berke_username(self) -> str | None:
        """The Berke user this connection's calls run as when a form names none (the
        profile's); None for the API's default user."""
        return self._desk.session.berke.username

    @property
    def allows_http_assessment_urls(self) -> bool:
        """Assessment URLs on plain http are acceptable only from a Berke on this computer."""
        return actions.http_assessment_urls_allowed(self._desk)

    def on_sr_clock(self, moment: datetime) -> datetime:
        """``moment`` of this machine's clock on SmartRecruiters' clock, as its latest answer's
        ``Date`` measured it (unchanged until one did)."""
        return moment + self._desk.session.sr.clock_offset

    def pacing(self) -> list[tuple[str, Pacer]]:
        """(service, pacer) pairs, for a status line of calls left and waits."""
        session = self._desk.session
        found = [("SR", session.sr.pacer), ("Berke", session.berke.pacer)]
        return [(name, pacer) for name, pacer in found if pacer is not None]

    # -- reading (in memory) -------------------------------------------------------------------

    def orders(self) -> list[AssessmentOrder]:
        return list(self._memory.orders.values())

    def order_ids(self) -> list[str]:
        return list(self._memory.orders)

    def order(self, order_id: str) -> AssessmentOrder | None:
        return self._memory.orders.get(order_id)

    def state(self, order_id: str) -> OrderState:
        return self._memory.state(order_id)

    def link(self, order_id: str) -> LinkedAssessment | None:
        return self.state(order_id).link

    def is_busy(self, action: OrderAction, order_id: str) -> bool:
        return self._rules.is_busy(action, order_id)

    def why_not(self, action: OrderAction, order_ids: Sequence[str]) -> str | None:
        """None when ``action`` may be started on these orders now; otherwise why not, in
        words (``board_rules``). Nothing is offered while the connection closes
        (``begin_closing``)."""
        if self._closing and any(order_id in self._memory.orders for order_id in order_ids):
            return CLOSING
        return self._rules.reason(action, order_ids)

    def why_not_each(self, action: OrderAction, order_ids: Sequence[str]) -> list[str | None]:
        """``why_not(action, [order_id])`` for each of these orders, in one pass: the summary
        of a selection asks it of every order selected (thousands after Ctrl+A)."""
        reasons: list[str | None] = []
        for order_id in order_ids:
            order = self._memory.orders.get(order_id)
            if order is None:
                reasons.append(NO_ORDER)
            elif self._closing:
                reasons.append(CLOSING)
            else:
                reasons.append(self._rules.order_reason(action, order))
        return reasons

    def left_waiting(self, action: OrderAction, order_id: str) -> bool:
        """Whether a step of ``action`` waits in the journal for the order (the service could
        not take it now): it goes by itself, with what was typed."""
        own = actions.STEPS_OF_ACTION.get(action, frozenset())
        return bool(own & self.state(order_id).pending)

    def answer_kept(self, action: OrderAction, order_id: str) -> bool:
        """Whether a step of ``action`` for the order went through and its answer waits to be
        written (``Desk.kept_outcomes``): done, not "sent again by itself"."""
        own = actions.STEPS_OF_ACTION.get(action, frozenset())
        return any(
            kept.order_id == order_id and kept.action in own
            for kept in self._desk.kept_outcomes.values()
        )

    def flags(self, order_id: str, now: datetime | None = None) -> list[Flag]:
        """What needs the coordinator's attention on the order, with the fix for each."""
        memory = self._memory
        order = memory.orders.get(order_id)
        if order is None:
            return []
        return flags_for(
            order,
            self.state(order_id),
            now or datetime.now(UTC),
            self.options.attention,
            in_use_elsewhere=bool(memory.open_orders_sharing(order_id)),
            invited_elsewhere_at=memory.invited_elsewhere_at(order_id),
            invitation_unsure_elsewhere=memory.invitation_unsure_elsewhere(order_id),
            delivery_held=self._held.reason(order_id),
            delivery_held_asked=self._held.asked(order_id),
        )

    # -- loading and syncing ---------------------------------------------------------------------

    async def load(self, cached: CachedInbox | None = None) -> None:
        """The cached orders and every order's local state, read off the GUI thread (or as
        read before the session opened: ``cached``)."""
        if cached is None:
            cached = await asyncio.to_thread(read_cached_inbox, self._desk.db)
        self._memory.load(cached.orders, cached.states)
        if cached.orders:
            self._changed(self.order_ids())

    async def sync(self, *, poll: bool = False) -> SyncOutcome:
        """Fetch every order (or, polling, the NEW ones), merge, and report what changed.

        Syncs never overlap: a second one waits for the first, then runs (it may see more).
        """
        async with self._sync_lock:
            self.listener.sync_started(poll=poll)
            arrived: list[str] = []  # new orders, page by page: a sync failing later keeps them

            def take_listed(new: list[AssessmentOrder], changed: list[AssessmentOrder]) -> None:
                # New to the desk and waiting for it: a full sync's first sight of an order
                # completed or rejected elsewhere is no order arriving.
                arrived.extend(order.id for order in new if order.status is OrderStatus.NEW)
                self._take_listed(new, changed)

            self._sync_walk = asyncio.ensure_future(
                self._sync_once(poll, take_listed, watching=self._listed_whole)
            )
            try:
                outcome = await self._sync_walk
            except asyncio.CancelledError:
                caller = asyncio.current_task()
                if not self._closing or caller is None or caller.cancelling():
                    raise
                # Stopped by the close: run on, it read into a closed data file, and the
                # window said the orders read "could not be kept".
                outcome = SyncOutcome(poll, ok=False, stopped=True)
            except (ApiError, ActionNotAllowedError) as exc:
                log.warning("Sync failed: %r", exc)
                outcome = SyncOutcome(poll, ok=False, error=str(exc))
            except (sqlite3.Error, OSError) as exc:
                # Ended here, and said: raised on, the window stayed on "Syncing…" for good.
                log.exception("The orders read could not be kept")
                outcome = SyncOutcome(poll, ok=False, error=_not_kept(exc))
            except Exception as exc:
                log.exception("Sync failed")
                failure = unexpected_failure(exc, "the next sync tries again")
                outcome = SyncOutcome(poll, ok=False, error=failure)
            finally:
                self._sync_walk = None
            # Any sync's new orders are said, but those before the first that worked (what
            # arrived while the desk was closed). Said by polls alone, those a re-sync or F5
            # found first, or a poll's first pages before it failed, never were.
            if arrived and self._synced_once:
                self.listener.orders_arrived(arrived)
            self._synced_once = self._synced_once or outcome.ok
            self.last_sync = outcome
            self.listener.sync_finished(outcome)
            return outcome

    async def _sync_once(
        self, poll: bool, take_listed: PageTaken, *, watching: bool
    ) -> SyncOutcome:
        self._refuse_if_closing()
        # Compared with the cache (and parsed only where different) off this thread; each
        # page's changes shown as it comes. Once the whole listing was read, an order new to
        # the desk arrived since: its comments are news (not those of the orders found then).
        found = await fetch_changes(self._desk, poll=poll, on_page=take_listed, watching=watching)
        if not poll and found.complete:
            self._listed_whole = True
        new_ids = tuple(order.id for order in found.new)
        outcome = SyncOutcome(
            poll,
            ok=True,
            fetched=found.listed,
            new_ids=new_ids,
            changed_ids=tuple(order.id for order in found.changed),
            left_out=left_out_text(found),
            gone_ids=tuple(found.gone),
        )
        # Their state moved: found gone, listed again, or sent again while held as gone.
        sent_again = [i for i in (*new_ids, *outcome.changed_ids) if self._memory.gone_since(i)]
        await self.refresh([*found.gone, *found.back, *sent_again])
        if new_ids or found.changed:
            settle_heap()  # what was just read lives on: out of full collections
        return outcome

    def _take_listed(self, new: list[AssessmentOrder], changed: list[AssessmentOrder]) -> None:
        """One page's new and changed orders (already in the cache), and never over a newer
        copy held in memory: an action's answer that arrived while the listing was read."""
        taken = self._memory.take((*new, *changed))
        if taken:
            self._changed(self._memory.with_sharing([order.id for order in taken]))
            # Each page's orders live on: frozen as they land, a first sync of thousands runs
            # no full collection over the pages before (~1 ms a page, against 80-230 ms each).
            settle_heap()

    def start(self) -> None:
        """Run the poll schedule and the background resumer until ``stop``."""
        self._background.start(self._loop_work(), closing=self._closing)

    def carry_on_from(self, earlier: OrderBoard) -> None:
        """This board reopens ``earlier``'s data file on the same SmartRecruiters account (a
        setting saved that reconnects): the desk watched all along, so what its first sync
        finds arrived meanwhile and is said, as a poll's is. Not taken for a start's backlog
        (what arrived while the desk was closed): a reconnection's arrivals went unsaid."""
        self._synced_once = self._synced_once or earlier._synced_once
        self._listed_whole = self._listed_whole or earlier._listed_whole

    def set_options(self, options: BoardOptions) -> None:
        """The profile's options changed (no reconnection needed): they apply from now."""
        before, self.options = self.options, options
        if options.poll_seconds != before.poll_seconds:
            self._background.poll_interval_changed()
        # Nothing delivered unattended, or a setting a refusal may have been about (a report
        # over the upload limit, the flow SmartRecruiters refused): nothing is held any more.
        # A delivery the coordinator asked for stays held while its reason may stand: only a
        # setting it may have been about lets it go.
        if _delivery_settings(before) != _delivery_settings(options):
            self._changed(self._held.release_all())
        elif not options.auto_deliver:
            self._changed(self._held.release_automatic())
        if options.attention != before.attention:
            # Every order's flags follow the rules now (a NEW order stale after 3 days, not
            # 7), not at the next change of each order.
            self._changed(self.order_ids())

    def begin_closing(self) -> None:
        """From now on no action is offered, the coordinator's own calls (a comment, a file, a
        Retry, a sync) are refused in words, and no upload starts (a queued one waits for this
        connection's next session). What is under way finishes; ``stop`` waits for it. A board
        that began closing is not started again: the next session has a board of its own."""
        self._closing = True
        for stop in self._batches:
            stop.set()  # a batch stops before its next order, as on Cancel

    def _refuse_if_closing(self) -> None:
        if self._closing:
            raise ActionNotAllowedError(CLOSING)

    async def stop(self) -> None:
        """Stop the loops and wait for actions under way (a tidy close)."""
        self.begin_closing()
        if self._sync_walk is not None:
            # Not waited for: its answers may be minutes away (a busy service's 429s), and
            # what it read so far is kept already, page by page.
            self._sync_walk.cancel()
        await self._background.stop_loops()
        async with self._sync_lock:
            pass  # the stopped sync has said how it ended, before the data file closes
        await self.wait_idle()
        await self._uploader.stop()

    async def wait_idle(self) -> None:
        """Wait for every action started through ``spawn`` (tests, and a tidy close)."""
        await self._background.wait_idle()

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run ``coro`` as a task the board keeps (and waits for on close)."""
        return self._background.spawn(coro)

    async def resume(self) -> ResumeReport:
        """Execute pending steps and queued uploads again (see ``outbox.resume_pending``)."""
        touched: set[str] = set()
        started: set[int] = set()
        # Each order is shown as soon as its step ends, not when the whole pass does: behind a
        # slow answer or a file on a slow line, a reject already sent showed "under way" (and
        # refused every action) for minutes. The orders ended meanwhile are read together,
        # one reading at a time, rather than one task each piling up.
        to_show: set[str] = set()
        showing: asyncio.Task[None] | None = None

        async def show_early(ids: Iterable[str]) -> None:
            # A reading that fails here (a full disk) is left to the pass's last one, below:
            # it shows them all again, and its failure is said once a streak. A task's own
            # failure went to the error box, once per order the pass ended.
            try:
                await self.refresh(ids)
            except (sqlite3.Error, OSError) as exc:
                log.info("An order the resumer ended could not be shown yet: %s", exc)

        async def show_ended() -> None:
            while to_show:
                ids = list(to_show)
                to_show.clear()
                await show_early(ids)

        def step_ended(order_id: str) -> None:
            nonlocal showing
            touched.add(order_id)
            to_show.add(order_id)
            if showing is None or showing.done():
                showing = self.spawn(show_ended())

        def progress(order_id: str, upload_id: int, sent: int, total: int) -> None:
            if upload_id not in started:  # the order shows the file on its way, not queued
                started.add(upload_id)
                self.spawn(show_early([order_id]))
            self.listener.upload_progress(upload_id, sent, total)

        try:
            report = await resume_pending(self._desk, on_change=step_ended, progress=progress)
        finally:
            if touched:  # all of them once more, as the pass left them
                await self.refresh(touched)
        at_start, self._resumed_once = not self._resumed_once, True
        news = resume_news(report, at_start=at_start, name_of=self._candidate_name)
        if news is not None:
            self.listener.resume_ended(news)
        return report

    def _candidate_name(self, order_id: str) -> str | None:
        order = self._memory.orders.get(order_id)
        return order.candidate.display_name if order is not None else None

    def _watch_failed_locally(self, exc: Exception) -> None:
        """A watch round failed on this computer (a full disk: Berke's answers not kept, or a
        bug), logged already: said on the Berke bar until a whole round works. Logged alone,
        the desk looked healthy while nothing finished showed complete and nothing was
        delivered."""
        if isinstance(exc, (sqlite3.Error, OSError)):
            words = _not_kept(exc, "What Berke answered", "the next round tries again")
        else:
            words = unexpected_failure(exc, "the next round tries again")
        self._watch_failed_here = True
        self.listener.berke_watched(words, local=True)

    def watch_now(self) -> None:
        """A round soon (the Berke bar's Try again): the running loop's next one, at once; a
        board not started runs one of its own. Never two rounds at once (``watch``)."""
        self._background.watch_now(self._loop_work(), closing=self._closing)

    async def watch(self) -> WatchReport:
        """One round: Berke's side of every open assessment, recruiters' new comments, and
        (when the profile says so) the delivery of what is complete. Each goes on when another
        fails: Berke down (or its token revoked) stopped the comments' flags and the delivery
        of what was known complete. Berke's problem, if any, is in the report."""
        async with self._watching:  # one round at a time: a late one undid a newer answer
            return await self._watch_once()

    async def _watch_once(self) -> WatchReport:
        report = await watch_berke(self._desk)
        if report.problem is not None:
            log.info("Watching Berke did not finish: %s", report.problem)
        # Said at once, not after the comments and deliveries below: a revoked token showed
        # nowhere, and finished candidates looked idle for days. Berke answering does not
        # clear a failure here, which the rest of the round may meet again: at its end.
        if report.problem is not None or not self._watch_failed_here:
            self.listener.berke_watched(str(report.problem) if report.problem else None)
        # An order SmartRecruiters no longer has has no comments to read (a 404 each round).
        listed = [o for o in self._memory.orders.values() if self._memory.gone_since(o.id) is None]
        flagged = await watch_comments(self._desk, listed)
        self._held.release(report.changed_orders)  # Berke's side changed: worth a try
        # (An answer that gains its score later is not seen by the watch: HeldDeliveries
        # tries again after a while, and a preview that finds it deliverable releases it.)
        await self.refresh(report.changed_orders | flagged)
        if self.options.auto_deliver:
            now = datetime.now(UTC)
            await self.deliver_ready(
                [
                    i
                    for i in self._memory.orders
                    if self._rules.reason(OrderAction.DELIVER, [i]) is None
                    and not self._held.waiting(i, now)
                ],
                unattended=True,
            )
        if self._watch_failed_here and report.problem is None:
            self._watch_failed_here = False
            self.listener.berke_watched(None)
        return report

    async def refresh(self, order_ids: Iterable[str]) -> None:
        """Re-read these orders and their local state from the store, and report them.

        What was read lands only if nothing newer did meanwhile: read off this thread, it
        put back the copy it held over the one a sync merged (an order withdrawn showed in
        progress until restart), and over the state a later refresh had read."""
        ids = list(dict.fromkeys(order_ids))
        while ids:
            ids = await self._refresh_once(ids)

    async def _refresh_once(self, ids: list[str]) -> list[str]:
        """One reading of ``refresh``; the orders whose local state was set meanwhile (their
        reading may be older than what is shown) are returned, to be read again."""
        memory = self._memory
        settings_before = {order_id: memory.settings(order_id) for order_id in ids}

        def read() -> tuple[dict[str, AssessmentOrder], dict[str, OrderState], dict[str, int]]:
            # Counted first: a write landing during the reading is told by the next one
            # (every path that writes steps reads its order after), never lost.
            writes = self._desk.journal.writes(ids)
            found = {i: o for i in ids if (o := self._desk.orders.get(i)) is not None}
            return found, load_states(self._desk.db, ids), writes

        orders, states, writes = await asyncio.to_thread(read)
        moved = [i for i in ids if writes[i] > self._steps_seen.get(i, 0)]
        self._steps_seen.update((i, writes[i]) for i in moved)
        memory.take(orders.values())
        before = {order_id: memory.assessment_of(order_id) for order_id in ids}
        # Read again rather than dropped: the setting that landed may be an older reading's.
        read_again = [i for i in ids if memory.settings(i) != settings_before[i]]
        for order_id in ids:
            if order_id not in read_again:
                memory.set_state(order_id, states.get(order_id, NO_STATE))
        if moved:
            self.listener.steps_changed(moved)
        self._changed(memory.with_sharing(ids, before))
        return read_again

    def _changed(self, order_ids: list[str]) -> None:
        self.listener.orders_changed(order_ids)

    # -- the actions ---------------------------------------------------------------------------

    @contextmanager
    def _claimed(self, order_id: str, *kinds: OrderAction) -> Iterator[None]:
        """The one in-flight registry: an action runs once per order at a time. Several
        ``kinds`` are claimed together (all, or none), and the order is told once."""
        keys = list(dict.fromkeys(action_key(kind, order_id) for kind in kinds))
        if not self._desk.claim_all(keys):
            raise ActionNotAllowedError("This is already being sent for this order.")
        try:
            self._changed([order_id])
            yield
        finally:
            for key in keys:
                self._desk.release(key)

    def _claimed_for_batch(self, order_id: str) -> AbstractContextManager[None]:
        """Everything the batch may do to the order, claimed while it does it."""
        return self._claimed(order_id, *_BATCH_ACTIONS)

    async def _act(
        self,
        action: OrderAction,
        order_id: str,
        run: Callable[[AssessmentOrder], Any],
        *,
        also: tuple[OrderAction, ...] = (),
    ) -> Any:
        """Run ``action`` on the order, claimed (with ``also``: actions that would do the
        same to it) while it runs, and show the order as it is afterwards."""
        order = self._require(order_id)
        try:
            with self._claimed(order_id, action, *also):
                return await run(order)
        finally:
            await self.refresh([order_id])

    def _require(self, order_id: str) -> AssessmentOrder:
        order = self._memory.orders.get(order_id)
        if order is None:
            raise ActionNotAllowedError("This order is no longer known to this desk.")
        return order

    async def jobs(self) -> list[BerkeJob]:
        """Berke's jobs, fetched once per connection (they change rarely)."""
        if self._jobs is None:
            self._jobs = await self._desk.session.berke.get_jobs()
        return self._jobs

    async def create_assessment(
        self, order_id: str, request: CreateAssessmentRequest
    ) -> LinkedAssessment:
        return await self._act(
            OrderAction.CREATE_ASSESSMENT,
            order_id,
            lambda order: actions.create_assessment(self._desk, order, request),
        )

    async def assessment_request(self, order_id: str) -> CreateAssessmentRequest | None:
        """What the order's Berke assessment was created with (the names Berke holds, as the
        form sent them), from the journal; None when it was not made here."""
        return await actions.assessment_request(self._desk, order_id)

    async def invitation_email(self, order_id: str) -> str:
        """Where the order's invitation goes (``order_actions.invitation_email``)."""
        return await actions.invitation_email(self._desk, self._require(order_id))

    def created(self, order_id: str) -> CreateAssessmentResponse | None:
        """The linked assessment as Berke answered it (code and URL), for the preview."""
        link = self.link(order_id)
        if link is None:
            return None
        # As stored (checked when Berke answered, maybe by an older rule): the preview says
        # what is wrong with it, and never opens or sends a non-web address.
        return CreateAssessmentResponse.model_construct(
            source_candidate_id=link.source_candidate_id,
            invitation_code=link.invitation_code,
            assessment_url=link.assessment_url,
        )

    async def accept(
        self,
        order_id: str,
        *,
        message: str | None = None,
        message_to_candidate: str | None = None,
    ) -> AssessmentOrder:
        return await self._act(
            OrderAction.ACCEPT,
            order_id,
            lambda order: actions.accept_order(
                self._desk, order, message=message, message_to_candidate=message_to_candidate
            ),
        )

    async def reject(self, order_ids: Sequence[str], *, reason: str) -> list[tuple[str, str]]:
        """Reject each order that can be; returns (order id, why it failed) for the others."""
        failures: list[tuple[str, str]] = []
        for order_id in order_ids:
            order = self._memory.orders.get(order_id)
            gone = self._memory.gone_since(order_id)
            if gone is not None:  # went while the dialog was open: said, never skipped unsaid
                failures.append((order_id, gone_reason(gone)))
                continue
            if order is None:
                continue
            # Changed while the dialog was open (completed elsewhere, say): said, and not
            # taken for rejected (which would offer to delete its Berke assessment).
            refused = why_not(OrderAction.REJECT, order, None)
            if refused:
                failures.append((order_id, refused))
                continue
            try:
                await self._act(
                    OrderAction.REJECT,
                    order_id,
                    lambda o: actions.reject_order(self._desk, o, reason=reason),
                )
            except ApiError as exc:
                if exc.is_transient:  # the step waits, and holds the order's other actions
                    failures.append((order_id, f"{exc} {REJECT_SENT_AGAIN}"))
                else:
                    failures.append((order_id, str(exc)))
            except EXPECTED_ERRORS as exc:
                failures.append((order_id, str(exc)))
            except Exception as exc:  # one order's surprise must not stop the others
                # Before: the orders after it were not rejected, and those before not said.
                log.exception("Unexpected failure rejecting order %s", order_id)
                waits = self.left_waiting(OrderAction.REJECT, order_id)
                then = "see the order's activity" if waits else "reject it again"
                failures.append((order_id, unexpected_failure(exc, then)))
        return failures

    async def invite(
        self, order_id: str, *, invitation: InvitationText | None = None, resend: bool = False
    ) -> LinkedAssessment:
        """Send the invitation with ``invitation``'s message and sender (None: the profile's
        default)."""
        text = self._invitation_or_default(invitation)
        return await self._act(
            OrderAction.INVITE,
            order_id,
            lambda order: actions.send_invitation(
                self._desk, order, invitation=text, resend=resend
            ),
        )

    @property
    def profile_key(self) -> str:
        """The connection profile this board works for, as a settings key ("demo" without
        one): what is remembered for one profile is not offered under another. Its data file
        names it, not its name: a profile removed and another added under its name (another
        customer's account), or one moved to another server, offered the first one's words."""
        profile = self._desk.session.profile
        key = (data_file_name(profile) or profile.name) if profile is not None else "demo"
        return key.replace("/", "_").replace("\\", "_") or "demo"

    @property
    def default_invitation(self) -> InvitationText | None:
        """The profile's invitation message and sender, what the invite dialog starts from."""
        return self.options.invitation

    def _invitation_or_default(self, invitation: InvitationText | None) -> InvitationText:
        """``invitation``, or the profile's default as saved now (an empty text: Berke's
        account default). Never None: that would send the default the session opened with."""
        if invitation is not None:
            return invitation
        return self.options.invitation or InvitationText()

    def default_request(self, order_id: str) -> CreateAssessmentRequest:
        """What the batch starts from (``batch.default_request``): the candidate and the
        matching job."""
        return default_request(self._require(order_id), self._jobs or [])

    async def _jobs_or_none(self) -> list[BerkeJob]:
        try:
            return await self.jobs()
        except ApiError as exc:
            log.info("No Berke jobs (%r): using the company default job", exc)
            return []

    async def _orders_by_candidate(self) -> OrdersByCandidate:
        """Every order by candidate, indexed off the GUI thread (the keys of orders unchanged
        since the last index are reused; the first index of 5,000 orders takes ~40 ms)."""
        orders = list(self._memory.orders.values())
        keys = self._memory.candidate_keys

        def index() -> OrdersByCandidate:
            keys.forget_all_but(order.id for order in orders)
            return OrdersByCandidate(orders, keys.of)

        return await asyncio.to_thread(index)

    async def _reuse_finder(self, planned: Mapping[str, str] | None = None) -> ReuseFinder:
        """The batch's reuse finder, over an index of the orders made once for the batch: the
        candidate's newest assessment, or the one the plan named (``planned``: order id ->
        the order whose assessment it reuses), None if that one is not there to reuse."""
        index = await self._orders_by_candidate()

        async def reusable(order: AssessmentOrder) -> tuple[str, LinkedAssessment] | None:
            found = await self.reuse_candidates(order.id, index)
            named = (planned or {}).get(order.id)
            if named is not None:
                # Not whatever is newest now: a row above may have made another the newest
                # (a reuse's link carries its own date) after the plan promised this one.
                link = await actions.linked_assessment(self._desk, named)
                key = link.source_candidate_id.casefold() if link is not None else None
                found = [r for r in found if r.link.source_candidate_id.casefold() == key]
            return (found[0].from_order_id, found[0].link) if found else None

        return reusable

    async def plan_batch(self, order_ids: Sequence[str], *, reuse: bool = True) -> BatchPlan:
        """What "Create, accept and invite" would do to each order (``batch.plan_batch``),
        and the Berke jobs a new assessment may be given instead."""
        jobs = await self._jobs_or_none()
        orders = [self._require(order_id) for order_id in order_ids]
        planned = await plan_batch(
            self._desk, orders, jobs, await self._reuse_finder() if reuse else None
        )
        return BatchPlan(planned, jobs)

    async def create_accept_invite(
        self,
        order_ids: Sequence[str],
        *,
        progress: Callable[[int, int, Outcome], None] | None = None,
        cancelled: asyncio.Event | None = None,
        reuse: bool = True,
        invitation: InvitationText | None = None,
        plan: Sequence[PlannedOrder] | None = None,
        message_to_candidate: str | None = None,
    ) -> list[Outcome]:
        """The batch: create, accept and invite each order in turn (see ``batch.run_batch``).
        A candidate already assessed here keeps that assessment unless ``reuse`` is False.
        With a ``plan`` (as shown to the coordinator), each new assessment gets the plan's job."""
        jobs = await self._jobs_or_none() if plan is None else []
        planned = {p.order_id: p for p in plan or ()}
        reused = {
            p.order_id: p.reuse_from
            for p in plan or ()
            if p.kind is PlanKind.REUSE and p.reuse_from is not None
        }
        orders = [self._require(order_id) for order_id in order_ids]

        def request_for(order: AssessmentOrder) -> CreateAssessmentRequest:
            chosen = planned.get(order.id)
            if chosen is not None:
                return request_for_job(order, chosen.job)
            return default_request(order, jobs)

        def each(done: int, total: int, outcome: Outcome) -> None:
            self.spawn(self.refresh([outcome.order_id]))
            if progress is not None:
                progress(done, total, outcome)

        # Stopped by the coordinator's Cancel, or when the connection begins to close (the
        # window closed, another profile applied): the order under way ends, no next starts.
        stop = cancelled if cancelled is not None else asyncio.Event()
        if self._closing:
            stop.set()
        self._batches.add(stop)
        try:
            # One at a time: two planned apart for one candidate's orders both made her an
            # assessment. Run after the first, the second finds that one and reuses it.
            async with self._one_batch:
                return await run_batch(
                    self._desk,
                    orders,
                    request_for,
                    progress=each,
                    cancelled=stop,
                    message_to_candidate=message_to_candidate,
                    reuse=await self._reuse_finder(reused) if reuse else None,
                    reuse_only=frozenset(reused),
                    skipped={p.order_id: p.reason for p in plan or () if p.kind is PlanKind.SKIP},
                    guard=self._claimed_for_batch,
                    # The same message and sender for every invitation of the batch; None
                    # sends the profile's default.
                    invitation=self._invitation_or_default(invitation),
                )
        finally:
            self._batches.discard(stop)
            await self.refresh(order_ids)

    async def complete(
        self, order_id: str, result: AssessmentResult, *, message: str | None = None
    ) -> str:
        """Complete the order with ``result`` (the profile's flow); returns the resultId. Files
        queued for the order start uploading to it."""
        try:
            result_id: str = await self._act(
                OrderAction.COMPLETE,
                order_id,
                lambda order: complete_order(
                    self._desk, order, result, flow=self.options.result_flow, message=message
                ),
                also=COMPLETING,
            )
        except ResultAlreadyMadeError:
            self._background.wake_resumer()  # it completes the order with the result it has
            raise
        self.start_queued(order_id)
        return result_id

    async def add_comment(self, order_id: str, message: str) -> AssessmentComment:
        self._refuse_if_closing()
        order = self._require(order_id)
        try:
            return await actions.add_comment(self._desk, order, message)
        finally:
            await self.refresh([order_id])

    async def comments(self, order_id: str) -> list[AssessmentComment]:
        return await actions.list_comments(self._desk, self._require(order_id))

    async def timeline(self, order_id: str) -> list[JournalEntry]:
        """The order's journal, oldest first."""
        return await asyncio.to_thread(self._desk.journal.entries, order_id)

    async def result_on_file(self, order_id: str) -> ResultOnFile | None:
        """The order's result as SmartRecruiters holds it, with its files: the one made here,
        or, for an order completed outside this desk, the one SmartRecruiters lists. None when
        there is none to look up (not completed, no result here)."""
        return await result_on_file(self._desk, self._require(order_id))

    async def retry_step(self, entry_id: int) -> None:
        """The coordinator's Retry on a failed step (checked with the service first)."""
        self._refuse_if_closing()
        entry = await asyncio.to_thread(self._desk.journal.get, entry_id)
        if entry is None:
            await retry_step(self._desk, entry_id)  # says it is not waiting for a retry
            return
        # A completion retried claims Complete and Deliver, as they claim each other; any
        # other step its own action (an Accept dialog submitted meanwhile was refused as
        # under way, and closed as if its messages would go).
        completing = entry.action in (StepKind.COMPLETE, StepKind.CREATE_RESULT)
        own = actions.ACTION_OF_STEP.get(entry.action)
        claims = COMPLETING if completing else (own,) if own is not None else ()
        try:
            with self._claimed(entry.order_id, *claims):
                await retry_step(self._desk, entry_id)
        finally:
            await self.refresh([entry.order_id])

    async def cancel_waiting_step(self, order_id: str, step_id: int) -> None:
        """The coordinator's cancel of the order's step that waits to be sent (not a file's),
        refused in words while it is being sent. Every action that could be sending it right
        now is claimed meanwhile (the coordinator's own, a batch's): a step just begun by one
        is not yet held by its sending (``waiting_steps``)."""
        entry = await asyncio.to_thread(self._desk.journal.get, step_id)
        kind = entry.action if entry is not None else None
        claims = [action for action, kinds in actions.STEPS_OF_ACTION.items() if kind in kinds]
        if any(self._desk.is_claimed(action_key(action, order_id)) for action in claims):
            raise ActionNotAllowedError(BEING_SENT)  # the claim below would say less
        try:
            with self._claimed(order_id, *claims):
                await cancel_waiting_step(self._desk, order_id, step_id)
        finally:
            await self.refresh([order_id])

    # -- closing the loop: Berke's result back to SmartRecruiters --------------------------------

    async def preview_delivery(self, order_id: str) -> DeliveryPlan:
        """Everything the recruiter will see (result and report), fetched; nothing sent."""
        order = self._require(order_id)
        reason = self._rules.reason(OrderAction.DELIVER, [order_id])
        if reason:
            raise ActionNotAllowedError(reason)
        try:
            plan = await plan_delivery(self._desk, order, threshold=self.options.pass_level)
            # Said now, as Send would say it: the preview offered Send for a report over the
            # profile's upload limit, and Send was then refused.
            too_large = check_attachment(
                plan.report_name, plan.report_size, self.options.max_upload_bytes
            )
            if too_large is not None:
                raise NothingToDeliverError(too_large)
        except EXPECTED_ERRORS as exc:
            # The coordinator's own delivery of one order, refused before its preview: held
            # as "Deliver all"'s refusal is (before, the error box went and nothing said why).
            self._hold_if_lasting(order_id, exc, unattended=False)
            raise
        if self._held.release([order_id]):  # Berke's answer is deliverable now
            self._changed([order_id])
        return plan

    async def deliver(
        self, order_id: str, plan: DeliveryPlan | None = None, *, unattended: bool = False
    ) -> str:
        """Complete the order with Berke's result and attach the report; the resultId. A
        refusal that would come again unchanged holds the order (``_hold_if_lasting``):
        ``unattended``, automatic delivery's; otherwise the coordinator's."""

        async def run(order: AssessmentOrder) -> str:
            chosen = plan or await plan_delivery(
                self._desk, order, threshold=self.options.pass_level
            )
            return await deliver(
                self._desk,
                order,
                chosen,
                flow=self.options.result_flow,
                max_bytes=self.options.max_upload_bytes,
            )

        try:
            result_id: str = await self._act(OrderAction.DELIVER, order_id, run, also=COMPLETING)
        except EXPECTED_ERRORS as exc:
            self._hold_if_lasting(order_id, exc, unattended=unattended)
            raise
        if self._held.release([order_id]):
            self._changed([order_id])
        self.start_queued(order_id)
        return result_id

    def _hold_if_lasting(self, order_id: str, exc: Exception, *, unattended: bool) -> None:
        """Hold the order when its delivery was refused so that it would be refused the same
        way next time (no score, a report too large or not a PDF, an order SmartRecruiters no
        longer lets this desk complete): said on its flag, not tried every round. The
        coordinator's own delivery too, of one order (its preview or its Send) or of several:
        once the error box went, nothing on the order said why."""
        if not _lasting(exc):
            return
        news = self._held.hold(order_id, str(exc), datetime.now(UTC), asked=not unattended)
        if news:
            if unattended:
                log.warning("Automatic delivery of %s is held: %s", order_id, exc)
            self._changed([order_id])

    async def deliver_ready(
        self,
        order_ids: Sequence[str],
        *,
        unattended: bool = False,
        passed_over: list[tuple[str, str]] | None = None,
        progress: Callable[[int, int], None] | None = None,
        stop: asyncio.Event | None = None,
        not_begun: list[str] | None = None,
    ) -> list[tuple[str, str]]:
        """Deliver each order that is ready; (order id, why not) for those that failed. One
        failure never stops the others; it stays on its order (activity, Retry). A refusal
        that would come again unchanged (no score, no job id, a report not a PDF) holds the
        order: said on its flag (and, unattended, once in the log), and tried again
        automatically when Berke's side changes (``HeldDeliveries``). ``passed_over`` gets
        (order id, why not) for each order not ready at its turn (delivered meanwhile by
        automatic delivery, say), which is not tried. ``progress(n, total)`` is told as the
        n-th order's turn comes; once ``stop`` is set, no other order begins, and those left
        go to ``not_begun``."""
        failures: list[tuple[str, str]] = []
        for turn, order_id in enumerate(order_ids, start=1):
            if unattended and (not self.options.auto_deliver or self._closing):
                break  # switched off (or closing) while the round ran: nothing more unasked
            if stop is not None and stop.is_set():
                if not_begun is not None:
                    not_begun.extend(order_ids[turn - 1 :])
                break
            if progress is not None:
                progress(turn, len(order_ids))
            not_ready = self._rules.reason(OrderAction.DELIVER, [order_id])
            if not_ready is not None:
                if passed_over is not None:
                    passed_over.append((order_id, not_ready))
                continue
            try:
                await self.deliver(order_id, unattended=unattended)
            except EXPECTED_ERRORS as exc:
                failures.append((order_id, str(exc)))  # a lasting one is held by ``deliver``
                if unattended and not _lasting(exc):
                    # The network or the service: the next round tries again.
                    log.info("Automatic delivery of %s did not finish: %s", order_id, exc)
            except Exception as exc:  # one order's surprise must not stop the others
                # Before: it ended the whole round, and no order after it was delivered.
                log.exception("Unexpected failure delivering order %s", order_id)
                if self.left_waiting(OrderAction.DELIVER, order_id):
                    then = "see the order's activity"  # it goes by itself: not "again"
                elif unattended:
                    then = "the next round tries again"
                else:
                    then = "deliver it again"
                failures.append((order_id, unexpected_failure(exc, then)))
        return failures

    async def delete_in_berke(self, order_id: str) -> None:
        """The order ended: its open Berke assessment goes too (the coordinator's choice)."""
        link = self.link(order_id)
        if link is None:
            raise ActionNotAllowedError("The order has no Berke assessment to delete.")

        reason = self._rules.reason(OrderAction.DELETE_IN_BERKE, [order_id])
        if reason:
            raise ActionNotAllowedError(reason)
        await self._act(
            OrderAction.DELETE_IN_BERKE,
            order_id,
            lambda order: actions.delete_in_berke(self._desk, order, link),
        )
        # Every order on that assessment shows it deleted (the board's index: no store trip).
        await self.refresh(sorted(self._memory.linked_with(order_id)))

    async def remind(self, order_id: str, *, override_cooldown: bool = False) -> None:
        """Send the invitation again (the candidate has not started), with the words of the
        one the candidate got (``reminder_text``). Refused inside the profile's cooldown for
        this person unless overridden."""
        # The board's rule, with Berke's side: no reminder for a completed assessment.
        reason = self._rules.reason(OrderAction.REMIND, [order_id])
        if reason:
            raise ActionNotAllowedError(reason)
        if not override_cooldown:
            self._check_cooldown(order_id)
        invitation = await self.reminder_text(order_id)
        await self._act(
            OrderAction.REMIND,
            order_id,
            lambda order: actions.send_invitation(
                self._desk, order, invitation=invitation, resend=True
            ),
        )

    async def reminder_text(self, order_id: str) -> InvitationText:
        """What a reminder sends: the message and sender of the latest invitation this desk
        sent of the order's assessment; the profile's default when it sent none (the
        invitation went from another desk, or an older version)."""
        link = self.link(order_id)
        sent = (
            await asyncio.to_thread(actions.last_invitation_text, self._desk, link)
            if link is not None
            else None
        )
        return sent if sent is not None else self._invitation_or_default(None)

    def _check_cooldown(self, order_id: str) -> None:
        states = [self.state(other) for other in self._memory.linked_with(order_id)]
        sent = [s.link.invited_at for s in states if s.link and s.link.invited_at is not None]
        # A send whose answer was lost (failed so, or waiting) may have reached the candidate:
        # where Berke gives no count, nothing else holds the next one back.
        doubts = [s.invitation_doubt.at for s in states if s.invitation_doubt is not None]
        if not sent and not doubts:
            return
        last = max(sent + doubts)
        ready_at = last + self.options.invite_cooldown
        if datetime.now(UTC) < ready_at:
            raise CooldownError(last, ready_at, may_have_gone=last not in sent)

    async def reuse_candidates(
        self, order_id: str, index: OrdersByCandidate | None = None
    ) -> list[Reusable]:
        """Assessments this desk already has for the order's candidate, newest first: what
        the form and the batch offer to reuse. Read from the store (a batch may have made one
        a moment ago for the candidate's other order). ``index``: the orders by candidate,
        when the caller asks for many orders."""
        order = self._memory.orders.get(order_id)
        if order is None:
            return []
        others = (index or await self._orders_by_candidate()).others(order)
        if not others:
            return []
        states = await asyncio.to_thread(load_states, self._desk.db, others)
        # Being deleted (a delete pending, or failed and waiting for Retry): not offered, or
        # the delete would take it from the order that reuses it.
        going = {
            state.link.source_candidate_id.casefold()
            for other_id, state in states.items()
            if state.link is not None
            and (
                StepKind.DELETE_ASSESSMENT in state.pending
                # A failed delete may be retried, unless an open order uses the assessment
                # (it was refused for that, and stays refused while that order is open).
                or (
                    StepKind.DELETE_ASSESSMENT in state.failed
                    and not self._memory.open_orders_sharing(other_id)
                )
            )
        }
        # One per assessment, from the order that sent its invitation if one did (else the
        # first linked): a link made by reusing it has sent none and carries the reuse's date,
        # and a batch reusing it from there planned an invitation (Berke's count then kept it
        # from going twice).
        found: dict[str, Reusable] = {}
        made: dict[str, datetime] = {}  # each assessment's date: its earliest link's
        for other_id, state in states.items():
            if state.link is None or state.berke_progress is BerkeProgress.DELETED:
                continue
            key = state.link.source_candidate_id.casefold()
            if key in going:
                continue
            made[key] = min(made.get(key, state.link.created_at), state.link.created_at)
            known = found.get(key)
            if known is None or _reuse_rank(state.link) < _reuse_rank(known.link):
                found[key] = Reusable(other_id, state.link, state.berke)
        # The link that sent the invitation may be a reuse's, dated the day of the reuse: the
        # question and the outcome say when the assessment was made.
        dated = [
            replace(r, link=r.link.model_copy(update={"created_at": made[key]}))
            for key, r in found.items()
        ]
        return sorted(dated, key=lambda r: r.link.created_at, reverse=True)

    async def reuse(self, order_id: str, from_order_id: str) -> LinkedAssessment:
        """Link the candidate's existing assessment (of ``from_order_id``) to this order."""
        source = self.link(from_order_id)
        if source is None:
            raise ActionNotAllowedError("That order has no Berke assessment to reuse.")
        return await self._act(
            OrderAction.CREATE_ASSESSMENT,
            order_id,
            lambda order: actions.reuse_assessment(self._desk, order, source, from_order_id),
        )

    async def fit_summary(self, reusable: Reusable, order_id: str) -> str:
        """ "assessed on 2026-11-30, fit for Nurse: High" (what the offer to reuse says)."""
        when = f"{local_time(reusable.link.created_at):%Y-%m-%d}"  # as the batch says it
        completed = await asyncio.to_thread(
            self._desk.berke_watch.completed, reusable.link.source_candidate_id
        )
        if completed is None:
            progress = reusable.berke.progress.label.lower() if reusable.berke else "open"
            return f"assessment made on {when} ({progress})"
        order = self._memory.orders.get(order_id)
        job = order.job.name if order is not None and order.job else None
        # The fit a reuse would deliver (``reuse_assessment``): a re-order of the same job
        # is judged on the job chosen for the other order.
        source_order = self._memory.orders.get(reusable.from_order_id)
        job_id = reused_job_id(order, source_order, reusable.link) if order is not None else None
        fit = completed.fit_for(job_id, job)
        done = f"{local_time(completed.completed_on_utc or reusable.link.created_at):%Y-%m-%d}"
        if fit is None:
            return f"assessed on {done}"
        level = fit.level.label if fit.level is not None else "no score given"
        # Named as delivery names it: a fit for another job never under this order's job.
        named = (
            fit_job_name(order, fit, own_job=completed.own_fit(job_id, job) is fit)
            if order is not None
            else fit.job or fit.source_job_id
        )
        if completed.disagreeing_fits(job_id, job):
            # No level to offer: delivery refuses it until Berke says which is right.
            return f"assessed on {done}, Berke gave different fits for {named or 'the job'}"
        return f"assessed on {done}, fit for {named or 'the job'}: {level}"

    async def mark_comments_seen(self, order_id: str, count: int) -> None:
        await asyncio.to_thread(self._desk.berke_watch.comments_seen, order_id, count)
        await self.refresh([order_id])

    async def dismiss(self, order_id: str, flag: str) -> None:
        """The coordinator leaves this flag alone ("Leave it"). A flag about the Berke
        assessment itself (cancel it in Berke) is left alone on every order that shares it:
        the same question came back on the other one. A flag about events (the failed steps)
        leaves alone the ones it says now, not the next (``Flag.left_alone_as``)."""
        self._refuse_if_closing()
        order_ids = [order_id]
        if flag == Attention.CANCEL_IN_BERKE.value:
            order_ids = sorted(self._memory.linked_with(order_id) | {order_id})
        shown = next((f for f in self.flags(order_id) if f.kind.value == flag), None)
        # The flag as the pane shows it, read before any await: a failure that comes while
        # this is stored is not left alone unseen.
        marks = shown.about if shown is not None and shown.about else None
        if marks is None and flag == Attention.STEP_FAILED.value:
            order_ids = []  # no failure said now (none, or all left alone): nothing to add

        def leave() -> None:
            for each in order_ids:
                self._desk.berke_watch.dismiss(each, flag, marks=marks)

        await asyncio.to_thread(leave)
        await self.refresh(order_ids)

    # -- files -----------------------------------------------------------------------------------

    async def attach_files(
        self, order_id: str, paths: list[Path]
    ) -> tuple[list[Upload], list[str]]:
        """Queue the files that may be attached; returns them and why the others were not.
        They start uploading once the order has a result (``complete`` starts them)."""
        return await self._uploader.attach_files(self._order_access(), order_id, paths)

    def start_queued(self, order_id: str) -> None:
        """Start the order's queued files that have a result to go to."""
        self._uploader.start_queued(self._order_access(), order_id)

    async def wait_uploads(self) -> None:
        """Wait for the uploads under way (tests, and a tidy close)."""
        await self._uploader.wait_uploads()

    def uploading(self) -> list[int]:
        return self._uploader.uploading()

    async def cancel_upload(self, order_id: str, upload_id: int) -> None:
        await self._uploader.cancel_upload(self._order_access(), order_id, upload_id)

    async def retry_upload(self, order_id: str, upload_id: int) -> None:
        """A failed or cancelled file, queued again (a sent one is never sent twice), where
        the order can still take it (``BoardUploads.retry_upload``)."""
        await self._uploader.retry_upload(self._order_access(), order_id, upload_id)

    # -- snapshots -------------------------------------------------------------------------------

    async def save_snapshot(
        self, request: SaveRequest, path: Path, progress: SaveProgress | None = None
    ) -> SavedSnapshot:
        return await save_snapshot(self._desk, request, path, progress)

    async def live_records(self) -> list[SnapshotOrder]:
        """Every order in the snapshot's shape (no details fetched), to compare with one."""
        return await gather_live_records(self._desk, self.orders())


@dataclass(frozen=True)
class BatchPlan:
    """The batch's plan, and the Berke jobs a planned order may be given instead."""

    orders: list[PlannedOrder]
    jobs: list[BerkeJob]


def _reuse_rank(link: LinkedAssessment) -> tuple[bool, datetime]:
    """Lower first: among one assessment's links, the one that sent its invitation, then the
    earliest (the order it was created for)."""
    return (not link.invitation_sent, link.created_at)


@dataclass(frozen=True)
class Reusable:
    """A Berke assessment of the same candidate, made for another order here."""

    from_order_id: str
    link: LinkedAssessment
    berke: BerkeState | None


_BATCH_ACTIONS = (
    OrderAction.CREATE_ACCEPT_INVITE,
    OrderAction.CREATE_ASSESSMENT,
    OrderAction.ACCEPT,
    OrderAction.INVITE,
)
