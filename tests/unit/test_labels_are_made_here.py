"""Every label of the app is made by ``plain_label`` or ``rich_label``: a bare QLabel guesses
whether its text is HTML, and took a service's "<h1>" in an error for a heading, an offer's name
for a red "FREE" with a link, and nested tables in a name for 12 s of a frozen window."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import Qt

from app.ui.common.labels import plain_label, rich_label

UI = Path(__file__).resolve().parents[2] / "app" / "ui"
MADE_HERE = UI / "common" / "labels.py"


def _bare_labels(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "QLabel":
                lines.append(node.lineno)
    return lines


def test_no_label_is_made_outside_the_labels_module() -> None:
    found = {
        f"{path.relative_to(UI)}:{line}"
        for path in UI.rglob("*.py")
        if path != MADE_HERE
        for line in _bare_labels(path)
    }
    assert not found, f"use plain_label (or rich_label, escaping outside words): {found}"


def test_the_scan_sees_a_bare_label(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from PySide6 import QtWidgets\nx = QtWidgets.QLabel('a')\ny = QLabel()\n")
    assert _bare_labels(sample) == [2, 3]


def test_plain_shows_markup_as_written_and_rich_says_it_is_markup(qapp: object) -> None:
    plain = plain_label("<h1>FREE</h1>")
    assert plain.textFormat() == Qt.TextFormat.PlainText
    assert rich_label("<b>ours</b>").textFormat() == Qt.TextFormat.RichText
    assert not plain_label("a", wrap=False).wordWrap()
