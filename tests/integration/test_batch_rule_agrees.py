"""The board's "Create, accept and invite" (the action's enabling, its tooltip, the selection's
summary) and the batch's plan give one answer for each order: the board's memory and the
store are asked the same rule (``batch_rules.batch_refusal``). Before, each wrote the rule
out, and they drifted: the board offered an order the plan then skipped."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.clients.errors import ApiError
from app.domain.berke import CreateAssessmentRequest
from app.domain.order_action import OrderAction
from app.domain.order_rules import gone_reason
from app.domain.step_kinds import StepKind
from app.workflows.batch import PlanKind
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import FailsOnce, RealNetwork, new_order_body
from tests.integration.test_close_the_loop import with_board
from tests.integration.test_gone_orders import erase_in_sr

if TYPE_CHECKING:
    from app.sandbox import SandboxServer

BATCH = OrderAction.CREATE_ACCEPT_INVITE


class PlainHttpUrls(RealNetwork):
    """Berke's transport: a created assessment's URL is answered on plain http, on a host
    that is not this computer (a test system without a certificate): Accept asks about it."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/CreateAssessment"):
            return response
        body = json.loads(await response.aread())
        code = body["assessment"]["invitationCode"]
        body["assessment"]["assessmentUrl"] = f"http://assess.berke.example/start/{code}"
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, json=body, request=request)


async def an_order(desk: Desk, first: str) -> str:
    body = new_order_body(first=first, last="Aalto", email=f"{first.lower()}@example.com")
    return (await desk.session.sr.create_test_order(body)).id


async def created(board: OrderBoard, order_id: str) -> None:
    await board.create_assessment(
        order_id, CreateAssessmentRequest(first_name="A", last_name="Aalto")
    )


def accept_busy_once() -> FailsOnce:
    """SmartRecruiters busy for the first accept: it is left waiting, for the resumer."""
    return FailsOnce("/accept", 503, {"code": "UNAVAILABLE", "message": "Later."})


async def accept_waiting_then_erased(
    board: OrderBoard, desk: Desk, sandbox: SandboxServer, first: str
) -> tuple[str, datetime]:
    """An order created, its accept left waiting (``accept_busy_once``), then erased in
    SmartRecruiters and found gone by a sync: its id, and since when it is gone."""
    order_id = await an_order(desk, first)
    await board.sync()
    await created(board, order_id)
    with pytest.raises(ApiError):  # left waiting: the resumer sends it
        await board.accept(order_id)
    assert StepKind.ACCEPT in board.state(order_id).pending
    await erase_in_sr(sandbox, order_id)
    assert (await board.sync()).gone_ids == (order_id,)
    since = board.state(order_id).gone_since
    assert since is not None
    return order_id, since


async def board_and_plan(board: OrderBoard, order_ids: list[str]) -> list[tuple[str | None, str]]:
    """Per order, the board's reason (None: it may go) and the plan's (\"\": it runs)."""
    plan = await board.plan_batch(order_ids)
    said = board.why_not_each(BATCH, order_ids)
    return [
        (why, p.reason if p.kind is PlanKind.SKIP else "")
        for why, p in zip(said, plan.orders, strict=True)
    ]


def test_a_url_the_batch_leaves_to_accept_is_not_offered_for_the_batch(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A new order whose assessment's URL is on plain http (elsewhere than this computer):
    Accept asks the coordinator first, which a batch cannot, so the plan skips it. The board
    offered the action for it all the same (enabled, "1 of 1" in the selection's summary),
    and the plan then ran nothing."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await an_order(desk, "Plain")
        await board.sync()
        await created(board, order_id)

        [(board_says, plan_says)] = await board_and_plan(board, [order_id])

        assert plan_says.startswith("The assessment URL starts with http://")
        assert board_says == plan_says
        assert board.why_not(BATCH, [order_id]) == plan_says

    with_board(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=PlainHttpUrls())


def test_a_gone_order_with_a_step_waiting_is_said_gone_by_both(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An order whose accept waits to be sent (SmartRecruiters was busy), then erased in
    SmartRecruiters: the resumer sends nothing for it. The plan said so ("no longer has this
    order"); the board said the step "is retried automatically", which it never is."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, since = await accept_waiting_then_erased(board, desk, sandbox, "Waits")

        [(board_says, plan_says)] = await board_and_plan(board, [order_id])

        assert plan_says == gone_reason(since)
        assert board_says == plan_says

    with_board(sandbox, tmp_path / "desk.sqlite3", body, accept_busy_once())


def test_a_gone_order_with_a_step_waiting_is_said_gone_by_the_tooltip_and_the_action(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """One order's action (Accept here) on an order whose accept waits to be sent, then
    erased in SmartRecruiters: the tooltip asked the waiting step first and said it "is
    retried automatically" (it never is), where the action asked the order's rules first
    and refused it as gone. Both now ask ``order_actions.action_refusal``."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id, since = await accept_waiting_then_erased(board, desk, sandbox, "Lingers")

        tooltip = board.why_not(OrderAction.ACCEPT, [order_id])
        order = board.order(order_id)
        assert order is not None
        with pytest.raises(ActionNotAllowedError) as refused:
            await accept_order(desk, order)  # the action's own check, not the board's

        assert tooltip == gone_reason(since)
        assert str(refused.value) == tooltip

    with_board(sandbox, tmp_path / "desk.sqlite3", body, accept_busy_once())


def test_the_board_and_the_plan_agree_on_everyday_orders(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Pinned: the answers both gave alike before they were made one rule."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        fresh = await an_order(desk, "Fresh")
        made = await an_order(desk, "Made")
        accepted = await an_order(desk, "Accepted")
        invited = await an_order(desk, "Invited")
        rejected = await an_order(desk, "Rejected")
        await desk.session.sr.reject_order(rejected)
        await board.sync()
        for order_id in (made, accepted, invited):
            await created(board, order_id)
        await board.accept(accepted)
        await board.accept(invited)
        await board.invite(invited)
        ids = [fresh, made, accepted, invited, rejected]

        answers = dict(zip(ids, await board_and_plan(board, ids), strict=True))

        assert answers[fresh] == (None, "")
        assert answers[made] == (None, "")
        assert answers[accepted] == (None, "")
        only_new = "Only new orders can be created, accepted and invited in one go."
        assert answers[invited] == (only_new, only_new)
        rejected_says = answers[rejected][0]
        assert rejected_says is not None
        assert rejected_says.startswith("This order was rejected")
        assert answers[rejected] == (rejected_says, rejected_says)

    with_board(sandbox, tmp_path / "desk.sqlite3", body)
