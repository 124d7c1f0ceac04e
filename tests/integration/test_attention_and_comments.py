"""The board's attention flags and the recruiter's comments, against the sandbox: the
coordinator's own comment is not news, a flag dismissed first floods no old comments, a
comment written before the first poll of an order that came while the desk watched is news,
one order whose comments cannot be read stops no other order's, and a time without an offset
breaks no row; no flag asks for what the board refuses (while the coordinator's own step
waits to be sent again, or for an address Berke will not take). Each test failed before its
fix (an audit of the pane and its flags, a review)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

import app.store.berke_watch as berke_watch_store
from app.clients.errors import ApiError, ServerError, Service
from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_text import BerkeParam
from app.domain.journal_terms import StepKind
from app.domain.smartrecruiters import ContactPerson, OrderStatus
from app.sandbox import SandboxServer
from app.views.order_rows import order_row
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import InvitationNotSentAgainError
from app.workflows.watch import watch_comments
from tests.integration.helpers import RealNetwork, new_order_body
from tests.integration.test_close_the_loop import finished, invited_order, with_board
from tests.integration.test_waiting_steps import RejectUnavailableOnce

RITA = ContactPerson(first_name="Rita", last_name="Recruiter")
LATER = timedelta(hours=1)


async def accepted_order(board: OrderBoard, desk: Desk, first: str) -> str:
    order = await desk.session.sr.create_test_order(
        new_order_body(first=first, last="Probe", email=f"{first.lower()}@example.com")
    )
    await board.sync()
    request = CreateAssessmentRequest(
        first_name=first, last_name="Probe", email_address=f"{first.lower()}@example.com"
    )
    await board.create_assessment(order.id, request)
    await board.accept(order.id)
    return order.id


def kinds(board: OrderBoard, order_id: str) -> list[Attention]:
    return [flag.kind for flag in board.flags(order_id)]


async def poll_comments(board: OrderBoard, desk: Desk, now: datetime, ids: list[str]) -> set[str]:
    """One round of the board's comment watch over these orders (the sandbox holds other
    tests' orders too)."""
    orders = [o for o in map(board.order, ids) if o is not None]
    try:
        return await watch_comments(desk, orders, now=now)
    finally:
        await board.refresh(ids)


def test_own_comment_is_not_flagged_as_the_recruiters(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The coordinator adds a comment from the pane; the next comments poll must not flag it
    as "1 new comment from the recruiter"."""

    async def body(board: OrderBoard, desk: Desk) -> list[Attention]:
        order_id = await accepted_order(board, desk, "Ownie")
        await poll_comments(board, desk, datetime.now(UTC), [order_id])  # first look
        assert Attention.NEW_COMMENT not in kinds(board, order_id)
        await board.add_comment(order_id, "Candidate asked for a later date, sent.")
        await poll_comments(board, desk, datetime.now(UTC) + LATER, [order_id])
        return kinds(board, order_id)

    flags = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert Attention.NEW_COMMENT not in flags, flags


def test_dismissing_a_flag_before_the_first_poll_does_not_flood_old_comments(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A comment poll's first look counts what is there as seen ("no flood of old news").
    "Leave it" on another flag first must not change that."""

    async def body(board: OrderBoard, desk: Desk) -> tuple[list[Attention], str]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Olda", last="Probe", email="olda@example.com")
        )
        for n in range(3):
            await desk.session.sr.add_comment(order.id, f"old note {n}", author=RITA)
        await board.sync()
        order_id = order.id
        # In progress without an assessment here (accepted elsewhere): "No Berke assessment".
        await desk.session.sr.accept_order(order_id, "https://assess.example.com/elsewhere")
        await board.sync()
        assert Attention.NO_ASSESSMENT in kinds(board, order_id), kinds(board, order_id)
        await board.dismiss(order_id, Attention.NO_ASSESSMENT.value)  # "Leave it"
        await poll_comments(board, desk, datetime.now(UTC), [order_id])  # the first poll
        texts = " | ".join(f.text for f in board.flags(order_id))
        return kinds(board, order_id), texts

    flags, texts = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert Attention.NEW_COMMENT not in flags, texts


def test_a_comment_written_right_after_the_accept_is_flagged(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The first comments poll of an order counted every comment there as seen ("no flood
    of old news", meant for the orders there when the desk first looked). The watch reaches
    an order minutes after this desk accepts it (ten orders a round): the recruiter's
    comment written meanwhile was marked seen, never flagged."""

    async def body(board: OrderBoard, desk: Desk) -> list[Attention]:
        order_id = await accepted_order(board, desk, "Cleo")
        await desk.session.sr.add_comment(
            order_id, "The candidate withdrew, please do not invite her.", author=RITA
        )
        await poll_comments(board, desk, datetime.now(UTC), [order_id])  # the watch's round
        return kinds(board, order_id)

    flags = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert Attention.NEW_COMMENT in flags, flags


def test_a_comment_written_while_the_order_was_new_is_flagged(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Comments are polled only once an order is in progress: one the recruiter wrote while
    it was new was there at the first poll, and taken for old news."""

    async def body(board: OrderBoard, desk: Desk) -> list[Attention]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Dora", last="Probe", email="dora@example.com")
        )
        await board.sync()
        await desk.session.sr.add_comment(order.id, "Use the senior test, please.", author=RITA)
        request = CreateAssessmentRequest(
            first_name="Dora", last_name="Probe", email_address="dora@example.com"
        )
        await board.create_assessment(order.id, request)
        await board.accept(order.id)
        await poll_comments(board, desk, datetime.now(UTC), [order.id])
        return kinds(board, order.id)

    flags = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert Attention.NEW_COMMENT in flags, flags


def test_own_comment_before_the_first_poll_is_not_counted_with_the_recruiters(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The recruiter's comment and then the coordinator's, both before the watch's first
    look at the order: one new comment, the recruiter's (before: none, both taken for old
    news)."""

    async def body(board: OrderBoard, desk: Desk) -> int:
        order_id = await accepted_order(board, desk, "Ines")
        await desk.session.sr.add_comment(order_id, "Any news?", author=RITA)
        await board.add_comment(order_id, "Invitation sent this morning.")
        await poll_comments(board, desk, datetime.now(UTC), [order_id])
        return board.state(order_id).unseen_comments

    assert with_board(sandbox, tmp_path / "desk.sqlite3", body) == 1


def test_comments_of_orders_accepted_elsewhere_while_the_desk_watched_are_flagged(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Orders that came after the desk's first sync and were accepted by another desk: one
    seen new first, one seen first in progress. Their comments came while this desk watched,
    and its coordinator had not seen them: news, not the old news of the orders found at
    the first sync (before: both taken for old news at their first poll)."""

    async def body(board: OrderBoard, desk: Desk) -> dict[str, list[Attention]]:
        sr = desk.session.sr
        await board.sync()  # the desk's first look: what is there is old news
        seen_new = await sr.create_test_order(
            new_order_body(first="Nell", last="Probe", email="nell@example.com")
        )
        await board.sync(poll=True)  # arrives, new
        unseen = await sr.create_test_order(
            new_order_body(first="Otto", last="Probe", email="otto@example.com")
        )
        for order in (seen_new, unseen):
            await sr.add_comment(order.id, "Please use the short test.", author=RITA)
            await sr.accept_order(order.id, "https://assess.example.com/elsewhere")
        await board.sync()
        ids = [seen_new.id, unseen.id]
        await poll_comments(board, desk, datetime.now(UTC), ids)
        return {order_id: kinds(board, order_id) for order_id in ids}

    flags = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert all(Attention.NEW_COMMENT in kinds_ for kinds_ in flags.values()), flags


class CommentsRefusedFor(RealNetwork):
    """GET .../comments of one order always fails (an order SmartRecruiters no longer lets
    this key read)."""

    def __init__(self) -> None:
        super().__init__()
        self.order_id: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if (
            self.order_id
            and request.method == "GET"
            and request.url.path.endswith(f"/{self.order_id}/comments")
        ):
            body = {"code": "NOT_FOUND", "message": "Assessment order not found"}
            return httpx.Response(404, json=body, request=request)
        return await self.inner.handle_async_request(request)


def test_one_unreadable_order_does_not_stop_every_other_orders_comments(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    transport = CommentsRefusedFor()

    async def body(board: OrderBoard, desk: Desk) -> list[Attention]:
        first = await accepted_order(board, desk, "Gone")
        second = await accepted_order(board, desk, "Kept")
        await poll_comments(board, desk, datetime.now(UTC), [first, second])
        transport.order_id = first  # from now on the first order's comments cannot be read
        await desk.session.sr.add_comment(second, "Please call me back.", author=RITA)
        now = datetime.now(UTC)
        for hour in range(1, 6):  # five rounds, an hour apart
            await poll_comments(board, desk, now + timedelta(hours=hour), [first, second])
        return kinds(board, second)

    flags = with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=transport)
    assert Attention.NEW_COMMENT in flags, flags


class CreateDateWithoutOffset(RealNetwork):
    """SmartRecruiters' order listing and order answers with one order's createDate written
    without an offset ("2026-11-20T09:00:00.000")."""

    def __init__(self) -> None:
        super().__init__()
        self.order_id: str | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not self.order_id or request.method != "GET" or "/assessments" not in request.url.path:
            return response
        await response.aread()
        try:
            data = json.loads(response.content)
        except ValueError:
            return response

        def mend(item: object) -> None:
            if isinstance(item, dict) and item.get("id") == self.order_id:
                item["createDate"] = "2020-11-20T09:00:00.000"

        for item in data.get("content", []) if isinstance(data, dict) else []:
            mend(item)
        mend(data)
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in
                   ("content-length", "content-encoding")]  # fmt: skip
        return httpx.Response(response.status_code, headers=headers, json=data, request=request)


def test_an_order_with_a_create_date_without_offset_does_not_break_the_board(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    transport = CreateDateWithoutOffset()

    async def body(board: OrderBoard, desk: Desk) -> list[Attention]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Naive", last="Probe", email="naive@example.com")
        )
        transport.order_id = order.id
        outcome = await board.sync()
        assert outcome.ok, outcome
        held = board.order(order.id)
        assert held is not None
        assert held.create_date == datetime(2020, 11, 20, 9, tzinfo=UTC)  # read as UTC
        return kinds(board, order.id)  # what every inbox row is built with

    flags = with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=transport)
    assert Attention.STALE_NEW in flags


def refused_fixes(board: OrderBoard, order_id: str, now: datetime) -> list[tuple[str, str]]:
    """(flag, why the board refuses its fix) for each flag whose one-click fix it refuses."""
    return [
        (flag.kind.value, why)
        for flag in board.flags(order_id, now)
        if flag.fix is not None and (why := board.why_not(flag.fix, [order_id])) is not None
    ]


def test_a_new_order_whose_reject_waits_is_not_flagged_as_new_for_days(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The reject's 503 left it waiting in the journal, and the order still said "New for 3
    days", its fix (Create, accept and invite) refused by the board: the reject waits."""

    async def body(board: OrderBoard, desk: Desk) -> list[tuple[str, str]]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Rhea", last="Waits", email="rhea@example.com")
        )
        await board.sync()
        assert len(await board.reject([order.id], reason="Duplicate order")) == 1  # the 503
        assert board.state(order.id).pending == {StepKind.REJECT}
        return refused_fixes(board, order.id, datetime.now(UTC) + timedelta(days=3))

    refused = with_board(sandbox, tmp_path / "desk.sqlite3", body, RejectUnavailableOnce())
    assert refused == [], refused


def test_a_completed_assessment_whose_orders_reject_waits_is_not_offered_for_delivery(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate completed the assessment, the coordinator rejected the order (a 503: the
    reject waits), and the flag still said "Deliver the result", Deliver refused."""
    transport = RejectUnavailableOnce()
    transport.armed = False

    async def body(board: OrderBoard, desk: Desk) -> list[tuple[str, str]]:
        order_id = await invited_order(board, desk, "Cid", "cid@example.com")
        await finished(board, sandbox, order_id)
        transport.armed = True
        assert len(await board.reject([order_id], reason="The candidate withdrew.")) == 1
        return refused_fixes(board, order_id, datetime.now(UTC))

    refused = with_board(sandbox, tmp_path / "desk.sqlite3", body, transport)
    assert refused == [], refused


class SendInvitationDown(RealNetwork):
    """Berke answers SendInvitation with a 503 once armed: a reminder waits to be resumed."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.url.path.endswith("/SendInvitation"):
            return httpx.Response(503, json={"message": "Maintenance"}, request=request)
        return await self.inner.handle_async_request(request)


def test_a_reminder_waiting_to_be_sent_again_is_not_asked_for_again(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The reminder's 503 left it waiting, and the order still said "Not started: send a
    reminder", Remind refused: already under way. (Where Berke gives no count, as here, it
    no longer waits: failed as its try ends, "may have gone", as the resumer would.)"""
    berke = SendInvitationDown()

    async def body(board: OrderBoard, desk: Desk) -> list[tuple[str, str]]:
        order_id = await invited_order(board, desk, "Ines", "ines@example.com")
        await board.watch()  # Berke: not started
        berke.armed = True
        with pytest.raises(InvitationNotSentAgainError):
            await board.remind(order_id, override_cooldown=True)
        assert StepKind.INVITE not in board.state(order_id).pending
        return refused_fixes(board, order_id, datetime.now(UTC) + timedelta(days=4))

    refused = with_board(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=berke)
    assert refused == [], refused


def test_an_address_berke_refuses_is_not_flagged_not_invited_for_good(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """SmartRecruiters' "una@example": created and accepted (the batch does so too, and says
    to give the code), then "Not invited" for good, its fix (Invite) refused by the rules."""

    async def body(board: OrderBoard, desk: Desk) -> list[tuple[str, str]]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Una", last="Sendable", email="una@example")
        )
        await board.sync()
        request = CreateAssessmentRequest.model_validate(
            {BerkeParam.FIRST_NAME: "Una", BerkeParam.LAST_NAME: "Sendable",
             BerkeParam.EMAIL_ADDRESS: None}
        )  # fmt: skip
        await board.create_assessment(order.id, request)
        await board.accept(order.id)
        assert Attention.NOT_INVITED not in kinds(board, order.id)
        return refused_fixes(board, order.id, datetime.now(UTC))

    refused = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert refused == [], refused


@pytest.mark.parametrize("first_full_sync", ["works", "fails"])
def test_old_comments_of_an_order_found_in_progress_are_not_news(
    sandbox: SandboxServer, tmp_path: Path, first_full_sync: str
) -> None:
    """The comments of an order accepted elsewhere before this desk first read the whole
    listing are old news. Before: when the start-up full sync failed (SmartRecruiters busy)
    and a poll of the NEW orders then worked, the next full sync took every order in progress
    it read for the first time for one arrived while the desk watched: all its old comments
    were flagged."""

    async def body(board: OrderBoard, desk: Desk) -> tuple[list[Attention], str]:
        sr = desk.session.sr
        order = await sr.create_test_order(
            new_order_body(first="Olga", last="Flood", email="olga.flood@example.com")
        )
        for n in range(3):
            await sr.add_comment(order.id, f"old note {n}", author=RITA)
        await sr.accept_order(order.id, "https://assess.example.com/elsewhere")
        real = sr.order_page
        failures = [first_full_sync == "fails"]

        async def busy_once(**kwargs: Any) -> Any:  # the start-up full sync meets a busy service
            if kwargs.get("status") is None and failures and failures.pop():
                raise ServerError(Service.SMARTRECRUITERS, http_status=503)
            return await real(**kwargs)

        sr.order_page = busy_once  # type: ignore[method-assign]
        assert (await board.sync()).ok is (first_full_sync == "works")  # the start-up sync
        assert (await board.sync(poll=True)).ok  # the poll loop's
        if first_full_sync == "fails":
            assert (await board.sync()).ok  # the re-sync (or F5) that works
        await poll_comments(board, desk, datetime.now(UTC), [order.id])  # its first poll
        return kinds(board, order.id), " | ".join(f.text for f in board.flags(order.id))

    flags, texts = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert Attention.NEW_COMMENT not in flags, texts


def test_a_new_comment_is_flagged_soon_after_the_clock_was_set_back(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An order's comments polled while the machine's clock ran two hours ahead (NTP then set
    it back, or a dual-boot PC's hardware clock) were stored as checked two hours in the
    future: "now - checked" stayed negative, and no comment was flagged for 2 h 15 min."""

    async def body(board: OrderBoard, desk: Desk) -> list[Attention]:
        order_id = await accepted_order(board, desk, "Jonas")
        ahead = datetime.now(UTC) + timedelta(hours=2)
        monkeypatch.setattr(berke_watch_store, "utc_now", ahead.isoformat)
        await poll_comments(board, desk, ahead, [order_id])  # the first look, clock ahead
        monkeypatch.undo()  # the clock put right
        await desk.session.sr.add_comment(order_id, "Please call the candidate first.", author=RITA)
        later = datetime.now(UTC) + timedelta(minutes=20)
        assert await poll_comments(board, desk, later, [order_id]) == {order_id}
        return kinds(board, order_id)

    flags = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert Attention.NEW_COMMENT in flags, flags


def refuse_for_good(sr: Any, method: str, order_id: str) -> None:
    """SmartRecruiters refuses for good (a 422) ``method``'s calls for ``order_id``."""
    real = getattr(sr, method)

    async def refused(about: str, *args: Any, **kwargs: Any) -> Any:
        if about == order_id:
            raise ApiError(
                Service.SMARTRECRUITERS, http_status=422, service_message="Order is locked."
            )
        return await real(about, *args, **kwargs)

    setattr(sr, method, refused)


def test_leave_it_on_a_failed_step_leaves_that_failure_alone_not_the_next_one(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """ "Leave it" on "Failed: Reject order" was kept as the flag's kind: the same reject
    retried and failing again (or any later failure of the order) was never flagged. The
    failure left alone stays quiet after a restart; the next one is flagged."""
    path = tmp_path / "desk.sqlite3"

    async def fail_and_leave_it(board: OrderBoard, desk: Desk) -> tuple[str, int]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Faye", last="Probe", email="faye@example.com")
        )
        await board.sync()
        refuse_for_good(desk.session.sr, "reject_order", order.id)
        await board.reject([order.id], reason="Withdrew")
        assert kinds(board, order.id) == [Attention.STEP_FAILED]
        await board.dismiss(order.id, Attention.STEP_FAILED.value)  # "Leave it"
        assert kinds(board, order.id) == []
        (step,) = [e for e in await board.timeline(order.id) if e.action is StepKind.REJECT]
        return order.id, step.id

    order_id, step_id = with_board(sandbox, path, fail_and_leave_it)

    async def restart_and_retry(board: OrderBoard, desk: Desk) -> tuple[list[Attention], str]:
        left_alone = kinds(board, order_id)
        refuse_for_good(desk.session.sr, "reject_order", order_id)
        with pytest.raises(ApiError):
            await board.retry_step(step_id)  # the coordinator's Retry, refused again
        assert kinds(board, order_id) == [Attention.STEP_FAILED]
        return left_alone, board.flags(order_id)[0].short

    left_alone, said = with_board(sandbox, path, restart_and_retry)
    assert left_alone == []  # the failure left alone, after the restart
    assert said == "Order not rejected"


def test_a_comment_that_failed_on_a_rejected_order_is_flagged_as_its_cell_says(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """An ended order's cell said "Failed: Add comment", and no flag did: the "Needs
    attention" filter did not find the order, though Retry may still send the comment."""

    async def body(board: OrderBoard, desk: Desk) -> tuple[list[str], str]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Rhea", last="Probe", email="rhea@example.com")
        )
        await desk.session.sr.reject_order(order.id, message="Withdrew")  # elsewhere
        await board.sync()
        refuse_for_good(desk.session.sr, "add_comment", order.id)
        with pytest.raises(ApiError):
            await board.add_comment(order.id, "The candidate asked for her data.")
        rejected = board.order(order.id)
        assert rejected is not None
        assert rejected.status is OrderStatus.REJECTED
        said = [f.short for f in board.flags(order.id) if f.kind is Attention.STEP_FAILED]
        return said, order_row(rejected, board.state(order.id)).activity

    said, cell = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert said == [cell] == ["Comment not added"]
