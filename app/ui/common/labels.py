"""Labels that show text as written: a name, a reason, a service's words are never HTML."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(
    text: str = "", name: str = "", parent: QWidget | None = None, *, bold: bool = False
) -> QLabel:
    """A wrapped label that shows its text as written (never as HTML)."""
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def without_mnemonic(text: str) -> str:
    """A label's or an action's text as read aloud: "&Accept order…" is "Accept order…"
    ("&&" is a literal ampersand)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")
