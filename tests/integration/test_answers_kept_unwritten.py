"""A service's answer that this computer could not write when it came (another program, a
backup or a database viewer, holding the data file past the busy timeout: a second
connection's BEGIN IMMEDIATE on the real file) is kept, and written by the step's next run
once the file is free; it is never asked for again, nor lost."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.domain.assessment_url import url_prefix
from app.domain.attachments import UploadState
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import AssessmentLinked, CompleteStep, ResultRecorded
from app.domain.journal_terms import StepKind, StepState
from app.domain.smartrecruiters import AssessmentResult, ResultType
from app.sandbox import SandboxServer
from app.store.database import Database, DataFileLostError
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk, KeptAnswer
from app.workflows.refusals import ActionNotAllowedError, OutcomeKeptError
from app.workflows.step_create import BERKE_URL_PREFIX
from app.workflows.steps import write_kept_answers
from app.workflows.waiting_steps import WENT_ANSWER_KEPT
from tests.integration import test_workflows
from tests.integration.helpers import RealNetwork, new_order_body
from tests.integration.test_close_the_loop import invited_order, results_of, with_board

#: Short, so that a test need not wait out the desk's 5 s: the same path.
BUSY_SECONDS = 0.2


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        test_workflows, "Database", functools.partial(Database, busy_seconds=BUSY_SECONDS)
    )


class FileHolder:
    """Another program's connection to the data file, holding its write lock until
    ``release``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None

    def hold(self) -> None:
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=0)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        assert self.conn is not None
        self.conn.execute("ROLLBACK")
        self.conn.close()


class HeldAfterTheCompletion(RealNetwork):
    """SmartRecruiters; once it has answered the completion, the data file is held. Results
    are listed without their ids, as its FAQ has it (``ResultIdOnlyInTheAnswer``): the
    completion's answer is the only place with the resultId."""

    def __init__(self, holder: FileHolder) -> None:
        super().__init__()
        self.holder = holder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if (
            self.holder.conn is None
            and request.method == "POST"
            and request.url.path.endswith("/complete")
        ):
            await response.aread()
            self.holder.hold()
        if request.method == "GET" and request.url.path.endswith("/results"):
            await response.aread()
            body = response.json()
            for listed in body.get("content", []):
                listed.pop("id", None)
            return httpx.Response(response.status_code, json=body, request=request)
        return response


def _without_urls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_urls(v) for k, v in value.items() if k != "assessmentUrl"}
    if isinstance(value, list):
        return [_without_urls(v) for v in value]
    return value


class HeldAfterTheCreate(RealNetwork):
    """Berke; once it has answered the create, the data file is held. Its status answers
    carry no URL (not every Berke answer is documented to): the create's answer is the only
    place with it."""

    def __init__(self, holder: FileHolder) -> None:
        super().__init__()
        self.holder = holder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.holder.conn is None and request.url.path.endswith("/CreateAssessment"):
            await response.aread()
            self.holder.hold()
        if request.url.path.endswith("/GetAssessmentStatus"):
            await response.aread()
            body = _without_urls(response.json())
            return httpx.Response(response.status_code, json=body, request=request)
        return response


def test_a_result_id_answered_while_the_file_is_held_is_written_once_it_is_free(
    sandbox: SandboxServer, tmp_path: Path, short_busy_timeout: None
) -> None:
    """The resultId in hand was thrown away with the failed write: the step stayed pending,
    the resumer found the order completed with a result it could not call its own, and the
    report queued for it was given up ("attach it by hand")."""
    path = tmp_path / "desk.sqlite3"
    holder = FileHolder(path)
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4\n" + b"r" * 2000 + b"\n%%EOF\n")

    async def body(board: OrderBoard, desk: Desk) -> tuple[str, str | None, list[UploadState]]:
        order_id = await invited_order(board, desk, "Lena", "lena@example.com")
        await board.attach_files(order_id, [report])
        result = AssessmentResult(result_type=ResultType.DOCUMENT, result="Passed the test")
        with pytest.raises(OutcomeKeptError) as told:
            await board.complete(order_id, result)
        assert str(told.value).startswith(
            "“Complete order” went through in SmartRecruiters, but this computer could not "
            "write the answer (“database is locked”)"
        )
        assert "The answer is kept, and the desk writes it by itself" in str(told.value)
        holder.release()  # the other program ends: the file is free again
        await board.resume()  # the desk's own next round, no restart
        (complete,) = [e for e in desk.journal.entries(order_id) if e.action is StepKind.COMPLETE]
        assert complete.state is StepState.DONE
        assert not desk.kept_outcomes
        kept = desk.results.result_id_for(order_id)
        return order_id, kept, [u.state for u in desk.results.for_order(order_id)]

    order_id, kept, states = with_board(sandbox, path, body, HeldAfterTheCompletion(holder))
    (made,) = results_of(sandbox, order_id)  # the sandbox's own listing, with the id
    assert kept == made["id"], "the resultId SmartRecruiters answered was never recorded"
    assert states == [UploadState.DONE]
    assert made["files"] == ["report.pdf"]


def test_a_link_berke_answered_while_the_file_is_held_is_written_once_it_is_free(
    sandbox: SandboxServer, tmp_path: Path, short_busy_timeout: None
) -> None:
    """The create's answer (code and URL) was thrown away with the failed write; the resumer
    found the assessment in Berke, whose status gives no URL, and with no prefix written yet
    the order waited for ever for "the next assessment created". A cancel of the step, which
    went, is refused meanwhile."""
    path = tmp_path / "desk.sqlite3"
    holder = FileHolder(path)

    async def body(board: OrderBoard, desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Ines", last="Sandoval", email="ines@example.com")
        )
        await board.sync()
        request = CreateAssessmentRequest(
            first_name="Ines", last_name="Sandoval", email_address="ines@example.com"
        )
        with pytest.raises(OutcomeKeptError, match="went through in Berke"):
            await board.create_assessment(order.id, request)
        (create,) = desk.journal.entries(order.id)
        with pytest.raises(ActionNotAllowedError) as refused:
            await board.cancel_waiting_step(order.id, create.id)
        assert str(refused.value) == WENT_ANSWER_KEPT
        answered = desk.kept_outcomes[create.id].outcome
        assert isinstance(answered, AssessmentLinked)
        holder.release()
        await board.resume()
        done = desk.journal.get(create.id)
        assert done is not None
        assert done.state is StepState.DONE
        assert done.outcome == answered  # Berke's own answer, not a link found afterwards
        link = desk.journal.assessment_for(order.id)
        assert link is not None
        assert link.invitation_code == answered.link.invitation_code
        assert link.assessment_url == answered.link.assessment_url

    with_board(sandbox, path, body, berke_transport=HeldAfterTheCreate(holder))


def test_the_url_prefix_of_a_create_whose_answer_was_kept_is_written_with_its_link(
    sandbox: SandboxServer, tmp_path: Path, short_busy_timeout: None
) -> None:
    """The create swallowed its failed prefix write ("the next create writes it") and the
    kept path wrote only the link: until another create went through, every assessment
    recovered from Berke's status (no URL) waited "until the next assessment is created",
    though the desk had had the prefix in hand."""
    path = tmp_path / "desk.sqlite3"
    holder = FileHolder(path)

    async def body(board: OrderBoard, desk: Desk) -> tuple[str | None, str]:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Ines", last="Sandoval", email="ines@example.com")
        )
        await board.sync()
        request = CreateAssessmentRequest(
            first_name="Ines", last_name="Sandoval", email_address="ines@example.com"
        )
        with pytest.raises(OutcomeKeptError):
            await board.create_assessment(order.id, request)
        (create,) = desk.journal.entries(order.id)
        answered = desk.kept_outcomes[create.id].outcome
        assert isinstance(answered, AssessmentLinked)
        holder.release()
        await board.resume()
        assert desk.journal.assessment_for(order.id) is not None  # the link was written
        link = answered.link
        return desk.results.meta(BERKE_URL_PREFIX), url_prefix(
            link.assessment_url, link.invitation_code
        )

    written, expected = with_board(sandbox, path, body, berke_transport=HeldAfterTheCreate(holder))
    assert written == expected


#: What ``Database.transaction`` raises when the data file was removed and could not be put
#: back, another Assessment Desk having started on its folder since.
LOST_SENTENCE = (
    "The data file /d/assessment-desk.sqlite3 was removed (its folder deleted, or the file "
    "alone) while the desk was open, and another Assessment Desk has started on that folder "
    "since (process 4242): this desk writes nothing more, so that the two never send the same "
    "steps. Close the other Assessment Desk, not this one: this one still holds everything, "
    "and writes it back at its next change once the other has closed."
)


def test_an_answer_kept_because_the_data_file_was_lost_is_said_in_that_errors_words(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its own sentence ("Close the other Assessment Desk, not this one…") was quoted inside
    "another program may be holding the desk's data file, or the disk may be full": the wrong
    way out, which ``not_written`` no longer gives for it either."""

    async def body(board: OrderBoard, desk: Desk) -> str:
        order = await desk.session.sr.create_test_order(
            new_order_body(first="Ada", last="Sandoval", email="ada@example.com")
        )
        await board.sync()

        def lost(*_args: object) -> None:
            raise DataFileLostError(LOST_SENTENCE)

        monkeypatch.setattr(desk.journal, "finish", lost)
        with pytest.raises(OutcomeKeptError) as told:
            await board.add_comment(order.id, "Scheduled for Monday.")
        return str(told.value)

    said = with_board(sandbox, tmp_path / "desk.sqlite3", body)
    assert said == (
        "“Add comment” went through in SmartRecruiters, but this computer could not write the "
        f"answer. {LOST_SENTENCE} The answer is kept; there is no need to do it again."
    )


def test_an_answer_kept_for_another_step_of_that_id_is_not_written_as_the_desk_closes(
    tmp_path: Path,
) -> None:
    """An answer is kept by step id; a data file made anew at the same path since (removed by
    a clean-up tool while the desk was closed) numbers its steps from 1 again. Written by id
    alone as the next desk closed, the answer kept for Lena's completion ended Mara's, never
    sent, with Lena's resultId."""
    db = Database(tmp_path / "desk.sqlite3")
    desk = Desk(None, db)  # type: ignore[arg-type]  # its store alone: nothing is sent
    result = AssessmentResult(result_type=ResultType.DOCUMENT, result="Passed")
    step_id = desk.journal.begin("order-mara", CompleteStep(result=result))
    maras = desk.journal.get(step_id)
    assert maras is not None
    desk.kept_outcomes[step_id] = KeptAnswer(
        ResultRecorded(result_id="lenas-result"),
        "order-lena",
        StepKind.COMPLETE,
        maras.created_at - timedelta(days=1),
    )
    asyncio.run(write_kept_answers(desk))
    assert not desk.kept_outcomes  # dropped: no step of this file waits for it
    still = desk.journal.get(step_id)
    assert still is not None
    assert still.state is StepState.PENDING
    assert desk.results.result_id_for("order-mara") is None

    # The step's own answer is written.
    desk.kept_outcomes[step_id] = KeptAnswer.of(maras, ResultRecorded(result_id="maras-result"))
    asyncio.run(write_kept_answers(desk))
    done = desk.journal.get(step_id)
    assert done is not None
    assert done.state is StepState.DONE
    assert desk.results.result_id_for("order-mara") == "maras-result"
    db.close()
