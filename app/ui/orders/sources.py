"""Where the Orders room's orders come from: the live board, or a snapshot (read-only).

The room is built the same way for both and asks its source for rows, for one order, and for
the detail pane's records; the source says which rows changed. A live source forwards the
order board (``app.workflows.board``); the snapshot source is in ``app.ui.snapshots``.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.clients.errors import ApiError
from app.ui.orders.detail_pane import TimelineEntry
from app.views.order_rows import OrderColumns, OrderRow, order_row
from app.views.order_search import PreparedSearch

if TYPE_CHECKING:  # the board opens after the window's first frame, pydantic's shapes with it
    from app.domain.attention import Flag
    from app.domain.journal_terms import LinkedAssessment
    from app.domain.order_result import ResultOnFile
    from app.domain.order_state import OrderState
    from app.domain.smartrecruiters import AssessmentComment, AssessmentOrder
    from app.domain.snapshot import SnapshotAttachment
    from app.ui.orders.board_signals import BoardSignals
    from app.workflows.board import OrderBoard


@dataclass(frozen=True)
class Comments:
    comments: list[AssessmentComment] | None  # None: they could not be read, or are not kept
    error: str = ""
    #: Why a snapshot holds none of them, in its own words (saved without them, refused
    #: then, the order gone): said as it is, neither "No comments yet." nor a failure now.
    not_kept: str = ""


@dataclass(frozen=True)
class Records:
    """What the detail pane lists for an order, when the source has it at hand."""

    timeline: list[TimelineEntry]
    comments: Comments


@dataclass(frozen=True)
class SnapshotFiles:
    attachments: list[SnapshotAttachment] = field(default_factory=list)
    left_out: str = ""


class OrderSource(QObject):
    """What the Orders room shows. ``rows_changed`` carries the rows that changed or arrived."""

    rows_changed = Signal(list)  # list[OrderRow]

    #: Why nothing may be changed (a snapshot), or None.
    read_only_reason: str | None = None
    #: The rows' fields this source leaves empty (``OrderRow``'s names): their columns are
    #: hidden and cannot be shown, rather than shown empty (and filtered on: nothing matched).
    empty_fields: frozenset[str] = frozenset()

    @property
    def data_file(self) -> Path | None:
        """The data file whose orders these are (None: none, as a snapshot's or the demo's):
        two sources of one data file show the same orders (the cached inbox, then the live
        one), and the coordinator's place among them carries over."""
        return None

    @abstractmethod
    def all_rows(self) -> tuple[OrderColumns, dict[str, int] | None]:
        """Every row, and (when the source has it at hand) the row of each order id."""

    def prepared_search(self) -> PreparedSearch | None:
        """The search over ``all_rows()``'s rows when the source built it ahead, off the GUI
        thread (a large snapshot); None: the room builds it."""
        return None

    @abstractmethod
    def order(self, order_id: str) -> AssessmentOrder | None: ...

    @abstractmethod
    def link(self, order_id: str) -> LinkedAssessment | None: ...

    @abstractmethod
    def state(self, order_id: str) -> OrderState: ...

    def records_at_hand(self, order_id: str) -> Records | None:
        """The order's timeline and comments when they need no waiting (a snapshot holds
        them); None when they must be fetched (``timeline``, ``comments``)."""
        return None

    async def comments(self, order_id: str) -> Comments:
        return Comments([])

    async def timeline(self, order_id: str) -> list[TimelineEntry]:
        return []

    async def result_on_file(self, order_id: str) -> ResultOnFile | None:
        """The order's result as the service holds it, with its files (None: unknown here)."""
        return None

    def result_as_saved(self, order_id: str) -> str:
        """A snapshot's words for the order's result as it was saved, or for why it was not
        ("": no result, or not a snapshot)."""
        return ""

    def snapshot_files(self, order_id: str) -> SnapshotFiles | None:
        """The files a snapshot keeps for the order (None: not a snapshot)."""
        return None

    def flags(self, order_id: str) -> list[Flag]:
        """What needs attention on the order now (a snapshot: nothing, it cannot change)."""
        return []


class LiveOrders(OrderSource):
    """The order board, as the room sees it."""

    def __init__(self, board: OrderBoard, signals: BoardSignals) -> None:
        super().__init__(signals)
        self.board = board
        self.signals = signals
        signals.orders_changed.connect(self._changed)

    def _changed(self, order_ids: list[str]) -> None:
        rows = [row for order_id in order_ids if (row := self.row(order_id)) is not None]
        if rows:
            self.rows_changed.emit(rows)

    def row(self, order_id: str) -> OrderRow | None:
        board = self.board
        order = board.order(order_id)
        if order is None:
            return None
        return order_row(order, board.state(order_id), board.flags(order_id))

    def all_rows(self) -> tuple[OrderColumns, dict[str, int] | None]:
        rows = [row for order_id in self.board.order_ids() if (row := self.row(order_id))]
        return OrderColumns.of_rows(rows), None

    @property
    def data_file(self) -> Path | None:
        return self.board.data_file

    def recheck(self) -> None:
        """Time passes: an order becomes "new for 3 days", an invitation old enough for a
        reminder. Rows are built again; only those that differ are updated."""
        self._changed(self.board.order_ids())

    def order(self, order_id: str) -> AssessmentOrder | None:
        return self.board.order(order_id)

    def link(self, order_id: str) -> LinkedAssessment | None:
        return self.board.link(order_id)

    def state(self, order_id: str) -> OrderState:
        return self.board.state(order_id)

    async def comments(self, order_id: str) -> Comments:
        try:
            return Comments(await self.board.comments(order_id))
        except ApiError as exc:
            return Comments(None, str(exc))

    async def timeline(self, order_id: str) -> list[TimelineEntry]:
        return list(await self.board.timeline(order_id))

    async def result_on_file(self, order_id: str) -> ResultOnFile | None:
        return await self.board.result_on_file(order_id)

    def flags(self, order_id: str) -> list[Flag]:
        return self.board.flags(order_id)
