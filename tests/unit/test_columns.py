"""How a declared column sorts: text as its cell shows it."""

from __future__ import annotations

from app.views.columns import Column


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
