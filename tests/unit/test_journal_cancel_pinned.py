"""Pins for ``Journal.cancel``: a step whose try failed meanwhile is not marked cancelled (it
stays failed, so Retry is still offered), and the cancel is stamped with when it was made
(the activity's "last changed")."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.journal import RejectStep
from app.domain.journal_terms import StepState
from app.domain.smartrecruiters import RejectRequest
from app.store import journal as journal_module
from app.store.database import Database
from app.store.journal import Journal


def test_a_step_that_failed_meanwhile_is_not_cancelled(tmp_path: Path) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    step_id = journal.begin("o-1", RejectStep(request=RejectRequest(message="Duplicate")))
    journal.fail(step_id, "503 Service Unavailable")
    assert journal.cancel(step_id, "Cancelled by the coordinator") is False
    entry = journal.get(step_id)
    assert entry is not None
    assert (entry.state, entry.message) == (StepState.FAILED, "503 Service Unavailable")
    db.close()


def test_the_cancel_is_stamped_with_when_it_was_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(tmp_path / "desk.sqlite3")
    journal = Journal(db)
    monkeypatch.setattr(journal_module, "utc_now", lambda: "2026-12-07T09:00:00.000+00:00")
    step_id = journal.begin("o-1", RejectStep(request=RejectRequest(message="Duplicate")))
    monkeypatch.setattr(journal_module, "utc_now", lambda: "2026-12-07T10:30:00.000+00:00")
    assert journal.cancel(step_id, "Cancelled by the coordinator")
    entry = journal.get(step_id)
    assert entry is not None
    assert entry.state is StepState.CANCELLED
    assert entry.updated_at.isoformat().startswith("2026-12-07T10:30")
    assert entry.created_at.isoformat().startswith("2026-12-07T09:00")
    db.close()
