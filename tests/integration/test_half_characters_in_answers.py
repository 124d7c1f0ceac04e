"""SmartRecruiters answers a change with text holding half a character (a lone UTF-16
surrogate, "\\ud83d": an emoji cut in two, which JSON allows as an escape and ``json.loads``
keeps). SQLite cannot store it: before, the order of a reject that was made could not be kept
(UnicodeEncodeError, "Something unexpected went wrong"), nor a refusal's words in the step's
note. Now such text is kept with U+FFFD in the half character's place.

(A listed order holding one is left out of the sync and said: ``tests/unit/test_order_sync``.)

Berke may answer JSON too, and its answers may hold one as well: its refusals' words are
kept with U+FFFD likewise; an assessment it reads out holding one (a completion, stored as
read, stopped every watch round; a status, whose code a resumed create writes) is refused in
words, as a listed order is."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.errors import ApiError, UnexpectedResponseError
from app.domain.assessment_prefill import stable_candidate_id
from app.domain.berke_progress import BerkeProgress
from app.domain.journal import CreateAssessmentStep
from app.domain.journal_terms import StepState
from app.domain.smartrecruiters import OrderStatus
from app.sandbox import SandboxConfig, SandboxServer
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import create_assessment, reject_order
from app.workflows.outbox import resume_pending
from tests.integration.helpers import RealNetwork, finish_in_sandbox, new_order_body
from tests.integration.test_close_the_loop import invited_order, with_board
from tests.integration.test_workflows import req, run_with_desk

MARK = "@@half@@"
HALF = "\\ud83d"  # as the answer's JSON writes it
BERKE_HALF = "a text in the answer holds half of a character, which cannot be stored"


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


# -- Berke: its JSON answers may hold half a character too ---------------------------------


class HalfAnEmojiFromBerke(RealNetwork):
    """Berke's JSON answers to the methods in ``marked``, each changed by its function (which
    puts ``MARK`` where half a character goes) once ``marking`` is set; with ``refusing``, that
    method is refused instead, in words holding half a character."""

    def __init__(self, marked: dict[str, Any], *, refusing: str | None = None) -> None:
        super().__init__()
        self.marked, self.refusing = marked, refusing
        self.marking = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        if self.marking and method == self.refusing:
            said = f"No {MARK} here, firstName=[Ines]"
            text = json.dumps({"status": "error", "response": said, "responseCode": "400"})
            return _with_half(400, text, {"X-Response-Code": "400.1010"})
        response = await self.inner.handle_async_request(request)
        if not self.marking or method not in self.marked:
            return response
        answer = json.loads(await response.aread())
        self.marked[method](answer)
        return _with_half(response.status_code, json.dumps(answer), {})


def _with_half(status: int, text: str, headers: dict[str, str]) -> httpx.Response:
    body = text.replace(MARK, HALF).encode("ascii")
    return httpx.Response(
        status, content=body, headers={"Content-Type": "application/json", **headers}
    )


def _first_names_marked(answer: Any) -> None:
    """``MARK`` after every first name in ``answer`` (Berke's copy of the candidate)."""
    pending = [answer]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("firstName"), str):
                node["firstName"] += MARK
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)


def test_berkes_refusal_in_words_holding_half_a_character_is_noted(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """As SmartRecruiters' refusals: Berke's words are kept with U+FFFD for the half
    character, in the journal and in what the coordinator is shown alike. Before, only the
    journal replaced it (as it writes any note); the dialog's words held it as it came, and
    Qt drops it without a trace."""
    network = HalfAnEmojiFromBerke({}, refusing="CreateAssessment")
    network.marking = True

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body("Ines", "Vale"))
        await asyncio.to_thread(desk.orders.put, order)
        with pytest.raises(ApiError) as refused:
            await create_assessment(desk, order, req(order))
        (step,) = desk.journal.entries(order.id)
        assert step.state is StepState.FAILED
        assert "No \ufffd here" in (step.message or "")
        assert "No \ufffd here" in str(refused.value)

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)


COMPLETIONS = ("GetCompletedAssessments", "GetCompletedAssessment")


@pytest.mark.parametrize(
    "marked",
    [COMPLETIONS, (*COMPLETIONS, "GetAssessmentStatus")],
    ids=["its-completion", "its-completion-and-status"],
)
def test_a_completion_berke_reads_out_with_half_a_character_is_refused_in_words(
    sandbox: SandboxServer, tmp_path: Path, marked: tuple[str, ...]
) -> None:
    """Berke's copy of the candidate who finished holds half a character in its names.
    Before: the watch stored the completion as read, and the round failed there
    (UnicodeEncodeError), every round. Now it is left out of the listing, and each read of it
    is refused in words; the round goes on, and nothing of it is stored."""
    network = HalfAnEmojiFromBerke(dict.fromkeys(marked, _first_names_marked))

    async def body(board: OrderBoard, desk: Desk) -> None:
        order_id = await invited_order(board, desk, "Lucia", "lucia@example.com")
        link = board.link(order_id)
        assert link is not None
        finish_in_sandbox(sandbox, link.invitation_code)
        network.marking = True
        report = await board.watch()
        assert isinstance(report.problem, UnexpectedResponseError)
        assert report.problem.problem == BERKE_HALF
        assert board.state(order_id).berke_progress is not BerkeProgress.COMPLETE
        completed = await asyncio.to_thread(desk.berke_watch.completed, link.source_candidate_id)
        assert completed is None
        network.marking = False  # Berke's answer mended: the next round takes it
        await board.watch()
        assert board.state(order_id).berke_progress is BerkeProgress.COMPLETE

    with_board(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)


def test_a_resumed_create_finding_a_code_with_half_a_character_is_refused_in_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A create whose answer was lost is resumed: Berke's status shows the assessment made
    under the order's own id, and its code is taken from there. Before: a code holding half a
    character was looked up and written as it came (UnicodeEncodeError, "Something
    unexpected went wrong"). Now the status is refused in words, and the step waits."""

    def code_marked(answer: Any) -> None:
        answer["assessment"]["invitationCode"] += MARK

    network = HalfAnEmojiFromBerke({"GetAssessmentStatus": code_marked})

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body("Ines", "Vale"))
        await asyncio.to_thread(desk.orders.put, order)
        request = req(order).model_copy(
            update={"source_candidate_id": stable_candidate_id(order.id)}
        )
        await desk.session.berke.create_assessment(request)  # the try whose answer was lost
        entry_id = desk.journal.begin(order.id, CreateAssessmentStep(request=request))
        network.marking = True
        await resume_pending(desk)
        entry = desk.journal.get(entry_id)
        assert entry is not None
        assert entry.state is StepState.PENDING, (entry.state, entry.message)
        assert BERKE_HALF in (entry.message or "")
        assert desk.journal.assessment_for(order.id) is None

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, berke_transport=network)
