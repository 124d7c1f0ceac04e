"""The shown order's Activity follows its steps whoever moves them (the resumer, a batch, a
delivery), not only the coordinator's own clicks in this window: a step sent, failed or left
waiting again shows so, and its Retry / Cancel this step follow."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING

import httpx
import pytest
from PySide6.QtCore import Qt

from app.clients.errors import ApiError, ServerError
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import JournalEntry
from app.domain.journal_terms import StepKind, StepState
from app.ui.main_window import MainWindow
from tests.ui.test_console_flows import (  # noqa: F401  (fixtures)
    add_test_order,
    answer_once,
    board_of,
    desk_of,
    finish,
    live_desk,
    window,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.domain.smartrecruiters import AssessmentOrder
    from app.ui.orders.detail_pane import OrderDetailPane


class CommentsRefused(httpx.AsyncBaseTransport):
    """SmartRecruiters answers 503 to each comment whose text holds one of ``refused`` (the
    others go through): a step left waiting, lifted when its words are taken out."""

    def __init__(self, inner: httpx.AsyncBaseTransport, refused: set[str]) -> None:
        self.inner = inner
        self.refused = refused

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/comments"):
            await request.aread()
            text = json.loads(request.content).get("message", "")
            if any(words in text for words in self.refused):
                body = {"httpCode": 503, "code": "UNAVAILABLE", "message": "Back soon."}
                return httpx.Response(503, json=body)
        return await self.inner.handle_async_request(request)


def refusing_comments(shown: MainWindow, refused: set[str]) -> CommentsRefused:
    http = desk_of(shown).session.sr._http.http
    transport = CommentsRefused(http._transport, refused)
    http._transport = transport
    return transport


class CommentsUnderMaintenance(httpx.AsyncBaseTransport):
    """SmartRecruiters answers 503 "Maintenance." to every comment: a step left waiting with
    other words waits again, with these."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/comments"):
            body = {"httpCode": 503, "code": "UNAVAILABLE", "message": "Maintenance."}
            return httpx.Response(503, json=body)
        return await self.inner.handle_async_request(request)


def under_maintenance(shown: MainWindow, fault: CommentsRefused) -> None:
    desk_of(shown).session.sr._http.http._transport = CommentsUnderMaintenance(fault.inner)


def shown_entries(detail: OrderDetailPane) -> list[JournalEntry]:
    model = detail.timeline
    found = [model.index(row).data(Qt.ItemDataRole.UserRole) for row in range(model.rowCount())]
    return [entry for entry in found if isinstance(entry, JournalEntry)]


def shown_message(detail: OrderDetailPane) -> str:
    """The words of the only step shown ("" when none is shown yet)."""
    entries = shown_entries(detail)
    return (entries[0].message or "") if entries else ""


def shown_state(detail: OrderDetailPane, entry_id: int) -> StepState | None:
    return next((e.state for e in shown_entries(detail) if e.id == entry_id), None)


def choose(detail: OrderDetailPane, entry_id: int) -> None:
    row = next(i for i, e in enumerate(shown_entries(detail)) if e.id == entry_id)
    detail.timeline_list.setCurrentIndex(detail.timeline.index(row))


def test_a_waiting_comment_sent_by_the_resumer_shows_sent_while_another_still_waits(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """Two comments left waiting by a 503; the resumer sends the first, the second waits
    again. The order's steps "under way" read the same before and after, and the pane was
    reloaded only when they differed: the first still said "Waiting…", its Cancel on."""
    order = add_test_order(window, qtbot, first="Ines", last="Moreau")
    board, room = board_of(window), window.orders
    detail = room.detail
    fault = refusing_comments(window, {"first note", "second note"})
    for text in ("first note", "second note"):
        with pytest.raises(ServerError):
            finish(qtbot, board.add_comment(order.id, text))
    first, second = desk_of(window).journal.entries(order.id)
    assert board.state(order.id).pending == {StepKind.COMMENT}
    room.select_order(order.id)
    qtbot.waitUntil(lambda: len(shown_entries(detail)) == 2)
    # No reading of the steps as they were is left under way: the one waited for below is
    # the one the resumer's pass begins.
    finish(qtbot, room.wait_idle())
    choose(detail, first.id)
    assert detail.cancel_step_button.isEnabled()

    fault.refused = {"second note"}  # SmartRecruiters takes the first now, not the second
    finish(qtbot, board.resume())  # the board's own pass, as its timer runs it
    assert board.state(order.id).pending == {StepKind.COMMENT}  # the second still waits

    qtbot.waitUntil(lambda: shown_state(detail, first.id) is StepState.DONE)
    assert shown_state(detail, second.id) is StepState.PENDING
    chosen = detail.selected_entry()
    assert chosen is not None
    assert chosen.id == first.id  # the same step still chosen
    assert not detail.cancel_step_button.isEnabled()
    assert not detail.retry_step_button.isEnabled()
    finish(qtbot, room.controller.wait_idle())


def comment_left_waiting(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> tuple[AssessmentOrder, CommentsRefused]:
    """A new order whose comment waits after a 503 ("Back soon."), shown with those words,
    every reading of its Activity ended."""
    order = add_test_order(window, qtbot, first="Olle", last="Sand")
    board, room = board_of(window), window.orders
    fault = refusing_comments(window, {"call back"})
    with pytest.raises(ServerError):
        finish(qtbot, board.add_comment(order.id, "call back on Monday"))
    room.select_order(order.id)
    # The order was shown as the comment was written: a reading of the step begun (no words
    # yet) may land after the test's call ended, the one of its failure after it. The words
    # are waited for, not the row (which failed one run in a busy suite).
    qtbot.waitUntil(lambda: "Back soon." in shown_message(room.detail))
    # Met perhaps by a reading made as the comment was written, with the pane's own still
    # under way: none of the old words is left to land after what the test does next.
    finish(qtbot, room.wait_idle())
    return order, fault


def test_a_waiting_step_that_waits_again_shows_the_services_new_words(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    order, fault = comment_left_waiting(window, qtbot)
    board, room = board_of(window), window.orders
    detail = room.detail
    assert len(shown_entries(detail)) == 1

    under_maintenance(window, fault)
    finish(qtbot, board.resume())
    (entry,) = desk_of(window).journal.entries(order.id)
    assert "Maintenance." in (entry.message or "")
    qtbot.waitUntil(lambda: "Maintenance." in shown_message(detail))
    finish(qtbot, room.controller.wait_idle())


def test_an_older_reading_of_the_activity_never_paints_over_a_newer_one(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """The pane shown again reads the order's Activity (its "detail" task) while the steps
    moving read it too (``ACTIVITY_TASK``): the two ran side by side and whichever landed last
    painted. The older reading, handed back late, put the waiting step's old words ("Back
    soon.") back over its new ones for good, until something else moved."""
    order, fault = comment_left_waiting(window, qtbot)
    board, room = board_of(window), window.orders
    detail = room.detail

    real_timeline = board.timeline
    late = asyncio.Event()
    held = [True]

    async def timeline(order_id: str) -> list[JournalEntry]:
        read = await real_timeline(order_id)  # read now…
        if held[0]:
            held[0] = False
            await late.wait()  # …handed back late (a busy thread pool, a long journal)
        return read

    board.timeline = timeline  # type: ignore[method-assign]
    room.select_order(order.id)  # shown again (clicked, or a flag changed): read, held

    under_maintenance(window, fault)
    finish(qtbot, board.resume())  # the resumer tries it again: new words, read again
    qtbot.waitUntil(lambda: "Maintenance." in shown_message(detail))
    late.set()  # the reading begun before the resumer's pass lands now
    finish(qtbot, room.wait_idle())
    (entry,) = desk_of(window).journal.entries(order.id)
    assert "Maintenance." in (entry.message or "")
    assert "Maintenance." in shown_message(detail), shown_message(detail)


def test_an_accept_left_waiting_shows_sent_once_the_board_sends_it(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """The accept waited on a 503; lifted, the board's own pass sends it: the Activity says
    it went, the same step stays chosen, and neither Retry nor Cancel this step is offered."""
    order = add_test_order(window, qtbot, first="Yara", last="Haddad", email="yara@example.com")
    board, room = board_of(window), window.orders
    detail = room.detail
    request = CreateAssessmentRequest(first_name="Yara", last_name="Haddad")
    finish(qtbot, board.create_assessment(order.id, request))
    answer_once(desk_of(window), "sr", 503, "/accept")
    with pytest.raises(ApiError):
        finish(qtbot, board.accept(order.id))
    assert board.state(order.id).pending == {StepKind.ACCEPT}
    accept = next(
        e for e in desk_of(window).journal.entries(order.id) if e.action is StepKind.ACCEPT
    )
    room.select_order(order.id)
    qtbot.waitUntil(lambda: shown_state(detail, accept.id) is StepState.PENDING)
    choose(detail, accept.id)
    assert detail.cancel_step_button.isEnabled()

    finish(qtbot, board.resume())  # the fault lifted (answered once): the pass sends it
    qtbot.waitUntil(lambda: shown_state(detail, accept.id) is StepState.DONE)
    chosen = detail.selected_entry()
    assert chosen is not None
    assert chosen.id == accept.id
    assert not detail.cancel_step_button.isEnabled()
    assert not detail.retry_step_button.isEnabled()
    finish(qtbot, room.controller.wait_idle())


def test_a_burst_of_step_changes_reads_the_shown_activity_once_and_others_never(
    window: MainWindow,  # noqa: F811
    qtbot: QtBot,
) -> None:
    """A batch or the resumer moves many steps in a row: each reading of the journal goes off
    the GUI thread, and 50 changes must not queue 50 of them; another order's, none."""
    order = add_test_order(window, qtbot, first="Noor", last="Aziz")
    other = add_test_order(window, qtbot, first="Pim", last="Jansen")
    board, room = board_of(window), window.orders
    room.select_order(order.id)
    finish(qtbot, room.wait_idle())
    reads: list[str] = []
    held = asyncio.Event()
    held.set()
    real_timeline = board.timeline

    async def counted(order_id: str) -> list[JournalEntry]:
        reads.append(order_id)
        await held.wait()
        return await real_timeline(order_id)

    board.timeline = counted  # type: ignore[method-assign]
    for _ in range(50):
        board.listener.steps_changed([other.id])
    finish(qtbot, room.wait_idle())
    assert reads == []  # not shown: read when it is

    for _ in range(50):
        board.listener.steps_changed([other.id, order.id])
    finish(qtbot, room.wait_idle())
    assert reads == [order.id]

    held.clear()  # a reading under way: what moves meanwhile is read once after it
    board.listener.steps_changed([order.id])
    qtbot.waitUntil(lambda: len(reads) == 2)
    for _ in range(50):
        board.listener.steps_changed([order.id])
    held.set()
    finish(qtbot, room.wait_idle())
    assert reads == [order.id] * 3
