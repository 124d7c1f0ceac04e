"""A 100,000-order snapshot: open and show it, search as you type, memory.

    .venv/bin/python bench/snapshot_scale.py [--orders 100000] [--runs 5]

Generates a deterministic snapshot (seeded; cached in the temp folder), then, in a fresh
process per run (offscreen Qt), measures: open + first paint of the main window, each search
keystroke until the filtered view is painted (typing words, then deleting them), the resident
memory, the candidates tab's first showing (every order grouped), the same keystrokes in its
search, and the memory with both tabs built. Prints the median of the runs.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST = ["Ana", "Zoë", "Émile", "John", "Mary", "Li", "Omar", "Sven", "Inès", "Kai", "Łucja"]
LAST = ["Müller", "Smith", "Núñez", "Dubois", "Kowalski", "Rossi", "Tanaka", "Okafor", "Berg"]
JOBS = ["Data Analyst", "Backend Engineer", "Nurse", "Sales Manager", "Accountant", "Designer"]
COMPANIES = ["Acme GmbH", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Ltd"]
STATUSES = ["NEW", "IN_PROGRESS", "REJECTED", "COMPLETED"]
#: Typed one character at a time, then deleted: narrowing, widening, two words, no match.
TYPED = ["müller", " acme", " zz"]


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
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    # The window's modules are loaded when the app starts (bench/startup.py times that), and
    # compiling them here would time Python, not opening: load them before the clock starts.
    importlib.import_module("app.ui.main_window")
    from app.ui.main_window import open_snapshot_window

    began = time.perf_counter()
    window = open_snapshot_window(path, settings)
    window.show()
    app.processEvents()
    orders = window.orders
    orders.table.viewport().repaint()
    opened = time.perf_counter() - began

    keystrokes = [_type(app, orders.search, orders.table, text) for text in _typing(TYPED)]
    rss_after_search = _rss_mb()

    began = time.perf_counter()
    orders.tabs.setCurrentWidget(orders.candidates)
    app.processEvents()
    candidates = time.perf_counter() - began
    view = orders.candidates
    candidate_keys = [_type(app, view.search, view.table, text) for text in _typing(TYPED)]

    quantiles = statistics.quantiles(keystrokes, n=20)
    if os.environ.get("BENCH_VERBOSE"):
        print([round(k * 1000, 1) for k in keystrokes], file=sys.stderr)
        print([round(k * 1000, 1) for k in candidate_keys], file=sys.stderr)
    return {
        "orders": orders.model.rowCount(),
        "open_show_s": opened,
        "key_p50_ms": statistics.median(keystrokes) * 1000,
        "key_p95_ms": quantiles[18] * 1000,
        "key_max_ms": max(keystrokes) * 1000,
        "rss_mb": rss_after_search,
        "candidates_tab_s": candidates,
        "candidates_key_p95_ms": statistics.quantiles(candidate_keys, n=20)[18] * 1000,
        "rss_with_candidates_mb": _rss_mb(),
    }


def _typing(words: list[str]) -> list[str]:
    """The search field's text after each keystroke: typed one character at a time, then
    deleted one at a time."""
    typed = "".join(words)
    return [typed[:n] for n in range(1, len(typed) + 1)] + [
        typed[:n] for n in range(len(typed) - 1, -1, -1)
    ]


def _type(app: object, search: object, table: object, text: str) -> float:
    """One keystroke, until the filtered table is on screen: Qt lays the view out and paints
    it from the event loop, once; a keystroke that painted nothing is painted here."""
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
    search.setText(text)  # type: ignore[attr-defined]
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one child run
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    # Named for the writer's layout (orders newest first): an older cached file is not reused.
    path = Path(tempfile.gettempdir()) / f"assessment-desk-bench-{args.orders}-newest-first.adsnap"
    if not path.exists():
        began = time.perf_counter()
        generate(path, args.orders)
        print(f"generated {path} in {time.perf_counter() - began:.1f} s")
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB")
    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    print(f"median of {len(runs)} runs, {runs[0]['orders']} orders:")
    for key in runs[0]:
        if key != "orders":
            print(f"  {key:24} {statistics.median(float(r[key]) for r in runs):8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
