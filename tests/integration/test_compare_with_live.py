"""File › Compare snapshots… with one snapshot compares it with the live inbox. Its live side
read every cached order again from SQLite and parsed it anew, though the board holds them
parsed (and frozen after a sync, ``app.workflows.heap``): ~100,000 young objects at 5,000
orders, which the GUI thread's collector then walked at once, 50-57 ms (target: no stall
over 50 ms). Counted, not timed: a count does not depend on the machine's load."""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from app.store.order_cache import upsert_order
from tests.integration.test_close_the_loop import with_board
from tests.snapshot_samples import order

if TYPE_CHECKING:
    from pathlib import Path

    from app.sandbox import SandboxServer
    from app.workflows.board import OrderBoard
    from app.workflows.desk import Desk

ORDERS = 2_000
#: Tracked objects per order the live side may leave: the record wrapping an order the board
#: holds (its lists, link and steps) is ~8; an order parsed again adds ~11 more.
PER_ORDER_BOUND = 12


def _tracked() -> int:
    return sum(len(gc.get_objects(generation)) for generation in range(3))


def test_the_live_side_of_a_comparison_is_the_boards_orders_not_parsed_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        now = datetime.now(UTC).isoformat()
        with desk.db.transaction() as conn:
            for i in range(ORDERS):
                upsert_order(conn, order(i, id=f"order-{i:05d}"), now)
        await board.load()  # the board holds them, as after a start or a sync
        gc.collect()
        gc.freeze()
        enabled = gc.isenabled()
        gc.disable()
        try:
            before = _tracked()
            records = await board.live_records()
            young = _tracked() - before
        finally:
            gc.unfreeze()
            if enabled:
                gc.enable()
        assert len(records) == ORDERS
        assert {r.order.id for r in records} == set(board.order_ids())
        assert all(r.order is board.order(r.order.id) for r in records)  # the same objects
        assert young < PER_ORDER_BOUND * ORDERS, f"{young / ORDERS:.1f} per order"

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
