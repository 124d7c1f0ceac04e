"""What the benchmarks share: the machine's load, child processes measured as a user runs the
app (compiled bytecode), a sandbox in a process of its own, a heartbeat on the event loop, and
the last line of ratios every benchmark ends with.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def load() -> str:
    """The machine's load averages and CPU count, printed beside every figure: a figure taken
    on a busy machine says so."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def scratch_dir(prefix: str) -> Path:
    """A folder of the run's own, removed when the process ends: a 100,000-order CSV or a data
    folder left behind by each run filled the temp folder."""
    folder = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a measured child process: offscreen Qt, and compiled bytecode kept
    (in the temp folder, not the tree) as an installed app has it, even where the shell says
    PYTHONDONTWRITEBYTECODE: compiling every module from source on each start is not what a
    user waits for."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "assessment-desk-pyc"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def write_report(path: Path, megabytes: int) -> Path:
    """A PDF of exactly ``megabytes`` MiB with every byte written, as a saved report is.
    Not a sparse file: reading a hole makes the kernel zero its pages, in read-ahead runs of
    ~20 ms that hold a core, which a coordinator's report never costs."""
    chunk = bytes(range(256)) * 4096  # 1 MiB, not all zeros
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        for _ in range(megabytes):
            handle.write(chunk)
        handle.truncate(megabytes * len(chunk))  # exactly that size: the header took 9 bytes
        handle.flush()
        # On disk before it is sent, as a report saved a while ago is: no write-back of it
        # competing with what is measured.
        os.fsync(handle.fileno())
    return path


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def ratios(items: dict[str, tuple[float, float]]) -> str:
    """The last line of every benchmark: each figure divided by its baseline."""
    parts = [f"{name} {value / base:.2f}x" for name, (value, base) in items.items()]
    return "ratios: " + ", ".join(parts)


class CountingTransport(httpx.AsyncHTTPTransport):
    """The network transport, counting requests and 429 answers."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = 0
        self.throttled = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        response = await super().handle_async_request(request)
        if response.status_code == 429:
            self.throttled += 1
        return response


@dataclass
class Sandbox:
    """``python -m app.sandbox`` in a process of its own: its CPU is not the app's. Clients
    made for it may count their calls through ``sr_calls`` and ``berke_calls``."""

    sr_url: str
    berke_url: str
    process: subprocess.Popen[str]
    sr_calls: CountingTransport = field(default_factory=CountingTransport)
    berke_calls: CountingTransport = field(default_factory=CountingTransport)


@contextlib.contextmanager
def sandbox_process(*args: str) -> Iterator[Sandbox]:
    # Niced: it stands for services on other machines, and on a 2-core machine its CPU (parsing
    # uploads, writing listings) must not take the app's turn on a core.
    command = ["nice", "-n", "19", sys.executable, "-m", "app.sandbox", "--port", "0", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=child_env())
    try:
        assert process.stdout is not None
        sr = process.stdout.readline()  # "SmartRecruiters API: http://…/sr/v1"
        berke = process.stdout.readline()  # "Berke API: http://…/berke"
        yield Sandbox(sr.split(":", 1)[1].strip(), berke.split(":", 1)[1].strip(), process)
    finally:
        process.terminate()
        # A guard against a hang only: the sandbox runs at nice 19, and beside busy processes
        # its shutdown may wait its turn for a while.
        process.wait(timeout=60)


@dataclass
class Heartbeat:
    """A beat every ``interval`` seconds on the running event loop (the GUI thread under
    qasync); how late each beat came is how long the loop could not run: a stall.

    ``busy`` is how much CPU the loop's thread used between two beats: a late beat with little
    of it was late because the operating system gave the thread no core in time (a busy
    machine), not because the app's own work held the loop."""

    interval: float = 0.005
    lateness: list[float] = field(default_factory=list)  # seconds
    busy: list[float] = field(default_factory=list)  # seconds of the loop thread's CPU
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.lateness.clear()
        self.busy.clear()
        self._task = asyncio.ensure_future(self._beat())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _beat(self) -> None:
        while True:
            began, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(self.interval)
            self.lateness.append(max(time.perf_counter() - began - self.interval, 0.0))
            self.busy.append(time.thread_time() - cpu)

    def summary(self) -> str:
        ms = [x * 1000 for x in self.lateness]
        busy = [x * 1000 for x in self.busy]
        return (
            f"p50 {quantile(ms, 0.5):.2f} / p99 {quantile(ms, 0.99):.1f} / "
            f"max {max(ms, default=float('nan')):.1f} ms ({len(ms)} beats; the loop's own "
            f"work between beats p99 {quantile(busy, 0.99):.1f} / max "
            f"{max(busy, default=float('nan')):.1f} ms)"
        )

    def busy_p99_ms(self) -> float:
        return quantile(self.busy, 0.99) * 1000

    def busy_max_ms(self) -> float:
        return max(self.busy, default=float("nan")) * 1000

    def p99_ms(self) -> float:
        return quantile(self.lateness, 0.99) * 1000

    def max_ms(self) -> float:
        return max(self.lateness, default=float("nan")) * 1000


@dataclass
class Collections:
    """Every garbage collection while watching: its generation and how long it took."""

    durations: dict[int, list[float]] = field(default_factory=lambda: {0: [], 1: [], 2: []})
    _began: float = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.durations[info["generation"]].append(time.perf_counter() - self._began)

    def __enter__(self) -> Collections:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def summary(self) -> str:
        full = self.durations[2]
        worst = max(full, default=0.0) * 1000
        return f"{len(full)} full collections (longest {worst:.0f} ms)"
