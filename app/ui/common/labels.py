"""Labels that show text as written: a name, a reason, a service's words are never HTML."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(
    text: str = "",
    name: str = "",
    parent: QWidget | None = None,
    *,
    bold: bool = False,
    wrap: bool = True,
) -> QLabel:
    """A label that shows its text as written, never as HTML. Every label of the app is made
    here or by ``rich_label`` (tests/unit/test_labels_are_made_here.py): a QLabel guesses, and
    took a service's "<h1>" for a heading, or froze the window on nested tables."""
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def rich_label(
    markup: str = "", name: str = "", parent: QWidget | None = None, *, wrap: bool = True
) -> QLabel:
    """A label that shows our own markup (bold, a line break, a link): every word in it that
    came from outside must be escaped (``html.escape``) by the caller."""
    label = QLabel(markup, parent)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def without_mnemonic(text: str) -> str:
    """A label's or an action's text as read aloud: "&Accept order…" is "Accept order…"
    ("&&" is a literal ampersand)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")
