"""A sync freezes what each page brought (``app.workflows.heap``), not only what the whole sync
did: a first sync of thousands of orders otherwise ran two or three full collections on the
GUI thread, 80–230 ms each, walking the pages read so far (``bench/ui_lag.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import ContactPerson
from app.store.database import Database
from app.workflows import board as board_module
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_sync import PAGE_SIZE
from app.workflows.session import Session
from tests.integration.helpers import run, unpaced

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


def test_each_page_that_brings_orders_is_settled_as_it_lands(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    async def body() -> tuple[list[int], int]:
        session = Session(
            sr=SmartRecruitersClient(sandbox.sr_base_url, DEMO_SR_KEY, pacer=unpaced()),
            berke=BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN, pacer=unpaced()),
            demo=True,
        )
        desk = Desk(
            session, Database(tmp_path / "desk.sqlite3"), author=ContactPerson(first_name="Cora")
        )
        board = OrderBoard(desk)
        # What the board held at each settle (the real one would freeze this test's process).
        held: list[int] = []
        monkeypatch.setattr(board_module, "settle_heap", lambda: held.append(len(board.orders())))
        try:
            assert (await board.sync()).ok
            first = list(held)
            held.clear()
            assert (await board.sync()).ok  # nothing new: nothing to settle
            assert held == []
            return first, len(board.orders())
        finally:
            await session.aclose()
            desk.db.close()

    settled, total = run(body)
    assert total >= 2 * PAGE_SIZE  # the test means several pages
    pages = [min(PAGE_SIZE * (n + 1), total) for n in range(-(-total // PAGE_SIZE))]
    assert settled == [*pages, total]  # each page as it lands, then the whole sync
