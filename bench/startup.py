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
``python -m app``, against the same bare window. ``--cached N`` also measures a working day's
start: a saved profile (a sandbox process stands for the services, the keys in the opt-in key
file) with the N orders of an earlier start in its cache, shown in the first frame; the first
sync then finds them unchanged. Its figures are in the last line too (``cached-…``).

Last, the floors under the first sync (``bench/floor_sync.py``): the bare window, then the 200
orders read from a sandbox in a process of its own, by httpx alone (``floor-raw-sync``) and by
the app's client with its pydantic models (``floor-client-sync``). What the app's first sync
takes above them is the app's own; what they take above the bare window is the stack's. The last
line also gives the app's first syncs over the client's floor (``…-over-client-floor``): the
app's own share, which the machine's speed moves far less than the ratios to the bare window
(issue 16's note proposes a target on it).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.cli import bench_parser
from bench.common import ROOT, child_env, load, median, ratios, sandbox_process

APP = [sys.executable, "-m", "app", "--self-test", "--timings"]
#: SmartRecruiters' rate window in the sandbox: each working-day run starts in a fresh one.
RATE_WINDOW_SECONDS = 1.1
BARE = [sys.executable, str(ROOT / "bench" / "bare_window.py")]
FLOOR = [sys.executable, str(ROOT / "bench" / "floor_sync.py")]
#: The floors' ways of reading the orders (bench/floor_sync.py): httpx alone, the app's client.
FLOOR_WAYS = ("raw", "client")


#: Keys go to the opt-in key file of the bench's own data folder, never to a real keyring.
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}

#: A saved profile on the sandbox process (argv: its SR and Berke addresses), its keys in the
#: opt-in key file: a coordinator's data folder, written with the app's own code.
SET_UP_PROFILE = """
import sys
from app.domain.connection import AppSettings, ConnectionProfile, ProfileKind
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore
from app.store.settings_file import save_settings

profile = ConnectionProfile(
    name="Bench", kind=ProfileKind.CUSTOM, sr_base_url=sys.argv[1], berke_base_url=sys.argv[2]
)
save_settings(AppSettings(profiles=[profile], active="Bench", keys_file_opt_in=True))
keys = KeyStore(file_opt_in=True)
keys.set("Bench", SR_KEY, DEMO_SR_KEY)
keys.set("Bench", BERKE_TOKEN, DEMO_BERKE_TOKEN)
"""


@contextlib.contextmanager
def working_day_home(orders: int) -> Iterator[str]:
    """A data folder as a coordinator's is on a working day: a saved profile (a sandbox process
    stands for the services) whose cache holds ``orders`` orders from an earlier start."""
    with (
        sandbox_process("--orders", str(orders)) as sandbox,
        tempfile.TemporaryDirectory(prefix="startup-bench-real-") as home,
    ):
        env = child_env(ASSESSMENT_DESK_HOME=home, **NO_KEYRING)
        setup = [sys.executable, "-c", SET_UP_PROFILE, sandbox.sr_url, sandbox.berke_url]
        subprocess.run(setup, env=env, cwd=ROOT, check=True, timeout=60)
        subprocess.run(APP, env=env, cwd=ROOT, check=True, capture_output=True, timeout=300)
        yield home


def figures(
    command: list[str], *, bundled: bool = False, home: str | None = None
) -> dict[str, float]:
    """The ``name-ms=N`` lines a child prints; in a fresh data folder unless ``home``."""
    with contextlib.ExitStack() as stack:
        if home is None:
            home = stack.enter_context(tempfile.TemporaryDirectory(prefix="startup-bench-"))
        env = child_env(ASSESSMENT_DESK_HOME=home, **NO_KEYRING)
        if bundled:  # the bundle brings its own Python and modules: none of the tree's
            env.pop("PYTHONPATH", None)
        out = subprocess.run(
            command,
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        ).stdout
    found = {}
    for line in out.splitlines():
        name, _, value = line.partition("=")
        if name.endswith("-ms") and value.strip().lstrip("-").isdigit():
            found[name] = float(value)
    return found


FLOOR_WHAT = {
    "raw": "the bare window, then httpx reads the 200 orders as JSON; no pydantic, no app",
    "client": "the same through the app's SmartRecruitersClient and its pydantic models",
}


def floors(runs: int) -> dict[str, float]:
    """The median first sync of each of bench/floor_sync.py's ways, the 200 orders read from
    a sandbox in a process of its own (as the working day's: its CPU is not counted)."""
    found: dict[str, list[float]] = {way: [] for way in FLOOR_WAYS}
    with sandbox_process("--orders", "200") as sandbox:
        for run in range(runs + 1):  # the first: the warm-up
            for way in FLOOR_WAYS:
                time.sleep(RATE_WINDOW_SECONDS)  # each run in a rate window of its own
                got = figures([*FLOOR, sandbox.sr_url, "--with", way])
                if run:
                    found[way].append(got["first-sync-ms"])
    return {way: median(values) for way, values in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--bundle", type=Path, help="the installed app's executable, measured instead"
    )
    parser.add_argument(
        "--cached",
        type=int,
        default=0,
        metavar="N",
        help="also a working day's start: a saved profile with N orders in its cache",
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
    measured = {"first-frame": (frame, bare), "first-sync": (synced, bare)}
    if args.cached:
        with working_day_home(args.cached) as home:
            figures(app, bundled=bundled, home=home)  # warm-up, as above
            real = []
            for _ in range(args.runs):
                # One sandbox serves every run: a run begun within a second of the last shared
                # its 10 requests/s with it, drew a 429 and waited 1 s (1,366 ms among 360s).
                time.sleep(RATE_WINDOW_SECONDS)
                real.append(figures(app, bundled=bundled, home=home))
        print(f"machine after the working-day runs: {load()}")
        real_frame = median([got["first-frame-ms"] for got in real])
        real_sync = median([got["first-sync-ms"] for got in real])
        print(
            f"app first frame (a saved profile, {args.cached} orders cached, shown in it): "
            f"{real_frame:.0f} ms  (runs: {[got['first-frame-ms'] for got in real]})"
        )
        print(
            f"app first sync (the same {args.cached} orders, unchanged):    {real_sync:.0f} ms  "
            f"(runs: {[got['first-sync-ms'] for got in real]})"
        )
        measured["cached-first-frame"] = (real_frame, bare)
        measured["cached-first-sync"] = (real_sync, bare)
    floor_of = floors(args.runs)
    for way, floor in floor_of.items():
        print(f"floor ({FLOOR_WHAT[way]}): first sync {floor:.0f} ms")
        measured[f"floor-{way}-sync"] = (floor, bare)
    # Against the floor rather than the bare window: what the app adds to its own client. A
    # working day's compares like with like (the services in a process of their own); a first
    # start's also starts the built-in sandbox.
    for synced_name in ("first-sync", "cached-first-sync"):
        if synced_name in measured:
            app_synced = measured[synced_name][0]
            measured[f"{synced_name}-over-client-floor"] = (app_synced, floor_of["client"])
    print(ratios(measured))
    return 0


if __name__ == "__main__":
    sys.exit(main())
