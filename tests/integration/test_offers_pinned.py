"""Pin for offers._corrected (mutation audit): an earlier create that already holds what the
form sends is taken as it is, with no update sent."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.clients.errors import NetworkError
from app.workflows import offers
from tests.integration.test_offers_workflows import PAID, OfferAnswers, new_offer
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer
    from app.workflows.desk import Desk


class CountsUpdates(OfferAnswers):
    def __init__(self) -> None:
        super().__init__()
        self.updates = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        an_offer = "/offers/" in path and path.rstrip("/").count("/") >= 2
        if request.method == "POST" and an_offer and not path.endswith(("/submit", "/withdraw")):
            self.updates += 1
        return await super().handle_async_request(request)


def test_saving_again_unchanged_takes_the_earlier_create_without_an_update(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The create went through, its answer lost; Save again with the form as it was: the
    offer that create made is taken as it is. An update is sent only when the form was
    corrected since (a needless POST replaces the whole offer, and may be refused)."""
    network = CountsUpdates()

    async def body(desk: Desk) -> None:
        offer = new_offer()
        sent = await offers.about_to_create(desk, offer)
        network.lose = True
        with pytest.raises(NetworkError):
            await offers.create_offer(desk, offer, PAID)
        network.updates = 0
        made = await offers.create_offer(desk, offer, PAID, sent_before=[sent])
        assert made.id is not None
        assert network.updates == 0

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)
