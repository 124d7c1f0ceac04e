"""Pins for failed_steps (``_STILL_TO_DO_ONCE_ENDED``), attention's failed-step flag
(``about``), the failure marks ``local_state.load_states`` reads and the schema-21 upgrade
(mutation audit)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.domain.attention import Attention, flags_for
from app.domain.failed_steps import failed_to_say
from app.domain.journal_terms import StepKind
from app.domain.order_state import InvitationDoubt, OrderState
from app.domain.smartrecruiters import OrderStatus
from app.store.database import Database
from app.store.journal_rows import dumps
from app.store.local_state import load_states
from tests.unit.test_attention import NOW, RULES, link, order
from tests.unit.test_store import _reject_step


@pytest.mark.parametrize("kind", [StepKind.COMMENT, StepKind.UPLOAD, StepKind.DELETE_ASSESSMENT])
def test_a_completed_orders_comment_report_or_berke_delete_still_needs_attention(
    kind: StepKind,
) -> None:
    """A completed order still takes a comment, a report and deleting its Berke assessment:
    such a failed step is still said (cell and flag), as Retry may still do it."""
    assert failed_to_say({kind}, status=OrderStatus.COMPLETED, invitation_in_doubt=False) == [kind]
    state = OrderState(failed=frozenset({kind}))
    assert Attention.STEP_FAILED in [
        f.kind for f in flags_for(order(OrderStatus.COMPLETED), state, NOW, RULES)
    ]


def test_leaving_the_flag_alone_keeps_only_the_failures_it_said() -> None:
    """The flag is about what it says: a failure it does not say (an invitation that may have
    gone) is no part of it, so leaving the said ones alone keeps the flag down."""
    comment = "step_failed:3@2026-12-01T09:00:00.000+00:00"
    invite = "step_failed:4@2026-12-01T09:05:00.000+00:00"
    state = OrderState(
        link=link(),
        failed=frozenset({StepKind.COMMENT, StepKind.INVITE}),
        invitation_doubt=InvitationDoubt(at=NOW, waiting=False, counted=False),
        failure_marks=frozenset({(StepKind.COMMENT, comment), (StepKind.INVITE, invite)}),
    )
    flag = next(
        f for f in flags_for(order(OrderStatus.IN_PROGRESS), state, NOW, RULES)
        if f.kind is Attention.STEP_FAILED
    )  # fmt: skip
    assert flag.short == "Comment not added"
    assert flag.left_alone_as == {comment}
    from dataclasses import replace

    left = replace(state, dismissed=frozenset({comment}))
    assert Attention.STEP_FAILED not in [
        f.kind for f in flags_for(order(OrderStatus.IN_PROGRESS), left, NOW, RULES)
    ]


def test_without_marks_the_flag_is_about_each_step_kind_not_the_old_kind_wide_note() -> None:
    """A state without failure marks: "Leave it" keeps the step's kind ("step_failed:reject"),
    never the bare kind "step_failed" that hid every later failure of the order."""
    state = OrderState(failed=frozenset({StepKind.REJECT}))
    (flag,) = flags_for(order(OrderStatus.NEW), state, NOW, RULES)
    assert flag.left_alone_as == {"step_failed:reject"}
    assert flag.text.startswith("Order not rejected, for good: Retry")


def test_a_step_kind_a_newer_version_wrote_does_not_lose_the_other_failure_marks(
    tmp_path: Path,
) -> None:
    """A journal row of an unknown kind (a newer version's) is skipped; the order's other
    failures keep their marks, so that failures left alone stay left alone."""
    db = Database(tmp_path / "desk.sqlite3")
    then = "2026-11-30T09:00:00.000+00:00"
    with db.transaction() as conn:
        for step_id, order_id, action in ((1, "a", "from_the_future"), (2, "o", "reject")):
            conn.execute(
                "INSERT INTO journal (id, order_id, action, state, request, created_at,"
                " updated_at) VALUES (?, ?, ?, 'failed', ?, ?, ?)",
                (step_id, order_id, action, dumps(_reject_step()), then, then),
            )
    assert load_states(db, ["a", "o"])["o"].failure_marks == {
        (StepKind.REJECT, f"step_failed:2@{then}")
    }
    db.close()


def _twenty(path: Path, rows: list[tuple[int, str, str, str, str]]) -> None:
    from app.store.database import _MIGRATIONS

    raw = sqlite3.connect(path)
    for step in range(1, 21):
        raw.executescript(_MIGRATIONS[step])
    for step_id, action, state, created, updated in rows:
        raw.execute(
            "INSERT INTO journal (id, order_id, action, state, request, created_at, updated_at)"
            " VALUES (?, 'o', ?, ?, ?, ?, ?)",
            (step_id, action, state, dumps(_reject_step()), created, updated),
        )
    raw.execute("INSERT INTO order_notes (order_id, dismissed) VALUES ('o', '[\"step_failed\"]')")
    raw.execute("PRAGMA user_version = 20")
    raw.commit()
    raw.close()


def test_the_upgrade_keeps_a_failure_left_alone_though_another_kind_of_step_came_after(
    tmp_path: Path,
) -> None:
    """Schema 21: the latest attempt is of each kind of step. A failed reject (left alone)
    followed by a done accept kept no mark for the reject: after the upgrade the failure
    the coordinator had left alone was flagged again."""
    path = tmp_path / "twenty.sqlite3"
    then = "2026-11-30T09:00:00.000+00:00"
    _twenty(path, [(5, "reject", "failed", then, then), (6, "accept", "done", then, then)])
    db = Database(path)
    state = load_states(db, ["o"])["o"]
    assert state.dismissed == {f"step_failed:5@{then}"}
    assert not [
        f for f in flags_for(order(OrderStatus.NEW), state, NOW, RULES)
        if f.kind is Attention.STEP_FAILED
    ]  # fmt: skip
    db.close()


def test_the_upgrade_marks_a_failure_by_when_it_failed_not_when_it_began(tmp_path: Path) -> None:
    """The mark is the step and its ``updated_at`` (``failure_mark``), as ``load_states``
    reads it: one made of ``created_at`` matched no failure, and the flag came back."""
    path = tmp_path / "twenty.sqlite3"
    began, failed = "2026-11-30T09:00:00.000+00:00", "2026-11-30T09:00:07.000+00:00"
    _twenty(path, [(5, "reject", "failed", began, failed)])
    db = Database(path)
    state = load_states(db, ["o"])["o"]
    assert state.dismissed == {f"step_failed:5@{failed}"}
    assert state.failure_marks == {(StepKind.REJECT, f"step_failed:5@{failed}")}
    db.close()


_ = datetime, UTC
