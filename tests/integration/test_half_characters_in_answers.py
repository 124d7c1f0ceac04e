"""SmartRecruiters answers a change with text holding half a character (a lone UTF-16
surrogate, "\\ud83d": an emoji cut in two, which JSON allows as an escape and ``json.loads``
keeps). SQLite cannot store it: before, the order of a reject that was made could not be kept
(UnicodeEncodeError, "Something unexpected went wrong"), nor a refusal's words in the step's
note. Now such text is kept with U+FFFD in the half character's place.

(A listed order holding one is left out of the sync and said: ``tests/unit/test_order_sync``.)"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.errors import ApiError
from app.domain.journal_terms import StepState
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.desk import Desk
from app.workflows.order_actions import reject_order
from tests.integration.helpers import RealNetwork, new_order_body
from tests.integration.test_workflows import run_with_desk

MARK = "@@half@@"
HALF = "\\ud83d"  # as the answer's JSON writes it


@pytest.fixture(scope="module")
def sandbox() -> Any:
    config = SandboxConfig(orders=0, sr_rate_per_second=0, berke_burst=100_000)
    with SandboxServer(config) as server:
        yield server


class HalfAnEmojiInTheReject(RealNetwork):
    """The reject's answer with half a character in the candidate's name, in a field the
    model keeps as an extra and in that field's name; with ``refused``, a refusal whose
    words hold one instead."""

    def __init__(self, *, refused: bool) -> None:
        super().__init__()
        self.refused = refused

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/reject"):
            return await self.inner.handle_async_request(request)
        if self.refused:
            said = {"httpCode": 400, "code": "BAD_REQUEST", "message": f"No {MARK} here"}
            text = json.dumps(said)
            status = 400
        else:
            response = await self.inner.handle_async_request(request)
            order = json.loads(await response.aread())
            order["candidate"]["firstName"] += MARK
            order[f"note{MARK}"] = f"Great fit {MARK}"
            text = json.dumps(order)
            status = response.status_code
        body = text.replace(MARK, HALF).encode("ascii")
        return httpx.Response(status, content=body, headers={"Content-Type": "application/json"})


def test_a_reject_answered_with_half_a_character_is_done_and_kept(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body("Ines", "Vale"))
        await asyncio.to_thread(desk.orders.put, order)
        rejected = await reject_order(desk, order, reason="The position was filled")
        assert rejected.candidate.first_name == "Ines\ufffd"
        cached = await asyncio.to_thread(desk.orders.get, order.id)
        assert cached is not None
        assert cached.status is OrderStatus.REJECTED
        assert cached.candidate.first_name == "Ines\ufffd"
        (step,) = desk.journal.entries(order.id)
        assert step.state is StepState.DONE

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, HalfAnEmojiInTheReject(refused=False))


def test_a_refusal_in_words_holding_half_a_character_is_noted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body("Ines", "Vale"))
        await asyncio.to_thread(desk.orders.put, order)
        with pytest.raises(ApiError) as refused:
            await reject_order(desk, order, reason="The position was filled")
        assert "No \ufffd here" in str(refused.value)
        (step,) = desk.journal.entries(order.id)
        assert step.state is StepState.FAILED
        assert "No \ufffd here" in (step.message or "")

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, HalfAnEmojiInTheReject(refused=True))
