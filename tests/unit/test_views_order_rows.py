"""Mutation-audit pins for ``app.views.order_rows`` (each fails on one surviving mutant)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.attention import Attention, Flag
from app.domain.berke_progress import BerkeProgress
from app.domain.order_state import BerkeState
from app.domain.order_status import OrderStatus
from app.domain.snapshot import OrderSummary, SnapshotIndex
from app.domain.step_kinds import StepKind
from app.views.order_rows import FIELDS, OrderColumns, activity_words, attention_text, berke_words

WHEN = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)


def flag(short: str) -> Flag:
    return Flag(kind=Attention.STALE_NEW, text=short + ".", fix=None, short=short)


def test_the_attention_cell_says_the_first_flag_and_how_many_more() -> None:
    # R10 (> 1 -> > 0), R11 (len - 1 -> len), R12 (flags[0] -> flags[-1])
    assert attention_text([flag("Deliver result")]) == "Deliver result"
    assert attention_text([flag("Deliver result"), flag("New comment"), flag("Stale")]) == (
        "Deliver result (+2)"
    )


def test_steps_under_way_are_said_even_while_files_upload() -> None:
    # R4 (pending and not uploading): an invitation being sent is not hidden by an upload
    said = activity_words(
        [],
        [StepKind.INVITE],
        uploading=True,
        invitation_in_doubt=False,
        status=OrderStatus.IN_PROGRESS,
    )
    assert said == "Under way: Send Berke invitation"


def test_steps_are_named_in_the_order_they_happen_whatever_order_they_come_in() -> None:
    # R7 (sorted by step order -> as given)
    kinds = [StepKind.UPLOAD, StepKind.INVITE, StepKind.ACCEPT, StepKind.CREATE_ASSESSMENT]
    labels = ", ".join(k.label for k in reversed(kinds))
    failed = ", ".join(k.not_done for k in reversed(kinds))
    assert (
        activity_words(
            kinds, [], uploading=False, invitation_in_doubt=False, status=OrderStatus.NEW
        )
        == failed
    )
    assert activity_words(
        [], kinds, uploading=False, invitation_in_doubt=False, status=OrderStatus.NEW
    ) == ("Under way: " + labels)


def test_only_a_complete_assessment_shows_a_completion_time() -> None:
    # R8 (COMPLETE check dropped): a completion date on another progress is not shown
    assert berke_words(BerkeState(BerkeProgress.STARTED, WHEN, completed_at=WHEN)) == "Started"
    done = berke_words(BerkeState(BerkeProgress.COMPLETE, WHEN, completed_at=WHEN))
    assert done.startswith("Complete · 2026-11-30T14:05")


def _index(gone: list[str] | None) -> SnapshotIndex:
    rows = [
        OrderSummary(f"o{n}", OrderStatus.NEW, f"c{n}", "Ana", "", "Nurse", "Acme", "", "")
        for n in range(2)
    ]
    return SnapshotIndex.of(rows, gone)


def test_a_snapshot_shows_which_orders_smartrecruiters_no_longer_had() -> None:
    # R17 (of_index's gone column always False)
    assert OrderColumns.of_index(_index(["", "2026-11-30T14:05:00+00:00"])).gone == [False, True]
    assert OrderColumns.of_index(_index(None)).gone == [False, False]


def test_columns_of_different_lengths_are_refused() -> None:
    # R16 (> 1 -> > 2): two lengths are already a misaligned table
    columns: dict[str, list[object]] = {name: [""] for name in FIELDS}
    columns["email"] = []
    with pytest.raises(ValueError, match="different lengths"):
        OrderColumns(columns)


def test_a_copy_changed_in_place_leaves_the_original() -> None:
    # R18 (copy shares the lists): the cached rows changed with the room's copy
    original = OrderColumns.of_index(_index(None))
    copy = original.copy()
    copy.replace(0, copy.row(1))
    copy.append([copy.row(0)])
    assert original.id == ["o0", "o1"]
    assert len(original) == 2
