"""Pins for app.views.text ``as_refusal`` (mutation audit): the lines it keeps are counted as a
reader sees them, and a dialog shows at most eight of a service's refusal."""

from __future__ import annotations

from app.views.text import as_refusal


def test_a_long_refusal_shows_eight_lines_at_most() -> None:
    """A refusal of 90 short lines (a stack trace) made the dialog ~1,500 px tall: eight
    lines show, the eighth saying how many more there were."""
    lines = as_refusal("\n".join(f"at line {n}" for n in range(90))).split("\n")
    assert len(lines) == 8
    assert lines[-1] == "… and 83 more lines of the answer."


def test_each_line_break_a_service_may_send_ends_a_line_of_the_refusal() -> None:
    """Carriage returns alone and Unicode's line separator break lines as a newline does:
    each is a line of its own, and counted toward the eight."""
    assert as_refusal("first\rsecond\u2028third") == "first\nsecond\nthird"
    many = as_refusal("\r".join(f"at line {n}" for n in range(90))).split("\n")
    assert len(many) == 8
