"""The cached inbox as the Orders room's source before the session is open.

At start the window shows what the cache holds in its first frame; keys, clients and the network
come after. On a working day the first frame shows the rows alone, read without the models
(``app.workflows.inbox_peek``); the models behind them follow right after it (``complete``).
Until the order board takes over (``MainWindow.connect_board``) nothing can be done to the
orders, and the room says why.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.order_state import NO_STATE, NO_STATE_SUMMARY, OrderState
from app.ui.orders.sources import OrderSource
from app.views.order_rows import OrderColumns, OrderRow, order_row, summary_row

if TYPE_CHECKING:  # the models load after a working day's first frame
    from app.domain.journal_terms import LinkedAssessment
    from app.domain.smartrecruiters import AssessmentOrder
    from app.store.inbox_rows import InboxRows
    from app.workflows.cached_inbox import CachedInbox


def inbox_rows_as_columns(inbox: InboxRows) -> OrderColumns:
    """The rows of a cached inbox read without its models (in any thread: no Qt)."""
    states = inbox.states
    return OrderColumns.of_rows(
        [summary_row(order, states.get(order.id, NO_STATE_SUMMARY)) for order in inbox.orders]
    )


class CachedOrders(OrderSource):
    """The cached inbox of the data file ``path``, read-only: its rows, and once ``complete``
    (or built ``of_inbox``) its orders and their local state."""

    read_only_reason = "Connecting to SmartRecruiters and Berke…"

    def __init__(self, path: Path, rows: OrderColumns) -> None:
        super().__init__()
        self.path = path
        self._rows = rows
        self._orders: dict[str, AssessmentOrder] = {}
        self._states: dict[str, OrderState] = {}

    @classmethod
    def of_inbox(cls, path: Path, inbox: CachedInbox) -> CachedOrders:
        source = cls(path, OrderColumns.of_rows(_model_rows(inbox)))
        source._take(inbox)
        return source

    def complete(self, inbox: CachedInbox) -> bool:
        """Take the models behind the rows shown (the same data file's inbox, read through
        them). False, taking nothing, when their rows are not the ones shown: the caller shows
        them instead (``of_inbox``)."""
        rows = _model_rows(inbox)
        shown = self._rows
        # As multisets, not keyed by id: two stored copies of an order (the same id inside) can
        # be read twice by one reading and once by the other.
        if Counter(rows) != Counter(shown.row(i) for i in range(len(shown))):
            return False
        self._take(inbox)
        # The rows are as they were; what the detail pane can show of them is not.
        self.rows_changed.emit(rows)
        return True

    def _take(self, inbox: CachedInbox) -> None:
        self._orders = {order.id: order for order in inbox.orders}
        self._states = inbox.states

    @property
    def data_file(self) -> Path | None:
        return self.path

    def all_rows(self) -> tuple[OrderColumns, dict[str, int] | None]:
        return self._rows.copy(), None  # the room's copy changes; this one stays as read

    def order(self, order_id: str) -> AssessmentOrder | None:
        return self._orders.get(order_id)

    def link(self, order_id: str) -> LinkedAssessment | None:
        return self.state(order_id).link

    def state(self, order_id: str) -> OrderState:
        return self._states.get(order_id, NO_STATE)


def _model_rows(inbox: CachedInbox) -> list[OrderRow]:
    return [order_row(order, inbox.states.get(order.id, NO_STATE)) for order in inbox.orders]
