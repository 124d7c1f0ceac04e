"""Pins for ``app.domain.text_fold.fold``: the Maltese "ħ" and the Sami "ŧ", letters with no
mark to drop, are found as typed on an ASCII keyboard ("h", "t"), as "ł" and "ø" are."""

from __future__ import annotations

from app.domain.text_fold import fold


def test_maltese_h_with_stroke_is_found_as_h() -> None:
    assert fold("Ħabib Ħili") == "habib hili"
    assert fold("ħ") == "h"


def test_sami_t_with_stroke_is_found_as_t() -> None:
    assert fold("Ŧŧ") == "tt"
    assert fold("Áŧe") == "ate"
