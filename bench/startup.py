"""Start-up: the app's first frame and first sync against a bare PySide6 window, in one run.

    python bench/startup.py [--runs 7]

Each run starts ``python -m app --self-test --timings`` (demo mode, a fresh data folder: the
window, the built-in sandbox, the first sync of 200 orders) and ``bench/bare_window.py`` (a
bare QMainWindow with a 200-row table), alternately. Both say how many milliseconds after the
process's own start (the kernel's record, ``app/startup_clock.py``) their first frame was on
screen; the app also when its first sync was done. Printed: the medians, the baseline, the
machine's load, and a last line with the ratios (targets: first frame ≤ 2.0×, first sync
≤ 2.5× the bare window's first frame).

Children run from compiled bytecode (see ``bench.common.child_env``); one warm-up run of each
writes it, and fills the disk cache. ``--bundle dist/assessment-desk/assessment-desk`` measures
the installed app (the PyInstaller bundle, ``packaging/build-linux.sh``) instead of
``python -m app``, against the same bare window.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import ROOT, child_env, load, median, ratios

APP = [sys.executable, "-m", "app", "--self-test", "--timings"]
BARE = [sys.executable, str(ROOT / "bench" / "bare_window.py")]


def figures(command: list[str], *, bundled: bool = False) -> dict[str, float]:
    """The ``name-ms=N`` lines a child prints."""
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as home:
        env = child_env(ASSESSMENT_DESK_HOME=home)
        if bundled:  # the bundle brings its own Python and modules: none of the tree's
            env.pop("PYTHONPATH", None)
        out = subprocess.run(
            command,
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout
    found = {}
    for line in out.splitlines():
        name, _, value = line.partition("=")
        if name.endswith("-ms") and value.strip().lstrip("-").isdigit():
            found[name] = float(value)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--bundle", type=Path, help="the installed app's executable, measured instead"
    )
    args = parser.parse_args(argv)
    app = APP if args.bundle is None else [str(args.bundle.resolve()), "--self-test", "--timings"]
    bundled = args.bundle is not None
    figures(app, bundled=bundled)  # warm-up: bytecode written, files in the disk cache
    figures(BARE)
    before = load()
    app_frame, app_sync, bare_frame = [], [], []
    for _ in range(args.runs):
        got = figures(app, bundled=bundled)
        app_frame.append(got["first-frame-ms"])
        app_sync.append(got["first-sync-ms"])
        bare_frame.append(figures(BARE)["first-frame-ms"])
    frame, synced, bare = median(app_frame), median(app_sync), median(bare_frame)
    print(f"machine: {before} (before), {load()} (after); median of {args.runs} runs each")
    what = f"the bundle {args.bundle}" if bundled else "python -m app"
    print(f"app: {what}")
    print(f"app first frame (demo mode, empty cache): {frame:.0f} ms  (runs: {app_frame})")
    print(f"app first sync (200 demo orders):         {synced:.0f} ms  (runs: {app_sync})")
    print(f"baseline: bare PySide6 window with a 200-row table, first frame: {bare:.0f} ms")
    print("targets: first frame ≤ 2.0×, first sync ≤ 2.5× the baseline")
    print(ratios({"first-frame": (frame, bare), "first-sync": (synced, bare)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
