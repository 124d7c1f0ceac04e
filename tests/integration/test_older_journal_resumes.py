"""Steps left pending by the version before typed journal steps are resumed by this one: the data
file is upgraded on open, and each step checks first whether its call already went through."""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from app.domain.assessment_prefill import stable_candidate_id
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import AssessmentLinked, CommentAdded, OrderUpdated
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import OrderStatus
from app.store.database import _MIGRATIONS
from app.workflows.desk import Desk
from app.workflows.order_actions import create_assessment
from app.workflows.outbox import resume_pending
from tests.integration.helpers import new_order_body
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

NOW = "2025-03-01T09:00:00.000+00:00"


def schema_2_file(path: Path, rows: list[tuple[str, StepKind, dict[str, Any]]]) -> None:
    """A data file as the older version left it: these steps pending, in its untyped form."""
    raw = sqlite3.connect(path)
    raw.executescript(_MIGRATIONS[1])
    raw.executescript(_MIGRATIONS[2])
    raw.execute("PRAGMA user_version = 2")
    for order_id, action, request in rows:
        raw.execute(
            "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
            " VALUES (?, ?, 'pending', ?, ?, ?)",
            (order_id, action.value, json.dumps(request, sort_keys=True), NOW, NOW),
        )
    raw.commit()
    raw.close()


def test_pending_steps_of_the_older_version_are_resumed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def before(desk: Desk) -> list[tuple[str, StepKind, dict[str, Any]]]:
        sr, berke = desk.session.sr, desk.session.berke
        # A create under a typed id seen free, whose answer was lost.
        eva = await sr.create_test_order(new_order_body(first="Eva", last="Lind"))
        typed = CreateAssessmentRequest(
            first_name="Eva", last_name="Lind", source_candidate_id=stable_candidate_id(eva.id)
        )
        await berke.create_assessment(typed)
        # A comment that never left.
        ola = await sr.create_test_order(new_order_body(first="Ola", last="Berg"))
        # An accept whose answer was lost.
        lea = await sr.create_test_order(new_order_body(first="Lea", last="Moe"))
        link = await create_assessment(
            desk, lea, CreateAssessmentRequest(first_name="Lea", last_name="Moe")
        )
        await sr.accept_order(lea.id, link.assessment_url)
        return [
            (eva.id, StepKind.CREATE_ASSESSMENT, {**typed.to_params(), "idCheckedFree": True}),
            (ola.id, StepKind.COMMENT, {"message": "Called the candidate"}),
            (lea.id, StepKind.ACCEPT, {"assessmentURL": link.assessment_url}),
        ]

    rows = run_with_desk(sandbox, tmp_path / "made-the-orders.sqlite3", before)
    old = tmp_path / "older-version.sqlite3"
    schema_2_file(old, rows)

    async def after(desk: Desk) -> None:
        report = await resume_pending(desk)
        assert report.settled
        assert len(report.done) == 3
        (eva, _, _), (ola, _, _), (lea, _, _) = rows
        created = desk.journal.entries(eva)[-1]
        assert created.state is StepState.DONE
        assert isinstance(created.outcome, AssessmentLinked)
        assert created.outcome.recovered
        assert desk.journal.assessment_for(eva) == created.outcome.link
        commented = desk.journal.entries(ola)[-1]
        assert commented.outcome == CommentAdded(message="Called the candidate")
        assert [c.message for c in await desk.session.sr.list_comments(ola)] == [
            "Called the candidate"
        ]
        accepted = desk.journal.entries(lea)[-1]
        assert accepted.outcome == OrderUpdated(
            status=OrderStatus.IN_PROGRESS, already_applied=True
        )

    run_with_desk(sandbox, old, after)


def test_a_step_that_cannot_be_read_fails_in_words_and_is_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    old = tmp_path / "older-version.sqlite3"
    schema_2_file(old, [("o-odd", StepKind.CREATE_ASSESSMENT, {"firstName": "Zoë"})])

    async def after(desk: Desk) -> None:
        (step,) = desk.journal.pending()
        report = await resume_pending(desk)
        assert report.waiting == [step.id]  # this round; failed, it is not resumed again
        entry = desk.journal.get(step.id)
        assert entry is not None
        assert entry.state is StepState.FAILED
        assert entry.message is not None
        assert "cannot be read" in entry.message
        assert desk.journal.assessment_for("o-odd") is None
        assert (await resume_pending(desk)).settled

    run_with_desk(sandbox, old, after)


def test_a_row_whose_action_or_date_cannot_be_read_stops_no_other_order(
    sandbox: SandboxServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A row of an action this version does not know (a newer desk's; the first form's upgrade
    keeps one as it was), or with a date another program wrote as it liked, made every read
    of the pending steps raise: nothing was resumed, for any order, round after round. The
    row of a known action is shown and failed in words (left out, it was never resumed nor
    shown, and its order's actions waited on it for ever); the other is kept as it was."""

    async def make(desk: Desk) -> str:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ola", last="Berg"))
        return order.id

    ola = run_with_desk(sandbox, tmp_path / "made.sqlite3", make)
    old = tmp_path / "older.sqlite3"
    schema_2_file(
        old,
        [
            ("o-dated", StepKind.COMMENT, {"message": "Dated as it liked"}),
            (ola, StepKind.COMMENT, {"message": "Called the candidate"}),
        ],
    )
    with sqlite3.connect(old) as raw:
        raw.execute(
            "INSERT INTO journal (order_id, action, state, request, created_at, updated_at)"
            " VALUES ('o-newer', 'remind_by_sms', 'pending', '{}', '2025-03-01T09:00:00+00:00',"
            " '2025-03-01T09:00:00+00:00')"
        )
        raw.execute("UPDATE journal SET created_at = 'yesterday' WHERE order_id = 'o-dated'")
    raw.close()

    async def after(desk: Desk) -> None:
        report = await resume_pending(desk)
        assert report.done == [e.id for e in desk.journal.entries(ola)]
        comments = await desk.session.sr.list_comments(ola)
        assert [c.message for c in comments] == ["Called the candidate"]
        assert desk.journal.entries("o-newer") == []
        (dated,) = desk.journal.entries("o-dated")
        assert dated.state is StepState.FAILED
        assert "the time it was begun cannot be read" in (dated.message or "")
        assert dated.created_at == dated.updated_at  # the date it has, shown
        assert not desk.journal.pending_kinds("o-dated")  # nothing waits on it now

    with caplog.at_level(logging.WARNING, logger="app.store.journal"):
        run_with_desk(sandbox, old, after)
    said = [r.getMessage() for r in caplog.records if r.name == "app.store.journal"]
    assert any("'remind_by_sms' is not a valid StepKind" in line for line in said), said
    assert any("its created at cannot be read" in line for line in said), said
    assert not any("yesterday" in line for line in said), said  # where, not what
    # The newer desk's row left as it was, for a desk that reads it.
    with sqlite3.connect(old) as raw:
        kept = raw.execute("SELECT action, state FROM journal WHERE order_id LIKE 'o-%'")
        assert sorted(kept.fetchall()) == [("comment", "failed"), ("remind_by_sms", "pending")]
    raw.close()
