"""The orders proxy shows exactly the rows a plain filter and sort would, in that order, and the
selection follows its rows through searches, status filters, sorts, and rows that change or
arrive (a poll)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QItemSelectionModel, QPersistentModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from app.domain.smartrecruiters import OrderStatus
from app.domain.text_fold import fold
from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import ORDER_ID_ROLE, OrderTableModel
from app.views.inbox_columns import INBOX
from app.views.order_rows import OrderColumns, OrderRow

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

NAMES = ["Zoë Müller", "ana smith", "Émile Núñez", "Li Berg", "Łucja Kowalski"]
JOBS = ["Data Analyst", "Nurse", "Backend Engineer"]
COMPANIES = ["Acme GmbH", "Globex", "Initech"]
ORDERED = INBOX.index("ordered")

Seed = tuple[int, int, int, int, int]


def _row(n: int, seed: Seed) -> OrderRow:
    status, name, job, company, day = seed
    return OrderRow(
        id=f"order-{n}",
        status=list(OrderStatus)[status],
        candidate_id=f"cand-{name}",
        candidate=NAMES[name],
        email="" if name == 4 else f"c{name}@example.com",
        job=JOBS[job],
        company=COMPANIES[company],
        requestor="Rita Berg",
        created=f"2025-0{1 + day % 9}-1{day % 10}T10:00:00+00:00",
        assessment="",
        activity="",
        berke="",
        attention="",
        berke_id="",
    )


def _rows(seeds: list[Seed]) -> OrderColumns:
    return OrderColumns.of_rows([_row(n, seed) for n, seed in enumerate(seeds)])


def _shown(proxy: OrderFilterProxy, model: OrderTableModel) -> list[int]:
    return [model.row_of(proxy.index(r, 0).data(ORDER_ID_ROLE)) or 0 for r in
            range(proxy.rowCount())]  # fmt: skip


def _expected(
    model: OrderTableModel,
    words: list[str],
    statuses: frozenset[OrderStatus] | None,
    column: int,
    descending: bool,
) -> list[int]:
    """A plain filter and sort, written from the column declarations, row by row."""
    searched = INBOX.searchable()
    texts = [
        fold("\n".join(c.search(getattr(model.row(row), c.field)) for c in searched if c.search))
        for row in range(model.rowCount())
    ]
    rows = [
        row
        for row in range(model.rowCount())
        if all(word in texts[row] for word in words)
        and (statuses is None or model.statuses()[row] in statuses)
    ]
    spec = INBOX[column]
    values = [getattr(model.row(row), spec.field) for row in range(model.rowCount())]
    keys = spec.sort_keys(values)
    if spec.descending_first:
        descending = not descending
    return sorted(rows, key=keys.__getitem__, reverse=descending)


seeds = st.tuples(*(st.integers(0, n - 1) for n in (4, len(NAMES), 3, 3, 30)))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("type"), st.text("aeimnrsüzł ", max_size=8)),
        st.tuples(st.just("status"), st.sampled_from([None, 0, 1, 2, 3])),
        st.tuples(st.just("sort"), st.integers(0, len(INBOX) - 1), st.booleans()),
        # A poll: some rows change (by position, taken modulo the rows), some arrive.
        st.tuples(
            st.just("update"),
            st.lists(st.tuples(st.integers(0, 999), seeds), max_size=12),
            st.lists(seeds, max_size=6),
        ),
    ),
    min_size=1,
    max_size=10,
)


# Qt's own checker of a model's signals warns on any that do not match the rows (a block
# inserted where the rows say otherwise): a warning fails the test.
@pytest.mark.qt_log_level_fail("WARNING")
@settings(max_examples=150, deadline=None)
@given(rows=st.lists(seeds, max_size=60), actions=steps)
def test_the_view_matches_a_plain_filter_and_sort(
    qapp: QApplication, rows: list[tuple[int, int, int, int, int]], actions: list[tuple]
) -> None:
    model = OrderTableModel()
    model.set_rows(_rows(rows))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    tester = QAbstractItemModelTester(proxy, QAbstractItemModelTester.FailureReportingMode.Warning)
    selection = QItemSelectionModel(proxy)
    text, statuses, column, descending = "", None, -1, False
    for action in actions:
        chosen = model.row_of(proxy.index(0, 0).data(ORDER_ID_ROLE)) \
            if proxy.rowCount() else None  # fmt: skip
        if chosen is not None:
            current = proxy.index(0, 0)
            selection.setCurrentIndex(current, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            kept = QPersistentModelIndex(current)
        if action[0] == "type":
            text = action[1]
            proxy.set_search_text(text)
        elif action[0] == "status":
            statuses = None if action[1] is None else frozenset({list(OrderStatus)[action[1]]})
            proxy.set_statuses(statuses)
        elif action[0] == "update":
            size = model.rowCount()
            changed = [_row(position % size, seed) for position, seed in action[1] if size]
            added = [_row(size + n, seed) for n, seed in enumerate(action[2])]
            model.update_rows([*changed, *added])
        else:
            column, descending = action[1], action[2]
            proxy.sort(column, Qt.SortOrder.DescendingOrder if descending else
                       Qt.SortOrder.AscendingOrder)  # fmt: skip
        if column >= 0:
            want = _expected(model, fold(text).split(), statuses, column, descending)
            assert _shown(proxy, model) == want
        else:
            want = _expected(model, fold(text).split(), statuses, 0, False)
            assert sorted(_shown(proxy, model)) == sorted(want)
        if chosen is not None:
            # The selected order is still selected if shown, and nothing else is.
            if chosen in want:
                assert kept.isValid()
                assert model.row_of(kept.data(ORDER_ID_ROLE)) == chosen
                assert selection.isSelected(proxy.index(kept.row(), kept.column()))
            else:
                assert not kept.isValid()
                assert not selection.hasSelection()
    del tester


def test_the_order_kept_shown_stays_through_changes_not_through_a_new_filter(
    qapp: QApplication,
) -> None:
    new, in_progress = 0, list(OrderStatus).index(OrderStatus.IN_PROGRESS)
    model = OrderTableModel()
    model.set_rows(_rows([(new, n % 5, 0, 0, n) for n in range(6)]))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_statuses(frozenset({OrderStatus.NEW}))
    proxy.keep_shown(["order-2"])
    # A step moves order-2 and order-4 out of "New": order-2, worked on, stays; order-4 goes.
    model.update_rows([_row(2, (in_progress, 2, 0, 0, 2)), _row(4, (in_progress, 4, 0, 0, 4))])
    assert sorted(_shown(proxy, model)) == [0, 1, 2, 3, 5]
    proxy.set_search_text("li berg")  # order-3 only: a search typed drops the kept order
    assert _shown(proxy, model) == [3]
    assert proxy.kept_ids() == frozenset()
    proxy.set_search_text("")
    assert sorted(_shown(proxy, model)) == [0, 1, 3, 5]

    proxy.keep_shown(["order-0"])
    proxy.set_search_text("zoë")  # orders 0 and 5: order-0 passes it, and is still kept
    model.update_rows([_row(0, (in_progress, 0, 0, 0, 0))])
    assert sorted(_shown(proxy, model)) == [0, 5]
    proxy.keep_shown(["order-5"])  # moving on: order-0 is no longer "New", and leaves
    assert _shown(proxy, model) == [5]
    proxy.set_search_text("")
    assert sorted(_shown(proxy, model)) == [1, 3, 5]


def test_the_order_kept_shown_keeps_its_place_in_the_sort_until_the_coordinator_moves_on(
    qapp: QApplication,
) -> None:
    """Under a sort by status, a step on the selected order re-sorted it at once (a delivery:
    to the end, among the completed ones), and the keyboard went with it: Down no longer
    reached the order below."""
    statuses = list(OrderStatus)
    new, in_progress = statuses.index(OrderStatus.NEW), statuses.index(OrderStatus.IN_PROGRESS)
    completed = statuses.index(OrderStatus.COMPLETED)
    model = OrderTableModel()
    model.set_rows(_rows([(in_progress if n < 4 else new, n % 5, 0, 0, n) for n in range(8)]))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(INBOX.index("status"), Qt.SortOrder.AscendingOrder)
    before = _shown(proxy, model)
    place = before.index(1)
    proxy.keep_shown(["order-1"])
    model.update_rows([_row(1, (completed, 1, 0, 0, 1))])  # delivered
    assert _shown(proxy, model) == before  # where the coordinator left it
    assert proxy.index(place + 1, 0).data(ORDER_ID_ROLE) == f"order-{before[place + 1]}"
    model.update_rows([_row(6, (completed, 1, 0, 0, 6))])  # another order, not kept: re-sorted
    assert _shown(proxy, model) == [*(row for row in before if row != 6), 6]

    proxy.keep_shown([f"order-{before[place + 1]}"])  # Down: the delivered order is sorted now
    want = _expected(model, [], None, INBOX.index("status"), False)
    assert _shown(proxy, model) == want
    assert want[-2:] == [1, 6]  # the test means something
    proxy.keep_shown(["order-2"])
    model.update_rows([_row(2, (completed, 2, 0, 0, 2))])
    proxy.sort(INBOX.index("status"), Qt.SortOrder.DescendingOrder)  # a sort asked for: all
    assert _shown(proxy, model) == _expected(model, [], None, INBOX.index("status"), True)


def test_a_keystroke_that_leaves_the_same_rows_does_not_lay_out_again(qapp: QApplication) -> None:
    model = OrderTableModel()
    model.set_rows(_rows([(0, n % 5, 0, 0, n) for n in range(20)]))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    layouts: list[int] = []
    proxy.layoutChanged.connect(lambda *_: layouts.append(proxy.rowCount()))
    proxy.set_search_text("mü")
    proxy.set_search_text("müll")  # every row holding "mü" holds "müller" here
    proxy.set_search_text("müller ")
    assert layouts == [4]
    proxy.set_search_text("müller q")
    assert layouts == [4, 0]
    proxy.set_search_text("")
    assert layouts == [4, 0, 20]


def test_rows_kept_for_backspacing_stay_bounded(qapp: QApplication) -> None:
    model = OrderTableModel()
    model.set_rows(_rows([(n % 4, n % 5, 0, 0, n) for n in range(300)]))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    for day in range(1, 10):
        for month in range(1, 10):
            proxy.set_search_text(f"2025-0{month}-1{day}")  # a narrow search…
            proxy.set_search_text("")  # …then cleared, as after pasting a date
    assert 0 < len(proxy._recent) <= 16


def test_a_new_source_model_is_filtered_afresh(qapp: QApplication) -> None:
    first, second = OrderTableModel(), OrderTableModel()
    first.set_rows(_rows([(0, 0, 0, 0, 1), (1, 1, 0, 0, 2)]))
    second.set_rows(_rows([(1, 0, 0, 0, 1), (0, 1, 0, 0, 2)]))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(first)
    proxy.set_statuses(frozenset({OrderStatus.NEW}))
    assert _shown(proxy, first) == [0]
    proxy.setSourceModel(second)
    assert _shown(proxy, second) == [1]


def test_rows_already_in_display_order_are_not_reordered(qapp: QApplication) -> None:
    # A snapshot lists its orders newest first: the default sort leaves them where they are.
    seeds = [(n % 4, n % 5, n % 3, 0, n) for n in range(30)]
    seeds.sort(key=lambda seed: (1 + seed[4] % 9, seed[4] % 10), reverse=True)  # newest first
    model = OrderTableModel()
    model.set_rows(_rows(seeds))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ORDERED, Qt.SortOrder.DescendingOrder)
    assert proxy._in_sort_order is bytes
    proxy.set_search_text("nurse")
    want = _expected(model, ["nurse"], None, ORDERED, True)
    assert _shown(proxy, model) == want
    assert want  # the test means something
    proxy.sort(ORDERED, Qt.SortOrder.AscendingOrder)
    assert proxy._in_sort_order is not bytes
    assert _shown(proxy, model) == want[::-1]


def _dated(n: int, status: OrderStatus, day: int) -> OrderRow:
    """Order ``n`` of ``status``, ordered on day ``day`` of 2025 (the later, the newer)."""
    row = _row(n, (list(OrderStatus).index(status), n % 5, n % 3, 0, 0))
    return row._replace(created=f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}T10:00:00+00:00")


def _by_date(rows: list[OrderRow], order: Qt.SortOrder) -> tuple[OrderTableModel, OrderFilterProxy]:
    """These rows, shown sorted by the day they were ordered."""
    model = OrderTableModel()
    model.set_rows(OrderColumns.of_rows(rows))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(ORDERED, order)
    return model, proxy


def _blocks(proxy: OrderFilterProxy) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The proxy's insertions and removals, each (first, last), as they are signalled."""
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    proxy.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    proxy.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    return inserted, removed


def test_a_page_of_a_sync_arrives_in_one_insertion(qapp: QApplication) -> None:
    # Newest first, as the inbox opens: a sync's next page is older than the rows shown, and
    # lands below them. Each insertion costs the view a pass over its rows: one, not 100.
    model, proxy = _by_date(
        [_dated(n, OrderStatus.NEW, 300 - n) for n in range(50)], Qt.SortOrder.DescendingOrder
    )
    selection = QItemSelectionModel(proxy)
    selection.setCurrentIndex(proxy.index(7, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    chosen = proxy.index(7, 0).data(ORDER_ID_ROLE)
    inserted, removed = _blocks(proxy)
    layouts: list[int] = []
    proxy.layoutChanged.connect(lambda *_: layouts.append(proxy.rowCount()))
    repainted: list[tuple[int, int]] = []
    proxy.dataChanged.connect(lambda top, bottom, *_: repainted.append((top.row(), bottom.row())))

    # The page also brings order 3 in progress: its row is repainted, the new ones only drawn.
    arrived = [_dated(n, OrderStatus.NEW, 300 - n) for n in range(50, 150)]
    model.update_rows([_dated(3, OrderStatus.IN_PROGRESS, 297), *arrived])

    assert inserted == [(50, 149)]
    assert (removed, layouts) == ([], [])
    assert repainted == [(3, 3)]
    assert _shown(proxy, model) == _expected(model, [], None, ORDERED, True)
    assert selection.currentIndex().data(ORDER_ID_ROLE) == chosen


def test_rows_arriving_among_others_come_in_a_block_each(qapp: QApplication) -> None:
    model, proxy = _by_date(
        [_dated(n, OrderStatus.NEW, 10 * n) for n in range(10)], Qt.SortOrder.AscendingOrder
    )
    inserted, _removed = _blocks(proxy)
    # Three between the 2nd and 3rd shown (days 11-13), one after the 6th (day 51), two last.
    days = [11, 12, 13, 51, 200, 201]
    model.update_rows([_dated(10 + n, OrderStatus.NEW, day) for n, day in enumerate(days)])

    assert inserted == [(2, 4), (9, 9), (14, 15)]
    assert _shown(proxy, model) == _expected(model, [], None, ORDERED, False)


def test_rows_leaving_side_by_side_go_in_one_removal(qapp: QApplication) -> None:
    model, proxy = _by_date(
        [_dated(n, OrderStatus.NEW, 100 - n) for n in range(40)], Qt.SortOrder.DescendingOrder
    )
    proxy.set_statuses(frozenset({OrderStatus.NEW}))
    inserted, removed = _blocks(proxy)
    # A batch accepted orders 10-29 and 35: they leave "New".
    accepted = [*range(10, 30), 35]
    model.update_rows([_dated(n, OrderStatus.IN_PROGRESS, 100 - n) for n in accepted])

    assert removed == [(35, 35), (10, 29)]  # from the bottom up: each block's rows still hold
    assert inserted == []
    assert _shown(proxy, model) == [n for n in range(40) if n not in accepted]


def test_the_calls_a_view_makes_per_cell_are_answered_by_qt(qapp: QApplication) -> None:
    """A repaint asks each cell's parent a dozen times (the selection's ranges): answered in
    Python by a QAbstractProxyModel, they were a quarter of the inbox's repaint. The table
    model's own C++ answers them, and answers them as a flat table should."""
    for name in ("index", "parent", "sibling", "hasChildren"):
        assert name not in vars(OrderFilterProxy), name
    model = OrderTableModel()
    model.set_rows(_rows([(0, 0, 0, 0, 0), (1, 1, 1, 1, 1)]))
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.sourceModel() is model
    cell = proxy.index(1, 2)
    assert cell.isValid()
    assert not cell.parent().isValid()
    assert cell.flags() & Qt.ItemFlag.ItemNeverHasChildren  # a flat table's
    assert not proxy.index(2, 0).isValid()
    assert not proxy.index(0, proxy.columnCount()).isValid()
    assert proxy.sibling(0, 1, cell) == proxy.index(0, 1)
    assert proxy.mapFromSource(proxy.mapToSource(cell)) == cell
