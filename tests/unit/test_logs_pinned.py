"""Pins for app.store.logs ``_ESCAPED`` / ``one_line`` / ``OneLineFormatter`` (mutation audit):
each control a log line must not carry is escaped, its neighbours are not, and a stack logged
with a record follows on escaped lines of its own."""

from __future__ import annotations

import logging

import pytest

from app.store.logs import CONTINUED, FORMAT, OneLineFormatter, one_line

# The edges of each escaped range, and the lone ones: a reader's terminal or editor acts on
# them (DEL, C1 controls, bidirectional marks, embeddings, overrides and isolates, separators).
ESCAPED_EDGES = {
    0x00: "\\x00", 0x1F: "\\x1f", 0x7F: "\\x7f", 0x80: "\\x80", 0x9F: "\\x9f",
    0x061C: "\\u061c", 0x200E: "\\u200e", 0x200F: "\\u200f", 0x2028: "\\u2028",
    0x2029: "\\u2029", 0x202A: "\\u202a", 0x202E: "\\u202e", 0x2066: "\\u2066",
    0x2069: "\\u2069",
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(ESCAPED_EDGES), ids=lambda c: f"U+{c:04X}")
def test_each_control_a_log_line_must_not_carry_is_escaped(code: int) -> None:
    """An RLO (U+202E) or a PDI left in a logged name reorders what a reader of the log
    sees; DEL and the C1 controls act on a terminal: each is written as its escape."""
    assert one_line(f"a{chr(code)}b") == f"a{ESCAPED_EDGES[code]}b"


@pytest.mark.parametrize("code", [0x20, 0xA0, 0x061B, 0x200D, 0x202F, 0x206A])
def test_the_characters_next_to_the_escaped_ones_are_kept(code: int) -> None:
    assert one_line(f"a{chr(code)}b") == f"a{chr(code)}b"


def test_a_stack_logged_with_a_record_follows_on_escaped_lines_of_its_own() -> None:
    """``stack_info=True``: the stack follows the record, each line starting with
    ``CONTINUED`` (never with a time, as a record does)."""
    record = logging.LogRecord("t", logging.WARNING, __file__, 1, "here", None, None)
    record.stack_info = 'Stack (most recent call last):\n  File "x\u202e.py", line 1'
    text = OneLineFormatter(FORMAT).format(record)
    first, *rest = text.split("\n")
    assert first.endswith("here")
    assert rest == [
        f"{CONTINUED}Stack (most recent call last):",
        f'{CONTINUED}  File "x\\u202e.py", line 1',
    ]
