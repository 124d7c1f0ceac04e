"""Mutation-audit pins for ``with_texts_cut`` (app/domain/snapshot.py): every long text of an
order read from a snapshot is cut, whichever kind it is and wherever it stands."""

from __future__ import annotations

from app.domain.smartrecruiters import AssessmentComment
from app.domain.snapshot import TEXT_READ, with_texts_cut
from tests.snapshot_samples import record

LONG = "Note: " + "x" * (3 * TEXT_READ)
CUT = LONG[: TEXT_READ - 1] + "…"


def test_a_long_comment_after_a_short_one_is_cut_and_the_short_one_kept() -> None:
    item = record(1)
    item.comments.append(AssessmentComment(message=LONG, create_date=item.comments[0].create_date))
    read = with_texts_cut(item)
    assert [c.message for c in read.comments] == [item.comments[0].message, CUT]
    assert read.comments[0] is item.comments[0]


def test_a_long_step_message_alone_is_cut() -> None:
    """Only the timeline is long: the record is still copied with it cut."""
    item = record(1)
    item.timeline = [item.timeline[0].model_copy(update={"message": LONG})]
    read = with_texts_cut(item)
    assert read.timeline[0].message == CUT
    assert read.comments == item.comments


def test_a_long_note_alone_is_cut_keeping_its_start() -> None:
    """A note keeps its start, which says what it is ("Comments could not be fetched: …")."""
    item = record(1)
    item.notes = ["Comments could not be fetched.", LONG]
    read = with_texts_cut(item)
    assert read.notes == ["Comments could not be fetched.", CUT]
    assert read.notes[1].startswith("Note: x")


def test_a_record_with_nothing_long_is_the_record_itself() -> None:
    item = record(1)
    item.notes = ["x" * TEXT_READ]  # at the limit: whole
    assert with_texts_cut(item) is item
