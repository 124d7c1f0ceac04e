"""Pins for ``app.workflows.waiting_steps.cancel_waiting_step`` that no existing test held: the
step's in-flight key is given back whatever happens; a step the resumer ended between the
look and the write is refused in the words of what it is now (never said cancelled); the
step returned is the cancelled one; a step that vanishes meanwhile is refused in words."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.journal import JournalEntry, RejectStep
from app.domain.journal_terms import StepState
from app.domain.smartrecruiters import RejectRequest
from app.domain.step_cancel import CANCELLED_BY_COORDINATOR
from app.store.database import Database
from app.store.journal import Journal
from app.workflows.desk import KeptAnswer, step_key
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.waiting_steps import NOT_THIS_ORDERS, cancel_waiting_step


class SmallDesk:
    """What the cancel uses of a ``Desk``: its journal, its in-flight keys, and the answers
    it keeps unwritten."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.in_flight: set[str] = set()
        self.kept_outcomes: dict[int, KeptAnswer] = {}

    def claim(self, key: str) -> bool:
        if key in self.in_flight:
            return False
        self.in_flight.add(key)
        return True

    def release(self, key: str) -> None:
        self.in_flight.discard(key)


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[SmallDesk]:
    db = Database(tmp_path / "desk.sqlite3")
    yield SmallDesk(Journal(db))
    db.close()


def a_waiting_reject(desk: SmallDesk) -> int:
    return desk.journal.begin("o-1", RejectStep(request=RejectRequest(message="Duplicate")))


def test_the_cancel_returns_the_step_as_cancelled_and_lets_its_key_go(desk: SmallDesk) -> None:
    step_id = a_waiting_reject(desk)
    cancelled = asyncio.run(cancel_waiting_step(desk, "o-1", step_id))  # type: ignore[arg-type]
    assert cancelled.state is StepState.CANCELLED
    assert cancelled.message == CANCELLED_BY_COORDINATOR
    assert not desk.in_flight  # nothing held for good: a Retry or the resumer may claim it


def test_a_step_that_failed_between_the_look_and_the_write_is_refused_as_failed(
    desk: SmallDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The resumer's try fails just before the cancel's write: the cancel writes nothing, says
    the step failed (so Retry is what to do), and gives the step's key back, so that a Retry
    is not refused as "being sent" for the rest of the session."""
    step_id = a_waiting_reject(desk)
    journal = desk.journal
    real_cancel = journal.cancel

    def failed_first(step: int, message: str) -> bool:
        journal.fail(step, "503 Service Unavailable")
        return real_cancel(step, message)

    monkeypatch.setattr(journal, "cancel", failed_first)
    with pytest.raises(ActionNotAllowedError) as refused:
        asyncio.run(cancel_waiting_step(desk, "o-1", step_id))  # type: ignore[arg-type]
    assert str(refused.value).startswith("This step failed and is not sent again unless you retry")
    entry = journal.get(step_id)
    assert entry is not None
    assert entry.state is StepState.FAILED
    assert not desk.in_flight
    assert desk.claim(step_key(step_id))


def test_a_step_sent_between_the_look_and_the_write_is_refused_as_sent(
    desk: SmallDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_id = a_waiting_reject(desk)
    journal = desk.journal
    real_cancel = journal.cancel

    def sent_first(step: int, message: str) -> bool:
        with journal._db.transaction() as conn:  # the resumer's finish, as the row ends up
            conn.execute("UPDATE journal SET state = 'done' WHERE id = ?", (step,))
        return real_cancel(step, message)

    monkeypatch.setattr(journal, "cancel", sent_first)
    with pytest.raises(ActionNotAllowedError, match="already sent"):
        asyncio.run(cancel_waiting_step(desk, "o-1", step_id))  # type: ignore[arg-type]
    assert not desk.in_flight


def test_a_step_gone_from_the_journal_meanwhile_is_refused_in_words(
    desk: SmallDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read again after the write and not found: refused in words, not an AttributeError."""
    step_id = a_waiting_reject(desk)
    journal = desk.journal
    real_get = journal.get
    reads: list[int] = []

    def vanishing(step: int) -> JournalEntry | None:
        reads.append(step)
        return real_get(step) if len(reads) == 1 else None

    monkeypatch.setattr(journal, "get", vanishing)
    monkeypatch.setattr(journal, "cancel", lambda step, message: False)
    with pytest.raises(ActionNotAllowedError) as refused:
        asyncio.run(cancel_waiting_step(desk, "o-1", step_id))  # type: ignore[arg-type]
    assert str(refused.value) == NOT_THIS_ORDERS
    assert not desk.in_flight


def test_a_write_that_raises_still_gives_the_key_back(
    desk: SmallDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A locked database on the cancel's write: the step stays waiting, and the resumer can
    still claim and send it (its key is not kept by the failed cancel)."""
    import sqlite3

    step_id = a_waiting_reject(desk)

    def locked(step: int, message: str) -> bool:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(desk.journal, "cancel", locked)
    with pytest.raises(sqlite3.OperationalError):
        asyncio.run(cancel_waiting_step(desk, "o-1", step_id))  # type: ignore[arg-type]
    assert desk.claim(step_key(step_id))
