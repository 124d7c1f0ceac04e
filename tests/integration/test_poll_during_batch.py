"""A poll must never undo newer local state: a poll whose listing was read before a batch
accepted its orders, and merged after, leaves them accepted (in the cache and on the board).

The listing's answer is held back by the transport until the batch is done, so the overlap
happens every time, not by luck of timing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import ContactPerson, OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.store.database import Database
from app.workflows.batch import OutcomeKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.session import Session
from tests.integration.helpers import HeldListing, new_order_body, unpaced

ORDERS = 30


@pytest.fixture(scope="module")
def empty_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of its own: the NEW listing holds exactly this test's orders."""
    server = SandboxServer(
        SandboxConfig(orders=0, sr_rate_per_second=0, berke_burst=100_000), port=0
    )
    server.start()
    yield server
    server.stop()


def test_a_poll_read_before_a_batch_leaves_its_accepts_in_place(
    empty_sandbox: SandboxServer, tmp_path: Path
) -> None:
    from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY

    async def body() -> None:
        transport = HeldListing()
        session = Session(
            sr=SmartRecruitersClient(
                empty_sandbox.sr_base_url, DEMO_SR_KEY, transport=transport, pacer=unpaced()
            ),
            berke=BerkeClient(empty_sandbox.berke_base_url, DEMO_BERKE_TOKEN, pacer=unpaced()),
            demo=True,
        )
        desk = Desk(
            session, Database(tmp_path / "desk.sqlite3"), author=ContactPerson(first_name="Cora")
        )
        board = OrderBoard(desk)
        try:
            for i in range(ORDERS):
                await session.sr.create_test_order(
                    new_order_body(last=f"Race{i}", email=f"race{i}@example.com")
                )
            assert (await board.sync()).ok
            ids = [o.id for o in board.orders() if o.status is OrderStatus.NEW]
            assert len(ids) == ORDERS

            transport.hold = True
            poll = asyncio.ensure_future(board.sync(poll=True))
            await transport.read.wait()  # the poll holds a listing: every order NEW
            transport.hold = False
            outcomes = await board.create_accept_invite(ids)
            assert {o.kind for o in outcomes} == {OutcomeKind.DONE}
            transport.release.set()
            assert (await poll).ok

            cached = {o.id: o.status for o in desk.orders.all()}
            assert {cached[i] for i in ids} == {OrderStatus.IN_PROGRESS}
            on_board = {board.order(i).status for i in ids}  # type: ignore[union-attr]
            assert on_board == {OrderStatus.IN_PROGRESS}
        finally:
            await board.stop()
            await session.aclose()
            desk.db.close()

    asyncio.run(body())
