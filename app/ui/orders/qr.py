"""QR codes as ``QImage``: segno draws them in pure Python, Qt only decodes the PNG."""

from __future__ import annotations

import io

import segno
from PySide6.QtGui import QImage


def qr_image(text: str, *, scale: int = 6, border: int = 2) -> QImage:
    """The QR code of ``text``, black modules on white, ``scale`` pixels per module;
    ``ValueError`` when it cannot be one (too long).

    Error level M survives a smudged printout; segno may raise it for free when it fits.
    """
    buffer = io.BytesIO()
    try:
        code = segno.make(text, error="m")
    except segno.DataOverflowError:
        raise ValueError("too long for a QR code") from None
    code.save(buffer, kind="png", scale=scale, border=border, dark="#000000", light="#ffffff")
    image = QImage.fromData(buffer.getvalue())
    if image.isNull():
        raise ValueError("the QR code image could not be decoded")
    return image
