"""The coordinator's daily flows, clicked through the real widgets against the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.domain.assessment_prefill import stable_candidate_id
from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import CreateAssessmentStep, RejectStep, StepKind
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus, RejectRequest
from app.ui.main_window import MainWindow
from app.ui.orders.batch_dialog import BatchDialog
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.order_dialogs import AcceptDialog, RejectDialog
from app.ui.orders.url_preview import UrlPreviewDialog
from app.workflows.board import OrderBoard
from app.workflows.desk import Desk
from app.workflows.order_actions import ActionNotAllowedError
from tests.integration.helpers import new_order_body
from tests.ui.conftest import connect, make_desk

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
    qtbot.waitUntil(closing.done, timeout=5000)
    made.db.close()


@pytest.fixture
def window(
    qtbot: QtBot, qsettings: QSettings, live_desk: Desk, running_loop: asyncio.AbstractEventLoop
) -> Iterator[MainWindow]:
    made = MainWindow(settings=qsettings)
    qtbot.addWidget(made)
    made.show()
    board = connect(made, live_desk)
    _DESKS[id(made)] = live_desk
    with qtbot.waitSignal(made.sync_finished, timeout=10_000):
        made.request_sync()
    yield made
    stopping = asyncio.ensure_future(board.stop())
    qtbot.waitUntil(stopping.done, timeout=10_000)
    _DESKS.pop(id(made), None)


# The desk behind each window: tests look into its journal and call the services directly,
# which the window itself never does.
_DESKS: dict[int, Desk] = {}


def desk_of(window: MainWindow) -> Desk:
    return _DESKS[id(window)]


def board_of(window: MainWindow) -> OrderBoard:
    assert window.board is not None
    return window.board


def finish(qtbot: QtBot, coro: Coroutine[Any, Any, T], timeout: int = 10_000) -> T:
    """Run ``coro`` on the running qasync loop while Qt processes events; return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


class Dialogs:
    """Collects the dialogs the controller opens, in order."""

    def __init__(self, window: MainWindow) -> None:
        self.opened: list[QWidget] = []
        window.orders.controller.dialog_opened = self.opened.append

    def wait_for(self, qtbot: QtBot, kind: type[QWidget], timeout: int = 10_000) -> QWidget:
        qtbot.waitUntil(lambda: any(isinstance(d, kind) for d in self.opened), timeout=timeout)
        return next(d for d in reversed(self.opened) if isinstance(d, kind))


def add_test_order(window: MainWindow, qtbot: QtBot, **body: Any) -> AssessmentOrder:
    """A fresh NEW order in the sandbox, synced into the window and selected."""
    made = finish(qtbot, desk_of(window).session.sr.create_test_order(new_order_body(**body)))
    with qtbot.waitSignal(window.sync_finished, timeout=10_000):
        window.request_sync()
    window.orders.select_order(made.id)
    return made


def current(window: MainWindow, order_id: str) -> AssessmentOrder:
    order = board_of(window).order(order_id)
    assert order is not None
    return order


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
    qtbot.waitUntil(lambda: detail.comment_state.text() != "Loading comments…", timeout=10_000)


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


def test_create_preview_accept_and_invite(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Aiko", last="Tanaka", email="aiko@example.com")
    actions = window.orders.controller.actions
    assert actions[OrderAction.CREATE_ASSESSMENT].isEnabled()
    assert not actions[OrderAction.ACCEPT].isEnabled()
    assert "Create the Berke assessment first" in actions[OrderAction.ACCEPT].toolTip()

    actions[OrderAction.CREATE_ASSESSMENT].trigger()
    form = dialogs.wait_for(qtbot, BerkeAssessmentForm)
    assert isinstance(form, BerkeAssessmentForm)
    assert form.first_name.text() == "Aiko"
    qtbot.waitUntil(form.can_submit, timeout=10_000)  # jobs loaded, form valid
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
    qtbot.waitUntil(
        lambda: current(window, order.id).status is OrderStatus.IN_PROGRESS, timeout=10_000
    )
    assert not actions[OrderAction.ACCEPT].isEnabled()

    assert actions[OrderAction.INVITE].isEnabled()
    actions[OrderAction.INVITE].trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication_active_box(window), QMessageBox), timeout=5000)
    box = QApplication_active_box(window)
    assert box is not None
    assert "aiko@example.com" in box.text()
    next(b for b in box.buttons() if b.text() == "Send invitation").click()
    qtbot.waitUntil(
        lambda: "Sent to aiko@example.com" in window.orders.detail.fields["invitation"].text(),
        timeout=10_000,
    )
    assert [e.action for e in desk_of(window).journal.entries(order.id)] == [
        StepKind.CREATE_ASSESSMENT, StepKind.ACCEPT, StepKind.INVITE,
    ]  # fmt: skip
    assert window.orders.detail.timeline.rowCount() == 3


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
    qtbot.waitUntil(form.can_submit, timeout=10_000)
    form.create_button.click()
    label = form.findChild(QWidget, "error_sourceCandidateId")
    qtbot.waitUntil(lambda: label.isVisible() and bool(label.text()), timeout=10_000)  # type: ignore[union-attr]
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
    window.orders.controller.actions[OrderAction.REJECT].trigger()
    dialog = dialogs.wait_for(qtbot, RejectDialog)
    assert isinstance(dialog, RejectDialog)
    text = dialog.findChild(QWidget, "rejectExplanation").text()  # type: ignore[union-attr]
    assert "1 credit back" in text
    assert "re-send" in text
    assert not dialog.ok.isEnabled()  # a reason is required
    dialog.reason.setPlainText("The candidate withdrew.")
    dialog.ok.click()
    qtbot.waitUntil(
        lambda: current(window, order.id).status is OrderStatus.REJECTED, timeout=10_000
    )
    assert desk_of(window).journal.entries(order.id)[-1].step == RejectStep(
        request=RejectRequest(message="The candidate withdrew.")
    )


def test_invite_disabled_without_email(window: MainWindow, qtbot: QtBot) -> None:
    order = add_test_order(window, qtbot, first="Søren", last="Ødegaard", email=None)
    request = CreateAssessmentRequest(first_name="Søren", last_name="Ødegaard")
    finish(qtbot, board_of(window).create_assessment(order.id, request))
    window.orders.select_order(order.id)
    invite = window.orders.controller.actions[OrderAction.INVITE]
    assert not invite.isEnabled()
    assert "no email" in invite.toolTip()


def test_batch_create_accept_invite_with_outcomes(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Ana", last="Silva", email="ana@example.com")
    two = add_test_order(window, qtbot, first="Ben", last="Okafor", email=None)
    done_order = select_completed(window)
    window.orders.table.clearSelection()
    for order_id in (one.id, two.id, done_order.id):
        row = window.orders.proxy.mapFromSource(
            window.orders.model.index(window.orders.model.row_of(order_id) or 0, 0)
        )
        window.orders.table.selectionModel().select(
            row, window.orders.table.selectionModel().SelectionFlag.Select
            | window.orders.table.selectionModel().SelectionFlag.Rows,
        )  # fmt: skip
    assert len(window.orders.selected_ids()) == 3
    window.orders.controller.actions[OrderAction.CREATE_ACCEPT_INVITE].trigger()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled, timeout=20_000)
    kinds = {o.order_id: o.kind.value for o in batch.model.rows}
    assert kinds == {one.id: "done", two.id: "done", done_order.id: "skipped"}
    assert batch.progress.value() == 3
    assert "1 skipped" in batch.label.text()
    assert current(window, one.id).status is OrderStatus.IN_PROGRESS
    link = board_of(window).link(one.id)
    assert link is not None
    assert link.invitation_sent
    batch.close_button.click()
    assert batch.result() == QDialog.DialogCode.Accepted.value


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

    async def slow_reject(order_id: str, **kwargs: Any) -> AssessmentOrder:
        calls.append(order_id)
        await gate.wait()
        return await real_reject(order_id, **kwargs)

    sr.reject_order = slow_reject  # type: ignore[method-assign]
    first = asyncio.ensure_future(board.reject([order.id], reason="Withdrew"))
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)
    reject = window.orders.controller.actions[OrderAction.REJECT]
    window.orders.controller.update_state()
    assert not reject.isEnabled()
    assert "Already being sent" in reject.toolTip()
    second = asyncio.ensure_future(board.reject([order.id], reason="Withdrew"))
    qtbot.waitUntil(second.done, timeout=5000)
    assert [why for _id, why in second.result()] == [
        str(ActionNotAllowedError("This is already being sent for this order."))
    ]
    gate.set()
    qtbot.waitUntil(first.done, timeout=10_000)
    assert first.result() == []
    assert calls == [order.id]
    steps = desk.journal.entries(order.id)
    assert [(e.action, e.state.value) for e in steps] == [(StepKind.REJECT, "done")]
    assert current(window, order.id).status is OrderStatus.REJECTED


def test_add_a_comment_from_the_detail_pane(window: MainWindow, qtbot: QtBot) -> None:
    add_test_order(window, qtbot, first="Noor", last="Haddad")
    detail = window.orders.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.", timeout=10_000)
    detail.comment_input.setText("Called the candidate about timing")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1, timeout=10_000)
    assert "Called the candidate about timing" in detail.comments.index(0).data()
    assert detail.comment_input.text() == ""


def test_polling_announces_new_orders(window: MainWindow, qtbot: QtBot) -> None:
    before = window.orders.new_count()
    made = finish(qtbot, desk_of(window).session.sr.create_test_order(new_order_body(first="Mia")))
    with qtbot.waitSignal(window.new_orders_arrived, timeout=10_000) as blocker:
        window.request_poll()
    assert blocker.args == [[made.id]]
    assert window.orders.new_count() == before + 1
    assert window.windowTitle().startswith(f"({before + 1} new)")
    assert "arrived" in window.statusBar().currentMessage()


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
    qtbot.waitUntil(lambda: fields["invitationCode"].text() != "Not created yet", timeout=10_000)
    link = board.link(resumed.id)
    assert link is not None
    assert fields["invitationCode"].text() == link.invitation_code
    assert window.orders.controller.actions[OrderAction.ACCEPT].isEnabled()
    # 2. A create that failed; the coordinator presses Retry in the activity list.
    retried = add_test_order(window, qtbot, first="Omar", last="Haddad")
    request = CreateAssessmentRequest(
        first_name="Omar", last_name="Haddad", source_candidate_id=stable_candidate_id(retried.id)
    )
    step = desk.journal.begin(retried.id, CreateAssessmentStep(request=request))
    desk.journal.fail(step, "Berke: The service could not be reached.")
    finish(qtbot, board.refresh([retried.id]))
    window.orders.select_order(retried.id)
    detail = window.orders.detail
    qtbot.waitUntil(lambda: detail.timeline.rowCount() == 1, timeout=10_000)
    detail.timeline_list.setCurrentIndex(detail.timeline.index(0))
    assert detail.retry_step_button.isEnabled()
    detail.retry_step_button.click()
    qtbot.waitUntil(lambda: fields["invitationCode"].text() != "Not created yet", timeout=10_000)
    link = board.link(retried.id)
    assert link is not None
    assert fields["invitationCode"].text() == link.invitation_code
    assert window.orders.controller.actions[OrderAction.ACCEPT].isEnabled()
    row = window.orders.model.row(window.orders.model.row_of(retried.id) or 0)
    assert row.assessment == link.invitation_code  # the inbox row too
