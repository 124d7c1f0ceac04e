"""What the inbox's and a snapshot's search look in: every searchable column folded as what is
typed is (case and accents aside), alike for a snapshot's rows and a row changed later."""

from __future__ import annotations

from app.domain.smartrecruiters import OrderStatus
from app.domain.text_fold import fold
from app.views.inbox_columns import INBOX
from app.views.order_rows import OrderColumns, OrderRow
from app.views.order_search import PreparedSearch, haystack

ROW = OrderRow(
    id="ordre-été-7", status=OrderStatus.NEW, candidate_id="c1", candidate="Zoë Müller",
    email="björn.ek@exämple.se", job="Infirmière", company="Société", requestor="Ãna Lima",
    created="", assessment="CÓD-1", activity="", berke="", attention="", berke_id="AD-Ñ9",
)  # fmt: skip


def test_every_column_is_searched_with_or_without_its_accents() -> None:
    """Before: only the names were folded; the email, order id and Berke's code and id only
    lower-cased, so "bjorn", or the email typed exactly (its accents dropped with the typing
    folded), found nothing."""
    prepared = PreparedSearch.of(INBOX, OrderColumns.of_rows([ROW]))  # a snapshot's search
    for typed in ("björn.ek@exämple.se", "bjorn", "ORDRE-ÉTÉ-7", "ordre-ete-7", "cód-1",
                  "ad-ñ9", "ad-n9", "zoe muller", "infirmiere", "societe", "ana lima"):  # fmt: skip
        assert prepared.search.find(fold(typed).split()) == prepared.search.everything, typed


def test_a_changed_row_reads_as_it_would_in_a_new_search() -> None:
    assert haystack(INBOX, ROW) == PreparedSearch.of(INBOX, OrderColumns.of_rows([ROW])).texts[0]


def test_a_name_is_found_as_it_reads_whatever_is_hidden_in_it() -> None:
    """ "Ste\u00adfan Weber" is drawn "Stefan Weber"; the soft hyphen (or a zero-width space,
    joiner, word joiner, combining grapheme joiner) kept "stefan weber" from finding it."""
    for mark in ("\u00ad", "\u200b", "\u200d", "\u2060", "\u034f"):
        row = ROW._replace(candidate=f"Ste{mark}fan Weber")
        prepared = PreparedSearch.of(INBOX, OrderColumns.of_rows([row]))
        assert prepared.search.find(fold("stefan weber").split()) == 1, f"U+{ord(mark):04X}"
        assert haystack(INBOX, row) == prepared.texts[0]
