"""The cached inbox as the Orders room's source before the session is open.

At start the window shows what the cache holds in its first frame; keys, clients and the network
come after. Until the order board takes over (``MainWindow.connect_board``) nothing can be done
to the orders, and the room says why.
"""

from __future__ import annotations

from app.domain.journal_terms import LinkedAssessment
from app.domain.order_state import NO_STATE, OrderState
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.orders.sources import OrderSource
from app.views.order_rows import OrderColumns, order_row
from app.workflows.cached_inbox import CachedInbox


class CachedOrders(OrderSource):
    """The orders of a ``CachedInbox``, read-only."""

    read_only_reason = "Connecting to SmartRecruiters and Berke…"

    def __init__(self, inbox: CachedInbox) -> None:
        super().__init__()
        self._orders = {order.id: order for order in inbox.orders}
        self._states = inbox.states

    def all_rows(self) -> tuple[OrderColumns, dict[str, int] | None]:
        rows = [order_row(order, self.state(order.id)) for order in self._orders.values()]
        return OrderColumns.of_rows(rows), None

    def order(self, order_id: str) -> AssessmentOrder | None:
        return self._orders.get(order_id)

    def link(self, order_id: str) -> LinkedAssessment | None:
        return self.state(order_id).link

    def state(self, order_id: str) -> OrderState:
        return self._states.get(order_id, NO_STATE)
