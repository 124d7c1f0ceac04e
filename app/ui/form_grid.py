"""Layout helpers the validated forms share: bold section headings and tab order."""

from __future__ import annotations

import itertools

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget


def add_section(grid: QGridLayout, title: str, *, first: bool = False) -> None:
    """A bold heading across both columns, with a little space above all but the first."""
    heading = QLabel(title)
    font = QFont(heading.font())
    font.setBold(True)
    heading.setFont(font)
    row = grid.rowCount()
    if not first:
        grid.setRowMinimumHeight(row, 8)
        row += 1
    grid.addWidget(heading, row, 0, 1, 2)


def chain_tab_order(widgets: list[QWidget]) -> None:
    """Tab moves through ``widgets`` in the given (visual) order."""
    for before, after in itertools.pairwise(widgets):
        QWidget.setTabOrder(before, after)
