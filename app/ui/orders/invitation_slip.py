"""A printable one-page invitation for candidates without email (proctored rooms, paper).

The code is the star: large, monospaced and letter-spaced so it can be typed without doubt;
the address and its QR code are there for candidates who can open a link.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)

from app.store.paths import atomic_file
from app.ui.orders.qr import qr_image
from app.views.text import one_line

TITLE = "Your assessment invitation"
INSTRUCTION = (
    "Open the address, or scan the code, or go to the assessment site and type the invitation code."
)
_DPI = 300
_MARGIN_MM = 20.0
_QR_MM = 55.0
# After the Latin faces, faces that cover Chinese, Japanese and Korean names (Qt falls back
# along the list character by character); the .deb depends on one of the first two.
_CJK = [
    "Noto Sans CJK JP",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "Yu Gothic",
    "Malgun Gothic",
    "PingFang SC",
    "Hiragino Sans",
]
_SANS = ["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", *_CJK, "sans-serif"]
_MONO = ["DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono", "Courier New", "monospace"]
_INK = QColor("#000000")
_MUTED = QColor("#444444")


def missing_glyphs(text: str, font: QFont | None = None) -> str:
    """The characters of ``text`` no installed font can draw (they would print as boxes)."""
    font = font or _font(_SANS, 18)
    missing: list[str] = []
    for char in dict.fromkeys(text):
        if not char.strip():
            continue
        layout = QTextLayout(char, font)
        layout.beginLayout()
        layout.createLine()
        layout.endLayout()
        if any(0 in run.glyphIndexes() for run in layout.glyphRuns()):
            missing.append(char)
    return "".join(missing)


#: The most of a name or a job title the slip prints (a few lines each, then "…"): the code,
#: the address and the QR code below them must stay on its one page.
SHOWN_ON_PAPER = 200


def on_paper(text: str) -> str:
    """A name or job title as the slip prints it: on one line, as the preview and the lists
    show it. SmartRecruiters' words drawn raw printed a job title's line breaks as a fake
    "INVITATION CODE" section, or pushed the real code off the page, and a right-to-left
    override reversed a name on paper only."""
    return one_line(text, SHOWN_ON_PAPER)


class SlipNotDrawnError(Exception):
    """Qt could not draw the slip's PDF (in memory: no file is involved); ``str()`` says which
    part failed, to follow "The invitation slip could not be made: "."""


def invitation_slip_pdf(
    *,
    candidate_name: str,
    invitation_code: str,
    assessment_url: str,
    job_name: str | None = None,
) -> tuple[bytes, str]:
    """A one-page A4 PDF invitation, and the characters of the name and job that no installed
    font could draw ("" when all could).

    Drawn in memory, for ``save_invitation_slip`` to write: painted straight onto a file, a
    full disk left a slip cut short (Qt says nothing of a failed write) over the file that was
    there, and a FIFO at the path froze the whole desk."""
    buffer = QBuffer()
    # A buffer left closed takes nothing, and the painter still says all went well.
    if not buffer.open(QIODevice.OpenModeFlag.WriteOnly):
        raise SlipNotDrawnError("its PDF could not be started in memory")
    writer = QPdfWriter(buffer)
    writer.setResolution(_DPI)
    writer.setTitle(TITLE)
    writer.setCreator("Assessment Desk")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(_MARGIN_MM, _MARGIN_MM, _MARGIN_MM, _MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    painter = QPainter()
    if not painter.begin(writer):
        raise SlipNotDrawnError("its PDF could not be started")
    try:
        _Slip(painter, writer.width()).draw(
            candidate_name=candidate_name,
            invitation_code=invitation_code.strip(),
            assessment_url=assessment_url.strip(),
            job_name=job_name,
        )
    finally:
        finished = painter.end()
    data = bytes(buffer.data().data())
    if not finished or not data.startswith(b"%PDF"):
        raise SlipNotDrawnError("its PDF could not be finished")
    return data, missing_glyphs(f"{on_paper(candidate_name)} {on_paper(job_name or '')}")


def save_invitation_slip(path: str | Path, pdf: bytes) -> None:
    """Write the slip to ``path`` whole or not at all (``atomic_file``): a failed write raises
    ``OSError`` and leaves a file already there as it was. Blocking: for a worker thread."""
    with atomic_file(Path(path), "wb", private=False) as handle:
        handle.write(pdf)


def _mm(value: float) -> float:
    return value / 25.4 * _DPI


def _font(families: list[str], point_size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(families)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


#: An address longer than this is printed in smaller type.
_LONG_ADDRESS = 300
#: The code's type is made smaller for a long code, never below this.
_CODE_PT_AT_LEAST = 12


class _Slip:
    """Draws top to bottom, keeping the running vertical position in ``y``."""

    def __init__(self, painter: QPainter, width: int) -> None:
        self.p = painter
        self.width = float(width)
        self.y = 0.0

    def draw(
        self,
        *,
        candidate_name: str,
        invitation_code: str,
        assessment_url: str,
        job_name: str | None,
    ) -> None:
        self.text(TITLE, _font(_SANS, 24, bold=True))
        self.y += _mm(2)
        self.rule()
        self.y += _mm(6)
        self.label("For")
        self.text(on_paper(candidate_name), _font(_SANS, 18, bold=True))
        if job_name:
            self.y += _mm(3)
            self.label("Assessment")
            self.text(on_paper(job_name), _font(_SANS, 14))
        self.y += _mm(10)
        self.label("Invitation code")
        self.code(invitation_code)
        self.y += _mm(10)
        self.label("Address")
        # A long address in smaller type: at 11 pt one of 1,400 characters pushed the QR code
        # and the instructions off the page.
        size = 11 if len(assessment_url) <= _LONG_ADDRESS else 7
        self.text(assessment_url, _font(_MONO, size), wrap_anywhere=True)
        self.y += _mm(8)
        self.qr(assessment_url)
        self.y += _mm(8)
        self.label("How to start")
        self.text(INSTRUCTION, _font(_SANS, 13))

    def text(
        self, text: str, font: QFont, *, color: QColor = _INK, wrap_anywhere: bool = False
    ) -> None:
        option = QTextOption()
        option.setWrapMode(
            QTextOption.WrapMode.WrapAnywhere if wrap_anywhere else QTextOption.WrapMode.WordWrap
        )
        self.p.setFont(font)
        self.p.setPen(color)
        # Measure with the painter's device metrics: points become 300-dpi pixels.
        bounds = self.p.boundingRect(QRectF(0, self.y, self.width, 1e6), text, option)
        self.p.drawText(QRectF(0, self.y, self.width, bounds.height()), text, option)
        self.y += bounds.height()

    def label(self, text: str) -> None:
        self.text(text.upper(), _font(_SANS, 9, bold=True), color=_MUTED)
        self.y += _mm(1)

    def rule(self) -> None:
        self.p.setPen(QPen(_INK, _mm(0.4)))
        self.p.drawLine(0, round(self.y), round(self.width), round(self.y))

    def code(self, code: str) -> None:
        pad = _mm(5)
        font, spaced, trailing = self._code_font(code, 40)
        if spaced - trailing + 2 * pad > self.width:
            # Every character of it on the page: it is what the candidate types (a code of
            # 20 was cut at the edge). Smaller type, down to what still reads well.
            wanted = 40 * (self.width - 2 * pad) / (spaced - trailing)
            font, spaced, trailing = self._code_font(code, max(_CODE_PT_AT_LEAST, wanted))
        metrics = QFontMetricsF(font, self.p.device())
        box = QRectF(0, self.y, min(self.width, spaced - trailing + 2 * pad), 0)
        box.setHeight(metrics.height() + 2 * pad)
        self.p.setPen(QPen(_INK, _mm(0.5)))
        self.p.setBrush(Qt.BrushStyle.NoBrush)
        self.p.drawRoundedRect(box, _mm(2), _mm(2))
        self.p.setFont(font)
        self.p.drawText(
            box.adjusted(pad, 0, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            code,
        )
        self.y += box.height()

    def _code_font(self, code: str, points: float) -> tuple[QFont, float, float]:
        """The code's font at ``points``, its width spaced out, and the spacing after its last
        character (left out, so that the box is balanced)."""
        font = _font(_MONO, points, bold=True)
        plain = QFontMetricsF(font, self.p.device()).horizontalAdvance(code)
        # Spacing between characters makes the code easy to read aloud and type one by one.
        font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 125)
        spaced = QFontMetricsF(font, self.p.device()).horizontalAdvance(code)
        return font, spaced, (spaced - plain) / max(1, len(code))

    def qr(self, url: str) -> None:
        quiet_zone = 4  # modules of white the QR standard asks for around the symbol
        try:
            image = qr_image(url, scale=1, border=quiet_zone)
        except ValueError:  # no QR code holds it: the address above is the way in
            return
        size = _mm(_QR_MM)
        # A whole number of device pixels per module keeps every module the same width.
        per_module = max(1, int(size // image.width()))
        side = per_module * image.width()
        image = image.scaled(
            QSizeF(side, side).toSize(),
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
        # The quiet zone may lie in the page margin, so the symbol lines up with the text.
        left = -quiet_zone * per_module
        self.p.drawImage(QRectF(left, self.y, side, side), image)
        self.y += side
