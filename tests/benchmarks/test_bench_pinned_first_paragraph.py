"""Pins ``bench.cli.bench_parser``'s first paragraph (bench/cli.py).

Mutant killed: ``(doc or "").strip().split(...)`` -> ``(doc or "").split(...)``. It survived
tests/benchmarks/test_smoke.py because every bench's docstring starts on the quotes' line; a
docstring opening with a blank line (PEP 257 allows it) then had an empty description."""

from __future__ import annotations

from bench.cli import bench_parser


def test_the_first_paragraph_is_the_description_however_the_docstring_starts() -> None:
    doc = "\n\n    Times the first frame, whole:\n    both lines.\n\n    Usage: python x.py\n"
    description = bench_parser(doc).description
    assert description is not None
    assert description.split() == ["Times", "the", "first", "frame,", "whole:", "both", "lines."]
    assert bench_parser(None).description == ""
