"""The coordinator's daily flows, clicked through the real widgets against the sandbox."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.domain.berke import CreateAssessmentRequest
from app.domain.journal import Action
from app.domain.order_rules import OrderAction
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.ui.batch_dialog import BatchDialog
from app.ui.berke_form import BerkeAssessmentForm
from app.ui.main_window import MainWindow
from app.ui.order_dialogs import AcceptDialog, RejectDialog
from app.ui.url_preview import UrlPreviewDialog
from app.workflows.desk import Desk
from app.workflows.order_actions import create_assessment
from tests.integration.helpers import new_order_body
from tests.ui.conftest import make_desk

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
    made.set_desk(live_desk)
    with qtbot.waitSignal(made.sync_finished, timeout=10_000):
        made.request_sync()
    yield made
    made.poll_timer.stop()


def finish(qtbot: QtBot, coro: Coroutine[Any, Any, T], timeout: int = 10_000) -> T:
    """Run ``coro`` on the running qasync loop while Qt processes events; return its result."""
    task = asyncio.ensure_future(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


class Dialogs:
    """Collects the dialogs the controller opens, in order."""

    def __init__(self, window: MainWindow) -> None:
        self.opened: list[QWidget] = []
        window.controller.dialog_opened = self.opened.append

    def wait_for(self, qtbot: QtBot, kind: type[QWidget], timeout: int = 10_000) -> QWidget:
        qtbot.waitUntil(lambda: any(isinstance(d, kind) for d in self.opened), timeout=timeout)
        return next(d for d in reversed(self.opened) if isinstance(d, kind))


def add_test_order(window: MainWindow, qtbot: QtBot, **body: object) -> AssessmentOrder:
    """A fresh NEW order in the sandbox, synced into the window and selected."""
    assert window.desk is not None
    made = finish(qtbot, window.desk.session.sr.create_test_order(new_order_body(**body)))
    with qtbot.waitSignal(window.sync_finished, timeout=10_000):
        window.request_sync()
    window.select_order(made.id)
    return made


def current(window: MainWindow, order_id: str) -> AssessmentOrder:
    row = window.model.row_of(order_id)
    assert row is not None
    return window.model.order_at(row)


def select_completed(window: MainWindow) -> AssessmentOrder:
    order = next(o for o in window.model.orders() if o.status is OrderStatus.COMPLETED)
    window.select_order(order.id)
    return order


def test_detail_pane_shows_the_order(window: MainWindow, qtbot: QtBot) -> None:
    order = next(o for o in window.model.orders() if o.job and o.job.location)
    window.select_order(order.id)
    detail = window.detail
    assert detail.title.text() == order.candidate.full_name
    assert detail.fields["jobName"].text() == order.job.name  # type: ignore[union-attr]
    assert detail.fields["jobLocation"].text() == str(order.job.location)  # type: ignore[union-attr]
    assert detail.fields["orderId"].text() == order.id
    assert detail.fields["invitationCode"].text() == "Not created yet"
    qtbot.waitUntil(lambda: detail.comment_state.text() != "Loading comments…", timeout=10_000)


def test_final_orders_disable_every_state_change_with_a_reason(window: MainWindow) -> None:
    select_completed(window)
    actions = window.controller.actions
    for kind in (OrderAction.CREATE_ASSESSMENT, OrderAction.ACCEPT, OrderAction.REJECT,
                 OrderAction.INVITE, OrderAction.CREATE_ACCEPT_INVITE):  # fmt: skip
        assert not actions[kind].isEnabled()
        assert "completed" in actions[kind].toolTip() or "new orders" in actions[kind].toolTip()
    rejected = next(o for o in window.model.orders() if o.status is OrderStatus.REJECTED)
    window.select_order(rejected.id)
    assert not actions[OrderAction.REJECT].isEnabled()
    assert "rejected" in actions[OrderAction.REJECT].toolTip()


def test_create_preview_accept_and_invite(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Aiko", last="Tanaka", email="aiko@example.com")
    actions = window.controller.actions
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
    link = window.controller.link_for(order.id)
    assert link is not None
    assert preview.findChild(QWidget, "invitationCode").text() == link.invitation_code  # type: ignore[union-attr]
    assert window.detail.fields["invitationCode"].text() == link.invitation_code
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
        lambda: "Sent to aiko@example.com" in window.detail.fields["invitation"].text(),
        timeout=10_000,
    )
    assert window.desk is not None
    assert [e.action for e in window.desk.journal.entries(order.id)] == [
        Action.CREATE_ASSESSMENT, Action.ACCEPT, Action.INVITE,
    ]  # fmt: skip
    assert window.detail.timeline.rowCount() == 3


def QApplication_active_box(window: MainWindow) -> QMessageBox | None:
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    return boxes[-1] if boxes else None


def test_server_error_is_shown_under_its_field(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Chloé", last="Dubois")
    assert window.desk is not None
    # The coordinator types an id that Berke already holds for someone else.
    taken = CreateAssessmentRequest(
        first_name="Xavier", last_name="Young", source_candidate_id=f"HR-{order.id[:12]}"
    )
    finish(qtbot, window.desk.session.berke.create_assessment(taken))
    window.controller.actions[OrderAction.CREATE_ASSESSMENT].trigger()
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
    assert window.controller.link_for(order.id) is None
    assert window.desk.journal.entries(order.id) == []  # refused before anything was sent
    form.reject()


def test_reject_explains_credit_and_resend(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    order = add_test_order(window, qtbot, first="Łukasz", last="Nowak")
    window.controller.actions[OrderAction.REJECT].trigger()
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
    assert window.desk is not None
    assert window.desk.journal.entries(order.id)[-1].request == {
        "message": "The candidate withdrew."
    }


def test_invite_disabled_without_email(window: MainWindow, qtbot: QtBot) -> None:
    order = add_test_order(window, qtbot, first="Søren", last="Ødegaard", email=None)
    assert window.desk is not None
    request = CreateAssessmentRequest(first_name="Søren", last_name="Ødegaard")
    finish(qtbot, create_assessment(window.desk, order, request))
    window.controller.set_desk(window.desk, window.desk.journal.all_assessments())
    window.select_order(order.id)
    invite = window.controller.actions[OrderAction.INVITE]
    assert not invite.isEnabled()
    assert "no email" in invite.toolTip()


def test_batch_create_accept_invite_with_outcomes(window: MainWindow, qtbot: QtBot) -> None:
    dialogs = Dialogs(window)
    one = add_test_order(window, qtbot, first="Ana", last="Silva", email="ana@example.com")
    two = add_test_order(window, qtbot, first="Ben", last="Okafor", email=None)
    done_order = select_completed(window)
    window.table.clearSelection()
    for order_id in (one.id, two.id, done_order.id):
        row = window.proxy.mapFromSource(window.model.index(window.model.row_of(order_id) or 0, 0))
        window.table.selectionModel().select(
            row, window.table.selectionModel().SelectionFlag.Select
            | window.table.selectionModel().SelectionFlag.Rows,
        )  # fmt: skip
    assert len(window.selected_orders()) == 3
    window.controller.actions[OrderAction.CREATE_ACCEPT_INVITE].trigger()
    batch = dialogs.wait_for(qtbot, BatchDialog)
    assert isinstance(batch, BatchDialog)
    qtbot.waitUntil(batch.close_button.isEnabled, timeout=20_000)
    kinds = {o.order_id: o.kind.value for o in batch.model.rows}
    assert kinds == {one.id: "done", two.id: "done", done_order.id: "skipped"}
    assert batch.progress.value() == 3
    assert "1 skipped" in batch.label.text()
    assert current(window, one.id).status is OrderStatus.IN_PROGRESS
    link = window.controller.link_for(one.id)
    assert link is not None
    assert link.invitation_sent
    batch.close_button.click()
    assert batch.result() == QDialog.DialogCode.Accepted.value


def test_nothing_is_sent_twice_while_in_flight(window: MainWindow, qtbot: QtBot) -> None:
    order = add_test_order(window, qtbot, first="Iñigo", last="García")
    assert window.desk is not None
    desk = window.desk
    calls: list[str] = []
    gate = asyncio.Event()

    async def slow() -> str:
        calls.append("sent")
        await gate.wait()
        return "ok"

    controller = window.controller
    first = asyncio.ensure_future(controller._guarded(OrderAction.REJECT, order, slow))
    qtbot.waitUntil(lambda: bool(calls), timeout=5000)
    assert controller.is_busy(OrderAction.REJECT, order.id)
    assert not controller.actions[OrderAction.REJECT].isEnabled()
    assert "Already being sent" in controller.actions[OrderAction.REJECT].toolTip()
    second = asyncio.ensure_future(controller._guarded(OrderAction.REJECT, order, slow))
    qtbot.waitUntil(second.done, timeout=5000)
    assert second.result() is None
    assert calls == ["sent"]
    gate.set()
    qtbot.waitUntil(first.done, timeout=5000)
    assert controller.actions[OrderAction.REJECT].isEnabled()
    assert desk.journal.entries(order.id) == []


def test_add_a_comment_from_the_detail_pane(window: MainWindow, qtbot: QtBot) -> None:
    add_test_order(window, qtbot, first="Noor", last="Haddad")
    detail = window.detail
    qtbot.waitUntil(lambda: detail.comment_state.text() == "No comments yet.", timeout=10_000)
    detail.comment_input.setText("Called the candidate about timing")
    qtbot.keyClick(detail.comment_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: detail.comments.rowCount() == 1, timeout=10_000)
    assert "Called the candidate about timing" in detail.comments.index(0).data()
    assert detail.comment_input.text() == ""


def test_polling_announces_new_orders(window: MainWindow, qtbot: QtBot) -> None:
    before = window.new_count()
    assert window.desk is not None
    made = finish(qtbot, window.desk.session.sr.create_test_order(new_order_body(first="Mia")))
    with qtbot.waitSignal(window.new_orders_arrived, timeout=10_000) as blocker:
        window.poll_timer.timeout.emit()
    assert blocker.args == [[made.id]]
    assert window.new_count() == before + 1
    assert window.windowTitle().startswith(f"({before + 1} new)")
    assert "arrived" in window.statusBar().currentMessage()
