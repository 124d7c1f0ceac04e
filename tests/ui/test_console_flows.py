"""The coordinator's daily flows, clicked through the real widgets against the sandbox."""

from __future__ import annotations

import asyncio
import functools
import gc
import sqlite3
import threading
from collections.abc import Callable, Coroutine, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest
from PySide6.QtCore import QItemSelectionModel, QRect, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)
from shiboken6 import Shiboken

import app.workflows.board as board_module
from app.clients.errors import ApiError, ServerError, Service, ValidationApiError
from app.domain.assessment_prefill import stable_candidate_id
from app.domain.attention import Attention
from app.domain.berke import CreateAssessmentRequest
from app.domain.berke_progress import BerkeProgress
from app.domain.journal import (
    AcceptStep,
    CompleteStep,
    CreateAssessmentStep,
    CreateResultStep,
    InviteStep,
    JournalEntry,
    OrderUpdated,
    RejectStep,
    ResultRecorded,
    SentAs,
)
from app.domain.journal_terms import ResultFlow, StepKind, StepState
from app.domain.order_rules import OrderAction
from app.domain.order_state import OrderState
from app.domain.smartrecruiters import (
    AssessmentComment,
    AssessmentOrder,
    AssessmentResult,
    OrderStatus,
    RejectRequest,
    ResultType,
)
from app.store.database import Database
from app.store.local_state import load_states
from app.ui.common.command_palette import CommandPalette
from app.ui.common.screens import available_room
from app.ui.main_window import ORDERS_OUT_OF_SIGHT, MainWindow
from app.ui.orders import orders_room
from app.ui.orders.batch_dialog import BatchDialog
from app.ui.orders.batch_plan_dialog import BatchPlanDialog, PlanTableModel
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.detail_pane import OrderDetailPane
from app.ui.orders.invite_dialog import InviteDialog
from app.ui.orders.order_actions import BATCH_UNDER_WAY, CANDIDATE_ROW
from app.ui.orders.order_dialogs import AcceptDialog, RejectDialog
from app.ui.orders.url_preview import UrlPreviewDialog
from app.views.inbox_columns import INBOX
from app.workflows.batch import PlanKind
from app.workflows.board import OrderBoard, SyncOutcome
from app.workflows.desk import Desk
from app.workflows.notifier import RecordingNotifier, install_error_hooks
from app.workflows.order_actions import REJECT_WAITING
from app.workflows.refusals import (
    COMMENT_SENT_AGAIN,
    CREATE_SENT_AGAIN,
    REJECT_SENT_AGAIN,
    ActionNotAllowedError,
)
from tests.await_chain import STILL_CONNECTING, tasks_in
from tests.integration.helpers import new_order_body
from tests.ui.clipping import clipped, settle
from tests.ui.conftest import connect, data_file_held_once, make_desk, show_exposed
from tests.ui.paints import Paints, painted_by
from tests.ui.screen_reader import heard
from tests.waits import HANG_GUARD_SECONDS

T = TypeVar("T")

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer


@pytest.fixture
def live_desk(
    sandbox: SandboxServer, tmp_path: Path, running_loop: asyncio.AbstractEventLoop, qtbot: QtBot
) -> Iterator[Desk]:
    made = make_desk(sandbox, tmp_path / "desk.sqlite3")
    yield made
    closing = asyncio.ensure_future(made.session.aclose())
    qtbot.waitUntil(closing.done)
    made.db.close()


@pytest.fixture
def window(
    qtbot: QtBot, qsettings: QSettings, live_desk: Desk, running_loop: asyncio.AbstractEventLoop
) -> Iterator[MainWindow]:
    made = MainWindow(settings=qsettings)
    qtbot.addWidget(made)
    made.show()
    # Not started: the tests drive sync, resume and watch; a background round at a moment
    # of its choosing would race them (a slow test crosses the demo's 15 s watch).
    board = connect(made, live_desk, start=False)
    _DESKS[id(made)] = live_desk
    with qtbot.waitSignal(made.sync_finished):
        made.request_sync()
    yield made
    stopping = asyncio.ensure_future(board.stop())
    qtbot.waitUntil(stopping.done)
    _DESKS.pop(id(made), None)


# The desk behind each window: tests look into its journal and call the services directly,
# which the window itself never does.
_DESKS: dict[int, Desk] = {}


def desk_of(window: MainWindow) -> Desk:
    return _DESKS[id(window)]


def board_of(window: MainWindow) -> OrderBoard:
    assert window.board is not None
    return window.board


def finish(qtbot: QtBot, coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on the running qasync loop while Qt processes events; return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done)
    return task.result()


class Dialogs:
    """Collects the dialogs the controller opens, in order."""

    def __init__(self, window: MainWindow) -> None:
        self.opened: list[QWidget] = []
        window.orders.controller.dialog_opened = self.opened.append

    def wait_for(self, qtbot: QtBot, kind: type[QWidget]) -> QWidget:
        """The latest such dialog still there (an earlier flow's went with its flow)."""

        def there() -> list[QWidget]:
            return [d for d in self.opened if isinstance(d, kind) and Shiboken.isValid(d)]

        qtbot.waitUntil(lambda: bool(there()))
        return there()[-1]


def closed(dialog: QWidget) -> bool:
    """Closed, or gone already: an order dialog goes when its flow ends."""
    return not Shiboken.isValid(dialog) or not dialog.isVisible()


def add_test_order(window: MainWindow, qtbot: QtBot, **body: Any) -> AssessmentOrder:
    """A fresh NEW order in the sandbox, synced into the window and selected."""
    made = finish(qtbot, desk_of(window).session.sr.create_test_order(new_order_body(**body)))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    window.orders.select_order(made.id)
    return made


def current(window: MainWindow, order_id: str) -> AssessmentOrder:
    order = board_of(window).order(order_id)
    assert order is not None
    return order


def open_reject(window: MainWindow, qtbot: QtBot, dialogs: Dialogs) -> RejectDialog:
    """Order > Reject… on the orders selected: its dialog, open."""
    window.orders.controller.actions[OrderAction.REJECT].trigger()
    dialog = dialogs.wait_for(qtbot, RejectDialog)
    assert isinstance(dialog, RejectDialog)
    return dialog


def select_completed(window: MainWindow) -> AssessmentOrder:
    order = next(o for o in board_of(window).orders() if o.status is OrderStatus.COMPLETED)
    window.orders.select_order(order.id)
    return order


def test_detail_pane_shows_the_order(window: MainWindow, qtbot: QtBot) -> None:
    order = next(o for o in board_of(window).orders() if o.job and o.job.location)
    window.orders.select_order(order.id)
    detail = window.orders.detail
    assert detail.title.text() == order.candidate.full_name
    assert detail.fields["jobName"].text() == order.job.name  # type: ignore[union-attr]
    assert detail.fields["jobLocation"].text() == str(order.job.location)  # type: ignore[union-attr]
    assert detail.fields["orderId"].text() == order.id
    assert detail.fields["invitationCode"].text() == "Not created yet"
    qtbot.waitUntil(lambda: detail.comment_state.text() != "Loading comments…")


def test_final_orders_disable_every_state_change_with_a_reason(window: MainWindow) -> None:
    select_completed(window)
    actions = window.orders.controller.actions
    for kind in (OrderAction.CREATE_ASSESSMENT, OrderAction.ACCEPT, OrderAction.REJECT,
                 OrderAction.INVITE, OrderAction.CREATE_ACCEPT_INVITE):  # fmt: skip
        assert not actions[kind].isEnabled()
        assert "completed" in actions[kind].toolTip() or "new orders" in actions[kind].toolTip()
    rejected = next(o for o in board_of(window).orders() if o.status is OrderStatus.REJECTED)
    window.orders.select_order(rejected.id)
    assert not actions[OrderAction.REJECT].isEnabled()
    assert "rejected" in actions[OrderAction.REJECT].toolTip()


def test_a_shortcut_of_an_action_that_is_off_says_why(window: MainWindow, qtbot: QtBot) -> None:
    """Qt drops a disabled action's shortcut silently: the status line says why it is off."""
    window.orders.table.clearSelection()
    window.orders.table.setFocus()
    said = window.orders.controller.messages.shown
    qtbot.keyClick(window.orders.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert said[-1] == ("", "Create Berke assessment: Select an order first.")
    assert window.statusBar().currentMessage() == said[-1][1]
    # From the search field too; and plain typing there says nothing.
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.orders.search, Qt.Key.Key_D, shift_ctrl)
    assert said[-1] == ("", "Deliver Berke's result: Select an order first.")
    before = len(said)
    qtbot.keyClicks(window.orders.search, "an")
    window.orders.search.clear()
    assert len(said) == before

    # An order that cannot be accepted yet: its own reason, not the selection's.
    order = add_test_order(window, qtbot)
    window.orders.table.setFocus()
    qtbot.keyClick(window.orders.table, Qt.Key.Key_A, shift_ctrl)
    reason = window.orders.controller.actions[OrderAction.ACCEPT].toolTip()
    assert reason != "Select an order first."
    assert said[-1] == ("", f"Accept order: {reason}")
    assert window.orders.selected_ids() == [order.id]


def test_an_order_shortcut_on_the_offers_tab_says_why_it_does_nothing(
    window: MainWindow, qtbot: QtBot
) -> None:
    """On the Offers tab the order actions are off (ORDERS_OUT_OF_SIGHT): a press of one's
    shortcut was dropped without a word, the reason only a menu's tooltip, because the key
    was caught in the Orders room alone. Said once, on either tab."""
    new = next(o for o in board_of(window).orders() if o.status is OrderStatus.NEW)
    window.orders.select_order(new.id)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    said = window.orders.controller.messages.shown
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window.rooms.setCurrentIndex(window.rooms.indexOf(window.offers))
    assert not window.orders.controller.actions[OrderAction.REJECT].isEnabled()
    window.offers.focus_search()  # where Ctrl+F puts the keyboard on this tab
    before = len(said)
    qtbot.keyClick(window.offers.search, Qt.Key.Key_R, shift_ctrl)
    assert said[before:] == [("", f"Reject order: {ORDERS_OUT_OF_SIGHT}")]
    qtbot.keyClick(window.offers.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert said[-1] == ("", f"Create Berke assessment: {ORDERS_OUT_OF_SIGHT}")

    window.rooms.setCurrentWidget(window.orders)  # back: the room's reason, once
    window.orders.table.setFocus()
    deliver = window.orders.controller.actions[OrderAction.DELIVER]
    assert not deliver.isEnabled()  # a new order has no result
    before = len(said)
    qtbot.keyClick(window.orders.table, Qt.Key.Key_D, shift_ctrl)
    assert said[before:] == [("", f"Deliver Berke's result: {deliver.toolTip()}")]


def test_create_preview_accept_and_invite(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Aiko", last="Tanaka", email="aiko@example.com")
    actions = window.orders.controller.actions
    assert actions[OrderAction.CREATE_ASSESSMENT].isEnabled()
    assert not actions[OrderAction.ACCEPT].isEnabled()
    assert "Create the Berke assessment first" in actions[OrderAction.ACCEPT].toolTip()
    assert not actions[OrderAction.SHOW_CODE].isEnabled()

    actions[OrderAction.CREATE_ASSESSMENT].trigger()
    form = dialogs.wait_for(qtbot, BerkeAssessmentForm)
    assert isinstance(form, BerkeAssessmentForm)
    assert form.first_name.text() == "Aiko"
    qtbot.waitUntil(form.can_submit)  # jobs loaded, form valid
    qtbot.keyClick(form, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    preview = dialogs.wait_for(qtbot, UrlPreviewDialog)
    assert isinstance(preview, UrlPreviewDialog)
    link = board_of(window).link(order.id)
    assert link is not None
    assert preview.findChild(QWidget, "invitationCode").text() == link.invitation_code  # type: ignore[union-attr]
    assert window.orders.detail.fields["invitationCode"].text() == link.invitation_code
    assert not actions[OrderAction.CREATE_ASSESSMENT].isEnabled()  # never a second one

    preview.findChild(QWidget, "acceptButton").click()  # type: ignore[union-attr]
    accept = dialogs.wait_for(qtbot, AcceptDialog)
    assert isinstance(accept, AcceptDialog)
    assert accept.url.text() == link.assessment_url
    accept.accept()
    qtbot.waitUntil(lambda: current(window, order.id).status is OrderStatus.IN_PROGRESS)
    assert not actions[OrderAction.ACCEPT].isEnabled()

    assert actions[OrderAction.INVITE].isEnabled()
    actions[OrderAction.INVITE].trigger()
    invite = dialogs.wait_for(qtbot, InviteDialog)
    assert isinstance(invite, InviteDialog)
    assert "aiko@example.com" in invite.recipient.text()
    qtbot.keyClicks(invite.message, "See you next week.")
    qtbot.keyClicks(invite.sender_name, "Cora Coordinator")
    invite.submit_button.click()
    qtbot.waitUntil(
        lambda: "Sent to aiko@example.com" in window.orders.detail.fields["invitation"].text(),
    )
    qtbot.waitUntil(lambda: closed(invite))
    entries = desk_of(window).journal.entries(order.id)
    assert [e.action for e in entries] == [
        StepKind.CREATE_ASSESSMENT, StepKind.ACCEPT, StepKind.INVITE,
    ]  # fmt: skip
    sent = entries[-1].step
    assert isinstance(sent, InviteStep)
    assert (sent.request.message, sent.request.sender_name) == (
        "See you next week.",
        "Cora Coordinator",
    )
    # The activity list reads the journal off the GUI thread: it follows shortly.
    qtbot.waitUntil(lambda: window.orders.detail.timeline.rowCount() == 3)
    # Each step done is said in passing, with whom it was for (before: nothing was).
    said = [text for _title, text in window.messages.shown]
    assert [t.split(":")[0] for t in said if t.endswith("Aiko Tanaka.")] == [
        "Accepted", "Invitation sent"
    ]  # fmt: skip


def show_code(window: MainWindow, qtbot: QtBot, order_id: str) -> UrlPreviewDialog:
    """The order selected, and its URL preview opened with Show code."""
    window.orders.select_order(order_id)
    action = window.orders.controller.actions[OrderAction.SHOW_CODE]
    qtbot.waitUntil(action.isEnabled)
    dialogs = Dialogs(window)
    action.trigger()
    preview = dialogs.wait_for(qtbot, UrlPreviewDialog)
    assert isinstance(preview, UrlPreviewDialog)
    return preview


def test_the_code_and_slip_come_back_once_the_preview_has_gone(
    window: MainWindow, qtbot: QtBot
) -> None:
    # The preview opens once, after the create: a candidate without email had their slip
    # only then. Shown again, an order accepted has no Accept in it.
    order = add_test_order(window, qtbot, first="Ines", last="Moreau", email="")
    board = board_of(window)
    request = CreateAssessmentRequest(
        first_name="Ines", last_name="Moreau", email_address="ines@example.com"
    )
    finish(qtbot, board.create_assessment(order.id, request))
    finish(qtbot, board.accept(order.id))
    preview = show_code(window, qtbot, order.id)
    link = board.link(order.id)
    assert link is not None
    assert preview.findChild(QWidget, "invitationCode").text() == link.invitation_code  # type: ignore[union-attr]
    assert preview.print_slip_button.isEnabled()
    assert not preview.accept_button.isVisibleTo(preview)
    preview.reject()


def test_open_in_browser_goes_through_the_windows_opener(window: MainWindow, qtbot: QtBot) -> None:
    # The URL preview opened the browser with Qt's own opener, past the window's: the one a
    # test (or a later "no browser" message of the window) replaces.
    order = add_test_order(window, qtbot, first="Noor", last="Haddad")
    board = board_of(window)
    request = CreateAssessmentRequest(
        first_name="Noor", last_name="Haddad", email_address="noor@example.com"
    )
    finish(qtbot, board.create_assessment(order.id, request))
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return False

    window.open_url = open_url
    preview = show_code(window, qtbot, order.id)
    preview.open_url_button.click()
    link = board.link(order.id)
    assert link is not None
    assert opened == [QUrl(link.assessment_url)]
    assert "No browser" in preview.status_message.text()
    preview.reject()


def test_a_reachability_check_closed_while_connecting_ends_cancelled(
    window: MainWindow, qtbot: QtBot, hanging_port: int
) -> None:
    """The preview goes with its flow as it closes; its check, cancelled then, stops only some
    turns of the loop later when it was connecting (the candidate's page on a network gone
    away). Before, the check then re-enabled its button on the deleted preview and ended
    with "Internal C++ object already deleted" instead of cancelled."""
    order = add_test_order(window, qtbot, first="Noor", last="Haddad")
    board = board_of(window)
    request = CreateAssessmentRequest(first_name="Noor", last_name="Haddad")
    finish(qtbot, board.create_assessment(order.id, request))
    created = board.created(order.id)
    assert created is not None
    unreachable = created.model_copy(
        update={"assessment_url": f"http://127.0.0.1:{hanging_port}/start/NOWHERE"}
    )
    board.created = lambda order_id: unreachable  # type: ignore[method-assign]
    preview = show_code(window, qtbot, order.id)
    preview.reachability_button.click()
    loop = asyncio.get_event_loop()
    qtbot.waitUntil(lambda: bool(tasks_in(loop, "check_reachability", STILL_CONNECTING)))
    (check,) = tasks_in(loop, "check_reachability", STILL_CONNECTING)
    preview.reject()
    qtbot.waitUntil(check.done)
    qtbot.waitUntil(lambda: not Shiboken.isValid(preview))  # gone with its flow, as before
    assert check.cancelled(), check.exception()
    finish(qtbot, window.orders.controller.wait_idle())


def QApplication_active_box(window: MainWindow) -> QMessageBox | None:
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    return boxes[-1] if boxes else None


def test_server_error_is_shown_under_its_field(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Chloé", last="Dubois")
    # The coordinator types an id that Berke already holds for someone else.
    taken = CreateAssessmentRequest(
        first_name="Xavier", last_name="Young", source_candidate_id=f"HR-{order.id[:12]}"
    )
    finish(qtbot, desk_of(window).session.berke.create_assessment(taken))
    window.orders.controller.actions[OrderAction.CREATE_ASSESSMENT].trigger()
    form = dialogs.wait_for(qtbot, BerkeAssessmentForm)
    assert isinstance(form, BerkeAssessmentForm)
    form.source_candidate_id.setText(f"HR-{order.id[:12]}")
    qtbot.waitUntil(form.can_submit)
    form.create_button.click()
    label = form.findChild(QWidget, "error_sourceCandidateId")
    qtbot.waitUntil(lambda: label.isVisible() and bool(label.text()))  # type: ignore[union-attr]
    text = label.text()  # type: ignore[union-attr]
    assert "already used in Berke for Xavier Young" in text
    assert "clear the id" in text
    assert form.isVisible()  # the input is kept
    assert board_of(window).link(order.id) is None
    assert desk_of(window).journal.entries(order.id) == []  # refused before anything was sent
    form.reject()


def test_reject_explains_credit_and_resend(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Łukasz", last="Nowak")
    dialog = open_reject(window, qtbot, dialogs)
    text = dialog.findChild(QWidget, "rejectExplanation").text()  # type: ignore[union-attr]
    assert "1 credit back" in text
    assert "re-send" in text
    assert not dialog.ok.isEnabled()  # a reason is required
    dialog.reason.setPlainText("The candidate withdrew.")
    dialog.ok.click()
    qtbot.waitUntil(lambda: current(window, order.id).status is OrderStatus.REJECTED)
    assert desk_of(window).journal.entries(order.id)[-1].step == RejectStep(
        request=RejectRequest(message="The candidate withdrew."),
        author=SentAs(person=desk_of(window).author),
    )


def test_a_dialog_goes_when_its_flow_ends(window: MainWindow, qtbot: QtBot) -> None:
    """Parented to the window, every dialog opened stayed for the session (a day's work left
    hundreds), and every question and error box with them."""
    dialogs = Dialogs(window)
    add_test_order(window, qtbot, first="Ines", last="Lund")
    controller = window.orders.controller
    for _ in range(3):
        dialog = open_reject(window, qtbot, dialogs)
        dialogs.opened.clear()
        dialog.reject()
        finish(qtbot, controller.wait_idle())
    window.orders.controller.messages.error("Title", "Words")
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None
    box.accept()
    qtbot.waitUntil(lambda: not window.findChildren(QDialog))


def test_a_dialog_opens_at_the_size_it_was_last_given(window: MainWindow, qtbot: QtBot) -> None:
    """Kept per kind of dialog in the window's settings; never larger than the screen."""
    dialogs = Dialogs(window)
    add_test_order(window, qtbot, first="Ola", last="Berg")
    controller = window.orders.controller

    def reject_dialog() -> RejectDialog:
        dialogs.opened.clear()
        dialog = open_reject(window, qtbot, dialogs)
        show_exposed(qtbot, dialog)
        return dialog

    first = reject_dialog()
    default = first.size()
    first.resize(default.width() + 120, default.height() + 90)
    first.reject()
    finish(qtbot, controller.wait_idle())
    again = reject_dialog()
    assert (again.width(), again.height()) == (default.width() + 120, default.height() + 90)
    again.resize(5000, 5000)  # a size from a bigger screen
    again.reject()
    finish(qtbot, controller.wait_idle())
    room = available_room(window)
    clamped = reject_dialog()
    assert clamped.width() <= room.width()
    assert clamped.height() <= room.height()
    clamped.reject()
    finish(qtbot, controller.wait_idle())
    alone = RejectDialog([current(window, window.orders.selected_ids()[0])])
    qtbot.addWidget(alone)
    show_exposed(qtbot, alone)
    assert alone.size() == default  # not over the main window: nothing remembered


def test_a_form_closed_before_berkes_jobs_came_is_not_filled_after(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The form goes with its flow: the jobs asked for it, answered late, filled a deleted
    form ("Internal C++ object already deleted", a background task's failure)."""
    dialogs = Dialogs(window)
    add_test_order(window, qtbot, first="Sol", last="Berg")
    board = board_of(window)
    gate = asyncio.Event()
    real_jobs = board.jobs

    async def late_jobs() -> Any:
        await gate.wait()
        return await real_jobs()

    board.jobs = late_jobs  # type: ignore[method-assign]
    failures: list[object] = []
    loop = asyncio.get_event_loop()
    before = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: failures.append(context.get("exception")))
    try:
        controller = window.orders.controller
        controller.actions[OrderAction.CREATE_ASSESSMENT].trigger()
        form = dialogs.wait_for(qtbot, BerkeAssessmentForm)
        assert isinstance(form, BerkeAssessmentForm)
        form.reject()
        qtbot.waitUntil(lambda: not window.findChildren(BerkeAssessmentForm))
        gate.set()
        finish(qtbot, controller.wait_idle())
    finally:
        loop.set_exception_handler(before)
    assert failures == []


def test_invite_disabled_without_email(window: MainWindow, qtbot: QtBot) -> None:
    order = add_test_order(window, qtbot, first="Søren", last="Ødegaard", email=None)
    request = CreateAssessmentRequest(first_name="Søren", last_name="Ødegaard")
    finish(qtbot, board_of(window).create_assessment(order.id, request))
    window.orders.select_order(order.id)
    invite = window.orders.controller.actions[OrderAction.INVITE]
    assert not invite.isEnabled()
    assert "no email" in invite.toolTip()


def select_orders(window: MainWindow, order_ids: list[str]) -> None:
    table = window.orders.table
    table.clearSelection()
    flags = table.selectionModel().SelectionFlag
    for order_id in order_ids:
        row = window.orders.proxy.mapFromSource(
            window.orders.model.index(window.orders.model.row_of(order_id) or 0, 0)
        )
        table.selectionModel().select(row, flags.Select | flags.Rows)
    assert sorted(window.orders.selected_ids()) == sorted(order_ids)


def open_plan(window: MainWindow, qtbot: QtBot, dialogs: Dialogs) -> BatchPlanDialog:
    window.orders.controller.actions[OrderAction.CREATE_ACCEPT_INVITE].trigger()
    plan = dialogs.wait_for(qtbot, BatchPlanDialog)
    assert isinstance(plan, BatchPlanDialog)
    return plan


def test_no_second_batch_starts_while_one_is_planned(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Berke slow to give its jobs: nothing showed while the plan loaded, and the same
    candidate's other order took a second Create, accept and invite. Both plans said
    "Create"; run together, she had two assessments and two emails."""
    dialogs = Dialogs(window)
    first = add_test_order(window, qtbot, first="Ana", last="Vidal", email="ana.v@example.com")
    second = add_test_order(window, qtbot, first="Ana", last="Vidal", email="ana.v@example.com")
    board = board_of(window)
    plan_batch = board.plan_batch
    answered = asyncio.Event()

    async def slow_plan(*args: Any, **kwargs: Any) -> Any:
        await answered.wait()
        return await plan_batch(*args, **kwargs)

    monkeypatch.setattr(board, "plan_batch", slow_plan)
    controller = window.orders.controller
    batch = controller.actions[OrderAction.CREATE_ACCEPT_INVITE]
    messages = controller.messages
    shown = len(messages.shown)
    window.orders.select_order(first.id)
    batch.trigger()
    qtbot.waitUntil(lambda: len(messages.shown) > shown)
    assert messages.shown[shown:] == [("", "Planning Create, accept and invite for 1 order…")]
    window.orders.select_order(second.id)
    assert not batch.isEnabled()
    assert batch.toolTip() == BATCH_UNDER_WAY
    batch.trigger()  # the shortcut, pressed anyway
    answered.set()
    plan = dialogs.wait_for(qtbot, BatchPlanDialog)
    assert isinstance(plan, BatchPlanDialog)
    assert [p.order_id for p in plan.model.rows] == [first.id]
    plan.reject()
    finish(qtbot, controller.wait_idle())
    assert [type(d) for d in dialogs.opened] == [BatchPlanDialog]
    assert batch.isEnabled()  # over: the other order may have its own now


def test_batch_create_accept_invite_with_outcomes(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Ana", last="Silva", email="ana@example.com")
    two = add_test_order(window, qtbot, first="Ben", last="Okafor", email=None)
    done_order = select_completed(window)
    select_orders(window, [one.id, two.id, done_order.id])
    plan = open_plan(window, qtbot, dialogs)

    # The plan, before anything is sent: the job each gets, what happens, who is skipped.
    rows = {p.order_id: p for p in plan.model.rows}
    assert rows[done_order.id].kind is PlanKind.SKIP
    assert rows[one.id].what_happens() == "Create, accept, invite ana@example.com"
    assert "no email" in rows[two.id].what_happens()
    # "Data Analyst" is no Berke job: said, in colour, not silently the default.
    warning = rows[one.id].warning()
    assert warning is not None
    assert "Data Analyst" in warning
    assert rows[one.id].job_text == "Berke's default job"
    assert "2 of 3 selected orders will be run" in plan.summary.text()
    assert plan.submit_button.text() == "Run for 2 orders"
    assert board_of(window).link(one.id) is None  # nothing sent yet

    # The coordinator gives Ana a job by hand (the combo in the Berke job column).
    position = next(i for i, p in enumerate(plan.model.rows) if p.order_id == one.id)
    index = plan.model.index(position, PlanTableModel.JOB_COLUMN)
    plan.table.edit(index)
    combo = plan.table.findChild(QComboBox, "planJobPicker")
    assert combo is not None
    combo.setCurrentIndex(combo.findData("SW-ENG"))
    plan.table.commitData(combo)
    assert plan.model.rows[position].job is not None
    assert (
        plan.model.index(position, PlanTableModel.JOB_COLUMN).data().startswith("Software Engineer")
    )
    plan.portal_message.setPlainText("Good luck with the assessment.")
    plan.submit_button.click()

    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled)
    kinds = {o.order_id: o.kind.value for o in batch.model.rows}
    assert kinds == {one.id: "done", two.id: "done", done_order.id: "skipped"}
    named = {
        batch.model.index(row, 0).data(): batch.model.index(row, 1).data()
        for row in range(batch.model.rowCount())
    }
    assert named["Ana Silva"] == "Software Engineer"  # the outcome names the job
    assert batch.progress.value() == 3
    assert "1 skipped" in batch.label.text()
    assert current(window, one.id).status is OrderStatus.IN_PROGRESS
    link = board_of(window).link(one.id)
    assert link is not None
    assert link.invitation_sent
    created = next(
        e.step for e in desk_of(window).journal.entries(one.id)
        if isinstance(e.step, CreateAssessmentStep)
    )  # fmt: skip
    assert created.request.source_job_id == "SW-ENG"
    assert not batch.retry_button.isEnabled()  # nothing failed
    batch.close_button.click()
    assert batch.result() == QDialog.DialogCode.Accepted.value
    # Still reachable after Close.
    last = window.orders.controller.last_batch_action
    assert last.isEnabled()
    last.trigger()
    # Shown, modal to the window as when it ran: its Retry never runs beside another batch.
    assert (batch.isVisible(), batch.isModal()) == (True, True)


def test_the_last_batch_is_not_offered_away_from_its_orders(
    window: MainWindow, qtbot: QtBot
) -> None:
    """While a snapshot is shown, and for good once another connection's board replaced its
    own, "Last batch…" is off: its Retry said "Not connected to these orders any more" in a
    box on every click, with the button still offered (and, with another profile's board,
    would have sent the failed orders to it)."""
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Cleo", last="Dubois", email="cleo@example.com")
    select_orders(window, [one.id])
    open_plan(window, qtbot, dialogs).submit_button.click()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled)
    batch.close_button.click()
    controller = window.orders.controller
    last = controller.last_batch_action
    assert last.isEnabled()
    controller.set_read_only("A snapshot is shown.")
    assert not last.isEnabled()
    controller.set_read_only(None)
    assert last.isEnabled()  # the same orders again
    board = controller.board
    controller.set_board(None)  # a snapshot shown, as the room does it
    assert not last.isEnabled()
    controller.set_board(board)
    assert last.isEnabled()
    controller.set_board(OrderBoard(desk_of(window)))  # another session's orders
    assert not last.isEnabled()
    assert controller.last_batch is None
    qtbot.waitUntil(lambda: not Shiboken.isValid(batch))  # not kept either
    controller.set_board(board)
    assert not last.isEnabled()


def test_the_next_batch_starts_from_the_last_portal_message(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Ida", last="Lund", email="ida@example.com")
    select_orders(window, [one.id])
    plan = open_plan(window, qtbot, dialogs)
    assert plan.portal_message.toPlainText() == ""
    plan.portal_message.setPlainText("Welcome! The assessment takes 30 minutes.")
    plan.submit_button.click()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled)
    batch.close_button.click()
    two = add_test_order(window, qtbot, first="Jon", last="Lund", email="jon@example.com")
    select_orders(window, [two.id])
    dialogs.opened.clear()
    again = open_plan(window, qtbot, dialogs)
    assert again.portal_message.toPlainText() == "Welcome! The assessment takes 30 minutes."
    # Kept for this connection profile: another profile's batch does not start from it.
    keys = window.dialog_settings.allKeys()
    assert [k for k in keys if "PortalMessage" in k] == [
        f"batch/lastPortalMessage/{board_of(window).profile_key}"
    ]
    again.reject()  # unchanged from what it opened with: closes without asking
    finish(qtbot, window.orders.controller.wait_idle())
    assert closed(again)


def test_a_batch_failure_is_read_in_full_and_retried(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Cleo", last="Dubois", email="cleo@example.com")
    two = add_test_order(window, qtbot, first="Dev", last="Rao", email="dev@example.com")
    select_orders(window, [one.id, two.id])
    sr = desk_of(window).session.sr
    real_accept = sr.accept_order
    refusals = [two.id]

    async def accept_once_refused(
        order_id: str, *args: Any, **kwargs: Any
    ) -> AssessmentOrder | None:
        if order_id in refusals:
            refusals.remove(order_id)
            raise ApiError(
                Service.SMARTRECRUITERS,
                http_status=400,
                service_message="The order cannot be accepted now " + "and will be later " * 12,
            )
        return await real_accept(order_id, *args, **kwargs)

    sr.accept_order = accept_once_refused  # type: ignore[method-assign]
    open_plan(window, qtbot, dialogs).submit_button.click()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled)
    assert batch.failed_ids() == [two.id]
    assert batch.retry_button.isEnabled()
    assert batch.retry_button.text() == "Retry the failed (1)"
    # The failure wraps: its row is taller than a single line.
    position = next(i for i, o in enumerate(batch.model.rows) if o.order_id == two.id)
    assert batch.table.rowHeight(position) > batch.table.fontMetrics().lineSpacing() * 2
    batch.retry_button.click()
    qtbot.waitUntil(lambda: not batch.failed_ids() and batch.close_button.isEnabled())
    assert {o.order_id: o.kind.value for o in batch.model.rows} == {
        one.id: "done",
        two.id: "done",
    }
    assert current(window, two.id).status is OrderStatus.IN_PROGRESS


def test_the_plan_is_cancelled_with_nothing_sent(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Eli", last="Moss", email="eli@example.com")
    select_orders(window, [one.id])
    plan = open_plan(window, qtbot, dialogs)
    plan.reject()
    finish(qtbot, window.orders.controller.wait_idle())
    assert board_of(window).link(one.id) is None
    assert current(window, one.id).status is OrderStatus.NEW
    assert not any(isinstance(d, BatchDialog) for d in dialogs.opened)


def test_nothing_is_sent_twice_while_in_flight(window: MainWindow, qtbot: QtBot) -> None:
    """While a reject is on its way, the action is disabled and a second one is refused by the
    board before anything is sent: one call, one journal step."""
    order = add_test_order(window, qtbot, first="Iñigo", last="García")
    desk = desk_of(window)
    board = board_of(window)
    sr = desk.session.sr
    real_reject = sr.reject_order
    calls: list[str] = []
    gate = asyncio.Event()

    async def slow_reject(order_id: str, **kwargs: Any) -> AssessmentOrder | None:
        calls.append(order_id)
        await gate.wait()
        return await real_reject(order_id, **kwargs)

    sr.reject_order = slow_reject  # type: ignore[method-assign]
    first = asyncio.ensure_future(board.reject([order.id], reason="Withdrew"))
    qtbot.waitUntil(lambda: bool(calls))
    reject = window.orders.controller.actions[OrderAction.REJECT]
    window.orders.controller.update_state()
    assert not reject.isEnabled()
    assert "Already being sent" in reject.toolTip()
    second = asyncio.ensure_future(board.reject([order.id], reason="Withdrew"))
    qtbot.waitUntil(second.done)
    assert [why for _id, why in second.result()] == [
        str(ActionNotAllowedError("This is already being sent for this order."))
    ]
    gate.set()
    qtbot.waitUntil(first.done)
    assert first.result() == []
    assert calls == [order.id]
    steps = desk.journal.entries(order.id)
    assert [(e.action, e.state.value) for e in steps] == [(StepKind.REJECT, "done")]
    assert current(window, order.id).status is OrderStatus.REJECTED


@pytest.mark.parametrize(
    ("kind", "dialog_kind"),
    [
        (OrderAction.COMPLETE, "CompleteDialog"),
        (OrderAction.CREATE_ACCEPT_INVITE, "BatchPlanDialog"),
    ],
)
def test_a_double_trigger_opens_one_dialog(
    window: MainWindow, qtbot: QtBot, kind: OrderAction, dialog_kind: str
) -> None:
    """Two quick clicks before the first dialog opened. Before: two Complete dialogs, or two
    plans whose Run started two batches at once with contradictory outcomes."""
    order = add_test_order(window, qtbot, first="Ola", last="Dup", email="ola@example.com")
    if kind is OrderAction.COMPLETE:
        finish(qtbot, board_of(window).create_assessment(
            order.id, CreateAssessmentRequest(first_name="Ola", last_name="Dup")
        ))  # fmt: skip
        finish(qtbot, board_of(window).accept(order.id))
        window.orders.select_order(order.id)
    controller = window.orders.controller
    opened: list[str] = []

    def close_at_once(dialog: QWidget) -> None:
        opened.append(type(dialog).__name__)
        QTimer.singleShot(0, dialog.close)

    controller.dialog_opened = close_at_once
    controller.update_state()
    assert controller.actions[kind].isEnabled()
    controller.actions[kind].trigger()
    controller.actions[kind].trigger()
    finish(qtbot, controller.wait_idle())
    assert opened == [dialog_kind]
    controller.actions[kind].trigger()  # once that flow ended, the action works again
    finish(qtbot, controller.wait_idle())
    assert opened == [dialog_kind, dialog_kind]


def test_add_a_comment_from_the_detail_pane(window: MainWindow, qtbot: QtBot) -> None:
    add_test_order(window, qtbot, first="Noor", last="Haddad")
    detail = window.orders.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.")
    detail.comment_input.setText("Called the candidate about timing")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1)
    assert "Called the candidate about timing" in detail.comments.index(0).data()
    assert detail.comment_input.text() == ""


def test_a_comment_the_service_could_not_take_now_goes_by_itself_and_only_once(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A 503: the comment's step waits, and the resumer posts it. The pane said it failed,
    with the text still in the box and Add on: a second Add posted it twice."""
    order = add_test_order(window, qtbot, first="Rosa", last="Lind")
    detail = window.orders.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.")
    answer_once(desk_of(window), "sr", 503, "/comments")
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    detail.comment_input.setText("Called the candidate about timing")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(messages.shown) > shown)
    ((title, said),) = messages.shown[shown:]
    assert title == ""  # said in passing, in the status bar
    assert said.startswith("Comment on Rosa Lind’s order: ")
    assert said.endswith(COMMENT_SENT_AGAIN)
    assert detail.comment_input.text() == ""  # nothing left to add a second time
    assert not detail.comment_button.isEnabled()
    finish(qtbot, board_of(window).resume())
    listed = finish(qtbot, desk_of(window).session.sr.list_comments(order.id))
    assert [c.message for c in listed] == ["Called the candidate about timing"]


def test_a_comment_whose_answer_is_kept_is_not_left_to_be_added_twice(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comment went to SmartRecruiters, and its answer could not be written (the data
    file held by another program): kept, and written by the resumer. The pane said it
    failed, with the text still in the box and Add on: a second Add posted it twice."""
    order = add_test_order(window, qtbot, first="Rosa", last="Lind")
    detail = window.orders.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.")
    desk = desk_of(window)
    board = board_of(window)
    # The failed Add refreshes the order, and the pane reads its comments again: listed, the
    # comment that went clears the words below them. Read at once, that could land within
    # the wait's own event processing, before the words were ever seen: held until checked.
    reads = hold_comment_reads(board, monkeypatch)
    # Only the comment's step is held: another step written meanwhile cannot take its fault.
    calls = data_file_held_once(desk, monkeypatch, StepKind.COMMENT)
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    text = "Called the candidate about timing"
    detail.comment_input.setText(text)
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "could not write the answer" in detail.comment_state.text())
    assert detail.comment_input.text() == ""  # nothing left to add a second time
    assert not detail.comment_button.isEnabled()
    assert "there is no need to do it again" in detail.comment_state.text()
    assert COMMENT_SENT_AGAIN not in detail.comment_state.text()  # it went: not sent again
    about_it = [(t, m) for t, m in messages.shown[shown:] if "comment" in f"{t} {m}".lower()]
    ((title, said),) = about_it  # said once, whatever else the window said meanwhile
    assert title == ""  # said in passing, in the status bar
    assert said.startswith("Comment on Rosa Lind’s order: “Add comment” went through")
    assert COMMENT_SENT_AGAIN not in said
    reads.set()
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1)  # it went, listed once
    assert text in detail.comments.index(0).data()
    finish(qtbot, board.resume())  # the kept answer is written
    assert len(calls) == 2
    listed = finish(qtbot, desk.session.sr.list_comments(order.id))
    assert [c.message for c in listed] == [text]


def hold_comment_reads(board: OrderBoard, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """The window's readings of an order's comments from now on wait for the returned event."""
    comments = board.comments
    release = asyncio.Event()

    async def held_back(order_id: str) -> list[AssessmentComment]:
        await release.wait()
        return await comments(order_id)

    monkeypatch.setattr(board, "comments", held_back)
    return release


def hold_back_comments(
    board: OrderBoard, monkeypatch: pytest.MonkeyPatch, *, fails: bool = False
) -> asyncio.Event:
    """Comments sent from now on wait for the returned event, then go (or fail) as asked."""
    add_comment = board.add_comment
    release = asyncio.Event()

    async def held_back(order_id: str, text: str) -> Any:
        await release.wait()
        if fails:
            raise ApiError(Service.SMARTRECRUITERS, summary="SmartRecruiters refused the comment.")
        return await add_comment(order_id, text)

    monkeypatch.setattr(board, "add_comment", held_back)
    return release


def show_without_comments(window: MainWindow, qtbot: QtBot, order_id: str) -> None:
    """Show the order, once its (empty) comments have loaded."""
    window.orders.select_order(order_id)
    detail = window.orders.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.")


@pytest.mark.parametrize("fails", [False, True])
def test_a_comment_answered_after_moving_on_stays_with_its_order(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, fails: bool
) -> None:
    """A comment sent on one order, answered once another is shown: the other's list and what
    is being typed there are left alone; a failure is told with the order's name and words."""
    first = add_test_order(window, qtbot, first="Lea", last="Brandt")
    second = add_test_order(window, qtbot, first="Jonas", last="Wirth")
    detail = window.orders.detail
    show_without_comments(window, qtbot, first.id)
    release = hold_back_comments(board_of(window), monkeypatch, fails=fails)
    detail.comment_input.setText("Asked for a later slot")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    show_without_comments(window, qtbot, second.id)
    detail.comment_input.setText("Half-typed note")
    shown = len(window.orders.controller.messages.shown)
    release.set()
    finish(qtbot, window.orders.controller.wait_idle())
    said = window.orders.controller.messages.shown[shown:]
    if fails:
        assert len(said) == 1
        title, text = said[0]
        assert title == "Add comment"
        assert "Lea Brandt" in text
        assert "Asked for a later slot" in text
        assert "refused the comment" in text
    else:
        assert said == []
        sr = desk_of(window).session.sr
        added = finish(qtbot, sr.list_comments(first.id))
        assert [c.message for c in added] == ["Asked for a later slot"]
    assert detail.order is not None
    assert detail.order.id == second.id
    assert detail.comments.rowCount() == 0
    assert detail.comment_input.text() == "Half-typed note"
    assert detail.comment_state.text() == "No comments yet."


def test_a_comment_read_before_accepting_is_not_news_after(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The coordinator opens a new order, reads the recruiter's note in the pane, then creates
    and accepts as it asked. An order accepted here has its comments watched from zero, and
    a note read while the order was new was never recorded as seen (only news was): the first
    poll after flagged "1 new comment from the recruiter" on the note just read."""
    from app.domain.attention import Attention
    from app.domain.smartrecruiters import ContactPerson
    from app.workflows.watch import watch_comments

    order = add_test_order(window, qtbot, first="Vera", last="Read", email="vera.read@ex.com")
    desk, board = desk_of(window), board_of(window)
    rita = ContactPerson(first_name="Rita", last_name="Recruiter")
    finish(qtbot, desk.session.sr.add_comment(order.id, "Use the senior test.", author=rita))
    detail = window.orders.detail
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    window.orders.select_order(order.id)
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1)
    finish(qtbot, window.orders.wait_idle())  # its comments shown, and marked seen
    request = CreateAssessmentRequest(first_name="Vera", last_name="Read")
    finish(qtbot, board.create_assessment(order.id, request))
    finish(qtbot, board.accept(order.id))
    live = board.order(order.id)
    assert live is not None
    finish(qtbot, watch_comments(desk, [live], now=datetime.now(UTC)))  # its first poll
    finish(qtbot, board.refresh([order.id]))
    assert Attention.NEW_COMMENT not in {flag.kind for flag in board.flags(order.id)}


def test_a_comment_answered_after_leaving_and_coming_back_is_listed_once(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Left and shown again before the answer: the order's comments were read afresh, so the
    answer reads them again (never a second copy), and what is typed by then stays."""
    first = add_test_order(window, qtbot, first="Pia", last="Strand")
    second = add_test_order(window, qtbot, first="Ole", last="Vik")
    detail = window.orders.detail
    show_without_comments(window, qtbot, first.id)
    release = hold_back_comments(board_of(window), monkeypatch)
    detail.comment_input.setText("Moved the start to Monday")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    window.orders.select_order(second.id)
    show_without_comments(window, qtbot, first.id)
    detail.comment_input.setText("A second thought")
    release.set()
    finish(qtbot, window.orders.controller.wait_idle())
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1)
    finish(qtbot, window.orders.wait_idle())
    assert detail.comments.rowCount() == 1
    assert "Moved the start to Monday" in detail.comments.index(0).data()
    assert detail.comment_input.text() == "A second thought"


def hold_back_comment_lists(board: OrderBoard, monkeypatch: pytest.MonkeyPatch) -> asyncio.Event:
    """Comment lists read from now on are read at once and handed over once the returned
    event is set: a slow answer, read before what is posted meanwhile."""
    comments = board.comments
    release = asyncio.Event()

    async def held_back(order_id: str) -> Any:
        listed = await comments(order_id)
        await release.wait()
        return listed

    monkeypatch.setattr(board, "comments", held_back)
    return release


def test_a_comment_added_while_the_list_loads_stays_listed(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Added while "Loading comments…": the list, read before the comment went, came after it
    and replaced it. The comment was gone from the pane, though SmartRecruiters had it."""
    first = add_test_order(window, qtbot, first="Ines", last="Moreau")
    second = add_test_order(window, qtbot, first="Elif", last="Demir")
    detail = window.orders.detail
    show_without_comments(window, qtbot, second.id)
    release = hold_back_comment_lists(board_of(window), monkeypatch)
    window.orders.select_order(first.id)
    assert detail.comment_state.text() == "Loading comments…"
    detail.comment_input.setText("Asked for the French version")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1)
    release.set()
    finish(qtbot, window.orders.wait_idle())
    assert detail.comments.rowCount() == 1
    assert detail.comments.index(0).data().endswith("Asked for the French version")
    assert detail.comment_state.text() == ""


def test_a_comment_listed_before_its_answer_is_shown_once(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way round: the list, read after the comment went, came before the answer.
    Both showed it: the comment was listed twice."""
    order = add_test_order(window, qtbot, first="Aiko", last="Tanaka")
    detail = window.orders.detail
    show_without_comments(window, qtbot, order.id)
    board = board_of(window)
    add_comment = board.add_comment
    posted, release = asyncio.Event(), asyncio.Event()

    async def answered_late(order_id: str, text: str) -> Any:
        added = await add_comment(order_id, text)
        posted.set()
        await release.wait()
        return added

    monkeypatch.setattr(board, "add_comment", answered_late)
    detail.comment_input.setText("Sent the practice test")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(posted.is_set)
    window.orders._refresh_detail()  # the order read afresh, as any change of it does
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1)
    release.set()
    finish(qtbot, window.orders.controller.wait_idle())
    finish(qtbot, window.orders.wait_idle())
    assert detail.comments.rowCount() == 1
    assert detail.comment_input.text() == ""


def test_a_comment_is_shown_once_on_a_machine_clock_ahead_of_smartrecruiters(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comment added here was matched in the order's list read afresh only if
    SmartRecruiters dated it no earlier than this machine's send time less two minutes: with
    this machine ten minutes ahead, its own copy was "older", and the comment showed twice."""
    ahead = timedelta(minutes=10)

    class MachineClock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return datetime.now(tz) + ahead

    order = add_test_order(window, qtbot, first="Ines", last="Vaz")
    detail = window.orders.detail
    show_without_comments(window, qtbot, order.id)
    monkeypatch.setattr(orders_room, "datetime", MachineClock)
    sr = desk_of(window).session.sr
    monkeypatch.setattr(sr, "_clock", lambda: datetime.now(UTC) + ahead)
    detail.comment_input.setText("Sent the practice test")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1)
    finish(qtbot, window.orders.controller.wait_idle())
    window.orders._refresh_detail()  # the order read afresh, as any change of it does
    finish(qtbot, window.orders.wait_idle())
    assert detail.comments.rowCount() == 1


def test_polling_announces_new_orders(window: MainWindow, qtbot: QtBot) -> None:
    before = window.orders.new_count()
    made = finish(qtbot, desk_of(window).session.sr.create_test_order(new_order_body(first="Mia")))
    with qtbot.waitSignal(window.new_orders_arrived) as blocker:
        window.request_poll()
    assert blocker.args == [[made.id]]
    assert window.orders.new_count() == before + 1
    assert window.windowTitle().startswith(f"({before + 1} new)")
    assert "arrived" in window.statusBar().currentMessage()


def test_a_full_sync_announces_new_orders_and_keeps_saying_so_when_it_ends(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Before: an order F5 (or the 15-minute re-sync) found first was never announced (the
    next poll knew it); said now, and kept in the "Synced" line that ends the sync."""
    made = finish(qtbot, desk_of(window).session.sr.create_test_order(new_order_body(first="Ida")))
    with qtbot.waitSignal(window.new_orders_arrived) as blocker:
        window.request_sync()
    assert blocker.args == [[made.id]]
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Synced"))
    assert " · 1 new" in window.statusBar().currentMessage()


def test_new_orders_from_a_poll_do_not_move_the_rows_in_view(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Before: a poll's orders were sorted in above the rows on screen, and every row slid down
    under the coordinator: the order being read left the list's bottom, and a click just after
    the poll landed on another order. At the top of the list, new orders come into view."""
    room, table = window.orders, window.orders.table
    chosen = room.proxy.order_ids()[60]
    room.select_order(chosen)  # the list scrolled down: the order on its last line
    assert table.verticalScrollBar().value() > 0
    before = table.visualRect(table.currentIndex()).y()
    for i in range(3):
        finish(qtbot, desk_of(window).session.sr.create_test_order(
            new_order_body(first=f"Pia{i}", last="Poll")))  # fmt: skip
    with qtbot.waitSignal(window.sync_finished):
        window.request_poll()
    assert room.selected_ids() == [chosen]
    assert table.visualRect(table.currentIndex()).y() == before

    table.verticalScrollBar().setValue(0)
    made = finish(qtbot, desk_of(window).session.sr.create_test_order(new_order_body(first="Top")))
    with qtbot.waitSignal(window.sync_finished):
        window.request_poll()
    assert table.verticalScrollBar().value() == 0
    assert room.proxy.order_ids()[0] == made.id  # newest first: in view


def test_an_order_on_the_top_line_that_moves_leaves_the_rows_around_it_in_place(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The anchor is the first order in view that does not change: one that the sort moves
    (sorted by status, an accept or reject brought by a poll) dragged the whole view after it,
    and every row the coordinator was reading left the screen."""
    from PySide6.QtCore import QPoint

    from app.ui.orders.order_table_model import ORDER_ID_ROLE

    room, table = window.orders, window.orders.table
    table.sortByColumn(INBOX.index("status"), Qt.SortOrder.AscendingOrder)
    ids = room.proxy.order_ids()
    new = [i for i in ids if current(window, i).status is OrderStatus.NEW]
    chosen = new[len(new) // 2]  # a new order midway down: the list scrolled to it
    table.scrollTo(room.proxy.index(ids.index(chosen), 0), table.ScrollHint.PositionAtTop)
    top = table.indexAt(QPoint(0, 0))
    assert top.data(ORDER_ID_ROLE) == chosen
    second_id = room.proxy.index(top.row() + 1, 0).data(ORDER_ID_ROLE)
    second_y = table.rowViewportPosition(top.row() + 1)
    finish(qtbot, desk_of(window).session.sr.reject_order(chosen, message="Filled"))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()  # the reject sorts it among the rejected orders
    assert current(window, chosen).status is OrderStatus.REJECTED
    second_row = room.proxy.order_ids().index(second_id)
    assert table.rowViewportPosition(second_row) == second_y


def shows_failed_step(detail: OrderDetailPane, order_id: str) -> bool:
    """The activity list holds exactly one step, a failed one of ``order_id``."""
    if detail.order is None or detail.order.id != order_id or detail.timeline.rowCount() != 1:
        return False
    entry = detail.timeline.index(0).data(Qt.ItemDataRole.UserRole)
    return entry.order_id == order_id and entry.state is StepState.FAILED


def order_with_a_failed_create(
    window: MainWindow, qtbot: QtBot, first: str, last: str, message: str
) -> AssessmentOrder:
    """A new order whose Berke create failed, shown selected with its failed step chosen in
    the activity list (Retry on)."""
    desk, board = desk_of(window), board_of(window)
    order = add_test_order(window, qtbot, first=first, last=last)
    request = CreateAssessmentRequest(
        first_name=first, last_name=last, source_candidate_id=stable_candidate_id(order.id)
    )
    desk.journal.fail(desk.journal.begin(order.id, CreateAssessmentStep(request=request)), message)
    finish(qtbot, board.refresh([order.id]))
    window.orders.select_order(order.id)
    detail = window.orders.detail
    qtbot.waitUntil(lambda: shows_failed_step(detail, order.id))
    detail.timeline_list.setCurrentIndex(detail.timeline.index(0))
    assert detail.retry_step_button.isEnabled()
    return order


def test_another_orders_activity_is_never_shown_while_this_ones_loads(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Moving from an order with a failed step to another: until the other's activity has
    loaded, the list is empty and Retry is off (it would retry the first order's step)."""
    order_with_a_failed_create(window, qtbot, "Ines", "Moreau", "Berke: down.")
    other = add_test_order(window, qtbot, first="Tomas", last="Berg")
    detail = window.orders.detail

    source = window.orders.source
    assert source is not None
    loaded = source.timeline
    release = asyncio.Event()
    asked: list[str] = []

    async def held_back(order_id: str) -> list[Any]:
        asked.append(order_id)
        await release.wait()
        return await loaded(order_id)

    monkeypatch.setattr(source, "timeline", held_back)
    window.orders.select_order(other.id)
    qtbot.waitUntil(lambda: bool(asked))
    assert set(asked) == {other.id}  # a later refresh of the same order may ask again
    assert detail.title.text() == "Tomas Berg"
    assert detail.timeline.rowCount() == 0
    assert not detail.retry_step_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.")
    assert detail.timeline.rowCount() == 0  # its own: nothing done on it yet
    assert not detail.retry_step_button.isEnabled()


def test_the_window_shows_a_link_made_by_the_resumer_and_by_retry(
    window: MainWindow, qtbot: QtBot
) -> None:
    """What the background resumer and the Retry button do reaches the window through the
    board: no copy of the links to re-prime."""
    desk, board = desk_of(window), board_of(window)
    # 1. A create left pending by a crash; the background resumer finishes it.
    resumed = add_test_order(window, qtbot, first="Rosa", last="Vidal")
    request = CreateAssessmentRequest(
        first_name="Rosa", last_name="Vidal", source_candidate_id=stable_candidate_id(resumed.id)
    )
    desk.journal.begin(resumed.id, CreateAssessmentStep(request=request))
    finish(qtbot, board.resume())
    fields = window.orders.detail.fields
    qtbot.waitUntil(lambda: fields["invitationCode"].text() != "Not created yet")
    link = board.link(resumed.id)
    assert link is not None
    assert fields["invitationCode"].text() == link.invitation_code
    assert window.orders.controller.actions[OrderAction.ACCEPT].isEnabled()
    # 2. A create that failed; the coordinator presses Retry in the activity list.
    retried = order_with_a_failed_create(
        window, qtbot, "Omar", "Haddad", "Berke: The service could not be reached."
    )
    detail = window.orders.detail
    detail.retry_step_button.click()
    qtbot.waitUntil(lambda: fields["invitationCode"].text() != "Not created yet")
    link = board.link(retried.id)
    assert link is not None
    assert fields["invitationCode"].text() == link.invitation_code
    assert window.orders.controller.actions[OrderAction.ACCEPT].isEnabled()
    row = window.orders.model.row(window.orders.model.row_of(retried.id) or 0)
    assert row.assessment == link.invitation_code  # the inbox row too


class HeldAnswer(httpx.AsyncBaseTransport):
    """A service's transport that holds a POST to a path ending ``suffix`` until ``release``
    is set: a slow answer (to the resumer, a large report on a slow line is the same)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, suffix: str) -> None:
        self.inner = inner
        self.suffix = suffix
        self.held = asyncio.Event()
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith(self.suffix):
            self.held.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)


def test_a_step_the_resumer_finished_is_shown_before_its_pass_ends(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Two rejects left pending by a crash; the resumer sends the first at once, the second's
    answer is slow. Before, the first order went on showing "Under way: Reject order" (and
    "Rejecting: …", every action refused as under way) until the whole pass ended: minutes,
    behind a slow answer or files queued on a slow line."""
    desk, board = desk_of(window), board_of(window)
    rejected = add_test_order(window, qtbot, first="Ana", last="Reject")
    slow = add_test_order(window, qtbot, first="Bo", last="Slow")
    for order in (rejected, slow):  # oldest first: the resumer sends Ana's first
        desk.journal.begin(order.id, RejectStep(request=RejectRequest(message="Withdrew")))
    finish(qtbot, board.refresh([rejected.id, slow.id]))
    model, detail = window.orders.model, window.orders.detail
    window.orders.select_order(rejected.id)
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 1)
    assert "Rejecting: Withdrew" in detail.timeline.data(detail.timeline.index(0))
    assert model.row(model.row_of(rejected.id) or 0).activity == "Under way: Reject order"
    http = desk.session.sr._http.http
    http._transport = held = HeldAnswer(http._transport, f"{slow.id}/reject")
    resuming = asyncio.ensure_future(board.resume())
    try:
        qtbot.waitUntil(held.held.is_set)  # Ana's reject went; Bo's answer is held
        (entry,) = desk.journal.entries(rejected.id)
        assert entry.state is StepState.DONE
        # Shown while the pass still waits for Bo's answer: the pane and the inbox row.
        qtbot.waitUntil(
            lambda: "Rejected: Withdrew" in detail.timeline.data(detail.timeline.index(0))
        )
        qtbot.waitUntil(lambda: model.row(model.row_of(rejected.id) or 0).activity == "")
        row = model.row(model.row_of(rejected.id) or 0)
        assert row.status is OrderStatus.REJECTED
        assert not resuming.done()
    finally:
        held.release.set()
        qtbot.waitUntil(resuming.done)
    assert model.row(model.row_of(slow.id) or 0).status is OrderStatus.REJECTED


def test_an_order_the_resumer_ended_that_cannot_be_read_yet_is_no_crash_report(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The early showing of an order whose step the resumer ended failed (its data file could
    not be read: a full disk, a locked file) in a task of its own: each such order went to the
    error box as "Something unexpected went wrong", though the pass's last reading shows them
    all again and says its failure."""
    desk, board = desk_of(window), board_of(window)
    order = add_test_order(window, qtbot, first="Cem", last="Unread")
    desk.journal.begin(order.id, RejectStep(request=RejectRequest(message="Withdrew")))
    finish(qtbot, board.refresh([order.id]))
    real_refresh = board.refresh
    failed: list[list[str]] = []

    async def first_fails(order_ids: Iterable[str]) -> None:
        # The early showing runs in a task the board keeps (the window's own readings, of
        # the order shown, do not); the pass's last reading works.
        if not failed and asyncio.current_task() in board._background._tasks:
            failed.append(list(order_ids))
            raise sqlite3.OperationalError("disk I/O error")
        await real_refresh(order_ids)

    monkeypatch.setattr(board, "refresh", first_fails)
    notifier = RecordingNotifier()
    hooks = install_error_hooks(notifier, asyncio.get_running_loop())
    try:
        finish(qtbot, board.resume())
        finish(qtbot, board.wait_idle())
        gc.collect()  # a task's unretrieved failure is reported when it is collected
    finally:
        hooks.uninstall()
    assert failed == [[order.id]]
    assert notifier.reports == []
    model = window.orders.model
    assert model.row(model.row_of(order.id) or 0).status is OrderStatus.REJECTED


def accepted_not_invited(window: MainWindow, qtbot: QtBot, first: str) -> AssessmentOrder:
    """A new order of ``first`` Lie, created and accepted, selected; its invitation not sent."""
    email = f"{first.lower()}@example.com"
    order = add_test_order(window, qtbot, first=first, last="Lie", email=email)
    board = board_of(window)
    request = CreateAssessmentRequest(first_name=first, last_name="Lie", email_address=email)
    finish(qtbot, board.create_assessment(order.id, request))
    finish(qtbot, board.accept(order.id))
    window.orders.select_order(order.id)
    return order


def open_invite(window: MainWindow, qtbot: QtBot) -> InviteDialog:
    dialogs = Dialogs(window)
    window.orders.controller.actions[OrderAction.INVITE].trigger()
    invite = dialogs.wait_for(qtbot, InviteDialog)
    assert isinstance(invite, InviteDialog)
    return invite


def open_create(window: MainWindow, qtbot: QtBot) -> BerkeAssessmentForm:
    dialogs = Dialogs(window)
    window.orders.controller.actions[OrderAction.CREATE_ASSESSMENT].trigger()
    form = dialogs.wait_for(qtbot, BerkeAssessmentForm)
    assert isinstance(form, BerkeAssessmentForm)
    qtbot.waitUntil(form.can_submit)
    return form


def closed_box(
    window: MainWindow, qtbot: QtBot, dialog: QWidget, click: QWidget
) -> tuple[str, str]:
    """Clicks ``click``, waits for ``dialog`` to close, and returns the one box shown then:
    (title, text)."""
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    assert isinstance(click, QPushButton)
    click.click()
    qtbot.waitUntil(lambda: closed(dialog))
    finish(qtbot, window.orders.controller.wait_idle())
    ((title, said),) = messages.shown[shown:]
    return title, said


def closed_saying(window: MainWindow, qtbot: QtBot, dialog: QWidget, click: QWidget) -> str:
    """``closed_box``'s text."""
    return closed_box(window, qtbot, dialog, click)[1]


def test_an_invitation_for_an_order_rejected_meanwhile_closes_its_dialog_saying_why(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Rejected elsewhere and synced while the dialog was open: Send was refused with the
    rule's words, and offered again, for ever."""
    order = accepted_not_invited(window, qtbot, "Maren")
    invite = open_invite(window, qtbot)
    finish(qtbot, desk_of(window).session.sr.reject_order(order.id, message="Withdrawn"))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    said = closed_saying(window, qtbot, invite, invite.submit_button)
    why = board_of(window).why_not(OrderAction.INVITE, [order.id])
    assert why is not None
    assert "rejected" in why
    assert said == f"Maren Lie: {why}"  # our own rule's words, once


def test_an_order_withdrawn_while_a_refresh_was_reading_stays_rejected_on_screen(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refresh of the order (the end of any action) whose reading was slow to come back
    (a busy disk) landed after a sync had merged the order rejected, and put the copy in
    progress back: shown so, Reject and Complete on, until restart (no later sync found it
    changed: the cache had it rejected)."""
    order = accepted_not_invited(window, qtbot, "Rafa")
    board = board_of(window)
    finish(qtbot, desk_of(window).session.sr.reject_order(order.id, message="Withdrawn"))
    taken, release = threading.Event(), threading.Event()

    def slow_load(db: Database, order_ids: Iterable[str]) -> dict[str, OrderState]:
        states = load_states(db, order_ids)
        taken.set()
        release.wait(HANG_GUARD_SECONDS)
        return states

    monkeypatch.setattr(board_module, "load_states", slow_load)
    refreshing = asyncio.ensure_future(board.refresh([order.id]))
    qtbot.waitUntil(taken.is_set)  # it holds the order in progress
    monkeypatch.setattr(board_module, "load_states", load_states)
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    assert current(window, order.id).status is OrderStatus.REJECTED
    release.set()
    qtbot.waitUntil(refreshing.done)
    refreshing.result()
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    assert current(window, order.id).status is OrderStatus.REJECTED
    actions = window.orders.controller.actions
    assert not actions[OrderAction.REJECT].isEnabled()
    assert not actions[OrderAction.COMPLETE].isEnabled()


def test_an_invitation_berke_refuses_for_now_stays_in_its_dialog(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A refusal the next try may pass (not waiting, still allowed): said in the dialog,
    with the message typed kept and Send offered again."""
    order = accepted_not_invited(window, qtbot, "Tuva")
    invite = open_invite(window, qtbot)
    invite.message.setPlainText("See you Friday.")
    answer_once(desk_of(window), "berke", 400, "/SendInvitation")
    invite.submit_button.click()
    qtbot.waitUntil(lambda: invite.form_error.isVisible() and not invite.is_busy())
    assert invite.isVisible()
    assert invite.submit_button.isEnabled()
    assert invite.message.toPlainText() == "See you Friday."
    invite.submit_button.click()
    qtbot.waitUntil(lambda: closed(invite))
    link = board_of(window).link(order.id)
    assert link is not None
    assert link.invitation_sent


def test_an_invitation_of_an_assessment_deleted_in_berke_closes_its_dialog_saying_why(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Deleted by hand in Berke before the watch saw it: each Send got Berke's "not known"
    and was offered again, until the next watch round. Now the first answer is looked
    into: Berke has no such assessment, so the order says so, and the dialog closes."""
    order = accepted_not_invited(window, qtbot, "Olu")
    invite = open_invite(window, qtbot)
    link = board_of(window).link(order.id)
    assert link is not None
    finish(qtbot, desk_of(window).session.berke.delete_assessment(link.source_candidate_id))
    said = closed_saying(window, qtbot, invite, invite.submit_button)
    board = board_of(window)
    assert board.state(order.id).berke_progress is BerkeProgress.DELETED
    why = board.why_not(OrderAction.INVITE, [order.id])
    assert why is not None
    assert "deleted" in why
    assert said.startswith("Olu Lie: Not sent: ")
    assert said.count(link.invitation_code) == 1  # said once, not again as why not
    (entry,) = [e for e in desk_of(window).journal.entries(order.id) if e.action is StepKind.INVITE]
    assert entry.state is StepState.FAILED


class BerkeAnswers(httpx.AsyncBaseTransport):
    """Berke's transport: once SendInvitation has been called, each call to a method in
    ``answers`` gets its next answer there; every method called is listed in ``called``."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, answers: dict[str, list[httpx.Response]]
    ) -> None:
        self.inner = inner
        self.answers = {method: list(them) for method, them in answers.items()}
        self.called: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        self.called.append(method)
        if self.answers.get(method) and "SendInvitation" in self.called:
            return self.answers[method].pop(0)
        return await self.inner.handle_async_request(request)

    def after_sending(self) -> list[str]:
        """The methods called from the invitation on."""
        return self.called[self.called.index("SendInvitation") :]


def berke_answers(window: MainWindow, answers: dict[str, list[httpx.Response]]) -> BerkeAnswers:
    http = desk_of(window).session.berke._http.http
    http._transport = wrapped = BerkeAnswers(http._transport, answers)
    return wrapped


def berke_refusal(parameter: str, value: str) -> httpx.Response:
    """Berke's refusal of one value, as its reference spells it."""
    body = {
        "status": "error",
        "response": f"The value is not accepted, {parameter}=[{value}]",
        "responseCode": "400",
    }
    return httpx.Response(400, json=body, headers={"X-Response-Code": "400.1020"})


def test_an_invitation_refused_for_another_value_asks_berke_nothing_more(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Only a refusal of the assessment's id is looked into as "deleted in Berke?": one of
    another value stays in the dialog, in Berke's words, with no second call."""
    accepted_not_invited(window, qtbot, "Tor")
    invite = open_invite(window, qtbot)
    berke = berke_answers(
        window, {"SendInvitation": [berke_refusal("emailAddress", "tor@example.com")]}
    )
    invite.submit_button.click()
    qtbot.waitUntil(lambda: invite.form_error.isVisible() and not invite.is_busy())
    assert invite.isVisible()
    assert berke.after_sending() == ["SendInvitation"]


def test_a_deleted_assessment_berke_cannot_confirm_now_leaves_berkes_refusal_said(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Berke refused the id; the look into "deleted?" met a 503. Its failure replaced the
    refusal: the step was left waiting, and the dialog closed saying the invitation goes by
    itself (to meet the same refusal). Now the refusal is what is said, in the dialog."""
    order = accepted_not_invited(window, qtbot, "Una")
    invite = open_invite(window, qtbot)
    link = board_of(window).link(order.id)
    assert link is not None
    finish(qtbot, desk_of(window).session.berke.delete_assessment(link.source_candidate_id))
    busy = httpx.Response(503, json={"status": "error", "response": "Down", "responseCode": "503"})
    # However often the client asks again: Berke cannot say now.
    berke = berke_answers(window, {"GetAssessmentStatus": [busy] * 10})
    invite.submit_button.click()
    qtbot.waitUntil(lambda: invite.form_error.isVisible() and not invite.is_busy())
    assert "not known to Berke" in invite.form_error.text()
    assert berke.after_sending()[:2] == ["SendInvitation", "GetAssessmentStatus"]
    (entry,) = [e for e in desk_of(window).journal.entries(order.id) if e.action is StepKind.INVITE]
    assert entry.state is StepState.FAILED


def test_an_invitation_left_waiting_by_a_fault_of_ours_closes_its_dialog(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The step waited for the resumer, but the dialog stayed open with Send offered (refused
    as under way) and a Cancel that cancelled nothing, as Accept's did once. Where it may have
    gone and Berke gives no count, it is now failed at once, as the resumer would fail it."""

    class FaultOnce(httpx.AsyncBaseTransport):
        def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
            self.inner = inner
            self.armed = True

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if self.armed and request.url.path.endswith("/SendInvitation"):
                self.armed = False
                raise RuntimeError("a fault of ours")
            return await self.inner.handle_async_request(request)

    order = accepted_not_invited(window, qtbot, "Ugo")
    invite = open_invite(window, qtbot)
    invite.message.setPlainText("See you Friday.")
    http = desk_of(window).session.berke._http.http
    http._transport = FaultOnce(http._transport)
    said = closed_saying(window, qtbot, invite, invite.submit_button)
    # Where it may have gone, Berke, as its reference has it, gives no count to tell: it is
    # not sent again (tests/ui/test_invitation_counted_ui.py: where it counts, it waits).
    (step,) = [e for e in desk_of(window).journal.entries(order.id) if e.action is StepKind.INVITE]
    assert (step.state, step.may_have_gone) == (StepState.FAILED, True)
    assert said.startswith("Ugo Lie: Something unexpected went wrong (RuntimeError)")
    assert step.message is not None
    assert said.endswith(step.message)
    assert StepKind.INVITE not in board_of(window).state(order.id).pending


def test_a_create_left_waiting_closes_its_form_saying_it_goes_by_itself(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A 503 from Berke: the create waits, and the resumer makes the assessment. The form
    offered Create (refused: under way) and Cancel, after which it was created anyway."""
    order = add_test_order(window, qtbot, first="Pia", last="Berg", email="pia@example.com")
    form = open_create(window, qtbot)
    answer_once(desk_of(window), "berke", 503, "/CreateAssessment")
    said = closed_saying(window, qtbot, form, form.create_button)
    assert said.startswith("Pia Berg: ")
    assert said.endswith(CREATE_SENT_AGAIN)
    previews = window.findChildren(UrlPreviewDialog)
    assert not any(preview.isVisible() for preview in previews)
    board = board_of(window)
    finish(qtbot, board.resume())
    assert board.link(order.id) is not None


def test_a_create_for_an_order_rejected_meanwhile_closes_its_form_saying_why(
    window: MainWindow, qtbot: QtBot
) -> None:
    order = add_test_order(window, qtbot, first="Rae", last="Dunn", email="rae@example.com")
    form = open_create(window, qtbot)
    finish(qtbot, desk_of(window).session.sr.reject_order(order.id, message="Withdrawn"))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    said = closed_saying(window, qtbot, form, form.create_button)
    why = board_of(window).why_not(OrderAction.CREATE_ASSESSMENT, [order.id])
    assert why is not None
    assert said == f"Rae Dunn: {why}"
    assert board_of(window).link(order.id) is None


def test_the_inbox_finds_an_order_by_its_ids_and_code(window: MainWindow, qtbot: QtBot) -> None:
    """A candidate on the phone reads out the code; a recruiter quotes the order id."""
    order = add_test_order(window, qtbot, first="Odile", last="Faure", email="odile@example.com")
    request = CreateAssessmentRequest(
        first_name="Odile", last_name="Faure", email_address="odile@example.com"
    )
    finish(qtbot, board_of(window).create_assessment(order.id, request))
    link = board_of(window).link(order.id)
    assert link is not None
    proxy = window.orders.proxy
    for text in (link.invitation_code, link.source_candidate_id, order.id, order.id[:13]):
        window.orders.search.setText(text)
        qtbot.waitUntil(lambda: proxy.order_ids() == [order.id])
    window.orders.search.clear()


def test_columns_are_chosen_from_the_header_and_remembered(
    window: MainWindow, qtbot: QtBot, qsettings: QSettings
) -> None:
    header = window.orders.table.horizontalHeader()
    shown = [INBOX[i].key for i in range(len(INBOX)) if not header.isSectionHidden(i)]
    # At first: what fits beside the detail pane at 1280 px, the default sort among them.
    assert shown == [
        "status", "candidate", "job", "company", "ordered", "age", "berke", "attention",
    ]  # fmt: skip
    table = window.orders.table
    assert header.length() <= table.viewport().width()  # no sideways scrolling
    window.orders._header_menu(header.rect().center())
    menu = window.orders.findChild(QMenu, "columnsMenu")
    assert menu is not None
    by_text = {action.text(): action for action in menu.actions()}
    assert not by_text["Status"].isEnabled()  # which order a row is: never hidden
    by_text["Requestor"].trigger()
    by_text["Company"].trigger()
    menu.close()
    requestor, company = INBOX.index("requestor"), INBOX.index("company")
    assert not header.isSectionHidden(requestor)
    assert header.isSectionHidden(company)
    window.save_layout()
    again = MainWindow(settings=qsettings)
    qtbot.addWidget(again)
    again_header = again.orders.table.horizontalHeader()
    assert not again_header.isSectionHidden(requestor)
    assert again_header.isSectionHidden(company)
    toggles = again.orders.column_actions.toggles  # View › Inbox columns says it too
    assert toggles[requestor].isChecked()
    assert not toggles[company].isChecked()
    again.orders.reset_columns()
    assert again_header.isSectionHidden(requestor)
    assert not again_header.isSectionHidden(company)
    assert not toggles[requestor].isChecked()
    assert toggles[company].isChecked()


def test_a_remembered_layout_never_hides_the_columns_that_say_which_order_a_row_is(
    qtbot: QtBot, qsettings: QSettings
) -> None:
    # A layout hand-edited, damaged or another table's hid every column: the header, and
    # with it the only way to choose columns, was gone, and the inbox with it.
    first = MainWindow(settings=qsettings)
    qtbot.addWidget(first)
    for table in (first.orders.table, first.orders.candidates.table):
        header = table.horizontalHeader()
        for section in range(header.count()):
            header.setSectionHidden(section, True)
    first.save_layout()
    again = MainWindow(settings=qsettings)
    qtbot.addWidget(again)
    header = again.orders.table.horizontalHeader()
    for key in ("status", "candidate"):
        assert not header.isSectionHidden(INBOX.index(key))
        assert header.sectionSize(INBOX.index(key)) >= header.minimumSectionSize()
    candidates = again.orders.candidates.table.horizontalHeader()
    assert candidates.hiddenSectionCount() < candidates.count()


def pane_showing_an_order(qtbot: QtBot) -> OrderDetailPane:
    """A detail pane alone, showing an order in progress (Ana Silva's)."""
    pane = OrderDetailPane([])
    qtbot.addWidget(pane)
    order = {"id": "o-1", "status": "IN_PROGRESS",
             "candidate": {"id": "c", "firstName": "Ana", "lastName": "Silva"}}  # fmt: skip
    pane.show_order(AssessmentOrder.model_validate(order), None)
    return pane


def test_a_comment_added_after_the_list_failed_to_load_keeps_saying_so(qtbot: QtBot) -> None:
    # The order's comments could not be read; a comment added then showed alone, as if it
    # were the order's only one.
    pane = pane_showing_an_order(qtbot)
    pane.show_comments(None, "SmartRecruiters could not be reached.")
    pane.comment_added(AssessmentComment(message="Called the candidate."))
    assert pane.comments.rowCount() == 1
    assert "other comments could not be loaded" in pane.comment_state.text()


def test_the_same_words_added_twice_stay_twice_whatever_list_comes(qtbot: QtBot) -> None:
    pane = pane_showing_an_order(qtbot)
    pane.comment_added(AssessmentComment(message="Reminded."))
    pane.comment_added(AssessmentComment(message="Reminded."))
    pane.show_comments([AssessmentComment(message="Reminded.")])  # read between the two
    assert pane.comments.rowCount() == 2
    pane.show_comments([AssessmentComment(message="Reminded.")] * 2)  # read after both
    assert pane.comments.rowCount() == 2


def test_a_waiting_comment_typed_with_a_trailing_space_leaves_the_box(qtbot: QtBot) -> None:
    """The words sent are the box's stripped: compared with the raw box, a comment typed with
    a trailing space stayed there with Add on after its step was left waiting, and a second
    Add posted it twice."""
    pane = pane_showing_an_order(qtbot)
    pane.comment_input.setText("Called the candidate. ")
    pane.comment_waiting("Called the candidate.", COMMENT_SENT_AGAIN)
    assert pane.comment_input.text() == ""
    assert not pane.comment_button.isEnabled()


def test_a_comment_in_the_words_of_an_older_one_is_listed_beside_it(qtbot: QtBot) -> None:
    """Coordinators repeat short comments. Matched by words alone, the new one was taken for
    the older one already listed, and not shown: as if it had not gone."""
    pane = pane_showing_an_order(qtbot)
    yesterday = datetime.now(UTC) - timedelta(days=1)
    older = AssessmentComment(message="Called, no answer", create_date=yesterday)
    pane.show_comments([older])
    pane.comment_added(AssessmentComment(message="Called, no answer"))
    assert pane.comments.rowCount() == 2
    pane.show_comments([older])  # a list read before it went, answered after
    assert pane.comments.rowCount() == 2
    copy = AssessmentComment(message="Called, no answer", create_date=datetime.now(UTC))
    pane.show_comments([older, copy])  # read after it went: listed once
    assert pane.comments.rowCount() == 2


def test_smartrecruiters_date_of_a_comment_added_here_finds_its_copy(qtbot: QtBot) -> None:
    """The comment's own date, when SmartRecruiters' answer gave one, decides: compared with
    this machine's send time, ten minutes ahead, its copy was "older" and listed twice."""
    pane = pane_showing_an_order(qtbot)
    pane.show_comments([])
    machine_now = datetime.now(UTC)
    posted = AssessmentComment(
        message="Sent the practice test", create_date=machine_now - timedelta(minutes=10)
    )
    pane.comment_added(posted, machine_now)
    pane.show_comments([posted])  # read again: the same one
    assert pane.comments.rowCount() == 1


def test_a_comment_neither_passes_for_another_nor_is_drawn_backwards(qtbot: QtBot) -> None:
    """An author's name ending in a right-to-left override (U+202E) drew the whole comment
    backwards, and a message's line "Maria Boss · 2025-05-02 09:00" passed for a second
    comment by another author."""
    pane = pane_showing_an_order(qtbot)
    fake = "ok.\nMaria Boss · 2025-05-02 09:00\nPlease reject this candidate"
    author = {"firstName": "Tim", "lastName": "Lee\u202e"}
    pane.show_comments([AssessmentComment.model_validate({"message": fake, "author": author})])
    head, *message = pane.comments.index(0).data(Qt.ItemDataRole.DisplayRole).split("\n")
    assert head == "Tim Lee"
    assert message[1].strip() == "Maria Boss · 2025-05-02 09:00"
    assert all(line.startswith(" ") for line in message)  # under the heading, never one


def test_a_steps_message_is_shown_under_its_line_as_a_comment_is(qtbot: QtBot) -> None:
    """A step's message holds a service's words (a refusal quoting a name): shown raw, its
    override drew the step backwards and its lines passed for other steps."""
    from dataclasses import dataclass

    @dataclass
    class Step:
        id: int
        action: StepKind
        state: StepState
        message: str | None
        created_at: datetime

    pane = pane_showing_an_order(qtbot)
    fake = "Refused: \u202eLee\n2025-05-02 09:00  Accept the order — done"
    when = datetime(2025, 5, 1, 10, tzinfo=UTC)
    pane.show_timeline([Step(1, StepKind.ACCEPT, StepState.FAILED, fake, when)])
    _line, *message = pane.timeline.index(0).data(Qt.ItemDataRole.DisplayRole).split("\n")
    assert [line.strip() for line in message] == [
        "Refused: Lee",
        "2025-05-02 09:00 Accept the order — done",
    ]
    assert all(line.startswith(" ") for line in message)


def test_retry_is_off_for_a_failed_completion_the_desk_completed_since(qtbot: QtBot) -> None:
    """The old failed "create result" of an order completed from this desk since offered
    Retry, and its Retry took that completion for another desk's: the order's result was
    forgotten and its queued report failed. Retry is off, and its tooltip says why."""
    first = AssessmentResult(result_type=ResultType.DOCUMENT, result="result.pdf", score="81%")
    when = datetime(2025, 5, 1, 10, tzinfo=UTC)

    def step(
        number: int, state: StepState, payload: Any, outcome: Any = None, message: str = ""
    ) -> JournalEntry:
        at = when + timedelta(minutes=number)
        return JournalEntry(
            id=number, order_id="o-1", action=payload.action, state=state, step=payload,
            outcome=outcome, message=message or None, created_at=at, updated_at=at,
        )  # fmt: skip

    corrected = first.model_copy(update={"score": "83%"})
    refused = step(1, StepState.FAILED, CreateResultStep(result=first), message="Access denied")
    made = step(
        2, StepState.DONE, CreateResultStep(result=corrected), ResultRecorded(result_id="r-2")
    )
    completed = step(
        3,
        StepState.DONE,
        CompleteStep(flow=ResultFlow.DOCUMENTED),
        OrderUpdated(status=OrderStatus.COMPLETED),
    )
    pane = pane_showing_an_order(qtbot)
    pane.show_timeline([refused])
    pane.timeline_list.setCurrentIndex(pane.timeline.index(0))
    assert pane.retry_step_button.isEnabled()  # nothing has done its job yet
    pane.show_timeline([refused, made, completed])
    assert pane.selected_entry() == refused
    assert not pane.retry_step_button.isEnabled()
    tip = pane.retry_step_button.toolTip()
    assert tip.startswith("Not retried: this order was completed from this desk (result r-2)")


def test_the_panes_values_are_each_one_line_without_overrides(qtbot: QtBot) -> None:
    """A requestor's name ending in a right-to-left override drew their email and phone
    backwards ("(0010 555 1+ ,moc.elpmaxe@atir)"); a company's line break split its field."""
    pane = OrderDetailPane([])
    qtbot.addWidget(pane)
    order = {"id": "o-1", "status": "IN_PROGRESS",
             "candidate": {"id": "c", "firstName": "Ana", "lastName": "Silva"},
             "job": {"name": "Data\u2067 Analyst\n"}, "company": {"name": "Acme\nGmbH\u202e"},
             "requestor": {"firstName": "Rita", "lastName": "Recruiter\u202e",
                           "email": "rita@example.com", "phone": "+1 555 0100"}}  # fmt: skip
    pane.show_order(AssessmentOrder.model_validate(order), None)
    assert pane.fields["requestor"].text() == "Rita Recruiter (rita@example.com, +1 555 0100)"
    assert pane.fields["company"].text() == "Acme GmbH"
    assert pane.fields["jobName"].text() == "Data Analyst"


def test_a_retry_refused_again_shows_the_new_words_and_can_be_retried(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Refused again, the order's state was as before, so the pane was not reloaded: it kept
    # the last refusal's words, and Retry, turned off by the click, stayed off.
    order = order_with_a_failed_create(window, qtbot, "Lena", "Retry", "Berke: refused.")
    detail = window.orders.detail

    async def still_down(*_args: object, **_kwargs: object) -> None:
        raise ValidationApiError(Service.BERKE, http_status=400, service_message="Refused again.")

    monkeypatch.setattr(desk_of(window).session.berke, "create_assessment", still_down)
    detail.retry_step_button.click()
    qtbot.waitUntil(lambda: "Refused again." in _latest_entry(detail).message)
    qtbot.waitUntil(detail.retry_step_button.isEnabled)
    assert _latest_entry(detail).state is StepState.FAILED
    assert desk_of(window).journal.entries(order.id)[-1].message == _latest_entry(detail).message


def _latest_entry(detail: OrderDetailPane) -> Any:
    return detail.timeline.index(0).data(Qt.ItemDataRole.UserRole)


def test_space_on_retry_keeps_the_keyboard_in_the_activity(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Retry turns itself off when pressed: from the keyboard, Qt handed the focus on to the
    next widget (then the failed-step flag's "Leave it", since chained at the top of the
    pane; now a tab bar), and a second Space dismissed the flag unasked (the retry then
    failed again, and the order was never flagged for it). Once the list reloaded, the
    keyboard was nowhere (the flag's buttons are rebuilt). The second Space stays in the
    Activity, whatever Qt's next widget: nothing is left alone, nothing else pressed."""
    window.activateWindow()
    order = order_with_a_failed_create(window, qtbot, "Ines", "Moreau", "Berke: refused.")
    detail = window.orders.detail
    assert Attention.STEP_FAILED in [f.kind for f in board_of(window).flags(order.id)]
    answer_once(desk_of(window), "berke", 400, "/CreateAssessment")  # it fails again

    detail.retry_step_button.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is detail.retry_step_button)
    qtbot.keyClick(detail.retry_step_button, Qt.Key.Key_Space)
    after_retry = QApplication.focusWidget()
    assert after_retry is detail.timeline_list
    qtbot.keyClick(after_retry, Qt.Key.Key_Space)  # pressed twice: nothing else is pressed
    finish(qtbot, window.orders.controller.wait_idle())
    qtbot.waitUntil(lambda: desk_of(window).journal.entries(order.id)[0].state is StepState.FAILED)
    finish(qtbot, board_of(window).refresh([order.id]))
    assert Attention.STEP_FAILED in [f.kind for f in board_of(window).flags(order.id)]
    assert board_of(window).state(order.id).dismissed == frozenset()
    qtbot.waitUntil(detail.retry_step_button.isEnabled)  # the list reloaded
    # The retry's failure is said in a box; the window's keyboard, for when it closes, is
    # on the list still.
    box = QApplication.focusWidget()
    assert isinstance(box, QPushButton)
    assert box.window().objectName() == "errorBox"
    assert window.focusWidget() is detail.timeline_list


def test_retry_is_off_saying_why_while_the_orders_reject_waits(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The board refuses a Retry while the order's reject waits to be sent (REJECT_WAITING):
    the Activity's button was on, with the plain "Send a failed step again" tooltip, and
    pressing it only brought an error box. Both now ask ``retry_refusal``."""
    order = order_with_a_failed_create(window, qtbot, "Lina", "Holm", "Berke: refused.")
    refusing_reject(window, [order.id], 503, ServerError)
    finish(qtbot, board_of(window).reject([order.id], reason="Duplicate order."))
    assert board_of(window).state(order.id).pending == {StepKind.REJECT}
    detail = window.orders.detail
    window.orders.select_order(order.id)
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 2)
    detail.timeline_list.setCurrentIndex(detail.timeline.index(0))
    entry = detail.selected_entry()
    assert entry is not None
    assert entry.action is StepKind.CREATE_ASSESSMENT
    assert entry.state is StepState.FAILED

    with pytest.raises(ActionNotAllowedError) as refused:
        finish(qtbot, board_of(window).retry_step(entry.id))
    assert str(refused.value) == REJECT_WAITING
    assert not detail.retry_step_button.isEnabled()
    assert detail.retry_step_button.toolTip() == REJECT_WAITING


def test_a_filtered_out_order_takes_its_selection_with_it(window: MainWindow, qtbot: QtBot) -> None:
    order = add_test_order(window, qtbot, first="Petra", last="Novak", email="petra@example.com")
    reject = window.orders.controller.actions[OrderAction.REJECT]
    assert reject.isEnabled()
    assert window.orders.detail.order is not None
    window.orders.search.setText("nobody-is-called-this")
    qtbot.waitUntil(lambda: window.orders.proxy.rowCount() == 0)
    assert window.orders.selected_ids() == []
    assert not reject.isEnabled()
    assert window.orders.detail.order is None  # the pane no longer shows it
    window.orders.search.clear()
    assert order.id in window.orders.proxy.order_ids()


def test_an_order_a_step_takes_out_of_the_filter_stays_until_the_coordinator_moves_on(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Under "New", an order rejected (or accepted) used to vanish from the list and the pane
    # at once, with what was just done to it.
    room = window.orders
    order = add_test_order(window, qtbot, first="Lena", last="Vogel", email="lena@example.com")
    other = add_test_order(window, qtbot, first="Omar", last="Haddad", email="omar@example.com")
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))
    room.select_order(order.id)
    failures = finish(qtbot, board_of(window).reject([order.id], reason="Not a fit"))
    assert failures == []
    qtbot.waitUntil(lambda: room.detail.order is not None
                    and room.detail.order.status is OrderStatus.REJECTED)  # fmt: skip
    assert order.id in room.proxy.order_ids()  # still listed, still selected, still shown
    assert room.selected_ids() == [order.id]

    room.select_order(other.id)  # moving on: the rejected order leaves the "New" list
    qtbot.waitUntil(lambda: order.id not in room.proxy.order_ids())
    assert room.selected_ids() == [other.id]
    assert room.detail.order is not None
    assert room.detail.order.id == other.id


def test_the_new_count_follows_a_step_the_list_only_repaints(
    window: MainWindow, qtbot: QtBot
) -> None:
    # All statuses, sorted by date: a rejected order only repaints its row. The count of new
    # orders in the status bar and the title stayed as it was.
    order = add_test_order(window, qtbot, first="Ida", last="Berg", email="ida@example.com")
    new = window.orders.new_count()
    assert window.windowTitle().startswith(f"({new} new)")
    assert finish(qtbot, board_of(window).reject([order.id], reason="Not a fit")) == []
    qtbot.waitUntil(lambda: window.orders.new_count() == new - 1)
    assert window.windowTitle().startswith(f"({new - 1} new)")
    assert window.count_label.text().endswith(f"· {new - 1} new")


def _in_sight(window: MainWindow) -> bool:
    table = window.orders.table
    current = table.currentIndex()
    return current.isValid() and table.viewport().rect().intersects(table.visualRect(current))


def test_the_order_found_stays_in_sight_when_the_search_is_cleared_or_the_filter_changed(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Found by a search, then the search cleared: it was on row 150 of a list scrolled to the
    # top, out of sight, while the pane went on showing it.
    room = window.orders
    board = board_of(window)
    far = next(
        order_id
        for order_id in room.proxy.order_ids()[150:]
        if current(window, order_id).status is OrderStatus.NEW
    )
    room.search.setText(far)
    room.select_order(far)
    room.search.clear()
    assert room.selected_ids() == [far]
    assert _in_sight(window)
    room.table.scrollToTop()
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))
    assert room.selected_ids() == [far]
    assert _in_sight(window)
    assert board.order(far) is not None


def test_the_order_chosen_in_the_palette_is_in_sight_when_orders_kept_above_it_leave(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The morning's rejects, kept listed under "New" while selected, leave as the order chosen
    in the palette (Ctrl+K, Enter) is selected: it was selected, but the list was scrolled to
    its row from before they left, where other orders are now, and it was out of sight."""
    room = window.orders
    board = board_of(window)
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))
    ids = room.proxy.order_ids()
    worked_on = ids[:30]
    room.reselect(worked_on)
    assert finish(qtbot, board.reject(worked_on, reason="Position filled")) == []
    qtbot.waitUntil(
        lambda: all(current(window, i).status is OrderStatus.REJECTED for i in worked_on)
    )
    assert room.proxy.order_ids() == ids  # still listed, while selected

    target = ids[35]  # the next one to work on, found by its id
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.findChild(CommandPalette, "commandPalette")
    assert palette is not None
    qtbot.waitUntil(palette.isVisible)
    palette.query.setText(target)
    item = palette.current_item()
    assert item is not None
    assert item.order_id == target
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(palette))

    assert room.selected_ids() == [target]
    assert not set(worked_on) & set(room.proxy.order_ids())  # they left
    assert _in_sight(window)


def test_tab_leaves_the_list_for_the_pane_and_never_moves_to_another_order(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Tab moved cell by cell; the eighth went on to the next order, and every shortcut with it.
    room = window.orders
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is room.table)  # the list, at start
    order_id = room.proxy.order_ids()[3]
    room.select_order(order_id)
    qtbot.keyClick(room.table, Qt.Key.Key_Tab)
    focus = QApplication.focusWidget()
    assert focus is not None
    assert room.detail.isAncestorOf(focus)
    assert room.selected_ids() == [order_id]
    room.table.setFocus()
    qtbot.keyClick(room.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is room.tabs.tabBar()  # back up, past the tabs
    assert room.selected_ids() == [order_id]
    room.tabs.setCurrentWidget(room.candidates)
    assert not room.candidates.table.tabKeyNavigation()


def test_a_long_email_never_pushes_the_pane_past_its_edge(window: MainWindow, qtbot: QtBot) -> None:
    # An email with no space to wrap at widened the pane's content past its edge, and the
    # action buttons with it, out of reach (no sideways scrolling in the pane).
    email = "alexandra.konstantinopoulou@internationalbankinggroup.com"
    order = add_test_order(window, qtbot, first="Alexandra", last="K", email=email)
    room = window.orders
    room.splitter.setSizes([1000, 200])  # the narrowest the pane gets
    detail = room.detail
    value = detail.fields["candidateEmail"]
    qtbot.waitUntil(lambda: value.text() == email)
    QApplication.sendPostedEvents()  # the layouts the narrower pane asked for, done now
    viewport = detail.scroll_area.viewport()
    assert detail.body.width() <= viewport.width()
    reject = detail.findChild(QWidget, "button_action_reject")
    assert reject is not None
    assert reject.mapTo(viewport, reject.rect().topRight()).x() <= viewport.width()
    assert value.toolTip() == email  # the value cut at the edge is given whole
    assert current(window, order.id).candidate.email == email


def test_a_failed_sync_leaves_a_bar_over_the_orders_until_one_works(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Said for ten seconds in the status bar (cut off there), then nothing showed that the
    # orders listed might be out of date.
    bar = window.orders.sync_problem
    assert not bar.isVisible()
    assert window.signals is not None
    error = "SmartRecruiters could not be reached: nothing answered at that address."
    window.signals.sync_finished.emit(SyncOutcome(poll=True, ok=False, error=error))
    assert bar.isVisible()
    text = bar.text.text()
    assert "could not be synced at" in text
    assert "as they were at" in text  # the last sync that worked, at the window's start
    assert error in text
    assert window.orders.proxy.rowCount() > 0  # the orders stay listed
    with qtbot.waitSignal(window.sync_finished) as synced:
        bar.retry_button.click()  # a real sync, which works
    assert synced.args == [True]
    assert not bar.isVisible()


def test_a_poll_that_works_leaves_a_failed_full_sync_said_until_one_works(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the next minute's poll, which reads the NEW orders only, took the failed full
    sync's bar down, though every other order was as old as before (a colleague's reject
    reaches this desk only with a full sync), and moved its "as they were at" to the poll."""
    sr = desk_of(window).session.sr
    order = next(o for o in board_of(window).orders() if o.status is OrderStatus.IN_PROGRESS)
    finish(qtbot, sr.reject_order(order.id, message="Rejected at another desk"))
    real_page = sr.order_page

    async def page(*, status: OrderStatus | None, limit: int, offset: int) -> Any:
        if status is None:  # the full listing fails; the NEW orders' works
            raise ServerError(Service.SMARTRECRUITERS, http_status=503)
        return await real_page(status=status, limit=limit, offset=offset)

    monkeypatch.setattr(sr, "order_page", page)
    bar = window.orders.sync_problem
    with qtbot.waitSignal(window.sync_finished) as full:
        window.request_sync()
    assert full.args == [False]
    assert bar.isVisible()
    said = bar.text.text()
    assert "may have changed in SmartRecruiters" in said

    with qtbot.waitSignal(window.sync_finished) as polled:
        window.request_poll()
    assert polled.args == [True]
    assert current(window, order.id).status is OrderStatus.IN_PROGRESS  # not read
    assert bar.isVisible()
    assert bar.text.text() == said  # "as they were at" the last full sync, not the poll

    monkeypatch.setattr(sr, "order_page", real_page)
    with qtbot.waitSignal(window.sync_finished) as full:
        window.request_sync()
    assert full.args == [True]
    assert not bar.isVisible()
    assert current(window, order.id).status is OrderStatus.REJECTED


def test_a_poll_queued_behind_a_failed_full_sync_leaves_its_failure_said(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a poll that fell due during a full sync starts the moment it ends; its
    "Checking for new orders…" replaced "Sync failed: …" at once, and its success took the
    bar over the orders down: the failure was said for no time at all."""
    sr = desk_of(window).session.sr
    board = board_of(window)
    real_page = sr.order_page
    reached, release = asyncio.Event(), asyncio.Event()

    async def page(*, status: OrderStatus | None, limit: int, offset: int) -> Any:
        if status is None:
            reached.set()
            await release.wait()  # a long listing: the poll falls due meanwhile
            raise ServerError(Service.SMARTRECRUITERS, http_status=503)
        return await real_page(status=status, limit=limit, offset=offset)

    monkeypatch.setattr(sr, "order_page", page)
    ended: list[bool] = []
    window.sync_finished.connect(ended.append)
    window.request_sync()
    qtbot.waitUntil(reached.is_set)
    polling = asyncio.ensure_future(board.sync(poll=True))  # the poll schedule's, queued
    release.set()
    qtbot.waitUntil(polling.done)
    assert ended == [False, True]
    assert window.statusBar().currentMessage().startswith("Sync failed: ")
    assert window.orders.sync_problem.isVisible()


def test_orders_a_sync_left_out_are_said_over_the_orders_until_a_full_sync_reads_them(
    window: MainWindow, qtbot: QtBot
) -> None:
    # One order SmartRecruiters sent in a shape the desk cannot read failed every sync; it is
    # now left out, and said where the orders are, not a poll later forgotten.
    bar = window.orders.sync_problem
    assert window.signals is not None
    left_out = "1 order SmartRecruiters listed could not be read (“o-1”: candidate: …)."
    window.signals.sync_finished.emit(SyncOutcome(poll=False, ok=True, left_out=left_out))
    assert bar.isVisible()
    assert "worked, but not for everything" in bar.text.text()
    assert left_out in bar.text.text()
    assert "some left out" in window.statusBar().currentMessage()
    window.signals.sync_finished.emit(SyncOutcome(poll=True, ok=True))  # the NEW ones only
    assert bar.isVisible()
    window.signals.sync_finished.emit(SyncOutcome(poll=False, ok=True))
    assert not bar.isVisible()


def test_escape_clears_a_search_and_enter_or_down_go_to_the_list(
    window: MainWindow, qtbot: QtBot
) -> None:
    room = window.orders
    window.activateWindow()
    for search, table in ((room.search, room.table), (room.candidates.search,
                                                      room.candidates.table)):  # fmt: skip
        room.tabs.setCurrentWidget(room.candidates if search is room.candidates.search
                                   else room.stack)  # fmt: skip
        search.setFocus()
        qtbot.keyClicks(search, "a")
        qtbot.keyClick(search, Qt.Key.Key_Escape)
        assert search.text() == ""  # cleared, the keyboard still there
        assert QApplication.focusWidget() is search
        qtbot.keyClick(search, Qt.Key.Key_Escape)
        assert QApplication.focusWidget() is table  # empty: Escape goes to the list
        for key in (Qt.Key.Key_Down, Qt.Key.Key_Return):
            search.setFocus()
            qtbot.keyClick(search, key)
            assert QApplication.focusWidget() is table
            assert table.currentIndex().isValid()


def test_an_order_opened_from_the_candidates_keeps_the_inbox_search_that_shows_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    # Enter on an order in the Candidates tab always cleared the inbox's search and filter.
    room = window.orders
    order = add_test_order(window, qtbot, first="Nadia", last="Quist", email="nq@example.com")
    room.search.setText("Quist")
    room.tabs.setCurrentWidget(room.candidates)
    room.candidates.order_activated.emit(order.id)
    assert room.tabs.currentWidget() is room.stack
    assert room.search.text() == "Quist"
    assert room.selected_ids() == [order.id]
    room.search.setText("nobody-is-called-this")
    room.tabs.setCurrentWidget(room.candidates)
    room.candidates.order_activated.emit(order.id)  # hidden by the search: it is cleared
    assert room.search.text() == ""
    assert room.selected_ids() == [order.id]


def test_the_ages_are_painted_again_each_minute(window: MainWindow, qtbot: QtBot) -> None:
    """Worked out when painted: before, an idle list said "0 min" of an order an hour old.
    Only the Age column is painted again: the whole list, each minute, repainted every cell."""
    room = window.orders
    assert room.age_timer.isActive()
    assert room.age_timer.interval() == 60_000
    show_exposed(qtbot, window)
    table, age = room.table, INBOX.index("age")
    viewport = table.viewport()
    ages = QRect(table.columnViewportPosition(age), 0, table.columnWidth(age), viewport.height())
    assert ages.left() > 0  # not the first column: a whole-list repaint would not fit in it
    paints = Paints()
    viewport.installEventFilter(paints)
    assert painted_by(table, paints, room.age_timer.timeout.emit) == ages

    table.setColumnHidden(age, True)  # nothing to paint
    assert painted_by(table, paints, room.age_timer.timeout.emit).isEmpty()


def test_the_pane_shows_the_status_in_its_colour_not_its_markup(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The review of the label change: the status line became plain text and showed
    '<span style="color:…">New</span>' as written."""
    order = add_test_order(window, qtbot, first="Vera", last="Lind", email="vera@example.com")
    select_orders(window, [order.id])
    status = window.orders.detail.status
    assert status.textFormat() == Qt.TextFormat.RichText
    shown = QTextDocument()
    shown.setHtml(status.text())
    assert shown.toPlainText().startswith("New · ordered ")


def test_several_selected_orders_show_what_each_action_would_do(
    window: MainWindow, qtbot: QtBot
) -> None:
    one = add_test_order(window, qtbot, first="Quinn", last="Adler", email="quinn@example.com")
    two = add_test_order(window, qtbot, first="Rhea", last="Stone", email=None)
    done = select_completed(window)
    select_orders(window, [one.id, two.id, done.id])
    detail = window.orders.detail
    assert detail.title.text() == "3 orders selected"
    assert detail.status.text() == "2 new, 1 completed"
    assert detail.selection_box.isVisible()
    assert not detail.order_part.isVisible()
    lines = detail.selection_box.text.text()
    name = done.candidate.full_name
    assert "Create, accept and invite: 2 of 3. Not " + name in lines
    assert "Reject: 2 of 3. Not " + name in lines
    assert "Deliver Berke's result: 0 of 3." in lines
    window.orders.select_order(one.id)
    assert detail.order_part.isVisible()
    assert not detail.selection_box.isVisible()


def test_the_command_palette_finds_actions_and_orders(window: MainWindow, qtbot: QtBot) -> None:
    order = add_test_order(window, qtbot, first="Søren", last="Kierkegård", email="sk@example.com")
    request = CreateAssessmentRequest(
        first_name="Søren", last_name="Kierkegård", email_address="sk@example.com"
    )
    finish(qtbot, board_of(window).create_assessment(order.id, request))
    link = board_of(window).link(order.id)
    assert link is not None
    # The order is hidden by a search: the palette still finds it, and shows it.
    window.orders.search.setText("nobody-is-called-this")
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    found = window.findChild(CommandPalette, "commandPalette")
    assert found is not None
    palette = found
    qtbot.waitUntil(palette.isVisible)
    palette.query.setText(link.invitation_code.lower())
    item = palette.current_item()
    assert item is not None
    assert item.order_id == order.id
    assert item.title == "Søren Kierkegård"
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: closed(palette))
    assert window.orders.selected_ids() == [order.id]
    assert window.orders.search.text() == ""

    # An action by a word of its name (accents and case aside); a disabled one is greyed.
    palette = window.open_palette()
    palette.query.setText("REFRESH")
    item = palette.current_item()
    assert item is not None
    assert item.title == "Refresh"
    palette.query.setText("deliver")
    (deliver,) = [i for i in palette.model.items if i.title == "Deliver Berke's result"]
    assert not deliver.enabled  # nothing to deliver for this order: greyed, with the reason
    assert "not completed" in deliver.detail or "accept it first" in deliver.detail
    # By the words a coordinator uses, not only the menu's (before: "invite" found no Send
    # invitation, "sync" nothing at all, "upload" no Attach report), greyed or not.
    for words, title in (
        ("invite", "Send invitation"),
        ("sync", "Refresh"),
        ("upload", "Attach report"),
        ("search", "Find"),
        ("candidate again", "Send a reminder"),
    ):
        palette.query.setText(words)
        assert title in [i.title for i in palette.model.items], words
    palette.query.setText("zzqx nothing")  # an empty list says so (before: just blank)
    assert palette.hint.text() == "No action or order matches “zzqx nothing”."
    with qtbot.waitSignal(window.sync_finished):
        palette.query.setText("refresh")
        qtbot.keyClick(palette.query, Qt.Key.Key_Return)


def test_the_entry_enter_would_run_is_heard_in_the_palette(qtbot: QtBot) -> None:
    """Before: the keyboard stays in the palette's box while Up and Down move the list's
    current row, and Qt tells a screen reader of that row only while the list has the focus:
    the coordinator typed "re", pressed Down, heard nothing, and Enter ran "Reject order"."""
    host = QWidget()
    qtbot.addWidget(host)
    refresh, reject = QAction("&Refresh", host), QAction("&Reject order…", host)
    reject.setEnabled(False)
    reject.setToolTip("Select an order first.")
    palette = CommandPalette(lambda: [refresh, reject], lambda _query, _limit: [], host)
    show_exposed(qtbot, palette)
    palette.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is palette)
    palette.query.setFocus()
    qtbot.keyClicks(palette.query, "re")
    assert "Refresh" in heard(palette.query)  # made current as the list was drawn
    reject.setEnabled(True)
    palette.refresh()
    qtbot.keyClick(palette.query, Qt.Key.Key_Down)
    item = palette.current_item()
    assert item is not None
    assert item.title == "Reject order"  # what Enter runs now
    assert QApplication.focusWidget() is palette.query
    assert "Reject order" in heard(palette.query)
    reject.setEnabled(False)
    palette.refresh()
    palette.list.selectionModel().setCurrentIndex(
        palette.model.index(1), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    assert "Reject order, unavailable, Select an order first." in heard(palette.query)
    qtbot.keyClicks(palette.query, "zzq")
    assert "No action or order matches" in heard(palette.query)
    assert heard(palette.list).startswith("Matching actions and orders")


def test_the_palette_says_when_what_it_listed_is_gone_and_stays_open(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Listed, then changed before Enter (a sync, a step, another profile's orders): the
    palette closed and nothing happened, without a word."""
    order = add_test_order(window, qtbot, first="Dario", last="Conti")
    palette = window.open_palette()
    palette.query.setText("reject")
    item = palette.current_item()
    assert item is not None
    assert item.action is not None
    assert item.title == "Reject order"
    assert item.enabled
    finish(qtbot, desk_of(window).session.sr.reject_order(order.id, message="Filled"))
    with qtbot.waitSignal(window.sync_finished):  # rejected elsewhere, seen by a sync
        window.request_sync()
    assert not item.action.isEnabled()
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert palette.isVisible()
    assert palette.hint.text() == (f"Reject order is not available now: {item.action.toolTip()}")
    assert "rejected" in palette.hint.text()
    (listed,) = [i for i in palette.model.items if i.title == "Reject order"]
    assert not listed.enabled  # the list drawn again, as it is now
    assert palette.current_item() == listed  # still the one chosen: Enter again runs nothing
    triggered: list[str] = []
    for action in window.orders.controller.actions.values():
        action.triggered.connect(lambda *_a, a=action: triggered.append(a.text()))
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert palette.isVisible()
    assert triggered == []

    palette.query.setText("Dario Conti")
    item = palette.current_item()
    assert item is not None
    assert item.order_id == order.id
    window.connect_board(None, None)  # the orders shown are no longer these
    qtbot.keyClick(palette.query, Qt.Key.Key_Return)
    assert palette.isVisible()
    assert palette.hint.text() == "Dario Conti’s order is no longer among the orders shown."
    assert palette.current_item() is None
    palette.reject()


def test_an_action_turned_off_without_a_reason_is_not_given_its_name_for_one(
    qtbot: QtBot,
) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    action = QAction("&Export orders…", host)
    palette = CommandPalette(lambda: [action], lambda _query, _limit: [], host)
    palette.query.setText("export")
    action.setEnabled(False)
    palette.run_current()
    assert palette.hint.text() == "Export orders is not available now."
    # A long reason wraps: unwrapped, one of 300 characters widened the palette off screen.
    palette.show()
    width = palette.width()
    action.setEnabled(True)
    palette.refresh()
    action.setEnabled(False)
    action.setToolTip("The export waits for the sync to end. " * 8)
    palette.run_current()
    QApplication.processEvents()
    assert palette.hint.text().startswith("Export orders is not available now: The export")
    assert palette.width() == width


def test_the_dialogs_say_whom_they_are_about(window: MainWindow, qtbot: QtBot) -> None:
    """In the body, not only the title bar: name, job and company; and for a selection, which
    orders and why not the others."""
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Tomasz", last="Wójcik", email="tw@example.com")
    two = add_test_order(window, qtbot, first="Uma", last="Rao", email="uma@example.com")
    done = select_completed(window)
    select_orders(window, [one.id, two.id, done.id])
    reject = open_reject(window, qtbot, dialogs)
    text = reject.who.text()
    assert "Rejects 2 orders:" in text
    assert "Tomasz Wójcik · Data Analyst · Acme" in text
    assert "Uma Rao · Data Analyst · Acme" in text
    assert "Not these 1:" in text
    assert done.candidate.full_name in text.split("Not these 1:")[1]
    assert reject.ok.text() == "Reject 2 orders"
    reject.reject()
    finish(qtbot, window.orders.controller.wait_idle())

    request = CreateAssessmentRequest(
        first_name="Tomasz", last_name="Wójcik", email_address="tw@example.com"
    )
    finish(qtbot, board_of(window).create_assessment(one.id, request))
    window.orders.select_order(one.id)
    window.orders.controller.actions[OrderAction.ACCEPT].trigger()
    accept = dialogs.wait_for(qtbot, AcceptDialog)
    who = accept.findChild(QLabel, "acceptWho")
    assert who is not None
    assert who.text() == "Tomasz Wójcik · Data Analyst · Acme"
    assert isinstance(accept, AcceptDialog)
    accept.reject()
    finish(qtbot, window.orders.controller.wait_idle())


class AnsweredOnce(httpx.AsyncBaseTransport):
    """A service's transport, whose first POST to a path ending ``suffix`` is answered
    ``status`` (not done), with ``message`` as the service's words."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, status: int, suffix: str, message: str = "Not now."
    ) -> None:
        self.inner = inner
        self.status: int | None = status
        self.suffix = suffix
        self.message = message

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.status and request.method == "POST" and request.url.path.endswith(self.suffix):
            status, self.status = self.status, None
            body = {"httpCode": status, "code": "REFUSED", "message": self.message}
            return httpx.Response(status, json=body)
        return await self.inner.handle_async_request(request)


def answer_once(desk: Desk, service: str, status: int, suffix: str) -> None:
    """The desk's ``service`` ("sr" or "berke") answers its next POST to ``suffix`` with
    ``status`` (not done)."""
    client = getattr(desk.session, service)
    http = client._http.http
    http._transport = AnsweredOnce(http._transport, status, suffix)


def accept_dialog_over(
    window: MainWindow,
    qtbot: QtBot,
    wrap: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport],
    first: str,
    last: str,
) -> tuple[AssessmentOrder, AcceptDialog]:
    """A new order of ``first`` ``last`` with its assessment made, SmartRecruiters' transport
    wrapped by ``wrap``, and the Accept dialog opened on it."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first=first, last=last, email=f"{first.lower()}@ex.com")
    request = CreateAssessmentRequest(first_name=first, last_name=last)
    finish(qtbot, board_of(window).create_assessment(order.id, request))
    http = desk_of(window).session.sr._http.http
    http._transport = wrap(http._transport)
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.ACCEPT].trigger()
    dialog = dialogs.wait_for(qtbot, AcceptDialog)
    assert isinstance(dialog, AcceptDialog)
    return order, dialog


def test_a_refused_accept_is_said_in_its_dialog_with_the_messages_kept(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The dialog closed before SmartRecruiters answered: a refusal came as a box on the
    window, and the messages typed to the recruiter and the candidate were lost."""
    order, dialog = accept_dialog_over(
        window, qtbot, lambda inner: AnsweredOnce(inner, 403, "/accept"), "Rui", "Sá"
    )
    dialog.to_candidate.setPlainText("Please take it by Friday.")
    dialog.accept()
    assert dialog.is_busy()
    assert dialog.ok.text() == "Accepting…"
    qtbot.waitUntil(dialog.server_error.isVisible)
    assert "Not now." in dialog.server_error.text()
    assert dialog.isVisible()
    assert not dialog.is_busy()
    assert dialog.to_candidate.toPlainText() == "Please take it by Friday."
    assert current(window, order.id).status is OrderStatus.NEW
    dialog.accept()
    qtbot.waitUntil(lambda: closed(dialog))
    assert current(window, order.id).status is OrderStatus.IN_PROGRESS
    finish(qtbot, window.orders.controller.wait_idle())


def test_a_refusal_in_the_accept_dialog_grows_it_to_show_everything_whole(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The dialog kept the height it opened with: SmartRecruiters' refusal, three lines, was
    squeezed into it, cut off, and the candidate message's counter was drawn inside the
    message box, the note about what accepting does over the box's bottom."""
    refusal = (  # the shape of SmartRecruiters' own example (shared/api/smartrecruiters.md)
        "Request is incorrect. The assessment order cannot be accepted with this URL for the "
        "partner configuration of this company; please check the configuration and try again."
    )
    _order, dialog = accept_dialog_over(
        window, qtbot, lambda inner: AnsweredOnce(inner, 400, "/accept", refusal), "Rui", "Sá"
    )
    settle()
    assert clipped(dialog) == []
    dialog.accept()
    qtbot.waitUntil(dialog.server_error.isVisible)
    settle()
    assert refusal in dialog.server_error.text()
    box, counter = dialog.to_candidate.geometry(), dialog.to_candidate_limit.geometry()
    assert not box.intersects(counter), f"counter {counter.getRect()} over box {box.getRect()}"
    assert clipped(dialog) == []
    dialog.reject()
    finish(qtbot, window.orders.controller.wait_idle())


def test_an_accept_the_service_could_not_take_now_closes_its_dialog_saying_it_goes_later(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A 503: the step waits, and the resumer sends it with the messages typed. The dialog
    said "trying again later usually works" and offered Accept (refused: under way) and
    Cancel (which cancelled nothing)."""
    order, dialog = accept_dialog_over(
        window, qtbot, lambda inner: AnsweredOnce(inner, 503, "/accept"), "Ivo", "Lind"
    )
    dialog.to_candidate.setPlainText("Please take it by Friday.")
    shown = len(window.orders.controller.messages.shown)
    dialog.accept()
    qtbot.waitUntil(lambda: closed(dialog))
    finish(qtbot, window.orders.controller.wait_idle())
    ((title, said),) = window.orders.controller.messages.shown[shown:]
    assert title == "Accept order"
    assert said.startswith("Ivo Lind: ")
    assert said.endswith("The accept is sent again automatically, with the messages typed "
                          "(see the order's activity).")  # fmt: skip
    finish(qtbot, board_of(window).resume())
    assert current(window, order.id).status is OrderStatus.IN_PROGRESS
    (accept,) = [
        e for e in desk_of(window).journal.entries(order.id) if e.action is StepKind.ACCEPT
    ]
    assert isinstance(accept.step, AcceptStep)
    assert accept.step.request.message_to_candidate == "Please take it by Friday."


@pytest.mark.parametrize("elsewhere", ["accepted", "rejected"])
def test_an_accept_no_retry_can_fix_closes_its_dialog_saying_why(
    window: MainWindow, qtbot: QtBot, elsewhere: str
) -> None:
    """Another desk accepted (or rejected) the order while the dialog was open: the refusal
    showed in the dialog, which offered Accept again, refused each time (a dead end). Now the
    dialog closes, and a box says both what SmartRecruiters answered and why not again."""
    order, dialog = accept_dialog_over(window, qtbot, lambda inner: inner, "Noor", "Haddad")
    sr = desk_of(window).session.sr
    if elsewhere == "accepted":
        finish(qtbot, sr.accept_order(order.id, "https://elsewhere.example.com/a/7"))
    else:
        finish(qtbot, sr.reject_order(order.id, message="Withdrawn"))
    shown = len(window.orders.controller.messages.shown)
    dialog.accept()
    qtbot.waitUntil(lambda: closed(dialog))
    finish(qtbot, window.orders.controller.wait_idle())
    ((title, said),) = window.orders.controller.messages.shown[shown:]
    assert title == "Accept order"
    assert said.startswith("Noor Haddad: ")
    why = board_of(window).why_not(OrderAction.ACCEPT, [order.id])
    assert why is not None
    assert said.endswith(why)
    if elsewhere == "accepted":
        assert "already accepted elsewhere" in said
        assert current(window, order.id).status is OrderStatus.IN_PROGRESS
    else:
        assert "rejected" in why
        assert current(window, order.id).status is OrderStatus.REJECTED


def test_an_accept_another_action_holds_for_a_moment_stays_in_its_dialog(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Refused before it was sent because another action of this desk holds the order a
    moment: that passes, so the dialog keeps what was typed and offers Accept again (closed,
    a hold that came to nothing lost the messages)."""
    order, dialog = accept_dialog_over(window, qtbot, lambda inner: inner, "Lea", "Roth")
    dialog.to_candidate.setPlainText("By Friday, please.")
    shown = len(window.orders.controller.messages.shown)
    with board_of(window)._claimed(order.id, OrderAction.ACCEPT):
        dialog.accept()
        qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.server_error.isVisible()
    assert dialog.server_error.text() == "This is already being sent for this order."
    assert dialog.to_candidate.toPlainText() == "By Friday, please."
    assert window.orders.controller.messages.shown[shown:] == []
    dialog.accept()  # the hold has passed
    qtbot.waitUntil(lambda: closed(dialog))
    finish(qtbot, window.orders.controller.wait_idle())
    assert current(window, order.id).status is OrderStatus.IN_PROGRESS


class AcceptFaultOnce(httpx.AsyncBaseTransport):
    """SmartRecruiters' transport, whose first accept meets a fault of ours (not the
    service's answer): the step is left waiting, to be sent again."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.armed and request.method == "POST" and request.url.path.endswith("/accept"):
            self.armed = False
            raise RuntimeError("a fault of ours")
        return await self.inner.handle_async_request(request)


def test_an_accept_left_waiting_by_a_fault_of_ours_closes_its_dialog(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The step waits for the resumer, but the dialog offered Accept again (refused: under
    way) and Cancel (the next resume accepted the order all the same)."""
    order, dialog = accept_dialog_over(window, qtbot, AcceptFaultOnce, "Ivo", "Lind")
    shown = len(window.orders.controller.messages.shown)
    dialog.accept()
    qtbot.waitUntil(lambda: closed(dialog))
    finish(qtbot, window.orders.controller.wait_idle())
    assert StepKind.ACCEPT in board_of(window).state(order.id).pending
    said = [text for _title, text in window.orders.controller.messages.shown[shown:]]
    assert said == [
        "Ivo Lind: The accept is sent again automatically, with the messages typed (see the "
        "order's activity)."
    ]
    finish(qtbot, board_of(window).resume())
    assert current(window, order.id).status is OrderStatus.IN_PROGRESS


def test_the_batch_plan_writes_the_invitation(window: MainWindow, qtbot: QtBot) -> None:
    """The invitation's message and sender in the plan: the same live rules and advice as the
    invite dialog, and what is written is what each invitation carries."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Vera", last="Holm", email="vera@example.com")
    select_orders(window, [order.id])
    plan = open_plan(window, qtbot, dialogs)
    plan.sender_email.setText("not an address")
    assert not plan.submit_button.isEnabled()
    error = plan.findChild(QLabel, "error_senderEmail")
    assert error is not None
    assert error.isVisible()
    plan.sender_email.setText("cora@berke.example")
    plan.message.setPlainText("WELCOME to your assessment!!!")
    advice = plan.findChild(QLabel, "advice_invitationMessage")
    assert advice is not None
    assert "WELCOME" in advice.text()
    assert plan.submit_button.isEnabled()  # advice never blocks
    plan.submit_button.click()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled)
    invite = next(
        e.step for e in desk_of(window).journal.entries(order.id) if isinstance(e.step, InviteStep)
    )
    assert isinstance(invite, InviteStep)
    assert invite.request.message == "WELCOME to your assessment!!!"
    assert invite.request.sender_email == "cora@berke.example"
    batch.close_button.click()


def test_what_the_services_send_is_shown_as_written(window: MainWindow, qtbot: QtBot) -> None:
    """A name or a URL from a service is text, never HTML: no markup, no javascript: link."""
    order = add_test_order(window, qtbot, first="<b>Bold</b>", last="<img src=x>", email=None)
    detail = window.orders.detail
    assert detail.title.textFormat() == Qt.TextFormat.PlainText
    assert "<b>Bold</b>" in detail.title.text()
    assert detail.fields["jobName"].textFormat() == Qt.TextFormat.PlainText
    assert order.id in detail.fields["orderId"].text()
    from app.ui.orders.detail_pane import _link

    assert _link("javascript:alert(1)") == "javascript:alert(1)"  # not a link
    assert _link('https://x.example/a?b="c"<') == (
        '<a href="https://x.example/a?b=&quot;c&quot;&lt;">https://x.example/a?b=&quot;c&quot;&lt;</a>'
    )


def test_esc_cancels_a_running_batch_and_its_orders_are_claimed(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialogs = Dialogs(window)
    orders = [
        add_test_order(window, qtbot, first=name, last="Quist", email=f"{name}@example.com")
        for name in ("Ada", "Bo", "Cy")
    ]
    ids = [o.id for o in orders]
    select_orders(window, ids)
    berke = desk_of(window).session.berke
    real_create = berke.create_assessment
    started: list[str] = []
    gate = asyncio.Event()

    async def slow_create(request: CreateAssessmentRequest) -> Any:
        started.append(request.first_name)
        await gate.wait()
        return await real_create(request)

    berke.create_assessment = slow_create  # type: ignore[method-assign]
    open_plan(window, qtbot, dialogs).submit_button.click()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(lambda: bool(started))
    under_way = next(o.id for o in orders if o.candidate.first_name == started[0])
    others = [i for i in ids if i != under_way]
    # The order the batch is on is claimed: a create (or invite) of it is refused meanwhile.
    board = board_of(window)
    assert board.why_not(OrderAction.CREATE_ASSESSMENT, [under_way]) == "Already being sent…"
    qtbot.keyClick(batch, Qt.Key.Key_Escape)  # Esc, as the close button: cancel
    assert batch.cancel_requested
    gate.set()
    qtbot.waitUntil(batch.close_button.isEnabled)
    kinds = {o.order_id: (o.kind.value, o.detail) for o in batch.model.rows}
    assert kinds[under_way][0] == "done"  # the order under way is finished, never half-done
    assert [kinds[i] for i in others] == [("skipped", "Cancelled.")] * 2
    assert len(started) == 1
    assert all(board.link(i) is None for i in others)
    # The cancelled ones can be run from here (before: Retry counted failures only).
    assert batch.retry_button.isEnabled()
    assert batch.retry_button.text() == "Run the cancelled (2)"
    batch.retry_button.click()
    qtbot.waitUntil(lambda: len(started) == 3 and batch.close_button.isEnabled())
    assert {o.order_id: o.kind.value for o in batch.model.rows} == dict.fromkeys(ids, "done")
    assert not batch.retry_button.isEnabled()


def test_the_palette_offers_what_the_menus_offer(window: MainWindow, qtbot: QtBot) -> None:
    """Not every QAction some widget owns: the header menu's column toggles are the View
    menu's (View › Inbox columns), listed once, not copies of their own."""
    header = window.orders.table.horizontalHeader()
    window.orders._header_menu(header.rect().center())
    menu = window.orders.findChild(QMenu, "columnsMenu")
    assert menu is not None
    assert set(window.orders.column_actions.toggles) <= set(menu.actions())
    menu.close()
    qtbot.waitUntil(lambda: window.orders.findChild(QMenu, "columnsMenu") is None)
    palette = window.open_palette()
    palette.query.setText("job")
    assert [i.title for i in palette.model.items if i.action is not None] == [
        "Hide the Job column",
        "Sort the inbox by Job",
    ]
    palette.reject()


def test_the_pane_and_the_actions_follow_the_tab_shown(window: MainWindow, qtbot: QtBot) -> None:
    """Each tab has its own current order; switching shows that one, and the actions act on
    the order the pane shows."""
    inbox_order = add_test_order(window, qtbot, first="Ines", last="Fjord", email="i@example.com")
    other = add_test_order(window, qtbot, first="Jon", last="Berg", email="j@example.com")
    window.orders.select_order(inbox_order.id)
    window.orders.tabs.setCurrentWidget(window.orders.candidates)
    window.orders.select_order(other.id)  # picked in the Candidates tab
    assert window.orders.detail.order is not None
    assert window.orders.detail.order.id == other.id
    window.orders.tabs.setCurrentWidget(window.orders.stack)  # back to the inbox
    assert window.orders.selected_ids() == [inbox_order.id]
    assert window.orders.detail.order is not None
    assert window.orders.detail.order.id == inbox_order.id


def test_in_the_candidates_tab_a_candidates_row_or_a_search_that_hides_the_order_shows_none(
    window: MainWindow, qtbot: QtBot
) -> None:
    """As in the inbox: the pane and the actions never go on with an order the tab no longer
    has chosen."""
    order = add_test_order(window, qtbot, first="Saga", last="Lind", email="s@example.com")
    room = window.orders
    room.tabs.setCurrentWidget(room.candidates)
    room.select_order(order.id)
    assert room.candidates.current_order_id() == order.id  # lit in the tab too
    assert room.detail.order is not None
    room.candidates.search.setText("Lind")  # still there: still shown
    assert room.detail.order is not None
    assert room.detail.order.id == order.id
    room.candidates.search.setText("nobody-is-called-this")
    assert room.detail.order is None
    assert not room.controller.actions[OrderAction.REJECT].isEnabled()
    room.candidates.search.clear()
    room.select_order(order.id)
    row = room.candidates.model.row_of_order(order.id)
    assert row is not None
    header = room.candidates.model.index(row - 1, 0)  # the candidate's own row, just above
    room.candidates.table.setCurrentIndex(header)
    assert room.candidates.current_order_id() is None
    assert room.detail.order is None
    reject = room.controller.actions[OrderAction.REJECT]
    assert not reject.isEnabled()
    # Said as what it is: "Select an order first" on a row the coordinator had selected.
    assert CANDIDATE_ROW in reject.toolTip()
    room.tabs.setCurrentWidget(room.stack)
    room.table.clearSelection()
    assert "Select an order first." in reject.toolTip()


def test_create_for_a_candidates_second_order_offers_their_assessment_by_name(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The question comes after two calls (the coordinator may have moved on): it names the
    candidate. Cancel does neither: no form, no reuse."""
    first = add_test_order(window, qtbot, first="Maja", last="Holm", email="maja@example.com")
    second = add_test_order(window, qtbot, first="Maja", last="Holm", email="maja@example.com")
    assert first.candidate.id == second.candidate.id
    board = board_of(window)
    finish(qtbot, board.create_assessment(first.id, CreateAssessmentRequest(
        first_name="Maja", last_name="Holm", email_address="maja@example.com"
    )))  # fmt: skip
    window.orders.select_order(second.id)
    window.orders.controller.actions[OrderAction.CREATE_ASSESSMENT].trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "choiceBox") is not None)
    box = window.findChild(QMessageBox, "choiceBox")
    assert box is not None
    assert box.windowTitle() == "This candidate already has a Berke assessment"
    assert box.text().startswith("Berke has already assessed Maja Holm for another order: ")
    # Made, never sent: reusing it sends no invitation by itself (it said "no second").
    assert "(no second assessment; its invitation has not gone yet: Invite sends it)" in (
        box.informativeText()
    )
    box.reject()
    finish(qtbot, window.orders.controller.wait_idle())
    assert window.findChild(BerkeAssessmentForm) is None
    assert board.link(second.id) is None
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "choiceBox") is None)

    finish(qtbot, board.invite(first.id))  # sent for the first order: none for the second
    window.orders.controller.actions[OrderAction.CREATE_ASSESSMENT].trigger()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "choiceBox") is not None)
    box = window.findChild(QMessageBox, "choiceBox")
    assert box is not None
    assert "(no second assessment; no second invitation)" in box.informativeText()
    box.reject()
    finish(qtbot, window.orders.controller.wait_idle())


def test_rejecting_two_orders_on_one_assessment_asks_about_it_once(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Both orders of a candidate use one Berke assessment: rejecting both asked twice
    whether to delete it (Leave it on the first, the same question again)."""
    dialogs = Dialogs(window)
    first = add_test_order(window, qtbot, first="Pål", last="Berg", email="pal@example.com")
    second = add_test_order(window, qtbot, first="Pål", last="Berg", email="pal@example.com")
    board = board_of(window)
    finish(qtbot, board.create_assessment(first.id, CreateAssessmentRequest(
        first_name="Pål", last_name="Berg", email_address="pal@example.com"
    )))  # fmt: skip
    finish(qtbot, board.reuse(second.id, first.id))
    select_orders(window, [first.id, second.id])
    reject = open_reject(window, qtbot, dialogs)
    reject.reason.setPlainText("The candidate withdrew.")
    reject.ok.click()
    asked = []
    for _ in range(2):
        qtbot.waitUntil(
            lambda: (
                QApplication_active_box(window) is not None
                or not window.orders.controller.tasks.has_running()
            )
        )
        box = QApplication_active_box(window)
        if box is None:
            break
        asked.append(box.windowTitle())
        box.reject()  # Leave it
        qtbot.waitUntil(functools.partial(closed, box))
    finish(qtbot, window.orders.controller.wait_idle())
    assert asked == ["Delete it in Berke?"]
    assert current(window, second.id).status is OrderStatus.REJECTED
    assert board.flags(first.id) == board.flags(second.id) == []  # left alone on both


def test_each_delete_question_after_rejecting_several_names_its_assessment(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Several orders rejected, each with an assessment of its own: "Delete it in Berke?" came
    once per order with the same words ("The order is rejected, but its Berke assessment is
    still open."), and the coordinator could not tell which assessment each one deleted."""
    dialogs = Dialogs(window)
    board = board_of(window)
    named: dict[str, str] = {}  # candidate -> the code of the assessment
    orders = []
    for first, last in (("Ana", "Silva"), ("Bruno", "Costa")):
        email = f"{first.lower()}@example.com"
        order = add_test_order(window, qtbot, first=first, last=last, email=email)
        request = CreateAssessmentRequest(first_name=first, last_name=last, email_address=email)
        finish(qtbot, board.create_assessment(order.id, request))
        link = board.link(order.id)
        assert link is not None
        named[order.candidate.full_name] = link.invitation_code
        orders.append(order.id)
    select_orders(window, orders)
    reject = open_reject(window, qtbot, dialogs)
    reject.reason.setPlainText("The candidate withdrew.")
    reject.ok.click()

    asked: list[str] = []
    for _ in named:
        qtbot.waitUntil(lambda: QApplication_active_box(window) is not None)
        box = QApplication_active_box(window)
        assert box is not None
        asked.append(box.text())
        box.reject()  # Leave it
        qtbot.waitUntil(functools.partial(closed, box))
    finish(qtbot, window.orders.controller.wait_idle())

    said = {
        name: [text for text in asked if name in text and code in text]
        for name, code in named.items()
    }
    assert all(len(texts) == 1 for texts in said.values()), asked


def test_reject_after_ctrl_a_and_a_wider_filter_takes_only_the_orders_selected(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Ctrl+A under "New" (a day's orders: over the 1,000 cells from which Qt keeps the whole
    table selected as a range of its own), then "All statuses" to look around: Reject offered
    to reject the orders in progress too, never selected (every row between the first and the
    last new order was)."""
    room = window.orders
    dialogs = Dialogs(window)
    room.status_filter.setCurrentIndex(room.status_filter.findData(OrderStatus.NEW))
    new = room.proxy.order_ids()
    assert len(new) * room.proxy.columnCount() > 1000
    room.table.setFocus()
    qtbot.keyClick(room.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    room.status_filter.setCurrentIndex(0)  # All statuses
    assert len(room.proxy.order_ids()) > len(new)

    dialog = open_reject(window, qtbot, dialogs)
    title = dialog.windowTitle()
    dialog.reject()
    assert title == f"Reject — {len(new)} orders"
    assert room.selected_ids() == new


def test_a_fault_of_ours_never_leaves_the_invite_dialog_locked(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Kari", last="Moe", email="kari@example.com")
    board = board_of(window)
    finish(qtbot, board.create_assessment(order.id, CreateAssessmentRequest(
        first_name="Kari", last_name="Moe", email_address="kari@example.com"
    )))  # fmt: skip
    finish(qtbot, board.accept(order.id))

    async def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug of ours")

    board.invite = broken  # type: ignore[method-assign, assignment]
    window.orders.select_order(order.id)
    window.orders.controller.actions[OrderAction.INVITE].trigger()
    invite = dialogs.wait_for(qtbot, InviteDialog)
    assert isinstance(invite, InviteDialog)
    invite.submit_button.click()
    qtbot.waitUntil(lambda: not invite.is_busy())
    invite.reject()  # a busy form refuses to close; this one closes
    qtbot.waitUntil(lambda: closed(invite))


def test_a_selection_made_from_code_shows_its_summary_too(window: MainWindow, qtbot: QtBot) -> None:
    """reselect (after a batch, in the benchmarks) ends in the same pane as a click would."""
    one = add_test_order(window, qtbot, first="Lea", last="Dahl", email="lea@example.com")
    two = add_test_order(window, qtbot, first="Mo", last="Dahl", email="mo@example.com")
    window.orders.reselect([one.id, two.id])
    detail = window.orders.detail
    assert detail.title.text() == "2 orders selected"
    assert detail.selection_box.isVisible()


def accept_from_the_keyboard(window: MainWindow, qtbot: QtBot, last: str) -> AssessmentOrder:
    """A new order with its assessment, accepted with Space on the pane's Accept… button and
    the dialog's OK; returns the order (its accept may still be on its way)."""
    dialogs = Dialogs(window)
    email = f"kim.{last.lower()}@example.com"
    order = add_test_order(window, qtbot, first="Kim", last=last, email=email)
    request = CreateAssessmentRequest(first_name="Kim", last_name=last)
    finish(qtbot, board_of(window).create_assessment(order.id, request))
    window.activateWindow()
    accept = window.findChild(QWidget, "button_action_accept")
    assert accept is not None
    qtbot.waitUntil(accept.isEnabled)
    accept.setFocus()
    qtbot.keyClick(accept, Qt.Key.Key_Space)
    dialog = dialogs.wait_for(qtbot, AcceptDialog)
    assert isinstance(dialog, AcceptDialog)
    dialog.accept()
    return order


def test_the_keyboard_goes_back_to_the_orders_when_its_button_is_turned_off(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Before: Space on the pane's Accept… accepted the order, and the focus went on to the
    next button, Reject…: a second Space opened Reject."""
    order = accept_from_the_keyboard(window, qtbot, "Focus")
    qtbot.waitUntil(lambda: current(window, order.id).status is OrderStatus.IN_PROGRESS)
    finish(qtbot, window.orders.controller.wait_idle())  # the flow over, its focus settled
    assert window.focusWidget() is window.orders.table


def test_the_keyboard_goes_back_to_the_orders_once_the_batchs_outcomes_are_closed(
    window: MainWindow, qtbot: QtBot
) -> None:
    """Space on the pane's "Create, accept and invite", the plan run, its outcomes closed:
    the keyboard was on the pane's next button, Reject…, for the order just invited."""
    dialogs = Dialogs(window)
    add_test_order(window, qtbot, first="Kim", last="Batch", email="kim.batch@example.com")
    window.activateWindow()
    button = window.findChild(QWidget, f"button_action_{OrderAction.CREATE_ACCEPT_INVITE.value}")
    assert button is not None
    qtbot.waitUntil(button.isEnabled)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)
    plan = dialogs.wait_for(qtbot, BatchPlanDialog)
    assert isinstance(plan, BatchPlanDialog)
    plan.submit_button.click()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled)
    batch.close_button.click()
    window.activateWindow()  # as the window manager does once the dialog is gone
    finish(qtbot, window.orders.controller.wait_idle())
    assert window.focusWidget() is window.orders.table


def test_the_keyboard_goes_back_to_the_candidates_table_after_an_action(
    window: MainWindow, qtbot: QtBot
) -> None:
    """On the Candidates tab the focus went to the tab itself: the arrow keys moved nothing."""
    room = window.orders
    room.tabs.setCurrentWidget(room.candidates)
    room.controller.focus_home()
    assert window.focusWidget() is room.candidates.table


def test_f5_reads_again_what_the_room_in_front_shows(
    window: MainWindow, live_desk: Desk, qtbot: QtBot
) -> None:
    """Before: F5 synced the orders whatever tab was shown; on the Offers tab after a failed
    read, it left the offers unread (and was off while the orders synced)."""
    from app.workflows.offer_catalog import OfferCatalog

    window.set_offer_catalog(OfferCatalog(live_desk.session, live_desk.db))
    window.rooms.setCurrentWidget(window.offers)
    qtbot.waitUntil(lambda: window.offers.model.rowCount() > 0)
    signals = window.signals
    assert signals is not None
    signals.sync_started.emit(False)  # the orders sync meanwhile
    assert window.refresh_action.isEnabled()  # the offers are read apart
    with qtbot.waitSignal(window.offers.loaded):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    window.rooms.setCurrentWidget(window.orders)
    assert not window.refresh_action.isEnabled()  # the orders' sync is under way
    signals.sync_finished.emit(SyncOutcome(poll=False, ok=True))
    with qtbot.waitSignal(window.sync_finished):
        qtbot.keyClick(window, Qt.Key.Key_F5)


def test_the_focus_stays_where_the_coordinator_went_meanwhile(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While an accept started from the pane was being sent, the coordinator went to the
    Offers tab and typed in its search: before, the focus was then put on the hidden orders
    table, and the keys went nowhere."""
    from app.workflows import board as board_module

    go_on = asyncio.Event()
    real_accept = board_module.actions.accept_order

    async def held_accept(*args: Any, **kwargs: Any) -> AssessmentOrder:
        await go_on.wait()
        return await real_accept(*args, **kwargs)

    monkeypatch.setattr(board_module.actions, "accept_order", held_accept)
    order = accept_from_the_keyboard(window, qtbot, "Elsewhere")
    window.rooms.setCurrentWidget(window.offers)
    window.offers.search.setFocus()
    go_on.set()
    qtbot.waitUntil(lambda: current(window, order.id).status is OrderStatus.IN_PROGRESS)
    finish(qtbot, window.orders.controller.wait_idle())
    assert window.focusWidget() is window.offers.search


def test_why_an_order_menu_entry_is_off_is_read_whole(window: MainWindow, qtbot: QtBot) -> None:
    """Before: with a real profile, the connection label (a name and two full addresses) left a
    message about 300 px of a 1280 px status bar: why Reject was off was cut mid-sentence,
    and the Order menu showed no tooltips, so the status bar was the only place it was said."""
    from types import SimpleNamespace

    from PySide6.QtWidgets import QApplication, QMenu

    from app.domain.connection import BERKE_PRODUCTION_URL, SR_PRODUCTION_URL
    from app.workflows.session import Session

    production = SimpleNamespace(
        profile=SimpleNamespace(name="Berke UK"),
        demo=False,
        sr=SimpleNamespace(base_url=SR_PRODUCTION_URL),
        berke=SimpleNamespace(base_url=BERKE_PRODUCTION_URL),
    )
    where = Session.description.fget(production)  # type: ignore[attr-defined]
    window._show_where(where)  # as connect_board does with a production session
    assert window.width() == 1280
    assert window.connection_label.toolTip() == where  # the whole of it, on hover
    select_completed(window)
    reject = window.orders.controller.actions[OrderAction.REJECT]
    assert not reject.isEnabled()
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Order")
    assert isinstance(menu, QMenu)
    assert menu.toolTipsVisible()
    reject.showStatusText(window)  # what the menu does for the entry under the pointer
    QApplication.processEvents()
    bar = window.statusBar()
    message = bar.currentMessage()
    assert message == reject.statusTip()
    room = window.connection_label.geometry().left() - 8
    assert bar.fontMetrics().horizontalAdvance(message) <= room, message


def test_a_full_syncs_line_is_read_whole_at_1280(
    window: MainWindow, qtbot: QtBot, sandbox: SandboxServer
) -> None:
    """Before: "Synced 203 orders; 3 new assessment orders arrived; 1 is no longer in
    SmartRecruiters, marked “Gone from SmartRecruiters”" took 758 px of the 547 px left of the
    status bar's labels, cut mid-word, and a status-bar message has no tooltip: its end could
    not be read anywhere. Now it is short, and the bar's tooltip holds the whole of the last
    thing said, after it has gone too."""
    from tests.integration.test_gone_orders import erase_in_sr

    sr = desk_of(window).session.sr
    doomed = finish(qtbot, sr.create_test_order(new_order_body(first="Vanished", last="X")))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    for n in range(3):
        finish(qtbot, sr.create_test_order(new_order_body(first=f"Fresh{n}", last="Y")))
    finish(qtbot, erase_in_sr(sandbox, doomed.id))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()  # F5: a full sync
    bar = window.statusBar()
    message = bar.currentMessage()
    fetched = len(board_of(window).orders()) - 1  # all but the one gone
    assert message == f"Synced {fetched} orders · 3 new · 1 gone from SmartRecruiters"
    assert window.width() == 1280
    room = window.connection_label.geometry().left() - 8
    assert bar.fontMetrics().horizontalAdvance(message) <= room, message
    assert message in bar.toolTip()
    bar.clearMessage()  # its 15 seconds are over
    assert message in bar.toolTip()


def test_a_sync_stopped_by_the_close_says_nothing_of_failing(window: MainWindow) -> None:
    """An F5 under way when the profile switched ran on against the closed data file, and the
    window said "Sync failed: … could not be kept". Stopped by the close now, it says nothing:
    the bar keeps what the close said, and the room shows no error."""
    assert window.signals is not None
    window.signals.sync_started.emit(False)
    window.status_line.say("Closing the connection…", 0)
    window.signals.sync_finished.emit(SyncOutcome(poll=False, ok=False, stopped=True))
    assert window.statusBar().currentMessage() == "Closing the connection…"
    assert "failed" not in window.statusBar().toolTip()
    assert window.refresh_action.isEnabled()


def test_a_status_message_too_long_for_the_bar_is_read_whole_in_its_tooltip(
    window: MainWindow,
) -> None:
    """A service's own words can be any length: cut at the bar's edge, and gone after ten
    seconds, they are kept whole in the bar's tooltip."""
    error = "SmartRecruiters could not be reached: " + "the proxy refused the connection " * 8
    assert window.signals is not None
    window.signals.sync_finished.emit(SyncOutcome(poll=True, ok=False, error=error.strip()))
    bar = window.statusBar()
    assert bar.currentMessage() == f"Sync failed: {error.strip()}"
    assert bar.fontMetrics().horizontalAdvance(bar.currentMessage()) > bar.width()
    assert f"Sync failed: {error.strip()}" in bar.toolTip()
    assert bar.toolTip().startswith("Last message, at ")
    window.signals.sync_started.emit(True)  # a poll while it is said: it stays said
    assert bar.currentMessage() == f"Sync failed: {error.strip()}"
    bar.clearMessage()  # its ten seconds are up
    # The next poll's "Checking for new orders…" is shown, and the message kept: it replaced
    # the tooltip within a minute (helper-169).
    window.signals.sync_started.emit(True)
    assert bar.currentMessage() == "Checking for new orders…"
    assert f"Sync failed: {error.strip()}" in bar.toolTip()
    window.signals.sync_started.emit(False)
    assert f"Sync failed: {error.strip()}" in bar.toolTip()
    window.signals.sync_finished.emit(SyncOutcome(poll=False, ok=True))


def refusing_reject(
    window: MainWindow, refused: list[str], status: int, error: type[ApiError] = ApiError
) -> list[str]:
    """SmartRecruiters answers ``status`` (an ``error``) to the next reject of each order in
    ``refused``; returns the orders whose reject reached it, in order."""
    sr = desk_of(window).session.sr
    real_reject = sr.reject_order
    calls: list[str] = []

    async def reject_once_refused(order_id: str, **kwargs: Any) -> AssessmentOrder | None:
        calls.append(order_id)
        if order_id in refused:
            refused.remove(order_id)
            raise error(
                Service.SMARTRECRUITERS,
                http_status=status,
                service_message="The order is locked by another process.",
            )
        return await real_reject(order_id, **kwargs)

    sr.reject_order = reject_once_refused  # type: ignore[method-assign]
    return calls


def test_a_refused_reject_stays_in_its_dialog_with_the_reason(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The dialog closed as it sent: a refusal came after, in a box, and the reason typed was
    gone. Now it stays, busy, until SmartRecruiters answers; a refusal shows in it."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Ines", last="Moreau")
    calls = refusing_reject(window, [order.id], 400)
    dialog = open_reject(window, qtbot, dialogs)
    dialog.reason.setPlainText("The candidate withdrew.")
    dialog.ok.click()
    assert dialog.is_busy()
    assert dialog.ok.text() == "Rejecting…"
    assert not dialog.reason.isEnabled()
    dialog.reject()  # Esc, or the window's close button: ignored while it is asked
    assert dialog.isVisible()
    qtbot.waitUntil(dialog.server_error.isVisible)
    said = dialog.server_error.text()
    assert "Ines Moreau: " in said
    assert "The order is locked by another process." in said
    assert dialog.isVisible()
    assert dialog.reason_text() == "The candidate withdrew."
    assert dialog.ok.isEnabled()
    assert dialog.ok.text() == "Reject order"
    assert current(window, order.id).status is OrderStatus.NEW

    dialog.ok.click()  # again: SmartRecruiters takes it this time
    qtbot.waitUntil(lambda: closed(dialog))
    assert calls == [order.id, order.id]
    assert current(window, order.id).status is OrderStatus.REJECTED
    finish(qtbot, window.orders.controller.wait_idle())


def test_a_reject_of_several_keeps_only_the_refused_ones(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Jon", last="Aas")
    two = add_test_order(window, qtbot, first="Kim", last="Berg")
    calls = refusing_reject(window, [two.id], 400)
    select_orders(window, [one.id, two.id])
    dialog = open_reject(window, qtbot, dialogs)
    assert dialog.ok.text() == "Reject 2 orders"
    dialog.reason.setPlainText("Position filled.")
    dialog.ok.click()
    qtbot.waitUntil(dialog.server_error.isVisible)
    assert dialog.server_error.text().startswith("Not rejected:")
    assert "Kim Berg: " in dialog.server_error.text()
    assert "Jon Aas" not in dialog.server_error.text()
    assert dialog.ok.text() == "Reject order"  # the one refused, not both again
    assert "Rejects 1 order:" in dialog.who.text()
    assert "Jon Aas" not in dialog.who.text()
    assert current(window, one.id).status is OrderStatus.REJECTED

    dialog.ok.click()
    qtbot.waitUntil(lambda: closed(dialog))
    assert sorted(calls) == sorted([one.id, two.id, two.id])  # Jon's reject sent once
    assert current(window, two.id).status is OrderStatus.REJECTED
    finish(qtbot, window.orders.controller.wait_idle())


def test_a_reject_left_waiting_closes_its_dialog_saying_it_goes_by_itself(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A 503: the reject waits in the journal and is sent again by itself. Left open, the
    dialog's Reject would be refused as under way: it closes, and says so."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Lea", last="Roth")
    gate = asyncio.Event()
    sr = desk_of(window).session.sr
    refusing_reject(window, [order.id], 503, ServerError)
    answer_503 = sr.reject_order

    async def held(order_id: str, **kwargs: Any) -> AssessmentOrder | None:
        await gate.wait()
        return await answer_503(order_id, **kwargs)

    sr.reject_order = held  # type: ignore[method-assign]
    dialog = open_reject(window, qtbot, dialogs)
    dialog.reason.setPlainText("Duplicate order.")
    shown = len(window.orders.controller.messages.shown)
    dialog.ok.click()
    qtbot.waitUntil(lambda: bool(desk_of(window).journal.entries(order.id)))  # on its way
    assert dialog.isVisible()
    assert dialog.is_busy()
    gate.set()
    qtbot.waitUntil(lambda: closed(dialog))
    said = window.orders.controller.messages.shown[shown:]
    assert [title for title, _text in said] == ["Reject order"]
    assert said[0][1].startswith("Waiting, sent again by itself:\n\nLea Roth: ")
    assert said[0][1].endswith(REJECT_SENT_AGAIN)
    for box in window.findChildren(QMessageBox):
        box.close()
    finish(qtbot, window.orders.controller.wait_idle())


class AnswerLostOnce(httpx.AsyncBaseTransport):
    """SmartRecruiters' transport whose first POST to a path ending ``suffix`` reaches the
    service and is carried out, but its answer never comes: the client's time-out."""

    def __init__(self, inner: httpx.AsyncBaseTransport, suffix: str) -> None:
        self.inner = inner
        self.suffix = suffix
        self.armed = True

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.armed and request.method == "POST" and request.url.path.endswith(self.suffix):
            self.armed = False
            await response.aread()
            await response.aclose()
            raise httpx.ReadTimeout("timed out waiting for the answer", request=request)
        return response


def test_a_reject_whose_answer_never_comes_closes_its_dialog_and_is_then_found_done(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The reject went, but its answer was lost to the client's time-out: the dialog closes
    saying it goes by itself, and the resumer finds the order rejected and counts that as
    this reject (the earlier try may have gone): no "rejected elsewhere" for its own."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Pia", last="Holm")
    http = desk_of(window).session.sr._http.http
    http._transport = AnswerLostOnce(http._transport, "/reject")
    dialog = open_reject(window, qtbot, dialogs)
    dialog.reason.setPlainText("Position filled.")
    shown = len(window.orders.controller.messages.shown)
    dialog.ok.click()
    qtbot.waitUntil(lambda: closed(dialog))
    finish(qtbot, window.orders.controller.wait_idle())
    ((title, said),) = window.orders.controller.messages.shown[shown:]
    assert title == "Reject order"
    assert said.startswith("Waiting, sent again by itself:\n\nPia Holm: ")
    assert said.endswith(REJECT_SENT_AGAIN)
    board = board_of(window)
    (entry,) = [e for e in desk_of(window).journal.entries(order.id) if e.action is StepKind.REJECT]
    assert entry.state is StepState.PENDING
    assert entry.may_have_gone
    finish(qtbot, board.resume())
    (entry,) = [e for e in desk_of(window).journal.entries(order.id) if e.action is StepKind.REJECT]
    assert entry.state is StepState.DONE
    assert isinstance(entry.outcome, OrderUpdated)
    # Its next try is refused as already rejected, looked into, and found to be its own.
    assert entry.outcome.already_applied
    assert current(window, order.id).status is OrderStatus.REJECTED
    for box in window.findChildren(QMessageBox):
        box.close()


def test_a_reject_refused_for_one_and_left_waiting_for_another_says_both(
    window: MainWindow, qtbot: QtBot
) -> None:
    """The one left waiting goes by itself: it is said apart, and not offered again."""
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Mia", last="Lund")
    two = add_test_order(window, qtbot, first="Noa", last="Lund")
    refusing_reject(window, [one.id], 400)
    sr = desk_of(window).session.sr
    refused_400 = sr.reject_order

    async def two_unavailable(order_id: str, **kwargs: Any) -> AssessmentOrder | None:
        if order_id == two.id:
            raise ServerError(Service.SMARTRECRUITERS, http_status=503)
        return await refused_400(order_id, **kwargs)

    sr.reject_order = two_unavailable  # type: ignore[method-assign]
    select_orders(window, [one.id, two.id])
    dialog = open_reject(window, qtbot, dialogs)
    dialog.reason.setPlainText("Position filled.")
    dialog.ok.click()
    qtbot.waitUntil(dialog.server_error.isVisible)
    text = dialog.server_error.text()
    refused, waiting = text.split("Waiting, sent again by itself:")
    assert refused.startswith("Not rejected:")
    assert "Mia Lund: " in refused
    assert "Noa Lund: " in waiting
    assert "Mia" not in waiting
    assert dialog.ok.text() == "Reject order"
    assert "Rejects 1 order:" in dialog.who.text()
    assert "Noa" not in dialog.who.text()
    assert dialog.windowTitle() == "Reject — Mia Lund"
    assert StepKind.REJECT in board_of(window).state(two.id).pending
    assert dialog.focusWidget() is dialog.reason  # to edit the reason, or send it again


def test_a_reject_that_sent_nothing_is_not_said_done(window: MainWindow, qtbot: QtBot) -> None:
    """Rejected elsewhere while the dialog was open (a poll brought it in): the board sent
    nothing and said why, yet the dialog closed saying "Rejected: Oda Nes." and asked to
    delete the Berke assessment of an order "rejected" as if by this desk. Now it says the
    board's words under "Cannot be rejected now", and asks nothing more."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Oda", last="Nes", email="oda@example.com")
    board = board_of(window)
    finish(qtbot, board.create_assessment(order.id, board.default_request(order.id)))
    dialog = open_reject(window, qtbot, dialogs)
    dialog.reason.setPlainText("Position filled internally.")
    finish(qtbot, desk_of(window).session.sr.reject_order(order.id, message="Duplicate"))
    with qtbot.waitSignal(window.sync_finished):
        window.request_sync()
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    dialog.ok.click()
    qtbot.waitUntil(lambda: closed(dialog))
    idle = asyncio.ensure_future(window.orders.controller.wait_idle())

    def asks_to_delete() -> bool:
        boxes = window.findChildren(QMessageBox)
        return any(b.isVisible() and b.windowTitle() == "Delete it in Berke?" for b in boxes)

    qtbot.waitUntil(lambda: idle.done() or asks_to_delete())
    assert not asks_to_delete()
    ((title, said),) = messages.shown[shown:]
    assert title == "Reject order"
    assert said == (
        "Cannot be rejected now:\n\nOda Nes: This order was rejected: SmartRecruiters allows "
        "no further change to it."
    )
    for box in window.findChildren(QMessageBox):
        box.close()


def test_an_error_of_ours_midway_says_what_became_of_each_order(
    window: MainWindow, qtbot: QtBot
) -> None:
    """A fault of ours on the second of three stopped the rest: the third was never sent.
    Now the others go on, and the box says what became of the second."""
    dialogs = Dialogs(window)
    ids = [add_test_order(window, qtbot, first=f"Ola{n}", last="Nes").id for n in range(3)]
    sr = desk_of(window).session.sr
    real_reject = sr.reject_order
    calls: list[str] = []

    async def broken_on_the_second(order_id: str, **kwargs: Any) -> AssessmentOrder | None:
        calls.append(order_id)
        if len(calls) == 2:
            raise RuntimeError("a fault of ours")
        return await real_reject(order_id, **kwargs)

    sr.reject_order = broken_on_the_second  # type: ignore[method-assign]
    select_orders(window, ids)
    messages = window.orders.controller.messages
    shown = len(messages.shown)
    dialog = open_reject(window, qtbot, dialogs)
    dialog.reason.setPlainText("Duplicate orders.")
    dialog.ok.click()
    qtbot.waitUntil(lambda: closed(dialog))
    assert len(calls) == 3
    unlucky = calls[1]
    for order_id in ids:
        status = current(window, order_id).status
        assert status is (OrderStatus.NEW if order_id == unlucky else OrderStatus.REJECTED)
    ((title, said),) = messages.shown[shown:]
    assert title == "Reject order"
    assert said.startswith("Waiting, sent again by itself:")
    name = current(window, unlucky).candidate.full_name
    assert (
        f"{name}: Something unexpected went wrong (RuntimeError); see the order's activity." in said
    )
    sr.reject_order = real_reject  # type: ignore[method-assign]
    finish(qtbot, board_of(window).resume())  # the second's step goes by itself
    assert current(window, unlucky).status is OrderStatus.REJECTED
    finish(qtbot, window.orders.controller.wait_idle())


def test_with_no_order_selected_the_first_down_selects_the_row_in_focus(
    window: MainWindow, qtbot: QtBot
) -> None:
    """At start the inbox has the keyboard and its first row the focus frame, unselected:
    the first Down selected the second row, and the newest order was skipped."""
    room = window.orders
    window.activateWindow()
    table = room.table
    table.clearSelection()
    table.setCurrentIndex(table.model().index(0, 0))
    table.selectionModel().clearSelection()
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert [i.row() for i in table.selectionModel().selectedRows()] == [0]
    qtbot.keyClick(table, Qt.Key.Key_Down)  # from then on, as ever
    assert [i.row() for i in table.selectionModel().selectedRows()] == [1]


def test_a_reject_whose_answer_is_kept_is_said_rejected_not_sent_again(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It went through, its answer kept to be written (another program held the data file):
    the box put it under "Waiting, sent again by itself", which it is not."""
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Ida", last="Berg")
    journal = desk_of(window).journal
    data_file_held_once(desk_of(window), monkeypatch)  # another program holds the file
    dialog = open_reject(window, qtbot, dialogs)
    dialog.reason.setPlainText("Position filled.")
    shown = len(window.orders.controller.messages.shown)
    dialog.ok.click()
    qtbot.waitUntil(lambda: closed(dialog))
    finish(qtbot, window.orders.controller.wait_idle())
    ((title, said),) = window.orders.controller.messages.shown[shown:]
    assert title == "Reject order"
    assert said.startswith("Rejected, the answer to be written here:\n\nIda Berg: ")
    assert "Waiting, sent again by itself" not in said
    assert REJECT_SENT_AGAIN not in said
    board = board_of(window)
    assert board.answer_kept(OrderAction.REJECT, order.id)
    finish(qtbot, board.resume())  # the kept answer is written
    assert not board.answer_kept(OrderAction.REJECT, order.id)
    (entry,) = [e for e in journal.entries(order.id) if e.action is StepKind.REJECT]
    assert entry.state is StepState.DONE
