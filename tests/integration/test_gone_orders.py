"""Orders SmartRecruiters no longer has (a candidate erased, an order removed there), against
the sandbox (its ``DELETE /assessments/{id}`` stands for that). Before, such an order stayed NEW
in the cache for good: counted, offered to the batch, and failing every action with "the
service does not know this item". A complete sync now asks SmartRecruiters about each order it
no longer lists; "not found" marks it gone."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest
from app.domain.order_action import OrderAction
from app.sandbox import DEMO_SR_KEY, SandboxServer
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import RealNetwork, new_order_body
from tests.integration.test_close_the_loop import with_board


async def erase_in_sr(sandbox: SandboxServer, order_id: str) -> None:
    async with httpx.AsyncClient(headers={"X-SmartToken": DEMO_SR_KEY}) as http:
        answer = await http.delete(f"{sandbox.sr_base_url}/assessments/{order_id}")
        assert answer.status_code == 204, answer.text


async def new_order(desk: Desk, first: str) -> str:
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last="Gone", email=f"{first.lower()}@example.com")
    )
    return order.id


def test_an_order_removed_in_sr_is_marked_gone_and_refuses_every_call(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(board: OrderBoard, desk: Desk) -> None:
        kept, erased = await new_order(desk, "Kept"), await new_order(desk, "Erased")
        await board.sync()
        await erase_in_sr(sandbox, erased)

        outcome = await board.sync()

        assert outcome.ok
        assert outcome.gone_ids == (erased,)
        assert outcome.left_out is None  # nothing left out: the sync read every order
        assert board.state(erased).gone_since is not None
        assert board.state(kept).gone_since is None
        assert [flag.kind for flag in board.flags(erased)] == [Attention.GONE]
        for action in (OrderAction.ACCEPT, OrderAction.REJECT, OrderAction.COMMENT):
            reason = board.why_not(action, [erased])
            assert reason is not None
            assert "SmartRecruiters no longer has this order" in reason
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [erased]) is not None
        assert board.why_not(OrderAction.CREATE_ACCEPT_INVITE, [kept]) is None
        # The workflow refuses too, not only the buttons: nothing reaches SmartRecruiters.
        request = CreateAssessmentRequest(
            first_name="Erased", last_name="Gone", email_address="erased@example.com"
        )
        with pytest.raises(ActionNotAllowedError, match="no longer has this order"):
            await board.create_assessment(erased, request)
        # The next poll neither counts it as NEW nor asks about it again.
        assert desk.orders.unlisted({o.id for o in board.orders()} - {erased}) == []
        polled = await board.sync(poll=True)
        assert polled.ok
        assert polled.gone_ids == ()

    with_board(sandbox, tmp_path / "desk.sqlite3", body)


def test_the_mark_survives_a_restart_and_goes_when_sr_sends_the_order_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "desk.sqlite3"

    async def first(board: OrderBoard, desk: Desk) -> str:
        order_id = await new_order(desk, "Lasting")
        await board.sync()
        await erase_in_sr(sandbox, order_id)
        await board.sync()
        return order_id

    order_id = with_board(sandbox, path, first)

    async def second(board: OrderBoard, desk: Desk) -> tuple[bool, bool]:
        marked_at_start = board.state(order_id).gone_since is not None
        # SmartRecruiters sends a copy again (here: the cache is told it lists the order).
        desk.orders.listed_again({order_id})
        await board.refresh([order_id])
        return marked_at_start, board.state(order_id).gone_since is None

    assert with_board(sandbox, path, second) == (True, True)


class MissesOneOrderOnce(RealNetwork):
    """SmartRecruiters' transport, leaving ``order_id`` out of the first listing page that
    holds it: an order removed meanwhile moves the rest up a place, past a page's edge."""

    def __init__(self, order_id: str) -> None:
        super().__init__()
        self.order_id = order_id
        self.missed = False
        self.asked: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        path = request.url.path
        if request.method == "GET" and path.endswith(f"/assessments/{self.order_id}"):
            self.asked.append(self.order_id)
        if self.missed or request.method != "GET" or not path.endswith("/assessments"):
            return response
        await response.aread()
        page = response.json()
        content = [o for o in page["content"] if o["id"] != self.order_id]
        if len(content) == len(page["content"]):
            return response
        self.missed = True
        page["content"] = content
        return httpx.Response(200, json=page, request=request)


def held_order(sandbox: SandboxServer, path: Path, first_name: str) -> str:
    """A new order of SmartRecruiters', synced into the desk at ``path``."""

    async def body(board: OrderBoard, desk: Desk) -> str:
        order_id = await new_order(desk, first_name)
        await board.sync()
        return order_id

    return with_board(sandbox, path, body)


def sync_through(
    sandbox: SandboxServer, path: Path, order_id: str, network: RealNetwork
) -> tuple[tuple[str, ...], bool]:
    """One sync of the desk at ``path`` through ``network``: the orders it found gone, and
    whether ``order_id`` is still held as SmartRecruiters'."""

    async def body(board: OrderBoard, desk: Desk) -> tuple[tuple[str, ...], bool]:
        outcome = await board.sync()
        return outcome.gone_ids, board.state(order_id).gone_since is None

    return with_board(sandbox, path, body, transport=network)


def test_an_order_a_listing_missed_is_asked_for_and_kept(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Not listed is not gone: the order is asked for, and SmartRecruiters still has it."""
    path = tmp_path / "desk.sqlite3"
    order_id = held_order(sandbox, path, "Missed")
    network = MissesOneOrderOnce(order_id)

    assert sync_through(sandbox, path, order_id, network) == ((), True)
    assert network.missed
    assert network.asked == [order_id]


class ListsNothing(RealNetwork):
    """SmartRecruiters' transport, whose listing is empty: a fault, not every order erased."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "GET" and path.endswith("/assessments"):
            page = {"limit": 100, "offset": 0, "totalFound": 0, "content": []}
            return httpx.Response(200, json=page, request=request)
        if request.method == "GET" and "/assessments/" in path:
            self.asked += 1
        return await super().handle_async_request(request)


def test_an_empty_listing_marks_nothing_gone_and_asks_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    path = tmp_path / "desk.sqlite3"
    order_id = held_order(sandbox, path, "Listed")
    network = ListsNothing()

    assert sync_through(sandbox, path, order_id, network) == ((), True)
    assert network.asked == 0
