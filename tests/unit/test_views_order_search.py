"""Mutation-audit pins for ``app.views.order_search`` (each fails on one surviving mutant)."""

from __future__ import annotations

from app.domain.smartrecruiters import OrderStatus
from app.views.columns import Columns
from app.views.inbox_columns import INBOX
from app.views.order_rows import OrderColumns, OrderRow
from app.views.order_search import PreparedSearch, haystack

ROW = OrderRow(
    id="o-7", status=OrderStatus.NEW, candidate_id="c1", candidate="Zoë Müller",
    email="zoe@example.com", job="Nurse", company="Acme", requestor="Ana Lima",
    created="2026-03-14T20:30:00+00:00", assessment="K7Q2M", activity="",
    berke="Complete · 2026-03-14T20:30:00.000+00:00", attention="", berke_id="AD-1",
)  # fmt: skip


def test_an_order_smartrecruiters_no_longer_has_is_found_by_gone_not_by_its_last_status() -> None:
    # S1 (searched by its last status): "new" found it, though the New filter leaves it out
    gone = ROW._replace(gone=True)
    for text in (
        haystack(INBOX, gone),
        PreparedSearch.of(INBOX, OrderColumns.of_rows([gone])).texts[0],
    ):
        assert text.split("\n")[0] == "gone"
    assert haystack(INBOX, ROW).split("\n")[0] == "new"


def test_a_snapshots_rows_are_searched_as_a_changed_row_is_dates_and_berke_too() -> None:
    # S4 (the columns' search functions skipped in bulk): the snapshot's rows were searched
    # by their UTC text, a changed row by its local date
    assert PreparedSearch.of(INBOX, OrderColumns.of_rows([ROW])).texts[0] == haystack(INBOX, ROW)


def test_a_search_fits_only_its_own_rows_and_columns() -> None:
    # S5 (columns not compared), S8 (rows not compared)
    rows = OrderColumns.of_rows([ROW])
    prepared = PreparedSearch.of(INBOX, rows)
    assert prepared.fits(INBOX, rows)
    assert not prepared.fits(Columns(INBOX.all[:3]), rows)
    assert not prepared.fits(INBOX, rows.copy())
