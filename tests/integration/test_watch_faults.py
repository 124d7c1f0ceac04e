"""The watch and automatic delivery when something goes wrong: one unreadable completion in
Berke's listing, Berke refusing this desk, a report or a completion refused for good,
automatic delivery switched off while a round runs. Each part goes on, and what is refused for
good is held and said on its order, not tried every round."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from app.clients.errors import AuthError, Service
from app.domain.attention import Attention
from app.domain.berke_progress import BerkeProgress
from app.domain.journal_terms import StepKind
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import BoardOptions, OrderBoard
from tests.integration.helpers import RealNetwork, finish_in_sandbox
from tests.integration.test_close_the_loop import invited_order, with_board

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator
    from pathlib import Path

    from app.workflows.desk import Desk


@pytest.fixture(scope="module")
def loop_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


# Another integration's assessment on the same Berke account, its fit not computed yet (dated
# .NET's DateTime.MinValue): this version cannot read it.
FOREIGN = {
    "sourceCandidateId": "HRIS-000417",
    "invitationCode": "ZZZ999",
    "firstName": "Other",
    "lastName": "Person",
    "jobFit": [{"job": "Clerk", "sourceJobId": "CLERK", "fitComputedOnUtc": -62135596800}],
}


def _with_foreign_completion(body: dict[str, Any]) -> dict[str, Any]:
    listing = body.get("assessments") or {}
    entries = listing.get("assessment") or []
    entries = [entries] if isinstance(entries, dict) else entries
    when = entries[0]["completedOnUtc"] if entries else 1.0e9
    listing["assessment"] = [{**FOREIGN, "completedOnUtc": when}, *entries]
    listing["totalPages"] = max(int(listing.get("totalPages") or 0), 1)
    return {**body, "assessments": listing}


def test_one_unreadable_completion_in_berkes_listing_does_not_blind_the_watch(
    loop_sandbox: SandboxServer, tmp_path: Path, caplog: Any
) -> None:
    """Before: the whole page failed, every round, and the desk's own candidate who finished
    never showed as complete (no Deliver flag, no automatic delivery)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Lucia", "lucia@example.com")
        link = board.link(order_id)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        berke = desk.session.berke
        real_page = berke.get_completed_assessments

        async def with_foreign(*args: Any, **kwargs: Any) -> Any:
            page = await real_page(*args, **kwargs)
            raw = json.loads(page.model_dump_json(by_alias=True))
            return type(page).model_validate(
                _with_foreign_completion({"assessments": raw})["assessments"]
            )

        berke.get_completed_assessments = with_foreign  # type: ignore[method-assign]
        for _ in range(2):
            report = await board.watch()
            assert report.problem is None
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE
        assert Attention.DELIVER in [f.kind for f in board.flags(order_id)]
        told = [r for r in caplog.records if "HRIS-000417" in r.getMessage()]
        assert len(told) == 1  # said once, not every round

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


def test_comments_are_read_while_berke_refuses_this_desk(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: a Berke failure ended the round before recruiters' comments were read (a token
    regenerated in Berke stopped every "New comment" flag)."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Omar", "omar@example.com")
        refused = AuthError(Service.BERKE, service_message="Invalid API token")

        async def refusing(*_args: Any, **_kwargs: Any) -> AsyncIterator[Any]:
            raise refused
            yield  # an async generator, as the client's

        async def refusing_status(*_args: Any, **_kwargs: Any) -> Any:
            raise refused

        desk.session.berke.iter_completed = refusing  # type: ignore[method-assign]
        desk.session.berke.get_assessment_status = refusing_status  # type: ignore[method-assign]
        report = await board.watch()
        assert report.problem is refused
        assert order_id in await _comments_checked(desk)

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


async def _comments_checked(desk: Desk) -> dict[str, str | None]:
    import asyncio

    return await asyncio.to_thread(desk.berke_watch.comments_checked)


class SwitchOffAtFirstComplete(RealNetwork):
    """The coordinator switches automatic delivery off while the first delivery completes."""

    def __init__(self) -> None:
        super().__init__()
        self.board: OrderBoard | None = None
        self.completes = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/complete"):
            self.completes += 1
            if self.completes == 1 and self.board is not None:
                self.board.set_options(dataclasses.replace(self.board.options, auto_deliver=False))
        return await self.inner.handle_async_request(request)


def test_switching_automatic_delivery_off_stops_the_round_under_way(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the round went on and delivered every order left in its list, unattended."""
    transport = SwitchOffAtFirstComplete()

    async def body(board: OrderBoard, desk: Desk) -> list[OrderStatus]:
        transport.board = board
        ids = [
            await invited_order(board, desk, name, f"{name.lower()}@example.com")
            for name in ("Alba", "Brisa", "Cielo")
        ]
        for order_id in ids:
            link = board.link(order_id)
            assert link is not None
            finish_in_sandbox(loop_sandbox, link.invitation_code)
        board.set_options(BoardOptions(auto_deliver=True))
        await board.watch()
        await board.wait_uploads()
        return [board.order(i).status for i in ids]  # type: ignore[union-attr]

    statuses = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, transport=transport)
    assert statuses.count(OrderStatus.COMPLETED) == 1  # the one already completing
    assert transport.completes == 1


def test_a_report_over_the_upload_limit_holds_automatic_delivery_and_says_why(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: the flag said only "Deliver the result", and every round tried again."""

    async def body(board: OrderBoard, desk: Desk) -> None:
        board.set_options(BoardOptions(auto_deliver=True, max_upload_bytes=1024))
        order_id = await invited_order(board, desk, "Vera", "vera@example.com")
        link = board.link(order_id)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        await board.watch()
        await board.watch()
        assert board.order(order_id).status is OrderStatus.IN_PROGRESS  # type: ignore[union-attr]
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert "automatic delivery did not send the result" in flag.text
        assert "the limit is 1 KB" in flag.text

    with_board(loop_sandbox, tmp_path / "desk.sqlite3", body)


class OrderGoneOnComplete(RealNetwork):
    def __init__(self) -> None:
        super().__init__()
        self.completes = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/complete"):
            self.completes += 1
            body = {"httpCode": 404, "code": "NOT_FOUND", "message": "Assessment order not found"}
            return httpx.Response(404, json=body, request=request)
        return await self.inner.handle_async_request(request)


def test_a_completion_refused_for_good_is_not_sent_again_every_round(
    loop_sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Before: each round sent it again, and added a failed Complete to the order's activity."""
    transport = OrderGoneOnComplete()

    async def body(board: OrderBoard, desk: Desk) -> list[str]:
        order_id = await invited_order(board, desk, "Elif", "elif@example.com")
        link = board.link(order_id)
        assert link is not None
        finish_in_sandbox(loop_sandbox, link.invitation_code)
        board.set_options(BoardOptions(auto_deliver=True))
        for _ in range(4):
            await board.watch()
        (flag,) = [f for f in board.flags(order_id) if f.kind is Attention.DELIVER]
        assert "automatic delivery did not send the result" in flag.text
        return [
            e.message or "" for e in desk.journal.entries(order_id) if e.action is StepKind.COMPLETE
        ]

    completes = with_board(loop_sandbox, tmp_path / "desk.sqlite3", body, transport=transport)
    assert transport.completes == 1
    assert len(completes) == 1
