"""Every window title that names someone or something from outside (a candidate, an offer, a
file) names it through ``title_name``: one line, no bidirectional control, cut. The Reject,
Accept, Complete, Invite and CreateAssessment dialogs each took the name as sent, while the
Deliver dialog cut it; a scan makes the next dialog do as the others.

The scan reads what is given to ``setWindowTitle``, and what a function named ``…title``
returns, and finds each word in it that holds a name (an identifier with "name" or "who" in
it: ``candidate.full_name``, ``who``, ``offer.name``) outside a ``title_name(…)``."""

from __future__ import annotations

import ast
from pathlib import Path

from app.views.text import PART_SHOWN, title_name

APP = Path(__file__).resolve().parents[2] / "app"
HELPER = "title_name"


def _called(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _names_a_name(node: ast.AST) -> bool:
    word = node.id if isinstance(node, ast.Name) else getattr(node, "attr", None)
    return word is not None and ("name" in word.lower() or "who" in word.lower())


def _raw_names(node: ast.AST) -> list[int]:
    """The lines of ``node`` where a name is used outside ``title_name``."""
    if _called(node) == HELPER:
        return []
    found = [node.lineno] if _names_a_name(node) and hasattr(node, "lineno") else []
    for child in ast.iter_child_nodes(node):
        found += _raw_names(child)
    return found


def _titles(tree: ast.AST) -> list[ast.AST]:
    """What becomes a window's title: ``setWindowTitle``'s argument, and what a function
    named ``…title`` returns."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) == "setWindowTitle":
            found += node.args
        elif isinstance(node, ast.FunctionDef) and node.name.lower().endswith("title"):
            found += [r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value]
    return found


def _raw_names_in_titles(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return sorted({line for title in _titles(tree) for line in _raw_names(title)})


def test_every_title_names_through_title_name() -> None:
    found = {
        f"{path.relative_to(APP)}:{line}"
        for path in APP.rglob("*.py")
        for line in _raw_names_in_titles(path)
    }
    assert not found, f"a name in a window's title goes through {HELPER}(…): {found}"


def test_the_scan_sees_a_raw_name(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "w.setWindowTitle(f'Accept — {order.candidate.full_name}')\n"
        "w.setWindowTitle(f'Reject — {who}' if one else 'Reject')\n"
        "w.setWindowTitle(f'Accept — {title_name(order.candidate.full_name)}')\n"
        "w.setWindowTitle(f'Reject — {len(orders)} orders')\n"
        "def reject_title(order):\n"
        "    return 'Reject — ' + order.candidate.display_name\n"
    )
    assert _raw_names_in_titles(sample) == [1, 2, 6]


def test_a_name_in_a_title_is_one_line_without_bidirectional_controls_and_cut() -> None:
    assert title_name("Zoë Müller") == "Zoë Müller"
    assert title_name("Ana\u202e Silva\n\nx") == "Ana Silva x"
    long = title_name("Ana " * 1250)
    assert len(long) == PART_SHOWN
    assert long.endswith("…")
