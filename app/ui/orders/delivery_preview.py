"""Before a result goes: exactly what the recruiter will see in SmartRecruiters — the result
card (title, score, passed, the description rendered with the tags SmartRecruiters allows, the
attachment's name and size) and the report's first page as a picture, small (its header:
whose report, for which job); "Open the report" shows the whole PDF in the desktop's viewer. A
click on Send (or Ctrl+Enter) sends it; Enter alone does not, as delivering completes the order
for good.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPalette, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachments import describe_size
from app.domain.smartrecruiters import AssessmentOrder
from app.ui.common.colours import GREEN, GREY_ON_DARK, RED, Shade
from app.ui.common.enter_key import only_click_or_ctrl_enter_sends
from app.ui.common.labels import plain_label, rich_label
from app.ui.common.remembered_size import RememberedSize
from app.views.text import PART_SHOWN, one_line, title_name
from app.workflows.delivery import DeliveryPlan

log = logging.getLogger(__name__)

PAGE_WIDTH = 300  # pixels of the first page's picture
NO_VERDICT = Shade("#5f6368", GREY_ON_DARK)  # a fit for another job


@dataclass(frozen=True)
class PageImage:
    """A rendered page: raw BGR pixels (made in a worker thread; QImage is made on the GUI
    thread from them)."""

    data: bytes
    width: int
    height: int
    stride: int


def render_first_page(path: Path, width: int = PAGE_WIDTH) -> PageImage | None:
    """The report's first page, ``width`` pixels wide; None when it cannot be rendered.

    PDFium (pypdfium2) is used because Qt's own PDF module is not in the Qt the app ships.
    Off the GUI thread: a large page takes tens of milliseconds.
    """
    import pypdfium2 as pdfium  # loaded only when a preview is shown

    try:
        pdf = pdfium.PdfDocument(str(path))
        try:
            if len(pdf) == 0:
                return None
            page = pdf[0]
            scale = width / max(page.get_width(), 1.0)
            bitmap = page.render(scale=min(scale, 4.0))
            return PageImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride)
        finally:
            pdf.close()
    except pdfium.PdfiumError as exc:
        log.info("Cannot render %s: %s", path.name, exc)
        return None


def card_html(plan: DeliveryPlan, palette: QPalette) -> str:
    """The result card as SmartRecruiters lays it out, in HTML for a text browser showing it
    with ``palette``. The description is shown as is: it holds only the tags SmartRecruiters
    allows (the result model refuses any other)."""
    result = plan.result
    if result.passed is None:  # a fit for another job: no verdict on this one
        passed, shade = "Neither passed nor failed", NO_VERDICT
    else:
        passed = "Passed" if result.passed else "Not passed"
        shade = GREEN if result.passed else RED
    colour = shade.on(palette).name()
    return (
        f"<h3>{html.escape(result.title or '')}</h3>"
        f"<p><b>Score:</b> {html.escape(result.score or '')} &nbsp; "
        f'<span style="color:{colour}; font-weight:600">{passed}</span></p>'
        f"{result.description or ''}"
        f"<p><b>Attachment:</b> {html.escape(plan.report_name)} "
        f"({describe_size(plan.report_size)})</p>"
    )


class DeliveryPreviewDialog(QDialog):
    """The card and the page; ``send_requested`` when the coordinator clicks Send (or presses
    Ctrl+Enter). ``open_url`` opens the report's file with the desktop's viewer."""

    send_requested = Signal()

    def __init__(
        self,
        order: AssessmentOrder,
        plan: DeliveryPlan,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self._open_url = open_url
        self.setObjectName("deliveryPreview")
        RememberedSize(self, "DeliveryPreviewDialog")
        self.plan = plan
        # Each cut to a line, as the other dialogs' (``order_line``): a 21,000-character job
        # made the dialog 133,569 px wide; a name's right-to-left override drew the job
        # backwards.
        who = one_line(order.candidate.display_name, PART_SHOWN)
        job = one_line(order.job.name if order.job and order.job.name else "their job", PART_SHOWN)
        company = one_line(order.company.name if order.company else "", PART_SHOWN)
        self.setWindowTitle(f"Deliver the result — {title_name(who)}")
        intro = rich_label(
            f"<b>{html.escape(who)}</b> · {html.escape(job)} · {html.escape(company)}<br>"
            + (
                "This result was made in SmartRecruiters by an earlier delivery, which did "
                "not complete the order: the order is completed with it, as shown, and the "
                "report attached."
                if plan.made_earlier
                else "The recruiter will see this result in SmartRecruiters, with the report "
                "attached."
            ),
            "deliveryIntro",
        )
        # As final as Complete, and it may open unasked (after an Accept that reuses a
        # complete assessment): said before it goes, as the Complete dialog says it.
        explanation = rich_label(
            "<b>Delivering completes the order: it cannot be undone.</b><br>SmartRecruiters "
            "allows the order no further change of status.",
            "deliveryExplanation",
        )
        self.card = QTextBrowser()
        self.card.setObjectName("resultCard")
        self.card.setOpenExternalLinks(False)
        self.card.setHtml(card_html(plan, self.palette()))
        self.card.setMinimumWidth(360)
        self.page = plain_label("Rendering the report's first page…", "reportPage", wrap=False)
        # The page's top: its header says whose report, for which job (a long page showed
        # its blank middle).
        self.page.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page.setFrameShape(QFrame.Shape.StyledPanel)
        self.page.setMinimumSize(PAGE_WIDTH + 8, 200)
        self.page.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        body = QHBoxLayout()
        body.addWidget(self.card, 1)
        body.addLayout(self._page_side(plan))
        self.buttons = QDialogButtonBox()
        self.send_button = QPushButton("&Send to SmartRecruiters")
        self.send_button.setObjectName("sendResult")
        self.send_button.setToolTip("Complete the order with this result (Ctrl+Enter)")
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # Delivering cannot be undone: with Send the default, an Enter on the result card
        # (which has the keyboard as the preview opens, seconds after it was asked for)
        # completed the order. As in AcceptDialog, only the button or Ctrl+Enter sends; Enter
        # on a focused button presses that button.
        only_click_or_ctrl_enter_sends(self, self.buttons, self.send_button)
        self.buttons.accepted.connect(self._send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(explanation)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.resize(860, 560)
        self._render_task: asyncio.Task[None] | None = None

    def _page_side(self, plan: DeliveryPlan) -> QVBoxLayout:
        """The page, and under it the report's whole: the picture is too small to read the
        report by (an A4 page 300 px wide), the viewer the coordinator reads PDFs with a click
        away."""
        self.open_report_button = QPushButton("&Open the report")
        self.open_report_button.setObjectName("openReport")
        self.open_report_button.setToolTip(f"Open {plan.report_name} in the PDF viewer")
        self.open_report_button.setAutoDefault(False)  # Enter on the card is not a click on it
        self.open_report_button.clicked.connect(self.open_report)
        self.open_failed = plain_label("No viewer could open the report.", "openReportFailed")
        self.open_failed.hide()
        side = QVBoxLayout()
        side.addWidget(self.page, 1)
        side.addWidget(self.open_report_button)
        side.addWidget(self.open_failed)
        return side

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # The verdict's colour was chosen for the palette the card was first shown with.
        if event.type() == QEvent.Type.PaletteChange:
            self.card.setHtml(card_html(self.plan, self.palette()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The button box made Send the default as it was shown: it would look as if Enter sent.
        self.send_button.setDefault(False)
        if self._render_task is None:
            self._render_task = asyncio.ensure_future(self._render())

    async def _render(self) -> None:
        image = await asyncio.to_thread(render_first_page, self.plan.report)
        if image is None:
            self.page.setText("The report's first page cannot be shown; it is attached as is.")
            return
        picture = QImage(
            image.data, image.width, image.height, image.stride, QImage.Format.Format_BGR888
        ).copy()  # copied: the bytes go when this coroutine ends
        self.page.setPixmap(QPixmap.fromImage(picture))
        self.page.setAccessibleName("The report's first page")

    def open_report(self) -> None:
        self.open_failed.setVisible(not self._open_url(QUrl.fromLocalFile(str(self.plan.report))))

    def page_shown(self) -> bool:
        pixmap = self.page.pixmap()
        return pixmap is not None and not pixmap.isNull()

    def _send(self) -> None:
        self.send_requested.emit()
        self.accept()

    def done(self, result: int) -> None:
        if self._render_task is not None and not self._render_task.done():
            self._render_task.cancel()
        super().done(result)
