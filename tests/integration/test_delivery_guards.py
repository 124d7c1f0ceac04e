"""Deliver again completes an order whose result was made but not completed, and says the
result was made earlier (each rule here once had a mutant no test saw)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.clients.errors import ApiError
from app.domain.attachments import DEFAULT_MAX_BYTES
from app.domain.journal_terms import ResultFlow
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.delivery import deliver, plan_delivery
from app.workflows.desk import Desk
from tests.integration.helpers import FailsOnce
from tests.integration.test_close_the_loop import finished_order, with_board


def test_deliver_again_completes_an_order_whose_result_was_made_but_not_completed(
    tmp_path: Path,
) -> None:
    """D03 (delivery.py `deliver`, ``existing ... and a done complete step``): documented
    flow, the Deliver made the order's result and its completion was refused (a 403, mended
    since). Deliver again completes the order with that result, and makes no second one:
    taken for "completed by an earlier delivery", the order stayed in progress for good (the
    resumer leaves it: a completion was begun after the result)."""
    denied = FailsOnce("/complete", 403, {"message": "Access denied"})
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:

        async def body(board: Any, desk: Desk) -> None:
            order = await finished_order(board, desk, server, "Dora", "dora.d03@example.com")
            plan = await plan_delivery(desk, order)
            with pytest.raises(ApiError):
                await deliver(
                    desk, order, plan, flow=ResultFlow.DOCUMENTED, max_bytes=DEFAULT_MAX_BYTES
                )
            made = desk.results.result_id_for(order.id)
            assert made is not None
            again = await plan_delivery(desk, order)
            # D08 (plan_delivery, ``if made is not None``): the preview is the result made.
            assert again.made_earlier
            assert (
                await deliver(
                    desk, order, again, flow=ResultFlow.DOCUMENTED, max_bytes=DEFAULT_MAX_BYTES
                )
                == made
            )
            assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.COMPLETED
            assert len(await desk.session.sr.list_results(order.id)) == 1

        with_board(server, tmp_path / "desk.sqlite3", body, denied)
