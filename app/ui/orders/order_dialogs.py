"""Small dialogs for accept and reject: what will be sent, and what it means."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.assessment_url import accept_check
from app.domain.journal_terms import LinkedAssessment
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.sr_limits import SR_MESSAGE_MAX, message_count, message_too_long
from app.ui.common.colours import RED
from app.ui.common.discard_guard import DiscardGuard
from app.ui.common.enter_key import only_click_or_ctrl_enter_sends
from app.ui.common.grow_to_fit import GrowsToFit
from app.ui.common.labels import plain_label, rich_label, without_mnemonic
from app.ui.common.refusal_at_focus import RefusalAtFocus
from app.ui.common.remembered_size import RememberedSize
from app.ui.common.screens import available_room
from app.ui.common.tint import tint
from app.ui.common.tooltips import plain_tooltip
from app.views.text import PART_SHOWN, as_refusal, breakable, one_line, title_name

DEFAULT_MESSAGE_TO_CANDIDATE = (
    "Thank you for your application. Please complete the Berke assessment using the link "
    "provided; it takes about 30 to 45 minutes."
)


class LimitLine(QLabel):
    """Under a text SmartRecruiters gets: "12 / 2,000" as it is typed, and in red, once over,
    by how much. Nothing is ever cut: the dialog's OK waits until the text fits."""

    def __init__(self, name: str, what: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._what = what
        self.too_long = False

    def follow(self, text: str) -> None:
        problem = message_too_long(text)
        self.too_long = problem is not None
        self.setText(f"{self._what} is too long. {problem}" if problem else message_count(text))
        tint(self, RED if problem else None)


def order_line(order: AssessmentOrder, limit: int | None = PART_SHOWN) -> str:
    """ "Zoë Müller · Data Analyst · Acme": whom a dialog is about, in its body; each part
    cut to ``limit`` characters (None: whole)."""
    parts = [
        order.candidate.display_name,
        order.job.name if order.job else "",
        order.company.name if order.company else "",
    ]
    return " · ".join(one_line(part, limit) for part in parts if part)


def who_label(order: AssessmentOrder, name: str) -> QLabel:
    """The order's candidate, job and company, at the top of a dialog about it."""
    # Free to wrap inside a long word: 80 letters without a space, at large text, were wider
    # than a small screen, and took the dialog's buttons off it.
    label = plain_label(breakable(order_line(order)), name, bold=True)
    label.setToolTip(plain_tooltip(order_line(order, None)))
    return label


#: The acknowledgement a coordinator gives before a URL with warnings is sent.
SEND_ANYWAY = "&Send this URL anyway: I have checked the warnings above"


class AnswerAwaitedDialog(QDialog):
    """A dialog that calls nothing itself: its OK (or Ctrl+Enter) hands on what was typed
    (``submitted``) once, and the dialog stays open, busy, until the controller says how the
    call went: ``finish`` closes it, and a refusal shows in it with what was typed kept.
    While busy it does not close: the call goes on whatever the dialog does."""

    submitted = Signal()
    ok: QPushButton  # enabled only when what was typed may be sent, and not while busy

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = False
        self._focus_before: QWidget | None = None  # where the keyboard was as a call began
        self._focus_parked: QWidget | None = None  # where Qt moved it off the locked inputs
        # A refusal shown at the foot, said where the keyboard is too, until the next edit.
        self._refusal = RefusalAtFocus(self)

    def accept(self) -> None:
        if self.ok.isEnabled():
            self.set_busy(True)
            self.submitted.emit()

    def set_busy(self, busy: bool) -> None:
        """Says it on the button and locks the inputs (the subclass knows which)."""
        raise NotImplementedError

    def is_busy(self) -> bool:
        return self._busy

    def _note_focus(self, busy: bool) -> None:
        """Before the inputs are locked: where the keyboard is, to give it back after."""
        if busy and not self._busy:
            self._focus_before = self.focusWidget()

    def _park_or_give_back_focus(self, busy: bool, fallback: QWidget) -> None:
        """After the inputs are locked: where Qt moved the keyboard off them. After they are
        unlocked: the keyboard back on the field it left (``fallback`` when that is gone), not
        when the coordinator has moved it since."""
        if busy:
            self._focus_parked = self.focusWidget()
            return
        before, self._focus_before = self._focus_before, None
        parked, self._focus_parked = self._focus_parked, None
        focused = self.focusWidget()
        if focused is not None and focused is not parked and focused.isEnabled():
            return  # moved on purpose while the call ran
        target = before if before is not None and before.isEnabled() else fallback
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def finish(self) -> None:
        """Closed, accepted: the call went through, or nothing is left to try here (the
        controller then says why)."""
        self._busy = False
        super().accept()

    def reject(self) -> None:
        if not self._busy:
            super().reject()


class AcceptDialog(AnswerAwaitedDialog):
    """Accept the SR order with the assessment URL and an editable message to the candidate.

    The URL is checked as the preview checks it (it opens without the preview, Ctrl+Shift+A):
    one that opens another place than it shows is refused, one with lesser problems (plain
    http, say) is sent only once the coordinator ticks "Send this URL anyway".

    It does not call SmartRecruiters: Accept emits ``submitted`` and the dialog stays open,
    busy, until the controller says how the call went: ``finish`` closes it, and a refusal
    (``show_server_error``) shows in it with the messages typed kept (closed at once, a
    refused accept lost them)."""

    def __init__(
        self,
        order: AssessmentOrder,
        linked: LinkedAssessment,
        parent: QWidget | None = None,
        *,
        allow_http_loopback: bool = True,
    ) -> None:
        # ``allow_http_loopback`` (as the preview's: ``board.allows_http_assessment_urls``)
        # defaults to True: http to this computer crosses no network, and the built-in
        # sandbox's URLs are such; a caller that knows the connection passes its answer.
        super().__init__(parent)
        self.setObjectName("acceptDialog")
        self.setWindowTitle(f"Accept order — {title_name(order.candidate.display_name)}")
        self.url = QLineEdit(linked.assessment_url)
        self.url.setObjectName("acceptUrl")
        self.url.setReadOnly(True)
        self.url.setAccessibleName("Assessment URL sent to SmartRecruiters")
        self._build_url_check(linked, allow_http_loopback=allow_http_loopback)
        self.message = QLineEdit("Berke assessment created.")
        self.message.setObjectName("acceptMessage")
        self.message.setAccessibleName("Message to the recruiter")
        self.to_candidate = QPlainTextEdit(DEFAULT_MESSAGE_TO_CANDIDATE)
        self.to_candidate.setObjectName("acceptMessageToCandidate")
        self.to_candidate.setAccessibleName("Message to the candidate")
        self.to_candidate.setTabChangesFocus(True)
        self.to_candidate.setFixedHeight(90)
        self.message_limit = LimitLine("acceptMessageLimit", "The message to the recruiter")
        self.to_candidate_limit = LimitLine(
            "acceptMessageToCandidateLimit", "The message to the candidate"
        )
        for edit in (self.message, self.to_candidate):
            edit.setToolTip(f"Up to {SR_MESSAGE_MAX:,} characters")
        self.server_error = plain_label("", "acceptServerError")
        tint(self.server_error, RED)
        self.server_error.hide()

        form = self._form()
        note = plain_label(
            "SmartRecruiters moves the order to In progress and shows the URL to the recruiter "
            "and on the candidate portal."
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Accept order")
        # Accepting cannot be undone: Enter in the message sent it (OK was the default).
        only_click_or_ctrl_enter_sends(self, buttons, self.ok)
        RememberedSize(self, type(self).__name__)
        GrowsToFit(self)  # a refusal, or a limit's line that wraps, shown whole
        guard = DiscardGuard(self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(guard.request_close)
        edits = (self.message.textChanged, self.to_candidate.textChanged, self.send_anyway.toggled)
        for edited in edits:
            edited.connect(self._follow)
            edited.connect(self._refusal.clear)  # a refusal said at the focus: over
        self._follow()
        layout = QVBoxLayout(self)
        layout.addWidget(who_label(order, "acceptWho"))
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.server_error)
        layout.addWidget(buttons)
        # Tall enough for the URL's warnings as wrapped at this width (the size hint wraps
        # them at another, and cut the last line off).
        self.resize(560, max(self.sizeHint().height(), layout.heightForWidth(560)))
        self.message.setFocus(Qt.FocusReason.OtherFocusReason)  # not the read-only URL
        # "Send anyway" belongs to the URL: Tab reaches it there, not after Cancel.
        QWidget.setTabOrder(self.url, self.send_anyway)
        QWidget.setTabOrder(self.send_anyway, self.message)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow("Assessment URL:", self.url)
        if self.url_check.problems:  # no empty row (and its spacing) for a URL that is fine
            form.addRow("", self.url_warnings)
        form.addRow("Message to the recruiter:", self.message)
        form.addRow("", self.message_limit)
        form.addRow("Message to the candidate:", self.to_candidate)
        form.addRow("", self.to_candidate_limit)
        return form

    def _build_url_check(self, linked: LinkedAssessment, *, allow_http_loopback: bool) -> None:
        """Under the URL: its problems (as the preview words them), then either why Accept is
        refused or the box that sends it anyway."""
        self.url_check = accept_check(
            linked.assessment_url, linked.invitation_code, allow_http_loopback=allow_http_loopback
        )
        self.url_warnings = QWidget(self)
        self.url_problems = plain_label(
            "\n".join(f"⚠ {text}" for text in self.url_check.texts), "acceptUrlProblems"
        )
        tint(self.url_problems, RED)
        self.url_refusal = plain_label(self.url_check.refusal or "", "acceptUrlRefusal", bold=True)
        self.url_refusal.setVisible(self.url_check.refused)
        self.send_anyway = QCheckBox(SEND_ANYWAY)
        self.send_anyway.setObjectName("acceptUrlAnyway")
        self.send_anyway.setVisible(self.url_check.needs_acknowledgement)
        column = QVBoxLayout(self.url_warnings)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.url_problems, self.url_refusal, self.send_anyway):
            column.addWidget(widget)
        self.url_warnings.setVisible(bool(self.url_check.problems))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The button box made OK the default as it was shown: it would look as if Enter sent.
        self.ok.setDefault(False)

    def _follow(self, *_args: object) -> None:
        self.message_limit.follow(self.message.text())
        self.to_candidate_limit.follow(self.to_candidate.toPlainText())
        url_ok = self.url_check.allows(acknowledged=self.send_anyway.isChecked())
        fits = not (self.message_limit.too_long or self.to_candidate_limit.too_long)
        self.ok.setEnabled(url_ok and fits and not self._busy)
        if self.url_check.refused:
            self.ok.setToolTip(self.url_check.refusal or "")
        elif not url_ok:
            self.ok.setToolTip(f"Tick “{without_mnemonic(SEND_ANYWAY)}” to accept with it.")
        else:
            self.ok.setToolTip("")

    def set_busy(self, busy: bool) -> None:
        """While SmartRecruiters is asked: the button says so, the inputs are locked, and the
        dialog does not close (the call goes on whatever the dialog does). After, the keyboard
        is back where it was: locked, the message handed it on to Cancel, and a refusal left
        it there (Space then cancelled what was being fixed)."""
        self._note_focus(busy)
        self._busy = busy
        self.ok.setText("Accepting…" if busy else "Accept order")
        for widget in (self.message, self.to_candidate, self.send_anyway):
            widget.setEnabled(not busy)
        if busy:
            self.server_error.hide()
            self._refusal.clear()
        self._follow()  # OK, locked too, may hand the keyboard on once more
        self._park_or_give_back_focus(busy, self.message)

    def show_server_error(self, message: str) -> None:
        """The accept was refused or failed: said here, what was typed kept, to try again or
        cancel."""
        message = as_refusal(message)  # on the screen, however long or however many lines
        self.server_error.setText(message)
        self.server_error.show()
        self.set_busy(False)
        self._refusal.say(message)

    def message_text(self) -> str:
        return self.message.text().strip()

    def message_to_candidate(self) -> str:
        return self.to_candidate.toPlainText().strip()


class RejectDialog(AnswerAwaitedDialog):
    """Reject with a reason. Says what a rejection means for the customer before it is sent,
    which orders it rejects, and why not the others selected.

    Like AcceptDialog it does not call SmartRecruiters: Reject emits ``submitted`` and the
    dialog stays open, busy, until the controller says how it went: ``finish`` closes it, and
    ``show_refusals`` says which orders were not rejected and why, with the reason kept, to
    reject those again or cancel (closed at once, a refused reject lost the reason typed)."""

    def __init__(
        self,
        orders: list[AssessmentOrder],
        parent: QWidget | None = None,
        *,
        left_out: list[tuple[AssessmentOrder, str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("rejectDialog")
        self.setWindowTitle(_reject_title(orders))
        self._who_area: QScrollArea | None = None
        if len(orders) == 1 and not left_out:
            self.who = who_label(orders[0], "rejectWho")
            who_part: QWidget = self.who
        else:
            self.who = plain_label(orders_list("Rejects", orders, left_out or []), "rejectWho")
            who_part = self._who_area = _scrolling(self.who, self)
        explanation = rich_label(
            "<b>Rejecting cannot be undone.</b><br>The customer gets 1 credit back. An "
            "auto-triggered order is sent only once: after a rejection the recruiter must "
            "re-send it by hand if the candidate should still be assessed.",
            "rejectExplanation",
        )
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("rejectReason")
        self.reason.setAccessibleName("Reason for the rejection")
        self.reason.setPlaceholderText("Why is this order rejected? The recruiter sees this.")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        self.reason.setToolTip(f"Up to {SR_MESSAGE_MAX:,} characters")
        self.reason_limit = LimitLine("rejectReasonLimit", "The reason")
        self.server_error = plain_label("", "rejectServerError")
        tint(self.server_error, RED)
        # Forty orders refused are forty lines: they scroll, the buttons stay on the screen.
        self._server_error_area = _scrolling(
            self.server_error, self, "rejectServerErrorScroll", "Orders not rejected"
        )
        self._server_error_area.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok_text = _reject_button_text(len(orders))
        self.ok.setText(self._ok_text)
        self.reason.textChanged.connect(self._follow)
        self.reason.textChanged.connect(self._refusal.clear)  # a refusal said at the focus: over
        self._follow()
        # Rejecting cannot be undone: with OK the default, an Enter on the scrolling list of
        # orders (in the Tab chain) rejected them all.
        only_click_or_ctrl_enter_sends(self, self.buttons, self.ok)
        RememberedSize(self, type(self).__name__)
        GrowsToFit(self)  # a refusal, or a limit's line that wraps, shown whole
        guard = DiscardGuard(self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(guard.request_close)
        layout = QVBoxLayout(self)
        layout.addWidget(who_part)
        layout.addWidget(explanation)
        layout.addWidget(plain_label("Reason:", wrap=False))
        layout.addWidget(self.reason)
        layout.addWidget(self.reason_limit)
        layout.addWidget(self._server_error_area)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        # The list of several orders is the first Tab stop (Shift+Tab reads it back): the
        # keyboard opens on the reason, or what was typed at once went into the list, unseen.
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The button box made OK the default as it was shown: Enter anywhere would reject.
        self.ok.setDefault(False)

    def _follow(self) -> None:
        text = self.reason.toPlainText()
        self.reason_limit.follow(text)
        # A reason is required, and it must fit: a long one is refused here, never cut.
        fits = bool(text.strip()) and not self.reason_limit.too_long
        self.ok.setEnabled(fits and not self._busy)

    def set_busy(self, busy: bool) -> None:
        """While SmartRecruiters is asked: the button says so, the reason is locked, and the
        dialog does not close (the calls go on whatever the dialog does)."""
        self._busy = busy
        self.ok.setText("Rejecting…" if busy else self._ok_text)
        self.reason.setEnabled(not busy)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setEnabled(not busy)  # it could not stop what is on its way
        if busy:
            self._server_error_area.hide()
            self._refusal.clear()
        self._follow()

    def show_refusals(self, text: str, left: list[AssessmentOrder]) -> None:
        """Some orders were not rejected (``text`` says which, and why): said here, the reason
        kept; Reject now rejects those ``left`` (the list says which)."""
        self._ok_text = _reject_button_text(len(left))
        if self._who_area is not None:
            self.who.setText(orders_list("Rejects", left, []))
            _said_by_its_text(self._who_area)
            self.setWindowTitle(_reject_title(left))
        self.server_error.setText(text)
        _said_by_its_text(self._server_error_area)
        # Two lists now: each has a fifth of the screen, so that the buttons stay on it.
        _fit_to_label(self._server_error_area, self, share=5)
        if self._who_area is not None:
            _fit_to_label(self._who_area, self, share=5)
        self._server_error_area.show()
        self.set_busy(False)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)  # to edit it, or Ctrl+Enter
        self._refusal.say(text)

    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()


def _scrolling(
    label: QLabel,
    dialog: QDialog,
    name: str = "rejectWhoScroll",
    accessible_name: str = "Orders to reject",
) -> QScrollArea:
    """``label`` in a box that scrolls past a third of the screen: 40 orders rejected made
    the dialog 850 px tall, its buttons below an 800 px screen. The box is a Tab stop: a
    screen reader names it, and reads the label's text as its description."""
    area = QScrollArea(dialog)
    area.setObjectName(name)
    area.setAccessibleName(accessible_name)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(label)
    _said_by_its_text(area)
    _fit_to_label(area, dialog)
    return area


def _said_by_its_text(area: QScrollArea) -> None:
    """The label's text as the box's description: the box, not the label, takes the focus,
    and a screen reader read only an unnamed scroll area."""
    label = area.widget()
    assert isinstance(label, QLabel)
    area.setAccessibleDescription(label.text())


def _fit_to_label(area: QScrollArea, dialog: QDialog, share: int = 3) -> None:
    """As tall as its label's text, up to a ``share``-th of the screen."""
    label = area.widget()
    assert label is not None
    height = min(available_room(dialog).height() // share, label.sizeHint().height() + 4)
    area.setMaximumHeight(height)
    area.setMinimumHeight(height)


def _reject_title(orders: list[AssessmentOrder]) -> str:
    if len(orders) == 1:
        return f"Reject — {title_name(orders[0].candidate.display_name)}"
    return f"Reject — {len(orders)} orders"


def _reject_button_text(count: int) -> str:
    return "Reject order" if count == 1 else f"Reject {count} orders"


def orders_list(
    verb: str, orders: list[AssessmentOrder], left_out: list[tuple[AssessmentOrder, str]]
) -> str:
    """Which orders an action of several takes (``verb``: "Rejects"), and which selected ones
    it does not, with why."""
    lines = [f"{verb} {len(orders)} order{'s' if len(orders) != 1 else ''}:"]
    lines += [f"  • {order_line(order)}" for order in orders]
    if left_out:
        lines.append(f"Not these {len(left_out)}:")
        lines += [f"  • {order_line(order)}: {why}" for order, why in left_out]
    return "\n".join(lines)
