"""What the live source hands the room: one changed order is a changed row, and comments that
could not be read are none, not an empty list ("No comments yet." would be a lie)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from app.clients.errors import ApiError, ServerError, Service
from app.domain.order_state import NO_STATE
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.orders.board_signals import BoardSignals
from app.ui.orders.sources import LiveOrders

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


def order(n: int) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": f"o-{n}", "status": "NEW",
         "candidate": {"id": f"c{n}", "firstName": "Ana", "lastName": f"Silva{n}"}}
    )  # fmt: skip


class Board:
    data_file = None

    def __init__(self, orders: list[AssessmentOrder], fail: ApiError | None = None) -> None:
        self.orders = {o.id: o for o in orders}
        self.fail = fail

    def order(self, order_id: str) -> AssessmentOrder | None:
        return self.orders.get(order_id)

    def state(self, _order_id: str) -> Any:
        return NO_STATE

    def flags(self, _order_id: str) -> list[Any]:
        return []

    def order_ids(self) -> list[str]:
        return list(self.orders)

    async def comments(self, _order_id: str) -> list[Any]:
        if self.fail is not None:
            raise self.fail
        return []


def test_one_changed_order_is_a_changed_row(qtbot: QtBot) -> None:
    signals = BoardSignals()
    live = LiveOrders(Board([order(1), order(2)]), signals)  # type: ignore[arg-type]
    with qtbot.waitSignal(live.rows_changed, timeout=1000) as said:
        signals.orders_changed.emit(["o-1"])
    assert [row.id for row in said.args[0]] == ["o-1"]


def test_an_order_the_board_no_longer_has_says_nothing(qtbot: QtBot) -> None:
    signals = BoardSignals()
    live = LiveOrders(Board([order(1)]), signals)  # type: ignore[arg-type]
    with qtbot.assertNotEmitted(live.rows_changed):
        signals.orders_changed.emit(["o-9"])


def test_comments_that_could_not_be_read_are_none_not_an_empty_list(qtbot: QtBot) -> None:
    signals = BoardSignals()
    board = Board([order(1)], ServerError(Service.SMARTRECRUITERS, http_status=503))
    live = LiveOrders(board, signals)  # type: ignore[arg-type]
    comments = asyncio.run(live.comments("o-1"))
    assert comments.comments is None  # "No comments yet." would be a lie
    assert comments.error
