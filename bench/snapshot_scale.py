"""A 100,000-order snapshot: open and show it, search as you type, sort, select, scroll, memory;
beside a bare Qt table (QStandardItemModel + QSortFilterProxyModel) over the same rows.

    .venv/bin/python bench/snapshot_scale.py [--orders 100000] [--runs 5]

Generates a deterministic snapshot (seeded; cached in the temp folder), then, in a fresh
process per run (offscreen Qt), measures: open + first paint of the main window, and the part
of it on the GUI thread (File › Open reads the file in a worker thread); each search keystroke
until the filtered view is painted (typing words, then deleting them), the resident memory, a
sort by a column (each of three, both ways) until painted, selecting every row and clicking one
row (the detail pane follows), scrolling a page at a time, the candidates tab's first showing
(every order grouped), the same keystrokes in its search, and the memory with both tabs built;
then File › Export CSV… of every order (the GUI thread's part, and the whole), and a comparison
in which every order changed (its rows worded in a worker thread, the dialog's opening on the
GUI thread, a sort by candidate until painted).
The baseline, in a process of its own: the same rows' texts in a
QStandardItemModel behind a QSortFilterProxyModel in a QTableView, as Qt offers it: its sort,
scroll and memory. Prints the median of the runs and a last line of ratios.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.domain.snapshot_format import FORMAT_VERSION
from bench.cli import bench_parser
from bench.common import child_env, load, ratios, scratch_dir

FIRST = ["Ana", "Zoë", "Émile", "John", "Mary", "Li", "Omar", "Sven", "Inès", "Kai", "Łucja"]
LAST = ["Müller", "Smith", "Núñez", "Dubois", "Kowalski", "Rossi", "Tanaka", "Okafor", "Berg"]
JOBS = ["Data Analyst", "Backend Engineer", "Nurse", "Sales Manager", "Accountant", "Designer"]
COMPANIES = ["Acme GmbH", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Ltd"]
STATUSES = ["NEW", "IN_PROGRESS", "REJECTED", "COMPLETED"]
#: Typed one character at a time, then deleted: narrowing, widening, two words, no match.
TYPED = ["müller", " acme", " zz"]
#: Columns sorted by (each both ways): text, text, a date.
SORTED_BY = ("candidate", "job", "ordered")


def generate(path: Path, orders: int, seed: int = 5) -> None:
    from app.domain.smartrecruiters import AssessmentOrder
    from app.domain.snapshot import SnapshotFilter, SnapshotMeta, SnapshotOrder
    from app.store.snapshot_file import write_snapshot

    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    records = []
    for i in range(orders):
        created = start + timedelta(minutes=rng.randint(0, 60 * 24 * 300))
        stamp = created.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{rng.randint(1, 999)}"
        order = AssessmentOrder.model_validate(
            {
                "id": f"order-{i:07d}",
                "status": rng.choice(STATUSES),
                "createDate": stamp,
                "lastUpdateDate": stamp,
                "candidate": {
                    "id": f"cand-{rng.randint(0, orders * 3 // 5)}",
                    "firstName": first,
                    "lastName": last,
                    "email": f"{first.lower()}.{last.lower()}@example.com",
                },
                "job": {"id": f"job-{rng.randint(0, 999)}", "name": rng.choice(JOBS)},
                "company": {"id": "c", "name": rng.choice(COMPANIES)},
                "requestor": {"firstName": "Rita", "lastName": rng.choice(LAST)},
                "offer": {"catalogId": "berke-behavioural", "name": "Behavioural assessment"},
            }
        )
        records.append(SnapshotOrder(order=order))
    meta = SnapshotMeta(
        created_at=datetime.now(UTC),
        app_version="bench",
        source="bench/snapshot_scale.py (generated)",
        filter=SnapshotFilter(scope="all"),
        order_count=orders,
    )
    write_snapshot(path, meta, records)


def measure(path: Path) -> dict[str, object]:
    """One run, in this process: what the figures mean is said in the module docstring."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_API", "pyside6")
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from app.views.inbox_columns import INBOX

    app = QApplication([])
    settings = QSettings(
        str(scratch_dir("snapshot-bench-") / "bench.ini"), QSettings.Format.IniFormat
    )
    # The window's modules are loaded when the app starts (bench/startup.py times that), and
    # compiling them here would time Python, not opening: load them before the clock starts.
    importlib.import_module("app.ui.main_window")
    from app.ui.main_window import open_snapshot_window
    from app.ui.snapshots.snapshot_source import read_snapshot

    began = time.perf_counter()
    read = read_snapshot(path)  # File › Open does this in a worker thread: the rest is the GUI's
    read_s = time.perf_counter() - began
    window = open_snapshot_window(path, settings, read)
    window.show()
    app.processEvents()
    orders = window.orders
    orders.table.viewport().repaint()
    opened = time.perf_counter() - began

    keystrokes = [_type(app, orders.search, orders.table, text) for text in _typing(TYPED)]
    rss_after_search = _rss_mb()
    orders.search.clear()
    app.processEvents()

    began = time.perf_counter()
    orders.tabs.setCurrentWidget(orders.candidates)
    app.processEvents()
    candidates = time.perf_counter() - began
    view = orders.candidates
    candidate_keys = [_type(app, view.search, view.table, text) for text in _typing(TYPED)]
    rss_with_candidates = _rss_mb()

    # Last, so that the memory figures above stay comparable: sort, select, scroll.
    orders.tabs.setCurrentWidget(orders.stack)
    app.processEvents()
    table = orders.table
    sorts = _sorts(app, table, [INBOX.index(k) for k in SORTED_BY])
    clicks = [_until_painted(app, table, partial(table.selectRow, row)) for row in (0, 5, 50)]
    select_all = _until_painted(app, table, table.selectAll)
    scrolls = _scrolls(app, table)

    table.sortByColumn(INBOX.index("ordered"), Qt.SortOrder.DescendingOrder)
    export = _csv_export(window)
    comparison = _comparison(app, orders.model)
    quantiles = statistics.quantiles(keystrokes, n=20)
    if os.environ.get("BENCH_VERBOSE"):
        print([round(k * 1000, 1) for k in keystrokes], file=sys.stderr)
        print([round(k * 1000, 1) for k in candidate_keys], file=sys.stderr)
    return {
        "orders": orders.model.rowCount(),
        "open_show_s": opened,
        "open_gui_thread_s": opened - read_s,
        "key_p50_ms": statistics.median(keystrokes) * 1000,
        "key_p95_ms": quantiles[18] * 1000,
        "key_max_ms": max(keystrokes) * 1000,
        "rss_mb": rss_after_search,
        "sort_median_ms": statistics.median(sorts) * 1000,
        "sort_max_ms": max(sorts) * 1000,
        "select_all_ms": select_all * 1000,
        "click_row_ms": statistics.median(clicks) * 1000,
        "scroll_page_p95_ms": statistics.quantiles(scrolls, n=20)[18] * 1000,
        "candidates_tab_s": candidates,
        "candidates_key_p95_ms": statistics.quantiles(candidate_keys, n=20)[18] * 1000,
        "rss_with_candidates_mb": rss_with_candidates,
        **export,
        **comparison,
    }


def _csv_export(window: Any) -> dict[str, float]:
    """File › Export CSV… of every order: the GUI thread's part (the rows' values taken), and
    the whole export (worded and written in a worker thread)."""
    import asyncio

    out = scratch_dir("snapshot-bench-csv-") / "orders.csv"
    began = time.perf_counter()
    exporting = window.snapshot_menu.export_csv_to(out)
    gui = time.perf_counter() - began
    asyncio.run(exporting)
    return {"csv_export_gui_ms": gui * 1000, "csv_export_s": time.perf_counter() - began}


def _comparison(app: Any, model: Any) -> dict[str, float]:
    """A comparison in which every order changed (two snapshots a day apart): its rows worded
    (a worker thread), the dialog built and shown, a sort by the candidate until painted."""
    from PySide6.QtCore import Qt

    from app.domain.snapshot_diff import ChangeKind, FieldChange, OrderChange, SnapshotDiff
    from app.ui.snapshots.compare_dialog import CompareDialog, diff_rows

    rows = model.rows()
    moved = (FieldChange("Status", "NEW", "IN_PROGRESS"),)
    diff = SnapshotDiff(
        tuple(
            OrderChange(order_id, ChangeKind.CHANGED, name, moved)
            for order_id, name in zip(rows.id, rows.column("candidate"), strict=True)
        )
    )
    began = time.perf_counter()
    worded = diff_rows(diff)
    worker = time.perf_counter() - began
    began = time.perf_counter()
    dialog = CompareDialog(diff, "monday.adsnap", "tuesday.adsnap", rows=worded)
    dialog.show()
    app.processEvents()
    gui = time.perf_counter() - began
    sort = _until_painted(
        app, dialog.table, lambda: dialog.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    )
    dialog.close()
    return {
        "compare_rows_worker_s": worker,
        "compare_open_gui_ms": gui * 1000,
        "compare_sort_ms": sort * 1000,
    }


def measure_bare(path: Path) -> dict[str, object]:
    """The baseline, in this process: the snapshot's rows as the inbox shows them (the same
    columns' texts), in a QStandardItemModel behind a QSortFilterProxyModel in a QTableView."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSortFilterProxyModel
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from app.store.snapshot_file import open_snapshot
    from app.ui.snapshots.snapshot_source import SnapshotOrders
    from app.views.inbox_columns import INBOX

    app = QApplication([])
    rows, _ = SnapshotOrders(open_snapshot(path)).all_rows()
    texts = [list(map(spec.display, rows.column(spec.field))) for spec in INBOX.all]
    count = len(rows)
    began = time.perf_counter()
    model = QStandardItemModel(count, len(texts))
    model.setHorizontalHeaderLabels([spec.header for spec in INBOX.all])
    for column, values in enumerate(texts):
        for row, text in enumerate(values):
            model.setItem(row, column, QStandardItem(text))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    table = QTableView()
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.resize(1280, 760)
    table.show()
    app.processEvents()
    table.viewport().repaint()
    built = time.perf_counter() - began
    del texts, rows
    sorts = _sorts(app, table, [INBOX.index(k) for k in SORTED_BY])
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    select_all = _until_painted(app, table, table.selectAll)
    scrolls = _scrolls(app, table)
    return {
        "orders": count,
        "build_show_s": built,
        "select_all_ms": select_all * 1000,
        "sort_median_ms": statistics.median(sorts) * 1000,
        "sort_max_ms": max(sorts) * 1000,
        "scroll_page_p95_ms": statistics.quantiles(scrolls, n=20)[18] * 1000,
        "rss_mb": _rss_mb(),
    }


def _typing(words: list[str]) -> list[str]:
    """The search field's text after each keystroke: typed one character at a time, then
    deleted one at a time."""
    typed = "".join(words)
    return [typed[:n] for n in range(1, len(typed) + 1)] + [
        typed[:n] for n in range(len(typed) - 1, -1, -1)
    ]


def _type(app: object, search: object, table: object, text: str) -> float:
    """One keystroke, until the filtered table is on screen."""
    return _until_painted(app, table, lambda: search.setText(text))  # type: ignore[attr-defined]


def _sorts(app: object, table: Any, columns: list[int]) -> list[float]:
    """A click on each column's header, ascending then descending, until painted."""
    from PySide6.QtCore import Qt

    timed = []
    for column in columns:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            timed.append(_until_painted(app, table, partial(table.sortByColumn, column, order)))
    return timed


def _scrolls(app: object, table: Any, pages: int = 40) -> list[float]:
    """A page down at a time from the top, until painted."""
    bar = table.verticalScrollBar()
    bar.setValue(0)
    return [
        _until_painted(app, table, lambda: bar.setValue(bar.value() + bar.pageStep()))
        for _ in range(pages)
    ]


def _until_painted(app: object, table: object, action: Callable[[], object]) -> float:
    """``action``, until the table is on screen again: Qt lays the view out and paints it from
    the event loop, once; an action that painted nothing is painted here."""
    from PySide6.QtCore import QEvent, QObject

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                PaintCounter.paints += 1
            return False

    viewport = table.viewport()  # type: ignore[attr-defined]
    counter = PaintCounter()
    viewport.installEventFilter(counter)
    began = time.perf_counter()
    action()
    app.processEvents()  # type: ignore[attr-defined]
    if not PaintCounter.paints:
        viewport.repaint()
    elapsed = time.perf_counter() - began
    viewport.removeEventFilter(counter)
    return elapsed


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _child(flag: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, flag, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=child_env(),
    ).stdout
    found: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return found


def _medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(float(r[key]) for r in runs) for key in runs[0]}


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--bare-runs", type=int, default=1, help="runs of the baseline")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one child run
    parser.add_argument("--measure-bare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    if args.measure_bare:
        print(json.dumps(measure_bare(args.measure_bare)))
        return 0
    # Named for the writer's layout (orders newest first) and the file format: an older
    # cached file is not reused.
    cached = f"assessment-desk-bench-{args.orders}-newest-first-v{FORMAT_VERSION}.adsnap"
    path = Path(tempfile.gettempdir()) / cached
    if not path.exists():
        began = time.perf_counter()
        generate(path, args.orders)
        print(f"generated {path} in {time.perf_counter() - began:.1f} s")
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")
    before = load()
    ours = _medians([_child("--measure", path) for _ in range(args.runs)])
    bare = _medians([_child("--measure-bare", path) for _ in range(args.bare_runs)])
    print(f"machine: {before} (before), {load()} (after)")
    print(f"the app, median of {args.runs} runs, {ours['orders']:.0f} orders:")
    for key, value in ours.items():
        if key != "orders":
            print(f"  {key:24} {value:9.3f}")
    print(f"baseline: bare Qt table and proxy over the same rows, {args.bare_runs} run(s):")
    for key, value in bare.items():
        if key != "orders":
            print(f"  {key:24} {value:9.3f}")
    print(
        ratios(
            {
                "sort": (ours["sort_median_ms"], bare["sort_median_ms"]),
                "scroll": (ours["scroll_page_p95_ms"], bare["scroll_page_p95_ms"]),
                "select-all": (ours["select_all_ms"], bare["select_all_ms"]),
                "memory": (ours["rss_with_candidates_mb"], bare["rss_mb"]),
                "open-vs-build": (ours["open_show_s"], bare["build_show_s"]),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
