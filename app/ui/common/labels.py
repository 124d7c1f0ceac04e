"""Labels that show text as written: a name, a reason, a service's words are never HTML."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent, QTextDocumentFragment
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from app.ui.common.tooltips import plain_tooltip

#: What a value label shows before it has a value.
NOTHING = "—"


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


class ValueLabel(QLabel):
    """A value of the order, as the services sent it (plain text, never read as HTML).

    Wrapped at spaces, and never wider than the pane gives it: one long word (an email
    without a space, an id, a URL) widened the whole pane past its edge and took the action
    buttons with it. Such a word is cut at the edge instead; the full value is its tooltip,
    and selecting it (Select All in its menu) copies it whole."""

    def __init__(self) -> None:
        super().__init__(NOTHING)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())  # never its longest word's width

    def setText(self, text: str) -> None:
        super().setText(text)
        self._tip_when_cut()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._tip_when_cut()

    def _tip_when_cut(self) -> None:
        text = self.text()
        if self.textFormat() == Qt.TextFormat.RichText:
            # Our markup around a value (the assessment's link): the tip is the address, not
            # '<a href="…">' and the address twice.
            text = QTextDocumentFragment.fromHtml(text).toPlainText()
        longest = max((self.fontMetrics().horizontalAdvance(w) for w in text.split()),
                      default=0)  # fmt: skip
        self.setToolTip(plain_tooltip(text) if longest > self.contentsRect().width() else "")
