"""What a screen reader says of a widget: what Qt's accessibility interface hands it."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QWidget


def heard(widget: QWidget | None) -> str:
    """The widget's accessible name, description and value, as one line."""
    assert widget is not None
    face = QAccessible.queryAccessibleInterface(widget)
    assert face is not None
    kinds = (QAccessible.Text.Name, QAccessible.Text.Description, QAccessible.Text.Value)
    return " | ".join(face.text(kind) or "" for kind in kinds)
