"""Pins the client's ids of unreadable offers (app/clients/smartrecruiters.py, the page reader):
white space stripped as the model strips a readable offer's id, and a blank id read as no id.

Mutant killed: ``(name.strip() or None) if isinstance(name, str) else None`` ->
``name if isinstance(name, str) else None``. It survived the suite (every unreadable offer in
it has a clean id). With it, a colleague's look-alike listed unreadable as " off-1 " before a
create went into ``there_before`` as " off-1 "; read well later as "off-1" it was not among
them, so Save again would take (update, re-cost) the colleague's offer as the form's own; and
an offer listed with a blank id left "what was there before" known when it is not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from app.workflows import offers
from app.workflows.desk import Desk
from tests.integration.helpers import RealNetwork
from tests.integration.test_offers_workflows import FREE, new_offer
from tests.integration.test_workflows import run_with_desk

if TYPE_CHECKING:
    from app.sandbox import SandboxServer


class PadsAndBlanks(RealNetwork):
    """Lists the offer ``padded`` unreadable (no description) with its id in spaces, and a
    copy of it unreadable with a blank id."""

    def __init__(self) -> None:
        super().__init__()
        self.padded: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        listing = request.method == "GET" and request.url.path.endswith("/offers")
        if not listing or self.padded is None:
            return response
        body = json.loads(await response.aread())
        extra = []
        for item in body["content"]:
            if item["id"] == self.padded:
                del item["description"]
                extra.append({**item, "id": "   "})
                item["id"] = f"  {self.padded}\t"
        body["content"].extend(extra)
        return httpx.Response(response.status_code, json=body)


def test_unreadable_offers_ids_are_stripped_and_a_blank_one_is_none(
    sandbox: SandboxServer,
    tmp_path: Path,
) -> None:
    network = PadsAndBlanks()

    async def body(desk: Desk) -> None:
        made = await offers.create_offer(desk, new_offer(), FREE)
        assert made.id is not None
        network.padded = made.id
        page = await desk.session.sr.list_offers(limit=100)
        assert len(page.unreadable) == 2
        assert page.unreadable_ids == [made.id, None]
        assert made.id not in {o.id for o in page.content}

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body, transport=network)
