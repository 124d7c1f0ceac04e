"""The order dialogs with the keyboard only: Tab gets everywhere, Enter presses what has the
focus and never sends from a text field, Esc asks before typed work is lost, and no Alt+letter
is used twice in a dialog. Each test failed before its fix (a keyboard-only audit)."""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from app.domain.berke import CreateAssessmentResponse
from app.domain.invitation import InvitationText
from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder, ResultType
from app.ui.common.discard_guard import DiscardGuard
from app.ui.offers.offer_form import OfferForm
from app.ui.orders.batch_dialog import BatchDialog
from app.ui.orders.batch_plan_dialog import BatchPlanDialog
from app.ui.orders.berke_form import BerkeAssessmentForm
from app.ui.orders.complete_dialog import CompleteDialog
from app.ui.orders.invite_dialog import InviteDialog
from app.ui.orders.order_dialogs import AcceptDialog, RejectDialog
from app.ui.orders.url_preview import UrlPreviewDialog
from app.workflows.batch import Outcome, OutcomeKind, PlanKind, PlannedOrder
from app.workflows.board import BatchPlan
from tests.ui.conftest import show_exposed
from tests.ui.screen_reader import heard


def order(number: int = 7, first: str = "Zoë") -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": f"order-{number}",
            "status": "NEW",
            "candidate": {"id": f"c-{number}", "firstName": first, "lastName": "Müller",
                          "email": f"z{number}@example.com"},
            "job": {"name": "Data Analyst"},
            "company": {"name": "Acme"},
        }
    )  # fmt: skip


def link() -> LinkedAssessment:
    return LinkedAssessment(
        order_id="order-7",
        source_candidate_id="x",
        invitation_code="K7QX2M9P",
        assessment_url="https://berke.example/a/K7QX2M9P",
        created_at=datetime.now(UTC),
    )


def preview() -> UrlPreviewDialog:
    response = CreateAssessmentResponse.model_construct(
        source_candidate_id="c",
        invitation_code="K7QX2M9P",
        assessment_url="https://berke.example/a/K7QX2M9P",
    )
    return UrlPreviewDialog(candidate_name="Zoë", response=response, allow_http_loopback=True)


def shown(qtbot: QtBot, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def plan_dialog() -> BatchPlanDialog:
    planned = [PlannedOrder(order(n, f"P{n}"), PlanKind.CREATE) for n in range(3)]
    return BatchPlanDialog(BatchPlan(planned, []), InvitationText())


def tabbed_to(start: QWidget, presses: int) -> set[QWidget]:
    reached: set[QWidget] = set()
    start.setFocus()
    for _ in range(presses):
        focus = start.window().focusWidget()
        assert focus is not None
        reached.add(focus)
        QTest.keyClick(focus, Qt.Key.Key_Tab)
    return reached


def test_tab_leaves_the_batch_tables(qtbot: QtBot) -> None:
    """Tab walked the plan's cells and wrapped: the messages and Run were out of reach."""
    plan = shown(qtbot, plan_dialog())
    assert isinstance(plan, BatchPlanDialog)
    assert plan.portal_message in tabbed_to(plan.table, 12)
    progress = shown(qtbot, BatchDialog(3))
    assert isinstance(progress, BatchDialog)
    for n in range(3):
        progress.add_outcome(n + 1, Outcome(f"o{n}", f"C{n}", OutcomeKind.DONE, "Done."))
    progress.finished_all()
    assert progress.close_button in tabbed_to(progress.table, 12)


def test_enter_in_the_accept_dialog_never_accepts_the_order(qtbot: QtBot) -> None:
    """OK was the default: Enter in the message to the recruiter accepted the order in
    SmartRecruiters, and the dialog opened on the read-only URL."""
    dialog = shown(qtbot, AcceptDialog(order(), link()))
    assert isinstance(dialog, AcceptDialog)
    submitted: list[bool] = []
    dialog.submitted.connect(lambda: submitted.append(True))
    assert dialog.focusWidget() is dialog.message
    assert not dialog.ok.isDefault()
    QTest.keyClicks(dialog.message, " Thanks")
    QTest.keyClick(dialog.message, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert submitted == []
    assert not dialog.is_busy()
    dialog.ok.setFocus()  # Enter on the button itself does accept
    with qtbot.waitSignal(dialog.submitted):
        QTest.keyClick(dialog.ok, Qt.Key.Key_Return)


def test_a_refused_accept_gives_the_keyboard_back_to_the_field_it_was_sent_from(
    qtbot: QtBot,
) -> None:
    """Before: Ctrl+Enter in the message locked the inputs, Qt moved the keyboard on to
    Cancel, and a refusal left it there: the coordinator fixing the message typed into Cancel
    (Space pressed it). The Invite, Complete and Reject dialogs already gave it back."""
    dialog = shown(qtbot, AcceptDialog(order(), link()))
    assert isinstance(dialog, AcceptDialog)
    for ended in (
        lambda: dialog.show_server_error("The message is too long for SmartRecruiters."),
        lambda: dialog.set_busy(False),  # a fault of ours: the handler says why
    ):
        dialog.to_candidate.setFocus()
        QTest.keyClicks(dialog.to_candidate, " Thanks")
        with qtbot.waitSignal(dialog.submitted):
            QTest.keyClick(
                dialog.to_candidate, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
            )
        assert dialog.is_busy()
        assert dialog.focusWidget() is not dialog.to_candidate  # locked: handed on
        ended()
        assert not dialog.is_busy()
        assert dialog.focusWidget() is dialog.to_candidate


REFUSAL = "Berke refused: the account has no assessment credits left."


def test_a_refusal_naming_no_field_is_heard_where_the_keyboard_is(qtbot: QtBot) -> None:
    """Before: a refusal naming no field (Berke's "no credits left") was only painted at the
    foot of the form, in a label that takes no focus: a screen reader heard the button go
    "Creating…" and back, and nothing else. A refusal naming a field was already read there."""
    form = shown(qtbot, BerkeAssessmentForm(order()))
    assert isinstance(form, BerkeAssessmentForm)
    form.phone_number.setFocus()
    QTest.keyClicks(form.phone_number, "+49 30 1234567")
    own = form.phone_number.accessibleDescription()
    form.set_busy(True)  # Ctrl+Enter: sending
    form.show_server_error(REFUSAL)
    assert form.form_error.text() == REFUSAL
    assert QApplication.focusWidget() is form.phone_number
    assert REFUSAL in heard(form.phone_number)
    QTest.keyClicks(form.phone_number, "8")  # the next edit: the field's own words again
    assert form.phone_number.accessibleDescription() == own


def test_a_refused_accept_or_reject_is_heard_where_the_keyboard_is(qtbot: QtBot) -> None:
    """Before: SmartRecruiters' refusal of an accept or a reject was only painted under the
    fields; the keyboard went back to the message (the reason), which said nothing of it."""
    accept = shown(qtbot, AcceptDialog(order(), link()))
    assert isinstance(accept, AcceptDialog)
    accept.message.setFocus()
    with qtbot.waitSignal(accept.submitted):
        QTest.keyClick(accept.message, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    said = "SmartRecruiters refused the accept: the order was updated by someone else."
    accept.show_server_error(said)
    assert QApplication.focusWidget() is accept.message
    assert said in heard(accept.message)
    QTest.keyClicks(accept.message, " Thanks")
    assert said not in heard(accept.message)

    reject = shown(qtbot, RejectDialog([order()]))
    assert isinstance(reject, RejectDialog)
    reject.reason.setFocus()
    QTest.keyClicks(reject.reason, "The candidate withdrew.")
    with qtbot.waitSignal(reject.submitted):
        QTest.keyClick(reject.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    reject.show_refusals(
        "Not rejected:\n\nZoë Müller: SmartRecruiters is not answering.", [order()]
    )
    assert QApplication.focusWidget() is reject.reason
    assert "SmartRecruiters is not answering" in heard(reject.reason)
    QTest.keyClicks(reject.reason, " Again.")
    assert "not answering" not in heard(reject.reason)


def test_enter_on_the_list_of_orders_never_rejects_them(qtbot: QtBot) -> None:
    """OK was the default: Shift+Tab from the reason reached the scrolling list of orders,
    and a plain Enter there rejected all three (it cannot be undone). Only the button, Enter
    on it, or Ctrl+Enter rejects."""
    orders = [order(n, f"P{n}") for n in range(3)]
    dialog = shown(qtbot, RejectDialog(orders, left_out=[(order(9), "completed")]))
    assert isinstance(dialog, RejectDialog)
    dialog.reason.setFocus()
    QTest.keyClicks(dialog.reason, "The candidate withdrew.")
    QTest.keyClick(dialog.reason, Qt.Key.Key_Backtab)
    listing = dialog.findChild(QWidget, "rejectWhoScroll")
    assert dialog.focusWidget() is listing
    submitted: list[bool] = []
    dialog.submitted.connect(lambda: submitted.append(True))
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        QTest.keyClick(listing, key)
        assert dialog.isVisible()
        assert not submitted
    assert not dialog.ok.isDefault()  # nor does it look as if Enter would
    dialog.ok.setFocus()  # Enter on the button itself does reject
    QTest.keyClick(dialog.ok, Qt.Key.Key_Return)
    assert submitted == [True]

    again = shown(qtbot, RejectDialog(orders))
    assert isinstance(again, RejectDialog)
    again.reason.setFocus()
    QTest.keyClicks(again.reason, "The candidate withdrew.")
    with qtbot.waitSignal(again.submitted):  # Ctrl+Enter, from the reason, still rejects
        QTest.keyClick(again.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_rejecting_several_opens_on_the_reason(qtbot: QtBot) -> None:
    """With several orders the scrolling list of them was the first Tab stop and had the
    keyboard: a reason typed at once went into the list, dropped without a sound (with one
    order the dialog opened on the reason). The list stays a Tab stop, back from the reason."""
    dialog = shown(qtbot, RejectDialog([order(7), order(8, "Ana")]))
    assert isinstance(dialog, RejectDialog)
    focused = QApplication.focusWidget()
    assert focused is dialog.reason, f"opened on {focused!r}"
    QTest.keyClicks(focused, "Duplicate order")
    assert dialog.reason.toPlainText() == "Duplicate order"
    QTest.keyClick(dialog.reason, Qt.Key.Key_Backtab)
    assert dialog.focusWidget() is dialog.findChild(QScrollArea, "rejectWhoScroll")


def test_the_lists_of_a_reject_are_heard_by_name_and_what_they_say(qtbot: QtBot) -> None:
    """The scrolling lists (the orders, and after a refusal the orders not rejected) are Tab
    stops: a screen reader announced each as an unnamed scroll area, not whom it was about."""
    ana = order(8, "Ana")
    dialog = shown(qtbot, RejectDialog([order(7), ana], left_out=[(order(9, "Bo"), "completed")]))
    assert isinstance(dialog, RejectDialog)
    listing = dialog.findChild(QScrollArea, "rejectWhoScroll")
    name, description, _value = heard(listing).split(" | ")
    assert name == "Orders to reject"
    left_out = "Not these 1:\n  • Bo Müller · Data Analyst · Acme: completed"
    for said in ("Zoë Müller", "Ana Müller", left_out):
        assert said in description

    dialog.reason.setPlainText("Duplicate order")
    dialog.set_busy(True)
    dialog.show_refusals("Not rejected:\n\nAna Müller: SmartRecruiters is not answering.", [ana])
    refused = dialog.findChild(QScrollArea, "rejectServerErrorScroll")
    assert heard(refused).startswith("Orders not rejected | Not rejected:")
    assert "not answering" in heard(refused)
    assert "Zoë" not in heard(listing)  # the list says the orders Reject now sends again
    assert "Ana Müller" in heard(listing)


def test_enter_presses_the_focused_button(qtbot: QtBot) -> None:
    """The URL preview's default, Close, took Enter on "Accept order with this URL…" (and on
    "Copy code", where it opens); a form's Enter on its focused Send did nothing."""
    dialog = shown(qtbot, preview())
    assert isinstance(dialog, UrlPreviewDialog)
    assert dialog.focusWidget() is dialog.copy_code_button
    QTest.keyClick(dialog.copy_code_button, Qt.Key.Key_Return)
    assert dialog.isVisible()
    asked: list[object] = []
    dialog.accept_requested.connect(asked.append)
    dialog.accept_button.setFocus()
    QTest.keyClick(dialog.accept_button, Qt.Key.Key_Return)
    assert asked

    invite = shown(qtbot, InviteDialog(order(), InvitationText()))
    assert isinstance(invite, InviteDialog)
    sent: list[object] = []
    invite.submitted.connect(sent.append)
    invite.submit_button.setFocus()
    QTest.keyClick(invite.submit_button, Qt.Key.Key_Return)
    assert sent


def _typed_berke() -> tuple[QDialog, QWidget]:
    form = BerkeAssessmentForm(order())
    return form, form.phone_number


def _typed_reject() -> tuple[QDialog, QWidget]:
    dialog = RejectDialog([order()])
    return dialog, dialog.reason


def _typed_invite() -> tuple[QDialog, QWidget]:
    dialog = InviteDialog(order(), InvitationText())
    return dialog, dialog.message


def _typed_plan() -> tuple[QDialog, QWidget]:
    dialog = plan_dialog()
    return dialog, dialog.portal_message


@pytest.mark.parametrize(
    "make",
    [_typed_berke, _typed_reject, _typed_invite, _typed_plan],
    ids=["berke", "reject", "invite", "plan"],
)
def test_escape_asks_before_typed_work_is_lost(
    qtbot: QtBot,
    make: Callable[[], tuple[QDialog, QWidget]],
    running_loop: asyncio.AbstractEventLoop,
) -> None:
    """Esc closed the form, a careful reason or a batch's message without a word."""
    dialog, field = make()
    shown(qtbot, dialog)
    field.setFocus()
    QTest.keyClicks(field, "Typed with care")
    QTest.keyClick(field, Qt.Key.Key_Escape)
    question = _question(qtbot, dialog)
    assert question.text() == "Close this window and lose what you typed or chose in it?"
    assert question.defaultButton().text() == "Keep editing"
    guard = dialog.findChild(DiscardGuard)
    assert guard is not None
    question.defaultButton().click()
    qtbot.waitUntil(lambda: not guard.asking)  # the answer is in
    assert dialog.isVisible()
    QTest.keyClick(field, Qt.Key.Key_Escape)
    discard = next(b for b in _question(qtbot, dialog).buttons() if b.text() == "Discard")
    with qtbot.waitSignal(dialog.rejected):
        discard.click()


def _question(qtbot: QtBot, dialog: QDialog) -> QMessageBox:
    qtbot.waitUntil(lambda: any(box.isVisible() for box in dialog.findChildren(QMessageBox)))
    return next(box for box in dialog.findChildren(QMessageBox) if box.isVisible())


def test_escape_closes_at_once_when_nothing_was_typed(
    qtbot: QtBot, running_loop: asyncio.AbstractEventLoop
) -> None:
    dialog = shown(qtbot, RejectDialog([order()]))
    with qtbot.waitSignal(dialog.rejected):
        QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.findChildren(QMessageBox)


MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


#: Every order dialog (and the offer form), made afresh.
EVERY_DIALOG = pytest.mark.parametrize(
    "make",
    [
        lambda: BerkeAssessmentForm(order()),
        lambda: InviteDialog(order(), InvitationText()),
        lambda: AcceptDialog(order(), link()),
        lambda: RejectDialog([order()]),
        plan_dialog,
        lambda: CompleteDialog(order()),
        preview,
        OfferForm,
    ],
    ids=["berke", "invite", "accept", "reject", "plan", "complete", "preview", "offer"],
)


@EVERY_DIALOG
def test_no_alt_letter_is_used_twice_in_a_dialog(qtbot: QtBot, make: Callable[[], QDialog]) -> None:
    """ "Berke &user" and "Redirect &URL": the first Alt+U went to one, the second to the
    other."""
    assert not _clashes(shown(qtbot, make()))


@EVERY_DIALOG
def test_a_closed_dialog_is_freed_without_a_collection(
    qtbot: QtBot, make: Callable[[], QDialog]
) -> None:
    """Before: each was a reference cycle, its helpers pointing back at it (``RefusalAtFocus``,
    ``DiscardGuard`` and its ``extra``, the slip's file chooser kept as a bound method). One
    open when a poll brought orders was frozen with them (``settle_heap``), and never freed."""
    dialog = make()
    show_exposed(qtbot, dialog)
    dialog.reject()
    dialog.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not Shiboken.isValid(dialog)
    freed = weakref.ref(dialog)
    del dialog
    # The suite collects only after each test (tests/conftest.py): this is reference counting.
    assert freed() is None


def _clashes(dialog: QDialog) -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QLabel | QAbstractButton) and widget.isVisibleTo(dialog):
            for letter in MNEMONIC.findall(widget.text()):
                used.setdefault(letter.casefold(), []).append(widget.text())
    return {letter: texts for letter, texts in used.items() if len(texts) > 1}


@pytest.mark.parametrize("kind", list(ResultType), ids=lambda kind: kind.value)
def test_no_alt_letter_is_used_twice_whatever_the_result_type(
    qtbot: QtBot, kind: ResultType
) -> None:
    """The result's field is named by its type: "&Stream" (video stream) took the Alt+S of
    "&Score"."""
    dialog = shown(qtbot, CompleteDialog(order()))
    assert isinstance(dialog, CompleteDialog)
    dialog.result_type.setCurrentIndex(dialog.result_type.findData(kind))
    assert not _clashes(dialog)


def test_jobs_arriving_are_no_typing(qtbot: QtBot, running_loop: asyncio.AbstractEventLoop) -> None:
    """The review: the Berke form opens on "Loading jobs…"; once the jobs came, Esc asked
    "Discard what you typed?" with nothing typed."""
    form = shown(qtbot, BerkeAssessmentForm(order()))
    assert isinstance(form, BerkeAssessmentForm)
    form.set_jobs_failed("Berke could not be reached.")
    with qtbot.waitSignal(form.rejected):
        QTest.keyClick(form.focusWidget() or form, Qt.Key.Key_Escape)
    assert not form.findChildren(QMessageBox)


def test_typing_a_reason_keeps_the_height_the_coordinator_gave(qtbot: QtBot) -> None:
    """The Reject dialog grows to show a line that appears once it is open; made shorter by
    the coordinator, it jumped back taller at the first key typed in the reason (its counter
    line changed its words: a layout request, though nothing needed more room)."""
    from app.ui.orders.order_dialogs import RejectDialog
    from tests.ui.clipping import settle

    dialog = RejectDialog([order()])
    qtbot.addWidget(dialog)
    show_exposed(qtbot, dialog)
    settle()
    shorter = dialog.minimumSizeHint().height() + 10
    assert shorter < dialog.height()
    dialog.resize(dialog.width(), shorter)  # its bottom edge dragged up
    settle()
    assert dialog.height() == shorter
    dialog.reason.insertPlainText("W")
    settle()
    assert dialog.height() == shorter, f"jumped from {shorter} to {dialog.height()} px"
