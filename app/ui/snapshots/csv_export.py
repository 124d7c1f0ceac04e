"""CSV export of what a table shows: UTF-8 with a BOM (Excel then reads the accents right),
every field quoted where needed by the csv module, and cells that a spreadsheet would take
for a formula (=, +, -, @) defused with a leading apostrophe."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import OrderTableModel

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """Write atomically (temporary file, then rename); returns the number of data rows."""
    path = Path(path)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
        "w",
        encoding="utf-8-sig",
        newline="",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
        delete=False,
    )
    count = 0
    try:
        with handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
            writer.writerow([safe_cell(h) for h in header])
            for row in rows:
                writer.writerow([safe_cell(cell) for cell in row])
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return count


def orders_in_view(proxy: OrderFilterProxy) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the orders table as shown: filtered, sorted, plus the id."""
    model = proxy.sourceModel()
    assert isinstance(model, OrderTableModel)
    columns = range(model.columnCount())
    header = ["Order id", *(model.spec[column].header for column in columns)]
    rows = [
        [model.order_id(row), *(model.text(row, column) for column in columns)]
        for row in proxy.source_rows()
    ]
    return header, rows


def export_orders_in_view(proxy: OrderFilterProxy, path: Path) -> int:
    header, rows = orders_in_view(proxy)
    return write_csv(path, header, rows)
