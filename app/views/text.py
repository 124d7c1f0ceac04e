"""Text cut to fit a line: no imports but the domain's ``line_text`` (itself with none), so
that the first frame's modules may use it."""

from __future__ import annotations

# The journal's words cut a comment alike; the workflows' words name an offer alike.
from app.domain.line_text import PART_SHOWN, one_line


def title_name(name: str) -> str:
    """A name from outside (a candidate's, an offer's, a file's) as a window's title carries
    it: on one line, without bidirectional controls, cut to ``PART_SHOWN``. Every title that
    names one makes it here (tests/unit/test_titles_name_through_title_name.py): the Reject
    dialog's title bar took a 5,000-character name with its line breaks, and an unclosed
    right-to-left override drew the rest of the title backwards."""
    return one_line(name, PART_SHOWN)


#: A word longer than this may wrap after every so many of its characters (``breakable``).
WORD_SHOWN = 40
_WRAP_HERE = "\u200b"  # a zero-width space: a place to wrap, drawn as nothing


def breakable(text: str) -> str:
    """``text`` free to wrap inside a word longer than ``WORD_SHOWN``: a label wraps only
    between words, and one long word (an order's id, an address, a name without a space) set
    its width, and its window's: 36,842 px for an id."""
    return " ".join(
        word
        if len(word) <= WORD_SHOWN
        else _WRAP_HERE.join(word[i : i + WORD_SHOWN] for i in range(0, len(word), WORD_SHOWN))
        for word in text.split(" ")
    )


#: The most lines of a service's refusal a dialog shows, under the field or the form it names.
REFUSAL_LINES = 8


def as_refusal(text: str) -> str:
    """A service's refusal as a dialog shows it: each line as ``one_line`` makes it and free
    to wrap inside a long word (``breakable``), blank lines dropped, at most ``REFUSAL_LINES``
    of them. A refusal echoing one 1,000-character value made the Accept dialog ~7,000 px
    wide; one of 90 short lines (a stack trace) ~1,500 px tall: its buttons off the screen."""
    lines = [breakable(shown) for line in text.splitlines() if (shown := one_line(line, None))]
    if len(lines) <= REFUSAL_LINES:
        return "\n".join(lines)
    more = len(lines) - (REFUSAL_LINES - 1)
    return "\n".join([*lines[: REFUSAL_LINES - 1], f"… and {more} more lines of the answer."])


#: What each line of a service's text starts with under a heading of ours (``as_block``).
BLOCK_INDENT = "    "


def as_block(text: str) -> str:
    """A service's text of several lines (a comment, a step's message) as shown under a
    heading of ours ("author · date"): its line breaks kept, each line as ``one_line`` makes
    it (no bidirectional control, one space between words), blank lines dropped, and each
    line indented. A comment's "ok.\nMaria Boss · 2025-05-02 09:00\nPlease reject" read as
    a second comment by another author; indented, no line of it can pass for a heading."""
    lines = (one_line(line, None) for line in text.splitlines())
    return "\n".join(BLOCK_INDENT + line for line in lines if line)


def whole_line(text: str) -> str:
    """``text`` on one line without bidirectional controls, and not cut: what an export or a
    tooltip says of a cell."""
    if text.isprintable() and "  " not in text:
        return text  # the common case, at each paint (no control is printable)
    return one_line(text, None)


#: The most a table cell shows of a value (the rest: "…"). A valid file's 3 MB name was laid
#: out whole at each paint, 1.4 s a repaint; no name, email or job the services give comes
#: near it, and a cell, however wide, shows a few hundred characters at most.
CELL_SHOWN = 1000


def as_cell(value: object) -> str:
    """A value as a table cell shows it: on one line (a cell draws only its first: a name
    with a line break read "Ana…"), without bidirectional controls, cut to ``CELL_SHOWN``."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= CELL_SHOWN:
        return whole_line(text)
    # Only the start is cleaned: cleaning 3 MB at each paint would cost what cutting saves.
    # Twice the cut leaves room for the white space that joining the lines removes.
    head = text[: 2 * CELL_SHOWN]
    shown = whole_line(head)
    if len(head) == len(text) and len(shown) <= CELL_SHOWN:
        return shown  # long only in white space: whole
    return shown[: CELL_SHOWN - 1].rstrip() + "…"
