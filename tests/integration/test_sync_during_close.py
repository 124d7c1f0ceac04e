"""A sync under way when the connection closes (the profile switched, the app quitting) ends
with the close, quietly: it ran on against the closed data file, and the window said that
the orders read "could not be kept".

The listing's answer is held back by the transport until the board has stopped and its data
file is closed, so the overlap happens every time, not by luck of timing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.clients.berke import BerkeClient
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.smartrecruiters import ContactPerson
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxServer
from app.store.database import Database
from app.workflows.board import BoardListener, OrderBoard, SyncOutcome
from app.workflows.desk import Desk
from app.workflows.session import Session
from tests.integration.helpers import HeldListing, unpaced


class Heard(BoardListener):
    """The board's listener, as far as syncs go."""

    def __init__(self) -> None:
        self.finished: list[SyncOutcome] = []

    def sync_finished(self, report: SyncOutcome) -> None:
        self.finished.append(report)


def test_a_sync_under_way_ends_with_the_close_and_says_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body() -> None:
        transport = HeldListing()
        session = Session(
            sr=SmartRecruitersClient(
                sandbox.sr_base_url, DEMO_SR_KEY, transport=transport, pacer=unpaced()
            ),
            berke=BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN, pacer=unpaced()),
            demo=True,
        )
        db = Database(tmp_path / "desk.sqlite3")
        heard = Heard()
        desk = Desk(session, db, author=ContactPerson(first_name="Cora"))
        board = OrderBoard(desk, listener=heard)
        try:
            transport.hold = True
            syncing = asyncio.ensure_future(board.sync())  # F5
            await transport.read.wait()
            # The close (SessionHost.close): the board stops, then the data file closes.
            await asyncio.wait_for(board.stop(), timeout=30)
            assert syncing.done(), "stop returned with the sync still running"
            db.close()
            transport.release.set()
            outcome = await syncing
        finally:
            transport.release.set()
            await session.aclose()
            db.close()
        assert not outcome.ok
        assert outcome.stopped
        assert outcome.error is None
        assert heard.finished == [outcome]

    asyncio.run(body())
