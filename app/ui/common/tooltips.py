"""Tooltips that show the services' and files' words as written.

Qt reads a tooltip as HTML when its first line holds something like a tag: a candidate's email,
a company, a comment or a file's note holding "<table>" nested 16 deep took 5 s to show, and
"<b>LIVE — verified</b>" was shown bold. ``plain_tooltip`` leaves ordinary text as it is and
escapes the rest.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtGui import Qt as GuiQt  # the namespace that holds mightBeRichText


def plain_tooltip(text: Any) -> Any:
    """``text`` (a str, or None) fit for a tooltip: shown as written."""
    if not isinstance(text, str) or not GuiQt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"
