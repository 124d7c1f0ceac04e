"""Mutation-audit pins for ``attachment_name`` (app/domain/attachments.py) and
``shown_in_sentence`` (app/domain/file_names.py)."""

from __future__ import annotations

import pytest

from app.domain.attachments import attachment_name
from app.domain.file_names import shown_in_sentence


@pytest.mark.parametrize("mark", ["\u200b", "\u200d", "\u2060", "\ufeff"])
def test_a_mark_between_a_letter_and_its_accent_still_gives_the_composed_name(mark: str) -> None:
    """Composed after the marks go: composed first, the mark kept "e" and its accent apart,
    and the name stayed decomposed, another name than the same file's dropped from elsewhere."""
    assert attachment_name(f"Zoe{mark}\u0308.pdf") == "Zo\u00eb.pdf"


def test_a_name_with_nothing_before_its_extension_is_named_attachment() -> None:
    """A name of ".pdf" alone has no extension, and failed its send-time check."""
    assert attachment_name(".pdf") == "attachment.pdf"
    assert attachment_name("\u202e.pdf") == "attachment.pdf"


def test_quotes_and_backslashes_go_as_the_service_keeps_them_not() -> None:
    """Sent as they are, the service kept "%22" in the name, and the file was not found under
    its own name after a lost answer: sent a second time."""
    assert attachment_name('Report "final"\\v2.pdf') == "Report 'final'-v2.pdf"


def test_a_name_in_a_sentence_holds_no_lone_surrogate_and_no_direction_mark() -> None:
    """A folder's name from a legacy code page, with a direction mark: the sentence is kept
    (SQLite cannot store a lone surrogate) and read the right way round."""
    assert shown_in_sentence("Rapor_I\udcdd\u202ek.adsnap") == "Rapor_I\ufffdk.adsnap"
