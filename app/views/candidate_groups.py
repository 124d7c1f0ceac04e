"""Orders grouped by candidate: who each candidate is, their orders newest first, and the text
their search looks in — built from the orders' rows as columns (``OrderColumns``), not the
orders.

Built for 100,000 orders (a large snapshot): one pass over the columns, one list per field
rather than an object per candidate, and the candidate's name and email shared with the
index rather than copied (measured: bench/snapshot_scale.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from operator import attrgetter
from typing import Any

from app.domain.order_status import OrderStatus
from app.domain.same_candidate import identity_keys
from app.domain.text_fold import fold, sort_text
from app.views.inbox_columns import GONE_RANK, STATUS_RANK
from app.views.order_rows import OrderColumns, OrderRow
from app.views.text import as_cell


class Column(IntEnum):
    NAME = 0  # the candidate's name; an order's job
    EMAIL = 1
    STATUS = 2  # the number of orders; an order's status
    COMPANY = 3  # the candidate's companies; an order's company
    LATEST = 4  # the newest order's date; an order's date


_fold_few = lru_cache(maxsize=4096)(fold)  # jobs and companies: few, repeated many times


NO_JOB_NAME = "(no job name)"  # what an order without a job name shows, and sorts by
_sort_text_of_few = lru_cache(maxsize=4096)(sort_text)


#: What the groups are built from: who the candidate is, and each order's date, job and company
#: (the grouping, the names and emails shown, the default order, the search). The rest of a
#: row (its status, Berke's side, a flag) is read from the rows when shown.
_GROUPED_BY = attrgetter("candidate_id", "candidate", "email", "created", "job", "company")


def keeps_its_group(old: OrderRow, new: OrderRow) -> bool:
    """Whether the groups built with ``old`` still hold once it is replaced by ``new`` in
    place: what a batch or a sync mostly changes (a status, Berke's side) leaves them."""
    return _GROUPED_BY(old) == _GROUPED_BY(new)


def _no_name(candidate_id: str) -> str:
    return f"(candidate {candidate_id})" if candidate_id.strip() else "(no name)"


def _by_candidate(index: OrderColumns) -> list[list[int]]:
    """The index's rows by candidate, each candidate's newest first, candidates in the order
    of their newest orders. One candidate is one by the batch's own rule (``identity_keys``),
    but across companies (which the batch keeps apart), followed from order to order: Ana's
    orders under two SmartRecruiters ids, one of them with her email, are hers alike. Not the
    SmartRecruiters id alone: a blank one grouped everyone sent without one under the newest
    one's name.

    Joined with a disjoint-set forest (each row points to an earlier row of its candidate),
    nearly one pass: grouping a 100,000-order snapshot stays linear."""
    parent = list(range(len(index)))
    # Own key -> rows filed under it, not yet joined by a row seeking it. Not only the first:
    # rows filed under one key may be two people's (Hùng and Hưng, under their unaccented
    # name), each joined by a row that seeks it (a "Hung" typed without accents). Once joined
    # they are one group, and one row stands for them all.
    filed: dict[str, list[int]] = {}

    def root(row: int) -> int:
        while parent[row] != row:
            parent[row] = row = parent[parent[row]]
        return row

    keys = map(identity_keys, index.candidate_id, index.candidate, index.email)
    for row, row_keys in enumerate(keys):
        for key in row_keys.sought:
            rows = filed.get(key)
            if not rows:
                continue
            for other in rows:
                mine, theirs = root(row), root(other)
                if mine != theirs:
                    parent[max(mine, theirs)] = min(mine, theirs)  # always to an earlier row
            del rows[1:]
        for key in row_keys.own:
            filed.setdefault(key, []).append(row)
    # A row's parent is earlier, so in row order its parent already points to its root.
    for row, up in enumerate(parent):
        parent[row] = parent[up]
    by_root: dict[int, list[int]] = {}
    # Newest first overall, so that each candidate's orders come out newest first.
    for row in sorted(range(len(index)), key=index.created.__getitem__, reverse=True):
        by_root.setdefault(parent[row], []).append(row)
    return list(by_root.values())


def _row_of(ids: list[str], order_id: str) -> int | None:
    # A candidate has a few orders: a scan in C each beats a dict of every order in Python.
    try:
        return ids.index(order_id)
    except ValueError:
        return None


@dataclass(frozen=True)
class SeenCandidate:
    """A candidate as a group showed them, to find them again in groups built afresh."""

    candidate_id: str  # their newest order's (the one their row shows); may be blank
    name: str
    # Each order's id, and the candidate id it carried then; newest first.
    orders: tuple[tuple[str, str], ...]


class CandidateGroups:
    """The candidates of an index's orders. Group ``g``'s fields are ``names[g]``,
    ``emails[g]``, …; ``orders(g)`` are its order rows (rows of ``index``), newest first.
    Groups are in name order (accents ignored), ties by candidate id, email, then newest order.
    One candidate is one by ``identity_keys``, as for the batch (of any company)."""

    def __init__(self, index: OrderColumns) -> None:
        self.index = index
        created = index.created
        groups = _by_candidate(index)
        # The newest order carries the freshest copy of the candidate (a corrected email, say).
        newest = [rows[0] for rows in groups]
        names = [index.candidate[row] or _no_name(index.candidate_id[row]) for row in newest]
        folded = [fold(name) for name in names]
        # Sorted as the cell shows a name, on one line: "Ana\n\nMaria Silva" by its raw text
        # came before "Ana Lima". Most names are shown as they are (``as_cell`` gives them back).
        shown = [as_cell(name) for name in names]
        shown_folded = [
            f if s is n else fold(s) for s, n, f in zip(shown, names, folded, strict=True)
        ]
        # Then by id, email and order: two people of one name, sent without an id, in the
        # same order each time.
        order = sorted(
            range(len(groups)),
            key=lambda g: (
                shown_folded[g],
                shown[g].casefold(),
                index.candidate_id[newest[g]],
                index.email[newest[g]],
                index.id[newest[g]],
            ),
        )
        # What the table shows of a group, in its first order: the candidate's own row
        # (-(g + 1)), then the order rows. Kept whole, not as order rows alone, so the table
        # lays itself out from these very tuples: one tuple per group, not two.
        self._blocks: list[tuple[int, ...]] = [
            (-(position + 1), *groups[g]) for position, g in enumerate(order)
        ]
        self.candidate_ids: list[str] = [index.candidate_id[newest[g]] for g in order]
        self.names: list[str] = [names[g] for g in order]
        self.emails: list[str] = [index.email[newest[g]] for g in order]
        self.latest: list[str] = [created[newest[g]] for g in order]
        self.companies: list[str] = [self._companies(groups[g]) for g in order]
        self.haystacks: list[str] = [self._haystack(folded[g], groups[g]) for g in order]
        self._group_of: dict[int, int] | None = None  # by order row; made when first asked

    def __len__(self) -> int:
        return len(self._blocks)

    def orders(self, group: int) -> tuple[int, ...]:
        """The group's order rows, newest first."""
        return self._blocks[group][1:]

    def newest(self, group: int) -> int:
        return self._blocks[group][1]

    def order_count(self, group: int) -> int:
        return len(self._blocks[group]) - 1

    def seen(self, group: int) -> SeenCandidate:
        index = self.index
        orders = tuple((index.id[row], index.candidate_id[row]) for row in self.orders(group))
        return SeenCandidate(self.candidate_ids[group], self.names[group], orders)

    def group_again(self, seen: SeenCandidate) -> int | None:
        """The group of the candidate ``seen`` in groups built since, or None if gone. Not
        by their newest order alone: a poll may have given it to another candidate (a
        corrected name and id), and whoever has it now is not them."""
        index = self.index
        if seen.candidate_id.strip():
            # Every order carrying the id is in one group: theirs, whatever else it took.
            try:
                return self.group_of(index.candidate_id.index(seen.candidate_id))
            except ValueError:
                pass
        # No id to go by (sent without one, or every order with it went to another): the
        # group holding most of their orders still under an id they had; of two holding as
        # many, the one still of their name.
        ids = {candidate_id for _order, candidate_id in seen.orders}
        rows = [_row_of(index.id, order_id) for order_id, _id in seen.orders]
        groups = [self.group_of(r) for r in rows if r is not None and index.candidate_id[r] in ids]
        held = Counter(group for group in groups if group is not None)
        if not held:
            return None
        return max(held, key=lambda group: (held[group], self.names[group] == seen.name))

    def group_of(self, row: int) -> int | None:
        """The group of an order row (a row of the index); None for one added since."""
        if self._group_of is None:
            self._group_of = {
                order_row: group
                for group, block in enumerate(self._blocks)
                for order_row in block[1:]
            }
        return self._group_of.get(row)

    def _companies(self, rows: Sequence[int]) -> str:
        company = self.index.company
        if len(rows) == 1:
            return company[rows[0]]  # the index's own string: most candidates have one order
        return ", ".join(dict.fromkeys(company[row] for row in rows if company[row]))

    def _haystack(self, folded_name: str, rows: Sequence[int]) -> str:
        """Folded name, email and every order's job and company: what the search looks in.
        The older orders' names and emails too: the tab lists Ana's order sent under her old
        address under her row, so that address finds her."""
        index = self.index
        parts = [folded_name, fold(index.email[rows[0]])]
        for row in rows[1:]:
            parts.append(fold(index.candidate[row]))
            parts.append(fold(index.email[row]))
        for row in rows:
            parts.append(_fold_few(index.job[row]))
            parts.append(_fold_few(index.company[row]))
        # Once each: a candidate's orders often share a job or a company.
        return "\n".join(dict.fromkeys(parts) if len(rows) > 1 else parts)

    def status_counts(self, group: int) -> dict[OrderStatus, int]:
        """The group's orders by status, but those SmartRecruiters no longer has."""
        counts = dict.fromkeys(OrderStatus, 0)
        for row in self.orders(group):
            if not self.index.gone[row]:
                counts[self.index.status[row]] += 1
        return counts

    def gone_count(self, group: int) -> int:
        """The group's orders SmartRecruiters no longer has."""
        return sum(self.index.gone[row] for row in self.orders(group))

    # -- sorting -----------------------------------------------------------------------------

    def group_keys(self, column: Column) -> Sequence[Any]:
        """One sort key per group for ``column``."""
        if column == Column.NAME:
            return range(len(self))  # the groups are in name order already
        if column == Column.EMAIL:
            return [as_cell(email).casefold() for email in self.emails]  # as the inbox's
        if column == Column.STATUS:
            return [len(block) for block in self._blocks]
        if column == Column.COMPANY:
            return [sort_text(companies) for companies in self.companies]
        return self.latest  # UTC ISO text: text order is time order

    def order_keys(self, column: Column) -> Sequence[Any]:
        """One sort key per order row (row of the index) for ``column``."""
        index = self.index
        if column == Column.NAME:
            return [_sort_text_of_few(job or NO_JOB_NAME) for job in index.job]
        if column == Column.EMAIL:
            return [0] * len(index)  # an order leaves the email to its candidate
        if column == Column.STATUS:
            # "Gone" after every status SmartRecruiters gives, as the inbox sorts it: by its
            # last status, an order no longer there sorted above the orders in progress.
            return [
                GONE_RANK if gone else STATUS_RANK[status]
                for status, gone in zip(index.status, index.gone, strict=True)
            ]
        if column == Column.COMPANY:
            return [_sort_text_of_few(company) for company in index.company]
        return index.created

    def blocks(
        self, column: Column | None, descending: bool
    ) -> tuple[list[int] | None, list[tuple[int, ...]]]:
        """The groups in display order (None: in group order), and each as the display rows
        it takes: ``-(g + 1)`` for the candidate's own row, then its order rows. ``column``
        None: names A–Z, orders newest first."""
        if column is None:
            return None, self._blocks
        group_keys = self.group_keys(column)
        groups = sorted(range(len(self)), key=group_keys.__getitem__, reverse=descending)
        order_key = self.order_keys(column).__getitem__
        blocks = self._blocks
        return groups, [
            (block[0], *sorted(block[1:], key=order_key, reverse=descending))
            if len(block) > 2
            else block
            for block in map(blocks.__getitem__, groups)
        ]
