"""The printed invitation slip: every name a candidate may have, drawn, never as boxes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication

from app.ui.orders import invitation_slip
from app.ui.orders.invitation_slip import invitation_slip_pdf, missing_glyphs


@pytest.mark.parametrize(
    "name",
    ["王小明", "김민준", "さくら 佐藤", "Zoë Ødegaard", "Nguyễn Thị Mai", "Øystein Å. Ñúñez"],
)
def test_a_slip_draws_every_name(qapp: QApplication, name: str) -> None:
    pdf, missing = invitation_slip_pdf(
        candidate_name=name,
        invitation_code="K7Q2-ZX9P",
        assessment_url="https://berke.example/a/K7Q2",
        job_name="営業マネージャー",
    )
    assert missing == ""
    assert pdf.startswith(b"%PDF")


def test_a_character_no_font_has_is_reported(qapp: QApplication) -> None:
    assert missing_glyphs("Ana \ue000") == "\ue000"  # a private-use character


def test_a_slip_for_an_address_no_qr_code_holds_is_printed_without_one(
    qapp: QApplication,
) -> None:
    """The QR code of a 3,000-character address raised, and the slip with it."""
    url = "https://site.berkeassessment.com/start?x=" + "a" * 3000 + "&c=K7QX2M9P"
    pdf, _missing = invitation_slip_pdf(
        candidate_name="Zoë Müller", job_name="Nurse", invitation_code="K7QX2M9P",
        assessment_url=url,
    )  # fmt: skip
    assert pdf.startswith(b"%PDF")


class Recorder:
    """A QPainter stand-in that draws for real and remembers where each text went."""

    def __init__(self, painter: QPainter) -> None:
        self._p = painter
        self.texts: list[tuple[QRectF, str, float]] = []  # rect, text, width the text needs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._p, name)

    def drawText(self, rect: QRectF, *args: Any) -> None:
        text = args[-1] if isinstance(args[-1], str) else args[0]
        need = QFontMetricsF(self._p.font(), self._p.device()).horizontalAdvance(text)
        self.texts.append((QRectF(rect), text, need))
        self._p.drawText(rect, *args)


def draw(tmp_path: Path, **kw: Any) -> tuple[Recorder, Any, QPdfWriter]:
    writer = QPdfWriter(str(tmp_path / "slip.pdf"))
    writer.setResolution(300)
    writer.setPageLayout(QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
        QMarginsF(20, 20, 20, 20), QPageLayout.Unit.Millimeter,
    ))  # fmt: skip
    painter = QPainter(writer)
    rec = Recorder(painter)
    slip = invitation_slip._Slip(rec, writer.width())  # type: ignore[arg-type]
    slip.draw(**kw)
    painter.end()
    return rec, slip, writer


@pytest.mark.parametrize("code", ["K7QX2M9PAB3CD4EF5GH6", "K7QX2M9PAB" * 5])
def test_a_long_invitation_code_is_printed_whole(
    qapp: QApplication, tmp_path: Path, code: str
) -> None:
    # 40 pt spaced out: 15 characters fitted across A4, and a code of 20 (Berke's may have
    # up to 50) was cut at the page's edge: what the candidate must type.
    rec, _slip, writer = draw(
        tmp_path, candidate_name="Zoë Müller", invitation_code=code,
        assessment_url=f"https://site.berkeassessment.com/start/{code}", job_name=None,
    )  # fmt: skip
    ((rect, _text, need),) = [(r, t, n) for r, t, n in rec.texts if t == code]
    assert rect.left() + need <= writer.width(), (
        f"the code needs {need:.0f} px from x={rect.left():.0f}; the page is {writer.width()} px"
    )


def test_everything_on_the_slip_lies_on_its_one_page(qapp: QApplication, tmp_path: Path) -> None:
    # A long address at 11 pt pushed the QR code and the instructions off the page.
    code = "K7QX2M9P"
    url = "https://site.berkeassessment.com/start?session=" + "x" * 1400 + "&code=" + code
    _rec, slip, writer = draw(
        tmp_path, candidate_name="Anna-Maria Konstantinopolskaya", invitation_code=code,
        assessment_url=url, job_name="Customer Service Representative",
    )  # fmt: skip
    assert slip.y <= writer.height(), (
        f"the slip ends {slip.y:.0f} px down a {writer.height()} px page: the rest is cut"
    )


SLIP_CODE = "K7QX2M9P"
SLIP_URL = f"https://site.berkeassessment.com/start/{SLIP_CODE}"


def test_a_job_title_with_line_breaks_keeps_the_code_on_the_page(
    qapp: QApplication, tmp_path: Path
) -> None:
    """SmartRecruiters' job title was printed raw: 120 line breaks in it (a title of 128
    characters) pushed the code, the address and the QR code off the slip's one page."""
    rec, _slip, writer = draw(
        tmp_path, candidate_name="Ana Smith", invitation_code=SLIP_CODE,
        assessment_url=SLIP_URL, job_name="Analyst" + "\n" * 120 + ".",
    )  # fmt: skip
    ((rect, _text, _need),) = [(r, t, n) for r, t, n in rec.texts if t == SLIP_CODE]
    assert rect.bottom() <= writer.height(), f"the code at y={rect.top():.0f}"


def test_the_slip_prints_names_as_the_preview_shows_them(
    qapp: QApplication, tmp_path: Path
) -> None:
    """A job title's line breaks printed a fake "INVITATION CODE" section above the real one,
    and a right-to-left override reversed the name on paper only ("Ana Jane" for the
    preview's "Ana enaJ")."""
    from app.views.text import one_line

    job = "Data Analyst\n\nINVITATION CODE\nFAKE-0000"
    name = "Ana \u202eenaJ"
    rec, _slip, _writer = draw(
        tmp_path, candidate_name=name, invitation_code=SLIP_CODE, assessment_url=SLIP_URL,
        job_name=job,
    )  # fmt: skip
    drawn = [text for _rect, text, _need in rec.texts]
    assert one_line(job, None) in drawn, drawn
    assert one_line(name, None) in drawn, drawn
    assert not any("\u202e" in text or "\n" in text for text in drawn), drawn
