"""What the workflows work with: the session's clients, the local store, and the one in-flight
registry. Only the workflows and the order board see it; the UI talks to the board."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.order_action import OrderAction
from app.domain.smartrecruiters import ContactPerson
from app.store.berke_watch import BerkeWatchStore
from app.store.database import Database
from app.store.journal import Journal
from app.store.order_cache import OrderCache
from app.store.paths import data_dir
from app.store.reports import ReportFiles
from app.store.results import ResultStore

if TYPE_CHECKING:  # the clients (httpx) load with the session, not with the first window
    from app.domain.journal import JournalEntry, StepOutcome
    from app.domain.journal_terms import StepKind
    from app.domain.uploads import Upload
    from app.workflows.session import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptAnswer:
    """A service's answer to a step that could not be written, with the step it answers: a
    step id alone named another step in a data file made anew at the same path (its ids
    start again at 1), which then took another order's answer for its own, never sent."""

    outcome: StepOutcome
    order_id: str
    action: StepKind
    begun_at: datetime  # the step's ``created_at``, to the millisecond

    @classmethod
    def of(cls, entry: JournalEntry, outcome: StepOutcome) -> KeptAnswer:
        return cls(outcome, entry.order_id, entry.action, entry.created_at)

    def answers(self, entry: JournalEntry) -> bool:
        """Whether ``entry`` (of the same id) is the step this answer was kept for."""
        return (entry.order_id, entry.action, entry.created_at) == (
            self.order_id,
            self.action,
            self.begun_at,
        )


@dataclass
class Desk:
    session: Session
    db: Database
    author: ContactPerson | None = None
    orders: OrderCache = field(init=False)
    journal: Journal = field(init=False)
    results: ResultStore = field(init=False)
    berke_watch: BerkeWatchStore = field(init=False)
    reports: ReportFiles = field(init=False)
    # Work under way in this process (journal steps, uploads): the background resumer and a
    # coordinator's click must never run the same thing twice at once.
    _in_flight: set[str] = field(init=False, default_factory=set)
    # Files being sent, by upload id: Cancel stops the sending wherever it was started.
    _sending: dict[int, asyncio.Future[Any]] = field(init=False, default_factory=dict)
    # Stopped before its sending was registered (a Cancel that came between): stops at once.
    _stop_asked: set[int] = field(init=False, default_factory=set)
    #: Uploads whose step is storing them as "uploading", their sending not yet registered.
    _starting: set[int] = field(init=False, default_factory=set)
    #: Told each file whose bytes begin to go (as now stored: "uploading"), whoever sends it
    #: (the board's upload, the background resumer): the board then shows it on its way.
    on_sending: Callable[[Upload], None] | None = field(init=False, default=None, repr=False)
    #: A service's answer to a step that this computer could not write (another program
    #: holding the data file, a full disk), by step id: the step's next run writes it before
    #: anything is sent or asked again (``steps.execute``), if it is the step it was kept for
    #: (``KeptAnswer.answers``). Tried once more as the desk closes
    #: (``steps.write_kept_answers``), and still unwritten then, handed to the next desk on the
    #: same data file (a reconnection, a profile switch and back). Only in memory: lost with
    #: the app (a crash, a quit), it is an answer lost like any other: the resumer's checks
    #: look in the services for what the step did, as after a crash while it was sent.
    kept_outcomes: dict[int, KeptAnswer] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.orders = OrderCache(self.db)
        self.journal = Journal(self.db)
        self.results = ResultStore(self.db)
        self.berke_watch = BerkeWatchStore(self.db)
        # Next to the database (a test's own folder), or in the data folder for an in-memory one.
        beside = Path(self.db.path).parent if self.db.path != ":memory:" else data_dir()
        self.reports = ReportFiles(beside / "reports")

    def claim(self, key: str) -> bool:
        """Take ``key`` for the caller; False when it is already taken. Atomic on the loop."""
        if key in self._in_flight:
            return False
        self._in_flight.add(key)
        return True

    def claim_all(self, keys: list[str]) -> bool:
        """Take every one of ``keys``, or none of them (False when one is taken)."""
        if any(key in self._in_flight for key in keys):
            return False
        self._in_flight.update(keys)
        return True

    def release(self, key: str) -> None:
        self._in_flight.discard(key)

    def is_claimed(self, key: str) -> bool:
        return key in self._in_flight

    def sending_started(self, upload: Upload, sending: asyncio.Future[Any]) -> None:
        """``upload`` (marked as sending) is being sent by ``sending``."""
        self._sending[upload.id] = sending
        if upload.id in self._stop_asked:
            self._stop_asked.discard(upload.id)
            sending.cancel()
        elif self.on_sending is not None:
            try:
                self.on_sending(upload)
            except Exception:  # what is shown must never stop what is sent
                log.exception("Could not show upload %s as on its way", upload.id)

    def sending_ended(self, upload_id: int, sending: asyncio.Future[Any]) -> None:
        if self._sending.get(upload_id) is sending:
            del self._sending[upload_id]

    @contextmanager
    def starting_to_send(self, upload_id: int) -> Iterator[None]:
        """Around storing the file as "uploading", just before its sending is registered."""
        self._starting.add(upload_id)
        try:
            yield
        finally:
            self._starting.discard(upload_id)

    def left_mid_send(self, upload_id: int) -> bool:
        """Whether an upload stored as "uploading" is not being started here: left so by an
        app that stopped while it sent (its file may be on the result), not one whose
        sending is about to begin (nothing of it went yet)."""
        return upload_id not in self._starting and upload_id not in self._sending

    def stop_sending(self, upload_id: int) -> bool:
        """Stop the file being sent; True when it was being sent. One about to be (its step
        past the cancelled check, its sending not yet registered) stops as it starts."""
        sending = self._sending.get(upload_id)
        if sending is None:
            self._stop_asked.add(upload_id)
            return False
        return sending.cancel()

    def may_send_again(self, upload_id: int) -> None:
        """The file was queued again (Retry): an earlier stop no longer applies."""
        self._stop_asked.discard(upload_id)


def step_key(step_id: int) -> str:
    """Held while a journal step is being sent (``steps.execute``), and while the coordinator's
    cancel of it is written: the one waits for nothing, the other is refused."""
    return f"step:{step_id}"


def upload_step_key(upload_id: int) -> str:
    """Held while a step of this file runs (looks on the result, checks the file, sends it)."""
    return f"upload:{upload_id}"


def upload_turn_key(upload_id: int) -> str:
    """Held by the board for a file it will send, while it waits for its turn and while it
    goes: the resumer leaves that file to the board (it sent it as a third, beside the two).
    Held by the resumer too, while it has a queued file in hand: the board leaves it to it."""
    return f"upload-turn:{upload_id}"


def invitation_key(source_candidate_id: str) -> str:
    """Held while an invitation of one Berke assessment is counted and sent (or reminded):
    the orders of one candidate share it, and two sends that both read Berke's count before
    either went out invited the candidate twice. Berke compares ids without case."""
    return f"invitation:{source_candidate_id.casefold()}"


def action_key(action: OrderAction, order_id: str) -> str:
    """The in-flight key of a coordinator's action on an order (``Desk.claim``)."""
    return f"action:{action.value}:{order_id}"


#: Complete and Deliver both complete the order: one at a time, or two results could be made
#: (the journal's "under way" check and the step's start are not one atomic move).
COMPLETING = (OrderAction.COMPLETE, OrderAction.DELIVER)
