"""Candidates grouped from the orders' columns: the same groups, order and search text that
grouping the orders one by one gives, under every sort; one candidate by the batch's rule."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.same_candidate import identity_keys
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.domain.snapshot import OrderSummary, SnapshotIndex
from app.views.candidate_groups import CandidateGroups, Column, fold, sort_text
from app.views.order_rows import OrderColumns, order_row
from app.workflows.batch import OrdersByCandidate
from tests.unit.test_views_candidate_groups import groups_of

# Hùng and Hưng are two people, each one with "Hung" typed without accents: a tab grouping by
# the first row filed under "hung" alone kept Hưng apart, or not, by the rows' order.
NAMES = [
    "Zoë Müller",
    "zoe muller",
    "Émile Dubois",
    "Emile Dubois",
    "ana",
    "",
    "Hùng",
    "Hưng",
    "Hung",
]
WORDS = ["Acme", "Globex", "Nurse", "Data Analyst", ""]
#: Candidate ids; -1 and -2 are blank ones (sent without an id, or spaces the model trims).
BLANK_IDS = {-1: "", -2: " "}

order_strategy = st.tuples(
    st.integers(-2, 5),  # candidate id
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
                candidate_id=BLANK_IDS.get(cid, f"c{cid}"),
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
    """Each candidate's rows newest first, candidates by name; the slow, obvious way. One
    candidate: orders one by the batch's rule (``identity_keys``), directly or through their
    other orders."""
    keys = [
        identity_keys(index.candidate_id[r], index.candidate[r], index.email[r])
        for r in range(len(index))
    ]
    merged: list[set[int]] = []
    for row in range(len(index)):
        rows = {row}
        for group in [g for g in merged if any(keys[row].matches(keys[r]) for r in g)]:
            merged.remove(group)
            rows |= group
        merged.append(rows)
    groups = [sorted(sorted(rows), key=lambda r: index.created[r], reverse=True) for rows in merged]

    def name(rows: list[int]) -> str:
        cid = index.candidate_id[rows[0]]
        return index.candidate[rows[0]] or (f"(candidate {cid})" if cid.strip() else "(no name)")

    return sorted(
        groups,
        key=lambda rows: (
            sort_text(name(rows)),
            index.candidate_id[rows[0]],
            index.email[rows[0]],
            index.id[rows[0]],
        ),
    )


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
            # Every order's name and email, not the newest's alone: an older one's found
            # nothing, though the tab lists the order under its candidate.
            *(index.candidate[r] for r in rows),
            *(index.email[r] for r in rows),
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


def _order(
    order_id: str, candidate_id: str, name: str, email: str, day: int, *, company: str = "acme"
) -> AssessmentOrder:
    first, _, last = name.partition(" ")
    return AssessmentOrder.model_validate(
        {"id": order_id, "status": "NEW", "createDate": f"2026-01-0{day}T10:00:00.000+0000",
         "candidate": {"id": candidate_id, "firstName": first, "lastName": last, "email": email},
         "company": {"id": company, "name": company.title()}}
    )  # fmt: skip


def _grouped(orders: list[AssessmentOrder]) -> dict[str, list[str]]:
    """Each candidate's name and the ids of their orders, as the tab groups them."""
    groups = CandidateGroups(OrderColumns.of_rows([order_row(o) for o in orders]))
    return {
        groups.names[g]: [groups.index.id[r] for r in groups.orders(g)] for g in range(len(groups))
    }


def test_people_sent_without_a_candidate_id_are_not_one_candidate() -> None:
    """Before: grouped by the SmartRecruiters id alone, Ana's order was shown under Bob, with
    his name and email: a blank id (or spaces, trimmed to one) is no one's."""
    ana = _order("o-ana", "", "Ana Silva", "ana@example.com", 1)
    bob = _order("o-bob", "   ", "Bob Stone", "bob@example.com", 2)
    nameless = _order("o-x", "", "", "", 3)
    assert _grouped([ana, bob, nameless]) == {
        "Ana Silva": ["o-ana"], "Bob Stone": ["o-bob"], "(no name)": ["o-x"],
    }  # fmt: skip


def test_the_tab_and_the_batch_agree_on_who_is_one_candidate() -> None:
    """One candidate is the same SmartRecruiters candidate, or the same email and name (case
    and accents aside), as the batch reuses an assessment: the tab split Ana's two ids, and
    would join two people of one family address only by id."""
    orders = [
        _order("o1", "c1", "Ana Silva", "ana@example.com", 1),
        _order("o2", "c2", "ANA SÍLVA", "Ana@Example.com", 2),  # another id, the same Ana
        _order("o3", "c2", "Ana Silva", "", 3),  # c2 again, no email: still Ana
        _order("o4", "", "Rui Silva", "ana@example.com", 4),  # her address, another person
        _order("o5", "", "Rui Silva", "ana@example.com", 5),  # him again, no id
    ]
    assert _grouped(orders) == {"Ana Silva": ["o3", "o2", "o1"], "Rui Silva": ["o5", "o4"]}
    by_batch = OrdersByCandidate(orders)
    assert by_batch.others(orders[0]) == ["o2"]
    assert by_batch.others(orders[3]) == ["o5"]


def test_a_turkish_name_in_capitals_is_one_candidate_in_the_tab() -> None:
    """Ayşe Kılıç's second order, typed "AYŞE KILIÇ" (same email), was listed as another
    candidate: ``str.casefold`` lowers "I" to "i" and leaves "ı"."""
    orders = [
        _order("o1", "c1", "Ayşe Kılıç", "ayse@example.com", 1),
        _order("o2", "c2", "AYŞE KILIÇ", "ayse@example.com", 2),
    ]
    assert list(_grouped(orders).values()) == [["o2", "o1"]]


def test_the_tab_shows_a_persons_orders_of_two_companies_together_the_batch_apart() -> None:
    """The batch gave another company's order, carrying the same name and email, the first
    company's assessment (and sent its report): it reuses within one company only. The tab
    still shows the person's orders together, whichever company sent them."""
    acme = _order("o1", "c1", "Alice Sandoval", "alice@example.com", 1, company="acme")
    globex = _order("o2", "g1", "Alice Sandoval", "alice@example.com", 2, company="globex")
    assert _grouped([acme, globex]) == {"Alice Sandoval": ["o2", "o1"]}
    assert OrdersByCandidate([acme, globex]).others(globex) == []


def test_a_candidate_is_found_and_grouped_by_the_name_as_it_reads() -> None:
    """Stefan Weber's second order (another SmartRecruiters id, the same email) carried a soft
    hyphen in his name, drawn as nothing: "stefan" did not find that order's name, and the
    tab showed him as two candidates."""
    plain = _order("o1", "c1", "Stefan Weber", "stefan@example.com", 1)
    marked = _order("o2", "c2", "Ste\u00adfan Weber", "stefan@example.com", 2)
    groups = CandidateGroups(OrderColumns.of_rows([order_row(o) for o in (plain, marked)]))
    assert len(groups) == 1
    assert groups.haystacks[0].split("\n")[0] == "stefan weber"
    alone = CandidateGroups(OrderColumns.of_rows([order_row(marked)]))
    assert "stefan" in alone.haystacks[0]


def test_a_candidate_is_found_again_by_the_ids_their_orders_had() -> None:
    """Ana's newest order (under id c1) goes to Zoe; her older one, under c2 with her name and
    email, is still hers: found again by it, not by the id her row showed, now no one's."""
    ana_c1 = ("o2", "c1", "Ana Silva", "ana@example.com", "Nurse", "Acme", OrderStatus.NEW, 2)
    ana_c2 = ("o1", "c2", "Ana Silva", "ana@example.com", "Nurse", "Acme", OrderStatus.NEW, 1)
    before = groups_of(ana_c1, ana_c2)
    (seen,) = [before.seen(g) for g in range(len(before))]
    assert seen.candidate_id == "c1"
    zoe = ("o2", "c9", "Zoe Miller", "zoe@example.com", "Nurse", "Acme", OrderStatus.NEW, 2)
    after = groups_of(zoe, ana_c2)
    group = after.group_again(seen)
    assert group is not None
    assert after.names[group] == "Ana Silva"
    # Her one order gone to Zoe as well: no one is her.
    assert groups_of(zoe).group_again(seen) is None
