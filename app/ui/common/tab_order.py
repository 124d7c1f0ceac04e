"""The order Tab moves focus in, set as the widgets are seen rather than as they were made."""

from __future__ import annotations

import itertools

from PySide6.QtWidgets import QWidget


def chain_tab_order(widgets: list[QWidget]) -> None:
    """Tab moves through ``widgets`` in the given (visual) order; a widget holding others
    (a pane) is entered at its first and left at its last."""
    for before, after in itertools.pairwise(widgets):
        QWidget.setTabOrder(before, after)
