"""SmartRecruiters carries out an accept or a reject and answers 204 No Content (or 200 with
no body) instead of the order. Before, the empty answer was read as an order: the Reject
dialog said "The service said: “unexpected answer: : Input should be a valid dictionary or
instance of AssessmentOrder”" (pydantic's words, given as the service's) about a reject that
was made, and the order stayed New until the resumer sent the reject again.

Now an empty success is the change made: the order is read back, or, when it cannot be, the
copy held is shown changed; the step is done either way, never sent again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.errors import UnexpectedResponseError
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order, reject_order
from tests.integration.helpers import RealNetwork, new_order_body, run, unpaced
from tests.integration.test_waiting_steps import with_an_assessment
from tests.integration.test_workflows import run_with_desk


@pytest.fixture(scope="module")
def sandbox() -> Any:
    config = SandboxConfig(orders=0, sr_rate_per_second=0, berke_burst=100_000)
    with SandboxServer(config) as server:
        yield server


class EmptyAnswers(RealNetwork):
    """The sandbox carries out every accept and reject; its answer reaches the desk as a bare
    204. With ``unreadable``, the order cannot be read back either (a 404 to its GET)."""

    def __init__(self, *, unreadable: bool) -> None:
        super().__init__()
        self.unreadable = unreadable
        self.changes: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        reading_back = request.method == "GET" and self.changes and path.endswith(self.changes[-1])
        if reading_back and self.unreadable:
            return httpx.Response(404, json={"message": "Not found"})
        response = await self.inner.handle_async_request(request)
        change = path.rsplit("/", 1)[-1]
        if request.method == "POST" and change in ("accept", "reject"):
            await response.aread()
            if response.status_code < 300:
                self.changes.append(path.rsplit("/", 2)[-2])  # the order's id
                return httpx.Response(204)
        return response


@pytest.mark.parametrize("unreadable", [False, True], ids=["read-back", "not-read-back"])
def test_a_reject_answered_with_no_order_is_done(
    sandbox: SandboxServer, tmp_path: Path, unreadable: bool
) -> None:
    network = EmptyAnswers(unreadable=unreadable)

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body("Ines", "Vale"))
        await asyncio.to_thread(desk.orders.put, order)
        rejected = await reject_order(desk, order, reason="The position was filled")
        assert rejected.status is OrderStatus.REJECTED
        assert rejected.candidate == order.candidate
        cached = await asyncio.to_thread(desk.orders.get, order.id)
        assert cached is not None
        assert cached.status is OrderStatus.REJECTED
        (step,) = desk.journal.entries(order.id)
        assert step.state is StepState.DONE  # not left for the resumer to send again
        assert network.changes == [order.id]  # sent once

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, network)


def test_an_accept_answered_with_no_order_is_done(sandbox: SandboxServer, tmp_path: Path) -> None:
    network = EmptyAnswers(unreadable=False)

    async def body(desk: Desk) -> None:
        order = await with_an_assessment(desk, "Noor")
        accepted = await accept_order(desk, order)
        assert accepted.status is OrderStatus.IN_PROGRESS
        (step,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.ACCEPT]
        assert step.state is StepState.DONE
        cached = await asyncio.to_thread(desk.orders.get, order.id)
        assert cached is not None
        assert cached.status is OrderStatus.IN_PROGRESS

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, network)


def test_an_empty_answer_where_an_order_was_expected_is_said_in_the_desks_words() -> None:
    """Nothing the service said: not "The service said: “unexpected answer: : Input should
    be a valid dictionary…”"."""

    async def body() -> UnexpectedResponseError:
        transport = httpx.MockTransport(lambda _request: httpx.Response(204))
        async with SmartRecruitersClient(
            "https://sr.test/v1", "k" * 64, transport=transport, pacer=unpaced()
        ) as sr:
            with pytest.raises(UnexpectedResponseError) as caught:
                await sr.get_order("o-1")
            return caught.value

    error = run(body)
    assert str(error) == (
        "SmartRecruiters: The service answered with nothing where this console expected an answer."
    )
