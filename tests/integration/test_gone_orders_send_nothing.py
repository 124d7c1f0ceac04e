"""Nothing goes to SmartRecruiters for an order it no longer has, whatever the path: a comment,
Complete, Retry in the activity, the resumer, a queued file, a snapshot's details, a Reject of
several; one order that cannot be asked about keeps no other from being marked; and a
candidate erased there can have their shared Berke assessment deleted. Each of these failed
before its fix, except the queued file's (two reviews)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import CommentStep
from app.domain.order_action import OrderAction
from app.domain.smartrecruiters import AssessmentResult, ResultType
from app.sandbox import SandboxServer
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.refusals import ActionNotAllowedError
from tests.integration.helpers import RealNetwork
from tests.integration.test_close_the_loop import two_orders_on_one_assessment, with_board
from tests.integration.test_gone_orders import erase_in_sr, new_order


class CountsCallsFor(RealNetwork):
    """SmartRecruiters' transport, counting the requests that name one order."""

    def __init__(self) -> None:
        super().__init__()
        self.order_id = ""
        self.calls: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.order_id and f"/assessments/{self.order_id}" in request.url.path:
            self.calls.append(f"{request.method} {request.url.path}")
        return await super().handle_async_request(request)


async def gone(board: OrderBoard, sandbox: SandboxServer, order_id: str) -> None:
    await erase_in_sr(sandbox, order_id)
    outcome = await board.sync()
    assert outcome.gone_ids == (order_id,)
    assert board.why_not(OrderAction.COMMENT, [order_id]) is not None  # the rules refuse


def test_a_comment_on_a_gone_order_is_refused_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    network = CountsCallsFor()

    async def body(board: OrderBoard, desk: Desk) -> list[str]:
        order_id = await new_order(desk, "Commented")
        await board.sync()
        await gone(board, sandbox, order_id)
        network.order_id, network.calls = order_id, []
        with pytest.raises(ActionNotAllowedError, match="no longer has this order"):
            await board.add_comment(order_id, "Any news?")
        return network.calls

    assert with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=network) == []


def test_completing_a_gone_order_is_refused_not_sent(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The Complete dialog was open when the sync found the order gone; OK is pressed."""
    network = CountsCallsFor()

    async def body(board: OrderBoard, desk: Desk) -> list[str]:
        order_id = await new_order(desk, "Completed")
        await board.sync()
        request = CreateAssessmentRequest(first_name="Completed", last_name="Gone")
        await board.create_assessment(order_id, request)
        await board.accept(order_id)
        await gone(board, sandbox, order_id)
        assert board.why_not(OrderAction.COMPLETE, [order_id]) is not None
        network.order_id, network.calls = order_id, []
        with pytest.raises(ActionNotAllowedError, match="no longer has this order"):
            await board.complete(
                order_id, AssessmentResult(result_type=ResultType.DOCUMENT, result="r")
            )
        return network.calls

    assert with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=network) == []


def test_retry_in_the_activity_sends_nothing_for_a_gone_order(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A comment failed (SmartRecruiters had just erased the order); the next sync marks the
    order gone; the activity's Retry on that step still goes to SmartRecruiters."""
    network = CountsCallsFor()

    async def body(board: OrderBoard, desk: Desk) -> list[str]:
        order_id = await new_order(desk, "Retried")
        await board.sync()
        entry_id = desk.journal.begin(order_id, CommentStep(message="Any news?"))
        desk.journal.fail(entry_id, "SmartRecruiters did not answer")
        await gone(board, sandbox, order_id)
        network.order_id, network.calls = order_id, []
        with pytest.raises(ActionNotAllowedError, match="no longer has this order"):
            await board.retry_step(entry_id)
        return network.calls

    assert with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=network) == []


def test_the_resumer_sends_nothing_for_a_gone_order(sandbox: SandboxServer, tmp_path: Path) -> None:
    """A step left pending (SmartRecruiters was down) for an order it then erased: once the
    sync holds the order gone, the resumer must not send it."""
    network = CountsCallsFor()

    async def body(board: OrderBoard, desk: Desk) -> list[str]:
        order_id = await new_order(desk, "Pending")
        await board.sync()
        desk.journal.begin(order_id, CommentStep(message="Any news?"))
        await gone(board, sandbox, order_id)
        network.order_id, network.calls = order_id, []
        await board.resume()
        return network.calls

    assert with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=network) == []


def test_a_snapshot_asks_nothing_for_a_gone_order_and_says_so(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """File > Save snapshot with a gone order among the rest, then opened offline: its last
    copy, and a note (not "Comments could not be fetched: … not found")."""
    from app.store.snapshot_file import open_snapshot
    from app.workflows.snapshots import SaveRequest

    network = CountsCallsFor()
    path = tmp_path / "saved.adsnap"

    async def body(board: OrderBoard, desk: Desk) -> tuple[str, list[str]]:
        kept = await new_order(desk, "Stays")
        order_id = await new_order(desk, "Snapshotted")
        await board.sync()
        await gone(board, sandbox, order_id)
        network.order_id, network.calls = order_id, []
        orders = [o for o in board.orders() if o.id in (kept, order_id)]
        await board.save_snapshot(SaveRequest(orders=orders), path)
        return order_id, network.calls

    order_id, calls = with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=network)
    assert calls == []
    snapshot = open_snapshot(path)
    row = snapshot.row_of(order_id)
    assert row is not None
    notes = snapshot.record(row).notes
    assert len(notes) == 1, notes
    assert notes[0].startswith("SmartRecruiters no longer had this order when the snapshot")


class FailsOneOrder(RealNetwork):
    """SmartRecruiters' transport: GET /assessments/{failing} answers 403 every time (an
    order SmartRecruiters no longer lets this partner read)."""

    def __init__(self) -> None:
        super().__init__()
        self.failing = ""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failing and request.url.path.endswith(f"/assessments/{self.failing}"):
            body = {"code": "FORBIDDEN", "message": "Access denied"}
            return httpx.Response(403, json=body, request=request)
        return await super().handle_async_request(request)


def test_one_order_that_cannot_be_asked_about_never_stops_the_others_being_marked(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """Two orders erased in SmartRecruiters; asking about the newer one fails every time
    (403). "Anything else waits for the next sync": the older one is never asked, sync after
    sync, and stays NEW, counted and offered for good."""
    network = FailsOneOrder()

    async def body(board: OrderBoard, desk: Desk) -> tuple[list[tuple[str, ...]], str]:
        older = await new_order(desk, "Older")
        await board.sync()
        newer = await new_order(desk, "Newer")
        await board.sync()
        await erase_in_sr(sandbox, older)
        await erase_in_sr(sandbox, newer)
        network.failing = newer
        return [(await board.sync()).gone_ids for _ in range(3)], older

    found, older = with_board(sandbox, tmp_path / "desk.sqlite3", body, transport=network)
    assert (older,) in found, found


def test_a_candidate_erased_in_sr_can_have_the_shared_assessment_deleted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The candidate is erased in SmartRecruiters: both their orders (sharing one Berke
    assessment, the second reused it) are gone. The flag offers Delete in Berke; it must
    delete it, not refuse it "in use" by the other gone order."""

    async def body(board: OrderBoard, desk: Desk) -> bool:
        first, second = await two_orders_on_one_assessment(board, desk, "Erin")
        await erase_in_sr(sandbox, first)
        await erase_in_sr(sandbox, second)
        outcome = await board.sync()
        assert set(outcome.gone_ids) == {first, second}
        flags = board.flags(first)
        assert [flag.fix for flag in flags] == [OrderAction.DELETE_IN_BERKE]  # offered
        assert board.why_not(OrderAction.DELETE_IN_BERKE, [first]) is None
        link = board.link(first)
        assert link is not None
        await board.delete_in_berke(first)
        status = await desk.session.berke.get_assessment_status(link.source_candidate_id)
        return status is None

    assert with_board(sandbox, tmp_path / "desk.sqlite3", body) is True


def test_rejecting_a_selection_says_which_order_was_not_rejected_because_it_is_gone(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The Reject dialog is open for two orders; the background sync finds one gone; OK.
    The board skips the gone one silently: no failure is returned, so the window says
    nothing (and goes on to offer "Delete in Berke" for it as if it had been rejected)."""

    async def body(board: OrderBoard, desk: Desk) -> tuple[str, list[tuple[str, str]]]:
        live, erased = await new_order(desk, "Stays"), await new_order(desk, "Leaves")
        await board.sync()
        assert board.why_not(OrderAction.REJECT, [live, erased]) is None  # dialog opens
        await erase_in_sr(sandbox, erased)
        assert (await board.sync()).gone_ids == (erased,)
        failures = await board.reject([live, erased], reason="Position filled.")
        return erased, failures

    erased, failures = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert erased in dict(failures), failures


def test_a_file_queued_for_an_order_that_then_goes_fails_in_words_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from app.domain.uploads import UploadState

    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    async def body(board: OrderBoard, desk: Desk) -> tuple[str, list[str], int]:
        order_id = await new_order(desk, "Queued")
        await board.sync()
        await board.create_assessment(
            order_id, CreateAssessmentRequest(first_name="Q", last_name="G")
        )
        await board.accept(order_id)
        queued, refused = await board.attach_files(order_id, [report])
        assert queued, refused
        assert not refused
        await erase_in_sr(sandbox, order_id)
        assert (await board.sync()).gone_ids == (order_id,)
        for _ in range(3):
            await board.resume()
        upload = desk.results.get(queued[0].id)
        assert upload is not None
        steps = [e for e in desk.journal.entries(order_id) if e.action.value == "upload"]
        return upload.state.value, [upload.message or ""], len(steps)

    state, messages, steps = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert state == UploadState.FAILED.value, (state, messages)
    assert "no longer has this order" in messages[0]
    assert steps == 1
