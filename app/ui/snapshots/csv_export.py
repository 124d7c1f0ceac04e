"""CSV export of what a table shows: UTF-8 with a BOM (Excel then reads the accents right),
every field quoted where needed by the csv module, and cells that a spreadsheet would take
for a formula (=, +, -, @) defused with a leading apostrophe."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from app.store.paths import atomic_file
from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import OrderTableModel

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write atomically (temporary file, then rename); returns the number of data rows."""
    path = Path(path)
    count = 0
    with atomic_file(path, private=False, encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow([safe_cell(h) for h in header])
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
            count += 1
    return count


def orders_in_view(proxy: OrderFilterProxy) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the orders table as shown: filtered, sorted, plus the id."""
    header, worded = orders_to_export(proxy)
    return header, [list(row) for row in zip(*worded(), strict=True)]


def orders_to_export(
    proxy: OrderFilterProxy,
) -> tuple[list[str], Callable[[], list[list[str]]]]:
    """``rows_to_export`` of the orders table as shown."""
    model = proxy.sourceModel()
    assert isinstance(model, OrderTableModel)
    return rows_to_export(model, proxy.source_rows())


def rows_to_export(
    model: OrderTableModel, rows: Sequence[int], leave_out: frozenset[str] = frozenset()
) -> tuple[list[str], Callable[[], list[list[str]]]]:
    """The header of the orders table, and a function that words ``rows`` (of ``model``)
    column by column (the id first): taken now, on the GUI thread; worded where it is called,
    which may be a worker thread (``OrderTableModel.texts_of``). The columns of the fields in
    ``leave_out`` (those a snapshot leaves empty) are not exported."""
    specs = [model.spec[column] for column in range(len(model.spec))]
    header = ["Order id", *(spec.header for spec in specs if spec.field not in leave_out)]
    return header, model.texts_of(rows, leave_out)


def write_columns(path: Path, header: Sequence[str], worded: Callable[[], list[list[str]]]) -> int:
    """Words the columns and writes them as rows: all of it off the GUI thread."""
    return write_csv(path, header, zip(*worded(), strict=True))


def csv_failure(path: Path, exc: OSError) -> str:
    """Why a CSV file could not be written, in a sentence naming its folder (not an errno and
    the hidden temporary file's name); the system's own words after it."""
    from app.store.snapshot_destination import write_failure

    return write_failure(path, exc, "CSV file").in_words()
