"""The dialog that shows what Berke created, before the order is accepted with its URL.

A coordinator checks the assessment URL (checks, does it answer, open it), hands the invitation
code or a printed slip to a candidate without email, then asks the window to accept the order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.assessment_url import accept_check
from app.domain.berke import CreateAssessmentResponse
from app.domain.sr_limits import is_sendable_http_url
from app.ui.common.colours import GREEN, RED
from app.ui.common.enter_key import EnterPressesFocusedButton
from app.ui.common.grow_to_fit import GrowsToFit
from app.ui.common.labels import plain_label, rich_label
from app.ui.common.messages import ask_replace
from app.ui.common.remembered_size import RememberedSize
from app.ui.common.task_group import NamedTasks
from app.ui.common.tint import tint
from app.ui.common.tooltips import plain_tooltip
from app.views.text import PART_SHOWN, breakable, one_line, title_name

if TYPE_CHECKING:  # httpx and the QR/PDF code load with the dialog, not with the first window
    from app.workflows.reachability import Reachability

log = logging.getLogger(__name__)

COPIED_FEEDBACK_MS = 1500


class UrlPreviewDialog(QDialog):
    """Invitation code, assessment URL (checked), its QR code, a printable slip, accept."""

    accept_requested = Signal(str)  # the assessment URL the coordinator approved

    def __init__(
        self,
        *,
        candidate_name: str,
        response: CreateAssessmentResponse,
        allow_http_loopback: bool,
        job_name: str | None = None,
        candidate_has_email: bool = True,
        can_accept: bool = True,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
        ask_save_path: Callable[[], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.candidate_name = candidate_name
        self.response = response
        self.job_name = job_name
        self._can_accept = can_accept
        self._open_url = open_url
        # None: the file dialog, looked up when asked (its bound method kept here made the
        # dialog a reference cycle: never collected once a poll's ``settle_heap`` froze it).
        self._ask_save_path = ask_save_path
        self._reach_task: asyncio.Task[Reachability] | None = None
        # The slip's write: cancelled if the dialog is deleted under it (nothing left to tell).
        self.tasks = NamedTasks(self)
        # What Accept may do with the URL: the Accept dialog asks the same again, and asks
        # for the "send anyway" of a lesser problem (plain http); a refused one is not offered.
        self.url_verdict = accept_check(
            response.assessment_url,
            response.invitation_code,
            allow_http_loopback=allow_http_loopback,
        )
        self.problems = self.url_verdict.texts

        self.setWindowTitle(f"Assessment for {title_name(candidate_name)}")
        self.setAccessibleName("Assessment URL preview")
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_heading())
        if not candidate_has_email:
            layout.addWidget(self._build_no_email_note())
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self._build_code_box())
        left.addWidget(self._build_url_box())
        body.addLayout(left, 1)
        body.addWidget(self._build_qr_box())
        layout.addLayout(body)
        # Outcomes of the buttons that have no place of their own: the slip, the browser.
        self.status_message = _label("statusMessage", "Status")
        self.status_message.setWordWrap(True)
        self.status_message.hide()
        layout.addWidget(self.status_message)
        layout.addLayout(self._build_buttons())

    # -- building -------------------------------------------------------------------------

    def _build_heading(self) -> QLabel:
        # Each cut to a line's worth (a 5,000-character name made the preview 54,163 px wide),
        # the whole in the tooltip.
        text = f"<b>{escape(_heading_part(self.candidate_name))}</b>"
        if self.job_name:
            text += f" — {escape(_heading_part(self.job_name))}"
        heading = rich_label(text, "candidateHeading")  # the names escaped above
        # As wide as the rest of the dialog, whatever the names measure: 80 letters without
        # a space, enlarged, at 150 % text made the preview 1,393 px wide on a 1,280 px
        # screen, its Accept and Close buttons off it.
        heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        heading.setAccessibleName("Candidate")
        whole = " — ".join(part for part in (self.candidate_name, self.job_name) if part)
        heading.setToolTip(plain_tooltip(whole))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        return heading

    def _build_no_email_note(self) -> QLabel:
        note = _label("noEmailNote", "No email address")
        note.setText(
            "This candidate has no email address, so Berke cannot send the invitation. "
            "Give them the invitation code, or print an invitation slip."
        )
        note.setWordWrap(True)
        note.setFrameShape(QFrame.Shape.StyledPanel)
        note.setMargin(6)
        return note

    def _build_code_box(self) -> QGroupBox:
        box = QGroupBox("Invitation code")
        self.code_label = _label("invitationCode", "Invitation code")
        self.code_label.setText(self.response.invitation_code)
        self.code_label.setTextInteractionFlags(_selectable())
        self.code_label.setFont(_code_font(self.code_label.font()))
        self.code_label.setToolTip("The candidate can type this code at the assessment site.")
        self.copy_code_button = _button("copyCodeButton", "&Copy code", "Copy invitation code")
        self.copy_code_button.clicked.connect(self._copy_code)
        row = QHBoxLayout(box)
        row.addWidget(self.code_label, 1)
        row.addWidget(self.copy_code_button)
        return box

    def _build_url_box(self) -> QGroupBox:
        box = QGroupBox("Assessment URL")
        self.url_field = QLineEdit(self.response.assessment_url)
        self.url_field.setObjectName("assessmentUrl")
        self.url_field.setAccessibleName("Assessment URL")
        self.url_field.setReadOnly(True)
        self.url_field.setToolTip(plain_tooltip(self.response.assessment_url))
        self.url_field.setCursorPosition(0)
        self.url_field.setMinimumWidth(self.url_field.fontMetrics().averageCharWidth() * 56)
        self.copy_url_button = _button("copyUrlButton", "Copy &URL", "Copy assessment URL")
        self.copy_url_button.clicked.connect(self._copy_url)
        self.open_url_button = _button("openUrlButton", "&Open in browser", "Open in browser")
        self.open_url_button.clicked.connect(self._open_in_browser)

        self.url_check = _label("urlCheck", "URL check")
        self.url_check.setWordWrap(True)
        if self.problems:
            lines = [f"⚠ {p}" for p in self.problems]
            if self.url_verdict.refusal:
                lines.append(self.url_verdict.refusal)
            self.url_check.setText("\n".join(lines))
            _tint(self.url_check, good=False)
        else:
            self.url_check.setText("✓ URL looks right")
            _tint(self.url_check, good=True)

        self.reachability_button = _button(
            "reachabilityButton", "Check it &answers", "Check the URL answers"
        )
        self.reachability_button.setToolTip(
            "Ask the assessment site for the page, without opening it."
        )
        self.reachability_button.clicked.connect(self._start_reachability)
        self.reachability_verdict = _label("reachabilityVerdict", "Reachability verdict")
        self.reachability_verdict.setWordWrap(True)
        self.reachability_verdict.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
        )

        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_url_button)
        buttons.addWidget(self.open_url_button)
        buttons.addWidget(self.reachability_button)
        buttons.addStretch(1)
        column = QVBoxLayout(box)
        column.addWidget(self.url_field)
        column.addLayout(buttons)
        column.addWidget(self.url_check)
        column.addWidget(self.reachability_verdict)
        return box

    def _build_qr_box(self) -> QGroupBox:
        box = QGroupBox("Scan to open")
        self.qr_label = _label("qrCode", "QR code of the assessment URL")
        from app.ui.orders.qr import qr_image

        ratio = self.devicePixelRatioF()
        try:
            image = qr_image(self.response.assessment_url, scale=round(4 * ratio))
        except ValueError as exc:  # an address no QR code holds: the rest still shows
            self.qr_label.setText(f"No QR code ({exc}): use the address above.")
        else:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(ratio)
            self.qr_label.setPixmap(pixmap)
        self.qr_label.setToolTip(plain_tooltip(self.response.assessment_url))
        column = QVBoxLayout(box)
        column.addWidget(self.qr_label)
        column.addStretch(1)
        return box

    def _build_buttons(self) -> QHBoxLayout:
        self.print_slip_button = _button(
            "printSlipButton", "&Print invitation slip…", "Print invitation slip"
        )
        self.print_slip_button.clicked.connect(self._print_slip)
        self.accept_button = _button(
            "acceptButton", "Accept order &with this URL…", "Accept order with this URL"
        )
        self.accept_button.clicked.connect(self._request_accept)
        if self.url_verdict.refusal:
            # Never offered for a link that opens another place than it shows.
            self.accept_button.setEnabled(False)
            self.accept_button.setToolTip(self.url_verdict.refusal)
        elif self.url_verdict.needs_acknowledgement:
            self.accept_button.setToolTip(
                "The Accept dialog asks you to confirm this URL despite the warnings."
            )
        self.close_button = _button("closeButton", "Close", "Close")
        self.close_button.clicked.connect(self.reject)
        # Enter must never accept an order by accident: Close is the default. Enter on a
        # focused button presses that button (the default took it: Enter on Accept closed).
        self.close_button.setDefault(True)
        EnterPressesFocusedButton(self)
        RememberedSize(self, type(self).__name__)
        GrowsToFit(self)  # a check's verdict, the slip's outcome, shown whole
        # Accept and Close in the platform's order, as in the Accept dialog this one opens
        # (placed by hand, they could sit the other way round from it). The box's own
        # signals are not used: the buttons' clicks are.
        box = QDialogButtonBox()
        box.addButton(self.accept_button, QDialogButtonBox.ButtonRole.AcceptRole)
        box.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        # After it is in the box: adding a button shows it.
        self.accept_button.setVisible(self._can_accept)  # shown again later: accepted already
        row = QHBoxLayout()
        row.addWidget(self.print_slip_button)
        row.addStretch(1)
        row.addWidget(box)
        return row

    # -- actions --------------------------------------------------------------------------

    def _copy_code(self) -> None:
        QGuiApplication.clipboard().setText(self.response.invitation_code)
        _flash(self.copy_code_button, "Copied ✓")

    def _copy_url(self) -> None:
        QGuiApplication.clipboard().setText(self.response.assessment_url)
        _flash(self.copy_url_button, "Copied ✓")

    def _open_in_browser(self) -> None:
        if not is_sendable_http_url(self.response.assessment_url):
            # Only a web address goes to the browser: a file: or script address is handed to
            # whatever the desktop opens it with.
            self.status_message.setText("⚠ Not a web address: it is not opened.")
            _tint(self.status_message, good=False)
            self.status_message.show()
            return
        if not self._open_url(QUrl(self.response.assessment_url)):
            self.status_message.setText("⚠ No browser could open the address.")
            _tint(self.status_message, good=False)
            self.status_message.show()

    def _request_accept(self) -> None:
        if self.url_verdict.refused:  # Enter or a click that reached it all the same
            return
        self.accept_requested.emit(self.response.assessment_url)

    @property
    def reachability_task(self) -> asyncio.Task[Reachability] | None:
        """The running (or last) reachability check, for callers that want to await it."""
        return self._reach_task

    def _start_reachability(self) -> None:
        if self._reach_task is not None and not self._reach_task.done():
            return
        # Disabled now, not when the task first runs: a second click must find it off.
        self.reachability_button.setEnabled(False)
        self._reach_task = asyncio.ensure_future(self.check_reachability())
        self._reach_task.add_done_callback(_retrieve_failure)

    async def check_reachability(self) -> Reachability:
        """Ask whether the URL answers; the button is disabled while the question is open."""
        from app.workflows.reachability import check_reachability

        self.reachability_button.setEnabled(False)
        self.reachability_verdict.setText("Checking…")
        _tint(self.reachability_verdict, good=None)
        # Cancelled, it paints nothing: only closing cancels it (``done``), and a check cancelled
        # while it connects stops some turns of the loop later, the preview deleted by then.
        try:
            result = await check_reachability(self.response.assessment_url)
        except Exception:
            # The workflow turns network trouble into verdicts; anything else is a bug, but the
            # label must not stay on "Checking…".
            log.exception("The reachability check failed")
            self.reachability_button.setEnabled(True)
            self.reachability_verdict.setText("⚠ The check failed unexpectedly; see the log.")
            _tint(self.reachability_verdict, good=False)
            raise
        self.reachability_button.setEnabled(True)
        self.reachability_verdict.setText(("✓ " if result.ok else "⚠ ") + result.verdict)
        _tint(self.reachability_verdict, good=result.ok)
        return result

    def _print_slip(self) -> None:
        writing = self.tasks.latest("slip")
        if writing is not None and not writing.done():
            return  # the one asked for is being written (a matter of milliseconds)
        path = (self._ask_save_path or self._ask_save_path_with_dialog)()
        if not path:
            return
        from app.ui.orders.invitation_slip import SlipNotDrawnError, invitation_slip_pdf

        try:
            pdf, missing = invitation_slip_pdf(
                candidate_name=self.candidate_name,
                invitation_code=self.response.invitation_code,
                assessment_url=self.response.assessment_url,
                job_name=self.job_name,
            )
        except SlipNotDrawnError as exc:
            log.warning("Could not draw the invitation slip: %s", exc)
            self._say_slip(
                f"⚠ The invitation slip could not be made: {exc}. Nothing was saved.", good=False
            )
            return
        # Not disabled while it is written: Qt would hand the keyboard to the next button
        # (Accept), where the coordinator's next Enter, meant for this one, accepted the order.
        self.tasks.start(self._save_slip(Path(path), pdf, missing), name="slip")

    async def _save_slip(self, path: Path, pdf: bytes, missing: str) -> None:
        """Write the drawn slip in a worker thread, as snapshots and CSV files are written:
        whole or not at all, and a failure said in words, never "saved"."""
        from app.store.snapshot_destination import write_failure
        from app.ui.orders.invitation_slip import save_invitation_slip

        try:
            await asyncio.to_thread(save_invitation_slip, path, pdf)
        except OSError as exc:
            log.warning("Could not write the invitation slip: %s", exc)
            failure = write_failure(path, exc, "invitation slip")
            self._say_slip(f"⚠ {failure.in_words()}", good=False)
        else:
            if missing:
                # Boxes instead of the candidate's name: say so, and how to fix it.
                self._say_slip(
                    f"⚠ Saved to {path}, but this computer has no font for “{missing}”: the "
                    "slip shows boxes there. Install a font that covers it (on Debian or "
                    "Ubuntu, fonts-noto-cjk) and print it again.",
                    good=False,
                )
            else:
                self._say_slip(f"✓ Invitation slip saved to {path}", good=True)

    def _say_slip(self, text: str, *, good: bool) -> None:
        self.status_message.setText(text)
        _tint(self.status_message, good=good)
        self.status_message.show()

    def _ask_save_path_with_dialog(self) -> str | None:
        suggested = Path.home() / f"Invitation {self.response.invitation_code}.pdf"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save invitation slip", str(suggested), "PDF documents (*.pdf)"
        )
        if not path:
            return None
        if path.lower().endswith(".pdf"):
            return path
        # The chooser asked about replacing the name typed ("slip"), not the one written:
        # another candidate's "slip.pdf" was replaced unasked.
        path += ".pdf"
        if Path(path).exists() and not ask_replace(self, "Replace invitation slip?", path):
            return None
        return path

    def done(self, result: int) -> None:
        # A check still running has nobody left to tell.
        if self._reach_task is not None and not self._reach_task.done():
            self._reach_task.cancel()
        super().done(result)


# -- small helpers ------------------------------------------------------------------------


def _heading_part(name: str) -> str:
    """A name as the heading shows it: cut to a line's worth, and free to wrap inside a long
    word (a label wraps only at spaces)."""
    return breakable(one_line(name, PART_SHOWN))


def _label(name: str, accessible: str) -> QLabel:
    label = plain_label(name=name, wrap=False)
    label.setAccessibleName(accessible)
    return label


def _button(name: str, text: str, accessible: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(accessible)
    button.setAutoDefault(False)
    return button


def _selectable() -> Qt.TextInteractionFlag:
    return (
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )


def _code_font(base: QFont) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(max(base.pointSizeF(), 9.0) * 2.0)
    font.setBold(True)
    # Letter spacing helps a coordinator read the code aloud, one character at a time.
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 115)
    return font


def _tint(label: QLabel, *, good: bool | None) -> None:
    """Green for fine, red for a problem, the palette's own colour otherwise, readable on a
    light or a dark palette and after the desktop switches; the ✓/⚠ prefix carries the
    meaning for those who cannot tell the colours apart."""
    tint(label, None if good is None else GREEN if good else RED)


def _flash(button: QPushButton, text: str) -> None:
    """Show ``text`` on ``button`` for a moment, then its own label again."""
    original = button.property("restingText") or button.text()
    button.setProperty("restingText", original)
    button.setText(text)
    QTimer.singleShot(COPIED_FEEDBACK_MS, button, lambda: button.setText(original))


def _retrieve_failure(task: asyncio.Task[Reachability]) -> None:
    # check_reachability has logged it and said so in the dialog; retrieving the exception
    # keeps asyncio from reporting it a second time as "never retrieved".
    if not task.cancelled():
        task.exception()
