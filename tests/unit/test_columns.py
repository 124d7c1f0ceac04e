"""How a declared column sorts and shows: text as its cell shows it, times with their zone."""

from __future__ import annotations

from datetime import UTC, datetime

from app.views.columns import Column
from app.views.inbox_columns import INBOX, age_text, describe_age, parse_utc
from app.views.text import CELL_SHOWN, as_cell


def test_text_sorts_as_its_cell_shows_it() -> None:
    # Shown "Ana Maria Silva": by its raw text (a line break sorts before a space) it came
    # before "Ana Lima" (found when the tests shared a sandbox holding both names).
    names = ["Ana\n\n\n\nMaria Silva", "Ana Lima", "ana lima", "Anaïs Girard"]
    column = Column("candidate", "Candidate", "candidate")

    keys = column.sort_keys(names)

    assert keys == ["ana maria silva", "ana lima", "ana lima", "anaïs girard"]
    assert sorted(names, key=dict(zip(names, keys, strict=True)).__getitem__) == [
        "Ana Lima",
        "ana lima",
        "Ana\n\n\n\nMaria Silva",
        "Anaïs Girard",
    ]


def test_a_time_without_an_offset_is_read_as_utc() -> None:
    """Handed on naive, "now - created" raised TypeError at every paint of the Age column (a
    crash), and in the CSV export: a snapshot's index held "2025-03-01"."""
    assert parse_utc("2025-03-01T10:00:00") == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert parse_utc("2025-03-01") == datetime(2025, 3, 1, tzinfo=UTC)
    assert age_text("2025-03-01T10:00:00").endswith(" d")
    now = datetime(2025, 3, 2, 10, 30, tzinfo=UTC)
    assert describe_age(parse_utc("2025-03-02T10:00:00"), now) == "30 min"


def test_the_email_cell_is_cleaned_as_the_other_text_cells() -> None:
    """Before: shown as written, an override (U+202E) drew the address backwards, on screen
    and in the CSV export."""
    email = INBOX[INBOX.index("email")]
    assert email.display("moc.evil@\u202eanna@example.com") == "moc.evil@anna@example.com"
    assert email.display("ana@example.com\n") == "ana@example.com"
    assert email.display("") == "—"


def test_a_huge_value_is_cut_in_its_cell() -> None:
    """A valid file's 3 MB name was laid out whole at each paint: 1.4 s a repaint."""
    huge = "Ana " + "x" * 3_000_000
    shown = as_cell(huge)
    assert len(shown) == CELL_SHOWN
    assert shown.startswith("Ana xxx")
    assert shown.endswith("…")
    assert as_cell("\u202e" + "b" * 5000).startswith("bbb")  # cleaned as well as cut
    assert len(as_cell("\u202e" + "b" * 5000)) == CELL_SHOWN
    assert as_cell("a" * CELL_SHOWN) == "a" * CELL_SHOWN  # at the limit: whole
    assert as_cell("Ana" + " " * 1500 + "Lima") == "Ana Lima"  # long only in white space
    assert as_cell("Ana" + "\n" * 5000 + "Lima") == "Ana…"  # the rest is not looked at


def test_a_line_is_cleaned_of_the_bidirectional_marks_as_of_the_overrides() -> None:
    """The marks (U+200E, U+200F, U+061C) are invisible letters of their own, which move the
    punctuation and numbers beside them: a name shown on one line keeps none, as it keeps no
    override (U+202E)."""
    from app.views.text import one_line

    assert one_line("Rita\u200f Recruiter\u200e\u061c\u202e", None) == "Rita Recruiter"
    assert as_cell("Rita\u200f") == "Rita"


def test_a_services_text_shown_as_a_block_keeps_its_lines_indented_and_uncontrolled() -> None:
    """A comment's "ok.\\nMaria Boss · 2025-05-02 09:00\\nPlease reject" read as a second
    comment by another author, and an override drew it backwards: each line is indented
    under our heading, and cleaned as a line is."""
    from app.views.text import BLOCK_INDENT, as_block

    shown = as_block("ok.\n\n\u202eMaria   Boss · 2025-05-02 09:00\r\nPlease reject\u2028x")
    assert shown.splitlines() == [
        f"{BLOCK_INDENT}ok.",
        f"{BLOCK_INDENT}Maria Boss · 2025-05-02 09:00",
        f"{BLOCK_INDENT}Please reject",
        f"{BLOCK_INDENT}x",
    ]
    assert as_block(" \n ") == ""


def test_a_refusal_is_shown_in_few_lines_that_wrap() -> None:
    """A service's refusal in a dialog: blank lines dropped, each line cleaned as a cell's,
    a long word free to wrap, and past ``REFUSAL_LINES`` lines how many more there were."""
    from app.views.text import REFUSAL_LINES, WORD_SHOWN, as_refusal

    assert as_refusal("Invalid value\n\n  for\u202e email  ") == "Invalid value\nfor email"
    word = "x" * (3 * WORD_SHOWN)
    assert as_refusal(word).split("\u200b") == ["x" * WORD_SHOWN] * 3
    lines = as_refusal("\n".join(f"at line {n}" for n in range(90))).split("\n")
    assert len(lines) == REFUSAL_LINES
    assert lines[: REFUSAL_LINES - 1] == [f"at line {n}" for n in range(REFUSAL_LINES - 1)]
    assert lines[-1] == f"… and {90 - REFUSAL_LINES + 1} more lines of the answer."
    exactly = "\n".join(str(n) for n in range(REFUSAL_LINES))
    assert as_refusal(exactly) == exactly  # as many as fit: all of them, none said "more"
