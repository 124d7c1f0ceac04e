"""Start-up benchmark: wall time of `python -m app --self-test` (start, window, demo sandbox,
first full sync of 200 orders, exit), median of several runs, plus the import time of the
modules the first window needs.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time


def time_self_test(env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "app", "--self-test"],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def time_imports(env: dict[str, str]) -> float:
    code = (
        "import time; t=time.perf_counter(); import app.ui.application; "
        "print(time.perf_counter()-t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    time_self_test(env)  # warm the disk cache: we measure the app, not the first disk read
    runs = [time_self_test(env) for _ in range(args.runs)]
    imports = [time_imports(env) for _ in range(args.runs)]
    print(
        f"self-test (start → window → demo sync of 200 orders → exit): "
        f"median {statistics.median(runs):.2f} s over {args.runs} runs "
        f"(min {min(runs):.2f}, max {max(runs):.2f})"
    )
    print(
        f"import of the first window's modules: median {statistics.median(imports) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
