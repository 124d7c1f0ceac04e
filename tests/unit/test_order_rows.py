"""The inbox's row and a snapshot index agree on their common fields, in the same order: a
row starts with the index's fields (``order_row``, ``OrderColumns.of_index``)."""

from __future__ import annotations

from app.domain.snapshot import OrderSummary
from app.views.order_rows import FIELDS


def test_a_row_starts_with_the_snapshot_index_fields() -> None:
    assert FIELDS[: len(OrderSummary._fields)] == OrderSummary._fields
