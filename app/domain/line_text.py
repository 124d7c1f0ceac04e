"""Typed text on one line, cut: the activity list's and the domain's words quote a comment or a
reason alike. No imports, so that the first frame's modules may use it (``app.views.text``)."""

from __future__ import annotations

#: A reason or a comment longer than this is cut in a line (the tooltip has it whole).
SHORT = 120
#: The most of a name, a job or a company a dialog's line shows (the whole in its tooltip): a
#: 5,000-character name made the Accept dialog 46,429 px wide, or 1,256 px tall.
PART_SHOWN = 80


# The bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069), and the
# marks (U+200E, U+200F, U+061C). An unclosed right-to-left override at the end of a name drew
# everything after it in the same line backwards ("Ana Smith emcA · tsylanA ataD · weN"); a
# mark, an invisible letter of its own, moves the punctuation and the numbers beside it. A
# name in Arabic or Hebrew needs none of them to be drawn right to left.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]
)


def one_line(text: str, limit: int | None) -> str:
    """``text`` on one line, cut to ``limit`` characters with "…" (None: whole), without the
    bidirectional controls that would reorder the words drawn after it."""
    text = " ".join(text.translate(_BIDI_CONTROLS).split())  # a pasted reason keeps its words
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def cut(text: str, limit: int) -> str:
    """``text`` whole up to ``limit`` characters, else its first ``limit - 1`` and "…": its
    line breaks kept (a comment's lines stay lines), nothing else changed."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
