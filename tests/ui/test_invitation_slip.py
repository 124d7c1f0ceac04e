"""The printed invitation slip: every name a candidate may have, drawn, never as boxes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.ui.orders.invitation_slip import missing_glyphs, render_invitation_slip


@pytest.mark.parametrize(
    "name",
    ["王小明", "김민준", "さくら 佐藤", "Zoë Ødegaard", "Nguyễn Thị Mai", "Øystein Å. Ñúñez"],
)
def test_a_slip_draws_every_name(qapp: QApplication, tmp_path: Path, name: str) -> None:
    path = tmp_path / "slip.pdf"
    missing = render_invitation_slip(
        path,
        candidate_name=name,
        invitation_code="K7Q2-ZX9P",
        assessment_url="https://berke.example/a/K7Q2",
        job_name="営業マネージャー",
    )
    assert missing == ""
    assert path.read_bytes().startswith(b"%PDF")


def test_a_character_no_font_has_is_reported(qapp: QApplication) -> None:
    assert missing_glyphs("Ana \ue000") == "\ue000"  # a private-use character


def test_a_slip_for_an_address_no_qr_code_holds_is_printed_without_one(
    qapp: QApplication, tmp_path: Path
) -> None:
    """The QR code of a 3,000-character address raised, and the slip with it."""
    url = "https://site.berkeassessment.com/start?x=" + "a" * 3000 + "&c=K7QX2M9P"
    target = tmp_path / "slip.pdf"
    render_invitation_slip(
        target, candidate_name="Zoë Müller", job_name="Nurse", invitation_code="K7QX2M9P",
        assessment_url=url,
    )  # fmt: skip
    assert target.read_bytes().startswith(b"%PDF")
