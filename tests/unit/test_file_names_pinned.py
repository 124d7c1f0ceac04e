"""Pins for ``app.domain.file_names.storable_text``: every lone surrogate, at either end of
the range (a broken pair's first half U+D800, a last U+DFFF), becomes U+FFFD; any other
character, even one that does not print (a Persian name's zero-width non-joiner, a tab), is
kept: replaced, the name would name another file."""

from __future__ import annotations

from app.domain.file_names import shown_file_name, storable_text


def test_lone_surrogates_at_both_ends_of_the_range_are_replaced() -> None:
    assert storable_text("a\ud800b\udfffc.pdf") == "a\ufffdb\ufffdc.pdf"
    assert shown_file_name("\ud800\udbff\udc00\udfff") == "\ufffd" * 4


def test_characters_that_do_not_print_are_kept_as_they_name_the_file() -> None:
    name = "می\u200cخواهم\tرزومه.pdf"
    assert storable_text(name) == name
