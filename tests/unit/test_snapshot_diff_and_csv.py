"""Comparing two sets of orders, and the CSV files the comparisons and the table export."""

from __future__ import annotations

import csv
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from app.domain.smartrecruiters import AssessmentComment
from app.domain.snapshot import (
    COMMENTS_REFUSED_NOTE,
    DETAILS_NOT_ASKED_NOTE,
    GONE_NOTE,
    RESULTS_REFUSED_NOTE,
    SnapshotOrder,
)
from app.domain.snapshot_diff import COMPARED, ChangeKind, diff_orders, flatten
from app.ui.snapshots.csv_export import safe_cell, write_csv
from tests.snapshot_samples import record, records


def test_added_removed_and_changed_with_old_and_new_values() -> None:
    old = records(4)
    new = [
        record(0),
        record(1, status="COMPLETED", candidate={"id": "c", "firstName": "Ana", "lastName": "X"}),
        record(3),
        record(7),
    ]
    new[2].comments.clear()
    diff = diff_orders(old, new)
    kinds = {c.order_id: c.kind for c in diff.changes}
    assert kinds == {
        "order-001": ChangeKind.CHANGED,
        "order-003": ChangeKind.CHANGED,
        "order-007": ChangeKind.ADDED,
        "order-002": ChangeKind.REMOVED,
    }
    changed = next(c for c in diff.changes if c.order_id == "order-001")
    fields = {f.field: (f.old, f.new) for f in changed.changes}
    assert fields["Status"] == ("IN_PROGRESS", "COMPLETED")
    assert fields["Candidate"] == ("Ana Núñez1", "Ana X")
    assert "Status: IN_PROGRESS → COMPLETED" in changed.describe()
    assert diff.count(ChangeKind.CHANGED) == 2
    assert [c.kind for c in diff.changes][:2] == [ChangeKind.CHANGED, ChangeKind.CHANGED]


def test_changes_are_listed_by_name_accents_aside() -> None:
    """Before: by the name's code points (``str.casefold``), unlike every other list of names
    of the desk: Émile came after Zoë, at the very end of hundreds of added orders."""
    added = [
        record(0, candidate={"id": "c0", "firstName": "Zoë", "lastName": "Adams"}),
        record(1, candidate={"id": "c1", "firstName": "Émile", "lastName": "Dubois"}),
        record(2, candidate={"id": "c2", "firstName": "Ana", "lastName": "Lima"}),
        record(3, candidate={"id": "c3", "firstName": "Fatima", "lastName": "Bello"}),
    ]
    names = [c.candidate for c in diff_orders([], added).changes]
    assert names == ["Ana Lima", "Émile Dubois", "Fatima Bello", "Zoë Adams"]


def test_fields_one_side_cannot_know_are_ignored() -> None:
    old, new = records(2), records(2)
    for item in new:
        item.comments.clear()
    assert not diff_orders(old, new, ignore=frozenset({"Comments"})).changes
    assert diff_orders(old, new).count(ChangeKind.CHANGED) == 2
    assert diff_orders(old, old).is_empty


def test_comments_and_results_a_side_did_not_fetch_are_not_compared() -> None:
    """Before: a snapshot saved without them (or refused them, or whose order was gone) held
    empty lists, and a comparison with one that had them read "Comments: 1 → 0" and
    "Results: 1 → 0" on every such order, either way round."""
    old = records(4)  # order 2 is completed: one result
    new = records(4)
    notes = [
        DETAILS_NOT_ASKED_NOTE,
        f"{COMMENTS_REFUSED_NOTE}: SmartRecruiters: Access denied",
        f"{GONE_NOTE} when the snapshot was saved (gone since 2025-03-05): its last copy is "
        "kept, without its comments and results.",
    ]
    for item, note in zip(new, notes, strict=False):
        item.comments.clear()
        item.results.clear()
        item.notes.append(note)
    assert diff_orders(old, new).is_empty
    assert diff_orders(new, old).is_empty
    # The rest is compared as ever, and what one note leaves unsaid is not left out.
    new[3].results.clear()
    new[3].notes.append(f"{RESULTS_REFUSED_NOTE}: SmartRecruiters: Access denied")
    new[3].comments.clear()
    new[1] = record(1, status="COMPLETED")
    new[1].comments.clear()
    new[1].notes.append(f"{COMMENTS_REFUSED_NOTE}: SmartRecruiters: Access denied")
    said = {c.order_id: c.describe() for c in diff_orders(old, new).changes}
    assert said == {
        "order-001": "Status: IN_PROGRESS → COMPLETED; Results: 0 → 1",
        "order-003": "Comments: 1 → 0",
    }


def test_csv_is_utf8_with_bom_quoted_and_formula_safe(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [["Zoë Müller", 'says "hi", twice'], ["=HYPERLINK(1)", "line\nbreak"]]
    assert write_csv(path, ["Name", "Note"], rows) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        read = list(csv.reader(handle))
    assert read == [["Name", "Note"], rows[0], ["'=HYPERLINK(1)", "line\nbreak"]]
    assert safe_cell("-1") == "'-1"
    assert safe_cell("plain") == "plain"


def test_compared_labels_are_flattens() -> None:
    assert tuple(flatten(record(0))) == COMPARED


def test_a_comparison_keeps_only_what_it_compares() -> None:
    """Before: both sides were read whole first (two 100,000-order snapshots: +1.7 GB)."""

    def side(shift: int) -> Iterator[SnapshotOrder]:
        for i in range(600):
            item = record(i + shift)
            # 60 KB of comments each (its own text, as read from a file), 36 MB a side
            item.comments.append(AssessmentComment(message=f"{i} {'x' * 60_000}"))
            yield item

    tracemalloc.start()
    try:
        diff = diff_orders(side(0), side(1))
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert diff.count(ChangeKind.ADDED) == diff.count(ChangeKind.REMOVED) == 1
    assert peak < 12 * 1024**2  # a few records at a time, and 600 rows of short values
