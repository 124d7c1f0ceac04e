"""Berke's side in the window: the two statuses side by side, the flags with their fix, and
the delivery preview showing exactly what the recruiter will get."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QColor, QPalette, QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QMessageBox, QPushButton

from app.domain.berke import AssessmentStatus, CreateAssessmentRequest
from app.domain.journal import CreateResultStep, RejectStep
from app.domain.journal_terms import ResultFlow
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus, RejectRequest
from app.sandbox import SandboxConfig, SandboxServer
from app.store.berke_watch import BerkeWatchStore, berke_state
from app.store.database import Database
from app.ui.main_window import MainWindow
from app.ui.orders.delivery_preview import DeliveryPreviewDialog
from app.ui.orders.detail_pane import OrderDetailPane
from app.ui.orders.order_actions import STOP_DELIVERING
from app.ui.orders.order_dialogs import RejectDialog, order_line
from app.views.inbox_columns import INBOX, berke_display
from app.views.order_rows import berke_words
from app.workflows.board import BoardOptions, OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import RETRIED_AUTOMATICALLY
from app.workflows.refusals import DELIVER_SENT_AGAIN
from app.workflows.steps import run_step
from tests.integration.helpers import new_order_body
from tests.ui.conftest import answer, board_window, show_exposed
from tests.ui.contrast import WCAG_MIN, app_palette, contrast, dark_palette
from tests.ui.test_attention_box_keyboard import keyboard_on
from tests.ui.test_console_flows import Dialogs, answer_once, finish, select_orders
from tests.zones import living_in

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture(scope="module")
def loop_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(SandboxConfig(sr_rate_per_second=0, berke_burst=100_000)) as server:
        yield server


@pytest.fixture
def setup(
    qtbot: QtBot,
    qsettings: QSettings,
    loop_sandbox: SandboxServer,
    tmp_path: Path,
    running_loop: asyncio.AbstractEventLoop,
) -> Iterator[tuple[MainWindow, OrderBoard, Desk]]:
    with board_window(qtbot, qsettings, loop_sandbox, tmp_path / "desk.sqlite3") as made:
        yield made


def finished_candidate(
    made: tuple[MainWindow, OrderBoard, Desk], sandbox: SandboxServer, qtbot: QtBot, name: str
) -> AssessmentOrder:
    """A new order of ``name`` (first and last), created, accepted and invited; the candidate then
    completes the Berke assessment, and the watch has seen it."""
    _window, board, desk = made
    first, last = name.split()
    email = f"{first.lower()}@example.com"
    body = new_order_body(first=first, last=last, email=email)
    order = finish(qtbot, desk.session.sr.create_test_order(body))
    finish(qtbot, board.sync())

    async def invite() -> None:
        request = CreateAssessmentRequest(first_name=first, last_name=last, email_address=email)
        await board.create_assessment(order.id, request)
        await board.accept(order.id)
        await board.invite(order.id)

    finish(qtbot, invite())
    link = board.link(order.id)
    assert link is not None
    httpx.post(f"{sandbox.berke_base_url}/_test/complete/{link.invitation_code}")
    finish(qtbot, board.watch())
    return order


def finished_orders(
    made: tuple[MainWindow, OrderBoard, Desk], sandbox: SandboxServer, qtbot: QtBot, last: str
) -> list[AssessmentOrder]:
    """Three new orders of candidates named ``last``, made in one sync (side by side in the
    inbox), each created, accepted and invited; every candidate then completes the Berke
    assessment, and the watch has seen it."""
    _window, board, desk = made
    firsts = ["Ada", "Bo", "Cem"]

    async def make() -> list[AssessmentOrder]:
        orders = []
        for first in firsts:
            body = new_order_body(first=first, last=last, email=f"{first.lower()}@example.com")
            orders.append(await desk.session.sr.create_test_order(body))
        await board.sync()
        for order, first in zip(orders, firsts, strict=True):
            request = CreateAssessmentRequest(
                first_name=first, last_name=last, email_address=f"{first.lower()}@example.com"
            )
            await board.create_assessment(order.id, request)
            await board.accept(order.id)
            await board.invite(order.id)
        return orders

    orders = finish(qtbot, make())
    for order in orders:
        link = board.link(order.id)
        assert link is not None
        httpx.post(f"{sandbox.berke_base_url}/_test/complete/{link.invitation_code}")
    finish(qtbot, board.watch())
    return orders


def test_a_finished_candidate_is_flagged_previewed_and_delivered(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    window, board, _desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Lina Berg")

    # Both statuses side by side on the row, and the flag.
    model = window.orders.model
    row = model.row_of(order.id)
    assert row is not None
    assert model.text(row, INBOX.index("status")) == "In progress"
    assert model.text(row, INBOX.index("berke")).startswith("Complete ")
    assert model.text(row, INBOX.index("attention")) == "Deliver the result"
    # "Needs attention" shows it.
    filters = window.orders.status_filter
    filters.setCurrentIndex(filters.findData("attention"))
    assert order.id in window.orders.proxy.order_ids()
    filters.setCurrentIndex(0)

    dialogs = Dialogs(window)
    window.orders.select_order(order.id)
    detail = window.orders.detail
    assert detail.flags.isVisible()
    assert detail.fields["berkeStatus"].text().startswith("Complete on ")
    fix = detail.flags.findChild(QPushButton, "fix_deliver")
    assert fix is not None
    fix.click()
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    card = preview.card.toPlainText()
    assert "Berke job fit" in card
    assert "fit (" in card  # the score, e.g. "High fit (92 %)"
    assert "Attachment: Berke report - Lina Berg" in card
    qtbot.waitUntil(preview.page_shown)  # the report's first page, rendered
    preview.send_button.click()
    qtbot.waitUntil(lambda: (board.order(order.id) or order).status is OrderStatus.COMPLETED)
    finish(qtbot, board.wait_uploads())
    qtbot.waitUntil(lambda: not detail.flags.isVisible())
    assert model.text(row, INBOX.index("attention")) == ""


def test_enter_in_the_delivery_preview_never_completes_the_order(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """Send was the default: the preview opens seconds after it is asked for (or unasked,
    after an Accept reusing a complete assessment) with the keyboard on the result card, and
    one Enter there completed the order, which cannot be undone. Only the button, Enter on
    it, or Ctrl+Enter sends; the dialog says that delivering cannot be undone."""
    window, board, _desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Enno Vik")
    dialogs = Dialogs(window)
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    qtbot.waitUntil(preview.isVisible)
    preview.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)
    assert preview.focusWidget() is preview.card  # as it opens
    sent: list[bool] = []
    preview.send_requested.connect(lambda: sent.append(True))
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        qtbot.keyClick(preview.card, key)
        assert preview.isVisible()
        assert sent == []
    assert not preview.send_button.isDefault()  # nor does it look as if Enter would
    explanation = preview.findChild(QLabel, "deliveryExplanation")
    assert explanation is not None
    assert "cannot be undone" in explanation.text()
    assert (board.order(order.id) or order).status is OrderStatus.IN_PROGRESS
    with qtbot.waitSignal(preview.send_requested):  # Ctrl+Enter, from the card, sends
        qtbot.keyClick(preview.card, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    finish(qtbot, window.orders.controller.wait_idle())
    finish(qtbot, board.wait_uploads())
    assert (board.order(order.id) or order).status is OrderStatus.COMPLETED


def test_the_end_of_a_delivery_leaves_the_keyboard_where_the_coordinator_went(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """Delivered from the pane's Deliver with Space, and while it was still sending the
    coordinator went to another order and tabbed to its "Leave it". The delivery's end took the
    keyboard off the button they chose to the order list: their next Space landed there."""
    window, board, _desk = setup
    window.resize(1280, 800)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    order = finished_candidate(setup, loop_sandbox, qtbot, "Lina Berg")
    room = window.orders
    dialogs = Dialogs(window)
    room.select_order(order.id)
    finish(qtbot, room.wait_idle())
    deliver_action = room.controller.actions[OrderAction.DELIVER]
    deliver = next(b for b in room.detail.action_buttons if b.action is deliver_action)
    assert deliver.isEnabled()
    gate = asyncio.Event()
    real_deliver = board.deliver

    async def slow_deliver(*args: Any, **kwargs: Any) -> Any:  # the report still on its way
        await gate.wait()
        return await real_deliver(*args, **kwargs)

    board.deliver = slow_deliver  # type: ignore[method-assign]
    keyboard_on(qtbot, deliver)
    qtbot.keyClick(deliver, Qt.Key.Key_Space)
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    qtbot.waitUntil(preview.page_shown)
    preview.send_button.click()
    qtbot.waitUntil(lambda: not preview.isVisible())
    window.activateWindow()  # as the window manager does when the dialog goes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    # Meanwhile: another order, and the keyboard on its "Leave it".
    flagged = ("stale_new", "no_assessment", "not_started")
    other = next(
        o
        for o in board.orders()
        if o.id != order.id and any(f.kind.value in flagged for f in board.flags(o.id))
    )
    room.select_order(other.id)

    def leave_buttons() -> list[QPushButton]:
        return [
            b
            for row in room.detail.flags.rows
            for b in row.findChildren(QPushButton)
            if b.objectName().startswith("dismiss_")
        ]

    qtbot.waitUntil(lambda: any(b.isVisible() for b in leave_buttons()))
    leave = leave_buttons()[0]
    keyboard_on(qtbot, leave)

    gate.set()  # the delivery ends
    qtbot.waitUntil(lambda: (board.order(order.id) or order).status is OrderStatus.COMPLETED)
    finish(qtbot, room.controller.wait_idle())
    finish(qtbot, board.wait_uploads())
    landed = QApplication.focusWidget()
    assert landed is leave, landed and landed.objectName()


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_down_after_a_delivery_under_a_sort_by_status_reaches_the_next_order_to_deliver(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """An afternoon of deliveries under "Needs attention", the inbox sorted by Status:
    Ctrl+Shift+D, Ctrl+Enter, Down, and again. The delivered order's row was re-sorted at once
    among the completed ones (to the end of the list) and the keyboard went with it: Down then
    landed nowhere near the orders still to deliver."""
    window, board, _desk = setup
    orders = finished_orders(setup, loop_sandbox, qtbot, "Sorted")
    ours = {o.id for o in orders}
    room = window.orders
    room.status_filter.setCurrentIndex(room.status_filter.findData("attention"))
    room.table.sortByColumn(INBOX.index("status"), Qt.SortOrder.AscendingOrder)
    shown = room.proxy.order_ids()
    first = min(shown.index(i) for i in ours)
    assert set(shown[first : first + 3]) == ours  # side by side
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    delivered = shown[first]
    room.select_order(delivered)
    room.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is room.table)
    dialogs = Dialogs(window)

    qtbot.keyClick(room.table, Qt.Key.Key_D, CTRL_SHIFT)
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    qtbot.waitUntil(preview.isVisible)
    qtbot.keyClick(preview.card, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: (board.order(delivered) or orders[0]).status is OrderStatus.COMPLETED)
    finish(qtbot, room.controller.wait_idle())
    assert room.proxy.order_ids().index(delivered) == first  # where the coordinator left it
    window.activateWindow()  # the window manager gives the window back after the preview
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(room.table, Qt.Key.Key_Down)

    assert room.selected_ids() == [shown[first + 1]]  # the next order to deliver
    assert room.proxy.order_ids().index(shown[first + 1]) == first  # the delivered one sorted


def test_enter_from_the_search_selects_the_first_order_for_the_keyboard(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """Ctrl+F, "deliver the result" (the flag's words), Enter to go to the list, then
    Ctrl+Shift+D: the list had the keyboard on its first row but nothing selected (the pane
    blank), so Deliver said "Select an order first."; Home did nothing either, the first row
    being current already."""
    window, _board, _desk = setup
    finished_orders(setup, loop_sandbox, qtbot, "Start")
    room = window.orders
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is room.search)
    qtbot.keyClicks(room.search, "deliver the result")
    qtbot.keyClick(room.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is room.table
    assert room.selected_ids() == room.proxy.order_ids()[:1]
    dialogs = Dialogs(window)
    qtbot.keyClick(room.table, Qt.Key.Key_D, CTRL_SHIFT)
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    preview.reject()


def test_the_whole_report_opens_from_the_preview_in_the_desktops_viewer(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """The report's first page is drawn 300 px wide: its 10-pt text about 5 px tall, whose
    report and for which job unreadable even with the preview maximised at 1280×800, and
    nothing in the preview opened the report itself."""
    window, _board, _desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Page Turner")
    opened: list[QUrl] = []
    answers = [False, True]  # no viewer, then one

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return answers.pop(0)

    window.open_url = open_url
    dialogs = Dialogs(window)
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    preview.resize(1280, 770)  # as large as the coordinator's screen allows
    qtbot.waitUntil(preview.page_shown)
    button = preview.open_report_button
    assert button.isVisible()
    assert "report" in button.text().casefold()
    button.click()
    assert preview.open_failed.isVisible()  # said, not silently nothing
    button.click()
    assert not preview.open_failed.isVisible()
    assert opened == [QUrl.fromLocalFile(str(preview.plan.report))] * 2
    assert preview.plan.report.read_bytes().startswith(b"%PDF")
    preview.reject()


def test_the_preview_says_when_the_result_shown_was_made_earlier(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    window, board, desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Pia Lund")
    board.set_options(BoardOptions(result_flow=ResultFlow.DOCUMENTED))
    plan = finish(qtbot, board.preview_delivery(order.id))
    finish(qtbot, run_step(desk, order.id, CreateResultStep(result=plan.result)))
    dialogs = Dialogs(window)
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    intro = preview.findChild(QLabel, "deliveryIntro")
    assert intro is not None
    assert "made in SmartRecruiters by an earlier delivery" in intro.text()
    preview.reject()
    finish(qtbot, window.orders.controller.wait_idle())


def test_the_preview_cuts_a_huge_job_and_draws_no_name_backwards(
    qtbot: QtBot, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> None:
    """The intro took SmartRecruiters' job whole: a 21,000-character job made the dialog
    133,569 px wide, its buttons off the screen; a name's right-to-left override (U+202E)
    drew the job and company after it backwards."""
    from app.domain.berke_results import CompletedAssessment, result_for
    from app.workflows.delivery import DeliveryPlan

    order = AssessmentOrder.model_validate(
        {"id": "o1", "status": "IN_PROGRESS",
         "candidate": {"id": "c1", "firstName": "Ana", "lastName": "Smith\u202e"},
         "job": {"name": "Analyst" * 3_000}, "company": {"name": "Acme"}}
    )  # fmt: skip
    completed = CompletedAssessment.model_validate(
        {"sourceCandidateId": "c1", "jobFit": [{"sourceJobId": "j1", "fitPct": 0.8}]}
    )
    fit = completed.job_fits[0]
    report = tmp_path / "r.pdf"
    report.write_bytes(b"%PDF-1.4\n")
    result = result_for(order, completed, fit, report_name="r.pdf", own_job=False)
    plan = DeliveryPlan(order.id, completed, fit, result, report, "r.pdf", 9)
    preview = DeliveryPreviewDialog(order, plan)
    qtbot.addWidget(preview)
    preview.show()
    intro = preview.findChild(QLabel, "deliveryIntro")
    assert intro is not None
    assert "\u202e" not in intro.text()
    assert preview.minimumSizeHint().width() <= 1280
    assert preview.width() <= 1280


def test_a_delivery_left_waiting_says_it_goes_by_itself(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """A 503 on the completion: the delivery waits in the journal and goes by itself, report
    and all. The box said only "trying again later usually works", and Deliver was then
    refused as under way."""
    window, board, desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Siri Dahl")
    dialogs = Dialogs(window)
    window.orders.select_order(order.id)
    answer_once(desk, "sr", 503, "/complete")
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    preview.send_button.click()
    qtbot.waitUntil(lambda: len(messages.shown) > shown)
    finish(qtbot, window.orders.controller.wait_idle())
    ((title, said),) = messages.shown[shown:]
    assert title == "Deliver the result"
    assert said.startswith("Siri Dahl: ")
    assert said.endswith(DELIVER_SENT_AGAIN)
    finish(qtbot, board.resume())
    finish(qtbot, board.wait_uploads())
    assert (board.order(order.id) or order).status is OrderStatus.COMPLETED
    result_id = board.state(order.id).result_id
    assert result_id is not None
    attached = finish(qtbot, desk.session.sr.list_attachments(order.id, result_id))
    (report,) = attached
    assert report.file_name.startswith("Berke report - Siri Dahl")


class CompleteFaultOnce(httpx.AsyncBaseTransport):
    """SmartRecruiters' transport, whose first completion meets a fault of ours (not the
    service's answer): the step is left waiting, to be sent again."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.method == "POST" and request.url.path.endswith("/complete"):
            self.armed = False
            raise RuntimeError("a fault of ours")
        return await self.inner.handle_async_request(request)


def test_delivering_several_says_which_went_and_which_goes_by_itself(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """One of two meets a fault of ours after its completion was begun: the other is
    delivered, and the box said "deliver it again" for one whose delivery goes by itself
    (and whose Deliver was then refused as under way)."""
    window, board, desk = setup
    first = finished_candidate(setup, loop_sandbox, qtbot, "Ola Berg")
    second = finished_candidate(setup, loop_sandbox, qtbot, "Per Ek")
    select_orders(window, [first.id, second.id])
    http = desk.session.sr._http.http
    http._transport = CompleteFaultOnce(http._transport)
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    assert "for 2 orders" in answer(qtbot, window, "Deliver all")
    qtbot.waitUntil(lambda: len(messages.shown) > shown)
    finish(qtbot, window.orders.controller.wait_idle())
    (went, (title, said)) = messages.shown[shown:]
    assert title == "Deliver results"
    faulted = next(o for o in (first, second) if board.left_waiting(OrderAction.DELIVER, o.id))
    other = first if faulted is second else second
    assert went == ("", f"Results delivered: {other.candidate.display_name}.")
    name = faulted.candidate.display_name
    assert said.startswith(f"{name}: Something unexpected went wrong (RuntimeError); see the ")
    assert said.endswith(DELIVER_SENT_AGAIN)
    assert "deliver it again" not in said
    finish(qtbot, board.resume())
    finish(qtbot, board.wait_uploads())
    for order in (first, second):
        assert (board.order(order.id) or order).status is OrderStatus.COMPLETED


def test_deliver_several_names_the_orders_it_completes_and_says_what_became_of_each(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """The question said "for 2 orders" and named none, nor that completing cannot be undone
    (the selection may be wider than what is shown); after "Deliver all" nothing was said,
    and an order delivered meanwhile (automatic delivery, while the question was open) was
    passed over without a word."""
    window, board, _desk = setup
    first = finished_candidate(setup, loop_sandbox, qtbot, "Aino Lahti")
    second = finished_candidate(setup, loop_sandbox, qtbot, "Bror Ek")
    select_orders(window, [first.id, second.id])
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    asked = box.informativeText()
    for order in (first, second):
        assert f"  • {order_line(order)}" in asked, asked
    assert "Delivering completes each order: it cannot be undone." in box.text()
    finish(qtbot, board.deliver(first.id))  # as automatic delivery would, meanwhile
    answer(qtbot, window, "Deliver all")
    finish(qtbot, window.orders.controller.wait_idle())
    ((title, said),) = messages.shown[shown:]
    assert title == ""
    assert said.startswith("Results delivered: Bror Ek. Not delivered here: Aino Lahti (")
    for order in (first, second):
        assert (board.order(order.id) or order).status is OrderStatus.COMPLETED


def test_an_order_whose_assessment_was_deleted_in_berke_is_flagged_with_reject(
    setup: tuple[MainWindow, OrderBoard, Desk], qtbot: QtBot
) -> None:
    """Deleted by hand in Berke: the row says so, Accept is off with the reason, and the
    flag's fix opens Reject, which ends the order and clears the flag."""
    window, board, _desk = setup
    order = deleted_in_berke(setup, qtbot, "Nils")

    model = window.orders.model
    row = model.row_of(order.id)
    assert row is not None
    assert model.text(row, INBOX.index("attention")) == "Deleted in Berke"
    dialogs = Dialogs(window)
    window.orders.select_order(order.id)
    accept = window.orders.controller.actions[OrderAction.ACCEPT]
    qtbot.waitUntil(lambda: not accept.isEnabled())
    assert "link that no longer works" in accept.toolTip()
    detail = window.orders.detail
    fix = detail.flags.findChild(QPushButton, "fix_deleted_in_berke")
    assert fix is not None
    assert fix.text() == "Reject…"
    fix.click()
    reject = dialogs.wait_for(qtbot, RejectDialog)
    assert isinstance(reject, RejectDialog)
    reject.reason.setPlainText("The assessment was withdrawn in Berke: please order it again.")
    reject.ok.click()
    qtbot.waitUntil(lambda: (board.order(order.id) or order).status is OrderStatus.REJECTED)
    qtbot.waitUntil(lambda: not detail.flags.isVisible())
    assert model.text(row, INBOX.index("attention")) == ""


def test_a_fix_the_board_refuses_now_is_off_and_says_why(
    setup: tuple[MainWindow, OrderBoard, Desk], qtbot: QtBot
) -> None:
    """A flag's fix button was always on, and a click the board refused did nothing and said
    nothing: here "Deleted in Berke"'s Reject, while the coordinator's reject waits to be
    sent again. The button follows its action (off, the board's reason as its tooltip), and
    the action, triggered anyway, says why in the status line."""
    window, board, desk = setup
    order = deleted_in_berke(setup, qtbot, "Vera")
    window.orders.select_order(order.id)
    detail = window.orders.detail
    fix = detail.flags.findChild(QPushButton, "fix_deleted_in_berke")
    assert fix is not None
    assert fix.isEnabled()
    # The reject's 503: it waits in the journal, to be resumed (this board is not started).
    desk.journal.begin(order.id, RejectStep(request=RejectRequest(message="Withdrawn.")))
    finish(qtbot, board.refresh([order.id]))

    def fix_off() -> bool:
        shown = detail.flags.findChild(QPushButton, "fix_deleted_in_berke")
        return shown is not None and not shown.isEnabled()

    qtbot.waitUntil(fix_off)
    fix = detail.flags.findChild(QPushButton, "fix_deleted_in_berke")
    assert fix is not None
    assert fix.toolTip() == RETRIED_AUTOMATICALLY
    window.orders.controller.trigger(OrderAction.REJECT)
    assert window.statusBar().currentMessage() == f"Reject order: {RETRIED_AUTOMATICALLY}"


def test_deliver_all_under_way_when_the_connection_begins_to_close_finishes(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """Every ready order the coordinator sent off is delivered, even once a profile switch
    has begun: a close waits for what is under way, it does not cut it short silently."""
    _window, board, desk = setup
    names = [("Ola", "Nes"), ("Siv", "Aas")]
    orders = [
        finish(
            qtbot,
            desk.session.sr.create_test_order(
                new_order_body(first=first, last=last, email=f"{first.lower()}@example.com")
            ),
        )
        for first, last in names
    ]
    finish(qtbot, board.sync())
    for order, (first, last) in zip(orders, names, strict=True):
        request = CreateAssessmentRequest(
            first_name=first, last_name=last, email_address=f"{first.lower()}@example.com"
        )
        finish(qtbot, board.create_assessment(order.id, request))
        finish(qtbot, board.accept(order.id))
        finish(qtbot, board.invite(order.id))
        link = board.link(order.id)
        assert link is not None
        httpx.post(f"{loop_sandbox.berke_base_url}/_test/complete/{link.invitation_code}")
    finish(qtbot, board.watch())
    ids = [order.id for order in orders]
    assert all(board.why_not(OrderAction.DELIVER, [i]) is None for i in ids)

    delivering = asyncio.ensure_future(board.deliver_ready(ids))
    board.begin_closing()  # before the task's first step: every delivery runs while closing
    qtbot.waitUntil(delivering.done)
    assert delivering.result() == []
    for order_id in ids:
        assert (board.order(order_id) or orders[0]).status is OrderStatus.COMPLETED


@pytest.fixture
def in_kolkata(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with living_in(monkeypatch, "Asia/Kolkata"):  # UTC+5:30
        yield


def test_the_pane_and_the_inbox_say_the_same_completion_time(
    qtbot: QtBot, in_kolkata: None
) -> None:
    """Berke's ``completedOnUtc`` as ISO text without an offset was kept naive: the inbox's
    Berke column read it as UTC (15:30 in Kolkata), the detail pane as local time (10:00)."""
    status = AssessmentStatus.model_validate(
        {"sourceCandidateId": "AD-1", "statusId": 2, "completedOnUtc": "2026-03-29T10:00:00"}
    )
    db = Database(":memory:")
    BerkeWatchStore(db).record("AD-1", status.progress, completed_at=status.completed_on_utc)
    with db.reading() as conn:
        state = berke_state(conn.execute("SELECT * FROM berke_status").fetchone())
    assert berke_display(berke_words(state)) == "Complete · 2026-03-29 15:30"
    pane = OrderDetailPane([])
    qtbot.addWidget(pane)
    pane.show_berke(state, linked=True)
    assert pane.fields["berkeStatus"].text().startswith("Complete on 2026-03-29 15:30 ")


def test_the_verdict_on_the_card_reads_on_a_dark_palette(
    qtbot: QtBot, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> None:
    """On a dark desktop palette the card's verdict was drawn in fixed shades picked for a
    light one: "Not passed", dark red (#b3261e), and "Neither passed nor failed", grey
    (#5f6368), read at about 2.4:1 and 2.6:1 on the card's dark base, under WCAG's 3:1. Each
    keeps its shade on a light palette, and follows a switch while open."""
    from app.domain.berke_results import CompletedAssessment, result_for
    from app.workflows.delivery import DeliveryPlan

    order = AssessmentOrder.model_validate(
        {"id": "o1", "status": "IN_PROGRESS", "candidate": {"id": "c1", "firstName": "Ana"},
         "job": {"name": "Analyst"}, "company": {"name": "Acme"}}
    )  # fmt: skip
    report = tmp_path / "r.pdf"
    report.write_bytes(b"%PDF-1.4\n")
    for fit, own_job, verdict, light in [
        (0.2, True, "Not passed", "#b3261e"),
        (0.8, True, "Passed", "#2e7d32"),
        (0.8, False, "Neither passed nor failed", "#5f6368"),  # a fit for another job
    ]:
        completed = CompletedAssessment.model_validate(
            {"sourceCandidateId": "c1", "jobFit": [{"sourceJobId": "j1", "fitPct": fit}]}
        )
        fitted = completed.job_fits[0]
        result = result_for(order, completed, fitted, report_name="r.pdf", own_job=own_job)
        plan = DeliveryPlan(order.id, completed, fitted, result, report, "r.pdf", 9)
        preview = DeliveryPreviewDialog(order, plan)
        qtbot.addWidget(preview)
        show_exposed(qtbot, preview)
        assert _verdict_colour(preview, verdict).name() == light
        with app_palette(qtbot, dark_palette(), preview.card):
            base = preview.card.palette().color(QPalette.ColorRole.Base)
            ratio = contrast(_verdict_colour(preview, verdict), base)
            assert ratio >= WCAG_MIN, f"{verdict}: {ratio:.2f}:1"
        assert _verdict_colour(preview, verdict).name() == light
        preview.close()


def _verdict_colour(preview: DeliveryPreviewDialog, verdict: str) -> QColor:
    """The colour the card draws ``verdict`` in."""
    found = preview.card.document().find(verdict, 0, QTextDocument.FindFlag.FindCaseSensitively)
    assert not found.isNull()
    cursor = QTextCursor(found)
    cursor.setPosition(found.selectionStart() + 1)
    return cursor.charFormat().foreground().color()


class _AllReady:
    """What delivering several asks of the board before the coordinator answers."""

    def __init__(self, orders: list[AssessmentOrder]) -> None:
        self._orders = {o.id: o for o in orders}

    def order(self, order_id: str) -> AssessmentOrder | None:
        return self._orders.get(order_id)

    def why_not(self, _action: object, _ids: list[str]) -> str | None:
        return None

    def why_not_each(self, _action: object, ids: list[str]) -> list[str | None]:
        return [None for _ in ids]


def test_the_warning_that_delivering_is_final_stays_on_the_box_for_many_orders(
    window: MainWindow, qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    """It came after the list of orders, which the box cuts to its first lines: from ten
    orders on, the one line saying that delivering is final was left to Show Details…"""
    orders = [
        AssessmentOrder.model_validate(
            {
                "id": f"o{i}",
                "status": "IN_PROGRESS",
                "candidate": {"id": f"c{i}", "firstName": "Ana", "lastName": f"Smith {i}"},
                "job": {"name": "Analyst"},
                "company": {"name": "Acme"},
            }
        )
        for i in range(12)
    ]
    controller = window.orders.controller
    controller.board = _AllReady(orders)  # type: ignore[assignment]
    task = asyncio.ensure_future(controller._deliver_several([o.id for o in orders]))
    qtbot.waitUntil(lambda: any(b.isVisible() for b in window.findChildren(QMessageBox)))
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    shown = f"{box.text()}\n{box.informativeText()}"
    box.reject()  # Cancel: nothing is delivered
    qtbot.waitUntil(task.done)
    assert "Show Details" in shown  # the list was cut…
    assert "it cannot be undone" in shown  # …and the warning is still there


def deleted_in_berke(
    setup: tuple[MainWindow, OrderBoard, Desk], qtbot: QtBot, first: str
) -> AssessmentOrder:
    """A new order of ``first`` Ek, synced, its assessment created here, then deleted by hand
    in Berke, and the watch has seen it."""
    _window, board, desk = setup
    email = f"{first.lower()}@example.com"
    body = new_order_body(first=first, last="Ek", email=email)
    order = finish(qtbot, desk.session.sr.create_test_order(body))
    finish(qtbot, board.sync())
    made = finish(qtbot, board.create_assessment(order.id, board.default_request(order.id)))
    finish(qtbot, desk.session.berke.delete_assessment(made.source_candidate_id))
    finish(qtbot, board.watch())
    return order


class HeldReports(httpx.AsyncBaseTransport):
    """Berke's transport: the report of candidate ``slow`` is held until ``release`` (a slow
    download); that of candidate ``bad`` comes back as a web page, not a PDF."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, slow: str | None = None, bad: str | None = None
    ) -> None:
        self.inner, self.slow, self.bad = inner, slow, bad
        self.release = asyncio.Event()
        self.held = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/GetReportForJob"):
            candidate = json.loads(request.content).get("sourceCandidateId")
            if candidate == self.slow:
                self.held.set()
                await self.release.wait()
            if candidate == self.bad:
                page = b"<html>Try later</html>"
                return httpx.Response(200, headers={"content-type": "text/html"}, content=page)
        return await self.inner.handle_async_request(request)


def status_of(board: OrderBoard, order_id: str) -> OrderStatus:
    order = board.order(order_id)
    assert order is not None
    return order.status


def berke_reports(
    setup: tuple[MainWindow, OrderBoard, Desk], *, slow: str | None = None, bad: str | None = None
) -> HeldReports:
    """Berke's reports of the orders ``slow`` and ``bad`` held back, or spoilt (``HeldReports``)."""
    _window, board, desk = setup

    def candidate(order_id: str | None) -> str | None:
        link = board.link(order_id) if order_id is not None else None
        return link.source_candidate_id if link is not None else None

    http = desk.session.berke._http.http
    held = HeldReports(http._transport, candidate(slow), candidate(bad))
    http._transport = held
    return held


def test_fetching_the_report_before_the_preview_is_said_and_a_second_press_is_answered(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """The preview opens once Berke's report is downloaded (up to a minute): nothing said so
    meanwhile, and a second Deliver, pressed as the first seemed lost, was dropped unsaid."""
    window, _board, _desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Tove Slow")
    held = berke_reports(setup, slow=order.id)
    dialogs = Dialogs(window)
    window.orders.select_order(order.id)
    deliver = window.orders.controller.actions[OrderAction.DELIVER]
    deliver.trigger()
    qtbot.waitUntil(held.held.is_set)
    try:
        fetching = "Fetching Berke's report for Tove Slow…"
        assert window.statusBar().currentMessage() == fetching
        deliver.trigger()  # again: answered
        assert window.statusBar().currentMessage() == (
            f"Deliver Berke's result: Already under way. {fetching}"
        )
    finally:
        held.release.set()
    preview = dialogs.wait_for(qtbot, DeliveryPreviewDialog)
    assert isinstance(preview, DeliveryPreviewDialog)
    assert "Fetching" not in window.statusBar().currentMessage()  # the preview took over
    preview.reject()
    finish(qtbot, window.orders.controller.wait_idle())


def test_a_report_that_cannot_be_fetched_leaves_no_fetching_line(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    window, _board, _desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Ulla Bad")
    berke_reports(setup, bad=order.id)
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    finish(qtbot, window.orders.controller.wait_idle())
    assert "not a PDF" in window.orders.controller.messages.shown[-1][1]
    assert "Fetching" not in window.statusBar().currentMessage()


def test_why_one_order_could_not_be_delivered_stays_on_the_order(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """Deliver on one order, its report not a PDF: the error box said so, and afterwards the
    order's row and pane said nothing of it ("Deliver all" keeps it on the flag). Now the
    same words stay, until a delivery goes through."""
    window, board, _desk = setup
    order = finished_candidate(setup, loop_sandbox, qtbot, "Vera Bad")
    reports = berke_reports(setup, bad=order.id)
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    finish(qtbot, window.orders.controller.wait_idle())
    assert "not a PDF" in window.orders.controller.messages.shown[-1][1]

    finish(qtbot, window.orders.wait_idle())
    model = window.orders.model
    row = model.row_of(order.id)
    assert row is not None
    assert model.text(row, INBOX.index("attention")) == "Delivery refused"
    flag = "\n".join(label.text() for label in window.orders.detail.flags.findChildren(QLabel))
    assert "delivering the result was refused" in flag
    assert "not a PDF" in flag

    reports.bad = None  # Berke's report is right now: delivered, and the flag goes
    finish(qtbot, board.deliver(order.id))
    assert board.flags(order.id) == []


def delivering_four(
    setup: tuple[MainWindow, OrderBoard, Desk], sandbox: SandboxServer, qtbot: QtBot
) -> tuple[list[str], HeldReports]:
    """Four finished candidates' orders sent off with "Deliver all", in the order of the
    selection; the third one's report slow to come, and waited for."""
    window, board, _desk = setup
    names = ["Ada Lund", "Bo Lund", "Cem Lund", "Dag Lund"]
    ids = [finished_candidate(setup, sandbox, qtbot, name).id for name in names]
    select_orders(window, ids)
    ready = window.orders.selected_ids()  # the order they are delivered in
    held = berke_reports(setup, slow=ready[2])
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    answer(qtbot, window, "Deliver all")
    qtbot.waitUntil(held.held.is_set)
    assert [status_of(board, i) for i in ready[:2]] == [OrderStatus.COMPLETED] * 2
    return ready, held


def test_a_delivery_of_several_says_how_far_it_got_and_a_second_press_is_answered(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """ "Deliver all" ran with nothing on screen saying so (the status line kept the last
    sync's words), and a second press of Deliver on the same orders did nothing, unsaid."""
    window, board, _desk = setup
    ready, held = delivering_four(setup, loop_sandbox, qtbot)
    third = board.order(ready[2])
    assert third is not None
    try:
        doing = f"Delivering 3 of 4 ({third.candidate.display_name})… {STOP_DELIVERING}"
        assert window.statusBar().currentMessage() == doing
        window.orders.controller.actions[OrderAction.DELIVER].trigger()
        assert window.statusBar().currentMessage() == (
            f"Deliver Berke's result: Already under way. {doing}"
        )
    finally:
        held.release.set()
    finish(qtbot, window.orders.controller.wait_idle())
    assert all(status_of(board, i) is OrderStatus.COMPLETED for i in ready)
    assert window.statusBar().currentMessage().startswith("Results delivered: ")


def test_esc_stops_a_delivery_of_several_before_its_next_order(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """Nothing stopped "Deliver all" once begun. Esc now stops it after the order being
    delivered: those delivered stay so, the rest are said not begun."""
    window, board, _desk = setup
    ready, held = delivering_four(setup, loop_sandbox, qtbot)
    try:
        qtbot.keyClick(window.orders.table, Qt.Key.Key_Escape)
        assert window.statusBar().currentMessage() == "Stopping after the order being delivered…"
    finally:
        held.release.set()
    finish(qtbot, window.orders.controller.wait_idle())
    assert [status_of(board, i) for i in ready] == [OrderStatus.COMPLETED] * 3 + [
        OrderStatus.IN_PROGRESS
    ]
    last = board.order(ready[3])
    assert last is not None
    said = window.orders.controller.messages.shown[-1][1]
    assert said.endswith(f"Stopped before delivering: {last.candidate.display_name}.")
    assert window.statusBar().currentMessage() == said


def test_a_delivery_of_several_is_stopped_from_the_order_menu_or_the_status_bars_button(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """Only Esc stopped "Deliver all", and only the progress line said so. Order › Stop
    delivering (Esc, listed under Help › Keyboard shortcuts) and a Stop beside the line now
    do it, on while it runs only, by the same stop as Esc's."""
    window, board, _desk = setup
    stop = window.orders.controller.stop_delivering_action
    button = window.stop_delivering_button
    order_menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Order")
    assert stop in order_menu.actions()
    assert not stop.isEnabled()
    assert not button.isVisible()
    dialog = window.show_keyboard_shortcuts()
    listed = {(row.keys, row.what) for row in dialog.listed()}
    dialog.close()
    assert ("Esc", "Stop delivering") in listed

    ready, held = delivering_four(setup, loop_sandbox, qtbot)
    try:
        assert stop.isEnabled()
        assert button.isVisible()
        # Before: named "Stop" as built, it read "Stop delivering" once the action came on.
        assert button.text() == "Stop"
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert window.statusBar().currentMessage() == "Stopping after the order being delivered…"
    finally:
        held.release.set()
    finish(qtbot, window.orders.controller.wait_idle())
    assert [status_of(board, i) for i in ready] == [OrderStatus.COMPLETED] * 3 + [
        OrderStatus.IN_PROGRESS
    ]
    assert not stop.isEnabled()
    assert not button.isVisible()


def test_why_an_order_of_a_delivery_of_several_failed_stays_on_the_order(
    setup: tuple[MainWindow, OrderBoard, Desk], loop_sandbox: SandboxServer, qtbot: QtBot
) -> None:
    """One report comes back as a page, not a PDF (refused the same way every time): the
    error box said so once, and after OK the order showed only "Deliver the result", as one
    never tried. Automatic delivery keeps such a refusal on the order's flag; the
    coordinator's own now does too, until a delivery goes through."""
    window, board, _desk = setup
    orders = [
        finished_candidate(setup, loop_sandbox, qtbot, name)
        for name in ("Eva Holm", "Finn Holm", "Gro Holm")
    ]
    bad = orders[1].id
    reports = berke_reports(setup, bad=bad)
    select_orders(window, [o.id for o in orders])
    window.orders.controller.actions[OrderAction.DELIVER].trigger()
    answer(qtbot, window, "Deliver all")
    finish(qtbot, window.orders.controller.wait_idle())
    assert status_of(board, bad) is OrderStatus.IN_PROGRESS
    assert all(status_of(board, o.id) is OrderStatus.COMPLETED for o in orders if o.id != bad)
    for box in [b for b in window.findChildren(QMessageBox) if b.isVisible()]:
        box.accept()  # OK

    window.orders.select_order(bad)  # the coordinator comes back to it
    finish(qtbot, window.orders.wait_idle())
    model = window.orders.model
    row = model.row_of(bad)
    assert row is not None
    assert model.text(row, INBOX.index("attention")) == "Delivery refused"
    detail = window.orders.detail
    flag = "\n".join(label.text() for label in detail.flags.findChildren(QLabel))
    assert "delivering the result was refused" in flag
    assert "not a PDF" in flag

    reports.bad = None  # Berke's report is right now: delivered, and the flag goes
    finish(qtbot, board.deliver(bad))
    assert status_of(board, bad) is OrderStatus.COMPLETED
    assert board.flags(bad) == []
