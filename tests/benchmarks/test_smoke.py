"""Every benchmark under bench/ runs with tiny sizes and ends with its line of ratios, so that
none of them rots. The figures are not checked here: speed is measured by running the
benchmarks themselves (README, "Measured"), never by a timed test."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TINY = {
    "startup.py": ["--runs", "1", "--cached", "20"],
    "sync.py": ["--orders", "150", "--runs", "1"],
    "bulk.py": ["--orders", "3", "--inbox", "30", "--berke-burst", "4",
                "--berke-window-ms", "300"],
    "upload.py": ["--megabytes", "2", "--runs", "1"],
    "ui_lag.py": ["--inbox", "30", "--batch", "3", "--cancel-after", "1", "--uploads", "1",
                  "--upload-mb", "1",
                  "--berke-burst", "4", "--berke-window-ms", "300", "--idle-seconds", "0.2",
                  "--tab", "candidates"],
    "snapshot_scale.py": ["--orders", "300", "--runs", "1"],
    "snapshot_save.py": ["--orders", "5", "--runs", "1", "--latency-ms", "0"],
    "poll_gui.py": ["--orders", "20", "--polls", "1"],
    "session_open.py": ["--runs", "1"],
}  # fmt: skip

pytestmark = pytest.mark.slow


def test_every_benchmark_is_smoke_tested() -> None:
    scripts = {p.name for p in (ROOT / "bench").glob("*.py")}
    helpers = {
        "__init__.py", "common.py", "cli.py", "windowed.py", "bare_window.py", "floor_sync.py"
    }  # fmt: skip
    assert scripts - helpers == set(TINY)


@pytest.mark.parametrize("script", sorted(TINY))
def test_benchmark_runs_and_prints_its_ratios(script: str, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *TINY[script]],
        cwd=ROOT,
        env={**os.environ, "ASSESSMENT_DESK_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("ratios: "), result.stdout
    if script == "startup.py":  # the first sync beside the floors under it (issue 16)
        assert "floor-raw-sync" in lines[-1], lines[-1]
        assert "floor-client-sync" in lines[-1], lines[-1]
        assert ", first-sync-over-client-floor " in lines[-1], lines[-1]
        assert "cached-first-sync-over-client-floor " in lines[-1], lines[-1]
    assert "load " in result.stdout  # every figure says how busy the machine was


@pytest.mark.parametrize("script", sorted([*TINY, "floor_sync.py"]))
def test_help_describes_the_benchmark_by_its_first_paragraph_whole(script: str) -> None:
    """Before: session_open.py's --help was its docstring's first line, cut mid-sentence ("the
    event loop's own time, against the same"); the others ran the whole docstring, usage line
    and paragraphs, together into one block."""
    path = ROOT / "bench" / script
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc is not None
    first = " ".join(doc.split("\n\n", 1)[0].split())
    result = subprocess.run(
        [sys.executable, str(path), "--help"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    described = result.stdout.split("\n\n")[1]  # after the usage, before the options
    assert " ".join(described.split()) == first, result.stdout
