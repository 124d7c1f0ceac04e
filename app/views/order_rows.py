"""One row per order, as the inbox and the candidates table see it: the order's facts and this
desk's local state (its Berke assessment, steps under way or failed), flattened to text.

Kept as columns (``OrderColumns``, one list per field) because search, sort and grouping work a
column at a time, in C, over up to 100,000 rows of a snapshot; a row is built only when asked.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple

from app.domain.berke_progress import BerkeProgress
from app.domain.failed_steps import failed_to_say, labels, not_done
from app.domain.order_state import NO_STATE, OrderState
from app.domain.order_summary import OrderSummary, summarize, utc_text
from app.domain.step_kinds import StepKind

if TYPE_CHECKING:  # the rows' class and columns need no pydantic: the first frame has them
    from app.domain.attention import Flag
    from app.domain.order_state import BerkeState, StateSummary
    from app.domain.order_status import OrderStatus
    from app.domain.smartrecruiters import AssessmentOrder
    from app.domain.snapshot import SnapshotIndex


class OrderRow(NamedTuple):
    id: str
    status: OrderStatus
    candidate_id: str
    candidate: str
    email: str
    job: str
    company: str
    requestor: str
    created: str  # ISO 8601 in UTC, so that text order is time order; "" when unknown
    assessment: str  # the Berke invitation code, "" before there is one
    activity: str  # steps under way or failed, in words; "" when there are none
    berke: str  # Berke's side: "Complete · 2026-11-30 14:05", "Started", "" when unknown
    attention: str  # the most pressing flag, in a few words; "" when all is well
    berke_id: str  # the Berke assessment's sourceCandidateId, "" before there is one
    gone: bool = False  # SmartRecruiters no longer has the order (``OrderState.gone_since``)


#: A row starts with a snapshot index's fields (``order_row``, ``OrderColumns.of_index``):
#: ``tests/unit/test_order_rows.py`` holds them to it.
FIELDS: tuple[str, ...] = OrderRow._fields


#: As the pane's invitation line and the step's activity line say it.
INVITATION_IN_DOUBT = "Invitation may have been sent"


def activity_text(state: OrderState, status: OrderStatus) -> str:
    """What is going on with the order (in ``status``) at this desk, shortest first."""
    return activity_words(
        state.failed,
        state.pending,
        status=status,
        uploading=state.uploading,
        invitation_in_doubt=state.invitation_in_doubt,
    )


def activity_words(
    failed: Collection[StepKind],
    pending: Collection[StepKind],
    *,
    status: OrderStatus,
    uploading: bool,
    invitation_in_doubt: bool,
) -> str:
    """``activity_text`` from the state's parts (a cached row is read without the state).
    ``invitation_in_doubt``: the invitation failed after a try whose answer was lost, and is
    not sent again: the candidate may have it, so it is not said to have failed. Nor is a
    step the order's end left nothing to send for (``failed_to_say``, which the "Needs
    attention" flag reads too)."""
    said_failed = failed_to_say(failed, status=status, invitation_in_doubt=invitation_in_doubt)
    if said_failed:
        said = not_done(said_failed)  # as the order's Activity list says each
        return f"{said}; invitation may have been sent" if invitation_in_doubt else said
    if invitation_in_doubt:
        return INVITATION_IN_DOUBT
    if pending:
        return "Under way: " + labels(pending)
    if uploading:
        return "Uploading files"
    return ""


def berke_text(state: OrderState) -> str:
    """Berke's side, beside SmartRecruiters' status (UTC ISO time: text order is time order;
    the view shows it in local time)."""
    return berke_words(state.berke)


def berke_words(berke: BerkeState | None) -> str:
    """``berke_text`` from the state's Berke part."""
    if berke is None:
        return ""
    text = berke.progress.label
    if berke.progress is BerkeProgress.COMPLETE and berke.completed_at is not None:
        text += " · " + utc_text(berke.completed_at)
    return text


def attention_text(flags: list[Flag]) -> str:
    if not flags:
        return ""
    more = f" (+{len(flags) - 1})" if len(flags) > 1 else ""
    return flags[0].short + more


def order_row(
    order: AssessmentOrder, state: OrderState = NO_STATE, flags: list[Flag] | None = None
) -> OrderRow:
    link = state.link
    return OrderRow(
        *summarize(order),  # the snapshot index's fields, first and in the same order
        assessment=link.invitation_code if link is not None else "",
        activity=activity_text(state, order.status),
        berke=berke_text(state),
        attention=attention_text(flags or []),
        berke_id=link.source_candidate_id if link is not None else "",
        gone=state.gone_since is not None,
    )


def summary_row(order: OrderSummary, state: StateSummary) -> OrderRow:
    """``order_row`` of a cached order as read without its model (``app.store.inbox_rows``),
    without attention flags (``CachedOrders`` has none either)."""
    return OrderRow(
        *order,
        assessment=state.invitation_code,
        activity=activity_words(
            state.failed,
            state.pending,
            status=order.status,
            uploading=state.uploading,
            invitation_in_doubt=state.invitation_in_doubt,
        ),
        berke=berke_words(state.berke),
        attention="",
        berke_id=state.source_candidate_id,
        gone=state.gone,
    )


#: The fields a snapshot's rows leave empty: the desk's own state of an order, which its index
#: does not keep (an order's record keeps its Berke assessment, shown in the pane).
SNAPSHOT_EMPTY_FIELDS = frozenset({"assessment", "activity", "berke", "attention", "berke_id"})


class OrderColumns:
    """Rows as one list per field of ``OrderRow``; rows can be replaced and added in place."""

    __slots__ = FIELDS

    # One list per field; declared for type checkers (the slots hold them).
    id: list[str]
    status: list[OrderStatus]
    candidate_id: list[str]
    candidate: list[str]
    email: list[str]
    job: list[str]
    company: list[str]
    requestor: list[str]
    created: list[str]
    assessment: list[str]
    activity: list[str]
    berke: list[str]
    attention: list[str]
    berke_id: list[str]
    gone: list[bool]

    def __init__(self, columns: dict[str, list[object]]) -> None:
        lengths = {len(columns[name]) for name in FIELDS}
        if len(lengths) > 1:
            raise ValueError("the columns have different lengths")
        for name in FIELDS:
            setattr(self, name, columns[name])

    @classmethod
    def of_rows(cls, rows: Sequence[OrderRow]) -> OrderColumns:
        if not rows:
            return cls({name: [] for name in FIELDS})
        return cls(
            {
                name: list(values)
                for name, values in zip(FIELDS, zip(*rows, strict=True), strict=True)
            }
        )

    @classmethod
    def of_index(cls, index: SnapshotIndex) -> OrderColumns:
        """A snapshot's index as rows, sharing its lists (no copy of 100,000 strings). A
        snapshot keeps no local state per row but whether SmartRecruiters still had the order:
        those columns are empty."""
        size = len(index)
        columns: dict[str, list[object]] = {
            name: getattr(index, name) for name in OrderSummary._fields
        }
        for local in SNAPSHOT_EMPTY_FIELDS:
            columns[local] = [""] * size
        columns["gone"] = [False] * size if index.gone is None else list(map(bool, index.gone))
        return cls(columns)

    def __len__(self) -> int:
        return len(self.id)

    def column(self, name: str) -> list[object]:
        values: list[object] = getattr(self, name)
        return values

    def row(self, index: int) -> OrderRow:
        return OrderRow(*(getattr(self, name)[index] for name in FIELDS))

    def copy(self) -> OrderColumns:
        """Each column copied (its values shared): a copy that changes in place leaves it."""
        return OrderColumns({name: list(getattr(self, name)) for name in FIELDS})

    def replace(self, index: int, row: OrderRow) -> None:
        for name, value in zip(FIELDS, row, strict=True):
            getattr(self, name)[index] = value

    def append(self, rows: Sequence[OrderRow]) -> None:
        for name, position in zip(FIELDS, range(len(FIELDS)), strict=True):
            getattr(self, name).extend(row[position] for row in rows)
