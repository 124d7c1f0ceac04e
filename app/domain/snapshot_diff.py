"""What changed between two sets of orders (two snapshots, or a snapshot and the live inbox).

Each order is flattened into named, human-readable fields; the diff lists the orders added,
removed, and changed, with every changed field as old → new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.domain.order_summary import utc_text
from app.domain.snapshot import SnapshotOrder, comments_not_kept, results_not_kept
from app.domain.text_fold import fold


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class OrderChange:
    order_id: str
    kind: ChangeKind
    candidate: str  # a name to recognise the order by (the newer side's, when both exist)
    changes: tuple[FieldChange, ...] = ()

    def describe(self) -> str:
        return "; ".join(f"{c.field}: {c.old or '—'} → {c.new or '—'}" for c in self.changes)


@dataclass(frozen=True)
class SnapshotDiff:
    changes: tuple[OrderChange, ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for c in self.changes if c.kind is kind)

    @property
    def is_empty(self) -> bool:
        return not self.changes


def flatten(record: SnapshotOrder) -> dict[str, str | None]:
    """The fields compared, by the label a coordinator knows them by; None: the record does
    not know it (its comments or results were not fetched when it was saved)."""
    order = record.order
    linked = record.linked_assessment
    last_step = record.timeline[-1] if record.timeline else None
    fields = {
        "Status": order.status.value,
        "Candidate": order.candidate.full_name,
        "Candidate email": order.candidate.email or "",
        "Job": order.job.name if order.job else "",
        "Company": order.company.name if order.company else "",
        "Requestor": order.requestor.full_name if order.requestor else "",
        "Offer": (order.offer.name or order.offer.catalog_id or "") if order.offer else "",
        "Ordered on": utc_text(order.create_date),
        "Last update": utc_text(order.last_update_date),
        "Invitation code": linked.invitation_code if linked else "",
        "Assessment URL": linked.assessment_url if linked else "",
        "Invitation sent to": (linked.invited_email or "") if linked else "",
        "Comments": None if comments_not_kept(record) else str(len(record.comments)),
        "Results": None if results_not_kept(record) else str(len(record.results)),
        "Timeline steps": str(len(record.timeline)),
        "Last step": f"{last_step.action.label} ({last_step.state.value})" if last_step else "",
        "Attachments": str(len(record.attachments)),
    }
    return fields


#: The labels ``flatten`` gives, in its order.
COMPARED: tuple[str, ...] = (
    "Status", "Candidate", "Candidate email", "Job", "Company", "Requestor", "Offer",
    "Ordered on", "Last update", "Invitation code", "Assessment URL", "Invitation sent to",
    "Comments", "Results", "Timeline steps", "Last step", "Attachments",
)  # fmt: skip


def _compared(
    records: Iterable[SnapshotOrder],
) -> dict[str, tuple[str, tuple[str | None, ...]]]:
    """Each order's name and compared values (in ``COMPARED``'s order), by id."""
    kept: dict[str, tuple[str, tuple[str | None, ...]]] = {}
    for record in records:
        fields = flatten(record)
        kept[record.order.id] = (record.order.candidate.full_name, tuple(fields.values()))
    return kept


def diff_orders(
    old: Iterable[SnapshotOrder],
    new: Iterable[SnapshotOrder],
    *,
    ignore: frozenset[str] = frozenset(),
) -> SnapshotDiff:
    """Orders added, removed and changed from ``old`` to ``new``; sorted by kind, then name.

    ``ignore`` names fields one side cannot know (the live inbox has no comments fetched);
    a field one order's record does not know (``flatten``'s None) is left out for that order.

    Each side is read once, one record at a time, and only its compared values are kept: two
    100,000-order snapshots held whole took 1.7 GB (their comments, results and timelines)."""
    before = _compared(old)
    after = _compared(new)
    changes: list[OrderChange] = []
    for order_id, (name, values) in after.items():
        previous = before.get(order_id)
        if previous is None:
            changes.append(OrderChange(order_id, ChangeKind.ADDED, name))
            continue
        fields = tuple(
            FieldChange(label, was, value)
            for label, was, value in zip(COMPARED, previous[1], values, strict=True)
            if label not in ignore and was is not None and value is not None and was != value
        )
        if fields:
            changes.append(OrderChange(order_id, ChangeKind.CHANGED, name, fields))
    for order_id, (name, _values) in before.items():
        if order_id not in after:
            changes.append(OrderChange(order_id, ChangeKind.REMOVED, name))
    rank = {ChangeKind.CHANGED: 0, ChangeKind.ADDED: 1, ChangeKind.REMOVED: 2}
    # Accents aside, as every list of names of the desk (Émile among the Es, not after Zoë);
    # the full form breaks ties the same way each time.
    changes.sort(
        key=lambda c: (rank[c.kind], fold(c.candidate), c.candidate.casefold(), c.order_id)
    )
    return SnapshotDiff(tuple(changes))
