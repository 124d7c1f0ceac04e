"""Candidates grouped from the orders' columns: the same groups, order and search text that
grouping the orders one by one gives, under every sort."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.smartrecruiters import OrderStatus
from app.domain.snapshot import OrderSummary, SnapshotIndex
from app.views.candidate_groups import CandidateGroups, Column, fold, sort_text
from app.views.order_rows import OrderColumns

NAMES = ["Zoë Müller", "zoe muller", "Émile Dubois", "Emile Dubois", "ana", ""]
WORDS = ["Acme", "Globex", "Nurse", "Data Analyst", ""]

order_strategy = st.tuples(
    st.integers(0, 5),  # candidate id
    st.integers(0, len(NAMES) - 1),
    st.sampled_from(["", "a@example.com", "b@example.com"]),
    st.sampled_from(WORDS),
    st.sampled_from(WORDS),
    st.sampled_from(list(OrderStatus)),
    st.integers(0, 9),  # day; repeats make ties
)


def _index(orders: list[tuple]) -> SnapshotIndex:
    return SnapshotIndex.of(
        [
            OrderSummary(
                id=f"o{n}",
                status=status,
                candidate_id=f"c{cid}",
                candidate=NAMES[name],
                email=email,
                job=job,
                company=company,
                requestor="",
                created=f"2025-01-0{day}T00:00:00+00:00" if day else "",
            )
            for n, (cid, name, email, job, company, status, day) in enumerate(orders)
        ]
    )


def _expected_groups(index: SnapshotIndex) -> list[list[int]]:
    """Each candidate's rows newest first, candidates by name; the slow, obvious way."""
    by_candidate: dict[str, list[int]] = {}
    for row in range(len(index)):
        by_candidate.setdefault(index.candidate_id[row], []).append(row)
    groups = [
        sorted(rows, key=lambda r: index.created[r], reverse=True) for rows in by_candidate.values()
    ]

    def name(rows: list[int]) -> str:
        return index.candidate[rows[0]] or f"(candidate {index.candidate_id[rows[0]]})"

    return sorted(groups, key=lambda rows: (sort_text(name(rows)), index.candidate_id[rows[0]]))


@settings(max_examples=150, deadline=None)
@given(orders=st.lists(order_strategy, max_size=30))
def test_groups_match_grouping_one_order_at_a_time(orders: list[tuple]) -> None:
    index = _index(orders)
    groups = CandidateGroups(OrderColumns.of_index(index))
    expected = _expected_groups(index)
    assert [list(groups.orders(g)) for g in range(len(groups))] == expected
    for g, rows in enumerate(expected):
        newest = rows[0]
        assert groups.newest(g) == newest
        assert groups.order_count(g) == len(rows)
        assert groups.emails[g] == index.email[newest]
        assert groups.latest[g] == index.created[newest]
        companies = list(dict.fromkeys(index.company[r] for r in rows if index.company[r]))
        assert groups.companies[g] == (
            index.company[newest] if len(rows) == 1 else ", ".join(companies)
        )
        hay = groups.haystacks[g]
        for part in (
            index.email[newest],
            *(index.job[r] for r in rows),
            *(index.company[r] for r in rows),
        ):
            assert fold(part) in hay
        counts = groups.status_counts(g)
        assert sum(counts.values()) + groups.gone_count(g) == len(rows)


@settings(max_examples=150, deadline=None)
@given(
    orders=st.lists(order_strategy, max_size=30),
    column=st.sampled_from(list(Column)),
    descending=st.booleans(),
)
def test_blocks_sort_candidates_and_each_ones_orders(
    orders: list[tuple], column: Column, descending: bool
) -> None:
    index = _index(orders)
    groups = CandidateGroups(OrderColumns.of_index(index))
    order, blocks = groups.blocks(column, descending)
    assert order is not None
    group_keys, order_keys = groups.group_keys(column), groups.order_keys(column)
    assert order == sorted(range(len(groups)), key=lambda g: group_keys[g], reverse=descending)
    for g, block in zip(order, blocks, strict=True):
        assert block[0] == -(g + 1)
        # A stable sort of the candidate's orders (newest first) by the column.
        assert list(block[1:]) == sorted(
            groups.orders(g), key=lambda r: order_keys[r], reverse=descending
        )
    default_order, default_blocks = groups.blocks(None, False)
    assert default_order is None
    assert [b[1:] for b in default_blocks] == [groups.orders(g) for g in range(len(groups))]


def test_a_nameless_candidate_is_named_by_id() -> None:
    groups = CandidateGroups(
        OrderColumns.of_index(_index([(3, 5, "", "Nurse", "Acme", OrderStatus.NEW, 1)]))
    )
    assert groups.names == ["(candidate c3)"]
    assert groups.haystacks[0].startswith("(candidate c3)")
