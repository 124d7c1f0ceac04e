"""SmartRecruiters' answer to a call about one order is that order's, or it is not believed.

Before: an accept or complete answer naming another order was stored over that other order
(its candidate's name and a newer date, so no sync mended it), and a complete answer whose
order part this version could not read lost the resultId it carried.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.errors import UnexpectedResponseError
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxServer
from app.workflows.desk import Desk
from app.workflows.order_actions import accept_order
from app.workflows.refusals import ActionNotAllowedError
from app.workflows.results import complete_order
from tests.integration.helpers import RealNetwork, new_order_body, sync_like_the_app, unpaced
from tests.integration.test_results_and_resume import RESULT, in_progress
from tests.integration.test_workflows import run_with_desk
from tests.waits import HANG_GUARD_SECONDS

#: GET /assessments/{id}: one order (not its results, comments or attachments).
ONE_ORDER = re.compile(r"/assessments/[^/]+$")


class RewrittenAnswers(RealNetwork):
    """The sandbox's answers to POST …/{suffix}, rewritten by ``change`` once it is set."""

    def __init__(self, suffix: str) -> None:
        super().__init__()
        self.suffix = suffix
        self.change: Any = None
        self.unreadable_orders = False  # GET /assessments/{id}: an answer that is not an order
        # GET /assessments/{id}: held (``order_asked`` set) until ``orders_let_go`` is set.
        self.orders_let_go: asyncio.Event | None = None
        self.order_asked = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (
            self.orders_let_go is not None
            and request.method == "GET"
            and ONE_ORDER.search(request.url.path)
        ):
            self.order_asked.set()
            await self.orders_let_go.wait()
        if (
            self.unreadable_orders
            and request.method == "GET"
            and "/assessments/" in str(request.url)
        ):
            return httpx.Response(200, json={"hello": "world"})
        response = await self.inner.handle_async_request(request)
        if (
            self.change is not None
            and request.method == "POST"
            and request.url.path.endswith(self.suffix)
            and response.status_code < 300
        ):
            body = self.change(json.loads(await response.aread()))
            return httpx.Response(response.status_code, json=body)
        return response


def _naming(order_id: str) -> Any:
    return lambda body: {**body, "id": order_id}


async def _bystander(desk: Desk) -> str:
    """Another candidate's order, NEW and cached: what a foreign answer would overwrite."""
    bystander = await desk.session.sr.create_test_order(new_order_body("Bo", "Stander"))
    desk.orders.put(bystander)
    return bystander.id


def _untouched(desk: Desk, bystander_id: str) -> None:
    cached = desk.orders.get(bystander_id)
    assert cached is not None
    assert (cached.status, cached.candidate.last_name) == (OrderStatus.NEW, "Stander")


def test_a_completion_answered_with_another_order_leaves_that_order_alone(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    transport = RewrittenAnswers("/complete")

    async def body(desk: Desk) -> None:
        bystander = await _bystander(desk)
        order = await in_progress(desk)
        transport.change = _naming(bystander)
        result_id = await complete_order(desk, order, RESULT)
        assert desk.results.result_id_for(order.id) == result_id  # the resultId is kept
        _untouched(desk, bystander)
        transport.change = None
        # Before: the foreign copy's newer date won over the listing.
        await sync_like_the_app(desk)
        _untouched(desk, bystander)
        completed = desk.orders.get(order.id)
        assert completed is not None
        assert completed.status is OrderStatus.COMPLETED

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, transport=transport)


def test_an_acceptance_answered_with_another_order_is_not_believed(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    transport = RewrittenAnswers("/accept")

    async def body(desk: Desk) -> None:
        bystander = await _bystander(desk)
        transport.change = _naming(bystander)
        mine = await desk.session.sr.create_test_order(new_order_body("Al", "Ma"))
        with pytest.raises(UnexpectedResponseError, match="about another order"):
            await desk.session.sr.accept_order(mine.id, "https://assess.test/start/X1")
        _untouched(desk, bystander)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, transport=transport)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(lambda body: {"resultId": body["resultId"]}, id="the-result-id-alone"),
        pytest.param(lambda body: {**body, "status": "CLOSED"}, id="a-status-not-documented"),
    ],
)
@pytest.mark.parametrize("order_readable", [True, False], ids=["asked-again", "not-readable"])
def test_a_completion_answer_keeps_its_result_id_whatever_else_it_holds(
    sandbox: SandboxServer, tmp_path: Path, answer: Any, order_readable: bool
) -> None:
    """The FAQ: the answer "carries resultId". Before: one whose order part could not be
    read was "something this console does not understand", and the resultId was lost. The
    order is shown completed: asked for again, or else the cached copy marked so (left in
    progress, Complete was offered again, and refused with words that it was not done)."""
    transport = RewrittenAnswers("/complete")

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        transport.change = answer
        transport.unreadable_orders = not order_readable
        result_id = await complete_order(desk, order, RESULT)
        assert result_id
        assert desk.results.result_id_for(order.id) == result_id
        cached = desk.orders.get(order.id)
        assert cached is not None
        assert cached.status is OrderStatus.COMPLETED

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, transport=transport)


def test_a_completion_stopped_while_its_order_is_asked_for_keeps_its_result_id(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The answer carried the resultId and no order this version reads, so the order is
    asked for again, to be shown completed. Before: the id was recorded only once that
    request was over, and a stop meanwhile (the window closing, a profile switched) lost it;
    only a later retry could find the result again among the order's."""
    transport = RewrittenAnswers("/complete")

    async def body(desk: Desk) -> None:
        order = await in_progress(desk)
        transport.change = lambda answer: {"resultId": answer["resultId"]}
        transport.orders_let_go = asyncio.Event()
        completing = asyncio.ensure_future(complete_order(desk, order, RESULT))
        await asyncio.wait_for(transport.order_asked.wait(), HANG_GUARD_SECONDS)
        completing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await completing
        transport.orders_let_go.set()
        (made,) = await desk.session.sr.list_results(order.id)
        assert desk.results.result_id_for(order.id) == made.id
        (step,) = [e for e in desk.journal.entries(order.id) if e.action is StepKind.COMPLETE]
        assert step.state is StepState.DONE

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, transport=transport)


def test_accept_with_a_stored_link_that_is_no_web_address_is_refused_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A link stored before Berke's answers were held to a web address (a javascript: one):
    Accept raised pydantic's ValidationError, shown as an app bug, with no sentence."""

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body(first="Ada"))
        with desk.db.transaction() as conn:  # as an older version stored it
            conn.execute(
                "INSERT INTO assessments (order_id, source_candidate_id, invitation_code,"
                " assessment_url, created_at) VALUES (?, 'AD-js', 'ZGRGMXS8L6', ?, ?)",
                (order.id, "javascript:alert(document.cookie)//ZGRGMXS8L6",
                 datetime.now(UTC).isoformat()),
            )  # fmt: skip
        with pytest.raises(ActionNotAllowedError, match=r"not a (full )?web address"):
            await accept_order(desk, order)
        assert (await desk.session.sr.get_order(order.id)).status is OrderStatus.NEW

    run_with_desk(sandbox, tmp_path / "d.sqlite3", body)


# The partner key's own form: what a proxy echoing request headers into its answer would name.
PARTNER_KEY = "k3y" + "0123456789abcdef" * 3 + "0123456789abc"


def _naming_the_key_as_its_id(request: httpx.Request) -> httpx.Response:
    echoed = request.headers["X-SmartToken"]
    if "/offers/" in request.url.path:
        terms = {"type": "SKILLS_TEST"}
        offer = {"catalogId": "C-1", "name": "Fit", "description": "Fit", "terms": terms}
        return httpx.Response(200, json={**offer, "id": echoed}, request=request)
    order = {"id": echoed, "status": "IN_PROGRESS", "candidate": {"id": "c-1"}}
    return httpx.Response(200, json=order, request=request)


@pytest.mark.parametrize(
    "call",
    [
        lambda sr: sr.get_order("o-1"),
        lambda sr: sr.accept_order("o-1", "https://assess.test/start/K7"),
        lambda sr: sr.reject_order("o-1"),
        lambda sr: sr.get_offer("f-1"),
        lambda sr: sr.submit_offer("f-1"),
    ],
    ids=["get-order", "accept", "reject", "get-offer", "submit-offer"],
)
def test_an_answer_about_another_item_never_quotes_the_key(call: Any) -> None:
    """The id such an answer names is the service's word, redacted as every other. Before, it
    went into the error as it came: a server (or a proxy echoing headers) naming the partner
    key as the id had the key shown to the coordinator and written to the log. A mock
    transport plays that server: the sandbox never answers about another item."""

    async def body() -> UnexpectedResponseError:
        async with SmartRecruitersClient(
            "https://sr.example/v1", PARTNER_KEY, pacer=unpaced(),
            transport=httpx.MockTransport(_naming_the_key_as_its_id),
        ) as sr:  # fmt: skip
            with pytest.raises(UnexpectedResponseError) as caught:
                await call(sr)
            return caught.value

    error = asyncio.run(body())
    assert "about another" in str(error)
    assert PARTNER_KEY not in str(error)
    assert PARTNER_KEY not in repr(error)
