"""Mutation-audit pins for ``app.views.candidate_groups`` (each fails on one surviving mutant)."""

from __future__ import annotations

from app.domain.order_status import OrderStatus
from app.domain.snapshot import OrderSummary, SnapshotIndex
from app.views.candidate_groups import CandidateGroups, Column, keeps_its_group
from app.views.order_rows import OrderColumns

NEW, DONE = OrderStatus.NEW, OrderStatus.COMPLETED


def groups_of(*orders: tuple, gone: list[str] | None = None) -> CandidateGroups:
    """Orders as (id, candidate id, name, email, job, company, status, day)."""
    rows = [
        OrderSummary(
            oid, status, cid, name, email, job, company, "", f"2026-01-{day:02}T10:00:00+00:00"
        )
        for oid, cid, name, email, job, company, status, day in orders
    ]
    return CandidateGroups(OrderColumns.of_index(SnapshotIndex.of(rows, gone)))


def names_in(groups: CandidateGroups, column: Column, descending: bool = False) -> list[str]:
    order, _ = groups.blocks(column, descending)
    assert order is not None
    return [groups.names[g] for g in order]


def ids_in_block(
    groups: CandidateGroups, column: Column, name: str, descending: bool = False
) -> list[str]:
    order, blocks = groups.blocks(column, descending)
    assert order is not None
    (block,) = [b for g, b in zip(order, blocks, strict=True) if groups.names[g] == name]
    return [groups.index.id[r] for r in block[1:]]


def test_a_new_company_or_date_breaks_the_groups_a_new_status_does_not() -> None:
    # C1 (company left out of the grouping fields), C2 (created left out)
    g = groups_of(("o1", "c1", "Ana", "a@x.com", "Nurse", "Acme", NEW, 1))
    row = g.index.row(0)
    assert keeps_its_group(row, row._replace(status=DONE, berke="Complete"))
    assert not keeps_its_group(row, row._replace(company="Globex"))
    assert not keeps_its_group(row, row._replace(created="2026-02-01T10:00:00+00:00"))


def test_candidates_sort_by_how_many_orders_they_have() -> None:
    # C15 (group key of the orders column constant)
    g = groups_of(
        ("o1", "c1", "Ana", "", "Nurse", "Acme", NEW, 1),
        ("o2", "c2", "Bob", "", "Nurse", "Acme", NEW, 2),
        ("o3", "c2", "Bob", "", "Nurse", "Acme", NEW, 3),
        ("o4", "c2", "Bob", "", "Nurse", "Acme", NEW, 4),
    )
    assert names_in(g, Column.STATUS, descending=True) == ["Bob", "Ana"]


def test_emails_sort_case_aside_as_the_inbox_sorts_them() -> None:
    # C16 (casefold dropped): "Zed@…" came before "bob@…"
    g = groups_of(
        ("o1", "c1", "Ana", "Zed@x.com", "Nurse", "Acme", NEW, 1),
        ("o2", "c2", "Bob", "bob@x.com", "Nurse", "Acme", NEW, 2),
    )
    assert names_in(g, Column.EMAIL) == ["Bob", "Ana"]


def test_a_gone_order_sorts_after_every_status() -> None:
    # C17 (gone orders sorted by their last status)
    g = groups_of(
        ("o1", "c1", "Ana", "", "Nurse", "Acme", NEW, 1),
        ("o2", "c1", "Ana", "", "Nurse", "Acme", DONE, 2),
        gone=["2026-02-01T00:00:00+00:00", ""],
    )
    assert ids_in_block(g, Column.STATUS, "Ana") == ["o2", "o1"]


def test_companies_sort_accents_aside() -> None:
    # C25 (raw text): "Ébène" sorted after "Zeta"
    g = groups_of(
        ("o1", "c1", "Ana", "", "Nurse", "Zeta", NEW, 1),
        ("o2", "c2", "Bob", "", "Nurse", "Ébène", NEW, 2),
        ("o3", "c3", "Cem", "", "Nurse", "acme", NEW, 3),
    )
    assert names_in(g, Column.COMPANY) == ["Cem", "Bob", "Ana"]


def test_a_gone_order_is_counted_apart_from_the_statuses() -> None:
    # C14 (gone orders counted by status), C24 (gone count 0)
    g = groups_of(
        ("o1", "c1", "Ana", "", "Nurse", "Acme", NEW, 1),
        ("o2", "c1", "Ana", "", "Nurse", "Acme", NEW, 2),
        gone=["2026-02-01T00:00:00+00:00", ""],
    )
    assert g.status_counts(0)[NEW] == 1
    assert g.gone_count(0) == 1


def test_a_candidate_with_two_orders_has_them_sorted_too() -> None:
    # C19 (> 2 -> > 3), C20 (orders not reversed when descending)
    g = groups_of(
        ("o1", "c1", "Ana", "", "Analyst", "Acme", NEW, 1),
        ("o2", "c1", "Ana", "", "Zookeeper", "Acme", NEW, 2),
    )
    assert ids_in_block(g, Column.NAME, "Ana") == ["o1", "o2"]
    assert ids_in_block(g, Column.NAME, "Ana", descending=True) == ["o2", "o1"]


def test_the_candidate_is_shown_with_the_newest_orders_email_and_sorted_by_name() -> None:
    # C8 (the oldest order's name/email), C22 (the oldest order's email), C9 (name not sorted)
    g = groups_of(
        ("o1", "c1", "Zoë Old", "old@x.com", "Nurse", "Acme", NEW, 1),
        ("o2", "c1", "Zoë Müller", "new@x.com", "Nurse", "Acme", NEW, 5),
        ("o3", "c2", "Émile", "e@x.com", "Nurse", "Acme", NEW, 2),
    )
    assert g.names == ["Émile", "Zoë Müller"]
    assert g.emails == ["e@x.com", "new@x.com"]


def test_an_id_of_spaces_names_no_one() -> None:
    # C3 (strip dropped): "(candidate  )" instead of "(no name)"
    g = groups_of(("o1", " ", "", "", "Nurse", "Acme", NEW, 1))
    assert g.names == ["(no name)"]
