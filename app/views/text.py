"""Text cut to fit a line: no imports, so that the first frame's modules may use it."""

from __future__ import annotations

#: The most of a name, a job or a company a dialog's line shows (the whole in its tooltip): a
#: 5,000-character name made the Accept dialog 46,429 px wide, or 1,256 px tall.
PART_SHOWN = 80


def one_line(text: str, limit: int | None) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" (None: whole)."""
    text = " ".join(text.split())  # one line: a pasted reason keeps its words, not its breaks
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
